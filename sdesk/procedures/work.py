"""A technician picks up work: `take` (assign it to yourself) and `start` (work has begun).

`take` is the guide's case assignment with the technician as the dispatcher's choice: the same
checks as `assign --to` (skills, availability, capacity, team), the same journal entry, but no
"assigned to you" mail to yourself. `start` marks the ticket in-progress, taking it first when
nobody has it; a ticket someone else holds is refused unless forced (then it is taken over).
"""

from __future__ import annotations

from sdesk.core.errors import NothingToDo, SdeskError
from sdesk.core.model import Ticket, journal_entry
from sdesk.core.reference import Technician
from sdesk.procedures.assign import AssignContext, assign_to
from sdesk.procedures.permits import closed_is_final
from sdesk.procedures.plan import AddEntry, Notify, Plan, SetStatus

START_RULE = "work-1 start work"


def take(ticket: Ticket, tech: Technician, ctx: AssignContext, force: bool = False) -> Plan:
    """Assign `ticket` to `tech` on their own word; raises NothingToDo when it is already
    theirs and SdeskError when someone else holds it or the assignment checks refuse it
    (unless `force`: then it is taken over, and the journal says from whom)."""
    _not_someone_elses(ticket, tech, force)
    plan = assign_to(ticket, tech.id, ctx, force)
    plan.actions = [a for a in plan.actions if not isinstance(a, Notify)]
    return plan


def start(ticket: Ticket, tech: Technician, ctx: AssignContext, force: bool = False) -> Plan:
    """Mark `ticket` in-progress for `tech`, taking it first if it is unassigned (or, with
    `force`, someone else's). Raises NothingToDo when it is already in progress with them and
    SdeskError for a done or held ticket."""
    closed_is_final(ticket)
    if not ticket.is_open:
        raise SdeskError(f"{ticket.id} is {ticket.status}; reopen it before starting work")
    if ticket.on_hold:
        raise SdeskError(f"{ticket.id} is on hold; `sdesk resume {ticket.id}` first")
    if ticket.assignee == tech.id and ticket.status == "in-progress":
        raise NothingToDo(f"{ticket.id} is already in progress with {tech.id}")
    plan = Plan()
    _not_someone_elses(ticket, tech, force)
    if ticket.assignee != tech.id:
        plan.extend(take(ticket, tech, ctx, force).actions)
    plan.add(SetStatus(ticket.id, START_RULE, "work has begun", value="in-progress"))
    plan.add(AddEntry(ticket.id, START_RULE, "journal the start",
                      entry=journal_entry(at=ctx.now, by=ctx.actor, kind="status",
                                         rule=START_RULE,
                                         text=f"Work started by {tech.id} ({tech.name}).")))
    return plan


def _not_someone_elses(ticket: Ticket, tech: Technician, force: bool) -> None:
    """A technician does not pick up a colleague's ticket on their own word: SdeskError unless
    `force` (the dispatcher's `assign --to` is how work moves between technicians)."""
    if ticket.assignee and ticket.assignee != tech.id and not force:
        raise SdeskError(f"{ticket.id} is assigned to {ticket.assignee}, not {tech.id} "
                         "(use --force to take it over)")
