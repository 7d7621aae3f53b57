"""The per-day sums the index keeps (sdesk/store/day_sums.py): a window read from them (whole
days from the sums, part-days scanned) gives exactly what a scan of the window's rows gives,
for the tiles (no key), the report's trend periods and its volume counts, after changes made
through the real CLI, and `check --deep` names a kept day row that is wrong."""

from __future__ import annotations

import datetime as dt
import sqlite3
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import Desk
from test_kpi import example  # noqa: F401 - the hand-built store of docs/kpi.md
from test_kpi_sums import _change_everything

from sdesk.reports import kpi
from sdesk.store import Store, day_sums, kpi_sums

ZONE = dt.timezone(dt.timedelta(hours=-6))


def _t(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def _db(desk: Desk) -> sqlite3.Connection:
    db = Store.open(str(desk.root)).index.db
    kpi.fill_business_hours(Store.open(str(desk.root)), db)
    assert kpi_sums.present(db)
    return db


WINDOWS = [("2026-11-16T10:30:00-06:00", "2026-11-22T12:00:00-06:00"),
           ("2026-11-15T00:00:00-06:00", "2026-11-23T09:00:00-06:00"),
           ("2026-11-16T00:00:00+00:00", "2026-11-21T00:00:00+00:00"),  # UTC midnights
           ("2026-11-18T08:00:00-06:00", "2026-11-18T17:00:00-06:00"),  # inside one day
           ("2020-01-01T00:00:00-06:00", "2030-01-01T00:00:00-06:00")]


def _compare(db: sqlite3.Connection, since: str, until: str) -> int:
    win = kpi.Window(_t(since), _t(until), _t("2026-11-23T09:00:00-06:00"))
    days, _ = day_sums.pieces(win.since, win.until, [])
    daily, _ = kpi.measure(db, win, None)  # no key: the per-day sums
    scanned, _ = kpi.measure(db, win, lambda col: "'all'")  # a key without cuts: the scan
    assert daily == scanned
    # Trend periods cut at local midnights (none a UTC midnight), as the report's weeks.
    start = dt.datetime.fromtimestamp(win.since, ZONE).replace(hour=0, minute=0, second=0)
    marks = [((start + dt.timedelta(days=n)).timestamp(), f"d{n}") for n in range(10)]
    marks = [m for m in marks if m[0] < win.until]
    pk = kpi.period_key(marks)
    cuts = [m for m, _ in marks]
    by_day, _ = kpi.measure(db, win, pk, backlog=False, cuts=cuts, times=False)
    by_scan, _ = kpi.measure(db, win, pk, backlog=False, times=False)
    assert by_day == by_scan
    def volume(col: str) -> str:
        return f"({pk(col)} || '|' || channel || '|' || type)"
    assert kpi.opened_counts(db, win, volume, cuts=cuts) == kpi.opened_counts(db, win, volume)
    return len(days)


def test_windows_from_the_day_sums_equal_a_scan(desk: Desk, example: dict[str, str]) -> None:  # noqa: F811
    db = _db(desk)
    whole_days = [_compare(db, since, until) for since, until in WINDOWS]
    assert max(whole_days) > 3  # the sums were read, not only scanned
    _change_everything(desk, example)
    db = _db(desk)
    for since, until in WINDOWS:
        _compare(db, since, until)


def test_pieces_cover_the_window_once() -> None:
    day = day_sums.DAY
    since, until = 10.25 * day, 20.5 * day
    cuts = [12.75 * day, 15 * day, 30 * day]
    days, spans = day_sums.pieces(since, until, cuts)
    assert 12 not in days and 15 in days and days[0] == 11 and days[-1] == 19
    covered = sorted([(d * day, (d + 1) * day) for d in days] + spans)
    assert covered[0][0] == since and covered[-1][1] == until
    assert all(a[1] == b[0] for a, b in pairwise(covered))
    assert day_sums.pieces(10.2 * day, 10.7 * day, []) == ([], [(10.2 * day, 10.7 * day)])


@pytest.mark.no_deep_check
def test_check_deep_names_a_wrong_day_row(desk: Desk, example: dict[str, str]) -> None:  # noqa: F811
    db = _db(desk)
    db.execute("UPDATE agg_day_res SET n = n + 1 WHERE day = (SELECT min(day) FROM agg_day_res)")
    db.execute("UPDATE agg_day_open SET opened = opened + 2 WHERE day = "
               "(SELECT max(day) FROM agg_day_open)")
    db.commit()
    out = desk.fails("check", "--deep", code=1).stdout
    assert "index agg_day_res: day=" in out and ": n: kept " in out
    assert "index agg_day_open: day=" in out and ": opened: kept " in out
    desk.run("reindex")
    assert desk.run("check", "--deep").stdout.strip() == "store ok"


def test_a_report_of_a_few_days_has_one_period(desk: Desk, example: dict[str, str],  # noqa: F811
                                               tmp_path: Path) -> None:
    """Inside one week the trend has one period (its grouping key was 'CASE ELSE x END')."""
    out = tmp_path / "r.html"
    desk.run("report", "--since", "2026-11-17", "--until", "2026-11-19", "-o", str(out))
    assert 'data-chart="fcr"' in out.read_text(encoding="utf-8")
