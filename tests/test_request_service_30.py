"""Session 30: a request logged without a service, on a real store through the CLI. Where its
kind does not route it (hardware to the Asset Team; software to the form or the licence
check), the service names its team, so triage hands it back `needs-service` and proposes the
service its title names, by the incidents' code path (triage._needs_service): accepted, it is
triaged again; rejected, it is remembered. Where the kind alone routes it, nothing is asked."""

from __future__ import annotations

from typing import Any

from conftest import Desk

T0 = "2026-11-23T08:00:00-06:00"
T1 = "2026-11-23T08:30:00-06:00"


def request(desk: Desk, title: str, *extra: str) -> str:
    return desk.new("-t", "request", "-T", title, "--email", "cy@omes.ok.gov", "--agency",
                    "OMES", "-d", "x", *extra, now=T0)


def flags(desk: Desk, tid: str) -> list[Any]:
    return list(desk.ticket(tid)["flags"])


def test_an_account_request_without_a_service_is_handed_back_with_the_service_proposed(
        desk: Desk) -> None:
    tid = request(desk, "new hire needs AD account")
    out = desk.run("triage", tid, now=T0).output
    t = desk.ticket(tid)
    assert t["status"] == "new" and t["team"] == "IS-Service Desk", out
    assert t["flags"] == ["needs-service", "proposed:service:Account_Provisioning"], out
    assert ("[request-5 ready for assignment] internal triage note: Handed back to IS-Service "
            "Desk: no service recorded; the text names Account Provisioning ('ad account')"
            ) in out
    assert not desk.outbox()  # the request steps mail the leads only for a form (request-3)
    out = desk.run("triage", tid, "--accept", "service", now=T1).output
    t = desk.ticket(tid)
    assert t["service"] == "Account Provisioning" and t["team"] == "IS-Identity & Access", out
    assert t["status"] == "triaged" and t["flags"] == ["accepted:service:Account_Provisioning"]


def test_a_rejected_service_on_a_request_is_remembered(desk: Desk) -> None:
    tid = request(desk, "access to the HR share")
    desk.run("triage", tid, now=T0)
    assert "proposed:service:File_Share_Access" in flags(desk, tid)
    desk.run("triage", tid, "--reject", "service", now=T1)
    result = desk.fails("triage", tid, "--recheck", code=4)  # nothing changes, nobody told
    assert "service (File Share Access) was rejected by the dispatcher; not proposed again" in (
        result.output)
    assert flags(desk, tid) == ["needs-service", "rejected:service:File_Share_Access"]
    desk.run("set", tid, "service=File Share Access", now=T1)
    desk.run("triage", tid, "--recheck", now=T1)
    assert desk.ticket(tid)["team"] == "IS-Identity & Access"


def test_a_monitor_request_routed_by_the_accepted_service_withdraws_its_kind_proposal(
        desk: Desk) -> None:
    tid = request(desk, "need a 2nd monitor")
    desk.run("triage", tid, now=T0)
    assert {"proposed:kind:hardware", "needs-service", "proposed:service:Monitor"} <= set(
        flags(desk, tid))
    out = desk.run("triage", tid, "--accept", "service", now=T1).output
    t = desk.ticket(tid)
    assert t["team"] == "IS-Asset Team" and t["status"] == "triaged", out
    assert "a hardware request (service 'Monitor' is hardware)" in out
    # the service's kind decides it now: the kind proposal is no longer pending
    assert not any(f.startswith(("proposed:kind", "needs-service")) for f in t["flags"]), out


def test_accepting_the_kind_of_a_request_handed_back_for_a_service_routes_it(desk: Desk) -> None:
    tid = request(desk, "need a 2nd monitor")
    desk.run("triage", tid, now=T0)
    desk.run("triage", tid, "--accept", "kind", now=T1)
    t = desk.ticket(tid)
    assert t["team"] == "IS-Asset Team" and t["status"] == "triaged"
    assert "needs-service" not in t["flags"]


def test_a_software_request_accepted_into_its_service_goes_to_its_team(desk: Desk) -> None:
    tid = request(desk, "pls install visio")
    desk.run("triage", tid, now=T0)
    t = desk.ticket(tid)
    assert t["software"] == "Microsoft Visio" and t["status"] == "new"
    assert "proposed:service:Software_Install" in t["flags"]
    desk.run("triage", tid, "--accept", "service", now=T1)
    t = desk.ticket(tid)
    assert t["team"] == "IS-Desktop Support" and t["status"] == "triaged"
    assert [(r["used"], r["free"]) for r in desk.json("software")
            if r["name"] == "Microsoft Visio"] == [(1, 9)]  # one seat, held once


def test_where_the_kind_alone_routes_a_request_no_service_is_asked(desk: Desk) -> None:
    hardware = request(desk, "docking station for my laptop", "--category", "hardware")
    unlisted = request(desk, "install fortnite", "--software", "Fortnite")
    desk.run("triage", hardware, unlisted)
    assert desk.ticket(hardware)["team"] == "IS-Asset Team"
    assert desk.ticket(hardware)["status"] == "triaged"
    assert flags(desk, unlisted) == ["software-form"]  # request-3: a form, not a service


def test_a_request_logged_to_a_team_is_routed_by_the_team(desk: Desk) -> None:
    tid = request(desk, "new hire needs AD account", "--team", "IS-Identity & Access")
    desk.run("triage", tid, now=T0)
    t = desk.ticket(tid)
    assert t["team"] == "IS-Identity & Access" and t["status"] == "triaged"
    assert "needs-service" not in t["flags"]


def test_new_warns_of_a_request_without_a_service_unless_its_kind_routes_it(desk: Desk) -> None:
    result = desk.run("new", "-t", "request", "-T", "access to the HR share", "--email",
                      "cy@omes.ok.gov", "--agency", "OMES", "-d", "x")
    tid = result.stdout.strip().splitlines()[-1]
    assert ("sdesk: warning: no service (--service): unless its kind routes it (hardware, or "
            "software needing a form or a licence), triage hands it back (request-5) "
            f"proposing the service the title names; or sdesk set {tid} service=NAME"
            ) in result.stderr
    quiet = desk.run("new", "-t", "request", "-T", "headset", "--category", "hardware",
                     "--email", "cy@omes.ok.gov", "--agency", "OMES", "-d", "x")
    assert "no service" not in quiet.stderr


def test_two_requests_in_one_name_what_the_route_does_not_take(desk: Desk) -> None:
    # the guide's request steps have no separation step: named in the plan, never proposed
    tid = request(desk, "new hire needs laptop and AD account")
    out = desk.run("triage", tid, now=T0).output
    assert ("[request-1 hardware or software] also names laptop (hardware): this request is "
            "read as neither hardware nor software, so its route does not take it; log it as a "
            f"request of its own, its SLA from this one's opening: sdesk split {tid}") in out
    assert not any("separation" in f for f in flags(desk, tid))
    one_route = request(desk, "need a 2nd monitor and a headset")  # both to the Asset Team
    assert "also names" not in desk.run("triage", one_route, now=T0).output


def test_what_a_request_also_names() -> None:
    from pathlib import Path

    from sdesk.core.reference import load_reference
    from sdesk.procedures.request_kind import not_routed

    ref = load_reference(Path(__file__).resolve().parents[1] / "reference")

    def named(title: str, kind: str, service: str = "") -> list[tuple[str, str]]:
        return [(n.said, n.kind or n.service) for n in not_routed(title, kind, service, ref)]

    assert named("new hire needs laptop and AD account", "") == [("laptop", "hardware")]
    assert named("install adobe pro + need a docking station", "software") == [
        ("docking station", "hardware")]
    # a neither request of a logged service: another team's service is named too
    assert named("add me to the examiners DL and give me the audit share", "",
                 "Distribution List") == [("share", "File Share Access")]
    # one kind, one route; a comma gives a reason, not a second ask
    assert named("need a 2nd monitor and a headset", "hardware") == []
    assert named("need firefox, the federal grants site only works in firefox", "software") == []
