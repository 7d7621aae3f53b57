"""A parent case's priority is the rule's (its most urgent child's) and the supervisor's: triage
does not read the parent's own generated text ("Parent: ...", "Parent case for 5 reports of one
problem") for a priority of its own (tester finding, session 36)."""

from __future__ import annotations

from conftest import Desk
from test_triage_proposals import at, incident

TITLES = ["VPN won't connect", "Can't connect to VPN", "VPN down", "vpn not working since 8am",
          "cannot get on the vpn from home"]


def test_triaging_a_parent_case_proposes_no_priority_of_its_own(desk: Desk) -> None:
    ids = [incident(desk, title, email=f"u{i}@omes.ok.gov", now=at(i))
           for i, title in enumerate(TITLES)]
    desk.run("triage", *ids, now=at(10))
    out = desk.run("parent", "new", "--from", *ids, now=at(20)).stdout
    parent = out.split()[0]
    assert "proposed:priority:P2" in desk.ticket(parent)["flags"]  # a child's P2, carried
    shown = desk.run("triage", parent, now=at(21)).stdout
    t = desk.ticket(parent)
    assert t["status"] == "triaged" and "proposed:priority:P2" in t["flags"], shown
    assert "withdrawn" not in shown
    # the supervisor decides the carried proposal as any other
    desk.run("triage", parent, "--accept", "priority", now=at(22))
    assert "accepted:priority:P2" in desk.ticket(parent)["flags"]
