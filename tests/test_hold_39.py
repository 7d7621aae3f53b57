"""Session 39 (issue 11: nothing decided from data nobody committed; the standard's "clear
communication ... providing regular updates"): holds that ask the customer, uncommitted
sdesk.toml, backdated mail in a batch, a --now far ahead, a technician's reopen told to the
customer. Each drives the real CLI on a real git store in a temporary folder at fixed times;
each failed on the code before session 39."""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest

from tests.conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
T1 = "2026-11-23T10:00:00-06:00"
T2 = "2026-11-23T10:30:00-06:00"
T3 = "2026-11-23T11:00:00-06:00"
GINA = ("--email", "gina.marsh@doc.ok.gov", "--name", "Gina Marsh", "--agency", "OMES",
        "--service", "VPN")


def _fails(desk: Desk, *args: str, code: int, now: str | None = None,
           input: str | None = None) -> Any:
    """The command at `now`, which must fail with exit `code`."""
    result = desk.run(*args, ok=False, now=now, input=input)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    return result


def _incident(desk: Desk, title: str = "Docking station dead", now: str = T0) -> str:
    return desk.new("-T", title, *GINA, "-d", "The dock shows no lights", now=now)


def _message(sender: str, subject: str, body: str, mid: str) -> str:
    return (f"From: {sender}\nTo: servicedesk@omes.ok.gov\nSubject: {subject}\n"
            f"Message-ID: <{mid}@example.org>\nDate: Mon, 23 Nov 2026 15:00:00 -0600\n"
            f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n")


def _edit_config(desk: Desk, old: str, new: str) -> None:
    config = desk.root / "sdesk.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text, old
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


def _mails(desk: Desk) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for p in desk.outbox()]


def _body(msg: email.message.EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


REFUSED = ("sdesk: error: sdesk.toml has uncommitted changes, and a decision made from it "
           "cannot be reviewed in git until it is committed: commit it first (git commit "
           "sdesk.toml) or restore it (git checkout sdesk.toml); nothing written\n")


# 1. Every section of sdesk.toml counts ----------------------------------------------------

def test_mail_receive_with_an_uncommitted_mail_section_is_tried_again_later(desk: Desk) -> None:
    """[mail] reopen_days = 0, acknowledge = false, uncommitted, decided `mail receive` (a new
    ticket opened instead of the reopen, no acknowledgement): the mail server keeps the
    message (75), and once the file is restored the reply reopens the ticket."""
    tid = _incident(desk)
    desk.run("resolve", tid, "-c", "fixed", "-s", "Replaced the dock", now=T1)
    _edit_config(desk, "[mail]\n", "[mail]\nreopen_days = 0\nacknowledge = false\n")
    reply = _message("Gina Marsh <gina.marsh@doc.ok.gov>", f"RE: [{tid}] Resolved",
                     "The dock is dead again", "r1")
    before = desk.snapshot()
    result = _fails(desk, "mail", "receive", "-", input=reply, code=75, now=T2)
    assert result.stderr == REFUSED
    assert desk.snapshot() == before
    desk.git("checkout", "sdesk.toml")
    desk.run("mail", "receive", "-", input=reply, now=T2)
    assert desk.ticket(tid)["status"] != "resolved"


@pytest.mark.parametrize("args", [
    ["new", "-T", "Printer jams", "--email", "bo@omes.ok.gov"],
    ["hold", "{tid}", "--reason", "awaiting-vendor"],
    ["note", "{tid}", "Called Gina"],
])
def test_an_uncommitted_time_zone_stops_new_hold_and_note(desk: Desk, args: list[str]) -> None:
    """[store] timezone decides how --now is read and how every stamp is written (+09:00 for
    Asia/Tokyo): `new`, `hold` and `note` refuse with one line, nothing written."""
    tid = _incident(desk)
    _edit_config(desk, 'timezone = "America/Chicago"', 'timezone = "Asia/Tokyo"')
    before = desk.snapshot()
    result = _fails(desk, *[a.format(tid=tid) for a in args], code=1, now="2026-11-24T10:00")
    assert result.stderr == REFUSED
    assert desk.snapshot() == before
    desk.git("checkout", "sdesk.toml")
    desk.run(*[a.format(tid=tid) for a in args], now="2026-11-24T10:00")
