"""Session 39: a service request that arrives by e-mail becomes a request (tester 39b, sections 1
and 11), and review mistakes on a trend are recoverable (sections 7 and 12). Each test drives
the real CLI on a real git store at fixed times; mail comes in through a Maildir as the mail
tests do (tests/test_mail_fetch.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import Desk
from mail_helpers import header

T0 = "2026-12-01T08:00:00-06:00"
T_MAIL = "2026-12-01T08:30:00-06:00"
T1 = "2026-12-01T08:31:00-06:00"
T2 = "2026-12-01T08:32:00-06:00"
T3 = "2026-12-01T09:30:00-06:00"


def _mail(subject: str, body: str, mid: str, sender: str = "Lee Grant <lee.grant@deq.ok.gov>",
          headers: str = "") -> bytes:
    return (f"From: {sender}\r\nTo: servicedesk@omes.ok.gov\r\nSubject: {subject}\r\n"
            f"Date: Tue, 01 Dec 2026 08:20:00 -0600\r\nMessage-ID: <{mid}>\r\n{headers}\r\n"
            f"{body}\r\n").encode()


def _fetch(desk: Desk, tmp_path: Path, *messages: bytes, now: str = T_MAIL) -> str:
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for raw in messages:
        (box / "new" / f"{abs(hash(raw))}.host").write_bytes(raw)
    return str(desk.run("mail", "fetch", "--maildir", str(box), now=now).stdout)


def _only(desk: Desk, prefix: str) -> list[str]:
    return sorted(r["id"] for r in desk.json("list", "--all") if r["id"].startswith(prefix))


def _three_tableau_seats_held(desk: Desk) -> None:
    for i in (1, 2, 3):
        desk.new("-t", "request", "-T", "tableau pls", "--software", "Tableau", "--email",
                 f"u{i}@omes.ok.gov", "--agency", "OMES", "--service", "Software Install", "-d",
                 "x", now=f"2026-12-01T08:0{i}:00-06:00")
    desk.run("triage", "--all", now="2026-12-01T08:10:00-06:00")


def _sent(desk: Desk, ticket_id: str) -> list[bytes]:
    return [p.read_bytes() for p in desk.outbox() if ticket_id in p.name]


def test_set_type_request_logs_an_email_incident_as_a_request_through_the_licence_check(
        desk: Desk, tmp_path: Path) -> None:
    """Section 1's repro: the 4th Tableau install by mail, all 3 seats held. Before session
    39 `set ID type=request` was refused ("'type' is not an editable field")."""
    _three_tableau_seats_held(desk)
    _fetch(desk, tmp_path, _mail("need Tableau installed", "for dashboards pls", "t1@x.test"))
    (inc,) = _only(desk, "INC")
    ack = _sent(desk, inc)[0]
    commits = desk.commits()
    out = desk.run("set", inc, "type=request", now=T2).stdout
    assert desk.commits() == commits + 1  # one commit
    req = out.strip().splitlines()[-1]
    assert req.startswith("REQ-")
    r: dict[str, Any] = desk.ticket(req)
    i: dict[str, Any] = desk.ticket(inc)
    # the request: same requester, title, description, channel, agency; opened when reported
    assert (r["title"], r["channel"], r["requester"]["email"], r["requester"]["agency"]) == (
        "need Tableau installed", "email", "lee.grant@deq.ok.gov", "DEQ")
    assert r["description"] == i["description"] and r["opened_at"] == i["opened_at"]
    # ... and through the request rules: no licence free -> Inventory Control for a quote
    assert r["software"] == "Tableau Desktop" and r["team"] == "IT Inventory Control Manager"
    assert "3 licences, 3 held by tickets, none free" in out
    # related both ways; the incident resolved pointing at it, no reopen, never first contact
    assert r["related"] == [inc] and i["related"] == [req]
    assert i["status"] == "resolved" and i["reopens"] == 0
    assert i["resolution"]["code"] == "logged-as-request"
    assert i["resolution"]["first_contact"] is False
    assert req in i["resolution"]["summary"]
    # the mail thread follows; the customer is told once, in plain words, with no CSAT ask
    assert i["message_ids"] == [] and "t1@x.test" in r["message_ids"]
    told = [m for m in _sent(desk, req) if b"Logged as a request" in m]
    assert len(told) == 1 and f"[{req}]".encode() in told[0]
    assert not [m for m in _sent(desk, inc) if b"How satisfied" in m]
    assert not [m for m in _sent(desk, req) if b"How satisfied" in m]
    # the customer's reply to the first acknowledgement ([INC-...] tag) lands on the request
    reply = _mail(f"RE: [{inc}] Logged: need Tableau installed", "any news? still need it",
                  "t2@x.test", headers=f"In-Reply-To: {header(ack, 'Message-ID')}\r\n")
    tag_only = _mail(f"RE: [{inc}] need Tableau installed", "it is for my colleague too",
                     "t3@x.test")
    out = _fetch(desk, tmp_path, reply, tag_only, now=T3)
    assert out.count(f"{req}: reply from lee.grant@deq.ok.gov added") == 2, out
    i = desk.ticket(inc)
    assert i["status"] == "resolved" and i["reopens"] == 0
    texts = [e["text"] for e in desk.ticket(req)["journal"]]
    assert any(t.startswith("any news?") for t in texts)
    assert any(t.startswith("it is for my colleague too") for t in texts)
    # the incident is not reopened by hand either: the work goes on in the request
    before = desk.snapshot()
    err = desk.fails("reopen", inc, "--reason", "oops", code=1).stderr
    assert f"{inc} was logged as request {req}: its work goes on there" in err
    assert desk.snapshot() == before


def test_set_type_is_refused_in_one_line_with_the_store_unchanged(desk: Desk) -> None:
    inc = desk.new("-T", "VPN down", "--email", "bo@omes.ok.gov", "--agency", "OMES",
                   "--service", "VPN", "-d", "x", now=T0)
    req = desk.new("-t", "request", "-T", "need Visio", "--email", "bo@omes.ok.gov",
                   "--agency", "OMES", "-d", "x", now=T0)
    before = desk.snapshot()
    for args, said in (((req, "type=request"), f"{req} is a request already"),
                       ((inc, "type=case"), "type=case: an incident is turned into a request"),
                       ((inc, "type=request", "impact=1"), "type=request is set alone")):
        err = desk.fails("set", *args).stderr
        assert said in err and len(err.strip().splitlines()) == 1, err
    desk.run("resolve", inc, "--code", "fixed", "--summary", "ok", now=T1)
    before = desk.snapshot()
    err = desk.fails("set", inc, "type=request").stderr
    assert f"{inc} is resolved: only an open incident becomes a request" in err
    assert desk.snapshot() == before


def test_triage_proposes_a_request_for_a_mailed_hardware_request_and_accepting_logs_it(
        desk: Desk, tmp_path: Path) -> None:
    """Section 11: "need a new keyboard and mouse" by mail went to the Asset Team as an
    incident, with no "quote or available inventory" note."""
    _fetch(desk, tmp_path, _mail("need a new keyboard and mouse", "sticky keys. cube 3C",
                                 "k1@x.test", sender="Fay Dunn <fay.dunn@odot.org>"))
    (inc,) = _only(desk, "INC")
    out = desk.run("triage", inc, now=T1).stdout
    assert "proposed:request:hardware" in desk.ticket(inc)["flags"]
    assert "Proposed (request): the text asks for something ('need a') and names it" in out
    assert desk.ticket(inc)["status"] != "resolved"  # proposed, never applied on its own
    out = desk.run("triage", inc, "--accept", "request", now=T2).stdout
    (req,) = _only(desk, "REQ")
    r = desk.ticket(req)
    assert r["team"] == "IS-Asset Team" and r["category"] == "hardware"
    assert "for a quote or available inventory" in out
    i = desk.ticket(inc)
    assert "accepted:request:hardware" in i["flags"] and f"logged-as:{req}" in i["flags"]
    assert i["resolution"]["code"] == "logged-as-request"


def test_a_mailed_fault_or_a_phone_request_is_not_proposed_as_a_request(
        desk: Desk, tmp_path: Path) -> None:
    _fetch(desk, tmp_path, _mail("need a new keyboard, this one is broken", "keys stuck",
                                 "f1@x.test"),
           _mail("outlook wont open after install", "error 0x800", "f2@x.test",
                 sender="Bo Hall <bo.hall@okhca.org>"))
    desk.run("triage", "--all", now=T1)
    phone = desk.new("-T", "pls install TeamViewer", "--email", "rita.vance@occ.ok.gov",
                     "--agency", "OCC", "-d", "vendor needs it", now=T1)
    desk.run("triage", phone, now=T2)
    for tid in [*_only(desk, "INC")]:
        assert not [f for f in desk.ticket(tid)["flags"] if ":request:" in f], tid


OUTAGE = (("outlook keeps saying disconnected", "rhonda.kemp@omes.ok.gov", "OMES",
           "since i got in. webmail ok"),
          ("Outlook disconected from server", "paul.nguyen@health.ok.gov", "OSDH",
           "bottom bar says disconnected, cant send"),
          ("Outlook disconnected", "bea.quinn@okcommerce.gov", "COMMERCE",
           "outlook says disconnected since 8. can still get webmail"))


def _outage(desk: Desk) -> list[str]:
    ids = [desk.new("-T", title, "--email", email, "--agency", agency, "--service", "Email",
                    "-d", text, now=f"2026-12-01T08:0{i}:00-06:00")
           for i, (title, email, agency, text) in enumerate(OUTAGE, 1)]
    desk.run("triage", "--all", now="2026-12-01T09:00:00-06:00")
    return ids


def test_accepting_a_rejected_trend_says_who_rejected_it_and_again_recovers(desk: Desk) -> None:
    """Section 7: a `--reject trend` typed by mistake was permanent, and `--accept trend`
    said only "no pending trend proposal (pending: none)"."""
    first, second, third = _outage(desk)
    desk.run("triage", first, "--reject", "trend", now="2026-12-01T09:05:00-06:00")
    before = desk.snapshot()
    err = desk.fails("triage", first, "--accept", "trend", code=4).stderr
    assert ("the trend proposal (" + first + " 'outlook keeps saying disconnected' and 2 more: "
            "3 reports, 3 people) was rejected by ") in err
    assert "at 2026-12-01 09:05 CST; to accept it after all: sdesk triage " in err
    assert f"{first} --accept trend --again" in err
    assert f"sdesk parent new --from {first} {' '.join(sorted([second, third]))}" in err
    assert len(err.strip().splitlines()) == 1 and desk.snapshot() == before
    # --again goes with --accept KIND only
    assert desk.fails("triage", first, "--again", code=2).exit_code == 2
    assert desk.fails("triage", first, "--accept", "all", "--again", code=2).exit_code == 2
    out = desk.run("triage", first, "--accept", "trend", "--again",
                   now="2026-12-01T09:07:00-06:00").stdout
    assert "Rejection taken back by " in out and "notify " in out  # the supervisor is told
    flags = desk.ticket(first)["flags"]
    assert [f for f in flags if ":trend:" in f and not f.startswith("trend-")] == [
        f for f in flags if f.startswith("accepted:trend:")]
    assert "trend-reported" in flags


def test_again_is_refused_when_the_rejected_trend_no_longer_stands(desk: Desk) -> None:
    first, second, third = _outage(desk)
    desk.run("triage", first, "--reject", "trend", now="2026-12-01T09:05:00-06:00")
    desk.run("resolve", second, "--code", "fixed", "--summary", "ok",
             now="2026-12-01T09:06:00-06:00")
    before = desk.snapshot()
    err = desk.fails("triage", first, "--accept", "trend", "--again", code=1).stderr
    assert "no longer stands: 2 of its 3 reports are open (a trend needs 3)" in err
    assert f"sdesk parent new --from {first} {third} makes a parent case" in err
    assert desk.snapshot() == before


def test_a_ticket_triaged_again_keeps_one_trend_proposal_the_groups_as_it_is_now(
        desk: Desk) -> None:
    """Section 12: two identical trend proposals on one ticket. The cause: a ticket triaged
    again (here its service proposal accepted) after the group changed kept its old pending
    trend beside the new one, and `show` named both by the newest note."""
    first = desk.new("-T", "outlook disconnected", "--email", "a1@omes.ok.gov", "--agency",
                     "OMES", "-d", "outlook says disconnected", now="2026-12-01T08:01:00-06:00")
    for i in (2, 3):
        desk.new("-T", "outlook disconnected", "--email", f"a{i}@omes.ok.gov", "--agency",
                 "OMES", "--service", "Email", "-d", "outlook says disconnected",
                 now=f"2026-12-01T08:0{i}:00-06:00")
    desk.run("triage", "--all", now="2026-12-01T08:10:00-06:00")
    (old,) = [f for f in desk.ticket(first)["flags"] if f.startswith("proposed:trend:")]
    desk.new("-T", "outlook disconnected from server", "--email", "a4@omes.ok.gov", "--agency",
             "OMES", "--service", "Email", "-d", "disconnected", now="2026-12-01T08:11:00-06:00")
    desk.run("triage", "--all", now="2026-12-01T08:12:00-06:00")
    out = desk.run("triage", first, "--accept", "service", now="2026-12-01T08:14:00-06:00").stdout
    trends = [f for f in desk.ticket(first)["flags"] if f.startswith("proposed:trend:")]
    assert len(trends) == 1 and trends != [old]
    assert "Proposal withdrawn: the earlier trend proposal (3 reports, 3 people)" in out
    shown = [ln for ln in desk.run("show", first).stdout.splitlines()
             if ln.strip().startswith("Proposed:   trend")]
    assert len(shown) == 1 and "trend (4 reports, 4 people)" in shown[0]
    out = desk.run("triage", first, "--accept", "trend", "--dry-run",
                   now="2026-12-01T08:15:00-06:00").stdout
    assert out.count("Accepted by ") == 1
