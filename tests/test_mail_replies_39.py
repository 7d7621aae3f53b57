"""Replies read, not keyword-matched (tester findings, session 39): a signature's "Broken Arrow"
and a "Once again, thank you" reopened tickets; "Not great." and "Thanks for nothing." were
filed as thank-yous; a flagged reply was never shown and the sweep closed its ticket; a reply
to a duplicate's resolution reopened the duplicate. Real store, real CLI (`sdesk mail receive
FILE`), fixed clock; several tickets per store, as each test costs a store."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive, ticket_ids

ANA = "ana.ruiz@health.ok.gov"
RESOLVED_AT = "2026-11-23T10:00:00-06:00"
LATER = "2026-11-23T11:00:00-06:00"
FLAGGED = "flagged customer-reply for the technician"


def resolved(desk: Desk, title: str = "Printer jams") -> str:
    """A ticket of Ana's, resolved at 10:00 (its resolution mail asked for a score)."""
    tid = desk.new("-T", title, "--email", ANA, "--name", "Ana Ruiz",
                   now="2026-11-23T08:00:00-06:00")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fuser replaced.", now=RESOLVED_AT)
    return tid


def reply(desk: Desk, tmp: Path, tid: str, body: str, *, sender: str = f"Ana Ruiz <{ANA}>",
          now: str = LATER) -> str:
    mid = f"<r{abs(hash((tid, body, sender)))}@health.ok.gov>"
    return receive(desk, message(f"Re: [{tid}] Resolved", sender=sender, body=body,
                                 message_id=mid), tmp, now=now)


def reopened_mails(desk: Desk) -> int:
    return sum("] Reopened: " in p.read_text() for p in desk.outbox())


def test_a_signature_says_nothing_about_the_problem(desk: Desk, tmp_path: Path) -> None:
    # Broken Arrow and Broken Bow are Oklahoma towns; a "-- " line starts a signature
    # (RFC 3676 4.3), and so does a line that is the sender's name.
    by_name, by_dash = resolved(desk), resolved(desk, "Dock dead")
    line = reply(desk, tmp_path, by_name, "5\n\nAna Ruiz\nDOC Regional Office\n"
                                          "Broken Arrow, OK 74012")
    assert f"{by_name}: satisfaction 5/5" in line
    line = reply(desk, tmp_path, by_dash, "Thanks for the quick fix\n-- \nDOC Regional Office\n"
                                          "Broken Bow, OK 74728")
    assert "a thank-you kept as a comment; no reopen" in line
    for tid in (by_name, by_dash):
        t = desk.ticket(tid)
        assert (t["status"], t["reopens"], t["flags"]) == ("resolved", 0, [])
    assert desk.ticket(by_name)["csat"]["comment"] == ""  # the signature is no comment
    kept = [p.read_bytes() for p in (desk.root / "mail" / by_name).iterdir()]
    assert len(kept) == 1 and b"Broken Arrow" in kept[0]  # nothing lost
    assert reopened_mails(desk) == 0


def test_happy_replies_with_problem_words_never_reopen(desk: Desk, tmp_path: Path) -> None:
    thanks = ["Perfect, thank you. I'll let you know if it happens again.",
              "Once again, thank you", "I still appreciate the quick help!"]
    negated = ["It isn't broken anymore, thanks", "Thank you, the same problem has not returned",
               "Haven't had the problem again. Thanks",
               "Thanks, but it's still broken",  # thanks and a problem: a person decides
               "It worked for a day but now it's broken again"]
    for body in thanks + negated:
        tid = resolved(desk)
        line = reply(desk, tmp_path, tid, body)
        t = desk.ticket(tid)
        assert (t["status"], t["reopens"], t["csat"]) == ("resolved", 0, None), body
        entry = t["journal"][-1]
        assert (entry["kind"], entry["visibility"]) == ("email", "public"), body
        assert entry["text"].startswith(body)
        if body in thanks:
            assert "a thank-you kept as a comment; no reopen" in line, (body, line)
            assert t["flags"] == [], body
        else:  # a negation or a mix: not a thank-you either, so a person reads it
            assert FLAGGED in line, (body, line)
            assert t["flags"] == ["customer-reply"], body
    assert reopened_mails(desk) == 0


def test_complaints_requests_and_odd_scores_are_flagged_not_thanked(desk: Desk,
                                                                    tmp_path: Path) -> None:
    for body in ["Not great.", "Not perfect - the colours are off now", "Thanks for nothing.",
                 "Thanks. Can someone also install Visio for me?", "4.5", "4-5",
                 "Thanks, 4-5", "Call me on ext. 4"]:  # a number after no thank-you: no score
        tid = resolved(desk)
        line = reply(desk, tmp_path, tid, body)
        assert FLAGGED in line, (body, line)
        assert "thank-you" not in line
        t = desk.ticket(tid)
        assert (t["status"], t["reopens"], t["csat"], t["flags"]) == (
            "resolved", 0, None, ["customer-reply"]), body


def test_a_score_after_a_thank_you_is_a_score(desk: Desk, tmp_path: Path) -> None:
    tid = resolved(desk)
    assert f"{tid}: satisfaction 5/5" in reply(desk, tmp_path, tid, "Thanks. 5")
    assert desk.ticket(tid)["csat"] == desk.ticket(tid)["csat"] | {"score": 5,
                                                                    "comment": "Thanks."}


def test_a_clear_statement_reopens_and_its_entry_names_the_words(desk: Desk,
                                                                 tmp_path: Path) -> None:
    timed, signed = resolved(desk, "Report slow"), resolved(desk, "Scanner")
    line = reply(desk, tmp_path, timed, "The report still times out")
    assert f'{timed}: reopened by a reply from {ANA} ("still times out")' in line
    entry = next(e for e in desk.ticket(timed)["journal"] if e["kind"] == "reopen")
    assert 'the problem is back ("still times out")' in entry["text"]
    # a sign-off is a signature (mail-parser-reply), not a thank-you mixed with the problem
    assert "reopened" in reply(desk, tmp_path, signed, "Still broken.\n\nThanks,\nAna")
    assert [desk.ticket(t)["reopens"] for t in (timed, signed)] == [1, 1]
    for body, words in [("Hi,\n\nIt is broken again.\n\nThanks\nAna", "is broken"),
                        ("Not working again", "Not working")]:  # not the idiom "working again"
        tid = resolved(desk)
        assert f'reopened by a reply from {ANA} ("{words}")' in reply(desk, tmp_path, tid, body)
    assert reopened_mails(desk) == 4


def test_a_strangers_reply_to_a_resolved_ticket_says_it_is_flagged(desk: Desk,
                                                                   tmp_path: Path) -> None:
    tid = resolved(desk)
    line = reply(desk, tmp_path, tid, "Still broken", sender="x@gmail.com")
    assert "kept as an internal entry: not from the requester" in line
    assert line.endswith(f"; {FLAGGED}")
    assert desk.ticket(tid)["flags"] == ["customer-reply"]


def duplicate(desk: Desk, original: str, now: str = RESOLVED_AT) -> str:
    dup = desk.new("-T", "Outlook crashing when it starts", "--email", ANA,
                   now="2026-11-23T08:30:00-06:00")
    desk.run("resolve", dup, "--duplicate-of", original, "--summary", "Same as your other one",
             now=now)
    return dup


STILL = "Resolved?? Outlook is still crashing every morning."


def test_a_reply_to_a_duplicate_goes_to_the_open_original(desk: Desk, tmp_path: Path) -> None:
    original = desk.new("-T", "Outlook crashes", "--email", ANA, now="2026-11-23T08:00:00-06:00")
    dup = duplicate(desk, original)
    sent = reopened_mails(desk)
    line = reply(desk, tmp_path, dup, STILL)
    assert line.startswith(f"{dup}: reply from {ANA} to a duplicate of {original}: recorded "
                           f"on the original; {dup} stays resolved")
    d = desk.ticket(dup)
    assert (d["status"], d["duplicate_of"], d["reopens"]) == ("resolved", original, 0)
    assert d["resolution"]["code"] == "duplicate"
    assert f"recorded on the original, {original}" in d["journal"][-1]["text"]
    o = desk.ticket(original)
    entry = o["journal"][-1]
    assert (entry["kind"], entry["visibility"]) == ("email", "public")
    assert entry["text"].startswith(STILL)
    assert reopened_mails(desk) == sent
    assert len(ticket_ids(desk)) == 2
    # a score rates the duplicate's resolution (its mail asked for it): it stays there
    assert f"{dup}: satisfaction 4/5" in reply(desk, tmp_path, dup, "4")
    assert (desk.ticket(dup)["csat"]["score"], desk.ticket(original)["csat"]) == (4, None)


def test_a_reply_to_a_duplicate_reads_on_a_resolved_or_closed_original(
        desk: Desk, tmp_path: Path) -> None:
    # resolved as duplicates while their originals were open (a resolved original is refused
    # since session 39), then the originals resolved, the second closed
    first, second = (desk.new("-T", title, "--email", ANA, "--name", "Ana Ruiz",
                              now="2026-11-23T08:00:00-06:00")
                     for title in ("Outlook crashes", "Outlook crashes too"))
    at = "2026-11-23T09:00:00-06:00"
    dup_first, dup_second = duplicate(desk, first, at), duplicate(desk, second, at)
    for tid in (first, second):
        desk.run("resolve", tid, "--code", "fixed", "--summary", "Fuser replaced.",
                 now=RESOLVED_AT)
    desk.run("close", second, now=RESOLVED_AT)
    assert f"{first}: reopened by a reply" in reply(desk, tmp_path, dup_first, STILL)
    assert (desk.ticket(first)["status"], desk.ticket(first)["reopens"]) == ("triaged", 1)
    line = reply(desk, tmp_path, dup_second, STILL)
    assert f"{second}: reply from {ANA} on the closed ticket" in line and FLAGGED in line
    assert desk.ticket(second)["flags"] == ["customer-reply"]
    for dup in (dup_first, dup_second):
        assert desk.ticket(dup)["status"] == "resolved" and desk.ticket(dup)["reopens"] == 0
    assert len(ticket_ids(desk)) == 4  # the closed original opened no new ticket


def test_handover_lists_a_reply_to_read_and_sweep_leaves_its_ticket_resolved(
        desk: Desk, tmp_path: Path) -> None:
    waiting, quiet = resolved(desk, "Badge reader"), resolved(desk, "Mouse")
    reply(desk, tmp_path, waiting, "I was on leave - can you call me back on 405-555-0101?\n"
                                   "Second line")
    later = "2026-12-03T09:00:00-06:00"  # past [sweep] close_after_days (5 business days)
    h = json.loads(desk.run("handover", "--json", "--peek", now=later).stdout)
    (line,) = h["replies"]
    assert line["id"] == waiting
    assert "I was on leave - can you call me back on 405-555-0101?" in line["note"]
    assert "Second line" not in line["note"]
    text = desk.run("handover", "--peek", now=later).stdout
    assert "Customer replies to read: 1" in text
    plan = desk.run("sweep", "--dry-run", now=later).stdout
    assert "not closed: a customer's reply waits to be read (flag customer-reply)" in plan
    assert "not closed: a customer's reply waits to be read" in desk.run("sweep", now=later).stdout
    assert desk.ticket(waiting)["status"] == "resolved"
    assert desk.ticket(quiet)["status"] == "closed"
    # the technician answers it: the flag goes, and the next sweep closes the ticket
    desk.run("note", waiting, "Called Ana back; nothing else needed.", now=later)
    assert json.loads(desk.run("handover", "--json", "--peek", now=later).stdout)["replies"] == []
    desk.run("sweep", now="2026-12-03T10:00:00-06:00")
    assert desk.ticket(waiting)["status"] == "closed"
