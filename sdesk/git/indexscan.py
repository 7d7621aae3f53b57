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
