"""The merge driver's rules as docs/collaboration.md states them: the same ticket changed in two
clones in, one ticket out. Each row is what one clone did, what the other did, what the merged
ticket holds and which fields both changed differently (the conflicts a `merge` entry records).
The merge must not depend on which side is "ours": every row is merged both ways.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from procedure_builder import NOW, ticket

from sdesk.core.model import Hold, Ticket
from sdesk.procedures.merge import merge_tickets

MIN = dt.timedelta(minutes=1)
ON_HOLD_SINCE = NOW - 60 * MIN


def base() -> Ticket:
    t = ticket("incident", id="INC-2Q5514DDKAJ", service="Printing", status="on-hold",
               assignee="dcooper", updated_at=NOW - 30 * MIN,
               holds=[Hold(start=ON_HOLD_SINCE, reason="waiting for the vendor")],
               imported={"number": "INC0010001", "state": "2"})
    return t


def edit(minutes: int, **fields: Any) -> Callable[[Ticket], None]:
    """A clone's change: `fields` set, the ticket updated `minutes` after NOW."""
    def apply(t: Ticket) -> None:
        for name, value in fields.items():
            setattr(t, name, value)
        t.updated_at = NOW + minutes * MIN
    return apply


def hold_ended(minutes: int, end: int, reason: str = "waiting for the vendor"
               ) -> Callable[[Ticket], None]:
    def apply(t: Ticket) -> None:
        t.holds = [Hold(start=ON_HOLD_SINCE, reason=reason, end=NOW + end * MIN)]
        t.status = "in-progress"
        t.updated_at = NOW + minutes * MIN
    return apply


def hold_reason(minutes: int, reason: str) -> Callable[[Ticket], None]:
    def apply(t: Ticket) -> None:
        t.holds = [Hold(start=ON_HOLD_SINCE, reason=reason)]
        t.updated_at = NOW + minutes * MIN
    return apply


def second_hold(t: Ticket) -> None:
    """The hold ended after 5 minutes and a new one began a minute later."""
    t.holds = [Hold(start=ON_HOLD_SINCE, reason="waiting for the vendor", end=NOW + 5 * MIN),
               Hold(start=NOW + 6 * MIN, reason="waiting for the customer")]
    t.updated_at = NOW + 6 * MIN


def imported(minutes: int, **values: str) -> Callable[[Ticket], None]:
    def apply(t: Ticket) -> None:
        t.imported = {k: v for k, v in {**t.imported, **values}.items() if v}
        t.updated_at = NOW + minutes * MIN
    return apply


def nothing(t: Ticket) -> None:
    """This clone left the ticket alone."""


ROWS = [
    # (what docs/collaboration.md says, one clone, the other, what the merge reads, conflicts)
    ("a hold ended in one clone is ended",
     hold_ended(5, 5), nothing, lambda t: (t.status, t.holds[0].end), ("in-progress", NOW + 5 * MIN),
     []),
    ("a hold ended again after a second hold in one clone: both holds kept",
     second_hold, nothing, lambda t: [(h.start, h.end) for h in t.holds],
     [(ON_HOLD_SINCE, NOW + 5 * MIN), (NOW + 6 * MIN, None)], []),
    ("a hold neither clone touched stays open while a plain field merges",
     edit(5, title="Printer jams (3rd floor)"), nothing,
     lambda t: (t.title, [(h.start, h.end) for h in t.holds]),
     ("Printer jams (3rd floor)", [(ON_HOLD_SINCE, None)]), []),
    ("a hold ended in both clones at different times: the later clone's state, whole",
     hold_ended(5, 5), hold_ended(9, 9), lambda t: [h.end for h in t.holds], [NOW + 9 * MIN],
     ["state"]),
    ("a hold's reason changed in both clones: the later reason, the other recorded",
     hold_reason(5, "vendor: part ordered"), hold_reason(9, "vendor: call back Monday"),
     lambda t: [(h.start, h.end, h.reason) for h in t.holds],
     [(ON_HOLD_SINCE, None, "vendor: call back Monday")], ["state"]),
    ("a field both changed at the same moment: the value that sorts last, either way round",
     edit(5, title="Printer jams (3rd floor)"), edit(5, title="Printer jams on every page"),
     lambda t: t.title, "Printer jams on every page", ["title"]),
    ("the state both changed at the same moment: the state that sorts last, kept whole",
     edit(5, assignee="lharjo"), edit(5, assignee="skimble"), lambda t: t.assignee, "skimble",
     ["state"]),
    ("an imported value changed in one clone is taken",
     imported(5, state="6"), nothing, lambda t: t.imported, {"number": "INC0010001", "state": "6"},
     []),
    ("an imported value changed differently in both: the later one, the other recorded",
     imported(5, state="6"), imported(9, state="7"), lambda t: t.imported["state"], "7",
     ["import.state"]),
    ("an imported value dropped in one clone is dropped",
     imported(5, state=""), nothing, lambda t: sorted(t.imported), ["number"], []),
]


@pytest.mark.parametrize(("case", "one", "other", "read", "value", "conflicts"), ROWS,
                         ids=[row[0] for row in ROWS])
def test_merge_rule(case: str, one: Callable[[Ticket], None], other: Callable[[Ticket], None],
                    read: Callable[[Ticket], Any], value: Any, conflicts: list[str]) -> None:
    b = base()
    ours, theirs = copy.deepcopy(b), copy.deepcopy(b)
    one(ours)
    other(theirs)
    merged = merge_tickets(b, ours, theirs)
    swapped = merge_tickets(b, theirs, ours)
    assert read(merged.ticket) == value
    assert sorted(merged.conflicts) == sorted(conflicts)
    assert (read(swapped.ticket), sorted(swapped.conflicts)) == (value, sorted(conflicts))
    recorded = [e.text.split(":")[0] for e in merged.ticket.journal if e.kind == "merge"]
    assert sorted(recorded) == sorted(conflicts)
