"""Session 40, tester A's findings 2, 3 and 8: the customer is kept informed (the standard's
"clear communication with the customer ... providing regular updates", in plain language).

A hold for a vendor, parts or a change tells the customer; resume, a priority decision and a
reopen tell them the date now promised when it moved; the update reminder's cadence follows
the priority and spares a hold awaiting the customer; resume returns the status the ticket
had, so a hand-back's accept routes it; `new -c email` acknowledges as mail intake does. Each
drives the real CLI on a real git store at fixed times and reads the outbox. Every test of
a finding failed on main before session 40 (9 of 15); the other six guard what must stay
(a resumed assigned ticket, no acknowledgement for a call, chat or visit, self-service's
acknowledgement, P4's three business days)."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest

from sdesk.core.reference import load_reference
from sdesk.procedures.notes import when_in_words
from tests.conftest import Desk

ANA = ("--name", "Ana Ruiz", "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES")
KENDRA = "Kendra Yellowhorse <kendra.yellowhorse@omes.ok.gov>"  # IS-Service Desk's supervisor
MON = "2026-11-16T09:00:00-06:00"  # a Monday; business hours 08:00-17:00 Central


def _customer_mails(desk: Desk) -> list[EmailMessage]:
    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in desk.outbox()]
    return [m for m in mails if m["X-Sdesk-Audience"] == "customer"]  # type: ignore[misc]


def _body(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())  # lines unfolded


def _subjects(desk: Desk) -> list[str]:
    return [str(m["Subject"]) for m in _customer_mails(desk)]


def _words(desk: Desk, iso: str) -> str:
    """A stored due time as the customer reads it, in the store's zone."""
    import datetime as dt

    ref = load_reference(desk.root / "reference")
    return when_in_words(dt.datetime.fromisoformat(iso).astimezone(ref.calendar.tz))


def _phone_ticket(desk: Desk, now: str = MON) -> str:
    """A P3 logged by phone (no acknowledgement: the caller was spoken to)."""
    return desk.new("-T", "Scanner will not scan", *ANA, "--service", "Laptop", "--impact",
                    "2", "--urgency", "2", "-d", "The scanner shows an error", now=now)


# -- finding 2: holds and moved dates are told -------------------------------------------


def test_a_vendor_hold_tells_the_customer_in_plain_words_and_resume_the_new_date(
        desk: Desk) -> None:
    tid = _phone_ticket(desk)
    assert _customer_mails(desk) == []
    due = desk.ticket(tid)["resolve_by"]
    desk.run("hold", tid, "--reason", "awaiting-vendor", "--note", "Microsoft case 1234",
             now="2026-11-16T10:00:00-06:00")
    [held] = _customer_mails(desk)
    assert held["Subject"] == f"[{tid}] On hold: Scanner will not scan"
    assert held["To"] == "ana.ruiz@omes.ok.gov"
    body = _body(held)
    assert "while we wait for another company we rely on (a supplier or manufacturer)" in body
    assert f"({_words(desk, due)}), so that date will move later" in body
    for internal in ("Microsoft", "1234", "awaiting", "vendor", "SLA", "P3"):
        assert internal not in body, internal
    journal = desk.ticket(tid)["journal"]
    assert journal[-1]["visibility"] == "public" and "Microsoft" not in journal[-1]["text"]
    # Tuesday 10:00: a business day on hold, so Resolve By moves a business day later
    desk.run("resume", tid, now="2026-11-17T10:00:00-06:00")
    t = desk.ticket(tid)
    assert t["resolve_by"] != due
    resumed = _customer_mails(desk)[-1]
    assert resumed["Subject"] == f"[{tid}] Work resumed: Scanner will not scan"
    assert (f"We now aim to have it resolved by {_words(desk, t['resolve_by'])} (before the "
            f"pause we said {_words(desk, due)})") in _body(resumed)
    assert "UTC-06:00" not in _body(resumed) + _body(held)  # the zone named, not an offset


def test_a_public_hold_note_is_quoted_and_a_hold_over_a_weekend_keeps_the_date(
        desk: Desk) -> None:
    tid = _phone_ticket(desk, "2026-11-19T09:00:00-06:00")  # Thursday: due next Tuesday
    desk.run("hold", tid, "--reason", "awaiting-parts", "--public", "--note",
             "The new scanner glass is due on Monday.", now="2026-11-20T17:00:00-06:00")
    assert "The new scanner glass is due on Monday." in _body(_customer_mails(desk)[0])
    due = desk.ticket(tid)["resolve_by"]
    desk.run("resume", tid, now="2026-11-23T08:00:00-06:00")  # Fri 17:00 - Mon 08:00
    assert desk.ticket(tid)["resolve_by"] == due
    assert f"We still aim to have it resolved by {_words(desk, due)}." in _body(
        _customer_mails(desk)[-1])


def test_a_hold_for_a_requester_without_email_names_whom_to_phone(desk: Desk) -> None:
    tid = desk.new("-T", "Scanner will not scan", "--name", "Bo Lee", "--phone", "405-555-0100",
                   "--agency", "OMES", "-d", "error", now=MON)
    out = desk.run("hold", tid, "--reason", "awaiting-change",
                   now="2026-11-16T10:00:00-06:00").stdout
    assert "tell Bo Lee by phone (405-555-0100)" in out
    assert _customer_mails(desk) == []


def test_a_priority_decision_that_moves_the_date_tells_the_customer_once(desk: Desk) -> None:
    tid = _phone_ticket(desk)
    before = desk.ticket(tid)["resolve_by"]
    desk.run("--actor", KENDRA, "priority", tid, "2", "--reason", "payroll at risk",
             now="2026-11-16T09:30:00-06:00")
    after = desk.ticket(tid)["resolve_by"]
    [mail] = _customer_mails(desk)
    assert mail["Subject"] == f"[{tid}] New target date: Scanner will not scan"
    body = _body(mail)
    assert "we now treat it as more urgent" in body and "P2" not in body
    assert (f"We now aim to have it resolved by {_words(desk, after)}; before, we said "
            f"{_words(desk, before)}.") in body
    desk.run("sweep", now="2026-11-16T10:30:00-06:00", ok=False)  # one mail per change
    assert len(_customer_mails(desk)) == 1


def test_a_reopen_tells_the_customer_the_new_date(desk: Desk) -> None:
    tid = _phone_ticket(desk)
    desk.run("resolve", tid, "-c", "fixed", "-s", "Reinstalled the driver",
             now="2026-11-16T10:00:00-06:00")
    desk.run("reopen", tid, "--reason", "it fails again", now="2026-11-17T10:00:00-06:00")
    mail = _customer_mails(desk)[-1]
    assert mail["Subject"] == f"[{tid}] Reopened: Scanner will not scan"
    assert (f"We now aim to have it resolved by "
            f"{_words(desk, desk.ticket(tid)['resolve_by'])}.") in _body(mail)


def test_a_reopen_past_the_date_does_not_promise_a_date_gone_by(desk: Desk) -> None:
    tid = _phone_ticket(desk)  # P3: Resolve By Thursday 09:00
    desk.run("resolve", tid, "-c", "fixed", "-s", "Reinstalled the driver",
             now="2026-11-20T10:00:00-06:00")  # resolved late, on Friday
    desk.run("reopen", tid, "--reason", "it fails again", now="2026-11-23T10:00:00-06:00")
    body = _body(_customer_mails(desk)[-1])
    assert "We have missed the date we aimed to have it resolved by, and we are sorry" in body
    assert "We now aim" not in body


# -- finding 3: resume returns the status before the hold -------------------------------


def test_resume_of_a_handed_back_ticket_keeps_it_new_so_accept_routes_it(desk: Desk) -> None:
    tid = desk.new("-T", "Teams keeps signing me out", "-c", "email", "--name", "Carl Ode",
                   "--email", "carl.ode@odot.ok.gov", "--agency", "ODOT", "--impact", "2",
                   "--urgency", "2", "-d", "Every hour Teams signs me out and I lose the "
                   "meeting.", now=MON)
    desk.run("triage", tid, now="2026-11-16T09:05:00-06:00")
    t = desk.ticket(tid)
    assert t["status"] == "new" and "needs-service" in t["flags"], t["flags"]
    desk.run("hold", tid, "--reason", "awaiting-customer", "--ask",
             "Does it happen in the app or the browser?", now="2026-11-16T09:10:00-06:00")
    desk.run("resume", tid, now="2026-11-16T09:30:00-06:00")
    assert desk.ticket(tid)["status"] == "new"
    desk.run("triage", tid, "--accept", "service", now="2026-11-16T09:35:00-06:00")
    t = desk.ticket(tid)
    assert (t["team"], t["status"]) == ("IS-Email & Collaboration", "triaged")


def test_resume_of_an_assigned_ticket_is_assigned_again(desk: Desk) -> None:
    tid = _phone_ticket(desk)
    desk.run("assign", tid, "--to", "jtran", now="2026-11-16T09:05:00-06:00")
    desk.run("hold", tid, "--reason", "awaiting-parts", now="2026-11-16T09:10:00-06:00")
    desk.run("resume", tid, now="2026-11-16T09:30:00-06:00")
    assert desk.ticket(tid)["status"] == "assigned"


# -- finding 8: new -c email acknowledges ----------------------------------------------


@pytest.mark.parametrize(("channel", "acknowledged"), [
    ("email", True), ("self-service", True), ("phone", False), ("chat", False),
    ("in-person", False)])
def test_new_acknowledges_email_and_self_service_as_mail_intake_does(
        desk: Desk, channel: str, acknowledged: bool) -> None:
    tid = desk.new("-T", "Printer jams", "-c", channel, *ANA, "-d", "Paper stuck", now=MON)
    mails = _customer_mails(desk)
    assert len(mails) == int(acknowledged)
    if acknowledged:
        t = desk.ticket(tid)
        assert mails[0]["Subject"] == f"[{tid}] Logged: Printer jams"
        assert _body(mails[0]).startswith(
            f"Hello Ana Ruiz, Thank you for contacting the Service Desk. We have logged your "
            f"report as {tid}. We will reply by {_words(desk, t['respond_by'])}. We aim to have "
            f"it resolved by {_words(desk, t['resolve_by'])}.")


# -- finding 2: the update cadence follows the priority ---------------------------------


def _p1(desk: Desk) -> str:
    tid = desk.new("-T", "Statewide email outage", *ANA, "--service", "Email", "--impact", "1",
                   "--urgency", "1", "-d", "No agency can send or receive",
                   now="2026-11-16T08:00:00-06:00")
    desk.run("triage", tid, now="2026-11-16T08:02:00-06:00")
    desk.run("assign", tid, "--to", "gchen", now="2026-11-16T08:05:00-06:00")
    return tid


def _owed(desk: Desk, now: str) -> str:
    return desk.run("sweep", "--dry-run", now=now, ok=False).stdout


def test_a_p1_customer_is_owed_an_update_every_two_clock_hours(desk: Desk) -> None:
    tid = _p1(desk)
    desk.run("note", tid, "We are working with Microsoft on it.", "--public",
             now="2026-11-16T08:10:00-06:00")
    assert f"Update owed: {tid}" not in _owed(desk, "2026-11-16T10:09:00-06:00")
    out = _owed(desk, "2026-11-16T10:11:00-06:00")
    assert f"Update owed: {tid}" in out
    supervisor = load_reference(desk.root / "reference").teams[
        desk.ticket(tid)["team"]].supervisor
    assert supervisor in out.split(f"Update owed: {tid}")[0].splitlines()[-1]  # P1: told too


def test_a_p4_customer_is_owed_an_update_after_three_business_days(desk: Desk) -> None:
    tid = desk.new("-T", "Font looks odd", *ANA, "--service", "Laptop", "--impact", "3",
                   "--urgency", "3", "-d", "cosmetic", now=MON)
    desk.run("assign", tid, "--to", "jtran", now="2026-11-16T09:05:00-06:00")
    assert f"Update owed: {tid}" not in _owed(desk, "2026-11-19T08:59:00-06:00")
    assert f"Update owed: {tid}" in _owed(desk, "2026-11-19T09:01:00-06:00")


def test_a_hold_awaiting_the_customer_is_not_nagged_but_a_vendor_hold_is(desk: Desk) -> None:
    waiting_on_them = _p1(desk)
    desk.run("hold", waiting_on_them, "--reason", "awaiting-customer", "--ask",
             "Which agencies still cannot send?", now="2026-11-16T08:15:00-06:00")
    assert f"Update owed: {waiting_on_them}" not in _owed(desk, "2026-11-17T08:15:00-06:00")
    desk.run("resume", waiting_on_them, now="2026-11-17T08:20:00-06:00")
    desk.run("hold", waiting_on_them, "--reason", "awaiting-vendor", "--note",
             "Microsoft case 1234", now="2026-11-17T08:25:00-06:00")
    # the hold's own message is an update; two clock hours later another is owed
    assert f"Update owed: {waiting_on_them}" not in _owed(desk, "2026-11-17T10:20:00-06:00")
    assert f"Update owed: {waiting_on_them}" in _owed(desk, "2026-11-17T10:30:00-06:00")
    desk.run("sweep", now="2026-11-17T10:30:00-06:00")
    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in desk.outbox()]
    [owed] = [m for m in mails if "Update owed" in str(m["Subject"])]
    assert "It is on hold (awaiting-vendor) since 2026-11-17 08:25" in _body(owed)


def test_check_says_the_single_update_days_is_read_no_more(desk: Desk) -> None:
    """A store that still sets [sweep] update_days gets the cadence by priority; `check` says
    what replaced the key instead of asking whether it is a typo."""
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text() + "\n[sweep]\nupdate_days = 3\n")
    desk.git("commit", "-qam", "an old setting")
    out = desk.run("check", ok=False)
    assert ("sweep.update_days: is read no more: the update cadence is by priority since "
            "session 40") in out.stdout + out.stderr
