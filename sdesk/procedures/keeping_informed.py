"""The customer is kept informed when the desk's promise changes (session 40).

The standard asks for "clear communication with the customer ... providing regular updates"
in plain language. Before session 40 a hold for a vendor, parts or a change stopped the SLA
clock without a word to the customer, and the date promised in the acknowledgement ("We aim
to have it resolved by ...") moved silently after a hold, a priority change or a reopen. Each
function here returns the actions that tell the customer of one such change: a public journal
entry holding exactly what they read, the desk's first response when there was none (as a
public note is), and the message; or, for a requester without an e-mail, one finding saying
whom to phone (notes.not_mailed). A ticket the desk made itself (channel internal, a parent
case) or a task has no customer of its own: nothing.

Each message comes from the command that made the change (hold, resume, priority, reopen),
so the customer gets one message per change, never one per sweep run.
"""

from __future__ import annotations

import datetime as dt

from sdesk.core.model import INTERNAL, Ticket, journal_entry
from sdesk.procedures.notes import customer_update, not_mailed, when_in_words
from sdesk.procedures.plan import Action, AddEntry, Finding, Notify, SetField

AWAITING_CUSTOMER = "awaiting-customer"  # escalation.AWAITING_CUSTOMER: that hold asks them
# What the customer reads the desk waits for, per hold reason (reference/codes.toml
# [hold_reasons]): plain words, no codes, no vendor names or case numbers (the hold's --note
# is internal unless --public). A reason not listed here reads as SOMEONE_ELSE.
WAITING_FOR = {
    "awaiting-vendor": "another company we rely on (a supplier or manufacturer) to reply or "
                       "send a fix",
    "awaiting-parts": "parts or equipment to arrive",
    "awaiting-change": "an agreed time to make the change, so that the work does not disturb "
                       "other people",
}
SOMEONE_ELSE = "someone outside the Service Desk"
R_HOLD = "standard: communicate (hold)"
R_RESUME = "standard: communicate (resume)"
R_MOVED = "standard: communicate (new target date)"


def has_customer(ticket: Ticket) -> bool:
    """Whether the ticket has a customer to tell: not a task, not made by the desk itself."""
    return ticket.channel != INTERNAL and ticket.type != "task"


def waiting_for(reason: str) -> str:
    """What a hold waits for, in the customer's words (WAITING_FOR; SOMEONE_ELSE)."""
    return WAITING_FOR.get(reason, SOMEONE_ELSE)


def hold_told(ticket: Ticket, reason: str, public_note: str, now: dt.datetime, actor: str,
              tz: dt.tzinfo) -> list[Action]:
    """What `sdesk hold` tells the customer: the work is paused, what for (plain words), that
    the waiting does not count against the date promised, which will move, and that they
    will hear when work starts again. `public_note` (the hold's --note given with --public)
    is quoted as typed. A hold awaiting the customer tells nothing here: its --ask question
    is the message (escalation.hold). A date already past is not named again (there is no
    promise left to pause). Dates read in `tz` (the calendar's). [] for a ticket without a
    customer."""
    if reason == AWAITING_CUSTOMER or not has_customer(ticket):
        return []
    text = f"We have paused the work on your ticket while we wait for {waiting_for(reason)}."
    if public_note:
        text += f"\n\n{public_note}"
    if ticket.resolve_by is not None and ticket.resolve_by > now:
        text += (f"\n\nThe time we spend waiting does not count against the date we aimed to "
                 f"have it resolved by ({when(ticket.resolve_by, tz)}), so that date "
                 f"will move later. We will write to you when the work starts again, with "
                 f"the new date.")
    else:
        text += "\n\nWe will write to you when the work starts again."
    mail = customer_update(ticket, f"On hold: {ticket.title}", text, rule=R_HOLD)
    return told(ticket, mail, text, R_HOLD, now, actor)


def resume_told(ticket: Ticket, reason: str, new_due: dt.datetime | None, now: dt.datetime,
                actor: str, tz: dt.tzinfo) -> list[Action]:
    """What `sdesk resume` (and a customer's reply that resumes a hold) tells the customer:
    work goes on, and the date now promised, saying it moved when it did (`new_due`, the
    Resolve By after the resume; `ticket` as before it). Told whenever the hold was not the
    customer's (they were told of the pause), and after a hold awaiting the customer only
    when the date moved. A date that is past already is not promised: the message says the
    date was missed. Dates read in `tz`. [] otherwise or for a ticket without a customer."""
    old_due = ticket.resolve_by
    moved = new_due is not None and old_due is not None and new_due != old_due
    if not has_customer(ticket) or (reason == AWAITING_CUSTOMER and not moved):
        return []
    if reason == AWAITING_CUSTOMER:
        text = "We have what we needed from you, and we are working on your ticket again."
    else:
        text = "We are working on your ticket again: the wait is over."
    due = new_due if new_due is not None else old_due
    if due is not None and due <= now:
        text += (" We have missed the date we aimed to have it resolved by, and we are sorry; "
                 "we will keep you informed until it is resolved.")
    elif moved and new_due is not None and old_due is not None:
        text += (f" We now aim to have it resolved by {when(new_due, tz)} (before the pause "
                 f"we said {when(old_due, tz)}).")
    elif due is not None:
        text += f" We still aim to have it resolved by {when(due, tz)}."
    mail = customer_update(ticket, f"Work resumed: {ticket.title}", text, rule=R_RESUME)
    return told(ticket, mail, text, R_RESUME, now, actor)


def priority_told(ticket: Ticket, priority: int, new_due: dt.datetime | None,
                  now: dt.datetime, actor: str, tz: dt.tzinfo) -> list[Action]:
    """What a supervisor's priority decision (`sdesk priority`) tells the customer when it
    moves the date promised (`new_due` differs from the ticket's Resolve By): how urgent the
    desk now judges it, in words (never "P2"), and the new and the old date (in `tz`); a new
    date already past is said to be missed, not promised. [] when the date stays or the
    ticket has no customer."""
    old_due = ticket.resolve_by
    if new_due is None or old_due is None or new_due == old_due or not has_customer(ticket):
        return []
    how = "more" if priority < ticket.priority else "less"
    text = (f"We have looked again at how urgent your ticket is, and we now treat it as {how} "
            f"urgent. " + (f"We now aim to have it resolved by {when(new_due, tz)}; before, we "
                           f"said {when(old_due, tz)}." if new_due > now else
                           "By that measure we are past the date we should have resolved it "
                           "by, and we are sorry; we will keep you informed until it is "
                           "resolved."))
    mail = customer_update(ticket, f"New target date: {ticket.title}", text, rule=R_MOVED)
    return told(ticket, mail, text, R_MOVED, now, actor)


def when(at: dt.datetime, tz: dt.tzinfo) -> str:
    """A due time in the customer's words, in the desk's time zone: a time read back from a
    ticket file carries only its offset ("UTC-06:00"), the calendar's zone names it ("CST")."""
    return when_in_words(at.astimezone(tz))


def told(ticket: Ticket, mail: Notify, text: str, rule: str, now: dt.datetime,
         actor: str) -> list[Action]:
    """The actions of telling the customer `text` by `mail`: a public journal entry with the
    text (so `show`, `stale` and the sweep's update rule see the customer was told), the
    first response when there was none, and the mail; for a requester without an e-mail only
    a finding naming whom to phone."""
    if not ticket.requester.email:
        return [Finding(ticket.id, rule, not_mailed(ticket))]
    actions: list[Action] = [AddEntry(ticket.id, rule, "what the customer was told",
                                      entry=journal_entry(now, actor, "note", text, rule,
                                                          visibility="public"))]
    if ticket.first_response_at is None:
        actions.append(SetField(ticket.id, "standard: respond", "first public response",
                                field="first_response_at", value=now))
    actions.append(mail)
    return actions
