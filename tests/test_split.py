"""sdesk split: a separation carried out in one commit (guide incident-4; docs/triage.md,
"Carrying out a separation")."""

from __future__ import annotations

from conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
LATER = "2026-11-23T14:00:00-06:00"
SUPERVISOR = "Kendra Yellowhorse <kendra.yellowhorse@omes.ok.gov>"


def handed_back(desk: Desk, *extra: str) -> str:
    """The docs' two-problem ticket, handed back for separation at 09:00."""
    tid = desk.new("-T", "Printer offline; VPN also not connecting", "--name", "Cy Lee",
                   "--email", "cy.lee@omes.ok.gov", "--agency", "OMES", "--phone", "405-555-0101",
                   "--service", "Printing", "--impact", "3", "--urgency", "2", "-d",
                   "The printer by room 301 says offline, and VPN fails from home", *extra,
                   now=T0)
    desk.run("triage", tid, "--split", "the printer and VPN are two problems", now=T0)
    assert "needs-separation" in desk.ticket(tid)["flags"]
    return tid


def split(desk: Desk, tid: str, *args: str) -> str:
    out = desk.run("split", tid, *args, now=LATER).stdout
    return out.strip().splitlines()[-1]


def test_a_split_logs_relates_corrects_and_triages_in_one_commit(desk: Desk) -> None:
    tid = handed_back(desk)
    before = desk.commits()
    new = split(desk, tid, "--title", "VPN not connecting from home", "--service", "VPN",
                "--keep", "Printer offline", "--keep-description",
                "The printer by room 301 says offline")
    assert desk.commits() == before + 1
    assert desk.git("log", "-1", "--format=%s").startswith(f"split {new} from {tid}")
    o, n = desk.ticket(tid), desk.ticket(new)
    assert n["requester"] == o["requester"] == {
        "name": "Cy Lee", "email": "cy.lee@omes.ok.gov", "agency": "OMES",
        "phone": "405-555-0101"}
    assert (n["type"], n["impact"], n["urgency"], n["priority"]) == ("incident", 3, 2, 4)
    # the SLA runs from the customer's report, not from the separation
    assert n["opened_at"] == o["opened_at"]
    assert (n["respond_by"], n["resolve_by"]) == (o["respond_by"], o["resolve_by"])
    separated = [e for e in n["journal"] if e["text"].startswith(f"Separated from {tid}")]
    assert separated and "(reported 2026-11-23 09:00 CST)" in separated[0]["text"]
    assert separated[0]["at"].startswith("2026-11-23T14:00")  # the journal is dated now
    assert n["related"] == [tid]
    assert new in desk.run("show", tid).stdout  # both show the link
    # the original corrected as `sdesk set` would, the hand-back cleared as --recheck would
    assert (o["title"], o["description"]) == ("Printer offline",
                                              "The printer by room 301 says offline")
    assert any(e["text"].startswith("Corrected by Dana Dispatcher: title, description")
               for e in o["journal"])
    assert "needs-separation" not in o["flags"]
    assert (o["status"], o["team"]) == ("triaged", "IS-Desktop Support")
    assert (n["status"], n["team"]) == ("triaged", "IS-Network Services")


def test_a_priority_the_supervisor_decided_is_not_carried(desk: Desk) -> None:
    tid = handed_back(desk)
    desk.run("--actor", SUPERVISOR, "priority", tid, "2", "--reason", "payroll printing")
    assert desk.ticket(tid)["priority"] == 2
    new = split(desk, tid, "--title", "VPN not connecting from home", "--service", "VPN")
    n = desk.ticket(new)
    assert n["priority"] == 4  # impact 3 x urgency 2, the chart's; the supervisor decides anew
    assert desk.ticket(tid)["priority"] == 2


def test_without_keep_the_original_is_left_as_it_is_and_the_halves_are_not_duplicates(
        desk: Desk) -> None:
    tid = desk.new("-T", "Cannot connect to VPN from home and cannot print", "--email",
                   "al.b@omes.ok.gov", "--agency", "OMES", "--service", "VPN", "-d",
                   "VPN fails from home and the printer says offline", now=T0)
    desk.run("triage", tid, "--split", "VPN and printing are two problems", now=T0)
    out = desk.run("split", tid, "--title", "Cannot connect to VPN from home", "--service",
                   "VPN", now=LATER).stdout
    new = out.strip().splitlines()[-1]
    o, n = desk.ticket(tid), desk.ticket(new)
    assert o["title"] == "Cannot connect to VPN from home and cannot print"
    assert not any(e["kind"] == "edit" for e in o["journal"])
    # by default its title, not the words of both
    # problems (fresh30b finding 4, session 30)
    assert n["description"] == "Cannot connect to VPN from home"
    # the dispatcher just said they are two problems: neither is the other's duplicate
    assert "incident-5" not in out, out
    for t in (o, n):
        assert not [f for f in t["flags"] if "duplicate" in f], t["flags"]


def test_a_pending_separation_proposal_is_settled_and_the_original_not_triaged_again(
        desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline; VPN also not connecting", "--email",
                   "cy.lee@omes.ok.gov", "--agency", "OMES", "--service", "Printing", "-d",
                   "details", now=T0)
    desk.run("triage", tid, now=T0)
    flags = desk.ticket(tid)["flags"]
    proposed = [f for f in flags if f.startswith("proposed:separation:")]
    assert proposed, flags
    out = desk.run("split", tid, "--title", "VPN not connecting", "--service", "VPN",
                   now=LATER).stdout
    assert "not handed back for separation (status triaged): not triaged again" in out
    o = desk.ticket(tid)
    assert proposed[0].replace("proposed:", "accepted:") in o["flags"]
    assert not [f for f in o["flags"] if f.startswith("proposed:separation:")]
    assert o["status"] == "triaged"


def test_without_a_service_the_new_ticket_is_handed_back_for_one(desk: Desk) -> None:
    tid = handed_back(desk)
    new = split(desk, tid, "--title", "VPN not connecting from home")
    n = desk.ticket(new)
    assert "needs-service" in n["flags"] and n["team"] == "IS-Service Desk"


def test_a_dry_run_and_bad_input_change_nothing(desk: Desk) -> None:
    tid = handed_back(desk)
    before = desk.snapshot()
    out = desk.run("split", tid, "--title", "VPN down", "--service", "VPN", "--dry-run",
                   now=LATER).stdout
    assert "create incident" in out
    assert desk.snapshot() == before
    bad = desk.fails("split", tid, "--title", "VPN down", "--service", "Nope")
    assert bad.stderr.count("\n") == 1 and "Nope" in bad.stderr
    desk.run("resolve", tid, "--code", "fixed", "--summary", "done")
    before = desk.snapshot()
    gone = desk.fails("split", tid, "--title", "VPN down")
    assert "is resolved: only an open ticket is separated" in gone.stderr
    assert desk.snapshot() == before


def test_a_first_response_on_the_original_counts_for_the_new_ticket(desk: Desk) -> None:
    tid = handed_back(desk)
    desk.run("note", tid, "--public", "We are looking at both", now="2026-11-23T09:30:00-06:00")
    responded = desk.ticket(tid)["first_response_at"]
    assert responded
    new = split(desk, tid, "--title", "VPN not connecting from home", "--service", "VPN")
    assert desk.ticket(new)["first_response_at"] == responded
