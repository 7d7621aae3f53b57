"""Exit code 4, "nothing to do", for every command that changes the store (docs/commands.md).

The table runs each changing command in the case where the change it asks for is already
there (related already, on hold already, nothing due, an empty outbox, no new mail...). Each
must exit 4 with one line `sdesk: nothing ...` on stderr, make no commit and leave every file
as it was. A command with no such case is listed in NO_NOTHING_CASE with the reason; the
guard test fails when a command registered in sdesk/cli.py is in neither (as
tests/test_bad_input.py does for bad input).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from assign_helpers import DESKTOP, log
from click.testing import CliRunner, Result
from conftest import GIT_ENV, NOW, Desk

from sdesk.cli import COMMANDS, cli

FIXTURES = Path(__file__).parent / "fixtures" / "servicenow"
MESSAGE = (b"From: Bo Li <bo.li@omes.ok.gov>\nTo: servicedesk@omes.ok.gov\nSubject: Printer jams"
           b"\nMessage-ID: <printer-1@omes.ok.gov>\nDate: Mon, 23 Nov 2026 08:00:00 -0600\n\n"
           b"The printer on floor 3 jams on every page.\n")


@dataclass(frozen=True)
class Env:
    root: Path
    out: Path  # outside the store: a Maildir, a message file
    ids: dict[str, str]


def _empty_outbox(env: Env) -> None:
    """The notifications the template's changes queued are gone (as after a real send)."""
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=env.root, check=True, capture_output=True)

    if list((env.root / "outbox").glob("*.eml")):
        git("rm", "-q", "outbox/*.eml")
        git("commit", "-q", "-m", "outbox sent")


def _empty_maildir(env: Env) -> None:
    for sub in ("new", "cur", "tmp"):
        (env.out / "Maildir" / sub).mkdir(parents=True)


def _message_logged(env: Env) -> None:
    (env.out / "m.eml").write_bytes(MESSAGE)
    result = invoke(env, ["mail", "receive", "{OUT}/m.eml"])
    assert result.exit_code == 0, result.stderr


def _imported(env: Env) -> None:
    result = invoke(env, ["import", "servicenow", str(FIXTURES / "incidents.csv")])
    assert result.exit_code == 0, result.stderr


SETUPS: dict[str, Callable[[Env], None]] = {
    "empty-outbox": _empty_outbox, "empty-maildir": _empty_maildir,
    "message-logged": _message_logged, "imported": _imported,
}

# (id, argv, setup or None, environment or None): each exits 4 on the template store.
CASES: list[tuple[str, list[str], str | None, dict[str, str] | None]] = [
    ("new-from-email-logged-before", ["new", "--from-email", "{OUT}/m.eml"], "message-logged",
     None),
    ("triage-already-triaged", ["triage", "{A}"], None, None),
    ("set-same-value", ["set", "{A}", "impact=2"], None, None),
    ("edit-nothing-changed", ["edit", "{A}"], None, {"EDITOR": "true"}),
    ("relate-already-related", ["relate", "{A}", "{B}"], None, None),
    ("relate-already-related-from-b", ["relate", "{B}", "{A}"], None, None),
    ("relate-already-a-duplicate", ["relate", "{DUP}", "{B}", "--as", "duplicate"], None, None),
    ("relate-already-the-parent", ["relate", "{CHILD}", "{B}", "--as", "parent"], None, None),
    ("unrelate-not-related", ["unrelate", "{A}", "{HELD}"], None, None),
    ("outbox-send-empty", ["outbox", "send"], "empty-outbox", None),
    # (mail receive of a message logged before exits 0, not 4: a mail server's pipe delivery
    # bounces any code but 0 and 75, docs/email.md.)
    ("mail-fetch-no-new-mail", ["mail", "fetch", "--maildir", "{OUT}/Maildir"],
     "empty-maildir", None),
    ("assign-to-the-same-person", ["assign", "{A}", "--to", "dcooper"], None, None),
    ("take-already-yours", ["--actor", "dcooper", "take", "{A}"], None, None),
    ("start-already-in-progress", ["--actor", "dcooper", "start", "{A}"], None, None),
    ("escalate-same-team-and-tier", ["escalate", "{A}", "--to", DESKTOP, "--tier", "1",
                                     "--reason", "again"], None, None),
    ("hold-already-on-hold", ["hold", "{HELD}", "--reason", "awaiting-customer",
                              "--asked-by-phone"], None, None),
    ("resume-not-on-hold", ["resume", "{A}"], None, None),
    ("reopen-open", ["reopen", "{A}", "--reason", "the customer called"], None, None),
    ("close-closed", ["close", "{CLOSED}"], None, None),
    ("close-nothing-resolved-before", ["close", "--resolved-before", "2026-11-01"], None, None),
    ("csat-same-score", ["csat", "{RES}", "4"], None, None),
    ("kb-new-already-drafted", ["kb", "new", "--from", "{RES}"], None, None),
    ("split-already-separated", ["split", "{SPLIT}", "--title", "the  second PROBLEM"], None,
     None),
    ("sweep-nothing-due", ["sweep"], None, None),
    ("migrate-folders-same-layout", ["migrate-folders", "2"], None, None),
    ("import-same-file-again", ["import", "servicenow", str(FIXTURES / "incidents.csv")],
     "imported", None),
]

# Commands with no "nothing to do" case, and why.
NO_NOTHING_CASE: dict[str, str] = {
    **{name: "reads only" for name in (
        "show", "list", "queue", "log", "software", "workload", "stale", "kpi", "report",
        "handover", "check", "export", "completion")},
    "init": "an existing store is refused (exit 1): init makes a store or nothing",
    "note": "every note is new text: there is always something to add",
    "priority": "the supervisor's decision is journaled even when it keeps the level",
    "task": "task new always makes a task; task list reads only",
    "parent": "parent new always makes a new case (a child with a parent already is refused; "
              "'already the parent' is relate --as parent, above)",
    "resolve": "a resolved ticket is refused (exit 1): its resolution would be lost, reopen "
               "it first",
    "reindex": "rebuilds the index every time: that is its job, and the store is not changed",
    "sync": "up to date is exit 0, as for git pull and git push: scripts chain it with &&",
    "install-hooks": "sets up a clone: it is run again safely and says what is in place",
    "merge-driver": "git calls it for a merge; it always writes the merge",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A store where every case's change is already made, built once through the real CLI."""
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("home")
        mp.setenv("HOME", str(home))
        (home / ".gitconfig").write_text("[user]\n\tname = Dana Dispatcher\n"
                                         "\temail = dana@omes.ok.gov\n")
        for key, value in GIT_ENV.items():
            mp.setenv(key, value)
        desk = Desk(tmp_path_factory.mktemp("tpl") / "desk")
        assert desk.runner.invoke(cli, ["init", str(desk.root)]).exit_code == 0
        # Each its own requester: triage relates one person's tickets on its own.
        ids = {name: log(desk, f"Broken {name.lower()}", email=f"{name.lower()}@omes.ok.gov")
               for name in ("A", "B", "HELD", "DUP", "CHILD", "RES", "CLOSED", "SPLIT")}
        for tid in ids.values():
            desk.run("triage", tid)
        desk.run("--actor", "dcooper", "start", ids["A"])
        desk.run("relate", ids["A"], ids["B"])
        desk.run("relate", ids["DUP"], ids["B"], "--as", "duplicate")
        desk.run("relate", ids["CHILD"], ids["B"], "--as", "parent")
        desk.run("hold", ids["HELD"], "--reason", "awaiting-customer", "--asked-by-phone")
        desk.run("split", ids["SPLIT"], "--title", "The second problem")
        for tid in (ids["RES"], ids["CLOSED"]):
            desk.run("resolve", tid, "-c", "fixed", "-s", "Cleared the paper path.")
        desk.run("close", ids["CLOSED"])
        desk.run("csat", ids["RES"], "4")
        desk.run("kb", "new", "--from", ids["RES"])
        yield desk.root, ids


@pytest.fixture
def env(template: tuple[Path, dict[str, str]], tmp_path: Path) -> Env:
    root = tmp_path / "desk"
    shutil.copytree(template[0], root, symlinks=True)
    out = tmp_path / "outside"
    out.mkdir()
    return Env(root, out, template[1])


def invoke(env: Env, args: list[str], environ: dict[str, str] | None = None) -> Result:
    fill = {**env.ids, "OUT": str(env.out)}
    argv = ["--store", str(env.root), "--now", NOW]
    for arg in args:
        for key, value in fill.items():
            arg = arg.replace("{" + key + "}", value)
        argv.append(arg)
    return CliRunner().invoke(cli, argv, env=environ, catch_exceptions=False)


def _command(argv: list[str]) -> str:
    return next(a for a in argv if a in COMMANDS)


def test_every_changing_command_has_a_case_or_a_reason() -> None:
    covered = {_command(argv) for _, argv, _, _ in CASES}
    assert not covered & set(NO_NOTHING_CASE), covered & set(NO_NOTHING_CASE)
    assert covered | set(NO_NOTHING_CASE) == set(COMMANDS)


@pytest.mark.parametrize(("argv", "setup", "environ"),
                         [pytest.param(a, s, e, id=i) for i, a, s, e in CASES])
def test_nothing_to_do_is_exit_4_one_line_and_no_commit(
        env: Env, argv: list[str], setup: str | None, environ: dict[str, str] | None) -> None:
    if setup:
        SETUPS[setup](env)
    desk = Desk(env.root)
    before = desk.snapshot()
    result = invoke(env, argv, environ)
    assert result.exit_code == 4, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith("sdesk: nothing"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert desk.snapshot() == before


def test_a_dry_run_of_nothing_is_exit_4_too(env: Env) -> None:
    result = invoke(env, ["hold", "{HELD}", "--reason", "awaiting-customer", "--asked-by-phone", "--dry-run"])
    assert result.exit_code == 4
    assert result.stderr.startswith("sdesk: nothing to do: ")


def test_a_different_change_on_the_same_ticket_is_still_an_error(env: Env) -> None:
    """Only the very change already made is nothing to do: another one is refused (exit 1)."""
    held = invoke(env, ["hold", "{HELD}", "--reason", "awaiting-vendor"])
    assert held.exit_code == 1
    assert "resume it first to change the reason" in held.stderr
    assert invoke(env, ["csat", "{RES}", "5"]).exit_code == 1
    assert invoke(env, ["reopen", "{CLOSED}", "--reason", "x"]).exit_code == 1
