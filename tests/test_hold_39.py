"""Session 39 (issue 11: nothing decided from data nobody committed; the standard's "clear
communication ... providing regular updates"): holds that ask the customer, uncommitted
sdesk.toml, backdated mail in a batch, a --now far ahead, a technician's reopen told to the
customer. Each drives the real CLI on a real git store in a temporary folder at fixed times;
each failed on the code before session 39."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
T1 = "2026-11-23T10:00:00-06:00"
T2 = "2026-11-23T10:30:00-06:00"
T3 = "2026-11-23T11:00:00-06:00"
GINA = ("--email", "gina.marsh@doc.ok.gov", "--name", "Gina Marsh", "--agency", "OMES",
        "--service", "VPN")


def _fails(desk: Desk, *args: str, code: int, now: str | None = None,
           input: str | None = None) -> Any:
    """The command at `now`, which must fail with exit `code`."""
    result = desk.run(*args, ok=False, now=now, input=input)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    return result


def _incident(desk: Desk, title: str = "Docking station dead", now: str = T0) -> str:
    return desk.new("-T", title, *GINA, "-d", "The dock shows no lights", now=now)


def _message(sender: str, subject: str, body: str, mid: str) -> str:
    return (f"From: {sender}\nTo: servicedesk@omes.ok.gov\nSubject: {subject}\n"
            f"Message-ID: <{mid}@example.org>\nDate: Mon, 23 Nov 2026 15:00:00 -0600\n"
            f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n")


def _edit_config(desk: Desk, old: str, new: str) -> None:
    config = desk.root / "sdesk.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text, old
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


def _mails(desk: Desk) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for p in desk.outbox()]


def _body(msg: email.message.EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


REFUSED = ("sdesk: error: sdesk.toml has uncommitted changes, and a decision made from it "
           "cannot be reviewed in git until it is committed: commit it first (git commit "
           "sdesk.toml) or restore it (git checkout sdesk.toml); nothing written\n")


# 1. Every section of sdesk.toml counts ----------------------------------------------------

def test_mail_receive_with_an_uncommitted_mail_section_is_tried_again_later(desk: Desk) -> None:
    """[mail] reopen_days = 0, acknowledge = false, uncommitted, decided `mail receive` (a new
    ticket opened instead of the reopen, no acknowledgement): the mail server keeps the
    message (75), and once the file is restored the reply reopens the ticket."""
    tid = _incident(desk)
    desk.run("resolve", tid, "-c", "fixed", "-s", "Replaced the dock", now=T1)
    _edit_config(desk, "[mail]\n", "[mail]\nreopen_days = 0\nacknowledge = false\n")
    reply = _message("Gina Marsh <gina.marsh@doc.ok.gov>", f"RE: [{tid}] Resolved",
                     "The dock is dead again", "r1")
    before = desk.snapshot()
    result = _fails(desk, "mail", "receive", "-", input=reply, code=75, now=T2)
    assert result.stderr == REFUSED
    assert desk.snapshot() == before
    desk.git("checkout", "sdesk.toml")
    desk.run("mail", "receive", "-", input=reply, now=T2)
    assert desk.ticket(tid)["status"] != "resolved"


@pytest.mark.parametrize("args", [
    ["new", "-T", "Printer jams", "--email", "bo@omes.ok.gov"],
    ["hold", "{tid}", "--reason", "awaiting-vendor"],
    ["note", "{tid}", "Called Gina"],
])
def test_an_uncommitted_time_zone_stops_new_hold_and_note(desk: Desk, args: list[str]) -> None:
    """[store] timezone decides how --now is read and how every stamp is written (+09:00 for
    Asia/Tokyo): `new`, `hold` and `note` refuse with one line, nothing written."""
    tid = _incident(desk)
    _edit_config(desk, 'timezone = "America/Chicago"', 'timezone = "Asia/Tokyo"')
    before = desk.snapshot()
    result = _fails(desk, *[a.format(tid=tid) for a in args], code=1, now="2026-11-24T10:00")
    assert result.stderr == REFUSED
    assert desk.snapshot() == before
    desk.git("checkout", "sdesk.toml")
    desk.run(*[a.format(tid=tid) for a in args], now="2026-11-24T10:00")


# 2. A hold awaiting the customer asks the customer ----------------------------------------

def test_a_hold_awaiting_the_customer_mails_the_question_and_meets_respond_by(
        desk: Desk) -> None:
    """The question is a public entry mailed with the ticket tag; it is the desk's first
    response (Respond By met, not OVERDUE while the desk waits), and the requester's reply
    threads back and resumes the hold."""
    # logged from an e-mail: a call is answered at its opening (session 39), so only an
    # e-mailed ticket shows the question as the desk's first response
    tid = desk.new("-T", "Docking station dead", *GINA, "--channel", "email", "-d",
                   "The dock shows no lights", now=T0)
    ask = "What is the asset tag on the bottom of the dock? It starts with OK-."
    desk.run("hold", tid, "--reason", "awaiting-customer", "--ask", ask, now=T1)
    t = desk.ticket(tid)
    assert t["status"] == "on-hold" and t["first_response_at"] == T1
    assert [(e["visibility"], e["text"]) for e in t["journal"]][-1] == ("public", ask)
    logged, mail = _mails(desk)  # an e-mail ticket is acknowledged (session 40), then asked
    assert logged["Subject"] == f"[{tid}] Logged: Docking station dead"
    assert mail["To"] == "gina.marsh@doc.ok.gov"
    assert mail["Subject"] == f"[{tid}] Question about your ticket: Docking station dead"
    assert "Auto-Submitted" not in mail  # a person wrote the question
    body = _body(mail)
    assert ask in body and "Your ticket is paused until we hear from you" in body
    assert "On hold" not in body  # the internal hold entry stays inside
    shown = desk.run("show", tid, now="2026-11-25T11:00:00-06:00").stdout
    assert "Respond by:" in shown and "met)" in shown and "OVERDUE" not in shown.split(
        "Resolve by:")[0]
    answer = _message("Gina Marsh <gina.marsh@doc.ok.gov>", f"RE: {mail['Subject']}",
                      "The tag is OK-12345", "a1")
    line = desk.run("mail", "receive", "-", input=answer, now=T3).stdout
    assert "resumed: the hold awaited the customer" in line
    assert desk.ticket(tid)["status"] != "on-hold"


def test_a_hold_awaiting_the_customer_without_a_question_is_refused(desk: Desk) -> None:
    tid = _incident(desk)
    before = desk.snapshot()
    result = _fails(desk, "hold", tid, "--reason", "awaiting-customer", "--note",
                    "Asked Gina for the dock's asset tag", code=1, now=T1)
    assert result.stderr == (
        f'sdesk: error: {tid}: a hold awaiting the customer must ask them: give --ask '
        f'"QUESTION" (mailed to the requester; their reply resumes the hold) or, after a '
        f'phone call, --asked-by-phone\n')
    assert desk.snapshot() == before
    other = _fails(desk, "hold", tid, "--reason", "awaiting-vendor", "--ask", "Which dock?",
                   code=1, now=T1)
    assert other.stderr == ("sdesk: error: --ask and --asked-by-phone ask the customer: they go "
                            "with --reason awaiting-customer, not awaiting-vendor\n")
    assert desk.snapshot() == before


def test_asked_by_phone_holds_without_mail_with_one_warning(desk: Desk) -> None:
    # an e-mailed ticket: the call is its first response (a call's ticket has one at opening)
    tid = desk.new("-T", "Docking station dead", *GINA, "--channel", "email", "-d",
                   "The dock shows no lights", now=T0)
    acknowledged = desk.outbox()  # the e-mail ticket's acknowledgement (session 40)
    result = desk.run("hold", tid, "--reason", "awaiting-customer", "--asked-by-phone",
                      "--note", "Asked Gina for the dock's asset tag", now=T1)
    assert result.stderr == (f"sdesk: warning: {tid}: nothing mailed (asked by phone); an "
                             f"answer by phone resumes nothing by itself: sdesk resume {tid} "
                             "when it comes\n")
    t = desk.ticket(tid)
    assert desk.outbox() == acknowledged and t["first_response_at"] == T1
    assert t["journal"][-1]["text"].endswith(
        "Asked Gina for the dock's asset tag\nThe customer was asked by phone.")


def test_ask_to_a_requester_without_email_says_to_phone(desk: Desk) -> None:
    tid = desk.new("-T", "Dock dead", "--name", "Walk In", "--phone", "405-555-0101",
                   "-d", "no lights", now=T0)
    result = _fails(desk, "hold", tid, "--reason", "awaiting-customer", "--ask", "Tag?",
                    code=1, now=T1)
    assert result.stderr == (f"sdesk: error: {tid}'s requester has no e-mail, so --ask cannot "
                             "reach them: ask by phone, then hold with --asked-by-phone\n")


# 3. One backdated reply no longer stops a mail batch ---------------------------------------

def _maildir(tmp: Path, **messages: str) -> Path:
    box = tmp / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for name, text in messages.items():
        (box / "new" / name).write_text(text, encoding="utf-8")
    return box


BACKDATED = ("--now 2026-11-23T10:00:00-06:00 is before ticket {tid}'s last change at "
             "2026-11-23T10:30:00-06:00: its journal would be out of order; give a --now at or "
             "after 2026-11-23T10:30:00-06:00")


def test_a_fetch_skips_a_reply_to_a_ticket_changed_after_its_now_and_takes_the_rest(
        desk: Desk, tmp_path: Path) -> None:
    """Before: exit 1 and nothing taken, the unrelated new incident not logged either."""
    tid = _incident(desk)
    desk.run("note", tid, "Called Gina", now=T2)
    reply = _message("Gina Marsh <gina.marsh@doc.ok.gov>", f"RE: [{tid}] Dock", "Still dead",
                     "r1")
    fresh = _message("New Person <new.person@omes.ok.gov>", "Keyboard dead",
                     "My keyboard does not type", "n1")
    box = _maildir(tmp_path, **{"1.eml": reply, "2.eml": fresh})
    journal = desk.ticket(tid)["journal"]
    result = desk.run("mail", "fetch", "--maildir", str(box), now=T1)
    assert result.stderr == (f"sdesk: warning: 1.eml skipped, left in the mailbox: "
                             f"{BACKDATED.format(tid=tid)}\n")
    assert "2.eml: INC-" in result.stdout and "new incident from new.person@omes.ok.gov" in \
        result.stdout
    assert result.stdout.rstrip().endswith("2 message(s): 1 new, 1 skipped")
    assert sorted(p.name for p in (box / "new").iterdir()) == ["1.eml"]  # left as new
    assert desk.ticket(tid)["journal"] == journal
    # a later run, at or after the ticket's last change, takes it
    later = desk.run("mail", "fetch", "--maildir", str(box), now=T3).stdout
    assert f"1.eml: {tid}: reply from gina.marsh@doc.ok.gov added" in later
    assert list((box / "new").iterdir()) == []


def test_mail_receive_of_a_backdated_reply_exits_75_and_changes_nothing(desk: Desk) -> None:
    """A mail server bounces exit 1; 75 keeps the message and tries again later."""
    tid = _incident(desk)
    desk.run("note", tid, "Called Gina", now=T2)
    reply = _message("Gina Marsh <gina.marsh@doc.ok.gov>", f"RE: [{tid}] Dock", "Still dead",
                     "r1")
    before = desk.snapshot()
    result = _fails(desk, "mail", "receive", "-", input=reply, code=75, now=T1)
    assert result.stderr == ("sdesk: error: standard input not taken (the mail server tries again later): "
                             f"{BACKDATED.format(tid=tid)}\n")
    assert desk.snapshot() == before
    desk.run("mail", "receive", "-", input=reply, now=T3)
    assert "Still dead" in desk.ticket(tid)["journal"][-1]["text"]


# 4. A --now far ahead of the wall clock is warned of ---------------------------------------

FAR = "2099-01-05T09:00:00-06:00"  # fixed, and ahead of any wall clock this suite meets


def test_a_write_at_a_now_far_ahead_warns_once_and_goes_ahead(desk: Desk) -> None:
    """Before: accepted silently, and every later change of the ticket at an earlier --now
    was refused as backdated until 2099."""
    tid = _incident(desk)
    result = desk.run("note", tid, "Called Gina", now=FAR)
    [line] = result.stderr.splitlines()
    assert line.startswith(f"sdesk: warning: --now {FAR} is ") and line.endswith(
        " days ahead of this computer's clock: a ticket this command changes cannot be "
        "changed at an earlier --now until then"), line
    assert desk.ticket(tid)["journal"][-1]["at"] == FAR  # not refused: tests use fixed dates
    later = desk.run("triage", "--all", now=FAR)  # a batch warns once, not per ticket
    assert later.stderr.count("days ahead of this computer's clock") == 1


def test_reads_dry_runs_and_a_now_in_the_past_say_nothing(desk: Desk) -> None:
    tid = _incident(desk)
    assert desk.run("show", tid, now=FAR).stderr == ""
    assert desk.run("triage", tid, "--dry-run", now=FAR).stderr == ""
    assert desk.run("note", tid, "Called Gina", now=T1).stderr == ""


# 5. A technician's reopen tells the customer ----------------------------------------------

def test_a_technicians_reopen_mails_the_customer_the_reason(desk: Desk) -> None:
    """Before: a reopen by mail told the customer, `sdesk reopen` told them nothing."""
    tid = _incident(desk)
    desk.run("resolve", tid, "-c", "fixed", "-s", "Replaced the dock", now=T1)
    sent = set(desk.outbox())
    desk.run("reopen", tid, "--reason", "The new dock fails the same way", now=T2)
    [path] = set(desk.outbox()) - sent
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"] == "gina.marsh@doc.ok.gov"
    assert mail["Subject"] == f"[{tid}] Reopened: Docking station dead"
    assert "Auto-Submitted" not in mail  # a person reopened it
    body = _body(mail)  # type: ignore[arg-type]
    assert ("We have reopened your ticket, and a technician will work on it again. The "
            "reason: The new dock fails the same way") in body


def test_reopen_no_mail_tells_nobody_and_a_requester_without_email_is_a_phone_call(
        desk: Desk) -> None:
    tid = _incident(desk)
    desk.run("resolve", tid, "-c", "fixed", "-s", "Replaced the dock", now=T1)
    sent = set(desk.outbox())
    desk.run("reopen", tid, "--reason", "Gina called: dead again", "--no-mail", now=T2)
    assert set(desk.outbox()) == sent and desk.ticket(tid)["status"] != "resolved"
    walk_in = desk.new("-T", "Dock dead", "--name", "Walk In", "--phone", "405-555-0101",
                       "-d", "no lights", now=T0)
    desk.run("resolve", walk_in, "-c", "fixed", "-s", "Reseated", now=T1)
    out = desk.run("reopen", walk_in, "--reason", "dead again", now=T2).stdout
    assert "no requester e-mail, nobody mailed: tell Walk In by phone (405-555-0101)" in out
