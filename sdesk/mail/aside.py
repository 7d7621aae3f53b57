"""Mail set aside, and a reused Message-ID (session 40): intake "loses nothing" (docs/email.md)
and no message may crash intake or block the ones after it.

- A message whose reading or deciding raises an unexpected exception (a bug, a malformed part
  the mail library cannot read) is *set aside*: kept in the store under `mail/quarantine/`
  with one line saying why (an `X-Sdesk-Set-Aside:` header before the message as received),
  committed with its batch, listed by `sdesk mail quarantine`; the batch goes on.
- A message whose Message-ID the desk already logged is a duplicate only when it is the same
  message: the same bytes, or the same sender and text as the copy kept under `mail/<ID>/`.
  A different sender or text under a known Message-ID is another message (a mailer that
  reuses IDs, a copied header): it gets a Message-ID of its own and is taken.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from sdesk.mail.mailin import Outcome
from sdesk.mail.mailparse import Incoming, header_text, parse

QUARANTINE = "mail/quarantine"
HEADER = "X-Sdesk-Set-Aside"


def quarantine_path(raw: bytes) -> str:
    """Where a set-aside message is kept: named by its content, so a retried delivery of the
    same bytes rewrites the same file (no change, no second copy)."""
    return f"{QUARANTINE}/{hashlib.sha256(raw).hexdigest()[:16]}.eml"


def set_aside(raw: bytes, stage: str, exc: BaseException) -> Outcome:
    """The outcome "aside" for a message whose `stage` ("reading it", "deciding what it is")
    raised `exc`: the message, with one header line giving the reason, to keep under
    `mail/quarantine/`. It counts as taken (the mailbox files it as read: it is in the store)."""
    why = header_text(f"{stage}: {type(exc).__name__}: {exc}", 300)
    path = quarantine_path(raw)
    return Outcome("aside", "", f"set aside as {path} ({why}); sdesk mail quarantine lists it",
                   files={path: f"{HEADER}: {why}\r\n".encode() + raw})


def listing(root: Path) -> list[tuple[str, str, str, str]]:
    """(store-relative path, why, sender, subject) of every message set aside, by path; a
    file that is not one (no reason header) says so as its reason."""
    folder = root / QUARANTINE
    if not folder.is_dir() or folder.is_symlink():
        return []
    out = []
    for path in sorted(folder.glob("*.eml")):
        if path.is_symlink() or not path.is_file():
            continue
        head = path.read_bytes()[:64 * 1024].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
        why, sender, subject = "(no reason recorded)", "", ""
        for line in head.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition(":")
            if key.lower() == HEADER.lower():
                why = value.strip()
            elif key.lower() == "from" and not sender:
                sender = header_text(value, 100)
            elif key.lower() == "subject" and not subject:
                subject = header_text(value, 100)
        out.append((f"{QUARANTINE}/{path.name}", why, sender, subject))
    return out


def _digest(message_id: str) -> str:
    """The part of a kept message's file name that names its Message-ID (mailin._keep)."""
    return hashlib.sha1(message_id.encode()).hexdigest()[:10]


def kept_copies(root: Path, files: Mapping[str, bytes], ticket_id: str,
                message_id: str) -> list[bytes]:
    """The copies of the message `message_id` kept with `ticket_id`: this batch's (`files`,
    store-relative path -> bytes), then the store's under mail/<ID>/ (never through a link)."""
    suffix = f"-{_digest(message_id)}.eml"
    prefix = f"mail/{ticket_id}/"
    out = [data for path, data in files.items() if path.startswith(prefix)
           and path.endswith(suffix)]
    folder = root / "mail" / ticket_id
    if folder.is_dir() and not folder.is_symlink() and not (root / "mail").is_symlink():
        out += [p.read_bytes() for p in sorted(folder.glob(f"*{suffix}"))
                if p.is_file() and not p.is_symlink()]
    return out


def same_message(msg: Incoming, copies: list[bytes]) -> bool:
    """`msg` is the message kept as one of `copies`: the same bytes, or the same sender and
    text (a copy over mail.attachment_max_bytes is kept as its headers and text). No copy
    (a Message-ID the desk sent, mail logged before copies were kept): the same, as before."""
    if not copies:
        return True
    body = msg.body.strip()
    for copy in copies:
        if copy == msg.raw or copy.partition(b"\n\n")[2].strip() == body.encode("utf-8"):
            return True
        try:
            kept = parse(copy)
        except Exception:  # a copy the parser cannot read: compare no further
            continue
        if kept.sender == msg.sender and kept.body.strip() == body:
            return True
    return False


def reissued(msg: Incoming) -> str:
    """A Message-ID of its own for a message that reused a known one: from its bytes, as
    a message without one gets (mailparse.parse), so its next delivery is its duplicate."""
    return hashlib.sha1(msg.raw).hexdigest() + "@sdesk.invalid"
