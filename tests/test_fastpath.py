"""The start-up fast path (sdesk/launch.py): `show`, `list` and `queue` without click.

Two promises, both checked here with real processes on a real store:
- its grammar is what the click commands declare (a new option, or a changed choice, fails this
  file until the fast path learns it or hands it over);
- for every argv it either prints exactly what click's path prints (stdout, stderr, exit code),
  to a pipe and to a terminal (colour, the pager), or hands over to click before printing
  anything.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from bench.generate import write_tickets
from sdesk import __version__
from sdesk.cli import cli
from sdesk.commands import showtext
from sdesk.commands.listing import list_tickets, queue
from sdesk.commands.show import show
from sdesk.core.model import Csat, Hold, Requester, Resolution, Ticket, dumps, journal_entry
from sdesk.core.render import printable_copy
from sdesk.core.ticketdoc import TicketView
from sdesk.launch import ALIASES, ARGUMENTS, CHOICES, FLAG, GRAMMAR, HANDED_OVER, MANY, VALUE, parse
from sdesk.store import Store
from tests.conftest import NOW, Desk

# click's path, as the console script ran before sdesk/launch.py existed.
CLICK = "import sys; sys.argv[0] = 'sdesk'; from sdesk.cli import main; main()"
# The fast path, reporting on stderr whether it answered and whether click was loaded.
FAST = ("import sys; sys.argv[0] = 'sdesk'; from sdesk import launch\n"
        "code = launch.fast(sys.argv[1:])\n"
        "sys.stderr.write(f'\\x00FAST={code} CLICK={\"click\" in sys.modules}\\x00')\n"
        "if code is None:\n    from sdesk.cli import main; main()\n"
        "sys.exit(code)")


COMMANDS: dict[str, click.Command] = {"": cli, "show": show, "list": list_tickets, "queue": queue}


def _declared(command: click.Command) -> dict[str, tuple[str, str]]:
    """Every option string the command declares (help included) -> (its first long name, its
    kind as sdesk.launch names it)."""
    out: dict[str, tuple[str, str]] = {}
    for param in command.get_params(click.Context(command)):
        if isinstance(param, click.Option):
            long = next(o for o in param.opts if o.startswith("--"))
            kind = FLAG if param.is_flag else MANY if param.multiple else VALUE
            for name in (*param.opts, *param.secondary_opts):
                out[name] = (long, kind)
    return out


def test_the_grammar_is_what_the_click_commands_declare() -> None:
    assert set(GRAMMAR) == set(COMMANDS) == set(HANDED_OVER) == {"", *ARGUMENTS}
    for name, command in COMMANDS.items():
        declared = _declared(command)
        aliases = ALIASES.get(name, {})
        known = {o: kind for o, (_, kind) in declared.items()
                 if o not in HANDED_OVER[name] and o not in aliases}
        assert known == GRAMMAR[name], name
        # every declared option is known or handed over (-h: the group's help name for all)
        assert set(declared) <= set(GRAMMAR[name]) | set(HANDED_OVER[name]) | set(aliases), name
        assert "--help" in declared and set(HANDED_OVER[name]) - {"-h"} <= set(declared), name
        assert {a: declared[a][0] for a in aliases} == aliases, name
        arguments = [(a.name, a.nargs, a.required) for a in command.params
                     if isinstance(a, click.Argument)]
        assert len(arguments) == ARGUMENTS.get(name, 0), name
    assert [(a.name, a.nargs, a.required) for a in show.params
            if isinstance(a, click.Argument)] == [("ticket_id", 1, True)]
    now = next(p for p in cli.params if p.name == "now_text")
    assert now.envvar == "SDESK_NOW"  # the fast path reads the same variable


def test_the_choices_are_what_the_click_commands_accept() -> None:
    for command in (list_tickets, queue):
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            name = next(o for o in param.opts if o.startswith("--"))
            if name not in GRAMMAR[command.name or ""]:
                continue
            if isinstance(param.type, click.Choice):
                assert tuple(param.type.choices) == CHOICES[name], name
                assert param.type.case_sensitive, name
            elif isinstance(param.type, click.IntRange):
                low, high = param.type.min, param.type.max
                if name == "--limit":
                    assert (low, high, param.type.min_open) == (1, None, False)
                else:
                    assert CHOICES[name] == tuple(str(n) for n in range(low, high + 1)), name
            else:
                assert param.type == click.STRING or param.is_flag, name
                assert name not in CHOICES, name
            # no default the fast path would have to know, but --sort's
            defaults = command.make_context(command.name, []).params
            # (an option that sets the context and gives no value, --no-pager, has none)
            assert defaults.get(param.name or "") in (None, False, (), "opened"), name
    sort = next(p for p in list_tickets.params if p.name == "sort")
    assert sort.default == "opened"  # the fast path's default


@pytest.mark.parametrize("argv, parsed", [
    (["show", "X"], ("show", {}, ["X"])),
    (["--store", "S", "show", "X"], ("show", {"--store": "S"}, ["X"])),
    (["--store=S", "--no-pager", "show", "X"], ("show", {"--store": "S", "--no-pager": ""}, ["X"])),
    (["--now=2026-11-23T09:00", "show", "X"], ("show", {"--now": "2026-11-23T09:00"}, ["X"])),
    (["list"], ("list", {}, [])),
    (["list", "-n", "5", "--status", "new", "--status=assigned", "-w", "--json"],
     ("list", {"--limit": "5", "--status": ["new", "assigned"], "--wide": "", "--json": ""}, [])),
    (["queue", "--team", "IS-Service Desk", "--limit=50"],
     ("queue", {"--team": "IS-Service Desk", "--limit": "50"}, [])),
    (["list", "--priority", "1", "--priority", "4", "--vip", "--overdue"],
     ("list", {"--priority": ["1", "4"], "--vip": "", "--overdue": ""}, [])),
    (["show"], None), (["show", "X", "Y"], None), (["show", "--json", "X"], None),
    (["show", "X", "--store", "S"], None), (["--store", "S", "--store", "T", "show", "X"], None),
    (["--store", "--now", "show", "X"], None), (["--no-pager=1", "show", "X"], None),
    (["--store"], None), (["", "X"], None), (["--version"], None),
    (["show", "-h"], None), (["show", "--", "X"], None), (["--actor", "dana", "show", "X"], None),
    (["list", "X"], None), (["list", "--status", "New"], None), (["list", "--priority", "5"], None),
    (["list", "-n", "0"], None), (["list", "-n5"], None), (["list", "-n=5"], None),
    (["list", "--limit", "x"], None), (["list", "--limit", "٣"], None), (["list", "-wn", "5"], None),
    (["list", "--team", "A", "--team", "B"], None), (["list", "--csv"], None),
    (["list", "--assignee", "@me"], None), (["list", "--since", "today"], None),
    (["list", "--fmt", "plain"], None), (["list", "--text", "-x"], None), (["list", "--"], None),
    (["list", "--sort", "opened_at"], None), (["queue", "--status", "new"], None),
    (["queue", "--team"], None), (["list", "--vip=1"], None), (["list", "--help"], None),
    (["list", "--stat", "new"], None), (["--no-pager", "list", "--no-pager"], None),
])
def test_argv_outside_the_grammar_goes_to_click(argv: list[str], parsed: object) -> None:
    assert parse(argv) == parsed


def _run(code: str, argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[bytes, bytes, int]:
    proc = subprocess.run([sys.executable, "-c", code, *argv], cwd=cwd, env=env,
                          capture_output=True, check=False)
    return proc.stdout, proc.stderr, proc.returncode


@pytest.fixture
def store(desk: Desk) -> Desk:
    """Tickets that exercise every part of show's text: relations from both sides, a hold, a
    resolution, a public note, stored control characters."""
    a = desk.new("-T", "Teams audio drops", "--email", "CIO@omes.ok.gov", "--agency",
                 "omes", "--service", "Teams")
    desk.entitle(a, "Teams audio drops \x1b[2J")  # new refuses it; a push may carry it
    b = desk.new("-T", "Printer jams")
    desk.run("relate", b, a)
    desk.run("note", a, "Called back", "--public")
    desk.run("hold", b, "--reason", "awaiting-customer", "--asked-by-phone", "--note", "On leave")
    c = desk.new("-T", "Password reset", "--service", "Password Reset")
    desk.run("resolve", c, "--code", "fixed", "--summary", "Reset it", "--first-contact")
    d, e = _rich_tickets(desk, a)
    write_tickets(desk.root, 12, seed=5)
    desk.git("add", "tickets")
    desk.git("commit", "-q", "-m", "hand-made and generated tickets")
    (desk.root / ".ids").write_text(f"{a}\n{b}\n{c}\n{d}\n{e}\n")
    return desk


def _rich_tickets(desk: Desk, other: str) -> tuple[str, str]:
    """Two ticket files written as a hand edit would: every field kind filled (lists, tables,
    times in other zones, floats, unicode, a bidi control, a tab), flags and a pending
    proposal with its triage note on the open one, a resolution, CSAT, holds and an [import]
    table on the closed one."""
    at = dt.datetime.fromisoformat
    entry = journal_entry(at("2026-11-20T08:00:00-06:00"), "Triage", "triage",
                          "Proposed (priority): P2, the text says the whole floor. Accept: ...",
                          rule="incident-3")
    open_one = Ticket(
        id="INC-1S0PEN7C4S3", type="incident", title="Ünïcode — 東京 printer\u202e\tdown ✓",
        opened_at=at("2026-11-20T07:30:00-06:00"), status="in-progress", priority=3, impact=1,
        urgency=3, channel="email", team="IS-Service Desk", assignee="Ana Ruiz", vip=True,
        service="Printing", category="Hardware", software="PaperCut", location="2nd floor",
        remote=False, skills=["printers", "networking"], requested_technician="Bo Lee",
        effort_hours=2.5, tier=2, parent=other, related=[other], kb=["KB0001"],
        flags=["needs-callback", "proposed:priority:2"], external_ref="INC0099123",
        message_ids=["abc@omes.ok.gov"], reopens=1, reassignments=2,
        updated_at=at("2026-11-21T10:00:00+00:00"), respond_by=at("2026-11-20T09:30:00-06:00"),
        resolve_by=at("2026-11-22T07:30:00-06:00"), first_response_at=at("2026-11-20T08:10:00-06:00"),
        assigned_at=at("2026-11-20T08:05:00-06:00"),
        description="Line one\n\tindented — ünïcode\nthird \x1b[31mline",
        requester=Requester(name="Zoë Ñúñez", email="zoe@omes.ok.gov", agency="OMES",
                            phone="405-555-0100"),
        journal=[entry, journal_entry(at("2026-11-20T09:00:00-05:00"), "Ana Ruiz", "note",
                                      "Called — no answer\nLeft a voicemail", visibility="public")])
    done = Ticket(
        id="REQ-1SD0NE7C4S3", type="request", title="New monitor", status="closed",
        opened_at=at("2026-11-02T07:30:00-06:00"), team="IS-Desktop Support", assignee="Bo Lee",
        respond_by=at("2026-11-02T11:30:00-06:00"), resolve_by=at("2026-11-05T07:30:00-06:00"),
        resolved_at=at("2026-11-06T07:30:00-06:00"), closed_at=at("2026-11-09T07:30:00-06:00"),
        duplicate_of=other, kb=["KB0002", "KB0003"],
        resolution=Resolution(code="fixed", summary="Delivered — ✓", by="Bo Lee",
                              first_contact=False),
        csat=Csat(score=4, at=at("2026-11-07T07:30:00-06:00"), comment="Quick, thanks"),
        holds=[Hold(start=at("2026-11-03T07:30:00-06:00"), end=at("2026-11-04T07:30:00-06:00"),
                    reason="awaiting-vendor")],
        imported={"number": "RITM0012345", "made_sla": "false"})
    store = Store(desk.root)
    for ticket in (open_one, done):
        path = store.path_of(ticket.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(ticket), encoding="utf-8")
    return open_one.id, done.id


def _matrix(ids: list[str]) -> list[tuple[list[str], dict[str, str], bool]]:
    """(argv, extra environment, whether the fast path answers)."""
    a, b, c, d, e = ids
    when = {"SDESK_NOW": NOW}
    return [
        (["show", a], when, True), (["show", b], when, True), (["show", c], when, True),
        (["show", d], when, True), (["show", e], when, True), (["show", "inc0099123"], when, True),
        (["--now", "2026-11-21T08:00:00+09:00", "show", d], {}, True),
        (["show", a[:8].lower()], when, True), (["show", b.split("-")[1][:7]], when, True),
        (["--now", NOW, "show", b], {}, True), (["--now=2026-12-01T10:00", "show", a], {}, True),
        (["--no-pager", "show", a], when, True), (["show", a], {"SDESK_NOW": "2026-12-01"}, True),
        (["--store", ".", "show", a], when, True), (["--store=.", "show", c], when, True),
        # handed over (or failing) on purpose: click's answer is the one printed
        (["show", "INC-"], when, False), (["show", "INC-NOPE"], when, False),
        (["show", ""], when, False), (["show", "../../etc/passwd"], when, False),
        (["show", a, "--json"], when, False), (["show", a, "--help"], when, False),
        (["show"], when, False), (["show", a, b], when, False), (["show", "--bogus", a], when, False),
        (["--now", "2 hours ago", "show", a], {}, False), (["--now", "not a date", "show", a], {}, False),
        (["show", a], {"SDESK_NOW": "yesterday"}, False), (["--store", "/nowhere", "show", a], when, False),
        (["--actor", "nobody@x", "show", a], when, False), (["--version"], when, False),
        (["show", a], {**when, "_SDESK_COMPLETE": "bash_complete"}, False),
        *_list_matrix(when),
    ]


def _list_matrix(when: dict[str, str]) -> list[tuple[list[str], dict[str, str], bool]]:
    """`list` and `queue`: options, empty results, JSON, errors, exit codes."""
    later = {"SDESK_NOW": "2027-01-05T09:00:00-06:00"}  # everything open is overdue
    answered = [
        ["list"], ["list", "--all"], ["list", "--json"], ["list", "--all", "--json"],
        ["list", "-w"], ["list", "--wide", "--all", "-n", "2"], ["list", "--status", "resolved"],
        ["list", "--status", "on-hold", "--status", "new", "--json"], ["list", "--type", "incident"],
        ["list", "--vip"], ["list", "--overdue"], ["list", "--priority", "3", "--priority", "2"],
        ["list", "--unassigned", "--sort", "priority"], ["list", "--text", "PRINTER jams"],
        ["list", "--requester", "CIO@omes.ok.gov", "--all"], ["list", "--flag", "proposed"],
        ["list", "--sort", "updated", "-n", "1", "--json"], ["list", "--team", "is-service desk"],
        ["list", "--status", "closed"], ["list", "--status", "closed", "--json"],
        ["list", "--text", ""], ["list", "--requester", ""], ["list", "--sort=resolve-by"],
        ["queue"], ["queue", "--json"], ["queue", "-w", "-n", "1"],
        ["queue", "--team", "IS-Service Desk", "--limit", "1"], ["--no-pager", "queue"],
        ["--store", ".", "list", "--all", "-w"],
    ]
    handed = [
        ["list", "--team", "Nobody"], ["list", "--team", ""], ["list", "--flag", "a b"],
        ["list", "--status", "bogus"], ["list", "-n", "0"], ["list", "--csv"],
        ["list", "--json", "--csv"], ["list", "--assignee", "@me"], ["list", "--since", "yesterday"],
        ["list", "--fmt", "grid"], ["queue", "--help"], ["queue", "--team", "Nope"],
        ["list", "extra"], ["list", "--limit"], ["queue", "--status", "new"], ["list", "-n5"],
        ["list", "--agency", "omes"], ["list", "--raw", "--csv"], ["--actor", "x", "list"],
    ]
    return ([(argv, when, True) for argv in answered]
            + [(["--now", "2027-01-05T09:00", *argv], {}, True) for argv in answered[:12]]
            + [(argv, later, True) for argv in (["list", "--overdue"], ["queue", "-w"])]
            + [(argv, when, False) for argv in handed])


def test_show_renders_a_file_as_the_model_reads_it(store: Desk) -> None:
    """`show` renders the checked file (sdesk.core.ticketdoc.TicketView), not the ticket
    model: for every ticket of the store, with and without colour, at two times, the text is
    the one the model's Ticket renders to, byte for byte; a pending proposal is rendered
    from the model with its evidence."""
    st = Store(store.root)
    ids = [r["id"] for r in store.json("list", "--all")]
    assert len(ids) >= 17
    for when in ("2026-11-23T09:00:00-06:00", "2026-11-02T09:00:00+05:30"):
        now = dt.datetime.fromisoformat(when)
        for tid in ids:
            doc, ticket = st.load_checked(tid), st.load(tid)
            links = showtext.relations(st, ticket)
            assert showtext.relations(st, TicketView(doc)) == links
            for colour in (False, True):
                want = showtext.render(printable_copy(ticket), links, now, tid[:9], colour,
                                       [("attachments/x", 3)])
                got = showtext.render(TicketView(printable_copy(doc)), links, now, tid[:9],
                                      colour, [("attachments/x", 3)])
                assert got == want, tid
    rich = (store.root / ".ids").read_text().split()[3]
    text = showtext.page(st, rich, lambda: dt.datetime.fromisoformat(NOW), False)
    assert "Proposed:   priority (2): P2, the text says the whole floor; sdesk triage" in text
    assert "\\u202e" in text and "\x1b" not in text and "東京" in text


def test_both_paths_print_the_same_bytes_and_exit_codes(store: Desk) -> None:
    ids = (store.root / ".ids").read_text().split()
    base = {k: v for k, v in os.environ.items() if not k.startswith("SDESK_")}
    for argv, extra, answers in _matrix(ids):
        env = {**base, **extra}
        want = _run(CLICK, argv, store.root, env)
        out, err, code = _run(FAST, argv, store.root, env)
        before, report, after = err.split(b"\x00")
        err = before + after
        assert (out, err, code) == want, argv
        if answers:
            assert report == b"FAST=0 CLICK=False", argv
            assert want[2] == 0 and want[0], argv
        else:
            assert report.startswith(b"FAST=None"), argv


def _on_a_terminal(code: str, argv: list[str], cwd: Path, env: dict[str, str]
                   ) -> tuple[bytes, bytes, int]:
    """(what the terminal showed, stderr, exit code) of a run whose stdout is a terminal."""
    import pty

    main, side = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", code, *argv], cwd=cwd, env=env,
                            stdout=side, stderr=subprocess.PIPE)
    os.close(side)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal's other side closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    err = proc.stderr.read() if proc.stderr else b""
    return shown, err, proc.wait()


def test_on_a_terminal_both_paths_show_the_same_colour_and_pager(store: Desk) -> None:
    """Colour as click decided it (TERM, NO_COLOR), a table's layout for a terminal, the
    pager ($SDESK_PAGER, or none with --no-pager or `cat`), on a real pseudo-terminal."""
    a, b = (store.root / ".ids").read_text().split()[:2]
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("SDESK_") and k not in ("NO_COLOR", "PAGER", "LESS")}
    base.update(TERM="xterm-256color", SDESK_NOW="2027-01-05T09:00:00-06:00")
    soon = {"SDESK_NOW": "2026-11-23T16:30:00-06:00"}
    pager = {"SDESK_PAGER": "sed 's/^/paged: /'"}
    cases: list[tuple[list[str], dict[str, str]]] = [
        (["list"], {}), (["list", "-w", "--all"], {}), (["queue"], {}), (["show", a], {}),
        (["show", b], {}), (["list"], soon), (["show", a], soon), (["list"], {"NO_COLOR": "1"}),
        (["show", a], {"TERM": "dumb"}), (["list", "--json"], {}), (["list"], pager),
        (["show", a], pager), (["--no-pager", "list"], pager), (["list"], {"SDESK_PAGER": "cat"}),
        (["list", "--status", "closed"], pager), (["queue", "--team", "Nope"], {}),
    ]
    coloured = 0
    for argv, extra in cases:
        env = {**base, **extra}
        want = _on_a_terminal(CLICK, argv, store.root, env)
        shown, err, code = _on_a_terminal(FAST, argv, store.root, env)
        before, report, after = err.split(b"\x00")
        assert (shown, before + after, code) == want, argv
        assert report.startswith(b"FAST=0 CLICK=False" if code == 0 else b"FAST=None"), argv
        coloured += b"\x1b[31m" in shown
        if extra == pager and "--no-pager" not in argv and "closed" not in argv:  # "(none)"
            assert b"paged: " in shown, argv                                      # is not paged
    assert coloured >= 4  # the colour cases did show colour


def test_colour_codes_are_the_ones_click_writes() -> None:
    import datetime as dt

    from sdesk.core.due import cell

    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    for due, fg in ((now - dt.timedelta(hours=2), "red"), (now + dt.timedelta(minutes=20),
                                                             "yellow")):
        plain = cell(due, now)
        assert cell(due, now, colour=True) == click.style(plain, fg=fg, bold=fg == "red")


def test_a_closed_pipe_is_not_an_error(store: Desk) -> None:
    a = (store.root / ".ids").read_text().split()[0]
    env = {**os.environ, "SDESK_NOW": NOW}
    proc = subprocess.run(f"{sys.executable} -m sdesk show {a} | head -c 1", shell=True,
                          cwd=store.root, env=env, capture_output=True, check=False)
    assert proc.stdout == a[:1].encode() and proc.stderr == b""
    for argv in ("list --all", "list --all --json"):
        proc = subprocess.run(f"{sys.executable} -m sdesk {argv} | head -c 1", shell=True,
                              cwd=store.root, env=env, capture_output=True, check=False)
        assert len(proc.stdout) == 1 and proc.stderr == b"", argv


MAIN = ("import sys; sys.argv[0] = 'sdesk'; from sdesk import launch\n"
        "try:\n    launch.main()\n"
        "finally:\n    sys.stderr.write(f'CLICK={\"click\" in sys.modules}')")


@pytest.mark.parametrize("argv", [["--version"], ["--version", "--bogus"],
                                  ["--no-pager", "--version"]])
def test_the_console_script_prints_the_version_as_click_does(argv: list[str],
                                                               tmp_path: Path) -> None:
    """`sdesk --version` alone is answered without click (the start-up budget row of `make
    bench`); with anything else on the line click answers. Same bytes, same exit code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDESK_")}
    out, err, code = _run(MAIN, argv, tmp_path, env)
    assert (out, code) == _run(CLICK, argv, tmp_path, env)[::2]
    assert err.endswith(b"CLICK=False" if argv == ["--version"] else b"CLICK=True")
    if argv == ["--version"]:
        assert out == b"sdesk " + __version__.encode() + b"\n" and code == 0
