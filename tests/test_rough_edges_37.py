"""Rough edges a dispatcher meets (issue 11, found by session 36's new-user tester), each on a
real store through the CLI with a fixed --now: a software list name that is a common word
("project folder", "a word of warning") names no product, and "Team Viewer" is TeamViewer;
`show` prints the software; the Software Request Form mail speaks plainly; the handover shows a
respond-by ticket's Resolve By and pages; `check` reports an unknown assignee; `relate --as
duplicate` of a triaged ticket says how to close it."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from assign_helpers import log, triage
from conftest import Desk
from test_short_ids import _on_a_terminal

from sdesk.core.reference import load_reference
from sdesk.procedures.request_kind import software_named

T0 = "2026-11-23T08:00:00-06:00"
ROOT = Path(__file__).resolve().parents[1]


def request(desk: Desk, title: str, *extra: str) -> str:
    return desk.new("-t", "request", "-T", title, "--email", "cy@omes.ok.gov", "--agency",
                    "OMES", "-d", "x", *extra, now=T0)


# 1. Software named by a common word ------------------------------------------------------

@pytest.mark.parametrize(("text", "named"), [
    ("project folder access", ""),
    ("need access to the project folder", ""),
    ("setting up a new project site for the grants team", ""),
    ("need R and RStudio for the sampling project", ""),  # was Microsoft Project, a rule
    ("word of warning, my laptop is slow", ""),
    ("any word on the card printer quote?", ""),
    ("quick word about my monitor", ""),
    ("my team needs access to the shared drive", ""),
    ("all teams need access to the new folder", ""),
    ("MS Project", "Microsoft Project"),
    ("install Project", "Microsoft Project"),
    ("need project for gantt charts", "Microsoft Project"),
    ("RE: Project - I need it on my laptop too", "Microsoft Project"),
    ("need MS Project for the records project", "Microsoft Project"),  # named once: named
    ("need Microsoft Word", "Microsoft 365 Apps for enterprise"),
    ("word keeps crashing", "Microsoft 365 Apps for enterprise"),
    ("pls add the spanish proofing pack to word", "Microsoft 365 Apps for enterprise"),
    ("Teams app", "Microsoft Teams"),
    ("please change my teams background", "Microsoft Teams"),
    ("can we get teams on the wall pc", "Microsoft Teams"),
    ("need Team Viewer for the vendor", "TeamViewer"),
    ("teamviewer please", "TeamViewer"),
])
def test_a_product_named_by_a_common_word_is_named_only_as_the_product(text: str,
                                                                      named: str) -> None:
    assert software_named(text, load_reference(ROOT / "reference")) == named


def test_a_project_folder_request_names_no_software(desk: Desk) -> None:
    # "project" named Microsoft Project: the learned kind model read "Software Install named"
    # and proposed software; "new project site" was a software request by rule, software set
    # to Microsoft Project and a licence checked
    folder = request(desk, "need access to the project folder for Finance")
    site = request(desk, "setting up a new project site for the grants team")
    out = desk.run("triage", folder, site, now=T0).output
    for tid in (folder, site):
        t = desk.ticket(tid)
        assert t["software"] == "", out
        assert not any(f.startswith("proposed:kind") for f in t["flags"]), out
    assert "Microsoft Project" not in out


def test_install_project_still_names_microsoft_project(desk: Desk) -> None:
    tid = request(desk, "pls install Project on my laptop")
    out = desk.run("triage", tid, now=T0).output
    assert desk.ticket(tid)["software"] == "Microsoft Project", out
    assert "a software request (names Microsoft Project)" in out


def test_team_viewer_is_teamviewer_and_needs_the_form(desk: Desk) -> None:
    tid = request(desk, "need Team Viewer for vendor support")
    out = desk.run("triage", tid, now=T0).output
    t = desk.ticket(tid)
    assert t["software"] == "TeamViewer" and "software-form" in t["flags"], out
    assert "'TeamViewer' is listed but not approved" in out
    assert desk.run("new", "-t", "request", "-T", "remote support tool", "--software",
                    "team viewer", "--email", "cy@omes.ok.gov", "--agency", "OMES",
                    now=T0).exit_code == 0


# 2. show prints the software ------------------------------------------------------------

def test_show_prints_the_software_without_a_service(desk: Desk) -> None:
    # it was printed only beside a service or a category ("Service: X / cat / software")
    tid = request(desk, "need visio", "--software", "Visio")
    shown = desk.run("show", tid).stdout
    assert "\n  Software:   Visio\n" in shown
    with_service = request(desk, "need visio too", "--software", "Visio", "--service",
                           "Software Install")
    shown = desk.run("show", with_service).stdout
    assert "\n  Service:    Software Install\n  Software:   Visio\n" in shown
    assert "Software:" not in desk.run("show", request(desk, "need a chair")).stdout


# 3. The Software Request Form mail ------------------------------------------------------

def _bodies(desk: Desk, to: str) -> list[str]:
    out = []
    for path in desk.outbox():
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to in str(msg["To"]):
            body = msg.get_body(("plain",))
            assert body is not None
            out.append(" ".join(body.get_content().split()))
    return out


def test_the_form_mail_says_the_software_you_asked_for_when_none_is_named(desk: Desk) -> None:
    # it said "software not named needs a completed Software Request Form before it can be
    # installed"
    tid = request(desk, "need the HEC-RAS software installed")
    desk.run("triage", tid, now=T0)
    assert "proposed:kind:software" in desk.ticket(tid)["flags"]
    desk.run("triage", tid, "--accept", "kind", now=T0)
    [body] = _bodies(desk, "cy@omes.ok.gov")
    assert ("The software you asked for is not on our list of standard software, so we need a "
            "Software Request Form before we can install it. Please fill in the form and send "
            "it to the Service Desk; we will carry on as soon as it is approved.") in body
    assert "software not named" not in body
    [note] = [e["text"] for e in desk.ticket(tid)["journal"] if e["visibility"] == "public"]
    assert note.startswith("The software you asked for is not on our list")


def test_the_form_mail_names_listed_software_that_is_not_approved(desk: Desk) -> None:
    request(desk, "need Team Viewer for vendor support")
    desk.run("triage", "--all", now=T0)
    [body] = _bodies(desk, "cy@omes.ok.gov")
    assert ("TeamViewer is on our software list but is not approved for general use, so we "
            "need a Software Request Form before we can install it.") in body


# 4. handover: the Resolve By of a respond-by ticket, and the pager ----------------------

def test_handover_shows_the_resolve_by_of_a_ticket_due_to_respond(desk: Desk) -> None:
    # by mail: a call is answered as it is logged (session 39)
    p3 = request(desk, "need a chair", "--channel", "email")  # respond 10:00, resolve Wed 17:00
    p1 = desk.new("-T", "Server room flooded", "--email", "cy@omes.ok.gov", "--agency", "OMES",
                  "--service", "VPN", "--priority", "P1", "--channel", "email", now=T0)
    out = desk.run("handover", "--peek", "--no-pager", now="2026-11-23T09:00:00-06:00").stdout
    assert ("      due to respond Mon 11-23 10:00, resolve by Wed 11-25 17:00; unassigned "
            "(IS-Service Desk)\n") in out, out
    assert ("      BREACHED to respond Mon 11-23 08:15, resolve by Mon 11-23 12:00; "
            "unassigned (IS-Service Desk)\n") in out, out
    later = desk.run("handover", "--peek", now="2026-11-23T13:00:00-06:00").stdout
    assert ("BREACHED to respond Mon 11-23 08:15, resolve by Mon 11-23 12:00 (BREACHED); "
            "unassigned") in later, later
    data = desk.json("handover", "--peek")
    assert {line["id"] for line in data["breaching"]} == {p1, p3}


def test_handover_pages_on_a_terminal_and_takes_no_pager(desk: Desk) -> None:
    log(desk, "Broken thing")
    env = {"SDESK_PAGER": "sed 's/^/PAGED: /'"}
    assert "PAGED: Handover" in _on_a_terminal(desk, "handover", "--peek", env=env)
    for args in (["handover", "--peek", "--no-pager"], ["--no-pager", "handover", "--peek"]):
        shown = _on_a_terminal(desk, *args, env=env)
        assert "PAGED" not in shown and "Handover" in shown, args
    assert "PAGED" not in desk.run("handover", "--peek").stdout  # not a terminal


# 5. check: an open ticket's assignee must be a known technician -------------------------

def test_check_reports_an_open_ticket_assigned_to_an_unknown_technician(desk: Desk) -> None:
    tid = log(desk, "Broken thing")
    desk.run("assign", tid, "--to", "dcooper")
    desk.run("check")

    def typo(ticket: object) -> None:
        ticket.assignee = "dcoopper"  # type: ignore[attr-defined]

    desk.collaborate(tid, typo)
    before = desk.snapshot()
    result = desk.fails("check", code=1)
    [path] = (desk.root / "tickets").rglob(f"{tid}.toml")
    rel = path.relative_to(desk.root).as_posix()
    line = path.read_text(encoding="utf-8").splitlines().index('assignee = "dcoopper"') + 1
    assert (f"{rel}:{line}: assignee: 'dcoopper' is not a technician of "
            "reference/technicians.toml (add them there, or sdesk assign the ticket to a "
            "technician)\n") in result.stdout
    assert result.stdout.count("assignee:") == 1
    assert desk.snapshot() == before

    def spelled(ticket: object) -> None:
        ticket.assignee = "DCooper"  # type: ignore[attr-defined]

    desk.collaborate(tid, spelled)
    assert ("assignee: 'DCooper' is not a technician of reference/technicians.toml, which "
            "spells the id 'dcooper': write that in the file\n") in desk.fails(
        "check", code=1).stdout


def test_check_leaves_a_resolved_tickets_departed_technician_alone(desk: Desk) -> None:
    tid = log(desk, "Broken thing")
    desk.run("assign", tid, "--to", "dcooper")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "done")

    def departed(ticket: object) -> None:
        ticket.assignee = "retired.tech"  # type: ignore[attr-defined]

    desk.collaborate(tid, departed)
    desk.run("check")  # history keeps who worked it


# 6. relate --as duplicate of a triaged ticket -------------------------------------------

HINT = ("relate: {a} is still {status}: relating does not resolve it; to close it as a "
        "duplicate: sdesk resolve {a} --duplicate-of {b} --summary '...'\n")


def test_relate_as_duplicate_of_a_triaged_ticket_says_how_to_resolve_it(desk: Desk) -> None:
    original = log(desk, "Monitor flickers")
    triage(desk, original)
    dup = log(desk, "Monitor flickering again", email="pat.user@omes.ok.gov")
    result = desk.run("relate", dup, original, "--as", "duplicate")
    assert result.stderr == HINT.format(a=dup, status="new", b=original)
    assert desk.ticket(dup)["status"] == "new"  # relate alone does not resolve
    desk.run("resolve", dup, "--duplicate-of", original, "--summary", "Same monitor")
    assert desk.ticket(dup)["status"] == "resolved"


def test_relate_as_duplicate_when_the_duplicate_was_triaged(desk: Desk) -> None:
    original = log(desk, "Monitor flickers")
    dup = log(desk, "Monitor flickering again")
    triage(desk, dup)
    dry = desk.run("relate", dup, original, "--as", "duplicate", "--dry-run")
    assert dry.stderr == ""  # the next step is said once it is done
    result = desk.run("relate", dup, original, "--as", "duplicate")
    assert result.stderr == HINT.format(a=dup, status="triaged", b=original)


def test_relate_as_duplicate_of_two_new_tickets_says_nothing(desk: Desk) -> None:
    # triage, which has not read them yet, judges them
    a, b = log(desk, "Monitor flickers"), log(desk, "Monitor flickering again")
    assert desk.run("relate", a, b, "--as", "duplicate").stderr == ""
    assert desk.run("relate", a, b).stderr == ""
