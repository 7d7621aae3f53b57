"""Short IDs (the shortest unique prefix, as git's %h) and due times people can read."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from assign_helpers import log
from conftest import NOW

from sdesk.core import ids


def test_new_ids_put_random_characters_first_and_old_ids_stay_readable():
    import datetime as dt

    now = dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)
    made = [ids.new_id("INC", now, lambda _: False) for _ in range(50)]
    assert all(ids.is_valid(t) and len(t) == 4 + ids.BODY2_CHARS for t in made)
    assert len({t[4:6] for t in made}) > 30  # same second, yet the first characters differ
    assert len({t[-ids.TIME_CHARS:] for t in made}) == 1  # the time comes last
    new = made[0]
    assert ids.relative_path(new) == f"tickets/{new[4]}/{new[5]}/{new}.toml"
    assert ids.relative_path("INC-2Q4N3GF6W9Z") == "tickets/F/6/INC-2Q4N3GF6W9Z.toml"


def test_short_length_is_one_past_the_longest_shared_prefix_with_a_minimum():
    assert ids.short_length("ABCDEFGHJKMN", (None, None)) == ids.SHORT_MIN
    assert ids.short_length("ABCDEFGHJKMN", ("ABCDEF0000", "ABCZ")) == 7
    assert ids.short_length("ABC", ("ABC", None)) == 3  # never longer than the body


def test_tickets_logged_in_the_same_second_get_short_distinct_ids(desk):
    made = [desk.new("-T", f"Printer {i}", "--agency", "OMES") for i in range(6)]
    rows = desk.run("list").stdout.splitlines()[1:]
    shown = [line.split()[0] for line in rows]
    assert len(set(shown)) == 6
    for short in shown:
        assert len(short) <= len("INC-") + 6
        full = desk.ticket(short)["id"]  # the short ID names the ticket
        assert full in made and full.startswith(short)
        assert desk.ticket(short.split("-", 1)[1])["id"] == full  # without the type too


def test_new_prints_the_full_id_and_the_short_one(desk):
    result = desk.run("new", "-T", "Printer", "--agency", "OMES", "-d", "Jammed")
    full = result.stdout.strip()
    assert ids.is_valid(full)
    short = result.stderr.split("short ID: ", 1)[1].split()[0]
    assert full.startswith(short) and len(short) == len("INC-") + ids.SHORT_MIN


def test_show_heads_with_the_short_id_and_shows_both_due_times(desk):
    ticket = log(desk, "Broken thing", "--channel", "email")  # a call is answered (session 39)
    out = desk.run("show", ticket, now="2026-11-23T09:10:00-06:00").stdout
    first = out.splitlines()[0]
    assert ticket.startswith(first.split()[0]) and len(first.split()[0]) < len(ticket)
    assert f"  ID:         {ticket}" in out
    assert "Respond by: 2026-11-23 " in out and "left)" in out
    late = desk.run("show", ticket, now="2026-12-09T09:00:00-06:00").stdout
    assert "(OVERDUE" in late.split("Respond by:")[1].splitlines()[0]
    assert "(OVERDUE" in late.split("Resolve by:")[1].splitlines()[0]


def test_list_and_queue_show_respond_by_and_time_left_without_colour_when_piped(desk):
    log(desk, "Broken thing", "--channel", "email")  # a call is answered (session 39)
    for command in ("list", "queue"):
        out = desk.run(command).stdout
        assert "respond_by" in out.splitlines()[0] and "resolve_by" in out.splitlines()[0]
        assert " left)" in out and "\x1b[" not in out
    late = desk.run("list", now="2026-12-09T09:00:00-06:00").stdout
    assert late.count("(OVERDUE") == 2


def test_json_and_csv_keep_full_ids_and_plain_times(desk):
    ticket = log(desk)
    assert desk.json("list")[0]["id"] == ticket
    csv_out = desk.run("list", "--csv").stdout
    assert ticket in csv_out and "left)" not in csv_out


def _on_a_terminal(desk, *args, env=None, stderr=False):
    """Run sdesk with stdout on a pseudo-terminal; returns what the terminal showed (and what
    went to standard error, with `stderr`)."""
    primary, secondary = pty.openpty()
    full_env = {**os.environ, "SDESK_NOW": "2026-12-09T09:00:00-06:00", "TERM": "xterm",
                **(env or {})}
    full_env.pop("NO_COLOR", None) if "NO_COLOR" not in (env or {}) else None
    proc = subprocess.run([sys.executable, "-m", "sdesk", "--store", str(desk.root), *args],
                          stdout=secondary, stderr=subprocess.PIPE, env=full_env, timeout=60)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.returncode == 0, proc.stderr
    shown = b"".join(chunks).decode()
    return (shown, proc.stderr.decode()) if stderr else shown


def test_overdue_is_red_on_a_terminal_and_plain_with_no_color(desk):
    log(desk)
    shown = _on_a_terminal(desk, "--no-pager", "list")
    assert "\x1b[31m" in shown and "OVERDUE" in shown
    plain = _on_a_terminal(desk, "--no-pager", "list", env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "OVERDUE" in plain
    dumb = _on_a_terminal(desk, "--no-pager", "list", env={"TERM": "dumb"})
    assert "\x1b[" not in dumb and "OVERDUE" in dumb
    assert NOW  # the fixed clock of the other tests is not this one


def test_show_log_and_lists_go_through_the_pager_on_a_terminal_only(desk):
    ticket = log(desk)
    env = {"SDESK_PAGER": "sed 's/^/PAGED: /'"}
    for args in (["show", ticket], ["log", ticket], ["list"]):
        assert "PAGED: " in _on_a_terminal(desk, *args, env=env), args
        assert "PAGED: " not in _on_a_terminal(desk, "--no-pager", *args, env=env), args
    assert "PAGED: " not in _on_a_terminal(desk, "show", ticket, env={**env, "SDESK_PAGER": "cat"})
    piped = desk.run("show", ticket)  # CliRunner: not a terminal
    assert "PAGED" not in piped.stdout


def test_a_pager_that_is_not_installed_prints_the_text_with_a_warning(desk):
    ticket = log(desk)
    for args in (["show", ticket], ["list"]):
        shown, err = _on_a_terminal(desk, *args, env={"SDESK_PAGER": "no-such-pager-xyz -R"},
                                    stderr=True)
        assert "Broken thing" in shown, args  # the text is there, not lost in a pipe to nothing
        assert "pager 'no-such-pager-xyz' not found; printing instead" in err, args


def test_a_pager_that_fails_prints_the_text_with_a_warning(desk):
    # SDESK_PAGER=false took the text and showed nothing: the output was lost without a word.
    ticket = log(desk)
    for args in (["show", ticket], ["list"]):
        shown, err = _on_a_terminal(desk, *args, env={"SDESK_PAGER": "false"}, stderr=True)
        assert "Broken thing" in shown, args
        assert "pager 'false' exited with status 1; printing instead" in err, args
    shown, err = _on_a_terminal(desk, "show", ticket, env={"SDESK_PAGER": "sed 's/^/P: /'"},
                                stderr=True)
    assert "P: " in shown and "Broken thing" in shown and "warning" not in err  # a pager that works
