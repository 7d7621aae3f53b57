"""sdesk note: add a journal entry."""

from __future__ import annotations

import click

from sdesk.commands.common import App, commit_options, pass_app, read_text_arg


@click.command()
@click.argument("ticket_id")
@click.argument("text", required=False)
@click.option("--public", is_flag=True, help="The customer sees this note (default: internal).")
@commit_options
@pass_app
def note(app: App, ticket_id: str, text: str | None, public: bool, no_commit: bool) -> None:
    """Add a note to a ticket's journal. TEXT '-' reads stdin; without TEXT $EDITOR opens.

    Public notes are queued as a message to the customer (on a parent case: to each open
    child's requester); internal notes never leave the desk.

    \b
    Example:
      sdesk note INC-2Q4C "Called the user; Teams reinstalled" --public
    """
    from sdesk.commands.writes import add_note

    for err, line in add_note(app, ticket_id, read_text_arg(text, "note"), public, no_commit):
        click.echo(line, err=err)
