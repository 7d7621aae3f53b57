"""One commit of many files whose contents the caller already hashed (a sweep or a triage
batch of thousands of tickets: issue 17, peak memory), held to a flat memory whatever the size.

`sdesk.git.commit_paths` builds a big commit's tree with `git update-index` and `git
write-tree`, which read and write the whole git index (~100 MB of it in a git process at a
million tickets), and takes the message as one string (a sweep's plan is ~60 MB of text at a
million). Here:

1. the new blobs arrive as one `git fast-import` stream the caller wrote to a temporary file
   while it rendered the files, with their ids (`blob_id`: git's SHA-1 of the bytes written;
   the caller checked that git converts nothing, `Fast.open`);
2. the trees are HEAD's, rebuilt folder by folder along the changed paths only, depth first:
   one branch of the folder tree is held at a time, and each tree read is not kept;
3. git's index is updated by the changed entries (`sdesk.git.update_index`: the small file of
   the split index);
4. the commit object is written with its message streamed from the caller's parts.

Anything unusual (no HEAD, a repository `Fast.open` refuses, a shape gittree leaves to git)
goes the way of `commit_paths` (git builds the tree; the message is handed to git from a
temporary file). The objects are those `git write-tree` and `git commit-tree` make:
tests/test_batch_apply.py compares the commits of both ways.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sdesk.git import Identity, find_git_dir, read_head, run

if TYPE_CHECKING:
    from sdesk.git.inproc import Fast

Parts = Callable[[], Iterable[bytes]]  # the message, as often as it is asked for
TREE_MODE = b"40000"
STREAM_TREE_ABOVE = 5000  # new files in one folder (a sweep's mails): its tree written as it goes


def blob_id(data: bytes) -> bytes:
    """The 20-byte id git gives `data` as a blob (no filter or conversion)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).digest()


def commit_blobs(top: Path, blobs: Mapping[str, bytes], pack: BinaryIO, message: Parts,
                 size: int, author: Identity, subject: str) -> str:
    """Commit exactly `blobs` ({path relative to `top`: 20-byte blob id}, every file already
    in the work tree with those bytes) on top of HEAD; returns the new commit's id. `pack` is
    the blobs' `git fast-import` stream, `message` gives the commit message's UTF-8 parts
    (`size` bytes in all), `subject` its first line (for the reflog). Raises GitError when git fails."""
    from sdesk.git import gittree, inproc, odb, update_index

    found = find_git_dir(top)
    assert found is not None
    git_dir = found[1]
    head = read_head(git_dir)
    pack.seek(0)
    run(["fast-import", "--quiet"], top, input=pack, keep_lock=True)
    paths = sorted(blobs)
    fast = inproc.Fast.open(top, git_dir) if head else None
    reason = "sdesk: " + subject
    if fast is not None and fast.ready(author):
        try:
            fast.check_paths(paths)
            modes = _Modes(top, blobs)
            tree = _rebuild(fast, head, paths, modes)
        except (gittree.Unsupported, inproc.Unsupported, odb.Unsupported, odb.MissingObject):
            pass
        else:
            update_index(top, git_dir, paths, modes, "", fold=False)  # the listing: if git needs it
            commit = fast.commit_parts(tree, head, message(), size, author)
            try:
                fast.update_ref(commit, head, reason)
            except inproc.Unsupported:
                run(["update-ref", "-m", reason, "HEAD", commit, head], top, keep_lock=True)
            return commit
    from sdesk.git import _tree_from_index

    tree = _tree_from_index(top, git_dir, head, paths, "\0".join(paths) + "\0")
    env = {"GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email}
    with tempfile.TemporaryFile() as text:
        for part in message():
            text.write(part)
        text.seek(0)
        commit = run(["commit-tree", tree, *(["-p", head] if head else []), "-F", "-"], top,
                     input=text, env=env, keep_lock=True).stdout.strip()
    run(["update-ref", "-m", reason, "HEAD", commit, head or ""], top, keep_lock=True)
    return commit


class _Modes(Mapping[str, tuple[bytes, bytes]]):
    """{path: (mode, blob id)} of a batch's files, the mode read from the file when asked (a
    dict of them held ~100 bytes a path: ~30 MB for a sweep of 300,000 files)."""

    def __init__(self, top: Path, blobs: Mapping[str, bytes]) -> None:
        self.top, self.blobs = top, blobs

    def __getitem__(self, path: str) -> tuple[bytes, bytes]:
        from sdesk.git import gittree

        return gittree._file_mode(self.top / path), self.blobs[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.blobs)

    def __len__(self) -> int:
        return len(self.blobs)

    def __contains__(self, path: object) -> bool:
        return path in self.blobs


def _rebuild(fast: Fast, head: str, paths: list[str], blobs: Mapping[str, tuple[bytes, bytes]]
             ) -> str:
    """HEAD's root tree with `paths` (sorted) set to their `blobs` ((mode, id)); the new
    tree's id."""
    body = fast.objects.commit_head(bytes.fromhex(head))[1]
    root = bytes.fromhex(body[5:45].decode())
    return _folder(fast, root, (paths, blobs), 0, len(paths), "").hex()


def _folder(fast: Fast, old: bytes | None,
            batch: tuple[list[str], Mapping[str, tuple[bytes, bytes]]], low: int, high: int,
            prefix: str) -> bytes:
    """The tree `old` (None: a new folder) with paths[low:high] (sorted, all under `prefix`,
    the folder's path and "/", "" at the root) set: sub-folders first rebuilt the same way,
    then this tree written; its id. Only this tree and its parents' are held; the paths are
    cut as each folder is reached (a list of every path cut into its parts held ~300 bytes a
    path)."""
    from bisect import bisect_left

    from sdesk.git import gittree, odb

    paths, blobs = batch
    tree = gittree._parse(fast.objects.read_once(old)[1]) if old is not None else {}
    if high - low > STREAM_TREE_ABOVE and not any("/" in paths[k][len(prefix):]
                                                  for k in range(low, high)):
        return _flat(fast, tree, batch, range(low, high), prefix)
    i = low
    while i < high:
        path = paths[i]
        name, slash, _ = path[len(prefix):].partition("/")
        key = name.encode("utf-8", "surrogateescape")
        here = tree.get(key)
        if not slash:
            if here is not None and here[0] == TREE_MODE:
                raise gittree.Unsupported(f"{key!r} was a folder")
            tree[key] = blobs[path]
            i += 1
            continue
        inner = prefix + name + "/"
        j = bisect_left(paths, prefix + name + "0", i, high)  # "0" follows "/": past the folder
        if here is not None and here[0] != TREE_MODE:
            raise gittree.Unsupported(f"{key!r} was a file")
        tree[key] = (TREE_MODE, _folder(fast, here[1] if here else None, batch, i, j, inner))
        i = j
    return bytes.fromhex(odb.write_loose(fast.objects.dir, b"tree", gittree._serialise(tree)))


def _flat(fast: Fast, tree: dict[bytes, tuple[bytes, bytes]],
          batch: tuple[list[str], Mapping[str, tuple[bytes, bytes]]], rows: range, prefix: str
          ) -> bytes:
    """`_folder` for a folder whose batch items are all files, many of them (a sweep's mails in
    outbox/: ~170,000 at a million tickets): the tree `tree` with them set, written as its
    entries come in git's order (the old entries merged in), its size counted in a first pass:
    a dict of every entry and the tree's bytes are never held."""
    from sdesk.git import gittree, odb

    paths, blobs = batch
    old = sorted((n + b"/" if v[0] == TREE_MODE else n, n, v) for n, v in tree.items())

    def entries() -> Iterator[tuple[bytes, tuple[bytes, bytes]]]:
        k = 0
        for row in rows:
            path = paths[row]
            name = path[len(prefix):].encode("utf-8", "surrogateescape")
            if name in tree and tree[name][0] == TREE_MODE:
                raise gittree.Unsupported(f"{name!r} was a folder")
            while k < len(old) and old[k][0] < name:
                yield old[k][1], old[k][2]
                k += 1
            if k < len(old) and old[k][0] == name:
                k += 1  # the file this one replaces
            yield name, blobs[path]
        for _, name, value in old[k:]:
            yield name, value

    size = sum(len(mode) + len(name) + 22 for name, (mode, _) in entries())
    parts = (mode + b" " + name + b"\0" + oid for name, (mode, oid) in entries())
    return bytes.fromhex(odb.write_loose_parts(fast.objects.dir, b"tree", size, parts))
