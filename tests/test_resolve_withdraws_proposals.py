"""A resolution withdraws the ticket's pending proposals (session 29): a resolved ticket listed
`proposed:*` flags as pending in `sdesk show` and `list --flag proposed`."""

from __future__ import annotations

from conftest import Desk
from test_triage_proposals import at, incident


def test_resolving_withdraws_pending_proposals_and_reopening_does_not_bring_them_back(
        desk: Desk) -> None:
    tid = incident(desk, "PC has no power, wont turn on", service="Desktop Hardware")
    desk.run("triage", tid)
    assert "proposed:on-site:text" in desk.ticket(tid)["flags"]
    shown = desk.run("show", tid).stdout
    assert "Proposed:   on-site" in shown and "(proposed:on-site:text)" in shown
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Replaced the power supply")
    t = desk.ticket(tid)
    assert not [f for f in t["flags"] if f.startswith(("proposed:", "accepted:", "rejected:"))]
    assert any("pending proposals withdrawn: on-site (text)" in e["text"] for e in t["journal"])
    shown = desk.run("show", tid).stdout
    assert "Proposed:   " not in shown and "proposed:on-site:text" not in shown
    assert desk.json("list", "--flag", "proposed") == []
    desk.run("reopen", tid, "--reason", "No power again")
    assert not [f for f in desk.ticket(tid)["flags"] if f.startswith("proposed:")]


def test_an_accepted_duplicate_withdraws_its_other_pending_proposals(desk: Desk) -> None:
    first = incident(desk, "PC has no power, wont turn on", service="Desktop Hardware",
                     now=at(0))
    later = incident(desk, "PC has no power and will not turn on", service="Desktop Hardware",
                     now=at(10))
    desk.run("triage", later)
    flags = desk.ticket(later)["flags"]
    assert f"proposed:duplicate:{first}" in flags and "proposed:on-site:text" in flags, flags
    desk.run("triage", later, "--accept", "duplicate")
    t = desk.ticket(later)
    assert t["status"] == "resolved"
    assert f"accepted:duplicate:{first}" in t["flags"]
    assert not [f for f in t["flags"] if f.startswith("proposed:")], t["flags"]
    assert any("pending proposals withdrawn: on-site (text)" in e["text"] for e in t["journal"])


def test_a_parents_resolution_withdraws_its_childrens_pending_proposals(desk: Desk) -> None:
    child = incident(desk, "PC has no power, wont turn on", service="Desktop Hardware")
    desk.run("triage", child)
    assert "proposed:on-site:text" in desk.ticket(child)["flags"]
    parent = desk.new("-T", "Power outage on floor 3", "--service", "Desktop Hardware", "-d",
                      "details")
    desk.run("relate", child, parent, "--as", "parent")
    desk.run("resolve", parent, "--code", "fixed", "--summary", "Power restored")
    t = desk.ticket(child)
    assert t["status"] == "resolved" and "proposed:on-site:text" not in t["flags"], t["flags"]
    assert any("pending proposals withdrawn: on-site (text)" in e["text"] for e in t["journal"])
