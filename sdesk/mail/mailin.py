"""Taking in one e-mail message: the one procedure behind `sdesk mail receive`, `sdesk mail
fetch` (Maildir and IMAP) and `sdesk new --from-email`. Pure: the parsed message, the tickets it
may belong to, every Message-ID the desk knows, the reference data, the settings and `now` in;
an Outcome (a Plan, the files to keep, one line saying what happened) out.

The standard: "requests ... by email"; "clear, regular communication with the customer". What
every mail gateway does (RT, osTicket, Zammad, FreeScout): automatic mail never opens a ticket
(RFC 3834), a reply joins its ticket by the [ID] subject tag or its In-Reply-To/References, a
message already taken is not taken twice."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sdesk.core.ids import ID_PATTERN
from sdesk.core.model import (
    NO_SUBJECT,
    TITLE_MAX,
    TITLE_REFUSED,
    Requester,
    Ticket,
    journal_entry,
)
from sdesk.core.reference import Reference
from sdesk.mail.mailcut import cut, readable, room_for, unread
from sdesk.mail.mailparse import Incoming
from sdesk.mail.returning import parent_told
from sdesk.procedures.intake import Intake, log_ticket
from sdesk.procedures.notes import CUSTOMER_SUBJECTS, acknowledgement, customer_update, moved_words
from sdesk.procedures.plan import Action, AddEntry, CreateTicket, Plan, SetField

RULE_INTAKE = "standard: requests by email"
RULE_THREAD = "standard: communicate"
RULE_LOOP = "RFC 3834: no reply to automatic mail"
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|wg|tr)\s*(\[\d+\])?\s*:\s*)+", re.I)
# The desk's own [ID] tag, as its mail writes it, is left out of a new ticket's title.
_TAG_TEXT = re.compile(r"\s*\[" + ID_PATTERN.pattern.strip("^$") + r"\]\s*")
# Reply prefixes and the desk's own customer-mail words ("Re: Resolved: ..."), for the title of
# a ticket opened from an answer to the desk's mail (session 39).
_DESK_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|wg|tr)\s*(\[\d+\])?\s*:\s*|("
                          + "|".join(re.escape(w) for w in CUSTOMER_SUBJECTS) + r")\s*:\s*)+",
                          re.I)


@dataclass(frozen=True)
class MailRules:
    """The [mail] settings intake follows (see docs/email.md)."""

    desk_addresses: frozenset[str] = frozenset()
    acknowledge: bool = True
    reopen_days: float = 14.0  # calendar days after resolution in which a reply reopens
    attachment_max_bytes: int = 10 * 1024 * 1024
    ticket_type: str = "incident"


@dataclass
class Outcome:
    """What taking one message did. `verdict` is one of new, reply (a comment: on an open
    ticket, a thank-you or an unclear reply to a done one, or not from the requester;
    replies.py), reopen, related, csat, bounce, aside (kept in mail/quarantine/: aside.py),
    duplicate (taken before), refused (filed as refused), held (left new for a retry: a tag
    names an unreadable ticket file; mailbatch._Batch.held) or skipped (left new: --now)."""

    verdict: str
    ticket: str
    line: str
    plan: Plan = field(default_factory=Plan)
    files: dict[str, bytes] = field(default_factory=dict)  # store-relative path -> bytes
    warnings: list[str] = field(default_factory=list)  # what the guide will miss (logged still)

    @property
    def taken(self) -> bool:
        return self.verdict not in ("refused", "held", "skipped")


@dataclass(frozen=True)
class Tags:
    """What the [ID] tags of a message's subject name, looked up in the store by the caller
    (sdesk.mail.mailbatch): `ids` maps a tag (upper-cased, as Incoming.tags gives it) to the
    full ID it names (a full ID, a unique prefix such as the short ID, any case);
    `unmatched` maps a tag to why it names no ticket ("names no ticket", "matches 3
    tickets"). Tags whose type prefix is no ticket type of the store are in neither."""

    ids: Mapping[str, str] = field(default_factory=dict)
    unmatched: Mapping[str, str] = field(default_factory=dict)


def thread_candidates(msg: Incoming, known: Mapping[str, str],
                      tags: Tags | None = None) -> list[str]:
    """The tickets a message may belong to, best first: [ID] tags in the subject (through
    `tags`; without it, only tags that are full IDs), then the tickets of the Message-IDs it
    answers. The caller loads these for `receive`."""
    seen: dict[str, None] = {}
    for tag in msg.tags:
        tid = tags.ids.get(tag, "") if tags is not None else \
            (tag if ID_PATTERN.match(tag) else "")
        if tid:
            seen.setdefault(tid, None)
    for mid in msg.thread_ids:
        if mid in known:
            seen.setdefault(known[mid], None)
    if msg.report is not None and msg.report.original_id in known:
        seen.setdefault(known[msg.report.original_id], None)
    return list(seen)


def receive(msg: Incoming, *, known: Mapping[str, str], tickets: Mapping[str, Ticket],
            ref: Reference, rules: MailRules, now: dt.datetime, new_id: str, actor: str,
            adjust: Callable[[Intake], None] | None = None, tags: Tags | None = None,
            seats: Mapping[str, int] | None = None) -> Outcome:
    """Decide what one message is. `known`: Message-ID -> ticket for every message the desk
    sent or received; `tickets`: the loaded tickets of `thread_candidates`; `new_id`: the ID a
    new ticket would get; `adjust` may change the intake of a new ticket (new --from-email's
    options); `tags`: what the subject's [ID] tags name (a new ticket's line says which tag
    named no ticket, or several); `seats`: licence seats held per catalogue software name
    (store.contexts.licence_seats), which a reply that reopens a software request is checked
    against as `sdesk reopen` checks it (None: not counted, not checked). Never raises for the
    message's content: a message that cannot be taken is an Outcome with verdict "refused" and
    the reason."""
    if msg.message_id in known:
        tid = known[msg.message_id]
        return Outcome("duplicate", tid, f"already logged as {tid} (Message-ID {msg.message_id})")
    if msg.report is not None:
        return _bounce(msg, known, tickets, now)
    if msg.sender and msg.sender in rules.desk_addresses:
        return _refused(f"from the desk's own address {msg.sender} (a mail loop)")
    from sdesk.mail.automail import reason  # no header, but automatic all the same (s. 40)

    if msg.automatic or reason(msg):
        return _refused(msg.automatic or reason(msg))
    if not msg.sender:
        return _refused("no sender address (From:)")
    ticket = next((tickets[t] for t in thread_candidates(msg, known, tags) if t in tickets),
                  None)
    if ticket is not None:  # an incident logged as a request: its replies go to the request
        from sdesk.procedures.proposals import logged_as

        ticket = tickets.get(logged_as(ticket.flags), ticket)
    if ticket is None:
        outcome = _new(msg, ref, rules, now, new_id, actor, adjust)
        for tag, why in (tags.unmatched.items() if tags is not None else ()):
            outcome.line += f"; the subject's [{tag}] {why}, so it opened a new ticket"
        return outcome
    from sdesk.mail import replies

    reply = trimmed_reply(readable(msg.body))  # no more than can be kept (session 40)
    if not replies.is_requester(msg.sender, ticket.requester.email):
        role = replies.staff_role(msg.sender, ref)
        if role:  # a technician or supervisor: an internal note (session 39)
            return replies.from_staff(msg, ticket, reply, role, now, rules)
        return replies.not_from_requester(msg, ticket, reply, now, rules)
    if not ticket.is_open:
        return replies.answer(msg, ticket, reply, now=now, actor=actor, rules=rules, ref=ref,
                              seats=seats, new=lambda why: _new(
                                  msg, ref, rules, now, new_id, actor, adjust, related=ticket,
                                  why=why), original=tickets.get(ticket.duplicate_of))
    outcome = Outcome("reply", ticket.id, f"{ticket.id}: reply from {msg.sender} added")
    _add_reply(outcome, msg, ticket, reply, now, rules)
    replies.resume_if_awaited(outcome, ticket, now, actor, ref)
    replies.to_be_read(outcome, ticket)  # "Any update??" is read by a person (session 40)
    return outcome


def _refused(reason: str) -> Outcome:
    return Outcome("refused", "", f"refused: {reason}")


def trimmed_reply(body: str) -> str:
    """The new text of a reply without the quoted history and signature (mail-parser-reply);
    the whole body when the library finds nothing new."""
    from mailparser_reply import EmailReplyParser

    try:
        latest = EmailReplyParser(languages=["en", "de", "fr", "es"]).parse_reply(text=body)
    except Exception:  # a third-party parser must never stop intake; the full text stands
        latest = ""
    text = (latest or body).strip()
    # A quote without an "On ... wrote:" line is still quoted history: drop its trailing lines.
    lines = text.splitlines()
    while lines and (lines[-1].lstrip().startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip() or text


def clean_title(subject: str, answers_desk: bool = False) -> str:
    """A ticket title from a subject: no Re:/Fwd: prefixes, no [ID] tags, no control or
    bidirectional-control characters, at most TITLE_MAX characters (model.check_title).
    `answers_desk`: the message answers the desk's own mail (it names a ticket, by tag or
    thread), so the desk's subject words (notes.CUSTOMER_SUBJECTS: "Resolved:", "Logged:"...)
    go too, wherever they sit among the reply prefixes: "Re: [INC-..] Resolved: Printer" is
    "Printer" (session 39). "" when no words are left: the caller names what to use."""
    prefix = _DESK_PREFIX if answers_desk else _SUBJECT_PREFIX
    title = _TAG_TEXT.sub(" ", prefix.sub("", TITLE_REFUSED.sub(" ", subject)))
    return " ".join(prefix.sub("", title).split())[:TITLE_MAX]


def _who(msg: Incoming) -> str:
    return f"{msg.sender_name} <{msg.sender}>" if msg.sender_name else msg.sender


def _keep(outcome: Outcome, msg: Incoming, ticket_id: str, now: dt.datetime,
          rules: MailRules) -> list[str]:
    """Keep the full message and its attachments with the ticket; returns the lines that say
    what was kept or refused (the size limit is mail.attachment_max_bytes)."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    import hashlib

    digest = hashlib.sha1(msg.message_id.encode()).hexdigest()[:10]
    limit = rules.attachment_max_bytes
    lines: list[str] = []
    raw = msg.raw
    if len(raw) > limit:
        head, _, _ = raw.partition(b"\n\n")
        raw = head + b"\n\n" + msg.body.encode("utf-8")
        lines.append(f"The full message ({len(msg.raw)} bytes) is over the {limit}-byte limit: "
                     "its headers and text are kept.")
    message_path = f"mail/{ticket_id}/{stamp}-{digest}.eml"
    outcome.files[message_path] = raw
    taken: set[str] = set()
    for attachment in msg.attachments:
        size = len(attachment.data)
        if size > limit:
            lines.append(f"Attachment {attachment.name} ({size} bytes) refused: over the "
                         f"{limit}-byte limit (sdesk.toml mail.attachment_max_bytes).")
            continue
        name, n = attachment.name, 1
        while name in taken:
            n += 1
            stem, dot, ext = attachment.name.rpartition(".")
            name = f"{stem}-{n}.{ext}" if dot and stem else f"{attachment.name}-{n}"
        taken.add(name)
        outcome.files[f"attachments/{ticket_id}/{digest}-{name}"] = attachment.data
        lines.append(f"Attachment kept: {name} ({size} bytes).")
    lines.append(f"Message kept as {message_path}.")
    return lines


def _fitted(outcome: Outcome, text: str, room: int, not_read: int = 0) -> str:
    """`text` cut to `room` bytes of TOML (mailcut: a ticket stays under the read limit;
    `not_read` bytes after it were never read); a cut is said in the text and warnings."""
    message_path = next(p for p in outcome.files if p.startswith("mail/"))
    kept, left_out = cut(text, room, message_path, not_read)
    if left_out:
        outcome.warnings.append(f"message text cut: {left_out} bytes not kept in the ticket "
                                f"(a ticket file stays under the 1 MiB read limit; "
                                f"docs/email.md); the whole message is kept as {message_path}")
    return kept


def _record_id(ticket: Ticket, msg: Incoming, rule: str) -> SetField:
    return SetField(ticket.id, rule, "Message-ID recorded for threading", field="message_ids",
                    value=[*ticket.message_ids, msg.message_id])


def _add_reply(outcome: Outcome, msg: Incoming, ticket: Ticket, reply: str,
               now: dt.datetime, rules: MailRules, visibility: str = "public") -> None:
    kept = _keep(outcome, msg, ticket.id, now, rules)
    text = _fitted(outcome, reply or "(no text)", room_for(ticket, "\n".join(kept)),
                   unread(msg.body))
    entry = journal_entry(at=now, by=_who(msg), text=text + "\n\n" + "\n".join(kept),
                         kind="email", visibility=visibility, rule=RULE_THREAD)
    outcome.plan.extend([
        AddEntry(ticket.id, RULE_THREAD, f"reply by email from {msg.sender}", entry=entry),
        _record_id(ticket, msg, RULE_THREAD),
    ])


def _reopen(msg: Incoming, ticket: Ticket, reply: str, now: dt.datetime, actor: str,
            rules: MailRules, ref: Reference, seats: Mapping[str, int] | None,
            words: str = "") -> Outcome:
    """The reply reopens the ticket as `sdesk reopen` does (resolve.reopen), a software request
    that held no seat while resolved checked against `seats` (triage_requests.seat_on_reopen:
    the one licence decision); when that check hands it on, the line says why. `words`: what
    in the reply said the problem is back (sdesk.mail.reading), named in the reopen's entry."""
    from sdesk.procedures.resolve import reopen
    from sdesk.procedures.triage_requests import R3, R4

    outcome = Outcome("reopen", ticket.id, f"{ticket.id}: reopened by a reply from {msg.sender}"
                      + (f" (\"{words}\")" if words else ""))
    said = f" that the problem is back (\"{words}\")" if words else ""
    plan = reopen(ticket, f"the customer replied by email within {rules.reopen_days:g} days "
                          f"of the resolution{said}", now, actor, ref, seats_in_use=seats)
    outcome.plan.extend(plan.actions)
    handed = [a.reason for a in plan.actions if isinstance(a, AddEntry) and a.rule in (R3, R4)]
    if handed:
        outcome.line += f"; handed on: {handed[0]}"
    _add_reply(outcome, msg, ticket, reply, now, rules)
    if rules.acknowledge and ticket.requester.email:  # the customer hears it was reopened
        outcome.plan.add(customer_update(ticket, f"Reopened: {ticket.title}", REOPENED_TEXT
                                         + moved_words(ticket, plan.actions, now),  # session 40
                                         rule="standard: communicate (reopen)"))
    if ticket.parent:
        told = parent_told(ticket, msg.sender, words, ref)
        outcome.plan.add(told)
        outcome.line += f"; a report of parent case {ticket.parent}: {', '.join(told.to)} told"
    return outcome


# What a customer whose reply reopened the ticket reads (tester finding, session 38: nothing)
REOPENED_TEXT = ("Thank you for letting us know. We have reopened your ticket, and a technician "
                 "will look at it again.")


def _bounce(msg: Incoming, known: Mapping[str, str], tickets: Mapping[str, Ticket],
            now: dt.datetime) -> Outcome:
    from sdesk.mail.automail import report_outcome  # what the report says (session 40)

    return report_outcome(msg, known, tickets, now)


def sent_line(msg: Incoming, now: dt.datetime) -> str:
    """What the intake entry says of when the message was sent and received (session 39):
    the ticket is opened at its receipt (`now`), when the desk can first act on it and the
    SLA clock starts (docs/email.md, "When a ticket opens"); the Date header, the sender's
    clock, is recorded here, as written (time zone kept), and orders the batch."""
    received = now.isoformat(timespec="minutes")
    if msg.sent is None:
        return f"Received {received}, when the SLA clock started; no readable Date header."
    sent = msg.sent.isoformat(timespec="minutes")
    late = " (after its receipt: the sender's clock is ahead)" if msg.sent > now else ""
    return f"Sent {sent} by its Date header{late}; received {received}, when the SLA clock started."


def intake_gaps(msg: Incoming, ticket: Ticket) -> list[str]:
    """What the dispatcher guide will miss on a ticket a message opened, one line each, as
    `sdesk new` warns (sdesk.procedures.intake.gaps): no requester name in From:, no agency
    for the sender's domain, no subject (a title that is no evidence for triage), an empty
    body. The ticket is logged all the same; options given
    with `new --from-email` that fill a gap silence its line."""
    out = []
    if not ticket.requester.name:
        out.append(f"no requester name: From: gives only {msg.sender}; sdesk set "
                   f"{ticket.id} name=...")
    if not ticket.requester.agency:
        domain = msg.sender.rpartition("@")[2]
        out.append(f"no agency: {domain} is no agency's mail domain (reference/agencies.toml), "
                   f"so triage cannot check the team supports it (incident-1); sdesk set "
                   f"{ticket.id} agency=CODE")
    if ticket.title == NO_SUBJECT:
        out.append(f"no subject: triage neither relates it to the sender's other tickets nor "
                   f"counts it in a trend by its title (session 39); give it one: sdesk set "
                   f"{ticket.id} title=...")
    if not msg.body.strip():
        out.append("empty message body: the dispatcher has only the subject to judge the "
                   "work by (priority against the work, one problem per ticket)")
    return out


def _new(msg: Incoming, ref: Reference, rules: MailRules, now: dt.datetime, new_id: str,
         actor: str, adjust: Callable[[Intake], None] | None, related: Ticket | None = None,
         why: str = "") -> Outcome:
    agency = ref.agency_for_address(msg.sender)
    # A ticket opened from an answer to the desk's mail (about `related`, or carrying a full
    # [ID] tag the store does not hold) is titled by its subject without the desk's words,
    # else the original's title (session 39).
    answers_desk = related is not None or bool(_TAG_TEXT.search(msg.subject))
    title = (clean_title(msg.subject, answers_desk=answers_desk)
             or (related.title if related is not None else NO_SUBJECT))
    intake = Intake(type=rules.ticket_type, title=title,
                    description=msg.body or "(no text)", channel="email",
                    requester=Requester(name=msg.sender_name, email=msg.sender, agency=agency))
    if adjust is not None:
        adjust(intake)
    ticket = log_ticket(intake, new_id, ref, now, actor)
    ticket.message_ids = [msg.message_id]
    if related is not None:
        ticket.related = [related.id]
    outcome = Outcome("related" if related else "new", ticket.id,
                      f"{ticket.id}: new {ticket.type} from {msg.sender}"
                      + (f", related to {related.id} ({why})" if related else ""))
    outcome.warnings = intake_gaps(msg, ticket)
    kept = _keep(outcome, msg, ticket.id, now, rules)
    ticket.description = _fitted(outcome, ticket.description, room_for(
        ticket, "\n".join(kept), ticket.description))
    actions: list[Action] = [
        CreateTicket(ticket.id, RULE_INTAKE, "logged from email" + (f"; {why}" if why else ""),
                     new=ticket),
        AddEntry(ticket.id, RULE_INTAKE, "message kept", entry=journal_entry(
            at=now, by=actor, text="\n".join([*kept, sent_line(msg, now)]), kind="email",
            visibility="internal", rule=RULE_INTAKE)),
    ]
    if rules.acknowledge:  # no date promised to an agency no team supports (session 40)
        agency = ticket.requester.agency
        actions.append(acknowledgement(ticket, bool(agency) and any(
            team.supports_agency(agency) for team in ref.teams.values())))
    outcome.plan.extend(actions)
    return outcome

