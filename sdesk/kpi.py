"""Key performance indicators over the summary index (docs/kpi.md has every formula).

Everything is computed in SQLite over the index rows, never by reading ticket files: at
100,000 tickets a file scan takes 20 s and `sdesk kpi` must answer in a fraction of a second.
The one value the index cannot give directly is business time to resolve (it needs the
calendar and the holds), so it is kept in a small cache database next to the index
(`.git/sdesk/kpi-*.sqlite`), keyed by the ticket file's hash and the reference data's digest:
a ticket is recomputed only when its file or the calendar changed, and a ticket file is
parsed only when it was ever on hold (otherwise opened_at and resolved_at suffice).
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sdesk.store import Store

# Resolutions that do not count as the desk's work on the customer's problem.
EXCLUDED_CODES = ("duplicate", "withdrawn")
GROUPS = {"team": "team", "technician": "assignee", "agency": "agency", "channel": "channel",
          "type": "type", "priority": "priority"}
FLAT = ["opened", "resolved", "counted", "fcr_pct", "csat_mean", "csat_top2_pct",
        "csat_response_pct", "sla_resolve_pct", "sla_respond_pct", "ttr_bh_mean",
        "ttr_bh_median", "ttr_bh_p90", "ttr_clock_mean", "ttr_clock_median", "ttr_clock_p90",
        "assign_hours_mean", "reopen_pct", "reassign_mean", "escalation_pct", "kb_pct",
        "backlog", "backlog_lt10", "backlog_10_30", "backlog_gt30"]


@dataclass(frozen=True)
class Window:
    since: float  # epoch seconds, inclusive
    until: float  # exclusive
    now: float


def pct(part: float, whole: float) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def rnd(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def nearest_rank(values: list[float], p: float) -> float | None:
    """The p-th percentile by nearest rank: the value at rank ceil(p/100 * n) of the sorted
    values (1-based)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


# -- the business-minutes cache -------------------------------------------------------------


# A covering index of the columns KPIs read: scanning it instead of the wide ticket rows
# (titles, paths ...) is what keeps `sdesk kpi` fast at 100,000 tickets. It lives in the index
# database (created on first use; dropped with the table when the index is rebuilt).
KPI_COLUMNS = ("type, resolved_at, opened_at, open, resolution_code, first_contact, csat_score, "
               "resolve_by, respond_by, first_response_at, assigned_at, reopens, reassignments, "
               "kb, tier, held_seconds, on_hold, priority, team, assignee, agency, channel, sha, "
               "id")


def attach_cache(store: Store, db: sqlite3.Connection) -> None:
    """Attach and refresh the cache of business minutes to resolve (held time excluded)."""
    from sdesk import sla

    db.execute(f"CREATE INDEX IF NOT EXISTS tickets_kpi ON tickets ({KPI_COLUMNS})")
    index_file = store.index.path
    db.execute("ATTACH DATABASE ? AS kc", (str(index_file.with_name("kpi-" + index_file.name)),))
    db.execute("CREATE TABLE IF NOT EXISTS kc.bmin (id TEXT PRIMARY KEY, sha TEXT, digest TEXT, "
               "minutes REAL)")
    ref = store.reference
    todo = db.execute(
        "SELECT t.id, t.sha, t.opened_at, t.resolved_at, t.held_seconds, t.on_hold "
        "FROM tickets t LEFT JOIN kc.bmin c ON c.id = t.id "
        "WHERE t.resolved_at IS NOT NULL AND t.type != 'task' "
        "AND (c.id IS NULL OR c.sha IS NOT t.sha OR c.digest IS NOT ?)", (ref.digest,),
    ).fetchall()
    if not todo:
        return
    tz, cal = store.tz, ref.calendar
    out = []
    for row in todo:
        opened = dt.datetime.fromtimestamp(row["opened_at"], tz)
        resolved = dt.datetime.fromtimestamp(row["resolved_at"], tz)
        minutes = sla.business_minutes_between(opened, resolved, cal)
        if row["held_seconds"] or row["on_hold"]:
            for hold in store.load(row["id"]).holds:
                end = min(hold.end or resolved, resolved)
                minutes -= sla.business_minutes_between(hold.start, end, cal)
        out.append((row["id"], row["sha"], ref.digest, max(0.0, minutes)))
    db.execute("BEGIN")
    db.executemany("INSERT OR REPLACE INTO kc.bmin VALUES (?, ?, ?, ?)", out)
    db.execute("COMMIT")


# -- the measures ---------------------------------------------------------------------------

_EFF = f"(resolution_code NOT IN ({', '.join(repr(c) for c in EXCLUDED_CODES)}))"
_CLOCK_HOURS = "((resolved_at - opened_at - coalesce(held_seconds, 0)) / 3600.0)"

_IN_WINDOW = "type != 'task' AND resolved_at >= :since AND resolved_at < :until"
# Counted resolutions only (EFF in WHERE, not in every aggregate: one test per row, not twelve).
_RESOLVED_SQL = f"""
SELECT {{key}} AS g, count(*) AS counted, sum(first_contact = 1) AS fcr,
  sum(csat_score IS NOT NULL) AS csat_n, avg(csat_score) AS csat_mean,
  sum(csat_score >= 4) AS csat_top2, sum(resolve_by IS NOT NULL) AS sla_n,
  sum(resolved_at <= resolve_by) AS sla_met, sum(reopens > 0) AS reopened,
  avg(reassignments) AS reassign_mean, sum(kb != '') AS kb_linked
FROM tickets WHERE {_IN_WINDOW} AND {_EFF}
GROUP BY g
"""
_RESOLVED_ALL_SQL = f"SELECT {{key}} AS g, count(*) AS resolved FROM tickets WHERE {_IN_WINDOW} GROUP BY g"

# Median (mean of ranks floor((n+1)/2) and floor(n/2)+1) and p90 (rank ceil(9n/10)) in SQL:
# sorting in SQLite, not shipping 100,000 values to Python.
_RANKS_SQL = f"""
SELECT g, v, rn, n, mean FROM (
  SELECT {{key}} AS g, {{expr}} AS v,
    row_number() OVER (PARTITION BY {{key}} ORDER BY {{expr}}) AS rn,
    count(*) OVER (PARTITION BY {{key}}) AS n, avg({{expr}}) OVER (PARTITION BY {{key}}) AS mean
  FROM tickets t {{join}}
  WHERE {_IN_WINDOW} AND {_EFF} AND {{expr}} IS NOT NULL)
WHERE rn = (n + 1) / 2 OR rn = n / 2 + 1 OR rn = (9 * n + 9) / 10
"""

_OPENED_SQL = """
SELECT {key} AS g, count(*) AS opened, sum(tier > 1) AS escalated,
  avg((assigned_at - opened_at) / 3600.0) AS assign_hours_mean,
  sum(respond_by IS NOT NULL AND (first_response_at IS NOT NULL OR respond_by < :now))
    AS respond_n,
  sum(first_response_at IS NOT NULL AND first_response_at <= respond_by) AS respond_met
FROM tickets WHERE type != 'task' AND opened_at >= :since AND opened_at < :until
GROUP BY g
"""

_BACKLOG_SQL = """
SELECT {key} AS g, count(*) AS backlog,
  sum(:now - opened_at < 10 * 86400) AS lt10,
  sum(:now - opened_at >= 10 * 86400 AND :now - opened_at <= 30 * 86400) AS mid,
  sum(:now - opened_at > 30 * 86400) AS gt30
FROM tickets WHERE type != 'task' AND open = 1
GROUP BY g
"""


def measure(db: sqlite3.Connection, win: Window, key: Callable[[str], str],
            backlog: bool = True) -> dict[Any, dict[str, Any]]:
    """Every flat measure per group. `key(column)` is the SQL grouping expression given the
    time column that places a ticket in the window (resolved_at or opened_at)."""
    params = {"since": win.since, "until": win.until, "now": win.now}
    out: dict[Any, dict[str, Any]] = {}

    def slot(g: Any) -> dict[str, Any]:
        return out.setdefault(g, dict.fromkeys(FLAT))

    for r in db.execute(_RESOLVED_ALL_SQL.format(key=key("resolved_at")), params):
        slot(r["g"])["resolved"] = r["resolved"]
    for r in db.execute(_RESOLVED_SQL.format(key=key("resolved_at")), params):
        m, counted = slot(r["g"]), r["counted"]
        m.update(counted=counted, fcr_pct=pct(r["fcr"], counted),
                 csat_mean=rnd(r["csat_mean"]), csat_top2_pct=pct(r["csat_top2"], r["csat_n"]),
                 csat_response_pct=pct(r["csat_n"], counted),
                 sla_resolve_pct=pct(r["sla_met"], r["sla_n"]),
                 reopen_pct=pct(r["reopened"], counted), reassign_mean=rnd(r["reassign_mean"]),
                 kb_pct=pct(r["kb_linked"], counted))
    bh_join = "JOIN kc.bmin c ON c.id = t.id"
    for name, expr, join in (("clock", _CLOCK_HOURS, ""), ("bh", "c.minutes / 60.0", bh_join)):
        ranks: dict[Any, dict[int, float]] = {}
        sizes: dict[Any, int] = {}
        sql = _RANKS_SQL.format(key=key("resolved_at"), expr=expr, join=join)
        for r in db.execute(sql, params):
            ranks.setdefault(r["g"], {})[r["rn"]] = r["v"]
            sizes[r["g"]] = r["n"]
            slot(r["g"])[f"ttr_{name}_mean"] = rnd(r["mean"])
        for g, got in ranks.items():
            n = sizes[g]
            median = (got[(n + 1) // 2] + got[n // 2 + 1]) / 2
            slot(g).update({f"ttr_{name}_median": rnd(median),
                            f"ttr_{name}_p90": rnd(got[(9 * n + 9) // 10])})
    for r in db.execute(_OPENED_SQL.format(key=key("opened_at")), params):
        slot(r["g"]).update(opened=r["opened"], escalation_pct=pct(r["escalated"], r["opened"]),
                            assign_hours_mean=rnd(r["assign_hours_mean"]),
                            sla_respond_pct=pct(r["respond_met"], r["respond_n"]))
    if backlog:
        for r in db.execute(_BACKLOG_SQL.format(key=key("opened_at")), params):
            slot(r["g"]).update(backlog=r["backlog"], backlog_lt10=r["lt10"],
                                backlog_10_30=r["mid"], backlog_gt30=r["gt30"])
    for m in out.values():
        for name in ("opened", "resolved", "counted", "backlog", "backlog_lt10",
                     "backlog_10_30", "backlog_gt30"):
            m[name] = m[name] or 0
    return out


def breakdowns(db: sqlite3.Connection, win: Window) -> dict[str, Any]:
    """SLA compliance by priority, and volume by channel and by type (whole window)."""
    params = {"since": win.since, "until": win.until, "now": win.now}
    by_priority: dict[str, dict[str, Any]] = {}
    for r in db.execute(f"SELECT priority, sum(resolve_by IS NOT NULL) AS n, "
                        f"sum(resolved_at <= resolve_by) AS met FROM tickets "
                        f"WHERE {_IN_WINDOW} AND {_EFF} GROUP BY priority", params):
        by_priority[f"P{r['priority']}"] = {"resolve_met": r["met"] or 0, "resolve_n": r["n"] or 0,
                                            "resolve_pct": pct(r["met"], r["n"])}
    for r in db.execute(_OPENED_SQL.format(key="priority"), params):
        p = by_priority.setdefault(f"P{r['g']}", {"resolve_met": 0, "resolve_n": 0,
                                                  "resolve_pct": None})
        p.update(respond_met=r["respond_met"] or 0, respond_n=r["respond_n"] or 0,
                 respond_pct=pct(r["respond_met"], r["respond_n"]))
    volume: dict[str, dict[str, int]] = {"channel": {}, "type": {}}
    for channel, kind, count in db.execute(
            "SELECT channel, type, count(*) FROM tickets WHERE type != 'task' "
            "AND opened_at >= :since AND opened_at < :until GROUP BY 1, 2", params):
        volume["channel"][channel] = volume["channel"].get(channel, 0) + count
        volume["type"][kind] = volume["type"].get(kind, 0) + count
    volume = {k: dict(sorted(v.items())) for k, v in volume.items()}
    return {"sla_by_priority": dict(sorted(by_priority.items())), "volume": volume}


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


def period_key(db: sqlite3.Connection, marks: list[tuple[float, str]]) -> Callable[[str], str]:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS periods (start REAL PRIMARY KEY, label TEXT)")
    db.execute("DELETE FROM temp.periods")
    db.executemany("INSERT INTO temp.periods VALUES (?, ?)", marks)
    return lambda col: (f"(SELECT label FROM temp.periods p WHERE p.start <= t_{col} "
                        "ORDER BY p.start DESC LIMIT 1)").replace(f"t_{col}", col)


def bar(value: float | None, top: float, width: int = 24) -> str:
    if not value or not top:
        return ""
    return "#" * max(1, round(width * value / top))
