"""Resolution, reopening, closing and satisfaction: pure procedures returning a Plan.

The standard: "Resolved tickets are documented ..." and "key performance indicators are
tracked, including first contact resolution rate and customer satisfaction". The guide:
"resolve the duplicates with an explanation of why they are being resolved"; a parent case
carries its children. Nothing here reads the clock, the disk or git: the command passes `now`,
the actor, the reference data and what the index knows about related tickets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sdesk.core import sla
from sdesk.core.errors import NothingToDo, SdeskError, ValidationError
from sdesk.core.model import Csat, Resolution, Ticket, check_text, check_typed, journal_entry
from sdesk.core.reference import Reference
from sdesk.procedures.duplicates import check_original, merged_subject, merged_text, no_cycle, original_named
from sdesk.procedures.notes import CSAT_QUESTION, WIDER_RESOLVED, customer_update, not_mailed
from sdesk.procedures.permits import closed_is_final
from sdesk.procedures.plan import Action, AddEntry, Finding, Plan, RecordResolution, SetField, SetStatus
from sdesk.procedures.proposals import REPLY_FLAG, at_resolution, logged_as
from sdesk.procedures.relations import duplicate_via_entry

DUPLICATE = "duplicate"
# Default first-contact window in business minutes (sdesk.toml [resolve] first_contact_minutes).
FIRST_CONTACT_MINUTES = 60.0


@dataclass(frozen=True)
class Resolve:
    """What the person resolving says: code, summary, and the optional overrides."""

    code: str
    summary: str
    first_contact: bool | None = None  # None: decided by first_contact_rule
    duplicate_of: str = ""
    kb: tuple[str, ...] = ()
    via: tuple[str, ...] = ()  # resolved duplicates followed to the original (session 38)
    other_requester: bool = False  # a duplicate of another person's ticket, meant (session 39)


def first_contact_rule(ticket: Ticket, actor: str, now: dt.datetime, ref: Reference,
                       window_minutes: float = FIRST_CONTACT_MINUTES) -> tuple[bool, str]:
    """Was this resolved at first contact? Yes when nobody else had to be involved: never
    reassigned, never escalated (tier 1), never put on hold, resolved by the person who logged
    it (for e-mail and self-service, the first technician who worked it:
    first_contact_person), within `window_minutes` business minutes of opening, and never
    reopened (a resolution that did not hold was not first contact). Returns (answer, why)."""
    if ticket.reopens:
        return False, f"reopened {ticket.reopens} time(s): the first resolution did not hold"
    if ticket.reassignments:
        return False, f"reassigned {ticket.reassignments} time(s)"
    if ticket.tier > 1:
        return False, f"escalated to tier {ticket.tier}"
    if ticket.holds:
        return False, "was put on hold"
    first_by, how = first_contact_person(ticket, ref)
    if first_by and first_by != actor:
        return False, f"{how} {first_by}, resolved by {actor}"
    taken = sla.business_minutes_between(ticket.opened_at, now, ref.calendar)
    if taken > window_minutes:
        return False, f"{taken:.0f} business minutes after opening (window {window_minutes:g})"
    return True, f"resolved by {actor} within {window_minutes:g} business minutes, no hand-off"


# Channels where the customer logs the ticket: the first person to work it is their first
# contact (docs/kpi.md). Work is a note or starting work; routing (triage, assign) is not.
SELF_LOGGED_CHANNELS, _WORK_KINDS = ("email", "self-service"), ("note", "status")


def first_contact_person(ticket: Ticket, ref: Reference) -> tuple[str, str]:
    """(name, how) of the person the first-contact rule's "resolved by the person who logged
    it" means; ("", ...) when nobody is named yet (the resolver is the first).

    Phone, chat, in-person: whoever logged it (the first journal entry's author), "logged by".
    E-mail and self-service (SELF_LOGGED_CHANNELS): the customer logged it, through a mail
    robot or the portal, so the contact is with the first technician who worked it, "first
    worked by": the technician it was first assigned to (the rule is only asked with no
    reassignment, so that is the assignee), or the first other person to write a note or start
    work on it, whichever came first. Session 38: an e-mail ticket logged by a service account
    could never be first contact (FCR 0.0 for the e-mail channel)."""
    first_by = ticket.journal[0].by if ticket.journal else ""
    if ticket.channel not in SELF_LOGGED_CHANNELS:
        return first_by, "logged by"
    for entry in ticket.journal[1:]:
        if entry.kind == "assign" and ticket.assignee:
            tech = ref.technicians.get(ticket.assignee)
            return (tech.name if tech else ticket.assignee), "first worked by"
        if entry.kind in _WORK_KINDS and entry.by != first_by:
            return entry.by, "first worked by"
    return "", "first worked by"


def check_resolvable(ticket: Ticket, open_tasks: Sequence[str], children: Sequence[Ticket] = ()) -> None:
    """Raises SdeskError unless `ticket` can be resolved now (open, no open task, no_cycle)."""
    closed_is_final(ticket)
    no_cycle(ticket, children)
    if not ticket.is_open:
        raise SdeskError(f"{ticket.id} is {ticket.status} already (reopen it first)")
    if open_tasks:
        raise SdeskError(f"{ticket.id} has open tasks: {', '.join(open_tasks)} "
                         "(resolve or close them first)")


def code_required(ref: Reference) -> str:
    """The one-line error for a resolution without a code (and no --duplicate-of, which means
    'duplicate'): that --code is required, the codes it takes and where they are defined. It
    said "unknown resolution code ''", as if an empty code had been typed (fresh-user finding
    5, session 33)."""
    return (f"--code is required: one of {', '.join(ref.resolution_codes)} "
            "(reference/codes.toml, [resolution_codes]; --duplicate-of ID needs none)")


def _check_code(ref: Reference, req: Resolve) -> str:
    code = req.code.strip().lower()
    if req.duplicate_of and not code:
        code = DUPLICATE
    if not code:
        raise ValidationError(code_required(ref))
    if code not in ref.resolution_codes:
        raise ValidationError(f"--code: unknown resolution code {req.code!r} "
                              f"(known: {', '.join(ref.resolution_codes)})")
    if req.duplicate_of and code != DUPLICATE:
        raise ValidationError(f"--duplicate-of resolves as 'duplicate', not {code!r}")
    return code


def resolve(ticket: Ticket, req: Resolve, ref: Reference, now: dt.datetime, actor: str, *,
            open_tasks: Sequence[str] = (), children: Sequence[Ticket] = (),
            window_minutes: float = FIRST_CONTACT_MINUTES, is_parent: bool = False,
            original_ticket: Ticket | None = None) -> Plan:
    """Resolve `ticket`; resolve its open non-task `children` with it (one plan, one commit).
    `open_tasks` are IDs of its open tasks: any of them blocks the resolution. `is_parent`:
    the ticket has children (open or not); an internal parent case (children, no requester:
    `sdesk parent new`) is never a first-contact resolution, its children are the customers'
    contacts (fresh-user finding, session 28: a parent was the only FCR of an outage).
    A resolved or closed ticket without a resolution (or with an empty code or summary) has
    the missing one recorded instead (`_record_missing`). `original_ticket`: the one named."""
    from sdesk.core.ticketdoc import resolution_gap

    missing = not ticket.is_open and bool(resolution_gap(ticket))
    if not missing:
        check_resolvable(ticket, open_tasks, children)
    code = _check_code(ref, req)
    summary = check_typed("summary", req.summary)  # exactly as typed, like notes
    if not summary.strip():
        raise ValidationError("--summary must not be empty: it is what the customer reads")
    if missing:
        return _record_missing(ticket, req, code, summary, now, actor)
    original = original_named(ticket, req.duplicate_of, code == DUPLICATE)
    if original and original_ticket is not None:  # open, the same person's (session 39)
        check_original(ticket, original_ticket, (*req.via, original), req.other_requester)
    internal_parent = is_parent and not (ticket.requester.email or ticket.requester.name
                                         or ticket.requester.phone)
    if code == DUPLICATE:
        fc, why = False, "duplicates never count as first contact"
    elif internal_parent:
        fc, why = False, ("a parent case is no customer contact: its children are (each "
                          "counted by its own resolution)")
    elif req.first_contact is not None:
        fc, why = req.first_contact, "set by the resolver"
    else:
        fc, why = first_contact_rule(ticket, actor, now, ref, window_minutes)
    plan = Plan()
    if original and original != ticket.duplicate_of:
        plan.add(SetField(ticket.id, "guide: resolve duplicates", f"duplicate of {original}",
                          field="duplicate_of", value=original))
    if req.via:  # duplicates point at the original (DESIGN): said in the output and journal
        plan.add(duplicate_via_entry(ticket.id, req.via, original, now, actor))
    if req.kb:
        plan.add(SetField(ticket.id, "standard: knowledge base", "resolved with the article",
                          field="kb", value=sorted(set(ticket.kb) | set(req.kb))))
    dup = code == DUPLICATE
    text = merged_text(ticket, original_ticket, original, summary) if dup else summary
    plan.extend(_done(ticket, Resolution(code, summary, actor, fc), text, now, actor, ref,
                      f"first contact: {'yes' if fc else 'no'} ({why})",
                      internal_parent=internal_parent,
                      subject=merged_subject(ticket, original) if dup else ""))
    for child in children:
        if not child.is_open or child.type == "task":
            continue
        note = f"{WIDER_RESOLVED} {summary}"  # plain words: the parent's ID means nothing to them
        plan.extend(_done(child, Resolution(code if code != DUPLICATE else "fixed", summary,
                                            actor, False),
                          note, now, actor, ref, f"parent {ticket.id} resolved",
                          rule="guide: parent case"))
    return plan


def _record_missing(ticket: Ticket, req: Resolve, code: str, summary: str,
                    now: dt.datetime, actor: str) -> Plan:
    """A resolved or closed ticket without a resolution (a file edited by hand, or written by
    another tool; `sdesk show` warns of it): the resolution is recorded as it stands, and
    nothing else moves: the status, resolved_at and the reopen count stay, and no customer is
    told again (fresh-user finding, session 29: the only way out was reopen + resolve, which
    counted a reopen). First contact is not judged this late: no unless --first-contact."""
    tid, rule = ticket.id, "standard: resolve"
    original = original_named(ticket, req.duplicate_of, code == DUPLICATE)
    fc = bool(req.first_contact)
    why = ("set by the resolver" if req.first_contact is not None
           else "not judged for a resolution recorded after the fact")
    plan = Plan()
    if original and original != ticket.duplicate_of:
        plan.add(SetField(tid, "guide: resolve duplicates", f"duplicate of {original}",
                          field="duplicate_of", value=original))
    if req.kb:
        plan.add(SetField(tid, "standard: knowledge base", "resolved with the article",
                          field="kb", value=sorted(set(ticket.kb) | set(req.kb))))
    plan.add(RecordResolution(tid, rule, f"the {ticket.status} ticket had no resolution; "
                              f"first contact: {'yes' if fc else 'no'} ({why})",
                              value=Resolution(code, summary, actor, fc)))
    plan.add(AddEntry(tid, rule, "the missing resolution recorded", entry=journal_entry(
        at=now, by=actor, kind="edit", visibility="internal", rule=rule,  # no resolve
        # entry: the SLA clock reads those as the time it was resolved (sla.paused_spans)
        text=f"Resolution recorded for a ticket {ticket.status} without one (no reopen; "
             f"status unchanged): {code}: {summary}")))
    return plan


def _done(ticket: Ticket, res: Resolution, text: str, now: dt.datetime, actor: str,
          ref: Reference, reason: str, rule: str = "standard: resolve",
          internal_parent: bool = False, subject: str = "") -> list[Action]:
    """The actions that resolve one ticket and tell its customer; `internal_parent`: a parent
    case with no requester of its own, whose customers are its reports' requesters. `subject`:
    a duplicate's mail ("Merged into ..."), which asks for no satisfaction score (kpi leaves
    duplicates out of CSAT); "" for "Resolved: title" and the score question."""
    tid = ticket.id
    actions = resolved(ticket, res, now, actor, ref, reason, rule)
    if ticket.first_response_at is None:
        actions.append(SetField(tid, "standard: respond", "the resolution is the first response",
                                field="first_response_at", value=now))
    actions.append(AddEntry(tid, rule, f"resolved as {res.code}", entry=journal_entry(
        at=now, by=actor, text=text, kind="resolve", visibility="public", rule=rule)))
    if ticket.requester.email:
        actions.append(customer_update(ticket, subject, text, rule=rule) if subject else
                       customer_update(ticket, f"Resolved: {ticket.title}",
                                       f"{text.rstrip()}\n\n{CSAT_QUESTION}", rule=rule))
    elif internal_parent:  # it said "no requester e-mail: tell the customer by phone" of a
        # case that has no customer (fresh-user finding 10, session 33)
        actions.append(Finding(tid, rule, "a parent case has no requester of its own: its "
                                          "reports' requesters are told on their tickets"))
    else:
        actions.append(Finding(tid, rule, not_mailed(ticket)))
    return actions


def resolved(ticket: Ticket, res: Resolution, now: dt.datetime, actor: str, ref: Reference,
             reason: str, rule: str) -> list[Action]:
    """The actions that put one ticket in status resolved with `res`, whoever resolves it
    (`sdesk resolve`, a parent's resolution, triage's duplicate): a hold ends at the
    resolution, and nothing pending or waiting stays (proposals.at_resolution). What the
    journal and the customer are told is the caller's."""
    tid = ticket.id
    actions: list[Action] = []
    if ticket.on_hold:
        # docs/sla.md: resolving from a hold ends the hold at the resolution, and Resolve By
        # moves by the held time exactly as `resume` would have moved it.
        current = ticket.holds[-1]
        holds = [*ticket.holds[:-1], dataclasses.replace(current, end=now)]
        actions.append(SetField(tid, rule, "hold ends at resolution", field="holds",
                                value=holds))
        actions += _moved_by_pause(ticket, current.start, now, ref, rule, "held")
    actions += [
        RecordResolution(tid, rule, reason, value=res),
        SetStatus(tid, rule, "resolved", value="resolved"),
        SetField(tid, rule, "resolved now", field="resolved_at", value=now),
    ]
    kept, gone = at_resolution(ticket.flags)
    if gone:
        actions.append(SetField(tid, rule, gone, field="flags", value=kept))
        actions.append(AddEntry(tid, rule, "flags ended", entry=journal_entry(
            at=now, by=actor, kind="note", visibility="internal", rule=rule,
            text=f"Resolved, so {gone}.")))
    return actions


def _moved_by_pause(ticket: Ticket, start: dt.datetime, end: dt.datetime, ref: Reference,
                    rule: str, what: str) -> list[Action]:
    """Resolve By moved later by the paused time from `start` to `end` on the ticket's clock
    (the rule of docs/sla.md shared by resume, resolve-from-hold and reopen)."""
    if ticket.resolve_by is None:
        return []
    target = ref.sla.target(ticket.priority)
    moved = sla.extend_for_hold(ticket.resolve_by, start, end, target.clock, ref.calendar)
    if moved == ticket.resolve_by:
        return []
    from sdesk.procedures.escalation import duration

    paused = sla.elapsed_minutes(start, end, target.clock, ref.calendar)
    # in hours and minutes, as resume says it ("sat resolved 0.166667 h", session 34)
    return [SetField(ticket.id, rule, f"{what} {duration(paused)} of {target.clock} time; "
                     f"Resolve By moves later by as much", field="resolve_by", value=moved)]


def reopen(ticket: Ticket, reason: str, now: dt.datetime, actor: str, ref: Reference,
           seats_in_use: Mapping[str, int] | None = None, tell_customer: bool = False) -> Plan:
    """Back to work: the resolution and its satisfaction score no longer stand, and the time
    the ticket sat resolved does not count against its SLA: Resolve By moves later by the
    time from the resolution to now on the ticket's clock, as after a hold (docs/sla.md). A
    software request that held no licence seat while resolved (its resolution code one of
    core/seats.NO_SEAT_CODES) passes triage's software checks again against `seats_in_use`
    (seats held per catalogue name: triage_requests.seat_on_reopen), whether `sdesk reopen` or
    a customer's mail reply reopens it (sdesk/mail/mailin.py; before session 35 a reply took
    the seat unchecked); without `seats_in_use` nothing is counted, so nothing is checked.
    `tell_customer`: the customer is told why (notes.reopen_told; `sdesk reopen`, session 39)."""
    closed_is_final(ticket)
    reason = check_text("reason", reason).strip()
    if not reason:
        raise ValidationError("--reason must not be empty")
    if ticket.status != "resolved":
        raise NothingToDo(f"{ticket.id} is {ticket.status}: it is open already")
    moved = logged_as(ticket.flags)  # session 39: the work goes on in the request
    if moved:
        raise ValidationError(f"{ticket.id} was logged as request {moved}: its work goes on "
                              f"there (sdesk reopen {moved} --reason '...' if that is resolved)")
    tid, rule = ticket.id, "standard: reopen"
    status = "assigned" if ticket.assignee else "triaged"
    plan = Plan([
        SetStatus(tid, rule, f"back to {status}", value=status),
        SetField(tid, rule, "reopened", field="reopens", value=ticket.reopens + 1),
        RecordResolution(tid, rule, "the resolution no longer stands", value=None),
        SetField(tid, rule, "the resolution no longer stands", field="resolved_at", value=None),
    ])
    if ticket.resolved_at is not None and now > ticket.resolved_at:
        plan.extend(_moved_by_pause(ticket, ticket.resolved_at, now, ref, rule, "sat resolved"))
    if "made_sla" in ticket.imported:  # the next resolution is judged by Resolve By (docs/sla.md)
        plan.add(SetField(tid, rule, "an imported SLA verdict judged the resolution undone", field="imported",
                          value={k: x for k, x in ticket.imported.items() if k != "made_sla"}))
    if ticket.csat is not None:
        plan.add(SetField(tid, rule, "a reopen discards the satisfaction score", field="csat", value=None))
    if ticket.resolution is not None and ticket.resolution.code == DUPLICATE:
        plan.add(SetField(tid, rule, "no longer resolved as a duplicate", field="duplicate_of",
                          value=""))
    if REPLY_FLAG in ticket.flags:  # the reply was read: the reopen is the answer to it
        plan.add(SetField(tid, rule, "the customer's reply was read", field="flags",
                          value=[f for f in ticket.flags if f != REPLY_FLAG]))
    plan.add(AddEntry(tid, rule, "reopened", entry=journal_entry(
        at=now, by=actor, text=f"Reopened: {reason}", kind="reopen", visibility="internal",
        rule=rule)))
    from sdesk.core.seats import NO_SEAT_CODES
    from sdesk.procedures.triage_requests import seat_on_reopen

    code = ticket.resolution.code if ticket.resolution is not None else ""
    holds_seat = seats_in_use is None or code not in NO_SEAT_CODES
    plan.extend(seat_on_reopen(dataclasses.replace(ticket, flags=[
        f for f in ticket.flags if f != REPLY_FLAG]), status, ref, seats_in_use or {}, holds_seat,
        now, actor))
    if tell_customer:
        from sdesk.procedures.notes import reopen_told

        plan.add(reopen_told(ticket, reason, plan, now))
    return plan


def close(ticket: Ticket, now: dt.datetime, actor: str) -> Plan:
    """Close a resolved ticket; NothingToDo when it is closed already, an error when open."""
    if ticket.status == "closed":
        raise NothingToDo(f"{ticket.id} is closed already")
    if ticket.status != "resolved":
        raise SdeskError(f"{ticket.id} is {ticket.status}: only resolved tickets can be closed")
    return close_plan(ticket.id, now, actor)


def close_plan(tid: str, now: dt.datetime, actor: str, rule: str = "standard: close",
               reason: str = "closed") -> Plan:
    """The actions that close a resolved ticket (the caller checked it is resolved); the
    sweep closes by its own rule without loading the ticket."""
    return Plan([
        SetStatus(tid, rule, reason, value="closed"),
        SetField(tid, rule, "closed now", field="closed_at", value=now),
        AddEntry(tid, rule, reason, entry=journal_entry(
            at=now, by=actor, text="Closed.", kind="close", visibility="internal", rule=rule)),
    ])


def record_csat(ticket: Ticket, score: int, comment: str, now: dt.datetime, actor: str) -> Plan:
    """One satisfaction score per resolution (a reopen clears it, so a new one can follow)."""
    if isinstance(score, bool) or score not in (1, 2, 3, 4, 5):
        raise ValidationError(f"SCORE must be 1 to 5; got {score}")
    if ticket.is_open:
        raise SdeskError(f"{ticket.id} is {ticket.status}: satisfaction is recorded after "
                         "resolution")
    if ticket.csat is not None and (ticket.csat.score, ticket.csat.comment) == (
            score, check_typed("comment", comment).strip()):
        raise NothingToDo(f"{ticket.id} already has that satisfaction score ({score}/5)")
    if ticket.csat is not None:
        raise SdeskError(f"{ticket.id} already has a satisfaction score ({ticket.csat.score}/5 "
                         f"at {ticket.csat.at.isoformat()}); one per resolution")
    comment = check_typed("comment", comment).strip()
    tid, rule = ticket.id, "standard: customer satisfaction"
    text = f"Satisfaction {score}/5" + (f": {comment}" if comment else "")
    return Plan([
        SetField(tid, rule, f"score {score}/5", field="csat",
                 value=Csat(score=score, at=now, comment=comment)),
        AddEntry(tid, rule, "satisfaction recorded", entry=journal_entry(
            at=now, by=actor, text=text, kind="csat", visibility="internal", rule=rule)),
    ])
