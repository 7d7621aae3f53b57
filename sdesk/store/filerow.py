"""The index row of a checked ticket file, without the ticket model.

Why: a cold rebuild reads every ticket file, and building the model's Ticket (dataclasses for
the requester, the resolution, every journal entry) only to read its fields back into a row was
a third of the workers' Python time (docs/performance.md, "Cold rebuild, session 24"). The file
is checked by sdesk.core.ticketdoc.checked, as `show` and the model check it (same checks, same
order, so a broken file is the same one-line problem); `row_of_checked` then takes the row's
values from the checked document. It must equal sdesk.store.index.row_of of the model's Ticket
for every file: tests/test_index_rows.py compares the two on every field kind.
"""

from __future__ import annotations

from sdesk.core import sla
from sdesk.core.ticketdoc import DONE_STATUSES, TicketView, tells_customer
from sdesk.store.index import kpi_of

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    import datetime as dt
    from typing import Any

_NOBODY = {"name": "", "email": "", "agency": "", "phone": ""}  # the model's empty Requester


def _ts(value: dt.datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def held_seconds(doc: dict[str, Any]) -> float:
    """Real seconds the SLA clock stood still in spans that have ended (row_of's
    `held_seconds`: sla.paused_spans). A file with no hold and no reopen has none; any other
    is read through the model's view, so the spans come from sla.py's one definition."""
    if not doc["holds"] and not any(e["kind"] == "reopen" for e in doc["journal"]):
        return 0.0
    view = TicketView(doc)
    return 60.0 * sum(sla.elapsed_minutes(a, b) for a, b in sla.paused_spans(view)
                      if b is not None)


def row_of_checked(doc: dict[str, Any]) -> dict[str, Any]:
    """sdesk.store.index.row_of(model.from_checked(doc)) for a checked ticket file
    (ticketdoc.checked): the index fields (without the file bookkeeping columns), times as
    epoch seconds, lists joined by spaces."""
    held = held_seconds(doc)
    journal, holds = doc["journal"], doc["holds"]
    public = [e["at"].timestamp() for e in journal if tells_customer(e["kind"], e["visibility"])]
    req = doc["requester"] or _NOBODY
    res, csat, imported = doc["resolution"], doc["csat"], doc["imported"]
    resolved, opened = _ts(doc["resolved_at"]), doc["opened_at"].timestamp()
    tid = doc["id"]
    return {
        "id": tid, "body": tid.split("-", 1)[-1], "type": doc["type"],
        "status": doc["status"], "open": int(doc["status"] not in DONE_STATUSES),
        "priority": doc["priority"], "impact": doc["impact"], "urgency": doc["urgency"],
        "channel": doc["channel"], "team": doc["team"], "assignee": doc["assignee"],
        "vip": int(doc["vip"]), "service": doc["service"], "category": doc["category"],
        "software": doc["software"], "location": doc["location"], "remote": int(doc["remote"]),
        "effort": doc["effort_hours"], "tier": doc["tier"], "parent": doc["parent"],
        "duplicate_of": doc["duplicate_of"], "related": " ".join(doc["related"]),
        "flags": " ".join(doc["flags"]), "kb": " ".join(doc["kb"]),
        "skills": " ".join(doc["skills"]), "requested_technician": doc["requested_technician"],
        "external_ref": doc["external_ref"].upper(), "reopens": doc["reopens"],
        "reassignments": doc["reassignments"], "requester_name": req["name"],
        "requester_email": req["email"].lower(), "agency": req["agency"],
        "title": doc["title"], "opened_at": opened,
        "updated_at": _ts(doc["updated_at"]), "respond_by": _ts(doc["respond_by"]),
        "resolve_by": _ts(doc["resolve_by"]), "first_response_at": _ts(doc["first_response_at"]),
        "assigned_at": _ts(doc["assigned_at"]), "resolved_at": resolved,
        "closed_at": _ts(doc["closed_at"]), "resolution_code": res["code"] if res else "",
        "first_contact": int(res["first_contact"]) if res else None,
        "csat_score": csat["score"] if csat else None,
        "csat_at": csat["at"].timestamp() if csat else None,
        "on_hold": int(bool(holds) and holds[-1]["end"] is None), "held_seconds": held,
        "last_public_at": max(public) if public else None,
        "journal_count": len(journal), "import_keys": " ".join(sorted(imported)),
        "message_ids": " ".join(doc["message_ids"]),
        **kpi_of(doc["type"], opened, resolved, res["code"] if res else "", held,
                 sla.resolved_in_time(doc["resolved_at"], doc["resolve_by"], imported),
                 doc["channel"]),
    }
