"""Resolve, duplicates, parent cases, reopen, close, satisfaction and notes: ticket in, plan out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from procedure_builder import NOW, REF, after, findings, said, ticket

from sdesk.core.errors import NothingToDo, SdeskError
from sdesk.core.model import Csat, Hold, JournalEntry, Resolution
from sdesk.procedures.business_days import stale_cutoff
from sdesk.procedures.notes import journal_note
from sdesk.procedures.resolve import (
    Resolve,
    close,
    first_contact_rule,
    record_csat,
    reopen,
    resolve,
)

HOUR = dt.timedelta(hours=1)


def working(**fields: Any) -> Any:
    fields.setdefault("status", "assigned")
    fields.setdefault("assignee", "dcooper")
    fields.setdefault("journal", [JournalEntry(at=NOW - HOUR, by="Tech", kind="system",
                                               text="Logged.")])
    return ticket("incident", service="Printing", minutes_ago=30, **fields)


# ---- first contact ---------------------------------------------------------------------------

FIRST_CONTACT = [
    # (case, ticket fields, resolver, answer, why)
    ("resolved by whoever logged it, quickly", {}, "Tech", True, "within 60"),
    ("reopened before", {"reopens": 1}, "Tech", False, "reopened 1 time"),
    ("reassigned", {"reassignments": 1}, "Tech", False, "reassigned 1 time"),
    ("escalated", {"tier": 2}, "Tech", False, "escalated to tier 2"),
    ("put on hold", {"holds": [Hold(NOW - HOUR, "vendor", NOW)]}, "Tech", False, "on hold"),
    ("someone else resolved it", {}, "Other", False, "logged by Tech"),
    ("past the window (a business day)", {"minutes_ago": 24 * 60}, "Tech", False, "business minutes after"),
]


@pytest.mark.parametrize(("case", "fields", "actor", "answer", "why"), FIRST_CONTACT,
                         ids=[row[0] for row in FIRST_CONTACT])
def test_first_contact(case: str, fields: dict[str, Any], actor: str, answer: bool,
                       why: str) -> None:
    minutes = fields.pop("minutes_ago", 30)
    t = ticket("incident", minutes_ago=minutes, journal=[
        JournalEntry(at=NOW - HOUR, by="Tech", kind="system", text="Logged.")], **fields)
    got, reason = first_contact_rule(t, actor, NOW, REF)
    assert got == answer and why in reason


# ---- resolve ---------------------------------------------------------------------------------


def test_resolve_documents_tells_the_customer_and_counts_the_first_response() -> None:
    t = working()
    plan = resolve(t, Resolve("fixed", "Replaced the toner."), REF, NOW, "Tech")
    done = after(t, plan)
    assert (done.status, done.resolved_at, done.first_response_at) == ("resolved", NOW, NOW)
    assert done.resolution == Resolution("fixed", "Replaced the toner.", "Tech", True)
    assert done.journal[-1].public and said(plan, "notify pat.user@omes.ok.gov")


def test_no_requester_email_means_a_phone_call() -> None:
    ticket = working_no_email()
    ticket.requester.phone = "405-555-0100"
    plan = resolve(ticket, Resolve("fixed", "Done."), REF, NOW, "Tech")
    assert any("by phone (405-555-0100)" in f for f in findings(plan))


def test_no_requester_email_nor_phone_says_nobody_was_told() -> None:
    ticket = working_no_email()
    ticket.requester.phone = ""
    plan = resolve(ticket, Resolve("fixed", "Done."), REF, NOW, "Tech")
    assert any(f.startswith("no requester e-mail or phone: nobody was told") for f in
               findings(plan)), findings(plan)


def working_no_email() -> Any:
    t = working()
    t.requester.email = ""
    return t


def test_resolve_with_an_article_and_the_resolvers_first_contact_word() -> None:
    t = working(kb=["KB-a"])
    done = after(t, resolve(t, Resolve("fixed", "Done.", first_contact=False, kb=("KB-b",)),
                            REF, NOW, "Tech"))
    assert done.kb == ["KB-a", "KB-b"] and done.resolution is not None
    assert done.resolution.first_contact is False


def test_a_duplicate_points_at_the_original_and_never_counts_as_first_contact() -> None:
    t = working()
    done = after(t, resolve(t, Resolve("", "Same printer.", duplicate_of="INC-0001"), REF, NOW,
                            "Tech"))
    assert (done.duplicate_of, done.resolution.code if done.resolution else "") == (
        "INC-0001", "duplicate")
    assert "has been merged into INC-0001" in done.journal[-1].text


def test_resolving_from_hold_ends_the_hold_and_moves_resolve_by() -> None:
    due = NOW + 3 * HOUR
    t = working(status="on-hold", holds=[Hold(NOW - HOUR, "vendor")], resolve_by=due)
    done = after(t, resolve(t, Resolve("fixed", "Done."), REF, NOW, "Tech"))
    assert done.holds[-1].end == NOW and done.resolve_by == due + HOUR


def test_a_parent_case_resolves_its_open_children() -> None:
    parent = working()
    children = [working(parent=parent.id), working(parent=parent.id, status="resolved"),
                working(parent=parent.id)]
    children[2].type = "task"
    plan = resolve(parent, Resolve("fixed", "Root cause fixed."), REF, NOW, "Tech",
                   children=children)
    assert after(children[0], plan).status == "resolved"
    assert plan.for_ticket(children[1].id) == [] and plan.for_ticket(children[2].id) == []
    child = after(children[0], plan).resolution
    assert child is not None and (child.code, child.first_contact) == ("fixed", False)


@pytest.mark.parametrize(("fields", "req", "tasks", "error"), [
    ({"status": "resolved", "resolution": Resolution("fixed", "Done.", "Tech", True)},
     Resolve("fixed", "x"), (), "already"),
    ({}, Resolve("fixed", "x"), ("TASK-1",), "open tasks"),
    ({}, Resolve("nonsense", "x"), (), "unknown resolution code"),
    ({}, Resolve("fixed", "x", duplicate_of="INC-1"), (), "resolves as 'duplicate'"),
    ({}, Resolve("fixed", "  "), (), "must not be empty"),
    ({}, Resolve("duplicate", "x"), (), "needs the original"),
])
def test_a_resolution_is_refused(fields: dict[str, Any], req: Resolve, tasks: tuple[str, ...],
                                 error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        resolve(working(**fields), req, REF, NOW, "Tech", open_tasks=tasks)


def test_a_ticket_is_not_its_own_duplicate() -> None:
    t = working()
    with pytest.raises(SdeskError, match="itself"):
        resolve(t, Resolve("", "x", duplicate_of=t.id), REF, NOW, "Tech")


# ---- reopen, close, satisfaction -------------------------------------------------------------


@pytest.mark.parametrize(("assignee", "status"), [("dcooper", "assigned"), ("", "triaged")])
def test_reopen_goes_back_to_work_and_forgets_the_resolution(assignee: str,
                                                             status: str) -> None:
    due = NOW + HOUR
    t = working(status="resolved", assignee=assignee, resolved_at=NOW - HOUR, resolve_by=due,
                resolution=Resolution("duplicate", "x", "Tech", False), duplicate_of="INC-1",
                csat=Csat(4, NOW))
    done = after(t, reopen(t, "still broken", NOW, "Tech", REF))
    assert (done.status, done.reopens, done.resolution, done.resolved_at, done.csat,
            done.duplicate_of) == (status, 1, None, None, None, "")
    assert done.resolve_by == due + HOUR  # the hour it sat resolved does not count


@pytest.mark.parametrize(("status", "reason", "error"), [
    ("closed", "x", "stay closed"), ("assigned", "x", "open already"),
    ("resolved", " ", "must not be empty"),
])
def test_a_reopen_is_refused(status: str, reason: str, error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        reopen(working(status=status), reason, NOW, "Tech", REF)


def test_close_a_resolved_ticket_only() -> None:
    t = working(status="resolved")
    done = after(t, close(t, NOW, "Tech"))
    assert (done.status, done.closed_at) == ("closed", NOW)
    with pytest.raises(SdeskError, match="only resolved"):
        close(working(), NOW, "Tech")
    with pytest.raises(NothingToDo, match="closed already"):
        close(done, NOW, "Tech")


@pytest.mark.parametrize(("fields", "score", "error"), [
    ({"status": "resolved"}, 6, "1 to 5"), ({"status": "resolved"}, True, "1 to 5"),
    ({}, 4, "after resolution"), ({"status": "resolved", "csat": Csat(3, NOW)}, 4, "already"),
])
def test_a_satisfaction_score_is_refused(fields: dict[str, Any], score: int, error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        record_csat(working(**fields), score, "", NOW, "Tech")


def test_one_satisfaction_score_per_resolution() -> None:
    t = working(status="resolved")
    done = after(t, record_csat(t, 5, " great ", NOW, "Tech"))
    assert done.csat == Csat(5, NOW, "great") and done.journal[-1].text == "Satisfaction 5/5: great"


# ---- notes and the stale cut-off -------------------------------------------------------------


@pytest.mark.parametrize(("public", "mail"), [(True, True), (False, False)])
def test_a_public_note_is_a_customer_update_and_the_first_response(public: bool,
                                                                   mail: bool) -> None:
    t = working()
    entry = JournalEntry(at=NOW, by="Tech", kind="note", text="On my way.",
                         visibility="public" if public else "internal")
    plan = journal_note(t, entry)
    assert (after(t, plan).first_response_at == NOW) == public
    assert said(plan, "notify pat.user@omes.ok.gov") == mail


def test_an_empty_note_is_refused() -> None:
    with pytest.raises(SdeskError, match="empty"):
        journal_note(working(), JournalEntry(at=NOW, by="x", kind="note", text=" "))


@pytest.mark.parametrize(("days", "cutoff"), [(1, "2026-11-23"), (3, "2026-11-19")])
def test_stale_counts_business_days(days: int, cutoff: str) -> None:
    assert stale_cutoff(NOW, days, REF.calendar).date().isoformat() == cutoff


def test_stale_needs_a_day() -> None:
    with pytest.raises(SdeskError):
        stale_cutoff(NOW, 0, REF.calendar)
