"""Small procedures shared by commands: each returns a Plan (see sdesk/procedures/plan.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sdesk.core.errors import ValidationError
from sdesk.core.model import JournalEntry, Ticket, journal_entry
from sdesk.procedures.plan import Action, AddEntry, Finding, Notify, Plan, SetField

REPLY_FLAG = "customer-reply"  # proposals.REPLY_FLAG: notes stays off the proposals import

# What a parent case's customers read on their own tickets (plain language: the parent's ID is
# one they never saw; sdesk show lists the parent, and the plan line names it for the desk).
WIDER_UPDATE = "An update on the wider problem your ticket is part of:"
WIDER_RESOLVED = "This was part of a wider problem we fixed:"


def journal_note(ticket: Ticket, entry: JournalEntry, children: Sequence[Ticket] = ()) -> Plan:
    """A note; a public note is also a message to the customer (the standard's "clear
    communication ... providing regular updates") and counts as the first response.

    A public note on a parent case (`children`: its open child tickets) is the update for the
    customers who reported the problem (the guide's parent case: one problem, many people):
    each open child's requester gets one message on the child's own thread, the note goes in
    the child's journal as public, and it is the child's first response where it had none. A
    child without an e-mail gets a finding saying whom to phone (`not_mailed`). A note clears
    the `customer-reply` flag a customer's unclear reply set (docs/email.md): the technician
    has read it (session 38)."""
    if not entry.text.strip():
        raise ValidationError("the note is empty")
    plan = Plan([AddEntry(ticket.id, "standard: communicate", "journal note", entry=entry)])
    if REPLY_FLAG in ticket.flags:  # a note after the customer's reply answers or records it
        plan.add(SetField(ticket.id, "standard: communicate", "the customer's reply was read",
                          field="flags", value=[f for f in ticket.flags if f != REPLY_FLAG]))
    if entry.public:
        _tell(plan, ticket, entry, entry.text, "standard: communicate")
        for child in children:
            if not child.is_open or child.type == "task":
                continue
            rule = "guide: parent case"
            text = f"{WIDER_UPDATE} {entry.text.strip()}"
            plan.add(AddEntry(child.id, rule, f"public note on its parent {ticket.id}",
                              entry=journal_entry(at=entry.at, by=entry.by, text=text,
                                                  kind="note", visibility="public", rule=rule)))
            _tell(plan, child, entry, entry.text, rule)
            if not child.requester.email:
                plan.add(Finding(child.id, rule, not_mailed(child)))
    return plan


def _tell(plan: Plan, ticket: Ticket, entry: JournalEntry, text: str, rule: str) -> None:
    """A public note's first response and message to `ticket`'s requester."""
    if ticket.first_response_at is None:
        plan.add(SetField(ticket.id, "standard: respond", "first public response",
                          field="first_response_at", value=entry.at))
    if ticket.requester.email:
        plan.add(customer_update(ticket, f"Update on your ticket: {ticket.title}", text,
                                 rule=rule, automatic=False))


def not_mailed(ticket: Ticket) -> str:
    """What the finding says of a ticket whose requester has no e-mail, so nobody was mailed:
    whom to phone at which number, or that there is no number either. "tell the customer by
    phone" was said of requesters with no phone too (fresh-user finding 10, session 33)."""
    who = ticket.requester.name or "the requester"
    if ticket.requester.phone:
        return f"no requester e-mail, nobody mailed: tell {who} by phone ({ticket.requester.phone})"
    return (f"no requester e-mail or phone: nobody was told; find another way to reach {who} "
            f"(sdesk set {ticket.id} email=... adds one for next time)")


# The words the desk's own customer mail puts before the title in its subject ("Resolved:
# <title>"): a reply keeps them, and a ticket that reply opens must not (session 39; read by
# sdesk.mail.mailin.clean_title). A new customer subject here belongs in this list.
CUSTOMER_SUBJECTS = ("Logged", "Update on your ticket", "Resolved as a duplicate", "Resolved",
                     "Reopened", "Software Request Form needed", "Question about your ticket",
                     "Logged as a request", "On hold", "Work resumed", "New target date")


# A "Last, First" name's part after the comma that is a suffix, not a first name.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "rn", "cpa"})


def natural_name(display: str) -> str:
    """`display` (a From: display name) as a person is greeted, "First Last" (session 40):
    Outlook's directory names "Gillespie, Rhonda (OKDHS)" and "Tran, Bich" are "Rhonda
    Gillespie" and "Bich Tran"; a trailing "(...)" or "[...]" (the agency) goes; a name with
    no comma, or whose part after the comma is a suffix ("King, Jr."), is kept as written."""
    name = " ".join(display.split())
    while name.endswith((")", "]")) and name.rfind("(" if name[-1] == ")" else "[") > 0:
        name = name[:name.rfind("(" if name[-1] == ")" else "[")].rstrip()
    last, comma, first = name.partition(",")
    if comma and last.strip() and first.strip() and "," not in first \
            and first.strip().rstrip(".").casefold() not in _SUFFIXES:
        return f"{first.strip()} {last.strip()}"
    return name


def customer_update(ticket: Ticket, subject: str, text: str, rule: str = "standard: communicate",
                    automatic: bool = True) -> Notify:
    """A message to the requester. Only text meant for the customer goes in (public notes,
    resolution summaries), never the internal journal. `automatic` is False for a message a
    person wrote (a public note): it then carries no Auto-Submitted header."""
    name = natural_name(ticket.requester.name) or "there"
    body = (f"Hello {name},\n\n{text.strip()}\n\n"
            f"Ticket: {ticket.id}\nTitle: {ticket.title}\n\n"
            "Reply to this message or call the Service Desk if you need anything else.\n")
    return Notify(ticket.id, rule, "tell the customer", to=(ticket.requester.email,),
                  subject=subject, body=body, audience="customer", automatic=automatic)


def reopen_told(ticket: Ticket, reason: str, plan: Plan | None = None,
                now: dt.datetime | None = None) -> Notify | Finding:
    """What `sdesk reopen` tells the customer (session 39: a technician's reopen mailed
    nothing, while a reopen by the customer's reply does, mailin.REOPENED_TEXT): that the
    ticket is open again and why (`reason` as the technician gave it, in the desk's plain
    words), as a message a person wrote (no Auto-Submitted), on the ticket's thread; or, for a
    requester without an e-mail, a finding saying whom to phone (`not_mailed`). The standard:
    "clear communication with the customer ... providing regular updates". When the reopen's
    `plan` moves Resolve By, the message gives the new date (session 40)."""
    if not ticket.requester.email:
        return Finding(ticket.id, "standard: communicate (reopen)", not_mailed(ticket))
    text = (f"We have reopened your ticket, and a technician will work on it again. The "
            f"reason: {reason.strip()}" + (moved_words(ticket, plan.actions, now) if plan else ""))
    return customer_update(ticket, f"Reopened: {ticket.title}", text,
                           rule="standard: communicate (reopen)", automatic=False)


def moved_words(ticket: Ticket, actions: Sequence[Action], now: dt.datetime | None = None) -> str:
    """The sentence " We now aim to have it resolved by <date>." (leading space) when
    `actions` (a plan's) move the ticket's Resolve By (a reopen: the time it sat resolved does
    not count; session 40, the customer hears the new date), else "". A new date at or before
    `now` is not promised: the sentence says the date was missed."""
    for action in actions:
        if isinstance(action, SetField) and action.field == "resolve_by" and \
                action.value != ticket.resolve_by and isinstance(action.value, dt.datetime):
            if now is not None and action.value <= now:
                return (" We have missed the date we aimed to have it resolved by, and we are "
                        "sorry; we will keep you informed until it is resolved.")
            return f" We now aim to have it resolved by {when_in_words(action.value)}."
    return ""


# The question the resolution mail asks; sdesk/mail/replies.py reads a reply's answer (score_of).
CSAT_QUESTION = ("How satisfied are you with how this was handled? Reply to this message with "
                 "one number on a line of its own, from 1 (very dissatisfied) to 5 (very "
                 "satisfied); anything else you write is kept as your comment.")


def acknowledgement(ticket: Ticket, supported: bool = True) -> Notify:
    """The automatic "we have logged it" message for a ticket that came in by email or
    self-service (sdesk.toml mail.acknowledge), naming the ID a reply keeps in its subject,
    in plain language (the standard: "clear communication with the customer ... using plain
    language"): the response and resolution targets as days and times, not a P-code
    (session 38: it said "logged ... with priority P3"). `supported` False (the sender's
    agency is unknown or no team supports it: triage will hand it back, incident-1) promises
    no resolution date, only the reply (session 40: pat.doe@osbi.ok.gov was promised a date,
    then handed back as unsupported)."""
    what = "report" if ticket.type == "incident" else "request"
    targets = targets_in_words(ticket) if supported else (
        " We will first check that the Service Desk supports your agency"
        + (f" and reply by {when_in_words(ticket.respond_by)}." if ticket.respond_by else "."))
    text = (f"Thank you for contacting the Service Desk. We have logged your {what} as "
            f"{ticket.id}." + targets
            + "\n\nTo add to it, reply to this message and keep the ticket ID in the subject.")
    return customer_update(ticket, f"Logged: {ticket.title}", text,
                           rule="standard: requests by email (acknowledgement)")


def when_in_words(at: dt.datetime) -> str:
    """A due time as a customer reads it: "Tuesday 1 December 2026 at 11:00 CST"."""
    return f"{at:%A} {at.day} {at:%B %Y} at {at:%H:%M %Z}".rstrip()


def targets_in_words(ticket: Ticket) -> str:
    """The response and resolution targets for the customer, one or two sentences with a
    leading space ("" when the ticket has neither): Respond By and Resolve By in words."""
    out = ""
    if ticket.respond_by:
        out += f" We will reply by {when_in_words(ticket.respond_by)}."
    if ticket.resolve_by:
        out += f" We aim to have it resolved by {when_in_words(ticket.resolve_by)}."
    return out
