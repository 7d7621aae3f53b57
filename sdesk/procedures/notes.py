"""Small procedures shared by commands: each returns a Plan (see sdesk/procedures/plan.py)."""

from __future__ import annotations

from sdesk.core.errors import ValidationError
from sdesk.core.model import JournalEntry, Ticket
from sdesk.procedures.plan import AddEntry, Notify, Plan, SetField


def journal_note(ticket: Ticket, entry: JournalEntry) -> Plan:
    """A note; a public note is also a message to the customer (the standard's "clear
    communication ... providing regular updates") and counts as the first response."""
    if not entry.text.strip():
        raise ValidationError("the note is empty")
    plan = Plan([AddEntry(ticket.id, "standard: communicate", "journal note", entry=entry)])
    if entry.public:
        if ticket.first_response_at is None:
            plan.add(SetField(ticket.id, "standard: respond", "first public response",
                              field="first_response_at", value=entry.at))
        if ticket.requester.email:
            plan.add(customer_update(ticket, f"Update on your ticket: {ticket.title}", entry.text,
                                     automatic=False))
    return plan


def customer_update(ticket: Ticket, subject: str, text: str, rule: str = "standard: communicate",
                    automatic: bool = True) -> Notify:
    """A message to the requester. Only text meant for the customer goes in (public notes,
    resolution summaries), never the internal journal. `automatic` is False for a message a
    person wrote (a public note): it then carries no Auto-Submitted header."""
    name = ticket.requester.name or "there"
    body = (f"Hello {name},\n\n{text.strip()}\n\n"
            f"Ticket: {ticket.id}\nTitle: {ticket.title}\n\n"
            "Reply to this message or call the Service Desk if you need anything else.\n")
    return Notify(ticket.id, rule, "tell the customer", to=(ticket.requester.email,),
                  subject=subject, body=body, audience="customer", automatic=automatic)


# The question the resolution mail asks; sdesk/mail/mailin.py reads a reply's answer (csat_answer).
CSAT_QUESTION = ("How satisfied are you with how this was handled? Reply to this message with "
                 "one number on a line of its own, from 1 (very dissatisfied) to 5 (very "
                 "satisfied); anything else you write is kept as your comment.")


def acknowledgement(ticket: Ticket) -> Notify:
    """The automatic "we have logged it" message for a ticket that came in by email or
    self-service (sdesk.toml mail.acknowledge), naming the ID a reply keeps in its subject."""
    due = ticket.respond_by.strftime("%A %d %B %Y, %H:%M %Z") if ticket.respond_by else ""
    text = (f"Thank you for contacting the Service Desk. Your {ticket.type} is logged as "
            f"{ticket.id} with priority P{ticket.priority}."
            + (f" We will respond by {due}." if due else "")
            + "\n\nTo add to it, reply to this message and keep the ticket ID in the subject.")
    return customer_update(ticket, f"Logged: {ticket.title}", text,
                           rule="standard: requests by email (acknowledgement)")
