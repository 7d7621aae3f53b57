"""A fast reader for ticket files in the layout sdesk writes, for the summary index.

Why: a cold index load parses every ticket file, and tomllib spends ~0.3 ms on a 1.5 KB ticket
(30 s of CPU at 100,000 tickets). sdesk's writer (tomlfmt) emits a small, regular subset of
TOML: one `key = value` per line, bare keys, `[table]` and `[[array]]` headers, strings without
escapes in the common case. This reader accepts exactly that subset, with nothing left to
interpretation, and raises `Unusual` on anything else (an escape, a comment, a quoted key, an
inline table, CRLF line ends...), in which case the caller parses the file with tomllib. So for
every file it accepts, it returns what tomllib.loads would; tests/test_index_fastread.py holds it
to that on generated, sample and hand-made files.
"""

from __future__ import annotations

import datetime as dt
import re

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~15 M instructions of `show`)
if TYPE_CHECKING:
    from typing import Any

_LINE = re.compile(r"([A-Za-z0-9_-]+) = (.+)")
_HEADER = re.compile(r"(\[\[?)([A-Za-z0-9_-]+)(\]\]?)")
# A basic string with nothing to unescape and no character TOML forbids raw.
_STRING = re.compile(r'"([^"\\\x00-\x1f\x7f]*)"')
_STRINGS = re.compile(r'\[(?:"[^"\\\x00-\x1f\x7f]*"(?:, "[^"\\\x00-\x1f\x7f]*")*)?\]')
_ITEM = re.compile(r'"([^"]*)"')
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})")
_RAW_FORBIDDEN = re.compile(r'["\\\x00-\x08\x0b-\x1f\x7f]')


class Unusual(Exception):
    """The text is outside the subset this reader vouches for: use tomllib."""


def loads(text: str) -> dict[str, Any]:
    if "\r" in text or text.startswith("\ufeff"):
        raise Unusual("CR or BOM")
    doc: dict[str, Any] = {}
    arrays: set[str] = set()  # names made by [[headers]], not by `key = [...]`
    table = doc
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if line[0] == "[":
            table = _open_table(doc, arrays, line)
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise Unusual(line)
        key, raw = match.groups()
        if key in table:
            raise Unusual("duplicate key")
        if raw == '"""':
            value, i = _multiline(lines, i)
        else:
            value = _value(raw)
        table[key] = value
    return doc


def _open_table(doc: dict[str, Any], arrays: set[str], line: str) -> dict[str, Any]:
    match = _HEADER.fullmatch(line)
    if match is None or len(match.group(1)) != len(match.group(3)):
        raise Unusual(line)
    name = match.group(2)
    table: dict[str, Any] = {}
    if match.group(1) == "[[":
        if name in doc and name not in arrays:
            raise Unusual(line)
        arrays.add(name)
        doc.setdefault(name, []).append(table)
    elif name in doc:
        raise Unusual(line)
    else:
        doc[name] = table
    return table


def _multiline(lines: list[str], i: int) -> tuple[str, int]:
    """A multi-line string opened by `key = \"\"\"` alone on its line; only bodies with no
    quote, backslash or forbidden control character."""
    body: list[str] = []
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.endswith('"""'):
            last = line[:-3]
            if _RAW_FORBIDDEN.search(last):
                raise Unusual("multi-line string end")
            body.append(last)
            return "\n".join(body), i
        if _RAW_FORBIDDEN.search(line):
            raise Unusual("multi-line string body")
        body.append(line)
    raise Unusual("unterminated multi-line string")


def _value(raw: str) -> Any:
    first = raw[0]
    if first == '"':
        match = _STRING.fullmatch(raw)
        if match is None:
            raise Unusual(raw)
        return match.group(1)
    if raw == "true":
        return True
    if raw == "false":
        return False
    if first == "[":
        if _STRINGS.fullmatch(raw) is None:
            raise Unusual(raw)
        return _ITEM.findall(raw)
    if _DATETIME.fullmatch(raw):
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            raise Unusual(raw) from None
    if _INT.fullmatch(raw):
        return int(raw)
    if _FLOAT.fullmatch(raw):
        return float(raw)
    raise Unusual(raw)
