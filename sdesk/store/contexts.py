"""What procedures read, gathered from the store: the shell's side of "procedures are pure".

A procedure gets its context as an argument; this module builds those contexts from the store,
its index (through sdesk/store/queries.py) and its settings, so a command only parses, calls one of
these, calls the procedure and renders. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sdesk.procedures.assign import AssignContext
    from sdesk.procedures.relations import Peer
    from sdesk.procedures.triage import TriageContext
    from sdesk.procedures.workload import Workload
    from sdesk.store import Store
    from sdesk.store.index import Index


def triage_context(store: Store, now: dt.datetime, actor: str, split: str = "",
                   create_parents: bool = False, recheck: bool = False) -> TriageContext:
    """The triage context: open tickets as peers, licence seats in use per catalogue software
    name, an ID allocator for parent cases (IDs are unique within the batch) and the
    [triage] settings. `actor` is the name journal entries carry."""
    from sdesk.procedures.similarity import PeerView, TriageSettings
    from sdesk.procedures.triage import TriageContext
    from sdesk.store import queries

    ref = store.reference
    tz = now.tzinfo
    view = PeerView(_peers(queries.open_peers(store.index), tz))
    seats = licence_seats(store)
    taken: set[str] = set()

    def new_id(ticket_type: str) -> str:
        made = store.new_id(ticket_type, now, taken)
        taken.add(made)
        return made

    def description_of(ticket_id: str) -> str:
        """A peer's description, read from its file (the index holds titles only); "" for a
        file that cannot be read (`sdesk check` reports it)."""
        from sdesk.core.errors import SdeskError

        try:
            return str(store.load_checked(ticket_id).get("description", ""))
        except SdeskError:
            return ""

    def peer_of(ticket_id: str) -> Peer | None:
        """Any ticket as a Peer (resolved and closed too), read from its file; None for a
        file that cannot be read."""
        from sdesk.core.errors import SdeskError
        from sdesk.procedures.relations import Peer

        try:
            return Peer.of(store.load(ticket_id))
        except SdeskError:
            return None

    def sent_of(ticket_id: str) -> dt.datetime | None:
        """When a peer's message was sent (first_report.mail_sent), read from its file; None
        for a file that cannot be read or a ticket not opened by mail."""
        from sdesk.core.errors import SdeskError
        from sdesk.procedures.first_report import mail_sent

        try:
            return mail_sent(store.load(ticket_id))
        except SdeskError:
            return None

    return TriageContext(reference=ref, now=now, actor=actor, view=view,
                         settings=TriageSettings.from_config(store.settings("triage")),
                         licences_in_use=seats, new_id=new_id, create_parents=create_parents,
                         split=split, recheck=recheck, description_of=description_of,
                         peer_of=peer_of, sent_of=sent_of)


def _peers(rows: Iterable[tuple[Any, ...]], tz: dt.tzinfo | None) -> Iterator[Peer]:
    """Index rows (queries.open_peers) as relations.Peer, one at a time; a value repeated
    across tickets (type, status, title, service, requester, team, assignee, flags, agency,
    channel) is one
    string, so ~90,000 open peers at a million tickets stay small (issue 17, memory)."""
    from sdesk.procedures.relations import Peer

    same: dict[str, str] = {}
    one = same.setdefault
    for (id_, kind, status, title, service, requester, opened, priority, team, assignee,
         parent, flags, agency, channel) in rows:
        yield Peer(id_, one(kind, kind), one(status, status), one(title, title),
                   one(service or "", service or ""), one(requester or "", requester or ""),
                   dt.datetime.fromtimestamp(opened, tz), priority, one(team or "", team or ""),
                   one(assignee or "", assignee or ""), parent or "",
                   tuple(one(f, f) for f in (flags or "").split()), one(agency or "", agency or ""),
                   one(channel or "", channel or ""))


def workload(index: Index) -> Workload:
    """Every technician's open work, from one query over the index (queries.held_work)."""
    from sdesk.procedures.workload import Workload, held_from_rows
    from sdesk.store import queries

    rows: Any = queries.held_work(index)  # sqlite3.Row reads like the Mapping it expects
    return Workload.from_held(held_from_rows(rows))


def assign_context(store: Store, now: dt.datetime, actor: str) -> AssignContext:
    """The assignment context: the reference data, `now`, every technician's workload and the
    licence seats held (a request that takes one by being assigned is checked)."""
    from sdesk.procedures.assign import AssignContext

    return AssignContext(store.reference, now, workload(store.index), actor,
                         seats=licence_seats(store))


def licence_seats(store: Store) -> dict[str, int]:
    """Licence seats held, per catalogue software name (queries.seats_in_use, the names as
    written on the tickets read through the Standard Desktop Software List): what triage's
    and a reopen's licence check (request-4) count."""
    from sdesk.store import queries

    ref = store.reference
    seats: dict[str, int] = {}
    for written, n in queries.seats_in_use(store.index, ref.inventory_team).items():
        software = ref.software_named(written)
        if software is not None:
            seats[software.name] = seats.get(software.name, 0) + n
    return seats
