"""What a customer's reply to a resolved or closed ticket says, and what it does (session 38).

The resolution mail asks for a score and promises "anything else you write is kept as your
comment" (sdesk.procedures.notes.CSAT_QUESTION). Before session 38 every reply that was not a
bare "1" to "5" line reopened the ticket: "5/5 thanks!", "Five stars", "Thanks" each counted a
reopen, made the next resolution "never first contact" and deleted the score. The rule now
(docs/email.md, "Replies to a resolved or closed ticket"):

- a reply from anyone but the requester never scores and never reopens: it is kept as an
  internal entry marked "not from the requester" and the ticket is flagged for the technician;
- words saying the problem is back (`BACK`) reopen (within mail.reopen_days of the resolution;
  a closed ticket, or a later reply, opens a new ticket related to it);
- a score in a natural form (`score_of`) is recorded when the ticket has none; a second score
  is kept as a comment and the first one stands (docs/resolution.md: one per resolution);
- a thank-you (`THANKS`) is a public comment and nothing more;
- anything else is a public comment, and the ticket is flagged `customer-reply` for the
  technician rather than reopened: when unsure, nothing the customer wrote is lost and nothing
  is counted.
Pure: text in, a reading out; mailin.receive builds the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from sdesk.core.model import TEXT_REFUSED, Ticket
from sdesk.core.reference import Reference
from sdesk.mail.mailin import MailRules, Outcome, _add_reply, _keep, _record_id, _reopen, _who
from sdesk.mail.mailparse import Incoming
from sdesk.procedures.plan import SetField
from sdesk.procedures.proposals import REPLY_FLAG  # `sdesk list --all --flag customer-reply`

RULE_REPLY = "standard: communicate (customer reply)"
AWAITING_CUSTOMER = "awaiting-customer"  # the hold reason a requester's reply ends

_WORD_SCORES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# A score at the start of the reply's first line: "5", "5/5", "4 out of 5", "5 stars",
# "five", "Five stars", "5 - thanks!", "4: quick". The number must end there or be followed
# by a separator, so "2 printers are down" is no score.
_SCORE = re.compile(
    r"^\s*(?P<n>[1-5]|one|two|three|four|five)\b\s*"
    r"(?:(?:/|out\s+of|of)\s*5\b\s*)?(?:stars?\b)?\s*"
    r"(?=$|[-\u2013\u2014:,.!;)(]|thanks?\b|thank\s+you\b|thx\b)", re.I)
_BARE = re.compile(r"^\s*([1-5])\s*[.!]?\s*$")  # the resolution mail's own form, any line

# Words saying the problem is back, or (a request resolved as withdrawn) that it is wanted after
# all. "still" is not "still works"; "again" is not "thanks again" nor "works again".
BACK = re.compile(
    r"\bstill\b(?!\s+(?:works?|working|good|fine|great|ok|okay)\b)"
    r"|(?<!thanks )(?<!thank you )(?<!works )(?<!working )(?<!work )\bagain\b"
    r"|\b(?:not|isn'?t|wasn'?t|never\s+got|hasn'?t\s+been)\s+(?:fixed|resolved|solved|working|"
    r"sorted)\b"
    r"|\b(?:doesn'?t|does\s+not|didn'?t|did\s+not|won'?t|will\s+not)\s+work\b"
    r"|\bnot\s+work(?:ing)?\b|\bbroken\b|\bfail(?:s|ed|ing)?\b|\bcame\s+back\b"
    r"|\bsame\s+(?:problem|issue|error)\b|\breopen\b|\bno\s+longer\s+works?\b"
    r"|\bneed\s+it\s+after\s+all\b|\bneed\s+it\s+(?:again|back)\b", re.I)  # a withdrawn request
THANKS = re.compile(
    r"\b(?:thanks?|thank\s+you|thank\s+u|thx|ty|cheers|appreciated?|great|perfect|awesome|"
    r"excellent|wonderful|works\s+(?:now|fine|great)|working\s+(?:now|fine|again)|all\s+good|"
    r"good\s+job|well\s+done)\b", re.I)


def _lines(reply: str) -> list[str]:
    return [ln.strip() for ln in reply.splitlines()
            if ln.strip() and not ln.lstrip().startswith(">")]


def score_of(reply: str) -> int | None:
    """The satisfaction score a reply gives, 1 to 5, or None: a line holding only "1" to "5"
    anywhere (the form the resolution mail asks for), or a natural form at the start of the
    first line ("5/5 thanks!", "5 - thanks", "4 stars", "five", "Five stars", "3 out of 5")."""
    lines = _lines(reply)
    for line in lines:
        bare = _BARE.match(line)
        if bare:
            return int(bare.group(1))
    match = _SCORE.match(lines[0]) if lines else None
    if match is None:
        return None
    n = match.group("n").lower()
    return int(n) if n.isdigit() else _WORD_SCORES[n]


def comment_of(reply: str) -> str:
    """The reply's text without the score it gave (the CSAT comment), at most 500 characters."""
    lines = _lines(reply)
    if lines and _SCORE.match(lines[0]) and not any(_BARE.match(ln) for ln in lines):
        lines[0] = _SCORE.sub("", lines[0], count=1).strip(" -\u2013\u2014:,.;)(")
    return " ".join(ln for ln in lines if ln and not _BARE.match(ln))[:500]


def reading(reply: str) -> str:
    """What a requester's reply to a resolved or closed ticket says: "back" (the problem is
    back: BACK words), "score" (score_of finds one), "thanks" (a thank-you, THANKS words),
    or "unsure" (none of these: kept as a comment and flagged, never a reopen)."""
    if BACK.search("\n".join(_lines(reply))):
        return "back"
    if score_of(reply) is not None:
        return "score"
    if THANKS.search(reply):
        return "thanks"
    return "unsure"


def is_requester(sender: str, requester_email: str) -> bool:
    """The sender is the ticket's requester: the same address, any case. A ticket without a
    requester e-mail has no requester by mail."""
    return bool(requester_email) and sender.casefold() == requester_email.strip().casefold()


def answer(msg: Incoming, ticket: Ticket, reply: str, *, now: dt.datetime, actor: str,
           rules: MailRules, ref: Reference, seats: Mapping[str, int] | None,
           new: Callable[[str], Outcome]) -> Outcome:
    """The requester's reply to a resolved or closed `ticket` (the rule in this module's
    docstring): a reopen (resolved, within rules.reopen_days), a new related ticket (`new(why)`:
    closed, or later), a score, or a comment (flagged REPLY_FLAG when unsure). Never raises for
    the message's content."""
    said = reading(reply)
    if said == "back":
        if ticket.status == "closed":
            return new(f"{ticket.id} is closed; closed tickets are never reopened")
        resolved = ticket.resolved_at or now
        if now - resolved <= dt.timedelta(days=rules.reopen_days):
            return _reopen(msg, ticket, reply, now, actor, rules, ref, seats)
        return new(f"{ticket.id} was resolved more than {rules.reopen_days:g} days ago")
    score = score_of(reply) if said == "score" else None
    if score is not None and ticket.csat is None:
        return _csat(msg, ticket, score, reply, now, rules)
    why = {"score": f"a second score ({score}/5) kept as a comment; the first "
                    f"({ticket.csat.score if ticket.csat else 0}/5) stands",
           "thanks": "a thank-you kept as a comment; no reopen",
           "unsure": f"kept as a comment, no reopen (it does not say the problem is back); "
                     f"flagged {REPLY_FLAG} for the technician"}[said]
    outcome = Outcome("reply", ticket.id,
                      f"{ticket.id}: reply from {msg.sender} on the {ticket.status} ticket: {why}")
    _add_reply(outcome, msg, ticket, reply, now, rules)
    if said == "unsure":
        _flag(outcome, ticket)
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
                      f"the requester ({who}); it neither scores, reopens nor resumes")
    head = (f"Not from the requester ({who}): a reply by email from {msg.sender}, kept "
            f"internal; it neither scores, reopens nor resumes the ticket.")
    _add_reply(outcome, msg, ticket, f"{head}\n\n{reply}" if reply else head, now, rules,
               visibility="internal")
    if not ticket.is_open:
        _flag(outcome, ticket)
    return outcome


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
          rules: MailRules) -> Outcome:
    from sdesk.procedures.resolve import record_csat

    outcome = Outcome("csat", ticket.id, f"{ticket.id}: satisfaction {score}/5 from {msg.sender}")
    # record_csat refuses control characters, as typed; mail's are made spaces, never a crash
    comment = TEXT_REFUSED.sub(" ", comment_of(reply))
    outcome.plan.extend(record_csat(ticket, score, comment, now, _who(msg)).actions)
    _keep(outcome, msg, ticket.id, now, rules)
    outcome.plan.add(_record_id(ticket, msg, "standard: customer satisfaction"))
    return outcome
