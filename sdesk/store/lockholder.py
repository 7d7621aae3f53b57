"""Who holds the store lock, as one line a dispatcher reads (docs/triage.md, "Correcting a
ticket", Session 37): the lock file (.git/sdesk/lock) holds `{"pid": ..., "command": ...,
"since": ...}` while a writing command runs (Store.lock writes it)."""

from __future__ import annotations

import datetime as dt
import json


def holder(raw: str) -> str:
    """The holder the lock file's text `raw` names: "sdesk triage (pid 4242, since 2026-12-03
    08:00:12 UTC)", each part said only when the file gives it; "another sdesk command" when
    it names none (an empty or foreign file). Control characters and long text from the file
    are not echoed: the file is under .git/, but any process could have written it."""
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        text = "".join(c if c.isprintable() else " " for c in raw).strip()
        return f"another sdesk command ({text[:80]})" if text else "another sdesk command"
    command = _printable(data.get("command"))
    parts = [f"pid {data['pid']}"] if isinstance(data.get("pid"), int) else []
    since = _since(data.get("since"))
    if since:
        parts.append(f"since {since}")
    who = f"sdesk {command}" if command else "another sdesk command"
    return f"{who} ({', '.join(parts)})" if parts else who


def _printable(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return "".join(c if c.isprintable() else " " for c in value).strip()[:80]


def _since(value: object) -> str:
    """The holder's start as "2026-12-03 08:00:12 UTC" ("" when missing or unreadable)."""
    if not isinstance(value, str):
        return ""
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return f"{when:%Y-%m-%d %H:%M:%S} UTC"


def timeout_line(raw: str, waited: float) -> str:
    """The one line a command that gave up waiting for the lock prints: who holds it, how long
    this one waited, and what to do."""
    return (f"store is locked by {holder(raw)}; gave up after {waited:g} s: run this again "
            "when it has finished, or wait longer with SDESK_LOCK_TIMEOUT=SECONDS")
