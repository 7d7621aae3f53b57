"""Crash safety for mutating commands.

Before a command writes any file it records its intent (the paths and the HEAD it started from)
in .git/sdesk/pending.json; after its commit it removes the record. If a command is killed in
between, the next mutating command (under the store lock) finds the record and rolls the half-done
change back: files return to HEAD's content, files HEAD does not have are removed, and the git
index entries for those paths are reset. If the commit did land (HEAD moved), only the record is
removed. Either way the store is as if the killed command had not run, or had run completely.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sdesk import git
from sdesk.store import atomic_write

if TYPE_CHECKING:
    from sdesk.store import Store

PENDING = "pending.json"


def begin(store: Store, git_paths: Iterable[str]) -> None:
    record = {"head": git.read_head(store.git_dir), "paths": sorted(set(git_paths))}
    store.state_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(store.state_dir / PENDING, json.dumps(record).encode())


def end(store: Store) -> None:
    try:
        os.unlink(store.state_dir / PENDING)
    except FileNotFoundError:
        pass


def recover(store: Store) -> list[str]:
    """Finish or roll back a command that was killed; returns the paths rolled back."""
    path = store.state_dir / PENDING
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        record = {"head": None, "paths": []}
    head = git.read_head(store.git_dir)
    paths: list[str] = [p for p in record.get("paths", []) if isinstance(p, str)]
    if record.get("head") != head or not paths:
        end(store)  # the commit landed (or nothing was written): nothing to undo
        return []
    listing = "\0".join(paths) + "\0"
    in_head = set()
    if head:
        out = git.run(["ls-tree", "-r", "--name-only", "-z", head, "--", *paths], store.top).stdout
        in_head = {p for p in out.split("\0") if p}
    if head:
        # Reset the index entries of these paths to HEAD (removes entries HEAD lacks).
        git.run(["reset", "-q", head, "--", *paths], store.top, check=False)
    else:
        git.run(["rm", "-q", "--cached", "--ignore-unmatch", "-z", "--pathspec-from-file=-",
                 "--pathspec-file-nul"], store.top, input=listing, check=False)
    restore = [p for p in paths if p in in_head]
    if restore:
        git.run(["checkout", head, "--", *restore], store.top)
    for p in paths:
        if p not in in_head:
            try:
                os.unlink(store.top / p)
            except FileNotFoundError:
                pass
    end(store)
    return paths
