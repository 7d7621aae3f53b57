"""Session 29's judgement rough edges a fresh user found, on a real store through the CLI: a
new hire's account is neither hardware nor software; an incident logged without a service is
handed back with the service its text names proposed; the duplicate's evidence reads plainly."""

from __future__ import annotations

from typing import Any

from conftest import Desk

T0 = "2026-11-23T08:00:00-06:00"


def request(desk: Desk, title: str, description: str) -> str:
    return desk.new("-t", "request", "-T", title, "--email", "cy@omes.ok.gov", "--agency",
                    "OMES", "-d", description, now=T0)


def flags(desk: Desk, tid: str) -> list[Any]:
    return list(desk.ticket(tid)["flags"])


def test_a_new_hires_account_is_neither_hardware_nor_software(desk: Desk) -> None:
    # the software model read 'date' +0.63 and 'start' +0.35 (and the description's product)
    # over a title asking for an account or a new person's setup: proposed software
    for title, description in (
            ("acct setup for new employee start date 12/3", "start date 12/3, needs excel"),
            ("New hire starting Monday needs AD account", "needs the usual: excel, adobe"),
            ("new hire start date monday needs setup", "x")):
        tid = request(desk, title, description)
        out = desk.run("triage", tid).output
        assert "neither hardware nor software" in out, out
        assert not any(f.startswith("proposed:kind") for f in flags(desk, tid)), out
        # the kind's learned model is not named (since session 33's re-fit the on-site model
        # may propose a new hire's setup on site, weakly: another judgement's line)
        assert not any("learned model" in line for line in out.splitlines()
                       if "[request-1" in line), out
    # a device for the new hire still says the kind (a device word: proposed)
    tid = request(desk, "laptop for new hire starting monday", "x")
    desk.run("triage", tid)
    assert "proposed:kind:hardware" in flags(desk, tid)


def test_the_duplicates_evidence_says_for_or_against_plainly(desk: Desk) -> None:
    # the person model's weight of 'logged under the same service' is negative (it goes with
    # the shared words), so the evidence read "logged under the same service (against)"
    first = desk.new("-T", "my computer is so slow", "--email", "ana.ruiz@omes.ok.gov",
                     "--agency", "OMES", "--service", "Desktop Hardware", "-d", "x", now=T0)
    later = desk.new("-T", "STILL SLOW!!!", "--email", "ana.ruiz@omes.ok.gov", "--agency",
                     "OMES", "--service", "Desktop Hardware", "-d", "x",
                     now="2026-11-23T08:30:00-06:00")
    desk.run("triage", later)
    assert f"proposed:duplicate:{first}" in flags(desk, later)
    shown = desk.run("show", later).output
    assert "logged under the same service (for)" in shown, shown
    assert "the same service (against)" not in shown


def incident(desk: Desk, title: str, email: str = "ana.ruiz@omes.ok.gov") -> str:
    return desk.new("-T", title, "--email", email, "--agency", "OMES", "-d", "x", now=T0)


def test_an_incident_without_a_service_is_handed_back_with_the_service_its_title_names(
        desk: Desk) -> None:
    tid = incident(desk, "VPN wont connect")
    out = desk.run("triage", tid).output
    said = (f"no service recorded; the text names VPN ('vpn'): accept with sdesk triage {tid} "
            f"--accept service, or sdesk set {tid} service=VPN")
    assert said in out, out
    t = desk.ticket(tid)
    assert t["flags"] == ["needs-service", "proposed:service:VPN"] and not t.get("service")
    assert t["team"] == "IS-Service Desk" and t["status"] == "new"  # proposed, not applied
    assert "Proposed:   service (VPN)" in desk.run("show", tid).output
    assert tid[:8] in desk.run("list", "--flag", "proposed:service").output
    commits = desk.commits()
    out = desk.run("triage", tid, "--accept", "service").output
    t = desk.ticket(tid)
    assert t["service"] == "VPN" and t["team"] == "IS-Network Services", out
    # the service proposal settled; the re-fitted priority reading (session 31) may propose P2
    assert t["status"] == "triaged" and "accepted:service:VPN" in t["flags"]
    assert not {"needs-service", "proposed:service:VPN"} & set(t["flags"])
    assert any("Accepted by Dana Dispatcher: the service proposal (VPN)" in e["text"]
               for e in t["journal"])
    assert desk.commits() == commits + 1


def test_several_services_named_are_listed_and_none_is_proposed(desk: Desk) -> None:
    # one clause naming two services of one team: listed, none proposed; the learned model's
    # "two problems" is proposed now and said in the same hand-back (session 30)
    tid = incident(desk, "Outlook and Teams both down")
    out = desk.run("triage", tid).output
    assert ("the text names Email ('outlook'), Teams ('team'): set the one it is about with "
            f"sdesk set {tid} service=...; the title may name two problems: a separation is "
            f"proposed too (sdesk triage {tid} --accept separation)") in out, out
    assert flags(desk, tid) == ["needs-service", "proposed:separation:title"]
    # a device where the service fails is not a second service; nothing named: as before
    laptop = incident(desk, "Laptop can't connect to VPN", "bo@omes.ok.gov")
    desk.run("triage", laptop)
    assert "proposed:service:VPN" in flags(desk, laptop)
    none = incident(desk, "help me please", "cy@omes.ok.gov")
    desk.run("triage", none)
    assert flags(desk, none) == ["needs-service"]
    # --accept service with none proposed: one line saying how to pick (fresh-user finding
    # E3, session 29: a finding and "nothing to decide: ..." both, and no way named)
    before = desk.snapshot()
    result = desk.fails("triage", tid, "--accept", "service", code=4)
    assert result.stdout == ""
    assert result.stderr == (
        f"sdesk: nothing to decide: {tid}: no pending service proposal (pending: separation "
        f"(title)); the text names Email, Teams: set the one it is about with sdesk set {tid} "
        "service=Email or service=Teams\n")
    assert desk.snapshot() == before


def test_a_rejected_service_is_not_proposed_again_and_new_warns(desk: Desk) -> None:
    result = desk.run("new", "-T", "printer on 3rd fl jammed", "--email", "bo@omes.ok.gov",
                      "--agency", "OMES", "-d", "x", now=T0)
    tid = result.stdout.strip().splitlines()[-1]
    assert ("sdesk: warning: no service (--service): triage hands it back (incident-1) "
            "proposing the service the title names; or sdesk set "
            f"{tid} service=NAME") in result.stderr
    desk.run("triage", tid)
    desk.run("triage", tid, "--reject", "service")
    mailed, journal = len(desk.outbox()), len(desk.ticket(tid)["journal"])
    # the hand-back's reason (no service) is unchanged, only its words: nobody is told again
    # (fresh-user finding, session 29: the leads were mailed a second time)
    out = desk.run("triage", tid, "--recheck", ok=False)
    assert out.exit_code == 4, out.output  # nothing to do: still handed back
    assert "(the proposal was rejected)" in out.output and "not proposed again" in out.output
    assert "still handed back: no service recorded;" in out.output
    assert "already notified 2026-11-23 09:00 CST" in out.output, out.output
    assert len(desk.outbox()) == mailed and len(desk.ticket(tid)["journal"]) == journal
    assert "proposed:service:Printing" not in flags(desk, tid)
    assert "rejected:service:Printing" in flags(desk, tid)


def test_a_title_naming_two_problems_and_no_service_proposes_the_separation_at_once(
        desk: Desk) -> None:
    """Fresh-user finding (session 30): "printer jammed + cant log into peoplesoft" logged
    without a service had PeopleSoft proposed; accepting it routed half the ticket to
    IS-Applications, and only then was the separation proposed. Both problems are named in the
    one hand-back, the separation is proposed, and no service."""
    tid = desk.new("-T", "printer jammed + cant log into peoplesoft", "--email", "a2@okdhs.org",
                   "--agency", "DHS", "-d", "x", now=T0)
    out = desk.run("triage", tid).output
    assert ("no service recorded; the title names 2 problems (Printing, PeopleSoft): a "
            "separation is proposed, no service (one ticket a problem, each then with its own "
            f"service): sdesk triage {tid} --accept separation") in out, out
    t = desk.ticket(tid)
    assert t["flags"] == ["needs-service", "proposed:separation:PeopleSoft+Printing"]
    assert t["team"] == "IS-Service Desk" and t["status"] == "new" and not t.get("service")
    assert len(desk.outbox()) == 1  # one hand-back, one mail to the leads
    # one problem after all: the services are named for the dispatcher to pick, none proposed
    desk.run("triage", tid, "--reject", "separation")
    out = desk.run("triage", tid, "--recheck", ok=False).output
    assert (f"the title names Printing, PeopleSoft (the separation was rejected): set the one "
            f"it is about with sdesk set {tid} service=...") in out, out
    assert not any(f.startswith("proposed:") for f in flags(desk, tid))
    assert len(desk.outbox()) == 1
    # accepted instead: handed back for the separation, as with a service recorded
    other = desk.new("-T", "Printer offline; VPN also not connecting", "--email",
                     "b2@okdhs.org", "--agency", "DHS", "-d", "x", now=T0)
    desk.run("triage", other)
    desk.run("triage", other, "--accept", "separation")
    assert {"needs-service", "needs-separation", "accepted:separation:Printing+VPN"} <= set(
        flags(desk, other))
