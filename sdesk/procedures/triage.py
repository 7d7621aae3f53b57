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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sdesk.core import sla
from sdesk.core.model import Resolution, Ticket, journal_entry
from sdesk.core.reference import Reference, Team
from sdesk.procedures.judgements import says_another
from sdesk.procedures.lexicon import Words, words
from sdesk.procedures.on_site import follow_up_judged, on_site_judged
from sdesk.procedures.pair_model import Text
from sdesk.procedures.plan import (
    AddEntry,
    Finding,
    Notify,
    Plan,
    SetField,
    one_per_field,
    reassignment,
    set_field,
)
from sdesk.procedures.priority_chart import Standing, chart_priority
from sdesk.procedures.priority_fit import (
    FirstReport,
    priority_fit,
    proposed_priority,
    reports_again,
)
from sdesk.procedures.proposals import (
    REJECTED,
    at_resolution,
    flag,
    group_key,
    old_trend_told,
    pending,
    priority_decided,
    priority_standing,
    readable,
    service_recorded,
    settle,
    settled,
    trend_told,
    trend_told_team,
)
from sdesk.procedures.proposals import (
    named as named_proposals,
)
from sdesk.procedures.relations import Peer, is_parent_case, parent_case, settled_trend
from sdesk.procedures.run_mail import HAND_BACK, PRIORITY_REVIEW, RunMail, hold
from sdesk.procedures.similarity import (
    PeerView,
    TriageSettings,
    pair_match,
    trend_scores,
)
from sdesk.procedures.trend_groups import Groups, trend_groups
from sdesk.procedures.two_problems import Problems, problems_judged
from sdesk.procedures.words import title_is_evidence

I1 = "incident-1 agency and service supported"
I2 = "incident-2 priority matches SLA chart"
I3 = "incident-3 resolve by and VIP"
I4 = "incident-4 one group, one problem"
I5 = "incident-5 same person, same subject"
I6 = "incident-6 many people, same problem"
I_READY = "incident ready for assignment"
ON_SITE = "on site or remote (assignment reads it)"
REVIEW = "triage: the dispatcher's review of proposals"
TASKS = "tasks follow their parent"
SKIP = "triage: only unassigned new tickets"

HAND_BACK_FLAGS = ("unsupported", "needs-separation", "software-form", "needs-service")


@dataclass(frozen=True)
class TriageContext:
    """Everything triage may look at besides the ticket. `view` holds the other open tickets
    (from the index); `licences_in_use` counts, per software name, tickets holding a seat
    (Request-4; what holds a seat is defined in sdesk/store/queries.py, built by sdesk/store/contexts.py)."""

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
    separated: str = ""  # the ticket `sdesk split` separates now: its needs-separation ends
    seats_taken: dict[str, int] = field(default_factory=dict)  # seats this batch took
    cache: dict[str, Any] = field(default_factory=dict)  # per batch: the trend groups
    # a peer's description by ID (the index holds titles only): the priority check reads a
    # follow-up's first report whole (sdesk/store/contexts.py reads the file)
    description_of: Callable[[str], str] | None = None
    # any ticket by ID, resolved and closed ones too (`view` holds the open ones only): a
    # review reads the original an accepted duplicate proposal names (triage_review._accept)
    peer_of: Callable[[str], Peer | None] | None = None
    # when a peer's message was sent (its Date header, first_report.mail_sent; None for one not
    # opened by mail): one person's two mails are ordered by it (session 40)
    sent_of: Callable[[str], dt.datetime | None] | None = None


class _Draft:
    """The plan for one ticket as it is built; tracks flags and team so actions compose."""

    def __init__(self, ticket: Ticket, ctx: TriageContext) -> None:
        self.t, self.ctx, self.ref = ticket, ctx, ctx.reference
        self.plan = Plan()
        self.flags = list(ticket.flags)
        self.team = ticket.team
        self.similar: tuple[tuple[Peer, str, bool] | None, list[str]] | None = None
        self.held: list[str] = []  # hand-back flags lifted for --recheck
        self.still = False  # a re-check handed it back again for the same reason

    def set(self, rule: str, reason: str, name: str, value: object) -> None:
        self.plan.add(set_field(self.t.id, rule, reason, name, value))

    def note(self, rule: str, text: str, public: bool = False) -> None:
        entry = journal_entry(at=self.ctx.now, by=self.ctx.actor, text=text, kind="triage",
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

    def recheck(self, held: list[str], rule: str, reason: str) -> None:
        """Lift the hand-back flags `held` to run the rules again (`--recheck`, or a request's
        kind accepted): a rule that hands it back for the same reason says it is still handed
        back, and notifies nobody again (`hand_back`)."""
        self.held = held
        self.unflag(held, rule, reason)

    def move(self, team: str, rule: str, reason: str) -> None:
        """Change the owning team. Leaving the Service Desk (or no team yet:
        Reference.is_service_desk) is dispatch; any other move is a reassignment and counts a
        hop (the reassignments KPI)."""
        if team == self.team:
            return
        if not self.ref.is_service_desk(self.team):
            self.plan.add(reassignment(self.t, rule, "one more hop between teams"))
        self.set(rule, reason, "team", team)
        self.team = team

    def notify(self, rule: str, to: str, subject: str, body: str) -> Notify:
        note = Notify(self.t.id, rule, f"tell {to}", to=(to,), subject=subject,
                      body=_staff_body(self.t, body))
        self.plan.add(note)
        return note

    def find(self, rule: str, reason: str) -> None:
        self.plan.add(Finding(self.t.id, rule, reason))

    def propose(self, kind: str, key: str, rule: str, evidence: str) -> bool:
        """Propose a judgement (flag `proposed:KIND:KEY`, a note with the evidence) unless the
        dispatcher already accepted or rejected this very proposal or it is pending."""
        state = settled(self.flags, kind, key)
        if state:
            from sdesk.procedures.triage_review import proposal_named  # it imports this module

            self.find(rule, f"{kind} ({proposal_named(self.t, kind, key, self.ctx.view.peers)}) "
                            f"was {state} by the dispatcher; not proposed again")
            return False
        name = flag(kind, key)
        if name in self.flags:
            self.find(rule, f"proposal pending ({kind}): {evidence}")
            return False
        self.flag(name, rule, f"proposed: {evidence}")
        self.note(rule, f"Proposed ({kind}): {evidence}. Accept: sdesk triage {self.t.id} "
                        f"--accept {kind}; reject: sdesk triage {self.t.id} --reject {kind}.")
        return True

    def ready(self, rule: str, team: str, route: str, summary: str) -> None:
        if self.t.status == "triaged" and team == self.team:  # re-checked (--recheck): as it was
            self.find(rule, f"still ready for assignment in {team}")
            return
        if team != self.team:
            self.move(team, rule, route)
        self.set(rule, f"ready for assignment in {team}", "status", "triaged")
        self.note(rule, f"Pre-assignment analysis done: ready for assignment in {team}. "
                        f"{summary}".strip())

    def hand_back(self, rule: str, flag: str, why: str, leads: bool = True,
                  reason: str = "") -> bool:
        """The guide's "send it back to the Service Desk": note why, flag, notify the leads.
        A re-check (`--recheck`) that hands it back under the same flag for the reason already
        noted says so and notes and mails nothing again (fresh-user finding, session 28: every
        `triage --recheck --all` re-mailed the leads and the customer). `reason` is the part of
        `why` that names the reason (default: all of it): a note that begins with it is the
        same reason in other words (fresh-user finding, session 29: a rejected service proposal
        reworded "no service recorded; ..." and the leads were mailed again). Returns False
        then, True when it handed the ticket back (and told people)."""
        desk = self.ref.service_desk
        said = f"Handed back to {desk}: {why}"
        same = f"Handed back to {desk}: {reason}"
        before = next((e for e in reversed(self.t.journal) if e.kind == "triage" and (
            e.text.startswith(same) if reason else e.text == said)), None)
        if flag in self.held and before is not None:
            self.flags = [f for f in self.t.flags if f in self.flags or f == flag] + [
                f for f in self.flags if f not in self.t.flags]
            self.still = True
            self.set(rule, f"still handed back: {why}", "flags", list(self.flags))
            self.find(rule, f"still handed back: {why}; already notified "
                            f"{_stamp(before.at, self.ref.calendar.tz)}")
            return False
        self.move(desk, rule, f"back to {desk}: {why}")
        if self.t.status != "new":
            self.set(rule, "back in the Service Desk's unassigned queue", "status", "new")
        self.flag(flag, rule, why)
        self.note(rule, said)
        if leads:  # one mail to the leads per triage run (run_mail)
            hold(self.ctx.cache, HAND_BACK, self.notify(
                rule, self.ref.leads_email, f"Handed back to the Service Desk: {flag}",
                f"Handed back to {desk} by {self.ctx.actor}.\nReason: {why}\n"),
                (self.t, flag, why, desk, self.ctx.actor))
        return True


def _staff_body(t: Ticket, text: str) -> str:
    return (f"{text.rstrip()}\n\nTicket:    {t.id}\nTitle:     {t.title}\nType:      {t.type}\n"
            f"Service:   {t.service or '-'}\nAgency:    {t.requester.agency or '-'}\n"
            f"Priority:  P{t.priority}\nRequester: {t.requester.name or t.requester.email or '-'}\n")


def _team(ref: Reference, name: str) -> Team | None:
    wanted = name.casefold()
    return next((t for t in ref.teams.values() if t.name.casefold() == wanted), None)


# ---- single ticket --------------------------------------------------------------------------


def triage_ticket(ticket: Ticket, ctx: TriageContext) -> Plan:
    """The pre-assignment analysis of one ticket, in the guide's order. A new ticket, or with
    `ctx.recheck` a triaged one nobody holds yet: its judgements read again (after a corrected
    text withdrew the proposals read from the old one, session 37); the rules' route stands
    unless they route it elsewhere now."""
    d = _Draft(ticket, ctx)
    if ticket.type == "task":
        d.find(TASKS, _split_skipped(ticket) if ctx.split else "tasks are not triaged: a task "
               f"is worked by its parent's team ({ticket.parent or 'no parent'})")
        return d.plan
    again = ctx.recheck and ticket.status == "triaged" and not ticket.assignee
    if (ticket.status != "new" or ticket.assignee) and not again:
        who = f", assigned to {ticket.assignee}" if ticket.assignee else ""
        d.find(SKIP, _split_skipped(ticket) if ctx.split else
               f"nothing to do: status {ticket.status}{who}")
        return d.plan
    held = [f for f in ticket.flags if f in HAND_BACK_FLAGS]
    split = _split_step(ticket, ctx, held)
    if held and not ctx.recheck:
        if split == SPLIT_WAITING:  # recorded, not dropped unsaid
            _split(d)
            from sdesk.procedures.separation import rule_for

            d.find(rule_for(ticket), f"split recorded; still waiting for the Service Desk for "
                       f"{', '.join(held)} too (after fixing it: sdesk triage {ticket.id} "
                       "--recheck)")
            return d.plan
        d.find(SKIP, f"waiting for the Service Desk ({', '.join(held)}); fix the ticket, then "
                     "run triage with --recheck"
               + ("; --split not recorded: it is already handed back for separation"
                  if split == SPLIT_REFUSED else ""))
        return d.plan
    if "needs-separation" in held and ctx.separated != ticket.id:
        from sdesk.procedures.separation import rule_for

        d.find(rule_for(ticket), _separation_pending(ticket, ctx))
        return d.plan
    if held:
        d.recheck(held, SKIP, "re-checked after the Service Desk's changes")
    if ticket.type == "incident":
        _incident(d, split == SPLIT_AFTER_CHECKS)
    elif split == SPLIT_FIRST:
        if _route_needs_service(d):  # said as an incident's (incident-1), session 31
            from sdesk.procedures.triage_requests import R5

            _split_unserved(d, R5)
        _split(d)
    else:
        from sdesk.procedures.triage_requests import request

        request(d)
    if d.still and d.flags == list(ticket.flags):  # handed back again, flags as they were
        d.plan.actions = [a for a in d.plan.actions
                          if not (isinstance(a, SetField) and a.field == "flags")]
    return Plan(one_per_field(d.plan.actions))  # flags set once, with the value they end with


def _separation_pending(ticket: Ticket, ctx: TriageContext) -> str:
    """The plan line of `--recheck` on a ticket handed back `needs-separation`: it stays handed
    back until `sdesk split` separates it (which triages it again itself). Re-checking cleared
    the flag and, the separation being accepted (not proposed again), routed the two-problem
    ticket on (fresh-user issue 11, session 34)."""
    return (f"still handed back for separation: --recheck does not separate it; run sdesk split "
            f"{ticket.id} --title \"THE OTHER PROBLEM\" (--keep \"...\" corrects the title this "
            "one keeps): it logs the other problem and triages both"
            + ("; --split not recorded: it is already handed back for separation"
               if ctx.split else ""))


# What triage does with the dispatcher's --split on one ticket (`_split_step`).
NOT_SPLIT = ""  # no --split
SPLIT_REFUSED = "refused"  # already handed back for separation: not recorded again, said so
SPLIT_WAITING = "waiting"  # handed back for another reason, no --recheck: recorded, nothing else
SPLIT_FIRST = "first"  # a request or case: recorded instead of the request rules (with
# needs-service where their route needs the service: `_route_needs_service`)
SPLIT_AFTER_CHECKS = "after checks"  # an incident: recorded after incident-1 to -3 (or with
# incident-1's hand-back), instead of incident-4 to -6


def _split_skipped(ticket: Ticket) -> str:
    """The one line for the dispatcher's --split on a ticket triage does not look at (a task,
    a ticket not new or assigned): not recorded, why, and how to separate it instead
    (fresh-user finding, session 31: it was dropped without a word, exit 4)."""
    from sdesk.procedures.separation import refusal

    why = refusal(ticket)  # a task, a resolved or closed ticket: what to do instead
    if not why:
        state = (f"assigned to {ticket.assignee} ({ticket.status})" if ticket.assignee
                 else ticket.status)
        why = (f"{ticket.id} is {state}: triage hands back only unassigned new tickets; "
               f"separate the other problem with sdesk split {ticket.id} --title \"...\" "
               "(--keep \"...\" corrects the title this one keeps)")
    return f"--split not recorded: {why}"


def _split_step(ticket: Ticket, ctx: TriageContext, held: Sequence[str]) -> str:
    """Where the dispatcher's `--split` (`ctx.split`) is recorded on a ticket triage looks at
    (unassigned, status new, not a task; `held`: its hand-back flags), decided once a ticket:
    NOT_SPLIT without --split; SPLIT_REFUSED or SPLIT_WAITING when it is handed back and not
    re-checked (needs-separation already, or another reason: recorded too, fresh-user finding
    10, session 30); else SPLIT_AFTER_CHECKS for an incident (incident-1 to -3 run first: a
    missing service or an unsupported team hands it back with the split recorded after it)
    and SPLIT_FIRST for a request or case (before the request rules route it anywhere)."""
    if not ctx.split:
        return NOT_SPLIT
    if held and not ctx.recheck:
        return SPLIT_REFUSED if "needs-separation" in held else SPLIT_WAITING
    return SPLIT_AFTER_CHECKS if ticket.type == "incident" else SPLIT_FIRST


def _split(d: _Draft) -> None:
    """The dispatcher's `--split`: handed back for separation (incident-4), the reason noted.
    The leads are not mailed: the split is the Service Desk's own word, and the ticket waits in
    its queue flagged `needs-separation` (fresh-user finding 13, session 30: the desk mailed its
    leads about its own action). A ticket already handed back for another reason (no service)
    records the split too (finding 10: it was dropped without a word, exit 4), and a
    separation proposed while it waited is withdrawn: the dispatcher has decided (session 31).
    The rule is separation.rule_for's: incident-4 for an incident, the standard's "one problem
    per ticket" for a request or case (the guide's request steps have none; session 33)."""
    from sdesk.procedures.separation import rule_for

    rule = rule_for(d.t)
    d.hand_back(rule, "needs-separation", f"separate it: the dispatcher says: {d.ctx.split}",
                leads=False)
    proposed = [key for kind, key in pending(d.flags) if kind == "separation"]
    if proposed:  # proposed while it waited for its service: the dispatcher has decided
        said = ", ".join(f"separation ({readable(key)})" for key in proposed)
        d.unflag([flag("separation", key) for key in proposed], rule,
                 f"pending proposal withdrawn: {said}: the dispatcher's --split separates it")


def _split_unserved(d: _Draft, rule: str) -> None:
    """No service recorded on a ticket the dispatcher splits: handed back `needs-service` too
    (an incident's incident-1; a request's or case's request-5 when its route needs the
    service, `_route_needs_service`), but nothing is proposed and the leads are not mailed
    (fresh-user findings, session 31): the dispatcher has judged the problems (no separation
    proposed beside the split, no `--accept separation`), the service is the one of the
    problem the ticket keeps once separated (a service proposal accepted now would route a
    ticket waiting for its separation), and the split is the Service Desk's own word
    (`_split`). The services the title names are said."""
    from sdesk.procedures.two_problems import services_a_title_names

    named = ", ".join(services_a_title_names(d.t.title, d.ref))
    d.hand_back(rule, "needs-service", "no service recorded; " + (
        f"the text names {named}; " if named else "") + "once it is separated, set the "
        f"service of the problem it keeps: sdesk set {d.t.id} service=...", leads=False,
        reason="no service recorded;")


def _route_needs_service(d: _Draft) -> bool:
    """Whether the request steps would hand this request or case back for its service
    (triage_requests.route: no service and no team to route it, unless its kind routes it),
    asked of a copy of the draft: the dispatcher's --split records the split instead of
    running them."""
    from sdesk.procedures.request_kind import kind_judged
    from sdesk.procedures.triage_requests import route

    t = d.t
    if t.service:
        return False
    k = kind_judged(t.title, t.description, t.category, t.software, t.service, d.ref)
    trial = _Draft(t, replace(d.ctx, seats_taken=dict(d.ctx.seats_taken)))
    trial.flags, trial.held = list(d.flags), list(d.held)
    route(trial, k.kind if k.rule else "")
    return "needs-service" in trial.flags


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
    """(flag, why) when the owning team does not provide the service or support the agency
    (guide, incident-1). An e-mailed incident with no agency recorded whose sender's domain no
    agency lists (reference/agencies.toml `mail_domains`) is not on any Supported Agencies list
    and is handed back too (session 39: mail from okstate.edu was routed, the check skipped);
    a call or walk-in with no agency still skips the check (session 29)."""
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
    if not agency and t.channel == "email" and "@" in t.requester.email \
            and not ref.agency_for_address(t.requester.email):
        domain = t.requester.email.strip().lower().rpartition("@")[2]
        return "unsupported", (f"mail from {domain}, a domain no agency in "
                               f"reference/agencies.toml uses, so it is not on {team.name}'s "
                               f"Supported Agencies list (if the requester works for one of "
                               f"ours: sdesk set {t.id} agency=CODE)")
    return "", ""


def _incident(d: _Draft, split: bool = False) -> None:
    """incident-1 to -6 in the guide's order; with `split` (the dispatcher's --split,
    `_split_step`), the split is recorded after incident-1 to -3 instead of incident-4 to -6,
    and after incident-1's hand-back when the ticket is handed back there."""
    t, ref = d.t, d.ref
    from sdesk.procedures.request_reading import propose as propose_request

    if not _chases_a_request(d):  # session 39b: a chase of an open request is its duplicate
        propose_request(d)  # mail opens incidents; a request by mail is proposed as one
    if t.service:
        _withdraw_service_proposal(d)
    target = _route_target(t, ref)
    flag_name, why = _unsupported(t, target, ref)
    if flag_name == "needs-service" and split:
        _split_unserved(d, I1)
    elif flag_name == "needs-service":
        _needs_service(d, leads=not ref.is_service_desk(t.team))
        desk = _team(ref, ref.service_desk)
        # same person, same subject, and many people, same problem: a report awaiting its
        # service is still one (the trend: tester finding 6, session 38; the same person's
        # second mail "vpn still not connecting": a dispatcher's morning, session 39)
        if desk is not None and not _duplicate(d):
            _trend(d, desk)
    elif flag_name:
        d.hand_back(I1, flag_name, why)
    if flag_name:  # handed back (a service missing, a team that does not provide it): a
        if split:  # --split is recorded all the same
            _split(d)
        return
    assert target is not None
    if t.requester.agency:
        d.find(I1, f"{target.name} provides {t.service!r} and supports {t.requester.agency}")
    else:  # a parent case, a walk-in without an agency (fresh-user finding E1, session 29:
        # "... and supports no agency recorded")
        d.find(I1, f"{target.name} provides {t.service!r}; no agency recorded: the Supported "
                   "Agencies check is skipped")
    _priority_check(d, target)
    _priority_fit(d)
    _resolve_by_and_vip(d)
    if split:
        _split(d)
        return
    _separation(d)
    if _duplicate(d):
        return
    _trend(d, target)
    _on_site(d)
    _skills(d, t.service)
    route = f"{t.service!r} is provided by {target.name}"
    d.ready(I_READY, target.name, route, f"P{t.priority}, Resolve By "
            f"{_stamp(t.resolve_by, d.ref.calendar.tz)}{', VIP' if t.vip else ''}.")


def _withdraw_service_proposal(d: _Draft) -> None:
    """A service proposal still pending on a ticket that has a service (set before `sdesk
    set` settled it, session 30) is settled as `sdesk set` settles it
    (proposals.service_recorded): withdrawn, the recorded service is the dispatcher's, or
    accepted when it named that very service."""
    flags, taken, gone = service_recorded(d.flags, d.t.service)
    if flags == d.flags:
        return
    said = ", ".join(f"service ({readable(key)})" for key in gone)
    d.flags = flags
    d.set(I1, "; ".join([f"pending proposal withdrawn: {said}"] * bool(gone)
                        + [f"service ({readable(key)}) accepted: recorded as proposed"
                           for key in taken]), "flags", list(flags))
    for key in taken:
        d.note(I1, f"Service {d.t.service!r} is recorded, as proposed: the service proposal "
                   f"({readable(key)}) accepted.")
    if gone:
        d.note(I1, f"Service {d.t.service!r} is recorded, so the pending proposal is "
                   f"withdrawn: {said}.")


def _needs_service(d: _Draft, rule: str = I1, leads: bool = True) -> None:
    """No service recorded: handed back to the Service Desk under `rule` (an incident's
    incident-1; a request whose route needs the service, request-5: triage_requests.route),
    the leads told when `leads`, and when the title names exactly one service a team provides
    (as the one-problem rule reads services), that service is proposed (`service`, never
    applied: the dispatcher decides); several are named in the hand-back, none proposed
    (fresh-user finding, session 29: "VPN wont connect" was handed back `needs-service` with
    nothing said of the VPN). An incident's title naming two problems (incident-4) says so in
    the same hand-back, with the separation proposed now, not once a service is set
    (`_two_problems_unserved`; fresh-user finding, session 30); a request's steps have no
    separation (triage_requests names what its route does not take)."""
    from sdesk.procedures.two_problems import service_hint

    t = d.t  # an incident's title is judged once here (`_separation` takes it)
    judged = problems_judged(t.title, d.ref) if rule == I1 else None
    learned = judged[1] if judged is not None else ""
    if judged is not None and judged[0].two_or_more:
        _two_problems_unserved(d, judged)
        return
    service, hint = service_hint(t.id, t.title, d.ref)
    if service and rule != I1:  # a request: a service of the other kind is not proposed
        from sdesk.procedures.triage_requests import kind_clash

        clash = kind_clash(d, service)
        if clash:
            service, hint = "", f"{hint.split(': accept with ')[0]}, {clash}"
    if service and settled(d.flags, "service", service) == REJECTED:
        hint = (f"{hint.split(': accept with ')[0]} (the proposal was rejected): set the "
                f"service with sdesk set {t.id} service=...")
    why = f"no service recorded; {hint}" if hint else \
        "no service recorded; set the service so it can be routed"
    if learned and not settled(d.flags, "separation", "title"):
        why += (f"; the title may name two problems: a separation is proposed too (sdesk "
                f"triage {t.id} --accept separation)")
    d.hand_back(rule, "needs-service", why, leads=leads, reason="no service recorded;")
    if service:
        d.propose("service", service, rule, f"no service recorded; "
                                            f"{hint.split(': accept with ')[0]}")
    if judged is not None:  # an incident
        _separation(d, judged)


def _two_problems_unserved(d: _Draft, judged: tuple[Problems, str]) -> None:
    """No service recorded and a title whose clauses name problems of two services or more
    ("printer jammed + cant log into peoplesoft"): the hand-back names every service and says
    a separation is proposed, and the separation is proposed now (`_separation`), no service:
    accepting the one service the finder read routed half the ticket, and the separation came
    only after it (fresh-user finding, session 30). Once the separation is rejected (one
    problem after all), the services are named for the dispatcher to set the one it is
    about. `judged`: the title's `problems_judged`, two or more problems."""
    t, services = d.t, judged[0].services
    named = ", ".join(services)
    if settled(d.flags, "separation", "+".join(sorted(services))) == REJECTED:
        why = (f"the title names {named} (the separation was rejected): set the one it is "
               f"about with sdesk set {t.id} service=...")
    else:
        why = (f"the title names {len(services)} problems ({named}): a separation is "
               f"proposed, no service (one ticket a problem, each then with its own service): "
               f"sdesk triage {t.id} --accept separation")
    d.hand_back(I1, "needs-service", f"no service recorded; {why}",
                reason="no service recorded;")
    _separation(d, judged)


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
    decided = [e for e in t.journal if e.kind == "priority"]
    if decided:
        from sdesk.core.ticketdoc import PARENT_RAISE_RULE

        # the rule's priority is "raised" only when above the chart's: a parent of P4
        # reports with P3's impact and urgency was set to its child's, not raised (session 33)
        who = ("set by a supervisor" if decided[-1].rule != PARENT_RAISE_RULE
               else "raised to its most urgent child's" if t.priority < expected
               else "set to its most urgent child's")
        d.find(I2, f"P{t.priority} was {who} (see the journal); not flagged again")
        return
    if "priority-review" in d.flags:
        d.find(I2, "priority already flagged for the supervisor")
        return
    why = (f"P{t.priority} ({chart.target(t.priority).name}) but impact {t.impact} x urgency "
           f"{t.urgency} gives P{expected} ({chart.target(expected).name}: "
           f"{chart.target(expected).description})")
    _flag_priority(d, team, why, expected)


def _flag_priority(d: _Draft, team: Team | None, why: str, expected: int,
                   mail: bool = True) -> str:
    """Flag priority-review, note why and mail the owning team's supervisor: the supervisor
    decides (sdesk priority); triage never changes the priority. Returns the supervisor;
    without `mail` the caller mails once for several tickets (`priority_review_notice`)."""
    t = d.t
    supervisor = team.supervisor if team is not None else d.ref.team(d.ref.service_desk).supervisor
    d.flag("priority-review", I2, f"supervisor to review: {why}")
    d.note(I2, f"Priority does not match the SLA chart: {why}. Flagged for {supervisor}; "
               "the supervisor decides (sdesk priority).")
    if mail:  # one mail to each supervisor per triage run (run_mail)
        hold(d.ctx.cache, PRIORITY_REVIEW, d.notify(I2, supervisor, PRIORITY_SUBJECT,
                                                    _priority_lines(t, why, expected)),
             (t, why, expected))
    return supervisor


PRIORITY_SUBJECT = "Priority review"


def _priority_lines(t: Ticket, why: str, expected: int) -> str:
    return (f"The priority may not match the SLA chart: {why}.\nTo change it: sdesk priority "
            f"{t.id} {expected} --reason '...'\nTo keep it: sdesk priority {t.id} {t.priority} "
            "--reason '...'\n")


def priority_review_notice(supervisor: str, flagged: list[tuple[Ticket, str, int]],
                           run: str = "review") -> Notify:
    """One mail to `supervisor` about the tickets `flagged` for a priority review in one
    command run ((ticket, why, expected priority), the first is the mail's ticket): as
    `_flag_priority`'s for one ticket; for several, each ticket's ID, title, why and the two
    commands (fresh-user finding, session 30: four y answers in one review mailed the same
    supervisor four times)."""
    first = flagged[0][0]
    if len(flagged) == 1:
        body = _staff_body(first, _priority_lines(*flagged[0]))
    else:
        body = (f"The priority may not match the SLA chart on {len(flagged)} tickets flagged "
                f"in one {run}:\n")
        for t, why, expected in flagged:
            said = _priority_lines(t, why, expected).rstrip().replace("\n", "\n  ")
            body += f"\n{t.id} {t.title}\n  {said}\n"
    return Notify(first.id, I2, f"tell {supervisor}", to=(supervisor,), subject=PRIORITY_SUBJECT,
                  body=body)


def _priority_fit(d: _Draft) -> None:
    """Priority against the work: the text (affected users, agency-wide words, a deadline, a
    VIP) compared with the SLA chart's descriptions, a follow-up read by its first report, the
    first reports of a problem many people report by their links (priority_fit.proposed_priority,
    what the corpus measure scores), or, with `chart_priority` in sdesk.toml, all of that weighed
    with the words by the chart model (priority_chart.chart_priority); a different priority is
    proposed. A parent case is not read: its priority is its most urgent child's and a child's
    stronger pending proposal is carried to it (relations.parent_case); its own text is
    generated ("Parent: ...", "Parent case for 5 reports"), and reading it withdrew the carried
    proposal (tester finding, session 36).
    An intake misfit flagged for the supervisor's review (`_priority_check`) is read too: a
    level more urgent than both the logged and the matrix level is proposed beside the flag, for
    the supervisor to see (tester finding, session 36: "Whole agency cannot send email" logged P4
    against the matrix's P3 was flagged and its text never read); a reading between or below
    them adds nothing to the review.
    """
    t = d.t
    if any(e.kind == "priority" for e in t.journal) or is_parent_case(t):
        return

    def first_report() -> FirstReport | None:  # the same person's first report, read whole
        first = _similar_reports(d)[0]
        if first is None:
            return None
        said = d.ctx.description_of(first[0].id) if d.ctx.description_of else ""
        return (first[0].id, priority_fit(first[0].title, said, t.vip, d.ref), first[0].title,
                said)

    def standing() -> Standing | None:  # where the first report's priority stands
        first = _similar_reports(d)[0]
        held = None if first is None else priority_standing(first[0].flags, first[0].priority)
        return None if first is None or held is None else (first[0].id, *held)

    if d.ctx.settings.chart_priority:
        fit = chart_priority(t.title, t.description, t.vip, t.priority, d.ref, first_report,
                             lambda: _linked_reports(d), d.ctx.settings.trend_requesters,
                             standing=standing)
    else:
        fit = proposed_priority(t.title, t.description, t.vip, t.priority, d.ref, first_report,
                                lambda: _linked_reports(d), d.ctx.settings.trend_requesters)
    matrix = d.ref.sla.priority_for(t.impact, t.urgency)
    if "priority-review" in d.flags and (fit.priority or 5) >= min(t.priority, matrix):
        return
    _supersede_priority(d, None if fit.priority == t.priority else fit.priority)
    if fit.priority is None or fit.priority == t.priority:
        return
    name = d.ref.sla.target(fit.priority).name
    also = (f" (impact {t.impact} x urgency {t.urgency} give P{matrix}, flagged for review)"
            if matrix != t.priority else "")
    d.propose("priority", f"P{fit.priority}", I2,
              f"the text describes P{fit.priority} ({name}), the ticket is P{t.priority}"
              f"{also}: {fit.evidence}; the supervisor decides")


def _supersede_priority(d: _Draft, level: int | None) -> None:
    """A pending priority proposal of another level than the one read now (`level`, None: no
    proposal) is withdrawn: a re-check reads what it knows now (more people report it, the
    text was corrected), and a ticket carries one pending priority proposal (session 35: the
    chart model's P2 and a re-check's P3 were both pending)."""
    flags, gone = settle(d.flags, lambda kind, key: kind == "priority" and key != f"P{level}")
    if not gone:
        return
    said = named_proposals(gone)
    d.flags = flags
    d.set(I2, f"pending proposal withdrawn: {said}: the priority is read again",
          "flags", list(flags))
    d.note(I2, f"The pending proposal is withdrawn: {said}; the priority was read again "
               + (f"and reads P{level}." if level else "and reads no other priority."))


def _linked_reports(d: _Draft) -> tuple[list[str], int]:
    """Other people's open incidents that the trend model links to this one at
    `priority_trend` (read among its trend group, within the window, at most LINKS_READ; the
    first report of each person), in opening order, and how many of those people reported it
    before this one. Scores are kept per batch by title and service (ctx.cache)."""
    t, ctx = d.t, d.ctx
    window = dt.timedelta(hours=ctx.settings.trend_window_hours)
    me, mine = t.requester.email.lower(), None
    kept: dict[tuple[str, ...], float] = ctx.cache.setdefault("priority-links", {})
    people: dict[str, tuple[dt.datetime, str]] = {}
    rejected = rejected_trend_reports(t)
    for peer in _trend_group(d)[0][:LINKS_READ]:
        if peer.requester_email in people or peer.requester_email == me or peer.id in rejected or abs(
                peer.opened_at - t.opened_at) > window:
            continue
        key = (t.title, t.service, peer.title, peer.service)
        if key not in kept:
            mine = mine or _text(d)
            kept[key] = trend_scores(mine, ctx.view.text_of(peer.id, d.ref))[0]
        if kept[key] >= ctx.settings.priority_trend:
            people[peer.requester_email] = (peer.opened_at, peer.id)
    before = sum(1 for seen in people.values() if seen < (t.opened_at, t.id))
    return [pid for _, pid in sorted(people.values())], before


def rejected_trend_reports(t: Ticket) -> set[str]:
    """The reports of the trends the dispatcher rejected on `t` (its `rejected:trend:KEY` flags,
    each KEY the `group_key` of the IDs its proposal named after "--from"): not counted again
    as people reporting the same problem (`_linked_reports`; session 36)."""
    keys = {f.split(":", 2)[2] for f in t.flags if f.startswith("rejected:trend:")}
    if not keys:
        return set()
    found: set[str] = set()
    for entry in t.journal:
        if entry.text.startswith("Proposed (trend): ") and "--from " in entry.text:
            ids = entry.text.split("--from ", 1)[1].split(".")[0].split()
            if group_key(ids) in keys:
                found.update(ids)
    found.discard(t.id)
    return found


LINKS_READ = 50  # trend-group members a priority check compares at most


def _on_site(d: _Draft, kind: str = "") -> None:
    """On site or remote: the text says the work needs someone there (no power, cabling, a
    jam, install at the desk), and the request's `kind` is not software (installed remotely):
    proposed for the dispatcher to confirm. A follow-up of the same person's first report
    (`_followed_up`) is not proposed on the learned model's guess: when that report is on site,
    or in the hand rule's words (on_site.follow_up_judged)."""
    t = d.t
    if not t.remote:
        return
    first = _followed_up(d)
    if first is None:
        said = on_site_judged(t.title, t.description, d.ref, kind)
    else:  # a follow-up: the first report's decision stands (not the model's guess)
        said = follow_up_judged(first.id, first.title, first.flags, d.ref, t.title,
                                t.description)
        if not said:
            d.find(ON_SITE, f"not proposed on site: a follow-up of {first.id}, which is not on "
                            "site (that report's decision stands)")
            return
    if said:
        d.propose("on-site", "text", ON_SITE, f"{said}: work on site (remote = false)")


def _followed_up(d: _Draft) -> Peer | None:
    """The first report an incident follows up: its title reports again ("any update? phones
    still dead": priority_fit.reports_again) and triage proposed it as that report's
    duplicate (same person, same subject: `_duplicate`)."""
    if not reports_again(d.t.title):
        return None
    key = next((k for kind, k in pending(d.flags) if kind == "duplicate"), "")
    return d.ctx.view.peers.get(key) if key else None


def _skills(d: _Draft, service: str, rule: str = I_READY) -> None:
    """The skills the service usually needs (service catalogue), named for the dispatcher
    under `rule` (the incident's or the request's "ready for assignment")."""
    info = d.ref.service_info(service) if service else None
    if info is not None and info.skills and not d.t.skills:
        d.find(rule, f"{info.name} usually needs: {', '.join(info.skills)} (to require them: "
                   f"sdesk set {d.t.id} skills={','.join(info.skills)})")


def _resolve_by_and_vip(d: _Draft) -> None:
    t = d.t
    if t.resolve_by is None:
        due = sla.resolve_by(t.opened_at, t.priority, d.ref)
        d.set(I3, f"Resolve By from the SLA chart for P{t.priority}", "resolve_by", due)
        return
    d.find(I3, f"Resolve By {_stamp(t.resolve_by, d.ref.calendar.tz)}; VIP {'yes' if t.vip else 'no'} "
               "(both order the assignment queue)")


def _separation(d: _Draft, judged: tuple[Problems, str] | None = None) -> None:
    """One group, one problem: two clauses that each name a problem of a different service
    ("Printer offline; VPN also not connecting"), or services of two teams sharing one "both
    ... down", are proposed for separation. One clause naming a device and a service ("Laptop
    can't connect to VPN") is one problem. `judged`: the title's `problems_judged` when the
    caller has it already (`_needs_service`: the title is judged once a ticket)."""
    found, learned = judged if judged is not None else problems_judged(d.t.title, d.ref)
    if learned:
        d.propose("separation", "title", I4, f"the title may name two problems (the learned "
                                            f"model: {learned})")
        return
    if not found.two_or_more:
        return
    parts = "; ".join(found.clauses)
    d.propose("separation", "+".join(sorted(found.services)), I4,
              f"the title names {len(found.services)} problems ({', '.join(found.services)}): "
              f"{parts}")


def _earliest_similar(d: _Draft) -> tuple[Peer, str, bool] | None:
    """The first earlier report from the same requester on the same subject
    (`_similar_reports`); later ones are named in a finding."""
    t = d.t
    best, later = _similar_reports(d)
    if best is None and later:
        which = "other" if any(" " in x for x in later) else "later"
        d.find(I5, f"{which} reports from {t.requester.email} on this subject ({', '.join(later)}) "
                   "are proposed as duplicates of this one when triaged")
    return best


def _similar_reports(d: _Draft) -> tuple[tuple[Peer, str, bool] | None, list[str]]:
    """The first open report from the same requester on the same subject (the person model's
    probability at least `similarity`, or the word rule's score at least `auto_duplicate`),
    with the explanation and whether the rule allows it without asking, and the later reports;
    computed once per draft (the priority check reads it for a follow-up).

    A ticket is a duplicate only of one logged before it. opened_at is stored to the second
    and IDs are random, so sdesk has no creation order within a second: a peer logged in the
    same second is the original only if its ID sorts first (deterministic, not "earlier"),
    and such a pair is never resolved without asking (the flag is False)."""
    if d.similar is not None:
        return d.similar
    t, ctx = d.t, d.ctx
    mine = _text(d)
    threshold, auto = ctx.settings.similarity, ctx.settings.auto_duplicate
    best: tuple[Peer, str, bool] | None = None
    later: list[str] = []
    # a title without words of its own ("(no subject)") is no evidence of a subject (session 39)
    asked = t.requester.email if title_is_evidence(t.title) else ""
    asks = _asks_by_mail(d)
    from sdesk.procedures.first_report import mail_sent, order

    sent, best_tie = mail_sent(t), False
    for peer in ctx.view.from_requester(asked) if asked else []:
        if peer.id == t.id or not _comparable(t, peer, asks) or not title_is_evidence(
                peer.title):
            continue
        theirs = ctx.sent_of(peer.id) if ctx.sent_of is not None and sent is not None else None
        before = order(peer.opened_at, theirs, sent, peer.id) < order(t.opened_at, sent,
                                                                       theirs, t.id)
        if says_another(t.title if before else peer.title):  # the later says "also ..."
            continue
        sim = pair_match("person", mine, ctx.view.text_of(peer.id, d.ref), d.ref)
        if sim.probability < threshold and sim.rule < auto:
            continue
        tie = peer.opened_at == t.opened_at and (theirs is None or theirs == sent)
        if not before:
            later.append(peer.id + (" logged in the same second" if tie else
                                    " sent later" if peer.opened_at == t.opened_at else ""))
        elif best is None or (peer.opened_at, peer.id) < (best[0].opened_at, best[0].id):
            best = (peer, sim.explain(threshold) + (
                f"; sent first ({theirs:%H:%M} by its Date header)" if not tie
                and peer.opened_at == t.opened_at and theirs is not None else ""),
                    sim.rule >= auto)
            best_tie = tie
    if best is not None and best_tie:
        best = (best[0], f"{best[1]}; {_SAME_SECOND.format(peer=best[0].id, at=t.opened_at)}",
                False)
    d.similar = (best, later)
    return d.similar


def _asks_by_mail(d: _Draft) -> bool:
    """Whether the draft is an e-mailed incident that reads as a request (the one triage
    proposes as a request: request_reading.propose)."""
    t = d.t
    if t.type != "incident" or t.channel != "email":
        return False
    from sdesk.procedures.request_reading import reads_as_request

    return reads_as_request(t.title, t.description, d.ref) is not None


def _comparable(t: Ticket, peer: Peer, asks: bool) -> bool:
    """Whether `peer` may be `t`'s same-person, same-subject report: one of its type; and, when
    `t` is an e-mailed incident that reads as a request (`asks`: mail always opens an
    incident), the same person's earlier open request too (session 39b: "when will Visio be
    installed?" while their Visio REQ is open is a chase, not a second request taking a
    second licence seat). Only then: on the 33 tuning files the person matcher's precision
    on same-person incident/request pairs is 0.07 (docs/triage.md, "Session 39b")."""
    if peer.type == t.type:
        return True
    return asks and peer.type == "request" and (peer.opened_at, peer.id) < (t.opened_at, t.id)


def _chases_a_request(d: _Draft) -> bool:
    """Whether the draft's first same-person, same-subject report is a request (`_comparable`)
    whose duplicate proposal was not rejected: then the duplicate is proposed and the request
    proposal is not (a rejected one brings the request proposal back)."""
    first = _similar_reports(d)[0]
    return (first is not None and first[0].type == "request"
            and settled(d.flags, "duplicate", first[0].id) != "rejected")


_SAME_SECOND = ("logged in the same second as {peer} ({at:%Y-%m-%d %H:%M:%S}), so which came "
                "first is unknown: {peer} is kept as the first by ID order, and only proposed")


def _words(d: _Draft) -> Words:
    if d.t.id in d.ctx.view.peers and d.ctx.view.peers[d.t.id].title == d.t.title:
        return d.ctx.view.words_of(d.t.id, d.ref)
    return words(d.t.title, d.ref)


def _text(d: _Draft) -> Text:
    if d.t.id in d.ctx.view.peers and d.ctx.view.peers[d.t.id].title == d.t.title:
        return d.ctx.view.text_of(d.t.id, d.ref)
    from sdesk.procedures.pair_model import shipped

    return shipped("person").read(d.t.title, _words(d), d.t.service)


def _duplicate(d: _Draft) -> bool:
    """Same person, same subject: related at once to the first report; resolved as its
    duplicate without asking only when `automatic_duplicates` is on (off by default since
    session 28: no rule earned precision 0.95 on each writer left out while applying for a new
    writer, docs/triage.md) and the word rule scores at least `auto_duplicate`, else
    proposed."""
    found = _earliest_similar(d)
    if found is None:
        return False
    first, why, sure = found
    t, settings = d.t, d.ctx.settings
    if first.id not in t.related and not settled(d.flags, "duplicate", first.id):
        d.set(I5, f"related at once to {first.id}: {why}", "related", [*t.related, first.id])
    if sure and settings.automatic_duplicates and not settled(d.flags, "duplicate", first.id):
        resolve_duplicate(d, first.id, first.title,
                          f"{why}; word rule at or above auto_duplicate "
                          f"{settings.auto_duplicate:.2f}, so without asking")
        return True
    if sure:  # "VPN still down" after "VPN down": the customer's follow-up, not closed unasked
        why += (f"; word rule at or above auto_duplicate {settings.auto_duplicate:.2f}, "
                f"proposed: automatic_duplicates is off")
    d.propose("duplicate", first.id, I5, f"same person, same subject as {first.id} "
                                         f"({first.title!r}): {why}")
    return False


def resolve_duplicate(d: _Draft, first_id: str, first_title: str, why: str) -> None:
    """Resolve the draft's ticket as a duplicate of `first_id` and tell the customer (the
    public resolution only)."""
    t, ctx = d.t, d.ctx
    peer = ctx.view.peers.get(first_id)
    when = ("which you reported earlier" if peer is not None and peer.opened_at < t.opened_at
            else "which you reported at the same time" if peer is not None
            and peer.opened_at == t.opened_at else "your other report")
    summary = (f"Resolved as a duplicate of {first_id}, {when} about the same problem; we will "
               f"keep you updated there.")
    d.set(I5, f"duplicate of {first_id}: {why}", "duplicate_of", first_id)
    d.note(I5, f"Same person, same subject as {first_id} ({first_title!r}): {why}. "
               f"Resolved as its duplicate; work continues on {first_id}.")
    # resolved as `sdesk resolve` resolves (a hold ended, nothing pending or waiting stays),
    # with the flags as this draft has them (the duplicate's own proposal accepted)
    from sdesk.procedures.resolve import resolved

    d.plan.extend(resolved(replace(t, flags=list(d.flags)),
                           Resolution(code="duplicate", summary=summary, by=ctx.actor),
                           ctx.now, ctx.actor, d.ref, "duplicate resolved", I5))
    d.flags = at_resolution(d.flags)[0]
    if t.requester.email:
        from sdesk.procedures.notes import customer_update

        if t.first_response_at is None:
            d.set(I5, "first response: the resolution message", "first_response_at", ctx.now)
        d.plan.add(customer_update(t, f"Resolved as a duplicate: {t.title}", summary, rule=I5))


def _trend(d: _Draft, team: Team) -> None:
    """Many people, same problem: every open incident in the window (any service) grouped with
    this one through similar titles. When `automatic_trends` is on (off by default since
    session 28) and the word rule's links at `auto_trend` alone make the group, the supervisor
    is told without asking; otherwise it is proposed. A parent case is proposed (or made with
    --create-parents)."""
    t, ctx = d.t, d.ctx
    if t.parent:
        d.find(I6, f"already a child of {t.parent}")
        return
    weak, strong = _trend_group(d)
    need = ctx.settings.trend_requesters
    people = {p.requester_email for p in weak} | {t.requester.email.lower() or t.id}
    if len(people) < need:
        return
    ids = sorted(p.id for p in weak)
    linked: dict[str, str] = ctx.cache.get("trend_why", {})
    why = (f"{len(people)} people report similar incidents within "
           f"{ctx.settings.trend_window_hours:g} h (threshold {need}): "
           + ", ".join(f"{i} ({linked[i]})" if i in linked else i for i in [t.id, *ids]))
    parents = sorted({p.parent for p in weak if p.parent})
    if parents:
        if ctx.create_parents:
            d.set(I6, f"{why}; the others are children of {parents[0]}", "parent", parents[0])
        else:
            d.find(I6, f"{why}; link it: sdesk relate {t.id} {parents[0]} --as parent")
        return
    told = "trend-reported" in d.flags or any("trend-reported" in p.flags for p in weak)
    me = replace(Peer.of(t), team=team.name, flags=tuple(d.flags))
    teams = trend_teams(d.ref, [me, *weak])
    informed = told_teams(d.ref, [me, *weak])
    sure = len({p.requester_email for p in strong} | {t.requester.email.lower() or t.id}) >= need
    if ctx.create_parents and ctx.new_id is not None:
        # this ticket's flags as the draft has them, and settled with the others' by the parent
        children = [replace(Peer.of(t), flags=tuple(d.flags)),
                    *(p for p in weak if not p.parent)]
        made = parent_case(children, ctx.new_id, ctx.reference, ctx.now, ctx.actor, I6)
        d.plan.extend(made.actions)
        d.flags = settled_trend(d.flags)
        tell_trend(d, teams, why + f"; parent case {made.actions[0].ticket} created")
    elif told and team.name.casefold() not in informed:
        # the group's trend was told to other teams' supervisors, not to this ticket's
        # (fresh-user finding, session 30: a VPN report routed after an Email-and-VPN trend
        # was accepted said "already told", and Network Services never heard of it)
        before = ", ".join(sorted(n.name for n in d.ref.teams.values()
                                  if n.name.casefold() in informed)) or "another team"
        tell_trend(d, [team], f"{why}; {before} told before")
        d.find(I6, f"{why}; {supervisor_of(d.ref, team)} ({team.name}) told now, the "
                   f"supervisor of {before} was already told")
    elif told:
        d.find(I6, f"{why}; the supervisor was already told")
    elif sure and ctx.settings.automatic_trends:
        d.find(I6, f"proposed parent case: sdesk parent new --from {' '.join([t.id, *ids])}")
        tell_trend(d, teams, f"{why} (score at or above auto_trend "
                             f"{ctx.settings.auto_trend:.2f}, so without asking)")
    else:
        off = (f" (the word rule at auto_trend {ctx.settings.auto_trend:.2f} links them; "
               f"proposed: automatic_trends is off)" if sure else "")
        d.propose("trend", _supersede_trend(d, group_key([t.id, *ids])), I6,
                  f"{why}{off}; parent case: sdesk parent new --from {' '.join([t.id, *ids])}")


def _supersede_trend(d: _Draft, key: str) -> str:
    """A pending trend proposal on other reports than the group has now (`key`) is withdrawn:
    the group changed (a report joined, one was resolved), and the new proposal replaces it.
    Tester 39b, section 12: a ticket triaged again (its service accepted) kept the old
    proposal beside the new one; `show` printed two identical lines and accepting wrote two
    identical notes. Returns `key`."""
    flags, gone = settle(d.flags, lambda kind, k: kind == "trend" and k != key)
    if not gone:
        return key
    d.flags = flags
    d.set(I6, "the earlier trend proposal is withdrawn: the group's reports changed", "flags",
          list(flags))
    from sdesk.procedures.triage_review import proposal_named  # it imports this module

    said = ", ".join(proposal_named(d.t, "trend", k) for _, k in gone)
    d.note(I6, f"Proposal withdrawn: the earlier trend proposal ({said}): its reports are not "
               "the group's now; the trend is proposed again on the reports as they are.")
    return key


TREND_SUBJECT = "Possible trend: many people, same problem"


def tell_trend(d: _Draft, teams: Sequence[Team | None], why: str, mail: bool = True) -> None:
    """Mail the supervisors of `teams` about a possible trend, once per team (flags
    trend-reported and `trend-told:TEAM` per team told). `mail=False`: only the flags; the
    caller mails once for several tickets (`trend_notice`)."""
    d.flag("trend-reported", I6, "supervisor told of a possible trend")
    for one in teams:
        name = one.name if one is not None else d.ref.service_desk
        d.flag(trend_told(name), I6, f"{name}'s supervisor told of the trend")
    if mail:
        to = tuple(dict.fromkeys(supervisor_of(d.ref, one) for one in teams))
        d.plan.add(Notify(d.t.id, I6, f"tell {', '.join(to)}", to=to, subject=TREND_SUBJECT,
                          body=_staff_body(d.t, f"Possible trend or system problem: {why}.\n")))


def supervisor_of(ref: Reference, team: Team | None) -> str:
    """Who is told of a trend: the owning team's supervisor, else the Service Desk's."""
    return team.supervisor if team is not None else ref.team(ref.service_desk).supervisor


def trend_teams(ref: Reference, reports: Iterable[Peer]) -> list[Team | None]:
    """The teams whose supervisors a trend's mail goes to: every team the group's reports are
    logged against or will be routed to (its service's team for a Service Desk report, the
    service it is proposed for a report without one), in the reports' order; the Service Desk
    (None) when none is known (fresh-user finding, session 30: the one mail of an Email-and-VPN
    group went to the Email supervisor only)."""
    out: dict[str, Team | None] = {}
    for p in reports:
        one = _report_team(ref, p)
        if one is not None:
            out.setdefault(one.name.casefold(), one)
    return list(out.values()) or [None]


def _report_team(ref: Reference, p: Peer) -> Team | None:
    current = _team(ref, p.team)
    if current is not None and current.kind != "service-desk":
        return current
    service = p.service or next((readable(key) for kind, key in pending(p.flags)
                                 if kind == "service"), "")
    providers = ref.teams_for_service(service) if service else []
    return providers[0] if providers else None


def told_teams(ref: Reference, reports: Iterable[Peer]) -> set[str]:
    """The teams (casefolded names) whose supervisors were told of a trend of `reports`: the
    `trend-told:TEAM` flags (proposals.trend_told_team; a flag written before session 33 names
    the team whose old form it is, `old_trend_told`, as well); a report flagged
    trend-reported before session 30 (no such flag) told its own team's."""
    names = [ref.service_desk, *(team.name for team in ref.teams.values())]
    old = {old_trend_told(name).casefold(): name.casefold() for name in names}
    out: set[str] = set()
    for p in reports:
        named = {team.casefold() for team in map(trend_told_team, p.flags) if team is not None}
        named |= {old[f.casefold()] for f in p.flags if f.casefold() in old}
        if not named and "trend-reported" in p.flags:
            own = _report_team(ref, p)
            named = {(own.name if own is not None else ref.service_desk).casefold()}
        out |= named
    return out


def trend_notice(first: Ticket, to: Iterable[str], why: str, accepted: list[str]) -> Notify:
    """One mail to the supervisors of a trend accepted on the tickets `accepted` (IDs, `first`
    among them) in one command run, about `first` (the mail's ticket) and naming them all: as
    `tell_trend`'s for one ticket, a line naming the others for several."""
    body = f"Possible trend or system problem: {why}.\n"
    if len(accepted) > 1:
        body += (f"Accepted on {len(accepted)} tickets of this trend in one review: "
                 f"{', '.join(accepted)}.\n")
    told = tuple(dict.fromkeys(to))
    return Notify(first.id, I6, f"tell {', '.join(told)}", to=told, subject=TREND_SUBJECT,
                  body=_staff_body(first, body))


def _trend_group(d: _Draft) -> tuple[list[Peer], list[Peer]]:
    """The open incidents grouped with this one (other requesters' reports, transitively)
    through titles scoring at least trend_similarity (weak) and at least auto_trend (strong),
    each link between two incidents opened within trend_window_hours of each other."""
    t, view = d.t, d.ctx.view
    groups = d.ctx.cache.get("trend")
    if groups is None or t.id not in view.peers:
        groups = d.ctx.cache["trend"] = _trend_groups(d)
    out = []
    for root_of, members in groups:
        mine = root_of.get(t.id)
        out.append([view.peers[i] for i in members[mine] if i != t.id and i in view.peers]
                   if mine else [])
    return out[0], out[1]


def _trend_groups(d: _Draft) -> tuple[Groups, Groups]:
    """Every open incident's group, weak and strong, once per batch (trend_groups.trend_groups);
    the ticket being triaged included when the view does not hold it. Each linked ticket's
    reason is kept for the evidence (`trend_why`)."""
    view = d.ctx.view
    extra = (Peer.of(d.t), _text(d)) if d.t.id not in view.peers and d.t.type == "incident" \
        else None
    weak, strong, why = trend_groups(view, d.ref, d.ctx.settings, extra)
    d.ctx.cache["trend_why"] = why
    return weak, strong


# ---- batch and the supervisor's priority ----------------------------------------------------


def triage_batch(tickets: Iterable[Ticket], ctx: TriageContext) -> Plan:
    """Triage in the order tickets were opened (so the first report of a subject is the one
    kept), each seeing what the plans before it decided."""
    plan = Plan()
    for one in triage_each(sorted(tickets, key=lambda t: (t.opened_at, t.id)), ctx):
        plan.extend(one.actions)
    return plan


def triage_each(tickets: Iterable[Ticket], ctx: TriageContext) -> Iterator[Plan]:
    """`triage_batch` one ticket at a time: each ticket's plan as soon as it is made (the view
    has absorbed it), for a caller that reads the tickets as it goes (issue 17). The caller
    gives them in opening order, (opened_at, id); the plans joined are `triage_batch`'s. The
    leads' and supervisors' mail goes once per person, in the last plan (run_mail.RunMail)."""
    mail, last = RunMail(ctx.cache), None
    for ticket in tickets:
        one = triage_ticket(ticket, ctx)
        ctx.view.absorb(one)
        mail.take(one)
        if last is not None:
            yield last
        last = one
    if last is not None:
        last.extend(mail.notices(last))
        yield last


# The rule a supervisor's priority decision names: the guide's incident-2 for an incident; the
# guide's request steps (request-1 to -5) have no priority step, so a request's or a case's
# names the standard's "categorized and prioritized" (fresh-user finding, session 28).
DECIDES = {"incident": "incident-2 supervisor decides the priority"}
DECIDES_OTHER = "standard: the supervisor decides the priority"


def priority_refusal(ticket: Ticket, email: str, ref: Reference, who: str = "") -> str:
    """Why the person with `email` (`who`: how to name them, default the e-mail) may not
    decide `ticket`'s priority, or "" when they may. The guide's "notify your supervisor to
    determine if the priority needs to be changed" (incident-2) makes it a supervisor's
    decision, and a supervisor is whoever reference/teams.toml names as a team's
    `supervisor` (any team's: one person supervises several, and stands in for another).
    The refusal names the owning team's supervisor and the documented way to record their
    decision (`--actor 'Name <e-mail>'`: the commit's author and the journal say it was
    theirs; docs/triage.md, "Who decides the priority")."""
    wanted = email.strip().casefold()
    if any(team.supervisor.casefold() == wanted for team in ref.teams.values()
           if team.supervisor):
        return ""
    team = next((t for t in ref.teams.values() if t.name == ticket.team), None)
    team = team or ref.teams.get(ref.service_desk)
    whose = (f"; {team.name}'s supervisor is {team.supervisor}: to record their decision, "
             f"--actor 'Name <{team.supervisor}>'" if team is not None and team.supervisor
             else "")
    return (f"the priority is a supervisor's decision (guide incident-2) and {who or email} "
            f"supervises no team in reference/teams.toml{whose}")


def change_priority(ticket: Ticket, priority: int, reason: str, ref: Reference,
                    now: dt.datetime, actor: str) -> Plan:
    """The supervisor's decision on a priority (incident-2; for a request or case the
    standard's, `DECIDES_OTHER`): recorded in the journal, Resolve By
    recomputed from the opening time (plus every paused span that has ended: holds, time
    resolved before a reopen; docs/sla.md), the review flag cleared, and a proposed priority
    the decision overrules marked rejected (`proposals.priority_decided`). Who may decide:
    `priority_refusal`. A moved Resolve By is told to the customer (keeping_informed)."""
    rule = DECIDES.get(ticket.type, DECIDES_OTHER)
    target = ref.sla.target(priority)
    due = sla.resolve_by_for(ticket, priority, ref)
    plan = Plan()
    if priority != ticket.priority:
        plan.add(SetField(ticket.id, rule, f"P{ticket.priority} -> P{priority}",
                          field="priority", value=priority))
    if due != ticket.resolve_by:
        plan.add(SetField(ticket.id, rule, f"Resolve By for P{priority}", field="resolve_by",
                          value=due))
    # Respond By apart from Resolve By: a hand edit may move one alone (session 39); none
    # for an internal ticket (a parent case: nobody to respond to)
    respond = sla.respond_by_for(ticket, priority, ref)
    if respond is not None and respond != ticket.respond_by:
        plan.add(SetField(ticket.id, rule, f"Respond By for P{priority}", field="respond_by",
                          value=respond))
    flags, overruled = priority_decided(ticket.flags, priority)
    if flags != ticket.flags:
        plan.add(SetField(ticket.id, rule, "priority reviewed" + "".join(
            f"; proposed {p} rejected by {actor}" for p in overruled), field="flags",
            value=flags))
    verb = "kept" if priority == ticket.priority else f"changed from P{ticket.priority} to"
    against = "".join(f", the proposed {p} rejected" for p in overruled)
    plan.add(AddEntry(ticket.id, rule, "journal", entry=journal_entry(
        at=now, by=actor, kind="priority", rule=rule,
        text=f"Priority {verb} P{priority} ({target.name}){against}: {reason}")))
    from sdesk.procedures.keeping_informed import priority_told  # a moved date (session 40)

    plan.extend(priority_told(ticket, priority, due, now, actor, ref.calendar.tz))
    return plan
