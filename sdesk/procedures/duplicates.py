"""Resolving a ticket as a duplicate: whether the original may take it, and what its customer is
told. The guide's incident section: "multiple cases from one person on the same subject ...
relate the cases ... resolve the duplicates with an explanation of why they are being
resolved"; many people with one problem is a trend (a parent case), not a duplicate.

One rule for both ways a duplicate is resolved (`sdesk resolve --duplicate-of`, accepting a
triage proposal: `triage_review._original`): the original must still be open, since the
customer is told work goes on there (session 34 for triage, session 39 for resolve). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from sdesk.core.errors import ValidationError
from sdesk.core.model import Requester, Ticket
from sdesk.procedures.proposals import logged_as

FINAL = ("resolved", "closed")
# The flag of `sdesk resolve` that says the dispatcher means a duplicate across requesters.
OTHER_REQUESTER = "--other-requester"


def refuse_final_original(ticket_id: str, chain: Sequence[str], status: str, title: str, *,
                          what: str, doing: str, retry: str, instead: str,
                          moved: str = "") -> None:
    """ValidationError when the original at the end of the duplicate `chain` (the ID named
    first, the original last; relations.duplicate_chain) is `status` resolved or closed:
    resolving `ticket_id` against it would tell the customer "we will keep you updated there"
    of finished work. One line: what named it (`what`: "the duplicate proposal",
    "--duplicate-of"), the original, its status, and what to do instead (reopen a resolved
    original, then `retry`; or `instead`). `moved`: the request the original was logged as
    (proposals.logged_as; session 39b), named instead of a reopen it refuses. Nothing for an
    open original."""
    if status not in FINAL:
        return
    last = chain[-1]
    again = (f"sdesk reopen {last} --reason '...' then {retry}" if status == "resolved"
             else f"{last} cannot be reopened")
    if moved:
        again = f"{last} was logged as request {moved}, where its work goes on: name {moved}"
    named = f"{chain[0]}, a duplicate of {last}" if len(chain) > 1 else chain[0]
    raise ValidationError(
        f"{ticket_id}: {what} names {named} ({title!r}), which is {status}: {doing} would "
        f"close {ticket_id} and tell the customer work goes on there; {again}, or {instead}")


def original_named(ticket: Ticket, named: str, duplicate: bool) -> str:
    """The original a resolution points at: `named` (--duplicate-of), else, for a `duplicate`
    resolution, the one the ticket names already; "" when not a duplicate. ValidationError for
    a duplicate without an original, or one naming the ticket itself."""
    original = named or (ticket.duplicate_of if duplicate else "")
    if duplicate and not original:
        raise ValidationError("a duplicate needs the original: --duplicate-of ID")
    if original == ticket.id:
        raise ValidationError(f"{ticket.id} cannot be a duplicate of itself")
    return original


def same_person(a: Requester, b: Requester) -> bool:
    """Whether two tickets' requesters are one person (the guide's duplicate is "from one
    person"): the same e-mail address when both have one, else the same name when both have
    one (case and spacing aside); a requester with neither is nobody we can tell is the same."""
    if a.email and b.email:
        return a.email.strip().casefold() == b.email.strip().casefold()
    if a.name.strip() and b.name.strip():
        return " ".join(a.name.split()).casefold() == " ".join(b.name.split()).casefold()
    return False


def _who(r: Requester) -> str:
    return r.email or r.name or "no requester"


def check_original(ticket: Ticket, original: Ticket, chain: Sequence[str],
                   other_requester: bool) -> None:
    """`sdesk resolve TICKET --duplicate-of` against `original` (at the end of `chain`, the
    IDs followed from the one typed): refused, one line, when the original is resolved or
    closed (`refuse_final_original`, as accepting a triage proposal is), or when it is another
    person's ticket and `other_requester` (OTHER_REQUESTER) was not given: its updates never
    reach this ticket's customer, and many people with one problem is a trend to relate under
    a parent case. Raises ValidationError."""
    tid = ticket.id
    refuse_final_original(
        tid, chain, original.status, original.title, what="--duplicate-of",
        doing="resolving it as a duplicate", retry="resolve again",
        instead=f"resolve {tid} on its own: sdesk resolve {tid} --code CODE --summary '...'",
        moved=logged_as(original.flags))
    if other_requester or same_person(ticket.requester, original.requester):
        return
    oid = original.id
    raise ValidationError(
        f"{tid}: --duplicate-of {oid} is another person's ticket ({tid}: "
        f"{_who(ticket.requester)}; {oid}: {_who(original.requester)}): a duplicate is one "
        f"person's repeat report, and {oid}'s updates are never mailed to {tid}'s customer; "
        f"many people with one problem is a trend: sdesk relate {tid} {oid}, or a parent case "
        f"(sdesk parent new --from {tid} {oid} ...; sdesk relate {tid} PARENT --as parent); "
        f"{OTHER_REQUESTER} resolves it as a duplicate anyway")


def kind_word(ticket: Ticket) -> str:
    """The word the customer reads for the ticket: its own type (incident, request, case)."""
    return ticket.type


def merged_text(ticket: Ticket, original: Ticket | None, original_id: str, summary: str) -> str:
    """What a duplicate's customer reads (its public resolution entry and its mail): the
    resolver's `summary`, then, in plain words and the ticket's own type word, that it was
    merged into the original, and where to follow the work: there, when the original is theirs
    (its updates are mailed to them); when it is another person's (`--other-requester`), that
    its updates are not mailed to them and how to ask about it (sdesk has no watchers: nobody
    but the requester is mailed of a ticket)."""
    word = kind_word(ticket)
    said = f"{summary.rstrip()}\n\n"
    if original is None or same_person(ticket.requester, original.requester):
        return (said + f"Your {word} {ticket.id} has been merged into {original_id}, your "
                f"other report of the same problem, so this one is resolved; we will keep you "
                f"updated on {original_id}.")
    return (said + f"Your {word} {ticket.id} has been merged into {original_id}, another "
            f"person's report of the same problem, so this one is resolved. Updates on "
            f"{original_id} are not mailed to you: to ask how it is going, reply to this "
            f"message or call the Service Desk and quote {original_id}.")


def merged_subject(ticket: Ticket, original_id: str) -> str:
    """The subject of a duplicate's resolution mail: "Merged into ID: title" (not "Resolved:",
    and the mail asks for no satisfaction score: kpi leaves duplicates out of CSAT)."""
    return f"Merged into {original_id}: {ticket.title}"


def no_cycle(ticket: Ticket, children: Sequence[Ticket]) -> None:
    """Raises ValidationError when one of `children`, which resolving `ticket` would resolve
    and mail, is also `ticket`'s parent or original: a cycle no command makes (a hand edit;
    `sdesk check` reports it, session 40), through which one resolution would close another
    customer's ticket."""
    for child in children:
        if child.id not in (ticket.parent, ticket.duplicate_of):
            continue
        role = "parent" if child.id == ticket.parent else "original"
        raise ValidationError(
            f"{ticket.id}: its child {child.id} is also its {role} (a cycle set by hand; "
            f"sdesk check reports it): resolving would resolve and mail {child.id}'s customer "
            f"too; put the relation right first; nothing written")
