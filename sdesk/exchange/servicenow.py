"""ServiceNow incident exports (CSV): reading rows and mapping an incident to a sdesk ticket.

A ServiceNow export holds one row per incident, or an event log with one row per update of an
incident. Rows are grouped by `number`; within an incident they are ordered by sys_updated_at
(then sys_mod_count, then file order). The last row gives the final state; every change of
state, assignment group or assignee along the way becomes an "import" journal entry at its time.

Reading (streaming, strict CSV, delimiter, dates) is sdesk/exchange/servicenow_read.py. Mapping here is
pure (no clock, disk or git): `build_ticket`. The mapping keeps the source's facts rather than
deriving them: a ticket closed without a resolution keeps `resolved_at` empty, and the source's
`made_sla` verdict is kept in `[import] made_sla` and counts in KPIs as it stands.
sdesk/exchange/importer.py compares with what the store holds and writes; docs/import.md has the mapping.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import pairwise

from sdesk.core import sla
from sdesk.core.model import (
    DONE_STATUSES,
    Hold,
    JournalEntry,
    Requester,
    Resolution,
    Ticket,
    journal_entry,
)
from sdesk.core.reference import Reference
from sdesk.exchange.servicenow_read import MISSING, BadRow, Row, is_ambiguous

SOURCE = "ServiceNow"
RULE = "import servicenow"

# incident_state -> sdesk status. "Active" becomes "assigned" when someone is assigned, else
# "triaged" (owned by a group, nobody yet). States not listed fall back on the `active` flag.
STATES = {
    "new": "new", "active": "assigned", "in progress": "in-progress", "on hold": "on-hold",
    "awaiting user info": "on-hold", "awaiting problem": "on-hold",
    "awaiting vendor": "on-hold", "awaiting evidence": "on-hold", "awaiting change": "on-hold",
    "resolved": "resolved", "closed": "closed", "canceled": "closed", "cancelled": "closed",
}
# Why a ticket waits, as reference/codes.toml [hold_reasons] names it.
HOLD_REASONS = {
    "awaiting user info": "awaiting-customer", "awaiting evidence": "awaiting-customer",
    "on hold": "awaiting-customer", "awaiting vendor": "awaiting-vendor",
    "awaiting problem": "awaiting-change", "awaiting change": "awaiting-change",
}
CHANNELS = {
    "phone": "phone", "email": "email", "e-mail": "email", "self service": "self-service",
    "self-service": "self-service", "walk in": "in-person", "walk-in": "in-person",
    "in person": "in-person", "in-person": "in-person", "chat": "chat", "internal": "internal",
}
# ServiceNow's standard closure codes -> reference resolution codes; other codes are kept.
CLOSE_CODES = {
    "solved (work around)": "workaround", "solved remotely (work around)": "workaround",
    "solved (permanently)": "fixed", "solved remotely (permanently)": "fixed",
    "not solved (not reproducible)": "not-reproducible",
    "not solved (too costly)": "out-of-scope", "closed/resolved by caller": "withdrawn",
}
# Columns mapped to ticket fields; every other column is kept in the ticket's [import] table.
MAPPED = {
    "number", "short_description", "description", "incident_state", "active", "opened_at",
    "sys_updated_at", "sys_updated_by", "reassignment_count", "reopen_count", "caller_id",
    "contact_type", "location", "category", "subcategory", "impact", "urgency", "priority",
    "assignment_group", "assigned_to", "knowledge", "closed_code", "resolved_by", "resolved_at",
    "closed_at", "sys_mod_count",
}
KNOWLEDGE_FLAG = "knowledge"
_LEVEL = re.compile(r"^\s*(\d+)")


# ---------------------------------------------------------------------------------------------
# Mapping one incident to a ticket


def level(text: str, default: int, top: int) -> int:
    """'2 - Medium' -> 2; ServiceNow's '5 - Planning' (priority) becomes our lowest level."""
    m = _LEVEL.match(text)
    if not m:
        return default
    return max(1, min(int(m.group(1)), top))


def _int(text: str) -> int:
    try:
        return max(0, int(float(text)))
    except ValueError:
        return 0


def _bool(text: str) -> bool | None:
    value = text.strip().lower()
    return True if value in ("true", "1", "yes") else False if value in ("false", "0", "no") else None


def _line(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Mapper:
    """What mapping needs from the reference data, looked up once per import."""

    ref: Reference
    teams: dict[str, str] = field(default_factory=dict)  # casefold name -> name
    technicians: dict[str, str] = field(default_factory=dict)  # casefold id/name/email -> id

    def __post_init__(self) -> None:
        self.teams = {t.casefold(): t for t in self.ref.teams}
        for tech in self.ref.technicians.values():
            for key in (tech.id, tech.name, tech.email):
                if key:
                    self.technicians[key.casefold()] = tech.id

    def team(self, group: str) -> str:
        if not group:
            return self.ref.service_desk
        return self.teams.get(group.casefold(), group)

    def assignee(self, name: str) -> str:
        return self.technicians.get(name.casefold(), name) if name else ""

    def resolution_code(self, code: str) -> str:
        key = code.strip().lower()
        if key in self.ref.resolution_codes:
            return key
        return CLOSE_CODES.get(key, code.strip())


def status_of(row: Row) -> str:
    state = row.get("incident_state").lower()
    status = STATES.get(state)
    if status is None:
        active = _bool(row.get("active"))
        status = "closed" if active is False else "assigned"
    if status == "assigned" and not row.get("assigned_to"):
        status = "triaged"
    return status


def build_ticket(number: str, rows: list[Row], ticket_id: str, mapper: Mapper,
                 notes: list[BadRow] | None = None) -> Ticket:
    """The ticket for one incident: the last row gives its state, the rows before it its
    journal and holds. Times in the repeated hour of a fall-back change are read so the
    incident's events stay in order; a time both readings keep in order is noted in `notes`
    (its first reading is used)."""
    rows = _in_order(rows, notes)
    last = rows[-1]
    opened = min(r.stamps[0] for r in rows if r.stamps[0] is not None)
    status = status_of(last)
    impact = level(last.get("impact"), 2, 3)
    urgency = level(last.get("urgency"), 2, 3)
    priority = level(last.get("priority"), mapper.ref.sla.priority_for(impact, urgency), 4)
    raw_channel = last.get("contact_type")
    channel = CHANNELS.get(raw_channel.lower(), "phone")
    imported = {k: _line(v) for k, v in last.values.items()
                if k not in MAPPED and v.strip() not in MISSING}
    if raw_channel and raw_channel.lower() not in CHANNELS:
        imported["contact_type"] = raw_channel
    done = status in DONE_STATUSES
    # The source's facts: a ticket closed without a resolution has no resolved_at.
    resolved_at = last.dates.get("resolved_at") if done else None
    closed_at = last.dates.get("closed_at") if status == "closed" else None
    ticket = Ticket(
        id=ticket_id, type="incident", title=_title(number, last), opened_at=opened,
        status=status, priority=priority, impact=impact, urgency=urgency, channel=channel,
        team=mapper.team(_line(last.get("assignment_group"))),
        assignee=mapper.assignee(_line(last.get("assigned_to"))),
        service=_line(last.get("category")), category=_line(last.get("subcategory")),
        location=_line(last.get("location")),
        flags=[KNOWLEDGE_FLAG] if _bool(last.get("knowledge")) else [],
        external_ref=number, reopens=_int(last.get("reopen_count")),
        reassignments=_reassignments(rows, mapper), updated_at=last.when,
        assigned_at=_assigned_at(rows, opened),
        resolved_at=resolved_at, closed_at=closed_at,
        description=last.get("description"),
        requester=Requester(name=_line(last.get("caller_id"))),
        imported=imported,
    )
    # (compared in UTC: two times of one zone compare by wall clock, blind to the DST fold)
    if resolved_at is not None and _utc(resolved_at) < _utc(opened):
        ticket.resolved_at = opened  # a clock skew in the export must not give negative times
    floor = ticket.resolved_at or opened
    if ticket.closed_at is not None and _utc(ticket.closed_at) < _utc(floor):
        ticket.closed_at = floor
    made = _bool(last.get("made_sla"))
    if made is not None:
        ticket.imported["made_sla"] = "true" if made else "false"
    if done or last.get("closed_code"):
        code = last.get("closed_code")
        ticket.resolution = Resolution(
            code=mapper.resolution_code(code) if code else "",
            summary=f"Resolved in {SOURCE}" + (f" (closure code {code!r})" if code else ""),
            by=mapper.assignee(_line(last.get("resolved_by"))))
    ticket.holds = _holds(rows, status)
    ticket.journal = _journal(number, rows, mapper)
    # Resolve By by our chart and the clock rules (docs/sla.md); the source's verdict, when it
    # gave one, is what KPIs count (sla.resolution_met), not a Resolve By bent to agree with it.
    ticket.resolve_by = sla.resolve_by_for(ticket, priority, mapper.ref)
    return ticket


def _assigned_at(rows: list[Row], opened: dt.datetime) -> dt.datetime | None:
    """When the incident was first assigned: the first row with an assignee, never before
    `opened` (a row updated before the opening, an export's clock skew or a back-dated
    opened_at, made the time to assign negative: session 34); None when nobody was."""
    when = next((r.when for r in rows if r.get("assigned_to")), None)
    return None if when is None else opened if _utc(when) < _utc(opened) else when


def _in_order(rows: list[Row], notes: list[BadRow] | None) -> list[Row]:
    """The rows with every time in a repeated (fall-back) hour read so the incident's events
    keep their order: opened <= each update, opened <= resolved <= closed. When both readings
    keep the order the time is genuinely ambiguous: the first reading stays and it is noted."""
    opened = min(r.stamps[0] for r in rows if r.stamps[0] is not None)
    for row in rows:
        floor = opened
        for column in ("opened_at", "sys_updated_at", "resolved_at", "closed_at"):
            moment = row.dates.get(column)
            if moment is None:
                continue
            if is_ambiguous(moment) and column != "opened_at":
                early, late = moment.replace(fold=0), moment.replace(fold=1)
                keeps_early = _utc(early) >= _utc(floor)
                if not keeps_early and _utc(late) >= _utc(floor):
                    moment = late
                elif keeps_early and notes is not None:
                    notes.append(BadRow(row.line, f"{column} {moment:%Y-%m-%d %H:%M} is in the "
                                        f"repeated hour of a daylight-saving change; read as "
                                        f"{early.isoformat(timespec='minutes')} (the first)"))
                row.dates = {**row.dates, column: moment}
            if column in ("resolved_at",):
                floor = moment
    # The last row is the incident's latest as read (the only one kept whole); the rest are
    # ordered again on the readings chosen.
    return [*sorted(rows[:-1], key=lambda r: (_utc(r.when), _int(r.get("sys_mod_count")),
                                              r.line)), rows[-1]]


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _title(number: str, row: Row) -> str:
    title = _line(row.get("short_description"))
    if title:
        return title
    parts = [_line(row.get(c)) for c in ("category", "subcategory", "u_symptom")]
    what = " / ".join(p for p in parts if p)
    return f"{SOURCE} incident {number}" + (f": {what}" if what else "")


def _reassignments(rows: list[Row], mapper: Mapper) -> int:
    given = rows[-1].get("reassignment_count")
    if given:
        return _int(given)
    groups = [mapper.team(_line(r.get("assignment_group"))) for r in rows]
    return sum(1 for a, b in pairwise(groups) if a != b)


def _holds(rows: list[Row], status: str) -> list[Hold]:
    holds: list[Hold] = []
    for row in rows:
        state = row.get("incident_state").lower()
        waiting = state in HOLD_REASONS
        if waiting and (not holds or holds[-1].end is not None):
            holds.append(Hold(start=row.when, reason=HOLD_REASONS[state]))
        elif not waiting and holds and holds[-1].end is None:
            holds[-1].end = row.when
    if status != "on-hold" and holds and holds[-1].end is None:
        holds[-1].end = rows[-1].when
    return holds


def _journal(number: str, rows: list[Row], mapper: Mapper) -> list[JournalEntry]:
    """One entry per row that changed the state, group or assignee (the first row always)."""
    entries: list[JournalEntry] = []
    before: tuple[str, str, str] | None = None
    for row in rows:
        now = (row.get("incident_state") or "?", mapper.team(_line(row.get("assignment_group"))),
               mapper.assignee(_line(row.get("assigned_to"))) or "nobody")
        if now == before:
            continue
        if before is None:
            text = (f"Imported from {SOURCE} {number}: state {now[0]}, group {now[1]}, "
                    f"assigned to {now[2]}.")
        else:
            changes = [f"{what} {a} -> {b}" for what, a, b in
                       zip(("state", "group", "assignee"), before, now, strict=True) if a != b]
            text = f"{SOURCE}: " + "; ".join(changes) + "."
        by = _line(row.get("sys_updated_by")) or SOURCE
        entries.append(journal_entry(at=row.when, by=by, text=text, kind="import", rule=RULE))
        before = now
    return entries
