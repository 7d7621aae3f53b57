"""SLA engine: business minutes over nights, weekends, Oklahoma holidays and DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdesk.core.calendar import Calendar
from sdesk.core.reference import Reference, load_reference
from sdesk.core.sla import (
    add_business_minutes,
    add_clock_minutes,
    business_minutes_between,
    due,
    elapsed_minutes,
    extend_for_hold,
    resolve_by,
    respond_by,
)

REFERENCE = Path(__file__).parent.parent / "sdesk" / "defaults" / "reference"
CT = ZoneInfo("America/Chicago")
REF: Reference = load_reference(REFERENCE)
CAL: Calendar = REF.calendar


def ct(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=CT)


ADD_CASES = [
    ("within-day", ct(2026, 3, 2, 9), 60, ct(2026, 3, 2, 10)),
    ("exactly-open-full-day", ct(2026, 3, 2, 8), 540, ct(2026, 3, 2, 17)),
    ("lands-on-close-stays", ct(2026, 3, 2, 16), 60, ct(2026, 3, 2, 17)),
    ("exactly-close", ct(2026, 3, 2, 17), 1, ct(2026, 3, 3, 8, 1)),
    ("before-open", ct(2026, 3, 2, 6, 30), 15, ct(2026, 3, 2, 8, 15)),
    ("after-close", ct(2026, 3, 2, 19), 15, ct(2026, 3, 3, 8, 15)),
    ("midnight", ct(2026, 3, 3, 0), 30, ct(2026, 3, 3, 8, 30)),
    ("saturday-start", ct(2026, 3, 7, 10), 30, ct(2026, 3, 9, 8, 30)),
    ("friday-over-weekend-dst-start", ct(2026, 3, 6, 16), 120, ct(2026, 3, 9, 9)),
    ("friday-over-weekend-dst-end", ct(2026, 10, 30, 16), 120, ct(2026, 11, 2, 9)),
    ("five-business-days", ct(2026, 3, 2, 10), 2700, ct(2026, 3, 9, 10)),
    ("mlk-2026", ct(2026, 1, 16, 16), 120, ct(2026, 1, 20, 9)),
    ("presidents-2026", ct(2026, 2, 13, 16), 120, ct(2026, 2, 17, 9)),
    ("memorial-2026", ct(2026, 5, 22, 16), 120, ct(2026, 5, 26, 9)),
    ("independence-observed-fri-2026", ct(2026, 7, 2, 16), 120, ct(2026, 7, 6, 9)),
    ("labor-2026", ct(2026, 9, 4, 16), 120, ct(2026, 9, 8, 9)),
    ("veterans-wed-2026", ct(2026, 11, 10, 16), 120, ct(2026, 11, 12, 9)),
    ("thanksgiving-2026", ct(2026, 11, 25, 16, 30), 60, ct(2026, 11, 30, 8, 30)),
    ("christmas-thu-fri-2026", ct(2026, 12, 23, 16), 120, ct(2026, 12, 28, 9)),
    ("new-year-fri-2027", ct(2026, 12, 31, 16), 120, ct(2027, 1, 4, 9)),
    ("opened-on-holiday", ct(2026, 12, 25, 10), 60, ct(2026, 12, 28, 9)),
    ("mlk-2027", ct(2027, 1, 15, 16), 120, ct(2027, 1, 19, 9)),
    ("presidents-2027", ct(2027, 2, 12, 16), 120, ct(2027, 2, 16, 9)),
    ("memorial-2027", ct(2027, 5, 28, 16), 120, ct(2027, 6, 1, 9)),
    ("independence-observed-mon-2027", ct(2027, 7, 2, 16), 120, ct(2027, 7, 6, 9)),
    ("labor-2027", ct(2027, 9, 3, 16), 120, ct(2027, 9, 7, 9)),
    ("veterans-thu-2027", ct(2027, 11, 10, 16), 120, ct(2027, 11, 12, 9)),
    ("thanksgiving-2027", ct(2027, 11, 24, 16), 120, ct(2027, 11, 29, 9)),
    ("christmas-sat-2027", ct(2027, 12, 22, 16), 120, ct(2027, 12, 27, 9)),
    ("new-year-2028-observed-dec-31", ct(2027, 12, 30, 16), 120, ct(2028, 1, 3, 9)),
    ("zero-minutes-outside-hours", ct(2026, 3, 7, 10), 0, ct(2026, 3, 7, 10)),
]


@pytest.mark.parametrize(("start", "minutes", "expected"), [c[1:] for c in ADD_CASES],
                         ids=[c[0] for c in ADD_CASES])
def test_add_business_minutes(start: datetime, minutes: int, expected: datetime) -> None:
    got = add_business_minutes(start, minutes, CAL)
    assert got == expected
    assert got.tzinfo is CT
    assert got.utcoffset() == expected.utcoffset()


def test_start_in_other_zone_is_converted() -> None:
    start = datetime(2026, 3, 2, 15, tzinfo=UTC)  # 09:00 CST
    assert add_business_minutes(start, 60, CAL) == ct(2026, 3, 2, 10)


def test_naive_datetime_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        add_business_minutes(datetime(2026, 3, 2, 9), 1, CAL)


def test_negative_minutes_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(ct(2026, 3, 2, 9), -1, CAL)


BETWEEN_CASES = [
    ("same-window", ct(2026, 3, 2, 9), ct(2026, 3, 2, 10, 30), 90.0),
    ("over-weekend", ct(2026, 3, 6, 16), ct(2026, 3, 9, 9), 120.0),
    ("night-only", ct(2026, 3, 2, 18), ct(2026, 3, 3, 7), 0.0),
    ("reversed", ct(2026, 3, 3, 9), ct(2026, 3, 2, 9), 0.0),
    ("equal", ct(2026, 3, 2, 9), ct(2026, 3, 2, 9), 0.0),
    ("over-christmas-2026", ct(2026, 12, 23, 8), ct(2026, 12, 29, 8), 1080.0),
    ("whole-week", ct(2026, 3, 2, 0), ct(2026, 3, 9, 0), 2700.0),
]


@pytest.mark.parametrize(("a", "b", "expected"), [c[1:] for c in BETWEEN_CASES],
                         ids=[c[0] for c in BETWEEN_CASES])
def test_business_minutes_between(a: datetime, b: datetime, expected: float) -> None:
    assert business_minutes_between(a, b, CAL) == expected


CLOCK_CASES = [
    # 23:00 CST + 4 h of real time = 04:00 CDT: the 02:00-03:00 hour does not exist.
    ("spring-forward", ct(2026, 3, 7, 23), 240, datetime(2026, 3, 8, 4, tzinfo=CT), -5),
    # 23:30 CDT + 4 h = 02:30 CST: the 01:00-02:00 hour happens twice.
    ("fall-back", ct(2026, 10, 31, 23, 30), 240, datetime(2026, 11, 1, 2, 30, tzinfo=CT), -6),
    ("weekend-counts", ct(2026, 3, 6, 16), 15, ct(2026, 3, 6, 16, 15), -6),
]


@pytest.mark.parametrize(("start", "minutes", "expected", "offset"),
                         [c[1:] for c in CLOCK_CASES], ids=[c[0] for c in CLOCK_CASES])
def test_add_clock_minutes_is_real_time(start: datetime, minutes: int, expected: datetime,
                                        offset: int) -> None:
    got = add_clock_minutes(start, minutes, CAL)
    assert got == expected
    assert got.utcoffset() == timedelta(hours=offset)
    assert elapsed_minutes(start, got, "24x7", CAL) == minutes


PRIORITY_CASES = [
    # P1: 15 min / 4 h on the 24x7 clock, across the spring DST change.
    ("p1-dst", 1, ct(2026, 3, 7, 23), datetime(2026, 3, 7, 23, 15, tzinfo=CT),
     datetime(2026, 3, 8, 4, tzinfo=CT)),
    # P2: 30 business min / 8 business h, opened Friday afternoon.
    ("p2-friday", 2, ct(2026, 3, 6, 15), ct(2026, 3, 6, 15, 30), ct(2026, 3, 9, 14)),
    # P3: 2 business h / 3 business days, over Thanksgiving.
    ("p3-thanksgiving", 3, ct(2026, 11, 23, 10), ct(2026, 11, 23, 12), ct(2026, 11, 30, 10)),
    # P4: 1 business day / 5 business days, opened Saturday night before Christmas week:
    # Mon 21, Tue 22, Wed 23, (Thu 24 + Fri 25 holidays), Mon 28, Tue 29.
    ("p4-christmas", 4, ct(2026, 12, 19, 22), ct(2026, 12, 21, 17), ct(2026, 12, 29, 17)),
]


@pytest.mark.parametrize(("priority", "opened", "respond", "resolve"),
                         [c[1:] for c in PRIORITY_CASES], ids=[c[0] for c in PRIORITY_CASES])
def test_respond_and_resolve_by(priority: int, opened: datetime, respond: datetime,
                                resolve: datetime) -> None:
    assert respond_by(opened, priority, REF) == respond
    assert resolve_by(opened, priority, REF) == resolve


HOLD_CASES = [
    # Paused Fri 16:00 -> Mon 09:00: 120 business minutes, so Resolve By moves 2 hours.
    ("business-weekend-hold", ct(2026, 3, 10, 12), ct(2026, 3, 6, 16), ct(2026, 3, 9, 9),
     "business", ct(2026, 3, 10, 14)),
    # Moving past closing time continues next business day.
    ("business-spills", ct(2026, 3, 10, 16), ct(2026, 3, 9, 8), ct(2026, 3, 9, 10),
     "business", ct(2026, 3, 11, 9)),
    ("24x7-hold", ct(2026, 3, 7, 12), ct(2026, 3, 7, 8), ct(2026, 3, 7, 9, 30),
     "24x7", ct(2026, 3, 7, 13, 30)),
    ("empty-hold", ct(2026, 3, 10, 12), ct(2026, 3, 9, 9), ct(2026, 3, 9, 9),
     "business", ct(2026, 3, 10, 12)),
    ("hold-outside-hours", ct(2026, 3, 10, 12), ct(2026, 3, 7, 9), ct(2026, 3, 8, 9),
     "business", ct(2026, 3, 10, 12)),
]


@pytest.mark.parametrize(("resolve", "hold_start", "hold_end", "clock", "expected"),
                         [c[1:] for c in HOLD_CASES], ids=[c[0] for c in HOLD_CASES])
def test_extend_for_hold(resolve: datetime, hold_start: datetime, hold_end: datetime,
                         clock: str, expected: datetime) -> None:
    assert extend_for_hold(resolve, hold_start, hold_end, clock, CAL) == expected


def test_unknown_clock_refused() -> None:
    with pytest.raises(ValueError, match="clock"):
        due(ct(2026, 3, 2, 9), 10, "lunar", CAL)


def test_elapsed_business_for_kpis() -> None:
    assert elapsed_minutes(ct(2026, 3, 6, 16), ct(2026, 3, 9, 9), "business", CAL) == 120.0


STARTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31),
                      timezones=st.just(CT))


@settings(max_examples=300, deadline=None)
@given(start=STARTS, minutes=st.integers(min_value=0, max_value=20_000))
def test_add_then_measure_gives_back_the_minutes(start: datetime, minutes: int) -> None:
    end = add_business_minutes(start, minutes, CAL)
    assert business_minutes_between(start, end, CAL) == minutes
    assert end >= start


@settings(max_examples=200, deadline=None)
@given(start=STARTS, minutes=st.integers(min_value=1, max_value=5_000))
def test_due_time_is_inside_business_hours(start: datetime, minutes: int) -> None:
    end = add_business_minutes(start, minutes, CAL)
    window = CAL.business_window(end.date())
    assert window is not None
    assert window[0] < end <= window[1]
