"""A ticket as sdesk's JSON output prints it: one schema, versioned (docs/json.md).

`summary` is a ticket as `list`/`queue --json` print it, built from its index row; `full` is a
ticket as `show`/`new`/`task new --json` and `export --jsonl` print it: the summary's fields,
built from the same row (sdesk.store.index.row_of gives it for a loaded ticket, so the values
cannot differ), and the rest of the ticket (description, journal, holds...). Times are ISO 8601
in the store's zone. Every top-level JSON object sdesk prints (or every element of a top-level
array) carries `schema_version`; docs/json.md lists every field and what changed from the
unversioned output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from sdesk.core.model import Ticket

SCHEMA_VERSION = 2  # 1: the unversioned output before 2026-11-30 (docs/json.md, "Changes")

TIMES = ("opened_at", "updated_at", "respond_by", "resolve_by", "first_response_at",
         "assigned_at", "resolved_at", "closed_at")


class Row(Protocol):
    """An index row: a sqlite3.Row, or the dict sdesk.store.index.row_of makes."""

    def __getitem__(self, key: str) -> Any: ...


def versioned(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with `schema_version` first (an object sdesk prints at the top level)."""
    return {"schema_version": SCHEMA_VERSION, **data}


def _when(value: float | None, tz: dt.tzinfo) -> str | None:
    return None if value is None else dt.datetime.fromtimestamp(value, tz).isoformat()


def _words(value: str | None) -> list[str]:
    return value.split() if value else []


def summary(row: Row, tz: dt.tzinfo) -> dict[str, Any]:
    """A ticket from its index row (a sqlite3.Row or sdesk.store.index.row_of's dict): every
    field `list --json` prints. Epoch seconds become ISO 8601 times in `tz`, 0/1 booleans,
    space-separated lists arrays."""
    first_contact, score, met = row["first_contact"], row["csat_score"], row["sla_met"]
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": row["id"], "type": row["type"], "title": row["title"], "status": row["status"],
        "open": bool(row["open"]), "priority": row["priority"], "impact": row["impact"],
        "urgency": row["urgency"], "channel": row["channel"], "team": row["team"],
        "assignee": row["assignee"], "vip": bool(row["vip"]),
        "requester": {"name": row["requester_name"], "email": row["requester_email"],
                      "agency": row["agency"]},
        "service": row["service"], "category": row["category"], "software": row["software"],
        "location": row["location"], "remote": bool(row["remote"]),
        "skills": _words(row["skills"]), "requested_technician": row["requested_technician"],
        "effort_hours": row["effort"], "tier": row["tier"], "parent": row["parent"],
        "duplicate_of": row["duplicate_of"], "related": _words(row["related"]),
        "kb": _words(row["kb"]), "flags": _words(row["flags"]),
        "external_ref": row["external_ref"], "message_ids": _words(row["message_ids"]),
        "reopens": row["reopens"], "reassignments": row["reassignments"],
    }
    for key in TIMES:
        out[key] = _when(row[key], tz)
    out["resolution"] = None if first_contact is None else {
        "code": row["resolution_code"], "first_contact": bool(first_contact)}
    out["csat"] = None if score is None else {"score": score, "at": _when(row["csat_at"], tz)}
    out["on_hold"] = bool(row["on_hold"])
    out["held_seconds"] = row["held_seconds"]
    out["last_public_at"] = _when(row["last_public_at"], tz)
    out["journal_count"] = row["journal_count"]
    out["sla_met"] = None if met is None else bool(met)
    return out


def full(ticket: Ticket, row: Row, tz: dt.tzinfo) -> dict[str, Any]:
    """The whole ticket: `summary(row)` (`row` is the ticket's own index row) and what only
    the file holds: the requester's phone, the resolution's summary and who resolved it, the
    CSAT comment, the description, holds, the journal and the imported record."""
    out = summary(row, tz)

    def iso(value: dt.datetime | None) -> str | None:
        return None if value is None else value.astimezone(tz).isoformat()

    out["requester"]["phone"] = ticket.requester.phone
    if ticket.resolution is not None and out["resolution"] is not None:
        out["resolution"].update(summary=ticket.resolution.summary, by=ticket.resolution.by)
    if ticket.csat is not None and out["csat"] is not None:
        out["csat"]["comment"] = ticket.csat.comment
    out["description"] = ticket.description
    out["holds"] = [{"start": iso(h.start), "end": iso(h.end), "reason": h.reason}
                    for h in ticket.holds]
    out["journal"] = [{"at": iso(e.at), "by": e.by, "kind": e.kind,
                       "visibility": e.visibility, "rule": e.rule, "text": e.text}
                      for e in ticket.journal]
    out["imported"] = dict(ticket.imported)  # text as the source had it
    return out
