"""sdesk task: tasks break a ticket into pieces of work (the standard's "Task")."""

from __future__ import annotations

import click

from sdesk.commands.common import App, commit_options, output_options, pass_app


@click.group()
def task() -> None:
    """Tasks under a ticket. A ticket with open tasks cannot be resolved.

    \b
    Examples:
      sdesk task new --parent CASE-2PWQ --title "Order the replacement toner"
      sdesk task list --parent CASE-2PWQ
    """


@task.command("new")
@click.option("--parent", required=True, metavar="ID", help="The ticket this work is part of.")
@click.option("--title", "-T", required=True, help="One line saying what is to be done.")
@click.option("--description", "-d", default="", help="Details.")
@click.option("--team", default="", help="Owning team (default: the parent's team).")
@click.option("--effort", type=float, default=1.0, show_default=True, help="Estimated hours.")
@click.option("--json", "as_json", is_flag=True, help="Print the new task as JSON.")
@commit_options
@pass_app
def task_new(app: App, parent: str, title: str, description: str, team: str, effort: float,
             as_json: bool, no_commit: bool) -> None:
    """Create a task under a ticket; prints its ID."""
    from sdesk.procedures.tasks import new_task
    from sdesk.store.executor import apply_plan

    store = app.store
    with store.lock("task new"):
        owner = store.get(parent)
        ticket, plan = new_task(owner, store.new_id("task", app.now), title, description, effort,
                                team, store.reference, app.now, app.actor.name)
        apply_plan(store, plan, actor=app.actor, now=app.now, action="task new",
                   subject=f"task {ticket.id} of {owner.id}: {ticket.title}",
                   commit=not no_commit)
    if as_json:  # the whole ticket, schema 2 (docs/json.md)
        from sdesk.core.render import echo_json
        from sdesk.core.ticketjson import full
        from sdesk.store.index import row_of

        echo_json(full(ticket, row_of(ticket), store.tz))
    else:
        click.echo(ticket.id)


@task.command("list")
@click.option("--parent", default="", metavar="ID", help="Only the tasks of this ticket.")
@click.option("--all", "show_all", is_flag=True, help="Include resolved and closed tasks.")
@output_options
@pass_app
def task_list(app: App, parent: str, show_all: bool, as_json: bool, as_csv: bool,
              fmt: str | None) -> None:
    """Tasks (open ones unless --all), with their parent, status and assignee."""
    from sdesk.core.render import emit
    from sdesk.store import queries

    store = app.store
    rows = queries.tasks(store.index, store.resolve_id(parent) if parent else "", show_all)
    out = [dict(r) for r in rows]
    if not (as_json or as_csv):  # people: short IDs, as `list` shows them; scripts: full IDs
        short = store.index.short_ids([i for r in out for i in (r["id"], r["parent"]) if i])
        for r in out:
            r["id"] = short[r["id"]]
            r["parent"] = short.get(r["parent"], r["parent"])
    emit(out, ["id", "parent", "status", "team", "assignee", "title"],
         as_json=as_json, as_csv=as_csv, fmt=fmt)
