"""`triage ID --recheck` on a triaged ticket nobody holds yet reads its judgements again: after
a corrected title withdrew the proposals read from the old text, the new text's are proposed
(session 37: they were withdrawn and never made again). The route stands; a second recheck
changes nothing."""

from __future__ import annotations

from conftest import Desk
from test_triage_proposals import at, incident


def test_a_corrected_triaged_ticket_is_read_again_by_recheck(desk: Desk) -> None:
    tid = incident(desk, "Laptop will not dock and VPN drops", service="Laptop", now=at(0))
    desk.run("triage", tid, now=at(1))
    assert "proposed:separation:Hardware_Request+VPN" in desk.ticket(tid)["flags"]
    desk.run("set", tid, "title=Laptop will not dock at my desk", now=at(2))
    assert desk.ticket(tid)["flags"] == []  # read from the old text: withdrawn
    commits = desk.commits()
    out = desk.run("triage", tid, "--recheck", now=at(3)).stdout
    t = desk.ticket(tid)
    assert t["flags"] == ["proposed:on-site:text"] and "'at my desk'" in out
    assert t["status"] == "triaged" and t["team"] == "IS-Desktop Support"
    assert "still ready for assignment in IS-Desktop Support" in out
    assert "Pre-assignment analysis done" not in out  # not noted twice
    assert desk.commits() == commits + 1
    again = desk.run("triage", tid, "--recheck", now=at(4), ok=False)
    assert again.exit_code != 0 and desk.commits() == commits + 1  # nothing to do


def test_recheck_leaves_a_held_ticket_alone(desk: Desk) -> None:
    tid = incident(desk, "Laptop will not dock", service="Laptop", now=at(0))
    desk.run("triage", tid, now=at(1))
    desk.run("assign", tid, "--to", "dcooper", now=at(2))
    out = desk.run("triage", tid, "--recheck", now=at(3), ok=False)
    assert out.exit_code != 0 and "assigned to dcooper" in out.stdout + out.stderr
