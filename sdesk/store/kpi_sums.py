"""What the index keeps for KPIs: business hours to resolve, covering indexes, and sums kept up
to date by SQLite triggers, so an all-time `sdesk kpi` (and `kpi --by`) reads a few hundred rows
instead of every resolved and opened ticket (docs/kpi.md, "How it is computed").

- `agg_kpi_res` / `agg_kpi_open`: exactly the sums kpi._RESOLVED_SQL / kpi._OPENED_SQL compute,
  per grouping (all tickets, or one value of team, assignee, agency, channel, type, priority);
  triggers on the tickets table add a row's share on insert and take it away on delete or
  when its KPI columns change. Hour sums carry a compensation term (Kahan-Babuska-Neumaier).
- `agg_kpi_rank`: times to resolve counted per whole hour: a median or p90 finds its hour
  here, then walks only that hour's rows of the sorted time index.
- Tickets opened or resolved at or after a window's end (a `--now` in the past) have their
  shares taken away (`LATE_MAX` at most; more, or a window with a start: the scan, kpi.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sdesk.store import day_sums

if TYPE_CHECKING:
    from sdesk.core.sla import BusinessClock
    from sdesk.store import Store

GROUPINGS = ("all", "team", "assignee", "agency", "channel", "type", "priority")
NONE = b""  # a NULL value in a key column (a primary key cannot hold NULL)
_OPEN_WHERE = "{r}type != 'task' AND {r}opened_at IS NOT NULL"
_RES_WHERE = "{r}counted IN (0, 1) AND {r}resolved_at IS NOT NULL"
_RANK_WHERE = "{r}counted = 1 AND {r}ttr_{name} IS NOT NULL"
# (column, a ticket row's share): summed over rows they are kpi._RESOLVED_SQL's sums.
_RES = [
    ("n", "1"), ("fcr", "ifnull({r}first_contact = 1, 0)"),
    ("csat_n", "{r}csat_score IS NOT NULL"), ("csat_sum", "ifnull({r}csat_score, 0)"),
    ("csat_top2", "ifnull({r}csat_score >= 4, 0)"), ("sla_n", "{r}sla_met IS NOT NULL"),
    ("sla_met", "ifnull({r}sla_met, 0)"), ("reopened", "ifnull({r}reopens > 0, 0)"),
    ("hops_sum", "ifnull({r}reassignments, 0)"), ("hops_n", "{r}reassignments IS NOT NULL"),
    ("kb_linked", "ifnull({r}kb != '', 0)"), ("clock_sum", "ifnull({r}ttr_clock, 0.0)"),
    ("clock_n", "{r}ttr_clock IS NOT NULL"), ("bh_sum", "ifnull({r}ttr_bh, 0.0)"),
    ("bh_n", "{r}ttr_bh IS NOT NULL"),
]
_OPEN = [
    ("opened", "1"), ("escalated", "ifnull({r}tier > 1, 0)"),
    # an assignment before the opening (an import's clock skew, a hand edit: `sdesk check`
    # names it) is left out of the time to assign, which it would make negative, and counted
    # apart (assigned_before_opened)
    ("assign_sum", "CASE WHEN {r}assigned_at >= {r}opened_at "
                   "THEN ({r}assigned_at - {r}opened_at) / 3600.0 ELSE 0.0 END"),
    ("assign_n", "ifnull({r}assigned_at >= {r}opened_at, 0)"),
    ("respond_ans", "{r}respond_by IS NOT NULL AND {r}first_response_at IS NOT NULL"),
    ("respond_wait", "{r}respond_by IS NOT NULL AND {r}first_response_at IS NULL"),
    ("respond_met", "ifnull({r}first_response_at <= {r}respond_by, 0)"),
]
_FLOATS = {"clock_sum", "bh_sum", "assign_sum"}  # kept with a compensation column (_err)
# The columns the triggers read: an UPDATE of any other (a file's mtime) fires nothing.
_WATCHED = ("type", "opened_at", "counted", "resolved_at", "priority", "channel", "team",
            "assignee", "agency", "first_contact", "csat_score", "sla_met", "reopens",
            "reassignments", "kb", "ttr_clock", "ttr_bh", "tier", "assigned_at", "respond_by",
            "first_response_at")
# Unanswered tickets whose respond-by is still ahead are not yet counted in the response SLA.
_WAIT_INDEX = """
CREATE INDEX IF NOT EXISTS tickets_kpi_wait ON tickets (respond_by, opened_at, type, priority,
  channel, team, assignee, agency) WHERE first_response_at IS NULL AND respond_by IS NOT NULL
"""
_WAITING_SQL = """
SELECT {g} AS g, type, priority, channel, count(*) AS n FROM tickets INDEXED BY tickets_kpi_wait
WHERE first_response_at IS NULL AND respond_by IS NOT NULL AND respond_by >= :now
  AND type != 'task' AND opened_at < :until
GROUP BY 1, 2, 3, 4
"""


def _bucket(value: str) -> str:
    """floor(value) as an integer in plain SQL (math functions are optional in SQLite)."""
    return f"(CAST({value} AS INTEGER) - ({value} < CAST({value} AS INTEGER)))"


def _keys(table: str, g: str, r: str) -> list[str]:
    """The key of `table` (res, open or rank) for grouping `g` and row alias `r` ("NEW.",
    "OLD." or "" in a scan): grouping, value, then res: counted, priority ('all' only); open:
    type, priority, channel ('all' only)."""
    out = [f"'{g}'", "'all'" if g == "all" else f"ifnull({r}{g}, x'')"]
    if table == "res":
        out.append(f"{r}counted")
    split = {"res": ("priority",), "open": ("type", "priority", "channel")}.get(table, ())
    return out + [f"ifnull({r}{c}, x'')" if g == "all" else "''" for c in split]


def _tables() -> list[str]:
    def cols(parts: list[tuple[str, str]]) -> str:
        return ", ".join(f"{n}, {n}_err" if n in _FLOATS else n for n, _ in parts)

    return [
        f"CREATE TABLE agg_kpi_res (grp, val, counted, priority, {cols(_RES)}, "
        "PRIMARY KEY (grp, val, counted, priority)) WITHOUT ROWID",
        f"CREATE TABLE agg_kpi_open (grp, val, type, priority, channel, {cols(_OPEN)}, "
        "PRIMARY KEY (grp, val, type, priority, channel)) WITHOUT ROWID",
        "CREATE TABLE agg_kpi_rank (grp, val, name, bucket, n, "
        "PRIMARY KEY (grp, val, name, bucket)) WITHOUT ROWID",
        *day_sums.tables(lambda table: cols(_RES if table == "res" else _OPEN)),
    ]


def _upsert(keys: list[str], parts: list[tuple[str, str]]) -> str:
    """ON CONFLICT clause adding the new row's shares; float sums with compensation."""
    sets = []
    for name, _ in parts:
        sets.append(f"{name} = {name} + excluded.{name}")
        if name in _FLOATS:
            s, x = name, f"excluded.{name}"
            sets.append(f"{name}_err = {name}_err + CASE WHEN abs({s}) >= abs({x}) "
                        f"THEN ({s} - ({s} + {x})) + {x} ELSE ({x} - ({s} + {x})) + {s} END")
    return f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(sets)}"


def _shares(r: str, sign: str, parts: list[tuple[str, str]]) -> str:
    out = []
    for name, expr in parts:
        out.append(f"{sign}({expr.format(r=r)})")
        if name in _FLOATS:
            out.append("0.0")
    return ", ".join(out)


def _trigger_body(r: str, sign: str) -> str:
    """The statements that add (sign '') or take away (sign '-') row `r`'s shares ("NEW." or
    "OLD.")."""
    def rows(table: str) -> str:
        return " UNION ALL ".join(f"SELECT {', '.join(_keys(table, g, r))}" for g in GROUPINGS)

    rows_res, rows_open, rows_rank = rows("res"), rows("open"), rows("rank")
    out = [
        f"INSERT INTO agg_kpi_res SELECT g.*, {_shares(r, sign, _RES)} FROM ({rows_res}) AS g "
        f"WHERE {_RES_WHERE.format(r=r)} {_upsert(['grp', 'val', 'counted', 'priority'], _RES)}",
        f"INSERT INTO agg_kpi_open SELECT g.*, {_shares(r, sign, _OPEN)} FROM ({rows_open}) "
        f"AS g WHERE {_OPEN_WHERE.format(r=r)} "
        f"{_upsert(['grp', 'val', 'type', 'priority', 'channel'], _OPEN)}",
    ]
    for name in ("clock", "bh"):
        out.append(f"INSERT INTO agg_kpi_rank SELECT g.*, '{name}', "
                   f"{_bucket(f'{r}ttr_{name}')}, {sign}1 FROM ({rows_rank}) AS g "
                   f"WHERE {_RANK_WHERE.format(r=r, name=name)} "
                   "ON CONFLICT (grp, val, name, bucket) DO UPDATE SET n = n + excluded.n")
    for table, parts, where in (("res", _RES, _RES_WHERE), ("open", _OPEN, _OPEN_WHERE)):
        out.append(f"INSERT INTO agg_day_{table} SELECT "
                   f"{', '.join(day_sums.key_exprs(table, r))}, {_shares(r, sign, parts)} "
                   f"WHERE {where.format(r=r)} {_upsert(list(day_sums.KEYS[table]), parts)}")
    return "".join(f"{statement};\n" for statement in out)


def _triggers() -> list[str]:
    watched = ", ".join(_WATCHED)
    return [
        f"CREATE TRIGGER agg_kpi_insert AFTER INSERT ON tickets BEGIN\n"
        f"{_trigger_body('NEW.', '')}END",
        f"CREATE TRIGGER agg_kpi_delete AFTER DELETE ON tickets BEGIN\n"
        f"{_trigger_body('OLD.', '-')}END",
        f"CREATE TRIGGER agg_kpi_update AFTER UPDATE OF {watched} ON tickets BEGIN\n"
        f"{_trigger_body('OLD.', '-')}{_trigger_body('NEW.', '')}END",
    ]


# The columns of a ticket row every grouping is made of: the finest grouping.
_FINE = ("team", "assignee", "agency", "channel", "type", "priority")


# A fill job's step: an SQL statement, or a function run with the connection (_rank_counts).
Step = str | Callable[[sqlite3.Connection], None]


def _fill() -> list[Step]:
    """Every step of _fill_jobs, in one list (one connection runs them in turn)."""
    return [statement for _, statements in _fill_jobs() for statement in statements]


def _run_step(db: sqlite3.Connection, step: Step) -> None:
    if isinstance(step, str):
        db.execute(step)
    else:
        step(db)


def _rank_counts(db: sqlite3.Connection) -> None:
    """agg_kpi_rank's rows (what _scans' rank SELECTs give: per grouping, value, time and
    whole hour, the counted tickets) from one read of the covering index, counted in Python
    dictionaries (collections.Counter, in C) instead of SQL's sort per grouping and time:
    at 100,000 tickets 0.35 s of CPU instead of 1.3 (same rows: tests/test_kpi_sums.py).
    The hour is SQL's own (_bucket); a NULL value is x'' as in _keys."""
    from collections import Counter
    from itertools import repeat

    values = ", ".join(f"ifnull({c}, x'')" for c in _FINE)
    rows = db.execute(f"SELECT {values}, {_bucket('ttr_clock')}, {_bucket('ttr_bh')} FROM "
                      "tickets INDEXED BY tickets_kpi_rt WHERE counted IN (0, 1) AND counted = 1")
    counts: Counter[tuple[Any, ...]] = Counter()
    while chunk := rows.fetchmany(8192):
        columns = list(zip(*chunk, strict=True))
        for name, hours in (("clock", columns[-2]), ("bh", columns[-1])):
            counts.update(zip(repeat("all"), repeat("all"), repeat(name), hours))
            for grouping, column in zip(_FINE, columns, strict=False):
                counts.update(zip(repeat(grouping), column, repeat(name), hours))
    db.executemany("INSERT INTO agg_kpi_rank VALUES (?, ?, ?, ?, ?)",
                   ((*key, n) for key, n in counts.items() if key[3] is not None))


def _fill_jobs() -> list[tuple[str, list[Step]]]:
    """The tables' rows (sum() as the kpi scans sum), as independent jobs: (the kept table a
    job adds rows to, its statements). Each reads the tickets' rows once: one grouped scan at the
    finest grouping (_FINE: a few ten thousand rows at a million tickets) into a temporary
    table, then each grouping summed from it (the hour counts: one read, counted in Python,
    _rank_counts). `_scans` (one scan per grouping, what
    `check --deep` compares with) reads each ticket row 7 times instead of once: 28 scans,
    35 s at a million. No job reads another's tables, so a cold load runs them side by side
    (fill_parallel)."""
    def sums(parts: list[tuple[str, str]], expr: bool) -> str:
        return ", ".join(f"sum({e.format(r='') if expr else n}) AS {n}" for n, e in parts)

    def rolled(parts: list[tuple[str, str]]) -> str:
        return ", ".join(f"sum({n}), 0.0" if n in _FLOATS else f"sum({n})" for n, _ in parts)

    def job(table: str, kind: str, fine: list[str], roll: str) -> list[Step]:
        """The fine scan into temp.`table`, then each grouping's rows rolled up from it."""
        return [f"DROP TABLE IF EXISTS temp.{table}", *fine,
                *(roll.format(keys=", ".join(_keys(kind, g, ""))) for g in GROUPINGS),
                f"DROP TABLE temp.{table}"]

    fine = ", ".join(_FINE)
    res = "FROM tickets INDEXED BY tickets_kpi_rt WHERE counted IN (0, 1) AND"
    out: list[tuple[str, list[Step]]] = [
        ("agg_kpi_res", job("agg_fine_res", "res", [
            f"CREATE TEMP TABLE agg_fine_res AS SELECT {fine}, counted, {sums(_RES, True)} "
            f"{res} {_RES_WHERE.format(r='')} GROUP BY {fine}, counted"],
            f"INSERT INTO agg_kpi_res SELECT {{keys}}, {rolled(_RES)} FROM agg_fine_res "
            "GROUP BY 1, 2, 3, 4")),
        ("agg_kpi_open", job("agg_fine_open", "open", [
            f"CREATE TEMP TABLE agg_fine_open AS SELECT {fine}, {sums(_OPEN, True)} FROM tickets "
            f"INDEXED BY tickets_kpi_ot WHERE {_OPEN_WHERE.format(r='')} GROUP BY {fine}"],
            f"INSERT INTO agg_kpi_open SELECT {{keys}}, {rolled(_OPEN)} FROM agg_fine_open "
            "GROUP BY 1, 2, 3, 4, 5")),
    ]
    out.append(("agg_kpi_rank", [_rank_counts]))
    out += [(f"agg_day_{table}", [f"INSERT INTO agg_day_{table} {select}"])
            for table, select in _day_scans()]
    return out


def _day_scans() -> list[tuple[str, str]]:
    """(res or open, the SELECT giving that per-day table's rows: sdesk/store/day_sums.py)."""
    def sums(parts: list[tuple[str, str]]) -> str:
        return ", ".join(
            f"sum({expr.format(r='')}), 0.0" if name in _FLOATS else f"sum({expr.format(r='')})"
            for name, expr in parts)

    return [(table, day_sums.scan(table, sums(parts))) for table, parts in
            (("res", _RES), ("open", _OPEN))]


def _scans() -> list[tuple[str, str]]:
    """(table, SELECT giving its rows from the tickets' rows), one per grouping and table."""
    def sums(parts: list[tuple[str, str]]) -> str:
        return ", ".join(
            f"sum({expr.format(r='')}), 0.0" if name in _FLOATS else f"sum({expr.format(r='')})"
            for name, expr in parts)

    # Each scan reads a narrow covering index (_INDEXES), not the wide ticket rows: at a
    # million tickets the table is ~700 MB, the index a seventh of it.
    res = "FROM tickets INDEXED BY tickets_kpi_rt WHERE counted IN (0, 1) AND"
    out = []
    for g in GROUPINGS:
        out.append(("agg_kpi_res", f"SELECT {', '.join(_keys('res', g, ''))}, "
                    f"{sums(_RES)} {res} {_RES_WHERE.format(r='')} GROUP BY 1, 2, 3, 4"))
        out.append(("agg_kpi_open", f"SELECT {', '.join(_keys('open', g, ''))}, "
                    f"{sums(_OPEN)} FROM tickets INDEXED BY tickets_kpi_ot "
                    f"WHERE {_OPEN_WHERE.format(r='')} GROUP BY 1, 2, 3, 4, 5"))
        for name in ("clock", "bh"):
            out.append(("agg_kpi_rank", f"SELECT {', '.join(_keys('rank', g, ''))}, "
                        f"'{name}', {_bucket(f'ttr_{name}')}, count(*) {res} "
                        f"{_RANK_WHERE.format(r='', name=name)} GROUP BY 1, 2, 3, 4"))
    return out + [(f"agg_day_{table}", select) for table, select in _day_scans()]


def _tidy(row: sqlite3.Row, width: int,
          values: list[str]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """A kept table's row as (key, {column: value}), a compensated sum added to its term."""
    key, rest = tuple(row[:width]), list(row[width:])
    out = {}
    for name in values:
        out[name] = rest.pop(0) + (rest.pop(0) if name in _FLOATS else 0)
    return key, out


# (key columns, value columns) of each kept table, in its column order.
_LAYOUT = {
    "agg_kpi_res": (("grp", "val", "counted", "priority"), [n for n, _ in _RES]),
    "agg_kpi_open": (("grp", "val", "type", "priority", "channel"), [n for n, _ in _OPEN]),
    "agg_kpi_rank": (("grp", "val", "name", "bucket"), ["n"]),
    "agg_day_res": (day_sums.KEYS["res"], [n for n, _ in _RES]),
    "agg_day_open": (day_sums.KEYS["open"], [n for n, _ in _OPEN]),
}


def kept_differences(db: sqlite3.Connection) -> Iterator[tuple[str, str, Any, Any]]:
    """`sdesk check --deep`: every kept sum the tickets' rows do not give, recomputed by the
    same grouped scans that make the tables: (table, "key: column", kept value, value from
    the rows). Hour sums compare to a micro-hour (the kept ones are compensated running
    sums); a row whose count fell to 0 is the same as no row. Nothing when none are kept."""
    if not _present(db):
        return
    for table, (keys, values) in _LAYOUT.items():
        fresh = dict(_tidy(r, len(keys), values) for select in
                     (s for t, s in _scans() if t == table) for r in db.execute(select))
        kept = dict(_tidy(r, len(keys), values) for r in db.execute(f"SELECT * FROM {table}"))
        for key in sorted(kept.keys() | fresh.keys(), key=repr):
            have, want = kept.get(key), fresh.get(key)
            if have is not None and want is None and not have[values[0]]:
                continue  # every share taken away: as good as no row
            for name in values:
                a = None if have is None else have[name]
                b = None if want is None else want[name]
                if a != b and not (name in _FLOATS and a is not None and b is not None
                                   and abs(a - b) <= 1e-6 * max(1.0, abs(b))):
                    shown = ", ".join(f"{k}={_decode(v)!r}" for k, v in zip(keys, key,
                                                                            strict=True))
                    yield table, f"{shown}: {name}", a, b


def ensure(db: sqlite3.Connection) -> bool:
    """Make the tables and their triggers if the index has none (filled from the tickets'
    rows, in one write transaction). Returns whether they were made."""
    if _present(db):
        return False
    db.execute("BEGIN IMMEDIATE")
    try:
        if not _present(db):  # another process may have made them meanwhile
            drop(db)  # tables an older sdesk left without their triggers
            for statement in [*_tables(), *_fill(), *_triggers()]:
                _run_step(db, statement)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return True


def fill_side_by_side(db: sqlite3.Connection, path: str, meanwhile: Sequence[str] = (),
                      threads: int = 2) -> None:
    """ensure(), for a cold load (the index file at `path` just built): the fill's jobs run on
    `threads` connections of their own, side by side, each reading the committed rows into
    temporary tables (SQLite lets a thread run while it works), while this connection runs
    `meanwhile` (index statements), then adds the jobs' rows as they come, 500 at a time.
    It holds the write lock from before the jobs read until their rows and the triggers are
    in, so no row changes unseen. The same statements as ensure's in the same order per
    table, so the same sums."""
    import queue
    import threading

    db.execute("BEGIN IMMEDIATE")
    try:
        if not _present(db):
            drop(db)
            for statement in _tables():
                db.execute(statement)
            jobs = _fill_jobs()
            todo, done = list(jobs), queue.Queue[tuple[str, Any]](maxsize=2)
            runners = [threading.Thread(target=_run_jobs, args=(path, todo, done), daemon=True)
                       for _ in range(max(1, threads))]
            for runner in runners:
                runner.start()
            for statement in meanwhile:
                db.execute(statement)
            finished = 0
            while finished < len(jobs):
                table, rows = done.get()
                if isinstance(rows, BaseException):
                    raise rows
                if rows is None:
                    finished += 1
                elif rows:
                    db.executemany(f"INSERT INTO {table} VALUES "
                                   f"({', '.join('?' * len(rows[0]))})", rows)
            for statement in _triggers():
                db.execute(statement)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _run_jobs(path: str, todo: list[tuple[str, list[Step]]], done: Any) -> None:
    """Fill jobs taken from `todo` until none is left (list.pop is atomic), each job's kept
    table made as a temporary one on this thread's connection; its rows go to the `done`
    queue 500 at a time as (table, rows), then (table, None); an exception as (table, it)."""
    con: sqlite3.Connection | None = None
    try:
        while todo:
            try:
                table, statements = todo.pop()
            except IndexError:
                return
            try:
                con = con or sqlite3.connect(path, timeout=30, isolation_level=None)
                create = next(s for s in _tables() if s.startswith(f"CREATE TABLE {table} "))
                con.execute(f"DROP TABLE IF EXISTS temp.{table}")
                con.execute(create.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
                for statement in statements:
                    _run_step(con, statement)
                rows = con.execute(f"SELECT * FROM temp.{table}")
                while chunk := rows.fetchmany(500):
                    done.put((table, chunk))
                done.put((table, None))
            except BaseException as exc:  # raised again by the thread that waits
                done.put((table, exc))
                return
    finally:
        if con is not None:
            con.close()


def drop(db: sqlite3.Connection) -> None:
    """Forget the tables and triggers (before a mass rewrite that would fire the triggers for
    every row; the next `ensure` fills them again)."""
    from sdesk.store.index import drop_derived

    drop_derived(db)


def present(db: sqlite3.Connection) -> bool:
    """Whether the index keeps the sums (all time and per day) and their triggers."""
    return _present(db)


def _present(db: sqlite3.Connection) -> bool:
    """The sums and their triggers are there (the per-day tables too: an index made before
    them has its sums made again, with them)."""
    found = db.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('agg_kpi_update', "
                       "'agg_day_res')").fetchone()
    return bool(found[0] == 2)


# -- business hours to resolve, kept in the index rows -----------------------------------------


# Covering indexes of the columns each scan reads: scanning them instead of the wide ticket rows
# (titles, paths ...) is what keeps `sdesk kpi` fast at 100,000 tickets. Created by `build`
# after a cold load (or on the first kpi of an older index); dropped with the table when the
# index is rebuilt.
_INDEXES = """
DROP INDEX IF EXISTS tickets_kpi_r;
DROP INDEX IF EXISTS tickets_kpi_o;
CREATE INDEX IF NOT EXISTS tickets_kpi_rt ON tickets (resolved_at, counted, priority,
  first_contact, csat_score, sla_met, reopens, reassignments, kb, ttr_clock, ttr_bh, team,
  assignee, agency, channel, type) WHERE counted IN (0, 1);
CREATE INDEX IF NOT EXISTS tickets_kpi_ot ON tickets (opened_at, type, priority, channel, tier,
  assigned_at, respond_by, first_response_at, team, assignee, agency) WHERE type != 'task';
CREATE INDEX IF NOT EXISTS tickets_kpi_open ON tickets (open, type, opened_at, priority, channel,
  team, assignee, agency) WHERE open = 1;
CREATE INDEX IF NOT EXISTS tickets_kpi_clock ON tickets (ttr_clock, resolved_at) WHERE counted = 1;
CREATE INDEX IF NOT EXISTS tickets_kpi_bh ON tickets (ttr_bh, resolved_at) WHERE counted = 1;
CREATE INDEX IF NOT EXISTS tickets_kpi_todo ON tickets (id) WHERE counted = 1 AND ttr_bh IS NULL;
CREATE INDEX IF NOT EXISTS tickets_kpi_early ON tickets (resolved_at) WHERE counted = 2;
CREATE INDEX IF NOT EXISTS tickets_kpi_early_assign ON tickets (opened_at)
  WHERE assigned_at < opened_at AND type != 'task';
CREATE INDEX IF NOT EXISTS tickets_kpi_done ON tickets (coalesce(resolved_at, closed_at, 1e18),
  opened_at, team, resolved_at, closed_at, type) WHERE type != 'task';
"""


def assigned_before_opened(db: sqlite3.Connection, since: float, until: float) -> int:
    """How many tickets opened in [since, until) (epoch seconds) were assigned before they
    were opened (assigned_at < opened_at): left out of the time to assign (`_OPEN`)."""
    return int(db.execute("SELECT count(*) FROM tickets INDEXED BY tickets_kpi_early_assign "
                          "WHERE assigned_at < opened_at AND type != 'task' AND opened_at >= ? "
                          "AND opened_at < ?", (since, until)).fetchone()[0])


# The covering indexes the fill's jobs and the business hours read (INDEXED BY): a cold load
# makes them first, and every other index while the jobs run (build's `more`).
FILL_READS = ("tickets_kpi_rt", "tickets_kpi_ot", "tickets_kpi_todo")


def covering_indexes() -> list[str]:
    """The CREATE INDEX statements of the covering indexes (for a cold load to make)."""
    return [s.strip() for s in _INDEXES.split(";") if s.strip().startswith("CREATE")]


def calendar_stamp(store: Store) -> str:
    """Identifies the calendar business hours were computed with: the bytes of calendar.toml
    (the only input of the Calendar). Hashing one file costs microseconds; loading the whole
    reference for its digest would cost ~45 ms of imports and parsing on every run."""
    import zlib

    from sdesk.core.errors import SdeskError
    from sdesk.core.untrusted import read_limited

    try:
        data = read_limited(store.root, store.root / "reference" / "calendar.toml")
    except (OSError, SdeskError):  # a link or a huge file: loading the reference says so
        data = b""
    return f"{len(data)}:{zlib.crc32(data):08x}"


def fill_business_hours(store: Store, db: sqlite3.Connection, sums: bool = True,
                        covering: bool = True) -> int:
    """Compute the business hours to resolve (held business time excluded) of every counted
    row that has none; all of them when the calendar changed. Then (`sums`) make the sums the
    index keeps (below) if it has none. Returns how many rows were computed. Rows are read and
    written in chunks of CHUNK, so memory stays flat whatever the store's size. `covering`
    False: the caller made the covering indexes (FILL_READS at least)."""
    if covering:
        db.executescript(_INDEXES)
    stamp = calendar_stamp(store)
    seen = db.execute("SELECT value FROM meta WHERE key = 'kpi_calendar'").fetchone()
    if seen is not None and seen[0] == stamp and db.execute(
            "SELECT 1 FROM tickets INDEXED BY tickets_kpi_todo "
            "WHERE counted = 1 AND ttr_bh IS NULL LIMIT 1").fetchone() is None:
        if sums:
            ensure(db)
        return 0
    done = 0
    db.execute("BEGIN IMMEDIATE")  # the write lock first: no writer replaces a row meanwhile
    try:
        if seen is None or seen[0] != stamp:
            drop(db)  # made again below: cheaper than a trigger for every row
            db.execute("UPDATE tickets SET ttr_bh = NULL WHERE ttr_bh IS NOT NULL")
            _drop_old_cache(store)
        clock = sla_clock(store)
        after = ""
        while True:
            todo = db.execute("SELECT id, opened_at, resolved_at, held_seconds, on_hold "
                              "FROM tickets INDEXED BY tickets_kpi_todo WHERE counted = 1 AND "
                              f"ttr_bh IS NULL AND id > ? ORDER BY id LIMIT {CHUNK}",
                              (after,)).fetchall()
            if not todo:
                break
            after = todo[-1]["id"]
            db.executemany("UPDATE tickets SET ttr_bh = ? WHERE id = ?",
                           _business_hours(store, clock, todo))
            done += len(todo)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('kpi_calendar', ?)", (stamp,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    if sums:
        ensure(db)
    return done


CHUNK = 5000  # rows read and written at a time by fill_business_hours


def sla_clock(store: Store) -> BusinessClock:
    """The store calendar's running business-time total (sdesk.core.sla.BusinessClock)."""
    from sdesk.core.sla import BusinessClock

    return BusinessClock(store.reference.calendar)


def ttr_bh(clock: BusinessClock, opened_at: float, resolved_at: float) -> float:
    """Business hours from opening to resolution of a ticket never held or reopened (a held
    one needs its file's spans: `_business_hours`)."""
    return clock.minutes_between(opened_at, resolved_at) / 60.0


def _business_hours(store: Store, clock: BusinessClock,
                    rows: Iterable[sqlite3.Row]) -> list[tuple[float, str]]:
    from sdesk.core import sla

    tz, cal = store.tz, store.reference.calendar
    out = []
    for row in rows:
        if not (row["held_seconds"] or row["on_hold"]):
            out.append((ttr_bh(clock, row["opened_at"], row["resolved_at"]), row["id"]))
            continue
        resolved = dt.datetime.fromtimestamp(row["resolved_at"], tz)
        minutes = clock.minutes_between(row["opened_at"], row["resolved_at"])
        spans = sla.paused_spans(store.load(row["id"]))
        minutes -= sla.paused_minutes(spans, resolved, sla.BUSINESS, cal)
        out.append((max(0.0, minutes) / 60.0, row["id"]))
    return out


def build(store: Store, db: sqlite3.Connection, stamp: str, path: str = "",
          threads: int = 2, more: Sequence[str] = ()) -> None:
    """After a cold load (a first read or `sdesk reindex`): what `sdesk kpi` would otherwise
    make on its first run, made now so no command pays for it later. `stamp` is the
    calendar_stamp the loading workers computed business hours with ('' none: all are
    computed here). The covering indexes, the business hours still missing (held tickets),
    the sums and their triggers, the per-team rank indexes of `kpi --by team` and the index of
    unanswered tickets (_WAIT_INDEX: the first `kpi` made it, a write of the whole index file
    that cost it 0.5 s at 100,000 tickets). `path`, the index file: the sums' jobs then run on
    `threads` connections (fill_side_by_side). `more`: index statements of a new index file
    (sdesk/store/index.py), made while the jobs run; its covering indexes FILL_READS are made."""
    if stamp:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('kpi_calendar', ?)", (stamp,))
    meanwhile = [*(BY_INDEX.format(column="team", name=name) for name in ("clock", "bh")),
                 _WAIT_INDEX, *more]
    if path:
        fill_business_hours(store, db, sums=False, covering=not more)
        fill_side_by_side(db, path, meanwhile=meanwhile, threads=threads)
        return
    fill_business_hours(store, db)
    for statement in meanwhile:
        db.execute(statement)


# Per group (--by): an index on (group, time) to walk one group's times in order, made on the
# first `kpi --by` of that grouping (the team's with the index, by `build`).
BY_INDEX = """
CREATE INDEX IF NOT EXISTS tickets_kpi_by_{column}_{name} ON tickets ({column}, ttr_{name},
  resolved_at) WHERE counted = 1
"""


def _drop_old_cache(store: Store) -> None:
    # Earlier versions kept business minutes in a side database; the index holds them now.
    for old in store.state_dir.glob("kpi-*.sqlite*"):
        old.unlink(missing_ok=True)


# -- reading -----------------------------------------------------------------------------------

LATE_MAX = 50_000  # tickets past a window's end that are taken away rather than scanned around
_LATE_RES = "counted IN (0, 1) AND resolved_at >= :until"
_LATE_OPEN = "type != 'task' AND opened_at >= :until"


def usable(db: sqlite3.Connection, since: float, until: float) -> bool:
    """Whether the sums answer the window [since, until): it starts at the beginning, and at
    most LATE_MAX tickets were opened or resolved at or after its end."""
    if since > -1e17 or not _present(db):
        return False
    for index, late in (("tickets_kpi_rt", _LATE_RES), ("tickets_kpi_ot", _LATE_OPEN)):
        count = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM tickets INDEXED BY {index} "
                           f"WHERE {late} LIMIT {LATE_MAX + 1})", {"until": until}).fetchone()
        if count[0] > LATE_MAX:
            return False
    return True


def _decode(value: Any) -> Any:
    return None if value == NONE and isinstance(value, bytes) else value


def _rows(db: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: _decode(v) for k, v in zip(row.keys(), row, strict=True)}
            for row in db.execute(sql, params)]


def _less(kept: list[dict[str, Any]], late: list[dict[str, Any]], keys: tuple[str, ...],
          count: str) -> list[dict[str, Any]]:
    """The kept rows with the late rows' shares taken away, by key; rows left with no ticket
    (`count` 0) dropped."""
    by_key = {tuple(row[k] for k in keys): row for row in kept}
    for row in late:
        into = by_key.get(tuple(row[k] for k in keys))
        if into is None:  # cannot happen while the triggers keep the sums
            raise sqlite3.DatabaseError("KPI sums out of step with the tickets table")
        for name, value in row.items():
            if name not in keys and name != "grp":
                into[name] -= value
    return [row for row in by_key.values() if row[count] > 0]


def _late_select(keys: list[str], names: list[str], parts: list[tuple[str, str]]) -> str:
    sums = ", ".join(f"sum({e.format(r='')}) AS {n}" for n, e in parts)
    return f"SELECT {', '.join(f'{k} AS {n}' for k, n in zip(keys, names, strict=True))}, {sums}"


def resolved_rows(db: sqlite3.Connection, grouping: str, until: float) -> list[dict[str, Any]]:
    """kpi._RESOLVED_SQL's rows (g, c, priority and the sums) for the window up to `until`:
    'all' by counted and priority, a column by its value and counted."""
    names = ", ".join(f"{n} + {n}_err AS {n}" if n in _FLOATS else n for n, _ in _RES)
    kept = _rows(db, f"SELECT val AS g, counted AS c, priority, {names} FROM agg_kpi_res "
                     "WHERE grp = :grp AND n > 0", {"grp": grouping})
    late = _rows(db, _late_select(_keys("res", grouping, ""), ["grp", "g", "c", "priority"],
                                  _RES) + " FROM tickets "
                 f"INDEXED BY tickets_kpi_rt WHERE {_LATE_RES} GROUP BY 1, 2, 3, 4",
                 {"until": until})
    return _less(kept, late, ("g", "c", "priority"), "n")


def opened_rows(db: sqlite3.Connection, grouping: str, until: float,
                now: float) -> list[dict[str, Any]]:
    """kpi._OPENED_SQL's rows for the window up to `until` ('all' by type, priority and
    channel; a column by its value); unanswered tickets still inside their respond-by are not
    yet counted in respond_n."""
    names = ", ".join(f"{n} + {n}_err AS {n}" if n in _FLOATS else n for n, _ in _OPEN)
    split = ("type", "priority", "channel")
    kept = _rows(db, f"SELECT val AS g, type, priority, channel, {names} FROM agg_kpi_open "
                     "WHERE grp = :grp AND opened > 0", {"grp": grouping})
    late = _rows(db, _late_select(_keys("open", grouping, ""), ["grp", "g", *split],
                                  _OPEN) + " FROM tickets INDEXED BY "
                 f"tickets_kpi_ot WHERE {_LATE_OPEN} GROUP BY 1, 2, 3, 4, 5",
                 {"until": until})
    db.execute(_WAIT_INDEX)
    g = "'all'" if grouping == "all" else f"ifnull({grouping}, x'')"
    for row in _rows(db, _WAITING_SQL.format(g=g), {"now": now, "until": until}):
        if grouping != "all":
            row.update(type="", priority="", channel="")
        row["respond_wait"] = row.pop("n")
        late.append(row)
    out = []
    for row in _less(kept, late, ("g", *split), "opened"):
        out.append({**row, "respond_n": row.pop("respond_ans") + row.pop("respond_wait")})
    return out


def late_hours(db: sqlite3.Connection, grouping: str,
               until: float) -> dict[str, dict[Any, dict[int, int]]]:
    """The counted tickets resolved at or after `until`: per time (clock, bh), per group
    value, how many in each whole hour (what `at_ranks` takes away from the kept counts).
    One read of the late rows for every group."""
    import math

    out: dict[str, dict[Any, dict[int, int]]] = {"clock": {}, "bh": {}}
    g = "'all'" if grouping == "all" else grouping
    for value, clock, bh in db.execute(
            f"SELECT {g}, ttr_clock, ttr_bh FROM tickets INDEXED BY tickets_kpi_rt "
            f"WHERE {_LATE_RES} AND counted = 1", {"until": until}):
        for name, time in (("clock", clock), ("bh", bh)):
            if time is not None:
                hours = out[name].setdefault(value, {})
                hours[math.floor(time)] = hours.get(math.floor(time), 0) + 1
    return out


def at_ranks(db: sqlite3.Connection, grouping: str, value: Any, name: str, n: int,
             rank: int, take: int, walk: str, params: dict[str, Any]) -> list[float] | None:
    """The times to resolve (`name`: clock or bh) at ranks rank .. rank+take-1 (1-based,
    ascending) of the `n` in a group, up to params["until"]: the hour holding the rank from
    the counts (less params["late"], `late_hours`), then `walk` (SQL with :lo, :take and
    :skip: the group's times from :lo up, in order, resolved before :until) skips the rank's
    place inside that hour. None if the counts do not add up to n (then walk the whole
    index)."""
    counts = dict(db.execute(
        "SELECT bucket, n FROM agg_kpi_rank WHERE grp = ? AND val = ? AND name = ? AND n > 0",
        (grouping, NONE if value is None else value, name)).fetchall())
    for hour, late in params["late"][name].get(value, {}).items():
        counts[hour] = counts.get(hour, 0) - late
    if sum(counts.values()) != n:
        return None
    below, at = 0, 0
    for hour in sorted(counts):
        at = hour
        if below + counts[hour] >= rank:
            break
        below += counts[hour]
    return [r[0] for r in db.execute(walk, {**params, "lo": at, "take": take,
                                            "skip": rank - 1 - below})]
