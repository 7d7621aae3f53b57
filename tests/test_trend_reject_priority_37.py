"""Rejecting a trend takes away what rested on it: the priority proposal whose evidence is "N
people report it" is withdrawn, and a later reading of the ticket's priority does not count the
reports of the trend the dispatcher rejected (tester finding, session 36: the trend was rejected,
the P2 "3 people report it" stayed pending for the supervisor)."""

from __future__ import annotations

from conftest import Desk

from sdesk.core.model import Ticket
from sdesk.procedures.proposals import group_key
from sdesk.procedures.triage import rejected_trend_reports
from sdesk.store.check import parse_ticket
from test_parent_priority_37 import TITLES
from test_triage_proposals import at, incident


def test_rejecting_a_trend_withdraws_the_priority_it_rested_on(desk: Desk) -> None:
    ids = [incident(desk, title, email=f"u{i}@omes.ok.gov", now=at(i))
           for i, title in enumerate(TITLES[:3])]
    desk.run("triage", *ids, now=at(10))
    last = ids[-1]
    flags = desk.ticket(last)["flags"]
    key = group_key(ids)
    assert set(flags) == {"proposed:priority:P2", f"proposed:trend:{key}"}
    out = desk.run("triage", last, "--reject", "trend", now=at(11)).stdout
    t = desk.ticket(last)
    assert t["flags"] == [f"rejected:trend:{key}"], out
    assert "it rested on the rejected trend" in out
    assert "counted the reports of the trend Dana Dispatcher rejected" in t["journal"][-1]["text"]
    # the other reports keep theirs: the dispatcher rejected the trend on this one only
    assert "proposed:priority:P2" in desk.ticket(ids[0])["flags"]
    # a later reading does not count them as people reporting it
    path = next((desk.root / "tickets").rglob(f"{last}.toml"))
    ticket = parse_ticket(path.read_bytes(), path.relative_to(desk.root).as_posix())
    assert isinstance(ticket, Ticket)
    assert rejected_trend_reports(ticket) == set(ids[:2])
    ticket.flags = [f"rejected:trend:{'0' * 10}"]  # another trend's rejection: not this one's
    assert rejected_trend_reports(ticket) == set()
