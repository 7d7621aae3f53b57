"""A big batch (sweep, triage --all) applied ticket by ticket through temporary files: one
commit whatever the number of tickets, with memory that does not grow with it (issue 17).

`executor.apply_plan` holds the whole plan, every changed ticket, every file's bytes and the
commit message (a sweep at 100,000 tickets peaked at 286 MiB; its message alone is ~60 MB at a
million). Here each ticket's plan is carried out as the procedure yields it (`executor.prepare`,
the same code) and nothing of it is kept in memory but its paths and ids:

- each file's bytes go to a `git fast-import` stream in a temporary file, with the blob id
  computed here (`bigcommit.blob_id`);
- the plan's lines (what `describe` prints and the commit message lists) go to a second
  temporary file, the tickets' index rows (`index.packed_row`) to a third.

Nothing in the store is written until every ticket was decided: then, as `write_and_commit`
does, the hand-edit check, the recorded intent (sdesk/git/recovery.py), the files written from
the stream, one commit (sdesk/git/bigcommit.py: trees from the changed folders, the message
streamed into the commit object), the index rows recorded. The commit message is byte for
byte `executor.commit_message` of the whole plan; tests/test_batch_apply.py compares both ways.
A ticket planned by two of the batch's plans would break that: it is refused before anything is
written (the procedures that stream, sweep and triage without --create-parents, plan each
ticket on its own).
"""

from __future__ import annotations

import datetime as dt
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sdesk.core.errors import SdeskError

if TYPE_CHECKING:
    from array import array

    from sdesk import git
    from sdesk.core.model import Ticket
    from sdesk.procedures.plan import Plan
    from sdesk.store import Store

STREAM_ABOVE = 200  # tickets' plans: a batch up to this many is applied whole (apply_plan)
# Tickets a caller keeps as read for the executor (`loaded`, the latest read; commands/triage.py
# `_load`): commands.common.apply_each makes STREAM_ABOVE + 1 plans before it applies the first
# (the latest ticket read with each plan after them), so a plan's ticket is always among the
# latest LOADED_KEPT read when the plan is applied; a whole plan (at most STREAM_ABOVE tickets)
# finds every ticket there. Memory stays flat (issue 17); one evicted is only read again.
LOADED_KEPT = STREAM_ABOVE + 1
ROWS_AT_ONCE = 1000  # index rows pickled (and recorded) together
CHUNK = 1 << 20  # bytes read from a temporary file at a time


class Batch:
    """What a streamed batch did: the commit ("" when nothing changed), the number of tickets
    the plan changed, and the plan's lines (UTF-8, joined by line feeds, escaped as `printable`
    escapes them) in a temporary file the caller prints."""

    def __init__(self, commit: str, changed: int, lines: BinaryIO) -> None:
        self.commit = commit
        self.changed = changed
        self.lines = lines

    def text(self) -> Iterator[str]:
        """The plan's lines as text, a megabyte at a time."""
        import codecs

        decode = codecs.getincrementaldecoder("utf-8")()
        self.lines.seek(0)
        while chunk := self.lines.read(CHUNK):
            yield decode.decode(chunk)
        yield decode.decode(b"", final=True)
        self.lines.close()


class _Spool:
    """The batch decided, nothing written in the store yet."""

    def __init__(self) -> None:
        # closed by close() (the lines by the Batch's reader): they live across calls
        self.pack = tempfile.TemporaryFile()  # noqa: SIM115 (git fast-import: the blobs)
        self.lines = tempfile.TemporaryFile()  # noqa: SIM115
        self.rows = tempfile.TemporaryFile()  # noqa: SIM115
        self.blobs = _Blobs()  # git path -> blob id, in the pack's order
        self.changed: list[str] = []  # tickets with a change other than a notification
        self.notified: list[str] = []  # tickets only notified about (loaded for the Message-ID)
        self.planned: list[str] = []  # every ticket the plan changes (Plan.ticket_ids)
        self.seen: dict[str, str] = {}  # the same IDs, each its own key: one string an ID
        self._pending_rows: list[tuple[object, ...]] = []

    def line_text(self, text: str) -> None:
        if self.lines.tell():
            self.lines.write(b"\n")
        self.lines.write(text.encode("utf-8"))

    def file(self, git_path: str, data: bytes) -> None:
        from sdesk.git.bigcommit import blob_id

        self.blobs.add(git_path, blob_id(data))
        self.pack.write(b"blob\ndata %d\n" % len(data))
        self.pack.write(data)
        self.pack.write(b"\n")

    def row(self, row: tuple[object, ...]) -> None:
        self._pending_rows.append(row)
        if len(self._pending_rows) >= ROWS_AT_ONCE:
            self.flush_rows()

    def flush_rows(self) -> None:
        if self._pending_rows:
            pickle.dump(self._pending_rows, self.rows, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending_rows = []

    def pages(self) -> Iterator[list[tuple[object, ...]]]:
        """The index rows, ROWS_AT_ONCE at a time, in the order they were spooled."""
        self.rows.seek(0)
        while True:
            try:
                yield pickle.load(self.rows)
            except EOFError:
                return

    def close(self) -> None:
        for f in (self.pack, self.rows):
            f.close()


class _Blobs(Mapping[str, bytes]):
    """{git path: 20-byte blob id} of a batch's files in the pack's order, held compactly: the
    paths in a list, the ids in one bytearray, the positions in the paths' order (made at the
    first lookup) in an array. A dict of bytes held ~85 bytes a path more: ~26 MB of a
    sweep's 306,000 files at a million tickets (issue 17, peak memory). Lookups in the paths'
    order, as the commit makes them, are found without a search. SdeskError at the first
    lookup when a path was given twice."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.ids = bytearray()
        self._order: array[int] | None = None
        self._next = 0  # where in _order the last lookup found its path, plus one

    def add(self, path: str, oid: bytes) -> None:
        """The next file of the pack: its path and blob id."""
        self.paths.append(path)
        self.ids += oid
        self._order = None

    def _position(self, path: str) -> int:
        """The path's position in the pack's order, or -1."""
        from bisect import bisect_left

        order, paths = self._sorted(), self.paths
        for i in (self._next, self._next - 1):
            if 0 <= i < len(order) and paths[order[i]] == path:
                self._next = i + 1
                return order[i]
        i = bisect_left(order, path, key=paths.__getitem__)
        if i < len(order) and paths[order[i]] == path:
            self._next = i + 1
            return order[i]
        return -1

    def _sorted(self) -> array[int]:
        if self._order is None:
            from array import array
            from itertools import pairwise

            paths = self.paths
            self._order = array("I", sorted(range(len(paths)), key=paths.__getitem__))
            for a, b in pairwise(self._order):
                if paths[a] == paths[b]:
                    raise SdeskError(f"{paths[a]} is written twice by one batch")
        return self._order

    def __getitem__(self, path: str) -> bytes:
        at = self._position(path)
        if at < 0:
            raise KeyError(path)
        return bytes(self.ids[20 * at:20 * at + 20])

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self._position(path) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def apply_each(store: Store, plans: Iterable[Plan], *, actor: git.Identity, now: dt.datetime,
               action: str, subject: Callable[[int], str],
               loaded: dict[str, Ticket] | None = None) -> Batch:
    """Carry out `plans` (each a ticket's plan, in the batch's order) as one commit; the
    caller holds the store lock. `subject(n)` is the commit's subject for n changed tickets.
    `loaded`: tickets the caller read from their files for the plans and did not change
    ({id: ticket}, filled as the plans are made); each is used instead of reading its file
    again, at most once (then dropped: the executor changes it), so the caller may bound it.
    A batch that changes nothing writes nothing (Batch.commit ""). SdeskError (nothing
    written) when a created ticket exists, a file has uncommitted changes, or two plans touch
    one ticket."""
    spool = _Spool()
    try:
        for plan in plans:
            _decide(store, spool, plan, now, loaded)
        spool.flush_rows()
        if not spool.planned:
            return Batch("", 0, spool.lines)
        commit = _commit(store, spool, actor, action, subject(len(spool.planned)))
        return Batch(commit, len(spool.planned), spool.lines)
    finally:
        spool.close()


def _decide(store: Store, spool: _Spool, plan: Plan, now: dt.datetime,
            loaded: dict[str, Ticket] | None = None) -> None:
    """One ticket's plan carried out in memory (`executor.prepare`) and spooled; the tickets
    it takes from `loaded` are dropped from it (prepare changes them)."""
    from sdesk.core.render import printable
    from sdesk.core.untrusted import check_inside
    from sdesk.procedures.plan import Notify
    from sdesk.store.executor import dump, prepare
    from sdesk.store.index import packed_row

    lines = plan.describe()
    if lines:
        spool.line_text(printable("\n".join(lines)))
    if plan.is_empty:
        return
    ids = plan.ticket_ids()
    twice = [i for i in ids if i in spool.seen]
    if twice:
        raise SdeskError(f"{twice[0]} is planned twice in one batch (not applied)")
    spool.planned += ids
    spool.seen.update(zip(ids, ids, strict=True))
    tickets, messages = prepare(store, plan, now, loaded)
    if loaded:
        for ticket_id in tickets:
            loaded.pop(ticket_id, None)
    moved = {a.ticket for a in plan.changes if not isinstance(a, Notify)}
    for ticket in tickets.values():
        (spool.changed if ticket.id in moved else spool.notified).append(
            spool.seen.get(ticket.id, ticket.id))  # the planned ID's string, not a second one
        path = store.path_of(ticket.id)
        check_inside(store.root, path)
        spool.file(store.git_path(path), dump(ticket))
        spool.row(packed_row(ticket))
    for path, data in messages:
        check_inside(store.root, path)
        spool.file(store.git_path(path), data)


def _commit(store: Store, spool: _Spool, actor: git.Identity, action: str, subject: str
            ) -> str:
    """Write the spooled files and commit them, all or nothing; then record the index rows."""
    from sdesk import git
    from sdesk.git import bigcommit, recovery
    from sdesk.store.executor import _housekeeping, refuse_hand_edits, subject_line, trailer_lines

    git.require()
    index = store.index_for_write()
    paths = list(spool.blobs)
    refuse_hand_edits(store, paths)
    head = subject_line(subject)
    trailers = "\n".join(trailer_lines(action, spool.changed + spool.notified or spool.planned))
    body_size = spool.lines.tell()
    parts, size = _message(spool.lines, body_size, head.encode("utf-8"),
                           trailers.encode("utf-8"))
    recovery.begin(store, paths)
    try:
        _write_files(store.top, spool.pack, paths)
        commit = bigcommit.commit_blobs(store.top, spool.blobs, spool.pack, parts, size,
                                        actor, head)
    except BaseException:
        recovery.recover(store)  # all or nothing: put every file back as HEAD has it
        raise
    recovery.end(store)
    _housekeeping(store)
    # In pages, each its own transaction: at a million tickets one transaction of 10,000
    # rows (the tickets table, its indexes and the KPI sums' triggers) peaked at 840 MiB.
    pages = spool.pages()
    page = next(pages, [])
    for after in pages:
        index.update_tickets(page, adopt=False)
        page = after
    index.update_tickets(page)
    return commit


def _message(lines: BinaryIO, body_size: int, head: bytes, trailers: bytes
             ) -> tuple[Callable[[], Iterator[bytes]], int]:
    """The parts of `executor.commit_message` (the subject, a blank line, the plan's lines
    and a blank line when there are any, the trailers) as often as asked, and their size."""
    def parts() -> Iterator[bytes]:
        yield head + b"\n\n"
        if body_size:
            lines.seek(0)
            left = body_size
            while left > 0 and (chunk := lines.read(min(CHUNK, left))):
                left -= len(chunk)
                yield chunk
            yield b"\n\n"
        yield trailers + b"\n"
    return parts, len(head) + 2 + (body_size + 2 if body_size else 0) + len(trailers) + 1


def _write_files(top: Path, pack: BinaryIO, paths: list[str]) -> None:
    """Write each spooled file (read back from the fast-import stream, in its order) atomically,
    a thousand at a time by a few threads, then one sync (as `store.write_files` does)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from sdesk.store import atomic_write

    pack.seek(0)
    with ThreadPoolExecutor(8) as pool:
        for start in range(0, len(paths), ROWS_AT_ONCE):
            chunk = [(top / p, _next_blob(pack)) for p in paths[start:start + ROWS_AT_ONCE]]
            list(pool.map(lambda pd: atomic_write(pd[0], pd[1], durable=False), chunk))
    os.sync()


def _next_blob(pack: BinaryIO) -> bytes:
    header = pack.readline() + pack.readline()  # b"blob\n" b"data N\n"
    size = int(header.split(b"data ", 1)[1])
    data = pack.read(size)
    pack.read(1)
    return data

