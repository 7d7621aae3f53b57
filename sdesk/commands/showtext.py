"""The text of `sdesk show`, without click: the click command (sdesk/commands/show.py) and the
start-up fast path (sdesk/launch.py) both print `page(...)`, so the two cannot differ.

This module imports no click (the fast path must not pay for it, ~30 ms) and loads the store,
the index and the query layer only when called.
"""

from __future__ import annotations

import datetime as dt

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (`show` starts faster)
if TYPE_CHECKING:
    from collections.abc import Callable

    from sdesk.core.calendar import Calendar
    from sdesk.core.model import Ticket
    from sdesk.core.ticketdoc import TicketView
    from sdesk.store import Store

    Shown = Ticket | TicketView
    Clocked = Callable[[], Calendar | None] | None


def page(store: Store, typed: str, clock: Callable[[], dt.datetime], colour: bool) -> str:
    """What `sdesk show TYPED` prints (without the final newline): the ticket `typed` names
    (full ID, short ID or external reference; TicketNotFound, AmbiguousId, TicketFileError as
    Store.get raises them), its relations from both sides, attachments and journal, stored
    text escaped (a title cannot drive the terminal), then sdesk's own colour when `colour`.
    `clock()` is the command's now, asked for once the ticket is found. Rendered from the
    checked file (sdesk.core.ticketdoc.TicketView) without building the ticket model."""
    from sdesk.core.render import printable_copy
    from sdesk.core.ticketdoc import TicketView

    doc = store.checked_one(typed)
    ticket = TicketView(doc)
    links = checked_relations(store, ticket)
    files = attachments(store, ticket.id)
    short_id = store.index.short_ids([ticket.id])[ticket.id]
    shown = TicketView(printable_copy(doc))
    return "\n".join(render(shown, links, clock(), short_id, colour, files,
                             lambda: business_calendar(store, ticket.priority)))


def business_calendar(store: Store, priority: int) -> Calendar | None:
    """The business calendar when `priority` runs on the business clock of reference/sla.toml
    (its time left is then business time), None for a 24x7 priority. Reference data that does
    not load (or a priority it does not know) gives None: `show` still shows the ticket, with
    real time left, as before session 40."""
    from sdesk.core.errors import SdeskError

    try:
        ref = store.reference
        return ref.calendar if ref.sla.target(priority).clock == "business" else None
    except (SdeskError, KeyError, ValueError):
        return None


def attachments(store: Store, ticket_id: str) -> list[tuple[str, int]]:
    """Files kept with the ticket from its mail (attachments/<ID>/, sdesk/mail/mailin.py):
    (path relative to the store, size in bytes)."""
    import os
    import stat
    import sys

    from sdesk.core.untrusted import link_in

    folder = store.root / "attachments" / ticket_id
    # Never through a link (session 40: a committed attachments/<ID> -> /etc listed /etc with
    # sizes): a linked folder or file is left out with one warning; `sdesk check` lists it.
    link = link_in(store.root, folder)
    if link:
        sys.stderr.write(f"sdesk: warning: {link}: a symbolic link inside the store; sdesk "
                         "never follows one (remove it; sdesk check lists them)\n")
        return []
    if not folder.is_dir():
        return []
    out: list[tuple[str, int]] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        st = entry.stat(follow_symlinks=False)
        rel = f"attachments/{ticket_id}/{entry.name}"
        if stat.S_ISLNK(st.st_mode):
            sys.stderr.write(f"sdesk: warning: {rel}: a symbolic link inside the store; sdesk "
                             "never follows one (remove it; sdesk check lists them)\n")
        elif stat.S_ISREG(st.st_mode):
            out.append((rel, st.st_size))
    return out


def relations(store: Store, ticket: Shown) -> dict[str, list[str]]:
    """Relations stored on this ticket and those other tickets store pointing at it."""
    from sdesk.store import queries

    back = queries.links_to(store.index, ticket.id)
    return {
        "parent": [ticket.parent] if ticket.parent else [],
        "children": back.children,
        "tasks": back.tasks,
        "duplicate_of": [ticket.duplicate_of] if ticket.duplicate_of else [],
        "duplicates": back.duplicates,
        "related": sorted(set(ticket.related) | set(back.related)),
    }


def checked_relations(store: Store, ticket: Shown) -> dict[str, list[str]]:
    """`relations`, with the shard folders of the tickets it names looked at first (the narrow
    check of Store.checked_one, docs/show-freshness.md): a link removed or changed
    by hand in one of those files is seen; a link added by hand to a ticket the index does
    not link to this one is seen at the next full check."""
    links = relations(store, ticket)
    named = {tid for found in links.values() for tid in found if tid != ticket.id}
    from sdesk.core import ids

    if store.index.look_at(store.folder_of(tid) for tid in named if ids.is_valid(tid)):
        links = relations(store, ticket)
    return links


def stamp(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    if value is None:
        return "-"
    return (value.astimezone(tz) if tz else value).strftime("%Y-%m-%d %H:%M %Z").strip()


def sla_line(ticket: Shown, now: dt.datetime, colour: bool = False,
             calendar: Clocked = None) -> str:
    """Resolve By (with its zone) and the time left, OVERDUE, paused, or met/missed once done;
    `calendar()` gives the business calendar of a business-clock ticket (its time left is then
    business time, said so), None for 24x7; asked only when time left is shown."""
    from sdesk.core.due import cell

    if ticket.resolve_by is None:
        return "-"
    due = stamp(ticket.resolve_by, now.tzinfo)
    if not ticket.is_open:
        from sdesk.core.sla import resolution_met

        met = resolution_met(ticket)
        return f"{due} ({'not resolved' if met is None else 'met' if met else 'missed'})"
    if ticket.on_hold:
        return f"{due} (paused: on hold since {stamp(ticket.holds[-1].start, now.tzinfo)})"
    return cell(ticket.resolve_by, now, colour=colour, calendar=calendar() if calendar else None,
                zone=True)


def respond_line(ticket: Shown, now: dt.datetime, colour: bool = False,
                 calendar: Clocked = None) -> str:
    """Respond By (the first public response, with its zone) and the time left or OVERDUE
    (business time when `calendar()` gives a calendar, as in `sla_line`), or when the first
    response came and whether it met the target."""
    from sdesk.core.due import cell

    if ticket.respond_by is None:
        return "-"
    if ticket.first_response_at is not None:
        met = ticket.first_response_at <= ticket.respond_by
        return (f"{stamp(ticket.respond_by, now.tzinfo)} (responded "
                f"{stamp(ticket.first_response_at, now.tzinfo)}, {'met' if met else 'missed'})")
    if not ticket.is_open or ticket.on_hold:
        return f"{stamp(ticket.respond_by, now.tzinfo)} (no response recorded)"
    return cell(ticket.respond_by, now, colour=colour, calendar=calendar() if calendar else None,
                zone=True)


def _proposals(ticket: Shown) -> list[str]:
    """Pending triage proposals with their evidence and how to answer (docs/triage.md)."""
    from sdesk.procedures.proposals import pending

    found = pending(ticket.flags)
    if not found:
        return []
    from sdesk.procedures.triage_review import evidence, proposal_named

    return [f"  Proposed:   {kind} ({proposal_named(ticket, kind, key)}): "
            f"{evidence(ticket, kind, key)}; sdesk triage "
            f"{ticket.id} --accept {kind} | --reject {kind}" for kind, key in found]


def _decided(ticket: Shown, tz: dt.tzinfo | None) -> list[str]:
    """The supervisor's last priority decision (`sdesk priority`), who made it and when: what
    the ticket's priority is now rests on it, whatever was proposed or accepted before. A
    parent case raised to its most urgent child's priority says "Raised:" and who ran the
    command: the rule raised it, nobody decided it."""
    from sdesk.core.ticketdoc import PARENT_RAISE_RULE

    for i in range(len(ticket.journal) - 1, -1, -1):  # the latest first
        e = ticket.journal[i]
        if e.kind == "priority":
            first = e.text.splitlines()[0] if e.text else ""
            if e.rule == PARENT_RAISE_RULE:  # a parent of P4 reports is set, not raised
                said = "Set:   " if "takes its most urgent child's" in first else "Raised:"
                return [f"  {said}     {first} (run by {e.by}, {stamp(e.at, tz)})"]
            return [f"  Decided:    {first} ({e.by}, {stamp(e.at, tz)})"]
    return []


def render(ticket: Shown, links: dict[str, list[str]], now: dt.datetime, short_id: str = "",
           colour: bool = False, files: list[tuple[str, int]] | None = None,
           calendar: Clocked = None) -> list[str]:
    """The ticket as text lines; `short_id` (the shortest unique prefix) heads it when given;
    `calendar()` the business calendar of a business-clock ticket (business_calendar), so its
    time left is business time; called only for an open ticket's time left (a closed one's
    `show` loads no reference data)."""
    tz = now.tzinfo
    r = ticket.requester
    who = r.name or r.email or "-"
    if r.email and r.name:
        who += f" <{r.email}>"
    if r.agency:  # a parent case has an agency and no requester (relations.parent_case)
        who += f", {r.agency}" if who != "-" else f" (agency {r.agency})"
    if ticket.vip:
        who += "  [VIP]"
    lines = [
        f"{short_id or ticket.id}  {ticket.title}",
        f"  Type:       {ticket.type} via {ticket.channel}",
        f"  Status:     {ticket.status}" + (f" ({', '.join(ticket.flags)})" if ticket.flags else ""),
        f"  Priority:   P{ticket.priority} (impact {ticket.impact}, urgency {ticket.urgency})",
        *_decided(ticket, tz),
        f"  Requester:  {who}",
        f"  Owned by:   {ticket.team}" + (f" (tier {ticket.tier})" if ticket.tier > 1 else ""),
        f"  Assignee:   {ticket.assignee or '-'}",
        f"  Opened:     {stamp(ticket.opened_at, tz)}",
        f"  Respond by: {respond_line(ticket, now, colour, calendar)}",
        f"  Resolve by: {sla_line(ticket, now, colour, calendar)}",
    ]
    from sdesk.core.ticketdoc import resolution_gap

    gap = resolution_gap(ticket)
    if gap:  # under Status, before the reader takes the ticket as done
        lines.insert(3, f"  Warning:    {gap}: record it with sdesk resolve {ticket.id} "
                        "--code CODE --summary TEXT (no reopen)")
    if short_id and short_id != ticket.id:
        lines.insert(1, f"  ID:         {ticket.id}")
    if ticket.service or ticket.category:
        lines.append(f"  Service:    {ticket.service or '-'}"
                     + (f" / {ticket.category}" if ticket.category else ""))
    if ticket.software:  # its own line: it was shown only beside a service or a category
        lines.append(f"  Software:   {ticket.software}")
    work = [f"{'remote' if ticket.remote else 'on site'}", f"{ticket.effort_hours:g} h"]
    if ticket.location:
        work.append(ticket.location)
    if ticket.skills:
        work.append("skills: " + ", ".join(ticket.skills))
    if ticket.requested_technician:
        work.append(f"asked for {ticket.requested_technician}")
    lines.append(f"  Work:       {'; '.join(work)}")
    if ticket.external_ref:
        lines.append(f"  External:   {ticket.external_ref}")
    lines += _proposals(ticket)
    for name, ids in links.items():
        if ids:
            lines.append(f"  {name.replace('_', ' ').capitalize() + ':':<11} {', '.join(ids)}")
    if ticket.kb:
        lines.append(f"  Knowledge:  {', '.join(ticket.kb)}")
    if ticket.resolution:
        res = ticket.resolution
        fc = ", first contact" if res.first_contact else ""
        lines.append(f"  Resolution: {res.code}{fc} at {stamp(ticket.resolved_at, tz)}: {res.summary}")
    if ticket.csat:
        lines.append(f"  CSAT:       {ticket.csat.score}/5 {ticket.csat.comment}".rstrip())
    for hold in ticket.holds:
        end = stamp(hold.end, tz) if hold.end else "now (on hold)"
        lines.append(f"  Hold:       {hold.reason} from {stamp(hold.start, tz)} to {end}")
    for name, size in files or []:
        lines.append(f"  Attachment: {name} ({size} bytes)")
    if ticket.description:
        lines.append("")
        lines.extend("  " + line for line in ticket.description.splitlines())
    if ticket.journal:
        lines.append("")
        lines.append("  Journal:")
        for e in ticket.journal:
            mark = "public" if e.public else "internal"
            lines.append(f"  - {stamp(e.at, tz)}  {e.by}  [{e.kind}, {mark}]")
            lines.extend("      " + line for line in e.text.splitlines())
    return lines
