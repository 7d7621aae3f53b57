"""What a supervisor looks at, read from the summary index: tickets about to breach or breached,
tickets waiting for a decision (flags), the backlog over time, and who did what in git.

Shared by `sdesk report` and `sdesk handover`. Read-only: never parses every ticket file, never
writes. KPI figures are not computed here: they come from sdesk.reports.kpi (one KPI computation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sdesk.core.calendar import Calendar
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
    """Commits in a period, by author: action -> count, and the tickets they touched."""

    commits: int = 0
    by_author: dict[str, dict[str, int]] = field(default_factory=dict)
    tickets: dict[str, set[str]] = field(default_factory=dict)


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


def changes(top: Any, since: dt.datetime, until: dt.datetime, limit: int = 5000) -> Changes:
    """Who did what between `since` and `until`: sdesk's commits by author and their
    `Sdesk-Action` trailer (commits without one count as 'edit'), and the tickets their
    `Sdesk-Ticket` trailers name. At most `limit` commits are read."""
    from sdesk import git

    fmt = "%x1e%an%x1f%(trailers:key=Sdesk-Action,valueonly,separator=%x20)%x1f" \
          "%(trailers:key=Sdesk-Ticket,valueonly,separator=%x20)"
    proc = git.run(["log", f"--since={since.isoformat()}", f"--until={until.isoformat()}",
                    f"--max-count={limit}", f"--format={fmt}"], top, check=False)
    out = Changes()
    if proc.returncode != 0:  # no commits yet
        return out
    for record in proc.stdout.split("\x1e"):
        parts = record.strip("\n").split("\x1f")
        if len(parts) != 3:
            continue
        author, action, tickets = (p.strip() for p in parts)
        out.commits += 1
        actions = out.by_author.setdefault(author, {})
        name = action or "edit"
        actions[name] = actions.get(name, 0) + 1
        out.tickets.setdefault(author, set()).update(tickets.split())
    return out
