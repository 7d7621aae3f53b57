"""Escalate, hold and resume (the standard's escalation and the SLA pause): ticket in, plan out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from procedure_builder import NOW, REF, after, said, ticket

from sdesk.core.errors import NothingToDo, SdeskError
from sdesk.core.model import Hold, JournalEntry
from sdesk.procedures.escalation import escalate, hold, resume, status_after_hold

NETWORK = "IS-Network Services"
HOUR = dt.timedelta(hours=1)


def working(**fields: Any) -> Any:
    fields.setdefault("team", "IS-Desktop Support")
    fields.setdefault("status", "assigned")
    fields.setdefault("assignee", "dcooper")
    fields.setdefault("resolve_by", NOW + dt.timedelta(days=2))
    return ticket("incident", service="Printing", **fields)


# ---- escalate --------------------------------------------------------------------------------

ESCALATIONS = [
    # (case, ticket fields, team, tier argument, team after, tier after, status after)
    ("to another team: next tier, unassigned, in its queue", {}, NETWORK, None, NETWORK, 2,
     "triaged"),
    ("within the team to a named tier", {}, "IS-Desktop Support", 3, "IS-Desktop Support", 3,
     "triaged"),
    ("a held ticket stays on hold", {"status": "on-hold", "holds": [Hold(NOW - HOUR, "vendor")]},
     NETWORK, None, NETWORK, 2, "on-hold"),
    ("a triaged ticket keeps its status", {"status": "triaged", "assignee": ""}, NETWORK, None,
     NETWORK, 2, "triaged"),
]


@pytest.mark.parametrize(("case", "fields", "team", "tier", "team_after", "tier_after",
                          "status"), ESCALATIONS, ids=[row[0] for row in ESCALATIONS])
def test_escalate(case: str, fields: dict[str, Any], team: str, tier: int | None,
                  team_after: str, tier_after: int, status: str) -> None:
    t = working(**fields)
    plan = escalate(t, team, "needs a network engineer", REF, NOW, "Dispatcher", tier)
    done = after(t, plan)
    assert (done.team, done.tier, done.status, done.assignee) == (team_after, tier_after,
                                                                  status, "")
    hop = 1 if team_after != t.team else 0  # a tier change within the team is no hop
    assert done.reassignments == t.reassignments + hop and done.resolve_by == t.resolve_by
    assert said(plan, "notify " + REF.team(team).email)


@pytest.mark.parametrize(("fields", "team", "reason", "tier", "error"), [
    ({"status": "resolved"}, NETWORK, "why", None, "reopen it"),
    ({}, NETWORK, "  ", None, "must say why"),
    ({}, NETWORK, "why", 10, "between 1 and 9"),
    ({}, "IS-Desktop Support", "why", 1, "already with"),
])
def test_an_escalation_is_refused(fields: dict[str, Any], team: str, reason: str,
                                  tier: int | None, error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        escalate(working(**fields), team, reason, REF, NOW, "Dispatcher", tier)


# ---- hold and resume -------------------------------------------------------------------------


def test_hold_pauses_and_says_what_it_was() -> None:
    t = working()
    done = after(t, hold(t, "awaiting-customer", REF, NOW, "Tech", note="left a voicemail",
                         asked_by_phone=True))
    assert done.status == "on-hold" and done.on_hold and done.holds[-1].start == NOW
    assert "was assigned" in done.journal[-1].text and "voicemail" in done.journal[-1].text


@pytest.mark.parametrize(("fields", "reason", "error"), [
    ({"status": "on-hold", "holds": [Hold(NOW - HOUR, "vendor")]}, "vendor", "already on hold"),
    ({}, "lunch", "must be one of"),
    ({"status": "closed"}, "vendor", "closed tickets stay closed"),
])
def test_a_hold_is_refused(fields: dict[str, Any], reason: str, error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        hold(working(**fields), reason, REF, NOW, "Tech")


def test_what_is_so_already_is_nothing_to_do() -> None:
    held = working(status="on-hold", holds=[Hold(NOW - HOUR, "vendor")])
    with pytest.raises(NothingToDo, match="already on hold"):
        hold(held, "vendor", REF, NOW, "Tech")
    with pytest.raises(NothingToDo, match="not on hold"):
        resume(working(), REF, NOW, "Tech")
    with pytest.raises(NothingToDo, match="already with"):
        escalate(working(), "IS-Desktop Support", "why", REF, NOW, "Dispatcher", 1)


@pytest.mark.parametrize(("fields", "journal_kind", "status"), [
    ({"assignee": "dcooper"}, "", "assigned"),
    ({"assignee": ""}, "triage", "triaged"),
    ({"assignee": ""}, "note", "new"),
])
def test_resume_returns_to_the_working_status(fields: dict[str, Any], journal_kind: str,
                                              status: str) -> None:
    journal = [JournalEntry(at=NOW - 2 * HOUR, by="x", kind=journal_kind, text="x")] \
        if journal_kind else []
    t = working(status="on-hold", holds=[Hold(NOW - HOUR, "vendor")], journal=journal, **fields)
    assert status_after_hold(t) == status
    done = after(t, resume(t, REF, NOW, "Tech"))
    assert done.status == status and not done.on_hold and done.holds[-1].end == NOW


def test_resume_moves_resolve_by_by_the_business_time_paused() -> None:
    # Held from 07:00 to 09:00 on a Tuesday: only 08:00-09:00 is business time.
    due = NOW + HOUR
    t = working(status="on-hold", holds=[Hold(NOW - 2 * HOUR, "vendor")], resolve_by=due)
    done = after(t, resume(t, REF, NOW, "Tech"))
    resumed = [e for e in done.journal if e.kind == "resume"][-1]  # the customer's note after it
    assert done.resolve_by == due + HOUR and "1 h 00 min" in resumed.text


def test_a_pause_outside_business_hours_moves_nothing() -> None:
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=REF.calendar.tz)
    due = NOW + dt.timedelta(days=2)
    t = working(status="on-hold", holds=[Hold(saturday, "vendor")], resolve_by=due)
    plan = resume(t, REF, saturday + HOUR, "Tech")
    assert after(t, plan).resolve_by == due


@pytest.mark.parametrize(("fields", "when", "error"), [
    ({}, NOW, "not on hold"),
    ({"status": "on-hold", "holds": [Hold(NOW, "vendor")]}, NOW - HOUR, "before the hold"),
])
def test_a_resume_is_refused(fields: dict[str, Any], when: dt.datetime, error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        resume(working(**fields), REF, when, "Tech")


def test_resume_without_resolve_by_says_no_move() -> None:
    t = working(status="on-hold", holds=[Hold(NOW - HOUR, "vendor")], resolve_by=None)
    done = after(t, resume(t, REF, NOW, "Tech"))
    assert done.resolve_by is None and "Resolve By" not in done.journal[-1].text
