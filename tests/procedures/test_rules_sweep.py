"""The sweep's promises (docs/sweep.md), rule by rule: tickets as the index sees them in, the
plan out. Each row is one ticket the sweep looks at, who is told, which rule says so and the
flags it leaves so that nobody is told twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from procedure_builder import NOW, REF

from sdesk.core.model import Hold
from sdesk.procedures.plan import AddEntry, Notify, Plan, SetField, SetStatus
from sdesk.procedures.sweep import (
    R_UNOWNED,
    R_UPDATE,
    SweepContext,
    SweepSettings,
    Watched,
    sweep,
)

HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
DESKTOP = "IS-Desktop Support"
SUPERVISOR = REF.teams[DESKTOP].supervisor
LEADS = REF.teams[DESKTOP].leads or REF.leads_email
DCOOPER = REF.technicians["dcooper"].email
# NOW is Tuesday 09:00: the Monday before is one business day back, the Tuesday before five.
MONDAY, LAST_TUESDAY = NOW - DAY, NOW - 7 * DAY


def watched(**fields: Any) -> Watched:
    """An assigned P3 incident of IS-Desktop Support opened Monday 09:00, updated now."""
    values: dict[str, Any] = dict(
        id="INC-0100", title="Printer will not print", status="in-progress", priority=3,
        team=DESKTOP, assignee="dcooper", flags=(), opened_at=MONDAY, respond_by=None,
        resolve_by=None, first_response_at=MONDAY + HOUR, resolved_at=None, last_update=NOW,
        on_hold=False)
    values.update(fields)
    return Watched(**values)


def ctx(reference: Any = REF) -> SweepContext:
    return SweepContext(reference=reference, now=NOW, actor="sdesk sweep",
                        settings=SweepSettings(update_days_p3=3, close_after_days=5,
                                               unowned_hours=2.0))


def told(plan: Plan) -> list[str]:
    return [to for a in plan.actions if isinstance(a, Notify) for to in a.to]


def flags_left(plan: Plan, before: tuple[str, ...]) -> list[str]:
    """The flags the plan leaves (the flags it started with when it sets none)."""
    sets = [a.value for a in plan.actions if isinstance(a, SetField) and a.field == "flags"]
    return list(sets[-1]) if sets else list(before)


def sla(pct: int, kind: str) -> str:
    return f"standard: SLA warning at {pct}% of the time to {kind}"


ROWS = [
    # (what docs/sweep.md says, the ticket, who is told, the rule, the flags left)
    ("75 % of the time to resolve used: the team's supervisor is told",
     {"resolve_by": NOW + HOUR}, [SUPERVISOR], sla(75, "resolve"), ["sla-resolve-75"]),
    ("75 % told already: not told again before 100 %",
     {"resolve_by": NOW + HOUR, "flags": ("sla-resolve-75",)}, [], None, ["sla-resolve-75"]),
    ("past the Resolve By: told once at 100 %, the 75 % flag set with it",
     {"resolve_by": NOW - HOUR}, [SUPERVISOR], sla(100, "resolve"),
     ["sla-resolve-75", "sla-resolve-100"]),
    ("100 % told already: nothing more",
     {"resolve_by": NOW - HOUR, "flags": ("sla-resolve-75", "sla-resolve-100")}, [], None,
     ["sla-resolve-75", "sla-resolve-100"]),
    ("past the Respond By without a first response: told",
     {"respond_by": NOW - HOUR, "first_response_at": None}, [SUPERVISOR], sla(100, "respond"),
     ["sla-respond-75", "sla-respond-100"]),
    ("a first response stops the respond clock",
     {"respond_by": NOW - HOUR}, [], None, []),
    ("a ticket on hold is never warned",
     {"resolve_by": NOW - HOUR, "on_hold": True}, [], None, []),
    ("time on hold is left out of the time used",
     {"resolve_by": NOW + HOUR,
      "holds": (Hold(start=MONDAY + HOUR, reason="vendor", end=NOW - HOUR),)}, [], None, []),
    ("a team nobody supervises: the Service Desk Leads are told",
     {"resolve_by": NOW - HOUR, "team": "IS-Nowhere"}, [REF.leads_email], sla(100, "resolve"),
     ["sla-resolve-75", "sla-resolve-100"]),
    ("the due time moved later (priority lowered): the warning is withdrawn",
     {"resolve_by": NOW + 5 * DAY, "flags": ("sla-resolve-75", "sla-resolve-100")}, [], sla(75, "resolve"),
     []),
    ("no public update for 3 business days: the assignee is reminded",
     {"last_update": LAST_TUESDAY}, [DCOOPER], R_UPDATE, ["update-reminded"]),
    ("reminded already in this quiet spell: not again",
     {"last_update": LAST_TUESDAY, "flags": ("update-reminded",)}, [], None, ["update-reminded"]),
    ("updated since the reminder: the next quiet spell counts anew",
     {"flags": ("update-reminded",)}, [], None, []),
    ("an assignee the reference does not know: the journal says so, nobody is mailed",
     {"last_update": LAST_TUESDAY, "assignee": "ghost"}, [], R_UPDATE, ["update-reminded"]),
    ("new and unowned for more than 2 business hours: the team's leads are told",
     {"status": "new", "assignee": ""}, [LEADS], R_UNOWNED, ["unowned-reported"]),
    ("new and unowned for an hour: not yet",
     {"status": "new", "assignee": "", "opened_at": NOW - HOUR}, [], None, []),
    ("resolved more than 5 business days ago: closed",
     {"status": "resolved", "resolved_at": LAST_TUESDAY - DAY}, [],
     "standard: close 5 business days after resolution", []),
    ("resolved yesterday: left for the customer to answer",
     {"status": "resolved", "resolved_at": MONDAY, "resolve_by": NOW - HOUR}, [], None, []),
    ("closed: never looked at", {"status": "closed", "resolve_by": NOW - HOUR}, [], None, []),
]


@pytest.mark.parametrize(("case", "fields", "to", "rule", "flags"), ROWS,
                         ids=[row[0] for row in ROWS])
def test_sweep_rule(case: str, fields: dict[str, Any], to: list[str], rule: str | None,
                    flags: list[str]) -> None:
    t = watched(**fields)
    plan = sweep([t], ctx())
    assert told(plan) == to
    assert [a.rule for a in plan.actions if isinstance(a, AddEntry | SetStatus)][:1] == \
        ([rule] if rule else [])
    assert flags_left(plan, t.flags) == flags


def test_a_desk_without_leads_still_journals_an_unowned_ticket() -> None:
    nobody = dataclasses.replace(REF, leads_email="", teams={
        name: dataclasses.replace(team, leads="") for name, team in REF.teams.items()})
    plan = sweep([watched(status="new", assignee="")], ctx(nobody))
    assert told(plan) == []
    (entry,) = [a.entry for a in plan.actions if isinstance(a, AddEntry)]
    assert entry.rule == R_UNOWNED and entry.text.endswith("nobody told.")
