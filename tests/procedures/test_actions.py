"""What a plan may do to a ticket: typed actions, checked when built; status through the
transition table (sdesk.core.model.TRANSITIONS)."""

from __future__ import annotations

from typing import Any

import pytest
from procedure_builder import NOW, ticket

from sdesk.core.model import OPEN_STATUSES, TRANSITIONS, JournalEntry, Resolution, change_status
from sdesk.procedures.plan import (
    AddEntry,
    Assign,
    RecordResolution,
    Route,
    SetField,
    SetStatus,
    reassignment,
    set_field,
)


@pytest.mark.parametrize(("build", "error"), [
    (lambda: SetField("T", "r", "why", field="stauts", value="new"), "no field 'stauts'"),
    (lambda: SetField("T", "r", "why", field="status", value="new"), "through SetStatus"),
    (lambda: SetStatus("T", "r", "why", value="done"), "unknown status"),
    (lambda: Route("T", "r", "why", value=" "), "which team"),
    (lambda: Assign("T", "r", "why", value=None), "technician id"),
    (lambda: RecordResolution("T", "r", "why", value="fixed"), "a Resolution"),
    (lambda: AddEntry("T", "r", "why"), "needs an entry"),
])
def test_a_wrong_action_fails_when_built(build: Any, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        build()


@pytest.mark.parametrize(("before", "after", "allowed"), [
    ("new", "triaged", True), ("assigned", "on-hold", True), ("on-hold", "resolved", True),
    ("resolved", "closed", True), ("resolved", "assigned", True), ("resolved", "new", False),
    ("closed", "new", False), ("closed", "resolved", False), ("triaged", "closed", False),
])
def test_status_moves_through_the_transition_table(before: str, after: str,
                                                   allowed: bool) -> None:
    t = ticket(status=before)
    action = SetStatus(t.id, "r", "why", value=after)
    if allowed:
        action.apply(t)
        assert t.status == after
    else:
        with pytest.raises(ValueError, match=f"no transition from '{before}' to '{after}'"):
            action.apply(t)
        assert t.status == before


def test_the_table_covers_every_status_and_closed_is_final() -> None:
    assert set(TRANSITIONS) == {*OPEN_STATUSES, "resolved", "closed"}
    assert TRANSITIONS["closed"] == {"closed"}
    t = ticket(status="closed")
    with pytest.raises(ValueError):
        change_status(t, "assigned")


def test_typed_actions_read_and_print_as_the_field_they_set() -> None:
    status = SetStatus("T-1", "rule", "ready", value="triaged")
    assert (status.field, status.kind, status.describe()) == ("status", "set",
                                                               "set status = 'triaged': ready")
    assert status.to_json() == {"ticket": "T-1", "action": "set", "rule": "rule",
                                "reason": "ready", "field": "status", "value": "triaged"}
    assert isinstance(set_field("T-1", "r", "x", "team", "IS-Telecom"), Route)
    assert isinstance(set_field("T-1", "r", "x", "assignee", ""), Assign)
    assert type(set_field("T-1", "r", "x", "flags", [])) is SetField


def test_route_assign_resolve_and_one_more_hop() -> None:
    t = ticket(reassignments=2)
    res = Resolution("fixed", "Done.", "Tech", True)
    for action in (Route(t.id, "r", "x", value="IS-Telecom"), Assign(t.id, "r", "x", value="wstone"),
                   RecordResolution(t.id, "r", "x", value=res), reassignment(t, "r", "hop"),
                   AddEntry(t.id, "r", "x", entry=JournalEntry(at=NOW, by="me", text="hi"))):
        action.apply(t)
    assert (t.team, t.assignee, t.resolution, t.reassignments, t.journal[-1].text) == (
        "IS-Telecom", "wstone", res, 3, "hi")
