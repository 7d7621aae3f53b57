"""git's housekeeping for a store, off the path of the command that makes it due.

Two things grow with every ticket commit and need tidying now and then:

- **The small file of the split index** (sdesk/git/splitindex.py). Past SPLIT_MAX entries its
  entries are folded into a new shared index, with the new shared index's table of paths
  (sdesk/git/splitfold.py, a megabyte at a time: ~1 s CPU and ~30 MiB at a million tickets,
  where `git update-index --split-index` held ~256 MiB). Before, the commit that crossed the
  line did it: once every 1,000 commits, one command took 1-2 s longer at a million.
- **Loose objects**: ~6 per ticket commit (blob, trees, commit). git's porcelain runs
  `git gc --auto` after a commit, plumbing never does, so a store never packed them: a year of
  a busy desk is over a million files under .git/objects. `git gc --auto` itself is not the
  answer at this size: besides packing it prunes, which walks every object of the history
  (minutes at a million tickets), and expires reflogs (the whole HEAD reflog read and
  rewritten).

So after each commit `after_commit` makes two cheap checks (the entry count in the small
index file's header; the loose objects in one of the 256 fan-out folders, the estimate
`git gc --auto` makes, against the same `gc.auto` threshold, 6,700 by default, 0 = never) and,
when either is due, starts this module as a detached process and returns. That process takes
the store lock once the command that started it (and any writer queued behind it) has let go,
giving up after LOCK_WAIT_S (the next commit starts it again); then it folds the index
(the new shared index written beside it, the small file swapped in under git's index.lock:
`fold`), and packs the loose objects with
`git repack -d -l --geometric=2` (loose objects and small packs rolled into one pack, with no
walk of the whole history; big packs are left alone; `git fsck` clean). Only a writing command
that arrives while it runs waits for it, as it waits for any other writer; reads never take
the store lock. A split index that reaches SPLIT_MAX entries anyway (the process could not
run) is folded by the commit itself, as before. docs/performance.md ("git's housekeeping") has
the figures.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

FOLD_ENTRIES = 700  # entries in the small file of the split index (SPLIT_MAX: the commit folds)
SAMPLE = "17"  # the fan-out folder `git gc --auto` counts
STARTED = "housekeeping.started"  # in .git/sdesk/: when one was last started (not again soon)
AGAIN_AFTER_S = 600
LOCK_WAIT_S = 60  # for the store lock: writers come and go; give up after this


def after_commit(top: Path, git_dir: Path, state_dir: Path, config: dict[str, str]) -> bool:
    """Start the housekeeping process when the index wants folding or loose objects piled up
    (`config`: git's configuration, keys lower-case, as sdesk/git/inproc.py reads it). True
    when one was started. Never raises: housekeeping is never worth failing a command for."""
    try:
        if not (fold_due(git_dir) or pack_due(git_dir, config)):
            return False
        marker = state_dir / STARTED
        try:
            if time.time() - marker.stat().st_mtime < AGAIN_AFTER_S:
                return False  # one is running or just ran
        except FileNotFoundError:
            pass
        marker.write_text(str(os.getpid()))
        import subprocess

        subprocess.Popen([sys.executable, "-m", "sdesk.git.housekeeping", str(top)], cwd=top,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        return True
    except (OSError, ValueError):
        return False


def fold_due(git_dir: Path) -> bool:
    """The small file of a split index holds FOLD_ENTRIES entries or more (its header's
    count; a whole index never folds)."""
    try:
        with open(git_dir / "index", "rb") as handle:
            head = handle.read(12)
        return head[:4] == b"DIRC" and int.from_bytes(head[8:12], "big") >= FOLD_ENTRIES \
            and any(p.name.startswith("sharedindex.") for p in os.scandir(git_dir))
    except OSError:
        return False


def pack_due(git_dir: Path, config: dict[str, str]) -> bool:
    """More loose objects than `gc.auto` allows, estimated as git does: more than
    gc.auto / 256 (rounded up) in objects/17."""
    try:
        limit = int(config.get("gc.auto", "6700"))
    except ValueError:
        limit = 6700
    if limit <= 0:
        return False
    threshold = (limit + 255) // 256
    try:
        names = os.listdir(git_dir / "objects" / SAMPLE)
    except OSError:
        return False
    return sum(1 for n in names if len(n) == 38) > threshold


def run(top: Path) -> str:
    """The housekeeping itself, under the store lock (`Store.lock`, waited for up to
    LOCK_WAIT_S): returns what was done ("busy" when writers held the lock all that time)."""
    from sdesk.core.errors import LockTimeout, SdeskError
    from sdesk.store import Store

    try:
        store = Store(top)
    except SdeskError:
        return "no repository"
    started = store.state_dir / STARTED
    try:
        with store.lock("housekeeping", timeout=LOCK_WAIT_S):
            try:
                return _tidy(top, store.git_dir)
            finally:
                started.unlink(missing_ok=True)
    except LockTimeout:  # the command that started it, and writers behind it, kept it
        started.unlink(missing_ok=True)  # the next commit tries again
        return "busy"


def _tidy(top: Path, git_dir: Path) -> str:
    from sdesk import git
    from sdesk.git import inproc, splitindex

    done = []
    if fold_due(git_dir) and fold(top, git_dir):
        splitindex.positions(git_dir, splitindex.read(git_dir / "index").base, [])
        done.append("folded")
    if pack_due(git_dir, inproc.config(top, git_dir)):
        git.run(["repack", "-d", "-l", "-q", "--geometric=2"], top)
        done.append("packed")
    return " and ".join(done) or "nothing due"


def fold(top: Path, git_dir: Path) -> bool:
    """Fold the small file of the split index into a new shared index without holding git's
    index.lock while the fold works: sdesk/git/splitfold.py reads `.git/index` and the shared
    index a megabyte at a time and writes the new shared index and its table of paths (flat
    memory: git's own fold holds the whole index, ~256 MiB at a million tickets); then a small
    file linking to it replaces .git/index under index.lock, taken only for that swap and only
    if .git/index is still what was read. So a `git add` or `git reset` the user runs at that
    moment never meets "index.lock exists" for longer than the rename. False (nothing
    changed) when the index changed meanwhile or a git command holds its lock: the next commit
    starts the housekeeping again. An index sdesk's fold does not follow is folded by git
    (`_fold_by_git`)."""
    from sdesk.git import sharedwrite, splitfold, splitindex

    index = git_dir / "index"
    seen = os.stat(index)
    try:
        base = splitfold.fold(git_dir, index)
    except splitindex.Unsupported:
        return _fold_by_git(top, git_dir)
    try:
        splitindex.write(git_dir, splitindex.SplitIndex(2, base), seen)
    except (FileExistsError, splitindex.Unsupported):  # a git command is at work: not now
        _drop_unused(git_dir, git_dir / f"sharedindex.{base.hex()}")
        return False
    sharedwrite.prune_tables(git_dir, base)
    return True


def _fold_by_git(top: Path, git_dir: Path) -> bool:
    """`fold` by `git update-index --split-index` on a copy (GIT_INDEX_FILE; the new shared
    index is written into .git as usual), swapped in as `fold` does."""
    from sdesk import git
    from sdesk.git import splitindex

    index = git_dir / "index"
    copy = git_dir / "sdesk" / "fold.index"
    before = index.read_bytes()
    copy.write_bytes(before)
    try:
        git.run(["-c", "splitIndex.maxPercentChange=0", "update-index", "--split-index"], top,
                env={"GIT_INDEX_FILE": str(copy)})
        folded = copy.read_bytes()
        shared = git_dir / f"sharedindex.{splitindex.read(copy).base.hex()}"
        lock = git_dir / "index.lock"
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:  # a git command is at work on the index: not now
            _drop_unused(git_dir, shared)
            return False
        try:
            if index.read_bytes() != before:  # changed since the copy: not this fold
                os.close(fd)
                lock.unlink()
                _drop_unused(git_dir, shared)
                return False
            os.write(fd, folded)
            os.close(fd)
            fd = -1
            os.replace(lock, index)
            return True
        except BaseException:
            if fd >= 0:
                os.close(fd)
            lock.unlink(missing_ok=True)
            raise
    finally:
        copy.unlink(missing_ok=True)


def _drop_unused(git_dir: Path, shared: Path) -> None:
    """Remove the shared index a fold made and did not swap in, unless .git/index now names
    it: a git command that rewrote the index meanwhile (a `git reset` after a big batch) can
    have written the same shared index, under the same name."""
    from sdesk.git import splitindex

    try:
        if splitindex.read(git_dir / "index").base.hex() == shared.name[len("sharedindex."):]:
            return
    except (splitindex.Unsupported, OSError, ValueError, IndexError):
        return  # not readable as a split index now: leave the file to git's own expiry
    shared.unlink(missing_ok=True)
    (git_dir / "sdesk" / f"shared-{shared.name[len('sharedindex.'):]}.paths").unlink(
        missing_ok=True)


if __name__ == "__main__":
    run(Path(sys.argv[1]))
