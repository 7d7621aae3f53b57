"""sdesk stale: open tickets whose customer has not heard from the desk for a while."""

from __future__ import annotations

import click

from sdesk.commands.common import App, output_options, pass_app, team_filter


@click.command()
@click.option("--days", "-n", type=int, default=3, show_default=True,
              help="Business days without a public update.")
@click.option("--team", metavar="TEAM", help="Only this team's tickets.")
@output_options
@pass_app
def stale(app: App, days: int, team: str | None, as_json: bool, as_csv: bool, fmt: str | None) -> None:
    """Open tickets with no public update (note --public, resolution...) for N business days.

    The standard asks for "regular updates": this is the list of customers owed one. The
    last update is the latest public journal entry, else the time the ticket was opened.
    Tasks are internal work and are not listed.

    \b
    Example:
      sdesk stale --days 3
    """
    import datetime as dt

    from sdesk.core.render import emit
    from sdesk.procedures.resolve import stale_cutoff
    from sdesk.store import queries

    store = app.store
    ref = store.reference
    cutoff = stale_cutoff(app.now, days, ref.calendar)
    name = team_filter(store, team) if team is not None else ""
    rows = queries.stale(store.index, cutoff.timestamp(), name)
    if as_json or as_csv:  # scripts: full IDs, ISO times, the priority as a number
        out = []
        for r in rows:
            last = dt.datetime.fromtimestamp(r["last_update"], app.now.tzinfo)
            out.append({"id": r["id"], "priority": r["priority"], "team": r["team"],
                        "assignee": r["assignee"], "status": r["status"],
                        "last_update": last.isoformat(timespec="minutes"),
                        "quiet_days": (app.now - last).days, "title": r["title"]})
    else:  # people: short IDs, P4, times as `list` shows them
        from sdesk.commands.listtext import when

        rows = list(rows)
        short = store.index.short_ids([r["id"] for r in rows])
        out = [{"id": short[r["id"]], "priority": f"P{r['priority']}", "team": r["team"],
                "assignee": r["assignee"], "status": r["status"],
                "last_update": when(r["last_update"], store.tz),
                "quiet_days": (app.now - dt.datetime.fromtimestamp(r["last_update"],
                                                                   app.now.tzinfo)).days,
                "title": r["title"]} for r in rows]
    emit(out, ["id", "priority", "team", "assignee", "status", "last_update", "quiet_days",
               "title"], as_json=as_json, as_csv=as_csv, fmt=fmt)
