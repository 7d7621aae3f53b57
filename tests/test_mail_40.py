"""Tester C's morning with real mail (session 40): a reply about a new problem reopened the old
ticket; Outlook's "Last, First (Agency)" names stopped the signature cut and were the greeting.
Real store, real CLI (`sdesk mail receive FILE`), fixed clock; messages like the tester's."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive, ticket_ids
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
