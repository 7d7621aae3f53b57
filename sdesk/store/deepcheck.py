"""`sdesk check --deep`: every derived value in the summary index recomputed from the ticket
files, and every difference reported (ticket, field, both values).

The index is written on two paths: a command records the tickets it has in hand
(`Index.update_tickets`), `reindex` and refreshes parse the files. Both must give the same row;
a difference means one path computes a value differently (a duration measured as wall-clock
time on one path and real time on the other, say). The check reads every ticket file, builds
its row with `sdesk.store.index.row_of` and, for the business hours to resolve the index fills
lazily, with the KPI computation (`sdesk.reports.kpi`), and compares column by column. Files that do
not parse are left to the plain `check`, which reports them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sdesk.store import Store

# Columns about the file rather than the ticket (checked by the plain `check`: same sha).
BOOKKEEPING = ("path", "dir", "mtime_ns", "size", "sha", "racy")
TOLERANCE = 1e-6  # hours and seconds are floats: equal to a micro-unit


@dataclass(frozen=True)
class Difference:
    """One derived value the index holds differently from what the file gives."""

    ticket: str
    path: str
    field: str
    index_value: Any
    file_value: Any

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message()}"

    def message(self) -> str:
        """Both values, and whose: a ticket's file, or (no ticket) the rows a kept KPI sum
        sums."""
        if not self.ticket:
            return (f"kept {self.index_value!r}, the tickets' rows give {self.file_value!r} "
                    "(sdesk reindex builds it again)")
        return (f"index has {self.index_value!r}, the file gives {self.file_value!r} "
                f"({self.ticket})")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return bool(a == b)


def differences(store: Store) -> Iterator[Difference]:
    """Every index value that differs from the value recomputed from the files, and every
    ticket the index lacks or holds without a file. Reads every ticket file; holds one index
    row at a time and the set of IDs seen (the whole index as dicts took 812 MiB at 100,000
    tickets)."""
    from sdesk.core import sla
    from sdesk.reports.kpi import fill_business_hours
    from sdesk.store import queries
    from sdesk.store.check import Problem, parse_ticket, read_file, ticket_files
    from sdesk.store.index import NAMES, row_of

    index = store.index
    fill_business_hours(store, index.db)  # what `sdesk kpi` would store: compare it too
    refused = {p.path for p in index.problems}  # files the index would not take: `check` says why
    cal = None
    seen: set[str] = set()
    for path in ticket_files(store):
        if path.name.startswith("."):
            continue
        rel = path.relative_to(store.root).as_posix()
        data = read_file(store, path)  # no links, size limit: the store is untrusted input
        ticket = data if isinstance(data, Problem) else parse_ticket(data, rel)
        if isinstance(ticket, Problem) or rel in refused:
            continue
        seen.add(ticket.id)
        row = queries.whole_row(index, ticket.id)
        if row is None:
            yield Difference(ticket.id, rel, "(row)", None, "a ticket")
            continue
        want = row_of(ticket)
        if want["counted"] == 1 and row["ttr_bh"] is not None and ticket.resolved_at:
            cal = cal or store.reference.calendar
            minutes = sla.business_minutes_between(ticket.opened_at, ticket.resolved_at, cal)
            minutes -= sla.paused_minutes(sla.paused_spans(ticket), ticket.resolved_at,
                                          sla.BUSINESS, cal)
            want["ttr_bh"] = max(0.0, minutes) / 60.0
        for name in NAMES:
            if name in BOOKKEEPING or name not in want:
                continue
            if not _same(row[name], want[name]):
                yield Difference(ticket.id, rel, name, row[name], want[name])
    for ticket_id, path_held in queries.ids_and_paths_streamed(index):
        if ticket_id not in seen:
            yield Difference(ticket_id, path_held, "(row)", "a ticket", None)
    yield from _totals(index.db)


def _totals(db: Any) -> Iterator[Difference]:
    """The KPI sums the index keeps (sdesk/store/kpi_sums.py) against the same sums over its
    rows, which the loop above has just checked against the files."""
    from sdesk.store.kpi_sums import kept_differences

    for table, what, kept, fresh in kept_differences(db):
        yield Difference("", f"index {table}", what, kept, fresh)
