"""What a command given a clock (--now, SDESK_NOW) may not do to a ticket: change it before it
was opened (time to resolve and SLA figures would go negative), or before its journal's last
entry (the journal would be out of order; session 38). The executor refuses either when it
stamps a plan (executor.prepare); a dry run asks first (`given_clock_refusal`), and a batch
skips such a ticket with one warning (`backdated_in`, commands.app.within_limit). Only a given
clock is checked: the wall clock of a clone a little behind another's is `kpi`'s to skip and
count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sdesk.core.errors import SdeskError
from sdesk.core.model import Ticket
from sdesk.procedures.plan import CreateTicket, Notify, Plan

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (`new`'s start-up)
if TYPE_CHECKING:
    from sdesk.store import Store


def refuse_before_opened(tickets: Iterable[Ticket], now: dt.datetime) -> None:
    """SdeskError (one line, nothing written) when the given clock `now` (--now) is before a
    ticket's opened_at: its time to resolve, SLA and hold figures would go negative (a
    resolution, hold or note before the ticket existed). Only a given clock is checked: the
    wall clock of a clone a little behind another's is `kpi`'s to skip and count."""
    for t in tickets:
        if now < t.opened_at:
            raise SdeskError(before_opened(t.id, t.opened_at, now))


def refuse_backdated(tickets: Iterable[Ticket], now: dt.datetime) -> None:
    """SdeskError (`backdated`'s line, nothing written) when the given clock `now` (--now) is
    before the last entry of a changed ticket's journal: the journal is the ticket's history
    in time order (DESIGN: appended in time order), and an entry stamped before the last one
    would write it out of order (session 38). As `refuse_before_opened`, only a given clock
    is checked."""
    for t in tickets:
        last = last_change(t)
        if last is not None and now < last:
            raise SdeskError(backdated(t.id, last, now))


AHEAD = dt.timedelta(days=1)  # a given clock further ahead of the wall clock is warned of


def far_ahead(now: dt.datetime, wall: dt.datetime) -> str:
    """The warning for a given clock `now` (--now) more than AHEAD ahead of the wall clock
    `wall` (aware), "" otherwise (session 39): a change stamped then makes every later change
    of that ticket at an earlier --now a backdating (`refuse_backdated`) until that date comes,
    and a month ahead is more often a typo than a plan. A warning, not a refusal: tests and
    examples run at fixed dates, some ahead of the wall clock."""
    if now - wall <= AHEAD:
        return ""
    days = (now - wall) / dt.timedelta(days=1)
    return (f"--now {now.isoformat()} is {days:.0f} day{'s' if round(days) != 1 else ''} "
            "ahead of this computer's clock: a ticket this command changes cannot be changed "
            "at an earlier --now until then")


def warn_far_ahead(store: Store) -> None:
    """Print `far_ahead`'s line on stderr, once per command, when the store's given clock is
    far ahead; the wall clock is read here only, for this warning (executor.prepare calls
    it for a write at a given clock; reads and dry runs change nothing, so they say nothing)."""
    if store.given_now is None or store.warned_ahead:
        return
    store.warned_ahead = True
    line = far_ahead(store.given_now, dt.datetime.now(dt.UTC))
    if line:
        import sys

        sys.stderr.write(f"sdesk: warning: {line}\n")


def last_change(ticket: Ticket) -> dt.datetime | None:
    """When the ticket's journal last records a change (its latest entry's time), or None for
    a journal without entries."""
    return max((e.at for e in ticket.journal), default=None)


def backdated(ticket_id: str, last: dt.datetime, now: dt.datetime) -> str:
    """`refuse_backdated`'s line (a batch's skipped ticket says it too: app.within_limit)."""
    shown = last.astimezone(now.tzinfo).isoformat()
    return (f"--now {now.isoformat()} is before ticket {ticket_id}'s last change at {shown}: "
            "its journal would be out of order; give a --now at or after "
            f"{shown}")


def backdated_in(store: Store, plan: Plan, loaded: Mapping[str, Ticket] | None = None) -> str:
    """`backdated`'s line for the first ticket `plan` changes whose journal ends after the
    given clock (store.given_now), "" for none or without a given clock: what a batch checks
    before carrying a ticket's plan out, so that ticket is skipped, not the batch failed.
    Tickets are taken from `loaded` ({id: ticket} as read) or read without it; with it, one
    not read yet is left to the executor (triage reads each ticket file once,
    tests/test_triage_memory.py); one that cannot be read is the executor's to report."""
    now = store.given_now
    if now is None:
        return ""
    seen: set[str] = set()
    for a in plan.changes:
        if isinstance(a, CreateTicket | Notify) or a.ticket in seen:
            continue
        seen.add(a.ticket)
        held = (loaded or {}).get(a.ticket)
        if held is None and loaded is not None:  # another ticket of the batch, not read yet
            continue  # (a parent case's child): the executor refuses it when it stamps it
        try:
            ticket = held if held is not None else store.load(a.ticket)
        except SdeskError:
            continue
        last = last_change(ticket)
        if last is not None and ticket.opened_at <= now < last:  # (opened after: the
            return backdated(ticket.id, last, now)  # executor's refusal says that first)
    return ""


def indexed_before_opened(store: Store, ticket_ids: Iterable[str]) -> str:
    """`before_opened`'s line for the first of these tickets the index says was opened after
    the given clock (store.given_now), "" for none: what a dry run checks without reading
    the files (commands.common.applied_refusal)."""
    from sdesk.store import queries

    now = store.given_now
    early = None if now is None else queries.opened_after(store.index, ticket_ids,
                                                          now.timestamp())
    if now is None or early is None:
        return ""
    return before_opened(early[0], dt.datetime.fromtimestamp(early[1], now.tzinfo), now)


DRY_RUN_READS = 50  # tickets a dry run reads to say a backdated --now would stop the run


def given_clock_refusal(store: Store, ticket_ids: Iterable[str]) -> str:
    """What the applied run would refuse of the given clock (store.given_now) for these
    tickets, "" for nothing: opened after it (`indexed_before_opened`, from the index), or
    a journal that ends after it (`refuse_backdated`; the tickets' files read, up to
    DRY_RUN_READS of them: a batch's applied run skips such a ticket instead)."""
    ids = list(ticket_ids)
    early = indexed_before_opened(store, ids)
    if early or store.given_now is None or len(ids) > DRY_RUN_READS:
        return early
    for ticket_id in ids:
        try:
            ticket = store.load(ticket_id)
        except SdeskError:  # a new ticket (or a broken file: the applied run says so)
            continue
        last = last_change(ticket)
        if last is not None and store.given_now < last:
            return backdated(ticket.id, last, store.given_now)
    return ""


def given_clock_line(tickets: Iterable[Ticket], now: dt.datetime) -> str:
    """What the executor would refuse of the given clock `now` for these tickets (as they
    stand), "" for nothing: `before_opened`'s line for the first opened after it, else
    `backdated`'s for the first whose journal ends after it. What a mail batch checks before
    it takes a message, so that message is skipped, not the batch failed (session 39;
    sdesk/mail/mailbatch.take)."""
    held = list(tickets)
    for t in held:
        if now < t.opened_at:
            return before_opened(t.id, t.opened_at, now)
    for t in held:
        last = last_change(t)
        if last is not None and now < last:
            return backdated(t.id, last, now)
    return ""


def before_opened(ticket_id: str, opened_at: dt.datetime, now: dt.datetime) -> str:
    """`refuse_before_opened`'s line (a dry run says it too: commands.common.applied_refusal)."""
    shown = opened_at.astimezone(now.tzinfo).isoformat()
    return (f"--now {now.isoformat()} is before ticket {ticket_id} was opened at {shown}: a "
            "change cannot come before the ticket exists (time to resolve and SLA figures "
            f"would go negative); give a --now at or after {shown}")
