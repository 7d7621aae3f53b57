"""sdesk.toml, read and validated in one place.

Every key sdesk knows is a row of `KEYS`: its section, name, default and the check that turns
the written value into the value sdesk uses. `load_settings` checks the whole file once; the
first bad key stops the command with one line naming it (`sdesk.toml: resolve.
first_contact_minutes must be a number of business minutes >= 0; got 'sixty'`), and
`sdesk check` lists every bad key (`problems`). Commands read settings only through
`Store.settings(section)` / `Store.setting(section, key)`, which hand back checked values with
the defaults filled in. A key sdesk does not know is not an error when loading (another
version may know it) but `check` reports it, since it is most often a typo.

To add a setting: add a `Key` row here (and a line in docs/configuration.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sdesk.core.errors import SdeskError
from sdesk.core.record import record

CONFIG_NAME = "sdesk.toml"


class SettingError(SdeskError):
    """One bad key in sdesk.toml; the message names it."""


@record(frozen=True)
class Key:
    """One sdesk.toml key: `parse` returns the value sdesk uses or raises ValueError with
    what the key must be (`a whole number >= 2`)."""

    section: str
    name: str
    default: Any
    parse: Callable[[Any], Any]


def _number(low: float, high: float | None = None, *, low_open: bool = False,
            what: str = "a number") -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        ok = not isinstance(value, bool) and isinstance(value, int | float) and value == value
        if ok:
            ok = (value > low if low_open else value >= low) and (high is None or value <= high)
        if not ok:
            bound = f"in ({low:g}, {high:g}]" if high is not None else (
                f"> {low:g}" if low_open else f">= {low:g}")
            raise ValueError(f"must be {what} {bound}")
        return float(value)
    return parse


def _whole(low: int, high: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (
                high is not None and value > high):
            raise ValueError(f"must be a whole number {low}-{high}" if high is not None
                             else f"must be a whole number >= {low}")
        return value
    return parse


def _text(*, required: bool = False) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        if required and not value.strip():
            raise ValueError("must not be empty")
        if any(ord(c) < 32 for c in value):
            raise ValueError("must be one line without control characters")
        return value
    return parse


def _levels(value: Any) -> int:
    if isinstance(value, bool) or value not in (2, 3):
        raise ValueError("must be 2 or 3 (the ticket folder layout; change it with "
                         "`sdesk migrate-folders`, which moves the files)")
    return int(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _zone(value: Any) -> ZoneInfo:
    try:
        return ZoneInfo(_text(required=True)(value))
    except (KeyError, ValueError, OSError):
        raise ValueError("must be an IANA time zone such as \"America/Chicago\"") from None


def _prefix(value: Any) -> str:
    from sdesk.core import ids

    text = _text(required=True)(value)
    if not ids.is_valid(f"{text}-{'0' * ids.BODY_CHARS}"):
        raise ValueError("must be 2-8 capital letters A-Z (it starts every ticket ID and file name)")
    return text


# the same plain-address rule as sdesk/mail/notify.py uses for every address it writes
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def _address(value: Any) -> str:
    text = _text(required=True)(value).strip()
    if not _ADDRESS.match(text):
        raise ValueError("must be a plain e-mail address such as servicedesk@example.org")
    return text


# The KPI tiles of `sdesk report` that may have a target ([kpi] targets, docs/report.md).
TARGET_KEYS = ("fcr_pct", "csat_top2_pct", "csat_response_pct", "sla_respond_pct",
               "sla_resolve_pct", "ttr_bh_mean", "reopen_pct", "reassign_mean", "escalation_pct")


def _targets(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of numbers, one per KPI tile")
    out: dict[str, float] = {}
    for key, number in value.items():
        if key not in TARGET_KEYS:
            raise ValueError(f"names {key!r}, which is not a KPI tile (one of {', '.join(TARGET_KEYS)})")
        if isinstance(number, bool) or not isinstance(number, int | float) or number != number:
            raise ValueError(f"must hold numbers; {key} is {_shown(number)}")
        out[key] = float(number)
    return out


def _addresses(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError("must be a list of e-mail addresses")
    return tuple(_address(v) for v in value)


def _ticket_type(value: Any) -> str:
    if value not in ("incident", "request"):
        raise ValueError('must be "incident" or "request"')
    return str(value)


def _no_password(value: Any) -> str:
    if value != "":
        raise ValueError("is not read: passwords never go in the store; use password_env or "
                         "password_command")
    return ""


KEYS: tuple[Key, ...] = (
    Key("store", "name", "", _text()),
    Key("store", "timezone", "America/Chicago", _zone),
    Key("store", "folder_levels", 2, _levels),
    Key("ids", "incident", "INC", _prefix),
    Key("ids", "request", "REQ", _prefix),
    Key("ids", "case", "CASE", _prefix),
    Key("ids", "task", "TASK", _prefix),
    Key("mail", "from", "sdesk@localhost", _address),
    Key("mail", "host", "localhost", _text(required=True)),
    Key("mail", "port", 25, _whole(1, 65535)),
    Key("mail", "starttls", False, _flag),
    Key("mail", "user", "", _text()),
    Key("mail", "password", "", _text()),
    # Incoming mail (docs/email.md, sdesk/mail/mailin.py and sdesk/mail/mailfetch.py).
    Key("mail", "addresses", [], _addresses),
    Key("mail", "acknowledge", True, _flag),
    Key("mail", "reopen_days", 14.0, _number(0, 3650, what="a number of days")),
    Key("mail", "attachment_max_bytes", 10 * 1024 * 1024, _whole(1)),
    Key("mail", "ticket_type", "incident", _ticket_type),
    Key("mail.maildir", "path", "", _text()),
    Key("mail.maildir", "taken", "", _text()),
    Key("mail.maildir", "refused", "", _text()),
    Key("mail.imap", "host", "", _text()),
    Key("mail.imap", "port", 993, _whole(1, 65535)),
    Key("mail.imap", "user", "", _text()),
    Key("mail.imap", "folder", "INBOX", _text(required=True)),
    Key("mail.imap", "password_env", "SDESK_IMAP_PASSWORD", _text()),
    Key("mail.imap", "password_command", "", _text()),
    Key("mail.imap", "password", "", _no_password),
    Key("mail.imap", "ca_file", "", _text()),
    Key("mail.imap", "taken", "", _text()),
    Key("mail.imap", "refused", "", _text()),
    Key("triage", "similarity", 0.02, _number(0, 1, low_open=True)),
    Key("triage", "trend_requesters", 3, _whole(2)),
    Key("triage", "trend_window_hours", 24.0, _number(0, low_open=True, what="a number of hours")),
    Key("triage", "trend_similarity", 0.05, _number(0, 1, low_open=True)),
    Key("triage", "trend_join", 0.1, _number(0, 1, low_open=True)),
    Key("triage", "trend_unshared", 0.2, _number(0, 1, low_open=True)),
    Key("triage", "auto_duplicate", 1.0, _number(0, 1, low_open=True)),
    Key("triage", "auto_trend", 0.8, _number(0, 1, low_open=True)),
    Key("triage", "automatic_duplicates", False, _flag),
    Key("triage", "automatic_trends", False, _flag),
    Key("triage", "priority_trend", 0.2, _number(0, 1, low_open=True)),
    Key("triage", "chart_priority", True, _flag),
    Key("resolve", "first_contact_minutes", 60.0,
        _number(0, what="a number of business minutes")),
    Key("kpi", "targets", {}, _targets),
    # how often the customer is owed an update, by priority (session 40; was one update_days)
    Key("sweep", "update_hours_p1", 2.0,
        _number(0, 1000, low_open=True, what="a number of clock hours")),
    Key("sweep", "update_days_p2", 1, _whole(1, 365)),
    Key("sweep", "update_days_p3", 2, _whole(1, 365)),
    Key("sweep", "update_days_p4", 3, _whole(1, 365)),
    Key("sweep", "close_after_days", 5, _whole(1, 365)),
    Key("sweep", "unowned_hours", 2.0,
        _number(0, 1000, low_open=True, what="a number of hours of the ticket's SLA clock")),
    Key("sweep", "escalate_percent", 150.0,
        _number(100, 10000, low_open=True, what="a per cent of the SLA target")),
)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# Machine settings (session 40): a key that runs a command, names a host that receives a
# credential (or how it is sent) or names a path outside the store is read only from the
# machine's own file, .git/sdesk.local.toml (sdesk/core/machine.py), never from sdesk.toml,
# which anyone who can push writes (docs/collaboration.md, "Trust model and invariants").
MACHINE_SECTIONS = ("mail.maildir", "mail.imap")
MACHINE_MAIL_KEYS = ("host", "port", "starttls", "user", "password")


def is_machine(section: str, name: str) -> bool:
    """True for a key read only from the machine (.git/sdesk.local.toml), never sdesk.toml."""
    return section in MACHINE_SECTIONS or (section == "mail" and name in MACHINE_MAIL_KEYS)


@record(frozen=True)
class Settings:
    """The checked settings: `sections[section][key]` holds the value sdesk uses (defaults
    filled in; the time zone as a ZoneInfo); `unknown` lists keys sdesk does not know;
    `machine` the machine-only keys ("mail.imap.host") sdesk.toml carries but sdesk no longer
    reads from it (their defaults are used; the mail commands refuse while any is there)."""

    sections: Mapping[str, Mapping[str, Any]]
    unknown: tuple[str, ...] = ()
    machine: tuple[str, ...] = ()

    def section(self, name: str) -> dict[str, Any]:
        """A copy of one section's checked values (an empty dict for an unknown section)."""
        return dict(self.sections.get(name, {}))

    def get(self, section: str, key: str) -> Any:
        """One checked value; KeyError for a key not in KEYS."""
        return self.sections[section][key]


def parse_settings(raw: Mapping[str, Any], *, machine: bool = False,
                   name: str = CONFIG_NAME) -> tuple[Settings, list[str]]:
    """Check parsed sdesk.toml data: (settings, one message per bad key). A bad key keeps
    its default in the returned settings so `check` can go on; callers that act on the
    settings use `load_settings`, which refuses them. A machine-only key (`is_machine`) is
    never taken from sdesk.toml: its default is used and its name listed in `machine`.
    `machine=True` reads the machine's file instead (`name` names it in messages): only
    machine keys are read there, any other key is listed in `unknown`."""
    errors: list[str] = []
    sections: dict[str, dict[str, Any]] = {}
    found_machine: list[str] = []
    known = {(k.section, k.name) for k in KEYS if not machine or is_machine(k.section, k.name)}
    for section in {k.section for k in KEYS}:
        if section in raw and not isinstance(raw[section], dict):
            errors.append(f"{name}: [{section}] must be a table")
    for key in KEYS:
        table = _table(raw, key.section)
        given = table.get(key.name, key.default) if isinstance(table, dict) else key.default
        if is_machine(key.section, key.name) != machine:
            if not machine and isinstance(table, dict) and key.name in table:
                found_machine.append(f"{key.section}.{key.name}")
            given = key.default
        try:
            value = key.parse(given)
        except ValueError as exc:
            errors.append(f"{name}: {key.section}.{key.name} {exc}; got {_shown(given)}")
            value = key.parse(key.default)
        sections.setdefault(key.section, {})[key.name] = value
    seen: dict[str, str] = {}
    for ticket_type, prefix in sections["ids"].items():
        if prefix in seen:
            errors.append(f"{name}: ids.{ticket_type} must differ from ids.{seen[prefix]} "
                          f"(each type needs its own prefix); got {prefix!r}")
        seen.setdefault(prefix, ticket_type)
    unknown: list[str] = []
    _find_unknown(raw, "", known, sections, unknown)
    return Settings(sections, tuple(unknown), tuple(found_machine)), errors


def _table(raw: Mapping[str, Any], section: str) -> Any:
    """The table of a section; a dotted name ("mail.imap") is a sub-table."""
    table: Any = raw
    for part in section.split("."):
        table = table.get(part) if isinstance(table, dict) else None
    return table


def _find_unknown(raw: Mapping[str, Any], prefix: str, known: set[tuple[str, str]],
                  sections: dict[str, dict[str, Any]], unknown: list[str]) -> None:
    for name, table in raw.items():
        section = f"{prefix}{name}"
        if not isinstance(table, dict):
            if section not in sections:
                unknown.append(section)
            continue
        for key_name, value in table.items():
            if isinstance(value, dict) and f"{section}.{key_name}" in sections:
                _find_unknown({key_name: value}, f"{section}.", known, sections, unknown)
            elif (section, key_name) not in known:
                unknown.append(f"{section}.{key_name}")
                sections.setdefault(section, {})[key_name] = value


def read_raw(path: Path) -> dict[str, Any]:
    """sdesk.toml parsed as TOML; SettingError naming the file for broken TOML."""
    from sdesk.core.untrusted import read_limited, toml_loads

    try:
        # Untrusted input: never through a link, at most 1 MiB, nesting limited.
        return toml_loads(read_limited(path.parent, path).decode("utf-8"), str(path))
    except UnicodeDecodeError:
        raise SettingError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise SettingError(f"{path}: cannot read: {exc.strerror}") from None
    except SettingError:
        raise
    except SdeskError as exc:  # a link, too big, broken or too deeply nested TOML
        raise SettingError(exc.message) from None


def load_settings(path: Path) -> Settings:
    """Read and check sdesk.toml; SettingError (one line naming the key) for the first bad key."""
    settings, errors = parse_settings(read_raw(path))
    if errors:
        raise SettingError(errors[0])
    return settings


def problems(path: Path) -> list[str]:
    """Every bad or unknown key in sdesk.toml, one message each (for `sdesk check`)."""
    from sdesk.core.machine import moved

    try:
        settings, errors = parse_settings(read_raw(path))
    except SettingError as exc:
        return [exc.message]
    return errors + [moved(name) for name in settings.machine] + [
        f"{CONFIG_NAME}: {name} " + (RETIRED.get(name) or "is not a setting sdesk knows "
                                     "(a typo? docs/configuration.md)")
        for name in settings.unknown]


# Keys sdesk once read, and what replaced them: `check` says so rather than "a typo?".
RETIRED = {"sweep.update_days": "is read no more: the update cadence is by priority since "
                                "session 40 (update_hours_p1, update_days_p2 .. update_days_p4; "
                                "docs/sweep.md)"}
