"""sdesk export: tickets out, as ServiceNow CSV or JSON lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sdesk.commands.common import App, parse_when, pass_app

if TYPE_CHECKING:
    from sdesk.queries import TicketFilter

STATUS_CHOICES = ("new", "triaged", "assigned", "in-progress", "on-hold", "resolved", "closed")
TYPE_CHOICES = ("incident", "request", "case", "task")


@click.command()
@click.option("--csv", "fmt", flag_value="csv", default=True,
              help="ServiceNow incident CSV (the default; `sdesk import servicenow` reads it).")
@click.option("--jsonl", "fmt", flag_value="jsonl", help="One ticket per line, as JSON.")
@click.option("--team", help="Owning team (imported group names work too).")
@click.option("--status", type=click.Choice(STATUS_CHOICES), multiple=True, help="Repeatable.")
@click.option("--type", "ticket_type", type=click.Choice(TYPE_CHOICES), multiple=True,
              help="Repeatable.")
@click.option("--assignee", help="Technician.")
@click.option("--open", "only_open", is_flag=True, help="Only open tickets.")
@click.option("--imported", "only_imported", is_flag=True,
              help="Only tickets with an external reference (imported ones).")
@click.option("--since", help="Opened on or after (date).")
@click.option("--until", help="Opened before (date).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to FILE instead of stdout.")
@pass_app
def export(app: App, fmt: str, team: str | None, status: tuple[str, ...],
           ticket_type: tuple[str, ...], assignee: str | None, only_open: bool,
           only_imported: bool, since: str | None, until: str | None,
           output: str | None) -> None:
    """Write tickets out: every ticket (all states) unless filtered.

    \b
    Examples:
      sdesk export --csv --team "IS-Desktop Support" -o desktop.csv
      sdesk export --jsonl --status resolved --status closed --since 2026-01-01
    """
    from sdesk import export as exporter
    from sdesk.errors import SdeskError

    store = app.store
    from sdesk import queries

    which = _filters(app, team, status, ticket_type, assignee, only_open, only_imported, since,
                     until)
    rows = queries.ticket_ids(store.index, which, sort="opened")
    tickets = (store.load(i) for i in rows)
    if fmt == "jsonl":
        text = "".join(line + "\n" for line in exporter.jsonl(tickets))
    else:
        text = exporter.write_csv(tickets, store.tz)
    if output:
        from pathlib import Path

        try:
            Path(output).write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise SdeskError(f"cannot write {output}: {exc.strerror}") from None
        click.echo(f"wrote {len(rows)} tickets to {output}", err=True)
    else:
        click.echo(text, nl=False)


def _filters(app: App, team: str | None, status: tuple[str, ...], ticket_type: tuple[str, ...],
             assignee: str | None, only_open: bool, only_imported: bool, since: str | None,
             until: str | None) -> TicketFilter:
    from sdesk.queries import TicketFilter

    tz = app.store.tz
    return TicketFilter(
        team=team.strip() if team else None, statuses=status, types=ticket_type,
        assignee=assignee.strip() if assignee else None, only_open=only_open,
        imported=only_imported,
        since=parse_when(since, tz, "--since").timestamp() if since else None,
        until=parse_when(until, tz, "--until").timestamp() if until else None)
