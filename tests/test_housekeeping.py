"""git's housekeeping off the command's path (sdesk/git/housekeeping.py): the split index folded
and loose objects packed by a detached process under the store lock; the repository stays what
plain git reads (`git status` clean, the index equal to HEAD, `git fsck --strict` clean)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sdesk.git import housekeeping, inproc
from tests.conftest import NOW, Desk


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def _loose_in_sample(root: Path, count: int) -> None:
    """`count` loose blobs whose ids start with 17 (the folder `gc --auto` samples)."""
    made, n = 0, 0
    while made < count:
        data = f"housekeeping test {n}\n".encode()
        n += 1
        if hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest().startswith("17"):
            subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=root, input=data,
                           check=True, capture_output=True)
            made += 1


def _sample(root: Path) -> list[str]:
    folder = root / ".git" / "objects" / "17"
    return os.listdir(folder) if folder.is_dir() else []


def _plain_git_reads_it(root: Path) -> None:
    assert _git(root, "status", "--porcelain") == ""
    assert _git(root, "diff-index", "--cached", "HEAD") == ""
    _git(root, "fsck", "--strict")


def test_the_fold_makes_a_new_shared_index(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    tid = desk.new("-T", "Printer jams")
    for i in range(3):
        desk.run("note", tid, f"Called back ({i})")
    git_dir = desk.root / ".git"
    before = {p.name for p in git_dir.glob("sharedindex.*")}
    assert not housekeeping.fold_due(git_dir)
    monkeypatch.setattr(housekeeping, "FOLD_ENTRIES", 1)
    assert housekeeping.fold_due(git_dir)
    assert housekeeping.run(desk.root) == "folded"
    assert {p.name for p in git_dir.glob("sharedindex.*")} - before
    assert list((git_dir / "sdesk").glob("shared-*.paths"))  # the next commit's table, made
    _plain_git_reads_it(desk.root)
    desk.run("note", tid, "After the fold")
    _plain_git_reads_it(desk.root)


def test_the_fold_leaves_an_index_a_git_command_is_writing_alone(desk: Desk) -> None:
    """git's index.lock is taken only for the swap: while a git command holds it, the fold
    changes nothing (no new shared index left behind) and the lock stays that command's."""
    tid = desk.new("-T", "Printer jams")
    desk.run("note", tid, "Called back")
    git_dir = desk.root / ".git"
    index = (git_dir / "index").read_bytes()
    shared = {p.name for p in git_dir.glob("sharedindex.*")}
    (git_dir / "index.lock").write_bytes(b"a git command at work")
    assert housekeeping.fold(desk.root, git_dir) is False
    assert (git_dir / "index.lock").read_bytes() == b"a git command at work"
    assert (git_dir / "index").read_bytes() == index
    assert {p.name for p in git_dir.glob("sharedindex.*")} == shared
    assert not (git_dir / "sdesk" / "fold.index").exists()
    (git_dir / "index.lock").unlink()
    assert housekeeping.fold(desk.root, git_dir) is True
    assert (git_dir / "index").read_bytes() != index
    assert not (git_dir / "index.lock").exists()
    _plain_git_reads_it(desk.root)
    desk.run("note", tid, "After the fold")
    _plain_git_reads_it(desk.root)


def test_loose_objects_are_packed_when_gc_auto_says_so(desk: Desk) -> None:
    git_dir = desk.root / ".git"
    _git(desk.root, "config", "gc.auto", "256")  # at most 1 loose object in objects/17
    _loose_in_sample(desk.root, 2)
    assert housekeeping.pack_due(git_dir, inproc.config(desk.root, git_dir))
    assert not housekeeping.pack_due(git_dir, {"gc.auto": "0"})  # 0: never, as for git gc
    assert not housekeeping.pack_due(git_dir, {})  # git's default, 6,700: 27 in the sample
    assert housekeeping.run(desk.root) == "packed"
    assert _sample(desk.root) == []
    assert "count: 0" in _git(desk.root, "count-objects", "-v")
    _plain_git_reads_it(desk.root)


def test_a_commit_starts_it_detached_and_it_waits_for_the_lock(desk: Desk) -> None:
    tid = desk.new("-T", "Printer jams")
    _git(desk.root, "config", "gc.auto", "256")
    _loose_in_sample(desk.root, 2)
    env = {**os.environ, "SDESK_NOW": NOW}
    proc = subprocess.run([sys.executable, "-m", "sdesk", "note", tid, "Called back"],
                          cwd=desk.root, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    deadline = time.monotonic() + 120
    while _sample(desk.root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _sample(desk.root) == []  # packed by the process the note started
    while (desk.root / ".git" / "sdesk" / housekeeping.STARTED).exists() and \
            time.monotonic() < deadline:
        time.sleep(0.2)
    _plain_git_reads_it(desk.root)
    desk.run("note", tid, "After the pack")
    _plain_git_reads_it(desk.root)


def test_it_gives_up_while_writers_hold_the_lock(desk: Desk,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    desk.new("-T", "Printer jams")
    monkeypatch.setattr(housekeeping, "FOLD_ENTRIES", 1)
    monkeypatch.setattr(housekeeping, "LOCK_WAIT_S", 0.2)
    with open(desk.root / ".git" / "sdesk" / "lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert housekeeping.run(desk.root) == "busy"
    assert housekeeping.run(desk.root) == "folded"
