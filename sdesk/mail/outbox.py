"""Delivering outbox/ over SMTP (messages are written there by sdesk/mail/notify.py, in the commit of
the change that caused them).

Settings: sdesk.toml [mail] host, port, starttls, user, password; the environment
(SDESK_SMTP_HOST, SDESK_SMTP_PORT, SDESK_SMTP_USER, SDESK_SMTP_PASSWORD) overrides them, so a
password need never be committed. Each message is sent on its own: one that fails stays in the
outbox with the reason, the others are delivered and removed in one commit.

An outbox file is untrusted input (anyone who can push can commit one): the envelope is built
from the settings and the ticket, never from the file. The sender is [mail] from; the
recipients are the file's To addresses only when each is the ticket's requester or an address of
the reference data (a team, its supervisor or leads, a technician, the leads list); a message to
the customer may go to the requester only. A file with a header sdesk does not write (Cc, Bcc,
Sender, Reply-To...), another From, or a recipient outside that set is refused, by `sdesk check`
and by `sdesk outbox send` alike (`vet`).
"""

from __future__ import annotations

import os
import smtplib
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdesk.core.errors import SdeskError, TicketNotFound

if TYPE_CHECKING:
    from sdesk.core.reference import Reference
    from sdesk.store import Store

RECIPIENT_HEADERS = ("To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc")


@dataclass(frozen=True)
class Queued:
    path: Path
    ticket: str
    to: str
    subject: str
    audience: str
    date: str


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    starttls: bool
    user: str
    password: str
    timeout: float = 30.0

    @classmethod
    def from_config(cls, section: Mapping[str, Any], env: Mapping[str, str]) -> MailSettings:
        host = env.get("SDESK_SMTP_HOST") or str(section.get("host", "localhost"))
        port_text = env.get("SDESK_SMTP_PORT") or str(section.get("port", 25))
        try:
            port = int(port_text)
        except ValueError:
            raise SdeskError(f"mail port must be a whole number; got {port_text!r}") from None
        if not 0 < port < 65536:
            raise SdeskError(f"mail port must be 1-65535; got {port}")
        starttls = section.get("starttls", False)
        if not isinstance(starttls, bool):
            raise SdeskError(f"sdesk.toml: mail.starttls must be true or false; got {starttls!r}")
        return cls(host=host, port=port, starttls=starttls,
                   user=env.get("SDESK_SMTP_USER") or str(section.get("user", "")),
                   password=env.get("SDESK_SMTP_PASSWORD") or str(section.get("password", "")))


def queued(outbox: Path) -> list[Queued]:
    """The messages waiting in outbox/, oldest first (names start with a UTC time stamp)."""
    from sdesk.core.untrusted import check_inside, read_limited

    check_inside(outbox.parent, outbox)
    if not outbox.is_dir():
        return []
    parser = BytesParser(policy=policy.default)
    out: list[Queued] = []
    for path in sorted(outbox.glob("*.eml")):
        msg = parser.parsebytes(read_limited(outbox.parent, path), headersonly=True)
        out.append(Queued(path, _header(msg, "X-Sdesk-Ticket"), all_recipients(msg),
                          _header(msg, "Subject"), _header(msg, "X-Sdesk-Audience"),
                          _header(msg, "Date")))
    return out


def _header(msg: Any, name: str) -> str:
    try:
        return " ".join(str(msg.get(name, "")).split())
    except (ValueError, IndexError, TypeError, AttributeError):  # a header email cannot parse
        return "(unreadable)"


def all_recipients(msg: Any) -> str:
    """Every recipient header of a message, so `outbox list` hides none: "a@x, Bcc: b@y"."""
    parts = []
    for name in RECIPIENT_HEADERS:
        try:
            values = [str(v) for v in msg.get_all(name, [])]
        except (ValueError, IndexError, TypeError, AttributeError):
            values = ["(unreadable)"]
        for value in values:
            text = " ".join(value.split())
            if text:
                parts.append(text if name == "To" else f"{name}: {text}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Vetted:
    """An outbox file judged against what sdesk writes: the envelope recipients it may go to,
    or the problems (header, message) that refuse it."""

    ticket: str
    recipients: tuple[str, ...]
    problems: tuple[tuple[str, str], ...]
    unreadable: bool = False  # the ticket's file exists but is broken (check reports it once)


# requester_of's answer for a ticket whose file exists but cannot be read (NUL: no address)
UNREADABLE = "\x00unreadable"


def desk_addresses(reference: Reference) -> set[str]:
    """The staff addresses of the reference data (lower case): teams, their supervisors and
    leads, technicians, the leads list."""
    out = {reference.leads_email}
    for team in reference.teams.values():
        out |= {team.email, team.supervisor, team.leads}
    out |= {tech.email for tech in reference.technicians.values()}
    return {a.strip().lower() for a in out if a}


def vet(data: bytes, sender: str, desk: set[str],
        requester_of: Callable[[str], str | None]) -> Vetted:
    """Judge one outbox file. `sender` is the desk's From ([mail] from), `desk` the staff
    addresses, `requester_of(ticket id)` the ticket's requester e-mail ("" when none), None
    when there is no such ticket or UNREADABLE when its file is broken (the message is held,
    its recipients unchecked: who the requester is cannot be known)."""
    from sdesk.mail.notify import AUDIENCES, HEADERS, check_address

    problems: list[tuple[str, str]] = []
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
        names = [name.lower() for name in msg]
    except Exception as exc:  # the email package raises many kinds on hostile input
        return Vetted("", (), (("", f"does not parse as a message: {exc}"),))
    for name in sorted(set(names)):
        if name not in HEADERS:
            problems.append((name.title(), "sdesk never writes this header; refused"))
        elif names.count(name) > 1:
            problems.append((name.title(), "appears more than once"))
    for name in ("From", "To", "Subject", "X-Sdesk-Ticket"):
        if not _header(msg, name):
            problems.append((name, "missing header"))
    given = _header(msg, "From")
    if given and given.lower() != sender.lower():
        problems.append(("From", f"{given!r} is not the desk's sender {sender!r} "
                                 "([mail] from in sdesk.toml)"))
    ticket = _header(msg, "X-Sdesk-Ticket")
    requester = requester_of(ticket) if ticket else ""
    if ticket and requester is None:
        problems.append(("X-Sdesk-Ticket", f"no ticket {ticket}"))
    if requester == UNREADABLE:
        problems.append(("X-Sdesk-Ticket", f"ticket {ticket} cannot be read (its file is "
                                           "broken: sdesk check)"))
        return Vetted(ticket, (), tuple(problems), unreadable=True)
    audience = _header(msg, "X-Sdesk-Audience") or "staff"
    if audience not in AUDIENCES:
        problems.append(("X-Sdesk-Audience", f"must be one of {', '.join(AUDIENCES)}"))
    allowed = {requester.lower()} if requester else set()
    if audience != "customer":
        allowed |= desk
    recipients: list[str] = []
    for raw in _header(msg, "To").split(","):
        if not raw.strip():
            continue
        try:
            address = check_address(raw).lower()
        except SdeskError as exc:
            problems.append(("To", exc.message))
            continue
        if address not in allowed:
            whom = "the ticket's requester" if audience == "customer" else \
                "the ticket's requester or a staff address of the reference data"
            problems.append(("To", f"{address} is not {whom}; refused"))
        recipients.append(address)
    if msg.defects:
        problems.append(("", f"malformed message: {msg.defects[0]!r}"))
    return Vetted(ticket, tuple(recipients), tuple(problems))


def vetter(store: Store) -> Callable[[bytes], Vetted]:
    """`vet` with this store's sender, reference data and tickets."""
    from sdesk.core import ids
    from sdesk.mail.notify import sender

    desk_from = sender(store.settings("mail"))
    desk = desk_addresses(store.reference)

    def requester_of(ticket_id: str) -> str | None:
        if not ids.is_valid(ticket_id):
            return None
        try:
            return store.load(ticket_id).requester.email
        except TicketNotFound:
            return None
        except SdeskError:  # the file is there but broken
            return UNREADABLE

    return lambda data: vet(data, desk_from, desk, requester_of)


def send_all(messages: Mapping[Path, tuple[str, ...]], settings: MailSettings,
             sender: str) -> tuple[list[Path], dict[Path, str]]:
    """Deliver each message (path -> the vetted recipients) with the envelope sender `sender`
    and those recipients only, whatever the file's headers say; returns (delivered, failed
    path -> why). A server that cannot be reached fails every message with the same reason."""
    delivered: list[Path] = []
    failed: dict[Path, str] = {}
    paths = list(messages)
    if not paths:
        return delivered, failed
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        why = f"cannot reach {settings.host}:{settings.port}: {_why(exc)}"
        return delivered, dict.fromkeys(paths, why)
    try:
        try:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, settings.password)
        except (OSError, smtplib.SMTPException) as exc:
            return delivered, dict.fromkeys(paths, f"{settings.host}: {_why(exc)}")
        from sdesk.core.untrusted import read_limited

        parser = BytesParser(policy=policy.SMTP)
        for path in paths:
            try:
                msg = parser.parsebytes(read_limited(path.parent.parent, path))
                refused = smtp.send_message(msg, from_addr=sender,
                                            to_addrs=list(messages[path]))
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                failed[path] = _why(exc)
                continue
            if refused:
                failed[path] = "refused: " + ", ".join(
                    f"{who} ({code} {text.decode(errors='replace')})"
                    for who, (code, text) in refused.items())
            else:
                delivered.append(path)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return delivered, failed


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        raw = exc.smtp_error
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        return f"{exc.smtp_code} {' '.join(text.split())}"
    if isinstance(exc, socket.timeout):
        return "timed out"
    return " ".join(str(exc).split()) or type(exc).__name__


def settings_for(section: Mapping[str, Any]) -> MailSettings:
    return MailSettings.from_config(section, os.environ)
