"""Rejecting a trend takes away what rested on it: the priority proposal whose evidence is "N
people report it" is withdrawn, and a later reading of the ticket's priority does not count the
reports of the trend the dispatcher rejected (tester finding, session 36: the trend was rejected,
the P2 "3 people report it" stayed pending for the supervisor)."""

from __future__ import annotations

from conftest import Desk
from test_parent_priority_37 import TITLES
from test_triage_proposals import at, incident

from sdesk.core.model import Ticket
from sdesk.procedures.proposals import group_key
from sdesk.procedures.triage import rejected_trend_reports
from sdesk.store.check import parse_ticket


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


def test_rejecting_a_duplicate_removes_the_relation_triage_made_for_it(desk: Desk) -> None:
    # tester finding, session 37: the rejected match stayed "Related" and steered assignment
    first = incident(desk, "Scanner not sending to email", service="Email", now=at(0))
    second = incident(desk, "email is down", service="Email", now=at(5))
    desk.run("triage", first, second, now=at(6))
    t = desk.ticket(second)
    assert t["related"] == [first] and f"proposed:duplicate:{first}" in t["flags"]
    out = desk.run("triage", second, "--reject", "duplicate", now=at(7)).stdout
    t = desk.ticket(second)
    assert t["related"] == [] and f"rejected:duplicate:{first}" in t["flags"], out
    assert f"Relation to {first} removed" in t["journal"][-1]["text"]
    assert desk.run("triage", second, "--recheck", now=at(8), ok=False).exit_code != 0
    assert desk.ticket(second)["related"] == []  # not related again


def test_a_relation_the_dispatcher_made_stays_when_the_duplicate_is_rejected(desk: Desk) -> None:
    first = incident(desk, "Scanner not sending to email", service="Email", now=at(0))
    second = incident(desk, "email is down", service="Email", now=at(5))
    desk.run("relate", second, first, now=at(5))
    desk.run("triage", first, second, now=at(6))
    desk.run("triage", second, "--reject", "duplicate", now=at(7))
    assert desk.ticket(second)["related"] == [first]
