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
(sdesk/git/sharedwrite.py): what is held is that table's offsets, 4 bytes a path.

The new shared index is what git writes for one: git's index file format (version 2, or 3
when an entry has extended flags) with no extensions, named `sharedindex.<its SHA-1>`.
Anything unusual (a conflict entry, a path of 4,095 bytes or more, a link extension that does
not add up) raises `splitindex.Unsupported` and the caller leaves the fold to git.
tests/test_splitfold.py compares the result with what git reads.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from sdesk.git.sharedwrite import EntryChange, Writer, digest_of
from sdesk.git.splitindex import (
    _EXTENDED,
    _HEAD,
    _NAMEMASK,
    Entries,
    Unsupported,
    _name_at,
    ewah_end,
    ewah_iter,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO, Protocol

    class Sink(Protocol):
        """What takes the entries of an index in order (sharedwrite.Writer, or a reader)."""

        parts: list[bytes]  # the entries given, whole
        names: list[bytes]  # their paths

        def flush(self) -> None:
            """Take the entries given so far; empty both lists."""


CHUNK = 1 << 20  # bytes read at a time


def fold(git_dir: Path, small: Path, changes: Iterator[EntryChange] | None = None) -> bytes:
    """Fold the split index whose small file is `small` (normally `.git/index`, left as it is)
    into a new shared index `.git/sharedindex.<id>` and make its table of paths; returns the
    new shared index's id (20 bytes). The caller then writes a small file linking to it.
    `changes`: (path, its whole index entry, or None for a path deleted), in git's order of
    the paths, applied on the way (a big batch's commit). Raises Unsupported (see the module
    docstring) or OSError."""
    base, link, shape = _shape(small)
    with _opened(git_dir, small, base, link, shape) as (shared, shared_shape, reps, added, total):
        writer = Writer(git_dir, max(shape[0], shared_shape[1]), total, changes)
        try:
            _merged(shared, shared_shape, link, reps, added, writer)
            return writer.finish()
        finally:
            writer.discard()


def walk(git_dir: Path, small: Path, sink: Sink) -> None:
    """Give every entry of the split index whose small file is `small` to `sink`, in git's
    order, a piece at a time (as `fold` gives them to its writer: appended to `sink.parts`
    and `sink.names`, then `sink.flush()`; a replaced entry with its shared entry's name),
    conflict entries included: a reader that only looks, where git would read the whole
    index (sdesk/git/indexscan.py). NotSplit for an index that is not split; Unsupported
    (see the module docstring) or OSError."""
    base, link, shape = _shape(small, stages=True)
    with _opened(git_dir, small, base, link, shape, stages=True) as (shared, shared_shape, reps,
                                                                     added, _):
        _merged(shared, shared_shape, link, reps, added, sink, stages=True)
    sink.flush()


class NotSplit(Unsupported):
    """An index that is not split (no link extension naming a shared index)."""


def _shape(small: Path, stages: bool = False) -> tuple[bytes, bytes, tuple[int, int, int, int]]:
    """(the shared index's id, the link's two bitmaps, the small file's shape: version, entry
    count, replacements, where its added entries start (0: read them after the
    replacements one by one)); checks the small file's checksum."""
    with open(small, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if digest_of(fh, size - 20) != fh.read(20):
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
        entries = Entries(fh, count - replaced if fixed else count, version, stages)
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
    return base, link, (version, count, replaced, adds_at if fixed else 0)


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


def fold_in(top: Path, git_dir: Path, paths: Sequence[str],
            blobs: Mapping[str, tuple[bytes, bytes]]) -> None:
    """Record a big batch's `paths` (sorted; present ones with their (mode, blob id) in
    `blobs`, the others deleted) in git's index: folded with the small file's entries into a
    new shared index, a megabyte at a time, each entry made as its turn comes; then a small
    file linking to it. What is held is the table's offsets (4 bytes a path), where the small
    file of ~300,000 entries of a sweep at a million tickets was built whole. Unsupported
    (nothing changed) for an index this module leaves to git, or paths not in git's order."""
    from sdesk.git import sharedwrite, splitindex

    index = git_dir / "index"
    seen = os.stat(index)

    def changes() -> Iterator[EntryChange]:
        for path in paths:
            name = path.encode("utf-8", "surrogateescape")
            if path not in blobs:
                yield name, None
                continue
            mode, oid = blobs[path]
            change = splitindex.Change(path, oid, int(mode, 8))
            yield name, splitindex.entry(top, change, strip_name=False)

    base = fold(git_dir, index, changes())
    shared = git_dir / f"sharedindex.{base.hex()}"
    try:
        splitindex.write(git_dir, splitindex.SplitIndex(2, base), seen)
    except BaseException:
        shared.unlink(missing_ok=True)
        splitindex._table_path(git_dir, base).unlink(missing_ok=True)
        raise
    sharedwrite.prune_tables(git_dir, base)


def link_replaced(link: bytes) -> int:
    """Where the replaced bitmap starts in a link extension's bitmaps (after the deleted one)."""
    return ewah_end(link, 0)


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
    raise NotSplit("not a split index")


@contextmanager
def _opened(git_dir: Path, small: Path, base: bytes, link: bytes,
            shape: tuple[int, int, int, int], stages: bool = False
            ) -> Iterator[tuple[BinaryIO, tuple[int, int], Iterator[bytes], Entries, int]]:
    """The sources of the folded index's entries (see `_merged`): the shared index `base` open
    after its header with its count and version, the small file's replacements and added
    entries, and the count of the result. `shape` as `_shape` gives it."""
    version, count, replaced, adds_at = shape
    with open(git_dir / f"sharedindex.{base.hex()}", "rb") as shared, \
            open(small, "rb") as reps, open(small, "rb") as adds:
        signature, shared_version, shared_count = _HEAD.unpack(shared.read(_HEAD.size))
        if signature != b"DIRC" or shared_version not in (2, 3):
            raise Unsupported(f"shared index format {shared_version}")
        reps.seek(_HEAD.size)
        replacements: Iterator[bytes] = (
            _records(reps, replaced) if adds_at else (raw for _, raw in Entries(reps, replaced,
                                                                                version, stages)))
        adds.seek(adds_at or _HEAD.size)
        added = Entries(adds, count - replaced if adds_at else count, version, stages)
        for _ in range(0 if adds_at else replaced):
            next(added)
        total = shared_count - _bits(link, 0) + count - replaced
        yield shared, (shared_count, shared_version), replacements, added, total


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
            added: Entries, writer: Sink, stages: bool = False) -> None:
    """The entries of the folded index in order, given to `writer`: each of the shared index
    `fh` (`shape`: its count and version) deleted, replaced or kept, the added ones between
    (conflict entries refused unless `stages`). One loop with the entry format read in
    place: it runs a million times at a million tickets."""
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
            start, length = _name_at(data, pos, version, stages)
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


