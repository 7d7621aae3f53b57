"""The view of the other open tickets that triage reads (sdesk/procedures/similarity.py): a
batch folds each ticket's plan into it, so the next ticket sees what the first one decided."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from procedure_builder import NOW

from sdesk.procedures.plan import Assign, Plan, Route, SetField, SetStatus
from sdesk.procedures.relations import Peer
from sdesk.procedures.similarity import PeerView

PAT = "pat.user@omes.ok.gov"


def peer(pid: str = "INC-0001", **fields: Any) -> Peer:
    values: dict[str, Any] = dict(id=pid, type="incident", status="triaged",
                                  title="Printer will not print", service="Printing",
                                  requester_email=PAT, opened_at=NOW)
    values.update(fields)
    return Peer(**values)


ABSORBED = [
    # (what the first ticket's plan did, the action, what the view then holds for it)
    ("resolved: no longer a peer", SetStatus("INC-0001", "r", "x", value="resolved"), None),
    ("routed: the new team", Route("INC-0001", "r", "x", value="IS-Network Services"),
     ("triaged", "IS-Network Services", "", "", ())),
    ("assigned: the technician", Assign("INC-0001", "r", "x", value="dcooper"),
     ("triaged", "", "dcooper", "", ())),
    ("given a parent: the parent", SetField("INC-0001", "r", "x", field="parent",
                                            value="CASE-0001"),
     ("triaged", "", "", "CASE-0001", ())),
    ("flagged: the flags", SetField("INC-0001", "r", "x", field="flags", value=["trend-reported"]),
     ("triaged", "", "", "", ("trend-reported",))),
    ("a field the view does not hold: unchanged", SetField("INC-0001", "r", "x", field="location",
                                                           value="Tulsa"),
     ("triaged", "", "", "", ())),
    ("another ticket's change: unchanged", SetStatus("INC-0999", "r", "x", value="resolved"),
     ("triaged", "", "", "", ())),
]


@pytest.mark.parametrize(("case", "action", "holds"), ABSORBED, ids=[row[0] for row in ABSORBED])
def test_a_batch_folds_each_plan_into_the_view(case: str, action: Any, holds: Any) -> None:
    view = PeerView([peer()])
    view.absorb(Plan([action]))
    got = view.peers.get("INC-0001")
    assert (None if got is None else
            (got.status, got.team, got.assignee, got.parent, got.flags)) == holds
    assert view.from_requester(PAT) == ([] if holds is None else [got])


def test_a_peer_changed_twice_is_one_of_its_requester_s_tickets() -> None:
    view = PeerView([peer(), peer("INC-0002", requester_email="someone@omes.ok.gov")])
    view.put(dataclasses.replace(view.peers["INC-0001"], title="Printer jams"))
    view.put(dataclasses.replace(view.peers["INC-0001"], title="Printer jams on tray 2"))
    assert [p.title for p in view.from_requester(f" {PAT.upper()} ")] == ["Printer jams on tray 2"]
