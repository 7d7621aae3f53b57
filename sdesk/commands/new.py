"""sdesk new: log a ticket."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from sdesk.commands.common import App, PriorityLevel, commit_options, pass_app, read_text_arg
from sdesk.core.model import INTAKE_CHANNELS, TICKET_TYPES

if TYPE_CHECKING:
    from sdesk.core.model import Ticket
    from sdesk.procedures.intake import Intake


@click.command()
@click.option("--type", "-t", "ticket_type", type=click.Choice(TICKET_TYPES), default="incident",
              show_default=True, help="Incident, request, case (business customer) or task.")
@click.option("--title", "-T", help="One line saying what is wrong or wanted.")
@click.option("--description", "-d", metavar="TEXT|-", help="Details; '-' reads stdin; "
              "without it $EDITOR opens when interactive.")
@click.option("--channel", "-c", type=click.Choice(INTAKE_CHANNELS), default="phone", show_default=True)
@click.option("--name", "requester_name", default="", help="Requester's name.")
@click.option("--email", "requester_email", default="", help="Requester's e-mail (VIP lookup).")
@click.option("--agency", default="", help="Requester's agency code (see reference/agencies.toml).")
@click.option("--phone", default="", help="Requester's phone.")
@click.option("--service", default="", help="Service (see the teams' services).")
@click.option("--category", default="", help="Category, e.g. hardware or software for requests.")
@click.option("--software", default="", help="Software asked for (software requests).")
@click.option("--impact", type=click.IntRange(1, 3), help="1 high .. 3 low.")
@click.option("--urgency", type=click.IntRange(1, 3), help="1 high .. 3 low.")
@click.option("--priority", "-p", type=PriorityLevel(), metavar="LEVEL",
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
    from sdesk.commands import writes

    options = writes.checked_new_options(app, {
        "ticket_type": ticket_type, "channel": channel, "requester_name": requester_name,
        "requester_email": requester_email, "agency": agency, "phone": phone,
        "service": service, "category": category, "software": software, "impact": impact,
        "urgency": urgency, "priority": priority, "remote": remote, "location": location,
        "skills": skills, "requested_tech": requested_tech, "effort": effort,
        "parent": parent, "team": team, "no_commit": no_commit})
    if email_file:
        def adjust(intake: Intake) -> None:
            """The options given with --from-email override what the message says."""
            from sdesk.core.model import Requester

            if requester_name or options["requester_email"] or agency or phone:
                intake.requester = Requester(
                    name=requester_name or intake.requester.name,
                    email=options["requester_email"] or intake.requester.email,
                    agency=agency or intake.requester.agency, phone=phone)
            writes.apply_new_options(options)(intake)

        ticket, warnings = _from_email(app, email_file, adjust, parent, commit=not no_commit)
    else:
        if not title:
            raise click.UsageError("--title is required (or --from-email FILE)")
        ticket, warnings = writes.log_new(
            app, options, title, read_text_arg(description, "description", required=False))
    if as_json:
        for line in warnings:  # logged, but the guide will miss these: one line each
            click.echo(f"sdesk: warning: {line}", err=True)
        from sdesk.core.render import echo_json
        from sdesk.core.ticketjson import full
        from sdesk.store.index import row_of

        echo_json(full(ticket, row_of(ticket), app.store.tz))
        return
    for err, line in writes.new_lines(app, ticket, warnings):
        click.echo(line, err=err)


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
    if not outcome.taken or outcome.verdict == "aside":  # aside: kept in mail/quarantine/
        raise SdeskError(f"{path}: {outcome.line}")
    if outcome.verdict not in ("new", "related"):
        click.echo(outcome.line, err=True)
    return store.load(outcome.ticket), outcome.warnings
