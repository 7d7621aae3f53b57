"""Per-day sums the index keeps for KPI windows (the report's tiles, trends and volume;
`sdesk kpi --since`), beside kpi_sums' all-time sums and kept by the same triggers.

Why: a window with a start was scanned row by row: at 1,000,000 tickets the report's 12 weeks
are ~230,000 resolutions and openings, read twice (tiles and trend). Here each UTC day
(`floor(time / 86400)` of resolved_at, or opened_at) keeps the same shares kpi_sums keeps for
the whole desk, split as `sdesk kpi` splits it (resolutions by counted and priority, openings by
type, priority and channel): ~70 rows a day whatever the store's size. A window [since, until)
adds up the whole days inside it and scans only what is left (the part-days at its ends, and
each day a cut of the grouping falls inside: a local-midnight period start is not a UTC
midnight) with kpi.py's own window SQL, so every figure is what the scan gives.
`sdesk check --deep` compares the kept rows with a scan (kpi_sums.kept_differences).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

DAY = 86400


def _day(column: str) -> str:
    from sdesk.store.kpi_sums import _bucket

    return _bucket(f"{column} / {DAY}.0")


def tables(cols: Callable[[str], str]) -> list[str]:
    """The CREATE TABLE statements; `cols(table)` the value columns (kpi_sums' res / open)."""
    return [
        f"CREATE TABLE agg_day_res (day, counted, priority, {cols('res')}, "
        "PRIMARY KEY (day, counted, priority)) WITHOUT ROWID",
        f"CREATE TABLE agg_day_open (day, type, priority, channel, {cols('open')}, "
        "PRIMARY KEY (day, type, priority, channel)) WITHOUT ROWID",
    ]


KEYS = {"res": ("day", "counted", "priority"), "open": ("day", "type", "priority", "channel")}


def key_exprs(table: str, r: str) -> list[str]:
    """The key of a day table for row alias `r` ("NEW.", "OLD." or "" in a scan)."""
    if table == "res":
        return [_day(f"{r}resolved_at"), f"{r}counted", f"ifnull({r}priority, x'')"]
    return [_day(f"{r}opened_at"), f"ifnull({r}type, x'')", f"ifnull({r}priority, x'')",
            f"ifnull({r}channel, x'')"]


def scan(table: str, sums: str) -> str:
    """The SELECT giving a day table's rows from the tickets' rows (`sums`: the value
    columns as sum() expressions): the fill after a cold load, and what check --deep compares
    the kept rows with."""
    from sdesk.store.kpi_sums import _OPEN_WHERE, _RES_WHERE

    keys = ", ".join(key_exprs(table, ""))
    if table == "res":
        return (f"SELECT {keys}, {sums} FROM tickets INDEXED BY tickets_kpi_rt "
                f"WHERE counted IN (0, 1) AND {_RES_WHERE.format(r='')} GROUP BY 1, 2, 3")
    return (f"SELECT {keys}, {sums} FROM tickets INDEXED BY tickets_kpi_ot "
            f"WHERE {_OPEN_WHERE.format(r='')} GROUP BY 1, 2, 3, 4")


# -- reading a window ---------------------------------------------------------------------------


def pieces(since: float, until: float,
           cuts: Sequence[float]) -> tuple[list[int], list[tuple[float, float]]]:
    """Split the window [since, until) into whole UTC days read from the sums (no cut of the
    grouping strictly inside them) and the spans left to scan, in time order."""
    first, last = math.ceil(since / DAY), math.floor(until / DAY)
    if first > last:  # inside one day
        return [], [(since, until)]
    broken = {math.floor(c / DAY) for c in cuts if since < c < until and c % DAY}
    days = [d for d in range(first, last) if d not in broken]
    spans = [(since, float(first * DAY))] if since < first * DAY else []
    spans += [(float(d * DAY), float((d + 1) * DAY)) for d in sorted(broken) if first <= d < last]
    if last * DAY < until:
        spans.append((float(last * DAY), until))
    return days, spans


def split(db: sqlite3.Connection, since: float, until: float,
          cuts: Sequence[float] | None) -> tuple[list[int], list[tuple[float, float]]] | None:
    """pieces() of a window, or None when the index keeps no per-day sums or the grouping's
    cuts are unknown (`cuts` None): then the window is scanned."""
    from sdesk.store.kpi_sums import present

    if cuts is None or not present(db):
        return None
    # No ticket lies outside the days the sums hold: the window shrinks to them (an open end,
    # --until 2100, then lists no empty day).
    low, high = db.execute("SELECT min(lo), max(hi) FROM (SELECT min(day) AS lo, max(day) AS hi "
                           "FROM agg_day_res UNION ALL SELECT min(day), max(day) "
                           "FROM agg_day_open)").fetchone()
    if low is None:
        return [], []
    since, until = max(since, float(low * DAY)), min(until, float((high + 1) * DAY))
    return pieces(since, until, cuts) if since < until else ([], [])


def day_rows(db: sqlite3.Connection, table: str, days: list[int], g: str, select: str,
             params: dict[str, Any]) -> list[dict[str, Any]]:
    """The kept rows of `days`, summed per group and split (res: counted, priority; open:
    type, priority, channel); `select` the sums under kpi.py's names, `g` the group expression
    over the day's start `(day * 86400.0)`. A NULL key column reads None, as in a scan."""
    if not days:
        return []
    from sdesk.store.kpi_sums import _decode

    split = "counted AS c, priority" if table == "res" else "type, priority, channel"
    group = "1, 2, 3" if table == "res" else "1, 2, 3, 4"
    count = "n" if table == "res" else "opened"  # a row whose tickets all left counts none
    cursor = db.execute(f"SELECT {g} AS g, {split}, {select} FROM agg_day_{table} "
                        f"WHERE day IN ({','.join(map(str, days))}) GROUP BY {group} "
                        f"HAVING sum({count}) > 0", params)
    names = [d[0] for d in cursor.description]
    return [{k: _decode(v) for k, v in zip(names, row, strict=True)} for row in cursor]


WAITING_SQL = """
SELECT {g} AS g, type, priority, channel, count(*) AS waiting FROM tickets INDEXED BY tickets_kpi_wait
WHERE first_response_at IS NULL AND respond_by IS NOT NULL AND respond_by >= :now
  AND type != 'task' AND CAST(opened_at / 86400 AS INTEGER) IN ({days}) AND opened_at >= 0
GROUP BY 1, 2, 3, 4
"""


def window_rows(db: sqlite3.Connection, table: str,
                daily: tuple[list[int], list[tuple[float, float]]], key: Callable[[str], str] | None,
                scan: str, params: dict[str, Any], names: Sequence[str]) -> Iterator[Mapping[str, Any]]:
    """The rows of `scan` (kpi.py's window SQL for `table`: res or open, with :since and
    :until) over the window, in parts that add up: the kept sums of its whole days (open:
    respond_n less the tickets still inside their respond-by), then `scan` over each span
    left. `names` are the sums the scan's rows carry."""
    from sdesk.store.kpi_sums import _WAIT_INDEX

    days, spans = daily
    g = key(f"(day * {DAY}.0)") if key else "'all'"
    if table == "res":
        sums = ", ".join(f"sum({n} + {n}_err) AS {n}" if n in ("clock_sum", "bh_sum")
                         else f"sum({n}) AS {n}" for n in names)
        yield from day_rows(db, "res", days, g, sums, params)
    elif days:
        sums = ("sum(opened) AS opened, sum(escalated) AS escalated, sum(assign_sum + "
                "assign_sum_err) AS assign_sum, sum(assign_n) AS assign_n, "
                "sum(respond_ans + respond_wait) AS respond_n, sum(respond_met) AS respond_met")
        yield from day_rows(db, "open", days, g, sums, params)
        db.execute(_WAIT_INDEX)
        waiting = WAITING_SQL.format(g=key("opened_at") if key else "'all'",
                                     days=",".join(map(str, days)))
        for w in db.execute(waiting, params):
            yield {**dict.fromkeys(names, 0), "g": w["g"], "type": w["type"],
                   "priority": w["priority"], "channel": w["channel"],
                   "respond_n": -w["waiting"]}
    for since, until in spans:
        yield from db.execute(scan, {**params, "since": since, "until": until})
