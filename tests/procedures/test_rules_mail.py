"""E-mail in, as docs/email.md reads it: one message in, the safe values and the plan out.

The first table is what reading a message guarantees whatever the sender wrote (one safe line
per header, every body decoded, a delivery report understood); the second is what the desk
does with a message (new ticket, reply, reopen, related ticket, CSAT, bounce or refusal), with
no store and no CLI: the tickets it threads to are built here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from mail_helpers import message, report
from procedure_builder import NOW, REF, after, ticket

from sdesk.mail.mailin import MailRules, Outcome, receive
from sdesk.mail.mailparse import Incoming, parse

DESK = "servicedesk@omes.ok.gov"


def multipart(*parts: str, kind: str = "mixed", head: str = "") -> bytes:
    """A multipart message from Ana with the given parts (each "headers\\n\\nbody")."""
    body = "".join(f"--B\n{p}\n" for p in parts) + "--B--\n"
    return (f"From: Ana Ruiz <ana.ruiz@health.ok.gov>\nTo: {DESK}\nSubject: Scanner\n"
            f"Message-ID: <mp1@health.ok.gov>\n{head}MIME-Version: 1.0\n"
            f'Content-Type: multipart/{kind}; boundary="B"\n\n{body}').encode()


def dsn(status_part: str, original_part: str = "", head: str = "") -> bytes:
    """A delivery report (RFC 3464) from a server that sets no Auto-Submitted header."""
    parts = ["Content-Type: text/plain\n\nYour message could not be delivered.",
             f"Content-Type: message/delivery-status\n\n{status_part}"]
    if original_part:
        parts.append(original_part)
    return multipart(*parts, kind="report; report-type=delivery-status",
                     head=head).replace(b"ana.ruiz@health.ok.gov>", b"postmaster-relay@mx.ok.gov>",
                                        1)


ATTACHED_ORIGINAL = ("Content-Type: message/rfc822\n\nFrom: servicedesk@omes.ok.gov\n"
                     "Message-ID: <sent-7@omes.ok.gov>\nSubject: Logged\n\nLogged.")


# ---- reading a message ----------------------------------------------------------------------

PARSED = [
    # (what reading guarantees, the message, what is read, the value)
    ("a subject of a malformed encoded word is kept as written, not a crash",
     message("=?utf-8?b?a?="), lambda m: m.subject, "=?utf-8?b?a?="),
    ("an encoded subject is decoded",
     message("=?utf-8?q?caf=C3=A9_down?="), lambda m: m.subject, "café down"),
    ("a subject's encoded line break cannot start a header",
     message("=?utf-8?q?VPN=0D=0ABcc=3A_x?="), lambda m: m.subject, "VPN Bcc: x"),
    ("an attachment named by a malformed encoded word keeps the name as written",
     multipart("Content-Type: text/plain\n\nSee attached.",
               'Content-Type: application/pdf; name="=?utf-8?b?a?="\n'
               'Content-Disposition: attachment; filename="=?utf-8?b?a?="\n'
               "Content-Transfer-Encoding: base64\n\nJVBERi0=\n"),
     lambda m: [a.name for a in m.attachments], ["=_utf-8_b_a_="]),
    ("an attachment whose name is only folders is named by its type",
     multipart("Content-Type: text/plain\n\nSee attached.",
               'Content-Type: application/pdf\nContent-Disposition: attachment; filename="../"\n'
               "Content-Transfer-Encoding: base64\n\nJVBERi0=\n"),
     lambda m: [(a.name, a.data) for a in m.attachments], [("attachment.pdf", b"%PDF-")]),
    ("an attachment of an unknown type without a name is a .bin",
     multipart("Content-Type: text/plain\n\nSee attached.",
               "Content-Type: application/x-thing\nContent-Disposition: attachment\n\nxyz"),
     lambda m: [a.name for a in m.attachments], ["attachment.bin"]),
    ("an HTML-only body becomes text",
     message(body="<p>The <b>scanner</b> is down</p>", content_type="text/html"),
     lambda m: m.body.strip(), "The **scanner** is down"),
    ("a body in a charset that does not exist still decodes",
     message(body="caf\u00e9", content_type='text/plain; charset="x-nonesuch"'),
     lambda m: m.body.strip(), "café"),
    ("a message without a Message-ID gets one from its content",
     message(message_id=""), lambda m: m.message_id.endswith("@sdesk.invalid"), True),
    ("a report without Auto-Submitted is still automatic",
     dsn("Reporting-MTA: dns; mx.ok.gov\n\nFinal-Recipient: rfc822; ana@health.ok.gov\n"
         "Status: 5.1.1\n", ATTACHED_ORIGINAL),
     lambda m: m.automatic, "a delivery or read report (multipart/report)"),
    ("a report names why delivery failed",
     dsn("Reporting-MTA: dns; mx.ok.gov\n\nFinal-Recipient: rfc822; Ana@Health.ok.gov\n"
         "Status: 5.2.2\nDiagnostic-Code: smtp; 552 mailbox full\n", ATTACHED_ORIGINAL),
     lambda m: (m.report.recipients, m.report.status), (("ana@health.ok.gov",), "5.2.2 (552 mailbox full)")),
    ("a report names the message it is about from the attached message",
     dsn("Final-Recipient: rfc822; ana@health.ok.gov\nStatus: 5.1.1\n", ATTACHED_ORIGINAL),
     lambda m: m.report.original_id, "sent-7@omes.ok.gov"),
    ("a report without the original names it from In-Reply-To",
     dsn("Final-Recipient: rfc822; ana@health.ok.gov\nStatus: 5.1.1\n",
         head="In-Reply-To: <sent-9@omes.ok.gov>\n"),
     lambda m: m.report.original_id, "sent-9@omes.ok.gov"),
    ("a report that says nothing is a failure about nothing known",
     dsn(""), lambda m: (m.report.original_id, m.report.recipients, m.report.status),
     ("", (), "failed")),
    ("a report's original headers without a Message-ID name nothing",
     dsn("Status: 5.1.1\n", "Content-Type: text/rfc822-headers\n\nFrom: servicedesk@omes.ok.gov\n"),
     lambda m: m.report.original_id, ""),
]


@pytest.mark.parametrize(("case", "raw", "read", "value"), PARSED, ids=[row[0] for row in PARSED])
def test_reading_a_message(case: str, raw: bytes, read: Any, value: Any) -> None:
    assert read(parse(raw)) == value


# ---- what the desk does with it --------------------------------------------------------------

RULES = MailRules(desk_addresses=frozenset({DESK}))
SENT = "sent-1@omes.ok.gov"


def customer_ticket(status: str, **fields: Any) -> Any:
    fields.setdefault("service", "Printing")
    fields.setdefault("message_ids", [SENT])
    return ticket("incident", email="ana.ruiz@health.ok.gov", agency="OSDH", name="Ana Ruiz",
                  status=status, **fields)


def take(raw: bytes, *held: Any, rules: MailRules = RULES) -> tuple[Outcome, Incoming]:
    msg = parse(raw)
    known = {mid: t.id for t in held for mid in t.message_ids}
    outcome = receive(msg, known=known, tickets={t.id: t for t in held}, ref=REF, rules=rules,
                      now=NOW, new_id="INC-9000", actor="Mail Intake")
    return outcome, msg


REPLY = {"subject": "Re: [INC-1] Printer", "headers": f"In-Reply-To: <{SENT}>\n"}
RESOLVED_AGO = {"resolved_at": NOW - dt.timedelta(days=2)}

DECISIONS = [
    # (what docs/email.md says, the message, the ticket it threads to, verdict, the line says)
    ("a person's new message is a new ticket", message(), None, "new", "new incident"),
    ("mail from the desk's own address is a loop",
     message(sender=f"Desk <{DESK}>"), None, "refused", "mail loop"),
    ("automatic mail is never answered",
     message(headers="Auto-Submitted: auto-replied\n"), None, "refused", "Auto-Submitted"),
    ("no sender, no ticket", message(sender=""), None, "refused", "no sender"),
    ("a reply joins its open ticket", message(**REPLY), ("in-progress", {}), "reply", "reply from"),
    ("the [ID] tag alone threads a reply",
     message("Re: [INC-2QQ0GCHD4MXY] Printer", message_id="<m2@health.ok.gov>"),
     ("assigned", {"id": "INC-2QQ0GCHD4MXY", "message_ids": []}), "reply", "reply from"),
    ("a reply saying the problem is back on a closed ticket is a new, related ticket",
     message(**REPLY, body="It jams again."), ("closed", {}), "related",
     "closed tickets are never reopened"),
    ("a reply to a recently resolved ticket reopens it",
     message(**REPLY, body="Still jams."), ("resolved", RESOLVED_AGO), "reopen", "reopened"),
    ("a score alone answers the satisfaction question",
     message(**REPLY, body="4"), ("resolved", RESOLVED_AGO), "csat", "4/5"),
    ("a reply long after resolution is a new, related ticket",
     message(**REPLY, body="It jams again."), ("resolved", {"resolved_at": NOW - dt.timedelta(days=30)}),
     "related", "more than 14 days ago"),
    ("a delivery report about the desk's mail is recorded on the ticket",
     report(f"<{SENT}>"), ("assigned", {}), "bounce", "delivery to ana.ruiz@health.ok.gov failed"),
    ("a delivery report about mail the desk did not send is refused",
     report("<elsewhere@x>"), ("assigned", {}), "refused", "did not send"),
    ("a message taken before is not taken twice",
     message(message_id=f"<{SENT}>"), ("assigned", {}), "duplicate", "already logged"),
]


@pytest.mark.parametrize(("case", "raw", "held", "verdict", "says"), DECISIONS,
                         ids=[row[0] for row in DECISIONS])
def test_what_the_desk_does_with_a_message(case: str, raw: bytes, held: Any, verdict: str,
                                           says: str) -> None:
    tickets = [customer_ticket(held[0], **held[1])] if held else []
    outcome, _ = take(raw, *tickets)
    assert (outcome.verdict, says in outcome.line) == (verdict, True), outcome.line
    assert outcome.taken == (verdict != "refused")


def test_a_reply_keeps_the_message_and_its_attachments_under_their_own_names() -> None:
    pdf = ('Content-Type: application/pdf\nContent-Disposition: attachment; filename="scan.pdf"\n'
           "Content-Transfer-Encoding: base64\n\nJVBERi0=\n")
    raw = multipart("Content-Type: text/plain\n\nTwo scans.", pdf, pdf,
                    head=f"In-Reply-To: <{SENT}>\n")
    t = customer_ticket("in-progress")
    outcome, _ = take(raw, t)
    names = sorted(path.rsplit("-", 1)[-1] if "attachments/" in path else path.split("/")[0]
                   for path in outcome.files)
    assert names == ["2.pdf", "mail", "scan.pdf"]
    entry = after(t, outcome.plan).journal[-1]
    assert "Attachment kept: scan-2.pdf" in entry.text and entry.visibility == "public"


def test_an_attachment_over_the_limit_is_refused_and_the_message_kept_without_it() -> None:
    raw = multipart("Content-Type: text/plain\n\nBig scan.",
                    'Content-Type: application/pdf\nContent-Disposition: attachment; '
                    'filename="big.pdf"\n\n' + "x" * 400)
    outcome, _ = take(raw, rules=MailRules(attachment_max_bytes=300))
    assert not any(p.startswith("attachments/") for p in outcome.files)
    done = outcome.plan.actions[0].new  # type: ignore[attr-defined]
    text = after(done, outcome.plan).journal[-1].text
    assert "big.pdf" in text and "refused" in text and "over the 300-byte limit" in text
