"""git's index updated by the changed entries only, without reading the whole index.

`git update-index` loads every entry of the index before it changes one: ~9.6 MB at 100,000
tickets, ~96 MB at a million (~0.2 s), split index or not. With `core.splitIndex` (which
`sdesk init` sets), the index is two files: a big shared index (`.git/sharedindex.<sha>`, left
alone) and a small `.git/index` holding only the entries that differ from it, plus a `link`
extension naming the shared index and two bitmaps over its entries (deleted, replaced).
git's Documentation/technical/index-format.txt and split-index.txt describe both.

So a commit rewrites the small file only:

1. read `.git/index` (a few KB: the entries changed since the last split);
2. find each changed path's position in the shared index through a sorted table of its paths
   (`.git/sdesk/shared-<sha>.paths`, made once per shared index by reading it; git makes a new
   shared index only when asked, or past `splitIndex.maxPercentChange`);
3. write the new small file (entries with the changed files' stat data and blob ids; a replaced
   entry has an empty name, as git writes it) under `.git/index.lock`, renamed into place.

What git does not need is left out (the cache-tree and untracked-cache extensions are
optimisations git rebuilds). Anything unusual (no split index, index format 4, an extension git
requires that this code does not know, a conflict entry, a path over 4,095 bytes) raises
`Unsupported` and the caller runs `git update-index` instead. When the small file holds
SPLIT_MAX entries or more, they are first folded into a new shared index, a megabyte at a time
(sdesk/git/splitfold.py). tests/test_splitindex.py compares the result with what `git update-index` makes.
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field
from pathlib import Path

from sdesk.core.record import record
from sdesk.core.sha1 import sha1

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import BinaryIO

SPLIT_MAX = 1000  # entries in .git/index before git folds them into a new shared index
_HEAD = struct.Struct(">4sII")
_STAT = struct.Struct(">10I")  # ctime s, ns, mtime s, ns, dev, ino, mode, uid, gid, size
_ENTRY_FIXED = 62  # the 10 stat words, the 20-byte object id, the 16-bit flags
_EXTENDED = 0x4000
_STAGE = 0x3000
_NAMEMASK = 0x0FFF
_MASK32 = 0xFFFFFFFF


class Unsupported(Exception):
    """An index this module leaves to git (see the module docstring)."""


@record
class Change:
    """One path of a commit: its new blob (20 bytes) and mode, or `oid` None when deleted."""

    path: str
    oid: bytes | None
    mode: int = 0o100644


@record
class SplitIndex:
    """The small `.git/index` of a split index, parsed."""

    version: int
    base: bytes  # the shared index's id (the SHA-1 that ends its file and names it)
    deleted: set[int] = field(default_factory=set)
    replaced: dict[int, bytes] = field(default_factory=dict)  # base position -> entry bytes
    added: dict[bytes, bytes] = field(default_factory=dict)  # path -> entry bytes


# -- EWAH bitmaps (git's ewah/ewah_io.c serialisation) -----------------------------------------

def ewah_bits(data: bytes, pos: int) -> tuple[set[int], int]:
    """The set bits of the EWAH bitmap at data[pos:]; (bits, position after it)."""
    return set(ewah_iter(data, pos)), ewah_end(data, pos)


def ewah_end(data: bytes | memoryview, pos: int) -> int:
    """The position after the EWAH bitmap at data[pos:] (Unsupported when it is cut short)."""
    if pos + 8 > len(data):
        raise Unsupported("a truncated bitmap")
    end: int = pos + 8 + 8 * struct.unpack_from(">I", data, pos + 4)[0] + 4
    if end > len(data):
        raise Unsupported("a truncated bitmap")
    return end


def ewah_iter(data: bytes | memoryview, pos: int) -> Iterator[int]:
    """The set bits of the EWAH bitmap at data[pos:], in ascending order, one at a time (a
    million bits held as a set are ~40 MB)."""
    words = struct.unpack_from(">I", data, pos + 4)[0]
    ewah_end(data, pos)
    bit, i, at = 0, 0, pos + 8
    while i < words:
        rlw = struct.unpack_from(">Q", data, at + 8 * i)[0]
        run = (rlw >> 1) & _MASK32
        if rlw & 1:
            yield from range(bit, bit + 64 * run)
        bit += 64 * run
        i += 1
        if i + (rlw >> 33) > words:
            raise Unsupported("a damaged bitmap")
        for word in struct.unpack_from(f">{rlw >> 33}Q", data, at + 8 * i):
            while word:
                low = word & -word
                yield bit + low.bit_length() - 1
                word ^= low
            bit += 64
        i += rlw >> 33


def ewah_bytes(bits: Iterable[int]) -> bytes:
    """An EWAH bitmap of `bits`, as git serialises one: one marker word (a run of zero words,
    then one literal word) per 64-bit word that has a bit set."""
    words: dict[int, int] = {}
    for b in bits:
        words[b // 64] = words.get(b // 64, 0) | (1 << (b % 64))
    buffer: list[int] = []
    rlw_at, next_word = 0, 0
    for index in sorted(words):
        rlw_at = len(buffer)
        buffer += [((index - next_word) << 1) | (1 << 33), words[index]]
        next_word = index + 1
    if not buffer:
        buffer = [0]
    size = max(bits, default=-1) + 1
    return struct.pack(f">II{len(buffer)}QI", size, len(buffer), *buffer, rlw_at)


# -- the small index file -------------------------------------------------------------------------

def _name_at(data: bytes, pos: int, version: int, stages: bool = False) -> tuple[int, int]:
    """Where the name of the index entry at data[pos:] starts, and its length from the flags
    (_NAMEMASK: 4,095 bytes or more, the name ends at its NUL). Raises Unsupported for a
    conflict entry (unless `stages`: a reader that only looks) or an extended entry in a
    version 2 index."""
    flags = struct.unpack_from(">H", data, pos + 60)[0]
    if flags & _STAGE and not stages:
        raise Unsupported("a conflict entry (a merge in progress)")
    if flags & _EXTENDED and version < 3:
        raise Unsupported("an extended entry in a version 2 index")
    return pos + _ENTRY_FIXED + (2 if flags & _EXTENDED else 0), flags & _NAMEMASK


def _entries(data: bytes, count: int, pos: int, version: int) -> tuple[list[tuple[bytes, bytes]], int]:
    """(name, entry bytes) of `count` entries from data[pos:]; (entries, position after)."""
    out: list[tuple[bytes, bytes]] = []
    for _ in range(count):
        start, length = _name_at(data, pos, version)
        if length == _NAMEMASK:
            length = data.index(b"\0", start) - start
        end = pos + ((start - pos + length + 8) & ~7)
        out.append((data[start:start + length], data[pos:end]))
        pos = end
    return out, pos


def read(path: Path) -> SplitIndex:
    """Parse the small `.git/index` of a split index; Unsupported for anything else."""
    data = path.read_bytes()
    if len(data) < 32 or sha1(data[:-20]).digest() != data[-20:]:
        raise Unsupported("a damaged or unfinished index")
    signature, version, count = _HEAD.unpack_from(data)
    if signature != b"DIRC" or version not in (2, 3):
        raise Unsupported(f"index format {version}")
    entries, pos = _entries(data, count, _HEAD.size, version)
    link: SplitIndex | None = None
    while pos < len(data) - 20:
        name, size = struct.unpack_from(">4sI", data, pos)
        body = data[pos + 8:pos + 8 + size]
        pos += 8 + size
        if name == b"link":
            link = SplitIndex(version, body[:20])
            if len(body) > 20:
                link.deleted, at = ewah_bits(body, 20)
                replaced, at = ewah_bits(body, at)
                if at != len(body):
                    raise Unsupported("a link extension with more than two bitmaps")
                for position, (_, entry) in zip(sorted(replaced), entries, strict=False):
                    link.replaced[position] = entry
                if len(replaced) > len(entries):
                    raise Unsupported("more replacements than entries")
                for name_, entry in entries[len(replaced):]:
                    link.added[name_] = entry
            else:
                link.added = dict(entries)
        elif not b"A" <= name[:1] <= b"Z":
            raise Unsupported(f"an index extension git requires: {name.decode('latin-1')}")
    if link is None or link.base == b"\0" * 20:
        raise Unsupported("not a split index")
    return link


def write(git_dir: Path, index: SplitIndex, seen: os.stat_result | None = None) -> None:
    """Write `index` as `.git/index`, under git's own lock file (FileExistsError when a git
    command holds it; Unsupported when `.git/index` is no longer the file `seen` before)."""
    entries = [index.replaced[p] for p in sorted(index.replaced)]
    entries += [index.added[name] for name in sorted(index.added)]
    version = 3 if any(struct.unpack_from(">H", e, 60)[0] & _EXTENDED for e in entries) else 2
    link = index.base + ewah_bytes(index.deleted) + ewah_bytes(index.replaced)
    body = b"".join([_HEAD.pack(b"DIRC", version, len(entries)), *entries,
                     b"link", struct.pack(">I", len(link)), link])
    body += sha1(body).digest()
    lock = git_dir / "index.lock"
    fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        now = os.stat(git_dir / "index")
        if seen and (now.st_ino, now.st_size, now.st_mtime_ns) != (seen.st_ino, seen.st_size,
                                                                  seen.st_mtime_ns):
            raise Unsupported("the index changed meanwhile")
        os.write(fd, body)
        os.close(fd)
        os.replace(lock, git_dir / "index")
    except BaseException:
        lock.unlink(missing_ok=True)
        raise


def entry(top: Path, change: Change, strip_name: bool) -> bytes:
    """The index entry of a changed file: its stat data as git records it (32-bit fields),
    its blob id, and its name (empty for a replacement of a shared-index entry)."""
    assert change.oid is not None
    st = os.lstat(top / change.path)
    name = b"" if strip_name else change.path.encode("utf-8", "surrogateescape")
    if len(name) >= _NAMEMASK:
        raise Unsupported("a path over 4,094 bytes")
    fixed = _STAT.pack(st.st_ctime_ns // 1_000_000_000 & _MASK32, st.st_ctime_ns % 1_000_000_000,
                       st.st_mtime_ns // 1_000_000_000 & _MASK32, st.st_mtime_ns % 1_000_000_000,
                       st.st_dev & _MASK32, st.st_ino & _MASK32, change.mode, st.st_uid & _MASK32,
                       st.st_gid & _MASK32, st.st_size & _MASK32)
    raw = fixed + change.oid + struct.pack(">H", len(name)) + name
    return raw + b"\0" * (((len(raw) + 8) & ~7) - len(raw))


# -- positions in the shared index ----------------------------------------------------------------

def _table_path(git_dir: Path, base: bytes) -> Path:
    return git_dir / "sdesk" / f"shared-{base.hex()}.paths"


def _make_table(git_dir: Path, base: bytes) -> Path:
    """Read the shared index once and store its paths in order (sdesk/git/sharedwrite.py), a
    megabyte at a time (~100 MB at a million tickets; issue 17, peak memory)."""
    from sdesk.git.sharedwrite import Table

    table = Table(git_dir)
    try:
        with open(git_dir / f"sharedindex.{base.hex()}", "rb") as fh:
            signature, version, count = _HEAD.unpack(fh.read(_HEAD.size))
            if signature != b"DIRC" or version not in (2, 3):
                raise Unsupported(f"shared index format {version}")
            for name, _ in Entries(fh, count, version):
                table.add(name)
        return table.finish(base)
    finally:
        table.discard()


class Entries:
    """The (name, entry bytes) of `count` index entries read from `fh` a megabyte at a time,
    from where `fh` stands (the entry format of `_entries`); `offset()` is the file position
    after the entries given so far. Unsupported for a path of 4,095 bytes or more, and for a
    conflict entry unless `stages` (a reader that only looks)."""

    def __init__(self, fh: BinaryIO, count: int, version: int, stages: bool = False) -> None:
        self.fh, self.left, self.version, self.stages = fh, count, version, stages
        self.data, self.pos, self.at = b"", 0, fh.tell()

    def __iter__(self) -> Entries:
        return self

    def __next__(self) -> tuple[bytes, bytes]:
        if not self.left:
            raise StopIteration
        self.left -= 1
        data, pos = self.data, self.pos
        if len(data) - pos < 8192:
            self.at += pos
            data, pos = data[pos:] + self.fh.read(1 << 20), 0
            self.data = data
        start, length = _name_at(data, pos, self.version, self.stages)
        end = pos + ((start - pos + length + 8) & ~7)
        if length == _NAMEMASK or end > len(data):
            raise Unsupported("a path over 4,094 bytes or a truncated index")
        self.pos = end
        return data[start:start + length], data[pos:end]

    def offset(self) -> int:
        """The file position after the entries given so far."""
        return self.at + self.pos


def positions(git_dir: Path, base: bytes, paths: Sequence[bytes]) -> dict[bytes, int]:
    """{path: its position in the shared index} for those of `paths` it holds (binary search
    in the table of its paths, made on first use)."""
    table = _table_path(git_dir, base)
    if not table.exists():
        table = _make_table(git_dir, base)
    out: dict[bytes, int] = {}
    with open(table, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
        count = struct.unpack_from(">I", m, 0)[0]
        names_at = 4 * (count + 2)

        def name_at(i: int) -> bytes:
            start, end = struct.unpack_from(">II", m, 4 + 4 * i)
            return m[names_at + start:names_at + end]

        for path in paths:
            low, high = 0, count
            while low < high:
                mid = (low + high) // 2
                if name_at(mid) < path:  # git's order: the names' bytes (memcmp)
                    low = mid + 1
                else:
                    high = mid
            if low < count and name_at(low) == path:
                out[path] = low
    return out


# -- the update -----------------------------------------------------------------------------------

def update(top: Path, git_dir: Path, changes: Sequence[Change], fold: bool = True) -> bool:
    """Record `changes` in git's index by rewriting the small file of its split index only.
    When that file already holds SPLIT_MAX entries, they are folded into a new shared index
    first (sdesk/git/splitfold.py, a megabyte at a time; False when that fold is left to
    git); Unsupported for an index left to git. With fold=False the small file takes them
    however many it holds (a big batch; the housekeeping process folds it after the commit,
    sdesk/git/housekeeping.py)."""
    index_path = git_dir / "index"
    seen = os.stat(index_path)
    with open(index_path, "rb") as fh:
        count = _HEAD.unpack(fh.read(_HEAD.size))[2]
    if fold and count >= SPLIT_MAX:  # a plain git command can leave a million here
        from sdesk.git import sharedwrite, splitfold

        try:
            index = SplitIndex(2, splitfold.fold(git_dir, index_path))
        except Unsupported:
            return False
    else:
        index = read(index_path)
    names = [c.path.encode("utf-8", "surrogateescape") for c in changes]
    where = positions(git_dir, index.base, names)
    for change, name in zip(changes, names, strict=True):
        pos = where.get(name)
        if change.oid is None:
            index.added.pop(name, None)
            if pos is not None:
                index.replaced.pop(pos, None)
                index.deleted.add(pos)
        elif name in index.added or pos is None or pos in index.deleted:
            index.added[name] = entry(top, change, strip_name=False)
        else:
            index.replaced[pos] = entry(top, change, strip_name=True)
    write(git_dir, index, seen)
    if fold and count >= SPLIT_MAX:
        sharedwrite.prune_tables(git_dir, index.base)
    return True
