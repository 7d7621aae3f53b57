"""Corrections after intake (sdesk set / edit) and what they set in motion: ticket in, plan out.

A corrected service re-routes a routed ticket to the team that provides it (dispatcher guide
incident-1), an assigned one only with --force; a corrected impact or urgency checks the
priority against the matrix again and flags a mismatch for the supervisor (incident-2)."""

from __future__ import annotations

from typing import Any

import pytest
from procedure_builder import NOW, REF, after, findings, said, ticket

from sdesk.core.errors import ReferenceError, ValidationError
from sdesk.procedures.editing import changes, correct
from sdesk.procedures.plan import Notify

DESKTOP, NETWORK = "IS-Desktop Support", "IS-Network Services"


def _correct(t: Any, force: bool = False, **wanted: Any) -> Any:
    return correct(t, changes(t, wanted, REF), REF, NOW, "Dana Dispatcher", force=force)


ROUTES = [
    # (case, ticket fields, new service, team after, status after, assignee after, hops added)
    ("triaged, unassigned: to the new service's team, one hop",
     {"status": "triaged", "team": DESKTOP}, "VPN", NETWORK, "triaged", "", 1),
    ("the owning team provides the new service too: stays",
     {"status": "triaged", "team": DESKTOP}, "Monitor", DESKTOP, "triaged", "", 0),
    ("new: triage routes it later",
     {"status": "new"}, "VPN", REF.service_desk, "new", "", 0),
    ("assigned, forced: to the new team's queue, unassigned",
     {"status": "in-progress", "team": DESKTOP, "assignee": "dcooper"}, "VPN", NETWORK,
     "triaged", "", 1),
    ("resolved: the record is corrected, not routed",
     {"status": "resolved", "team": DESKTOP, "assignee": "dcooper"}, "VPN", DESKTOP,
     "resolved", "dcooper", 0),
    ("an agency the new team does not support: handed back to the Service Desk",
     {"status": "triaged", "team": NETWORK, "agency": "ODOT"}, "PeopleSoft", REF.service_desk,
     "new", "", 1),
    ("a hardware request at the Asset Team stays (routed by kind, request-2)",
     {"status": "triaged", "team": "IS-Asset Team", "type": "request"}, "Monitor",
     "IS-Asset Team", "triaged", "", 0),
    ("a task stays with its parent's team", {"status": "triaged", "team": DESKTOP,
                                             "type": "task"}, "VPN", DESKTOP, "triaged", "", 0),
]


@pytest.mark.parametrize(("case", "fields", "service", "team", "status", "assignee", "hops"),
                         ROUTES, ids=[r[0] for r in ROUTES])
def test_a_corrected_service_routes_as_the_guide_does(case: str, fields: dict[str, Any],
                                                      service: str, team: str, status: str,
                                                      assignee: str, hops: int) -> None:
    kind = fields.pop("type", "incident")
    t = ticket(kind, service="Printing", **fields)
    plan = _correct(t, force=True, service=service)
    done = after(t, plan)
    assert (done.service, done.team, done.status, done.assignee) == (service, team, status,
                                                                     assignee)
    assert done.reassignments == t.reassignments + hops
    entry = done.journal[-1]
    assert entry.kind == "edit" and f"service: 'Printing' -> '{service}'" in entry.text
    if team != t.team:
        assert f"-> {team}" in entry.text or "Handed back" in entry.text
    else:
        assert findings(plan)


def test_an_unsupported_agency_is_flagged_and_the_leads_told() -> None:
    t = ticket(service="VPN", status="triaged", team=NETWORK, agency="ODOT")
    done = after(t, plan := _correct(t, service="PeopleSoft"))
    assert "unsupported" in done.flags
    assert any(isinstance(a, Notify) and a.to == (REF.leads_email,) for a in plan.actions)


def test_an_assigned_ticket_is_not_rerouted_without_force() -> None:
    t = ticket(service="Printing", status="assigned", team=DESKTOP, assignee="dcooper")
    with pytest.raises(ValidationError, match=r"assigned to dcooper.*--force"):
        _correct(t, service="VPN")
    assert after(t, _correct(t, service="Monitor")).assignee == "dcooper"  # same team: no force


PRIORITIES = [
    # (case, ticket fields, corrections, priority-review flagged after, supervisor told)
    ("impact raised: P3 no longer fits P1's matrix cell", {"status": "triaged", "team": DESKTOP},
     {"impact": 1, "urgency": 1}, True, "kendra.yellowhorse@omes.ok.gov"),
    ("a change that still fits", {"status": "triaged", "team": DESKTOP},
     {"impact": 1, "urgency": 3}, False, ""),
    ("already flagged, the matrix level unmoved: not flagged or told again",
     {"status": "triaged", "team": DESKTOP, "flags": ["priority-review"], "impact": 3},
     {"urgency": 3}, True, ""),
    ("already flagged, the matrix level moved: told again (session 37)",
     {"status": "triaged", "team": DESKTOP, "flags": ["priority-review"], "impact": 3},
     {"impact": 1}, True, "kendra.yellowhorse@omes.ok.gov"),
    ("fits again: the flag is cleared",
     {"status": "triaged", "team": DESKTOP, "flags": ["priority-review"], "impact": 1},
     {"impact": 2}, False, ""),
    ("new ticket: the Service Desk's supervisor", {"status": "new"}, {"impact": 1},
     True, "marcia.whitfield@omes.ok.gov"),
    ("re-routed in the same correction: the new team's supervisor",
     {"status": "triaged", "team": DESKTOP}, {"impact": 1, "urgency": 1, "service": "VPN"},
     True, "troy.baptiste@omes.ok.gov"),
    ("resolved: not checked", {"status": "resolved", "team": DESKTOP}, {"impact": 1},
     False, ""),
]


@pytest.mark.parametrize(("case", "fields", "wanted", "flagged", "told"), PRIORITIES,
                         ids=[r[0] for r in PRIORITIES])
def test_a_corrected_impact_or_urgency_checks_the_priority_again(
        case: str, fields: dict[str, Any], wanted: dict[str, Any], flagged: bool,
        told: str) -> None:
    fields.setdefault("impact", 2)
    t = ticket(service="Printing", priority=3, urgency=2, **fields)
    plan = _correct(t, **wanted)
    done = after(t, plan)
    assert done.priority == 3  # the supervisor decides (sdesk priority)
    assert ("priority-review" in done.flags) == flagged
    mail = [a.to for a in plan.actions
            if isinstance(a, Notify) and a.subject == "Priority review"]
    assert mail == ([(told,)] if told else [])
    if told and "priority-review" in fields.get("flags", ()):
        assert said(plan, f"now gives P2 (High), not P4; already flagged: {told} is told again")
    elif told:
        assert said(plan, f"the supervisor decides: flagged for {told} (sdesk priority {t.id} ")


@pytest.mark.parametrize(("value", "stored"), [
    (["VPN", " printers "], ["printers", "vpn"]),
    (["active-directory"], ["active-directory"]),
    ([], []),
])
def test_skills_are_set_as_the_reference_writes_them(value: list[str], stored: list[str]) -> None:
    t = ticket(skills=["hardware"])
    assert after(t, _correct(t, skills=value)).skills == stored


@pytest.mark.parametrize(("value", "words"), [
    (["printrs"], "did you mean 'printers'"),
    (["juggling"], "no technician has it"),
])
def test_a_skill_no_technician_has_is_refused(value: list[str], words: str) -> None:
    with pytest.raises(ReferenceError, match=words):
        _correct(ticket(), skills=value)
