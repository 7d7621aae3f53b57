"""sdesk new: log a ticket."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from sdesk.commands.common import App, commit_options, mention_kb, pass_app, read_text_arg
from sdesk.core.model import CHANNELS, TICKET_TYPES

if TYPE_CHECKING:
    from sdesk.core.model import Ticket
    from sdesk.procedures.intake import Intake


@click.command()
@click.option("--type", "-t", "ticket_type", type=click.Choice(TICKET_TYPES), default="incident",
              show_default=True, help="Incident, request, case (business customer) or task.")
@click.option("--title", "-T", help="One line saying what is wrong or wanted.")
@click.option("--description", "-d", metavar="TEXT|-", help="Details; '-' reads stdin; "
              "without it $EDITOR opens when interactive.")
@click.option("--channel", "-c", type=click.Choice(CHANNELS), default="phone", show_default=True)
@click.option("--name", "requester_name", default="", help="Requester's name.")
@click.option("--email", "requester_email", default="", help="Requester's e-mail (VIP lookup).")
@click.option("--agency", default="", help="Requester's agency code (see reference/agencies.toml).")
@click.option("--phone", default="", help="Requester's phone.")
@click.option("--service", default="", help="Service (see the teams' services).")
@click.option("--category", default="", help="Category, e.g. hardware or software for requests.")
@click.option("--software", default="", help="Software asked for (software requests).")
@click.option("--impact", type=click.IntRange(1, 3), help="1 high .. 3 low.")
@click.option("--urgency", type=click.IntRange(1, 3), help="1 high .. 3 low.")
@click.option("--priority", "-p", type=click.IntRange(1, 4),
              help="Explicit priority (default: from impact x urgency).")
@click.option("--remote/--on-site", default=True, help="Can it be worked with remote tools?")
@click.option("--location", default="", help="Where the work is (default: the agency's site).")
@click.option("--skill", "skills", multiple=True, help="A required skill (repeatable).")
@click.option("--requested-tech", default="", metavar="TECH", help="A technician the requester "
              "asked for: ID, name, e-mail or @me.")
@click.option("--effort", type=float, default=1.0, show_default=True, help="Estimated hours.")
@click.option("--parent", default="", help="Parent ticket (for tasks and child cases).")
@click.option("--team", default="", help="Owning team (default: the Service Desk).")
@click.option("--from-email", "email_file", type=click.Path(exists=True, dir_okay=False),
              help="Make an email-channel ticket from an RFC 5322 message file.")
@click.option("--json", "as_json", is_flag=True, help="Print the new ticket as JSON.")
@commit_options
@pass_app
def new(app: App, ticket_type: str, title: str | None, description: str | None, channel: str,
        requester_name: str, requester_email: str, agency: str, phone: str, service: str,
        category: str, software: str, impact: int | None, urgency: int | None,
        priority: int | None, remote: bool, location: str, skills: tuple[str, ...],
        requested_tech: str, effort: float, parent: str, team: str, email_file: str | None,
        as_json: bool, no_commit: bool) -> None:
    """Log a new ticket and print its ID.

    \b
    Example:
      sdesk new -t incident -T "Outlook will not open" --email ana.ruiz@omes.ok.gov \\
        --agency OMES --service Email --impact 2 --urgency 2 -d "Since this morning"
    """
    from sdesk.core.model import Requester, check_email
    from sdesk.procedures.intake import Intake, gaps, log_ticket, refusal
    from sdesk.procedures.plan import CreateTicket, Plan
    from sdesk.store.executor import apply_plan

    store = app.store
    if service.strip():  # a service no team provides would never be routed: refuse it now
        service = store.reference.service(service)
    requester_email = check_email("email", requester_email)  # the check `sdesk set` makes
    if requested_tech.strip():  # ID, name, e-mail or @me; an unknown technician is an error
        requested_tech = app.technician(requested_tech).id

    def adjust(intake: Intake) -> None:
        """The options given with --from-email override what the message says."""
        if requester_name or requester_email or agency or phone:
            intake.requester = Requester(
                name=requester_name or intake.requester.name,
                email=requester_email or intake.requester.email,
                agency=agency or intake.requester.agency, phone=phone)
        _apply_options(intake)

    def _apply_options(intake: Intake) -> None:
        intake.service = service or intake.service
        intake.category, intake.software = category or intake.category, software
        intake.impact, intake.urgency, intake.priority = impact, urgency, priority
        intake.remote, intake.location, intake.skills = remote, location, list(skills)
        intake.requested_technician, intake.effort_hours = requested_tech, effort
        intake.team = team

    warnings: list[str] = []
    if email_file:
        ticket, warnings = _from_email(app, email_file, adjust, parent, commit=not no_commit)
    else:
        if not title:
            raise click.UsageError("--title is required (or --from-email FILE)")
        intake = Intake(type=ticket_type, title=title, channel=channel,
                        description=read_text_arg(description, "description", required=False),
                        requester=Requester(name=requester_name, email=requester_email,
                                            agency=agency, phone=phone))
        _apply_options(intake)
        _refuse(refusal(intake, store.reference))
        with store.lock("new"):
            if parent:
                intake.parent = store.resolve_id(parent)
            ticket_id = store.new_id(intake.type, app.now)
            ticket = log_ticket(intake, ticket_id, store.reference, app.now, app.actor.name)
            plan = Plan([CreateTicket(ticket.id, "standard: log", "logged", new=ticket)])
            if ticket.channel == "self-service" and ticket.requester.email and \
                    store.setting("mail", "acknowledge"):
                from sdesk.procedures.notes import acknowledgement

                plan.add(acknowledgement(ticket))
            apply_plan(store, plan, actor=app.actor, now=app.now, action="new",
                       subject=f"new {ticket.type} {ticket.id}: {ticket.title}",
                       commit=not no_commit)
        warnings = gaps(ticket)
    for line in warnings:  # logged, but the guide will miss these: one line each
        click.echo(f"sdesk: warning: {line}", err=True)
    if as_json:
        from sdesk.core.render import echo_json
        from sdesk.core.ticketjson import full
        from sdesk.store.index import row_of

        echo_json(full(ticket, row_of(ticket), store.tz))
    else:
        click.echo(ticket.id)
        # The short ID to read to the caller, on stderr: scripts keep reading the full ID,
        # which never becomes ambiguous, from stdout.
        click.echo(f"short ID: {store.index.short_ids([ticket.id])[ticket.id]}", err=True)
        mention_kb(app, ticket)


def _refuse(why: str) -> None:
    """Refuse an intake the dispatcher guide cannot be followed on (sdesk.procedures.intake)."""
    if why:
        from sdesk.core.errors import ValidationError

        raise ValidationError(why)


def _from_email(app: App, path: str, adjust: Callable[[Intake], None], parent: str,
                commit: bool = True) -> tuple[Ticket, list[str]]:
    """The one mail intake (sdesk/mail/mailin.py) for one message file: the ticket it opened or
    added to, and what the guide will miss on it (mailin.intake_gaps). Refused mail is an
    error naming why; mail logged before is NothingToDo."""
    from sdesk.core.errors import NothingToDo, SdeskError
    from sdesk.mail.mailbatch import take

    with open(path, "rb") as handle:
        raw = handle.read()
    store = app.store
    with store.lock("new"):
        parent_id = store.resolve_id(parent) if parent else ""

        def with_parent(intake: Intake) -> None:
            adjust(intake)
            intake.parent = parent_id

        outcome = take(store, [(path, raw)], now=app.now, actor=app.actor,
                       adjust=with_parent, commit=commit)[0].outcome
    if outcome.verdict == "duplicate":
        raise NothingToDo(f"{path}: {outcome.line}")
    if not outcome.taken:
        raise SdeskError(f"{path}: {outcome.line}")
    if outcome.verdict not in ("new", "related"):
        click.echo(outcome.line, err=True)
    return store.load(outcome.ticket), outcome.warnings
