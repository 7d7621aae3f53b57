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


# Session 30: the flags that say a ticket waits for someone (a hand-back to the Service Desk,
# the supervisor's priority review) end at the resolution too.

def test_resolving_ends_the_hand_back_and_the_priority_review(desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline; VPN also not connecting", "--email",
                   "cy.lee@omes.ok.gov", "--agency", "OMES", "--service", "Printing", "-d",
                   "details")
    desk.run("triage", tid, "--split", "the printer and VPN are two problems")
    desk.run("set", tid, "impact=1")  # the matrix now says another priority: for the supervisor
    flags = desk.ticket(tid)["flags"]
    assert "needs-separation" in flags and "priority-review" in flags, flags
    assert "needs-separation" in desk.run("show", tid).stdout.split("Journal:")[0]
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Printer back online; VPN fixed")
    t = desk.ticket(tid)
    assert not {"needs-separation", "priority-review"} & set(t["flags"]), t["flags"]
    ended = [e for e in t["journal"] if "no longer waiting" in e["text"]]
    assert ended and ended[0]["visibility"] == "internal", t["journal"]
    assert ("no longer waiting: needs-separation (it was to be separated), priority-review "
            "(the supervisor's priority decision was awaited)") in ended[0]["text"]
    head = desk.run("show", tid).stdout.split("Journal:")[0]  # the journal names them
    assert "needs-separation" not in head and "priority-review" not in head, head
    assert desk.json("list", "--all", "--flag", "needs-separation") == []
    desk.run("reopen", tid, "--reason", "VPN fails again")
    assert "needs-separation" not in desk.ticket(tid)["flags"]


def test_a_parents_resolution_ends_its_childrens_hand_backs(desk: Desk) -> None:
    child = desk.new("-T", "VPN drops every few minutes", "--email", "cy.lee@omes.ok.gov",
                     "--agency", "OMES", "-d", "details")  # no service: handed back for one
    desk.run("triage", child)
    assert "needs-service" in desk.ticket(child)["flags"]
    parent = desk.new("-T", "VPN outage", "--service", "VPN", "-d", "details")
    desk.run("relate", child, parent, "--as", "parent")
    desk.run("resolve", parent, "--code", "fixed", "--summary", "VPN concentrator replaced")
    t = desk.ticket(child)
    assert t["status"] == "resolved" and "needs-service" not in t["flags"], t["flags"]
    assert any("no longer waiting: needs-service (the service was not known)" in e["text"]
               for e in t["journal"])


def test_every_hand_back_flag_ends_at_resolution() -> None:
    from sdesk.procedures.proposals import WAITING
    from sdesk.procedures.triage import HAND_BACK_FLAGS

    # and a customer's unclear reply awaiting its technician (session 38, docs/email.md)
    assert set(WAITING) == {*HAND_BACK_FLAGS, "priority-review", "customer-reply"}
