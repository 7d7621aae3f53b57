"""sdesk sync between clones and a bare remote in a temporary folder.

`two_clone_run` is also the full-size stress run (tests/stress/test_stress_sync.py)."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Desk

from sdesk.cli import cli
from sdesk.git import Identity
from sdesk.procedures.plan import Plan, SetField
from sdesk.store import Store
from sdesk.store.executor import apply_plan

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6)))


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def stamp(seconds: int) -> str:
    return (START + dt.timedelta(seconds=seconds)).isoformat()


def set_field(desk: Desk, ticket_id: str, name: str, value: Any, when: str) -> None:
    """A field change through the one executor (as triage/assign commands make them)."""
    store = Store(desk.root)
    with store.lock("test"):
        plan = Plan([SetField(ticket_id, "test", f"set {name}", field=name, value=value)])
        apply_plan(store, plan, actor=Identity("Test", "test@omes.ok.gov"),
                   now=dt.datetime.fromisoformat(when), action="test", subject=f"set {name}")


def make_clones(tmp_path: Path) -> tuple[Path, Desk, Desk]:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    a = Desk(tmp_path / "a")
    assert a.runner.invoke(cli, ["init", str(a.root)]).exit_code == 0
    git(a.root, "remote", "add", "origin", str(remote))
    a.run("sync")
    b = Desk(tmp_path / "b")
    git(tmp_path, "clone", "-q", str(remote), str(b.root))
    b.run("install-hooks")
    return remote, a, b


def journal_keys(desk: Desk, ticket_id: str) -> set[tuple[str, str, str, str]]:
    return {(e["at"], e["by"], e["kind"], e["text"]) for e in desk.ticket(ticket_id)["journal"]}


@dataclass
class Figures:
    tickets: int
    shared: int
    conflicts: int  # syncs that stopped
    field_conflicts: int  # fields both sides changed, settled by the driver
    lost_entries: int
    collisions: int
    identical: bool
    seconds: float


def two_clone_run(tmp_path: Path, each: int, shared: int) -> Figures:
    began = time.monotonic()
    _, a, b = make_clones(tmp_path)
    shared_ids = [a.new("-T", f"Shared problem {i}", "--email", f"user{i}@omes.ok.gov",
                        now=stamp(i)) for i in range(shared)]
    a.run("sync")
    b.run("sync")
    for i in range(each):  # seconds apart, as people type them (IDs carry the second)
        a.new("-T", f"A ticket {i}", now=stamp(1000 + 2 * i))
        b.new("-T", f"B ticket {i}", now=stamp(1001 + 2 * i))
    for i, tid in enumerate(shared_ids):
        t = 5000 + 10 * i
        a.run("note", tid, f"a looked at {i}", now=stamp(t))
        b.run("note", tid, f"b called user {i}", now=stamp(t + 1))
        set_field(a, tid, "priority", 1 + i % 2, stamp(t + 2))  # changed on both sides ...
        set_field(b, tid, "priority", 4, stamp(t + 3 + i % 2 * -2))  # ... either side later
        set_field(a if i % 2 else b, tid, "assignee", "Pat Tech", stamp(t + 4))  # one side
    expected = {tid: journal_keys(a, tid) | journal_keys(b, tid) for tid in shared_ids}
    conflicts = 0
    for desk in (a, b, a):
        if desk.run("sync", ok=False).exit_code != 0:
            conflicts += 1
    lost = sum(len(keys - journal_keys(a, tid)) for tid, keys in expected.items())
    merges = sum(1 for tid in shared_ids for e in a.ticket(tid)["journal"] if e["kind"] == "merge")
    ids_a = {p.stem for p in a.root.glob("tickets/*/*/*.toml")}
    identical = (git(a.root, "rev-parse", "HEAD^{tree}") == git(b.root, "rev-parse", "HEAD^{tree}")
                 and a.snapshot() == b.snapshot())
    return Figures(tickets=len(ids_a), shared=shared, conflicts=conflicts, field_conflicts=merges,
                   lost_entries=lost, collisions=2 * each + shared - len(ids_a),
                   identical=identical, seconds=round(time.monotonic() - began, 1))


def test_two_clones_editing_the_same_tickets_end_identical_with_nothing_lost(
        tmp_path: Path) -> None:
    figures = two_clone_run(tmp_path, each=50, shared=10)
    print(figures)
    assert figures.identical
    assert (figures.conflicts, figures.lost_entries, figures.collisions) == (0, 0, 0)
    assert figures.tickets == 110
    assert figures.field_conflicts == 10  # every shared ticket had priority changed on both


def test_after_sync_the_index_is_fresh(tmp_path: Path) -> None:
    _, a, b = make_clones(tmp_path)
    tid = a.new("-T", "Monitor flickers")
    a.run("sync")
    b.json("list")  # b's index is built before the remote ticket arrives
    b.run("sync")
    assert [row["id"] for row in b.json("list")] == [tid]


def test_sync_refuses_a_dirty_tree_it_did_not_make(tmp_path: Path) -> None:
    _, a, _ = make_clones(tmp_path)
    tid = a.new("-T", "Keyboard missing keys")
    path = next(a.root.glob(f"tickets/*/*/{tid}.toml"))
    path.write_text(path.read_text() + "\n# edited by hand\n")
    before = a.snapshot()
    result = a.fails("sync")
    assert "uncommitted changes" in result.stderr and tid in result.stderr
    assert result.stderr.count("\n") == 1
    assert a.snapshot() == before


def test_sync_without_a_remote_says_how_to_add_one(desk: Desk) -> None:
    result = desk.fails("sync")
    assert "git remote add origin" in result.stderr


def test_an_id_collision_stops_sync_with_a_report_and_changes_nothing(tmp_path: Path) -> None:
    _, a, b = make_clones(tmp_path)
    tid = a.new("-T", "Printer in room 12")
    rel = next(a.root.glob(f"tickets/*/*/{tid}.toml")).relative_to(a.root)
    a.run("sync")
    text = (a.root / rel).read_text().replace("Printer in room 12", "Some other ticket")
    text = text.replace("opened_at = 2026-11-23T09:00:00-06:00", "opened_at = "
                        "2026-11-23T09:30:00-06:00")
    b_path = b.root / rel
    git(b.root, "pull", "-q")  # take a's commit, then fake the other history (by hand, past the
    # pre-commit hook, which since session 39 refuses an opening moved after its journal):
    git(b.root, "reset", "-q", "--hard", "HEAD~1")
    b_path.parent.mkdir(parents=True, exist_ok=True)
    b_path.write_text(text)
    git(b.root, "add", str(rel))
    git(b.root, "commit", "-q", "--no-verify", "-m", "another ticket under the same ID")
    a.new("-T", "Unrelated", now="2026-11-23T09:05:00-06:00")
    a.run("sync")
    before = b.snapshot()
    result = b.fails("sync")
    assert "ID collision" in result.stderr and str(rel) in result.stderr
    assert b.snapshot() == before


def test_a_concurrent_push_is_merged_and_pushed_on_the_next_round(tmp_path: Path) -> None:
    _, a, b = make_clones(tmp_path)
    a.new("-T", "From a")
    b.new("-T", "From b", now="2026-11-23T09:00:01-06:00")
    a.run("sync")
    b.run("sync")
    a.run("sync")
    assert git(a.root, "rev-parse", "HEAD") == git(b.root, "rev-parse", "HEAD")
    assert len(a.json("list")) == 2


@pytest.mark.parametrize("bad", ["--remote=../../etc", "--remote=-oProxyCommand=touch x"])
def test_a_remote_name_that_is_not_a_remote_is_refused(desk: Desk, bad: str) -> None:
    before = desk.snapshot()
    result = desk.fails("sync", bad)
    assert result.stderr.startswith("sdesk: error:") and result.stderr.count("\n") == 1
    assert desk.snapshot() == before


def test_a_push_the_remote_refuses_says_gits_reason_in_one_line(tmp_path: Path) -> None:
    """A non-bare clone as the remote refuses a push to its checked-out branch: retrying cannot
    help, so sync says git's reason at once (not 'kept moving' after ten rounds)."""
    _, a, b = make_clones(tmp_path)
    git(a.root, "remote", "add", "peer", str(b.root))  # b is a working clone, main checked out
    a.new("-T", "From a")
    result = a.fails("sync", "--remote", "peer", code=1)
    assert result.stderr.splitlines() == [
        "sdesk: error: peer refused the push: remote rejected: branch is currently checked out "
        "(refusing to update checked out branch: refs/heads/main); your clone has everything "
        "(merged, committed), nothing was pushed"]


def test_a_ticket_the_merge_driver_refuses_is_named_with_the_drivers_reason(
        tmp_path: Path) -> None:
    _, a, b = make_clones(tmp_path)
    tid = a.new("-T", "Printer jams")
    a.run("sync")
    b.run("sync")
    rel = next(b.root.glob(f"tickets/*/*/{tid}.toml")).relative_to(b.root).as_posix()
    text = (b.root / rel).read_text().replace('status = "new"', 'status = "sleeping"')
    (b.root / rel).write_text(text)  # a hand edit the pre-commit hook would have refused
    git(b.root, "commit", "-q", "--no-verify", "-am", "hand edit")
    b.run("sync")
    a.run("note", tid, "called back", now="2026-11-23T09:30:00-06:00")
    before = a.snapshot()
    result = a.fails("sync", code=1)
    assert len(result.stderr.splitlines()) == 1
    assert f"the merge driver refused {rel} (theirs): status: must be one of" in result.stderr
    assert a.snapshot() == before


LOST_RACE = (
    "To /srv/r.git\n ! [rejected]        HEAD -> main (fetch first)\n"
    "error: failed to push some refs to '/srv/r.git'\n",
    # Two pushes reached the remote at once; the loser's ref update failed there.
    "remote: error: cannot lock ref 'refs/heads/main': is at 33abc85 but expected 1234f0a\n"
    "To /srv/r.git\n ! [remote rejected] HEAD -> main (failed to update ref)\n",
    "remote: error: cannot lock ref 'refs/heads/main': Unable to create "
    "'/srv/r.git/refs/heads/main.lock': File exists.\n"
    "To /srv/r.git\n ! [remote rejected] HEAD -> main (failed to update ref)\n",
)


@pytest.mark.parametrize("stderr", LOST_RACE)
def test_a_push_that_lost_a_race_is_retried(stderr: str) -> None:
    from sdesk.git.sync import push_refusal

    assert push_refusal(stderr) is None


@pytest.mark.parametrize(("stderr", "said"), [
    ("remote: error: cannot lock ref 'refs/heads/main': Unable to create "
     "'/srv/r.git/refs/heads/main.lock': Permission denied\n"
     "To /srv/r.git\n ! [remote rejected] HEAD -> main (failed to update ref)\n",
     "remote rejected: failed to update ref (cannot lock ref 'refs/heads/main': Unable to "
     "create '/srv/r.git/refs/heads/main.lock': Permission denied)"),
    ("remote: GitLab: You are not allowed to push code to protected branches on this project.\n"
     "To gitlab.example:desk/tickets.git\n ! [remote rejected] HEAD -> main (pre-receive hook "
     "declined)\n",
     "remote rejected: pre-receive hook declined (GitLab: You are not allowed to push code to "
     "protected branches on this project.)"),
    ("ERROR: Repository not found.\nfatal: Could not read from remote repository.\n\n"
     "Please make sure you have the correct access rights\nand the repository exists.\n",
     "ERROR: Repository not found."),
])
def test_a_push_the_remote_refuses_is_not_retried_and_says_why(stderr: str, said: str) -> None:
    from sdesk.git.sync import push_refusal

    assert push_refusal(stderr) == said
