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
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
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


# The index columns `summary_text` reads, in this order (sdesk.store.queries.SUMMARY_COLUMNS
# selects them).
SUMMARY_COLUMNS = (
    "id", "type", "title", "status", "open", "priority", "impact", "urgency", "channel", "team",
    "assignee", "vip", "requester_name", "requester_email", "agency", "service", "category",
    "software", "location", "remote", "skills", "requested_technician", "effort", "tier",
    "parent", "duplicate_of", "related", "kb", "flags", "external_ref", "message_ids", "reopens",
    "reassignments", *TIMES, "first_contact", "resolution_code", "csat_score", "csat_at",
    "on_hold", "held_seconds", "last_public_at", "journal_count", "sla_met")


def summary_text(tz: dt.tzinfo, row_of_id: Callable[[str], Sequence[Any]]
                 ) -> Callable[[Sequence[Any]], str]:
    """A function from a row of sdesk.store.queries.summary_sql (the JSON text of a summary
    as SQLite writes it, but for times and floats) to the JSON text `list --json` prints:
    byte for byte what sdesk.core.render's encoder makes of `summary(row, tz)`
    (tests/test_json_rows.py holds it to that), with no dict in between: a fifth of the cost.
    A row SQLite could not write (a value of a type the index never holds) is encoded from
    `summary` of `row_of_id(its ID)` (SUMMARY_COLUMNS)."""
    import json

    iso = _iso_maker(tz)
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode

    def row_text(r: Sequence[Any]) -> str:
        (tid, head, effort, middle, opened, updated, respond, resolve, first_response,
         assigned, resolved, closed, after, has_csat, csat_at, hold, held, public, tail) = r
        try:
            if "\x01" in f"{head}{middle}{after}{hold}{tail}":  # queries.UNUSUAL
                raise TypeError(tid)
            return (f'{head}{_num(effort)}{middle}{iso(opened)}, "updated_at": {iso(updated)}, '
                    f'"respond_by": {iso(respond)}, "resolve_by": {iso(resolve)}, '
                    f'"first_response_at": {iso(first_response)}, "assigned_at": '
                    f'{iso(assigned)}, "resolved_at": {iso(resolved)}, "closed_at": '
                    f'{iso(closed)}{after}{iso(csat_at) + "}" if has_csat else ""}{hold}'
                    f'{_num(held)}, "last_public_at": {iso(public)}{tail}')
        except (TypeError, ValueError, OverflowError):
            values = row_of_id(tid)
            return encode(summary(dict(zip(SUMMARY_COLUMNS, values, strict=True)), tz))

    return row_text


def _num(value: Any) -> str:
    """An integer or a finite float as json writes it; TypeError for anything else."""
    kind = value.__class__
    if kind is int or (kind is float and value - value == 0):
        return repr(value)
    if value is None:
        return "null"
    raise TypeError(value)


def _iso_maker(tz: dt.tzinfo) -> Callable[[float | None], str]:
    """A function from epoch seconds (or None) to the JSON of `_when(value, tz)`, keeping the
    text up to the hour ("2026-11-23T09:") and the offset ("-06:00") per hour: 9 times a row at
    a third of `datetime`'s cost. An hour whose first and last second differ in offset (summer
    time changes inside it), a zone whose offset is not whole hours, and a time with a fraction
    of a second go through `datetime` as `_when` does."""
    hours: dict[int, tuple[str, str] | bool] = {}
    two = [f"{n:02d}" for n in range(60)]  # a format spec per time costs more than the rest

    def hour(key: int) -> tuple[str, str] | bool:
        first = dt.datetime.fromtimestamp(key * 3600, tz)
        offset = first.utcoffset()
        if offset is None or offset.total_seconds() % 3600 or \
                offset != dt.datetime.fromtimestamp(key * 3600 + 3599, tz).utcoffset():
            return False
        text = first.isoformat()
        return text[:14], text[19:]

    def iso(value: float | None) -> str:
        if value is None:
            return "null"
        whole = int(value)
        known = hours.get(whole // 3600)
        if known is None:
            known = hours[whole // 3600] = hour(whole // 3600)
        if known is False or whole != value:
            return '"' + dt.datetime.fromtimestamp(value, tz).isoformat() + '"'
        assert known is not True
        second = whole % 3600
        return f'"{known[0]}{two[second // 60]}:{two[second % 60]}{known[1]}"'

    return iso
