"""What holds a ticket back from assignment, or is said when it is assigned anyway: the
supervisor's pending priority decision (incident-2) and the dispatcher's pending on-site
decision (CASE ASSIGNMENT step 1, session 39). Pure: a ticket in, findings or advice out; used by
`procedures.assign` for one ticket (`assign ID`: assigned with a warning) and a queue (`assign
--team`/`--all`: held back unless --force). See docs/assignment.md, "Session 39".
"""

from __future__ import annotations

from sdesk.core.model import Ticket
from sdesk.procedures.plan import Advice, Finding
from sdesk.procedures.proposals import pending


def on_site_pending(ticket: Ticket) -> bool:
    """Whether triage proposed on-site work for a ticket still worked remotely and the
    dispatcher has not decided (flag `proposed:on-site:...`, docs/triage.md "Proposals")."""
    return ticket.remote and any(kind == "on-site" for kind, _ in pending(ticket.flags))


def on_site_decision(ticket_id: str) -> str:
    """The commands that decide a pending on-site proposal, as the plan names them."""
    return f"sdesk triage {ticket_id} --accept on-site (or --reject on-site: remote)"


def awaiting_on_site(ticket: Ticket, rule: str) -> list[Advice]:
    """One ticket assigned by name with an on-site proposal pending: assigned as asked, as
    remote work, with a warning naming the decision (guide, CASE ASSIGNMENT step 1 decides
    remote or on site first; session 39: it was assigned as remote work without a word)."""
    if not on_site_pending(ticket):
        return []
    return [Advice(ticket.id, rule, f"{ticket.id}: on site proposed, not decided: assigned as "
                                    f"remote work ({on_site_decision(ticket.id)})",
                   warning=True)]


def awaiting_priority(ticket: Ticket, rule: str) -> list[Advice]:
    """One ticket assigned by name while it awaits the supervisor's priority decision
    (priority-review): assigned as asked (`assign ID` is the dispatcher's explicit choice), with
    a warning that its priority, and so its place in the queue, may change (tester finding,
    session 37: `assign --team` held it back, `assign ID --to` said nothing)."""
    if "priority-review" not in ticket.flags:
        return []
    return [Advice(ticket.id, rule, f"{ticket.id} awaits the supervisor's priority decision "
                                    f"(P{ticket.priority} may change: sdesk priority {ticket.id} "
                                    "LEVEL --reason ...); assigned as you asked", warning=True)]


HOLD_FOR_PRIORITY = "assign: awaiting the supervisor's priority decision"
HOLD_FOR_ON_SITE = "assign-1 awaiting the on-site decision"


def held(ticket: Ticket, force: bool) -> Finding | None:
    """Why a queue holds `ticket` back, unless `force`: it awaits the supervisor's priority
    decision (incident-2: its priority, and so its place in the queue, may change), or the
    dispatcher's decision on an on-site proposal (CASE ASSIGNMENT step 1, remote or on site,
    picks who can work it at all: an on-site job given to a remote-only technician is a
    reassignment later; session 39). None when it is not held."""
    if force:
        return None
    if "priority-review" in ticket.flags:
        return Finding(ticket.id, HOLD_FOR_PRIORITY,
                       f"held back: P{ticket.priority} awaits the supervisor's decision (sdesk "
                       f"priority {ticket.id} LEVEL --reason ...); assign --team --force "
                       "assigns it anyway")
    if on_site_pending(ticket):
        return Finding(ticket.id, HOLD_FOR_ON_SITE,
                       f"held back: on site proposed, not decided: {on_site_decision(ticket.id)}"
                       "; --force assigns it as remote work")
    return None
