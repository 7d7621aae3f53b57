"""The summary index gives the same answers as reading every ticket file, whoever changed the
files: sdesk, a person with an editor, or git."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, Desk

from bench.generate import write_tickets
from sdesk.core import sla
from sdesk.core.errors import SdeskError
from sdesk.core.model import Ticket, dumps, load_file
from sdesk.store import Store
from sdesk.store.index import NAMES, Index, row_of

BOOKKEEPING = {"path", "dir", "mtime_ns", "size", "sha", "racy"}
TEAM = "IS-Service Desk"


# -- the full-scan reference ------------------------------------------------------------------


def scan(root: Path) -> dict[str, Ticket]:
    """Every readable ticket, parsed from its file: what the index must agree with."""
    out: dict[str, Ticket] = {}
    for path in sorted((root / "tickets").rglob("*.toml")):
        try:
            ticket = load_file(path, where=path.name)
        except SdeskError:
            continue
        if path.stem == ticket.id:
            out[ticket.id] = ticket
    return out


def index_rows(root: Path) -> dict[str, dict[str, Any]]:
    index = Index.open(Store(root))
    return {r["id"]: {k: r[k] for k in NAMES if k not in BOOKKEEPING} for r in index.select()}


def expected_links(tickets: dict[str, Ticket], tid: str) -> dict[str, list[str]]:
    t = tickets[tid]
    others = sorted(tickets.values(), key=lambda x: x.id)
    return {
        "parent": [t.parent] if t.parent else [],
        "children": [x.id for x in others if x.parent == tid and x.type != "task"],
        "tasks": [x.id for x in others if x.parent == tid and x.type == "task"],
        "duplicate_of": [t.duplicate_of] if t.duplicate_of else [],
        "duplicates": [x.id for x in others if x.duplicate_of == tid],
        "related": sorted(set(t.related) | {x.id for x in others if tid in x.related}),
    }


def ids_of(desk: Desk, *args: str) -> list[str]:
    return [row["id"] for row in desk.json(*args)]


def agrees_with_full_scan(desk: Desk) -> None:
    """Every read command answers what a full scan of the files answers."""
    tickets = scan(desk.root)
    rows = index_rows(desk.root)
    assert rows.keys() == tickets.keys()
    cal = Store(desk.root).reference.calendar
    for tid, ticket in tickets.items():
        want = {k: v for k, v in row_of(ticket).items() if k not in BOOKKEEPING}
        got = dict(rows[tid])
        # Business hours to resolve: built with the index on a cold load, filled by the next
        # kpi for a ticket written since (NULL until then); the day-by-day walk must agree.
        bh = got.pop("ttr_bh")
        assert want.pop("ttr_bh") is None
        assert got == want, tid
        if bh is not None:
            assert want["counted"] == 1 and ticket.resolved_at is not None
            minutes = sla.business_minutes_between(ticket.opened_at, ticket.resolved_at, cal)
            minutes -= sla.paused_minutes(sla.paused_spans(ticket), ticket.resolved_at,
                                          sla.BUSINESS, cal)
            assert bh == pytest.approx(max(0.0, minutes) / 60.0, abs=1e-6), tid
    now = dt.datetime.fromisoformat(NOW)
    by_id = sorted(tickets.values(), key=lambda t: (t.opened_at, t.id))  # list: --sort opened
    opened = [t for t in by_id if t.is_open]
    assert ids_of(desk, "list") == [t.id for t in opened]
    assert ids_of(desk, "list", "--all") == [t.id for t in by_id]
    assert ids_of(desk, "list", "--team", TEAM) == [t.id for t in opened if t.team == TEAM]
    assert ids_of(desk, "list", "--unassigned", "--vip") == [
        t.id for t in opened if not t.assignee and t.vip]
    assert ids_of(desk, "list", "--status", "new", "--priority", "1", "--priority", "2") == [
        t.id for t in by_id if t.status == "new" and t.priority in (1, 2)]
    assert ids_of(desk, "list", "--overdue") == [
        t.id for t in opened if not t.on_hold and t.resolve_by and t.resolve_by < now]
    # through its own index (tickets_vip_due), in each order and with another filter
    late_vip = [t for t in opened if t.vip and not t.on_hold and t.resolve_by and t.resolve_by < now]
    assert ids_of(desk, "list", "--overdue", "--vip") == [t.id for t in late_vip]
    assert ids_of(desk, "list", "--all", "--overdue", "--vip", "--sort", "resolve-by") == [
        t.id for t in sorted(late_vip, key=lambda t: (t.resolve_by, t.id))]
    assert ids_of(desk, "list", "--overdue", "--vip", "--team", TEAM) == [
        t.id for t in late_vip if t.team == TEAM]
    queue = sorted((t for t in opened if not t.assignee and t.status in ("new", "triaged")
                    and t.team == TEAM),
                   key=lambda t: (not t.vip, t.resolve_by is None, t.resolve_by or now,
                                  t.opened_at, t.id))
    assert ids_of(desk, "queue", "--team", TEAM) == [t.id for t in queue]
    assert ids_of(desk, "queue", "--team", TEAM, "-n", "3") == [t.id for t in queue[:3]]
    linked = [t.id for t in by_id if t.parent or t.duplicate_of or t.related]
    for tid in linked[:6] + [t.parent or t.duplicate_of or t.related[0]
                             for t in by_id if t.id in linked[:6]]:
        if tid in tickets:
            assert desk.ticket(tid)["links"] == expected_links(tickets, tid), tid


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def seeded(desk: Desk) -> Desk:
    """A store of 150 generated tickets (spread over more shard folders than the parallel cold
    load needs) plus a few made by sdesk with relations, all committed."""
    write_tickets(desk.root, 150, seed=11)
    desk.git("add", "tickets")
    desk.git("commit", "-q", "-m", "seed tickets")
    parent = desk.new("-T", "Printer down on 3rd floor", "--email", "ana.ruiz@omes.ok.gov")
    desk.new("-t", "task", "-T", "Replace fuser", "--parent", parent)
    return desk


def replace_bytes(path: Path, data: bytes) -> None:
    """Save the way editors and git do: write a new file, rename it over the old one."""
    tmp = path.with_name(".edit.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def hand_write(path: Path, ticket: Ticket) -> None:
    replace_bytes(path, dumps(ticket).encode("utf-8"))


def some_ticket(desk: Desk, open_only: bool = True) -> Ticket:
    return next(t for t in scan(desk.root).values() if t.is_open or not open_only)


# -- sdesk's own changes ------------------------------------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_cold_index_agrees_with_the_files_with_or_without_worker_processes(
        seeded: Desk, workers: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDESK_INDEX_WORKERS", workers)
    for path in (seeded.root / ".git" / "sdesk").glob("index*"):
        path.unlink()
    agrees_with_full_scan(seeded)
    # The load also built what `sdesk kpi` keeps: every counted row has its business hours.
    db = Index.open(Store(seeded.root)).db
    assert db.execute("SELECT count(*) FROM tickets WHERE counted = 1 AND ttr_bh IS NULL"
                      ).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM tickets WHERE counted = 1").fetchone()[0] > 0


def test_overdue_vip_tickets_are_found_through_their_own_index(seeded: Desk) -> None:
    """list --overdue --vip reads the partial index tickets_vip_due (made on first use), and
    follows a VIP ticket going overdue, on hold and resolved."""
    agrees_with_full_scan(seeded)
    made = Index.open(Store(seeded.root)).db.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'tickets_vip_due'").fetchone()[0]
    assert made == 1
    tid = seeded.new("-T", "Director's laptop will not boot", "--email", "cio@omes.ok.gov",
                     "--priority", "2", now="2026-11-01T09:00:00-06:00")
    fresh = seeded.new("-T", "Director's phone will not sync", "--email", "cio@omes.ok.gov",
                       "--priority", "2")
    assert ids_of(seeded, "list", "--overdue", "--vip") == [tid]  # not `fresh`: not due yet
    assert fresh in ids_of(seeded, "list", "--vip")
    agrees_with_full_scan(seeded)
    seeded.run("hold", tid, "--reason", "awaiting-customer", "--asked-by-phone")
    assert tid not in ids_of(seeded, "list", "--overdue", "--vip")
    seeded.run("resume", tid)
    assert ids_of(seeded, "list", "--overdue", "--vip") == [tid]
    seeded.run("resolve", tid, "--code", "fixed", "--summary", "Reseated the drive")
    assert tid not in ids_of(seeded, "list", "--overdue", "--vip")
    agrees_with_full_scan(seeded)


def test_new_and_note_by_sdesk_show_at_once(seeded: Desk) -> None:
    agrees_with_full_scan(seeded)
    tid = seeded.new("-T", "VPN drops", "--email", "bo.lee@omes.ok.gov", "--priority", "1")
    seeded.run("note", tid, "Called the user back")
    other = some_ticket(seeded).id
    seeded.run("note", other, "Still waiting on the vendor", "--public")
    agrees_with_full_scan(seeded)
    assert tid in ids_of(seeded, "list", "--priority", "1")


# -- changes by hand --------------------------------------------------------------------------


def test_an_in_place_edit_is_picked_up_once_committed(seeded: Desk) -> None:
    agrees_with_full_scan(seeded)
    ticket = some_ticket(seeded)
    path = Store(seeded.root).path_of(ticket.id)
    folder_mtime = path.parent.stat().st_mtime_ns
    ticket.title = "Edited in place by hand"
    ticket.team = TEAM
    with open(path, "r+", encoding="utf-8") as handle:  # same file: the folder does not change
        handle.write(dumps(ticket))
        handle.truncate()
    os.utime(path.parent, ns=(folder_mtime, folder_mtime))
    seeded.git("commit", "-q", "-am", "fix title by hand")
    agrees_with_full_scan(seeded)
    assert [r["title"] for r in seeded.json("list", "--text", "place by hand")] == [
        "Edited in place by hand"]


def test_a_replaced_file_is_picked_up_without_a_commit(seeded: Desk) -> None:
    agrees_with_full_scan(seeded)
    ticket = some_ticket(seeded)
    ticket.status, ticket.assignee = "closed", ""
    hand_write(Store(seeded.root).path_of(ticket.id), ticket)
    agrees_with_full_scan(seeded)
    assert ticket.id not in ids_of(seeded, "list")


def test_a_deleted_or_added_file_is_picked_up_without_a_commit(seeded: Desk) -> None:
    agrees_with_full_scan(seeded)
    gone = some_ticket(seeded)
    store = Store(seeded.root)
    store.path_of(gone.id).unlink()
    write_tickets(seeded.root, 3, seed=99)
    agrees_with_full_scan(seeded)
    assert gone.id not in ids_of(seeded, "list", "--all")


def test_changes_by_hand_before_a_write_are_found_by_the_next_read(
        seeded: Desk, tmp_path: Path) -> None:
    """A writing command skips the freshness scan (Store.index_for_write): what changed
    outside sdesk before it, even in the folder it writes, is still found afterwards."""
    agrees_with_full_scan(seeded)
    store = Store(seeded.root)
    by_folder: dict[Path, list[Ticket]] = {}
    for ticket in scan(seeded.root).values():
        by_folder.setdefault(store.path_of(ticket.id).parent, []).append(ticket)
    edited, neighbour = next(pair for pair in by_folder.values() if len(pair) >= 2)[:2]
    edited.title = "Replaced by hand before a note"
    hand_write(store.path_of(edited.id), edited)
    clone = Desk(tmp_path / "clone")
    seeded.git("clone", "-q", str(seeded.root), str(clone.root))
    made = clone.new("-T", "Made in the clone", "--email", "jo.brown@omes.ok.gov")
    seeded.git("stash", "-q")
    seeded.git("pull", "-q", "--no-rebase", str(clone.root), "main")
    seeded.git("stash", "pop", "-q")
    seeded.run("note", neighbour.id, "Written after the changes by hand")
    agrees_with_full_scan(seeded)
    assert made in ids_of(seeded, "list")
    assert [r["title"] for r in seeded.json("list", "--all", "--text", "Replaced by hand")] == [
        "Replaced by hand before a note"]


def test_a_broken_ticket_file_is_a_warning_and_list_still_works(seeded: Desk) -> None:
    ticket = some_ticket(seeded)
    path = Store(seeded.root).path_of(ticket.id)
    good = path.read_bytes()
    agrees_with_full_scan(seeded)
    replace_bytes(path, b'schema = 1\nid = "oops\n')  # as an editor saves: a new file
    for _ in range(2):  # still reported on the next run, when nothing changed
        result = seeded.run("list", "--all", "--csv")
        assert "warning" in result.stderr and path.name in result.stderr
        assert ticket.id not in result.stdout
    replace_bytes(path, good)
    result = seeded.run("list", "--all", "--csv")
    assert "warning" not in result.stderr and ticket.id in result.stdout
    agrees_with_full_scan(seeded)


def test_a_file_in_the_wrong_shard_folder_is_reported(seeded: Desk) -> None:
    ticket = some_ticket(seeded)
    path = Store(seeded.root).path_of(ticket.id)
    wrong = seeded.root / "tickets" / "Z" / "Z"
    if path.parent == wrong:
        wrong = seeded.root / "tickets" / "Y" / "Y"
    wrong.mkdir(parents=True, exist_ok=True)
    os.replace(path, wrong / path.name)
    result = seeded.run("list", "--all")
    assert "misplaced" in result.stderr and ticket.id not in result.stdout


# -- git operations ---------------------------------------------------------------------------


def test_git_checkout_of_an_older_commit_and_back(seeded: Desk) -> None:
    first = seeded.new("-T", "Monitor flickers", "--email", "fay.lee@omes.ok.gov")
    seeded.run("note", first, "Swapped the cable")
    agrees_with_full_scan(seeded)
    seeded.git("checkout", "-q", "HEAD~2")
    agrees_with_full_scan(seeded)
    assert first not in ids_of(seeded, "list", "--all")
    seeded.git("checkout", "-q", "main")
    agrees_with_full_scan(seeded)


def test_git_revert_is_picked_up(seeded: Desk) -> None:
    tid = seeded.new("-T", "Badge reader offline", "--email", "gus.diaz@omes.ok.gov")
    agrees_with_full_scan(seeded)
    seeded.git("revert", "--no-edit", "HEAD")
    agrees_with_full_scan(seeded)
    assert tid not in ids_of(seeded, "list", "--all")


def test_git_pull_from_a_clone_is_picked_up(seeded: Desk, tmp_path: Path) -> None:
    agrees_with_full_scan(seeded)
    clone = Desk(tmp_path / "clone")
    seeded.git("clone", "-q", str(seeded.root), str(clone.root))
    made = clone.new("-T", "Made in the clone", "--email", "jo.brown@omes.ok.gov")
    clone.run("note", some_ticket(clone).id, "Noted in the clone")
    seeded.git("pull", "-q", "--no-rebase", str(clone.root), "main")
    agrees_with_full_scan(seeded)
    assert made in ids_of(seeded, "list")


# -- the index is only a cache ----------------------------------------------------------------


def test_deleting_the_index_loses_nothing(seeded: Desk) -> None:
    before = seeded.json("list", "--all")
    for path in (seeded.root / ".git" / "sdesk").glob("index*"):
        path.unlink()
    assert seeded.json("list", "--all") == before
    agrees_with_full_scan(seeded)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_index_is_rebuilt(seeded: Desk, damage: str) -> None:
    before = seeded.json("list", "--all")
    db = next((seeded.root / ".git" / "sdesk").glob("index*.sqlite"))
    if damage == "garbage":
        db.write_bytes(b"this is not a database" * 100)
    else:
        db.write_bytes(db.read_bytes()[:1000])
    assert seeded.json("list", "--all") == before
    agrees_with_full_scan(seeded)


def test_reindex_reads_every_file_and_counts_them(seeded: Desk) -> None:
    data = seeded.json("reindex")
    assert data["tickets"] == len(scan(seeded.root)) == data["files_read"]
    assert data["problems"] == []
    assert "Indexed" in seeded.run("reindex").stdout
    agrees_with_full_scan(seeded)


def test_reindex_lists_every_broken_file(seeded: Desk) -> None:
    ticket = some_ticket(seeded)
    path = Store(seeded.root).path_of(ticket.id)
    replace_bytes(path, b"\xff\xfe not text")
    data = seeded.json("reindex")
    assert [p["path"] for p in data["problems"]] == [
        path.relative_to(seeded.root).as_posix()]
    assert data["tickets"] == len(scan(seeded.root))
