"""E-mail gaps closed in session 39 (issue 11: "Email is a real channel: mail in from a mailbox,
replies threaded, automatic mail ignored, nothing lost"). Real store, real CLI (`sdesk mail
receive FILE`, `sdesk mail fetch --maildir`), fixed clock."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive, ticket_ids

ANA = "ana.ruiz@health.ok.gov"
RESOLVED_AT = "2026-11-23T10:00:00-06:00"
LATER = "2026-11-23T11:00:00-06:00"


def closed(desk: Desk, tmp: Path) -> str:
    """A ticket Ana opened by mail, resolved at 10:00 and closed at 11:00."""
    receive(desk, message(message_id="<open@health.ok.gov>"), tmp)
    (tid,) = ticket_ids(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fuser replaced.", now=RESOLVED_AT)
    desk.run("close", tid, now=LATER)
    return tid


# -- 1. a ticket opened from "the problem is back" takes the original subject ---------------


def test_a_related_ticket_from_a_reply_is_titled_by_the_original_subject(
        desk: Desk, tmp_path: Path) -> None:
    tid = closed(desk, tmp_path)
    title = desk.ticket(tid)["title"]
    for n, subject in enumerate([f"Re: [{tid}] Resolved: {title}", f"RE: AW: Resolved: {title}",
                                 f"Fwd: [{tid}] Re: Resolved: {title}"]):
        line = receive(desk, message(subject, body="It jams again.",
                                     message_id=f"<back{n}@health.ok.gov>",
                                     headers="In-Reply-To: <open@health.ok.gov>\n"),
                       tmp_path, now=f"2026-11-23T12:0{n}:00-06:00")
        assert f"related to {tid}" in line, line
        new = line.split(":")[0]
        assert desk.ticket(new)["title"] == title, subject
    # a full [ID] tag naming no ticket of this store (another desk's, a deleted one): the
    # desk's words go too, the new ticket's title is the customer's subject
    line = receive(desk, message("Re: [INC-0000002Q4N3G] Resolved: Monitor flickers",
                                 message_id="<other@health.ok.gov>"), tmp_path,
                   now="2026-11-23T12:30:00-06:00")
    assert desk.ticket(line.split(":")[0])["title"] == "Monitor flickers", line


def test_every_customer_mail_subject_word_is_one_a_reply_title_leaves_out() -> None:
    """Each subject the desk writes the customer ("Resolved: <title>", notes.customer_update's
    callers) starts with words of notes.CUSTOMER_SUBJECTS, so a ticket a reply to it opens
    is not titled by them; a new subject not added there fails here."""
    import re

    from sdesk.procedures.notes import CUSTOMER_SUBJECTS

    root = Path(__file__).resolve().parent.parent / "sdesk"
    found = {m for p in root.rglob("*.py")
             for m in re.findall(r'customer_update\(\w+, f"([^"{]+): \{', p.read_text())}
    assert len(found) >= 6, found
    assert found <= set(CUSTOMER_SUBJECTS), found - set(CUSTOMER_SUBJECTS)


# -- 2. "(no subject)" is no evidence of a subject or a trend --------------------------------


def _maildir(tmp: Path, *messages: bytes) -> Path:
    box = tmp / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(messages):
        (box / "new" / f"1700000000.{i:04d}.host").write_bytes(raw)
    return box


def test_empty_subjects_are_neither_a_trend_nor_the_same_subject(desk: Desk,
                                                                 tmp_path: Path) -> None:
    people = ["Ana Ruiz <ana.ruiz@health.ok.gov>", "Bo Lee <bo.lee@omes.ok.gov>",
              "Cy Diaz <cy.diaz@dps.ok.gov>", "Ana Ruiz <ana.ruiz@health.ok.gov>"]
    bodies = ["My badge does not open the garage.", "Excel crashes when I save.",
              "The projector in room 4 shows no picture.", "Can I get a second monitor?"]
    box = _maildir(tmp_path, *(message("", sender=who, body=body, message_id=f"<e{i}@x.gov>")
                               for i, (who, body) in enumerate(zip(people, bodies, strict=True))))
    out = desk.run("mail", "fetch", "--maildir", str(box),
                   now="2026-11-23T09:00:00-06:00").stdout
    assert out.count("warning: no subject: triage neither relates it") == 4, out
    ids = ticket_ids(desk)
    assert {desk.ticket(i)["title"] for i in ids} == {"(no subject)"}
    result = desk.json("triage", "--all", "--dry-run")
    said = str(result)
    assert "proposed:trend" not in said and "proposed:duplicate" not in said, said
    assert "same subject" not in said and "similar incidents" not in said, said


# -- 3. staff mail threaded onto a ticket is an internal note --------------------------------


def test_a_technicians_mail_on_a_ticket_is_an_internal_note_not_a_customer_reply(
        desk: Desk, tmp_path: Path) -> None:
    receive(desk, message(message_id="<open@health.ok.gov>"), tmp_path)
    (tid,) = ticket_ids(desk)
    jimmy = "Jimmy Tran <Jimmy.Tran@omes.ok.gov>"  # reference/technicians.toml, any case
    line = receive(desk, message(f"Re: [{tid}] Logged: Printer", sender=jimmy,
                                 body="Ana, I will come by at 2 pm.", message_id="<j1@omes>"),
                   tmp_path, now="2026-11-23T09:30:00-06:00")
    assert line == (f"{tid}: mail from jimmy.tran@omes.ok.gov (technician Jimmy Tran, "
                    "IS-Service Desk) kept as an internal note; staff mail is not the "
                    "customer's word nor an update to them")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fuser replaced.", now=RESOLVED_AT)
    receive(desk, message(f"Re: [{tid}] Resolved: Printer", sender=jimmy, body="5\nAll good.",
                          message_id="<j2@omes>"), tmp_path, now=LATER)
    t = desk.ticket(tid)
    staff = [e for e in t["journal"] if e["by"].startswith("Jimmy Tran")]
    assert [(e["kind"], e["visibility"]) for e in staff] == [("email", "internal")] * 2
    assert all(e["text"].startswith("Mail from staff (technician Jimmy Tran") for e in staff)
    # no score, no reopen, no flag for the technician to read their own mail
    assert (t["status"], t["csat"], t["flags"], t["reopens"]) == ("resolved", None, [], 0)
    assert t["last_public_at"] is None or t["last_public_at"] <= RESOLVED_AT


# -- 4. a batch is taken in the order its mail was sent; tickets open at receipt -------------


def dated(raw: bytes, date: str) -> bytes:
    """`raw` (mail_helpers.message) with another Date header."""
    return raw.replace(b"Date: Mon, 23 Nov 2026 08:55:00 -0600", f"Date: {date}".encode())


def test_a_batch_is_taken_in_date_order_and_tickets_open_at_receipt(desk: Desk,
                                                                    tmp_path: Path) -> None:
    follow_up = dated(message("More on the printer", body="Now it smokes too.",
                              message_id="<b@health.ok.gov>",
                              headers="In-Reply-To: <a@health.ok.gov>\n"),
                      "Mon, 23 Nov 2026 08:55:00 -0600")
    first = dated(message("Printer jams", message_id="<a@health.ok.gov>"),
                  "Mon, 23 Nov 2026 14:50:00 +0000")  # 08:50 CST, in another time zone
    ahead = dated(message("Badge reader", sender="Bo Lee <bo.lee@omes.ok.gov>",
                          message_id="<c@omes.ok.gov>"), "Tue, 1 Jan 2030 10:00:00 -0600")
    box = _maildir(tmp_path, ahead, follow_up, first)  # the mailbox's order: ahead, follow-up
    fetched = "2026-11-23T09:00:00-06:00"
    out = desk.run("mail", "fetch", "--maildir", str(box), now=fetched).stdout.splitlines()
    keys = [line.split(":")[0] for line in out[:3]]
    assert keys == ["1700000000.0002.host", "1700000000.0001.host",
                    "1700000000.0000.host"], out  # sent 08:50, 08:55, then the clock ahead
    assert "reply from ana.ruiz@health.ok.gov added" in out[1], out  # joined, no new ticket
    assert len(ticket_ids(desk)) == 2
    ana = next(i for i in ticket_ids(desk) if desk.ticket(i)["title"] == "Printer jams")
    t = desk.ticket(ana)
    assert t["opened_at"] == fetched  # receipt starts the SLA clock, not the Date
    assert ("Sent 2026-11-23T14:50+00:00 by its Date header; received "
            "2026-11-23T09:00-06:00, when the SLA clock started.") in t["journal"][1]["text"]
    bo = next(i for i in ticket_ids(desk) if i != ana)
    assert "(after its receipt: the sender's clock is ahead)" in \
        desk.ticket(bo)["journal"][1]["text"]


# -- 5. a dry run names no ID the real run would not give --------------------------------------


def test_a_dry_run_names_new_tickets_without_ids_the_real_run_would_not_give(
        desk: Desk, tmp_path: Path) -> None:
    box = _maildir(tmp_path, message("Printer jams", sender="ana.ruiz@health.ok.gov",
                                     message_id="<a@health.ok.gov>"),
                   message("More on the printer", sender="ana.ruiz@health.ok.gov",
                           body="It smokes.", message_id="<b@health.ok.gov>",
                           headers="In-Reply-To: <a@health.ok.gov>\n"))
    dry = desk.run("mail", "fetch", "--maildir", str(box), "--dry-run").stdout.splitlines()
    assert dry[0] == ("1700000000.0000.host: (new ticket 1): new incident from "
                      "ana.ruiz@health.ok.gov"), dry
    assert dry[1] == ("  warning: no requester name: From: gives only ana.ruiz@health.ok.gov; "
                      "sdesk set (new ticket 1) name=..."), dry
    assert dry[2] == ("1700000000.0001.host: (new ticket 1): reply from "
                      "ana.ruiz@health.ok.gov added; flagged customer-reply for the "
                      "technician"), dry
    rows = desk.json("mail", "fetch", "--maildir", str(box), "--dry-run")["messages"]
    assert [r["ticket"] for r in rows] == ["(new ticket 1)"] * 2
    assert ticket_ids(desk) == []
    real = desk.run("mail", "fetch", "--maildir", str(box)).stdout.splitlines()
    (tid,) = ticket_ids(desk)
    assert real == [line.replace("(new ticket 1)", tid) for line in dry]
