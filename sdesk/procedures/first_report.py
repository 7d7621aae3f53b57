"""Which of one person's two reports came first (session 40).

A tester's morning: "keeps saying paper jam..." (sent 07:12) and "also forgot to say its the
big xerox" (sent 07:20) were fetched in one batch, so both tickets opened in the same second
(a ticket opens at its receipt, docs/email.md); triage kept the first "by ID order", a random
one, proposed the real report as the duplicate of the afterthought, and accepting it kept only
the afterthought as the description. Each e-mailed ticket records its message's Date header
in its intake entry (sdesk.mail.mailin.sent_line), so the order is known: the earlier is the
one sent first (the Date), else the one opened first; the ID only breaks a tie neither tells.
Pure: tickets in, times and keys out.
"""

from __future__ import annotations

import datetime as dt
import re

from sdesk.core.model import Ticket

RULE_INTAKE = "standard: requests by email"  # mailin.RULE_INTAKE: the entry that says when
_SENT = re.compile(r"^Sent (\S+) by its Date header", re.M)


def mail_sent(ticket: Ticket) -> dt.datetime | None:
    """When the message that opened `ticket` was sent, by its Date header as the intake entry
    recorded it ("Sent 2026-12-03T07:12-06:00 by its Date header; received ..."), or None: a
    ticket not opened by mail, or a message without a readable Date."""
    for entry in ticket.journal:
        if entry.rule == RULE_INTAKE and entry.kind == "email":
            found = _SENT.search(entry.text)
            if found:
                try:
                    return dt.datetime.fromisoformat(found.group(1))
                except ValueError:
                    return None
    return None


def order(opened_at: dt.datetime, sent: dt.datetime | None, other_sent: dt.datetime | None,
          ticket_id: str) -> tuple[dt.datetime, dt.datetime, str]:
    """A ticket's place among one person's reports, compared with another's: by the sent
    time when both were sent by mail (`sent` and `other_sent` known), then by opened_at,
    then by ID (a tie neither tells). Compare `order(a...) < order(b...)`."""
    first = sent if sent is not None and other_sent is not None else opened_at
    return (first, opened_at, ticket_id)
