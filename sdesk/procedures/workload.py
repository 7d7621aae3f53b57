"""Technicians' workload and availability: what the dispatcher looks at before assigning.

Workload is built once from the summary index (open tickets with an assignee: how many, and
the sum of their estimated `effort` hours) and then kept in memory, so a batch that assigns a
thousand tickets reads the index once and updates the loads as it goes. Availability is a
technician's working days and out-of-office dates from the skills reference, and the business
calendar's holidays (nobody is assigned a ticket on a day they are out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sdesk.core.reference import Reference, Technician


@dataclass(frozen=True)
class Held:
    """One open assigned ticket, as the workload needs it."""

    id: str
    assignee: str
    effort: float
    requester: str  # lower-case e-mail
    parent: str


@dataclass
class Workload:
    """Open assigned work per technician, with lookups for related tickets."""

    tickets: dict[str, Held] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)
    effort: dict[str, float] = field(default_factory=dict)
    by_requester: dict[str, set[str]] = field(default_factory=dict)
    by_parent: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_held(cls, held: Iterable[Held]) -> Workload:
        work = cls()
        for item in held:
            work.add(item)
        return work

    def copy(self) -> Workload:
        return Workload.from_held(self.tickets.values())

    def add(self, item: Held) -> None:
        """Record that `item.assignee` now holds ticket `item.id` (replacing any previous
        holder: a reassignment moves the effort)."""
        self.remove(item.id)
        self.tickets[item.id] = item
        tech = item.assignee
        self.count[tech] = self.count.get(tech, 0) + 1
        self.effort[tech] = self.effort.get(tech, 0.0) + item.effort
        if item.requester:
            self.by_requester.setdefault(item.requester, set()).add(item.id)
        if item.parent:
            self.by_parent.setdefault(item.parent, set()).add(item.id)

    def remove(self, ticket_id: str) -> None:
        old = self.tickets.pop(ticket_id, None)
        if old is None:
            return
        self.count[old.assignee] -= 1
        self.effort[old.assignee] -= old.effort
        self.by_requester.get(old.requester, set()).discard(ticket_id)
        self.by_parent.get(old.parent, set()).discard(ticket_id)

    def load_of(self, tech: str, excluding: str = "") -> float:
        """Effort hours of `tech`'s open assigned tickets, not counting ticket `excluding`."""
        load = self.effort.get(tech, 0.0)
        held = self.tickets.get(excluding)
        if held is not None and held.assignee == tech:
            load -= held.effort
        return max(load, 0.0)

    def related_holders(self, ticket_id: str, requester: str, parent: str,
                        related: Iterable[str] = ()) -> dict[str, list[str]]:
        """Technicians holding open tickets of the same requester, the same parent, the
        parent itself, or tickets named as related: technician -> those ticket IDs."""
        ids: set[str] = set()
        if requester:
            ids |= self.by_requester.get(requester.lower(), set())
        if parent:
            ids |= self.by_parent.get(parent, set())
            ids.add(parent)
        ids |= set(related)
        ids |= self.by_parent.get(ticket_id, set())  # this ticket's own children
        ids.discard(ticket_id)
        holders: dict[str, list[str]] = {}
        for other in sorted(ids):
            held = self.tickets.get(other)
            if held is not None:
                holders.setdefault(held.assignee, []).append(other)
        return holders


def held_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Held]:
    """Index rows (open tickets with an assignee) -> Held items."""
    return [Held(id=str(r["id"]), assignee=str(r["assignee"]), effort=float(r["effort"] or 0.0),
                 requester=str(r["requester_email"] or "").lower(), parent=str(r["parent"] or ""))
            for r in rows]


def unavailable_reason(tech: Technician, day: dt.date, ref: Reference) -> str:
    """Why `tech` cannot take work on `day`, or "" when available."""
    if ref.calendar.is_holiday(day):
        names = ref.calendar.holidays(day.year)
        return f"holiday ({names.get(day, 'holiday')})"
    if day.weekday() not in tech.working_days:
        return f"does not work on {day:%A}s"
    return tech.away_on(day)


@dataclass(frozen=True)
class TechRow:
    """One line of `sdesk workload`."""

    technician: str
    name: str
    team: str
    open: int
    effort: float
    capacity: float
    free: float
    load_pct: int
    available: str  # "yes" or why not
    skills: str


def workload_rows(ref: Reference, work: Workload, day: dt.date,
                  team: str | None = None) -> list[TechRow]:
    rows: list[TechRow] = []
    for tech in sorted(ref.technicians.values(), key=lambda t: (t.team, t.id)):
        if team is not None and tech.team != team:
            continue
        effort = round(work.load_of(tech.id), 2)
        reason = unavailable_reason(tech, day, ref)
        rows.append(TechRow(
            technician=tech.id, name=tech.name, team=tech.team, open=work.count.get(tech.id, 0),
            effort=effort, capacity=tech.capacity_hours,
            free=round(tech.capacity_hours - effort, 2),
            load_pct=round(100 * effort / tech.capacity_hours),
            available=reason or "yes", skills=", ".join(tech.skills)))
    return rows
