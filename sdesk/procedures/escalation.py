"""Escalation to higher-tier support, and pausing the SLA clock while a ticket is on hold.

The standard: "escalating to higher-tier support when necessary". An escalation moves the
ticket to another team's queue (unassigned: that team's dispatcher assigns it), records the
tier, keeps Resolve By (the customer's promise does not reset because the desk handed work on)
and tells the new team. A move to another team counts a reassignment (a hop between groups);
a tier change within the team does not: it is an escalation, which the tier records.

Hold: while a ticket waits on the customer, a vendor or a change window, the SLA clock stops.
Resume moves Resolve By later by the paused time measured on the ticket's clock: business time
for P2-P4 (a weekend or a holiday on hold moves nothing), real time for P1 (24x7).
"""

from __future__ import annotations

import datetime as dt
import re

from sdesk.core import sla
from sdesk.core.errors import NothingToDo, SdeskError, ValidationError
from sdesk.core.model import Hold, Ticket, check_typed, journal_entry
from sdesk.core.reference import Reference
from sdesk.procedures.keeping_informed import hold_told, resume_told
from sdesk.procedures.permits import closed_is_final
from sdesk.procedures.plan import (
    AddEntry,
    Assign,
    Finding,
    Notify,
    Plan,
    Route,
    SetField,
    SetStatus,
    reassignment,
)

MAX_TIER = 9


def _open(ticket: Ticket, doing: str) -> None:
    closed_is_final(ticket)
    if not ticket.is_open:
        raise SdeskError(f"{ticket.id} is {ticket.status}; reopen it before you {doing} it")


def escalate(ticket: Ticket, team_name: str, reason: str, ref: Reference, now: dt.datetime,
             actor: str, tier: int | None = None) -> Plan:
    _open(ticket, "escalate")
    reason = check_typed("reason", reason.strip(), single_line=True)
    if not reason:
        raise ValidationError("--reason must say why the ticket is escalated")
    team = ref.team(team_name)
    if team.name == ticket.team and tier is None:  # escalating to the team that has it
        raise NothingToDo(f"{ticket.id} is already with {team.name} (tier {ticket.tier}); "
                          f"to raise its tier within the team give --tier {ticket.tier + 1}")
    new_tier = ticket.tier + 1 if tier is None else tier
    if not 1 <= new_tier <= MAX_TIER:
        raise ValidationError(f"--tier must be between 1 and {MAX_TIER}; got {new_tier}")
    if team.name == ticket.team and new_tier == ticket.tier:
        raise NothingToDo(f"{ticket.id} is already with {team.name} at tier {ticket.tier}")
    rule, tid = "standard: escalate", ticket.id
    moved = _tier_move(ticket.tier, new_tier)
    plan = Plan()
    if team.name != ticket.team:
        plan.add(Route(tid, rule, f"from {ticket.team}", value=team.name))
    if new_tier != ticket.tier:
        plan.add(SetField(tid, rule, moved, field="tier", value=new_tier))
    if ticket.assignee:
        plan.add(Assign(tid, rule, f"{ticket.assignee} hands it on; {team.name} assigns",
                        value=""))
    if team.name != ticket.team:  # the standard's reassignment: a move between groups
        plan.add(reassignment(ticket, rule, "a hand-on to another group counts as a reassignment"))
    else:  # a tier change inside the team is an escalation, counted by its tier (session 35)
        plan.add(Finding(tid, rule, f"a tier change within {team.name} is an escalation, no "
                                    f"reassignment: reassignments stay {ticket.reassignments}"))
    if not ticket.on_hold and ticket.status != "triaged":
        plan.add(SetStatus(tid, rule, f"in {team.name}'s queue", value="triaged"))
    due = ticket.resolve_by.isoformat(timespec="minutes") if ticket.resolve_by else "(none)"
    what = escalation_headline(ticket.team, ticket.tier, team.name, new_tier)
    plan.add(AddEntry(tid, rule, "why it was escalated" if new_tier > ticket.tier
                      else "why it was handed on",
                      entry=journal_entry(now, actor, "escalate",
                                          f"{what}: {reason}\nResolve By kept: {due}.", rule)))
    body = (f"{tid}: {what[0].lower()}{what[1:]}, by {actor}.\n\n"
            f"Title:      {ticket.title}\nPriority:   P{ticket.priority}"
            f"{' (VIP)' if ticket.vip else ''}\nResolve By: {due}\n"
            f"From:       {ticket.team}\nReason:     {reason}\n")
    verb = "Escalated" if new_tier > ticket.tier else "Handed on"
    plan.add(Notify(tid, rule, "tell the new team", to=(team.email,),
                    subject=f"{verb} to {team.name}: {tid} {ticket.title}", body=body))
    return plan


def _tier_move(old: int, new: int) -> str:
    """What a change of tier is, in the dispatcher's words: "tier raised from 1 to 3" (an
    escalation), "tier lowered from 3 to 2" (work handed back down), "tier 2 kept"."""
    if new > old:
        return f"tier raised from {old} to {new}"
    if new < old:
        return f"tier lowered from {old} to {new}"
    return f"tier {old} kept"


def escalation_headline(old_team: str, old_tier: int, team: str, tier: int) -> str:
    """The first words of an escalate journal entry, saying what happened: "Escalated from
    A (tier 1) to B (tier 2)" only when the tier goes up; "Tier lowered from 3 to 2, handed
    from B to A" / "... within B" when it goes down; "Handed on from A to B at tier 1" when
    only the team changes. Raises nothing; `old_tier`/`tier` are 1..MAX_TIER."""
    if tier > old_tier:
        return f"Escalated from {old_team} (tier {old_tier}) to {team} (tier {tier})"
    if tier < old_tier:
        where = f"within {team}" if team == old_team else f"handed from {old_team} to {team}"
        return f"Tier lowered from {old_tier} to {tier}, {where}"
    return f"Handed on from {old_team} to {team} at tier {tier}"


def escalation_subject(ticket_id: str, old_tier: int, team: str, tier: int | None) -> str:
    """The commit subject of `sdesk escalate ID --to TEAM [--tier N]`: "escalate ID to B"
    when the tier goes up (`tier` None: one higher, as `escalate` takes it), "lower ID from
    tier 3 to 2 (B)" when it goes down, "hand ID on to B at tier 1" when it is kept."""
    new_tier = old_tier + 1 if tier is None else tier
    if new_tier > old_tier:
        return f"escalate {ticket_id} to {team}"
    if new_tier < old_tier:
        return f"lower {ticket_id} from tier {old_tier} to {new_tier} ({team})"
    return f"hand {ticket_id} on to {team} at tier {new_tier}"


AWAITING_CUSTOMER = "awaiting-customer"  # the hold that must ask the customer (session 39)
# What the customer reads above the question of a hold awaiting them (plain language: what
# the desk needs, how to answer, what the answer does).
ASK_TEXT = ("We need something from you before we can carry on with your ticket:\n\n{ask}\n\n"
            "Please reply to this message and keep the ticket number in the subject. Your ticket "
            "is paused until we hear from you, and your reply restarts the work.")


def hold(ticket: Ticket, reason: str, ref: Reference, now: dt.datetime, actor: str,
         note: str = "", ask: str = "", asked_by_phone: bool = False,
         public: bool = False) -> Plan:
    """Put the ticket on hold (the standard: the SLA clock pauses while the desk waits on the
    customer, a vendor or a change window; `resume` moves Resolve By by the paused time).

    A hold `awaiting-customer` must ask the customer (session 39; the standard's "clear
    communication with the customer"): `ask` (the question, plain text) becomes a public
    journal entry mailed to the requester with the ticket tag, so their reply threads back
    and resumes the hold (sdesk/mail/replies.py), and it is the desk's first response where
    there was none (Respond By met); or `asked_by_phone` (a call already made) records that
    the customer was asked by phone, the call being the first response, nothing mailed.
    ValidationError (one line) for neither, both, `ask` to a requester without an e-mail, or
    either with another reason; SdeskError/NothingToDo for a done or held ticket.

    Any other reason tells the customer the work is paused and what for, in plain words
    (session 40, keeping_informed.hold_told); the `note` stays internal (a vendor's case
    number is the desk's) unless `public`, when it is quoted to them. ValidationError for
    `public` without a note."""
    _open(ticket, "hold")
    if ticket.on_hold:
        since = ticket.holds[-1].start.isoformat(timespec="minutes")
        if ticket.holds[-1].reason == reason:
            raise NothingToDo(f"{ticket.id} is already on hold ({reason}) since {since}")
        raise SdeskError(f"{ticket.id} is already on hold ({ticket.holds[-1].reason}) "
                         f"since {since}; resume it first to change the reason")
    if reason not in ref.hold_reasons:
        raise ValidationError(f"--reason must be one of {', '.join(ref.hold_reasons)}; "
                              f"got {reason!r}")
    note = check_typed("note", note.strip())
    ask = check_typed("ask", ask.strip())
    _check_asked(ticket, reason, ask, asked_by_phone)
    if public and not note:
        raise ValidationError("--public makes the --note public: give --note TEXT")
    rule, tid = "standard: hold", ticket.id
    holds = [*ticket.holds, Hold(start=now, reason=reason)]
    text = (f"On hold: {reason} ({ref.hold_reasons[reason]}); was {ticket.status}. "
            f"The SLA clock is paused." + (f"\n{note}" if note else "")
            + ("\nThe customer was asked by phone." if asked_by_phone else ""))
    plan = Plan([
        SetField(tid, rule, f"pause from {now.isoformat(timespec='minutes')}", field="holds",
                 value=holds),
        SetStatus(tid, rule, reason, value="on-hold"),
        AddEntry(tid, rule, "why it is on hold",
                 entry=journal_entry(now, actor, "hold", text, rule)),
    ])
    plan.extend(hold_told(ticket, reason, note if public else "", now, actor,
                          ref.calendar.tz))
    if ask:
        from sdesk.procedures.notes import customer_update

        rule = "standard: communicate (hold awaiting the customer)"
        plan.add(AddEntry(tid, rule, "the question to the customer", entry=journal_entry(
            now, actor, "note", ask, rule, visibility="public")))
        plan.add(customer_update(ticket, f"Question about your ticket: {ticket.title}",
                                 ASK_TEXT.format(ask=ask), rule=rule, automatic=False))
    if (ask or asked_by_phone) and ticket.first_response_at is None:
        plan.add(SetField(tid, "standard: respond", "the question to the customer is the "
                          "desk's first response", field="first_response_at", value=now))
    return plan


def _check_asked(ticket: Ticket, reason: str, ask: str, asked_by_phone: bool) -> None:
    """`hold`'s one-line refusals for how the customer is asked (see `hold`)."""
    if reason != AWAITING_CUSTOMER:
        if ask or asked_by_phone:
            raise ValidationError(f"--ask and --asked-by-phone ask the customer: they go with "
                                  f"--reason {AWAITING_CUSTOMER}, not {reason}")
        return
    if ask and asked_by_phone:
        raise ValidationError("give --ask QUESTION (mailed) or --asked-by-phone (a call made "
                              "already), not both")
    if not ask and not asked_by_phone:
        raise ValidationError(
            f"{ticket.id}: a hold awaiting the customer must ask them: give --ask \"QUESTION\" "
            f"(mailed to the requester; their reply resumes the hold) or, after a phone call, "
            f"--asked-by-phone")
    if ask and not ticket.requester.email:
        raise ValidationError(f"{ticket.id}'s requester has no e-mail, so --ask cannot reach "
                              f"them: ask by phone, then hold with --asked-by-phone")


def status_after_hold(ticket: Ticket) -> str:
    """The working status a resumed ticket returns to (session 40): the status it had when
    the hold began, as the hold's journal entry records it ("...; was new."), so a ticket
    handed back to the Service Desk (status new, needs-service) is new again and triage's
    accept routes it. When the work changed hands during the hold (an escalate, assign or
    triage entry after the hold's), or no entry says: assigned when someone holds it, else
    triaged when it has been through triage or escalation, else new. An assignee always
    means assigned or in-progress (the status before the hold, when it was one of them)."""
    was, after = _status_before_hold(ticket)
    if ticket.assignee:
        return was if was in ("assigned", "in-progress") and not after else "assigned"
    if was in ("new", "triaged") and not after:
        return was
    if any(e.kind in ("triage", "escalate", "assign") for e in ticket.journal):
        return "triaged"
    return "new"


def _status_before_hold(ticket: Ticket) -> tuple[str, bool]:
    """The status the latest hold entry says the ticket had ("" when none says), and whether
    the work changed hands after it (a triage, escalate or assign entry)."""
    for i in range(len(ticket.journal) - 1, -1, -1):
        entry = ticket.journal[i]
        if entry.kind == "hold":
            found = re.search(r"; was ([a-z-]+)\.", entry.text)
            after = any(e.kind in ("triage", "escalate", "assign")
                        for e in ticket.journal[i + 1:])
            return (found.group(1) if found else ""), after
    return "", False


def resume(ticket: Ticket, ref: Reference, now: dt.datetime, actor: str,
           note: str = "") -> Plan:
    """End the hold: Resolve By moves later by the paused time on the ticket's clock; `note`
    (what came back: the customer's answer, the vendor's part) is journaled with it. The
    ticket returns to the status it had before the hold (`status_after_hold`), and the
    customer hears that work goes on and the date now promised (keeping_informed.resume_told:
    after any hold not the customer's, and after theirs when the date moved; session 40)."""
    _open(ticket, "resume")
    note = check_typed("note", note.strip())
    if not ticket.on_hold:
        raise NothingToDo(f"{ticket.id} is not on hold")
    current = ticket.holds[-1]
    if now < current.start:
        raise ValidationError(f"{ticket.id}: resume time {now.isoformat()} is before the hold "
                              f"started ({current.start.isoformat()})")
    rule, tid = "standard: hold", ticket.id
    target = ref.sla.target(ticket.priority)
    holds = [*ticket.holds[:-1], Hold(start=current.start, reason=current.reason, end=now)]
    paused = sla.elapsed_minutes(current.start, now, target.clock, ref.calendar)
    status = status_after_hold(ticket)
    plan = Plan([
        SetField(tid, rule, f"pause ends {now.isoformat(timespec='minutes')}", field="holds",
                 value=holds),
        SetStatus(tid, rule, "work continues", value=status),
    ])
    moved, new_due = "", ticket.resolve_by
    if ticket.resolve_by is not None:
        new_due = sla.extend_for_hold(ticket.resolve_by, current.start, now, target.clock,
                                      ref.calendar)
        if new_due != ticket.resolve_by:
            plan.add(SetField(tid, rule, f"moved by {duration(paused)} of {target.clock} time",
                              field="resolve_by", value=new_due))
        moved = (f" Resolve By {ticket.resolve_by.isoformat(timespec='minutes')} -> "
                 f"{new_due.isoformat(timespec='minutes')}.")
    text = (f"Resumed after {current.reason}: paused {duration(paused)} of {target.clock} "
            f"time (P{ticket.priority}).{moved}" + (f"\n{note}" if note else ""))
    plan.add(AddEntry(tid, rule, "the pause and its effect on the SLA",
                      entry=journal_entry(now, actor, "resume", text, rule)))
    plan.extend(resume_told(ticket, current.reason, new_due, now, actor, ref.calendar.tz))
    return plan


def duration(minutes: float) -> str:
    """A span of minutes as a person reads it: "4 h 00 min", "10 min" (rounded to the
    minute)."""
    whole = round(minutes)
    hours, mins = divmod(whole, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"
