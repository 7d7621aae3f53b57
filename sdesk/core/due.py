"""Due times as people read them: "2026-11-23 16:00 (2h left)", overdue marked, colour only on
a terminal (never when piped or with NO_COLOR, https://no-color.org).

Respond By (the first public response) and Resolve By are both shown in `show`, `list` and
`queue`. Time left is counted on the clock the caller names: `show` passes the ticket's own SLA
clock (session 40: a P4 due Tuesday 09:50 showed "16h 59m left" at Monday 16:51, when 1 h 59 min
of business time remained), so a business-clock ticket reads "(1h 59m business left)"; the
tables of `list` and `queue` still count clock time. The SLA engine (sdesk/core/sla.py) is what
moves due times for business hours and holds.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (the fast path)
if TYPE_CHECKING:
    from sdesk.core.calendar import Calendar
    from sdesk.core.sla import BusinessClock

SOON = dt.timedelta(hours=1)  # due within this: yellow
COLOURS = {"red": 31, "yellow": 33}  # ANSI foreground codes, as click.style writes them


def span(delta: dt.timedelta, business: bool = False) -> str:
    """'1d 3h', '2h 5m', '7m', '3h': the two largest non-zero units of a duration (sign
    dropped), in clock time. `business`: business time, in hours and minutes only ('17h',
    '40h 30m'), since a business day (9 hours) is not the '1d' a reader takes for 24 hours."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = (0, minutes) if business else divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return " ".join(parts[:2]) or "0m"


def use_colour() -> bool:
    """Colour only for a person at a terminal: stdout is a tty, NO_COLOR is unset and the
    terminal is not `TERM=dumb` (which has no colour)."""
    return (sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb")


def cell(due: dt.datetime | None, now: dt.datetime, *, done: bool = False, paused: bool = False,
         colour: bool = False, calendar: Calendar | None = None, zone: bool = False) -> str:
    """One due time for a table: the time, then how long is left, or OVERDUE and by how much;
    `done` (met or no longer running) shows the time alone, `paused` marks a hold. With
    `calendar` (a business-clock ticket) the time left or overdue is business time of that
    calendar, said "business"; without it, real time. `zone` adds the zone's name ("CST")."""
    if due is None:
        return ""
    text = due.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M %Z" if zone else "%Y-%m-%d %H:%M")
    if done:
        return text
    if paused:
        return f"{text} (on hold)"
    from sdesk.core.sla import BusinessClock, until

    left = until(now, due)
    late = left.total_seconds() < 0
    word = ""
    if calendar is not None:  # a Saturday past a Friday due time is OVERDUE 0m business
        # BusinessClock, not a walk of the days: a --now decades off is still answered
        a, b = (due, now) if late else (now, due)
        minutes = _business_clock(calendar, BusinessClock).minutes_between(a.timestamp(),
                                                                            b.timestamp())
        left, word = dt.timedelta(minutes=round(minutes, 6)), " business"
    business = bool(word)
    if late:
        out, fg = f"{text} (OVERDUE {span(left, business)}{word})", "red"
    else:
        out, fg = f"{text} ({span(left, business)}{word} left)", ("yellow" if left <= SOON else "")
    if not (colour and fg):
        return out
    # click.style(out, fg=fg, bold=fg == "red") without importing click (~30 ms of start-up);
    # tests/test_fastpath.py checks the bytes against click's.
    return f"\x1b[{COLOURS[fg]}m\x1b[{1 if fg == 'red' else 22}m{out}\x1b[0m"


_CLOCKS: list[tuple[Calendar, BusinessClock]] = []  # one per calendar: a table's rows share it


def _business_clock(calendar: Calendar, make: type[BusinessClock]) -> BusinessClock:
    """The BusinessClock of `calendar`, made once per process (its covered days are built once
    for a table of a thousand rows, not per cell)."""
    for known, clock in _CLOCKS:
        if known is calendar:
            return clock
    clock = make(calendar)
    _CLOCKS[:] = [(calendar, clock)]
    return clock


def in_zone(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A time the user typed, in the store's zone `tz`: a naive time is taken as the store's
    local time, an aware one converted (`--now 2026-11-23T14:00-06:00` is 14:00 CST, not
    "UTC-06:00"); whole seconds. sdesk.commands.common.parse_when and the fast path of
    sdesk/launch.py both end here."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz).replace(microsecond=0)
