"""Messages for the mail tests: small, hand-written RFC 5322 texts (invented people)."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk

CUSTOMER = "Ana Ruiz <ana.ruiz@health.ok.gov>"


def message(subject: str = "Printer on the third floor jams", *, sender: str = CUSTOMER,
            body: str = "It jams on every page since this morning.",
            message_id: str = "<m1@health.ok.gov>", headers: str = "",
            content_type: str = 'text/plain; charset="utf-8"') -> bytes:
    """A plain message; `headers` are extra lines ("Name: value\\n")."""
    head = (f"From: {sender}\nTo: servicedesk@omes.ok.gov\nSubject: {subject}\n"
            f"Date: Mon, 23 Nov 2026 08:55:00 -0600\n")
    if message_id:
        head += f"Message-ID: {message_id}\n"
    head += headers
    head += f"MIME-Version: 1.0\nContent-Type: {content_type}\n\n"
    return head.encode() + body.encode("utf-8", errors="surrogateescape") + b"\n"


def receive(desk: Desk, raw: bytes, tmp: Path, *args: str, now: str | None = None) -> str:
    """`sdesk mail receive FILE`; its output line."""
    path = tmp / f"in-{abs(hash(raw))}.eml"
    path.write_bytes(raw)
    return str(desk.run("mail", "receive", str(path), *args, now=now).stdout.strip())


def ticket_ids(desk: Desk) -> list[str]:
    return sorted(r["id"] for r in desk.json("list", "--all"))


def last_sent(desk: Desk, ticket_id: str) -> bytes:
    """The newest outbox message about a ticket: the one whose Message-ID the ticket recorded
    last (file names share the fixed clock's time stamp, so their order says nothing)."""
    found = {header(p.read_bytes(), "Message-ID").strip("<>"): p.read_bytes()
             for p in desk.outbox() if ticket_id in p.name}
    assert found, f"no mail for {ticket_id} in the outbox"
    recorded = [m for m in desk.ticket(ticket_id)["message_ids"] if m in found]
    return found[recorded[-1]]


def header(raw: bytes, name: str) -> str:
    """A header's value, unfolded (a mail parser, not a regex: long headers are folded)."""
    from email import policy
    from email.parser import BytesParser

    value = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True).get(name)
    return " ".join(str(value).split()) if value is not None else ""


def report(original_id: str, recipient: str = "ana.ruiz@health.ok.gov",
           message_id: str = "<dsn1@mx.health.ok.gov>", action: str = "failed",
           status: str = "5.1.1", diagnostic: str = "550 5.1.1 user unknown",
           auto_submitted: bool = True) -> bytes:
    """A MAILER-DAEMON delivery status notification (RFC 3464) about `original_id`: its
    Action and Status (RFC 3464 section 2.3), with or without Auto-Submitted (some MTAs
    leave it off)."""
    auto = "Auto-Submitted: auto-replied\n" if auto_submitted else ""
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.health.ok.gov>
To: servicedesk@omes.ok.gov
Subject: Undelivered Mail Returned to Sender
Message-ID: {message_id}
{auto}MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.health.ok.gov

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--B
Content-Type: text/rfc822-headers

From: servicedesk@omes.ok.gov
To: {recipient}
Subject: [INC] Logged
Message-ID: {original_id}

--B--
""".encode()
