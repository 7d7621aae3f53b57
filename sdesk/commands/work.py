"""sdesk take and sdesk start: a technician picks up a ticket and starts work on it."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app, plan_options


def _work(app: App, action: str, ticket_id: str, force: bool, dry_run: bool, as_json: bool,
          no_commit: bool) -> None:
    """Plan `take` or `start` (sdesk/procedures/work.py) for the technician you are, and show or apply it."""
    from sdesk.commands.common import show_or_apply
    from sdesk.procedures import work
    from sdesk.store.contexts import assign_context

    planner = work.take if action == "take" else work.start
    store = app.store
    with store.lock(action):
        ticket = store.get(ticket_id)
        me = app.technician("@me")
        ctx = assign_context(store, app.now, app.actor.name)
        plan = planner(ticket, me, ctx, force)
        show_or_apply(app, plan, action=action, subject=f"{me.id} {action}s {ticket.id}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit,
                      loaded={ticket.id: ticket})


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
    _work(app, "take", ticket_id, force, dry_run, as_json, no_commit)


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
    _work(app, "start", ticket_id, force, dry_run, as_json, no_commit)
