"""sdesk escalate: hand a ticket to higher-tier support, keeping its SLA."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app, plan_options


@click.command()
@click.argument("ticket_id")
@click.option("--to", "team", required=True, metavar="TEAM", help="The team taking it over.")
@click.option("--tier", type=int,
              help="Support tier now working it (default: one higher; lower hands it back).")
@click.option("--reason", required=True, help="Why it needs higher-tier support.")
@plan_options
@pass_app
def escalate(app: App, ticket_id: str, team: str, tier: int | None, reason: str,
             dry_run: bool, as_json: bool, no_commit: bool) -> None:
    """Escalate a ticket to another team and tier (or hand it back down with a lower --tier);
    Resolve By is kept, the assignee cleared (the new team assigns), and the new team is
    notified.

    \b
    Example:
      sdesk escalate INC-2Q4R --to "IS-Network Services" --reason "VPN concentrator fault"
    """
    from sdesk.commands.common import show_or_apply
    from sdesk.procedures.escalation import escalate as plan_escalation
    from sdesk.procedures.escalation import escalation_subject

    store = app.store
    with store.lock("escalate"):
        ticket = store.get(ticket_id)
        plan = plan_escalation(ticket, team, reason, store.reference, app.now, app.actor.name,
                               tier)
        subject = escalation_subject(ticket.id, ticket.tier, store.reference.team(team).name,
                                     tier)
        show_or_apply(app, plan, action="escalate", subject=subject,
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit)
