"""Session 39b: a tester's findings on logging an e-mailed incident as a service request
(`sdesk set ID type=request`, `sdesk triage ID --accept request`; docs/triage.md and
docs/email.md, "Session 39"). Each test drives the real CLI on a real git store at fixed
times; mail comes in through a Maildir as tests/test_intake_39.py does, and each fails on the
code before session 39b."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from test_intake_39 import _fetch, _mail, _only

T_MAIL = "2026-12-01T10:00:00-06:00"
T_TRIAGE = "2026-12-01T10:05:00-06:00"
T_ACCEPT = "2026-12-01T10:10:00-06:00"
T_LATE = "2026-12-01T12:30:00-06:00"
RITA = '"Rita Q" <rita.q@health.ok.gov>'


def _visio(desk: Desk, tmp_path: Path) -> str:
    _fetch(desk, tmp_path, _mail("pls install Visio", "Can you pls install Visio on my laptop?",
                                 "v1@x.test", sender=RITA), now=T_MAIL)
    (inc,) = _only(desk, "INC")
    return inc


def _fails(desk: Desk, now: str, *args: str) -> str:
    """stderr of a command that must fail at `now` (Desk.fails runs at the fixture's time)."""
    result = desk.run(*args, ok=False, now=now)
    assert result.exit_code != 0, result.stdout
    return str(result.stderr)


def _told_entry(ticket: dict) -> list[dict]:
    return [e for e in ticket["journal"] if e.get("visibility") == "public"
            and "logged your message as a service request" in e["text"]]


def test_the_request_keeps_the_mail_it_sent_as_its_public_first_response(
        desk: Desk, tmp_path: Path) -> None:
    """Finding 1: the incident got first_response_at, the request none, so at 12:30 `show REQ`
    said Respond by OVERDUE though the customer was mailed at 10:10."""
    inc = _visio(desk, tmp_path)
    desk.run("triage", inc, now=T_TRIAGE)
    desk.run("--actor", "aparker", "triage", inc, "--accept", "request", now=T_ACCEPT)
    (req,) = _only(desk, "REQ")
    r = desk.ticket(req)
    assert r["first_response_at"].startswith("2026-12-01T10:10:00")
    (entry,) = _told_entry(r)
    assert req in entry["text"] and inc in entry["text"]
    shown = desk.run("show", req, now=T_LATE).stdout
    assert "OVERDUE" not in shown and "responded 2026-12-01 10:10" in shown


def test_set_type_request_records_the_first_response_on_the_request_too(
        desk: Desk, tmp_path: Path) -> None:
    inc = _visio(desk, tmp_path)
    out = desk.run("set", inc, "type=request", now=T_ACCEPT).stdout
    req = out.strip().splitlines()[-1]
    assert "the mail telling the customer is a public entry there, its first response" in out
    r = desk.ticket(req)
    assert r["first_response_at"].startswith("2026-12-01T10:10:00")
    assert len(_told_entry(r)) == 1
    sweep = desk.run("sweep", "--dry-run", now=T_LATE).stdout
    assert "past its Respond By" not in sweep and "Unowned" in sweep, sweep  # sweep ran on it


def test_an_incident_with_open_tasks_is_not_logged_as_a_request(
        desk: Desk, tmp_path: Path) -> None:
    """Finding 2: the incident was resolved (and later closed) with its task still open."""
    inc = _visio(desk, tmp_path)
    task = desk.run("task", "new", "--parent", inc, "-T", "check the laptop model",
                    now=T_TRIAGE).stdout.strip().splitlines()[-1]
    assert task.startswith("TASK-") or task in str(desk.json("list", "--all"))
    before = desk.snapshot()
    err = _fails(desk, T_ACCEPT, "set", inc, "type=request")
    assert f"{inc} has open tasks: " in err and "resolve or close them first" in err, err
    assert len(err.strip().splitlines()) == 1
    assert desk.snapshot() == before


def test_an_incident_on_hold_is_not_logged_as_a_request(desk: Desk, tmp_path: Path) -> None:
    """Finding 4: the hold ended silently and its pending question was never mentioned."""
    inc = _visio(desk, tmp_path)
    desk.run("hold", inc, "--reason", "awaiting-customer", "--ask", "Which laptop is it?",
             now=T_TRIAGE)
    before = desk.snapshot()
    err = _fails(desk, T_ACCEPT, "set", inc, "type=request")
    assert f"{inc} is on hold (awaiting-customer)" in err and f"sdesk resume {inc}" in err, err
    assert "or wait for the customer's answer" in err and len(err.strip().splitlines()) == 1
    assert desk.snapshot() == before
    desk.run("resume", inc, now=T_ACCEPT)
    desk.run("hold", inc, "--reason", "awaiting-vendor", now=T_ACCEPT)
    err = _fails(desk, T_LATE, "set", inc, "type=request")
    assert f"{inc} is on hold (awaiting-vendor)" in err and "customer" not in err, err


def test_an_incident_logged_as_a_request_names_the_request_not_a_refused_reopen(
        desk: Desk, tmp_path: Path) -> None:
    """Finding 5: set type=request again said "sdesk reopen ... first" (reopen refuses it), and
    resolve --duplicate-of the incident did not name the request where the work is."""
    inc = _visio(desk, tmp_path)
    req = desk.run("set", inc, "type=request", now=T_ACCEPT).stdout.strip().splitlines()[-1]
    before = desk.snapshot()
    err = _fails(desk, T_LATE, "set", inc, "type=request")
    assert f"{inc} was logged as request {req} already" in err and "reopen" not in err, err
    assert len(err.strip().splitlines()) == 1
    other = desk.new("-T", "Visio please", "--email", "rita.q@health.ok.gov", "--agency",
                     "OSDH", "-d", "x", now=T_LATE)
    err = _fails(desk, T_LATE, "resolve", other, "--duplicate-of", inc, "-s", "same")
    assert f"{inc} was logged as request {req}" in err and f"name {req}" in err, err
    assert "sdesk reopen" not in err and len(err.strip().splitlines()) == 1
    assert desk.snapshot() != before  # the new ticket only
    assert desk.ticket(other)["status"] != "resolved"


def test_kb_new_from_an_incident_logged_as_a_request_is_refused_naming_the_request(
        desk: Desk, tmp_path: Path) -> None:
    """Finding 3: it drafted an article "Logged as request REQ-..." (as kb new refuses a
    duplicate or a no-response, kb.NO_SOLUTION)."""
    inc = _visio(desk, tmp_path)
    req = desk.run("set", inc, "type=request", now=T_ACCEPT).stdout.strip().splitlines()[-1]
    before = desk.snapshot()
    err = _fails(desk, T_LATE, "kb", "new", "--from", inc)
    assert f"{inc} was resolved as logged-as-request" in err, err
    assert f"sdesk kb new --from {req}" in err and len(err.strip().splitlines()) == 1, err
    assert desk.snapshot() == before


def test_a_mailed_chase_of_an_open_request_is_proposed_as_its_duplicate_not_a_request(
        desk: Desk, tmp_path: Path) -> None:
    """Finding 6: the same person's "when will Visio be installed on my laptop?" mailed while
    their Visio REQ was open was proposed request:software; accepting took a second seat."""
    inc = _visio(desk, tmp_path)
    req = desk.run("set", inc, "type=request", now=T_ACCEPT).stdout.strip().splitlines()[-1]
    _fetch(desk, tmp_path, _mail("when will Visio be installed on my laptop?", "any news?",
                                 "v2@x.test", sender=RITA), now=T_LATE)
    (chase,) = [i for i in _only(desk, "INC") if i != inc]
    desk.run("triage", chase, now=T_LATE)
    c = desk.ticket(chase)
    assert f"proposed:duplicate:{req}" in c["flags"], c["flags"]
    assert not [f for f in c["flags"] if ":request:" in f], c["flags"]
    assert c["related"] == [req]  # related at once, as for incidents
    desk.run("triage", chase, "--accept", "duplicate", now=T_LATE)
    c = desk.ticket(chase)
    assert c["status"] == "resolved" and c["duplicate_of"] == req
    assert _only(desk, "REQ") == [req]  # no second request, no second seat


def test_a_mailed_incident_from_someone_with_an_open_request_on_another_subject_is_unchanged(
        desk: Desk, tmp_path: Path) -> None:
    """The other cases stay: another subject is no chase, and is proposed as a request."""
    inc = _visio(desk, tmp_path)
    desk.run("set", inc, "type=request", now=T_ACCEPT)
    _fetch(desk, tmp_path, _mail("need a new keyboard and mouse", "sticky keys", "k9@x.test",
                                 sender=RITA), now=T_LATE)
    (other,) = [i for i in _only(desk, "INC") if i != inc]
    desk.run("triage", other, now=T_LATE)
    flags = desk.ticket(other)["flags"]
    assert "proposed:request:hardware" in flags and not [f for f in flags if "duplicate" in f]


def test_a_rejected_chase_brings_the_request_proposal_back(desk: Desk, tmp_path: Path) -> None:
    """The dispatcher decides: a chase proposal rejected leaves the request proposal to make."""
    inc = _visio(desk, tmp_path)
    req = desk.run("set", inc, "type=request", now=T_ACCEPT).stdout.strip().splitlines()[-1]
    _fetch(desk, tmp_path, _mail("when will Visio be installed on my laptop?", "any news?",
                                 "v3@x.test", sender=RITA), now=T_LATE)
    (chase,) = [i for i in _only(desk, "INC") if i != inc]
    desk.run("triage", chase, now=T_LATE)
    desk.run("triage", chase, "--reject", "duplicate", now=T_LATE)
    desk.run("triage", chase, "--recheck", now=T_LATE)
    flags = desk.ticket(chase)["flags"]
    assert f"rejected:duplicate:{req}" in flags and "proposed:request:software" in flags, flags


def test_accept_request_again_records_the_first_response_on_the_request(
        desk: Desk, tmp_path: Path) -> None:
    inc = _visio(desk, tmp_path)
    desk.run("triage", inc, now=T_TRIAGE)
    desk.run("triage", inc, "--reject", "request", now=T_TRIAGE)
    desk.run("triage", inc, "--accept", "request", "--again", now=T_ACCEPT)
    (req,) = _only(desk, "REQ")
    r = desk.ticket(req)
    assert r["first_response_at"].startswith("2026-12-01T10:10:00") and len(_told_entry(r)) == 1
