"""sdesk import: bring tickets over from the service desk you already have."""

from __future__ import annotations

import sys

import click

from sdesk.commands.common import App, pass_app


@click.group("import")
def import_group() -> None:
    """Import tickets from another service desk's exports.

    \b
    Example:
      sdesk import servicenow incidents.csv --dry-run
    """


@import_group.command("servicenow")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Read and map the file; change nothing.")
@click.option("--limit", type=click.IntRange(min=1), help="At most N incidents (for a trial).")
@pass_app
def servicenow(app: App, file: str, dry_run: bool, limit: int | None) -> None:
    """Import a ServiceNow incident export (CSV), one row per incident or an event log with one
    row per update. Re-importing the same file changes nothing; a later export updates the
    tickets it covers. One commit for the whole import; bad rows are reported and skipped.

    \b
    Examples:
      sdesk import servicenow incident_event_log.csv
      sdesk import servicenow incidents.csv --limit 100 --dry-run
      sdesk show INC0000045
    """
    import os

    from sdesk.exchange import importer

    store = app.store
    groups, summary = importer.load_file(file, store)
    with store.lock("import servicenow"):
        interactive = sys.stderr.isatty()
        total = len(groups.rows) if limit is None else min(limit, len(groups.rows))
        with click.progressbar(length=total, label="mapping incidents", file=sys.stderr,
                               hidden=not interactive) as bar:
            planned, files = importer.plan_import(store, groups, app.now, bar.update, limit)
        planned.bad = summary.bad
        if files and not dry_run:
            message = importer.commit_message(os.path.basename(file), planned)
            planned.commit = importer.write_import(store, files, message, app.actor)
    # The commit is made: a reader that stops reading (`| head -1`) is not a failure.
    # (cli.run turns the BrokenPipeError into exit 0.)
    for line in importer.iter_summary(planned, dry_run):
        click.echo(line)
    if not files:
        from sdesk.core.errors import NothingToDo

        raise NothingToDo("nothing to import: every row is in the store as it is")
