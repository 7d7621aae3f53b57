"""`show` checks only what can change what it prints (docs/decisions/show-freshness.md).

The full freshness check stats every shard folder (5,153 at a million tickets); `show ID`
reads the ticket's own file, looks at its own shard folder and the folders of the tickets the
index links it to, and relies on HEAD for the rest. Each test changes the store by hand
(plain file operations and plain git, no sdesk) and checks what `show` (text and --json)
still sees, and what it may not see until the next full check: any command that lists,
counts or writes, or a commit.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from tests.conftest import Desk

EMAIL = "ana.ruiz@omes.ok.gov"


def _file(desk: Desk, ticket_id: str) -> Path:
    found = list((desk.root / "tickets").rglob(f"{ticket_id}.toml"))
    assert len(found) == 1, found
    return found[0]


def _replace(path: Path, old: str, new: str) -> None:
    """Save as an editor does: a new file renamed over the old one (the folder's time moves)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    tmp = path.with_name(".edit.tmp")
    tmp.write_text(text.replace(old, new), encoding="utf-8")
    os.replace(tmp, path)


def _settle(desk: Desk) -> None:
    """Every folder's time in the past, then a full check: the index records the times as they
    are (a time within a second of now is re-checked every time, which would hide the point)."""
    past = time.time() - 100
    for folder in (desk.root / "tickets").rglob("*"):
        if folder.is_dir():
            os.utime(folder, (past, past))
    desk.run("list")


def _dirs_row(desk: Desk, folder: Path) -> int:
    rel = folder.relative_to(desk.root).as_posix()
    db = next((desk.root / ".git" / "sdesk").glob("index*.sqlite"))
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT mtime_ns FROM dirs WHERE path = ?", (rel,)).fetchone()[0])


def _apart(desk: Desk, count: int) -> list[str]:
    """`count` new tickets, each in its own shard folder."""
    made: dict[Path, str] = {}
    while len(made) < count:
        tid = desk.new("-T", f"Printer jam {len(made)}", "--email", EMAIL)
        made.setdefault(_file(desk, tid).parent, tid)
    return list(made.values())


def _sibling_id(ticket_id: str) -> str:
    """Another valid ID that shares all but the last character (the same shard folder)."""
    return ticket_id[:-1] + ("Z" if ticket_id[-1] != "Z" else "Y")


def test_a_hand_edit_of_the_shown_ticket_is_seen_and_other_folders_are_not_stat_ed(
        desk: Desk) -> None:
    shown, other = _apart(desk, 2)
    _settle(desk)
    other_folder = _file(desk, other).parent
    before = _dirs_row(desk, other_folder)
    _replace(_file(desk, other), "Printer jam", "Scanner jam")  # not looked at by show
    os.utime(other_folder, ns=(before + 10**9, before + 10**9))
    _replace(_file(desk, shown), "Printer jam", "Edited by hand")
    assert "Edited by hand" in desk.run("show", shown).stdout
    assert desk.ticket(shown)["title"].startswith("Edited by hand")
    assert _dirs_row(desk, other_folder) == before  # show did not look there
    # the shown ticket's own folder was rescanned: its row is what the file says
    assert [r["id"] for r in desk.json("list", "--text", "Edited by hand")] == [shown]
    assert _dirs_row(desk, other_folder) != before  # the next list did look
    desk.git("checkout", "--", ".")


def test_a_ticket_made_by_hand_is_shown_by_its_id_and_its_prefix(desk: Desk) -> None:
    first = desk.new("-T", "Printer jam", "--email", EMAIL)
    _settle(desk)
    made = _sibling_id(first)
    path = _file(desk, first).with_name(f"{made}.toml")
    path.write_text(_file(desk, first).read_text(encoding="utf-8").replace(first, made),
                    encoding="utf-8")
    # its folder changed, so a prefix both IDs share is ambiguous at once, as after a list
    out = desk.fails("show", made[:-1]).stderr
    assert "matches 2 tickets" in out and first in out and made in out, out
    assert desk.run("show", made).stdout.startswith(f"{made}  Printer jam")  # full: a twin is known
    path.unlink()


def test_a_ticket_made_by_hand_is_found_by_a_prefix_the_index_does_not_know(desk: Desk) -> None:
    first = desk.new("-T", "Printer jam", "--email", EMAIL)
    desk.run("list")
    made = "INC-" + ("Y" if first[4] != "Y" else "X") + first[5:]  # another shard folder
    path = desk.root / "tickets" / made[4] / made[5] / f"{made}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_file(desk, first).read_text(encoding="utf-8").replace(first, made),
                    encoding="utf-8")
    assert f"ID:         {made}" in desk.run("show", made[:9]).stdout  # unknown: full check
    path.unlink()


def test_a_link_removed_by_hand_from_a_linked_ticket_is_seen(desk: Desk) -> None:
    shown, linked = _apart(desk, 2)
    desk.run("relate", linked, shown)  # the link lives in linked's file
    desk.run("relate", linked, shown, "--as", "parent")
    _settle(desk)
    assert desk.ticket(shown)["links"]["children"] == [linked]
    path = _file(desk, linked)
    _replace(path, f'parent = "{shown}"\n', "")
    _replace(path, f'related = ["{shown}"]\n', "")
    links = desk.ticket(shown)["links"]
    assert links["children"] == [] and links["related"] == [], links
    text = desk.run("show", shown).stdout
    assert "Children:" not in text and "Related:" not in text
    desk.git("checkout", "--", ".")


def test_a_link_added_by_hand_elsewhere_waits_for_the_next_full_check(desk: Desk) -> None:
    """What show may not see: a ticket in another folder, which the index does not link to the
    shown one, edited by hand to point at it. The next command that lists (or a commit) sees
    it, and show with it."""
    shown, pointing = _apart(desk, 2)
    _settle(desk)
    _replace(_file(desk, pointing), 'title = "Printer jam', f'parent = "{shown}"\ntitle = "Printer jam')
    assert desk.ticket(shown)["links"]["children"] == []  # not seen yet: documented
    desk.run("list")  # a full check
    assert desk.ticket(shown)["links"]["children"] == [pointing]
    assert f"Children:   {pointing}" in desk.run("show", shown).stdout
    desk.git("checkout", "--", ".")


def test_a_link_added_by_hand_and_committed_is_seen(desk: Desk) -> None:
    shown, pointing = _apart(desk, 2)
    _settle(desk)
    _replace(_file(desk, pointing), 'title = "Printer jam', f'parent = "{shown}"\ntitle = '
             '"Printer jam')
    desk.git("commit", "-q", "-am", "a parent set by hand")  # HEAD moved: the full check runs
    assert desk.ticket(shown)["links"]["children"] == [pointing]
