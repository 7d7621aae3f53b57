"""`note` finds its ticket without the index's freshness scan (Store.get_for_write).

The scan stats every shard folder, so its cost grows with the store; `note` skips it while
HEAD is where the index last saw it, and falls back to it whenever the quick answer could be
stale. Each test here makes the index stale by hand (plain file operations and plain git, no
sdesk) and checks that `note` gives the answer a refreshed index gives, that the folder it
did not scan is still found by the next command, and that the one documented difference holds.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from tests.conftest import Desk


def _file(desk: Desk, ticket_id: str) -> Path:
    found = list((desk.root / "tickets").rglob(f"{ticket_id}.toml"))
    assert len(found) == 1, found
    return found[0]


def _sibling_id(ticket_id: str) -> str:
    """Another valid ID that shares all but the last character (the same shard folder)."""
    last = "Z" if ticket_id[-1] != "Z" else "Y"
    return ticket_id[:-1] + last


def _hand_made_copy(desk: Desk, ticket_id: str, new_id: str) -> Path:
    source = _file(desk, ticket_id)
    target = source.with_name(f"{new_id}.toml")
    target.write_text(source.read_text(encoding="utf-8").replace(ticket_id, new_id),
                      encoding="utf-8")
    return target


def _dirs_row(desk: Desk, folder: str) -> int:
    db = next((desk.root / ".git" / "sdesk").glob("index*.sqlite"))
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT mtime_ns FROM dirs WHERE path = ?", (folder,)).fetchone()[0])


def test_a_ticket_committed_by_plain_git_is_found_by_its_prefix(desk: Desk) -> None:
    first = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("list")  # the index has seen HEAD
    made = _sibling_id(first)
    _hand_made_copy(desk, first, made)
    desk.git("add", "-A")
    desk.git("commit", "-q", "-m", "a ticket made by hand")  # HEAD moved: the scan runs
    out = desk.fails("note", made[:-1], "Called back").stderr
    assert "matches 2 tickets" in out, out  # as `show` says it: both are known
    assert desk.run("note", made, "Called back").stdout.startswith(f"{made}: internal note")


def test_a_ticket_removed_by_hand_is_not_found(desk: Desk) -> None:
    ticket = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("list")
    _file(desk, ticket).unlink()  # not committed: HEAD stays where the index saw it
    short = ticket[:8]
    note = desk.fails("note", short, "Called back").stderr
    show = desk.fails("show", short).stderr
    assert note == show, (note, show)
    assert "no ticket matches" in note
    desk.git("checkout", "--", ".")


def test_an_edit_by_hand_elsewhere_is_still_found_by_the_next_command(desk: Desk) -> None:
    one = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    two = desk.new("-T", "Cannot print", "--email", "ana.ruiz@omes.ok.gov")
    path = _file(desk, two)
    past = time.time() - 100  # folder times the scan records as they are (not "too recent")
    for folder_path in (desk.root / "tickets").rglob("*"):
        if folder_path.is_dir():
            os.utime(folder_path, (past, past))
    desk.run("list")
    folder = path.parent.relative_to(desk.root).as_posix()
    before = _dirs_row(desk, folder)
    assert before > 0
    path.write_text(path.read_text(encoding="utf-8").replace("Cannot print", "Scanner jam"),
                    encoding="utf-8")
    os.utime(path.parent, (past + 50, past + 50))
    desk.run("note", one[:8], "Called back")
    if path.parent != _file(desk, one).parent:
        assert _dirs_row(desk, folder) == before  # note did not scan that folder
    assert "Scanner jam" in desk.run("list", "--wide").stdout  # the next command does
    desk.git("checkout", "--", ".")


def test_a_prefix_a_hand_made_file_shares_resolves_to_the_known_ticket(desk: Desk) -> None:
    """The documented difference: without the scan, a ticket file made by hand (and not
    committed) since the last refresh does not make a typed prefix ambiguous for `note`."""
    first = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("list")
    made = _hand_made_copy(desk, first, _sibling_id(first))
    assert desk.run("note", first[:-1], "Called back").stdout.startswith(f"{first}: internal")
    made.unlink()
