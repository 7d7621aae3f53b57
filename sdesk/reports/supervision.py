"""What a supervisor looks at, read from the summary index: tickets about to breach or breached,
tickets waiting for a decision (flags), the backlog over time, and who did what (the journals
of the tickets changed in the period).

Shared by `sdesk report` and `sdesk handover`. Read-only: never parses every ticket file (only
those the index says changed in the period), never writes. KPI figures are not computed here:
they come from sdesk.reports.kpi (one KPI computation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sdesk.core.calendar import Calendar
    from sdesk.core.model import Ticket
    from sdesk.store.index import Index

# Flags that mean "a person has to decide something" (sdesk/procedures/triage.py writes them).
HAND_BACK = ("unsupported", "needs-separation", "software-form", "needs-service")
PRIORITY_REVIEW = "priority-review"
TREND = "trend-reported"
WAITING_KINDS = ("hand-back", "priority review", "trend without a parent case", "proposal")


@dataclass(frozen=True)
class AtRisk:
    """An open ticket whose response or resolution is due before the horizon (or overdue).
    `due` is the earlier of Respond By (while nobody responded) and Resolve By."""

    id: str
    title: str
    priority: int
    vip: bool
    team: str
    assignee: str
    status: str
    due: dt.datetime
    what: str  # "respond" or "resolve"
    breached: bool
    resolve_by: dt.datetime | None = None  # Resolve By, shown beside a respond-by (handover)

    def breaches(self, now: dt.datetime) -> tuple[str, ...]:
        """What is breached at `now`: ("respond",), ("resolve",), ("respond", "resolve") or
        (). A row due to respond carries its Resolve By too, and that can have passed as well
        (a ticket nobody answered for days): `handover` and `report` both say so from here.
        Session 38: the report said only "BREACHED (respond)" of 25 tickets whose Resolve By
        had long passed."""
        out = [self.what] if self.breached else []
        if self.what == "respond" and self.resolve_by is not None and self.resolve_by <= now:
            out.append("resolve")
        return tuple(out)


@dataclass(frozen=True)
class Waiting:
    """An open ticket waiting for a decision, and why (one of WAITING_KINDS, and the flags)."""

    id: str
    title: str
    team: str
    kind: str
    flags: tuple[str, ...]
    opened_at: dt.datetime


@dataclass
class Changes:
    """Journal entries in a period, by author: entry kind -> count, and the tickets they
    touched. `capped`: more tickets changed than were read (the `limit` of `changes`)."""

    entries: int = 0
    by_author: dict[str, dict[str, int]] = field(default_factory=dict)
    tickets: dict[str, set[str]] = field(default_factory=dict)
    capped: bool = False


def horizon(now: dt.datetime, business_hours: float, cal: Calendar) -> dt.datetime:
    """The moment `business_hours` of business time after `now` (business calendar)."""
    from sdesk.core import sla

    return sla.add_business_minutes(now, business_hours * 60.0, cal)


def at_risk(index: Index, now: dt.datetime, until: dt.datetime, team: str | None = None,
            limit: int | None = None) -> tuple[list[AtRisk], int]:
    """Open tickets (not on hold: a paused clock cannot breach; not tasks) due to respond or
    resolve before `until`, earliest first, and how many there are in all (the list stops
    at `limit`)."""
    from sdesk.store import queries

    rows, total = queries.due_before(index, until.timestamp(), team or "", limit)
    out = []
    for r in rows:
        responding = r["first_response_at"] is None and r["respond_by"] is not None and (
            r["resolve_by"] is None or r["respond_by"] <= r["resolve_by"])
        when = dt.datetime.fromtimestamp(r["due"], now.tzinfo)
        resolve_by = (None if r["resolve_by"] is None
                      else dt.datetime.fromtimestamp(r["resolve_by"], now.tzinfo))
        out.append(AtRisk(r["id"], r["title"], r["priority"], bool(r["vip"]), r["team"],
                          r["assignee"], r["status"], when, "respond" if responding else "resolve",
                          when <= now, resolve_by))
    return out, total


def waiting(index: Index, tz: dt.tzinfo, team: str | None = None) -> list[Waiting]:
    """Open tickets waiting for a decision: handed back to the Service Desk, priority
    reviews, possible trends not yet under a parent case, and triage's pending proposals
    (`proposed:KIND:KEY` flags, sdesk/procedures/proposals.py)."""
    from sdesk.store import queries

    out = []
    for r in queries.flagged_open(index, team or ""):
        flags = tuple(str(r["flags"]).split())
        kind = _waiting_kind(flags, str(r["parent"] or ""))
        if kind:
            out.append(Waiting(r["id"], r["title"], r["team"], kind, flags,
                               dt.datetime.fromtimestamp(r["opened_at"], tz)))
    return out


def _waiting_kind(flags: Sequence[str], parent: str) -> str:
    if any(f in HAND_BACK for f in flags):
        return "hand-back"
    if PRIORITY_REVIEW in flags:
        return "priority review"
    if TREND in flags and not parent:
        return "trend without a parent case"
    from sdesk.procedures.proposals import pending

    if pending(flags):
        return "proposal"
    return ""


def changes(index: Index, load: Callable[[str], Ticket], since: dt.datetime,
            until: dt.datetime, limit: int = 5000) -> Changes:
    """Who did what between `since` and `until` (inclusive): the journal entries whose time
    falls in the period, by their author (`by`) and kind (note, assign, resolve, hold...), and
    the tickets they are on. Read from the journals of the tickets the index says changed
    since `since` (at most `limit`, latest first: `capped` says when more were), so the
    period follows the command's clock (`--now`) as every journal time does. Before session
    40 this read git's commit dates (the wall clock): under --now it said "No commits"
    (tester 40A, finding 10)."""
    from sdesk.store import queries

    out = Changes()
    ids = queries.updated_since(index, since.timestamp(), limit + 1)
    out.capped = len(ids) > limit
    for ticket_id in ids[:limit]:
        for entry in load(ticket_id).journal:
            if since <= entry.at <= until:
                out.entries += 1
                kinds = out.by_author.setdefault(entry.by, {})
                kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
                out.tickets.setdefault(entry.by, set()).add(ticket_id)
    return out
