"""Logging a ticket (the standard: "each request is logged as a ticket with detailed
information, categorized and prioritized"). Pure: inputs, reference data and the clock in,
a Ticket out."""

from __future__ import annotations

import datetime as dt
from dataclasses import field

from sdesk.core import sla
from sdesk.core.model import (
    CHANNELS,
    INTERNAL,
    LEVELS,
    PRIORITIES,
    TICKET_TYPES,
    Requester,
    Ticket,
    check_choice,
    check_effort,
    check_level,
    check_text,
    check_title,
    journal_entry,
)
from sdesk.core.record import record
from sdesk.core.reference import Reference, Vip


@record
class Intake:
    """What the person logging a ticket says about it."""

    type: str
    title: str
    description: str = ""
    channel: str = "phone"
    requester: Requester = field(default_factory=Requester)
    service: str = ""
    category: str = ""
    software: str = ""
    impact: int | None = None
    urgency: int | None = None
    priority: int | None = None
    remote: bool = True
    location: str = ""
    skills: list[str] = field(default_factory=list)
    requested_technician: str = ""
    effort_hours: float = 1.0
    parent: str = ""
    team: str = ""


def log_ticket(intake: Intake, ticket_id: str, ref: Reference, now: dt.datetime,
               actor: str, reported: dt.datetime | None = None) -> Ticket:
    """A new ticket: priority from the impact x urgency matrix unless given, VIP flag from the
    VIP list, owned by the Service Desk unless a team is named, Respond By and Resolve By from
    the SLA chart on the business calendar; on a live channel (a call, a chat, a walk-up) the
    desk responded as it logged it (`sla.responded_at_intake`: `first_response_at` is the
    opening). `reported` is when the customer reported it, when
    that is before `now` (a problem separated from the ticket it was reported on: `sdesk
    split`): the ticket is opened then and its SLA runs from then; the journal entry that
    logs it is dated `now`."""
    check_choice("type", intake.type, TICKET_TYPES)
    check_choice("channel", intake.channel, CHANNELS)
    title = check_title("title", intake.title)
    check_text("description", intake.description)
    for name in ("name", "email", "agency", "phone"):
        check_text(f"requester {name}", getattr(intake.requester, name), single_line=True)
    impact = check_level("impact", intake.impact or 2, LEVELS)
    urgency = check_level("urgency", intake.urgency or 2, LEVELS)
    matrix = ref.sla.priority_for(impact, urgency)
    priority = matrix if intake.priority is None else check_level(
        "priority", intake.priority, PRIORITIES)
    check_effort("--effort", intake.effort_hours)
    team = ref.team(intake.team).name if intake.team else ref.service_desk
    agency = intake.requester.agency.strip().upper()
    if agency:
        ref.agency(agency)  # unknown agencies are refused at intake, with the known list
    location = intake.location or (ref.agencies[agency].location if agency else "")
    requester = Requester(name=intake.requester.name.strip(),
                          email=intake.requester.email.strip().lower(), agency=agency,
                          phone=intake.requester.phone.strip())
    opened = now if reported is None else reported
    ticket = Ticket(
        id=ticket_id, type=intake.type, title=title, opened_at=opened, status="new",
        priority=priority, impact=impact, urgency=urgency, channel=intake.channel, team=team,
        vip=ref.is_vip(requester.email) if requester.email else False,
        service=intake.service.strip(), category=intake.category.strip().lower(),
        software=intake.software.strip(), location=location, remote=intake.remote,
        skills=sorted({ref.skill(s) for s in intake.skills if s.strip()}),
        requested_technician=intake.requested_technician.strip(),
        effort_hours=float(intake.effort_hours), parent=intake.parent, updated_at=now,
        respond_by=None if intake.channel == INTERNAL else sla.respond_by(opened, priority, ref),
        resolve_by=sla.resolve_by(opened, priority, ref),
        description=intake.description, requester=requester,
        first_response_at=opened if sla.responded_at_intake(intake.channel, intake.type)
        else None,
    )
    note = f"Logged by {actor} via {intake.channel}; priority P{priority}"
    if intake.priority is not None and priority != matrix:
        note += f" (given; impact {impact} x urgency {urgency} gives P{matrix})"
    else:
        note += f" from impact {impact} x urgency {urgency}"
    ticket.journal.append(journal_entry(at=now, by=actor, kind="system", text=note + "."))
    return ticket



def refusal(intake: Intake, ref: Reference) -> str:
    """Why an intake must be refused because the dispatcher guide cannot be followed on it,
    "" when it can. Incident-1 has the owning team's dispatcher check that the team supports
    the requester's agency: an incident logged straight to a team other than the Service Desk
    with no agency leaves that dispatcher nothing to check against (the Service Desk, which
    receives the caller, can still find the agency out: a ticket logged there is only warned
    of, see `gaps`). docs/commands.md, "sdesk new"."""
    team = ref.team(intake.team).name if intake.team else ref.service_desk
    if intake.type == "incident" and not ref.is_service_desk(team) and \
            not intake.requester.agency.strip():
        return (f"an incident for {team} needs the requester's agency (--agency): its "
                "dispatcher checks the team supports the agency (incident-1); log it to the "
                "Service Desk instead if the agency is not known yet")
    return ""


def gaps(ticket: Ticket, ref: Reference | None = None) -> list[str]:
    """What the dispatcher guide will miss on a new ticket, one line each (`sdesk new` warns
    of them on stderr; the ticket is logged). Tasks have none: they are their parent's work.
    With `ref`, an incident without a service is said to be handed back (triage hands it
    back `needs-service` and proposes the service its title names: triage.py,
    `_needs_service`), and so is a request of the Service Desk's unless its kind routes it
    (triage_requests.route)."""
    if ticket.type == "task":
        return []
    out = []
    if not (ticket.requester.name or ticket.requester.email):
        out.append("no requester (--name/--email): nobody to update, and triage cannot tell "
                   "one person's repeated tickets (incident-5) or a VIP (incident-3)")
    if not ticket.requester.agency:
        out.append("no agency (--agency): triage cannot check the team supports it "
                   f"(incident-1); sdesk set {ticket.id} agency=CODE")
    if not ticket.description.strip():
        out.append("no description (-d): the dispatcher has only the title to judge the "
                   "work by (priority against the work, one problem per ticket)")
    if ref is not None and ticket.type == "incident" and not ticket.service:
        # not the service the title names (two_problems.service_hint): reading the title
        # loads the word tables and typing, which `new` does not (tests/test_write_startup.py);
        # triage proposes it
        out.append("no service (--service): triage hands it back (incident-1) proposing the "
                   f"service the title names; or sdesk set {ticket.id} service=NAME")
    elif ref is not None and not ticket.service and not ticket.software and \
            ticket.category != "hardware" and ref.is_service_desk(ticket.team):
        # a request whose kind does not route it (hardware to the Asset Team; software to the
        # form or the licence check) needs the service for its team (triage_requests.route)
        out.append("no service (--service): unless its kind routes it (hardware, or software "
                   "needing a form or a licence), triage hands it back (request-5) proposing "
                   f"the service the title names; or sdesk set {ticket.id} service=NAME")
    vip = _vip_by_name(ticket, ref) if ref is not None else None
    if vip is not None:
        out.append(f"{ticket.requester.name!r} is the name of a VIP ({vip.title}, {vip.email}) "
                   "but no e-mail is recorded, so the ticket is not marked VIP (incident-3): if "
                   f"it is them, sdesk set {ticket.id} email={vip.email}")
    return out


def _vip_by_name(ticket: Ticket, ref: Reference) -> Vip | None:
    """The VIP of reference/vip.toml whose name the requester's is (case and spacing aside),
    when no e-mail is recorded (a phone call), else None: a name alone is not proof, so it is
    said for the dispatcher to decide (tester finding, session 37: the CIO phoning in was
    "VIP no", unsaid)."""
    name = " ".join(ticket.requester.name.split()).casefold()
    if ticket.requester.email or not name:
        return None
    return next((v for v in ref.vips.values() if " ".join(v.name.split()).casefold() == name),
                None)
