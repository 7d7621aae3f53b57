"""A cold load with worker processes is built in a new file beside the index and renamed into
place (sdesk/store/index.py, Index._build_aside): the same rows, problems and KPI sums as a
load in the index file itself, every index a read command needs already made, and a rebuild
that fails or is stopped leaves the old index file whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import Desk

from bench.generate import write_tickets
from sdesk.store import Store, kpi_sums
from sdesk.store.index import Index

# Columns that depend on when a file was read, not on what it holds.
WHEN_READ = ("racy",)


@pytest.fixture
def spread(desk: Desk) -> Desk:
    """120 generated tickets over many shard folders, a broken file and a misplaced one."""
    write_tickets(desk.root, 120, seed=26)
    files = sorted((desk.root / "tickets").rglob("*.toml"))
    files[0].write_text("id = 'INC-")  # broken TOML
    misplaced = files[-1].parent / files[1].name  # another shard folder
    assert files[-1].parent != files[1].parent
    files[1].rename(misplaced)
    desk.git("add", "-A", "tickets")
    desk.git("commit", "-q", "--no-verify", "-m", "seed tickets")  # the hook refuses the broken file
    return desk


def _state_dir(desk: Desk) -> Path:
    return desk.root / ".git" / "sdesk"


def _forget(desk: Desk) -> None:
    for path in _state_dir(desk).glob("index*"):
        path.unlink()


def _dump(db: sqlite3.Connection) -> dict[str, Any]:
    """Every row of every table (the index's own statistics and bookkeeping times aside)."""
    names = [c[1] for c in db.execute("PRAGMA table_info(tickets)")]
    kept = ", ".join(n for n in names if n not in WHEN_READ)
    out: dict[str, Any] = {"tickets": sorted(map(tuple, db.execute(f"SELECT {kept} FROM tickets")))}
    for table in ("problems", "meta", *kpi_sums._LAYOUT):
        out[table] = sorted(map(tuple, db.execute(f"SELECT * FROM {table}")))
    out["dirs"] = sorted(r[0] for r in db.execute("SELECT path FROM dirs"))
    # the folders' times, -1 when taken within a second of the read
    out["meta"] = [(k, v if k != "parents" else sorted(x.rsplit(":", 1)[0] for x in v.split()))
                   for k, v in out["meta"]]
    return out


def _schema(db: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in db.execute("SELECT type, name FROM sqlite_master")}


def _load(desk: Desk, workers: str, monkeypatch: pytest.MonkeyPatch) -> sqlite3.Connection:
    _forget(desk)
    monkeypatch.setenv("SDESK_INDEX_WORKERS", workers)
    return Store.open(str(desk.root)).index.db


def _indexed_with_workers(desk: Desk, monkeypatch: pytest.MonkeyPatch
                          ) -> tuple[Store, dict[str, Any]]:
    """The store with its index built (rebuilds from now on use two workers, so they load
    aside), and that index's rows."""
    monkeypatch.setattr("sdesk.store.index.PARALLEL_MIN_DIRS", 1)
    monkeypatch.setenv("SDESK_INDEX_WORKERS", "2")
    store = Store.open(str(desk.root))
    first = Index.open(store)
    before = _dump(first.db)
    first.db.close()
    return store, before


def test_the_aside_load_gives_what_the_load_in_place_gives(
        spread: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sdesk.store.index.PARALLEL_MIN_DIRS", 1)
    in_place = _dump(_load(spread, "1", monkeypatch))
    (_state_dir(spread) / "index.sqlite.new").write_bytes(b"left by a killed rebuild")
    db = _load(spread, "2", monkeypatch)
    assert _dump(db) == in_place
    assert len(in_place["tickets"]) == 118 and len(in_place["problems"]) == 2
    assert list(kpi_sums.kept_differences(db)) == []
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(_state_dir(spread).glob("index.sqlite.new*")), "nothing left beside it"
    # What read commands made on first use is made with it: the first queue, overdue VIP
    # list and kpi after the load write nothing.
    schema = _schema(db)
    assert {("index", "tickets_queue"), ("index", "tickets_vip_due")} <= schema
    spread.run("queue", "--team", "IS-Service Desk")
    spread.run("list", "--overdue", "--vip")
    spread.json("kpi", "--by", "team")
    assert _schema(Store.open(str(spread.root)).index.db) == schema


def test_a_rebuild_that_fails_leaves_the_old_index_whole(
        spread: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    store, before = _indexed_with_workers(spread, monkeypatch)

    def stopped(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Index, "_finish_aside", stopped)
    index = Index.open(store, refresh=False)
    with pytest.raises(KeyboardInterrupt):
        index.rebuild()
    assert not list(_state_dir(spread).glob("index.sqlite.new*"))
    assert _dump(Index.open(store, refresh=False).db) == before
    monkeypatch.undo()
    assert spread.run("list", "-n", "1").exit_code == 0


def test_a_rebuild_while_another_process_reads_copies_into_the_open_file(
        spread: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another connection has the index open: the file is not renamed over (its WAL side files
    would meet the new file), the new pages are copied into it through SQLite instead."""
    store, before = _indexed_with_workers(spread, monkeypatch)
    reader = sqlite3.connect(_state_dir(spread) / "index.sqlite")
    inode = (_state_dir(spread) / "index.sqlite").stat().st_ino
    try:
        assert reader.execute("SELECT count(*) FROM tickets").fetchone()[0] == 118
        index = Index.open(store, refresh=False)
        assert index.rebuild() == 120
        index.db.close()
        assert (_state_dir(spread) / "index.sqlite").stat().st_ino == inode, "copied, not renamed"
        assert _dump(reader) == before
        assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        reader.close()
    assert not list(_state_dir(spread).glob("index.sqlite.new*"))
    db = Index.open(store).db
    assert _dump(db) == before and db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    # Alone, a rebuild renames: a new file.
    index = Index.open(store, refresh=False)
    assert index.rebuild() == 120
    index.db.close()
    assert (_state_dir(spread) / "index.sqlite").stat().st_ino != inode


@pytest.mark.no_deep_check
def test_with_a_broken_calendar_every_index_is_still_made(
        spread: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The KPI sums cannot be made (`sdesk kpi` says why); the indexes made beside them are
    made all the same, so every read command works (INDEXED BY names them)."""
    monkeypatch.setattr("sdesk.store.index.PARALLEL_MIN_DIRS", 1)
    in_place = _schema(_load(spread, "1", monkeypatch))
    (spread.root / "reference" / "calendar.toml").write_text("[[holiday]\n")
    db = _load(spread, "2", monkeypatch)
    assert not kpi_sums.present(db)
    made = {name for kind, name in _schema(db) if kind == "index"}
    kpi_only = {"tickets_kpi_by_team_clock", "tickets_kpi_by_team_bh", "tickets_kpi_wait"}
    assert {name for kind, name in in_place if kind == "index"} - made == kpi_only
    assert {"tickets_queue", "tickets_vip_due", "tickets_ref"} <= made
    assert spread.run("list", "-n", "1").exit_code == 0
    assert spread.run("kpi", ok=False).exit_code != 0
