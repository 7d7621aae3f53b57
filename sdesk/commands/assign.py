"""sdesk assign: who works the ticket, by the dispatcher guide's CASE ASSIGNMENT rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sdesk.commands.common import App, pass_app, plan_options, show_or_apply

if TYPE_CHECKING:
    from sdesk.core.model import Ticket
    from sdesk.procedures.assign import AssignContext
    from sdesk.procedures.plan import Plan


@click.command()
@click.argument("ticket_id", required=False)
@click.option("--to", "tech", metavar="TECH", help="The dispatcher's choice of technician "
              "(ID, name, e-mail or @me); refused when unfit unless --force.")
@click.option("--force", is_flag=True, help="With --to: assign even when the technician lacks "
              "a skill, is out or over capacity (the override is journaled). With --team/--all: "
              "assign tickets awaiting the supervisor's priority decision or a decision on an "
              "on-site proposal too.")
@click.option("--team", metavar="TEAM", help="Work this team's triaged, unassigned queue "
              "(VIP first, then earliest Resolve By) as one commit.")
@click.option("--all", "all_teams", is_flag=True, help="Work every team's triaged, unassigned "
              "queue (in the queue order) as one commit, as `triage --all` does.")
@click.option("--limit", "-n", type=click.IntRange(min=1), help="With --team or --all: at most N "
              "tickets from the front of the queue.")
@plan_options
@pass_app
def assign(app: App, ticket_id: str | None, tech: str | None, force: bool, team: str | None,
           all_teams: bool, limit: int | None, dry_run: bool, as_json: bool,
           no_commit: bool) -> None:
    """Assign a ticket (or a team's queue, or every team's) to a technician and say why, rule by
    rule.

    Exit code 4 means nothing was assigned (nobody fits; the ticket stays in the queue).

    \b
    Examples:
      sdesk assign INC-2Q4R --dry-run
      sdesk assign INC-2Q4P --to dcooper
      sdesk triage --team "IS-Desktop Support"
      sdesk assign --team "IS-Desktop Support" --limit 20
      sdesk assign --all --dry-run
    """
    from sdesk.core.errors import NothingToDo
    from sdesk.store.contexts import assign_context

    if sum([ticket_id is not None, team is not None, all_teams]) != 1:
        raise click.UsageError("give a TICKET_ID, --team TEAM or --all (exactly one)")
    if ticket_id is None and tech is not None:
        raise click.UsageError("--to works on one ticket, not with --team or --all")
    if limit is not None and ticket_id is not None:
        raise click.UsageError("--limit works with --team or --all")
    store = app.store
    with store.lock("assign"):
        ctx = assign_context(store, app.now, app.actor.name)
        if ticket_id is None:
            plan, subject, nothing, loaded = _queue_plan(app, ctx, team, limit, force)
        else:
            assert ticket_id is not None
            plan, subject, nothing, loaded = _one_plan(app, ctx, ticket_id, tech, force)
        if plan.is_empty:
            _print(plan, dry_run, as_json)
            raise NothingToDo(nothing)
        applied = show_or_apply(app, plan, action="assign", subject=subject, dry_run=dry_run,
                                as_json=as_json, no_commit=no_commit, loaded=loaded)
    if ticket_id is None and applied is not None and not as_json:  # a queue: say the commit
        click.echo(f"assign: commit {applied.commit[:10]}" if applied.commit else
                   "assign: not committed", err=True)


def _one_plan(app: App, ctx: AssignContext, ticket_id: str, tech: str | None,
              force: bool) -> tuple[Plan, str, str, dict[str, Ticket]]:
    from sdesk.procedures.assign import assign_ticket, assign_to

    ticket = app.store.get(ticket_id)
    if tech is not None:  # an empty --to is an unknown technician, never "assign by the rules"
        tech = app.technician(tech).id
    plan = assign_to(ticket, tech, ctx, force) if tech else assign_ticket(ticket, ctx)
    target = _set_value(plan, "assignee") or _set_value(plan, "team")
    return (plan, f"assign {ticket.id} to {target}",
            f"nothing assigned: nobody can take {ticket.id} now; it stays in the queue",
            {ticket.id: ticket})


def _set_value(plan: Plan, name: str) -> str:
    from sdesk.procedures.plan import SetField

    return next((str(a.value) for a in plan.changes
                 if isinstance(a, SetField) and a.field == name), "")


def _queue_plan(app: App, ctx: AssignContext, team: str | None, limit: int | None,
                force: bool) -> tuple[Plan, str, str, dict[str, Ticket]]:
    """One team's queue (`--team`), or every team's (`--all`, team None) in the one queue
    order; the tally goes to stderr (the plan to stdout)."""
    from sdesk.procedures.assign import assign_queue
    from sdesk.store import queries

    name = ctx.reference.team(team).name if team is not None else ""
    now = app.store.given_now  # --now: tickets opened after it are not in the queue yet
    ids = queries.assign_queue_ids(app.store.index, name, None if now is None else now.timestamp())
    if now is not None and (later := len(queries.assign_queue_ids(app.store.index, name)) - len(ids)):
        click.echo(f"sdesk: {later} ticket(s) opened after --now {now.isoformat()} left out",
                   err=True)
    tickets = [app.store.load(i) for i in ids]
    result = assign_queue(tickets, ctx, limit, force)
    result.plan = _within_limit(app, result.plan, {t.id: t for t in tickets})
    kept = set(result.plan.ticket_ids())
    result.left += [i for i in result.assigned + result.handed_off if i not in kept]
    result.assigned = [i for i in result.assigned if i in kept]
    result.handed_off = [i for i in result.handed_off if i in kept]
    summary = (f"{len(result.assigned)} assigned, {len(result.handed_off)} handed to dispatch, "
               f"{len(result.left)} left in the queue")
    where = f"{name}'s queue" if name else \
        f"every team's queue ({len({t.team for t in tickets})} teams)"
    click.echo(f"assign: {len(tickets)} in {where}; {summary}", err=True)
    untriaged = _untriaged(app, name)
    if untriaged:
        click.echo(f"assign: {untriaged}", err=True)
    return (result.plan, f"assign {name or 'every team'} queue: {summary}",
            f"nothing assigned from {where} ({len(tickets)} triaged, unassigned)",
            {t.id: t for t in tickets})


def _within_limit(app: App, plan: Plan, loaded: dict[str, Ticket]) -> Plan:
    """A queue's `plan` without the assignment of a ticket it would take over the size limit,
    said in one line (app.within_limit; session 37: one such ticket failed the whole queue).
    The queue's actions come ticket by ticket, so each run of one ticket's is its plan. The
    tickets after it were chosen counting its load: the next run may choose differently."""
    import itertools

    from sdesk.commands.app import within_limit
    from sdesk.procedures.plan import Plan

    runs = (Plan(list(acts)) for _, acts in itertools.groupby(plan.actions, lambda a: a.ticket))
    kept = Plan()
    for one in within_limit(app, runs, loaded, verb="assignment", again="sdesk assign {id}"):
        kept.extend(one.actions)
    return kept


def _untriaged(app: App, team: str) -> str:
    """The team's tickets left out because triage has not seen them (a parent case is logged
    `new`), named with the command that readies them; "" when none (fresh-user finding,
    session 29: a P1 parent was skipped without a word)."""
    import shlex

    from sdesk.store import queries

    ids = queries.untriaged_ids(app.store.index, team)
    if not ids:
        return ""
    if len(ids) > 3:
        return (f"{len(ids)} left out, not triaged (sdesk triage "
                f"{'--team ' + shlex.quote(team) if team else '--all'})")
    return f"{len(ids)} left out, not triaged: {' '.join(ids)} (sdesk triage {' '.join(ids)})"


def _print(plan: Plan, dry_run: bool, as_json: bool) -> None:
    if as_json:
        from sdesk.core.render import echo_json

        echo_json({"dry_run": dry_run, "assigned": False, "actions": plan.to_json()})
    else:
        from sdesk.core.render import printable

        for line in plan.describe():
            click.echo(printable(line))

