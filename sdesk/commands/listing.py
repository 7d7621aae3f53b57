"""sdesk list and sdesk queue: tickets from the summary index."""

from __future__ import annotations

import click

from sdesk.commands.common import (
    App,
    PriorityLevel,
    agency_filter,
    assignee_id,
    output_options,
    parse_when,
    pass_app,
    team_filter,
)
from sdesk.core.model import STATUSES, TICKET_TYPES

# The names of list's --sort (their order is sdesk.store.queries.SORTS; kept here so --help does not
# import the query layer).
SORT_NAMES = ["id", "opened", "resolve-by", "priority", "queue", "updated"]


@click.command("list")
@click.option("--team", help="Owning team.")
@click.option("--status", type=click.Choice(STATUSES), multiple=True, help="Repeatable.")
@click.option("--type", "ticket_type", type=click.Choice(TICKET_TYPES), multiple=True)
@click.option("--assignee", metavar="TECH", help="Technician: ID, name, e-mail or @me.")
@click.option("--unassigned", is_flag=True, help="Only tickets with no assignee.")
@click.option("--vip", is_flag=True, help="Only VIP requesters.")
@click.option("--priority", type=PriorityLevel(), multiple=True, metavar="LEVEL",
              help="Repeatable.")
@click.option("--overdue", is_flag=True, help="Open tickets past Resolve By.")
@click.option("--requester", help="Requester e-mail, or name (any case).")
@click.option("--agency", help="Agency code (reference/agencies.toml; any case).")
@click.option("--text", help="Words in the title (case-insensitive).")
@click.option("--since", help="Opened on or after (date).")
@click.option("--flag", "flags", multiple=True, metavar="NAME",
              help="Tickets carrying this flag (priority-review, licence-seat...), or a proposal "
                   "(proposed, proposed:duplicate...; a pending one also as list shows it: "
                   "'?duplicate', '?' for any). Repeatable: all must hold.")
@click.option("--all", "include_done", is_flag=True, help="Include resolved and closed.")
@click.option("--sort", type=click.Choice(SORT_NAMES), default="opened", show_default=True)
@click.option("--limit", "-n", type=click.IntRange(min=1), help="At most N tickets.")
@click.option("--wide", "-w", is_flag=True, help="More columns.")
@output_options
@pass_app
def list_tickets(app: App, team: str | None, status: tuple[str, ...],
                 ticket_type: tuple[str, ...], assignee: str | None, unassigned: bool, vip: bool,
                 priority: tuple[int, ...], overdue: bool, requester: str | None,
                 agency: str | None, text: str | None, since: str | None,
                 flags: tuple[str, ...], include_done: bool,
                 sort: str, limit: int | None, wide: bool, as_json: bool, as_csv: bool,
                 fmt: str | None) -> None:
    """List tickets (open ones unless --all or --status), filtered.

    \b
    Examples:
      sdesk list --team "IS-Desktop Support" --unassigned
      sdesk list --overdue --vip --json
      sdesk list --flag priority-review
      sdesk list --flag proposed:duplicate
    """
    from sdesk.commands.listtext import (
        check_flags,
        render_rows,
        ticket_filter,
        warn_unknown_flags,
    )
    from sdesk.store import queries

    check_flags(flags)  # first: a bad --flag is reported before a bad --team
    which = ticket_filter(
        app.store, app.now, status=status, include_done=include_done,
        team=team_filter(app.store, team) if team is not None else None, types=ticket_type,
        assignee=assignee_id(app, assignee) if assignee is not None else None,
        unassigned=unassigned, vip=vip, priority=priority, overdue=overdue,
        requester=requester, agency=agency_filter(app.store, agency) if agency is not None else "",
        text=text, flags=flags,
        # an empty --since is a bad date, not "no filter"
        since=None if since is None else parse_when(since, app.store.tz, "--since").timestamp())
    rows = queries.tickets_streamed(app.store.index, which, sort, limit, summary=as_json)
    if flags:
        import itertools

        first = list(itertools.islice(rows, 1))
        if not first:
            warn_unknown_flags(app.store, flags)
        rows = itertools.chain(first, rows)
    render_rows(app, rows, as_json, as_csv, fmt, wide)


@click.command()
@click.option("--team", help="The team whose unassigned tickets to show (default: all teams).")
@click.option("--priority", type=PriorityLevel(), multiple=True, metavar="LEVEL",
              help="Only tickets of this priority (as list's). Repeatable.")
@click.option("--limit", "-n", type=click.IntRange(min=1), help="At most N tickets.")
@click.option("--wide", "-w", is_flag=True, help="More columns.")
@output_options
@pass_app
def queue(app: App, team: str | None, priority: tuple[int, ...], limit: int | None, wide: bool,
          as_json: bool, as_csv: bool, fmt: str | None) -> None:
    """A team's unassigned open tickets in the dispatcher guide's working order: VIP first,
    then earliest Resolve By.

    \b
    Examples:
      sdesk queue --team "IS-Service Desk"
      sdesk queue --priority P1 --priority P2
    """
    from sdesk.commands.listtext import render_rows
    from sdesk.store import queries

    name = team_filter(app.store, team) if team is not None else ""
    rows = queries.queue_streamed(app.store.index, name, limit, summary=as_json,
                                  priorities=priority)
    render_rows(app, rows, as_json, as_csv, fmt, wide)
