"""Tasks (the standard's "a specific action ... to be completed as part of resolving a case,
request or incident"): a task is logged under an open ticket and inherits its context."""

from __future__ import annotations

import datetime as dt

from sdesk.core.errors import SdeskError
from sdesk.core.model import Requester, Ticket
from sdesk.core.reference import Reference
from sdesk.procedures.intake import Intake, log_ticket
from sdesk.procedures.permits import closed_is_final
from sdesk.procedures.plan import CreateTicket, Plan

RULE = "standard: task"


def new_task(owner: Ticket, task_id: str, title: str, description: str, effort_hours: float,
             team: str, ref: Reference, now: dt.datetime, actor: str) -> tuple[Ticket, Plan]:
    """A task under `owner`. Tasks hang from the ticket being worked, never from another task
    or a ticket already done. A task is internal work: it has no requester e-mail, so nothing
    about it reaches the customer; it takes the owner's priority, place and service."""
    if owner.type == "task":
        raise SdeskError(f"{owner.id} is a task itself; add the task to {owner.parent or 'its ticket'}")
    closed_is_final(owner)
    if not owner.is_open:
        raise SdeskError(f"{owner.id} is {owner.status}: reopen it before adding work")
    intake = Intake(type="task", title=title, description=description, channel=owner.channel,
                    requester=Requester(agency=owner.requester.agency),
                    impact=owner.impact, urgency=owner.urgency, priority=owner.priority,
                    remote=owner.remote, location=owner.location, effort_hours=effort_hours,
                    parent=owner.id, team=team or owner.team, service=owner.service)
    task = log_ticket(intake, task_id, ref, now, actor)
    return task, Plan([CreateTicket(task.id, RULE, f"task of {owner.id}", new=task)])
