"""What procedures read, gathered from the store: the shell's side of "procedures are pure".

A procedure gets its context as an argument; this module builds those contexts from the store,
its index (through sdesk/store/queries.py) and its settings, so a command only parses, calls one of
these, calls the procedure and renders. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sdesk.procedures.assign import AssignContext
    from sdesk.procedures.triage import TriageContext
    from sdesk.procedures.workload import Workload
    from sdesk.store import Store
    from sdesk.store.index import Index


def triage_context(store: Store, now: dt.datetime, actor: str, split: str = "",
                   create_parents: bool = False, recheck: bool = False) -> TriageContext:
    """The triage context: open tickets as peers, licence seats in use per catalogue software
    name, an ID allocator for parent cases (IDs are unique within the batch) and the
    [triage] settings. `actor` is the name journal entries carry."""
    from sdesk.procedures.relations import Peer
    from sdesk.procedures.similarity import PeerView, TriageSettings
    from sdesk.procedures.triage import TriageContext
    from sdesk.store import queries

    ref = store.reference
    tz = now.tzinfo
    view = PeerView(
        Peer(r["id"], r["type"], r["status"], r["title"], r["service"] or "",
             r["requester_email"] or "", dt.datetime.fromtimestamp(r["opened_at"], tz),
             r["priority"], r["team"] or "", r["assignee"] or "", r["parent"] or "",
             tuple((r["flags"] or "").split()))
        for r in queries.open_peers(store.index))
    seats: dict[str, int] = {}
    for written, n in queries.seats_in_use(store.index).items():
        software = ref.software_named(written)
        if software is not None:
            seats[software.name] = seats.get(software.name, 0) + n
    taken: set[str] = set()

    def new_id(ticket_type: str) -> str:
        made = store.new_id(ticket_type, now, taken)
        taken.add(made)
        return made

    return TriageContext(reference=ref, now=now, actor=actor, view=view,
                         settings=TriageSettings.from_config(store.settings("triage")),
                         licences_in_use=seats, new_id=new_id, create_parents=create_parents,
                         split=split, recheck=recheck)


def workload(index: Index) -> Workload:
    """Every technician's open work, from one query over the index (queries.held_work)."""
    from sdesk.procedures.workload import Workload, held_from_rows
    from sdesk.store import queries

    rows: Any = queries.held_work(index)  # sqlite3.Row reads like the Mapping it expects
    return Workload.from_held(held_from_rows(rows))


def assign_context(store: Store, now: dt.datetime, actor: str) -> AssignContext:
    """The assignment context: the reference data, `now` and every technician's workload."""
    from sdesk.procedures.assign import AssignContext

    return AssignContext(store.reference, now, workload(store.index), actor)
