"""What a customer's reply to a resolved or closed ticket says, and what it does (session 38).

The resolution mail asks for a score and promises "anything else you write is kept as your
comment" (sdesk.procedures.notes.CSAT_QUESTION). Before session 38 every reply that was not a
bare "1" to "5" line reopened the ticket: "5/5 thanks!", "Five stars", "Thanks" each counted a
reopen, made the next resolution "never first contact" and deleted the score. The rule now
(docs/email.md, "Replies to a resolved or closed ticket"):

- a reply from anyone but the requester never scores and never reopens: it is kept as an
  internal entry marked "not from the requester" and the ticket is flagged for the technician;
- a clear statement that the problem is back (sdesk.mail.reading, session 39: read clause by
  clause, the signature cut, never a keyword) reopens (within mail.reopen_days of the
  resolution; a closed ticket, or a later reply, opens a new ticket related to it); the
  reopen's journal entry names the words;
- a score in a natural form (`reading.score_of`) is recorded when the ticket has none; a
  second score is kept as a comment and the first one stands (docs/resolution.md: one per
  resolution);
- a thank-you (nothing else of substance) is a public comment and nothing more;
- anything else, a thank-you with a problem word among them, is a public comment, and the
  ticket is flagged `customer-reply` for a person rather than reopened: when unsure, nothing
  the customer wrote is lost and nothing is counted;
- a reply to a duplicate's resolution goes to the original (`to_original`, session 39): the
  duplicate stays resolved; when the original is another customer's, the reply stays on the
  duplicate as a flagged comment (`on_duplicate`, session 39b);
- a score whose comment names another thing or a problem is recorded and the reply kept as a
  flagged comment too; a reopening reply's score is named, not recorded (session 39b).
mailin.receive builds the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from sdesk.core.model import TEXT_REFUSED, Ticket
from sdesk.core.reference import Reference
from sdesk.mail.mailin import MailRules, Outcome, _add_reply, _keep, _record_id, _reopen, _who
from sdesk.mail.mailparse import Incoming
from sdesk.mail.reading import comment_of, needs_person, reading, score_of, signature_cut
from sdesk.procedures.plan import SetField
from sdesk.procedures.proposals import REPLY_FLAG  # `sdesk list --all --flag customer-reply`

RULE_REPLY = "standard: communicate (customer reply)"
AWAITING_CUSTOMER = "awaiting-customer"  # the hold reason a requester's reply ends

def is_requester(sender: str, requester_email: str) -> bool:
    """The sender is the ticket's requester: the same address, any case. A ticket without a
    requester e-mail has no requester by mail."""
    return bool(requester_email) and sender.casefold() == requester_email.strip().casefold()


def answer(msg: Incoming, ticket: Ticket, reply: str, *, now: dt.datetime, actor: str,
           rules: MailRules, ref: Reference, seats: Mapping[str, int] | None,
           new: Callable[[str], Outcome], original: Ticket | None = None) -> Outcome:
    """The requester's reply to a resolved or closed `ticket` (the rule in this module's
    docstring): a reopen (resolved, within rules.reopen_days), a new related ticket (`new(why)`:
    closed, or later), a score, or a comment (flagged REPLY_FLAG when unsure). A duplicate's
    reply goes to `original`, the ticket its `duplicate_of` names, when loaded (`to_original`),
    but for a score: that rates the duplicate's resolution, whose mail asked for it; and but
    for an original of another requester (`on_duplicate`, session 39b).
    `reply` is the reply's text (mailin.trimmed_reply), kept whole; it is read without its
    signature (reading.signature_cut). Never raises for the message's content."""
    if (ticket.duplicate_of and original is not None and original.id == ticket.duplicate_of
            and reading(signature_cut(reply, msg.sender_name))[0] != "score"):
        if not is_requester(ticket.requester.email, original.requester.email):
            return on_duplicate(msg, ticket, original, reply, now, rules)
        return to_original(msg, ticket, original, reply, now=now, actor=actor, rules=rules,
                           ref=ref, seats=seats)
    return _answer(msg, ticket, reply, now, actor, rules, ref, seats, new)


def _answer(msg: Incoming, ticket: Ticket, reply: str, now: dt.datetime, actor: str,
            rules: MailRules, ref: Reference, seats: Mapping[str, int] | None,
            new: Callable[[str], Outcome] | None) -> Outcome:
    """`answer` on `ticket` itself; with `new` None a reply saying the problem is back that
    cannot reopen (closed, or late) is a comment flagged for a person instead of a new
    ticket."""
    read = signature_cut(reply, msg.sender_name)
    said, words = reading(read)
    late = ""
    other = _new_problem(msg.subject, ticket, read, said)
    if other and new is not None:  # another problem: its own ticket, never a reopen (s. 40)
        return new(other)
    if said == "back":
        resolved = ticket.resolved_at or now
        if ticket.status == "closed":
            late = f"{ticket.id} is closed; closed tickets are never reopened"
        elif now - resolved <= dt.timedelta(days=rules.reopen_days):
            outcome = _reopen(msg, ticket, reply, now, actor, rules, ref, seats, words=words)
            _score_noted(outcome, ticket, score_of(read), now, actor)
            return outcome
        else:
            late = f"{ticket.id} was resolved more than {rules.reopen_days:g} days ago"
        if new is not None:
            return new(late)
    score = score_of(read) if said == "score" else None
    if score is not None and ticket.csat is None:
        flag = needs_person(comment_of(read))  # "5/5 but now my scanner is broken"
        outcome = _csat(msg, ticket, score, read, now, rules, reply if flag else "")
        if flag:
            outcome.line += (f"; its words are kept as a comment, flagged {REPLY_FLAG} for the "
                             f"technician")
            _flag(outcome, ticket)
        return outcome
    why = {"score": f"a second score ({score}/5) kept as a comment; the first "
                    f"({ticket.csat.score if ticket.csat else 0}/5) stands",
           "thanks": "a thank-you kept as a comment; no reopen",
           "back": f"it says the problem is back (\"{words}\") but {late}: kept as a comment, "
                   f"flagged {REPLY_FLAG} for the technician",
           "unsure": f"kept as a comment, no reopen (it does not clearly say the problem is "
                     f"back); flagged {REPLY_FLAG} for the technician"}[said]
    outcome = Outcome("reply", ticket.id,
                      f"{ticket.id}: reply from {msg.sender} on the {ticket.status} ticket: {why}")
    _add_reply(outcome, msg, ticket, reply, now, rules)
    if said in ("unsure", "back") or (said == "score" and needs_person(comment_of(read))):
        _flag(outcome, ticket)
    return outcome


def _new_problem(subject: str, ticket: Ticket, read: str, said: str) -> str:
    """Why a reply ("back" or "unsure", its signature cut: `read`) to `ticket` is a new
    problem, or "": its subject was changed to name another (newproblem.other_subject) or
    what it says fails is another thing (newproblem.other_thing) - session 40, docs/email.md.
    A score or a thank-you is never a new problem."""
    from sdesk.mail.newproblem import other_subject, other_thing

    if said not in ("back", "unsure"):
        return ""
    changed = other_subject(subject, ticket)
    if changed:
        return (f"a new problem: the subject \"{changed}\" names another problem than "
                f"{ticket.id}'s; {ticket.id} is not reopened")
    thing = other_thing(read, ticket) if said == "back" else ""
    return (f"a new problem: the reply says \"{thing}\" fails, which {ticket.id} does not "
            f"name; {ticket.id} is not reopened") if thing else ""


def _score_noted(outcome: Outcome, ticket: Ticket, score: int | None, now: dt.datetime,
                 actor: str) -> None:
    """A reply that reopens and closes with a score ("Still jams. 1", session 39b): a reopen
    discards the resolution's score (docs/resolution.md), so the score is not recorded, and an
    internal entry says what it was, beside the reply's own entry that holds it."""
    from sdesk.core.model import journal_entry
    from sdesk.procedures.plan import AddEntry

    if score is None:
        return
    text = (f"The reply that reopened this ticket gave the score {score}/5; it is not recorded: "
            f"a reopen discards the resolution's score (docs/resolution.md).")
    outcome.plan.add(AddEntry(ticket.id, RULE_REPLY, "the score a reopening reply gave",
                              entry=journal_entry(at=now, by=actor, text=text, kind="system",
                                                  visibility="internal", rule=RULE_REPLY)))
    outcome.line += f"; its score ({score}/5) is not recorded: a reopen discards it"


def on_duplicate(msg: Incoming, dup: Ticket, original: Ticket, reply: str, now: dt.datetime,
                 rules: MailRules) -> Outcome:
    """The requester's reply to `dup`, resolved as a duplicate of `original`, whose requester
    is another customer (`resolve --duplicate-of --other-requester`, session 39b): the merge
    mail told them to reply to ask how it is going, and on the original their words were an
    internal "Not from the requester" entry nobody was shown. The reply stays on `dup` as their
    public comment, flagged REPLY_FLAG (handover lists it, the sweep leaves the ticket); never
    a reopen (the problem is worked on the original). A score goes to `_answer` before this."""
    outcome = Outcome("reply", dup.id,
                      f"{dup.id}: reply from {msg.sender} to a duplicate of {original.id}, whose "
                      f"requester is another customer: kept on {dup.id} as a comment, no reopen; "
                      f"flagged {REPLY_FLAG} for the technician")
    _add_reply(outcome, msg, dup, reply, now, rules)
    _flag(outcome, dup)
    return outcome


def to_original(msg: Incoming, dup: Ticket, original: Ticket, reply: str, *, now: dt.datetime,
                actor: str, rules: MailRules, ref: Reference,
                seats: Mapping[str, int] | None) -> Outcome:
    """The requester's reply to `dup`, resolved as a duplicate of `original` (session 39:
    "Resolved?? Outlook is still crashing" reopened the duplicate, cleared `duplicate_of` and
    counted a reopen on a ticket nobody works). The problem lives on the original, so the
    reply is recorded there: a public comment when the sender is the original's requester
    (an open original: a comment, and the answer to a hold awaiting the customer; a resolved
    one: the same reply rules as its own requester's reply, `_answer`, a late "back" flagged;
    a closed one: a comment flagged REPLY_FLAG); from another customer, an internal entry
    flagged REPLY_FLAG (their words are not the original requester's record). `dup` stays
    resolved, with an internal entry saying where the reply went and the Message-ID kept."""
    from sdesk.core.model import journal_entry
    from sdesk.procedures.plan import AddEntry

    if not is_requester(msg.sender, original.requester.email):
        outcome = not_from_requester(msg, original, reply, now, rules)
    elif original.is_open:
        outcome = Outcome("reply", original.id,
                          f"{original.id}: reply from {msg.sender} added")
        _add_reply(outcome, msg, original, reply, now, rules)
        resume_if_awaited(outcome, original, now, actor, ref)
    elif original.status == "closed":
        outcome = Outcome("reply", original.id,
                          f"{original.id}: reply from {msg.sender} on the closed ticket: kept as "
                          f"a comment, flagged {REPLY_FLAG} for the technician")
        _add_reply(outcome, msg, original, reply, now, rules)
        _flag(outcome, original)
    else:
        outcome = _answer(msg, original, reply, now, actor, rules, ref, seats, None)
    text = (f"A reply by email from {msg.sender} to this duplicate's resolution was recorded on "
            f"the original, {original.id}, where the problem is worked; this ticket stays "
            f"resolved as its duplicate.")
    outcome.plan.add(AddEntry(dup.id, RULE_REPLY, f"reply recorded on the original {original.id}",
                              entry=journal_entry(at=now, by=actor, text=text, kind="system",
                                                  visibility="internal", rule=RULE_REPLY)))
    outcome.plan.add(_record_id(dup, msg, RULE_REPLY))
    outcome.line = (f"{dup.id}: reply from {msg.sender} to a duplicate of {original.id}: recorded "
                    f"on the original; {dup.id} stays resolved; " + outcome.line)
    return outcome


def not_from_requester(msg: Incoming, ticket: Ticket, reply: str, now: dt.datetime,
                       rules: MailRules) -> Outcome:
    """A reply naming `ticket` from anyone but its requester: kept as an internal entry
    headed "Not from the requester" (the customer never reads a stranger's words as the
    desk's record of their own), never a score, a reopen or a resume. A resolved or closed
    ticket is flagged REPLY_FLAG, as nobody works it to see the entry."""
    who = ticket.requester.email or "no e-mail on the ticket"
    outcome = Outcome("reply", ticket.id,
                      f"{ticket.id}: reply from {msg.sender} kept as an internal entry: not from "
                      f"the requester ({who}); it neither scores, reopens nor resumes"
                      + ("" if ticket.is_open else f"; flagged {REPLY_FLAG} for the technician"))
    head = (f"Not from the requester ({who}): a reply by email from {msg.sender}, kept "
            f"internal; it neither scores, reopens nor resumes the ticket.")
    _add_reply(outcome, msg, ticket, f"{head}\n\n{reply}" if reply else head, now, rules,
               visibility="internal")
    if not ticket.is_open:
        _flag(outcome, ticket)
    else:
        to_be_read(outcome, ticket)
    return outcome


def to_be_read(outcome: Outcome, ticket: Ticket) -> None:
    """A reply on an open ticket flagged REPLY_FLAG, so `handover` lists it under "Customer
    replies to read" (session 40: "Any update?? ... needs the intake report by noon", "Still
    down here", the CIO's assistant's "can someone come up right away?" on a VIP ticket sat in
    journals nobody was shown; handover listed replies only on resolved or closed tickets). A
    note (internal or public), a reopen or the resolution clears the flag (docs/email.md)."""
    if REPLY_FLAG not in ticket.flags:
        _flag(outcome, ticket)
        outcome.line += f"; flagged {REPLY_FLAG} for the technician"


def staff_role(sender: str, ref: Reference) -> str:
    """Who `sender` is at the desk, in words, or "" for anyone else: a technician of
    reference/technicians.toml ("technician Jimmy Tran, IS-Service Desk") or a team's
    supervisor in reference/teams.toml ("supervisor of IS-Asset Team"), by address, any case.
    The desk's own domain is no test: it is a customer agency's mail domain too
    (reference/agencies.toml: OMES staff are customers of the desk). Team and leads addresses
    are the desk's own, refused before this as a loop (mailbatch.mail_rules)."""
    wanted = sender.strip().casefold()
    for tech in ref.technicians.values():
        if tech.email and tech.email.strip().casefold() == wanted:
            return f"technician {tech.name}, {tech.team}" if tech.team else \
                f"technician {tech.name}"
    teams = [t.name for t in ref.teams.values() if t.supervisor.strip().casefold() == wanted]
    return f"supervisor of {', '.join(teams)}" if teams else ""


def from_staff(msg: Incoming, ticket: Ticket, reply: str, role: str, now: dt.datetime,
               rules: MailRules) -> Outcome:
    """Mail from desk staff (`staff_role`) threaded onto a ticket they did not request: an
    internal note by them (a technician copying the desk on what they wrote the customer), as
    `sdesk note` records one: never the customer's entry, never a customer update, and never a
    score, a reopen, a resume or the `customer-reply` flag (session 39: it was kept as "Not
    from the requester" and flagged a resolved ticket for the technician who wrote it)."""
    outcome = Outcome("reply", ticket.id,
                      f"{ticket.id}: mail from {msg.sender} ({role}) kept as an internal note; "
                      f"staff mail is not the customer's word nor an update to them")
    head = f"Mail from staff ({role}), kept as an internal note."
    _add_reply(outcome, msg, ticket, f"{head}\n\n{reply}" if reply else head, now, rules,
               visibility="internal")
    return outcome


def resume_if_awaited(outcome: Outcome, ticket: Ticket, now: dt.datetime, actor: str,
                      ref: Reference) -> None:
    """The requester answered a ticket on hold awaiting the customer: the hold ends at the
    mail's arrival (`now`) as `sdesk resume` ends it (escalation.resume: Resolve By moves by
    the paused time), the journal saying why (docs/escalation-and-hold.md, session 38). Any
    other hold reason stays; `handover` shows the answer."""
    from sdesk.procedures.escalation import resume

    if not (ticket.on_hold and ticket.holds[-1].reason == AWAITING_CUSTOMER
            and now >= ticket.holds[-1].start):
        return
    plan = resume(ticket, ref, now, actor, "The customer replied by email; the hold awaited "
                                            "the customer, so the SLA clock restarts now.")
    outcome.plan.extend(plan.actions)
    outcome.line += f"; resumed: the hold awaited the customer ({AWAITING_CUSTOMER})"


def _flag(outcome: Outcome, ticket: Ticket) -> None:
    if REPLY_FLAG not in ticket.flags:
        outcome.plan.add(SetField(ticket.id, RULE_REPLY, "a reply for the technician to read",
                                  field="flags", value=[*ticket.flags, REPLY_FLAG]))


def _csat(msg: Incoming, ticket: Ticket, score: int, reply: str, now: dt.datetime,
          rules: MailRules, public: str = "") -> Outcome:
    """The score recorded (resolve.record_csat); with `public`, the whole reply is also kept as
    the requester's public entry (a comment a technician must read: `handover` shows it)."""
    from sdesk.procedures.resolve import record_csat

    outcome = Outcome("csat", ticket.id, f"{ticket.id}: satisfaction {score}/5 from {msg.sender}")
    # record_csat refuses control characters, as typed; mail's are made spaces, never a crash
    comment = TEXT_REFUSED.sub(" ", comment_of(reply))
    outcome.plan.extend(record_csat(ticket, score, comment, now, _who(msg)).actions)
    if public:
        _add_reply(outcome, msg, ticket, public, now, rules)
        return outcome
    _keep(outcome, msg, ticket.id, now, rules)
    outcome.plan.add(_record_id(ticket, msg, "standard: customer satisfaction"))
    return outcome
