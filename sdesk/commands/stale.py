"""sdesk stale: open tickets whose customer has not heard from the desk for a while."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from sdesk.commands.common import App, output_options, pass_app, team_filter

if TYPE_CHECKING:
    import datetime as dt
    import sqlite3
    from collections.abc import Iterator

    from sdesk.core.calendar import Calendar
    from sdesk.store import Store


@click.command()
@click.option("--days", "-n", type=int, default=3, show_default=True,
              help="Business days without a public update.")
@click.option("--team", metavar="TEAM", help="Only this team's tickets.")
@output_options
@pass_app
def stale(app: App, days: int, team: str | None, as_json: bool, as_csv: bool, fmt: str | None) -> None:
    """Open tickets with no public update (note --public, resolution...) for N business days.

    The standard asks for "regular updates": this is the list of customers owed one. The
    last update is the latest public journal entry, else the time the ticket was opened;
    quiet_days counts whole business days since then (weekends and holidays do not count).
    Tasks are internal work and are not listed.

    \b
    Example:
      sdesk stale --days 3
    """
    from sdesk.commands.app import warn_skipped
    from sdesk.core.render import emit
    from sdesk.procedures.business_days import stale_cutoff
    from sdesk.store import queries

    store = app.store
    ref = store.reference
    cutoff = stale_cutoff(app.now, days, ref.calendar)
    name = team_filter(store, team) if team is not None else ""
    rows = queries.stale(store.index, cutoff.timestamp(), name)
    warn_skipped(store)  # a file the index could not take may be a stale ticket: say so
    # scripts: full IDs, ISO times, the priority as a number; people: short IDs, P4, times
    # as `list` shows them. One row at a time either way.
    cal = ref.calendar
    out: Iterator[dict[str, Any]] = ((_for_scripts(r, app.now, cal) for r in rows)
                                     if as_json or as_csv else _for_people(store, rows, app.now, cal))
    emit(out, ["id", "priority", "team", "assignee", "status", "last_update", "quiet_days",
               "title"], as_json=as_json, as_csv=as_csv, fmt=fmt)


def _for_scripts(r: sqlite3.Row, now: dt.datetime, cal: Calendar) -> dict[str, Any]:
    import datetime as dt

    from sdesk.procedures.business_days import quiet_business_days

    last = dt.datetime.fromtimestamp(r["last_update"], now.tzinfo)
    return {"id": r["id"], "priority": r["priority"], "team": r["team"],
            "assignee": r["assignee"], "status": r["status"],
            "last_update": last.isoformat(timespec="minutes"),
            "quiet_days": quiet_business_days(last, now, cal), "title": r["title"]}


def _for_people(store: Store, rows: Iterator[sqlite3.Row], now: dt.datetime,
                cal: Calendar) -> Iterator[dict[str, Any]]:
    """Rows for the table, short IDs looked up 500 rows at a time (memory stays flat);
    quiet_days in whole business days, as --days counts them."""
    import datetime as dt
    import itertools

    from sdesk.commands.listtext import when
    from sdesk.procedures.business_days import quiet_business_days

    while chunk := list(itertools.islice(rows, 500)):
        short = store.index.short_ids([r["id"] for r in chunk])
        for r in chunk:
            quiet = quiet_business_days(dt.datetime.fromtimestamp(r["last_update"], now.tzinfo),
                                        now, cal)
            yield {"id": short[r["id"]], "priority": f"P{r['priority']}", "team": r["team"],
                   "assignee": r["assignee"], "status": r["status"],
                   "last_update": when(r["last_update"], store.tz),
                   "quiet_days": quiet, "title": r["title"]}
