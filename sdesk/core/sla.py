"""SLA arithmetic on the business calendar: due times, elapsed time, holds.

Pure functions: no clock, no disk. Business time is walked one business window (one open day)
at a time in the calendar's local wall time, while every length is measured in UTC, so a
window that contains a DST change still counts its real minutes. Results are aware datetimes
in the calendar's zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~15 M instructions of `show`)
if TYPE_CHECKING:
    from sdesk.core.calendar import Calendar
    from sdesk.core.model import Ticket
    from sdesk.core.reference import Reference
    from sdesk.core.ticketdoc import TicketView

BUSINESS = "business"
CLOCK_24X7 = "24x7"
_MAX_DAYS = 3660  # ten years of walking: beyond that the calendar or the input is broken


def _local(moment: datetime, cal: Calendar) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: SLA times must be aware")
    return moment.astimezone(cal.tz)


def _next_window(day: date, cal: Calendar) -> tuple[datetime, datetime]:
    """The business window of `day`, or of the first business day after it."""
    window = cal.business_window(day)
    if window is None:
        window = cal.business_window(cal.next_business_day(day))
    assert window is not None  # next_business_day only returns business days
    return window


def _span(a: datetime, b: datetime) -> timedelta:
    # Subtracting two datetimes of the same zone uses wall time; UTC gives real elapsed time.
    return b.astimezone(UTC) - a.astimezone(UTC)


def _add_business(start: datetime, amount: timedelta, cal: Calendar) -> datetime:
    cursor = _local(start, cal)
    if amount <= timedelta(0):
        return cursor
    day = cursor.date()
    for _ in range(_MAX_DAYS):
        open_at, close_at = _next_window(day, cal)
        begin = max(cursor, open_at)
        if begin < close_at:
            room = _span(begin, close_at)
            if amount <= room:
                return (begin.astimezone(UTC) + amount).astimezone(cal.tz)
            amount -= room
        cursor = close_at
        day = close_at.date() + timedelta(days=1)
    raise ValueError("business time beyond ten years: check calendar.toml")


def add_business_minutes(start: datetime, minutes: float, cal: Calendar) -> datetime:
    """`start` plus `minutes` of business time. A start outside business hours begins at the
    next opening; a due time that lands exactly on closing time stays there."""
    if minutes < 0:
        raise ValueError(f"minutes must not be negative, got {minutes}")
    return _add_business(start, timedelta(minutes=minutes), cal)


def add_clock_minutes(start: datetime, minutes: float, cal: Calendar) -> datetime:
    """`start` plus `minutes` of real (24x7) time, across DST changes."""
    if minutes < 0:
        raise ValueError(f"minutes must not be negative, got {minutes}")
    return (_local(start, cal).astimezone(UTC) + timedelta(minutes=minutes)).astimezone(cal.tz)


def _business_between(a: datetime, b: datetime, cal: Calendar) -> timedelta:
    a, b = _local(a, cal), _local(b, cal)
    total = timedelta(0)
    day = a.date()
    for _ in range(_MAX_DAYS):
        if day > b.date():
            return total
        window = cal.business_window(day)
        if window is not None:
            begin, end = max(a, window[0]), min(b, window[1])
            if begin < end:
                total += _span(begin, end)
        day += timedelta(days=1)
    raise ValueError("business time beyond ten years: check the dates")


def business_minutes_between(a: datetime, b: datetime, cal: Calendar) -> float:
    """Business minutes from `a` to `b`; 0 if `b` is not after `a`."""
    if b <= a:
        return 0.0
    return _business_between(a, b, cal) / timedelta(minutes=1)


class BusinessClock:
    """Business time as a running total, for many durations at once (the index's business
    hours to resolve, a million of them on a rebuild). `seconds_to(t)` is the business
    seconds from the start of the covered days to epoch `t`, so the business time between
    two moments is a difference of two bisects instead of a walk over the days between them.
    The windows are the calendar's (`Calendar.business_window`), measured in UTC as
    `business_minutes_between` measures them; the covered days grow when a moment falls
    outside them (a year either side at a time)."""

    def __init__(self, cal: Calendar) -> None:
        self.cal = cal
        self.first: date | None = None
        self.last: date | None = None
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.before: list[float] = []  # business seconds of the windows before each one
        self.span = (0.0, 0.0)  # epoch seconds the covered days span (the first's midnight on)

    def _cover(self, moment: float) -> None:
        if self.span[0] <= moment < self.span[1]:
            return
        day = datetime.fromtimestamp(moment, self.cal.tz).date()
        first = min(day, self.first or day) - timedelta(days=366)
        last = max(day, self.last or day) + timedelta(days=366)
        starts, ends, before, total = [], [], [], 0.0
        for n in range((last - first).days + 1):
            window = self.cal.business_window(first + timedelta(days=n))
            if window is None:
                continue
            begin, end = window[0].timestamp(), window[1].timestamp()
            if end > begin:
                starts.append(begin)
                ends.append(end)
                before.append(total)
                total += end - begin
        self.first, self.last = first, last
        self.starts, self.ends, self.before = starts, ends, before
        midnight = datetime.combine(first, time(), tzinfo=self.cal.tz)
        self.span = (midnight.timestamp(), (midnight + timedelta(days=(last - first).days)
                                            ).timestamp())

    def seconds_to(self, moment: float) -> float:
        """Business seconds from the start of the covered days to epoch `moment`. Only
        differences of two values from one clock mean anything (the start moves as the
        covered days grow): use `minutes_between`."""
        from bisect import bisect_right

        i = bisect_right(self.starts, moment) - 1
        if i < 0:
            return 0.0
        return self.before[i] + min(moment, self.ends[i]) - self.starts[i]

    def minutes_between(self, a: float, b: float) -> float:
        """Business minutes from epoch `a` to epoch `b`; 0 if `b` is not after `a` (what
        `business_minutes_between` gives, to float rounding)."""
        if b <= a:
            return 0.0
        self._cover(a)
        self._cover(b)
        return max(0.0, self.seconds_to(b) - self.seconds_to(a)) / 60.0


def _check_clock(clock: str) -> None:
    if clock not in (BUSINESS, CLOCK_24X7):
        raise ValueError(f"clock must be 'business' or '24x7', got {clock!r}")


def elapsed_minutes(a: datetime, b: datetime, clock: str = CLOCK_24X7,
                    cal: Calendar | None = None) -> float:
    """THE duration function: minutes from `a` to `b` (0 if `b` is not after `a`) on `clock`.
    `24x7` (the default) is real elapsed time, measured in UTC, so a span across a DST change
    counts its real minutes whatever zone objects `a` and `b` carry (subtracting two datetimes
    of one zone would give wall-clock time); `business` counts only the calendar's business
    hours and needs `cal`. Every duration in sdesk (held time, time to resolve, time left)
    comes from here. Naive datetimes raise ValueError."""
    _check_clock(clock)
    if a.tzinfo is None or b.tzinfo is None:
        raise ValueError("durations need aware datetimes")
    if clock == BUSINESS:
        if cal is None:
            raise ValueError("business time needs the calendar")
        return business_minutes_between(a, b, cal)
    return max(_span(a, b), timedelta(0)) / timedelta(minutes=1)


def until(a: datetime, b: datetime) -> timedelta:
    """Signed real time from `a` to `b` (negative when `b` is earlier), measured in UTC: for
    "due in 2h" / "OVERDUE by 7d"."""
    return _span(a, b)


def due(opened: datetime, minutes: float, clock: str, cal: Calendar) -> datetime:
    """When `minutes` of the given clock have passed since `opened`."""
    _check_clock(clock)
    if clock == BUSINESS:
        return add_business_minutes(opened, minutes, cal)
    return add_clock_minutes(opened, minutes, cal)


def resolve_by(opened: datetime, priority: int, ref: Reference) -> datetime:
    """The Resolve By time of a ticket of `priority` opened at `opened`."""
    target = ref.sla.target(priority)
    return due(opened, target.resolve_minutes, target.clock, ref.calendar)


def respond_by(opened: datetime, priority: int, ref: Reference) -> datetime:
    """The time the first response is due."""
    target = ref.sla.target(priority)
    return due(opened, target.response_minutes, target.clock, ref.calendar)


# The channels on which the customer talks to the desk as the ticket is logged (a call, a chat,
# a walk-up): the intake itself is the desk's first contact, the standard's response (session
# 39). On e-mail and self-service the first response is the desk's first public message.
LIVE_CHANNELS = ("phone", "chat", "in-person")


def responded_at_intake(channel: str, ticket_type: str) -> bool:
    """Whether a ticket logged on `channel` was responded to as it was logged: a live channel
    (LIVE_CHANNELS), for any type but a task (a piece of work, not a customer contact). The one
    rule of the first response (`first_response_at`): the opening on a live channel, else the
    desk's first public message (procedures.notes, resolve, triage set it while it is None)."""
    return channel in LIVE_CHANNELS and ticket_type != "task"


def respond_by_for(ticket: Ticket, priority: int, ref: Reference) -> datetime | None:
    """The Respond By of `ticket` at `priority` (a priority decided or raised): None for a
    ticket the desk made itself (channel internal, a parent case: nobody to respond to)."""
    if ticket.channel == "internal":
        return None
    return respond_by(ticket.opened_at, priority, ref)


def paused_spans(ticket: Ticket | TicketView) -> list[tuple[datetime, datetime | None]]:
    """The spans during which the ticket's SLA clock stood still, in time order (docs/sla.md,
    "What stops the clock"): every hold (an open one ends None), and every span from a
    resolution to the reopen that undid it (the time a ticket sat resolved does not count).
    Resolution spans come from the journal's `resolve` and `reopen` entries."""
    spans: list[tuple[datetime, datetime | None]] = [(h.start, h.end) for h in ticket.holds]
    resolved_at: datetime | None = None
    for entry in ticket.journal:
        if entry.kind == "resolve":
            resolved_at = entry.at
        elif entry.kind == "reopen" and resolved_at is not None:
            if entry.at > resolved_at:
                spans.append((resolved_at, entry.at))
            resolved_at = None
    return sorted(spans, key=lambda s: s[0].astimezone(UTC))


def paused_minutes(spans: Iterable[tuple[datetime, datetime | None]], until_: datetime,
                   clock: str = CLOCK_24X7, cal: Calendar | None = None) -> float:
    """Minutes of `clock` time inside the paused spans, counted up to `until_` (an open span
    runs to `until_`; overlapping spans count once)."""
    total, reach = 0.0, None
    for start, end in sorted(spans, key=lambda s: s[0].astimezone(UTC)):
        stop = min(end or until_, until_, key=lambda d: d.astimezone(UTC))
        if reach is not None and start.astimezone(UTC) < reach.astimezone(UTC):
            start = reach
        if stop.astimezone(UTC) > start.astimezone(UTC):
            total += elapsed_minutes(start, stop, clock, cal)
            reach = stop
    return total


def resolve_by_for(ticket: Ticket, priority: int, ref: Reference) -> datetime:
    """Resolve By of `ticket` at `priority`, from its opening plus every paused span that has
    ended (a priority change recomputes it this way; an open hold moves it when it ends)."""
    target = ref.sla.target(priority)
    due_at = resolve_by(ticket.opened_at, priority, ref)
    for start, end in paused_spans(ticket):
        if end is not None:
            due_at = extend_for_hold(due_at, start, end, target.clock, ref.calendar)
    return due_at


def resolution_met(ticket: Ticket | TicketView) -> bool | None:
    """Was the ticket resolved within its SLA? None when it is not resolved (a ticket closed
    without a resolution included) or has no Resolve By. An imported ticket whose source gave
    a verdict (`[import] made_sla`) keeps that verdict: the source's fact, not ours."""
    return resolved_in_time(ticket.resolved_at, ticket.resolve_by, ticket.imported)


def resolved_in_time(resolved_at: datetime | None, resolve_by: datetime | None,
                     imported: dict[str, str]) -> bool | None:
    """`resolution_met` of a ticket's three fields (the index's cold load reads them from a
    checked file, without the ticket model)."""
    if resolved_at is None:
        return None
    given = imported.get("made_sla", "")
    if given in ("true", "false"):
        return given == "true"
    if resolve_by is None:
        return None
    return resolved_at.astimezone(UTC) <= resolve_by.astimezone(UTC)


def extend_for_hold(resolve_by: datetime, hold_start: datetime, hold_end: datetime,
                    clock: str, cal: Calendar) -> datetime:
    """Resolve By moved later by the time the ticket was paused (on hold), measured on the
    ticket's clock: a weekend on hold does not push a business-clock ticket."""
    paused = elapsed_minutes(hold_start, hold_end, clock, cal)
    if paused <= 0:
        return _local(resolve_by, cal)
    return due(resolve_by, paused, clock, cal)
