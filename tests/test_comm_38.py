"""Session 38, a new-user tester's findings on what the desk tells its customers and what it
counts: a customer's chase is no update to them (stale, the sweep), e-mail tickets can be first
contact, the report shows both breaches, knowledge-base drafts hold only the desk's words, and
customers read plain language. Real CLI, real git store in a temporary folder, fixed --now."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive

ROBOT = "Mail Robot <robot@omes.ok.gov>"


def _mail_ticket(desk: Desk, tmp: Path, subject: str, now: str, sender: str = "Hal Burns "
                 "<hal.burns@okdhs.org>", msgid: str = "<n1@okdhs.org>") -> str:
    path = tmp / f"{msgid.strip('<>')}.eml"
    path.write_bytes(message(subject, sender=sender, message_id=msgid,
                             body="It fails every time."))
    line = desk.run("--actor", ROBOT, "mail", "receive", str(path), now=now).stdout
    found = re.match(r"(\S+): new ", line)
    assert found, line
    return found.group(1)


def _reply(desk: Desk, tmp: Path, tid: str, body: str, now: str, msgid: str,
           sender: str = "Hal Burns <hal.burns@okdhs.org>") -> str:
    return receive(desk, message(f"RE: [{tid}] it", sender=sender, message_id=msgid, body=body),
                   tmp, now=now)


def test_a_customers_chase_is_no_update_to_them(desk: Desk, tmp_path: Path) -> None:
    """Finding 1: the customer's "any update?" was a public entry, so it counted as the
    update the desk owed them: the ticket left `stale` and the sweep's "Update owed"."""
    tid = desk.new("-t", "incident", "-T", "Laptop blue screen", "--email",
                   "hal.burns@okdhs.org", "--name", "Hal Burns", "--agency", "DHS",
                   "--service", "Laptop", "-d", "BSOD on boot", now="2026-11-30T09:00:00-06:00")
    desk.run("assign", tid, "--to", "jtran", now="2026-11-30T09:05:00-06:00")
    assert "reply from hal.burns@okdhs.org added" in _reply(
        desk, tmp_path, tid, "Any update? I still cannot work.", "2026-12-02T10:00:00-06:00",
        "<r2@okdhs.org>")
    later = "2026-12-04T12:30:00-06:00"
    rows = {r["id"]: r for r in json.loads(
        desk.run("stale", "--days", "3", "--json", now=later).stdout)}
    assert tid in rows and rows[tid]["last_update"].startswith("2026-11-30T09:00"), rows
    sweep = desk.run("sweep", "--dry-run", now=later).stdout
    assert f"Update owed: {tid}" in sweep, sweep
    # the desk's own public note is the update: the ticket leaves both
    desk.run("note", tid, "We are reimaging the laptop today.", "--public",
             now="2026-12-03T09:00:00-06:00")
    assert tid not in desk.run("stale", "--days", "3", "--json", now=later).stdout
    assert f"Update owed: {tid}" not in desk.run("sweep", "--dry-run", now=later).stdout


def test_an_email_tickets_first_contact_is_the_first_technician_who_worked_it(
        desk: Desk, tmp_path: Path) -> None:
    """Finding 2: logged by a mail robot, an e-mail ticket could never be first contact
    ("logged by Mail Robot, resolved by Wade Stone"); FCR 0.0 for the e-mail channel."""
    one = _mail_ticket(desk, tmp_path, "Outlook will not open", "2026-12-01T09:00:00-06:00")
    plan = desk.run("--actor", "aparker", "resolve", one, "--code", "fixed", "--summary",
                    "Rebuilt your Outlook profile", now="2026-12-01T09:20:00-06:00").stdout
    assert "first contact: yes (resolved by Ashley Parker" in plan, plan
    # assigned to Jimmy Tran but resolved by Ashley Parker: Jimmy was the first contact
    two = _mail_ticket(desk, tmp_path, "Teams will not start", "2026-12-01T10:00:00-06:00",
                       msgid="<n2@okdhs.org>")
    desk.run("assign", two, "--to", "jtran", now="2026-12-01T10:05:00-06:00")
    plan = desk.run("--actor", "aparker", "resolve", two, "--code", "fixed", "--summary",
                    "Cleared the Teams cache", now="2026-12-01T10:20:00-06:00").stdout
    assert "first contact: no (first worked by Jimmy Tran, resolved by Ashley Parker)" in plan
    # a phone ticket keeps the rule: whoever logged it took the contact
    three = desk.new("-T", "Monitor flickers", "--email", "hal.burns@okdhs.org",
                     now="2026-12-01T11:00:00-06:00")
    plan = desk.run("--actor", "aparker", "resolve", three, "--code", "fixed", "--summary",
                    "New cable", now="2026-12-01T11:10:00-06:00").stdout
    assert "first contact: no (logged by Dana Dispatcher, resolved by Ashley Parker)" in plan
    kpi = json.loads(desk.run("kpi", "--by", "channel", "--json",
                              now="2026-12-02T09:00:00-06:00").stdout)
    rows = {r["channel"]: r for r in kpi["groups"]}
    assert rows["email"]["fcr_pct"] == 50.0, rows


def test_the_report_shows_a_resolve_breach_beside_the_respond_breach(
        desk: Desk, tmp_path: Path) -> None:
    """Finding 3: a ticket nobody answered for days is past Resolve By too; the report said
    only "BREACHED (respond)", where the handover (session 37) says both."""
    tid = desk.new("-T", "Printer offline", "--email", "hal.burns@okdhs.org", "--channel",
                   "email", now="2026-11-23T09:00:00-06:00")  # a call is answered (session 39)
    soon = desk.new("-T", "Scanner slow", "--email", "hal.burns@okdhs.org", "--channel",
                    "email", now="2026-12-01T10:00:00-06:00")
    page = tmp_path / "r.html"
    desk.run("report", "-o", str(page), now="2026-12-01T11:05:00-06:00")
    html = page.read_text(encoding="utf-8")
    row = re.search(rf'<tr id="t-{tid}">.*?</tr>', html, re.S)
    assert row and "BREACHED (respond, resolve)" in row.group(0), row
    other = re.search(rf'<tr id="t-{soon}">.*?</tr>', html, re.S)
    assert other and "BREACHED" not in other.group(0) and "resolve by" in other.group(0)
    handover = desk.run("handover", now="2026-12-01T11:05:00-06:00").stdout
    assert "(BREACHED)" in handover  # the same helper says it there


def test_a_kb_draft_holds_only_what_the_desk_told_the_customer(
        desk: Desk, tmp_path: Path) -> None:
    """Finding 4: "What the customer was told" listed the customer's thank-you with their
    signature, a technician's mailed "user is rude btw" and the store's mail paths."""
    tid = _mail_ticket(desk, tmp_path, "VPN drops", "2026-12-01T09:00:00-06:00")
    desk.run("note", tid, "We replaced your VPN profile.", "--public",
             now="2026-12-01T09:30:00-06:00")
    _reply(desk, tmp_path, tid, "user is rude btw", "2026-12-01T09:40:00-06:00",
           "<s1@omes.ok.gov>", sender="Jimmy Tran <jimmy.tran@omes.ok.gov>")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Profile replaced",
             now="2026-12-01T10:00:00-06:00")
    desk.run("reopen", tid, "--reason", "drops again", now="2026-12-02T09:00:00-06:00")
    _reply(desk, tmp_path, tid, "Thanks so much!\n\nHal Burns\nDHS Finance, 405-555-0199",
           "2026-12-02T09:10:00-06:00", "<r3@okdhs.org>")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Replaced the VPN certificate",
             now="2026-12-02T10:00:00-06:00")
    draft = desk.run("kb", "new", "--from", tid, "--dry-run",
                     now="2026-12-02T11:00:00-06:00").stdout
    told = draft.split("## What the customer was told", 1)[1].split("## Source", 1)[0]
    assert "We replaced your VPN profile." in told
    assert "Profile replaced" in told  # the earlier resolution, before the reopen
    assert "Replaced the VPN certificate" not in told  # the Resolution section has it
    assert "Replaced the VPN certificate" in draft
    for words in ("rude", "Thanks so much", "405-555-0199", "Message kept as mail/", "mail/"):
        assert words not in draft, (words, draft)


def test_customers_read_plain_language(desk: Desk, tmp_path: Path) -> None:
    """Finding 5: the acknowledgement said "logged ... with priority P3"; a child's customer
    read "Resolved with its parent INC-...", an ID they never saw."""
    tid = _mail_ticket(desk, tmp_path, "Cannot reach VPN", "2026-12-01T09:00:00-06:00")
    [ack] = [p.read_text() for p in desk.outbox() if tid in p.name]
    assert "priority" not in ack and not re.search(r"\bP[1-4]\b", ack), ack
    assert f"We have logged your report as {tid}." in ack
    assert "We will reply by Tuesday 1 December 2026 at 11:00 CST." in ack, ack
    assert "We aim to have it resolved by" in ack
    a = desk.new("-T", "VPN down", "--email", "a1@odot.org", now="2026-12-01T09:10:00-06:00")
    b = desk.new("-T", "VPN broken", "--email", "b1@odot.org", now="2026-12-01T09:12:00-06:00")
    parent = desk.run("parent", "new", "--from", a, b, "-T", "VPN outage",
                      now="2026-12-01T09:20:00-06:00").stdout.strip().splitlines()[-1]
    before = set(desk.outbox())
    desk.run("note", parent, "The VPN provider is restoring service.", "--public",
             now="2026-12-01T09:30:00-06:00")
    desk.run("resolve", parent, "--code", "fixed", "--summary",
             "The VPN concentrator was restarted.", now="2026-12-01T10:00:00-06:00")
    sent = [p.read_text() for p in set(desk.outbox()) - before]
    assert len(sent) == 4, sent
    for mail in sent:
        assert parent not in mail, mail
    child = desk.ticket(a)["journal"]
    texts = [e["text"] for e in child if e["visibility"] == "public"]
    assert "This was part of a wider problem we fixed: The VPN concentrator was restarted." \
        in texts, texts
    assert not [t for t in texts if parent in t], texts
