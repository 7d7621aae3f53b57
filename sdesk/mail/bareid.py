"""A ticket ID at the start of a subject, without brackets (session 40).

A tester's morning: Lupe wrote "INC-4K2W shared mailbox", the short ID she was given on the
phone, with no brackets; the desk reads only "[ID]" tags (docs/email.md), so it opened a new
ticket and her "its urgent pls" never reached the ticket being worked. A bare ID at the
start of the subject (after Re:/Fwd: prefixes) now threads like a tag, but only when the
sender is that ticket's requester: a stranger's "INC-4K2W ..." may be anything (an ID pasted
from another desk's mail, a guess), and a wrong thread puts their words on someone else's
ticket.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from sdesk.mail.mailparse import Incoming

if TYPE_CHECKING:
    from sdesk.mail.mailbatch import _Batch
    from sdesk.mail.mailin import Tags

_BARE = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|wg|tr)\s*:\s*)*([A-Za-z]{2,8}-[0-9A-Za-z]{4,12})"
                   r"(?![0-9A-Za-z\-\]])", re.I)


def bare_id(subject: str) -> str:
    """The ticket ID (or prefix) a subject starts with, without brackets, upper-cased, or ""
    ("INC-4K2W shared mailbox", "RE: inc-4k2w"); a subject with an [ID] tag has none."""
    match = _BARE.match(subject)
    return match.group(1).upper() if match and "[" not in subject[:match.end()] else ""


def bare_tagged(batch: _Batch, msg: Incoming, tags: Tags) -> tuple[Incoming, Tags]:
    """`msg` and its tags, with a bare ID at the start of its subject read as its [ID] tag
    when the message has no tag, the ID names one ticket (batch.tags: a full ID or a unique
    prefix, of a ticket type's prefix) and the sender is that ticket's requester (any case);
    else `msg` and `tags` unchanged. The subject the desk records gets the brackets."""
    wanted = bare_id(msg.subject) if not msg.tags else ""
    if not wanted:
        return msg, tags
    match = _BARE.match(msg.subject)
    assert match is not None
    tagged = dataclasses.replace(msg, subject=f"{msg.subject[:match.start(1)]}[{wanted}]"
                                              f"{msg.subject[match.end(1):]}")
    found = batch.tags(tagged)
    tid = found.ids.get(wanted, "")
    ticket = batch.tickets([tid]).get(tid) if tid else None
    if ticket is None or not msg.sender or ticket.requester.email.strip().casefold() != \
            msg.sender.casefold():
        return msg, tags
    return tagged, found
