"""`sdesk set ID type=request`: an incident logged as a service request (session 39;
docs/triage.md, "An incident that is a request"). The plan is sdesk.procedures.retype's."""

from __future__ import annotations

import click

from sdesk.commands.common import App, show_or_apply


def retype(app: App, ticket_id: str, wanted: str, dry_run: bool, as_json: bool,
           no_commit: bool) -> None:
    """Log incident `ticket_id` as a request (`wanted` must be "request"), in one commit:
    the request created, related and triaged, the incident resolved pointing at it, the
    customer told once. Prints the new request's ID (unless --dry-run or --json).
    ValidationError for a ticket that is not an open incident or another type."""
    from sdesk.core.errors import ValidationError
    from sdesk.procedures.retype import as_request, refusal
    from sdesk.store.contexts import triage_context

    store = app.store
    with store.lock("set"):
        incident = store.get(ticket_id)
        said = refusal(incident, wanted)
        if said:
            raise ValidationError(said)
        ctx = triage_context(store, app.now, app.actor.name)
        new_id = store.new_id("request", app.now)
        plan = as_request(incident, new_id, ctx)
        show_or_apply(app, plan, action="set", subject=f"set {incident.id} type=request: "
                      f"logged as request {new_id}", dry_run=dry_run, as_json=as_json,
                      no_commit=no_commit, loaded={incident.id: incident})
    if not as_json and not dry_run:
        click.echo(new_id)
