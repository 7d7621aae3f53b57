"""Session 37, a new-user tester's two findings: the store is input too.

1. A shard folder that is a symbolic link hid its tickets without a word: `list --vip` said
   "(none)", `handover` left the ticket out, `show` said no ticket matches; only `check` named
   the link. Every command reading many tickets now says, in one line, which folder is skipped
   and why, and `show` of a ticket in it says why it cannot be shown. The link is never followed.
2. One ticket close to the 1 MiB limit stopped `sweep` and `close --resolved-before` for the
   whole store (exit 1, nothing written). That ticket is now left out with one line naming it
   and what actually shortens it (`sdesk edit` never touches the journal), the rest written."""

from __future__ import annotations

from pathlib import Path

import pytest
from assign_helpers import DESKTOP, log, triage_remote
from conftest import Desk
from test_hostile_store import _commit_all, _one_error_line, _outside, _tree
from test_size_limit_34 import LIMIT, near_limit

SKIPPED = "every ticket in it is skipped"
LATER = "2026-11-30T09:00:00-06:00"


def _link_its_folder(desk: Desk) -> tuple[str, str, str, Path]:
    """A ticket whose shard folder a collaborator replaced by a link to a folder outside the
    store (holding the ticket's file), and another ticket elsewhere: (linked ID, its folder,
    the other ID, the outside folder)."""
    tid = desk.new("-T", "Teams meetings drop audio")
    shard = next(desk.root.glob(f"tickets/*/*/{tid}.toml")).parent
    for _ in range(20):
        other = desk.new("-T", "Monitor flickers")
        if next(desk.root.glob(f"tickets/*/*/{other}.toml")).parent != shard:
            break
    else:
        pytest.fail("twenty tickets in one shard folder: the ID layout no longer spreads them")
    outside = _outside(desk)
    (outside / f"{tid}.toml").write_bytes((shard / f"{tid}.toml").read_bytes())
    for p in shard.iterdir():
        p.unlink()
    shard.rmdir()
    shard.symlink_to(outside, target_is_directory=True)
    _commit_all(desk, "a collaborator commits a link")
    return tid, shard.relative_to(desk.root).as_posix(), other, outside


def _said_once(stderr: str, rel: str) -> str:
    lines = [line for line in stderr.splitlines() if rel in line]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.no_deep_check  # check fails on purpose: the store holds a link
@pytest.mark.parametrize("command", [
    ("list",), ("list", "--vip"), ("queue",), ("handover",), ("kpi",), ("report",),
    ("export", "--csv"), ("stale",), ("workload",)])
def test_a_linked_shard_folder_is_one_warning_of_every_command_reading_many_tickets(
        desk: Desk, command: tuple[str, ...]) -> None:
    tid, rel, _, outside = _link_its_folder(desk)
    before = _tree(outside)
    result = desk.run(*command, ok=False)
    assert result.exit_code in (0, 4), result.stderr
    line = _said_once(result.stderr, rel)
    assert line == (f"sdesk: warning: {rel}: a symbolic link inside the store; sdesk never "
                    f"follows one (remove it, or put the folder itself there); {SKIPPED}")
    assert tid not in result.stdout
    assert _tree(outside) == before


@pytest.mark.no_deep_check
def test_sweep_and_triage_all_say_the_linked_folder_and_work_the_rest(desk: Desk) -> None:
    _, rel, other, _ = _link_its_folder(desk)
    triaged = desk.run("triage", "--all", ok=False)
    _said_once(triaged.stderr, rel)
    swept = desk.run("sweep", now=LATER)
    assert SKIPPED in _said_once(swept.stderr, rel)
    assert "unowned-reported" in desk.ticket(other)["flags"]


@pytest.mark.no_deep_check
def test_show_of_a_ticket_in_a_linked_folder_says_why_it_cannot_be_shown(desk: Desk) -> None:
    tid, rel, other, _ = _link_its_folder(desk)
    desk.run("list")  # the index has seen the link
    for typed in (tid, tid[:8], tid[4:8].lower()):
        line = _one_error_line(desk.fails("show", typed, code=1).stderr)
        assert rel in line and "symbolic link" in line, line
        assert "no ticket matches" not in line
    assert desk.run("show", other).exit_code == 0


@pytest.mark.no_deep_check
def test_a_linked_folder_known_before_is_said_after_a_cold_start(desk: Desk) -> None:
    """The index built when the folder was still a folder learns of the link; reindex too."""
    _, rel, _, _ = _link_its_folder(desk)
    assert SKIPPED in _said_once(desk.run("reindex").stderr, rel)
    assert SKIPPED in _said_once(desk.run("list").stderr, rel)


def test_a_link_replaced_by_its_folder_brings_its_tickets_back_without_a_word(
        desk: Desk) -> None:
    tid, rel, _, outside = _link_its_folder(desk)
    assert SKIPPED in _said_once(desk.run("list").stderr, rel)
    link = desk.root / rel
    link.unlink()
    link.mkdir()
    (link / f"{tid}.toml").write_bytes((outside / f"{tid}.toml").read_bytes())
    _commit_all(desk, "the folder itself again")
    result = desk.run("list")
    assert tid[:8] in result.stdout and rel not in result.stderr, result.stderr


def _advice_is_true(line: str, tid: str) -> None:
    assert "sdesk edit" not in line  # edit changes fields, never the journal
    assert f"sdesk log {tid}" in line and "git revert" in line and ".toml" in line


def test_sweep_skips_a_ticket_its_sweep_would_take_over_the_limit_and_writes_the_rest(
        desk: Desk) -> None:
    first = log(desk, "Printer jams")
    big = log(desk, "Scanner broken")
    desk.collaborate(big, near_limit(300))
    path = next(desk.root.glob(f"tickets/*/*/{big}.toml"))
    before = path.read_bytes()
    result = desk.run("sweep", now=LATER)
    line = _said_once(result.stderr, big)
    assert line.startswith(f"sdesk: warning: {big} skipped: its sweep would make its file ")
    assert f"over the {LIMIT}-byte limit" in line and line.endswith("then sdesk sweep")
    _advice_is_true(line, big)
    assert "unowned-reported" in desk.ticket(first)["flags"]
    assert path.read_bytes() == before
    dry = desk.run("sweep", "--dry-run", now=LATER, ok=False)  # the rest was swept: exit 4
    assert big in _said_once(dry.stderr, big)


def test_close_resolved_before_skips_the_one_ticket_and_closes_the_rest(desk: Desk) -> None:
    first = log(desk, "Printer jams")
    big = log(desk, "Scanner broken")
    for tid in (first, big):
        desk.run("resolve", tid, "-c", "fixed", "-s", "Replaced the part.")
    desk.collaborate(big, near_limit(150))
    result = desk.run("close", "--resolved-before", "2026-11-24", now=LATER)
    line = _said_once(result.stderr, big)
    assert line.startswith(f"sdesk: warning: {big} skipped: its closing would make its file ")
    _advice_is_true(line, big)
    assert desk.ticket(first)["status"] == "closed"
    assert desk.ticket(big)["status"] == "resolved"


def test_triage_advice_no_longer_sends_the_user_to_edit(desk: Desk) -> None:
    log(desk, "Printer jams")
    big = log(desk, "Scanner broken")
    desk.collaborate(big, near_limit(300))
    line = _said_once(desk.run("triage", "--all").stderr, big)
    _advice_is_true(line, big)
    assert line.endswith(f"then sdesk triage {big}")


def test_assign_team_skips_the_one_ticket_and_assigns_the_rest(desk: Desk) -> None:
    first = log(desk, "Printer jams")
    big = log(desk, "Scanner broken", email="b.two@omes.ok.gov")
    for tid in (first, big):
        triage_remote(desk, tid)  # "Printer jams" reads as on-site work: answered remote
    desk.collaborate(big, near_limit(150))
    result = desk.run("assign", "--team", DESKTOP)
    line = _said_once(result.stderr, big)
    assert line.startswith(f"sdesk: warning: {big} skipped: its assignment would make its file ")
    _advice_is_true(line, big)
    assert desk.ticket(first)["status"] == "assigned"
    assert desk.ticket(big)["status"] == "triaged"
    assert "1 assigned, 0 handed to dispatch, 1 left in the queue" in desk.git(
        "log", "-1", "--format=%B")
