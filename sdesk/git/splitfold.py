"""git's split index folded by sdesk a megabyte at a time: the small file's entries merged into
a new shared index, written as it is read (issue 17, peak memory).

A split index (sdesk/git/splitindex.py) is a big shared index and a small `.git/index` holding
the entries that differ from it. When the small file has grown (past SPLIT_MAX entries after
many commits or a big batch, or a million entries after a plain git command re-stamped every
file), its entries are folded into a new shared index. git's own fold (`git update-index
--split-index`) holds the whole index in memory: ~256 MiB at a million tickets, and sdesk's
reading of a small file of a million entries held ~400 MiB more. Here both files are read a
megabyte at a time in the index's order (the shared index's entries, each deleted, replaced or
kept, and the small file's added entries merged in by name), and the new shared index is
written as it goes, with the table of its paths that the next commits search
(`Table`): what is held is that table's offsets, 4 bytes a path.

The new shared index is what git writes for one: git's index file format (version 2, or 3
when an entry has extended flags) with no extensions, named `sharedindex.<its SHA-1>`.
Anything unusual (a conflict entry, a path of 4,095 bytes or more, a link extension that does
not add up) raises `splitindex.Unsupported` and the caller leaves the fold to git.
tests/test_splitfold.py compares the result with what git reads.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from pathlib import Path

from sdesk.git.splitindex import (
    _EXTENDED,
    _HEAD,
    _NAMEMASK,
    Entries,
    Unsupported,
    _name_at,
    _table_path,
    ewah_end,
    ewah_iter,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

CHUNK = 1 << 20  # bytes written at a time


def fold(git_dir: Path, small: Path) -> bytes:
    """Fold the split index whose small file is `small` (normally `.git/index`, left as it is)
    into a new shared index `.git/sharedindex.<id>` and make its table of paths; returns the
    new shared index's id (20 bytes). The caller then writes a small file linking to it.
    Raises Unsupported (see the module docstring) or OSError."""
    with open(small, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if _digest(fh, size - 20) != fh.read(20):
            raise Unsupported("a damaged or unfinished index")
        fh.seek(0)
        signature, version, count = _HEAD.unpack(fh.read(_HEAD.size))
        if signature != b"DIRC" or version not in (2, 3):
            raise Unsupported(f"index format {version}")
        found = _link_from_end(fh, size)
        replaced = _bits(found[1], 1) if found else 0
        fh.seek(_HEAD.size)
        fixed = found is not None and _fixed_size(fh, replaced)
        fh.seek(_HEAD.size + 64 * replaced if fixed else _HEAD.size)
        entries = Entries(fh, count - replaced if fixed else count, version)
        for _ in entries:
            pass
        adds_at = _HEAD.size + 64 * replaced if fixed else 0
        fh.seek(entries.offset())
        base, link = _link(fh.read()[:-20])
    if found and (base, link) != found:
        fixed = False  # the extension found from the end was not the link: read from the start
    replaced = _bits(link, 1)
    if replaced > count:
        raise Unsupported("more replacements than entries")
    return _merge(git_dir, small, base, link, (version, count, replaced, adds_at if fixed else 0))


def _bits(link: bytes, which: int) -> int:
    """How many bits the link extension's deleted (0) or replaced (1) bitmap holds."""
    if not link:
        return 0
    pos = link_replaced(link) if which else 0
    ewah_end(link, pos)
    words = struct.unpack_from(">I", link, pos + 4)[0]
    bits, i = 0, 0
    while i < words:  # a marker word (a run of 0s or 1s, then literal words), as ewah_iter
        rlw = struct.unpack_from(">Q", link, pos + 8 + 8 * i)[0]
        bits += 64 * ((rlw >> 1) & 0xFFFFFFFF) if rlw & 1 else 0
        literals = struct.unpack_from(f">{min(rlw >> 33, words - i - 1)}Q", link, pos + 16 + 8 * i)
        bits += sum(w.bit_count() for w in literals)
        i += 1 + len(literals)
    return bits


def _link_from_end(fh: BinaryIO, size: int) -> tuple[bytes, bytes] | None:
    """The link extension found from the end of the file (git writes it first of the
    extensions): a `link` header whose size leads, extension by extension, to the checksum.
    None when there is none in the last 8 MB; `fold` checks it against the one it reads after
    the entries."""
    start = max(_HEAD.size, size - 20 - (8 << 20))
    fh.seek(start)
    tail = fh.read(size - 20 - start)
    at = len(tail)
    while (at := tail.rfind(b"link", 0, at)) >= 0:
        pos = at
        while pos + 8 <= len(tail) and (b"A" <= tail[pos:pos + 1] <= b"Z" or pos == at):
            pos += 8 + struct.unpack_from(">I", tail, pos + 4)[0]
        if pos == len(tail):
            try:
                return _link(tail[at:])
            except (Unsupported, struct.error):
                pass
    return None


def _fixed_size(fh: BinaryIO, count: int) -> bool:
    """Whether the next `count` entries are all replacements of 64 bytes (no name, no flags,
    as git writes a replaced entry of a version 2 index), checked a megabyte at a time."""
    left = 64 * count
    while left > 0:
        chunk = fh.read(min(left, 16384 * 64))
        if len(chunk) % 64 or not chunk or chunk[60::64].strip(b"\0") or chunk[61::64].strip(b"\0"):
            return False
        left -= len(chunk)
    return True


def link_replaced(link: bytes) -> int:
    """Where the replaced bitmap starts in a link extension's bitmaps (after the deleted one)."""
    return ewah_end(link, 0)


def _digest(fh: BinaryIO, size: int) -> bytes:
    """The SHA-1 of the first `size` bytes of `fh`, read a megabyte at a time."""
    digest = hashlib.sha1()
    while size > 0 and (chunk := fh.read(min(CHUNK, size))):
        digest.update(chunk)
        size -= len(chunk)
    return digest.digest()


def _link(extensions: bytes) -> tuple[bytes, bytes]:
    """(shared index id, its two bitmaps, b"" when there are none) from the extensions."""
    pos = 0
    while pos + 8 <= len(extensions):
        name, size = struct.unpack_from(">4sI", extensions, pos)
        body = extensions[pos + 8:pos + 8 + size]
        pos += 8 + size
        if name == b"link":
            if len(body) < 20 or body[:20] == b"\0" * 20:
                break
            bitmaps = body[20:]
            if bitmaps and ewah_end(bitmaps, link_replaced(bitmaps)) != len(bitmaps):
                raise Unsupported("a link extension with more than two bitmaps")
            return body[:20], bitmaps
        if not b"A" <= name[:1] <= b"Z":
            raise Unsupported(f"an index extension git requires: {name.decode('latin-1')}")
    raise Unsupported("not a split index")


def _merge(git_dir: Path, small: Path, base: bytes, link: bytes,
           shape: tuple[int, int, int, int]) -> bytes:
    """Write the new shared index: the shared index `base` with the small file's deletions and
    replacements, its added entries merged in by name; the id of the result. `shape`: the
    small file's version, entry count, replacements and where its added entries start (0:
    the replacements are not all of 64 bytes; they are read one by one)."""
    version, count, replaced, adds_at = shape
    with open(git_dir / f"sharedindex.{base.hex()}", "rb") as shared, \
            open(small, "rb") as reps, open(small, "rb") as adds:
        signature, shared_version, shared_count = _HEAD.unpack(shared.read(_HEAD.size))
        if signature != b"DIRC" or shared_version not in (2, 3):
            raise Unsupported(f"shared index format {shared_version}")
        reps.seek(_HEAD.size)
        replacements: Iterator[bytes] = (
            _records(reps, replaced) if adds_at else (raw for _, raw in Entries(reps, replaced,
                                                                                version)))
        adds.seek(adds_at or _HEAD.size)
        added = Entries(adds, count - replaced if adds_at else count, version)
        for _ in range(0 if adds_at else replaced):
            next(added)
        total = shared_count - _bits(link, 0) + count - replaced
        writer = _Writer(git_dir, max(version, shared_version), total)
        try:
            _merged(shared, (shared_count, shared_version), link, replacements, added, writer)
            return writer.finish()
        finally:
            writer.discard()


def _records(fh: BinaryIO, count: int) -> Iterator[bytes]:
    """`count` entries of 64 bytes (checked by `_fixed_size`), read a megabyte at a time."""
    while count > 0:
        chunk = fh.read(64 * min(count, 16384))
        if not chunk:
            raise Unsupported("a truncated index")
        for at in range(0, len(chunk), 64):
            yield chunk[at:at + 64]
        count -= len(chunk) // 64


def _merged(fh: BinaryIO, shape: tuple[int, int], link: bytes, replacements: Iterator[bytes],
            added: Entries, writer: _Writer) -> None:
    """The entries of the folded index in order, given to `writer`: each of the shared index
    `fh` (`shape`: its count and version) deleted, replaced or kept, the added ones between.
    One loop with the entry format read in place: it runs a million times at a million
    tickets."""
    count, version = shape
    deleted = ewah_iter(link, 0) if link else iter(())
    replacing = ewah_iter(link, link_replaced(link)) if link else iter(())
    next_deleted, next_replaced = next(deleted, -1), next(replacing, -1)
    new = next(added, None)
    new_name = new[0] if new is not None else None
    parts, names = writer.parts, writer.names
    data, pos = b"", 0
    for position in range(count):
        if len(data) - pos < 8192:
            data, pos = data[pos:] + fh.read(CHUNK), 0
            if len(names) >= 8192:
                writer.flush()
        flags = data[pos + 60] << 8 | data[pos + 61]
        if flags & 0x7000 or (flags & _NAMEMASK) == _NAMEMASK:
            start, length = _name_at(data, pos, version)
            if length == _NAMEMASK:
                raise Unsupported("a path over 4,094 bytes")
        else:
            start, length = pos + 62, flags & _NAMEMASK
        end = pos + ((start - pos + length + 8) & ~7)
        if end > len(data):
            raise Unsupported("a truncated shared index")
        name = data[start:start + length]
        while new_name is not None and new_name < name:
            parts.append(new[1])  # type: ignore[index]
            names.append(new_name)
            new = next(added, None)
            new_name = new[0] if new is not None else None
        if position == next_deleted:
            if position == next_replaced:
                raise Unsupported("an entry both deleted and replaced")
            next_deleted = next(deleted, -1)
        else:
            if new_name == name:
                raise Unsupported("an added entry beside the shared one of its name")
            if position == next_replaced:
                rep = next(replacements)
                if not flags & 0xF000 and len(rep) == 64 and rep[60:62] == b"\0\0":
                    parts.append(rep[:60] + data[pos + 60:end])  # the shared entry's name part
                else:
                    parts.append(_named(rep, name))
                next_replaced = next(replacing, -1)
            else:
                parts.append(data[pos:end])
            names.append(name)
        pos = end
    if next_deleted != -1 or next_replaced != -1:
        raise Unsupported("a bitmap past the shared index's entries")
    while new is not None:
        parts.append(new[1])
        names.append(new[0])
        new = next(added, None)


def _named(raw: bytes, name: bytes) -> bytes:
    """A replacement entry (written with an empty name) given the name of the entry it
    replaces, as git gives it when it reads the split index."""
    flags = struct.unpack_from(">H", raw, 60)[0]
    if flags & _NAMEMASK:
        raise Unsupported("a replacement entry with a name")
    fixed = 64 if flags & _EXTENDED else 62
    head = raw[:60] + struct.pack(">H", flags | min(len(name), _NAMEMASK)) + raw[62:fixed]
    return head + name + b"\0" * (((fixed + len(name) + 8) & ~7) - fixed - len(name))


class Table:
    """The table of a shared index's paths being made: a count, the offsets of the names, then
    the names (each a position's path). The names go to a temporary file as they come; what is
    held is the offsets, 4 bytes a path. `finish` stores it for the shared index `base` and
    removes the older tables."""

    def __init__(self, git_dir: Path) -> None:
        from array import array

        self.folder = git_dir / "sdesk"
        self.folder.mkdir(exist_ok=True)
        self.names = self.folder / f"shared.{os.getpid()}.names"
        self.out: BinaryIO = open(self.names, "wb")  # noqa: SIM115 (closed by finish/discard)
        self.offsets = array("I", [0])

    def add(self, name: bytes) -> None:
        """The next path of the shared index."""
        self.out.write(name)
        self.offsets.append(self.offsets[-1] + len(name))

    def extend(self, names: list[bytes]) -> None:
        """The next paths of the shared index."""
        from itertools import accumulate, islice

        self.out.write(b"".join(names))
        self.offsets.extend(islice(accumulate(map(len, names), initial=self.offsets[-1]), 1,
                                   None))

    def finish(self, base: bytes, prune: bool = True) -> Path:
        """Store the table as `.git/sdesk/shared-<base>.paths`; its path. With prune, the
        other shared indexes' tables are removed (see `prune`)."""
        import sys

        self.out.close()
        target = _table_path(self.folder.parent, base)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        try:
            if sys.byteorder == "little":
                self.offsets.byteswap()  # big-endian, as struct.pack(">I...") writes it
            with open(tmp, "wb") as fh, open(self.names, "rb") as source:
                fh.write(struct.pack(">I", len(self.offsets) - 1))
                self.offsets.tofile(fh)
                while chunk := source.read(1 << 20):
                    fh.write(chunk)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        if prune:
            prune_tables(self.folder.parent, base)
        return target

    def discard(self) -> None:
        """Remove the temporary names file (after `finish`, or when the table is given up)."""
        self.out.close()
        self.names.unlink(missing_ok=True)


def prune_tables(git_dir: Path, keep: bytes) -> None:
    """Remove the tables of paths of every shared index but `keep` (~38 MB each at a million
    tickets)."""
    for old in (git_dir / "sdesk").glob("shared-*.paths"):
        if old != _table_path(git_dir, keep):
            old.unlink(missing_ok=True)


class _Writer:
    """The new shared index written as its entries come (a temporary file in .git, hashed as
    written, renamed `sharedindex.<id>` at the end) and its table of paths: `parts` and
    `names` (the entries and their paths, in order) are appended to by the caller and written
    by `flush`."""

    def __init__(self, git_dir: Path, version: int, count: int) -> None:
        self.git_dir, self.count, self.written = git_dir, count, 0
        self.tmp = git_dir / f"sharedindex.sdesk-{os.getpid()}.tmp"
        self.out: BinaryIO = open(self.tmp, "wb")  # noqa: SIM115 (closed by finish/discard)
        self.hash = hashlib.sha1()
        self.table = Table(git_dir)
        header = _HEAD.pack(b"DIRC", version, count)
        self.hash.update(header)
        self.out.write(header)
        self.parts: list[bytes] = []
        self.names: list[bytes] = []

    def flush(self) -> None:
        """Write the entries given so far."""
        chunk = b"".join(self.parts)
        self.hash.update(chunk)
        self.out.write(chunk)
        self.table.extend(self.names)
        self.written += len(self.names)
        self.parts.clear()
        self.names.clear()

    def finish(self) -> bytes:
        """Close the file, name it by its id and store the table; the id."""
        self.flush()
        if self.written != self.count:
            raise Unsupported("a split index whose entries do not add up")
        digest = self.hash.digest()
        self.out.write(digest)
        self.out.close()
        os.replace(self.tmp, self.git_dir / f"sharedindex.{digest.hex()}")
        self.table.finish(digest, prune=False)  # the caller prunes once it links to it
        return digest

    def discard(self) -> None:
        """Remove what is left of an unfinished write."""
        self.out.close()
        self.tmp.unlink(missing_ok=True)
        self.table.discard()
