"""An incident logged as a service request (session 39; docs/triage.md, "An incident that is a
request"). Pure: the incident, the request's new ID and the triage context in, one Plan out.

The standard: requests arrive by e-mail too, and mail opens an incident (sdesk.toml
mail.ticket_type), so "pls install TeamViewer" or "need a new keyboard" was an incident for
good: routed as a fault, never through the guide's Service Request pre-assignment analysis
(the software list, the licences, hardware to the IS-Asset Team). IDs carry the type (INC-,
REQ-), so the type is not a field to edit: the request is logged as a new ticket, as `sdesk
split -t request` logs one, and the incident is resolved pointing at it:

- the request has the incident's requester (name, e-mail, phone, agency), title, description,
  channel, service, location, impact and urgency, and is opened when the customer reported it
  (its Respond By and Resolve By run from then, and a first response already sent counts);
- the two are related both ways; the incident's mail thread (its Message-IDs) moves to the
  request and the incident is flagged `logged-as:REQ-...`, so a reply to any mail of the thread,
  even one whose subject names the incident's [ID], lands on the request (mail.mailin.follow);
- the incident is resolved as `logged-as-request` ("logged as request REQ-..."), never first
  contact, not counted by the KPIs (store.index.EXCLUDED_CODES), with no satisfaction question;
- the customer gets one plain-language mail from the request, naming its ID;
- the request is triaged as any new request (request-1 to request-4).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sdesk.core.errors import ValidationError
from sdesk.core.model import Requester, Resolution, Ticket, journal_entry
from sdesk.procedures.plan import Action, AddEntry, CreateTicket, Plan, SetField, one_per_field
from sdesk.procedures.proposals import LOGGED_AS, logged_as
from sdesk.procedures.triage import TriageContext, _stamp, triage_ticket

if TYPE_CHECKING:
    from sdesk.procedures.triage import _Draft as Draft

RULE = "standard: requests by email (an incident that is a request)"
CODE = "logged-as-request"  # the incident's resolution code: not the desk's work on a fault


def refusal(incident: Ticket, wanted: str = "request", open_tasks: Sequence[str] = ()) -> str:
    """Why `incident` cannot be logged as a `wanted` ("" when it can): only an open incident
    becomes a request (a request is not turned back: resolve it as withdrawn and log the
    incident with sdesk new). Session 39b: one already logged as a request names the request
    (reopen refuses it: its work goes on there); one with `open_tasks` (IDs) is refused as
    `sdesk resolve` refuses it (resolve.check_resolvable), since logging it resolves it; one on
    hold is refused (resume it, or wait for the customer's answer, first): the hold's pending
    question would end unsaid."""
    if wanted != "request":
        return (f"type={wanted}: an incident is turned into a request only (type=request); "
                "the type of a request or case stays (resolve it and log the other with "
                "sdesk new)")
    if incident.type != "incident":
        return f"{incident.id} is a {incident.type} already: only an incident becomes a request"
    moved = logged_as(incident.flags)
    if moved:
        return (f"{incident.id} was logged as request {moved} already: its work goes on "
                f"there (sdesk show {moved})")
    if not incident.is_open:
        return (f"{incident.id} is {incident.status}: only an open incident becomes a request "
                f"(sdesk reopen {incident.id} --reason '...' first)")
    if open_tasks:
        return (f"{incident.id} has open tasks: {', '.join(open_tasks)}: logging it as a "
                "request resolves it (resolve or close them first)")
    if incident.on_hold:
        reason = incident.holds[-1].reason
        wait = ", or wait for the customer's answer" if reason == "awaiting-customer" else ""
        return (f"{incident.id} is on hold ({reason}): logging it as a request would end the "
                f"hold unsaid (sdesk resume {incident.id} first{wait})")
    return ""


def open_tasks_in(incident: Ticket, ctx: TriageContext) -> list[str]:
    """The open tasks under `incident` among the context's open tickets (ctx.view holds every
    open ticket, tasks too: queries.open_peers), in ID order."""
    return sorted(p.id for p in ctx.view.peers.values()
                  if p.parent == incident.id and p.type == "task" and p.status not in
                  ("resolved", "closed"))


def as_request(incident: Ticket, new_id: str, ctx: TriageContext, why: str = "",
               category: str = "") -> Plan:
    """The plan that logs `incident` as request `new_id`, in one commit: the request created,
    related and triaged, the incident resolved pointing at it, the customer told once. `why`
    ends the journal entries (an accepted proposal: "the request proposal accepted");
    `category` is the kind the dispatcher accepted with it (hardware or software: request-1
    reads it as the category and routes by it; "" for none).
    ValidationError (one line) when `refusal` says so. Each field is set once
    (plan.one_per_field)."""
    from sdesk.procedures.proposals import at_resolution
    from sdesk.procedures.resolve import resolved

    said = refusal(incident, open_tasks=open_tasks_in(incident, ctx))
    if said:
        raise ValidationError(said)
    now, actor = ctx.now, ctx.actor
    request = _logged(incident, new_id, ctx, why, category)
    said_there = ""
    if request.requester.email:  # session 39b: the mail `_told` sends is said on the request
        request.journal.append(journal_entry(at=now, by=actor, kind="note", rule=RULE,
                                             visibility="public", text=_told_text(request,
                                                                                  incident)))
        said_there = "; the mail telling the customer is a public entry there"
        if request.first_response_at is None:  # ... and is its first response
            request.first_response_at = now
            said_there += ", its first response"
    tail = f" ({why})" if why else ""
    plan = Plan([CreateTicket(request.id, RULE, f"logged as a request from {incident.id}; opened "
                              f"{_stamp(incident.opened_at, ctx.reference.calendar.tz)}, when it "
                              f"was reported{said_there}", new=request)])
    summary = f"Logged as request {request.id}: it asks for something, so it goes through the " \
              "request steps there."
    actions: list[Action] = list(resolved(incident, Resolution(CODE, summary, actor, False), now,
                                          actor, ctx.reference, f"logged as request {request.id}"
                                          "; not a fault, never first contact", RULE))
    kept, _ = at_resolution(incident.flags)
    actions += [
        SetField(incident.id, RULE, f"replies follow to {request.id}", field="flags",
                 value=[*kept, LOGGED_AS + request.id]),
        SetField(incident.id, RULE, f"related to {request.id}", field="related",
                 value=sorted({*incident.related, request.id})),
        SetField(incident.id, RULE, f"its mail thread moves to {request.id}",
                 field="message_ids", value=[]),
        AddEntry(incident.id, RULE, f"logged as request {request.id}", entry=journal_entry(
            at=now, by=actor, kind="resolve", visibility="internal", rule=RULE,
            text=f"{summary} Logged by {actor}{tail}; the customer's mail thread follows to "
                 f"{request.id}; no satisfaction question (nothing was fixed here).")),
    ]
    if incident.first_response_at is None:
        actions.append(SetField(incident.id, RULE, "the mail naming the request is the first "
                                "response", field="first_response_at", value=now))
    plan.extend(actions)
    plan.extend(_told(request, incident))
    view = ctx.view
    view.drop(incident.id)  # the incident is resolved by this plan: never the request's duplicate
    view.drop(request.id)
    plan.extend(triage_ticket(copy.deepcopy(request), ctx).actions)
    return Plan(one_per_field(plan.actions))


def _logged(incident: Ticket, new_id: str, ctx: TriageContext, why: str,
            category: str = "") -> Ticket:
    """The request as `sdesk new -t request` would log it for the incident's requester, opened
    when the incident was, related to it, holding its mail thread."""
    from sdesk.procedures.intake import Intake, log_ticket

    intake = Intake(type="request", title=incident.title, description=incident.description,
                    channel=incident.channel, requester=Requester(**vars(incident.requester)),
                    service=incident.service, impact=incident.impact, urgency=incident.urgency,
                    location=incident.location, category=category)
    request = log_ticket(intake, new_id, ctx.reference, ctx.now, ctx.actor,
                         reported=incident.opened_at)
    request.related = [incident.id]
    request.first_response_at = incident.first_response_at
    request.message_ids = list(incident.message_ids)
    reported = _stamp(incident.opened_at, ctx.reference.calendar.tz)
    request.journal.append(journal_entry(
        at=ctx.now, by=ctx.actor, kind="relate", rule=RULE,
        text=f"Logged as a request from incident {incident.id} (reported {reported}) by "
             f"{ctx.actor}{f' ({why})' if why else ''}: opened when the customer reported it, "
             "so Respond By and Resolve By run from then; replies to the incident's mail "
             "land here."))
    return request


def _told(request: Ticket, incident: Ticket) -> list[Action]:
    """The one mail telling the customer, in plain words, from the request (its [ID] in the
    subject, threaded to their mail); a finding when there is no e-mail to write to."""
    from sdesk.procedures.notes import customer_update, not_mailed
    from sdesk.procedures.plan import Finding

    if not request.requester.email:
        return [Finding(request.id, RULE, not_mailed(request))]
    return [customer_update(request, f"Logged as a request: {request.title}",
                            _told_text(request, incident), rule=RULE)]


def _told_text(request: Ticket, incident: Ticket) -> str:
    """What the customer is told, in plain words: the mail `_told` sends, and the public entry
    the request keeps of it (its first response when it has none: session 39b)."""
    return (f"We have logged your message as a service request, {request.id}, rather than a "
            f"fault report ({incident.id}): requests go through their own steps (approved "
            "software, licences, equipment). Nothing else is needed from you; replies to any "
            f"of our messages about it now go to {request.id}.")


def follow(ticket: Ticket, loaded: dict[str, Ticket]) -> Ticket:
    """The ticket a reply to `ticket` belongs to: the request it was logged as when it is one
    and `loaded` holds it, else `ticket`."""
    target = logged_as(ticket.flags)
    return loaded.get(target, ticket) if target else ticket



def accept(d: Draft, actor: str) -> None:
    """The request proposal (request_reading.propose), accepted in a review: `as_request` on
    the ticket as the review leaves it (its flags decided so far), its actions added to the
    review's draft (the review sets each field once, with the value it ends with)."""
    if d.ctx.new_id is None:  # pragma: no cover - every command's context gives IDs
        d.find(RULE, "no request ID to give: run sdesk set ID type=request")
        return
    incident = copy.deepcopy(d.t)
    incident.flags = list(d.flags)
    key = next((k for k, state in _decided(d.flags) if state == "accepted"), "")
    plan = as_request(incident, d.ctx.new_id("request"), d.ctx,
                      why=f"the request proposal accepted by {actor}",
                      category=key if key in ("hardware", "software") else "")
    d.plan.extend(plan.actions)


def _decided(flags: list[str]) -> list[tuple[str, str]]:
    """(key, state) of every decided request proposal among `flags`."""
    out = []
    for f in flags:
        state, _, rest = f.partition(":")
        kind, _, key = rest.partition(":")
        if kind == "request" and state in ("accepted", "rejected"):
            out.append((key, state))
    return out
