"""What our output does to others (docs/crash-safety.md, "Output"): stored text never drives a
terminal (control characters shown escaped in every human output, JSON exact), and a CSV cell
never runs as a spreadsheet formula unless --raw asks for the bytes as stored."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import Desk

from sdesk.core.render import csv_cell, printable

ESC_TITLE = ("Printer \x1b]0;owned\x07 \x1b[2J \x1b]8;;http://evil.example\x1b\\click"
             "\x1b]8;;\x1b\\ \u202egpj.exe")
BAD = ("\x1b", "\x07", "\u202e", "\x9b")


def _clean(text: str) -> None:
    for char in BAD:
        assert char not in text, repr(text)


def test_printable_escapes_controls_and_keeps_plain_text() -> None:
    assert printable("plain text, ünïcode — ok\n\tindented") == "plain text, ünïcode — ok\n\tindented"
    assert printable("a\x1b[2Jb\x07c\x9bd\u202ee") == "a\\x1b[2Jb\\x07c\\x9bd\\u202ee"
    assert printable("a\tb", keep_tabs=False) == "a\\x09b"
    assert printable("a\r\nb") == "a\\x0d\nb"


@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("-3", "-3"), ("-1.5", "-1.5"), ("plain", "plain"), ("", ""), (3, 3),
])
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def test_terminal_escapes_in_stored_text_are_shown_escaped_everywhere(desk: Desk) -> None:
    from sdesk.core.model import journal_entry

    tid = desk.new("-T", "Printer", "-d", "line one")
    desk.entitle(tid, ESC_TITLE)  # new refuses it; a collaborator's push may carry it

    def escapes(ticket):  # refused when typed too (session 33): a push or mail may carry them
        ticket.description = "line one\n\x1b[31mred\x1b[0m\x07"
        ticket.journal.append(journal_entry(ticket.opened_at, "Eve", "note",
                                            "bell \x07 and \x1b]0;title\x07"))

    desk.collaborate(tid, escapes)
    show = desk.run("show", tid).stdout
    _clean(show)
    assert "\\x1b]0;owned\\x07" in show and "\\u202egpj.exe" in show
    for args in (["list"], ["list", "--wide"], ["queue"], ["log", tid], ["log", tid, "-p"],
                 ["list", "--fmt", "grid"], ["kb", "search", "printer"]):
        out = desk.run(*args).stdout
        _clean(out)
    assert "\\x1b" in desk.run("list").stdout
    data = desk.json("show", tid)  # JSON keeps the text exact
    assert data["title"] == ESC_TITLE
    assert json.loads(desk.run("list", "--json").stdout)[0]["title"] == ESC_TITLE


def test_commit_messages_carry_stored_text_escaped(desk: Desk) -> None:
    # A title with them is refused by new (test_bad_input), a control character in a note
    # too (session 33); a bidirectional override in a note is not.
    tid = desk.new("-T", "Invoice", "-d", "x")
    desk.run("note", tid, "see attached \u202eFDP.scr")
    log = desk.git("log", "--format=%B", "-n", "1")
    assert "\u202e" not in log, log
    assert "see attached \\u202eFDP.scr" in log, log
    assert desk.fails("note", tid, "see \x1b[2J attached", code=1).stderr == (
        "sdesk: error: note must not contain control characters: U+001B at character 5\n")


def test_a_table_with_wide_characters_keeps_its_columns_in_line(desk: Desk) -> None:
    # tabulate measures display width with wcwidth: 王小明 takes six columns, not three
    desk.new("-T", "東京 printer down", "--name", "王小明", "--agency", "OMES", "-d", "x")
    desk.new("-T", "plain one", "--name", "Bob Smith", "--agency", "OMES", "-d", "x")
    import wcwidth

    rows = desk.run("list", "--wide").stdout.splitlines()[1:]
    starts = {wcwidth.wcswidth(row[:row.index("OMES")]) for row in rows}
    assert len(rows) == 2 and len(starts) == 1, rows


def test_error_messages_quoting_stored_text_are_escaped(desk: Desk) -> None:
    result = desk.fails("show", "INC-\x1b[2J")
    _clean(result.stderr)


def test_list_and_export_csv_neutralise_formulas_and_raw_keeps_them(desk: Desk) -> None:
    title = '=HYPERLINK("http://evil.example","click")'
    desk.new("-T", title, "--name", "@Mallory", "--email", "m@omes.ok.gov")
    rows = list(csv.DictReader(io.StringIO(desk.run("list", "--csv", "--wide").stdout)))
    assert rows[0]["title"] == "'" + title and rows[0]["requester"] == "'@Mallory"
    raw = list(csv.DictReader(io.StringIO(desk.run("list", "--csv", "--raw").stdout)))
    assert raw[0]["title"] == title
    exported = list(csv.DictReader(io.StringIO(desk.run("export", "--csv").stdout)))
    assert exported[0]["short_description"] == "'" + title
    raw_export = list(csv.DictReader(io.StringIO(desk.run("export", "--csv", "--raw").stdout)))
    assert raw_export[0]["short_description"] == title
    for row in exported:
        for value in row.values():
            assert not value or (value[0] not in "=+@\t\r" and not (
                value[0] == "-" and not value.lstrip("-").replace(".", "").isdigit())), value


def test_sdesk_own_colour_is_kept_and_stored_escapes_are_not() -> None:
    import datetime as dt

    from sdesk.core.model import JournalEntry, Ticket
    from sdesk.core.render import Styled, _cell, printable_copy

    assert _cell(Styled("\x1b[31m2026-11-23 10:00 (OVERDUE 1h)\x1b[0m")).startswith("\x1b[31m")
    assert _cell("\x1b[31mred title") == "\\x1b[31mred title"
    when = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    t = Ticket(id="INC-2Q5514DDKAJ", type="incident", title="a\x1b[2Jb", opened_at=when)
    t.journal.append(JournalEntry(at=when, by="Eve\x07", text="x\x1b]0;t\x07"))
    safe = printable_copy(t)
    assert (safe.title, safe.journal[0].by, safe.journal[0].text) == (
        "a\\x1b[2Jb", "Eve\\x07", "x\\x1b]0;t\\x07")
    assert t.title == "a\x1b[2Jb" and safe.opened_at == when
