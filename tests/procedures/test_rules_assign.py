"""The dispatcher guide's CASE ASSIGNMENT, rule by rule: ticket and workload in, plan out.

NOW is Tuesday 24 November 2026: mhernandez is out of office that week, cbrandt works
Tuesdays. Each row names what the guide says and who (or which team) ends up with the ticket.
"""

from __future__ import annotations

from typing import Any

import pytest
from procedure_builder import NOW, REF, after, findings, rules, said, ticket

from sdesk.core.errors import NothingToDo, SdeskError
from sdesk.core.model import Hold
from sdesk.procedures.assign import AssignContext, assign_queue, assign_ticket, assign_to
from sdesk.procedures.workload import Held, Workload

DESKTOP, DISPATCH = "IS-Desktop Support", REF.dispatch_team


def ctx(*held: Held) -> AssignContext:
    return AssignContext(REF, NOW, Workload.from_held(held), "Dispatcher")


def full(tech: str, hours: float = 99) -> Held:
    """`tech` holds more work than anyone's capacity."""
    return Held(f"INC-9{tech[:3]}", tech, hours, "someone@omes.ok.gov", "")


def desk_ticket(**fields: Any) -> Any:
    fields.setdefault("team", DESKTOP)
    fields.setdefault("status", "triaged")
    return ticket("incident", **fields)


# (what the guide says, ticket fields, the workload, assignee after, team after, the rule)
RULES = [
    ("remote: the lightest load relative to capacity (1 h of 36 beats 1 h of 32)", {}, [],
     "lharjo", DESKTOP, "assign-3 lightest load"),
    ("remote: whoever holds the requester's other tickets",
     {}, [Held("INC-0500", "dcooper", 1, "pat.user@omes.ok.gov", "")], "dcooper", DESKTOP,
     "assign-3 related tickets"),
    ("remote: the requested technician when able", {"requested_technician": "dcooper"}, [],
     "dcooper", DESKTOP, "assign-2 requested technician"),
    ("the requested technician unknown: the rules choose",
     {"requested_technician": "Nobody Known"}, [], "lharjo", DESKTOP, "assign-3 lightest load"),
    ("the requested technician in another team: the rules choose",
     {"requested_technician": "nsingh"}, [], "lharjo", DESKTOP, "assign-3 lightest load"),
    ("the requested technician out of office: the best capable one (ties on id)",
     {"requested_technician": "mhernandez", "skills": ["printers"]}, [], "skimble", DESKTOP,
     "assign-2 skills"),
    ("skills nobody available has: left in the queue", {"skills": ["imaging", "printers"]},
     [full("lharjo")], "", DESKTOP, "assign-2 skills"),
    ("everybody full: left in the queue", {},
     [full(t) for t in ("dcooper", "skimble", "lharjo", "cbrandt", "tokafor")], "", DESKTOP,
     "assign-3 availability"),
    ("on site at the requester's location", {"remote": False, "location": "Tulsa"}, [],
     "skimble", DESKTOP, "assign-1 on site"),
    ("on site: a regional technician for the agency's region",
     {"remote": False, "location": "Broken Arrow", "agency": "DHS-TUL"}, [], "skimble",
     DESKTOP, "assign-1 regional"),
    ("on site, nobody near: the dispatch team",
     {"remote": False, "location": "Guymon", "agency": "XYZ"}, [], "", DISPATCH,
     "assign-1 dispatch"),
    ("the dispatch team travels",
     {"team": DISPATCH, "remote": False, "location": "Lawton", "agency": "ODVA-LAW"},
     [], "jbuckley", DISPATCH, "assign-1 dispatch"),
    ("the dispatch team full: left in its queue",
     {"team": DISPATCH, "remote": False, "location": "Lawton", "agency": "ODVA-LAW"},
     [full("jbuckley"), full("mlittlebear")], "", DISPATCH, "assign-1 dispatch"),
    ("a team with nobody on remote tools", {"team": DISPATCH}, [], "", DISPATCH,
     "assign-2 remote"),
]


@pytest.mark.parametrize(("case", "fields", "held", "assignee", "team", "rule"), RULES,
                         ids=[row[0] for row in RULES])
def test_rule(case: str, fields: dict[str, Any], held: list[Held], assignee: str, team: str,
              rule: str) -> None:
    t = desk_ticket(**fields)
    plan = assign_ticket(t, ctx(*held))
    done = after(t, plan)
    assert (done.assignee, done.team) == (assignee, team)
    assert rule in rules(plan)
    if assignee:
        assert done.status == "assigned" and done.assigned_at == NOW
        assert said(plan, "notify " + REF.technician(assignee).email)


def test_the_region_comes_from_the_location_when_the_agency_is_unknown() -> None:
    t = desk_ticket(remote=False, location="Lawton", agency="XYZ")
    plan = assign_ticket(t, ctx(full("tokafor")))
    assert any("no regional technician for Southwest" in r for r in _reasons(plan))


def test_why_the_requested_technician_was_passed_over_is_said() -> None:
    for wanted, why in (("Nobody Known", "is not in the skills reference"),
                        ("nsingh", "is in IS-Network Services")):
        plan = assign_ticket(desk_ticket(requested_technician=wanted), ctx())
        assert any(why in r for r in _reasons(plan)), wanted


def test_a_related_holder_who_cannot_take_it_is_named() -> None:
    held = Held("INC-0500", "lharjo", 1, "pat.user@omes.ok.gov", "")
    t = desk_ticket()
    plan = assign_ticket(t, ctx(held, full("lharjo", 40)))
    assert after(t, plan).assignee == "dcooper"
    assert any("lharjo holds related tickets" in r for r in _reasons(plan))


def _reasons(plan: Any) -> list[str]:
    return findings(plan) + [a.entry.text for a in plan.actions if getattr(a, "entry", None)]


# ---- reassignment, holds, the dispatcher's choice ---------------------------------------------


def test_a_reassignment_counts_one_more_hop() -> None:
    t = desk_ticket(assignee="lharjo", status="assigned", reassignments=2,
                    requested_technician="dcooper")
    done = after(t, assign_ticket(t, ctx()))
    assert (done.assignee, done.reassignments) == ("dcooper", 3)


def test_a_held_ticket_stays_on_hold() -> None:
    t = desk_ticket(status="on-hold", holds=[Hold(start=NOW, reason="awaiting-customer")])
    assert after(t, assign_ticket(t, ctx())).status == "on-hold"


def test_a_handed_off_ticket_leaves_its_assignee_and_counts_a_hop() -> None:
    t = desk_ticket(remote=False, location="Guymon", agency="XYZ", assignee="dcooper",
                    status="assigned")
    done = after(t, assign_ticket(t, ctx()))
    assert (done.team, done.assignee, done.status, done.reassignments) == (
        DISPATCH, "", "triaged", 1)


@pytest.mark.parametrize(("tech", "force", "error"), [
    ("mhernandez", False, "out of office"),
    ("nsingh", False, "is in IS-Network Services"),
    ("nobody", False, "unknown technician"),
])
def test_the_dispatchers_choice_is_refused_when_unfit(tech: str, force: bool, error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        assign_to(desk_ticket(), tech, ctx(), force)


def test_a_forced_choice_follows_the_technician_and_is_journaled() -> None:
    t = desk_ticket()
    plan = assign_to(t, "nsingh", ctx(), force=True)
    done = after(t, plan)
    assert (done.assignee, done.team) == ("nsingh", "IS-Network Services")
    assert "override (--force)" in done.journal[-1].text


def test_the_same_technician_twice_is_nothing_to_do() -> None:
    with pytest.raises(NothingToDo):
        assign_to(desk_ticket(assignee="dcooper", status="assigned"), "dcooper", ctx())


@pytest.mark.parametrize(("status", "said"), [("resolved", "reopen it"),
                                             ("closed", "closed tickets stay closed")])
def test_a_done_ticket_is_not_assigned(status: str, said: str) -> None:
    with pytest.raises(SdeskError, match=said):
        assign_ticket(desk_ticket(status=status), ctx())


# ---- a team's queue --------------------------------------------------------------------------


def test_the_queue_is_worked_in_the_order_given_each_seeing_the_loads_before() -> None:
    tickets = [desk_ticket(effort_hours=30, vip=True), desk_ticket(effort_hours=30),
               desk_ticket(remote=False, location="Guymon", agency="XYZ"),
               desk_ticket(skills=["imaging", "printers"])]
    context = ctx(full("lharjo"))
    result = assign_queue(tickets, context)
    first, second = (after(t, result.plan).assignee for t in tickets[:2])
    assert first != second and {first, second} <= {"dcooper", "skimble", "tokafor"}
    assert result.handed_off == [tickets[2].id] and result.left == [tickets[3].id]
    assert context.workload.load_of("dcooper") == 0  # the caller's workload is not changed
    assert assign_queue(tickets, context, limit=1).assigned == [tickets[0].id]
