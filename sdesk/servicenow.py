"""ServiceNow incident exports (CSV): reading rows and mapping an incident to a sdesk ticket.

A ServiceNow export holds one row per incident, or an event log with one row per update of an
incident. Rows are grouped by `number`; within an incident they are ordered by sys_updated_at
(then sys_mod_count, then file order). The last row gives the final state; every change of
state, assignment group or assignee along the way becomes an "import" journal entry at its time.

Everything here is pure (no clock, disk or git): `read_rows`, `group_rows` and `build_ticket`.
sdesk/importer.py compares with what the store holds and writes; docs/import.md has the mapping.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from sdesk import sla
from sdesk.errors import ValidationError
from sdesk.model import DONE_STATUSES, Hold, JournalEntry, Requester, Resolution, Ticket
from sdesk.reference import Reference

if TYPE_CHECKING:

    pass

SOURCE = "ServiceNow"
RULE = "import servicenow"
MISSING = ("", "?", "null", "NULL")

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
    "in person": "in-person", "in-person": "in-person", "chat": "chat",
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
DATE_COLUMNS = ("opened_at", "sys_updated_at", "resolved_at", "closed_at")
KNOWLEDGE_FLAG = "knowledge"
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_LEVEL = re.compile(r"^\s*(\d+)")


@dataclass(frozen=True)
class BadRow:
    line: int
    problem: str


@dataclass
class Row:
    """One parsed CSV row: its line, the raw values, and its dates."""

    line: int
    values: dict[str, str]
    dates: dict[str, dt.datetime | None]

    def get(self, column: str) -> str:
        value = self.values.get(column, "").strip()
        return "" if value in MISSING else value

    @property
    def when(self) -> dt.datetime:
        moment = self.dates.get("sys_updated_at") or self.dates["opened_at"]
        assert moment is not None
        return moment


class Dates:
    """Day-first ServiceNow dates (29/2/2016 01:16) or ISO, in the store's time zone. An event
    log repeats the same minutes many times over, so parsed values are cached."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self.tz = tz
        self.cache: dict[str, dt.datetime] = {}

    def parse(self, text: str) -> dt.datetime | None:
        text = text.strip()
        if text in MISSING:
            return None
        found = self.cache.get(text)
        if found is None:
            found = self._parse(text)
            self.cache[text] = found
        return found

    def _parse(self, text: str) -> dt.datetime:
        m = _DAY_FIRST.match(text)
        try:
            if m:
                day, month, year, hour, minute, second = m.groups()
                return dt.datetime(int(year), int(month), int(day), int(hour), int(minute),
                                   int(second or 0), tzinfo=self.tz)
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date: {text!r} (expected day/month/year hour:minute)") from None
        return (value if value.tzinfo else value.replace(tzinfo=self.tz)).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------
# Reading


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValidationError(f"{name}: line {line}: not UTF-8 text (byte {exc.start}); save "
                              "the export as UTF-8 CSV") from None


def read_rows(text: str, name: str, dates: Dates) -> tuple[list[Row], list[BadRow]]:
    """Every data row with its CSV line number; rows with no number or a date that does not
    parse are returned as bad rows instead."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise ValidationError(f"{name}: the file is empty") from None
    except csv.Error as exc:
        raise ValidationError(f"{name}: line 1: {exc}") from None
    for needed in ("number", "opened_at"):
        if needed not in header:
            raise ValidationError(f"{name}: no {needed!r} column (columns: "
                                  f"{', '.join(header[:12])}{' ...' if len(header) > 12 else ''})")
    rows: list[Row] = []
    bad: list[BadRow] = []
    present = [c for c in DATE_COLUMNS if c in header]
    start = 2
    try:
        for raw in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in raw):
                continue
            if len(raw) != len(header):
                bad.append(BadRow(line, f"{len(raw)} fields where the header has {len(header)}"))
                continue
            values = {h: v.replace("\x00", "") for h, v in zip(header, raw, strict=True)}
            row = _row(line, values, present, dates)
            if isinstance(row, BadRow):
                bad.append(row)
            else:
                rows.append(row)
    except csv.Error as exc:
        raise ValidationError(f"{name}: line {reader.line_num}: {exc}") from None
    return rows, bad


def _row(line: int, values: dict[str, str], present: list[str], dates: Dates) -> Row | BadRow:
    if values.get("number", "").strip() in MISSING:
        return BadRow(line, "no number")
    parsed: dict[str, dt.datetime | None] = {}
    for column in present:
        try:
            parsed[column] = dates.parse(values.get(column, ""))
        except ValueError as exc:
            return BadRow(line, f"{column}: {exc}")
    if parsed.get("opened_at") is None:
        return BadRow(line, "opened_at: missing")
    return Row(line, values, parsed)


def group_rows(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Rows by incident number (in order of first appearance), each incident's rows in time
    order: sys_updated_at, then sys_mod_count, then file order."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.get("number").upper(), []).append(row)
    for number, group in groups.items():
        if len(group) > 1:
            groups[number] = sorted(group, key=lambda r: (r.when, _int(r.get("sys_mod_count")),
                                                          r.line))
    return groups


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


def build_ticket(number: str, rows: list[Row], ticket_id: str, mapper: Mapper) -> Ticket:
    """The ticket for one incident: the last row gives its state, the rows before it its
    journal and holds."""
    last = rows[-1]
    opened = min(r.dates["opened_at"] for r in rows if r.dates["opened_at"] is not None)
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
    resolved_at = (last.dates.get("resolved_at") or last.dates.get("closed_at")) if done else None
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
        assigned_at=next((r.when for r in rows if r.get("assigned_to")), None),
        resolved_at=resolved_at, closed_at=closed_at,
        description=last.get("description"),
        requester=Requester(name=_line(last.get("caller_id"))),
        imported=imported,
    )
    if resolved_at is not None and resolved_at < opened:
        ticket.resolved_at = opened  # a clock skew in the export must not give negative times
    ticket.resolve_by = _resolve_by(ticket, last, mapper.ref)
    if done or last.get("closed_code"):
        code = last.get("closed_code")
        ticket.resolution = Resolution(
            code=mapper.resolution_code(code) if code else "",
            summary=f"Resolved in {SOURCE}" + (f" (closure code {code!r})" if code else ""),
            by=mapper.assignee(_line(last.get("resolved_by"))))
    ticket.holds = _holds(rows, status)
    ticket.journal = _journal(number, rows, mapper)
    return ticket


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


def _resolve_by(ticket: Ticket, last: Row, ref: Reference) -> dt.datetime:
    """Resolve By from our SLA chart; when the export says whether the SLA was made, Resolve By
    is moved so KPIs (resolved_at <= resolve_by) agree with ServiceNow."""
    due = sla.resolve_by(ticket.opened_at, ticket.priority, ref)
    made = _bool(last.get("made_sla"))
    if made is None:
        return due
    ticket.imported["made_sla"] = "true" if made else "false"
    reached = ticket.resolved_at or ticket.updated_at or ticket.opened_at
    if made and reached > due:
        return reached
    if not made and reached <= due:
        return max(ticket.opened_at, reached - dt.timedelta(minutes=1))
    return due


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
        entries.append(JournalEntry(at=row.when, by=by, text=text, kind="import", rule=RULE))
        before = now
    return entries
