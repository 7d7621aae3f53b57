"""A new shared index of git's split index written as its entries come, with the table of its
paths sdesk searches (sdesk/git/splitfold.py gives the entries; issue 17, peak memory).

The table (`.git/sdesk/shared-<id>.paths`: a count, the offsets of the names, then the names,
each a position's path; sdesk/git/splitindex.py searches it) is written beside: the names go
to a temporary file as they come and what is held is the offsets, 4 bytes a path.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from pathlib import Path

from sdesk.git.splitindex import _HEAD, Unsupported, _table_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

CHUNK = 1 << 20  # bytes read at a time
EntryChange = tuple[bytes, "bytes | None"]  # a path, its whole index entry or None (deleted)
PIECE = 8192  # entries written at a time


def digest_of(fh: BinaryIO, size: int) -> bytes:
    """The SHA-1 of the first `size` bytes of `fh`, read a megabyte at a time."""
    digest = hashlib.sha1()
    while size > 0 and (chunk := fh.read(min(CHUNK, size))):
        digest.update(chunk)
        size -= len(chunk)
    return digest.digest()


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


class Writer:
    """The new shared index written as its entries come (a temporary file in .git, hashed as
    written, renamed `sharedindex.<id>` at the end) and its table of paths: `parts` and
    `names` (the entries and their paths, in order) are appended to by the caller and written
    by `flush`, with `changes` merged in (then the count is known at the end only: the header
    is written again and the file hashed once more)."""

    def __init__(self, git_dir: Path, version: int, count: int,
                 changes: Iterator[EntryChange] | None = None) -> None:
        self.git_dir, self.count, self.written, self.version = git_dir, count, 0, version
        self.tmp = git_dir / f"sharedindex.sdesk-{os.getpid()}.tmp"
        self.out: BinaryIO = open(self.tmp, "wb")  # noqa: SIM115 (closed by finish/discard)
        self.hash = hashlib.sha1()
        self.table = Table(git_dir)
        header = _HEAD.pack(b"DIRC", version, count)
        self.hash.update(header)
        self.out.write(header)
        self.parts: list[bytes] = []
        self.names: list[bytes] = []
        self.changes = changes
        self.change = next(changes, None) if changes is not None else None

    def flush(self) -> None:
        """Write the entries given so far (the changes among them merged in)."""
        if self.change is not None and self.names and self.change[0] <= self.names[-1]:
            for parts, names in self._merge_changes(self.parts, self.names):
                self._write(parts, names)
        else:
            self._write(self.parts, self.names)
        self.parts.clear()
        self.names.clear()

    def _write(self, parts: list[bytes], names: list[bytes]) -> None:
        chunk = b"".join(parts)
        self.hash.update(chunk)
        self.out.write(chunk)
        self.table.extend(names)
        self.written += len(names)

    def _merge_changes(self, parts: list[bytes], names: list[bytes]
                       ) -> Iterator[tuple[list[bytes], list[bytes]]]:
        """`parts` and `names` (sorted; every later entry's name is greater) with the changes
        whose paths are not greater than the last of them (replaced, deleted or inserted), in
        pieces of PIECE entries: 170,000 new mails all fall between two shared entries."""
        from bisect import bisect_left

        assert self.changes is not None
        out_parts: list[bytes] = []
        out_names: list[bytes] = []
        i = 0
        while self.change is not None and self.change[0] <= names[-1]:
            name, raw = self.change
            j = bisect_left(names, name, i)
            out_parts += parts[i:j]
            out_names += names[i:j]
            if j < len(names) and names[j] == name:
                j += 1  # the entry the change replaces or deletes
            if raw is not None:
                out_parts.append(raw)
                out_names.append(name)
            i = j
            self.change = next(self.changes, None)
            if self.change is not None and self.change[0] <= name:
                raise Unsupported("changes not in git's order of the paths")
            if len(out_names) >= PIECE:
                yield out_parts, out_names
                out_parts, out_names = [], []
        yield out_parts + parts[i:], out_names + names[i:]

    def finish(self) -> bytes:
        """Close the file, name it by its id and store the table; the id."""
        self.flush()
        if self.changes is not None:
            while self.change is not None:
                name, raw = self.change
                if raw is not None:
                    self.parts.append(raw)
                    self.names.append(name)
                    if len(self.names) >= PIECE:
                        self._write(self.parts, self.names)
                        self.parts.clear()
                        self.names.clear()
                self.change = next(self.changes, None)
                if self.change is not None and self.change[0] <= name:
                    raise Unsupported("changes not in git's order of the paths")
            self.flush()
            self.out.seek(0)
            self.out.write(_HEAD.pack(b"DIRC", self.version, self.written))
            self.out.flush()
            with open(self.tmp, "rb") as again:
                digest = digest_of(again, os.fstat(again.fileno()).st_size)
            self.out.seek(0, os.SEEK_END)
        else:
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
