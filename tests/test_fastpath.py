"""The start-up fast path (sdesk/launch.py): `sdesk show ID` without click.

Two promises, both checked here with real processes on a real store:
- its grammar is what the click commands declare (a new option fails this file until the fast
  path learns it or hands it over);
- for every argv it either prints exactly what click's path prints (stdout, stderr, exit code)
  or hands over to click before printing anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sdesk.cli import cli
from sdesk.commands.show import show
from sdesk.launch import ARGUMENTS, GRAMMAR, HANDED_OVER, parse
from tests.conftest import NOW, Desk

# click's path, as the console script ran before sdesk/launch.py existed.
CLICK = "import sys; sys.argv[0] = 'sdesk'; from sdesk.cli import main; main()"
# The fast path, reporting on stderr whether it answered and whether click was loaded.
FAST = ("import sys; sys.argv[0] = 'sdesk'; from sdesk import launch\n"
        "code = launch.fast(sys.argv[1:])\n"
        "sys.stderr.write(f'\\x00FAST={code} CLICK={\"click\" in sys.modules}\\x00')\n"
        "if code is None:\n    from sdesk.cli import main; main()\n"
        "sys.exit(code)")


def _declared(command: click.Command) -> dict[str, bool]:
    """Every option string the command declares (help included) -> whether it takes a value."""
    out: dict[str, bool] = {}
    for param in command.get_params(click.Context(command)):
        if isinstance(param, click.Option):
            for name in (*param.opts, *param.secondary_opts):
                out[name] = not param.is_flag
    return out


def test_the_grammar_is_what_the_click_commands_declare() -> None:
    for name, command in (("", cli), ("show", show)):
        declared = _declared(command)
        assert {o: v for o, v in declared.items() if o not in HANDED_OVER} == GRAMMAR[name]
        assert set(declared) <= set(GRAMMAR[name]) | set(HANDED_OVER)
    arguments = [p for p in show.params if isinstance(p, click.Argument)]
    assert [(a.name, a.nargs, a.required) for a in arguments] == [("ticket_id", 1, True)]
    assert ARGUMENTS == {"show": 1} and set(GRAMMAR) == {"", "show"}
    now = next(p for p in cli.params if p.name == "now_text")
    assert now.envvar == "SDESK_NOW"  # the fast path reads the same variable


@pytest.mark.parametrize("argv, parsed", [
    (["show", "X"], ("show", {}, ["X"])),
    (["--store", "S", "show", "X"], ("show", {"--store": "S"}, ["X"])),
    (["--store=S", "--no-pager", "show", "X"], ("show", {"--store": "S", "--no-pager": ""}, ["X"])),
    (["--now=2026-11-23T09:00", "show", "X"], ("show", {"--now": "2026-11-23T09:00"}, ["X"])),
    (["show"], None), (["show", "X", "Y"], None), (["show", "--json", "X"], None),
    (["show", "X", "--store", "S"], None), (["--store", "S", "--store", "T", "show", "X"], None),
    (["--store", "--now", "show", "X"], None), (["--no-pager=1", "show", "X"], None),
    (["--store"], None), (["list"], None), (["", "X"], None), (["--version"], None),
    (["show", "-h"], None), (["show", "--", "X"], None), (["--actor", "dana", "show", "X"], None),
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
    a = desk.new("-T", "Teams audio drops \x1b[2J", "--email", "CIO@omes.ok.gov", "--agency",
                 "omes", "--service", "Teams")
    b = desk.new("-T", "Printer jams")
    desk.run("relate", b, a)
    desk.run("note", a, "Called back", "--public")
    desk.run("hold", b, "--reason", "awaiting-customer", "--note", "On leave")
    c = desk.new("-T", "Password reset", "--service", "Password Reset")
    desk.run("resolve", c, "--code", "fixed", "--summary", "Reset it", "--first-contact")
    (desk.root / ".ids").write_text(f"{a}\n{b}\n{c}\n")
    return desk


def _matrix(ids: list[str]) -> list[tuple[list[str], dict[str, str], bool]]:
    """(argv, extra environment, whether the fast path answers)."""
    a, b, c = ids
    when = {"SDESK_NOW": NOW}
    return [
        (["show", a], when, True), (["show", b], when, True), (["show", c], when, True),
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
    ]


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


def test_a_closed_pipe_is_not_an_error(store: Desk) -> None:
    a = (store.root / ".ids").read_text().split()[0]
    env = {**os.environ, "SDESK_NOW": NOW}
    proc = subprocess.run(f"{sys.executable} -m sdesk show {a} | head -c 1", shell=True,
                          cwd=store.root, env=env, capture_output=True, check=False)
    assert proc.stdout == a[:1].encode() and proc.stderr == b""
