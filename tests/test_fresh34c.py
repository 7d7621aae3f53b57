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


def _visio_assigned_without_the_flag(desk: Desk) -> str:
    """An assigned Visio request that holds its seat (`sdesk software` counts it: assigned)
    without the licence-seat flag, as imported requests and the sample store's do."""
    tid = desk.new("-t", "request", "-T", "Install Visio", "--email", "cy@omes.ok.gov",
                   "--agency", "OMES", "-d", "details", "--software", "Visio",
                   "--service", "Software Install")
    desk.run("triage", tid)
    desk.run("assign", tid, "--to", "dcooper")
    path = next((desk.root / "tickets").rglob(f"{tid}.toml"))
    path.write_text(path.read_text().replace('"licence-seat"', ""))
    desk.git("commit", "-qam", "imported without the flag")
    t = desk.ticket(tid)
    assert t["status"] == "assigned" and "licence-seat" not in t["flags"]
    [visio] = [r for r in desk.json("software") if r["name"] == "Microsoft Visio"]
    assert visio["used"] == 1
    return tid


def test_a_seat_counted_without_the_flag_keeps_its_software_and_kind(desk: Desk) -> None:
    """The seat is what `sdesk software` counts, flag or not: another title, a hardware
    category or a hardware service is refused on it (the seat moved unchecked, or stayed)."""
    tid = _visio_assigned_without_the_flag(desk)
    before = desk.snapshot()
    for assignment in ("software=Microsoft Project", "category=hardware",
                       "service=Hardware Request"):
        result = desk.fails("set", tid, assignment, "--force", code=1)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert f"{tid} holds a Visio licence seat (sdesk software counts it)" in result.stderr
    assert "a hardware request holds none" in result.stderr
    assert desk.snapshot() == before


def test_a_software_title_set_on_an_assigned_request_gets_the_licence_check(
        desk: Desk) -> None:
    """An assigned request holds a seat of the software it names: setting one takes a seat,
    so the licence rules apply (none free, unlisted: refused)."""
    from test_licence_seats_granted import one_visio_licence

    one_visio_licence(desk)
    _visio_assigned_without_the_flag(desk)
    tid = desk.new("-t", "request", "-T", "Need a shared folder", "--email", "cy@omes.ok.gov",
                   "--agency", "OMES", "-d", "details", "--service", "File Share Access")
    desk.run("triage", tid)
    desk.run("assign", tid, "--to", "pnakai")
    before = desk.snapshot()
    full = desk.fails("set", tid, "software=Visio", code=1).stderr
    assert "no Microsoft Visio licence free (1 of 1 held)" in full
    assert "'WinRAR' is listed but not approved" in desk.fails(
        "set", tid, "software=WinRAR", code=1).stderr
    assert "'Frobnicator Pro' is not on the Standard Desktop Software List" in desk.fails(
        "set", tid, "software=Frobnicator Pro", code=1).stderr
    assert desk.snapshot() == before
