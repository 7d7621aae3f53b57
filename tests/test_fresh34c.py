"""Data-safety findings of session 34's fresh user (issue 11), fixed the same session: an
accepted duplicate proposal whose original is resolved, a separation accepted but not done,
a corrected agency and a licence seat's software or kind corrected after triage."""

from __future__ import annotations

from conftest import Desk
from test_triage_proposals import at, incident


def test_a_duplicate_of_a_resolved_ticket_is_not_accepted(desk: Desk) -> None:
    """Accepting closed the later report telling the customer "we will keep you updated
    there" about a resolved ticket, its note naming the original as `INC-X ('INC-X')`."""
    first = incident(desk, "PC has no power, wont turn on", service="Desktop Hardware",
                     now=at(0))
    later = incident(desk, "PC has no power and will not turn on", service="Desktop Hardware",
                     now=at(10))
    desk.run("triage", later, now=at(20))
    assert f"proposed:duplicate:{first}" in desk.ticket(later)["flags"]
    desk.run("resolve", first, "--code", "fixed", "--summary", "Replaced the power supply",
             now=at(30))
    before = desk.snapshot()
    result = desk.run("triage", later, "--accept", "duplicate", ok=False, now=at(40))
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert (f"names {first} ('PC has no power, wont turn on'), which is resolved"
            in result.stderr)
    assert f"sdesk reopen {first}" in result.stderr
    assert f"sdesk triage {later} --reject duplicate" in result.stderr
    assert desk.snapshot() == before
    desk.run("reopen", first, "--reason", "No power again", now=at(50))
    desk.run("triage", later, "--accept", "duplicate", now=at(55))
    t = desk.ticket(later)
    assert t["status"] == "resolved" and t["duplicate_of"] == first
    assert any(f"as {first} ('PC has no power, wont turn on')" in e["text"]
               for e in t["journal"])


def test_a_recheck_keeps_an_accepted_separation_handed_back_until_the_split(
        desk: Desk) -> None:
    """`--recheck` after `--accept separation` cleared needs-separation and, the separation
    accepted (not proposed again), routed the two-problem ticket on."""
    tid = incident(desk, "Printer offline; VPN also not connecting", email="bo@omes.ok.gov")
    desk.run("triage", tid)
    desk.run("triage", tid, "--accept", "separation")
    before = desk.snapshot()
    result = desk.run("triage", tid, "--recheck", ok=False)
    assert result.exit_code == 4, result.stderr
    assert "still handed back for separation" in result.stdout
    assert f"sdesk split {tid} --title" in result.stdout
    assert desk.snapshot() == before
    t = desk.ticket(tid)
    assert "needs-separation" in t["flags"] and t["team"] == "IS-Service Desk"
    desk.run("split", tid, "--title", "VPN not connecting", "--keep", "Printer offline")
    assert "needs-separation" not in desk.ticket(tid)["flags"]


def test_a_corrected_agency_the_owning_team_does_not_support_hands_the_ticket_back(
        desk: Desk) -> None:
    """`set agency=X` left the ticket with a team that does not support X (a new ticket for X
    would be handed back, incident-1): now handed back as a corrected service would be."""
    tid = incident(desk, "Report builder crashes", service="Reporting")
    desk.run("triage", tid)
    assert desk.ticket(tid)["team"] == "IS-Applications"
    desk.run("assign", tid, "--to", "hdelgado")
    before = desk.snapshot()
    refused = desk.fails("set", tid, "agency=ODOT", code=1)
    assert "is assigned to hdelgado: ODOT is not on IS-Applications's Supported Agencies list" \
        in refused.stderr and "--force" in refused.stderr
    assert desk.snapshot() == before
    out = desk.run("set", tid, "agency=ODOT", "--force").stdout
    assert ("[incident-1 agency and service supported] set team = 'IS-Service Desk': back to "
            "IS-Service Desk: ODOT is not on IS-Applications's Supported Agencies list") in out
    t = desk.ticket(tid)
    assert (t["team"], t["assignee"], t["status"]) == ("IS-Service Desk", "", "new")
    assert "unsupported" in t["flags"] and t["requester"]["agency"] == "ODOT"
    assert any("Agency corrected to ODOT" in p.read_text() for p in desk.outbox())
    assert "sdesk triage" in desk.run("set", tid, "agency=DPS").stdout
    desk.run("triage", tid, "--recheck")
    assert desk.ticket(tid)["team"] == "IS-Applications"
