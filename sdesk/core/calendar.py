"""The business calendar: opening hours, workdays and holiday rules.

Holidays are rules (fixed date, nth weekday, or relative to another holiday), never a typed
list of dates, so the calendar stays right in years nobody has edited it for. Dates are
computed with python-dateutil's rrule, imported lazily: most commands never ask for a holiday
and must start fast.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sdesk.core.errors import ReferenceError
from sdesk.core.record import record

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OBSERVED = " (observed)"


@record(frozen=True)
class HolidayRule:
    """One holiday rule of calendar.toml.

    Exactly one form is used: `month` + `day` (fixed date), `month` + `weekday` + `nth`
    (nth weekday, -1 = last), or `relative_to` another rule's actual date with either a fixed
    `offset` in days or `offset_by_weekday` (offsets chosen by the weekday of that date).
    `observe_weekend`: a Saturday holiday is observed the Friday before, a Sunday holiday the
    Monday after.
    """

    name: str
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    nth: int | None = None
    relative_to: str | None = None
    offset: int | None = None
    offset_by_weekday: dict[int, tuple[int, ...]] = field(default_factory=dict)
    observe_weekend: bool = True


class Calendar:
    """Business hours in one time zone, with workdays and holiday rules."""

    def __init__(
        self,
        tz: ZoneInfo,
        open_at: time,
        close_at: time,
        workdays: frozenset[int],
        rules: tuple[HolidayRule, ...],
    ) -> None:
        self.tz = tz
        self.open_at = open_at
        self.close_at = close_at
        self.workdays = workdays
        self.rules = rules
        # Holidays per year are asked for again and again by the SLA loop: compute once.
        self._cache: dict[int, dict[date, str]] = {}
        self._actual_cache: dict[int, list[tuple[date, str, bool]]] = {}

    def __repr__(self) -> str:
        return f"Calendar({self.tz.key}, {self.open_at:%H:%M}-{self.close_at:%H:%M})"

    def holidays(self, year: int) -> dict[date, str]:
        """Observed holiday dates falling in `year`, with their names."""
        if year not in self._cache:
            self._cache[year] = self._observed_in(year)
        return self._cache[year]

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays(day.year)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and not self.is_holiday(day)

    def business_window(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing time of `day` in the calendar's zone, or None if closed."""
        if not self.is_business_day(day):
            return None
        start = datetime.combine(day, self.open_at, tzinfo=self.tz)
        end = datetime.combine(day, self.close_at, tzinfo=self.tz)
        return start, end

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        for _ in range(3660):  # ten years: a calendar with no business day is a data error
            day += timedelta(days=1)
            if self.is_business_day(day):
                return day
        raise ReferenceError("reference/calendar.toml: no business day in ten years")

    def _observed_in(self, year: int) -> dict[date, str]:
        # An observed date can cross a year boundary (Jan 1 on a Saturday is observed on
        # Dec 31 of the year before), so look at the neighbouring years too.
        found: dict[date, str] = {}
        for rule_year in (year - 1, year, year + 1):
            for actual, name, observe in self._actual(rule_year):
                observed = _observe(actual) if observe else actual
                if observed.year == year:
                    label = name if observed == actual else name + OBSERVED
                    found.setdefault(observed, label)
        return dict(sorted(found.items()))

    def _actual(self, year: int) -> list[tuple[date, str, bool]]:
        if year not in self._actual_cache:
            self._actual_cache[year] = _compute_rules(self.rules, year)
        return self._actual_cache[year]


def _observe(day: date) -> date:
    """Weekend observance of 25 O.S. § 82.1: Saturday -> Friday before, Sunday -> Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _compute_rules(rules: tuple[HolidayRule, ...], year: int) -> list[tuple[date, str, bool]]:
    """Actual (not yet observed) dates of every rule in `year`."""
    from dateutil.rrule import YEARLY, rrule, weekday  # lazy: costs ~10 ms at import

    start = datetime(year, 1, 1)
    base: dict[str, date] = {}
    out: list[tuple[date, str, bool]] = []
    for rule in rules:
        if rule.relative_to is not None:
            continue
        if rule.weekday is not None:
            by: Any = weekday(rule.weekday, rule.nth)
            dates = rrule(YEARLY, dtstart=start, count=1, bymonth=rule.month, byweekday=by)
        else:
            dates = rrule(YEARLY, dtstart=start, count=1, bymonth=rule.month,
                          bymonthday=rule.day)
        day = dates[0].date()
        base[rule.name] = day
        out.append((day, rule.name, rule.observe_weekend))
    for rule in rules:
        if rule.relative_to is not None:
            anchor = base[rule.relative_to]
            for offset in _offsets(rule, anchor):
                out.append((anchor + timedelta(days=offset), rule.name, rule.observe_weekend))
    return out


def _offsets(rule: HolidayRule, anchor: date) -> tuple[int, ...]:
    if rule.offset is not None:
        return (rule.offset,)
    return rule.offset_by_weekday.get(anchor.weekday(), ())


# ---- loading from calendar.toml -------------------------------------------------------------

RULE_KEYS = {"name", "month", "day", "weekday", "nth", "relative_to", "offset",
             "offset_by_weekday", "observe_weekend"}
TOP_KEYS = {"timezone", "open", "close", "workdays", "holiday"}


def calendar_from_toml(data: dict[str, Any], label: str) -> Calendar:
    """Build a Calendar from parsed calendar.toml; `label` names the file in errors."""
    _no_unknown(data, TOP_KEYS, label, "calendar")
    tz = _zone(data.get("timezone"), label)
    open_at = _clock_time(data.get("open"), label, "open")
    close_at = _clock_time(data.get("close"), label, "close")
    if close_at <= open_at:
        raise ReferenceError(f"{label}: close ({close_at:%H:%M}) must be after open "
                             f"({open_at:%H:%M})")
    workdays = _workdays(data.get("workdays"), label)
    rules = _rules(data.get("holiday", []), label)
    return Calendar(tz, open_at, close_at, workdays, rules)


def _no_unknown(table: dict[str, Any], known: set[str], label: str, where: str) -> None:
    extra = sorted(set(table) - known)
    if extra:
        raise ReferenceError(f"{label}: {where}: unknown key '{extra[0]}' "
                             f"(known: {', '.join(sorted(known))})")


def _zone(value: Any, label: str) -> ZoneInfo:
    if not isinstance(value, str) or not value:
        raise ReferenceError(f"{label}: timezone must be a zone name like "
                             f"'America/Chicago', got {value!r}")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReferenceError(f"{label}: timezone: unknown time zone {value!r}") from None


def _clock_time(value: Any, label: str, key: str) -> time:
    if isinstance(value, time):  # TOML local time literal, e.g. open = 08:00:00
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise ReferenceError(f"{label}: {key} must be a time like \"08:00\", got {value!r}")


def _weekday(value: Any, label: str, where: str) -> int:
    text = str(value).lower()[:3]
    if not isinstance(value, str) or text not in WEEKDAYS:
        raise ReferenceError(f"{label}: {where}: weekday must be one of "
                             f"{', '.join(WEEKDAYS)}, got {value!r}")
    return WEEKDAYS.index(text)


def _workdays(value: Any, label: str) -> frozenset[int]:
    if not isinstance(value, list) or not value:
        raise ReferenceError(f"{label}: workdays must be a non-empty list like "
                             f"[\"mon\", \"tue\"], got {value!r}")
    return frozenset(_weekday(v, label, "workdays") for v in value)


def _rules(entries: Any, label: str) -> tuple[HolidayRule, ...]:
    if not isinstance(entries, list):
        raise ReferenceError(f"{label}: holiday must be an array of tables ([[holiday]])")
    rules: list[HolidayRule] = []
    names: set[str] = set()
    for i, entry in enumerate(entries, 1):
        rule = _rule(entry, label, i)
        if rule.name in names:
            raise ReferenceError(f"{label}: holiday '{rule.name}': duplicate name")
        names.add(rule.name)
        rules.append(rule)
    for rule in rules:
        if rule.relative_to is not None and rule.relative_to not in names:
            raise ReferenceError(f"{label}: holiday '{rule.name}': relative_to names no "
                                 f"holiday: {rule.relative_to!r}")
        if rule.relative_to is not None and _rule_named(rules, rule.relative_to).relative_to:
            raise ReferenceError(f"{label}: holiday '{rule.name}': relative_to must name a "
                                 f"dated holiday, not another relative one")
    return tuple(rules)


def _rule_named(rules: list[HolidayRule], name: str) -> HolidayRule:
    return next(r for r in rules if r.name == name)


def _rule(entry: Any, label: str, index: int) -> HolidayRule:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ReferenceError(f"{label}: holiday #{index}: name must be a string")
    where = f"holiday '{entry['name']}'"
    _no_unknown(entry, RULE_KEYS, label, where)
    observe = entry.get("observe_weekend", True)
    if not isinstance(observe, bool):
        raise ReferenceError(f"{label}: {where}: observe_weekend must be true or false")
    if "relative_to" in entry:
        return _relative_rule(entry, label, where, observe)
    return _dated_rule(entry, label, where, observe)


def _int(entry: dict[str, Any], key: str, lo: int, hi: int, label: str, where: str) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ReferenceError(f"{label}: {where}: {key} must be a whole number from {lo} to "
                             f"{hi}, got {value!r}")
    return value


def _dated_rule(entry: dict[str, Any], label: str, where: str, observe: bool) -> HolidayRule:
    month = _int(entry, "month", 1, 12, label, where)
    if "weekday" in entry:
        nth = _int(entry, "nth", -5, 5, label, where)
        if nth == 0:
            raise ReferenceError(f"{label}: {where}: nth must not be 0 (1 = first, -1 = last)")
        wd = _weekday(entry["weekday"], label, where)
        return HolidayRule(entry["name"], month=month, weekday=wd, nth=nth,
                           observe_weekend=observe)
    if "day" not in entry:
        raise ReferenceError(f"{label}: {where}: needs month + day, month + weekday + nth, "
                             f"or relative_to")
    day = _int(entry, "day", 1, 31, label, where)
    try:
        date(2024, month, day)  # a leap year: accepts Feb 29, refuses Apr 31
    except ValueError:
        raise ReferenceError(f"{label}: {where}: no such date {month}-{day}") from None
    return HolidayRule(entry["name"], month=month, day=day, observe_weekend=observe)


def _relative_rule(entry: dict[str, Any], label: str, where: str,
                   observe: bool) -> HolidayRule:
    anchor = entry["relative_to"]
    if not isinstance(anchor, str):
        raise ReferenceError(f"{label}: {where}: relative_to must be a holiday name")
    if ("offset" in entry) == ("offset_by_weekday" in entry):
        raise ReferenceError(f"{label}: {where}: give exactly one of offset or "
                             f"offset_by_weekday")
    if "offset" in entry:
        offset = _int(entry, "offset", -14, 14, label, where)
        return HolidayRule(entry["name"], relative_to=anchor, offset=offset,
                           observe_weekend=observe)
    table = entry["offset_by_weekday"]
    if not isinstance(table, dict):
        raise ReferenceError(f"{label}: {where}: offset_by_weekday must be a table like "
                             f"{{ mon = [1], sat = [-2, -1] }}")
    by_day: dict[int, tuple[int, ...]] = {}
    for key, offsets in table.items():
        if not isinstance(offsets, list) or not all(
                isinstance(o, int) and not isinstance(o, bool) and -14 <= o <= 14
                for o in offsets):
            raise ReferenceError(f"{label}: {where}: offset_by_weekday.{key} must be a list of "
                                 f"day offsets from -14 to 14, got {offsets!r}")
        by_day[_weekday(key, label, where)] = tuple(offsets)
    return HolidayRule(entry["name"], relative_to=anchor, offset_by_weekday=by_day,
                       observe_weekend=observe)
