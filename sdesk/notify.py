"""Notifications as RFC 5322 messages in outbox/, written in the same commit as the change that
caused them, so a reviewer sees the mail next to the ticket change. Delivery is `sdesk outbox
send` (sdesk/outbox.py).

Nothing typed by a user reaches a header unsanitised: line breaks and control characters in a
title or name are folded to spaces, and addresses must be plain addr-specs.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from sdesk.errors import ValidationError

if TYPE_CHECKING:
    from sdesk.plan import Notify
    from sdesk.store import Store

_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
DEFAULT_FROM = "sdesk@localhost"
# Every header sdesk writes into an outbox message (lower case). `sdesk check` and `sdesk outbox
# send` refuse a message carrying any other (a committed file with its own Cc, Bcc, Sender or
# Reply-To), since a collaborator could otherwise relay mail through the desk. A header added
# to render() must be added here.
HEADERS = frozenset({
    "from", "to", "subject", "date", "message-id", "x-sdesk-ticket", "x-sdesk-audience",
    "x-sdesk-rule", "mime-version", "content-type", "content-transfer-encoding", "in-reply-to",
    "references", "auto-submitted",
})
AUDIENCES = ("staff", "customer")


def sender(settings: dict[str, object]) -> str:
    """The desk's From address: [mail] from in sdesk.toml (default sdesk@localhost)."""
    return check_address(str(settings.get("from", DEFAULT_FROM)))


def header_text(text: str, limit: int = 200) -> str:
    """A header value from user text: one line, no control characters, bounded length."""
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


def check_address(address: str) -> str:
    address = address.strip()
    if not _ADDRESS.match(address):
        raise ValidationError(f"not a plain e-mail address: {address!r}")
    return address


def render(store: Store, note: Notify, now: dt.datetime) -> tuple[Path, bytes]:
    """The message for a Notify action and the outbox path it is written to."""
    sender_address = sender(store.settings("mail"))
    recipients = [check_address(a) for a in note.to]
    if not recipients:
        raise ValidationError(f"notification for {note.ticket} has no recipient")
    msg = EmailMessage()
    msg["From"] = sender_address
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = header_text(f"[{note.ticket}] {note.subject}")
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=sender_address.split("@", 1)[1])
    msg["X-Sdesk-Ticket"] = note.ticket
    msg["X-Sdesk-Audience"] = note.audience
    msg["X-Sdesk-Rule"] = header_text(note.rule)
    msg.set_content(note.body.replace("\r\n", "\n") + "\n")
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}-{note.ticket}-{secrets.token_hex(3)}.eml"
    return store.root / "outbox" / name, bytes(msg)
