"""Due times as people read them: "2026-11-23 16:00 (2h left)", overdue marked, colour only on
a terminal (never when piped or with NO_COLOR, https://no-color.org).

Respond By (the first public response) and Resolve By are both shown in `show`, `list` and
`queue`. Time left is clock time from `now`, the way a dispatcher reads a wall clock; the SLA
engine (sdesk/core/sla.py) is what moves due times for business hours and holds.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

SOON = dt.timedelta(hours=1)  # due within this: yellow
COLOURS = {"red": 31, "yellow": 33}  # ANSI foreground codes, as click.style writes them


def span(delta: dt.timedelta) -> str:
    """'1d 3h', '2h 5m', '7m', '3h': the two largest non-zero units of a duration (sign
    dropped), in clock time."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return " ".join(parts[:2]) or "0m"


def use_colour() -> bool:
    """Colour only for a person at a terminal: stdout is a tty, NO_COLOR is unset and the
    terminal is not `TERM=dumb` (which has no colour)."""
    return (sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb")


def cell(due: dt.datetime | None, now: dt.datetime, *, done: bool = False, paused: bool = False,
         colour: bool = False) -> str:
    """One due time for a table: the time, then how long is left, or OVERDUE and by how much;
    `done` (met or no longer running) shows the time alone, `paused` marks a hold."""
    if due is None:
        return ""
    text = due.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M")
    if done:
        return text
    if paused:
        return f"{text} (on hold)"
    from sdesk.core.sla import until

    left = until(now, due)
    if left.total_seconds() < 0:
        out, fg = f"{text} (OVERDUE {span(left)})", "red"
    else:
        out, fg = f"{text} ({span(left)} left)", ("yellow" if left <= SOON else "")
    if not (colour and fg):
        return out
    # click.style(out, fg=fg, bold=fg == "red") without importing click (~30 ms of start-up);
    # tests/test_fastpath.py checks the bytes against click's.
    return f"\x1b[{COLOURS[fg]}m\x1b[{1 if fg == 'red' else 22}m{out}\x1b[0m"


def in_zone(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A time the user typed, in the store's zone `tz`: a naive time is taken as the store's
    local time, an aware one converted (`--now 2026-11-23T14:00-06:00` is 14:00 CST, not
    "UTC-06:00"); whole seconds. sdesk.commands.common.parse_when and the fast path of
    sdesk/launch.py both end here."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz).replace(microsecond=0)
