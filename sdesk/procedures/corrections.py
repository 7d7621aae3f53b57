"""What a correction sets in motion (`sdesk set`, `sdesk edit`; sdesk/procedures/editing.py
records the corrections themselves): a routed ticket whose service changed goes to the team that
provides the new service, and a changed impact or urgency puts the priority against the matrix
again, as triage would (dispatcher guide incident-1 and incident-2). docs/triage.md, "Correcting
a ticket".

Pure: the ticket as it was, the corrected values, the reference data in; a Plan and the lines the
correction's journal entry adds out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sdesk.core.errors import ValidationError
from sdesk.core.model import Ticket
from sdesk.core.reference import Reference
from sdesk.procedures.plan import (
    Assign,
    Finding,
    Notify,
    Plan,
    Route,
    SetField,
    SetStatus,
    reassignment,
)

ROUTE = "incident-1 agency and service supported"  # sdesk.triage.I1: the service's team owns it
REQUEST_ROUTE = "request-5 ready for assignment"  # sdesk.triage_requests.R5, the same for requests
PRIORITY = "incident-2 priority matches SLA chart"  # sdesk.triage.I2
# A request's or case's: the guide's request steps (request-1 to -5) have no priority check, so
# the standard's "categorized and prioritized" (an incident rule named it; fresh-user finding,
# session 28)
REQUEST_PRIORITY = "standard: priority matches SLA chart"
ROUTED_BY_KIND = ("asset", "inventory")  # request-2 / request-4 route by the request's kind


def consequences(ticket: Ticket, corrected: Mapping[str, Any], ref: Reference,
                 force: bool = False, now: dt.datetime | None = None, actor: str = ""
                 ) -> tuple[Plan, list[str], Plan]:
    """What the corrections (editable field -> new value) set in motion, as the dispatcher
    guide would (actions and findings; sdesk.procedures.editing.correct sets the fields):

    - a new service on a routed ticket (status triaged or later, open): the team that provides
      it owns it (incident-1). Unassigned: routed there (a hop). Assigned: refused unless
      `force`, then routed there unassigned, in that team's queue. The Asset Team and Inventory
      Control keep requests (routed by kind, request-2/-4). A team that does not support the
      requester's agency: handed back to the Service Desk (flag `unsupported`). A new ticket is
      routed by triage; a resolved one is only corrected.
    - a new impact or urgency on an open ticket: the priority checked against the impact x
      urgency matrix again (incident-2); when it no longer fits, flagged `priority-review` for
      the owning team's supervisor, who decides (`sdesk priority`). Fitting again clears the
      flag.
    - a stated category or on-site/remote settles the pending proposal it answers, and a
      corrected title or description withdraws the proposals read from the old text, one
      journal entry each (dated `now`, by `actor`), in the plan after the correction's entry
      (sdesk/procedures/stated.py; session 37).

    Returns the plan, the lines the correction's journal entry adds, and what the plan says
    last, after that entry: what to run next (a new ticket's service set: `sdesk triage ID
    --recheck` routes it; fresh30b finding 13: it read as done). Raises
    ValidationError (one line) for an assigned ticket's re-route without `force`."""
    plan, flags, last = Plan(), list(ticket.flags), Plan()
    notes: list[str] = []
    by_field = dict(corrected)
    team = ticket.team
    withdrew = False
    if "service" in by_field:
        withdrew = _settle_service_proposals(notes, flags, by_field["service"])
        team = _reroute(plan, notes, last, flags, ticket, by_field["service"],
                        by_field.get("agency"), ref, force)
    elif by_field.get("agency"):
        team = _recheck_agency(plan, notes, last, flags, ticket, by_field["agency"], ref, force)
    if "impact" in by_field or "urgency" in by_field:
        _recheck_priority(plan, notes, flags, ticket, by_field.get("impact", ticket.impact),
                          by_field.get("urgency", ticket.urgency), team, ref)
    _text_proposals(ticket, flags, notes, last, by_field, now, actor)
    if "category" in by_field:
        _category_route(notes, last, ticket, by_field["category"])
    if flags != ticket.flags:
        routed = withdrew or ("unsupported" in flags) != ("unsupported" in ticket.flags)
        reviewed = ("priority-review" in flags) != ("priority-review" in ticket.flags)
        rule = (REQUEST_ROUTE if ticket.type in ("request", "case") else ROUTE) if routed \
            else _priority_rule(ticket) if reviewed else CORRECTED
        plan.add(SetField(ticket.id, rule, "the flags after the correction", field="flags",
                          value=flags))
    return plan, notes, last


CORRECTED = "standard: correct the ticket"  # editing.RULE: a proposal settled by a correction


def _text_proposals(t: Ticket, flags: list[str], notes: list[str], last: Plan,
                    by_field: Mapping[str, Any], now: dt.datetime | None, actor: str) -> None:
    """The pending proposals a correction answers (a stated category, on site or remote:
    settled, a line in `notes`) and those it makes stale (a corrected title or description:
    withdrawn, one journal entry each, first in `last`; a new ticket's next step said too)."""
    from sdesk.procedures.stated import CORRECTED as WHY
    from sdesk.procedures.stated import settle_stated, withdraw_read_from_text

    notes += settle_stated(t, flags, by_field)
    fields = [f for f in ("title", "description") if f in by_field]
    if not fields:
        return
    entries: list[Any] = withdraw_read_from_text(t, flags, fields, WHY, now or t.opened_at,
                                                 actor)
    said = any(isinstance(a, Finding) for a in last.actions)
    if entries and t.status == "new" and not said:
        entries.append(Finding(t.id, CORRECTED, f"proposals read from the old text withdrawn: "
                                                f"sdesk triage {t.id} --recheck reads the new "
                                                "text"))
    last.actions[:0] = entries


def _category_route(notes: list[str], last: Plan, t: Ticket, category: str) -> None:
    """A triaged request or case nobody holds yet was routed by the request steps on its old
    category (request-1: hardware to the Asset Team, software through the list and the
    licences); a correction does not route it again by the new one, so the journal and the
    plan's last line say so and name the command that does (`--recheck` reads a triaged
    ticket nobody holds again; session 38: the correction was silent and the request stayed
    where the old category sent it)."""
    if t.type not in ("request", "case") or t.status != "triaged" or t.assignee or \
            category == t.category:
        return
    old = repr(t.category) if t.category else "none"
    notes.append(f"The route ({t.team}) was decided on the old category ({old}): sdesk triage "
                 f"{t.id} --recheck routes it by {category!r}")
    last.add(Finding(t.id, REQUEST_ROUTE, f"routed to {t.team} on the old category ({old}), "
                                          f"not by {category!r}: run sdesk triage {t.id} "
                                          "--recheck"))


def _settle_service_proposals(notes: list[str], flags: list[str], service: str) -> bool:
    """A service set by hand settles triage's pending service proposal (incident-1): the
    dispatcher chose the service, so the proposal is withdrawn (its flag dropped, the journal
    says so), as a resolution withdraws pending proposals. Left pending, accepting it later
    overwrote the dispatcher's service without routing the ticket again (fresh-user finding
    1, session 30). The service the proposal named is the proposal carried out by hand:
    recorded accepted, not withdrawn (a journal that read as a rejection: fresh30b finding
    13). True when one was settled."""
    from sdesk.procedures.proposals import readable, service_recorded

    settled, taken, gone = service_recorded(flags, service)
    flags[:] = settled
    for key in taken:
        notes.append(f"Service set to {service!r} by hand, as proposed: the service proposal "
                     f"({readable(key)}) accepted (set by hand)")
    if gone:
        said = ", ".join(f"service ({readable(key)})" for key in gone)
        notes.append(f"Service set to {service!r}, so the pending proposal is withdrawn: {said}"
                     if service else
                     f"Service cleared, so the pending proposal is withdrawn: {said}")
    return bool(gone or taken)


def _reroute(plan: Plan, notes: list[str], last: Plan, flags: list[str], t: Ticket,
             service: str, agency: str | None, ref: Reference, force: bool) -> str:
    """Route `t` to the team of its corrected service (see `consequences`); the owning team
    after the plan. A new ticket's next step (triage routes it) goes in `last`."""
    rule = REQUEST_ROUTE if t.type in ("request", "case") else ROUTE
    if t.type == "task":
        plan.add(Finding(t.id, rule, "a task is worked by its parent's team: not routed"))
        return t.team
    if t.status == "new":
        held = [f for f in t.flags if f in ("needs-service", "unsupported")]
        again = " --recheck" if held else ""
        last.add(Finding(t.id, rule, f"not routed yet: triage routes it to the team that "
                                      f"provides {service!r}: run sdesk triage {t.id}{again}"))
        return t.team
    if not t.is_open:
        plan.add(Finding(t.id, rule, f"{t.status}: the service is corrected in the record; "
                                      "not routed"))
        return t.team
    owner = next((team for team in ref.teams.values() if team.name == t.team), None)
    if owner is not None and owner.provides(service):
        plan.add(Finding(t.id, rule, f"{owner.name} provides {service!r}: it stays there"))
        return t.team
    if owner is not None and owner.kind in ROUTED_BY_KIND and t.type == "request":
        plan.add(Finding(t.id, rule, f"{owner.name} owns this request by its kind "
                                      "(request-2/-4), not its service: not routed (sdesk "
                                      f"escalate {t.id} --to TEAM moves it)"))
        return t.team
    provider = ref.teams_for_service(service)[0]  # ref.service() checked one provides it
    agency = t.requester.agency if agency is None else agency
    supported = not agency or provider.supports_agency(agency)
    target = provider.name if supported else ref.service_desk
    if t.assignee and not force:
        raise ValidationError(
            f"{t.id} is assigned to {t.assignee}: {service!r} is {provider.name}'s, so the "
            f"correction routes it to {target} unassigned; add --force to do so")
    if t.assignee:
        plan.add(Assign(t.id, rule, f"{t.assignee} hands it on: the new service is "
                                     f"{provider.name}'s", value=""))
    if owner is None or owner.kind != "service-desk":
        plan.add(reassignment(t, rule, "a correction's re-route counts as a reassignment"))
    if supported:
        plan.add(Route(t.id, rule, f"{service!r} is provided by {provider.name}",
                       value=provider.name))
        if t.status != "triaged" and not t.on_hold:
            plan.add(SetStatus(t.id, rule, f"in {provider.name}'s unassigned queue",
                               value="triaged"))
        taken = f", taken from {t.assignee}" if t.assignee else ""
        notes.append(f"Re-routed {t.team} -> {provider.name}: {service!r} is provided by "
                     f"{provider.name}{taken}")
        return provider.name
    _hand_back(plan, notes, flags, t, rule, f"Service corrected to {service!r}",
               f"{agency} is not on {provider.name}'s Supported Agencies list", ref)
    return ref.service_desk


def _recheck_agency(plan: Plan, notes: list[str], last: Plan, flags: list[str], t: Ticket,
                    agency: str, ref: Reference, force: bool) -> str:
    """incident-1's Supported Agencies check for a corrected agency, as for a corrected
    service (`_reroute`): a routed open ticket whose owning team does not support the new
    agency is handed back to the Service Desk (unassigned, flag `unsupported`, the leads told),
    an assigned one only with `force`; the owning team after the plan. A new ticket is
    checked by triage (one handed back `unsupported`: `last` says to re-check it); the
    Service Desk, a task's team and a resolved ticket are not checked.
    Before, the agency was changed and the ticket stayed with a team that would have handed
    a new ticket for that agency back (fresh-user issue 11, session 34)."""
    rule = REQUEST_ROUTE if t.type in ("request", "case") else ROUTE
    owner = next((team for team in ref.teams.values() if team.name == t.team), None)
    if t.status == "new" and "unsupported" in t.flags:
        last.add(Finding(t.id, rule, f"not routed yet: triage checks the Supported Agencies "
                                      f"again: run sdesk triage {t.id} --recheck"))
    if (t.type == "task" or t.status == "new" or not t.is_open or owner is None
            or owner.kind == "service-desk"):
        return t.team
    if owner.supports_agency(agency):
        plan.add(Finding(t.id, rule, f"{owner.name} supports {agency}: it stays there"))
        return t.team
    why = f"{agency} is not on {owner.name}'s Supported Agencies list"
    if t.assignee and not force:
        raise ValidationError(
            f"{t.id} is assigned to {t.assignee}: {why}, so the correction hands it back to "
            f"{ref.service_desk} unassigned; add --force to do so")
    if t.assignee:
        plan.add(Assign(t.id, rule, f"{t.assignee} hands it on: {why}", value=""))
    plan.add(reassignment(t, rule, "a correction's hand-back counts as a reassignment"))
    _hand_back(plan, notes, flags, t, rule, f"Agency corrected to {agency}", why, ref)
    return ref.service_desk


def _hand_back(plan: Plan, notes: list[str], flags: list[str], t: Ticket, rule: str,
               corrected: str, why: str, ref: Reference) -> None:
    """The guide's "send it back to the Service Desk" (as triage's hand-back): unassigned
    queue, flag `unsupported`, the leads told (`corrected`: what the correction was)."""
    plan.add(Route(t.id, rule, f"back to {ref.service_desk}: {why}", value=ref.service_desk))
    plan.add(SetStatus(t.id, rule, "back in the Service Desk's unassigned queue", value="new"))
    if "unsupported" not in flags:
        flags.append("unsupported")
    taken = f" (taken from {t.assignee})" if t.assignee else ""
    notes.append(f"Handed back to {ref.service_desk}{taken}: {why}")
    plan.add(Notify(t.id, rule, f"tell {ref.leads_email}", to=(ref.leads_email,),
                    subject="Handed back to the Service Desk: unsupported",
                    body=f"{t.id} {t.title}\n{corrected}: {why}.\n"))


def seat_rules(t: Ticket, by: Mapping[str, Any], ref: Reference,
                in_use: Mapping[str, int] | None) -> None:
    """request-4's licence rules on a correction (editing.changes calls it), with one notion
    of holding a seat (core/seats.holds_seat: what `sdesk software` counts, flag or not). A request holding a
    seat keeps its software and its kind: another title, or making it a hardware request
    (category hardware, a hardware service), is refused: the seat would move, or stay with a
    request that needs none, unchecked; log a new request. One holding none that a new
    software title would make hold one (assigned or later) gets triage's checks: unlisted or
    unapproved refused (request-3: a Software Request Form), none free refused (`in_use`:
    seats held per catalogue name). ValidationError, one line. Before (fresh-user issue 11,
    session 34) only the `licence-seat` flag was read, so a seat counted without it moved with
    no check, and a kind correction kept the seat."""
    from sdesk.core.seats import holds_seat

    code = t.resolution.code if t.resolution is not None else ""
    if holds_seat(t.type, t.status, t.software, t.flags, code, t.team, ref.inventory_team):
        where = f"{t.id} holds a {t.software} licence seat (sdesk software counts it)"
        if "software" in by:
            raise ValidationError(f"{where}; a different title needs the licence check "
                                  "again: log a new request for it")
        info = ref.service_info(by["service"]) if by.get("service") else None
        if by.get("category") == "hardware" or (info is not None and info.kind == "hardware"):
            raise ValidationError(
                f"{where}; a hardware request holds none: log a new request for the "
                f"hardware, and resolve {t.id} withdrawn to give the seat back")
        return
    software = by.get("software", "")
    if not software or not holds_seat(t.type, t.status, software, t.flags, code, t.team,
                                      ref.inventory_team):
        return
    from sdesk.procedures.triage_requests import licence_verdict

    verdict, listed, why = licence_verdict(software, ref, in_use or {})
    if verdict in ("unlisted", "unapproved"):
        raise ValidationError(f"{why}: {t.id} ({t.status}) would hold a seat of it unchecked; a "
                              "Software Request Form is needed (request-3): log a new request "
                              "for it")
    if verdict == "none-free" and listed is not None:
        used = (in_use or {}).get(listed.name, 0)
        raise ValidationError(f"no {listed.name} licence free ({used} of {listed.licences} "
                              f"held): {t.id} ({t.status}) would take one unchecked; log a new "
                              f"request (triage sends it to {ref.inventory_team} for a quote)")


def _priority_rule(t: Ticket) -> str:
    """The rule a priority check names: incident-2 for an incident, the standard's otherwise."""
    return PRIORITY if t.type == "incident" else REQUEST_PRIORITY


def _recheck_priority(plan: Plan, notes: list[str], flags: list[str], t: Ticket, impact: int,
                      urgency: int, team_name: str, ref: Reference) -> None:
    """The priority against the matrix for the corrected impact and urgency (`consequences`)."""
    rule = _priority_rule(t)
    if not t.is_open:
        plan.add(Finding(t.id, rule, f"{t.status}: priority not checked again"))
        return
    chart = ref.sla
    expected = chart.priority_for(impact, urgency)
    flagged = "priority-review" in flags
    if expected == t.priority:
        plan.add(Finding(t.id, rule, f"P{t.priority} matches the SLA chart for impact "
                                         f"{impact} x urgency {urgency}"))
        if flagged:
            flags.remove("priority-review")
            notes.append(f"P{t.priority} fits impact {impact} x urgency {urgency} again: the "
                         "priority review flag is cleared")
        return
    # the priority is the supervisor's (sdesk priority): the output says it stays, in so many
    # words, and why (fresh-user finding 4, session 29: "urgency=1 left P3" read as a bug)
    why = (f"priority stays P{t.priority} ({chart.target(t.priority).name}): impact {impact} x "
           f"urgency {urgency} now gives P{expected} ({chart.target(expected).name})")
    was = chart.priority_for(t.impact, t.urgency)
    if flagged and was == expected:
        plan.add(Finding(t.id, rule, f"{why}; already flagged for the supervisor's decision "
                                     f"(sdesk priority {t.id} {expected} --reason '...')"))
        return
    team = next((x for x in ref.teams.values() if x.name == team_name), None)
    supervisor = (team or ref.team(ref.service_desk)).supervisor
    if flagged:  # the supervisor was told P{was}; the matrix now gives another level: told
        # again, with the command for the new one (session 36: the mail named the old level)
        notes.append(f"Priority review: impact {impact} x urgency {urgency} now gives "
                     f"P{expected}, not P{was}; {supervisor} is told again.")
        plan.add(Finding(t.id, rule, f"{why}, not P{was}; already flagged: {supervisor} is told "
                                     f"again (sdesk priority {t.id} {expected} --reason '...')"))
    else:
        flags.append("priority-review")
        notes.append(f"Priority does not match the SLA chart: {why}. Flagged for {supervisor}; "
                     "the supervisor decides (sdesk priority).")
        plan.add(Finding(t.id, rule, f"{why}; the supervisor decides: flagged for {supervisor} "
                                         f"(sdesk priority {t.id} {expected} --reason '...')"))
    plan.add(Notify(t.id, rule, f"tell {supervisor}", to=(supervisor,),
                    subject="Priority review",
                    body=f"{t.id} {t.title}\nCorrected: {why}.\nTo change it: sdesk priority "
                         f"{t.id} {expected} --reason '...'\nTo keep it: sdesk priority {t.id} "
                         f"{t.priority} --reason '...'\n"))
