"""sdesk show: one ticket the way a dispatcher reads it (the text: sdesk/commands/showtext.py)."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pager_option, pass_app


@click.command()
@click.argument("ticket_id")
@click.option("--json", "as_json", is_flag=True, help="The ticket as JSON, with relations.")
@pager_option
@pass_app
def show(app: App, ticket_id: str, as_json: bool) -> None:
    """Show a ticket: requester (VIP marked), SLA due and time left, team, assignee,
    relations from both sides, holds and the journal.

    \b
    Example:
      sdesk show INC-2Q4C
    """
    from sdesk.commands import showtext

    store = app.store
    if not as_json:
        from sdesk.core import pager
        from sdesk.core.due import use_colour

        pager.echo(showtext.page(store, ticket_id, lambda: app.now, use_colour()), app.no_pager)
        return
    # the whole ticket, schema 2 (docs/json.md)
    from sdesk.core.model import from_checked
    from sdesk.core.render import echo_json
    from sdesk.core.ticketjson import full
    from sdesk.store.index import row_of

    ticket = from_checked(store.checked_one(ticket_id))  # the narrow check, as the text's
    data = full(ticket, row_of(ticket), store.tz)
    data["links"] = showtext.checked_relations(store, ticket)
    data["attachments"] = [{"file": name, "bytes": size}
                           for name, size in showtext.attachments(store, ticket.id)]
    echo_json(data)
