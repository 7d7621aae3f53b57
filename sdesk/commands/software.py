"""sdesk software: the Standard Desktop Software List with licence seats used and free."""

from __future__ import annotations

import click

from sdesk.commands.common import App, output_options, pass_app


@click.command()
@output_options
@pass_app
def software(app: App, as_json: bool, as_csv: bool, fmt: str | None) -> None:
    """The Standard Desktop Software List: each title, approved or not, its licences, the
    seats requests hold (granted ones only: once it passed triage's licence check, not while
    handed back or awaiting a quote, nor once cancelled or rejected) and the seats free.

    \b
    Examples:
      sdesk software
      sdesk software --json
    """
    from sdesk.commands.app import warn_skipped
    from sdesk.core.render import emit
    from sdesk.store.contexts import licence_seats

    ref = app.store.reference
    used = licence_seats(app.store)  # the count triage's and a reopen's licence check read
    warn_skipped(app.store)  # a file the index could not take may hold a seat: say so
    rows = []
    for s in ref.software:
        held = used.get(s.name, 0)
        rows.append({"name": s.name, "approved": s.approved,
                     "licences": "site" if s.licences is None else s.licences, "used": held,
                     "free": "unlimited" if s.licences is None else max(s.licences - held, 0)})
    if not as_json:
        for row in rows:
            row["approved"] = "yes" if row["approved"] else "no (form)"
    emit(rows, ["name", "approved", "licences", "used", "free"], as_json=as_json, as_csv=as_csv,
         fmt=fmt)
