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

    Public notes are queued as a message to the customer; internal notes never leave the desk.

    \b
    Example:
      sdesk note INC-2Q4C "Called the user; Teams reinstalled" --public
    """
    from sdesk.core.model import check_text, journal_entry
    from sdesk.procedures.notes import journal_note

    body = check_text("note", read_text_arg(text, "note"))
    store = app.store
    with store.lock("note"):
        ticket = store.get(ticket_id)
        entry = journal_entry(at=app.now, by=app.actor.name, text=body, kind="note",
                             visibility="public" if public else "internal")
        plan = journal_note(ticket, entry)
        from sdesk.store.executor import apply_plan

        apply_plan(store, plan, actor=app.actor, now=app.now, action="note",
                   subject=f"note {ticket.id}: {body.splitlines()[0][:60] if body else ''}",
                   commit=not no_commit)
    click.echo(f"{ticket.id}: {'public' if public else 'internal'} note added")
