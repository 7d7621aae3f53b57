"""The sweep: the promises the desk keeps by itself, run from cron or a CI schedule.

A pure procedure: tickets as the index sees them (plus their holds), the reference data, the
settings and `now` in; a Plan out. `sdesk sweep` shows it (--dry-run) or applies it as one
commit. The rules (docs/sweep.md has the table; tests/test_sweep.py tests it as one):

- SLA warnings: when 75 % and when 100 % of the time to respond (until the first response) or
  to resolve is used, the owning team's supervisor is told, once per threshold per ticket. The
  ticket remembers it in a flag (`sla-respond-75`, `sla-resolve-100` ...). Time is measured on
  the ticket's SLA clock (business hours from the calendar, holidays excluded, or 24x7) with
  the time on hold left out; a ticket on hold (its clock paused) is never warned. A ticket
  found past due is told once at 100 % (the 75 % flag is set with it; no late 75 % mail). When
  the due time moves later (a lower priority, a reopen) and the time used falls below a
  threshold already told, the warning is withdrawn (journal entry, flag dropped) and given
  again if the new due time comes near.
- Breaches go up (session 40, hierarchical escalation): a ticket still breached when
  `[sweep] escalate_percent` of its time to respond or resolve is used (150: half the target
  again after the breach, on the same clock) is told once to the level above the supervisor.
  The reference data names nobody above a team's supervisor, so that is the team's leads (else
  the Service Desk Leads of roles.toml); flags `sla-respond-escalated`, `sla-resolve-escalated`.
- Updates owed (session 40: by priority): an open ticket whose customer has had no public
  update for its priority's spell (`[sweep] update_hours_p1` clock hours, `update_days_p2`
  .. `update_days_p4` business days) reminds its assignee (a P1's team supervisor too; an
  unassigned ticket's supervisor, else the Service Desk Leads), once per quiet spell (flag
  `update-reminded`, dropped by the sweep once the customer has had an update). A ticket on
  hold awaiting the customer is not nagged (the desk waits on them); any other hold still
  owes the customer updates.
- Closing: a ticket resolved more than `[sweep] close_after_days` business days ago is closed,
  unless it is flagged `customer-reply`: a customer's reply waits for a person (session 39:
  the sweep closed it and the reply sat unread on a closed ticket); the plan says so, one
  finding per ticket, and the next sweep after a note, reopen or resolution closes it.
- Unowned: a new ticket nobody owns (no assignee) for more than `[sweep] unowned_hours`
  hours of its own SLA clock (24x7 for P1, business hours for the rest; time on hold left out;
  session 40: a P1 logged Friday 17:30 was reported Monday 10:01) is flagged
  (`unowned-reported`) and its team's leads (else the Service Desk Leads of roles.toml) are
  told, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sdesk.core.model import Hold, journal_entry
from sdesk.core.reference import Reference
from sdesk.procedures.business_days import stale_cutoff
from sdesk.procedures.plan import AddEntry, Finding, Notify, Plan, SetField

THRESHOLDS = (75, 100)  # per cent of the time to respond or to resolve
UPDATE_FLAG = "update-reminded"
UNOWNED_FLAG = "unowned-reported"
ESCALATED = "sla-{kind}-escalated"  # the breach was told to the level above the supervisor
R_ESCALATE = "standard: SLA breach escalated at {pct}% of the time to {kind}"
R_SLA = "standard: SLA warning at {pct}% of the time to {kind}"
R_UPDATE = "standard: regular updates to the customer"
R_CLOSE = "standard: close {days} business days after resolution"
REPLY_FLAG = "customer-reply"  # proposals.REPLY_FLAG: a customer's reply waits to be read
R_UNOWNED = "standard: new tickets owned promptly"
AWAITING_CUSTOMER = "awaiting-customer"  # escalation.AWAITING_CUSTOMER: a hold on the customer


@dataclass(frozen=True)
class SweepSettings:
    """sdesk.toml [sweep]: how long the customer may go without a public update (P1 in clock
    hours, P2-P4 in business days), business days from resolution to closing, hours (of the
    ticket's SLA clock) a new ticket may stay unowned, and the per cent of the time to respond
    or resolve used (over 100) at which a breach goes to the level above the supervisor."""

    close_after_days: int = 5
    unowned_hours: float = 2.0
    escalate_percent: float = 150.0
    update_hours_p1: float = 2.0
    update_days_p2: int = 1
    update_days_p3: int = 2
    update_days_p4: int = 3

    def update_spell(self, priority: int) -> str:
        """The quiet spell that owes a customer of `priority` an update, in words."""
        if priority <= 1:
            return f"{self.update_hours_p1:g} clock hours"
        days = self.update_days(priority)
        return f"{days} business day{'s' if days != 1 else ''}"

    def update_days(self, priority: int) -> int:
        """Business days without an update for P2-P4 (P4's for any lower priority)."""
        return {2: self.update_days_p2, 3: self.update_days_p3}.get(priority,
                                                                      self.update_days_p4)


@dataclass(frozen=True)
class Watched:
    """A ticket as the sweep sees it (from the index; `holds` from the file, only for tickets
    that are or were ever on hold). Times are aware."""

    id: str
    title: str
    status: str
    priority: int
    team: str
    assignee: str
    flags: tuple[str, ...]
    opened_at: dt.datetime
    respond_by: dt.datetime | None
    resolve_by: dt.datetime | None
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    last_update: dt.datetime
    on_hold: bool
    holds: tuple[Hold, ...] = ()


@dataclass(frozen=True)
class SweepContext:
    """What the sweep may look at besides the tickets."""

    reference: Reference
    now: dt.datetime
    actor: str
    settings: SweepSettings


def business_days_before(now: dt.datetime, days: int, ref: Reference) -> dt.datetime:
    """The moment `days` business days before `now` (weekends and holidays skipped)."""
    return stale_cutoff(now, days, ref.calendar)


def sweep(tickets: Iterable[Watched], ctx: SweepContext) -> Plan:
    """Every warning, reminder, closing and flag due now, as one plan (ticket order kept)."""
    plan = Plan()
    for one in sweep_each(tickets, ctx):
        plan.extend(one.actions)
    return plan


def sweep_each(tickets: Iterable[Watched], ctx: SweepContext) -> Iterator[Plan]:
    """`sweep`, one ticket at a time: the plan of each ticket that has something due, in the
    order given (each plan holds that ticket's actions only). Their actions in turn are
    `sweep`'s plan; a dry run prints them as they come, so memory does not grow with the
    number of tickets."""
    s = ctx.settings
    quiet = quiet_since(ctx)
    closing = business_days_before(ctx.now, s.close_after_days, ctx.reference)
    for t in tickets:
        plan = Plan()
        if t.status == "resolved":
            if t.resolved_at is not None and t.resolved_at < closing:
                _close(plan, t, ctx)
        elif t.status != "closed":
            flags = list(t.flags)
            for kind in ("respond", "resolve"):
                flags = _sla(plan, t, kind, flags, ctx)
            flags = _update(plan, t, flags, quiet, ctx)
            flags = _unowned(plan, t, flags, ctx)
            if flags != list(t.flags):
                plan.add(SetField(t.id, "sweep: remember what was sent", "flags remembered",
                                  field="flags", value=flags))
        if plan.actions:
            yield plan


def quiet_since(ctx: SweepContext) -> dict[int, dt.datetime]:
    """Per priority, the moment before which a last update leaves the customer owed one: P1
    `update_hours_p1` clock hours back (its SLA clock runs 24x7), P2-P4 their business days
    back (weekends and holidays skipped)."""
    s = ctx.settings
    quiet = {p: business_days_before(ctx.now, s.update_days(p), ctx.reference)
             for p in (2, 3, 4)}
    quiet[1] = ctx.now - dt.timedelta(hours=s.update_hours_p1)
    return quiet


def used_fraction(t: Watched, due: dt.datetime, ref: Reference, now: dt.datetime) -> float:
    """The share of the time from opening to `due` that has been used by `now`, both measured
    on the ticket's SLA clock with time on hold left out (1.0 or more at or past due)."""
    budget = used_minutes(t, due, ref)
    return 1.0 if budget <= 0 else used_minutes(t, now, ref) / budget


def used_minutes(t: Watched, end: dt.datetime, ref: Reference) -> float:
    """Minutes from the ticket's opening to `end` on its own SLA clock (reference/sla.toml:
    business minutes of the calendar for a business-clock priority, real minutes for 24x7),
    time on hold left out; 0.0 when `end` is not after the opening."""
    from sdesk.core import sla

    clock = ref.sla.target(t.priority).clock
    cal = ref.calendar
    minutes = sla.elapsed_minutes(t.opened_at, end, clock, cal)
    for hold in t.holds:
        stop = min(hold.end or end, end)
        if stop > hold.start:
            minutes -= sla.elapsed_minutes(max(hold.start, t.opened_at), stop, clock, cal)
    return max(minutes, 0.0)


def _sla(plan: Plan, t: Watched, kind: str, flags: list[str], ctx: SweepContext) -> list[str]:
    due = t.respond_by if kind == "respond" else t.resolve_by
    if due is None or t.on_hold or (kind == "respond" and t.first_response_at is not None):
        return flags
    flags = _withdrawn(plan, t, kind, due, flags, ctx)
    if f"sla-{kind}-100" not in flags:
        flags = _warned(plan, t, kind, due, flags, ctx)
    if f"sla-{kind}-100" in flags and ESCALATED.format(kind=kind) not in flags:
        flags = _escalated(plan, t, kind, due, flags, ctx)
    return flags


def _warned(plan: Plan, t: Watched, kind: str, due: dt.datetime, flags: list[str],
            ctx: SweepContext) -> list[str]:
    """The supervisor's 75 % or 100 % warning, once each (a ticket found past due is told at
    100 % only, its 75 % flag set with it)."""
    if ctx.now >= due:
        pct = 100
    elif f"sla-{kind}-75" not in flags and used_fraction(t, due, ctx.reference, ctx.now) >= 0.75:
        pct = 75
    else:
        return flags
    rule = R_SLA.format(pct=pct, kind=kind)
    to = _supervisor(t.team, ctx.reference)
    word, when = _due_said(kind, due, ctx)
    state = (f"is past its {word} ({when})" if pct == 100
             else f"has used 75% of its time to {kind} ({word} {when})")
    _tell(plan, t, ctx, rule, f"SLA warning {pct}% ({kind})",
          f"SLA warning: P{t.priority} {t.id} {state}; {to or 'nobody'} told.", to,
          f"supervisor told: {pct}% of the time to {kind} used", f"SLA {pct}%: {t.id} {t.title}",
          f"{t.id} ({t.team or 'no team'}, assignee {t.assignee or 'none'}) {state}.")
    marks = [f"sla-{kind}-{p}" for p in THRESHOLDS if p <= pct]
    return flags + [m for m in marks if m not in flags]


def _due_said(kind: str, due: dt.datetime, ctx: SweepContext) -> tuple[str, str]:
    """("Respond By" or "Resolve By", `due` in the desk's zone as "YYYY-MM-DD HH:MM TZ")."""
    word = "Respond By" if kind == "respond" else "Resolve By"
    return word, due.astimezone(ctx.reference.calendar.tz).strftime("%Y-%m-%d %H:%M %Z")


def _tell(plan: Plan, t: Watched, ctx: SweepContext, rule: str, summary: str, text: str,
          to: str, told: str, subject: str, body: str) -> None:
    """An internal system entry `text` on `t`, and when `to` is an address, a mail to it
    (`subject`, `body` then the show command): how the sweep tells the management line."""
    plan.add(AddEntry(t.id, rule, summary, entry=journal_entry(
        at=ctx.now, by=ctx.actor, text=text, kind="system", visibility="internal", rule=rule)))
    if to:
        plan.add(Notify(t.id, rule, told, to=(to,), subject=subject,
                        body=f"{body}\n\nsdesk show {t.id}\n"))


def _escalated(plan: Plan, t: Watched, kind: str, due: dt.datetime, flags: list[str],
               ctx: SweepContext) -> list[str]:
    """Hierarchical escalation of a breach (the standard's "escalating ... when necessary"):
    the supervisor was told at 100 %; still breached at `escalate_percent` of the time allowed
    (measured on the ticket's clock, holds left out), the level above is told once."""
    pct = ctx.settings.escalate_percent
    if used_fraction(t, due, ctx.reference, ctx.now) < pct / 100:
        return flags
    shown = f"{pct:g}"
    rule = R_ESCALATE.format(pct=shown, kind=kind)
    to = next_level(t.team, ctx.reference)
    boss = _supervisor(t.team, ctx.reference)
    word, when = _due_said(kind, due, ctx)
    state = (f"is still past its {word} ({when}), {shown}% of its time to {kind} used; "
             f"the supervisor ({boss or 'nobody'}) was told at the breach")
    _tell(plan, t, ctx, rule, f"SLA breach escalated ({kind})",
          f"SLA breach escalated: P{t.priority} {t.id} {state}; {to or 'nobody'} told.", to,
          f"next level told: still breached at {shown}% ({kind})",
          f"SLA breach escalated: {t.id} {t.title}",
          f"P{t.priority} {t.id} ({t.team or 'no team'}, assignee {t.assignee or 'none'}) {state}.")
    return [*flags, ESCALATED.format(kind=kind)]


def _withdrawn(plan: Plan, t: Watched, kind: str, due: dt.datetime, flags: list[str],
               ctx: SweepContext) -> list[str]:
    """Warnings that no longer hold: the due time moved later (a lower priority, a reopen with
    new due times), so the time used is below a threshold already told (the escalation's too).
    Their flags are dropped, so the supervisor is told again when the new due time comes near."""
    escalated = ESCALATED.format(kind=kind)
    told: list[float] = [p for p in THRESHOLDS if f"sla-{kind}-{p}" in flags]
    if escalated in flags:
        told.append(ctx.settings.escalate_percent)
    if not told:
        return flags
    used = (used_fraction(t, due, ctx.reference, ctx.now) if ctx.now < due or escalated in flags
            else 1.0)
    stale = [p for p in told if used < p / 100]
    if not stale:
        return flags
    word, when = _due_said(kind, due, ctx)
    rule = R_SLA.format(pct=f"{stale[0]:g}", kind=kind)
    text = (f"SLA warning withdrawn: {t.id}'s {word} is now {when} ({used:.0%} of the time used); "
            f"the {'/'.join(f'{p:g}%' for p in stale)} warning will be given again if reached.")
    plan.add(AddEntry(t.id, rule, f"SLA warning withdrawn ({kind})",
                      entry=journal_entry(ctx.now, ctx.actor, "system", text, rule)))
    gone = {f"sla-{kind}-{p}" for p in stale if p in THRESHOLDS}
    if ctx.settings.escalate_percent in stale:
        gone.add(escalated)
    return [f for f in flags if f not in gone]


def _update(plan: Plan, t: Watched, flags: list[str], quiet: dict[int, dt.datetime],
            ctx: SweepContext) -> list[str]:
    if t.on_hold and t.holds and t.holds[-1].reason == AWAITING_CUSTOMER:
        return flags  # the desk waits on the customer: nobody is nagged (session 40)
    if t.last_update >= quiet.get(t.priority, quiet[4]):
        return [f for f in flags if f != UPDATE_FLAG]  # updated since: the next spell counts anew
    if UPDATE_FLAG in flags:
        return flags
    spell = ctx.settings.update_spell(t.priority)
    who, to = _update_owed_to(t, ctx.reference)
    reason = f"{who} reminded: no public update for {spell}"
    held = (f" It is on hold ({t.holds[-1].reason}) since {t.holds[-1].start:%Y-%m-%d %H:%M}; "
            f"the customer still waits to hear." if t.on_hold and t.holds else "")
    if to:
        plan.add(Notify(t.id, R_UPDATE, reason, to=to, subject=f"Update owed: {t.id} {t.title}",
                        body=f"The customer of P{t.priority} {t.id} ({t.team or 'no team'}, "
                             f"assignee {t.assignee or 'none'}) has had no update since "
                             f"{t.last_update:%Y-%m-%d %H:%M} (a P{t.priority} is owed one "
                             f"every {spell}).{held} Please send one (sdesk note {t.id} "
                             f"--public ...).\n"))
    plan.add(AddEntry(t.id, R_UPDATE, reason, entry=journal_entry(
        at=ctx.now, by=ctx.actor, kind="system", visibility="internal", rule=R_UPDATE,
        text=f"Reminder: the customer has had no update for {spell}; "
             f"{', '.join(to) or t.assignee or 'nobody'} reminded.")))
    return [*flags, UPDATE_FLAG]


def _update_owed_to(t: Watched, ref: Reference) -> tuple[str, tuple[str, ...]]:
    """Who is reminded of an update owed, and their addresses: the assignee (an assignee the
    reference does not know: nobody mailed), with the team's supervisor for a P1; an
    unassigned ticket's supervisor (else the Service Desk Leads): before session 40 an
    unassigned ticket's customer waited without anyone being told."""
    if not t.assignee:
        boss = _supervisor(t.team, ref)
        return "supervisor", (boss,) if boss else ()
    tech = ref.technicians.get(t.assignee)
    to = [tech.email] if tech is not None and tech.email else []
    boss = _supervisor(t.team, ref) if t.priority <= 1 else ""
    if to and boss and boss not in to:
        return "assignee and supervisor", (*to, boss)
    return "assignee", tuple(to)


def _unowned(plan: Plan, t: Watched, flags: list[str], ctx: SweepContext) -> list[str]:
    """A new ticket nobody owns for more than `unowned_hours` of its own SLA clock: 24x7 for a
    P1 (a P1 logged Friday 17:30 is reported that evening, not Monday), business hours for
    P2-P4; time on hold left out. Its team's leads (else the Service Desk Leads) told once."""
    if t.status != "new" or t.assignee or UNOWNED_FLAG in flags:
        return flags
    waited = used_minutes(t, ctx.now, ctx.reference) / 60.0
    if waited <= ctx.settings.unowned_hours:
        return flags
    hours = ("business hours" if ctx.reference.sla.target(t.priority).clock == "business"
             else "hours (24x7 clock)")
    leads = next_level(t.team, ctx.reference)
    reason = f"leads told: new and unowned for {waited:.1f} {hours}"
    if leads:
        plan.add(Notify(t.id, R_UNOWNED, reason, to=(leads,),
                        subject=f"Unowned: {t.id} {t.title}",
                        body=f"P{t.priority} {t.id} ({t.team or 'no team'}) was opened "
                             f"{t.opened_at:%Y-%m-%d %H:%M %Z} and nobody owns it yet.\n"))
    plan.add(AddEntry(t.id, R_UNOWNED, reason, entry=journal_entry(
        at=ctx.now, by=ctx.actor, kind="system", visibility="internal", rule=R_UNOWNED,
        text=f"Unowned for {waited:.1f} {hours}; {leads or 'nobody'} told.")))
    return [*flags, UNOWNED_FLAG]


def _close(plan: Plan, t: Watched, ctx: SweepContext) -> None:
    from sdesk.procedures.resolve import close_plan

    days = ctx.settings.close_after_days
    if REPLY_FLAG in t.flags:
        plan.add(Finding(t.id, R_CLOSE.format(days=days),
                         f"not closed: a customer's reply waits to be read (flag {REPLY_FLAG}); "
                         f"a note, reopen or resolution answers it (sdesk show {t.id})"))
        return
    plan.extend(close_plan(t.id, ctx.now, ctx.actor, R_CLOSE.format(days=days),
                           f"closed: resolved more than {days} business days ago").actions)


def next_level(team: str, ref: Reference) -> str:
    """The address above a team's supervisor: the team's leads (teams.toml `leads`), else the
    Service Desk Leads (roles.toml `leads_email`); "" when neither is set. The reference data
    names nobody else above a supervisor (docs/sweep.md, "Session 40")."""
    known = ref.teams.get(team)
    if known is not None and known.leads:
        return known.leads
    return ref.leads_email


def _supervisor(team: str, ref: Reference) -> str:
    known = ref.teams.get(team)
    if known is not None and known.supervisor:
        return known.supervisor
    return ref.leads_email
