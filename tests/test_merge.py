"""The merge driver's rules, ticket in, ticket out; and the driver under a hand-run git merge,
rebase and pull between two real clones."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
from pathlib import Path

import pytest
from conftest import Desk

from sdesk.core.model import (
    Csat,
    Hold,
    JournalEntry,
    Requester,
    Resolution,
    Ticket,
    dumps,
    invariant_problems,
)
from sdesk.procedures.merge import MERGE_BY, MergeCollision, merge_texts, merge_tickets

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6)))


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def base_ticket() -> Ticket:
    t = Ticket(id="INC-2Q5514DDKAJ", type="incident", title="Printer jams", opened_at=T0,
               updated_at=T0, related=["INC-2Q5514DDKA1"], flags=["vip-check"])
    t.journal.append(JournalEntry(at=T0, by="Dana", kind="system", text="Logged"))
    return t


def note(t: Ticket, minutes: int, text: str, by: str = "Dana") -> None:
    t.journal.append(JournalEntry(at=at(minutes), by=by, text=text))
    t.updated_at = at(minutes)


def three() -> tuple[Ticket, Ticket, Ticket]:
    base = base_ticket()
    return base, copy.deepcopy(base), copy.deepcopy(base)


def test_journal_entries_from_both_sides_are_kept_in_time_order() -> None:
    base, ours, theirs = three()
    note(ours, 10, "ours first")
    note(theirs, 5, "theirs earlier")
    note(ours, 20, "ours later")
    merged = merge_tickets(base, ours, theirs).ticket
    assert [e.text for e in merged.journal] == ["Logged", "theirs earlier", "ours first",
                                                "ours later"]


def test_an_entry_both_sides_added_is_kept_once() -> None:
    base, ours, theirs = three()
    note(ours, 5, "same words")
    note(theirs, 5, "same words")
    merged = merge_tickets(base, ours, theirs).ticket
    assert [e.text for e in merged.journal] == ["Logged", "same words"]


def test_a_field_changed_on_one_side_takes_that_side() -> None:
    base, ours, theirs = three()
    theirs.priority, theirs.updated_at = 1, at(1)
    ours.assignee, ours.updated_at = "Pat Tech", at(2)
    merged = merge_tickets(base, ours, theirs)
    assert (merged.ticket.priority, merged.ticket.assignee) == (1, "Pat Tech")
    assert merged.conflicts == []
    assert not [e for e in merged.ticket.journal if e.kind == "merge"]


def test_a_field_changed_differently_on_both_sides_takes_the_later_change() -> None:
    base, ours, theirs = three()
    ours.status, ours.assignee, ours.updated_at = "in-progress", "Pat Tech", at(30)
    _held(theirs, 10)
    merged = merge_tickets(base, ours, theirs)
    assert merged.ticket.status == "in-progress" and not merged.ticket.holds
    assert merged.conflicts == ["state"]
    assert merged.ticket.updated_at == at(30)


def test_the_losing_value_is_recorded_in_a_merge_journal_entry() -> None:
    base, ours, theirs = three()
    ours.team, ours.updated_at = "IS-Asset Team", at(1)
    theirs.team, theirs.updated_at = "IS-Desktop Support", at(2)
    merged = merge_tickets(base, ours, theirs).ticket
    assert merged.team == "IS-Desktop Support"
    entry = merged.journal[-1]
    assert (entry.kind, entry.by) == ("merge", MERGE_BY)
    assert '"IS-Asset Team"' in entry.text and entry.text.startswith("team:")


def test_a_tie_in_time_is_broken_by_value_order_whichever_side_merges() -> None:
    base, ours, theirs = three()
    ours.assignee, theirs.assignee = "Ann", "Bob"
    one = dumps(merge_tickets(base, ours, theirs).ticket)
    other = dumps(merge_tickets(base, theirs, ours).ticket)
    assert one == other
    assert 'assignee = "Bob"' in one


def test_the_merge_is_the_same_bytes_whichever_side_is_ours() -> None:
    base, ours, theirs = three()
    note(ours, 3, "a")
    note(theirs, 4, "b")
    ours.related.append("INC-2Q5514DDKA2")
    theirs.flags = []
    theirs.priority = 2
    ours.priority = 1
    assert dumps(merge_tickets(base, ours, theirs).ticket) == \
        dumps(merge_tickets(base, theirs, ours).ticket)


def test_lists_merge_as_sets_with_removals_honoured() -> None:
    base, ours, theirs = three()
    ours.related = ["INC-2Q5514DDKA1", "INC-2Q5514DDKA2"]  # added one
    theirs.related = []  # removed the base one
    theirs.flags = ["vip-check", "priority-mismatch"]
    merged = merge_tickets(base, ours, theirs).ticket
    assert merged.related == ["INC-2Q5514DDKA2"]
    assert merged.flags == ["vip-check", "priority-mismatch"]


def test_counters_add_both_sides_increments() -> None:
    base, ours, theirs = three()
    ours.reassignments = 1
    theirs.reassignments = 2
    assert merge_tickets(base, ours, theirs).ticket.reassignments == 3


def test_holds_merge_by_start_and_an_ended_hold_stays_ended() -> None:
    base, ours, theirs = three()
    for t in (base, ours, theirs):
        t.status = "on-hold"
        t.holds = [Hold(start=at(0), reason="awaiting-customer")]
    ours.holds[0].end = at(60)  # resumed here
    ours.status = "triaged"
    note(theirs, 1, "a note, no change of state")
    merged = merge_tickets(base, ours, theirs).ticket
    assert [(h.start, h.end) for h in merged.holds] == [(at(0), at(60))]
    assert merged.status == "triaged" and invariant_problems(merged) == []


def _resolved(t: Ticket, minutes: int) -> None:
    t.status, t.resolved_at = "resolved", at(minutes)
    t.resolution = Resolution(code="fixed", summary="reseated the tray", by="Dana")
    t.updated_at = at(minutes)


def _held(t: Ticket, minutes: int) -> None:
    t.status = "on-hold"
    t.holds.append(Hold(start=at(minutes), reason="awaiting-customer"))
    t.updated_at = at(minutes)


@pytest.mark.parametrize("resolve_at, hold_at, status", [(30, 40, "on-hold"),
                                                         (40, 30, "resolved")])
def test_resolve_against_hold_keeps_the_later_state_whole(
        resolve_at: int, hold_at: int, status: str) -> None:
    base, ours, theirs = three()
    _resolved(ours, resolve_at)
    _held(theirs, hold_at)
    for a, b in ((ours, theirs), (theirs, ours)):
        merged = merge_tickets(base, a, b)
        t = merged.ticket
        assert t.status == status and invariant_problems(t) == []
        assert (t.resolution is None) == (status == "on-hold")
        assert t.on_hold == (status == "on-hold")
        lost = [e.text for e in t.journal if e.by == MERGE_BY]
        assert len(lost) == 1 and lost[0].startswith("state: both clones changed it")
        assert "state" in merged.conflicts
    assert dumps(merge_tickets(base, ours, theirs).ticket) == \
        dumps(merge_tickets(base, theirs, ours).ticket)


@pytest.mark.parametrize("later", ["reopen", "close"])
def test_reopen_against_close_never_gives_a_closed_ticket_without_a_resolution(
        later: str) -> None:
    base, ours, theirs = three()
    _resolved(base, 10)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours.status, ours.resolution, ours.resolved_at = "triaged", None, None  # reopened
    ours.reopens += 1
    ours.updated_at = at(50 if later == "reopen" else 20)
    theirs.status, theirs.closed_at = "closed", at(30)
    theirs.updated_at = at(30)
    t = merge_tickets(base, ours, theirs).ticket
    assert invariant_problems(t) == []
    assert t.status == ("triaged" if later == "reopen" else "closed")
    if t.status == "closed":
        assert t.resolution is not None and t.closed_at == at(30)


def test_csat_against_reopen_keeps_one_consistent_state() -> None:
    base = base_ticket()
    _resolved(base, 10)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours.status, ours.resolution, ours.resolved_at = "triaged", None, None
    ours.updated_at = at(40)
    theirs.csat = Csat(score=5, at=at(20))
    theirs.updated_at = at(20)
    t = merge_tickets(base, ours, theirs).ticket
    assert t.status == "triaged" and t.csat is None and invariant_problems(t) == []
    assert any("'score': 5" in e.text or '"score": 5' in e.text for e in t.journal
               if e.by == MERGE_BY)


def test_a_merge_that_would_break_an_invariant_is_refused() -> None:
    base, ours, theirs = three()
    ours.status = "in-progress"  # no assignee: a ticket no command writes
    with pytest.raises(MergeCollision, match="invariant"):
        merge_tickets(base, ours, theirs)


def test_the_same_id_created_twice_with_different_content_is_a_collision_whatever_the_dates(
        ) -> None:
    ours = base_ticket()
    for change in ({"title": "Monitor flickers"}, {"description": "other words"},
                   {"requester": Requester(name="Eve", email="eve@omes.ok.gov")}):
        theirs = copy.deepcopy(ours)
        for name, value in change.items():
            setattr(theirs, name, value)
        with pytest.raises(MergeCollision, match="ID collision"):
            merge_tickets(None, ours, theirs, "tickets/D/D/INC-2Q5514DDKAJ.toml")


def test_two_different_tickets_at_one_path_are_an_id_collision() -> None:
    ours = base_ticket()
    theirs = copy.deepcopy(ours)
    theirs.opened_at = at(5)
    with pytest.raises(MergeCollision, match="ID collision"):
        merge_tickets(None, ours, theirs, "tickets/D/D/INC-2Q5514DDKAJ.toml")


def test_the_same_ticket_created_on_both_sides_merges_without_a_base() -> None:
    ours = base_ticket()
    theirs = copy.deepcopy(ours)
    note(theirs, 1, "theirs")
    text, conflicts = merge_texts(None, dumps(ours), dumps(theirs), "x.toml")
    assert "theirs" in text and conflicts == []


# -- the driver under git itself -------------------------------------------------------------


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture
def pair(desk: Desk, tmp_path: Path) -> tuple[Desk, Desk, str]:
    """A store `a`, a ticket in it, and a second clone `b` set up with install-hooks."""
    ticket_id = desk.new("-T", "Printer jams on 3rd floor", "--email", "ana.ruiz@omes.ok.gov")
    other = Desk(tmp_path / "b")
    assert git(tmp_path, "clone", "-q", str(desk.root), str(other.root)).returncode == 0
    other.run("install-hooks")
    git(desk.root, "remote", "add", "b", str(other.root))
    return desk, other, ticket_id


def diverge(a: Desk, b: Desk, ticket_id: str) -> None:
    a.run("note", ticket_id, "from a", now="2026-11-23T10:00:00-06:00")
    b.run("note", ticket_id, "from b", now="2026-11-23T10:05:00-06:00")


def assert_both_notes(desk: Desk, ticket_id: str) -> None:
    text = next(desk.root.glob(f"tickets/*/*/{ticket_id}.toml")).read_text()
    notes = [e["text"] for e in desk.ticket(ticket_id)["journal"]]
    assert "from a" in notes and "from b" in notes
    assert "<<<<<<<" not in text


@pytest.mark.parametrize("how", [["merge", "--no-edit", "b/main"], ["rebase", "b/main"],
                                 ["pull", "--no-rebase", "--no-edit", "b", "main"]])
def test_git_merge_rebase_and_pull_by_hand_use_the_driver(
        pair: tuple[Desk, Desk, str], how: list[str]) -> None:
    a, b, ticket_id = pair
    diverge(a, b, ticket_id)
    a.run("install-hooks")
    assert git(a.root, "fetch", "-q", "b").returncode == 0
    result = git(a.root, *how)
    assert result.returncode == 0, result.stderr
    assert_both_notes(a, ticket_id)
    a.run("check")


def test_a_clone_without_the_driver_is_what_install_hooks_fixes(
        pair: tuple[Desk, Desk, str]) -> None:
    a, b, ticket_id = pair
    git(a.root, "config", "--unset", "merge.sdesk.driver")
    diverge(a, b, ticket_id)
    git(a.root, "fetch", "-q", "b")
    assert git(a.root, "merge", "--no-edit", "b/main").returncode != 0  # git's own text merge
    git(a.root, "merge", "--abort")
    a.run("install-hooks")
    assert git(a.root, "merge", "--no-edit", "b/main").returncode == 0
    assert_both_notes(a, ticket_id)
