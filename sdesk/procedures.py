"""Small procedures shared by commands: each returns a Plan (see sdesk/plan.py)."""

from __future__ import annotations

from sdesk.errors import ValidationError
from sdesk.model import JournalEntry, Ticket
from sdesk.plan import AddEntry, Notify, Plan, SetField


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
            plan.add(customer_update(ticket, f"Update on your ticket: {ticket.title}", entry.text))
    return plan


def customer_update(ticket: Ticket, subject: str, text: str, rule: str = "standard: communicate"
                    ) -> Notify:
    """A message to the requester. Only text meant for the customer goes in (public notes,
    resolution summaries), never the internal journal."""
    name = ticket.requester.name or "there"
    body = (f"Hello {name},\n\n{text.strip()}\n\n"
            f"Ticket: {ticket.id}\nTitle: {ticket.title}\n\n"
            "Reply to this message or call the Service Desk if you need anything else.\n")
    return Notify(ticket.id, rule, "tell the customer", to=(ticket.requester.email,),
                  subject=subject, body=body, audience="customer")
