"""sdesk take and sdesk start: a technician picks up a ticket and starts work on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sdesk.commands.common import App, pass_app, plan_options

if TYPE_CHECKING:
    from sdesk.assign import AssignContext


def _context(app: App) -> AssignContext:
    from sdesk.contexts import assign_context

    return assign_context(app.store, app.now, app.actor.name)


@click.command()
@click.argument("ticket_id")
@click.option("--force", is_flag=True, help="Take it even when you lack a skill, are over "
              "capacity or in another team (the override is journaled).")
@plan_options
@pass_app
def take(app: App, ticket_id: str, force: bool, dry_run: bool, as_json: bool,
         no_commit: bool) -> None:
    """Assign a ticket to yourself (the technician you are: --actor or the git user), with the
    same checks as `assign --to`.

    \b
    Example:
      sdesk --actor dcooper take INC-2Q4N3 --dry-run
    """
    from sdesk.commands.common import show_or_apply
    from sdesk.work import take as plan_take

    store = app.store
    with store.lock("take"):
        ticket = store.get(ticket_id)
        me = app.technician("@me")
        plan = plan_take(ticket, me, _context(app), force)
        show_or_apply(app, plan, action="take", subject=f"{me.id} takes {ticket.id}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit,
                      loaded={ticket.id: ticket})


@click.command()
@click.argument("ticket_id")
@click.option("--force", is_flag=True, help="Start even when someone else has it (you take it "
              "over) or the assignment checks object.")
@plan_options
@pass_app
def start(app: App, ticket_id: str, force: bool, dry_run: bool, as_json: bool,
          no_commit: bool) -> None:
    """Start work on a ticket: it becomes in-progress, and yours first if nobody has it.

    \b
    Example:
      sdesk --actor dcooper start INC-2Q4N3 --dry-run
    """
    from sdesk.commands.common import show_or_apply
    from sdesk.work import start as plan_start

    store = app.store
    with store.lock("start"):
        ticket = store.get(ticket_id)
        me = app.technician("@me")
        plan = plan_start(ticket, me, _context(app), force)
        show_or_apply(app, plan, action="start", subject=f"{me.id} starts {ticket.id}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit,
                      loaded={ticket.id: ticket})
