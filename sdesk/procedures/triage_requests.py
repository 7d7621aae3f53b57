"""Triage of service requests and cases (dispatcher guide: SERVICE REQUEST PRE-ASSIGNMENT
ANALYSIS): hardware or software, the Standard Desktop Software List, licence seats. Part of
the pure triage procedure (sdesk/procedures/triage.py builds the draft; this module adds its actions).

Only deterministic evidence routes a request by its kind without asking (request-1): the
category, an explicit software, the logged service's kind in the service catalogue, a product
on the Standard Desktop Software List named in the text. A kind read from other words ("need a
new webcam") measured 0.94 precision held out, under the 0.95 an automatic action needs, so it
is proposed (docs/triage.md, "Proposals"). A request whose route needs the service it was
logged without is handed back for it, the service its title names proposed, as an incident is
(`route`); what a title asks for beyond its route is named, never proposed for separation
(`_also_names`: the request steps have no separation step).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from sdesk.core.seats import SEAT_FLAG
from sdesk.procedures.proposals import flag, pending
from sdesk.procedures.request_kind import Kind, kind_judged, not_routed, software_named

if TYPE_CHECKING:
    import datetime as dt

    from sdesk.core.model import Ticket
    from sdesk.core.reference import Reference, Software
    from sdesk.procedures.plan import Action
    from sdesk.procedures.triage import _Draft

R1 = "request-1 hardware or software"
R2 = "request-2 hardware to asset team"
R3 = "request-3 software not on the list"
R4 = "request-4 no licence free"
R5 = "request-5 ready for assignment"
# flag: this request passed the licence check and holds a seat (the one name core/seats.py,
# the index's seat count and the corrections read)
SEAT = SEAT_FLAG


def request(d: _Draft) -> None:
    """Hardware goes to the Asset Team; software not on the list (or not approved) back for a
    Software Request Form; approved software with no licence free to Inventory Control; the
    rest ready. The kind comes from the category, the software, the service's kind in the
    catalogue or a Standard Desktop Software List product the text names (rules: applied); a
    kind read from other words of the title or description is a judgement: proposed (`kind`,
    key hardware/software) and the request is routed as neither until the dispatcher accepts
    it. A software the text names is recorded. On site is proposed where the text says the
    work needs someone there, as for incidents (the corpora label requests too)."""
    t, ref = d.t, d.ref
    k = kind_judged(t.title, t.description, t.category, t.software, t.service, ref)
    judged = k.kind  # applied or proposed: on site reads it (a software request is remote)
    if k.kind and not k.rule:  # read from words only: a judgement, proposed (module docstring)
        d.propose("kind", k.kind, R1, f"a {k.kind} request? the {k.source} says so "
                                      f"({k.evidence}); no rule decides it (no category, "
                                      "software, service of that kind or listed product)")
        k = Kind("", k.source, f"{k.kind} proposed, not applied")
    elif k.kind:  # a rule decides it now (the service accepted since): a kind proposed
        # before is no longer the dispatcher's to answer
        stale = [flag("kind", key) for kind, key in pending(d.flags) if kind == "kind"]
        d.unflag(stale, R1, f"the kind proposal is withdrawn: a rule decides it ({k.evidence})")
    d.find(R1, f"a {k.kind} request ({k.evidence})" if k.kind
           else f"neither hardware nor software ({k.evidence})")
    _also_names(d, judged)
    from sdesk.procedures.triage import _on_site

    _on_site(d, judged)  # a cable to run, a PC to move, a screen to swap: as for incidents
    route(d, k.kind)


def _also_names(d: _Draft, kind: str) -> None:
    """Two requests in one ("new hire needs laptop and AD account"): what the title also asks
    for that the route of `kind` (applied or proposed) does not take is named in the plan
    (request_kind.not_routed). Not proposed for separation: the guide's request steps have no
    "multiple groups or problems" step (incident-4 is an incident step), and each request is
    routed by one kind (docs/triage.md, "Two requests in one")."""
    others = not_routed(d.t.title, kind, d.t.service, d.ref)
    if others:
        said = ", ".join(f"{n.said} ({n.kind or n.service})" for n in others)
        read = f"a {kind} request" if kind else "neither hardware nor software"
        logged = f", logged {d.t.service}" if d.t.service else ""
        d.find(R1, f"also names {said}: this request is read as {read}{logged}, so its route "
                   "does not take it; log it as a request of its own, its SLA from this one's "
                   f"opening: sdesk split {d.t.id} --title \"...\" -t request")


def kind_clash(d: _Draft, service: str) -> str:
    """Why the service a request's title names is not proposed, or "": the service's kind
    (hardware or software, service catalogue) is not the kind request-1 proposed for it, or
    its category says ("install new monitor drivers": hardware proposed from 'monitor',
    Software Install named by 'install'). The kind proposal stands, the service is not
    proposed: accepting both routed the request twice, as hardware then again (fresh-user
    finding, session 35: the plan set the status to 'triaged' twice)."""
    info = d.ref.service_info(service)
    if info is None or info.kind not in ("hardware", "software"):
        return ""
    proposed = next((key for kind, key in pending(d.flags) if kind == "kind"), "")
    read = proposed or (d.t.category if d.t.category in ("hardware", "software") else "")
    if not read or read == info.kind:
        return ""
    how = (f"--accept kind routes it as {read}" if proposed else f"category {read}")
    return (f"a {info.kind} service, but the request reads as {read} ({'proposed, ' if proposed else ''}"
            f"request-1): the kind wins, the service is not proposed ({how}; or sdesk set "
            f"{d.t.id} service=... names the service)")


def route(d: _Draft, kind: str) -> None:
    """Route a request by its kind (hardware, software or "" for neither): request-2 to -5.
    Also what accepting a kind proposal does (sdesk/procedures/triage_review.py)."""
    from sdesk.procedures.triage import _needs_service, _route_target, _skills

    t, ref = d.t, d.ref
    if kind == "hardware":
        d.ready(R2, ref.asset_team, "hardware: a quote or available inventory",
                f"Hardware request: reassigned to {ref.asset_team} for a quote or available "
                "inventory.")
        return
    software: Software | None = None
    verdict = why = ""
    if kind == "software":
        written = t.software
        if not written:
            written = software_named(f"{t.title}\n{t.description}", ref)
            if written:
                d.set(R1, f"the text names {written} (Standard Desktop Software List)",
                      "software", written)
        elif ref.software_named(written) is None and software_named(written, ref):
            written = _as_listed(d, written)
        in_use = dict(d.ctx.licences_in_use or {})  # and the seats this batch took
        for name, taken in d.ctx.seats_taken.items():
            in_use[name] = in_use.get(name, 0) + taken
        verdict, software, why = licence_verdict(written, ref, in_use)
        if verdict in ("unlisted", "unapproved"):
            _software_form(d, written, why, verdict)
            return
    target = _route_target(t, ref)
    handed_back = not t.service and (target is None or target.kind == "service-desk")
    if software is not None and verdict == "site":
        d.find(R4, why)
    elif software is not None and not (SEAT in d.flags and t.status != "new"):
        # the licence check; a handed-back request (status new) holds no seat: check again
        if verdict == "none-free":
            d.unflag([SEAT], R4, "no licence seat held: none free")
            d.ready(R4, ref.inventory_team, "approved software with no licence free",
                    f"{why}; to {ref.inventory_team} for a quote.")
            return
        if handed_back:  # only a granted seat is held: not while it waits for its service
            d.unflag([SEAT], R4, "no licence seat held while handed back")
            d.find(R4, f"{why}; the request takes one when it is triaged with its service")
        else:
            d.find(R4, f"{why}; this request now holds one")
            d.flag(SEAT, R4, f"holds a {software.name} licence seat")
            d.ctx.seats_taken[software.name] = d.ctx.seats_taken.get(software.name, 0) + 1
    if handed_back:
        # no service, no team: the service would name the team (and, read by request-1, maybe
        # the kind), so the Service Desk sets it, as for an incident (docs/triage.md,
        # "Requests and cases": "No service recorded")
        _needs_service(d, R5, leads=False)
        return
    name = target.name if target is not None else t.team
    _skills(d, t.service, R5)
    d.ready(R5, name, f"{t.service!r} is provided by {name}", "")


def _as_listed(d: _Draft, written: str) -> str:
    """The listed product a software name written as staff write it names ("MS Visio", "Visio
    2021": read as the titles are, `software_named`), recorded on the ticket: approved software
    is not sent back for a form (tester finding, session 37)."""
    listed = software_named(written, d.ref)
    d.set(R1, f"the software {written!r} reads as {listed} (Standard Desktop Software List)",
          "software", listed)
    return listed


def licence_verdict(written: str, ref: Reference, in_use: Mapping[str, int],
                    held_by: str = "tickets") -> tuple[str, Software | None, str]:
    """request-3 and request-4 for the software title `written`, `in_use` the seats held per
    catalogue name (`held_by`: whose, for the words): (verdict, the listed software or None,
    why). Verdicts: "unlisted" and "unapproved" (request-3: a Software Request Form is needed;
    `why` says which), "site" (a site licence: no count), "none-free" (request-4: to Inventory
    Control for a quote), "free" (a seat can be held). One decision for triage, a reopen
    (`seat_on_reopen`, mail's too), an assignment (`seat_on_assign`) and a correction
    (corrections.seat_rules)."""
    software = ref.software_named(written) if written else None
    if software is None or not software.approved:
        listed = "not on the Standard Desktop Software List" if software is None else \
            "listed but not approved"
        verdict = "unlisted" if software is None else "unapproved"
        return verdict, software, f"{written or 'software not named'!r} is {listed}"
    if software.licences is None:
        return "site", software, f"{software.name}: site licence"
    used = in_use.get(software.name, 0)
    if software.licences - used <= 0:
        return "none-free", software, (f"{software.name}: {software.licences} licences, {used} "
                                       f"held by {held_by}, none free")
    return "free", software, (f"{software.name}: {software.licences - used} of "
                              f"{software.licences} licences free")


def _software_form(d: _Draft, written: str, why: str, verdict: str) -> None:
    """request-3: back to the Service Desk for a Software Request Form for `written` (`why`:
    it is unlisted or unapproved, licence_verdict's words; `verdict`: "unlisted" or
    "unapproved"), the customer asked once, in plain language (`software_form_text`)."""
    t = d.t
    if not d.hand_back(R3, "software-form", f"{why}; a Software Request Form is needed",
                       leads=True):
        return  # still waiting for the form: the customer was asked already
    text = software_form_text(written, verdict)
    d.note(R3, text, public=True)
    if t.first_response_at is None:
        d.set(R3, "first public response", "first_response_at", d.ctx.now)
    if t.requester.email:
        from sdesk.procedures.notes import customer_update

        d.plan.add(customer_update(t, f"Software Request Form needed: {t.title}", text, rule=R3))


def software_form_text(written: str, verdict: str) -> str:
    """What the customer is told when their software needs a Software Request Form
    (request-3), in plain language (the standard: "clear communication with the customer ...
    using plain language"): what they asked for by name, or "The software you asked for"
    when the request names none (it said "software not named needs a completed Software
    Request Form", session 36's fresh user); why, without the list's jargon; what to do.
    `verdict`: "unlisted" (not on the Standard Desktop Software List) or "unapproved"."""
    what = written or "The software you asked for"
    why = ("is on our software list but is not approved for general use" if verdict == "unapproved"
           else "is not on our list of standard software")
    return (f"{what} {why}, so we need a Software Request Form before we can install it. "
            "Please fill in the form and send it to the Service Desk; we will carry on as soon "
            "as it is approved.")


def seat_on_reopen(t: Ticket, status: str, ref: Reference, in_use: Mapping[str, int],
                   holds: bool, now: dt.datetime, actor: str) -> list[Action]:
    """What a reopen (`sdesk reopen`) of a software request or case that holds no licence seat
    (resolved withdrawn, duplicate, out of scope...: core/seats.NO_SEAT_CODES) must check before
    it goes back to work, as triage does (session 34: a reopen took a seat back with every
    seat held by others, 2 of 1 in use). `in_use`: seats held per catalogue software name
    (other tickets: this one holds none); `status`: the one the reopen returns it to
    (assigned or triaged). Actions to append to the reopen's plan, each naming its rule:
    - request-3: its software is not on the Standard Desktop Software List, or not approved:
      back to the Service Desk (status new, unassigned) for a Software Request Form, flagged
      `software-form`, the leads told;
    - request-4: no licence free: to the IT Inventory Control Manager's team for a quote
      (status triaged, unassigned), no seat held;
    - a licence free (or a site licence): it holds a seat again, flagged `licence-seat`.
    Nothing for a ticket that holds a seat already (`holds`), or names no software."""
    from sdesk.procedures.plan import Finding, Notify, SetField

    if t.type not in ("request", "case") or not t.software or holds:
        return []
    verdict, software, why = licence_verdict(t.software, ref, in_use, "other tickets")
    tid = t.id
    out: list[Action] = []
    flags = [f for f in t.flags if f != SEAT]

    def to(team: str, rule: str, new: str, why: str) -> None:
        out.extend(_hand_on(t, status, team, rule, new, why, now, actor))

    if verdict in ("unlisted", "unapproved"):
        why = f"{why}; a Software Request Form is needed"
        out.append(SetField(tid, R3, why, field="flags", value=[*flags, "software-form"]))
        to(ref.service_desk, R3, "new", why)
        out.append(Notify(tid, R3, f"tell {ref.leads_email}", to=(ref.leads_email,),
                          subject="Handed back to the Service Desk: software-form",
                          body=f"{tid} {t.title} was reopened by {actor} and handed back to "
                               f"{ref.service_desk}.\nReason: {why}\n"))
        return out
    assert software is not None
    if verdict == "site":
        out.append(Finding(tid, R4, why))
        return out
    if verdict == "none-free":
        if SEAT in t.flags:
            out.append(SetField(tid, R4, "no licence seat held: none free", field="flags",
                                value=flags))
        to(ref.inventory_team, R4, "triaged", f"{why}; to {ref.inventory_team} for a quote")
        return out
    out.append(Finding(tid, R4, f"{why}; the reopened request holds one again"))
    if SEAT not in t.flags:
        out.append(SetField(tid, R4, f"holds a {software.name} licence seat", field="flags",
                            value=[*flags, SEAT]))
    return out


def _hand_on(t: Ticket, status: str, team: str, rule: str, new: str, why: str,
             now: dt.datetime, actor: str) -> list[Action]:
    """A reopened request handed on by a software rule (`seat_on_reopen`): to `team`,
    unassigned, in status `new` (the reopen moved it to `status`), and a note saying `why`."""
    from sdesk.core.model import journal_entry
    from sdesk.procedures.plan import AddEntry, Assign, Route, SetStatus

    short = "a Software Request Form is needed" if rule == R3 else "no licence free"
    out: list[Action] = []
    if team != t.team:
        out.append(Route(t.id, rule, f"from {t.team}: {short}", value=team))
    if t.assignee:
        out.append(Assign(t.id, rule, f"{t.assignee} hands it on: {short}", value=""))
    if new != status:
        out.append(SetStatus(t.id, rule, f"in {team}'s queue", value=new))
    text = f"{why[0].upper()}{why[1:]}."
    out.append(AddEntry(t.id, rule, why, entry=journal_entry(now, actor, "reopen", text, rule)))
    return out


class SeatCheck(NamedTuple):
    """What `seat_on_assign` found: `refusal` (one line, "" when the seat may be taken) by
    `rule`, else the `actions` to add and the catalogue name of the `seat` taken ("" when
    none is counted)."""

    refusal: str = ""
    rule: str = ""
    actions: tuple[Action, ...] = ()
    seat: str = ""


def seat_on_assign(t: Ticket, status: str, team: str, ref: Reference,
                   in_use: Mapping[str, int]) -> SeatCheck:
    """What an assignment (`sdesk assign`, a team's queue, `sdesk work`) of a software request
    or case that holds no licence seat, and would hold one once assigned (core/seats:
    assigned or later, flag or not), must check before it takes one: the one licence
    decision (`licence_verdict`), as triage and a reopen take it (session 35: a request
    logged with --software and assigned before triage, or one whose seat flag was removed,
    took a seat with every seat held by others). `status`, `team`: what the assignment
    leaves; `in_use`: seats held per catalogue name (other tickets: this one holds none).
    A refusal names the title and the counts when the seat may not be taken (request-3: not
    on the list or not approved; request-4: none free); else the actions are the
    `licence-seat` flag with the count (or a site licence's finding)."""
    from sdesk.core.seats import holds_seat
    from sdesk.procedures.plan import Finding, SetField

    code = t.resolution.code if t.resolution is not None else ""
    inventory = ref.inventory_team
    if holds_seat(t.type, t.status, t.software, t.flags, code, t.team, inventory) or \
            not holds_seat(t.type, status, t.software, t.flags, code, team, inventory):
        return SeatCheck()
    verdict, software, why = licence_verdict(t.software, ref, in_use, "other tickets")
    triage = f"sdesk triage {t.id}" if t.status == "new" else ""  # triage takes new ones
    if verdict in ("unlisted", "unapproved"):
        return SeatCheck(f"{t.id}: {why}: assigning it would take a seat unchecked; a Software "
                         "Request Form is needed first (request-3" + (
                             f": {triage} asks for it)" if triage else ")"), R3)
    assert software is not None
    if verdict == "none-free":
        how = triage or (f"sdesk escalate {t.id} --to '{inventory}' --tier {t.tier} "
                         "--reason 'no licence free'")
        return SeatCheck(f"{t.id}: {why}: assigning it would take a seat over the count; it "
                         f"goes to {inventory} for a quote (request-4: {how})", R4)
    if verdict == "site":
        return SeatCheck(actions=(Finding(t.id, R4, why),))
    said = f"{why}; this request now holds one"
    if SEAT in t.flags:
        return SeatCheck(actions=(Finding(t.id, R4, said),), seat=software.name)
    return SeatCheck(actions=(SetField(t.id, R4, said, field="flags", value=[*t.flags, SEAT]),),
                     seat=software.name)
