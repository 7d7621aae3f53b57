"""sdesk workload: each technician's open work against capacity, and who is in today."""

from __future__ import annotations

from typing import Any

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

    from sdesk.commands.app import warn_skipped
    from sdesk.core.render import emit
    from sdesk.procedures.workload import workload_rows
    from sdesk.store.contexts import workload

    store = app.store
    ref = store.reference
    name = team_filter(store, team) if team is not None else None
    wanted = {app.technician(t).id for t in techs}  # an unknown technician is an error
    rows = [r for r in workload_rows(ref, workload(store.index), app.now.date(), name)
            if not wanted or r.technician in wanted]
    warn_skipped(store)  # a file the index could not take is work no row counts: say so
    data = [asdict(r) for r in rows]
    if as_json:  # the ticket's names for hours and lists (docs/json.md)
        data = [_json_row(r) for r in data]
        emit(data, COLUMNS, as_json=True)
        return
    if not as_csv:
        for row in data:
            row["load_pct"] = f"{row['load_pct']}%"
    emit(data, COLUMNS, as_json=as_json, as_csv=as_csv, fmt=fmt, headers=HEADERS)


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    """A technician's row as `workload --json` prints it: hours named `_hours` and skills as
    a list, as in a ticket; `open_tickets` (a ticket's `open` is a yes/no)."""
    return {"technician": row["technician"], "name": row["name"], "team": row["team"],
            "open_tickets": row["open"], "effort_hours": row["effort"],
            "capacity_hours": row["capacity"], "free_hours": row["free"],
            "load_pct": row["load_pct"], "available": row["available"],
            "skills": [s.strip() for s in row["skills"].split(",") if s.strip()]}
