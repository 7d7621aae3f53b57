"""Cutting a message's text to what its ticket can keep.

Every command refuses to read a ticket file over the read limit (`MAX_FILE_BYTES`, 1 MiB:
docs/crash-safety.md, "Size"), and every writer refuses to write one. Mail cannot be refused
for its size (the customer's report would wait in the mailbox for ever), so intake keeps the
start of the text in the ticket and says how much it left out; the whole message is kept
under `mail/<ID>/` (as its headers and text when it is over `mail.attachment_max_bytes`), so
nothing is lost. Pure: text and sizes in, text out.
"""

from __future__ import annotations

from sdesk.core import tomlfmt
from sdesk.core.model import Ticket, dumps
from sdesk.core.untrusted import MAX_FILE_BYTES

# Bytes of TOML left free after a message: its plan's other additions (the entry's keys, the
# acknowledgement's record, a Message-ID, a reopen's entries) are a few hundred bytes; the
# rest is room for the ticket's further work (notes, assignment, resolution, the mail it
# sends), which every writer refuses past the limit. sdesk's own largest tickets are ~100 KB.
RESERVE = 64 * 1024
# Bytes of TOML one message's text may take in its ticket, however much room is left: a
# 1 MiB log mailed in would otherwise leave a new ticket no room for its life.
MESSAGE_MAX = 256 * 1024
# Characters of a message's text intake reads to take a reply (the quote trimmed, the words
# read for "it is back"): no more can be kept (a character takes at least a byte), and reading
# all of a 29 MB reply held the store lock for two minutes (tester finding, session 40).
READ_MAX = MESSAGE_MAX


def readable(text: str) -> str:
    """The start of `text` intake reads: at most READ_MAX characters."""
    return text[:READ_MAX]


def unread(text: str) -> int:
    """UTF-8 bytes of `text` past `readable(text)`: never read, never kept (0 for most)."""
    return len(text.encode("utf-8")) - len(readable(text).encode("utf-8")) \
        if len(text) > READ_MAX else 0


def toml_size(text: str) -> int:
    """Bytes `text` takes in a ticket file as a string value (escapes included)."""
    return len(tomlfmt.format_string(text).encode("utf-8"))


def room_for(ticket: Ticket, others: str, text: str = "") -> int:
    """Bytes of TOML for a message's text in `ticket` (as the batch left it): at most
    MESSAGE_MAX, and what the read limit leaves once the ticket, `others` (the lines saying
    what was kept) and RESERVE are counted; `text` is the ticket's own copy of the text
    already in it (a new ticket's description), not counted as used. May be < 0."""
    used = len(dumps(ticket).encode("utf-8")) - (toml_size(text) if text else 0)
    return min(MESSAGE_MAX, MAX_FILE_BYTES - used - toml_size(others) - RESERVE)


def cut(text: str, room: int, kept_as: str, not_read: int = 0) -> tuple[str, int]:
    """`text` as its ticket keeps it, and the UTF-8 bytes left out (0 when it fits): whole when
    its TOML takes at most `room` bytes; else its start, then a line `[cut: N bytes not kept;
    the whole message is kept as KEPT_AS]`, the two within `room` when room allows.
    `not_read`: bytes of the message's text after `text` that intake never read (`unread`),
    counted as left out."""
    if toml_size(text) <= room and not not_read:
        return text, 0
    data = text.encode("utf-8")
    budget = max(0, room - 200 - len(kept_as.encode("utf-8")))  # the marker line's share
    n = min(len(data), budget)
    head = ""
    while n > 0:
        head = data[:n].decode("utf-8", "ignore")
        size = toml_size(head)
        if size <= budget:
            break
        n = min(n - 1, n * budget // size)  # escapes make a byte take up to 6
        head = ""
    head = head.rstrip()
    left_out = len(data) - len(head.encode("utf-8")) + not_read
    marker = f"[cut: {left_out} bytes not kept; the whole message is kept as {kept_as}]"
    return (head + "\n\n" + marker if head.strip() else marker), left_out
