"""The dispatcher's pre-assignment analysis (dispatcher guide: INCIDENT and SERVICE REQUEST
PRE-ASSIGNMENT ANALYSIS), as a pure function: (ticket, context) -> Plan.

Every action carries the guide's rule (`incident-1 ...`, `request-3 ...`) and a one-line
reason. Only unassigned tickets in status `new` are triaged; the outcome is either status
`triaged` (ready for assignment), a hand-back to the Service Desk (status `new`, a flag saying
why), a route to the Asset Team or the Inventory Control Manager, or a duplicate resolved.
Re-running triage plans nothing new: triaged tickets are skipped, hand-back flags stop a second
hand-back until `--recheck`, and `priority-review` / `trend-reported` flags stop a second
notification. Tasks are never triaged: they are worked by their parent's team. docs/triage.md
walks through every rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sdesk import sla
from sdesk.model import JournalEntry, Resolution, Ticket
from sdesk.plan import AddEntry, Finding, Notify, Plan, SetField
from sdesk.reference import Reference, Team
from sdesk.relations import Peer, parent_case
from sdesk.similarity import PeerView, TriageSettings, compare, tokens

I1 = "incident-1 agency and service supported"
I2 = "incident-2 priority matches SLA chart"
I3 = "incident-3 resolve by and VIP"
I4 = "incident-4 one group, one problem"
I5 = "incident-5 same person, same subject"
I6 = "incident-6 many people, same problem"
I_READY = "incident ready for assignment"
R1 = "request-1 hardware or software"
R2 = "request-2 hardware to asset team"
R3 = "request-3 software not on the list"
R4 = "request-4 no licence free"
R5 = "request-5 ready for assignment"
TASKS = "tasks follow their parent"
SKIP = "triage: only unassigned new tickets"

HAND_BACK_FLAGS = ("unsupported", "needs-separation", "software-form", "needs-service")


@dataclass(frozen=True)
class TriageContext:
    """Everything triage may look at besides the ticket. `view` holds the other open tickets
    (from the index); `licences_in_use` counts, per software name, tickets holding a seat
    (Request-4; what holds a seat is defined in sdesk/queries.py, built by sdesk/contexts.py)."""

    reference: Reference
    now: dt.datetime
    actor: str
    view: PeerView
    settings: TriageSettings = field(default_factory=TriageSettings)
    licences_in_use: Mapping[str, int] | None = None
    new_id: Callable[[str], str] | None = None  # IDs for parent cases (--create-parents)
    create_parents: bool = False
    split: str = ""  # the dispatcher's --split reason
    recheck: bool = False  # re-run rules on tickets handed back earlier


class _Draft:
    """The plan for one ticket as it is built; tracks flags and team so actions compose."""

    def __init__(self, ticket: Ticket, ctx: TriageContext) -> None:
        self.t, self.ctx, self.ref = ticket, ctx, ctx.reference
        self.plan = Plan()
        self.flags = list(ticket.flags)
        self.team = ticket.team

    def set(self, rule: str, reason: str, name: str, value: object) -> None:
        self.plan.add(SetField(self.t.id, rule, reason, field=name, value=value))

    def note(self, rule: str, text: str, public: bool = False) -> None:
        entry = JournalEntry(at=self.ctx.now, by=self.ctx.actor, text=text, kind="triage",
                             visibility="public" if public else "internal", rule=rule)
        self.plan.add(AddEntry(self.t.id, rule, "journal", entry=entry))

    def flag(self, name: str, rule: str, reason: str) -> None:
        if name not in self.flags:
            self.flags.append(name)
            self.set(rule, reason, "flags", list(self.flags))

    def unflag(self, names: Iterable[str], rule: str, reason: str) -> None:
        kept = [f for f in self.flags if f not in set(names)]
        if kept != self.flags:
            self.flags = kept
            self.set(rule, reason, "flags", list(kept))

    def move(self, team: str, rule: str, reason: str) -> None:
        """Change the owning team. Leaving the Service Desk is dispatch; any other move is a
        reassignment and counts a hop (the reassignments KPI)."""
        if team == self.team:
            return
        if not _is_service_desk(self.ref, self.team):
            self.set(rule, "one more hop between teams", "reassignments", self.t.reassignments + 1)
        self.set(rule, reason, "team", team)
        self.team = team

    def notify(self, rule: str, to: str, subject: str, body: str) -> None:
        self.plan.add(Notify(self.t.id, rule, f"tell {to}", to=(to,), subject=subject,
                             body=_staff_body(self.t, body)))

    def find(self, rule: str, reason: str) -> None:
        self.plan.add(Finding(self.t.id, rule, reason))

    def ready(self, rule: str, team: str, route: str, summary: str) -> None:
        if team != self.team:
            self.move(team, rule, route)
        self.set(rule, f"ready for assignment in {team}", "status", "triaged")
        self.note(rule, f"Pre-assignment analysis done: ready for assignment in {team}. "
                        f"{summary}".strip())

    def hand_back(self, rule: str, flag: str, why: str, leads: bool = True) -> None:
        """The guide's "send it back to the Service Desk": note why, flag, notify the leads."""
        desk = self.ref.service_desk
        self.move(desk, rule, f"back to {desk}: {why}")
        if self.t.status != "new":
            self.set(rule, "back in the Service Desk's unassigned queue", "status", "new")
        self.flag(flag, rule, why)
        self.note(rule, f"Handed back to {desk}: {why}")
        if leads:
            self.notify(rule, self.ref.leads_email, f"Handed back to the Service Desk: {flag}",
                        f"Handed back to {desk} by {self.ctx.actor}.\nReason: {why}\n")


def _staff_body(t: Ticket, text: str) -> str:
    return (f"{text.rstrip()}\n\nTicket:    {t.id}\nTitle:     {t.title}\nType:      {t.type}\n"
            f"Service:   {t.service or '-'}\nAgency:    {t.requester.agency or '-'}\n"
            f"Priority:  P{t.priority}\nRequester: {t.requester.name or t.requester.email or '-'}\n")


def _is_service_desk(ref: Reference, team: str) -> bool:
    return team.casefold() == ref.service_desk.casefold()


def _team(ref: Reference, name: str) -> Team | None:
    wanted = name.casefold()
    return next((t for t in ref.teams.values() if t.name.casefold() == wanted), None)


# ---- single ticket --------------------------------------------------------------------------


def triage_ticket(ticket: Ticket, ctx: TriageContext) -> Plan:
    """The pre-assignment analysis of one ticket, in the guide's order."""
    d = _Draft(ticket, ctx)
    if ticket.type == "task":
        d.find(TASKS, "tasks are not triaged: a task is worked by its parent's team "
                      f"({ticket.parent or 'no parent'})")
        return d.plan
    if ticket.status != "new" or ticket.assignee:
        who = f", assigned to {ticket.assignee}" if ticket.assignee else ""
        d.find(SKIP, f"nothing to do: status {ticket.status}{who}")
        return d.plan
    held = [f for f in ticket.flags if f in HAND_BACK_FLAGS]
    if held and not ctx.recheck:
        d.find(SKIP, f"waiting for the Service Desk ({', '.join(held)}); fix the ticket, then "
                     "run triage with --recheck")
        return d.plan
    if held:
        d.unflag(held, SKIP, "re-checked after the Service Desk's changes")
    if ticket.type == "incident":
        _incident(d)
    else:
        _request(d)
    return d.plan


def _route_target(t: Ticket, ref: Reference) -> Team | None:
    """The team that should own the ticket: its team, or for a Service Desk ticket the team
    that provides its service (the first route is dispatch, not a reassignment)."""
    current = _team(ref, t.team)
    if (current is None or current.kind == "service-desk") and t.service:
        providers = ref.teams_for_service(t.service)
        if providers:
            return providers[0]
    return current


def _unsupported(t: Ticket, team: Team | None, ref: Reference) -> tuple[str, str]:
    """(flag, why) when the owning team does not provide the service or support the agency."""
    if not t.service:
        return "needs-service", "no service recorded; set the service so it can be routed"
    if team is None:
        return "unsupported", f"owning team {t.team!r} is not in reference/teams.toml"
    if not team.provides(t.service):
        others = [p.name for p in ref.teams_for_service(t.service)]
        where = f"it is provided by {', '.join(others)}" if others else "no team provides it"
        return "unsupported", f"{team.name} does not provide {t.service!r} ({where})"
    agency = t.requester.agency
    if agency and not team.supports_agency(agency):
        return "unsupported", f"{agency} is not on {team.name}'s Supported Agencies list"
    return "", ""


def _incident(d: _Draft) -> None:
    t, ref = d.t, d.ref
    target = _route_target(t, ref)
    flag, why = _unsupported(t, target, ref)
    if flag:
        d.hand_back(I1, flag, why)
        return
    assert target is not None
    agency = t.requester.agency or "no agency recorded"
    d.find(I1, f"{target.name} provides {t.service!r} and supports {agency}")
    _priority_check(d, target)
    _resolve_by_and_vip(d)
    split = _separation(t, ref, d.ctx.split)
    if split:
        d.hand_back(I4, "needs-separation", f"separate it: {split}")
        return
    if _duplicate(d):
        return
    _trend(d, target)
    route = f"{t.service!r} is provided by {target.name}"
    d.ready(I_READY, target.name, route, f"P{t.priority}, Resolve By "
            f"{_stamp(t.resolve_by, d.ref.calendar.tz)}{', VIP' if t.vip else ''}.")


def _stamp(when: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    if when is None:
        return "-"
    return (when.astimezone(tz) if tz else when).strftime("%Y-%m-%d %H:%M %Z").strip()


def _priority_check(d: _Draft, team: Team) -> None:
    t, chart = d.t, d.ref.sla
    expected = chart.priority_for(t.impact, t.urgency)
    if t.priority == expected:
        d.find(I2, f"P{t.priority} matches the SLA chart (impact {t.impact} x urgency {t.urgency})")
        return
    if any(e.kind == "priority" for e in t.journal):
        d.find(I2, f"P{t.priority} was set by a supervisor (see the journal); not flagged again")
        return
    if "priority-review" in d.flags:
        d.find(I2, "priority already flagged for the supervisor")
        return
    why = (f"P{t.priority} ({chart.target(t.priority).name}) but impact {t.impact} x urgency "
           f"{t.urgency} gives P{expected} ({chart.target(expected).name}: "
           f"{chart.target(expected).description})")
    d.flag("priority-review", I2, f"supervisor to review: {why}")
    d.note(I2, f"Priority does not match the SLA chart: {why}. Flagged for {team.supervisor}; "
               "the supervisor decides (sdesk priority).")
    d.notify(I2, team.supervisor, "Priority review",
             f"The priority may not match the SLA chart: {why}.\nTo change it: sdesk priority "
             f"{t.id} {expected} --reason '...'\nTo keep it: sdesk priority {t.id} {t.priority} "
             "--reason '...'\n")


def _resolve_by_and_vip(d: _Draft) -> None:
    t = d.t
    if t.resolve_by is None:
        due = sla.resolve_by(t.opened_at, t.priority, d.ref)
        d.set(I3, f"Resolve By from the SLA chart for P{t.priority}", "resolve_by", due)
        return
    d.find(I3, f"Resolve By {_stamp(t.resolve_by, d.ref.calendar.tz)}; VIP {'yes' if t.vip else 'no'} "
               "(both order the assignment queue)")


_SERVICE_PATTERNS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _service_patterns(ref: Reference) -> list[tuple[str, re.Pattern[str]]]:
    found = _SERVICE_PATTERNS.get(ref.digest)
    if found is None:
        found = [(s, re.compile(rf"(?<![\w-]){re.escape(s)}(?![\w-])", re.IGNORECASE))
                 for team in ref.teams.values() for s in team.services]
        _SERVICE_PATTERNS[ref.digest] = found
    return found


def _separation(t: Ticket, ref: Reference, split: str) -> str:
    """More than one group or problem: the dispatcher said so (--split), or the title names
    services that belong to different teams. Only the title is read: descriptions mention
    "email" or "phone" in passing far too often."""
    if split:
        return f"the dispatcher says: {split}"
    named: dict[str, str] = {}
    for service, pattern in _service_patterns(ref):
        if pattern.search(t.title):
            for team in ref.teams_for_service(service):
                named.setdefault(team.name, service)
    if len(named) < 2:
        return ""
    parts = ", ".join(f"{service} ({team})" for team, service in sorted(named.items()))
    return f"the title names services of different teams: {parts}"


def _duplicate(d: _Draft) -> bool:
    """Same person, same subject: resolve this one as a duplicate of the first open report."""
    t, ctx = d.t, d.ctx
    mine = tokens(t.title)
    threshold = ctx.settings.similarity
    earlier: list[tuple[Peer, str]] = []
    later: list[str] = []
    for peer in ctx.view.from_requester(t.requester.email) if t.requester.email else []:
        if peer.id == t.id or peer.type != t.type:
            continue
        match = compare(mine, t.service, ctx.view.title_tokens(peer.id), peer.service, threshold)
        if not match.similar:
            continue
        if (peer.opened_at, peer.id) < (t.opened_at, t.id):
            earlier.append((peer, match.explain(threshold)))
        else:
            later.append(peer.id)
    if not earlier:
        if later:
            d.find(I5, f"later reports from {t.requester.email} on this subject ({', '.join(later)}) "
                       "are resolved as duplicates of this one when triaged")
        return False
    first, why = min(earlier, key=lambda pair: (pair[0].opened_at, pair[0].id))
    summary = (f"Resolved as a duplicate of {first.id}, which you reported earlier about the same "
               f"problem; we will keep you updated there.")
    d.set(I5, f"duplicate of {first.id}: {why}", "duplicate_of", first.id)
    d.set(I5, "duplicate resolved", "status", "resolved")
    d.set(I5, "duplicate resolved", "resolved_at", ctx.now)
    d.set(I5, "duplicate resolved", "resolution",
          Resolution(code="duplicate", summary=summary, by=ctx.actor))
    d.note(I5, f"Same person, same subject as {first.id} ({first.title!r}): {why}. "
               f"Resolved as its duplicate; work continues on {first.id}.")
    if t.requester.email:
        from sdesk.procedures import customer_update

        if t.first_response_at is None:
            d.set(I5, "first response: the resolution message", "first_response_at", ctx.now)
        d.plan.add(customer_update(t, f"Resolved as a duplicate: {t.title}", summary, rule=I5))
    return True


def _trend(d: _Draft, team: Team) -> None:
    """Many people, same problem: tell the supervisor, propose (or create) a parent case."""
    t, ctx = d.t, d.ctx
    if t.parent:
        d.find(I6, f"already a child of {t.parent}")
        return
    if not t.service:
        return
    mine = tokens(t.title)
    window = dt.timedelta(hours=ctx.settings.trend_window_hours)
    similar: list[Peer] = []
    for peer in ctx.view.on_service(t.service):
        if (peer.id == t.id or peer.type != "incident" or not peer.requester_email
                or abs(peer.opened_at - t.opened_at) > window):
            continue
        if compare(mine, t.service, ctx.view.title_tokens(peer.id), peer.service,
                   ctx.settings.similarity).similar:
            similar.append(peer)
    people = {p.requester_email for p in similar} | {t.requester.email.lower() or t.id}
    if len(people) < ctx.settings.trend_requesters:
        return
    ids = sorted(p.id for p in similar)
    why = (f"{len(people)} people report similar {t.service!r} incidents within "
           f"{ctx.settings.trend_window_hours:g} h (threshold {ctx.settings.trend_requesters}): "
           f"{', '.join([t.id, *ids])}")
    parents = sorted({p.parent for p in similar if p.parent})
    if parents:
        if ctx.create_parents:
            d.set(I6, f"{why}; the others are children of {parents[0]}", "parent", parents[0])
        else:
            d.find(I6, f"{why}; link it: sdesk relate {t.id} {parents[0]} --as parent")
        return
    told = "trend-reported" in d.flags or any("trend-reported" in p.flags for p in similar)
    if ctx.create_parents and ctx.new_id is not None:
        children = [Peer.of(t), *(p for p in similar if not p.parent)]
        made = parent_case(children, ctx.new_id, ctx.reference, ctx.now, ctx.actor, I6)
        d.plan.extend(made.actions)
        why += f"; parent case {made.actions[0].ticket} created"
    elif not told:
        d.find(I6, f"proposed parent case: sdesk parent new --from {' '.join([t.id, *ids])}")
    if not told or ctx.create_parents:
        d.flag("trend-reported", I6, "supervisor told of a possible trend")
        d.notify(I6, team.supervisor, "Possible trend: many people, same problem",
                 f"Possible trend or system problem: {why}.\n")
    else:
        d.find(I6, f"{why}; the supervisor was already told")


# ---- requests and cases ---------------------------------------------------------------------


def _request_kind(t: Ticket, ref: Reference) -> str:
    """hardware, software, or "" (neither): the category says so, else a named software
    means software, else a service of the Asset Team means hardware."""
    if t.category in ("hardware", "software"):
        return t.category
    if t.software:
        return "software"
    if t.service:
        if "software" in t.service.casefold():
            return "software"
        if any(team.kind == "asset" for team in ref.teams_for_service(t.service)):
            return "hardware"
    return ""


def _request(d: _Draft) -> None:
    t, ref = d.t, d.ref
    kind = _request_kind(t, ref)
    d.find(R1, f"a {kind} request" if kind else "neither hardware nor software")
    if kind == "hardware":
        d.ready(R2, ref.asset_team, "hardware: a quote or available inventory",
                f"Hardware request: reassigned to {ref.asset_team} for a quote or available "
                "inventory.")
        return
    if kind == "software":
        software = ref.software_named(t.software) if t.software else None
        if software is None or not software.approved:
            _software_form(d, software is None)
            return
        if software.licences is not None:
            used = (d.ctx.licences_in_use or {}).get(software.name, 0)
            free = software.licences - used
            if free <= 0:
                d.ready(R4, ref.inventory_team, "approved software with no licence free",
                        f"{software.name}: {software.licences} licences, {used} held by "
                        f"tickets, none free; to {ref.inventory_team} for a quote.")
                return
            d.find(R4, f"{software.name}: {free} of {software.licences} licences free")
        else:
            d.find(R4, f"{software.name}: site licence")
    target = _route_target(t, ref)
    name = target.name if target is not None else t.team
    d.ready(R5, name, f"{t.service!r} is provided by {name}", "")


def _software_form(d: _Draft, unlisted: bool) -> None:
    t = d.t
    what = t.software or "software not named"
    why = (f"{what!r} is not on the Standard Desktop Software List" if unlisted
           else f"{what!r} is listed but not approved")
    d.hand_back(R3, "software-form", f"{why}; a Software Request Form is needed", leads=True)
    text = (f"{what} needs a completed Software Request Form before it can be installed. "
            "Please fill in the form and send it to the Service Desk; we will continue as soon "
            "as it is approved.")
    d.note(R3, text, public=True)
    if t.first_response_at is None:
        d.set(R3, "first public response", "first_response_at", d.ctx.now)
    if t.requester.email:
        from sdesk.procedures import customer_update

        d.plan.add(customer_update(t, f"Software Request Form needed: {t.title}", text, rule=R3))


# ---- batch and the supervisor's priority ----------------------------------------------------


def triage_batch(tickets: Iterable[Ticket], ctx: TriageContext) -> Plan:
    """Triage in the order tickets were opened (so the first report of a subject is the one
    kept), each seeing what the plans before it decided."""
    plan = Plan()
    for ticket in sorted(tickets, key=lambda t: (t.opened_at, t.id)):
        one = triage_ticket(ticket, ctx)
        ctx.view.absorb(one)
        plan.extend(one.actions)
    return plan


def change_priority(ticket: Ticket, priority: int, reason: str, ref: Reference,
                    now: dt.datetime, actor: str) -> Plan:
    """The supervisor's decision on a priority (incident-2): recorded in the journal, Resolve By
    recomputed from the opening time (plus every paused span that has ended: holds, time
    resolved before a reopen; docs/sla.md), the review flag cleared."""
    rule = "incident-2 supervisor decides the priority"
    target = ref.sla.target(priority)
    due = sla.resolve_by_for(ticket, priority, ref)
    plan = Plan()
    if priority != ticket.priority:
        plan.add(SetField(ticket.id, rule, f"P{ticket.priority} -> P{priority}",
                          field="priority", value=priority))
    if due != ticket.resolve_by:
        plan.add(SetField(ticket.id, rule, f"Resolve By for P{priority}", field="resolve_by",
                          value=due))
        plan.add(SetField(ticket.id, rule, f"Respond By for P{priority}", field="respond_by",
                          value=sla.respond_by(ticket.opened_at, priority, ref)))
    if "priority-review" in ticket.flags:
        plan.add(SetField(ticket.id, rule, "priority reviewed", field="flags",
                          value=[f for f in ticket.flags if f != "priority-review"]))
    verb = "kept" if priority == ticket.priority else f"changed from P{ticket.priority} to"
    plan.add(AddEntry(ticket.id, rule, "journal", entry=JournalEntry(
        at=now, by=actor, kind="priority", rule=rule,
        text=f"Priority {verb} P{priority} ({target.name}): {reason}")))
    return plan
