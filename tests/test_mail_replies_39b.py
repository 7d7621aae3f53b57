"""A tester's findings on replies (session 39b): a reply about another problem, device or person
reopened the ticket; a duplicate's requester, merged into another customer's ticket, replied
into an internal entry nobody was shown; a score given with other words was lost. Real store,
real CLI (`sdesk mail receive FILE`), fixed clock; several tickets per store."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Desk
from test_mail_replies_39 import ANA, FLAGGED, reopened_mails, reply, resolved


def test_a_reply_about_another_thing_never_reopens(desk: Desk, tmp_path: Path) -> None:
    scored = {"5/5 but now my scanner is broken": 5,
              "My old printer is broken, not this one. Anyway, 5": 5,
              "I can't log in to rate you lol. 5": 5}
    unscored = ["Could you also look at the scanner? It is broken.",
                "Not working for my colleague Bob",
                "We still have the same error on the other PC"]
    for body in [*scored, *unscored]:
        tid = resolved(desk)
        line = reply(desk, tmp_path, tid, body)
        t = desk.ticket(tid)
        assert (t["status"], t["reopens"], t["flags"]) == ("resolved", 0, ["customer-reply"]), \
            (body, line)
        assert "flagged customer-reply for the technician" in line, (body, line)
        entry = t["journal"][-1]  # the customer's words, for the technician to read
        assert (entry["kind"], entry["visibility"]) == ("email", "public"), body
        assert entry["text"].startswith(body), body
        if body in scored:
            assert f"{tid}: satisfaction {scored[body]}/5" in line, (body, line)
            assert t["csat"]["score"] == scored[body]
        else:
            assert t["csat"] is None, body
    assert reopened_mails(desk) == 0
    notes = json.loads(desk.run("handover", "--json", "--peek", now="2026-11-24T09:00:00-06:00"
                                ).stdout)["replies"]
    assert sum('the customer replied Mon 11-23 11:00: "5/5 but now my scanner is broken"'
               in n["note"] for n in notes) == 1, notes
    # a clear statement about this problem still reopens
    for body in ["Still jams.", "The report still times out", "It is broken again."]:
        # the report's own ticket: on the printer's, the report is another thing (session 40)
        tid = resolved(desk, "Monthly report times out" if "report" in body else "Printer jams")
        assert "reopened by a reply" in reply(desk, tmp_path, tid, body), body
    assert reopened_mails(desk) == 3


def test_a_score_closing_the_reply_is_kept(desk: Desk, tmp_path: Path) -> None:
    printed, glad, jams = resolved(desk), resolved(desk), resolved(desk)
    assert f"{printed}: satisfaction 5/5" in reply(desk, tmp_path, printed, "I can print now. 5")
    csat = desk.ticket(printed)["csat"]
    assert (csat["score"], csat["comment"]) == (5, "I can print now.")
    assert desk.ticket(printed)["flags"] == []  # nothing in it for a person to act on
    body = "The printer was broken for 3 days, glad it is fixed. 5"
    assert f"{glad}: satisfaction 5/5" in reply(desk, tmp_path, glad, body)
    assert desk.ticket(glad)["csat"]["comment"] == body[:-2]
    # a reopen discards the score by rule: the reopen says what it was
    line = reply(desk, tmp_path, jams, "Still jams. 1")
    assert f'{jams}: reopened by a reply from {ANA} ("Still jams")' in line
    assert "its score (1/5) is not recorded" in line
    t = desk.ticket(jams)
    assert (t["status"], t["reopens"], t["csat"]) == ("triaged", 1, None)
    assert any("gave the score 1/5" in e["text"] for e in t["journal"])
    # a number's label is no sentence: still no score
    room = resolved(desk)
    assert FLAGGED in reply(desk, tmp_path, room, "Please call, I moved to desk. 4")
    assert desk.ticket(room)["csat"] is None


def test_a_reply_to_a_duplicate_of_another_requesters_ticket_stays_on_it(
        desk: Desk, tmp_path: Path) -> None:
    ben = desk.new("-T", "Outlook crashes", "--email", "ben.y@omes.ok.gov", "--name", "Ben Y",
                   now="2026-12-01T11:00:00-06:00")
    carl = "carl.x@omes.ok.gov"
    dup = desk.new("-T", "Outlook crashes for me too", "--name", "Carl X", "--email", carl,
                   "--agency", "OMES", now="2026-12-01T11:30:00-06:00")
    desk.run("resolve", dup, "--duplicate-of", ben, "--other-requester", "--summary",
             "Same Outlook fault", now="2026-12-01T11:32:00-06:00")
    body = "Any news? It is still crashing for me, please help."
    line = reply(desk, tmp_path, dup, body, sender=f"Carl X <{carl}>",
                 now="2026-12-01T13:00:00-06:00")
    assert line.startswith(f"{dup}: reply from {carl} to a duplicate of {ben}, whose requester "
                           f"is another customer: kept on {dup} as a comment"), line
    assert FLAGGED in line
    d = desk.ticket(dup)
    assert (d["status"], d["reopens"], d["duplicate_of"], d["flags"]) == (
        "resolved", 0, ben, ["customer-reply"])
    entry = d["journal"][-1]
    assert (entry["kind"], entry["visibility"]) == ("email", "public")
    assert entry["text"].startswith(body)
    b = desk.ticket(ben)
    assert not any(body in e["text"] for e in b["journal"]) and b["flags"] == []
    later = "2026-12-10T09:00:00-06:00"
    h = json.loads(desk.run("handover", "--json", "--peek", now=later).stdout)
    assert [r["id"] for r in h["replies"]] == [dup]
    assert "not closed: a customer's reply waits to be read" in desk.run("sweep",
                                                                         now=later).stdout
    assert desk.ticket(dup)["status"] == "resolved"
