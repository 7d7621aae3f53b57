"""Tester C's morning with real mail (session 40): a reply about a new problem reopened the old
ticket; Outlook's "Last, First (Agency)" names stopped the signature cut and were the greeting.
Real store, real CLI (`sdesk mail receive FILE`), fixed clock; messages like the tester's."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive, report, ticket_ids
from test_mail_replies_39 import ANA, LATER, reopened_mails, resolved


def resolution_id(desk: Desk, tid: str) -> str:
    """The Message-ID of the desk's last mail on `tid` (its resolution mail)."""
    return str(desk.ticket(tid)["message_ids"][-1])


def test_a_reply_naming_a_new_problem_opens_a_related_ticket(desk: Desk, tmp_path: Path) -> None:
    cases = [  # (subject, body): the tester's t10c, t10a and t10b
        ("new problem - outlook",
         "outlook is not working since this morning, keeps asking for password\n\nAna"),
        ("scanner not working",
         "Hi, the scanner on 3rd floor is not working, it wont scan to email.\n\nAna"),
        (None, "Hi, the scanner on 3rd floor is not working, it wont scan to email.\n\nAna")]
    for n, (subject, body) in enumerate(cases):
        old = resolved(desk, "printer not workign")
        before = set(ticket_ids(desk))
        line = receive(desk, message(subject or f"RE: [{old}] Resolved: printer not workign",
                                     sender=f"Ana Ruiz <{ANA}>", body=body,
                                     message_id=f"<np{n}@health.ok.gov>",
                                     headers=f"In-Reply-To: <{resolution_id(desk, old)}>\n"),
                       tmp_path, now=LATER)
        (new,) = set(ticket_ids(desk)) - before
        assert f"{new}: new incident from {ANA}, related to {old} (a new problem" in line, line
        assert f"{old} is not reopened" in line, line
        t = desk.ticket(old)
        assert (t["status"], t["reopens"]) == ("resolved", 0), line
        assert desk.ticket(new)["related"] == [old]
        assert desk.ticket(new)["description"].startswith(body.split("\n")[0])
    assert reopened_mails(desk) == 0
    # the ticket's own thing, or none named, still reopens
    for body in ["The printer is not working again", "It is not working"]:
        tid = resolved(desk, "printer not workign")
        line = receive(desk, message(f"RE: [{tid}] Resolved: printer not workign",
                                     sender=f"Ana Ruiz <{ANA}>", body=body,
                                     message_id=f"<same{abs(hash(body))}@x>"), tmp_path, now=LATER)
        assert f"{tid}: reopened by a reply" in line, (body, line)


def test_an_outlook_last_first_name_is_a_signature_and_a_greeting(
        desk: Desk, tmp_path: Path) -> None:
    sender = f'"Ruiz, Ana (OSDH)" <{ANA}>'
    for n, sig in enumerate(["NOTE: our fax line is not working, please email documents",
                             "Part-time - not working Fridays"]):
        tid = resolved(desk, "printer not workign")
        line = receive(desk, message(f"RE: [{tid}] Resolved: printer not workign", sender=sender,
                                     body=f"5\n\nAna Ruiz\nChild Support Services\n{sig}",
                                     message_id=f"<sig{n}@x>"), tmp_path, now=LATER)
        assert f"{tid}: satisfaction 5/5" in line, line
        t = desk.ticket(tid)
        assert (t["status"], t["reopens"], t["csat"]["comment"]) == ("resolved", 0, "")
    # the acknowledgement greets "First Last", not the directory's "Last, First (Agency)"
    for n, name in enumerate(['"Tran, Bich" <bich.tran@omes.ok.gov>',
                              '"Martinez, Lupe (OSDH)" <lupe.martinez@health.ok.gov>']):
        receive(desk, message("Monitor flickers", sender=name, message_id=f"<g{n}@x>"), tmp_path)
    acks = [p.read_text() for p in desk.outbox() if "Monitor flickers" in p.read_text()]
    assert sorted(a for a in ("Hello Bich Tran,", "Hello Lupe Martinez,")
                  if any(a in m for m in acks)) == ["Hello Bich Tran,", "Hello Lupe Martinez,"]
    assert not any("Hello Tran, Bich" in m or "(OSDH)," in m for m in acks)


def dsn(original_id: str, action: str, status: str, recipient: str = ANA,
        message_id: str = "<dsn@mx.x>") -> bytes:
    """A delivery status notification (RFC 3464) like the tester's m58, m48, m61: no
    Auto-Submitted header, the Action field deciding."""
    return report(original_id, recipient, message_id, action=action, status=status,
                  diagnostic=f"{status} text", auto_submitted=False)


def mdn(original_id: str) -> bytes:
    """An Outlook read receipt (RFC 8098), like the tester's m19."""
    return f"""Return-Path: <>
From: Ana Ruiz <{ANA}>
To: servicedesk@omes.ok.gov
Subject: Read: [INC] Update on your ticket
Message-ID: <mdn@health.ok.gov>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="B"

--B
Content-Type: text/plain

Your message was read on Thursday, December 3, 2026 8:40:00 AM.

--B
Content-Type: message/disposition-notification

Reporting-UA: Microsoft Outlook 16.0
Final-Recipient: rfc822;{ANA}
Original-Message-ID: {original_id}
Disposition: manual-action/MDN-sent-manually; displayed

--B
Content-Type: text/rfc822-headers

From: servicedesk@omes.ok.gov
Message-ID: {original_id}

--B--
""".encode()


def test_a_report_s_action_decides_whether_delivery_failed(desk: Desk, tmp_path: Path) -> None:
    receive(desk, message("Outlook down?", sender=f"Ana Ruiz <{ANA}>"), tmp_path)
    (tid,) = ticket_ids(desk)
    sent = f"<{desk.ticket(tid)['message_ids'][-1]}>"
    lines = [receive(desk, raw, tmp_path, now=LATER) for raw in (
        dsn(sent, "delivered", "2.0.0", message_id="<d1@mx>"),
        dsn(sent, "relayed", "2.0.0", message_id="<d2@mx>"),
        dsn(sent, "delayed", "4.4.7", message_id="<d3@mx>"),
        mdn(sent))]
    assert [ln.split(": ", 1)[1] for ln in lines] == [
        f"delivery to {ANA} reported delivered (2.0.0 (2.0.0 text)): no failure",
        f"delivery to {ANA} reported delivered (2.0.0 (2.0.0 text)): no failure",
        f"delivery to {ANA} delayed (4.4.7 (4.4.7 text)): a warning noted",
        f"read receipt from {ANA}: an internal note, no failure"], lines
    texts = [e["text"] for e in desk.ticket(tid)["journal"]]
    assert not any(t.startswith("Delivery failed") for t in texts), texts
    assert sum(t.startswith("Delivery delayed") for t in texts) == 1
    assert all(e["visibility"] == "internal" for e in desk.ticket(tid)["journal"]
               if e["by"] == "mail system")
    failed = receive(desk, dsn(sent, "failed", "5.1.1", message_id="<d4@mx>"), tmp_path, now=LATER)
    assert failed == f"{tid}: delivery to {ANA} failed (5.1.1 (5.1.1 text))", failed
    assert desk.ticket(tid)["flags"] == []  # not on hold: nothing awaits the customer's answer


def test_a_bounced_hold_question_flags_the_ticket(desk: Desk, tmp_path: Path) -> None:
    tid = desk.new("-T", "cannot print to plotter", "--email", ANA, "--name", "Ana Ruiz",
                   "--channel", "email", now="2026-12-03T11:00:00-06:00")
    desk.run("hold", tid, "--reason", "awaiting-customer", "--ask", "Which plotter?",
             now="2026-12-03T11:15:00-06:00")
    asked = f"<{desk.ticket(tid)['message_ids'][-1]}>"
    line = receive(desk, dsn(asked, "failed", "5.1.1"), tmp_path, now="2026-12-03T11:21:00-06:00")
    assert line.endswith("flagged question-bounced: the ticket awaits the customer, who never "
                         "got the question: call them"), line
    assert desk.ticket(tid)["flags"] == ["question-bounced"]
    listed = desk.run("list", "--flag", "question-bounced", now="2026-12-15T09:00:00-06:00")
    assert tid[:6] in listed.stdout
    handover = desk.run("handover", "--peek", now="2026-12-15T09:00:00-06:00").stdout
    assert "its question BOUNCED: the customer never got it (flag question-bounced): call " \
           "them" in handover, handover


def test_automatic_mail_without_headers_is_refused(desk: Desk, tmp_path: Path) -> None:
    tid = desk.new("-T", "shared mailbox", "--email", ANA, "--name", "Ana Ruiz", "--channel",
                   "email", now="2026-12-03T09:00:00-06:00")
    desk.run("hold", tid, "--reason", "awaiting-customer", "--ask", "Which mailbox?",
             now="2026-12-03T10:00:00-06:00")
    asked = desk.ticket(tid)["message_ids"][-1]
    subjects = {"Out of Office: [{t}] Question about your ticket: shared mailbox": "Out of Office",
                "Automatic reply: [{t}] Question": "Automatic reply",
                "Autoreply: [{t}] Question": "Autoreply", "Auto: [{t}] Question": "Auto",
                "Abwesenheitsnotiz: [{t}] Frage": "Abwesenheitsnotiz",
                "Respuesta automática: [{t}] Pregunta": "Respuesta automática"}
    before = desk.snapshot()
    for n, (subject, words) in enumerate(subjects.items()):
        line = receive(desk, message(subject.format(t=tid), sender=f"Ana Ruiz <{ANA}>",
                                     body="I am at a training until 3:00 PM today.",
                                     message_id=f"<ooo{n}@x>",
                                     headers=f"In-Reply-To: <{asked}>\n"), tmp_path,
                       now="2026-12-03T10:08:00-06:00")
        assert line == (f'refused: automatic reply (subject "{words}:", an out-of-office '
                        f'without headers)'), line
    cal = ('multipart/alternative; boundary="C"', "--C\nContent-Type: text/plain\n\nPlease "
           "accept.\n\n--C\nContent-Type: text/calendar; method=\"{m}\"\n\nBEGIN:VCALENDAR\n"
           "METHOD:{m}\nEND:VCALENDAR\n\n--C--")
    for method in ("REQUEST", "CANCEL", "PUBLISH"):
        line = receive(desk, message("Desk coverage for holiday party", content_type=cal[0],
                                     body=cal[1].format(m=method), message_id=f"<c{method}@x>"),
                       tmp_path)
        assert line == (f"refused: a calendar message (text/calendar; method={method}): a "
                        f"meeting, no request"), line
    line = receive(desk, message("Recall: error running monthly report",
                                 body="Ana Ruiz would like to recall the message"), tmp_path)
    assert line == 'refused: an Outlook message recall (subject "Recall:"): no request'
    assert desk.snapshot() == before  # the hold stands; no ticket, no entry, no mail
    assert desk.ticket(tid)["status"] == "on-hold"


def test_the_same_person_s_earlier_mail_is_the_original(desk: Desk, tmp_path: Path) -> None:
    # Two mails fetched together open in the same second; IDs are random, so pairs are taken
    # until one's IDs sort against the Date order (what triage followed before session 40).
    now = "2026-12-03T07:25:00-06:00"
    for n in range(20):
        who = f"Rhonda Gillespie <rhonda{n}@okdhs.org>"
        ids = []
        for at, body, mid in (("07:20", "also forgot to say its the big xerox, asset tag "
                                         "DHS-44821.", f"<late{n}@x>"),
                              ("07:12", "the printer on 3rd floor keeps saying paper jam but "
                                        "theres no paper stuck", f"<early{n}@x>")):
            raw = message("printer not workign", sender=who, body=body, message_id=mid,
                          ).replace(b"Mon, 23 Nov 2026 08:55:00", f"Thu, 03 Dec 2026 {at}:00"
                                    .encode())
            line = receive(desk, raw, tmp_path, now=now)
            ids.append(line.split(":")[0])
        late, early = ids
        if early > late:  # ID order says the 07:20 mail came first
            break
    else:
        raise AssertionError("no pair with IDs against the Date order in 20")
    desk.run("triage", early, late, now="2026-12-03T07:30:00-06:00")
    assert f"proposed:duplicate:{early}" in desk.ticket(late)["flags"], desk.ticket(late)
    assert not any(f.startswith("proposed:duplicate:") for f in desk.ticket(early)["flags"])
    said = " ".join(e["text"] for e in desk.ticket(late)["journal"])
    assert "sent first (07:12 by its Date header)" in said, said


def test_a_bare_id_starting_the_subject_threads_for_the_requester(
        desk: Desk, tmp_path: Path) -> None:
    lupe = "lupe.martinez@health.ok.gov"
    tid = desk.new("-T", "shared mailbox", "--email", lupe, "--name", "Lupe Martinez",
                   now="2026-12-03T08:00:00-06:00")
    short = tid[:8]  # the short ID read to her on the phone, no brackets (the tester's m27)
    body = "its urgent pls, vital records intake has 40 death certificates waiting"
    line = receive(desk, message(f"{short} shared mailbox", sender=f"Lupe Martinez <{lupe}>",
                                 body=body, message_id="<m27@x>"), tmp_path,
                   now="2026-12-03T08:50:00-06:00")
    assert line == f"{tid}: reply from {lupe} added; flagged customer-reply for the technician"
    assert ticket_ids(desk) == [tid]
    assert desk.ticket(tid)["journal"][-1]["text"].startswith(body)
    # from anyone else a bare ID is no tag: a new ticket
    line = receive(desk, message(f"RE: {short.lower()} shared mailbox", body=body,
                                 message_id="<other@x>"), tmp_path,
                   now="2026-12-03T08:51:00-06:00")
    assert "new incident from ana.ruiz@health.ok.gov" in line, line
    assert len(ticket_ids(desk)) == 2


def test_a_reply_on_an_open_ticket_is_shown_to_be_read(desk: Desk, tmp_path: Path) -> None:
    lupe = "lupe.martinez@health.ok.gov"
    tid = desk.new("-T", "Cant open shared mailbox", "--email", lupe, "--name", "Lupe Martinez",
                   now="2026-12-03T08:05:00-06:00")
    body = "Any update?? My supervisor needs the intake report by noon."
    line = receive(desk, message(f"RE: [{tid}] Logged: Cant open shared mailbox",
                                 sender=f'"Martinez, Lupe (OSDH)" <{lupe}>', body=body,
                                 message_id="<m20@x>"), tmp_path, now="2026-12-03T08:41:00-06:00")
    assert line == f"{tid}: reply from {lupe} added; flagged customer-reply for the technician"
    assert desk.ticket(tid)["flags"] == ["customer-reply"]
    replies = desk.json("handover", "--peek", "--json")["replies"]
    assert [r["id"] for r in replies] == [tid] and body in replies[0]["note"], replies
    desk.run("note", tid, "Called her: mailbox permissions re-applied",
             now="2026-12-03T08:50:00-06:00")
    assert desk.ticket(tid)["flags"] == []  # the note answers the reply
    # someone else's mail on an open ticket (the CIO's assistant): internal, and flagged
    line = receive(desk, message(f"RE: [{tid}] Logged", body="can someone come up right away?",
                                 message_id="<m23@x>"), tmp_path, now="2026-12-03T09:00:00-06:00")
    assert line.endswith("flagged customer-reply for the technician"), line
    assert desk.ticket(tid)["journal"][-1]["visibility"] == "internal"


def test_no_resolution_date_is_promised_to_an_agency_no_team_supports(
        desk: Desk, tmp_path: Path) -> None:
    line = receive(desk, message("need help w/ VPN token", sender="Pat Doe <pat.doe@osbi.ok.gov>",
                                 body="my VPN token expired. who do I call?",
                                 message_id="<m08@x>"), tmp_path)
    tid = line.split(":")[0]
    [ack] = [p.read_text() for p in desk.outbox() if tid in p.name]
    assert "We aim to have it resolved by" not in ack, ack
    assert "We will first check that the Service Desk supports your agency and reply by " \
           "Monday 23 November 2026" in " ".join(ack.split()), ack
    # a supported agency's sender is still told both targets
    receive(desk, message("VPN token expired", message_id="<ok@x>"), tmp_path)
    assert any("We aim to have it resolved by" in p.read_text() for p in desk.outbox()
               if "VPN token expired" in p.read_text())
