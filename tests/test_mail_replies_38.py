"""Replies a customer really sends (tester findings, session 38): a score in its natural forms,
a thank-you, a "still broken", a stranger's reply, a reply after the close, automatic mail
that looked like a person's, and the answer to a hold awaiting the customer. Real store, real
CLI (`sdesk mail receive FILE`), fixed clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Desk
from mail_helpers import message, receive, ticket_ids

ANA = "ana.ruiz@health.ok.gov"
RESOLVED_AT = "2026-11-23T10:00:00-06:00"
LATER = "2026-11-23T11:00:00-06:00"


def resolved(desk: Desk, tmp: Path) -> str:
    """A ticket Ana opened by mail, resolved at 10:00 (its resolution mail asked for a score)."""
    receive(desk, message(message_id="<open@health.ok.gov>"), tmp)
    (tid,) = ticket_ids(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fuser replaced.", now=RESOLVED_AT)
    return tid


def reply(desk: Desk, tmp: Path, tid: str, body: str, *, sender: str = f"Ana Ruiz <{ANA}>",
          mid: str = "<r1@health.ok.gov>", now: str = LATER) -> str:
    return receive(desk, message(f"Re: [{tid}] Resolved", sender=sender, body=body,
                                 message_id=mid), tmp, now=now)


@pytest.mark.parametrize(("body", "score"), [
    ("5", 5), ("4\nGreat job", 4),                                      # worked before
    ("5/5 thanks!", 5), ("5 - thanks!", 5), ("Five stars", 5), ("4 stars", 4), ("five", 5),
    ("3 out of 5, took a while", 3), ("2/5", 2),
])
def test_a_score_in_a_natural_form_is_a_score_not_a_reopen(desk: Desk, tmp_path: Path,
                                                            body: str, score: int) -> None:
    tid = resolved(desk, tmp_path)
    assert f"{tid}: satisfaction {score}/5 from {ANA}" in reply(desk, tmp_path, tid, body)
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"], t["csat"]["score"]) == ("resolved", 0, score)
    assert t["resolution"]["code"] == "fixed"


def test_the_score_leaves_its_words_as_the_comment(desk: Desk, tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    reply(desk, tmp_path, tid, "5/5 thanks for the quick fix!")
    assert desk.ticket(tid)["csat"]["comment"] == "thanks for the quick fix!"


@pytest.mark.parametrize("body", ["Thanks", "thank you!", "great, thx", "Thanks again!",
                                  "It works again, cheers"])
def test_a_thank_you_is_a_public_comment_not_a_reopen(desk: Desk, tmp_path: Path,
                                                      body: str) -> None:
    tid = resolved(desk, tmp_path)
    line = reply(desk, tmp_path, tid, body)
    assert "a thank-you kept as a comment; no reopen" in line
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"], t["csat"], t["flags"]) == ("resolved", 0, None, [])
    entry = t["journal"][-1]
    assert (entry["kind"], entry["visibility"]) == ("email", "public")
    assert entry["text"].startswith(body)


@pytest.mark.parametrize("body", ["It is still broken.", "Not fixed, same error",
                                  "The printer jams again", "It doesn't work"])
def test_words_saying_the_problem_is_back_reopen(desk: Desk, tmp_path: Path, body: str) -> None:
    tid = resolved(desk, tmp_path)
    assert f"{tid}: reopened by a reply from {ANA}" in reply(desk, tmp_path, tid, body)
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"]) == ("triaged", 1)
    # the customer hears it was reopened (tester finding, session 38: nothing was sent)
    sent = [m for m in (p.read_text() for p in desk.outbox()) if "] Reopened: " in m]
    assert len(sent) == 1 and "We have reopened your ticket" in sent[0], sent


def test_an_unclear_reply_is_a_comment_flagged_for_the_technician(desk: Desk,
                                                                 tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    line = reply(desk, tmp_path, tid, "Can you tell me who to call about my badge?")
    assert "flagged customer-reply for the technician" in line
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"], t["flags"]) == ("resolved", 0, ["customer-reply"])
    assert [r["id"] for r in desk.json("list", "--all", "--flag", "customer-reply")] == [tid]
    # The technician reads it and reopens: the flag has done its work.
    desk.run("reopen", tid, "--reason", "The badge question is ours too", now=LATER)
    assert desk.ticket(tid)["flags"] == []


def test_a_note_after_an_unclear_reply_clears_its_flag(desk: Desk, tmp_path: Path) -> None:
    # session 38: only a reopen cleared it, so a ticket left resolved or closed kept it forever
    tid = resolved(desk, tmp_path)
    reply(desk, tmp_path, tid, "Can you tell me who to call about my badge?")
    assert desk.ticket(tid)["flags"] == ["customer-reply"]
    desk.run("note", tid, "Badges are Facilities: told her by phone", now=LATER)
    t = desk.ticket(tid)
    assert (t["status"], t["flags"]) == ("resolved", [])
    assert desk.json("list", "--all", "--flag", "customer-reply") == []


def test_a_second_score_is_a_comment_and_the_first_stands(desk: Desk, tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    reply(desk, tmp_path, tid, "5")
    line = reply(desk, tmp_path, tid, "2\nIt took three calls.", mid="<r2@health.ok.gov>")
    assert "a second score (2/5) kept as a comment; the first (5/5) stands" in line
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"], t["csat"]["score"]) == ("resolved", 0, 5)
    assert t["journal"][-1]["text"].startswith("2\nIt took three calls.")
    assert t["journal"][-1]["visibility"] == "public"


@pytest.mark.parametrize("body", ["1\nterrible", "Still broken!", "thanks"])
def test_a_stranger_neither_scores_nor_reopens(desk: Desk, tmp_path: Path, body: str) -> None:
    tid = resolved(desk, tmp_path)
    line = reply(desk, tmp_path, tid, body, sender="Someone Else <prankster@gmail.com>")
    assert f"not from the requester ({ANA})" in line
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"], t["csat"]) == ("resolved", 0, None)
    entry = t["journal"][-1]
    assert (entry["kind"], entry["visibility"]) == ("email", "internal")
    assert entry["text"].startswith(f"Not from the requester ({ANA})")
    assert body in entry["text"]  # nothing lost
    assert t["flags"] == ["customer-reply"]
    assert len(ticket_ids(desk)) == 1


def test_the_requester_is_known_in_any_case(desk: Desk, tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    reply(desk, tmp_path, tid, "4", sender="Ana Ruiz <Ana.Ruiz@HEALTH.ok.gov>")
    assert desk.ticket(tid)["csat"]["score"] == 4


def test_replies_after_the_close_score_comment_or_open_a_related_ticket(
        desk: Desk, tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    desk.run("close", tid, now=LATER)
    assert f"{tid}: satisfaction 4/5" in reply(desk, tmp_path, tid, "4",
                                               now="2026-11-23T12:00:00-06:00")
    line = reply(desk, tmp_path, tid, "Thank you!", mid="<r2@health.ok.gov>",
                 now="2026-11-23T12:10:00-06:00")
    assert "on the closed ticket: a thank-you kept as a comment" in line
    assert len(ticket_ids(desk)) == 1  # no junk ticket
    t = desk.ticket(tid)
    assert (t["status"], t["csat"]["score"]) == ("closed", 4)
    line = reply(desk, tmp_path, tid, "It jams again", mid="<r3@health.ok.gov>",
                 now="2026-11-23T12:20:00-06:00")
    assert f"related to {tid} ({tid} is closed" in line
    (other,) = [i for i in ticket_ids(desk) if i != tid]
    assert desk.ticket(other)["related"] == [tid]


def test_csat_takes_a_closed_ticket(desk: Desk, tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    desk.run("close", tid, now=LATER)
    desk.run("csat", tid, "3", now=LATER)
    assert desk.ticket(tid)["csat"]["score"] == 3


def test_a_late_still_broken_opens_a_related_ticket_and_a_late_thanks_does_not(
        desk: Desk, tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    late = "2026-12-20T09:00:00-06:00"  # past mail.reopen_days (14)
    assert "a thank-you kept" in reply(desk, tmp_path, tid, "Thanks", now=late)
    assert len(ticket_ids(desk)) == 1
    line = reply(desk, tmp_path, tid, "Still broken", mid="<r2@health.ok.gov>", now=late)
    assert f"related to {tid} ({tid} was resolved more than 14 days ago)" in line
    assert desk.ticket(tid)["status"] == "resolved"


CALENDAR_REPLY = b"""From: Ana Ruiz <ana.ruiz@health.ok.gov>
To: servicedesk@omes.ok.gov
Subject: Accepted: Printer review
Message-ID: <cal1@health.ok.gov>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="B"

--B
Content-Type: text/plain; charset="utf-8"

Ana Ruiz has accepted.
--B
Content-Type: text/calendar; charset="utf-8"; method=REPLY

BEGIN:VCALENDAR
METHOD:REPLY
END:VCALENDAR
--B--
"""


def test_automatic_mail_without_auto_submitted_is_refused_and_kept(desk: Desk,
                                                                   tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    exchange = message(f"Automatic reply: [{tid}] Resolved", body="I am out of the office.",
                       message_id="<oof@health.ok.gov>",
                       headers=f"X-MS-Exchange-Inbox-Rules-Loop: {ANA}\n")
    refused = tmp_path / "refused"
    before = desk.snapshot()
    line = receive(desk, CALENDAR_REPLY, tmp_path, "--keep-refused", str(refused))
    assert line == "refused: a calendar response (text/calendar; method=REPLY)"
    line = receive(desk, exchange, tmp_path, "--keep-refused", str(refused))
    assert line.startswith("refused: automatic reply (X-MS-Exchange-Inbox-Rules-Loop header")
    assert desk.snapshot() == before  # no ticket, no entry, no acknowledgement
    kept = sorted(p.read_bytes() for p in refused.rglob("*") if p.is_file())
    assert len(kept) == 2 and all(b"X-Sdesk-Refused:" in k for k in kept)


def held(desk: Desk, tmp: Path, reason: str) -> str:
    before = set(ticket_ids(desk))
    receive(desk, message(message_id=f"<open-{reason}@health.ok.gov>"), tmp)
    (tid,) = set(ticket_ids(desk)) - before
    desk.run("hold", tid, "--reason", reason, *(["--asked-by-phone"] if reason ==
             "awaiting-customer" else []), now="2026-11-23T09:30:00-06:00")
    return tid


def test_the_requesters_answer_resumes_a_hold_awaiting_the_customer(desk: Desk,
                                                                   tmp_path: Path) -> None:
    tid = held(desk, tmp_path, "awaiting-customer")
    due = desk.ticket(tid)["resolve_by"]
    line = receive(desk, message(f"Re: [{tid}] Update", body="The log is attached.",
                                 message_id="<a1@health.ok.gov>"), tmp_path,
                   now="2026-11-23T11:30:00-06:00")
    assert "resumed: the hold awaited the customer (awaiting-customer)" in line
    t = desk.ticket(tid)
    assert t["status"] != "on-hold"
    assert t["holds"][-1]["end"] == "2026-11-23T11:30:00-06:00"  # the clock restarts at arrival
    assert t["resolve_by"] > due  # paused two business hours
    # the resume entry, then (session 40) what the customer was told: the date now promised
    assert "The customer replied by email" in t["journal"][-2]["text"]
    assert t["journal"][-1]["visibility"] == "public"


def test_a_stranger_does_not_resume_and_another_hold_shows_the_answer_in_handover(
        desk: Desk, tmp_path: Path) -> None:
    tid = held(desk, tmp_path, "awaiting-customer")
    receive(desk, message(f"Re: [{tid}] Update", body="Here you go.", sender="x@gmail.com",
                          message_id="<a2@gmail.com>"), tmp_path, now="2026-11-23T10:00:00-06:00")
    assert desk.ticket(tid)["status"] == "on-hold"
    vendor = desk.new("-T", "Dock part", "--email", ANA, now="2026-11-23T09:00:00-06:00")
    desk.run("hold", vendor, "--reason", "awaiting-vendor", now="2026-11-23T09:30:00-06:00")
    line = receive(desk, message(f"Re: [{vendor}] Update", body="Any news on the part?",
                                 message_id="<a3@health.ok.gov>"), tmp_path,
                   now="2026-11-23T10:30:00-06:00")
    assert "resumed" not in line
    assert desk.ticket(vendor)["status"] == "on-hold"
    h = json.loads(desk.run("handover", "--json", "--peek",
                            now="2026-11-23T11:00:00-06:00").stdout)
    notes = {line["id"]: line["note"] for line in h["held"]}
    assert "; the customer replied Mon 11-23 10:30" in notes[vendor]
    assert "; not the requester replied Mon 11-23 10:00" in notes[tid]


def test_a_control_character_in_a_scored_reply_is_no_crash(desk: Desk, tmp_path: Path) -> None:
    tid = resolved(desk, tmp_path)
    assert "satisfaction 5/5" in reply(desk, tmp_path, tid, "5 - nice \x1b[31mwork")
    assert desk.ticket(tid)["csat"]["comment"] == "nice  [31mwork"
