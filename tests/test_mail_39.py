"""E-mail gaps closed in session 39 (issue 11: "Email is a real channel: mail in from a mailbox,
replies threaded, automatic mail ignored, nothing lost"). Real store, real CLI (`sdesk mail
receive FILE`, `sdesk mail fetch --maildir`), fixed clock."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive, ticket_ids

ANA = "ana.ruiz@health.ok.gov"
RESOLVED_AT = "2026-11-23T10:00:00-06:00"
LATER = "2026-11-23T11:00:00-06:00"


def closed(desk: Desk, tmp: Path) -> str:
    """A ticket Ana opened by mail, resolved at 10:00 and closed at 11:00."""
    receive(desk, message(message_id="<open@health.ok.gov>"), tmp)
    (tid,) = ticket_ids(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fuser replaced.", now=RESOLVED_AT)
    desk.run("close", tid, now=LATER)
    return tid


# -- 1. a ticket opened from "the problem is back" takes the original subject ---------------


def test_a_related_ticket_from_a_reply_is_titled_by_the_original_subject(
        desk: Desk, tmp_path: Path) -> None:
    tid = closed(desk, tmp_path)
    title = desk.ticket(tid)["title"]
    for n, subject in enumerate([f"Re: [{tid}] Resolved: {title}", f"RE: AW: Resolved: {title}",
                                 f"Fwd: [{tid}] Re: Resolved: {title}"]):
        line = receive(desk, message(subject, body="It jams again.",
                                     message_id=f"<back{n}@health.ok.gov>",
                                     headers="In-Reply-To: <open@health.ok.gov>\n"),
                       tmp_path, now=f"2026-11-23T12:0{n}:00-06:00")
        assert f"related to {tid}" in line, line
        new = line.split(":")[0]
        assert desk.ticket(new)["title"] == title, subject
