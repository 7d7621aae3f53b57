"""Moving a store's ticket files to the other folder layout in one commit (`sdesk migrate-folders`).

A store keeps its ticket files in 2 folder levels (tickets/R1/R2/ID.toml, the default) or 3
(tickets/R1/R2/BLOCK/ID.toml, for a million tickets: sdesk/ids.py, docs/ticket-format.md).
`[store] folder_levels` in sdesk.toml says which; sdesk reads a store in either. Moving one to
the other is one commit that renames every ticket file and changes that setting, so every clone
that pulls it gets both at once, and `git log --follow` still finds each ticket's history.

Every step can be run again after an interruption and carries on where it stopped:

1. write the setting into sdesk.toml (only when the work tree is clean: after that, a second
   run knows it is resuming);
2. move each ticket file in the work tree to its path in the new layout (found at either
   depth); remove the emptied folders;
3. commit: HEAD's tree with each ticket path of the old depth moved to the new one (a temporary
   git index filled in git's order; the blobs are unchanged, so no file is read);
4. git's own index: `read-tree HEAD` and a refresh (so `git status` is clean), then the summary
   index is rebuilt (every path changed).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sdesk import git
from sdesk.core import ids
from sdesk.core.errors import SdeskError

if TYPE_CHECKING:
    from sdesk.store import Store

CONFIG_NAME = "sdesk.toml"


class RelayoutError(SdeskError):
    """The store cannot be moved now (uncommitted ticket changes, an unknown layout)."""


@dataclass
class Moved:
    """What a migration did: files moved in the work tree, paths changed in the commit."""

    files: int
    committed: int
    commit: str


def _ticket_files(tickets: Path) -> Iterator[tuple[str, str]]:
    """(ticket ID, path relative to tickets/'s parent) of every ticket file at depth 2 or 3."""
    top = str(tickets.parent)
    for folder, dirs, files in os.walk(tickets):
        dirs[:] = [d for d in dirs if not d.startswith(".") and
                   not os.path.islink(os.path.join(folder, d))]
        rel_folder = os.path.relpath(folder, top).replace(os.sep, "/")
        for name in files:
            stem = name.removesuffix(".toml")
            if name.endswith(".toml") and ids.is_valid(stem):
                yield stem, f"{rel_folder}/{name}"


def move_files(store: Store, levels: int) -> int:
    """Step 2: rename every ticket file to its path in `levels`; returns how many moved."""
    moved = 0
    made: set[str] = set()
    root = str(store.root)
    emptied: set[str] = set()
    for ticket_id, rel in list(_ticket_files(store.tickets_dir)):
        target = ids.relative_path(ticket_id, levels)
        if target == rel:
            continue
        folder = target.rpartition("/")[0]
        if folder not in made:
            os.makedirs(os.path.join(root, folder), exist_ok=True)
            made.add(folder)
        os.replace(os.path.join(root, rel), os.path.join(root, target))
        emptied.add(rel.rpartition("/")[0])
        moved += 1
    for folder in sorted(emptied, key=len, reverse=True):
        _remove_empty(Path(root, folder), store.tickets_dir)
    return moved


def _remove_empty(folder: Path, stop: Path) -> None:
    while folder != stop:
        try:
            folder.rmdir()
        except OSError:  # not empty (the new layout's folders, or a stray file)
            return
        folder = folder.parent


def set_levels(store: Store, levels: int) -> None:
    """Step 1: `folder_levels = N` under [store] in sdesk.toml, the rest of the file as written."""
    path = store.root / CONFIG_NAME
    text = path.read_text(encoding="utf-8")
    line = f"folder_levels = {levels}"
    if re.search(r"(?m)^folder_levels\s*=.*$", text):
        text = re.sub(r"(?m)^folder_levels\s*=.*$", line, text, count=1)
    elif re.search(r"(?m)^\[store\]\s*$", text):
        text = re.sub(r"(?m)^\[store\]\s*$", "[store]\n" + line, text, count=1)
    else:
        text = f"[store]\n{line}\n\n" + text
    from sdesk.store import atomic_write

    atomic_write(path, text.encode("utf-8"))


def commit(store: Store, levels: int, message: str) -> tuple[int, str]:
    """Step 3: one commit moving every ticket path of HEAD to `levels` and recording
    sdesk.toml; (paths moved, commit id). Nothing is committed when HEAD is already there.

    The commit's tree comes from a temporary index filled with HEAD's whole listing, ticket
    paths renamed, in git's order: git then appends each entry (removing and adding a million
    entries one by one in a copy of HEAD's index moves the array at every step: hours)."""
    top, git_dir = store.top, store.git_dir
    head = git.read_head(git_dir)
    prefix = store.git_path(store.tickets_dir) + "/"
    config = store.git_path(store.root / CONFIG_NAME)
    listing = git.run(["ls-tree", "-r", "-z", "--full-tree", head], top).stdout
    entries: list[tuple[bytes, str]] = []
    moved = 0
    for item in listing.split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        if path == config:
            continue
        if path.startswith(prefix):
            rel = "tickets/" + path[len(prefix):]
            stem = rel.rpartition("/")[2].removesuffix(".toml")
            if ids.is_valid(stem) and ids.levels_of(rel) in ids.FOLDER_LEVELS:
                target = ids.relative_path(stem, levels)
                if target != rel:
                    path = path[:len(path) - len(rel)] + target
                    moved += 1
        entries.append((path.encode("utf-8", "surrogateescape"), f"{meta}\t{path}"))
    if not moved and not git.uncommitted(top, [config]):
        return 0, head
    blob = git.run(["hash-object", "-w", "--", config], top).stdout.strip()
    entries.append((config.encode(), f"100644 blob {blob}\t{config}"))
    entries.sort()  # git's order: the paths' bytes
    tmp_index = store.state_dir / "relayout.index"
    store.state_dir.mkdir(parents=True, exist_ok=True)
    tmp_index.unlink(missing_ok=True)
    env = {"GIT_INDEX_FILE": str(tmp_index)}
    try:
        git.run(["update-index", "-z", "--index-info"], top, env=env,
                input="".join(line + "\0" for _, line in entries))
        tree = git.run(["write-tree"], top, env=env).stdout.strip()
    finally:
        tmp_index.unlink(missing_ok=True)
    author = git.user_identity(top)
    new = git.run(["commit-tree", tree, "-p", head, "-F", "-"], top, input=message,
                  env={"GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email}
                  ).stdout.strip()
    git.run(["update-ref", "-m", "sdesk: " + message.splitlines()[0], "HEAD", new, head], top)
    return moved, new


def refresh_git_index(store: Store) -> None:
    """Step 4: git's index from the new HEAD, stat data refreshed, so `git status` is clean."""
    git.run(["read-tree", "HEAD"], store.top)
    git.run(["update-index", "-q", "--refresh"], store.top, check=False)


def migrate(store: Store, levels: int) -> Moved:
    """Move the store to `levels` folder levels (2 or 3) in one commit. RelayoutError when
    ticket files or sdesk.toml have changes not committed (they would be mixed in); a run that
    was interrupted (sdesk.toml already says `levels`) carries on without that check."""
    if levels not in ids.FOLDER_LEVELS:
        raise RelayoutError(f"folder levels: {levels} is not one of 2, 3")
    if store.folder_levels != levels:
        dirty = git.run(["status", "--porcelain", "--untracked-files=no", "--",
                         store.git_path(store.tickets_dir),
                         store.git_path(store.root / CONFIG_NAME)], store.top).stdout
        if dirty.strip():
            first = dirty.splitlines()[0][3:]
            raise RelayoutError(f"{first} has changes not committed; commit or revert them "
                                "before moving the ticket folders")
        set_levels(store, levels)
    files = move_files(store, levels)
    message = (f"migrate-folders: ticket files in {levels} folder levels\n\n"
               + git.trailers([("Sdesk-Action", "migrate-folders")]) + "\n")
    committed, new = commit(store, levels, message)
    refresh_git_index(store)
    return Moved(files, committed, new)
