"""sdesk log: a ticket's history from git."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app


@click.command()
@click.argument("ticket_id")
@click.option("--patch", "-p", is_flag=True, help="Show each change as a diff.")
@pass_app
def log(app: App, ticket_id: str, patch: bool) -> None:
    """Show who changed a ticket, when, and what (from git history).

    \b
    Example:
      sdesk log INC-2Q4C -p
    """
    from sdesk import git
    from sdesk.core import pager

    store = app.store
    ticket_id = store.resolve_id(ticket_id)
    path = store.git_path(store.path_of(ticket_id))
    args = ["log", "--follow", "--date=iso-local",
            "--format=%h  %ad  %an%n    %s", *(["-p"] if patch else ["--stat=100"]), "--", path]
    from sdesk.core.render import printable

    out = printable(git.run(args, store.top).stdout)
    pager.echo(out.rstrip() if out.strip() else f"{ticket_id}: no commits yet", app.no_pager)
