"""Key performance indicators over the summary index (docs/kpi.md has every formula).

Everything is computed in SQLite over the index rows, never by reading ticket files: at
100,000 tickets a file scan takes 20 s and `sdesk kpi` must answer in a fraction of a second.
The index rows carry the per-ticket values KPIs derive (`sdesk.store.index.kpi_values`, called by
`sdesk.store.index.row_of`): whether a resolution is counted and the clock hours to resolve. The
business hours to resolve need the calendar and the holds: a cold load of the index computes
them as it parses (sdesk/store/kpi_sums.py `build`), a row a command records later has NULL and
`fill_business_hours` computes the missing ones on the next `sdesk kpi` (a calendar change
empties the column). A ticket file is parsed only when the ticket was ever on hold (otherwise
opened_at and resolved_at suffice).

An all-time run (no --since; `sdesk kpi`, `kpi --by`) reads the sums the index keeps up to
date (sdesk/store/kpi_sums.py): a few hundred rows, whatever the store's size. A window with a start
(--since, --trend, the report) is three scans of narrow covering indexes ordered by time:
resolutions, openings (which also give the volume breakdowns) and the backlog. Medians and p90s
are read at their ranks from indexes sorted by the time to resolve (per group for --by: an index
on (group, time)), so no time leaves SQLite and nothing is sorted; only --trend periods sort
their times in Python.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sdesk.store import day_sums, kpi_sums
from sdesk.store.kpi_sums import fill_business_hours as fill_business_hours

GROUPS = {"team": "team", "technician": "assignee", "agency": "agency", "channel": "channel",
          "type": "type", "priority": "priority"}
FLAT = ["opened", "resolved", "counted", "fcr_pct", "csat_mean", "csat_top2_pct",
        "csat_response_pct", "sla_resolve_pct", "sla_respond_pct", "ttr_bh_mean",
        "ttr_bh_median", "ttr_bh_p90", "ttr_clock_mean", "ttr_clock_median", "ttr_clock_p90",
        "assign_hours_mean", "reopen_pct", "reassign_mean", "escalation_pct", "kb_pct",
        "backlog", "backlog_lt10", "backlog_10_30", "backlog_gt30"]
Key = Callable[[str], str]  # SQL grouping expression, given the column that places a ticket


@dataclass(frozen=True)
class Window:
    since: float  # epoch seconds, inclusive
    until: float  # exclusive
    now: float


def pct(part: float | None, whole: float | None) -> float | None:
    return None if not whole else round(100.0 * (part or 0) / whole, 1)


def rnd(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def ratio(total: float | None, n: int | None) -> float | None:
    return None if not n else (total or 0) / n


def median_p90(ordered: list[float]) -> tuple[float | None, float | None]:
    """Median (mean of ranks floor((n+1)/2) and floor(n/2)+1) and p90 by nearest rank
    (rank ceil(9n/10), in integers: no float rounding of the rank) of sorted values."""
    n = len(ordered)
    if not n:
        return None, None
    return (ordered[(n + 1) // 2 - 1] + ordered[n // 2]) / 2, ordered[(9 * n + 9) // 10 - 1]


# -- the measures ---------------------------------------------------------------------------

# The covering indexes lead with the time that places a ticket in the window, so a scan reads
# the window's rows only; SQLite then sorts them to group them.
_RESOLVED_SQL = """
SELECT {g} AS g, counted AS c, priority, count(*) AS n, sum(first_contact = 1) AS fcr,
  count(csat_score) AS csat_n, sum(csat_score) AS csat_sum, sum(csat_score >= 4) AS csat_top2,
  count(sla_met) AS sla_n, sum(sla_met) AS sla_met,
  sum(reopens > 0) AS reopened, sum(reassignments) AS hops_sum, count(reassignments) AS hops_n,
  sum(kb != '') AS kb_linked, sum(ttr_clock) AS clock_sum, count(ttr_clock) AS clock_n,
  sum(ttr_bh) AS bh_sum, count(ttr_bh) AS bh_n
FROM tickets INDEXED BY tickets_kpi_rt
WHERE counted IN (0, 1) AND resolved_at >= :since AND resolved_at < :until
GROUP BY {group}
"""
_TIMES_SQL = """
SELECT {g} AS g, ttr_clock, ttr_bh FROM tickets INDEXED BY tickets_kpi_rt
WHERE counted IN (0, 1) AND counted = 1 AND resolved_at >= :since AND resolved_at < :until
"""
# The value at a rank, walking a sorted index from the nearer end: no sort, no transfer.
_RANK_SQL = """
SELECT {col} FROM tickets INDEXED BY {index}
WHERE counted = 1 AND {col} IS NOT NULL AND resolved_at >= :since AND resolved_at < :until
  {and_group}
ORDER BY {col} {direction} LIMIT :take OFFSET :skip
"""
# The same from the hour holding the rank (all time; sdesk/store/kpi_sums.py counts the hours).
_WALK_SQL = """
SELECT {col} FROM tickets INDEXED BY {index}
WHERE counted = 1 AND {col} >= :lo AND resolved_at < :until {and_group}
ORDER BY {col} LIMIT :take OFFSET :skip
"""
# Per group (--by): the same walk inside one group's stretch of an index on (group, time),
# made on the first `kpi --by` of that grouping (at 1,000,000 tickets, once, a few seconds).
_GROUP_INDEX = kpi_sums.BY_INDEX
_OPENED_SQL = """
SELECT {g} AS g, type, priority, channel, count(*) AS opened, sum(tier > 1) AS escalated,
  sum(CASE WHEN assigned_at >= opened_at THEN assigned_at - opened_at END) / 3600.0 AS assign_sum,
  sum(assigned_at >= opened_at) AS assign_n,
  sum(respond_by IS NOT NULL AND (first_response_at IS NOT NULL OR respond_by < :now))
    AS respond_n,
  sum(first_response_at IS NOT NULL AND first_response_at <= respond_by) AS respond_met
FROM tickets INDEXED BY tickets_kpi_ot
WHERE type != 'task' AND opened_at >= :since AND opened_at < :until
GROUP BY {group}
"""
_BACKLOG_SQL = """
SELECT {g} AS g, count(*) AS backlog,
  sum(:now - opened_at < 10 * 86400) AS lt10,
  sum(:now - opened_at >= 10 * 86400 AND :now - opened_at <= 30 * 86400) AS mid,
  sum(:now - opened_at > 30 * 86400) AS gt30
FROM tickets INDEXED BY tickets_kpi_open WHERE open = 1 AND type != 'task'
GROUP BY g
"""
_SUMS = ("n", "fcr", "csat_n", "csat_sum", "csat_top2", "sla_n", "sla_met", "reopened",
         "hops_sum", "hops_n", "kb_linked", "clock_sum", "clock_n", "bh_sum", "bh_n")
_OPEN_SUMS = ("opened", "escalated", "assign_sum", "assign_n", "respond_n", "respond_met")
Times = dict[str, tuple[float | None, float | None]]  # "clock"/"bh" -> (median, p90)


def _add(into: dict[str, Any], row: sqlite3.Row | Mapping[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if row[name] is not None:
            into[name] = into.get(name, 0) + row[name]


def resolved_before_opened(db: sqlite3.Connection, win: Window) -> int:
    """How many tickets resolved in the window were resolved before they were opened
    (index.kpi_of: counted = EARLY): every resolution measure leaves them out."""
    return int(db.execute("SELECT count(*) FROM tickets INDEXED BY tickets_kpi_early WHERE "
                          "counted = 2 AND resolved_at >= ? AND resolved_at < ?",
                          (win.since, win.until)).fetchone()[0])


def measure(db: sqlite3.Connection, win: Window, key: Key | None, backlog: bool = True,
            cuts: Sequence[float] | None = None,
            times: bool = True) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """Every flat measure per group, and (without a key) the breakdowns: SLA by priority,
    volume by channel and type. `key(column)` is the SQL grouping expression given the time
    column that places a ticket in the window (resolved_at or opened_at); None gives one
    group, 'all'. `cuts`: the only times where `key` can change (a period key's starts; []
    for None), which lets a window read the index's per-day sums (sdesk/store/day_sums.py)
    instead of its rows. `times=False` leaves medians and p90s out (None) of a keyed run."""
    params: dict[str, Any] = {"since": win.since, "until": win.until, "now": win.now}
    g_res, g_open = (key("resolved_at"), key("opened_at")) if key else ("'all'", "'all'")
    column = g_res if g_res == g_open and g_res in GROUPS.values() else None  # --by
    kept = "all" if key is None else column  # the sums the index keeps (sdesk/store/kpi_sums.py)
    if kept and not kpi_sums.usable(db, win.since, win.until):
        kept = None
    daily = None if kept or win.since < -1e17 else day_sums.split(db, win.since, win.until,
                                                                 [] if key is None else cuts)
    if kept:
        params["late"] = kpi_sums.late_hours(db, kept, win.until)
    res: dict[Any, dict[str, Any]] = {}
    resolved: dict[Any, int] = {}
    by_priority: dict[str, dict[str, Any]] = {}
    group = "g, counted" if key else "counted, priority"
    for r in (kpi_sums.resolved_rows(db, kept, win.until) if kept else
              _daily_rows(db, "res", daily, key, group, params) if daily else
              db.execute(_RESOLVED_SQL.format(g=g_res, group=group), params)):
        resolved[r["g"]] = resolved.get(r["g"], 0) + r["n"]
        if r["c"] == 1:
            _add(res.setdefault(r["g"], {}), r, _SUMS)
            if not key:
                _add(by_priority.setdefault(f"P{r['priority']}", {}), r, ("sla_n", "sla_met"))
    ranks: dict[Any, Times] = {}
    if key is None:
        ranks = {"all": _ranked_times(db, res.get("all", {}), params, kept=kept)}
    elif not times:
        pass
    elif column:  # a ticket column: --by
        ranks = _times_by_column(db, column, res, params, kept)
    else:  # a period expression: --trend
        ranks = _grouped_times(db, g_res, params)
    opened: dict[Any, dict[str, Any]] = {}
    volume: dict[str, dict[str, int]] = {"channel": {}, "type": {}}
    group = "g" if key else "type, priority, channel"
    for r in (kpi_sums.opened_rows(db, kept, win.until, win.now) if kept else
              _daily_rows(db, "open", daily, key, group, params) if daily else
              db.execute(_OPENED_SQL.format(g=g_open, group=group), params)):
        _add(opened.setdefault(r["g"], {}), r, _OPEN_SUMS)
        if not key:
            _add(by_priority.setdefault(f"P{r['priority']}", {}), r, ("respond_n", "respond_met"))
            for column in ("channel", "type"):
                volume[column][r[column]] = volume[column].get(r[column], 0) + r["opened"]
    ages: dict[Any, sqlite3.Row] = {}
    if backlog:
        ages = {r["g"]: r for r in db.execute(_BACKLOG_SQL.format(g=g_open), params)}
    out = {g: _flat(res.get(g, {}), resolved.get(g, 0), ranks.get(g, {}), opened.get(g, {}),
                    ages.get(g))
           for g in {*resolved, *opened, *ages}}
    return out, {"sla_by_priority": _by_priority(by_priority),
                 "volume": {k: dict(sorted(v.items())) for k, v in volume.items()}}


def _daily_rows(db: sqlite3.Connection, table: str,
                daily: tuple[list[int], list[tuple[float, float]]], key: Key | None,
                group: str, params: dict[str, Any]) -> Iterator[Mapping[str, Any]]:
    """_RESOLVED_SQL's (res) or _OPENED_SQL's (open) rows for the window, in parts that add up
    (sdesk/store/day_sums.py `window_rows`)."""
    scan = (_RESOLVED_SQL if table == "res" else _OPENED_SQL).format(
        g=key("resolved_at" if table == "res" else "opened_at") if key else "'all'", group=group)
    return day_sums.window_rows(db, table, daily, key, scan, params,
                                _SUMS if table == "res" else _OPEN_SUMS)


_OPENED_COUNT_SQL = """
SELECT {g} AS g, count(*) AS opened FROM tickets INDEXED BY tickets_kpi_ot
WHERE type != 'task' AND opened_at >= :since AND opened_at < :until GROUP BY 1
"""


def opened_counts(db: sqlite3.Connection, win: Window, key: Key,
                  cuts: Sequence[float] | None = None) -> dict[Any, int]:
    """Tickets opened in the window per group (`key("opened_at")`): measure()'s `opened`
    alone, for a breakdown that needs no resolution measure (the report's volume by
    period, channel and type). With `cuts` (as measure's; `key` may then name only the
    type, priority and channel columns besides the time), whole days come from the index's
    per-day sums."""
    params = {"since": win.since, "until": win.until}
    daily = day_sums.split(db, win.since, win.until, cuts)
    if daily is None:
        return {r["g"]: r["opened"] for r in db.execute(
            _OPENED_COUNT_SQL.format(g=key("opened_at")), params)}
    days, spans = daily
    out: dict[Any, int] = {}
    rows = day_sums.day_rows(db, "open", days, key(f"(day * {day_sums.DAY}.0)"),
                             "sum(opened) AS opened", params)
    for since, until in spans:
        rows.extend(db.execute(_OPENED_COUNT_SQL.format(g=key("opened_at")),
                               {"since": since, "until": until}))
    for r in rows:
        out[r["g"]] = out.get(r["g"], 0) + r["opened"]
    return out


def _ranked_times(db: sqlite3.Connection, sums: dict[str, Any], params: dict[str, Any],
                  column: str | None = None, kept: str | None = None) -> Times:
    """Median and p90 of both times to resolve for one group, read at their ranks: in the
    whole window, or (with `column`) among the rows whose `column` is params["g"]. With
    `kept` (all time), the index's hour counts say where each rank lies."""
    out: Times = {}
    for name in ("clock", "bh"):
        n = sums.get(f"{name}_n", 0)
        if not n:
            out[name] = (None, None)
            continue
        low = (n + 1) // 2  # the median is the mean of ranks low and n // 2 + 1 (equal if n odd)
        pair = _at_rank(db, params, name, n, low, 2, column, kept)
        median = (pair[0] + pair[n // 2 + 1 - low]) / 2
        out[name] = (median, _at_rank(db, params, name, n, (9 * n + 9) // 10, 1, column,
                                      kept)[0])
    return out


def _at_rank(db: sqlite3.Connection, params: dict[str, Any], name: str, n: int, rank: int,
             take: int, column: str | None = None, kept: str | None = None) -> list[float]:
    """The values at ranks rank .. rank+take-1 (1-based, ascending) of n, walking the sorted
    index from the nearer end (p90 is 10% from the top), or from the hour holding the rank."""
    index = f"tickets_kpi_by_{column}_{name}" if column else f"tickets_kpi_{name}"
    if kept:
        walk = _WALK_SQL.format(col=f"ttr_{name}", index=index,
                                and_group=f"AND {column} = :g" if column else "")
        found = kpi_sums.at_ranks(db, kept, params.get("g", "all"), name, n, rank, take,
                                  walk, params)
        if found is not None:
            return found
    up = rank <= n - rank + 1
    sql = _RANK_SQL.format(col=f"ttr_{name}", index=index, direction="" if up else "DESC",
                           and_group=f"AND {column} = :g" if column else "")
    skip = rank - 1 if up else n - rank - take + 1
    got = [r[0] for r in db.execute(sql, {**params, "take": take, "skip": skip})]
    return got if up else got[::-1]


def _times_by_column(db: sqlite3.Connection, column: str, sums: dict[Any, dict[str, Any]],
                     params: dict[str, Any], kept: str | None) -> dict[Any, Times]:
    """Median and p90 per value of a ticket column (kpi --by): rank walks inside each group's
    stretch of a (column, time) index; no row leaves SQLite and nothing is sorted."""
    for name in ("clock", "bh"):
        db.execute(_GROUP_INDEX.format(column=column, name=name))
    return {g: _ranked_times(db, s, {**params, "g": g}, column, kept) for g, s in sums.items()
            if g is not None}


def _grouped_times(db: sqlite3.Connection, g: str, params: dict[str, float]) -> dict[Any, Times]:
    """Median and p90 per group: the values sorted in Python (a rank walk per group would
    walk the index once per group)."""
    values: dict[Any, tuple[list[float], list[float]]] = {}
    for key, clock, bh in db.execute(_TIMES_SQL.format(g=g), params):
        lists = values.get(key) or values.setdefault(key, ([], []))
        if clock is not None:
            lists[0].append(clock)
        if bh is not None:
            lists[1].append(bh)
    out: dict[Any, Times] = {}
    for key, (clock, bh) in values.items():
        clock.sort()
        bh.sort()
        out[key] = {"clock": median_p90(clock), "bh": median_p90(bh)}
    return out


def empty() -> dict[str, Any]:
    """The FLAT KPIs of a window no ticket falls in: counts (opened, resolved, counted, backlog)
    are 0; rates, means and percentiles are None, because they are undefined, not zero."""
    return _flat({}, 0, {}, {}, None)


def _flat(s: dict[str, Any], resolved: int, times: Times, o: dict[str, Any],
          ages: sqlite3.Row | None) -> dict[str, Any]:
    counted = s.get("n", 0)
    m: dict[str, Any] = dict.fromkeys(FLAT)
    m.update(opened=o.get("opened", 0), resolved=resolved, counted=counted,
             fcr_pct=pct(s.get("fcr"), counted),
             csat_mean=rnd(ratio(s.get("csat_sum"), s.get("csat_n"))),
             csat_top2_pct=pct(s.get("csat_top2"), s.get("csat_n")),
             csat_response_pct=pct(s.get("csat_n"), counted),
             sla_resolve_pct=pct(s.get("sla_met"), s.get("sla_n")),
             sla_respond_pct=pct(o.get("respond_met"), o.get("respond_n")),
             assign_hours_mean=rnd(ratio(o.get("assign_sum"), o.get("assign_n"))),
             reopen_pct=pct(s.get("reopened"), counted),
             reassign_mean=rnd(ratio(s.get("hops_sum"), s.get("hops_n"))),
             escalation_pct=pct(o.get("escalated"), o.get("opened")),
             kb_pct=pct(s.get("kb_linked"), counted),
             backlog=ages["backlog"] if ages else 0, backlog_lt10=ages["lt10"] if ages else 0,
             backlog_10_30=ages["mid"] if ages else 0, backlog_gt30=ages["gt30"] if ages else 0)
    for name in ("clock", "bh"):
        median, p90 = times.get(name, (None, None))
        m.update({f"ttr_{name}_mean": rnd(ratio(s.get(f"{name}_sum"), s.get(f"{name}_n"))),
                  f"ttr_{name}_median": rnd(median), f"ttr_{name}_p90": rnd(p90)})
    return m


def _by_priority(sums: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for p, s in sorted(sums.items()):
        entry = {"resolve_met": s.get("sla_met", 0), "resolve_n": s.get("sla_n", 0),
                 "resolve_pct": pct(s.get("sla_met"), s.get("sla_n"))}
        if "respond_n" in s or "respond_met" in s:
            entry.update(respond_met=s.get("respond_met", 0), respond_n=s.get("respond_n", 0),
                         respond_pct=pct(s.get("respond_met"), s.get("respond_n")))
        out[p] = entry
    return out


# -- periods for --trend ----------------------------------------------------------------------


def periods(start: dt.datetime, end: dt.datetime, unit: str) -> list[tuple[float, str]]:
    """(start epoch, label) of each ISO week (Monday) or calendar month from `start` to `end`,
    in the store's wall time."""
    tz = start.tzinfo
    day = start.date()
    if unit == "week":
        day -= dt.timedelta(days=day.weekday())
    else:
        day = day.replace(day=1)
    out: list[tuple[float, str]] = []
    while True:
        moment = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        if moment >= end:
            return out
        if unit == "week":
            year, week, _ = day.isocalendar()
            out.append((moment.timestamp(), f"{year}-W{week:02d}"))
            day += dt.timedelta(days=7)
        else:
            out.append((moment.timestamp(), f"{day:%Y-%m}"))
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_key(marks: list[tuple[float, str]]) -> Key:
    """The period label of a time column as one CASE expression (a per-row subquery into a
    table of periods cost more than all the measures together). Labels are sdesk's own
    ('2026-W47', '2026-11'); rows before the first mark are outside the window anyway."""
    def key(col: str) -> str:
        if len(marks) < 2:  # "CASE ELSE x END" is no SQL
            return f"'{marks[0][1]}'" if marks else "NULL"
        arms = " ".join(f"WHEN {col} < {start!r} THEN '{label}'"
                        for (_, label), (start, _) in pairwise(marks))
        return f"(CASE {arms} ELSE '{marks[-1][1]}' END)"
    return key


def bar(value: float | None, top: float, width: int = 24) -> str:
    if not value or not top:
        return ""
    return "#" * max(1, round(width * value / top))
