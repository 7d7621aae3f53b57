"""Export tickets: as ServiceNow incident CSV (the columns `sdesk import servicenow` reads, so
an export imports back to the same tickets for the fields both know) or as JSON lines.

Pure: tickets in, rows or lines out; the command chooses the tickets and writes the output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TextIO

from sdesk.core.model import DONE_STATUSES, Ticket
from sdesk.exchange.servicenow import KNOWLEDGE_FLAG

COLUMNS = [
    "number", "short_description", "incident_state", "active", "reassignment_count",
    "reopen_count", "made_sla", "caller_id", "opened_at", "sys_updated_at", "contact_type",
    "location", "category", "subcategory", "impact", "urgency", "priority", "assignment_group",
    "assigned_to", "knowledge", "closed_code", "resolved_by", "resolved_at", "closed_at",
    "description",
]
STATES = {"new": "New", "triaged": "Active", "assigned": "Active", "in-progress": "In Progress",
          "resolved": "Resolved", "closed": "Closed"}
HOLD_STATES = {"awaiting-customer": "Awaiting User Info", "awaiting-vendor": "Awaiting Vendor",
               "awaiting-change": "Awaiting Problem"}
CONTACTS = {"phone": "Phone", "email": "Email", "self-service": "Self service",
            "in-person": "Walk in", "chat": "Chat", "internal": "Internal"}
LEVELS = {1: "1 - High", 2: "2 - Medium", 3: "3 - Low"}
PRIORITIES = {1: "1 - Critical", 2: "2 - High", 3: "3 - Moderate", 4: "4 - Low"}
MISSING = "?"


def stamp(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    """Day-first, as ServiceNow writes it, in the store's time zone (seconds kept)."""
    if value is None:
        return MISSING
    local = value.astimezone(tz)
    return f"{local.day}/{local.month}/{local.year} {local:%H:%M:%S}"


def servicenow_row(ticket: Ticket, tz: dt.tzinfo) -> dict[str, str]:
    """One ticket as one ServiceNow incident row (its final state)."""
    res = ticket.resolution
    row = {
        "number": ticket.external_ref or ticket.id,
        "short_description": ticket.title,
        "incident_state": _state(ticket),
        "active": "false" if ticket.status in DONE_STATUSES else "true",
        "reassignment_count": str(ticket.reassignments),
        "reopen_count": str(ticket.reopens),
        "made_sla": _made_sla(ticket),
        "caller_id": ticket.requester.name or ticket.requester.email or MISSING,
        "opened_at": stamp(ticket.opened_at, tz),
        "sys_updated_at": stamp(ticket.updated_at or ticket.opened_at, tz),
        "contact_type": ticket.imported.get("contact_type") or CONTACTS[ticket.channel],
        "location": ticket.location or MISSING,
        "category": ticket.service or MISSING,
        "subcategory": ticket.category or MISSING,
        "impact": LEVELS[ticket.impact],
        "urgency": LEVELS[ticket.urgency],
        "priority": PRIORITIES[ticket.priority],
        "assignment_group": ticket.team or MISSING,
        "assigned_to": ticket.assignee or MISSING,
        "knowledge": "true" if KNOWLEDGE_FLAG in ticket.flags else "false",
        "closed_code": res.code if res and res.code else MISSING,
        "resolved_by": res.by if res and res.by else MISSING,
        "resolved_at": stamp(ticket.resolved_at, tz),
        "closed_at": stamp(ticket.closed_at, tz),
        "description": ticket.description,
    }
    for key, value in ticket.imported.items():
        row.setdefault(key, value)
    return row


def _state(ticket: Ticket) -> str:
    if ticket.status == "on-hold":
        reason = ticket.holds[-1].reason if ticket.holds else ""
        return HOLD_STATES.get(reason, "Awaiting User Info")
    return STATES[ticket.status]


def _made_sla(ticket: Ticket) -> str:
    given = ticket.imported.get("made_sla")
    if given:
        return given
    if ticket.resolved_at is None or ticket.resolve_by is None:
        return MISSING
    return "true" if ticket.resolved_at <= ticket.resolve_by else "false"


def write_csv(tickets: Iterable[Ticket], tz: dt.tzinfo, extra: Iterable[str] = ()) -> str:
    """The CSV text: the standard columns, then every [import] column any ticket carries."""
    rows = [servicenow_row(t, tz) for t in tickets]
    out = io.StringIO()
    stream_csv(out, rows, sorted({*extra, *(k for r in rows for k in r)} - set(COLUMNS)))
    return out.getvalue()


def header(extra: Iterable[str]) -> list[str]:
    """The CSV columns: the standard ones, then the [import] keys (sorted) not among them."""
    return COLUMNS + sorted(set(extra) - set(COLUMNS))


def stream_csv(out: TextIO, rows: Iterable[dict[str, str]], extra: Iterable[str],
               raw: bool = False) -> int:
    """Write the header (standard columns + `extra`, the [import] keys the selected tickets
    carry: the index knows them) and each row as it comes; returns the number of rows. Cells
    a spreadsheet would run as formulas get a leading ' unless `raw` (sdesk.core.render.csv_cell)."""
    from sdesk.core.render import csv_cell

    writer = csv.DictWriter(out, header(extra), restval=MISSING, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row if raw else {k: csv_cell(v) for k, v in row.items()})
        n += 1
    return n


def jsonl(tickets: Iterable[Ticket], tz: dt.tzinfo,
          row_of: Callable[[Ticket], Mapping[str, Any]]) -> Iterator[str]:
    """Each ticket as one line of JSON (the renderer's JSON, without indent): the whole ticket
    of docs/json.md (schema 2), its summary fields from `row_of` (sdesk.store.index.row_of:
    the values `list --json` prints)."""
    from sdesk.core.render import json_text
    from sdesk.core.ticketjson import full

    for ticket in tickets:
        yield json_text(full(ticket, row_of(ticket), tz), indent=None)
