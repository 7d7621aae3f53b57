"""sdesk csat: one satisfaction score per resolution; a reopen discards it."""

from __future__ import annotations

from conftest import Desk


def resolved(desk: Desk) -> str:
    tid = desk.new("-T", "VPN drops", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "New VPN profile")
    return tid


def test_csat_is_recorded_on_a_resolved_ticket(desk: Desk) -> None:
    tid = resolved(desk)
    desk.run("csat", tid, "4", "--comment", "Quick")
    t = desk.ticket(tid)
    assert t["csat"] == {"score": 4, "at": "2026-11-23T09:00:00-06:00", "comment": "Quick"}
    assert t["journal"][-1]["kind"] == "csat"


def test_second_csat_for_the_same_resolution_is_refused(desk: Desk) -> None:
    tid = resolved(desk)
    desk.run("csat", tid, "5")
    before = desk.snapshot()
    result = desk.fails("csat", tid, "2")
    assert "already has a satisfaction score (5/5" in result.stderr
    assert "one per resolution" in result.stderr
    assert desk.snapshot() == before


def test_csat_on_an_open_ticket_is_refused(desk: Desk) -> None:
    tid = desk.new("-T", "Still broken")
    before = desk.snapshot()
    assert "recorded after resolution" in desk.fails("csat", tid, "3").stderr
    assert desk.snapshot() == before


def test_csat_outside_one_to_five_is_refused(desk: Desk) -> None:
    tid = resolved(desk)
    before = desk.snapshot()
    for score in ("0", "6"):
        assert "SCORE must be 1 to 5" in desk.fails("csat", tid, score).stderr
    assert desk.snapshot() == before


def test_reopen_discards_csat_and_the_next_resolution_takes_a_new_one(desk: Desk) -> None:
    tid = resolved(desk)
    desk.run("csat", tid, "5")
    desk.run("reopen", tid, "--reason", "VPN drops again")
    assert desk.ticket(tid)["csat"] is None
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Replaced the router")
    desk.run("csat", tid, "2")
    assert desk.ticket(tid)["csat"]["score"] == 2


def test_csat_on_a_closed_ticket_is_accepted(desk: Desk) -> None:
    tid = resolved(desk)
    desk.run("close", tid)
    desk.run("csat", tid, "3")
    assert desk.ticket(tid)["csat"]["score"] == 3
