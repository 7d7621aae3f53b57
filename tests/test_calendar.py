"""Business calendar: Oklahoma holidays (25 O.S. § 82.1) as rules, observed dates, windows."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from sdesk.core.calendar import Calendar, calendar_from_toml
from sdesk.core.errors import ReferenceError

CALENDAR_TOML = Path(__file__).parent.parent / "sdesk" / "defaults" / "reference" / "calendar.toml"


def load(text: str | None = None) -> Calendar:
    raw = text if text is not None else CALENDAR_TOML.read_text(encoding="utf-8")
    return calendar_from_toml(tomllib.loads(raw), "reference/calendar.toml")


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return load()


# Observed dates, checked against the statute and the weekday each falls on.
OBSERVED_2026 = {
    date(2026, 1, 1): "New Year's Day",  # Thursday
    date(2026, 1, 19): "Martin Luther King Jr. Day",
    date(2026, 2, 16): "Presidents' Day",
    date(2026, 5, 25): "Memorial Day",
    date(2026, 7, 3): "Independence Day (observed)",  # July 4 is a Saturday
    date(2026, 9, 7): "Labor Day",
    date(2026, 11, 11): "Veterans Day",  # Wednesday
    date(2026, 11, 26): "Thanksgiving Day",
    date(2026, 11, 27): "Day after Thanksgiving",
    date(2026, 12, 24): "Christmas holiday",  # Christmas on Friday: the day before
    date(2026, 12, 25): "Christmas Day",
}
OBSERVED_2027 = {
    date(2027, 1, 1): "New Year's Day",  # Friday
    date(2027, 1, 18): "Martin Luther King Jr. Day",
    date(2027, 2, 15): "Presidents' Day",
    date(2027, 5, 31): "Memorial Day",
    date(2027, 7, 5): "Independence Day (observed)",  # July 4 is a Sunday
    date(2027, 9, 6): "Labor Day",
    date(2027, 11, 11): "Veterans Day",  # Thursday
    date(2027, 11, 25): "Thanksgiving Day",
    date(2027, 11, 26): "Day after Thanksgiving",
    date(2027, 12, 23): "Christmas holiday",  # Christmas on Saturday: Thursday and Friday
    date(2027, 12, 24): "Christmas holiday",
    date(2027, 12, 25): "Christmas Day",  # a Saturday, not moved: the statute exempts it
    date(2027, 12, 31): "New Year's Day (observed)",  # Jan 1 2028 is a Saturday
}


@pytest.mark.parametrize(("year", "expected"), [(2026, OBSERVED_2026), (2027, OBSERVED_2027)],
                         ids=["2026", "2027"])
def test_holidays_of_year(cal: Calendar, year: int, expected: dict[date, str]) -> None:
    assert cal.holidays(year) == expected


@pytest.mark.parametrize(
    ("year", "christmas_days"),
    [
        (2022, [date(2022, 12, 26), date(2022, 12, 27)]),  # Sunday: Monday and Tuesday after
        (2023, [date(2023, 12, 25), date(2023, 12, 26)]),  # Monday: the day after
        (2024, [date(2024, 12, 24), date(2024, 12, 25)]),  # Wednesday: Governor chose before
        (2025, [date(2025, 12, 25), date(2025, 12, 26)]),  # Thursday: the Friday after
        (2029, [date(2029, 12, 24), date(2029, 12, 25)]),  # Tuesday: the Monday before
        (2015, [date(2015, 12, 24), date(2015, 12, 25)]),  # Friday: as EO 2014-19A ordered
    ],
    ids=["sun-2022", "mon-2023", "wed-2024", "thu-2025", "tue-2029", "fri-2015"],
)
def test_christmas_rule_by_weekday(cal: Calendar, year: int, christmas_days: list[date]) -> None:
    workdays_off = [d for d in cal.holidays(year) if d.month == 12 and d.day > 20
                    and d.weekday() < 5]
    assert workdays_off == christmas_days


def test_new_year_on_saturday_is_observed_in_previous_year(cal: Calendar) -> None:
    assert date(2027, 12, 31) in cal.holidays(2027)
    assert not any(d.month == 1 and d.day == 1 for d in cal.holidays(2028))
    assert not cal.is_business_day(date(2027, 12, 31))


def test_sunday_holiday_is_observed_on_monday(cal: Calendar) -> None:
    assert cal.holidays(2027)[date(2027, 7, 5)] == "Independence Day (observed)"
    assert cal.is_business_day(date(2027, 7, 2))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 2), True),  # ordinary Monday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday (DST starts)
        (date(2026, 7, 3), False),  # observed Independence Day
        (date(2026, 11, 27), False),  # day after Thanksgiving
        (date(2026, 12, 28), True),  # Monday after Christmas
    ],
    ids=["monday", "saturday", "sunday", "july-3-observed", "black-friday", "after-christmas"],
)
def test_is_business_day(cal: Calendar, day: date, expected: bool) -> None:
    assert cal.is_business_day(day) is expected


@pytest.mark.parametrize(
    ("day", "utc_offset_hours"),
    [(date(2026, 3, 6), -6), (date(2026, 3, 9), -5), (date(2026, 10, 30), -5),
     (date(2026, 11, 2), -6)],
    ids=["before-spring-forward", "after-spring-forward", "before-fall-back", "after-fall-back"],
)
def test_business_window_is_local_and_dst_aware(cal: Calendar, day: date,
                                                utc_offset_hours: int) -> None:
    window = cal.business_window(day)
    assert window is not None
    start, end = window
    assert (start.time(), end.time()) == (time(8), time(17))
    assert start.utcoffset() == timedelta(hours=utc_offset_hours)
    assert start.tzinfo is cal.tz


def test_no_window_on_holiday(cal: Calendar) -> None:
    assert cal.business_window(date(2026, 12, 25)) is None


def test_holidays_are_cached_per_year(cal: Calendar) -> None:
    assert cal.holidays(2031) is cal.holidays(2031)


def test_import_does_not_load_dateutil() -> None:
    # Commands must start fast: rrule is imported only when holidays are computed.
    code = "import sys, sdesk.core.calendar; print('dateutil.rrule' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "False"


def test_next_business_day_skips_holiday_weekend(cal: Calendar) -> None:
    assert cal.next_business_day(date(2026, 7, 2)) == date(2026, 7, 6)


BASE = CALENDAR_TOML.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('timezone = "America/Chicago"', 'timezone = "America/Tulsa"',
         "reference/calendar.toml: timezone: unknown time zone 'America/Tulsa'"),
        ('close = "17:00"', 'close = "07:00"',
         "reference/calendar.toml: close (07:00) must be after open (08:00)"),
        ('open = "08:00"', 'open = "8am"',
         "reference/calendar.toml: open must be a time like \"08:00\", got '8am'"),
        ('workdays = ["mon", "tue", "wed", "thu", "fri"]', 'workdays = ["mon", "funday"]',
         "reference/calendar.toml: workdays: weekday must be one of mon, tue, wed, thu, fri, "
         "sat, sun, got 'funday'"),
        ('name = "Memorial Day"\nmonth = 5', 'name = "Memorial Day"\nmonth = 13',
         "reference/calendar.toml: holiday 'Memorial Day': month must be a whole number from "
         "1 to 12, got 13"),
        ('nth = -1', 'nth = 0',
         "reference/calendar.toml: holiday 'Memorial Day': nth must not be 0"),
        ('relative_to = "Thanksgiving Day"', 'relative_to = "Thanksgiving"',
         "reference/calendar.toml: holiday 'Day after Thanksgiving': relative_to names no "
         "holiday: 'Thanksgiving'"),
        ('name = "Labor Day"', 'name = "Memorial Day"',
         "reference/calendar.toml: holiday 'Memorial Day': duplicate name"),
        ('month = 7\nday = 4', 'month = 6\nday = 31',
         "reference/calendar.toml: holiday 'Independence Day': no such date 6-31"),
        ('month = 7\nday = 4', 'month = 7\ndy = 4',
         "reference/calendar.toml: holiday 'Independence Day': unknown key 'dy'"),
    ],
    ids=["bad-zone", "close-before-open", "bad-time", "bad-weekday", "bad-month", "nth-zero",
         "relative-unknown", "duplicate", "no-such-date", "typo-key"],
)
def test_calendar_validation(old: str, new: str, message: str) -> None:
    assert old in BASE
    with pytest.raises(ReferenceError) as err:
        load(BASE.replace(old, new, 1))
    assert err.value.message.startswith(message)
    assert "\n" not in err.value.message


def test_custom_rules_are_not_typed_dates() -> None:
    data: dict[str, Any] = {"timezone": "UTC", "open": "09:00", "close": "17:30",
                            "workdays": ["mon"], "holiday": [
                                {"name": "Statehood Day", "month": 11, "day": 16}]}
    cal = calendar_from_toml(data, "x.toml")
    assert date(2030, 11, 15) in cal.holidays(2030)  # Saturday -> Friday
    assert cal.business_window(date(2030, 11, 18)) == (
        datetime(2030, 11, 18, 9, tzinfo=cal.tz), datetime(2030, 11, 18, 17, 30, tzinfo=cal.tz))
