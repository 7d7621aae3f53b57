"""sdesk list and sdesk queue: tickets from the summary index."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

from sdesk.commands.common import (
    App,
    agency_filter,
    assignee_id,
    output_options,
    parse_when,
    pass_app,
    team_filter,
)
from sdesk.core.model import STATUSES, TICKET_TYPES

if TYPE_CHECKING:
    import sqlite3

COLUMNS = ["id", "priority", "vip", "status", "team", "assignee", "respond_by", "resolve_by",
           "flags", "title"]
WIDE = ["id", "type", "priority", "vip", "status", "team", "assignee", "requester", "agency",
        "opened_at", "respond_by", "resolve_by", "flags", "title"]
# The names of list's --sort (their order is sdesk.store.queries.SORTS; kept here so --help does not
# import the query layer).
SORT_NAMES = ["id", "opened", "resolve-by", "priority", "queue", "updated"]


def when(value: float | None, tz: dt.tzinfo) -> str | None:
    if value is None:
        return None
    return dt.datetime.fromtimestamp(value, tz).strftime("%Y-%m-%d %H:%M")


def view(row: sqlite3.Row, tz: dt.tzinfo, now: dt.datetime | None = None,
         colour: bool = False) -> dict[str, Any]:
    """A ticket row for a table or CSV (`--json` prints sdesk.core.ticketjson.summary). With
    `now`, the due times carry the time left or OVERDUE (tables for people)."""
    return {
        "id": row["id"], "type": row["type"], "priority": f"P{row['priority']}",
        "vip": "VIP" if row["vip"] else "", "status": row["status"], "team": row["team"],
        "assignee": row["assignee"],
        "requester": row["requester_name"] or row["requester_email"],
        "agency": row["agency"], "opened_at": when(row["opened_at"], tz),
        "respond_by": due_cell(row, "respond_by", tz, now, colour),
        "resolve_by": due_cell(row, "resolve_by", tz, now, colour),
        "flags": shown_flags(row["flags"]), "title": row["title"],
    }


def due_cell(row: sqlite3.Row, name: str, tz: dt.tzinfo, now: dt.datetime | None,
             colour: bool) -> str | None:
    """Respond By or Resolve By of an index row: the plain time for scripts (`now` None);
    for people, the time left or OVERDUE while it still runs (sdesk.core.due.cell)."""
    from sdesk.core.due import cell

    value = row[name]
    if now is None or value is None:
        return when(value, tz)
    done = not row["open"] or (name == "respond_by" and row["first_response_at"] is not None)
    from sdesk.core.render import Styled

    # Styled: the table shows sdesk's own colour codes; stored text in other cells is escaped.
    return Styled(cell(dt.datetime.fromtimestamp(value, tz), now, done=done,
                       paused=bool(row["on_hold"]), colour=colour))


def shown_flags(flags: str | None) -> str:
    """Flags as a dispatcher scans them: a pending proposal as `?KIND`, decided proposals
    (accepted:/rejected:) left out; `--json` has them all."""
    out = []
    for name in (flags or "").split():
        state, _, rest = name.partition(":")
        if state == "proposed":
            out.append("?" + rest.split(":")[0])
        elif state not in ("accepted", "rejected"):
            out.append(name)
    return " ".join(out)


def render_rows(app: App, rows: Iterable[sqlite3.Row], as_json: bool, as_csv: bool,
                fmt: str | None, wide: bool) -> None:
    """Rows as a table, JSON or CSV; JSON and CSV are written as the rows are read."""
    from sdesk.core.due import use_colour
    from sdesk.core.render import emit, printable

    tz = app.store.tz
    for problem in app.store.index.problems:
        click.echo(printable(f"sdesk: warning: {problem.message} (skipped)"), err=True)
    data: Iterable[dict[str, Any]]
    if as_json:  # the ticket's summary, schema 2 (docs/json.md), as it is read
        from sdesk.core.render import write_json_rows
        from sdesk.core.ticketjson import summary_text
        from sdesk.store import queries

        index = app.store.index
        # rows: queries' `summary=True` rows (summary_sql)
        write_json_rows(map(summary_text(tz, lambda tid: queries.summary_row(index, tid)), rows))
        return
    if as_csv:  # scripts: full IDs, plain times, each row written as it is read
        data = (view(r, tz) for r in rows)
    else:  # people: short IDs, time left, colour on a terminal (a table holds its rows)
        rows = list(rows)
        now, colour = app.now, use_colour()
        short = app.store.index.short_ids([r["id"] for r in rows])
        data = [view(r, tz, now=now, colour=colour) for r in rows]
        for item in data:
            item["id"] = short[item["id"]]
    emit(data, WIDE if wide else COLUMNS, as_json=as_json, as_csv=as_csv, fmt=fmt,
         no_pager=app.no_pager)


@click.command("list")
@click.option("--team", help="Owning team.")
@click.option("--status", type=click.Choice(STATUSES), multiple=True, help="Repeatable.")
@click.option("--type", "ticket_type", type=click.Choice(TICKET_TYPES), multiple=True)
@click.option("--assignee", metavar="TECH", help="Technician: ID, name, e-mail or @me.")
@click.option("--unassigned", is_flag=True, help="Only tickets with no assignee.")
@click.option("--vip", is_flag=True, help="Only VIP requesters.")
@click.option("--priority", type=click.IntRange(1, 4), multiple=True, help="Repeatable.")
@click.option("--overdue", is_flag=True, help="Open tickets past Resolve By.")
@click.option("--requester", help="Requester e-mail.")
@click.option("--agency", help="Agency code (reference/agencies.toml; any case).")
@click.option("--text", help="Words in the title (case-insensitive).")
@click.option("--since", help="Opened on or after (date).")
@click.option("--flag", "flags", multiple=True, metavar="NAME",
              help="Tickets carrying this flag (priority-review, licence-seat...), or a proposal "
                   "(proposed, proposed:duplicate...). Repeatable: all must hold.")
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
    from sdesk.store import queries

    for name in flags:
        if not name or any(c.isspace() or not c.isprintable() for c in name):
            from sdesk.core.errors import ValidationError

            raise ValidationError(f"--flag: a flag is one word, e.g. priority-review; got {name!r}")
    which = queries.TicketFilter(
        statuses=status, only_open=not status and not include_done,
        team=team_filter(app.store, team) if team is not None else None, types=ticket_type,
        assignee=assignee_id(app, assignee) if assignee is not None else None, unassigned=unassigned,
        vip=vip, priorities=priority,
        overdue_at=app.now.timestamp() if overdue else None,
        requester=requester.strip().lower() if requester else "",
        agency=agency_filter(app.store, agency) if agency is not None else "",
        words=tuple(text.split()) if text else (),
        flags=flags,
        # an empty --since is a bad date, not "no filter"
        since=None if since is None else parse_when(since, app.store.tz, "--since").timestamp())
    rows = queries.tickets_streamed(app.store.index, which, sort, limit, summary=as_json)
    render_rows(app, rows, as_json, as_csv, fmt, wide)


@click.command()
@click.option("--team", help="The team whose unassigned tickets to show (default: all teams).")
@click.option("--limit", "-n", type=click.IntRange(min=1), help="At most N tickets.")
@click.option("--wide", "-w", is_flag=True, help="More columns.")
@output_options
@pass_app
def queue(app: App, team: str | None, limit: int | None, wide: bool, as_json: bool,
          as_csv: bool, fmt: str | None) -> None:
    """A team's unassigned open tickets in the dispatcher guide's working order: VIP first,
    then earliest Resolve By.

    \b
    Example:
      sdesk queue --team "IS-Service Desk"
    """
    from sdesk.store import queries

    name = team_filter(app.store, team) if team is not None else ""
    rows = queries.queue_streamed(app.store.index, name, limit, summary=as_json)
    render_rows(app, rows, as_json, as_csv, fmt, wide)
