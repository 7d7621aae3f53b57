"""A small TOML writer for sdesk's own files.

Why not tomli-w for tickets: tomli-w 1.2 turns "\\r\\n" into "\\n" inside multi-line strings (text
would not round-trip), and its layout is not ours to fix. Ticket files need one stable layout:
one field per line, long text as multi-line strings, tables in a fixed order. The schema is small
(strings, numbers, booleans, datetimes, string lists, tables, arrays of tables), so a writer of
that subset is short and exact; tomllib reads it back.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# Control characters other than tab and newline must be escaped in TOML strings; so must DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A string holding none of these is written as it is, between quotes, on either path of
# `format_string` (most of a ticket's strings: ids, names, timestamps' neighbours, short text).
_ESCAPED = re.compile(r'[\\"\n\t\x00-\x08\x0b-\x1f\x7f]')
_KEYS: dict[str, str] = {}  # key -> as written: a ticket file has a few dozen kinds of keys


def _escape_control(match: re.Match[str]) -> str:
    char = match.group(0)
    return {"\r": "\\r", "\b": "\\b", "\f": "\\f"}.get(char, f"\\u{ord(char):04x}")


def format_key(key: str) -> str:
    found = _KEYS.get(key)
    if found is None:
        found = key if _BARE_KEY.match(key) else format_string(key, multiline=False)
        if len(_KEYS) < 1024:
            _KEYS[key] = found
    return found


def format_string(value: str, multiline: bool = True) -> str:
    if _ESCAPED.search(value) is None:
        return '"' + value + '"'
    if multiline and "\n" in value:
        body = value.replace("\\", "\\\\")
        # Escape a quote that starts a pair (so no run of three quotes appears) or ends the
        # text (it would merge with the closing delimiter).
        body = re.sub(r'"(?="|$)', r'\\"', body)
        body = _CONTROL.sub(_escape_control, body)
        return '"""\n' + body + '"""'
    body = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + _CONTROL.sub(_escape_control, body) + '"'


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot store the number {value} in a ticket file")
        return repr(value)
    if isinstance(value, str):
        return format_string(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Sequence):
        return "[" + ", ".join(format_inline(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return format_inline(value)
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def format_inline(value: Any) -> str:
    if isinstance(value, str):
        return format_string(value, multiline=False)
    if isinstance(value, Mapping):
        items = ", ".join(f"{format_key(k)} = {format_inline(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    return format_value(value)


def dumps(document: Mapping[str, Any]) -> str:
    """Write a document whose values are scalars, lists of scalars, tables (Mapping) or arrays
    of tables (list of Mapping). Keys keep the order given; None values are left out."""
    lines: list[str] = []
    _write_table(lines, document, prefix="")
    return "\n".join(lines).strip("\n") + "\n"


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)
    )


def _write_table(lines: list[str], table: Mapping[str, Any], prefix: str) -> None:
    nested: list[tuple[str, Any]] = []
    for key, value in table.items():
        if value is None:
            continue
        if isinstance(value, Mapping) or _is_table_array(value):
            nested.append((key, value))
        else:
            lines.append(f"{format_key(key)} = {format_value(value)}")
    for key, value in nested:
        name = prefix + format_key(key)
        if isinstance(value, Mapping):
            lines.append("")
            lines.append(f"[{name}]")
            _write_table(lines, value, prefix=name + ".")
        else:
            for item in value:
                lines.append("")
                lines.append(f"[[{name}]]")
                _write_table(lines, item, prefix=name + ".")
