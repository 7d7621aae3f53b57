"""The two ticket folder layouts (sdesk/ids.py) and `sdesk migrate-folders` between them.

A store of 2 levels (tickets/R1/R2/ID.toml) moved to 3 (tickets/R1/R2/BLOCK/ID.toml) in one
commit stays readable by sdesk and plain git: `show`, `note`, `check`, `git status` clean,
`git fsck --strict`, and `git log --follow` still reaching the ticket's first commit.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import Desk

from sdesk.core import ids
from sdesk.store.index import _shard_mtimes


def test_three_levels_put_a_block_folder_under_the_two_random_characters() -> None:
    # layout 2 ID: the random characters come first (W, D, then X)
    assert ids.relative_path("INC-WDXHGWD7WQ12", 3) == "tickets/W/D/R/INC-WDXHGWD7WQ12.toml"
    assert ids.relative_path("INC-WDXHGWD7WQ12") == "tickets/W/D/INC-WDXHGWD7WQ12.toml"
    # layout 1 ID: six time characters, then the random ones (F, 6, W)
    assert ids.relative_path("INC-2Q4N3GF6W9Z", 3) == "tickets/F/6/R/INC-2Q4N3GF6W9Z.toml"
    assert [ids.block(c) for c in "078FGQRZ"] == ["0", "0", "8", "8", "G", "G", "R", "R"]
    assert sorted({ids.block(c) for c in ids.ALPHABET}) == ["0", "8", "G", "R"]
    assert ids.levels_of("tickets/A/B/G/INC-X.toml") == 3
    assert ids.levels_of("tickets/A/B/INC-X.toml") == 2


def _paths(desk: Desk) -> list[str]:
    return sorted(p for p in desk.git("ls-files", "tickets").split() if p.endswith(".toml"))


def test_migrate_moves_every_ticket_in_one_commit_readable_by_git(desk: Desk) -> None:
    first = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES")
    second = desk.new("-T", "VPN drops", "--email", "bo.lee@omes.ok.gov", "--agency", "OMES")
    desk.run("note", first, "Called back")
    before = desk.commits()
    out = desk.run("migrate-folders", "3").stdout
    assert "Moved 2 ticket files to 3 folder levels" in out
    assert desk.commits() == before + 1
    assert _paths(desk) == sorted(ids.relative_path(t, 3) for t in (first, second))
    assert "folder_levels = 3" in (desk.root / "sdesk.toml").read_text()
    assert "Sdesk-Action: migrate-folders" in desk.git("log", "-1", "--format=%B")
    assert desk.git("status", "--porcelain") == ""
    # the renames are renames: the ticket's history follows it into its new folder
    log = desk.git("log", "--follow", "--format=%s", "--", ids.relative_path(first, 3))
    assert len(log.splitlines()) == 3, log
    # sdesk reads and writes the new layout; nothing is left in the old folders
    assert desk.ticket(first)["title"] == "Printer jam"
    desk.run("note", second, "Rebooted the router")
    assert desk.git("show", "--name-only", "--format=", "HEAD").split() == [
        ids.relative_path(second, 3)]
    assert not list(desk.root.glob("tickets/*/*/*.toml"))
    third = desk.new("-T", "Monitor flickers", "--email", "fay.diaz@omes.ok.gov",
                     "--agency", "OMES")
    assert (desk.root / ids.relative_path(third, 3)).is_file()
    assert [row["id"] for row in desk.json("list")] == sorted([first, second, third])
    assert "store ok" in desk.run("check").stdout
    subprocess.run(["git", "fsck", "--strict"], cwd=desk.root, check=True, capture_output=True)
    assert desk.git("status", "--porcelain") == ""


def test_migrate_again_does_nothing_and_back_to_two_levels_works(desk: Desk) -> None:
    tid = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES")
    desk.run("migrate-folders", "3")
    commits = desk.commits()
    assert "already in 3 folder levels" in desk.fails("migrate-folders", "3", code=4).stderr
    assert desk.commits() == commits
    desk.run("migrate-folders", "2")
    assert _paths(desk) == [ids.relative_path(tid)]
    assert "folder_levels = 2" in (desk.root / "sdesk.toml").read_text()
    assert not list(desk.root.glob("tickets/*/*/*/*.toml"))
    assert desk.ticket(tid)["id"] == tid
    assert desk.git("status", "--porcelain") == ""


def test_an_interrupted_migration_carries_on_when_run_again(desk: Desk) -> None:
    tid = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES")
    # killed after the setting was written and the file moved, before the commit
    from sdesk.store import Store, relayout

    store = Store(desk.root)
    relayout.set_levels(store, 3)
    assert relayout.move_files(store, 3) == 1
    assert "Moved 1 ticket files" in desk.run("migrate-folders", "3").stdout
    assert _paths(desk) == [ids.relative_path(tid, 3)]
    assert desk.git("status", "--porcelain") == ""


def test_migrate_refuses_uncommitted_ticket_changes(desk: Desk) -> None:
    tid = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES")
    path = desk.root / ids.relative_path(tid)
    path.write_text(path.read_text().replace("Printer jam", "Printer jammed"))
    result = desk.fails("migrate-folders", "3")
    assert "has changes not committed" in result.stderr
    assert path.is_file() and "folder_levels" not in (desk.root / "sdesk.toml").read_text()


@pytest.mark.parametrize("levels", [2, 3])
def test_the_index_watches_the_leaf_folders_of_either_layout(desk: Desk, levels: int) -> None:
    if levels == 3:
        desk.run("migrate-folders", "3")
    tid = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES")
    folders = _shard_mtimes(str(desk.root / "tickets"), "tickets", levels)
    assert ids.relative_path(tid, levels).rpartition("/")[0] in folders
    # an edit by hand (a new file renamed over the old, as editors do) is seen at once
    path = desk.root / ids.relative_path(tid, levels)
    tmp = path.with_name("edit.tmp")
    tmp.write_text(path.read_text().replace("Printer jam", "Printer jammed"))
    tmp.replace(path)
    assert desk.ticket(tid)["title"] == "Printer jammed"
