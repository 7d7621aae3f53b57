"""Business days between two moments on the desk's calendar (reference/calendar.toml: the
workdays, the state holidays): the cutoff `sdesk stale --days N` lists from, and the whole
business days a customer has waited (`stale`'s quiet_days, the sweep's closing). Pure
functions: the caller passes `now` and the calendar."""

from __future__ import annotations

import datetime as dt

from sdesk.core.errors import ValidationError

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from sdesk.core.calendar import Calendar


def stale_cutoff(now: dt.datetime, days: int, cal: Calendar) -> dt.datetime:
    """The moment `days` business days before `now` (same wall-clock time): a ticket whose
    customer heard nothing since before it is stale. Weekends and holidays do not count."""
    if days < 1:
        raise ValidationError(f"--days must be at least 1; got {days}")
    local = now.astimezone(cal.tz)
    day, counted = local.date(), 0
    while counted < days:
        day -= dt.timedelta(days=1)
        if cal.is_business_day(day):
            counted += 1
    return dt.datetime.combine(day, local.time(), tzinfo=cal.tz)


def quiet_business_days(last: dt.datetime, now: dt.datetime, cal: Calendar) -> int:
    """Whole business days a customer has waited since `last` (their last update) at `now`:
    the largest N with `last` before `stale_cutoff(now, N)`, so `stale --days N` lists exactly
    the tickets whose quiet_days is at least N (session 40: the column counted calendar days,
    7 for a ticket quiet 4.8 business days). Weekends and holidays do not count; 0 when none."""
    a, b = last.astimezone(cal.tz), now.astimezone(cal.tz)
    first, today = a.date() + dt.timedelta(days=1), b.date()
    count = 0
    if first < today:
        weeks, rest = divmod((today - first).days, 7)
        count = weeks * len(cal.workdays) + sum(
            (first + dt.timedelta(days=i)).weekday() in cal.workdays for i in range(rest))
        count -= sum(1 for year in range(first.year, today.year + 1)
                     for day in cal.holidays(year)
                     if day.year == year and first <= day < today and day.weekday() in cal.workdays)
    if a.date() < today and cal.is_business_day(a.date()) and a.time() < b.time():
        count += 1
    return count
