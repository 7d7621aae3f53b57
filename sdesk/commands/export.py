"""sdesk export: tickets out, as ServiceNow CSV or JSON lines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

import click

from sdesk.commands.common import App, assignee_id, parse_when, pass_app, raw_option, team_filter

if TYPE_CHECKING:
    from sdesk.core.model import Ticket
    from sdesk.store.queries import TicketFilter

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
@click.option("--assignee", metavar="TECH", help="Technician: ID, name, e-mail or @me "
              "(an assignee imported tickets carry works too).")
@click.option("--open", "only_open", is_flag=True, help="Only open tickets.")
@click.option("--imported", "only_imported", is_flag=True,
              help="Only tickets with an external reference (imported ones).")
@click.option("--since", help="Opened on or after (date).")
@click.option("--until", help="Opened before (date).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to FILE instead of stdout.")
@raw_option
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
    from sdesk.commands.app import readable, warn_skipped
    from sdesk.core.errors import SdeskError
    from sdesk.store import queries

    store = app.store
    which = _filters(app, team, status, ticket_type, assignee, only_open, only_imported, since,
                     until)
    # Row by row from the index cursor to the output: memory stays flat whatever the count.
    # A file the index could not take, or one that broke since, is one warning line each.
    tickets = readable(store, queries.ticket_ids_streamed(store.index, which))
    warn_skipped(store)
    if output:
        import os
        from pathlib import Path

        # Streamed into a temporary file renamed over FILE at the end: an error half-way (a
        # full disk) leaves no half-written FILE behind.
        target = Path(output)
        # A device or a pipe (-o /dev/null, a fifo) is written in place: renaming a file over
        # it replaced the machine's /dev/null with a regular file (session 37, as root).
        special = target.exists() and not target.is_file()
        tmp = target if special else target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                n = _write(app, fmt, which, tickets, out)
            if not special:
                os.replace(tmp, target)
        except OSError as exc:
            raise SdeskError(f"cannot write {output}: {exc.strerror}") from None
        finally:
            if not special:
                tmp.unlink(missing_ok=True)
        click.echo(f"wrote {n} tickets to {output}", err=True)
    else:
        _write(app, fmt, which, tickets, sys.stdout)
        sys.stdout.flush()


def _write(app: App, fmt: str, which: TicketFilter, tickets: Iterator[Ticket],
           out: TextIO) -> int:
    """Write the tickets as JSON lines or ServiceNow CSV, each as it is read; how many."""
    from sdesk.exchange import export as exporter
    from sdesk.store import queries

    if fmt == "jsonl":
        n = 0
        from sdesk.store.index import row_of

        for line in exporter.jsonl(tickets, app.store.tz, row_of):
            out.write(line + "\n")
            n += 1
        return n
    keys = queries.import_keys(app.store.index, which)
    tz = app.store.tz
    from sdesk.core.render import raw_csv

    return exporter.stream_csv(out, (exporter.servicenow_row(t, tz) for t in tickets), keys,
                               raw=raw_csv())


def _filters(app: App, team: str | None, status: tuple[str, ...], ticket_type: tuple[str, ...],
             assignee: str | None, only_open: bool, only_imported: bool, since: str | None,
             until: str | None) -> TicketFilter:
    from sdesk.store.queries import TicketFilter

    tz = app.store.tz
    return TicketFilter(
        team=team_filter(app.store, team) if team is not None else None, statuses=status,
        types=ticket_type,
        assignee=assignee_id(app, assignee) if assignee is not None else None,
        only_open=only_open,
        imported=only_imported,
        since=parse_when(since, tz, "--since").timestamp() if since else None,
        until=parse_when(until, tz, "--until").timestamp() if until else None)
