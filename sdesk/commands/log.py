"""sdesk log: a ticket's history from git."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pager_option, pass_app


@click.command()
@click.argument("ticket_id")
@click.option("--patch", "-p", is_flag=True, help="Show each change as a diff.")
@pager_option
@pass_app
def log(app: App, ticket_id: str, patch: bool) -> None:
    """Show who changed a ticket, when, and what (from git history).

    \b
    Example:
      sdesk log INC-2Q4C -p
    """
    from sdesk import git
    from sdesk.core import ids, pager

    store = app.store
    ticket_id = store.resolve_id(ticket_id)
    # The file's path in each folder layout it may have had (`migrate-folders` moves it, -M
    # shows that commit as a rename), instead of --follow: following a name makes git diff
    # every file of each commit to look for renames, ~760 MB for the first commit of a
    # million-ticket store; a pathspec keeps the diff to the paths named.
    paths = [store.git_path(store.root / ids.relative_path(ticket_id, levels))
             for levels in ids.FOLDER_LEVELS]
    args = ["log", "-M", "--date=iso-local", "--format=%h  %ad  %an%n    %s",
            *(["-p"] if patch else ["--stat=100"]), "--", *paths]
    from sdesk.core.render import printable

    out = printable(git.run(args, store.top).stdout)
    pager.echo(out.rstrip() if out.strip() else f"{ticket_id}: no commits yet", app.no_pager)
