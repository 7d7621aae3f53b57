"""The write path without click (sdesk/fastwrite.py): `sdesk note ID TEXT` and `sdesk new ...`.

Two promises, both checked here with real processes on real stores:
- its tables are what the click commands declare: option strings, parameter names, defaults,
  choices and ranges (a new option of `note` or `new` fails this file until the fast path
  learns it or hands it over);
- for every argv it either does exactly what click's path does (stdout, stderr, exit code, the
  files and the commit) or hands over to click before reading or writing anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sdesk.cli import cli
from sdesk.commands.new import new
from sdesk.commands.note import note
from sdesk.fastwrite import GROUP, HANDED_OVER, NEW, NEW_DEFAULTS, NOTE, NOTE_ARGUMENTS, parse
from tests.conftest import NOW, Desk

CLICK = "import sys; sys.argv[0] = 'sdesk'; from sdesk.cli import main; main()"
# The fast path, reporting on stderr whether it answered and whether click was loaded.
FAST = ("import sys; sys.argv[0] = 'sdesk'; from sdesk import fastwrite\n"
        "code = fastwrite.fast(sys.argv[1:])\n"
        "sys.stderr.write(f'\\x00FAST={code} CLICK={\"click\" in sys.modules}\\x00')\n"
        "if code is None:\n    from sdesk.cli import main; main()\n"
        "sys.exit(code)")


def _kind(param: click.Option) -> object:
    """A click option's kind in fastwrite's terms."""
    if param.is_flag and param.secondary_opts:
        return "pair"
    if param.is_flag:
        return "flag"
    if param.multiple:
        return "multiple"
    if isinstance(param.type, click.Choice):
        return ("choice", tuple(param.type.choices))
    if isinstance(param.type, click.IntRange):
        return ("int", param.type.min, param.type.max)
    if param.type is click.FLOAT:
        return "float"
    return "text" if param.type is click.STRING else repr(param.type)


@pytest.mark.parametrize("name, command, table", [
    ("", cli, {o: (n, "text" if v else "flag") for o, (n, v) in GROUP.items()}),
    ("note", note, NOTE), ("new", new, NEW)])
def test_the_tables_are_what_the_click_commands_declare(name: str, command: click.Command,
                                                        table: dict[str, tuple[str, object]]
                                                        ) -> None:
    declared: dict[str, tuple[str, object]] = {}
    for param in command.get_params(click.Context(command)):
        if not isinstance(param, click.Option):
            continue
        kind = _kind(param)
        if kind == "pair":
            for opt in param.opts:
                declared[opt] = (str(param.name), ("switch", True))
            for opt in param.secondary_opts:
                declared[opt] = (str(param.name), ("switch", False))
        else:
            for opt in param.opts:
                declared[opt] = (str(param.name), kind)
        if name == "new" and param.name in NEW_DEFAULTS:
            default = param.default
            if not isinstance(default, (str, int, float, tuple, list)):  # click's UNSET
                default = False if param.is_flag else None  # what click passes then
            default = tuple(default or ()) if param.multiple else default
            assert NEW_DEFAULTS[param.name] == default, param.name
    assert {o: k for o, k in declared.items() if o not in HANDED_OVER[name]} == table
    assert set(HANDED_OVER[name]) - {"-h"} <= set(declared)  # -h: the group's context
    if name == "new":
        assert set(NEW_DEFAULTS) == {n for n, _ in NEW.values()} | {"title", "description"} - {""}
    if name == "note":
        arguments = [p for p in note.params if isinstance(p, click.Argument)]
        assert tuple(a.name for a in arguments) == NOTE_ARGUMENTS
    now = next(p for p in cli.params if p.name == "now_text")
    assert now.envvar == "SDESK_NOW"  # the fast path reads the same variable


@pytest.mark.parametrize("argv", [
    ["note", "X"], ["note", "X", "-"], ["note", "X", "y", "--json"], ["note", "--", "X", "y"],
    ["note", "X", "y", "--public", "--public"], ["note", "X", "y", "--public=1"],
    ["--store", "--now", "note", "X", "y"], ["note", "-h"], ["new", "--help"],
    ["new", "-T", "x", "--impact", "4"], ["new", "-T", "x", "--impact", "two"],
    ["new", "-T", "x", "--type", "bogus"], ["new", "-T", "x", "--json"],
    ["new", "-T", "x", "--from-email", "m.eml"], ["new", "-T", "x", "-d", "-"],
    ["new", "-T", "x", "--title", "y"], ["new", "-Tx"], ["new", "--effort", "lots", "-T", "x"],
    ["new", "-T", "x", "--remote", "--on-site"], ["list"], ["--version"],
])
def test_argv_outside_the_tables_goes_to_click(argv: list[str]) -> None:
    parsed = parse(argv)
    if parsed is not None:  # parsed, but refused by fast() (note without TEXT, new without -T)
        command, _group, _params, args = parsed
        assert (command == "note" and len(args) != 2) or (command == "new" and args)


def test_a_parse() -> None:
    parsed = parse(["--store=S", "--no-pager", "new", "-T", "x", "--skill", "a", "--skill=b",
                    "--on-site", "--impact", "2", "--effort", "2.5", "-t", "request"])
    assert parsed is not None
    command, group, params, args = parsed
    assert (command, group, args) == ("new", {"store_path": "S", "no_pager": True}, [])
    assert params == {**NEW_DEFAULTS, "title": "x", "skills": ("a", "b"), "remote": False,
                      "impact": 2, "effort": 2.5, "ticket_type": "request"}


def _run(code: str, argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[bytes, bytes, int]:
    proc = subprocess.run([sys.executable, "-c", code, *argv], cwd=cwd, env=env,
                          capture_output=True, check=False, stdin=subprocess.DEVNULL)
    return proc.stdout, proc.stderr, proc.returncode


def _state(root: Path) -> dict[str, str]:
    """What a write leaves: the commit's tree, message and trailers, git status, the number
    of commits, and every file outside .git. Message-IDs and outbox file names carry a random
    part, so they are masked (and the tree, which holds them, left out) where present."""
    import re

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=True).stdout

    out = {"tree": git("rev-parse", "HEAD^{tree}"), "message": git("log", "-1", "--format=%B"),
           "status": git("status", "--porcelain"), "count": git("rev-list", "--count", "HEAD")}
    masked = False
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".git" not in p.parts:
            text, n = re.subn(r"[0-9.]+@omes\.ok\.gov>?", "ID", p.read_text(errors="replace"))
            name, m = re.subn(r"-[0-9a-f]{6}\.eml$", ".eml", p.relative_to(root).as_posix())
            out[name] = text
            masked = masked or bool(n or m)
    out["status"] = re.sub(r"-[0-9a-f]{6}\.eml", ".eml", out["status"])
    if masked:
        del out["tree"]
    return out


@pytest.fixture
def store(desk: Desk) -> Desk:
    """A ticket to note on, a resolved one with a knowledge-base article `new` mentions."""
    a = desk.new("-T", "Teams audio drops", "--email", "CIO@omes.ok.gov", "--agency", "omes")
    b = desk.new("-T", "Printer toner empty", "--service", "Printing")
    desk.run("resolve", b, "--code", "fixed", "--summary", "Replaced the toner")
    desk.run("kb", "new", "--from", b)
    assert not desk.git("status", "--porcelain")
    (desk.root / ".git" / "ids").write_text(f"{a}\n{b}\n")
    return desk


def _matrix(a: str) -> list[tuple[list[str], bool]]:
    """(argv, whether the fast path answers)."""
    short = a[:8].lower()
    printer = ["-T", "Printer toner empty again", "--service", "Printing", "-d", "Tray 2"]
    return [
        (["note", a, "Called the user back"], True), (["note", a, "Told them", "--public"], True),
        (["--now", NOW, "note", "--public", a, "Text"], True), (["note", short, "x"], True),
        (["note", a, "x", "--no-commit"], True), (["note", "INC-NOPE", "x"], True),
        (["note", a, ""], True), (["--store", ".", "note", a, "x"], True),
        (["--actor", "nobody@example.org", "note", a, "x"], True),
        (["new", *printer], True),
        (["new", "-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES",
          "-d", "Paper stuck in tray 2"], True),
        (["new", "--type", "request", "-T", "A laptop", "--category", "hardware", "--impact",
          "2", "--urgency=3", "--on-site", "--skill", "a", "--skill", "b", "--effort", "2.5"],
         True),
        (["new", "-T", "VPN", "--channel", "self-service", "--email", "ana.ruiz@omes.ok.gov"],
         True),
        (["new", "-t", "task", "-T", "Swap the headset", "--parent", a], True),
        (["new", "-T", "x", "--requested-tech", "@me", "-p", "1", "--no-commit"], True),
        (["new", "-T", "VPN", "--service", "No Such Service"], True),
        (["new", "-T", "VPN", "--email", "not-an-address"], True),
        (["new", "-T", "VPN", "--parent", "INC-NOPE"], True),
        (["new", "-T", "VPN", "--agency", "NOPE"], True),
        # handed over on purpose: click's answer is the one printed
        (["note", a], False), (["note", a, "-"], False), (["note", a, "x", "y"], False),
        (["new"], False), (["new", "-T", "x", "--impact", "9"], False),
        (["new", "-T", "x", "--json"], False), (["--now", "23 Nov 2026 09:30", "note", a, "x"], False),
        (["--actor", "", "note", a, "x"], False),
    ]


def test_both_paths_do_the_same(store: Desk, tmp_path: Path) -> None:
    a = (store.root / ".git" / "ids").read_text().split()[0]
    base = {k: v for k, v in os.environ.items() if not k.startswith("SDESK_")}
    env = {**base, "SDESK_NOW": NOW, "SDESK_ID_SEED": "7"}
    for i, (argv, answers) in enumerate(_matrix(a)):
        one, two = tmp_path / f"click{i}", tmp_path / f"fast{i}"
        shutil.copytree(store.root, one, symlinks=True)
        shutil.copytree(store.root, two, symlinks=True)
        want = _run(CLICK, argv, one, env)
        out, err, code = _run(FAST, argv, two, env)
        before, report, after = err.split(b"\x00")
        assert (out, before + after, code) == want, argv
        assert _state(two) == _state(one), argv
        if answers:
            assert report == f"FAST={code} CLICK=False".encode(), argv
        else:
            assert report.startswith(b"FAST=None"), argv
    assert any(b"kb: KB-" in _run(FAST, ["new", "-T", "Printer toner empty"], store.root,
                                  env)[1] for _ in [0])


def test_the_console_script_takes_the_fast_path(store: Desk) -> None:
    """sdesk/launch.py sends `note` to sdesk/fastwrite.py (click never loaded)."""
    a = (store.root / ".git" / "ids").read_text().split()[0]
    code = ("import sys; sys.argv = ['sdesk', 'note', sys.argv[1], 'x']\n"
            "from sdesk import launch\n"
            "try:\n    launch.main()\nexcept SystemExit as e:\n"
            "    print(e.code, 'click' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, a], cwd=store.root, capture_output=True,
                          text=True, env={**os.environ, "SDESK_NOW": NOW}, check=False)
    assert proc.stdout.splitlines()[-1] == "0 False", proc.stderr
