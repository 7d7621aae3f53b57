"""Notifications as RFC 5322 messages in outbox/, written in the same commit as the change that
caused them, so a reviewer sees the mail next to the ticket change. Delivery is `sdesk outbox
send` (sdesk/mail/outbox.py).

Nothing typed by a user reaches a header unsanitised: line breaks and control characters in a
title or name are folded to spaces, and addresses must be plain addr-specs.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from email.message import Message
from email.policy import Compat32
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from sdesk.core.errors import ValidationError
from sdesk.mail.mailparse import header_text

if TYPE_CHECKING:
    from sdesk.core.model import Ticket
    from sdesk.procedures.plan import Notify
    from sdesk.store import Store

_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
DEFAULT_FROM = "sdesk@localhost"
# Every header sdesk writes into an outbox message (lower case). `sdesk check` and `sdesk outbox
# send` refuse a message carrying any other (a committed file with its own Cc, Bcc, Sender or
# Reply-To), since a collaborator could otherwise relay mail through the desk. A header added
# to render() must be added here.
HEADERS = frozenset({
    "from", "to", "subject", "date", "message-id", "x-sdesk-ticket", "x-sdesk-audience",
    "x-sdesk-rule", "mime-version", "content-type", "content-transfer-encoding", "in-reply-to",
    "references", "auto-submitted", "x-auto-response-suppress",
})
AUDIENCES = ("staff", "customer")
FOLDED_KEPT = 4096  # distinct headers whose folded bytes `_Folding` keeps at once


class _Folding(Compat32):
    """compat32 (the policy a plain Message has) keeping each header's folded bytes by name and
    value: the mail of one batch repeats most of its headers (From, Date, the rule, the
    audience, MIME-Version, the content headers...) and folding one (email.header.Header) was
    most of the time a message took to render (0.46 of 0.54 s for triage --all's 512 messages,
    100k bench). The email package still folds each distinct header, once, so the bytes are
    compat32's."""

    def fold_binary(self, name: str, value: str) -> bytes:
        if not isinstance(value, str):
            return super().fold_binary(name, value)
        key = (name, value, self.linesep, self.max_line_length, self.cte_type)
        found = _FOLDED.get(key)
        if found is None:
            if len(_FOLDED) >= FOLDED_KEPT:
                _FOLDED.clear()
            found = _FOLDED[key] = super().fold_binary(name, value)
        return found


_FOLDED: dict[tuple[str, str, str, int | None, str], bytes] = {}
_POLICY = _Folding()


def sender(settings: dict[str, object]) -> str:
    """The desk's From address: [mail] from in sdesk.toml (default sdesk@localhost)."""
    return check_address(str(settings.get("from", DEFAULT_FROM)))


def check_address(address: str) -> str:
    address = address.strip()
    if not _ADDRESS.match(address):
        raise ValidationError(f"not a plain e-mail address: {address!r}")
    return address


def render(store: Store, note: Notify, now: dt.datetime,
           ticket: Ticket | None = None) -> tuple[Path, bytes]:
    """The message for a Notify action and the outbox path it is written to. With the ticket,
    the message answers the ticket's latest mail (In-Reply-To, References) and its new
    Message-ID is appended to `ticket.message_ids`, so a reply to it finds the ticket."""
    sender_address = sender(store.settings("mail"))
    recipients = [check_address(a) for a in note.to]
    if not recipients:
        raise ValidationError(f"notification for {note.ticket} has no recipient")
    # The compat32 Message: header values here are already plain and safe, and it renders a
    # message in a fifth of the time EmailMessage's header parser takes (a batch of mail
    # acknowledges a thousand tickets at once).
    msg = Message(policy=_POLICY)
    msg["From"] = sender_address
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = _encoded(header_text(f"[{note.ticket}] {note.subject}"), "Subject")
    msg["Date"] = format_datetime(now)
    message_id = make_msgid(domain=sender_address.split("@", 1)[1])
    msg["Message-ID"] = message_id
    if ticket is not None:
        thread_headers(msg, ticket.message_ids)
        ticket.message_ids = [*ticket.message_ids, message_id.strip("<>")]
    if note.automatic:
        # RFC 3834, and the header Exchange and Outlook honour: autoresponders stay quiet.
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-Auto-Response-Suppress"] = "All"
    msg["X-Sdesk-Ticket"] = note.ticket
    msg["X-Sdesk-Audience"] = note.audience
    msg["X-Sdesk-Rule"] = _encoded(header_text(note.rule), "X-Sdesk-Rule")
    msg["MIME-Version"] = "1.0"
    _set_body(msg, note.body.replace("\r\n", "\n") + "\n")
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}-{note.ticket}-{secrets.token_hex(3)}.eml"
    return store.root / "outbox" / name, bytes(msg)


def _encoded(text: str, name: str) -> str:
    """A header value, RFC 2047-encoded when it is not ASCII."""
    if text.isascii():
        return text
    from email.header import Header

    return Header(text, "utf-8", header_name=name).encode()


def _set_body(msg: Message, body: str) -> None:
    """Plain 7-bit text when it is short-lined ASCII, else UTF-8 quoted-printable."""
    if body.isascii() and all(len(line) <= 900 for line in body.splitlines()):
        msg.set_payload(body, "us-ascii")
        return
    from email.charset import QP, Charset

    charset = Charset("utf-8")
    charset.body_encoding = QP
    msg.set_payload(body, charset)


def thread_headers(msg: Message, known: list[str]) -> None:
    """In-Reply-To the ticket's latest message and References to the first and the latest
    few (RFC 5322 section 3.6.4), so the customer's mail client threads the conversation."""
    ids = [m for m in known if m and "<" not in m and ">" not in m and " " not in m]
    if not ids:
        return
    chain = ids if len(ids) <= 10 else [ids[0], *ids[-9:]]
    msg["In-Reply-To"] = f"<{ids[-1]}>"
    msg["References"] = " ".join(f"<{m}>" for m in chain)
