"""Case assignment, the dispatcher guide's "CASE ASSIGNMENT" section, as a pure procedure.

    1. Cannot be worked with remote tools: a technician on site at the requester's location;
       else a regional technician for the requester's region; else the dispatch team.
    2. Remote, with a requested technician or required skills: the technicians the skills
       reference names for every required skill; the requested one when capable, available
       and with room, else the best capable one.
    3. Remote, nothing requested and no special skills: the technician holding related open
       tickets (same requester or parent), else the lightest load relative to capacity.
    4. Assign: assignee, status, journal entry with the reasons, notify the technician.

Candidates are the technicians of the ticket's owning team (the team owns its queue; moving
work between teams is escalation or the dispatch hand-off, never a side effect of assigning).
A candidate must be available today (working day, not out of office, not a holiday) and have
room: load = effort of their open assigned tickets + this ticket's effort, at most capacity.
Ties break on, in order: preferred (requested or related holder), lower load ratio after
taking the ticket, more free hours after taking it, technician id. See docs/assignment.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sdesk.core.errors import NothingToDo, SdeskError
from sdesk.core.model import Ticket, journal_entry
from sdesk.core.reference import Reference, Technician
from sdesk.procedures import assign_holds as holds
from sdesk.procedures.permits import closed_is_final, team_problem
from sdesk.procedures.plan import (
    AddEntry,
    Advice,
    Assign,
    Finding,
    Notify,
    Plan,
    Route,
    SetField,
    SetStatus,
    reassignment,
)
from sdesk.procedures.workload import Held, Workload, unavailable_reason

if TYPE_CHECKING:
    from sdesk.procedures.triage_requests import SeatCheck

ASSIGNABLE = ("new", "triaged", "assigned", "in-progress", "on-hold")


@dataclass(frozen=True)
class AssignContext:
    reference: Reference
    now: dt.datetime
    workload: Workload
    actor: str
    # licence seats held per catalogue software name (store.contexts.licence_seats): what a
    # request that takes a seat by being assigned is checked against (`_licence`); None: not
    # counted, not checked
    seats: Mapping[str, int] | None = None


@dataclass(frozen=True)
class Candidate:
    tech: Technician
    load: float  # hours after taking this ticket

    @property
    def ratio(self) -> float:
        return self.load / self.tech.capacity_hours

    @property
    def free(self) -> float:
        return self.tech.capacity_hours - self.load

    def describe(self) -> str:
        return (f"{self.tech.id} load {self.load:g}/{self.tech.capacity_hours:g} h "
                f"({self.ratio:.0%}) with this ticket")


@dataclass
class Choice:
    """What the rules decided: a technician, a hand-off to a team, or nobody."""

    rule: str
    tech: Technician | None = None
    handoff: str = ""
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # said on stderr too (Advice)


# ---- checks on one technician ----------------------------------------------------------------


def candidate(tech: Technician, ticket: Ticket, ctx: AssignContext) -> Candidate:
    return Candidate(tech, ctx.workload.load_of(tech.id, excluding=ticket.id)
                     + ticket.effort_hours)


def problems_with(tech: Technician, ticket: Ticket, ctx: AssignContext) -> list[str]:
    """Why `tech` should not take `ticket` today (empty when they can)."""
    found: list[str] = []
    missing = [s for s in ticket.skills if s.lower() not in tech.skills]
    if missing:
        found.append(f"lacks skill {', '.join(missing)}")
    if not ticket.remote and not tech.onsite:
        found.append("does not work on site")
    away = unavailable_reason(tech, ctx.now.date(), ctx.reference)
    if away:
        found.append(away)
    c = candidate(tech, ticket, ctx)
    if c.load > tech.capacity_hours + 1e-9:
        found.append(f"over capacity ({c.load:g} h with this ticket > "
                     f"{tech.capacity_hours:g} h)")
    return found


def _rank(c: Candidate, preferred: set[str]) -> tuple[int, float, float, str]:
    # The documented tie-break: preferred first, then lower load ratio, more free hours, id.
    return (0 if c.tech.id in preferred else 1, round(c.ratio, 9), -c.free, c.tech.id)


def _fitting(techs: Iterable[Technician], ticket: Ticket, ctx: AssignContext
             ) -> tuple[list[Candidate], list[str]]:
    fits: list[Candidate] = []
    refusals: list[str] = []
    for tech in techs:
        problems = problems_with(tech, ticket, ctx)
        if problems:
            refusals.append(f"{tech.id}: {'; '.join(problems)}")
        else:
            fits.append(candidate(tech, ticket, ctx))
    return fits, refusals


def _best(fits: list[Candidate], preferred: Iterable[str] = ()) -> Candidate:
    wanted = set(preferred)
    return min(fits, key=lambda c: _rank(c, wanted))


# ---- the rules -------------------------------------------------------------------------------


def choose(ticket: Ticket, ctx: AssignContext) -> Choice:
    members = sorted((t for t in ctx.reference.technicians.values() if t.team == ticket.team),
                     key=lambda t: t.id)
    if not ticket.remote:
        return _on_site(ticket, ctx, members)
    pool = [t for t in members if t.remote]
    if not pool:
        return Choice("assign-2 remote", reasons=[
            f"team {ticket.team} has no technician who works with remote tools"])
    reasons: list[str] = []
    requested = _requested(ticket, ctx.reference, reasons)
    if requested is not None or ticket.skills:
        return _skilled(ticket, ctx, pool, requested, reasons)
    usual = usual_skills(ticket, ctx.reference)
    if usual:
        return _usual(ticket, ctx, pool, usual, reasons)
    return _lightest(ticket, ctx, pool, reasons)


def usual_skills(ticket: Ticket, ref: Reference) -> tuple[str, ...]:
    """The skills (lower case) the ticket's service usually needs by the service catalogue
    (reference/services.toml), less those the ticket requires itself (its `skills`, a hard
    rule); () without a service or a catalogue entry. Guide, CASE ASSIGNMENT step 2: "If
    specific skills are required, consult the Technical Skills Reference Document"."""
    info = ref.service_info(ticket.service) if ticket.service else None
    if info is None:
        return ()
    required = {s.lower() for s in ticket.skills}
    return tuple(s for s in info.skills if s not in required)


def _usual(ticket: Ticket, ctx: AssignContext, pool: list[Technician],
           usual: tuple[str, ...], reasons: list[str]) -> Choice:
    """Rule 2 for a service's usual skills (a preference, not the hard rule of the ticket's own
    `skills`): the lightest-load rule among the team's technicians who have them, when any of
    them is available with room (`assign-2 usual skills`); else among everyone, the plan
    warning that the technician chosen lacks them (session 39: Wi-Fi went to kfrye, no wifi)."""
    needs = f"{ticket.service} usually needs {', '.join(usual)} (service catalogue)"
    able = [t for t in pool if t.has_skills(usual)]
    fits = {c.tech.id for c in _fitting(pool, ticket, ctx)[0]}
    if fits and all(t.has_skills(usual) for t in pool if t.id in fits):
        return _lightest(ticket, ctx, pool, reasons)  # everyone who can has it: nothing to say
    if _fitting(able, ticket, ctx)[0]:
        reasons.append(f"{needs}: preferring who has it in {ticket.team}: "
                       f"{', '.join(t.id for t in able)}")
        choice = _lightest(ticket, ctx, able, reasons)
        if choice.rule == "assign-3 lightest load":
            choice.rule = USUAL_SKILLS
        return choice
    nobody = (f"nobody in {ticket.team} with {', '.join(usual)} is available with room ("
              + (", ".join(t.id for t in able) or "no technician has it") + ")")
    reasons.append(f"{needs}: {nobody}; chosen without it")
    choice = _lightest(ticket, ctx, pool, reasons)
    if choice.tech is not None:
        choice.warnings.append(f"{ticket.id}: {choice.tech.id} lacks {', '.join(usual)}, which "
                               f"{ticket.service} usually needs: {nobody} (rule {choice.rule})")
    return choice


USUAL_SKILLS = "assign-2 usual skills"


def _requested(ticket: Ticket, ref: Reference, reasons: list[str]) -> Technician | None:
    wanted = ticket.requested_technician.strip()
    if not wanted:
        return None
    try:
        tech = ref.technician(wanted)
    except SdeskError:
        reasons.append(f"requested technician {wanted!r} is not in the skills reference")
        return None
    if tech.team != ticket.team:
        reasons.append(f"requested technician {tech.id} is in {tech.team}, not {ticket.team}")
        return None
    return tech


def _skilled(ticket: Ticket, ctx: AssignContext, pool: list[Technician],
             requested: Technician | None, reasons: list[str]) -> Choice:
    rule = "assign-2 skills"
    capable = [t for t in pool if t.has_skills(ticket.skills)]
    if ticket.skills and not capable:  # the ticket's own skills are a hard rule
        reasons.append(f"nobody in {ticket.team} has the required skill "
                       f"{', '.join(ticket.skills)} (skills reference): nobody assigned "
                       f"(sdesk assign {ticket.id} --to TECH --force, or sdesk escalate)")
    elif ticket.skills:
        names = ", ".join(t.id for t in capable)
        reasons.append(f"skills required: {', '.join(ticket.skills)}; capable in "
                       f"{ticket.team}: {names}")
    if requested is not None:
        problems = problems_with(requested, ticket, ctx)
        if not problems:
            c = candidate(requested, ticket, ctx)
            reasons.append(f"{requested.id} was requested and can take it: {c.describe()}")
            return Choice("assign-2 requested technician", requested, reasons=reasons)
        reasons.append(f"requested technician {requested.id} cannot take it: "
                       f"{'; '.join(problems)}")
    fits, refusals = _fitting(capable, ticket, ctx)
    if not fits:
        return Choice(rule, reasons=reasons + refusals)
    best = _best(fits)
    reasons.append(f"{best.tech.id} is the capable technician with the lowest load: "
                   f"{best.describe()}")
    return Choice(rule, best.tech, reasons=reasons)


def _lightest(ticket: Ticket, ctx: AssignContext, pool: list[Technician],
              reasons: list[str]) -> Choice:
    fits, refusals = _fitting(pool, ticket, ctx)
    if not fits:
        return Choice("assign-3 availability", reasons=reasons + refusals)
    holders = ctx.workload.related_holders(ticket.id, ticket.requester.email, ticket.parent,
                                           ticket.related)
    fitting_holders = {c.tech.id for c in fits if c.tech.id in holders}
    best = _best(fits, fitting_holders)
    if best.tech.id in fitting_holders:
        held = ", ".join(holders[best.tech.id])
        reasons.append(f"{best.tech.id} holds related open tickets ({held}: same requester "
                       f"or parent) and has room: {best.describe()}")
        return Choice("assign-3 related tickets", best.tech, reasons=reasons)
    members = {t.id for t in pool}
    for tech_id in sorted(holders):
        why = "cannot take this one" if tech_id in members else "is not in " + ticket.team
        reasons.append(f"{tech_id} holds related tickets ({', '.join(holders[tech_id])}) "
                       f"but {why}")
    reasons.append(f"{best.tech.id} has the lowest load relative to capacity among "
                   f"{len(fits)} available: {best.describe()}")
    return Choice("assign-3 lightest load", best.tech, reasons=reasons)


def _region(ticket: Ticket, ref: Reference) -> str:
    agency = ref.agencies.get(ticket.requester.agency.upper())
    if agency is not None:
        return agency.region
    # No agency on the ticket: the region of an agency site at the ticket's location.
    here = ticket.location.casefold()
    return next((a.region for a in ref.agencies.values() if a.location.casefold() == here), "")


def _on_site(ticket: Ticket, ctx: AssignContext, members: list[Technician]) -> Choice:
    ref = ctx.reference
    reasons = ["cannot be worked with remote tools: needs a technician on site"]
    preferred = {ticket.requested_technician.strip().lower()} - {""}
    pool = [t for t in members if t.onsite]
    here = ticket.location.casefold()
    at_site = [t for t in pool if here and t.location.casefold() == here]
    fits, refusals = _fitting(at_site, ticket, ctx)
    if fits:
        best = _best(fits, preferred)
        reasons.append(f"{best.tech.id} is on site at {ticket.location}: {best.describe()}")
        return Choice("assign-1 on site", best.tech, reasons=reasons)
    reasons.append(f"no on-site technician at {ticket.location or '(no location)'} can take "
                   f"it" + (f" ({'; '.join(refusals)})" if refusals else ""))
    region = _region(ticket, ref)
    regional = [t for t in pool if region and t.region == region and t not in at_site]
    fits, refusals = _fitting(regional, ticket, ctx)
    if fits:
        best = _best(fits, preferred)
        reasons.append(f"{best.tech.id} is a regional technician for {region} "
                       f"({best.tech.location}): {best.describe()}")
        return Choice("assign-1 regional", best.tech, reasons=reasons)
    reasons.append(f"no regional technician for {region or '(unknown region)'} can take it"
                   + (f" ({'; '.join(refusals)})" if refusals else ""))
    if ticket.team == ref.dispatch_team:
        # The dispatch team travels: any of its technicians with room will do.
        fits, refusals = _fitting([t for t in pool if t not in at_site + regional], ticket, ctx)
        if fits:
            best = _best(fits, preferred)
            reasons.append(f"{best.tech.id} of the dispatch team travels: {best.describe()}")
            return Choice("assign-1 dispatch", best.tech, reasons=reasons)
        return Choice("assign-1 dispatch", reasons=reasons + refusals)
    reasons.append(f"hand the ticket to the dispatch team, {ref.dispatch_team}")
    return Choice("assign-1 dispatch", handoff=ref.dispatch_team, reasons=reasons)


# ---- plans -----------------------------------------------------------------------------------


def check_assignable(ticket: Ticket) -> None:
    closed_is_final(ticket)
    if ticket.status not in ASSIGNABLE:
        raise SdeskError(f"{ticket.id} is {ticket.status}; reopen it before assigning")


def assign_ticket(ticket: Ticket, ctx: AssignContext) -> Plan:
    """The rules' choice for `ticket` as a plan; a plan with findings only when nobody fits
    (the ticket stays in the queue). NothingToDo when the rules choose the technician who
    already holds it: re-assigning them counted a reassignment, journaled and committed a
    change that changed nothing (fresh-user finding 1, session 33)."""
    check_assignable(ticket)
    choice = choose(ticket, ctx)
    if choice.tech is not None and choice.tech.id == ticket.assignee:
        raise NothingToDo(f"{ticket.id} is already assigned to {ticket.assignee}, "
                          f"the rules' choice ({choice.rule})")
    seat = _licence(ticket, choice, ctx)
    if seat.refusal:
        raise SdeskError(seat.refusal)
    plan = plan_for(ticket, choice, ctx)
    plan.extend(seat.actions)
    plan.extend(holds.awaiting_priority(ticket, choice.rule))
    plan.extend(holds.awaiting_on_site(ticket, choice.rule))
    return plan


def assign_to(ticket: Ticket, tech_id: str, ctx: AssignContext, force: bool = False) -> Plan:
    """The dispatcher's own choice. Refused when the technician lacks a skill, is out,
    over capacity or in another team, unless forced; a forced override is journaled."""
    check_assignable(ticket)
    tech = ctx.reference.technician(tech_id)
    if ticket.assignee == tech.id:
        raise NothingToDo(f"{ticket.id} is already assigned to {tech.id}")
    problems = problems_with(tech, ticket, ctx)
    away = team_problem(tech, ticket.team, ctx.reference)  # the permit rule's team check
    if away:
        problems.insert(0, away)
    if problems and not force:
        raise SdeskError(f"{ticket.id}: {tech.id} {'; '.join(problems)} "
                         f"(use --force to assign anyway)")
    reasons = [f"dispatcher's choice: {candidate(tech, ticket, ctx).describe()}"]
    reasons += [f"override (--force): {tech.id} {p}" for p in problems]
    choice = Choice("assign-4 dispatcher's choice", tech, reasons=reasons)
    lacking = [s for s in usual_skills(ticket, ctx.reference) if s not in tech.skills]
    if lacking:  # the service's usual skills: a warning, not a refusal (session 39)
        reasons.append(f"{tech.id} lacks {', '.join(lacking)}, which {ticket.service} usually "
                       "needs (service catalogue)")
        choice.warnings.append(f"{ticket.id}: {tech.id} lacks {', '.join(lacking)}, which "
                               f"{ticket.service} usually needs; assigned as you asked")
    seat = _licence(ticket, choice, ctx)  # --force overrides no licence count
    if seat.refusal:
        raise SdeskError(seat.refusal)
    plan = plan_for(ticket, choice, ctx)
    plan.extend(seat.actions)
    if tech.team != ticket.team:
        plan.actions.insert(0, Route(ticket.id, choice.rule, f"follows {tech.id} to their team",
                                     value=tech.team))
    plan.extend(holds.awaiting_priority(ticket, choice.rule))
    plan.extend(holds.awaiting_on_site(ticket, choice.rule))
    return plan


def _licence(ticket: Ticket, choice: Choice, ctx: AssignContext) -> SeatCheck:
    """The licence check of a request the choice would make hold a seat (one that holds none
    yet: logged with --software and never triaged, its seat flag removed):
    triage_requests.seat_on_assign, the one licence decision; nothing without `ctx.seats`."""
    from sdesk.procedures.triage_requests import SeatCheck, seat_on_assign

    if ctx.seats is None or (choice.tech is None and not choice.handoff):
        return SeatCheck()
    status = ticket.status if ticket.on_hold else "assigned" if choice.tech else "triaged"
    team = choice.tech.team if choice.tech is not None else choice.handoff
    return seat_on_assign(ticket, status, team, ctx.reference, ctx.seats)


def plan_for(ticket: Ticket, choice: Choice, ctx: AssignContext) -> Plan:
    plan = Plan([Finding(ticket.id, choice.rule, reason) for reason in choice.reasons])
    plan.extend(Advice(ticket.id, choice.rule, w, warning=True) for w in choice.warnings)
    if choice.tech is not None:
        plan.extend(_assign_actions(ticket, choice, ctx).actions)
    elif choice.handoff:
        plan.extend(_handoff_actions(ticket, choice, ctx).actions)
    else:
        plan.add(Finding(ticket.id, choice.rule,
                         "nobody can take it now: left in the queue unassigned"))
    return plan


def _assign_actions(ticket: Ticket, choice: Choice, ctx: AssignContext) -> Plan:
    tech = choice.tech
    assert tech is not None
    rule, tid = choice.rule, ticket.id
    plan = Plan()
    if ticket.assignee:
        plan.add(reassignment(ticket, rule, f"replaces {ticket.assignee}"))
    plan.add(Assign(tid, rule, f"assign to {tech.name}", value=tech.id))
    if not ticket.on_hold:  # a held ticket stays paused; resume restores "assigned"
        plan.add(SetStatus(tid, "assign-4 assign", "assigned", value="assigned"))
    if ticket.assigned_at is None:
        plan.add(SetField(tid, "assign-4 assign", "first assignment", field="assigned_at",
                          value=ctx.now))
    text = "\n".join([f"Assigned to {tech.id} ({tech.name}) by rule {rule}."]
                     + [f"- {r}" for r in choice.reasons])
    plan.add(AddEntry(tid, rule, "why this technician",
                      entry=journal_entry(ctx.now, ctx.actor, "assign", text, rule)))
    plan.add(Notify(tid, "assign-4 assign", "tell the technician", to=(tech.email,),
                    subject=f"Assigned to you: {tid} {ticket.title}",
                    body=_tech_mail(ticket, tech, choice)))
    return plan


def _tech_mail(ticket: Ticket, tech: Technician, choice: Choice) -> str:
    due = ticket.resolve_by.isoformat(timespec="minutes") if ticket.resolve_by else "(none)"
    where = ticket.location or "(remote)"
    lines = [f"Hello {tech.name},", "", f"{ticket.id} is assigned to you.", "",
             f"Title:      {ticket.title}", f"Priority:   P{ticket.priority}"
             + (" (VIP)" if ticket.vip else ""), f"Resolve By: {due}",
             f"Requester:  {ticket.requester.name} <{ticket.requester.email}> "
             f"{ticket.requester.agency}", f"Location:   {where}",
             f"Effort:     {ticket.effort_hours:g} h", "", "Why you:"]
    lines += [f"- {r}" for r in choice.reasons]
    return "\n".join(lines) + "\n"


def _handoff_actions(ticket: Ticket, choice: Choice, ctx: AssignContext) -> Plan:
    team = ctx.reference.team(choice.handoff)
    rule, tid = choice.rule, ticket.id
    plan = Plan([Route(tid, rule, "no on-site or regional technician", value=team.name)])
    if ticket.assignee:
        plan.add(Assign(tid, rule, "the dispatch team assigns its own", value=""))
        plan.add(reassignment(ticket, rule, f"replaces {ticket.assignee}"))
    if ticket.status != "triaged" and not ticket.on_hold:
        plan.add(SetStatus(tid, rule, "in the dispatch team's queue", value="triaged"))
    text = "\n".join([f"Handed to {team.name} by rule {rule}."]
                     + [f"- {r}" for r in choice.reasons])
    plan.add(AddEntry(tid, rule, "why the dispatch team",
                      entry=journal_entry(ctx.now, ctx.actor, "assign", text, rule)))
    plan.add(Notify(tid, rule, "tell the dispatch team", to=(team.email,),
                    subject=f"On-site work for dispatch: {tid} {ticket.title}",
                    body=f"{tid} needs a technician on site at "
                         f"{ticket.location or '(no location)'}.\n\n"
                         + "\n".join(f"- {r}" for r in choice.reasons) + "\n"))
    return plan


# ---- the team's queue ------------------------------------------------------------------------


@dataclass
class QueueResult:
    plan: Plan
    assigned: list[str] = field(default_factory=list)
    handed_off: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def assign_queue(tickets: Iterable[Ticket], ctx: AssignContext,
                 limit: int | None = None, force: bool = False) -> QueueResult:
    """Work a team's queue, `tickets` in the guide's order of work as the caller read them
    (sdesk.store.queries.QUEUE_ORDER, the one queue order): each choice sees the loads left by the
    ones before it (the caller's workload is not changed). `limit` takes the first N. A
    ticket awaiting the supervisor's priority decision or the dispatcher's on-site decision is
    held back unless `force` (`assign_holds.held`). A request that would
    take a licence seat with none free (or unchecked by request-3) stays in the queue, said
    by a finding (`_licence`); a seat one takes counts for the next."""
    work = ctx.workload.copy()
    local = dataclasses.replace(ctx, workload=work)
    result = QueueResult(Plan())
    ordered = list(tickets)
    for ticket in ordered[:limit] if limit is not None else ordered:
        held = holds.held(ticket, force)
        if held is not None:
            result.plan.add(held)
            result.left.append(ticket.id)
            continue
        choice = choose(ticket, local)
        seat = _licence(ticket, choice, local)
        if seat.refusal:  # no seat for it: it stays in the queue, the rest are assigned
            result.plan.add(Finding(ticket.id, seat.rule, f"{seat.refusal}; left in the queue"))
            result.left.append(ticket.id)
            continue
        if seat.seat and local.seats is not None:  # the next request sees the seat it took
            taken = {**local.seats, seat.seat: local.seats.get(seat.seat, 0) + 1}
            local = dataclasses.replace(local, seats=taken)
        result.plan.extend(plan_for(ticket, choice, local).actions)
        result.plan.extend(seat.actions)
        if choice.tech is not None:
            result.plan.extend(holds.awaiting_on_site(ticket, choice.rule))  # forced: said
            result.assigned.append(ticket.id)
            work.add(Held(ticket.id, choice.tech.id, ticket.effort_hours,
                          ticket.requester.email.lower(), ticket.parent))
        elif choice.handoff:
            result.handed_off.append(ticket.id)
        else:
            result.left.append(ticket.id)
    return result
