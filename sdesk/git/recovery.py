"""Crash safety for mutating commands.

Before a command writes any file it records its intent (the paths, the HEAD it started from and
its pid) in .git/sdesk/pending.json; after its commit it removes the record. If a command is
killed in between, the next mutating command (under the store lock, so the killed one is gone)
finds the record and rolls the half-done change back: files return to HEAD's content, files HEAD
does not have are removed, the git index entries for those paths are reset, and temporary files
the killed command left next to them are removed. If the commit did land (HEAD moved), only the
record is removed: the command had finished. Either way the store is as if the killed command
had not run, or had run completely. Recovery is idempotent: killed while recovering, it simply
runs again next time. See docs/crash-safety.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from sdesk import git
from sdesk.core.untrusted import link_in
from sdesk.store import atomic_write

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any

    from sdesk.store import Store

PENDING = "pending.json"
MERGING = "sync-merge.json"  # sdesk sync is merging; the HEAD it merges onto


def begin(store: Store, git_paths: Iterable[str]) -> None:
    """Record the intent: {"head", "paths" (sorted, each once), "pid"}, written as it is made
    (a sweep at a million tickets records ~300,000 paths: the set, the JSON text and its bytes
    held at once were ~40 MB on top of the batch)."""
    head = git.read_head(store.git_dir)
    paths = sorted(git_paths)

    def parts() -> Iterator[bytes]:
        yield b'{"head": ' + json.dumps(head).encode() + b', "paths": ['
        chunk: list[str] = []
        previous, first = None, True
        for path in paths:
            if path != previous:
                chunk.append(json.dumps(path))
                previous = path
            if len(chunk) >= 1000:
                yield (", " * (not first) + ", ".join(chunk)).encode()
                chunk, first = [], False
        if chunk:
            yield (", " * (not first) + ", ".join(chunk)).encode()
        yield b'], "pid": %d}' % os.getpid()

    store.state_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(store.state_dir / PENDING, parts())


def end(store: Store) -> None:
    (store.state_dir / PENDING).unlink(missing_ok=True)


def begin_merge(store: Store, theirs: str = "") -> None:
    """sdesk sync runs: its git steps and the merge of `theirs` (a commit id, when known)
    onto the current HEAD."""
    store.state_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(store.state_dir / MERGING, json.dumps(
        {"head": git.read_head(store.git_dir), "theirs": theirs, "pid": os.getpid()}).encode())


def end_merge(store: Store) -> None:
    (store.state_dir / MERGING).unlink(missing_ok=True)


def _recover_merge(store: Store) -> list[str]:
    """A sync killed during its merge: if the merge commit did not land, abort the merge (the
    next sync does it again); returns what was undone."""
    path = store.state_dir / MERGING
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        record = {}
    undone: list[str] = []
    # Every git step of a sync held the store lock (sdesk/git/sync.py), which the caller holds
    # now: a git lock file left behind is a dead git's, never a live one's.
    _remove_git_locks(store.git_dir)
    record = record if isinstance(record, dict) else {}
    theirs = record.get("theirs")
    started = isinstance(theirs, str) and bool(theirs)  # the merge (or fast-forward) began
    # Only the merge sync started (MERGE_HEAD is the commit it recorded): a merge the user
    # began by hand afterwards is theirs to finish or abort.
    merging = started and _merge_head(store) == theirs
    if (store.git_dir / "MERGE_HEAD").exists() and not merging:
        end_merge(store)
        return undone
    if merging or (started and record.get("head") == git.read_head(store.git_dir)):
        # `reset --merge` is what `merge --abort` does, and works too when git was killed
        # before it wrote MERGE_HEAD; changes of the user's own outside the merge are kept.
        git.run(["reset", "--merge", "-q"], store.top, check=False)
        undone += _restore_watched(store)
        if isinstance(theirs, str) and theirs:
            undone += _remove_checked_out(store, theirs)
        if merging:
            undone.append(".git/MERGE_HEAD (the merge of an interrupted sdesk sync)")
    end_merge(store)
    return undone


def _restore_watched(store: Store) -> list[str]:
    """Files of the store's own folders a killed merge left deleted or cut short, put back as
    HEAD has them; returns their paths. `reset --merge` keeps work-tree changes as the user's,
    but sync starts only on a clean store (sdesk/git/sync.py, `dirty_paths`), so every such
    change under its watched paths is the dead git's."""
    from sdesk.git.sync import WATCHED

    out = git.run(["ls-files", "-z", "--deleted", "--modified", "--", *WATCHED], store.top,
                  check=False).stdout
    paths = sorted({p for p in out.split("\0") if p})
    if paths:
        git.run(["checkout", "HEAD", "--pathspec-from-file=-", "--pathspec-file-nul"],
                store.top, input="\0".join(paths) + "\0", check=False)
    return paths


def _merge_head(store: Store) -> str:
    try:
        return (store.git_dir / "MERGE_HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _remove_git_locks(git_dir: Path) -> None:
    for name in ("index.lock", "HEAD.lock", "config.lock", "packed-refs.lock",
                 "ORIG_HEAD.lock", "FETCH_HEAD.lock", "MERGE_HEAD.lock"):
        (git_dir / name).unlink(missing_ok=True)
    for lock in (git_dir / "refs").rglob("*.lock"):
        lock.unlink(missing_ok=True)


def _remove_commit_locks(store: Store) -> None:
    """The lock files a command killed in its commit left: sdesk writes git's index and moves
    the branch in-process (sdesk/git/splitindex.py, inproc.py), under `index.lock` and
    `refs/heads/BRANCH.lock`. Only locks made after the command's record go: a git command of
    the user's that started before it keeps its own."""
    try:
        since = (store.state_dir / PENDING).stat().st_mtime_ns
        head = (store.git_dir / "HEAD").read_text(encoding="utf-8")
    except OSError:
        return
    locks = [store.git_dir / "index.lock"]
    if head.startswith("ref: refs/"):
        locks.append(store.git_dir / (head[5:].strip() + ".lock"))
    for lock in locks:
        try:
            if lock.stat().st_mtime_ns >= since:
                lock.unlink()
        except OSError:
            pass


def _remove_checked_out(store: Store, theirs: str) -> list[str]:
    """Untracked files a killed checkout of `theirs` wrote: exactly `theirs`' content at
    their path (anything else is the user's and stays)."""
    out = git.run(["status", "--porcelain", "-z", "--untracked-files=all", "--",
                   "tickets", "outbox", "kb"], store.root, check=False).stdout
    # Porcelain paths are relative to the top of the work tree, as `theirs:PATH` wants them.
    untracked = [e[3:] for e in out.split("\0") if e.startswith("?? ")]
    if not untracked:
        return []
    present = _present_in(store, theirs, untracked)
    removed = []
    for path in untracked:
        if path not in present or link_in(store.top, store.top / path):
            continue
        blob = git.run(["cat-file", "blob", f"{theirs}:{path}"], store.top, check=False)
        target = store.top / path
        if blob.returncode == 0 and target.read_bytes() == blob.stdout.encode("utf-8"):
            target.unlink()
            removed.append(path)
    return removed


def _safe_paths(store: Store, raw: Any) -> list[str]:
    """Paths from the record that stay inside the work tree (the record is a file anyone could
    edit; recovery must never delete outside the store)."""
    if not isinstance(raw, list):
        return []
    out = []
    for p in raw:
        if not isinstance(p, str) or not p or "\0" in p:
            continue
        parts = PurePosixPath(p).parts
        if PurePosixPath(p).is_absolute() or ".." in parts or (parts and parts[0] == ".git"):
            continue
        out.append(p)
    return out


def read_record(store: Store) -> dict[str, Any] | None:
    path = store.state_dir / PENDING
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        # A torn record cannot be: atomic_write renames whole files. Treat garbage as empty.
        return {"head": None, "paths": []}
    return record if isinstance(record, dict) else {"head": None, "paths": []}


def last_recovered(store: Store) -> list[str]:
    """The paths recovery rolled back on this Store object, each once, in order (for `sdesk
    check`: the settling every command does first, Store.settle_interrupted, may have rolled
    them back before check took the lock itself)."""
    return list(dict.fromkeys(store.__dict__.get("recovered", [])))


def recover(store: Store) -> list[str]:
    """Finish or roll back a command that was killed; returns the paths rolled back.
    The caller holds the store lock."""
    rolled = _recover(store)
    store.__dict__.setdefault("recovered", []).extend(rolled)
    return rolled


def _recover(store: Store) -> list[str]:
    _remove_temp_files(store.state_dir)
    merge = _recover_merge(store)
    record = read_record(store)
    if record is None:
        return merge
    head = git.read_head(store.git_dir)
    paths = _safe_paths(store, record.get("paths"))
    if record.get("head") != head or not paths:
        end(store)  # the commit landed (or nothing was written): nothing to undo
        return merge
    _remove_commit_locks(store)
    # Paths travel on stdin, never on the command line: an import may have written 25,000.
    listing = "\0".join(paths) + "\0"
    from_stdin = ["--pathspec-from-file=-", "--pathspec-file-nul"]
    in_head: set[str] = set()
    if head:
        in_head = _present_in(store, head, paths)
        # Reset the index entries of these paths to HEAD (removes entries HEAD lacks).
        git.run(["reset", "-q", head, *from_stdin], store.top, input=listing, check=False)
    else:
        git.run(["rm", "-q", "--cached", "--ignore-unmatch", *from_stdin], store.top,
                input=listing, check=False)
    restore = [p for p in paths if p in in_head]
    if restore:
        git.run(["checkout", head, *from_stdin], store.top, input="\0".join(restore) + "\0")
    for p in paths:
        # Never through a link: a shard folder a collaborator made a link would send the
        # delete outside the store (the file itself, a link, is removed, not its target).
        if p not in in_head and not link_in(store.top, (store.top / p).parent):
            (store.top / p).unlink(missing_ok=True)
    for folder in {(store.top / p).parent for p in paths}:
        if not link_in(store.top, folder):
            _remove_temp_files(folder)
    end(store)
    return merge + paths


def _present_in(store: Store, commit: str, paths: list[str]) -> set[str]:
    """Which paths the commit has (one `cat-file --batch-check` for any number of paths)."""
    query = "".join(f"{commit}:{p}\n" for p in paths)
    out = git.run(["cat-file", "--batch-check=%(objecttype)"], store.top, input=query).stdout
    return {p for p, kind in zip(paths, out.splitlines(), strict=True) if kind == "blob"}


def _remove_temp_files(folder: Path) -> None:
    """Temporary files of atomic_write (.NAME.PID.tmp) whose writer is dead."""
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".")
                      and p.name.endswith(".tmp")]
    except FileNotFoundError:
        return
    for tmp in candidates:
        pid = tmp.name.rsplit(".", 2)[-2]
        if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
            continue
        tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
