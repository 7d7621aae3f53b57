"""sdesk sweep: the promises the desk keeps by itself (for cron or a CI schedule)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sdesk.commands.common import App, pass_app, plan_options

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    from sdesk.core.model import Hold
    from sdesk.procedures.plan import Plan
    from sdesk.procedures.sweep import Watched
    from sdesk.store import Store

NOTHING = "nothing due: no SLA warning, escalation, reminder, closing or unowned ticket"


@click.command()
@plan_options
@pass_app
def sweep(app: App, dry_run: bool, as_json: bool, no_commit: bool) -> None:
    """Send due SLA warnings and update reminders, close old resolutions, report unowned tickets.

    At 75% and 100% of the time to respond and to resolve the owning team's supervisor is told,
    once per threshold per ticket (never while the ticket is on hold; time on the ticket's SLA
    clock: 24x7 for P1, business hours for the rest); still breached at `[sweep]
    escalate_percent` (150) the team's leads are told, once. The assignee of a ticket whose
    customer had no public update for its priority's spell (`[sweep] update_hours_p1` clock
    hours, `update_days_p2`..`_p4` business days) is reminded (an unassigned ticket's
    supervisor; a P1's supervisor too; not while it is on hold awaiting the customer); tickets
    resolved more than `close_after_days` business days ago are closed (not one flagged
    customer-reply: a customer's reply waits to be read, and the plan says so); new tickets
    unowned for more than `unowned_hours` hours of their SLA clock are reported to the leads.
    All of it is one commit; run it as often as you like (docs/sweep.md has a crontab line and
    a CI schedule). Exit code 4 when nothing was due.

    \b
    Examples:
      sdesk sweep --dry-run
      sdesk sweep
    """
    from sdesk.commands.app import within_limit
    from sdesk.commands.common import apply_each, warn_skipped
    from sdesk.procedures.sweep import SweepContext, SweepSettings, business_days_before, sweep_each

    store = app.store
    ref = store.reference
    settings = SweepSettings(**store.settings("sweep"))
    ctx = SweepContext(ref, app.now, app.actor.name, settings)
    with store.lock("sweep"):
        closing = business_days_before(app.now, settings.close_after_days, ref)
        warn_skipped(store)
        watched = _watched(store, closing.timestamp(), app.now.tzinfo)
        # A ticket its sweep would take over the size limit is left out, said (session 37).
        plans = within_limit(app, sweep_each(watched, ctx), verb="sweep", again="sdesk sweep")
        if dry_run:
            _show_streamed(store, plans, app if as_json else None)
            return
        # ticket by ticket: a sweep at a million tickets plans ~80,000 (issue 17, memory)
        apply_each(app, plans, action="sweep", subject=lambda n: (
                   f"sweep: {n} tickets (SLA warnings, reminders, closing, unowned)"),
                   dry_run=dry_run, as_json=as_json, no_commit=no_commit, nothing=NOTHING)


def _show_streamed(store: Store, plans_made: Iterator[Plan], json_for: App | None) -> None:
    """The dry run's plan printed ticket by ticket as the sweep decides it (the same lines as
    the whole plan's, in the same order; with `json_for`, the same `--json` document): memory
    stays flat however many tickets are due. Nothing due is exit code 4; a ticket file with
    changes nobody committed is the applied run's refusal, after the plan."""
    from sdesk.commands.common import echo_dry_run_json, noting_tickets, refuse_as_applied
    from sdesk.core.errors import NothingToDo
    from sdesk.core.render import printable

    seen: dict[str, None] = {}
    plans = noting_tickets(plans_made, seen)
    stop = None
    if json_for is not None:
        changed, stop = echo_dry_run_json(json_for, plans, seen)
        if not changed:
            raise NothingToDo(NOTHING)
    else:
        shown = False
        for one in plans:  # a ticket left as it is says why (a finding: not closed)
            if one.actions:
                click.echo(printable("\n".join(one.describe())))
            shown = shown or not one.is_empty
        if not shown:
            raise NothingToDo(NOTHING)
    refuse_as_applied(store, seen, stop)


def _watched(store: Store, closing: float, tz: dt.tzinfo | None) -> Iterator[Watched]:
    """The sweep's tickets from the index, one at a time in ID order; holds read from the file
    only for open tickets that are or were on hold (their used time leaves the held time out;
    a current hold's reason says whether an update is owed, session 40)."""
    import datetime as dt

    from sdesk.procedures.sweep import Watched
    from sdesk.store import queries

    def at(value: float | None) -> dt.datetime | None:
        return None if value is None else dt.datetime.fromtimestamp(value, tz)

    for r in queries.sweep_candidates(store.index, closing):
        holds: tuple[Hold, ...] = ()
        if r["status"] != "resolved" and (r["held_seconds"] or r["on_hold"]):
            holds = tuple(store.load(r["id"]).holds)
        yield Watched(
            id=r["id"], title=r["title"], status=r["status"], priority=r["priority"],
            team=r["team"], assignee=r["assignee"], flags=tuple(str(r["flags"]).split()),
            opened_at=dt.datetime.fromtimestamp(r["opened_at"], tz), respond_by=at(r["respond_by"]),
            resolve_by=at(r["resolve_by"]), first_response_at=at(r["first_response_at"]),
            resolved_at=at(r["resolved_at"]),
            last_update=dt.datetime.fromtimestamp(r["last_update"], tz),
            on_hold=bool(r["on_hold"]), holds=holds)
