"""sdesk hold and sdesk resume: stop and restart the SLA clock."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app, plan_options


@click.command()
@click.argument("ticket_id")
@click.option("--reason", required=True, metavar="REASON",
              help="A hold reason from reference/codes.toml [hold_reasons], e.g. "
                   "awaiting-customer, awaiting-vendor, awaiting-change.")
@click.option("--note", default="", help="What exactly the ticket waits for (journaled; "
              "internal unless --public).")
@click.option("--public", is_flag=True,
              help="The --note is for the customer too: quoted in the message telling them "
                   "of the hold (a vendor's case number stays internal without it).")
@click.option("--ask", default="", metavar="TEXT",
              help="awaiting-customer: the question mailed to the customer (a public entry); "
                   "their reply resumes the hold.")
@click.option("--asked-by-phone", is_flag=True,
              help="awaiting-customer: the customer was asked by phone already; nothing is "
                   "mailed.")
@click.option("--force", is_flag=True, help="Do it though you are not of the ticket's team, its "
              "supervisor or the Service Desk (the override is journaled).")
@plan_options
@pass_app
def hold(app: App, ticket_id: str, reason: str, note: str, public: bool, ask: str,
         asked_by_phone: bool, force: bool, dry_run: bool, as_json: bool,
         no_commit: bool) -> None:
    """Put a ticket on hold: the SLA clock pauses until `sdesk resume`.

    Any other hold tells the customer, in plain words, that the work is paused and what for;
    resume tells them the date now promised. A hold awaiting the customer must ask them:
    --ask mails the question (it is the desk's response, and the customer's reply resumes
    the hold), or --asked-by-phone after a call.

    \b
    Example:
      sdesk hold INC-2Q4W --reason awaiting-customer --ask "Which report times out, and when?"
      sdesk hold INC-2Q4XW --reason awaiting-vendor --note "Dell part due Monday"
    """
    from sdesk.commands.common import show_or_apply
    from sdesk.procedures.escalation import hold as plan_hold

    store = app.store
    with store.lock("hold"):
        ticket = store.get(ticket_id)
        plan = plan_hold(ticket, reason.strip().lower(), store.reference, app.now,
                         app.actor.name, note, ask=ask, asked_by_phone=asked_by_phone,
                         public=public)
        plan.actions[:0] = app.permit(ticket, "put it on hold", force)
        show_or_apply(app, plan, action="hold", subject=f"hold {ticket.id}: {reason}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit)
    if asked_by_phone and not dry_run:  # allowed, but the desk should know what it skipped
        click.echo(f"sdesk: warning: {ticket.id}: nothing mailed (asked by phone); an answer by "
                   f"phone resumes nothing by itself: sdesk resume {ticket.id} when it comes",
                   err=True)


@click.command()
@click.argument("ticket_id")
@click.option("--note", default="", help="What the ticket waited for and got (journaled).")
@click.option("--force", is_flag=True, help="Do it though you are not of the ticket's team, its "
              "supervisor or the Service Desk (the override is journaled).")
@plan_options
@pass_app
def resume(app: App, ticket_id: str, note: str, force: bool, dry_run: bool, as_json: bool,
           no_commit: bool) -> None:
    """End a ticket's hold: Resolve By moves later by the paused time (business time for
    P2-P4, real time for P1) and the ticket returns to its working status.

    \b
    Example:
      sdesk hold INC-2Q4W --reason awaiting-change
      sdesk resume INC-2Q4W --note "Change window confirmed for tonight"
    """
    from sdesk.commands.common import show_or_apply
    from sdesk.procedures.escalation import resume as plan_resume

    store = app.store
    with store.lock("resume"):
        ticket = store.get(ticket_id)
        plan = plan_resume(ticket, store.reference, app.now, app.actor.name, note)
        plan.actions[:0] = app.permit(ticket, "resume it", force)
        show_or_apply(app, plan, action="resume", subject=f"resume {ticket.id}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit)
