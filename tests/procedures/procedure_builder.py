"""A small ticket builder for the procedure tables: ticket in, plan out, no store, no CLI.

`ticket(...)` makes a Ticket with the fields a dispatcher would see on a fresh one (opened an
hour before NOW, a requester from OMES, the Service Desk owning it) and whatever a test row
overrides. `after(ticket, plan)` is the ticket as the plan would leave it, so a row can say
"status triaged, team X, flag Y" instead of listing actions. The reference data is the one
`sdesk init` installs (sdesk/defaults/reference).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from sdesk.core.model import Requester, Ticket
from sdesk.core.reference import Reference, load_reference
from sdesk.procedures.plan import Finding, Plan

REF: Reference = load_reference(Path(__file__).resolve().parents[2] / "sdesk" / "defaults"
                                / "reference")
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=REF.calendar.tz)  # a Tuesday, a working day
PREFIX = {"incident": "INC", "request": "REQ", "case": "CASE", "task": "TASK"}
_serial = [0]


def ticket(type: str = "incident", *, id: str = "", email: str = "pat.user@omes.ok.gov",
           agency: str = "OMES", name: str = "Pat User", minutes_ago: int = 60,
           **fields: Any) -> Ticket:
    """A ticket of `type`; keyword fields override the Ticket's own (team, service, status...)."""
    _serial[0] += 1
    fields.setdefault("title", "Printer will not print")
    fields.setdefault("team", REF.service_desk)
    return Ticket(id=id or f"{PREFIX[type]}-{_serial[0]:04d}", type=type,
                  opened_at=NOW - dt.timedelta(minutes=minutes_ago),
                  requester=Requester(name=name, email=email, agency=agency), **fields)


def after(t: Ticket, plan: Plan) -> Ticket:
    """`t` as the plan's actions for it would leave it (the ticket passed in is unchanged)."""
    out = copy.deepcopy(t)
    for action in plan.for_ticket(t.id):
        action.apply(out)
    return out


def rules(plan: Plan, ticket_id: str | None = None) -> list[str]:
    """The rules the plan's actions name, in order, each once."""
    seen: dict[str, None] = {}
    for action in plan.actions:
        if ticket_id is None or action.ticket == ticket_id:
            seen.setdefault(action.rule, None)
    return list(seen)


def findings(plan: Plan) -> list[str]:
    """The reasons of the plan's findings (conclusions that change nothing)."""
    return [a.reason for a in plan.actions if isinstance(a, Finding)]


def said(plan: Plan, words: str) -> bool:
    """Whether any action's one-line description contains `words`."""
    return any(words in line for line in plan.describe())
