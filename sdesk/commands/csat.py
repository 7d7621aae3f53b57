"""sdesk csat: record the customer's satisfaction with a resolution."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app, plan_options


@click.command()
@click.argument("ticket_id")
@click.argument("score", type=int)
@click.option("--comment", default="", help="What the customer said.")
@plan_options
@pass_app
def csat(app: App, ticket_id: str, score: int, comment: str, dry_run: bool, as_json: bool,
         no_commit: bool) -> None:
    """Record customer satisfaction, SCORE 1 (poor) to 5 (excellent), once per resolution.

    Only resolved or closed tickets take a score; a reopen discards it.

    \b
    Example:
      sdesk csat INC-2PWQZG2 5 --comment "Quick and friendly"
    """
    from sdesk.commands.common import show_or_apply
    from sdesk.procedures.resolve import record_csat

    store = app.store
    with store.lock("csat"):
        ticket = store.get(ticket_id)
        plan = record_csat(ticket, score, comment, app.now, app.actor.name)
        show_or_apply(app, plan, action="csat", subject=f"csat {ticket.id}: {score}/5",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit)
