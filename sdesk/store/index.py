"""The summary index: one SQLite row per ticket, under .git/sdesk/, never the source of truth.

Why: parsing 100,000 TOML files takes 20 s; reads must not. How it stays fresh without stat-ing
every file (300 ms at 100,000): every change sdesk, git or an editor makes by writing a new file
(atomic rename, git checkout/pull/revert, vim, sed -i) changes the mtime of the shard folder, and
there are only ~1,000 of those. A refresh stats the shard folders, rescans the few that changed,
and re-reads only files whose size or mtime moved. When HEAD moved since the last refresh, the
paths git says changed are re-read too, which catches an in-place edit once it is committed.
Timestamps taken within a second of "now" are "racy" (a second write in the same clock tick
would not move them), so such entries are verified by content hash on the next refresh, as git
does for its own index. Deleting the database at any time loses nothing: it is rebuilt.
See docs/index.md.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from sdesk.core import ids
from sdesk.core.errors import SdeskError
from sdesk.core.gitrefs import read_head
from sdesk.core.untrusted import MAX_FILE_BYTES, link_in

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~15 M instructions of `show`)
if TYPE_CHECKING:
    from typing import Any

    from sdesk.core.model import Ticket  # imported where a file is read: a warm read needs none
    from sdesk.core.sla import BusinessClock
    from sdesk.store import Store

# 3: KPI columns counted, ttr_clock, ttr_bh (sdesk/reports/kpi.py); 4: sla_met; 5: import_keys;
# 6: counted = EARLY for a resolution before the opening; 7: the time to assign leaves out an
# assignment before the opening (kpi_sums._OPEN: the kept sums are made again); 8: a folder
# under tickets/ that is a link or cannot be listed is a problem (path = dir), which a file of 7
# never recorded (session 37); 9: last_public_at leaves out inbound mail (ticketdoc.tells_customer:
# a customer's chase is no update to them, session 38)
INDEX_VERSION = 9
PARALLEL_MIN_DIRS = 64  # below this a cold load is quicker without starting processes
CACHE_KIB_MAX = 65536  # SQLite's page cache while a cold load inserts (16 KiB a shard folder)
RACY_NS = 1_000_000_000

# (column, SQL type). Times are epoch seconds (NULL when unset); booleans 0/1.
COLUMNS: list[tuple[str, str]] = [
    ("id", "TEXT PRIMARY KEY"), ("body", "TEXT"), ("path", "TEXT UNIQUE"), ("dir", "TEXT"),
    ("mtime_ns", "INTEGER"), ("size", "INTEGER"), ("sha", "TEXT"), ("racy", "INTEGER"),
    ("type", "TEXT"), ("status", "TEXT"), ("open", "INTEGER"), ("priority", "INTEGER"),
    ("impact", "INTEGER"), ("urgency", "INTEGER"), ("channel", "TEXT"), ("team", "TEXT"),
    ("assignee", "TEXT"), ("vip", "INTEGER"), ("service", "TEXT"), ("category", "TEXT"),
    ("software", "TEXT"), ("location", "TEXT"), ("remote", "INTEGER"), ("effort", "REAL"),
    ("tier", "INTEGER"), ("parent", "TEXT"), ("duplicate_of", "TEXT"), ("related", "TEXT"),
    ("flags", "TEXT"), ("kb", "TEXT"), ("skills", "TEXT"), ("requested_technician", "TEXT"),
    ("external_ref", "TEXT"), ("reopens", "INTEGER"), ("reassignments", "INTEGER"),
    ("requester_name", "TEXT"), ("requester_email", "TEXT"), ("agency", "TEXT"),
    ("title", "TEXT"), ("opened_at", "REAL"), ("updated_at", "REAL"), ("respond_by", "REAL"),
    ("resolve_by", "REAL"), ("first_response_at", "REAL"), ("assigned_at", "REAL"),
    ("resolved_at", "REAL"), ("closed_at", "REAL"), ("resolution_code", "TEXT"),
    ("first_contact", "INTEGER"), ("csat_score", "INTEGER"), ("csat_at", "REAL"),
    ("on_hold", "INTEGER"), ("held_seconds", "REAL"), ("last_public_at", "REAL"),
    ("journal_count", "INTEGER"), ("message_ids", "TEXT"),
    ("import_keys", "TEXT"),  # the [import] table's keys: export's CSV header without a pre-read
    # Derived for KPIs by kpi_values below; ttr_bh is filled by `sdesk kpi` itself.
    ("counted", "INTEGER"), ("ttr_clock", "REAL"), ("ttr_bh", "REAL"), ("sla_met", "INTEGER"),
]
NAMES = [name for name, _ in COLUMNS]


def _ts(value: Any) -> float | None:
    return None if value is None else value.timestamp()


# Resolutions that do not count as the desk's work on the customer's problem (docs/kpi.md).
EXCLUDED_CODES = ("duplicate", "withdrawn", "logged-as-request")  # session 39: procedures.retype
EARLY = 2  # `counted` of a ticket resolved before it was opened (kpi_of)


def kpi_values(ticket: Ticket, held_seconds: float) -> dict[str, Any]:
    """The index columns KPIs derive from one ticket (kpi_of)."""
    from sdesk.core import sla  # at use: a read with a warm index never needs it (~3 ms)

    code = ticket.resolution.code if ticket.resolution else ""
    return kpi_of(ticket.type, ticket.opened_at.timestamp(), _ts(ticket.resolved_at), code,
                  held_seconds, sla.resolution_met(ticket), ticket.channel)


def kpi_of(kind: str, opened: float, resolved: float | None, code: str,
           held_seconds: float, met: bool | None, channel: str = "") -> dict[str, Any]:
    """The index columns KPIs derive from a ticket's type, opened and resolved times (epoch
    seconds), resolution code, seconds held (real seconds) and SLA verdict
    (sla.resolution_met).
    `counted`: 1 a resolution every resolution measure counts, 0 resolved but excluded
    (duplicate, withdrawn; or a ticket the desk made itself, channel internal: a parent case,
    whose children carry the customers' resolution, FCR and satisfaction), EARLY resolved
    before it was opened (a --now before opened_at,
    refused since session 33: left out of every resolution measure, whose times would go
    negative, and counted apart by `sdesk kpi`), NULL not resolved (a ticket closed without a
    resolution included) or a task. `sla_met`: 1/0 the resolution SLA verdict (the source's
    for an import), NULL none. `ttr_clock`: clock hours to resolve, held time taken out.
    `ttr_bh` is filled later by fill_business_hours (it needs the calendar)."""
    if resolved is None or kind == "task":
        return {"counted": None, "ttr_clock": None, "ttr_bh": None, "sla_met": None}
    if resolved < opened:
        return {"counted": EARLY, "ttr_clock": None, "ttr_bh": None, "sla_met": None}
    clock = (resolved - opened - held_seconds) / 3600.0
    counted = code not in EXCLUDED_CODES and channel != "internal"  # model.INTERNAL
    return {"counted": int(counted), "ttr_clock": clock, "ttr_bh": None,
            "sla_met": None if met is None else int(met)}


def row_of(ticket: Ticket) -> dict[str, Any]:
    """The index fields of a ticket (without the file bookkeeping columns)."""
    # Real seconds the SLA clock stood still in spans that have ended (holds, time resolved
    # before a reopen), through sdesk.core.sla's one duration function: the same figure whichever
    # zone objects the times carry (a command's ZoneInfo or a file's fixed offsets).
    from sdesk.core import sla

    held = 60.0 * sum(sla.elapsed_minutes(a, b) for a, b in sla.paused_spans(ticket)
                      if b is not None)
    public = [e.at for e in ticket.journal if e.to_customer]  # the desk's word, not a mail in
    res = ticket.resolution
    return {
        "id": ticket.id, "body": ticket.id.split("-", 1)[-1], "type": ticket.type,
        "status": ticket.status, "open": int(ticket.is_open), "priority": ticket.priority,
        "impact": ticket.impact, "urgency": ticket.urgency, "channel": ticket.channel,
        "team": ticket.team, "assignee": ticket.assignee, "vip": int(ticket.vip),
        "service": ticket.service, "category": ticket.category, "software": ticket.software,
        "location": ticket.location, "remote": int(ticket.remote), "effort": ticket.effort_hours,
        "tier": ticket.tier, "parent": ticket.parent, "duplicate_of": ticket.duplicate_of,
        "related": " ".join(ticket.related), "flags": " ".join(ticket.flags),
        "kb": " ".join(ticket.kb), "skills": " ".join(ticket.skills),
        "requested_technician": ticket.requested_technician,
        "external_ref": ticket.external_ref.upper(), "reopens": ticket.reopens,
        "reassignments": ticket.reassignments, "requester_name": ticket.requester.name,
        "requester_email": ticket.requester.email.lower(), "agency": ticket.requester.agency,
        "title": ticket.title, "opened_at": _ts(ticket.opened_at),
        "updated_at": _ts(ticket.updated_at), "respond_by": _ts(ticket.respond_by),
        "resolve_by": _ts(ticket.resolve_by), "first_response_at": _ts(ticket.first_response_at),
        "assigned_at": _ts(ticket.assigned_at), "resolved_at": _ts(ticket.resolved_at),
        "closed_at": _ts(ticket.closed_at), "resolution_code": res.code if res else "",
        "first_contact": int(res.first_contact) if res else None,
        "csat_score": ticket.csat.score if ticket.csat else None,
        "csat_at": _ts(ticket.csat.at) if ticket.csat else None,
        "on_hold": int(ticket.on_hold), "held_seconds": held,
        "last_public_at": max(public).timestamp() if public else None,
        "journal_count": len(ticket.journal), "import_keys": " ".join(sorted(ticket.imported)),
        "message_ids": " ".join(ticket.message_ids),
        **kpi_values(ticket, held),
    }


class Problem:
    """A ticket file the index could not take: its store-relative path and the one-line
    problem. A plain class, not a record: sdesk/core/record.py imports dataclasses and typing
    (~45 M instructions of `show`, which imports this module)."""

    __slots__ = ("message", "path")

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.path, self.message) == (other.path,
                                                                             other.message)

    def __hash__(self) -> int:
        return hash((self.path, self.message))

    def __repr__(self) -> str:
        return f"Problem(path={self.path!r}, message={self.message!r})"


class Index:
    def __init__(self, store: Store, db: sqlite3.Connection, path: Path) -> None:
        self.store = store
        self.db = db
        self.path = path
        self.problems: list[Problem] = []
        # A cold load also builds what `sdesk kpi` keeps (sdesk/store/kpi_sums.py); not for an
        # index in memory (a read-only store), which is thrown away at exit.
        self.keep_totals = True
        self._stamp = ""  # the calendar a cold load's workers computed business hours with

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, store: Store, refresh: bool = True) -> Index:
        path = store.state_dir / _db_name(store)
        try:
            store.state_dir.mkdir(parents=True, exist_ok=True)
            try:
                index = cls._connect(store, path)
                if refresh:
                    index.refresh()
            except sqlite3.DatabaseError as exc:
                if _cannot_write(exc):
                    raise
                # A corrupt or foreign file: it is only a cache, so start again.
                remove_index_files(store)
                index = cls._connect(store, path)
                if refresh:
                    index.refresh()
        except (OSError, sqlite3.DatabaseError) as exc:
            if not _cannot_write(exc):
                raise
            # A read-only store (or a full disk): the index is optional. Read commands work
            # from a copy in memory; writing commands are refused by the store lock.
            index = cls._in_memory(store, path)
            if refresh:
                index.refresh()
        return index

    @classmethod
    def _in_memory(cls, store: Store, path: Path) -> Index:
        """The index in memory, starting from the file's rows when it can be read."""
        db = sqlite3.connect(":memory:", isolation_level=None)
        try:
            disk = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                disk.backup(db)
            finally:
                disk.close()
        except sqlite3.DatabaseError:
            pass  # no index file to start from: built from the files
        index = cls._setup(store, db, path)
        index.keep_totals = False
        return index

    @classmethod
    def _connect(cls, store: Store, path: Path) -> Index:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return cls._setup(store, db, path)

    @classmethod
    def _setup(cls, store: Store, db: sqlite3.Connection, path: Path) -> Index:
        db.row_factory = sqlite3.Row
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != schema_id():
            # Another sdesk version (or a column someone added) made this file: rebuild.
            drop_derived(db)
            db.executescript(
                "DROP TABLE IF EXISTS tickets; DROP TABLE IF EXISTS dirs; "
                "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS problems;"
            )
            db.executescript(_ddl() + f"PRAGMA user_version = {schema_id()};")
        return cls(store, db, path)

    # -- freshness ----------------------------------------------------------------------

    def refresh(self, force: bool = False, progress: bool | None = None) -> int:
        """Bring the index up to date with the files; returns how many files were re-read."""
        now_ns = time.time_ns()
        plain = self.db.cursor()  # tuples, not sqlite3.Row: 4,096 rows at a million tickets
        plain.row_factory = None
        known_dirs: dict[str, int] = dict(plain.execute("SELECT path, mtime_ns FROM dirs"))
        seen_dirs, parents, bad = _shard_folders(str(self.store.tickets_dir),
                                                 self.store.folder_levels, known_dirs,
                                                 old_parents := self._meta("parents"), now_ns)
        if seen_dirs is known_dirs and not force:  # every known folder, none moved
            changed, gone = [], []
        else:
            changed = [d for d, m in seen_dirs.items() if force or known_dirs.get(d) != m]
            gone = [d for d in known_dirs if d not in seen_dirs]
        links_moved, problem_paths = self._problems_to_look_at(seen_dirs, bad, changed)
        head, old_head = read_head(self.store.git_dir), self._meta("head")
        forced_paths: set[str] = set()
        if head and old_head and head != old_head and not force:
            forced_paths = self._paths_changed_between(old_head, head)
        if not (changed or gone or forced_paths or problem_paths or head != old_head
                or parents != old_parents or links_moved):
            self._load_problems()
            return 0
        cold = self.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0
        show = progress if progress is not None else (sys.stderr.isatty() and cold)
        if cold and self.keep_totals and _workers() > 1 and len(seen_dirs) >= PARALLEL_MIN_DIRS:
            built = self._build_aside(seen_dirs, head, parents, now_ns, show, bad or {})
            if built is not None:  # None: no process pool here; loaded in this file below
                return built
        reread = 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for d in gone:
                self.db.execute("DELETE FROM tickets WHERE dir = ?", (d,))
                self.db.execute("DELETE FROM problems WHERE dir = ?", (d,))
                self.db.execute("DELETE FROM dirs WHERE path = ?", (d,))
            self._record_bad_folders(bad, seen_dirs)
            read, stamp = self._load_dirs(changed, now_ns, force, cold, show)
            reread += read
            for rel in changed:
                mtime = seen_dirs[rel]
                # A folder touched within the clock's resolution may change again unseen.
                self.db.execute("INSERT OR REPLACE INTO dirs VALUES (?, ?)",
                                (rel, -1 if now_ns - mtime < RACY_NS else mtime))
            for rel in sorted(forced_paths):
                reread += self._reread_file(rel, now_ns)
            reread += self._reread_problems(problem_paths, set(changed) | set(gone) | forced_paths,
                                            now_ns)
            self._set_meta("head", head)
            self._set_meta("parents", parents)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self._load_problems()
        if cold and reread and self.keep_totals:
            self._build_totals(stamp)
        if reread:
            self._analyze_if_grown()
        return reread

    def look_at(self, folders: Iterable[str]) -> int:
        """The narrow check of a read of one ticket (`sdesk show`, docs/show-freshness.md):
        rescan only these shard folders ('tickets/A/B') whose mtime moved
        since they were recorded, instead of stat-ing every shard folder. Returns the files
        re-read. A folder the index does not know, or one that is gone or no longer a plain
        folder, makes it the full refresh(). The caller has checked HEAD (at_head)."""
        wanted = sorted(set(folders))
        if not wanted:
            return 0
        known: dict[str, int] = dict(self.db.execute(
            f"SELECT path, mtime_ns FROM dirs WHERE path IN ({', '.join('?' * len(wanted))})",
            wanted).fetchall())
        now_ns = time.time_ns()
        moved: dict[str, int] = {}
        for rel in wanted:
            try:
                st = os.lstat(os.path.join(self.store.root, rel))
            except OSError:
                st = None
            if st is None or not stat.S_ISDIR(st.st_mode) or rel not in known:
                return self.refresh()
            if st.st_mtime_ns != known[rel]:
                moved[rel] = st.st_mtime_ns
        if not moved:
            return 0
        try:
            return self._rescan_dirs(moved, now_ns)
        except (OSError, sqlite3.DatabaseError) as exc:
            if not _cannot_write(exc):
                raise
        # A read-only store (or a full disk): from a copy in memory, as Index.open does.
        memory = Index._in_memory(self.store, self.path)
        self.db.close()
        self.db, self.keep_totals = memory.db, False
        return self.refresh()

    def _rescan_dirs(self, moved: dict[str, int], now_ns: int) -> int:
        """Rescan these shard folders and record their times ({rel: mtime_ns}), in one
        transaction; returns the files re-read."""
        reread = 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for rel, mtime in moved.items():
                reread += self._rescan_dir(rel, now_ns, False)
                self.db.execute("INSERT OR REPLACE INTO dirs VALUES (?, ?)",
                                (rel, -1 if now_ns - mtime < RACY_NS else mtime))
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        return reread

    def _load_dirs(self, changed: list[str], now_ns: int, force: bool, cold: bool,
                   show: bool) -> tuple[int, str]:
        """Rescan the changed shard folders; a cold load of many in worker processes.
        Returns (files read, the calendar stamp of business hours the workers computed)."""
        bar = _Progress(len(changed), show)
        workers = _workers()
        parallel = cold and workers > 1 and len(changed) >= PARALLEL_MIN_DIRS
        reread, stamp = 0, ""
        if cold:  # triggers would fire for every row; the totals are built after the load
            drop_derived(self.db)
        if parallel:
            try:
                stamp = self._start_clock()
                reread += self._load_parallel(changed, now_ns, bar, workers)
            except OSError:  # no process pool here (no /dev/shm, a sandbox): one process
                parallel, stamp = False, ""
                bar = _Progress(len(changed), show)
        if not parallel:
            for rel in changed:
                reread += self._rescan_dir(rel, now_ns, force)
                bar.step()
        bar.done()
        return reread, stamp

    def _build_aside(self, dirs: dict[str, int], head: str, parents: str, now_ns: int,
                     show: bool, bad: dict[str, str]) -> int | None:
        """A cold load of every shard folder (`dirs`: {rel: mtime_ns}) into a new file beside
        the index, renamed into place when whole: a crash or a kill leaves the old index file,
        never a half one. The new file is written without a journal or syncs until its rows,
        the table's indexes and the KPI covering indexes are in (SQLite's WAL wrote every page
        twice, then synced), then switched to WAL for the KPI sums (their jobs read it on
        connections of their own), analysed, closed and synced once. The write lock of the old
        file is held throughout: one cold load at a time, as before. Returns the files read, or
        None when no worker process could start."""
        aside = Path(f"{self.path}.new")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            _remove_db(aside)
            new = sqlite3.connect(aside, isolation_level=None)
            try:
                new.row_factory = sqlite3.Row
                count = self._load_aside(new, dirs, now_ns, show)
                if count is not None:
                    new.executemany("INSERT INTO meta VALUES (?, ?)",
                                    [("head", head), ("parents", parents)])
                    new.executemany("INSERT OR REPLACE INTO problems VALUES (?, ?, ?)",
                                    [(d, d, m) for d, m in bad.items()])
                    self._finish_aside(new, aside)
            finally:
                new.close()
            if count is not None:
                _sync(aside)
                self._swap_in(aside)
        finally:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed by a failed swap
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
            _remove_db(aside)
        self._load_problems()
        return count

    def _load_aside(self, new: sqlite3.Connection, dirs: dict[str, int], now_ns: int,
                    show: bool) -> int | None:
        """The tables of a new index file, its rows from worker processes (inserted as each
        folder's come), then its indexes, each one sort of the loaded rows (with the KPI
        covering indexes and the first-use ones of queries.py, so no read command writes
        the file later). None when no process pool could start."""
        new.execute("PRAGMA journal_mode = OFF")
        new.execute("PRAGMA synchronous = OFF")
        new.executescript(_ddl_parts()[0] + f"PRAGMA user_version = {schema_id()};")
        bar = _Progress(len(dirs), show)
        self._stamp = self._start_clock()
        new.execute("BEGIN")  # one transaction: a statement alone commits (writes) at once
        new.executemany("INSERT INTO dirs VALUES (?, ?)",
                        [(rel, -1 if now_ns - m < RACY_NS else m) for rel, m in dirs.items()])
        try:
            count = _insert_from_workers(new, str(self.store.root), list(dirs), now_ns, bar)
        except OSError:
            return None
        new.execute("COMMIT")
        bar.done()
        with _bulk(new):
            for statement in _aside_indexes()[0]:
                new.execute(statement)
        return count

    def _finish_aside(self, new: sqlite3.Connection, aside: Path) -> None:
        """The KPI sums of a new index file and, while their jobs run, every other index (in
        WAL mode: the jobs read it on connections of their own while this one writes; the two
        cores work together instead of one after the other), ANALYZE, then the WAL folded back
        in (at close)."""
        from sdesk.store import kpi_sums

        new.execute("PRAGMA journal_mode = WAL")
        later = _aside_indexes()[1]
        # A broken reference file: `sdesk kpi` says so, and builds them.
        with contextlib.suppress(SdeskError), _bulk(new):
            kpi_sums.build(self.store, new, self._stamp, str(aside), _workers(), later)
        with _bulk(new):
            for statement in later:  # made beside the sums' jobs, unless those failed
                new.execute(statement)
        new.execute("ANALYZE")
        count = new.execute("SELECT count(*) FROM tickets").fetchone()[0]
        new.execute("INSERT OR REPLACE INTO meta VALUES ('analyzed_rows', ?)", (str(count),))

    def _swap_in(self, aside: Path) -> None:
        """Rename the new index file over this one, and read it from now on. The old file is
        first taken out of WAL mode, which SQLite allows only when no other connection has it
        open: its -wal and -shm files, shared by name, must not meet the new file. When
        another process holds it open, the new file's pages are copied into it instead,
        through SQLite (its backup), which every reader sees whole."""
        self.db.execute("ROLLBACK")
        self.db.execute("PRAGMA busy_timeout = 100")
        try:
            alone = self.db.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
        except sqlite3.OperationalError:
            alone = False
        if alone:
            self.db.close()
            os.replace(aside, self.path)
        else:
            self.db.execute("PRAGMA busy_timeout = 30000")
            source = sqlite3.connect(aside)
            try:
                source.backup(self.db)
            finally:
                source.close()
            self.db.close()
            _remove_db(aside)
        self.db = type(self)._connect(self.store, self.path).db

    def _start_clock(self) -> str:
        """Before a parallel cold load: the calendar's business clock for the workers, which
        then compute each resolved ticket's business hours to resolve as they parse it (the
        row's ttr_bh). Returns the calendar's stamp, or '' when the reference cannot be read
        (then `sdesk kpi` reports why, and computes them)."""
        global _CLOCK
        from sdesk.store import kpi_sums

        if not self.keep_totals:
            return ""
        try:
            _CLOCK = kpi_sums.sla_clock(self.store)
        except SdeskError:
            return ""
        return kpi_sums.calendar_stamp(self.store)

    def _build_totals(self, stamp: str) -> None:
        """After a cold load: the KPI sums, their triggers and covering indexes (what the first
        `sdesk kpi` would otherwise build: 300 s at a million tickets), built now."""
        from sdesk.store import kpi_sums

        # A broken reference file: `sdesk kpi` says so, and builds them.
        with contextlib.suppress(SdeskError), _bulk(self.db):
            kpi_sums.build(self.store, self.db, stamp, str(self.path), _workers())

    def _analyze_if_grown(self) -> None:
        """Refresh SQLite's table statistics when the store doubled or halved since they were
        taken: without them the planner walks 100,000 rows in ID order instead of using the
        relation and team indexes (170 ms instead of 0.5 ms for show's relations)."""
        rows = self.db.execute("SELECT count(*) FROM tickets").fetchone()[0]
        last = int(self._meta("analyzed_rows") or 0)
        if rows >= 2 * last + 100 or 2 * rows < last:
            self.db.execute("ANALYZE")
            self._set_meta("analyzed_rows", str(rows))

    def _problems_to_look_at(self, seen_dirs: dict[str, int], bad: dict[str, str] | None,
                             changed: list[str]) -> tuple[bool, list[str]]:
        """(whether the folder problems a walk found, `bad` (None: no walk), differ from those
        recorded; the files with a problem, to read again: they have no row to compare, and a
        fix in place keeps the mtimes). A folder problem (path = dir: a link, a folder that
        cannot be listed) is no file to read again: a shard folder in `seen_dirs` that could
        not be listed is listed again (added to `changed`); a link is seen only by a walk."""
        folders: dict[str, str] = {}
        files: list[str] = []
        for path, folder, message in self.db.execute("SELECT path, dir, message FROM problems"):
            if path == folder:
                folders[path] = message
            else:
                files.append(path)
        changed += [d for d in folders if d in seen_dirs and d not in changed]
        return bad is not None and bad != {
            d: m for d, m in folders.items() if d not in seen_dirs}, files

    def _record_bad_folders(self, bad: dict[str, str] | None, seen_dirs: dict[str, int]
                            ) -> None:
        """The folder problems a walk of tickets/ found (`bad`: {'tickets/B/B': message};
        None: no walk, nothing to do), in place of those it recorded before (an unreadable
        shard folder in `seen_dirs` is _rescan_dir's to record)."""
        if bad is None:
            return
        for (path,) in self.db.execute("SELECT path FROM problems WHERE path = dir").fetchall():
            if path not in seen_dirs and path not in bad:
                self.db.execute("DELETE FROM problems WHERE path = ?", (path,))
        self.db.executemany("INSERT OR REPLACE INTO problems VALUES (?, ?, ?)",
                            [(d, d, m) for d, m in bad.items()])

    def _load_problems(self) -> None:
        self.problems = [Problem(r[0], r[1]) for r in
                         self.db.execute("SELECT path, message FROM problems ORDER BY path")]

    def _load_parallel(self, dirs: list[str], now_ns: int, bar: _Progress, workers: int) -> int:
        """Cold load in this index file (a store read only here: an index in memory): worker
        processes parse the files, this process only inserts. The table is empty, so no row
        is compared."""
        # The table's secondary indexes are made after the load: one sort each instead of a
        # B-tree insert per row and index in random ID order (at 100,000 tickets this process,
        # the one that cannot run in parallel, spent most of its time there).
        made = [(name, sql) for name, sql in self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' "
            "AND sql IS NOT NULL")]
        for name, _ in made:
            self.db.execute(f'DROP INDEX "{name}"')
        try:
            return _insert_from_workers(self.db, str(self.store.root), dirs, now_ns, bar, workers)
        finally:  # also when no pool could start: the one-process load then needs them
            with _bulk(self.db):
                for _, sql in made:
                    self.db.execute(sql)

    def _rescan_dir(self, rel: str, now_ns: int, force: bool) -> int:
        rows = {
            r["path"]: r for r in self.db.execute(
                "SELECT path, mtime_ns, size, sha, racy FROM tickets WHERE dir = ?", (rel,),
            )
        }
        present: set[str] = set()
        reread = 0
        try:
            entries = list(os.scandir(os.path.join(self.store.root, rel)))
        except FileNotFoundError:
            entries = []
        except OSError as exc:  # a shard folder that cannot be listed: its tickets are left out
            self.db.execute("DELETE FROM tickets WHERE dir = ?", (rel,))
            self.db.execute("DELETE FROM problems WHERE dir = ?", (rel,))
            self.db.execute("INSERT INTO problems VALUES (?, ?, ?)",
                            (rel, rel, folder_problem(rel, exc)))
            return 1
        for entry in entries:
            if not entry.name.endswith(".toml") or entry.name.startswith("."):
                continue
            path = f"{rel}/{entry.name}"
            present.add(path)
            row = rows.get(path)
            if not force and row is not None and not row["racy"]:
                st = entry.stat()
                if row["mtime_ns"] == st.st_mtime_ns and row["size"] == st.st_size:
                    continue
            reread += self._read_into(path, now_ns, row)
        for path in rows.keys() - present:
            self.db.execute("DELETE FROM tickets WHERE path = ?", (path,))
        for (path,) in self.db.execute("SELECT path FROM problems WHERE dir = ?", (rel,)).fetchall():
            if path not in present:
                self.db.execute("DELETE FROM problems WHERE path = ?", (path,))
        return reread

    def _reread_problems(self, paths: list[str], done: set[str], now_ns: int) -> int:
        """Files with a problem, read again unless their folder (or they) already were."""
        return sum(self._reread_file(rel, now_ns) for rel in paths
                   if rel not in done and rel.rsplit("/", 1)[0] not in done)

    def _reread_file(self, rel: str, now_ns: int) -> int:
        row = self.db.execute(
            "SELECT path, mtime_ns, size, sha, racy FROM tickets WHERE path = ?", (rel,)
        ).fetchone()
        if link_in(self.store.root, self.store.root / rel.rsplit("/", 1)[0]):
            # A shard folder that became a link: never read through it (sdesk check says so).
            self.db.execute("DELETE FROM tickets WHERE path = ?", (rel,))
            self.db.execute("DELETE FROM problems WHERE path = ?", (rel,))
            return 1
        return self._read_into(rel, now_ns, row)

    def _read_into(self, rel: str, now_ns: int, row: sqlite3.Row | None) -> int:
        got = read_file(str(self.store.root), rel, now_ns, row["sha"] if row is not None else "")
        if got.gone or got.problem:
            self.db.execute("DELETE FROM tickets WHERE path = ?", (rel,))
            if got.problem:
                self.db.execute("INSERT OR REPLACE INTO problems VALUES (?, ?, ?)",
                                (rel, rel.rsplit("/", 1)[0], got.problem))
            else:
                self.db.execute("DELETE FROM problems WHERE path = ?", (rel,))
            return 0 if got.gone else 1
        self.db.execute("DELETE FROM problems WHERE path = ?", (rel,))
        if got.values is None:  # same bytes as indexed: only the file's stat moved
            self.db.execute(
                "UPDATE tickets SET mtime_ns = ?, size = ?, racy = ? WHERE path = ?",
                (got.book["mtime_ns"], got.book["size"], got.book["racy"], rel),
            )
            return 0
        # Two indexed deletes: "path = ? OR id = ?" would scan the whole table.
        self.db.execute("DELETE FROM tickets WHERE path = ?", (rel,))
        self.db.execute("DELETE FROM tickets WHERE id = ?", (got.values["id"],))
        self.db.execute(
            f"INSERT INTO tickets ({', '.join(NAMES)}) VALUES ({', '.join('?' * len(NAMES))})",
            [got.values[n] for n in NAMES],
        )
        return 1

    def _paths_changed_between(self, old: str, new: str) -> set[str]:
        from sdesk import git  # HEAD moved: git says what changed (reads seldom need it)

        prefix = self.store.git_path(self.store.tickets_dir)
        result = git.run(
            ["diff-tree", "-r", "--name-only", "-z", old, new, "--", prefix], self.store.top,
            check=False, env=git.no_index_env(self.store.git_dir),
        )
        if result.returncode != 0:
            return set()
        store_prefix = self.store.git_path(self.store.root)
        out: set[str] = set()
        for name in result.stdout.split("\0"):
            if name.endswith(".toml"):
                rel = name if store_prefix == "." else name[len(store_prefix) + 1:]
                out.add(rel)
        return out

    def update_tickets(self, tickets: Iterable[Ticket | tuple[Any, ...]],
                       adopt: bool = True) -> None:
        """Record tickets sdesk has just written (the writer's side of freshness). The rows come
        from the tickets in hand, not from parsing the files back (that cost ~30 s for a
        25,000-ticket import); the bookkeeping columns come from the files as written. Their
        folders are marked for a look on the next refresh, in case anything else wrote there.
        One transaction; a big batch records its rows in pages (sdesk/store/batchwrite.py),
        adopting its commit as HEAD (`adopt`) with the last page only: a page left out by a
        kill is re-read from the commit's diff."""
        from sdesk.core.sha1 import sha1

        now_ns = time.time_ns()
        insert = f"INSERT INTO tickets ({', '.join(NAMES)}) VALUES ({', '.join('?' * len(NAMES))})"
        folders: set[str] = set()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for ticket in tickets:
                # a ticket, or its packed_row() (a big import keeps packed rows, not tickets,
                # to keep its memory small)
                values = dict(zip(NAMES, ticket, strict=True)) if isinstance(ticket, tuple) \
                    else row_of(ticket)
                path = self.store.path_of(values["id"])
                rel = path.relative_to(self.store.root).as_posix()
                folder = rel.rsplit("/", 1)[0]
                folders.add(folder)
                self.db.execute("DELETE FROM tickets WHERE id = ?", (values["id"],))
                self.db.execute("DELETE FROM tickets WHERE path = ?", (rel,))
                self.db.execute("DELETE FROM problems WHERE path = ?", (rel,))
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                        st = os.fstat(handle.fileno())
                except FileNotFoundError:
                    continue
                values.update(path=rel, dir=folder, mtime_ns=st.st_mtime_ns, size=st.st_size,
                              sha=sha1(data).hexdigest(),
                              racy=int(now_ns - st.st_mtime_ns < RACY_NS))
                self.db.execute(insert, [values[n] for n in NAMES])
            self.db.executemany("INSERT OR REPLACE INTO dirs VALUES (?, -1)",
                                [(f,) for f in folders])
            if adopt:
                self._adopt_head()
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _adopt_head(self) -> None:
        """After sdesk's own commit on top of the HEAD this index has seen, record the new
        HEAD: its files were just re-read, so the next read command need not ask git for a
        diff (a process, ~15 ms at 100,000 tickets). Any other HEAD move is diffed as usual."""
        seen = self._meta("head")
        head = read_head(self.store.git_dir)
        if seen and head != seen and _loose_commit_parents(self.store.git_dir, head) == [seen]:
            self._set_meta("head", head)

    def rebuild(self, progress: bool | None = None) -> int:
        """Forget everything and read every ticket file again (sdesk reindex). With worker
        processes, into a new file renamed into place (_build_aside): the old index serves
        every read until then, and stays whole if the rebuild is stopped."""
        if self.keep_totals and _workers() > 1:
            now_ns = time.time_ns()
            dirs, parents, bad = _shard_folders(str(self.store.tickets_dir),
                                                self.store.folder_levels, {}, "", now_ns)
            if len(dirs) >= PARALLEL_MIN_DIRS:
                show = progress if progress is not None else sys.stderr.isatty()
                built = self._build_aside(dirs, read_head(self.store.git_dir), parents, now_ns,
                                          show, bad or {})
                if built is not None:
                    return built
        drop_derived(self.db)  # before the DELETE: no trigger runs for each row
        self.db.execute("DELETE FROM tickets")
        self.db.execute("DELETE FROM dirs")
        self.db.execute("DELETE FROM meta")
        self.db.execute("DELETE FROM problems")
        return self.refresh(force=True, progress=progress)

    # -- queries ------------------------------------------------------------------------

    def match_id(self, typed: str) -> list[str]:
        """IDs matching a typed prefix (with or without the type prefix) or external ref."""
        # INDEXED BY: with most tickets holding no external ref, ANALYZE's statistics make the
        # planner scan the whole table for it (24 ms at 100,000 tickets) instead of this look-up.
        exact = self.db.execute(
            "SELECT id FROM tickets INDEXED BY tickets_ref WHERE external_ref = ? LIMIT 2", (typed,)
        ).fetchall()
        if len(exact) == 1:
            return [exact[0][0]]
        if "-" in typed:
            sql, arg = "SELECT id FROM tickets WHERE id >= ? AND id < ? ORDER BY id LIMIT 11", typed
        else:
            sql, arg = "SELECT id FROM tickets WHERE body >= ? AND body < ? ORDER BY id LIMIT 11", typed
        return [r[0] for r in self.db.execute(sql, (arg, arg + "\uffff"))]

    def short_ids(self, ticket_ids: Sequence[str]) -> dict[str, str]:
        """Full ID -> shortest unique prefix (`INC-7KQ2`), unique among every ticket's body
        (so the short ID also works without its type prefix), at least ids.SHORT_MIN body
        characters. Each ID's neighbours in body order come from two indexed look-ups made
        by SQLite, 500 IDs per statement: nothing grows with the store (the sorted list of
        every body this replaced took ~70 MB at a million tickets)."""
        out: dict[str, str] = {}
        for start in range(0, len(ticket_ids), 500):
            chunk = ticket_ids[start:start + 500]
            bodies = [tid.split("-", 1)[-1] for tid in chunk]
            # ORDER BY ... LIMIT 1, not max()/min(): in a correlated subquery an aggregate
            # reads the whole range (seconds per ID at a million tickets).
            sql = (f"WITH w(b) AS (VALUES {', '.join(['(?)'] * len(bodies))}) "
                   "SELECT b, (SELECT body FROM tickets WHERE body < w.b "
                   "ORDER BY body DESC LIMIT 1), (SELECT body FROM tickets WHERE body > w.b "
                   "ORDER BY body LIMIT 1) FROM w")
            near = {b: (before, after) for b, before, after in self.db.execute(sql, bodies)}
            for tid, body in zip(chunk, bodies, strict=True):
                out[tid] = ids.short(tid, ids.short_length(body, near[body]))
        return out

    def select(self, where: str = "1", params: Sequence[Any] = (), order: str = "id",
               limit: int | None = None, columns: str = "*") -> list[sqlite3.Row]:
        """Rows of the tickets table. `where`/`order` are SQL written by sdesk, never by users;
        user values always travel as parameters."""
        sql = f"SELECT {columns} FROM tickets WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.db.execute(sql, tuple(params)).fetchall()

    def stream(self, where: str = "1", params: Sequence[Any] = (), order: str = "id",
               limit: int | None = None, columns: str = "*", tuples: bool = False
               ) -> Iterator[sqlite3.Row]:
        """`select`, one row at a time from SQLite's cursor: for output written as it is read
        (list --json/--csv, export), whose memory must not grow with the number of rows.
        `tuples`: plain tuples in `columns` order instead of rows by name (half the cost of
        taking a sqlite3.Row apart, for list --json)."""
        sql = f"SELECT {columns} FROM tickets WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        cursor = self.db.cursor()
        if tuples:
            cursor.row_factory = None
        yield from cursor.execute(sql, tuple(params))

    def iter_rows(self, where: str = "1", params: Sequence[Any] = ()) -> Iterator[sqlite3.Row]:
        yield from self.db.execute(f"SELECT * FROM tickets WHERE {where}", tuple(params))

    def count(self, where: str = "1", params: Sequence[Any] = ()) -> int:
        return int(self.db.execute(
            f"SELECT count(*) FROM tickets WHERE {where}", tuple(params)).fetchone()[0])

    # -- meta ---------------------------------------------------------------------------

    def warm(self) -> bool:
        """True when this index has been brought up to date at least once (it knows a HEAD)."""
        return bool(self._meta("head"))

    def at_head(self) -> bool:
        """True when the HEAD this index last saw is the repository's HEAD now (no commit,
        pull, merge or checkout since; one read of .git/HEAD and its ref)."""
        seen = self._meta("head")
        return bool(seen) and seen == read_head(self.store.git_dir)

    def _meta(self, key: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else ""

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


# Git settings that keep a commit fast at 100,000 tracked files (docs/performance.md): a split
# index, so each commit's update-index writes a small delta instead of the whole 9 MB index
# (a note at 100,000 tickets: 0.37 s plain, 0.28 s split); the untracked cache for the porcelain
# commands people run in the store. Index format 4 was measured and left out: smaller, but
# slower to read (0.31 s).
GIT_TUNING = (("core.splitIndex", "true"), ("core.untrackedCache", "true"))


def tune_repo(top: Path) -> None:
    """Apply GIT_TUNING to the repository at `top` (sdesk init; the benchmark's stores)."""
    from sdesk import git

    for key, value in GIT_TUNING:
        git.run(["config", key, value], top)


def _loose_commit_parents(git_dir: Path, commit: str) -> list[str] | None:
    """Parents of a commit stored as a loose object (a commit just made always is), read
    without running git; None when it is not loose or not a commit."""
    import zlib

    common = git_dir
    if (git_dir / "commondir").is_file():
        common = (git_dir / (git_dir / "commondir").read_text().strip()).resolve()
    try:  # the header lines only: a batch's commit message can be 250 MB (issue 17)
        with open(common / "objects" / commit[:2] / commit[2:], "rb") as fh:
            inflater, raw = zlib.decompressobj(), b""
            while b"\n\n" not in raw and (chunk := fh.read(1 << 16)):
                raw += inflater.decompress(chunk)
    except (OSError, zlib.error):
        return None
    header, _, body = raw.partition(b"\0")
    if not header.startswith(b"commit "):
        return None
    parents: list[str] = []
    for line in body.split(b"\n\n", 1)[0].split(b"\n"):
        if not line:
            break
        if line.startswith(b"parent "):
            parents.append(line[7:].decode())
    return parents


def _cannot_write(exc: BaseException) -> bool:
    """An error that says the index file cannot be written here (read-only, full, denied)."""
    import errno

    if isinstance(exc, OSError):
        return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT)
    text = str(exc)
    return any(words in text for words in ("readonly", "read-only", "unable to open",
                                           "disk is full", "disk I/O error"))


def _remove_db(path: Path) -> None:
    """Delete a database file and SQLite's side files of it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """Flush a file written without syncs to the disk before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_index_files(store: Store) -> None:
    """Delete the index database of this store (and SQLite's side files, and a new file a
    stopped rebuild left beside it): it is only a cache."""
    path = store.state_dir / _db_name(store)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    _remove_db(Path(f"{path}.new"))


def _db_name(store: Store) -> str:
    rel = store.git_path(store.root)
    if rel == ".":
        return "index.sqlite"
    import hashlib

    return f"index-{hashlib.sha1(rel.encode()).hexdigest()[:10]}.sqlite"


def drop_derived(db: sqlite3.Connection) -> None:
    """Drop what is derived from the tickets table and kept up to date by triggers on it (the
    `agg_` tables and triggers of sdesk/store/kpi_sums.py): the next `sdesk kpi` makes them again."""
    derived = db.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'agg\\_%' "
                         "ESCAPE '\\' AND type IN ('trigger', 'table') ORDER BY type DESC"
                         ).fetchall()
    for kind, name in derived:
        db.execute(f"DROP {kind.upper()} IF EXISTS {name}")


def schema_id() -> int:
    """PRAGMA user_version of a current index file: changes with INDEX_VERSION and with the
    columns (someone appending a column to COLUMNS makes old index files rebuild themselves)."""
    import zlib  # crc32, not hashlib: hashlib loads OpenSSL (~7 ms) that reads never need

    return zlib.crc32(f"{INDEX_VERSION}|{COLUMNS}|{_ddl()}".encode()) & 0x7FFFFFFF


def _ddl_parts() -> tuple[str, list[str]]:
    """_ddl() as (the script of its tables, its CREATE INDEX statements): a cold load makes
    the indexes after the rows."""
    statements = [s.strip() for s in _ddl().split(";") if s.strip()]
    return ("".join(f"{s};\n" for s in statements if not s.startswith("CREATE INDEX")),
            [s for s in statements if s.startswith("CREATE INDEX")])


def _aside_indexes() -> tuple[list[str], list[str]]:
    """The indexes of a new index file: (those the KPI fill reads, made first; every other
    one, made while the fill's jobs run: the table's, the other covering ones, and the ones
    queries.py makes on first use), as CREATE INDEX IF NOT EXISTS statements."""
    from sdesk.store import kpi_sums, queries

    covering = kpi_sums.covering_indexes()
    first = [s for s in covering if s.split()[5] in kpi_sums.FILL_READS]
    table = [s.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
             for s in _ddl_parts()[1]]
    return first, [*table, *(s for s in covering if s not in first), queries.QUEUE_INDEX,
                   queries.VIP_DUE]


def _ddl() -> str:
    columns = ", ".join(f"{n} {t}" for n, t in COLUMNS)
    # Every look-up a read command makes has an index: show's relations (parent, duplicate_of,
    # related) must not scan 100,000 rows, and neither must queue/list (open, team, assignee).
    return f"""
        CREATE TABLE tickets ({columns});
        CREATE INDEX tickets_body ON tickets(body);
        CREATE INDEX tickets_dir ON tickets(dir);
        CREATE INDEX tickets_open_team ON tickets(open, team, assignee);
        CREATE INDEX tickets_open_id ON tickets(open, id);
        CREATE INDEX tickets_open_team_nocase ON tickets(open, team COLLATE NOCASE, id);
        CREATE INDEX tickets_status_team ON tickets(status, team COLLATE NOCASE, id);
        CREATE INDEX tickets_ref ON tickets(external_ref);
        CREATE INDEX tickets_requester ON tickets(requester_email);
        CREATE INDEX tickets_parent ON tickets(parent);
        CREATE INDEX tickets_duplicate ON tickets(duplicate_of);
        CREATE INDEX tickets_related ON tickets(related) WHERE related != '';
        CREATE INDEX tickets_mail ON tickets(id) WHERE message_ids != '';
        CREATE TABLE dirs (path TEXT PRIMARY KEY, mtime_ns INTEGER);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE problems (path TEXT PRIMARY KEY, dir TEXT, message TEXT);
        CREATE INDEX problems_dir ON problems(dir);
    """


def packed_row(ticket: Ticket) -> tuple[Any, ...]:
    """row_of(ticket) as a tuple in NAMES order (file bookkeeping columns None): a tenth of the
    memory of the dict, for writers that hold many rows before recording them."""
    values = row_of(ticket)
    return tuple(values.get(name) for name in NAMES)


class FileRead:
    """What reading one ticket file gave: row values (None when the bytes are the ones
    indexed), the file bookkeeping, or a problem (broken file) or gone (deleted)."""

    __slots__ = ("book", "gone", "path", "problem", "values")

    def __init__(self, path: str, values: dict[str, Any] | None = None,
                 book: dict[str, Any] | None = None, problem: str = "",
                 gone: bool = False) -> None:
        self.path = path
        self.values = values
        self.book = {} if book is None else book
        self.problem = problem
        self.gone = gone


# O_NOFOLLOW: the store is untrusted input; a ticket file that is a link is refused.
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def read_file(root: str, rel: str, now_ns: int, known_sha: str = "",
              fd: int | None = None) -> FileRead:
    """Read and summarise one ticket file. Stat after reading, from the same handle: a write
    after the read leaves a newer mtime, which the racy check then verifies by hash. `fd`:
    the file already opened with _OPEN_FLAGS (_opened_ahead), closed here."""
    try:
        if fd is None:
            fd = os.open(os.path.join(root, rel), _OPEN_FLAGS)
        try:
            handle = os.fdopen(fd, "rb")
        except OSError:  # a folder: fdopen refuses it and leaves the descriptor open
            os.close(fd)
            raise
        with handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                what = "not a regular file" if not stat.S_ISREG(st.st_mode) else \
                    f"{st.st_size} bytes, over the {MAX_FILE_BYTES}-byte limit for a ticket file"
                return FileRead(rel, book=_book(rel, st, "", now_ns), problem=f"{rel}: {what}")
            data = handle.read()
            st = os.fstat(handle.fileno())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return FileRead(rel, gone=True)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        return FileRead(rel, book={"path": rel, "dir": rel.rsplit("/", 1)[0], "mtime_ns": 0,
                                   "size": 0, "sha": "", "racy": 1},
                        problem=f"{rel}: a symbolic link inside the store; sdesk never follows "
                                "one (remove it)")
    import hashlib  # only when a file is read: the usual warm refresh reads none

    book = _book(rel, st, hashlib.sha1(data).hexdigest(), now_ns)
    sha = book["sha"]
    if known_sha == sha:
        return FileRead(rel, None, book)
    try:
        doc = parse_document(data.decode("utf-8"), rel)
    except SdeskError as exc:
        return FileRead(rel, book=book, problem=exc.message)
    except UnicodeDecodeError as exc:
        return FileRead(rel, book=book, problem=f"{rel}: not UTF-8 text ({exc.reason})")
    tid = doc["id"]
    stem = rel.rsplit("/", 1)[-1].removesuffix(".toml")
    if stem != tid:
        return FileRead(rel, book=book,
                        problem=f"{rel}: id: file says {tid!r}, its name says {stem!r}")
    expected = ids.relative_path(tid, ids.levels_of(rel)) if ids.is_valid(tid) else "a valid ID"
    if expected != rel:
        # sdesk looks a ticket up by the path its ID gives; a file elsewhere is never found.
        return FileRead(rel, book=book, problem=f"{rel}: misplaced: {tid} belongs at "
                                                f"{expected}")
    from sdesk.store.filerow import row_of_checked  # the row without the ticket model

    values = row_of_checked(doc)
    values.update(book)
    return FileRead(rel, values, book)


# What TOML 1.1 reads and TOML 1.0 (tomllib, what `show` and `check` read with) refuses: a
# backslash (\\e and \\xHH escapes), an inline table (over several lines, a trailing comma) and
# a BOM (found by `in`), and a time without its seconds: a colon and two digits, two digits
# before it, and no colon, sign or digit before those or after them (a regex led by its colon:
# ~4 µs a ticket).
_NO_SECONDS = r":[0-9]{2}(?![:0-9])(?<=[0-9]{2}:[0-9]{2})(?<![-+:0-9][0-9]{2}:[0-9]{2})"


def parse_document(text: str, rel: str) -> dict[str, Any]:
    """The checked ticket (sdesk.core.ticketdoc.checked) of one file's text, for the index;
    SdeskError (one line naming `rel`) as model.loads. rtoml (Rust) parses a ticket in ~25 µs
    where sdesk.core.fastread takes ~55 and tomllib ~245 (docs/performance.md, "Cold
    rebuild"). It reads TOML 1.1, so a text that could hold what only TOML 1.1 allows (above),
    or that rtoml refuses, is read as `show` reads it (fastread, then tomllib): a broken file
    is the same problem, with the same line, whichever way it went. For every other text
    rtoml's document equals tomllib's (tests/test_index_fastread.py)."""
    import re  # compiled once, on the first file (re's cache), not at import

    from sdesk.core.ticketdoc import checked, document  # only when a file is read

    if not ("\\" in text or "{" in text or "\ufeff" in text
            or re.search(_NO_SECONDS, text)):
        import rtoml

        try:
            parsed = rtoml.loads(text)
        except rtoml.TomlParsingError:
            pass
        else:
            return checked(parsed, rel)
    return checked(document(text, rel), rel)


def _book(rel: str, st: os.stat_result, sha: str, now_ns: int) -> dict[str, Any]:
    return {"path": rel, "dir": rel.rsplit("/", 1)[0], "mtime_ns": st.st_mtime_ns,
            "size": st.st_size, "sha": sha, "racy": int(now_ns - st.st_mtime_ns < RACY_NS)}


def _load_dir(job: tuple[str, str, int]) -> tuple[list[list[Any]], list[tuple[str, str]]]:
    """Worker of the parallel cold load: rows (in NAMES order) and problems of one folder."""
    root, rel, now_ns = job
    rows: list[list[Any]] = []
    problems: list[tuple[str, str]] = []
    try:
        names = sorted(e.name for e in os.scandir(os.path.join(root, rel)))
    except FileNotFoundError:
        return rows, problems
    except OSError as exc:
        return rows, [(rel, folder_problem(rel, exc))]
    for name, fd in _opened_ahead(os.path.join(root, rel), [
            n for n in names if n.endswith(".toml") and not n.startswith(".")]):
        got = read_file(root, f"{rel}/{name}", now_ns, fd=fd)
        if got.problem:
            problems.append((got.path, got.problem))
        elif got.values is not None:
            values = got.values
            if _CLOCK is not None and values["counted"] == 1 and not (
                    values["held_seconds"] or values["on_hold"]):
                values["ttr_bh"] = _CLOCK.minutes_between(values["opened_at"],
                                                          values["resolved_at"]) / 60.0
            rows.append([values[n] for n in NAMES])
    return rows, problems


def _insert_from_workers(db: sqlite3.Connection, root: str, dirs: list[str], now_ns: int,
                         bar: _Progress, workers: int = 0) -> int:
    """Worker processes parse the files of `dirs` (_load_dir); this process inserts each
    folder's rows and problems as they come. Returns how many. OSError: no process pool."""
    import multiprocessing

    global _CLOCK
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    insert = f"INSERT OR REPLACE INTO tickets ({', '.join(NAMES)}) VALUES " \
             f"({', '.join('?' * len(NAMES))})"
    count = 0
    try:
        with _bulk(db, cache_kib=min(CACHE_KIB_MAX, 16 * len(dirs))), \
                _deaf_pool(context, workers or _workers()) as pool:
            jobs = [(root, rel, now_ns) for rel in dirs]
            for rows, problems in pool.imap_unordered(_load_dir, jobs, chunksize=4):
                db.executemany(insert, rows)
                db.executemany("INSERT OR REPLACE INTO problems VALUES (?, ?, ?)",
                               [(p, p.rsplit("/", 1)[0] if p.endswith(".toml") else p, m)
                                for p, m in problems])
                count += len(rows) + len(problems)
                bar.step()
    finally:
        _CLOCK = None
    return count


@contextlib.contextmanager
def _deaf_pool(context: Any, processes: int) -> Iterator[Any]:
    """A process pool whose workers ignore SIGINT: Ctrl-C reaches the whole process group, and
    workers that took it each printed a traceback (29-39 lines before "sdesk: aborted"), while
    the pool forked new workers in their place that waited forever on a queue lock a dead one
    held (orphans holding the terminal's pipes). Now only this process hears it: the
    KeyboardInterrupt leaves the `with`, which terminates the workers, and the command says
    "sdesk: aborted" in one line. While the workers are forked, SIGINT is only noted (a
    worker between its fork and its first step would have taken it too), and raised here once
    they are all started."""
    import signal
    import threading

    heard: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGINT, lambda n, _: heard.append(n)) if main else None
    try:
        pool = context.Pool(processes, initializer=_ignore_interrupt)
    finally:
        if main:
            signal.signal(signal.SIGINT, before)
    with pool:
        if heard:
            raise KeyboardInterrupt
        yield pool


def _ignore_interrupt() -> None:
    """A cold load's worker: Ctrl-C is the parent's to handle (`_deaf_pool`)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


READ_AHEAD = 32  # files of its folder a cold load's worker has asked the disk for


def _opened_ahead(folder: str, names: list[str]) -> Iterator[tuple[str, int | None]]:
    """(name, open file descriptor) of each file of `folder`, each opened READ_AHEAD files
    before it is read and the kernel asked to read it in (posix_fadvise WILLNEED, up to
    MAX_FILE_BYTES). Why: with the store's files not in the page cache a worker waited on the
    disk one file at a time; now READ_AHEAD reads are in flight while it parses (100,000
    files read cold, no parse, one reader, load ~6: 9.6-10.3 -> 3.6 s). None for a file
    that would not open: read_file opens it again and says why. A file replaced after its
    opening is read as it was then, as if it had been read then."""
    from collections import deque

    window: deque[tuple[str, int | None]] = deque()
    advise = getattr(os, "posix_fadvise", None)  # not on macOS
    try:
        for name in names:
            try:
                fd: int | None = os.open(os.path.join(folder, name), _OPEN_FLAGS)
            except OSError:
                fd = None
            if fd is not None and advise is not None:
                with contextlib.suppress(OSError):  # a FIFO, a folder: read_file says why
                    advise(fd, 0, MAX_FILE_BYTES, os.POSIX_FADV_WILLNEED)
            window.append((name, fd))
            if len(window) > READ_AHEAD:
                yield window.popleft()
        while window:
            yield window.popleft()
    finally:  # the consumer stopped early (an exception): close what it never took
        for _, left in window:
            if left is not None:
                os.close(left)


# The business clock a parallel cold load's workers compute business hours with (set by
# Index._start_clock before the processes fork; None otherwise).
_CLOCK: BusinessClock | None = None


@contextlib.contextmanager
def _bulk(db: sqlite3.Connection, cache_kib: int = 0) -> Iterator[None]:
    """SQLite's settings for a cold load's bulk work, on this connection, put back after.
    `threads`: the sorter may use helper threads, so the indexes made after the load (each a
    sort of every row, 20 s of one core at a million tickets) use the second core while the
    workers are gone (a sort that fits in the page cache is made in one thread: the cache
    stays small then). `cache_kib`: a larger page cache while the rows go in (the ID and path
    B-trees take them in random order: at a million tickets 15.9 s of CPU with SQLite's 2 MB,
    10.9 s with 64 MB; no change at 100,000)."""
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA threads = {_workers()}")
    if cache_kib:
        db.execute(f"PRAGMA cache_size = {-cache_kib}")
    try:
        yield
    finally:
        db.execute("PRAGMA threads = 0")
        db.execute(f"PRAGMA cache_size = {cache}")


def _workers() -> int:
    """Processes for a cold load: the CPUs this process may use, at most 4 (the inserting
    process is the bottleneck beyond that). SDESK_INDEX_WORKERS overrides (1 = no pool)."""
    given = os.environ.get("SDESK_INDEX_WORKERS", "")
    if given.isdigit():
        return max(1, int(given))
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _shard_folders(tickets: str, levels: int, known: dict[str, int], recorded: str,
                   now_ns: int) -> tuple[dict[str, int], str, dict[str, str] | None]:
    """({'tickets/A/B': mtime_ns} of every shard folder, the stamps of the folders above them,
    the folder problems a walk found ({'tickets/B/B': message}: a link, a folder that cannot be
    listed; None when nothing was walked)).
    `recorded` is what the last refresh saw above the shard folders ("rel:mtime_ns ..."): when
    none of those folders changed, no shard folder was added or removed, so the `known` ones
    are stat-ed by name (1,024 + 33 stats at 100,000 tickets; 4,096 + 1,057 with 3 levels, 16 ms
    of CPU at 1,000,000 instead of 40 for the walk). Otherwise the folders are walked."""
    base = os.path.dirname(tickets)
    if recorded and known:
        # The loops below are the cost of every read command at a million tickets: one lstat
        # and as little Python as can be around it (no join, no S_ISDIR call, no new dict
        # unless a time moved). A folder's time that moved is only recorded here; refresh()
        # compares.
        pre, lstat, folder = base + os.sep, os.lstat, stat.S_IFDIR
        try:
            for item in recorded.split(" "):
                rel, _, mtime = item.rpartition(":")
                st = lstat(pre + rel)
                if st.st_mode & 0o170000 != folder or st.st_mtime_ns != int(mtime):
                    raise ValueError(rel)
            out: dict[str, int] = known
            for rel, mtime_ns in known.items():
                st = lstat(pre + rel)
                if st.st_mode & 0o170000 != folder:  # a shard folder became a link: walk
                    raise ValueError(rel)
                if st.st_mtime_ns != mtime_ns:
                    if out is known:
                        out = dict(known)
                    out[rel] = st.st_mtime_ns
            return out, recorded, None
        except (OSError, ValueError):
            pass
    above: dict[str, int] = {}
    bad: dict[str, str] = {}
    seen = _shard_mtimes(tickets, "tickets", levels, above, bad)
    # A folder changed within the clock's resolution may change again unseen: walk next time.
    return seen, " ".join(f"{rel}:{-1 if now_ns - m < RACY_NS else m}"
                          for rel, m in above.items()), bad


def _shard_mtimes(tickets: str, prefix: str, levels: int = 2,
                  above: dict[str, int] | None = None,
                  bad: dict[str, str] | None = None) -> dict[str, int]:
    """{'tickets/A/B': mtime_ns} of every shard folder (tickets/A/B/C with 3 levels): ~1,000
    stat calls (4,096 with 3 levels), strings only (pathlib would triple the cost of every
    read command). `above` gets the mtime of each folder above them, each taken before the
    folder is listed (a folder added after its listing moves its parent's time again). `bad`
    gets the problem of each folder left out: a link, a folder that cannot be listed."""
    out: dict[str, int] = {}
    # Links are not followed (the store is untrusted input): a shard folder that is a link is
    # not read; every command reading many tickets says so (a folder problem), as check does.
    if os.path.islink(tickets):
        if bad is not None:
            bad[prefix] = folder_problem(prefix)
        return out
    parents = [(tickets, prefix)]
    for _ in range(levels - 1):
        parents = [(e.path, f"{rel}/{e.name}") for path, rel in parents
                   for e in _subfolders(path, rel, above, bad)]
    for path, rel in parents:
        for leaf in _subfolders(path, rel, above, bad):
            out[f"{rel}/{leaf.name}"] = leaf.stat().st_mtime_ns
    return out


def _subfolders(path: str, rel: str = "", above: dict[str, int] | None = None,
                bad: dict[str, str] | None = None) -> list[os.DirEntry[str]]:
    try:
        if above is not None:
            above[rel] = os.lstat(path).st_mtime_ns
        with os.scandir(path) as entries:
            found = [e for e in entries if e.name[0] != "."]
    except FileNotFoundError:
        return []
    except OSError as exc:  # a folder that cannot be listed (permissions)
        if bad is not None:
            bad[rel] = folder_problem(rel, exc)
        return []
    if bad is not None:
        bad.update((f"{rel}/{e.name}", folder_problem(f"{rel}/{e.name}"))
                   for e in found if e.is_symlink())
    return [e for e in found if e.is_dir(follow_symlinks=False)]


def folder_problem(rel: str, exc: OSError | None = None) -> str:
    """The one line for a folder under tickets/ whose tickets no command reads: a link
    (`exc` None; never followed, docs/crash-safety.md) or a folder that cannot be listed."""
    what = ("a symbolic link inside the store; sdesk never follows one (remove it, or put "
            "the folder itself there)" if exc is None else
            f"a folder sdesk cannot list ({exc.strerror or exc}; give it read and search "
            "permission)")
    return f"{rel}: {what}; every ticket in it is skipped"


class _Progress:
    """A progress line on stderr for long rebuilds (only when asked or on a terminal)."""

    def __init__(self, total: int, show: bool) -> None:
        self.total = total
        self.show = show and total > 50
        self.done_count = 0
        self.last = 0.0

    def step(self) -> None:
        self.done_count += 1
        if self.show and time.monotonic() - self.last > 0.2:
            self.last = time.monotonic()
            pct = 100 * self.done_count // max(1, self.total)
            bar = "#" * (pct // 4)
            print(f"\rindexing tickets [{bar:<25}] {pct:3d}%", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.show:
            print(f"\rindexing tickets [{'#' * 25}] 100%", file=sys.stderr, flush=True)
