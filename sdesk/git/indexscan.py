"""git's index read a megabyte at a time for what sdesk asks of it, where a git command would
hold the whole index (issue 17, peak memory: `git ls-files -u` of `sdesk check` peaked at 324
MiB at a million tickets).

A split index (what `sdesk init` sets) is walked with its fold's own reader
(sdesk/git/splitfold.py `walk`: the shared index's entries deleted, replaced or kept, the
small file's added ones merged in by name), an index that is not split with
sdesk/git/splitindex.py's `Entries`; the entries come in git's order, a piece of a few
thousand at a time, conflict entries (stages 1-3) included. Anything else (index format 4, a
path of 4,095 bytes or more, bitmaps that do not add up) raises `splitindex.Unsupported` and
the caller asks git.
"""

from __future__ import annotations

import os
import stat
import struct
from collections.abc import Callable
from pathlib import Path

from sdesk.git.splitindex import _HEAD, Entries, Unsupported

PIECE = 8192  # entries given at a time
_STAGE_BITS = 0x30  # the stage in the high byte of an entry's flags (byte 60 of the entry)

Take = Callable[[list[bytes], list[bytes]], None]  # (entries, their paths), in git's order


class _Sink:
    """The entries as they come, handed to `take` a piece at a time (splitfold.Sink)."""

    def __init__(self, take: Take) -> None:
        self.take = take
        self.parts: list[bytes] = []
        self.names: list[bytes] = []

    def flush(self) -> None:
        if self.names:
            self.take(self.parts, self.names)
        self.parts.clear()
        self.names.clear()


def scan(git_dir: Path, take: Take) -> None:
    """Give every entry of git's index (`git_dir`/index; none when there is no index) to
    `take` in git's order (by path, then stage), as (entries, their paths) a piece at a time:
    each entry whole (stat data, blob id at bytes 40-60, flags at 60-62; a replaced entry of
    a split index with its shared entry's name). The lists are reused after `take` returns.
    Raises Unsupported (see the module docstring) or OSError (a shared index gone)."""
    from sdesk.git import splitfold

    index = git_dir / "index"
    if not index.exists():
        return
    sink = _Sink(take)
    try:
        splitfold.walk(git_dir, index, sink)
        return
    except splitfold.NotSplit:
        pass
    with open(index, "rb") as fh:
        signature, version, count = _HEAD.unpack(fh.read(_HEAD.size))
        if signature != b"DIRC" or version not in (2, 3):
            raise Unsupported(f"index format {version}")
        for name, raw in Entries(fh, count, version, stages=True):
            sink.parts.append(raw)
            sink.names.append(name)
            if len(sink.names) >= PIECE:
                sink.flush()
    sink.flush()


def unmerged(git_dir: Path) -> list[bytes]:
    """The paths git's index holds at a stage above 0 (an unmerged path: a merge stopped on a
    conflict), each once, in git's order: what `git ls-files -u` lists, without git reading
    the whole index. Raises Unsupported or OSError (the caller asks git)."""
    found: list[bytes] = []

    def take(parts: list[bytes], names: list[bytes]) -> None:
        for raw, name in zip(parts, names, strict=True):
            if raw[60] & _STAGE_BITS and (not found or found[-1] != name):
                found.append(name)

    scan(git_dir, take)
    return found


# -- a plan's paths against HEAD, by the index's stat data -----------------------------------------

_STAT = struct.Struct(">10I")  # ctime s, ns, mtime s, ns, dev, ino, mode, uid, gid, size
_MASK32 = 0xFFFFFFFF


class _GitAnswers(Exception):
    """A path that is a link or a folder: left to git (sdesk.git.uncommitted)."""


def uncommitted(top: Path, git_dir: Path, head: str, paths: list[str]) -> list[str] | None:
    """The `paths` (sorted, each once; relative to `top`) whose file differs from HEAD's blob
    (what inproc.uncommitted answers) in one pass over git's index beside HEAD's trees: a file
    whose stat data are the ones its index entry records (not written in the second the index
    was, git's racy rule), and whose entry holds HEAD's blob, is as HEAD has it without being
    read; any other file is read and hashed. None when git has to answer (inproc.Fast.open's
    list, a link or a folder on a path, an index this module leaves to git)."""
    from bisect import bisect_left

    from sdesk.git import inproc, odb

    fast = inproc.Fast.open(top, git_dir)
    if fast is None:
        return None
    dirty: list[str] = []
    try:
        fast.check_paths(paths)
        heads = inproc._head_entries(fast, head, paths)
        decide = _Decide(str(top), _racy_from(git_dir), dirty)
        at = 0

        def take(parts: list[bytes], names: list[bytes]) -> None:
            nonlocal at
            lo = 0
            while at < len(paths):
                name = paths[at].encode("utf-8", "surrogateescape")
                if name > names[-1]:
                    return
                lo = bisect_left(names, name, lo)
                entry = parts[lo] if names[lo] == name and not parts[lo][60] & _STAGE_BITS \
                    else None
                decide(next(heads), entry)
                at += 1

        scan(git_dir, take)
        for _ in range(at, len(paths)):
            decide(next(heads), None)
        return dirty
    except (_GitAnswers, Unsupported, inproc.Unsupported, odb.Unsupported, odb.MissingObject,
            OSError, ValueError, IndexError, struct.error):
        return None


def _racy_from(git_dir: Path) -> int:
    """The second from which an entry's recorded time makes it racy: the oldest of the index
    files' times (the small file and its shared index), as git's racy rule takes the index's."""
    from sdesk.git import splitfold

    index = git_dir / "index"
    st = os.stat(index)
    newest = st.st_mtime_ns
    with open(index, "rb") as fh:
        found = splitfold._link_from_end(fh, st.st_size)
    if found is not None:
        newest = min(newest, os.stat(git_dir / f"sharedindex.{found[0].hex()}").st_mtime_ns)
    return newest // 1_000_000_000


class _Decide:
    """One path's answer: appended to `dirty` when its file differs from HEAD's blob."""

    def __init__(self, top: str, racy_from: int, dirty: list[str]) -> None:
        self.top, self.racy_from, self.dirty = top, racy_from, dirty

    def __call__(self, head: tuple[str, tuple[bytes, bytes] | None], entry: bytes | None
                 ) -> None:
        from sdesk.git import odb

        path, in_head = head
        full = os.path.join(self.top, path)
        try:
            st = os.lstat(full)
        except (FileNotFoundError, NotADirectoryError):
            if in_head is not None:
                self.dirty.append(path)
            return
        if not stat.S_ISREG(st.st_mode):
            raise _GitAnswers(path)
        if in_head is None:
            self.dirty.append(path)
        elif entry is None or entry[40:60] != in_head[1] or not self.same(entry, st):
            with open(full, "rb") as fh:
                if odb.blob_id(fh.read()) != in_head[1]:
                    self.dirty.append(path)

    def same(self, entry: bytes, st: os.stat_result) -> bool:
        """The file's stat data are the entry's (every field git records), and not racy."""
        recorded = _STAT.unpack_from(entry)
        mode = 0o100755 if st.st_mode & 0o100 else 0o100644
        now = (st.st_ctime_ns // 1_000_000_000 & _MASK32, st.st_ctime_ns % 1_000_000_000,
               st.st_mtime_ns // 1_000_000_000 & _MASK32, st.st_mtime_ns % 1_000_000_000,
               st.st_dev & _MASK32, st.st_ino & _MASK32, mode, st.st_uid & _MASK32,
               st.st_gid & _MASK32, st.st_size & _MASK32)
        return recorded == now and recorded[2] < self.racy_from
