"""The context every command runs in (store, clock, actor) and the dates users type: without
click, so the click commands (sdesk/commands/*.py, through sdesk/commands/common.py) and the
click-free paths (sdesk/launch.py, sdesk/fastwrite.py) share one definition."""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from functools import cached_property

from sdesk.core.errors import ValidationError
from sdesk.core.record import record

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sdesk.core.model import Ticket
    from sdesk.core.reference import Technician
    from sdesk.git import Identity
    from sdesk.procedures.plan import Action, Plan
    from sdesk.store import Store
    from sdesk.store.index import Problem


@record
class App:
    """What a command runs with: the store (opened on first use), the command's clock and its
    actor, from the global options --store, --now and --actor."""

    store_path: str | None = None
    actor_text: str | None = None
    now_text: str | None = None
    no_pager: bool = False
    recover: bool = True  # settle a killed command's half-done change first (check --no-recover: no)
    _now: dt.datetime | None = field(default=None, repr=False)

    @cached_property
    def store(self) -> Store:
        """The store, a killed command's half-done change rolled back first when no command is
        running (Store.settle_interrupted), unless `recover` was turned off."""
        from sdesk.store import Store

        store = Store.open(self.store_path)
        if self.recover:
            store.say_settled()
        return store

    @property
    def now(self) -> dt.datetime:
        """The command's clock: --now / SDESK_NOW when given (scripts, tests), else the wall
        clock; always aware, in the store's time zone, whole seconds."""
        if self._now is None:
            tz = self.store.tz
            if self.now_text:
                self._now = parse_when(self.now_text, tz, "--now")
                self.store.given_now = self._now  # writers check it (executor.prepare)
            else:
                self._now = dt.datetime.now(tz).replace(microsecond=0)
        return self._now

    @cached_property
    def actor(self) -> Identity:
        from sdesk import git

        if self.actor_text:
            from sdesk.core.actors import parse_actor

            return parse_actor(self.actor_text, self.store.reference)
        return git.user_identity(self.store.top)

    def technician(self, text: str) -> Technician:
        """A technician by ID, name, e-mail or `@me` (the actor); ReferenceError if unknown."""
        from sdesk.core.actors import technician

        wants_me = text.strip().casefold() == "@me"
        return technician(text, self.store.reference, self.actor if wants_me else None)

    def permit(self, ticket: Ticket, what: str, force: bool = False) -> list[Action]:
        """Whether the actor may `what` ("resolve it", "put it on hold"...) `ticket`: the one rule of
        sdesk/procedures/permits.py (the ticket's team, its supervisor or the Service Desk),
        as actions to put first in the command's plan (a forced override journaled, an out
        of office warning). SdeskError when refused."""
        from sdesk.procedures.permits import permit_actions

        return permit_actions(ticket, self.actor.name, self.actor.email, self.store.reference,
                              self.now, what, force)


_RELATIVE = {"minute": "minutes", "hour": "hours", "day": "days", "week": "weeks",
             "month": "months", "year": "years"}


def parse_when(text: str, tz: dt.tzinfo, what: str, now: dt.datetime | None = None
               ) -> dt.datetime:
    """A date or time the user typed, for every option that takes one: ISO 8601 first (fast,
    exact), then a relative date (`12 weeks ago`, `3 days ago`, `2 hours ago`, `today`,
    `yesterday`, `now`), then anything dateutil understands; naive times are in the store's
    time zone, and the result is always in the store's zone. Relative dates count back from
    `now` (default: the command's clock, --now included); days, weeks, months and years keep
    the wall-clock time, hours and minutes are real time. ValidationError naming `what` for
    anything else."""
    text = text.strip()
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        relative = _relative(text, tz, what, now)
        if relative is not None:
            return relative
        try:
            from dateutil import parser

            value = parser.parse(text)
        except (ValueError, OverflowError):
            raise ValidationError(f"{what}: not a date or time: {text!r}") from None
    from sdesk.core.due import in_zone

    return in_zone(value, tz)



def _relative(text: str, tz: dt.tzinfo, what: str, now: dt.datetime | None
              ) -> dt.datetime | None:
    import re

    words = " ".join(text.lower().split())
    m = re.fullmatch(r"(\d{1,6}|an?) (minute|hour|day|week|month|year)s? ago", words)
    if m is None and words not in ("now", "today", "yesterday", "tomorrow"):
        return None
    base = (now or _command_now(what, tz)).astimezone(tz).replace(microsecond=0)
    if words == "now":
        return base
    if words in ("today", "yesterday", "tomorrow"):  # midnight of that day
        day = base.date() + dt.timedelta(days={"yesterday": -1, "tomorrow": 1}.get(words, 0))
        return dt.datetime.combine(day, dt.time(), tzinfo=tz)
    assert m is not None
    count = 1 if m.group(1) in ("a", "an") else int(m.group(1))
    unit = _RELATIVE[m.group(2)]
    if unit in ("minutes", "hours"):  # real time, across a DST change too
        return (base.astimezone(dt.UTC) - dt.timedelta(**{unit: count})).astimezone(tz)
    from dateutil.relativedelta import relativedelta

    months = count * (12 if unit == "years" else 1)
    try:
        wall = base.replace(tzinfo=None) - (
            relativedelta(months=months) if unit in ("months", "years") else
            dt.timedelta(days=count * (7 if unit == "weeks" else 1)))
    except (OverflowError, ValueError):
        raise ValidationError(f"{what}: {text!r} is too far back") from None
    return wall.replace(tzinfo=tz)


def _command_now(what: str, tz: dt.tzinfo) -> dt.datetime:
    """The running command's clock (--now included); the wall clock for --now itself."""
    import click  # only a relative date needs the running command's context

    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(App) if ctx is not None else None
    if app is not None and what != "--now":
        return app.now
    return dt.datetime.now(tz)


def warn_skipped(store: Store) -> None:
    """One stderr line per ticket file the index could not read (broken TOML, not UTF-8...):
    what a command reading the index leaves out, said as `list` says it, so figures and
    handovers computed on the rest are not quietly wrong (fresh-user finding 4, session 30:
    kpi, report, handover and sweep dropped a broken P1 without a word)."""
    say_skipped(store.index.problems)


def say_skipped(problems: Iterable[Problem]) -> None:
    """`warn_skipped`'s lines for these `problems` (`reindex` says those of the index it
    rebuilt)."""
    for problem in problems:
        say_unreadable(problem.message)


def say_unreadable(message: str) -> None:
    """One stderr line for a ticket file a command leaves out: `message` names the file and
    why (broken TOML, over the size limit, a symbolic link), as the index's problems do."""
    import sys

    from sdesk.core.render import printable

    said = message if message.endswith("skipped") else f"{message} (skipped)"  # a folder's
    sys.stderr.write(printable(f"sdesk: warning: {said}") + "\n")
    sys.stderr.flush()


def readable(store: Store, ids: Iterable[str]) -> Iterator[Ticket]:
    """The tickets of `ids` read one at a time; a file that cannot be read (broken since the
    index last saw it, over the size limit, a link, gone) is said in one line and left out,
    so a command streaming many tickets (`export`) neither stops half-way nor drops it
    silently."""
    from sdesk.core.errors import TicketFileError, TicketNotFound
    from sdesk.core.untrusted import UnsafePath

    for ticket_id in ids:
        try:
            yield store.load(ticket_id)
        except (TicketFileError, UnsafePath, TicketNotFound) as exc:
            say_unreadable(exc.message)


def within_limit(app: App, plans: Iterable[Plan], loaded: dict[str, Ticket] | None = None,
                 *, verb: str, again: str, alone: bool = False) -> Iterator[Plan]:
    """The per-ticket `plans` of a batch (`verb`: "triage", "sweep", "closing"; `again`: the
    command to run once fixed, "{id}" standing for the ticket) without those that would make
    a ticket's file larger than the read limit (executor.over_limit), each left out said in
    one line on stderr naming the ticket and what to do. The rest of the batch is written
    (sessions 34 and 37: one ticket near 1 MiB failed the whole `triage --all`, then `sweep`
    and `close --resolved-before`, nothing written; docs/crash-safety.md, "Size"), and those
    whose ticket's journal ends after the given --now (givenclock.backdated_in; session 38: it
    wrote the journal out of order). `alone`
    (one ticket named): there is no rest, so SdeskError (exit 1) saying the same. `loaded`:
    {id: ticket} as read."""
    import sys

    from sdesk.core.errors import SdeskError
    from sdesk.core.render import printable
    from sdesk.core.untrusted import MAX_FILE_BYTES
    from sdesk.store.executor import over_limit
    from sdesk.store.givenclock import backdated_in

    for plan in plans:
        late = backdated_in(app.store, plan, loaded)  # --now before its last change
        if late and alone:
            raise SdeskError(late)
        if late:
            [mine, *_] = plan.ticket_ids()
            sys.stderr.write(printable(f"sdesk: warning: {mine} skipped: {late}") + "\n")
            continue
        big = over_limit(app.store, plan, loaded)
        if big is None:
            yield plan
            continue
        tid, size = big
        [mine, *_] = plan.ticket_ids() or [tid]
        whose = "its file" if tid == mine else f"{tid}'s file"
        rel = app.store.path_of(tid).relative_to(app.store.root).as_posix()
        # `sdesk edit` changes fields, never the journal: say what does shorten it.
        why = (f"its {verb} would make {whose} {size} bytes, over the {MAX_FILE_BYTES}-byte "
               "limit for a ticket file (docs/crash-safety.md); nothing of it written. Shorten "
               f"the long journal entry in {rel} (move the log or dump into a file and name "
               "it) in an editor and git commit it, or git revert the commit that added it "
               f"(sdesk log {tid} names it), then {again.format(id=mine)}")
        if alone:
            raise SdeskError(f"{mine}: {why}")
        sys.stderr.write(printable(f"sdesk: warning: {mine} skipped: {why}") + "\n")
