"""A customer's reply says the problem of a resolved parent case is back (session 39): the
reopened report's supervisor is told, as incident-6 tells a supervisor of a trend. Pure: returns
the message for the plan; sdesk/mail/mailin.py adds it when a reply reopens a child."""

from __future__ import annotations

from sdesk.core.errors import ReferenceError as UnknownTeam
from sdesk.core.model import Ticket
from sdesk.core.reference import Reference
from sdesk.procedures.plan import Notify


def parent_told(ticket: Ticket, sender: str, words: str, ref: Reference) -> Notify:
    """The message that tells the supervisor of a reopened child's team (the Service Desk's
    when it has none, or an unknown team) that the problem its parent case was resolved for
    may be back: `sender` replied, `words` said so. The reopen takes the child alone back to
    work, at its own priority; a trend is the guide's incident-6 ("notify your supervisor").
    A dispatcher's morning, session 39: a customer's "still says disconnected" on a child of
    a resolved P1 outage reopened it at P4, unassigned, and nobody was told. The supervisor
    decides whether to reopen the parent case (`sdesk reopen PARENT`)."""
    try:
        team = ref.team(ticket.team or ref.service_desk)
    except UnknownTeam:
        team = ref.team(ref.service_desk)
    said = f' ("{words}")' if words else ""
    body = (f"{sender} replied to {ticket.id}, a report of parent case {ticket.parent}, that "
            f"the problem is back{said}. {ticket.id} is reopened at P{ticket.priority}; the "
            f"parent case and its other reports are unchanged. If the outage is back: sdesk "
            f"reopen {ticket.parent} --reason \"...\"\n\nTicket:    {ticket.id}\nTitle:     "
            f"{ticket.title}\nParent:    {ticket.parent}\n")
    return Notify(ticket.id, PARENT_RULE, f"tell {team.supervisor}", to=(team.supervisor,),
                  subject=f"Possible return of a resolved parent case: {ticket.parent}", body=body)


PARENT_RULE = "incident-6 many people, same problem (a report of a parent case reopened)"
