"""sdesk workload: each technician's open work against capacity, and who is in today."""

from __future__ import annotations

import click

from sdesk.commands.common import App, output_options, pass_app, team_filter

COLUMNS = ["technician", "team", "open", "effort", "capacity", "free", "load_pct", "available",
           "skills"]
HEADERS = ["technician", "team", "open", "effort h", "capacity h", "free h", "load", "today",
           "skills"]


@click.command()
@click.option("--team", metavar="TEAM", help="Only this team's technicians.")
@click.option("--technician", "techs", multiple=True, metavar="TECH",
              help="Only this technician: ID, name, e-mail or @me (repeatable).")
@output_options
@pass_app
def workload(app: App, team: str | None, techs: tuple[str, ...], as_json: bool, as_csv: bool,
             fmt: str | None) -> None:
    """Technicians' open assigned tickets and effort hours against capacity, whether they are
    available today (working day, out of office, holiday), and their skills.

    \b
    Examples:
      sdesk workload --team "IS-Desktop Support"
      sdesk --actor jtran workload --technician @me
    """
    from dataclasses import asdict

    from sdesk.core.render import emit
    from sdesk.procedures.workload import workload_rows
    from sdesk.store.contexts import workload

    store = app.store
    ref = store.reference
    name = team_filter(store, team) if team else None
    wanted = {app.technician(t).id for t in techs}  # an unknown technician is an error
    rows = [r for r in workload_rows(ref, workload(store.index), app.now.date(), name)
            if not wanted or r.technician in wanted]
    data = [asdict(r) for r in rows]
    if not (as_json or as_csv):
        for row in data:
            row["load_pct"] = f"{row['load_pct']}%"
    emit(data, COLUMNS, as_json=as_json, as_csv=as_csv, fmt=fmt, headers=HEADERS)
