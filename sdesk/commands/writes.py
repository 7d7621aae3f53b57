"""The work of `sdesk note` and `sdesk new` without click: the click commands
(sdesk/commands/note.py, new.py) and the click-free path (sdesk/fastwrite.py) both call these,
so the two paths cannot drift. Each returns the lines the command prints, (to stderr?, text),
and leaves printing to its caller."""

from __future__ import annotations

import os
from collections.abc import Callable

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any

    from sdesk.commands.app import App
    from sdesk.core.model import Ticket
    from sdesk.procedures.intake import Intake

Lines = list[tuple[bool, str]]  # (to stderr?, text) in the order printed


def add_note(app: App, ticket_id: str, body: str, public: bool, no_commit: bool) -> Lines:
    """`sdesk note`: one journal entry (internal, or public: queued to the customer) in one
    commit. `body` is the text as given; check_text refuses an empty or too long one
    (ValidationError); TicketNotFound/AmbiguousId for an ID that names no single ticket."""
    from sdesk.core.model import check_typed, journal_entry
    from sdesk.procedures.notes import journal_note

    body = check_typed("note", body)
    store = app.store
    with store.lock("note"):
        ticket = store.get_for_write(ticket_id)
        warned: list[str] = []
        if public:  # the permit rule: anyone may add an internal note, not tell the customer
            from sdesk.procedures.permits import may_act

            warned = may_act(ticket, app.actor.name, app.actor.email, store.reference, app.now,
                             "add a public note to it",
                             instead="an internal note is open to anyone: drop --public")[1]
        entry = journal_entry(at=app.now, by=app.actor.name, text=body, kind="note",
                              visibility="public" if public else "internal")
        children: list[Ticket] = []
        if public:  # a parent case's customers are its children's requesters
            from sdesk.store import queries

            children = sorted((store.load(i) for i in queries.open_children_of(
                store.index, ticket.id)), key=lambda t: (t.opened_at, t.id))  # reports' order
        plan = journal_note(ticket, entry, children)
        from sdesk.store.executor import apply_plan

        apply_plan(store, plan, actor=app.actor, now=app.now, action="note",
                   subject=f"note {ticket.id}: {body.splitlines()[0][:60] if body else ''}",
                   commit=not no_commit)
    lines: Lines = [(False, f"{ticket.id}: {'public' if public else 'internal'} note added")]
    lines += [(True, f"sdesk: warning: {w}") for w in warned]
    if children:
        from sdesk.procedures.plan import Finding, Notify

        told = [a.ticket for a in plan.actions if isinstance(a, Notify) and a.ticket != ticket.id]
        if told:
            lines.append((False, f"  sent to the requesters of {len(told)} child "
                                 f"ticket{'s' if len(told) != 1 else ''}: {', '.join(told)}"))
        lines += [(False, f"  {a.ticket}: {a.reason}") for a in plan.actions
                  if isinstance(a, Finding)]
    return lines


# `new`'s one-line text options -> their parameter names, checked for control characters
TYPED_ONE_LINE = {"--name": "requester_name", "--email": "requester_email", "--phone": "phone",
                  "--agency": "agency", "--location": "location", "--category": "category",
                  "--software": "software"}


def checked_new_options(app: App, options: dict[str, Any]) -> dict[str, Any]:
    """`new`'s options (the click command's parameter names) with the service, the e-mail and
    the requested technician checked and put in their stored form, as `sdesk set` checks
    them. ReferenceError for a service no team provides or an unknown technician,
    ValidationError for a malformed e-mail."""
    from sdesk.core.model import check_typed
    from sdesk.procedures.fields import checked  # the checks `sdesk set` makes (session 37)

    for option, name in TYPED_ONE_LINE.items():  # as typed: no control characters
        check_typed(option, options[name] or "", single_line=True)
    out = dict(options)
    if out["service"].strip():  # a service no team provides would never be routed: refuse it
        out["service"] = _catalogued(out["service"], app)
    out["requester_email"] = checked("email", out["requester_email"])
    out["category"] = checked("category", out["category"] or "", "--category")
    out["phone"] = checked("phone", out["phone"] or "", "--phone")
    if out["requested_tech"].strip():  # ID, name, e-mail or @me; unknown is an error
        out["requested_tech"] = app.technician(out["requested_tech"]).id
    return out


def _catalogued(service: str, app: App) -> str:
    """`new --service` as a team provides it. A service no team provides is refused in one line
    that also says the call can be logged without --service: the standard logs every request,
    and triage hands a ticket without a service back to the Service Desk (incident-1a,
    request-5), which finds the service (session 39: the line only suggested near names)."""
    from sdesk.core.errors import ReferenceError
    from sdesk.procedures.fields import checked

    try:
        return checked("service", service, ref=app.store.reference)
    except ReferenceError as exc:
        raise ReferenceError(f"{exc}; to log the call anyway, leave out --service: triage "
                             "hands it back to the Service Desk to find the service") from None


def apply_new_options(options: dict[str, Any]) -> Callable[[Intake], None]:
    """What `new`'s options set on an intake (the service, category, priority inputs, where,
    skills, effort, team), for a typed ticket and for one made from a message file."""

    def apply(intake: Intake) -> None:
        intake.service = options["service"] or intake.service
        intake.category = options["category"] or intake.category
        intake.software = options["software"]
        intake.impact, intake.urgency = options["impact"], options["urgency"]
        intake.priority = options["priority"]
        intake.remote, intake.location = options["remote"], options["location"]
        intake.skills = list(options["skills"])
        intake.requested_technician = options["requested_tech"]
        intake.effort_hours, intake.team = options["effort"], options["team"]

    return apply


def log_new(app: App, options: dict[str, Any], title: str, description: str
            ) -> tuple[Ticket, list[str]]:
    """`sdesk new` of a typed ticket (not --from-email): the intake logged in one commit.
    `options` are checked_new_options' output. Returns the ticket and what the guide will
    miss on it (intake.gaps: one warning each). ValidationError when the dispatcher guide
    cannot be followed on the intake (intake.refusal); TicketNotFound for a bad --parent."""
    from sdesk.core.errors import ValidationError
    from sdesk.core.model import Requester, check_typed
    from sdesk.procedures.intake import Intake, gaps, log_ticket, refusal
    from sdesk.procedures.plan import CreateTicket, Plan
    from sdesk.store.executor import apply_plan

    check_typed("--description", description)
    store = app.store
    intake = Intake(type=options["ticket_type"], title=title, channel=options["channel"],
                    description=description,
                    requester=Requester(name=options["requester_name"],
                                        email=options["requester_email"],
                                        agency=options["agency"], phone=options["phone"]))
    apply_new_options(options)(intake)
    why = refusal(intake, store.reference)
    if why:
        raise ValidationError(why)
    with store.lock("new"):
        if options["parent"]:
            intake.parent = store.resolve_id(options["parent"])
        ticket_id = store.new_id(intake.type, app.now)
        ticket = log_ticket(intake, ticket_id, store.reference, app.now, app.actor.name)
        plan = Plan([CreateTicket(ticket.id, "standard: log", "logged", new=ticket)])
        # e-mail and self-service are acknowledged as mail intake does (session 40: `-c email`
        # sent nothing); phone, chat and in-person callers were spoken to already
        if ticket.channel in ("self-service", "email") and ticket.requester.email and \
                store.setting("mail", "acknowledge"):
            from sdesk.procedures.notes import acknowledgement

            plan.add(acknowledgement(ticket))
        apply_plan(store, plan, actor=app.actor, now=app.now, action="new",
                   subject=f"new {ticket.type} {ticket.id}: {ticket.title}",
                   commit=not options["no_commit"])
    return ticket, gaps(ticket, store.reference)


def new_lines(app: App, ticket: Ticket, warnings: list[str]) -> Lines:
    """What `sdesk new` prints after logging (without --json): each warning, the full ID on
    stdout (what scripts read), the short ID to read to the caller and the knowledge-base
    articles that match, on stderr."""
    lines: Lines = [(True, f"sdesk: warning: {line}") for line in warnings]
    lines.append((False, ticket.id))
    lines.append((True, f"short ID: {app.store.index.short_ids([ticket.id])[ticket.id]}"))
    lines.extend((True, line) for line in kb_lines(app, ticket))
    return lines


def kb_lines(app: App, ticket: Ticket) -> list[str]:
    """The knowledge-base articles that best match a ticket, one `kb: ID TITLE` line each. A
    broken article never stops the command that only wanted a hint (`sdesk check` reports
    it); a store without articles does not load the search at all."""
    from sdesk.core.errors import SdeskError

    try:
        if not any(name.startswith("KB-") and name.endswith(".md")
                   for name in os.listdir(app.store.root / "kb")):
            return []
    except OSError:
        pass  # not a folder, unreadable: kb.suggest says what it makes of it
    from sdesk.core.render import printable
    from sdesk.procedures import kb

    try:
        hits = kb.suggest(app.store.root, ticket.title, ticket.description, ticket.service)
    except SdeskError:
        return []
    return [printable(f"kb: {hit.id} {hit.title}") for hit in hits]
