"""Session 34 (fix34b), issue 11 follow-ups: a plan says each field once, with the value it
ends with and the rule that set it; the journal and the notes say what happened in words a
person reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

from conftest import Desk
from test_triage_proposals import incident


def flag_sets(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in plan if a["action"] == "set" and a["field"] == "flags"]


def test_accepting_a_separation_sets_flags_once_with_the_final_value_and_the_rule(
        desk: Desk) -> None:
    tid = incident(desk, "Printer offline; VPN also not connecting", email="bo@omes.ok.gov")
    desk.run("triage", tid)
    [(kind, key)] = [tuple(f.split(":")[1:]) for f in desk.ticket(tid)["flags"]
                     if f.startswith("proposed:")]
    assert kind == "separation"
    plan = desk.json("triage", tid, "--accept", "separation", "--dry-run")["actions"]
    [one] = flag_sets(plan)
    assert one["value"] == [f"accepted:separation:{key}", "needs-separation"]
    assert one["rule"] == "incident-4 one group, one problem"
    assert "accepted by Dana Dispatcher" in one["reason"]
    fields = Counter((a["ticket"], a["field"]) for a in plan
                     if a["action"] == "set" and a["field"] in ("flags", "reassignments"))
    assert set(fields.values()) == {1}
    desk.run("triage", tid, "--accept", "separation")
    assert desk.ticket(tid)["flags"] == one["value"]


def test_rejecting_a_proposal_sets_flags_once(desk: Desk) -> None:
    tid = incident(desk, "PC has no power, wont turn on", service="Desktop Hardware")
    desk.run("triage", tid)
    assert "proposed:on-site:text" in desk.ticket(tid)["flags"]
    shown = desk.run("triage", tid, "--reject", "on-site", "--dry-run").stdout
    assert shown.count("set flags = ") == 1, shown
    [one] = flag_sets(desk.json("triage", tid, "--reject", "on-site", "--dry-run")["actions"])
    assert "rejected:on-site:text" in one["value"] and "proposed:on-site:text" not in one["value"]
    assert one["rule"] == "on site or remote (assignment reads it)"


def test_an_accepted_trend_is_named_by_its_first_report_not_by_a_digest(desk: Desk) -> None:
    import re

    from test_triage_proposals import at

    ids = [incident(desk, title, email=f"u{i}@omes.ok.gov", now=at(i * 10))
           for i, title in enumerate(["VPN down", "VPN down again", "VPN down"])]
    desk.run("triage", "--all")
    [key] = [f.split(":")[2] for f in desk.ticket(ids[2])["flags"] if f.startswith("proposed:trend:")]
    assert re.fullmatch(r"[0-9a-f]{10}", key)  # the flag keeps its key
    shown = desk.run("triage", ids[2], "--accept", "trend").stdout
    desk.run("triage", ids[1], "--reject", "trend")
    named = f"{ids[0]} 'VPN down' and 2 more: 3 reports, 3 people"
    [accepted] = [e["text"] for e in desk.ticket(ids[2])["journal"]
                  if e["text"].startswith("Accepted by")]
    assert accepted == f"Accepted by Dana Dispatcher: the trend proposal ({named})."
    [rejected] = [e["text"] for e in desk.ticket(ids[1])["journal"]
                  if e["text"].startswith("Rejected by")]
    assert named in rejected
    assert f"accepted:trend:{key}" in desk.ticket(ids[2])["flags"]
    assert key not in shown.split("set flags = ")[1].split("]: ", 1)[1]  # not in the prose
    for tid in ids:
        assert all(key not in e["text"] for e in desk.ticket(tid)["journal"])


def test_reopening_a_withdrawn_software_request_with_no_seat_free_goes_for_a_quote(
        desk: Desk) -> None:
    from test_licence_seats_granted import T0, T1, T2, _visio, _visio_seats, one_visio_licence

    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)
    desk.run("assign", first, "--to", "dcooper", "--force", now=T1)
    desk.run("resolve", first, "--code", "withdrawn", "--summary", "not needed", now=T1)
    second = _visio(desk, "Visio for the planner", "--service", "Software Install", now=T1)
    desk.run("triage", second, now=T1)
    assert _visio_seats(desk) == (1, 0)  # the second request holds the only seat
    shown = desk.run("reopen", first, "--reason", "needed after all", now=T2).stdout
    assert ("[request-4 no licence free] internal reopen note: Microsoft Visio: 1 licences, 1 "
            "held by other tickets, none free; to IT Inventory Control Manager for a quote."
            in shown)
    t = desk.ticket(first)
    assert (t["team"], t["assignee"], t["status"]) == ("IT Inventory Control Manager", "",
                                                       "triaged")
    assert "licence-seat" not in t["flags"]
    assert _visio_seats(desk) == (1, 0)  # not 2 of 1


def test_reopening_a_withdrawn_software_request_with_a_seat_free_holds_one_again(
        desk: Desk) -> None:
    from test_licence_seats_granted import T0, T1, T2, _visio, _visio_seats, one_visio_licence

    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)
    desk.run("resolve", first, "--code", "withdrawn", "--summary", "not needed", now=T1)
    assert _visio_seats(desk) == (0, 1)
    shown = desk.run("reopen", first, "--reason", "needed after all", now=T2).stdout
    assert "Microsoft Visio: 1 of 1 licences free; the reopened request holds one again" in shown
    assert "licence-seat" in desk.ticket(first)["flags"]
    assert _visio_seats(desk) == (1, 0)


def test_reopening_a_request_whose_software_is_no_longer_approved_asks_for_the_form(
        desk: Desk) -> None:
    from test_licence_seats_granted import T0, T1, T2, _visio

    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)
    desk.run("resolve", first, "--code", "withdrawn", "--summary", "not needed", now=T1)
    software = desk.root / "reference" / "software.toml"
    software.write_text(software.read_text().replace(
        'aliases = ["Visio"]\napproved = true', 'aliases = ["Visio"]\napproved = false'))
    desk.git("commit", "-qam", "Visio no longer approved")
    desk.run("reopen", first, "--reason", "needed after all", now=T2)
    t = desk.ticket(first)
    assert (t["team"], t["status"]) == ("IS-Service Desk", "new")
    assert "software-form" in t["flags"] and "licence-seat" not in t["flags"]


def test_a_reopen_says_how_long_the_ticket_sat_resolved_in_hours_and_minutes(
        desk: Desk) -> None:
    tid = incident(desk, "VPN drops")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Reset", now="2026-11-23T09:00:00-06:00")
    shown = desk.run("reopen", tid, "--reason", "drops again",
                     now="2026-11-23T09:10:00-06:00").stdout
    assert "sat resolved 10 min of business time; Resolve By moves later by as much" in shown
