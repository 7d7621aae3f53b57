"""Delivering outbox/ over SMTP (messages are written there by sdesk/notify.py, in the commit of
the change that caused them).

Settings: sdesk.toml [mail] host, port, starttls, user, password; the environment
(SDESK_SMTP_HOST, SDESK_SMTP_PORT, SDESK_SMTP_USER, SDESK_SMTP_PASSWORD) overrides them, so a
password need never be committed. Each message is sent on its own: one that fails stays in the
outbox with the reason, the others are delivered and removed in one commit.
"""

from __future__ import annotations

import os
import smtplib
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from sdesk.errors import SdeskError


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
    if not outbox.is_dir():
        return []
    parser = BytesParser(policy=policy.default)
    out: list[Queued] = []
    for path in sorted(outbox.glob("*.eml")):
        with open(path, "rb") as handle:
            msg = parser.parse(handle, headersonly=True)
        out.append(Queued(path, str(msg.get("X-Sdesk-Ticket", "")), str(msg.get("To", "")),
                          str(msg.get("Subject", "")), str(msg.get("X-Sdesk-Audience", "")),
                          str(msg.get("Date", ""))))
    return out


def send_all(paths: list[Path], settings: MailSettings) -> tuple[list[Path], dict[Path, str]]:
    """Deliver each message; returns (delivered, failed path -> why). A server that cannot be
    reached fails every message with the same reason."""
    delivered: list[Path] = []
    failed: dict[Path, str] = {}
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
        parser = BytesParser(policy=policy.SMTP)
        for path in paths:
            try:
                msg = parser.parsebytes(path.read_bytes())
                refused = smtp.send_message(msg)
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
