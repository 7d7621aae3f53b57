"""`sdesk check`'s reading of a ticket file that does not load: every field's problem, each with
the line of the file that gives it.

Why: the loader (sdesk/core/ticketdoc.py) stops at the first bad field, which is right for a
command that needs the ticket, but a hand-edited file with `status = "bogus"` and `impact = 7`
then took two runs of `sdesk check` to fix, and the line named no line (issue 11, session 34).
Here the file is checked again and again, each bad field set aside (removed, or given a value
the schema takes when the field is required) until it loads; the loader's own messages are
kept, so `check` and every other command word a problem alike. Only a file that failed pays.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sdesk.core.errors import TicketFileError
from sdesk.core.ticketdoc import checked, document
from sdesk.store.check import Problem

MAX_PROBLEMS = 50  # a file that is not a ticket at all: the first fifty say enough
_KEY = re.compile(r"([A-Za-z_][\w-]*)(?:\[(\d+)\])?$")
# Values the schema takes for any required field, tried in turn for one set aside.
_STAND_INS: tuple[Any, ...] = (
    1, "new", "incident", "phone", "internal", "x", dt.datetime(2000, 1, 1, tzinfo=dt.UTC))


def every_problem(data: bytes, rel: str, first: Problem) -> list[Problem]:
    """Every field problem of ticket file `data` that failed to load with `first`, each with
    its line (sdesk/store/checkfields.py); [first] when the file is not UTF-8 text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [first]
    found = [Problem(rel, field, problem, line) for line, field, problem in
             field_problems(text, rel)]
    return found or [first]


def field_problems(text: str, where: str) -> list[tuple[int, str, str]]:
    """Every schema problem of ticket file text `text` (named `where` in the loader's
    messages) in the order of their lines (a missing key last), as (line, field, problem):
    line 1-based, 0 when the file does not say (a key it lacks); field as `status`,
    `requester.phone`, `journal[3].kind`. Broken TOML is one problem, as the loader words it
    (its line is in it). [] when the file loads."""
    try:
        doc = document(text, where)
    except TicketFileError as exc:
        return [(0, "", exc.message.removeprefix(f"{where}: "))]
    found: list[tuple[int, str, str]] = []
    seen: set[tuple[str | int, ...]] = set()
    for _ in range(4 * MAX_PROBLEMS):  # each turn sets a field aside or stands one in
        if len(found) >= MAX_PROBLEMS:
            break
        try:
            checked(doc, where)
            break
        except TicketFileError as exc:
            path, problem = _split(exc.message.removeprefix(f"{where}: "))
        if not path:  # the file as a whole: nothing to set aside
            found.append((0, "", problem))
            break
        if path in seen:  # reported, set aside, and still wanted: a required field
            if not _stand_in(doc, path, where):
                break
            continue
        seen.add(path)
        found.append((line_of(text, path), _dotted(path), problem))
        _set_aside(doc, path)
    return sorted(found, key=lambda p: (p[0] == 0, p[0]))  # the file's order; missing last


def _split(message: str) -> tuple[tuple[str | int, ...], str]:
    """A loader message 'journal[3]: kind: must be ...' as (("journal", 3, "kind"), "must
    be ..."): the leading words that are keys (followed by ': '), then the problem."""
    path: list[str | int] = []
    rest = message
    while True:
        head, sep, tail = rest.partition(": ")
        match = _KEY.match(head)
        if not sep or match is None:
            return tuple(path), rest
        path.append(match[1])
        if match[2] is not None:
            path.append(int(match[2]))
        rest = tail


def _dotted(path: tuple[str | int, ...]) -> str:
    """("journal", 3, "kind") as "journal[3].kind"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _holder(doc: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    """The table or array holding the last part of `path` in `doc`, or None."""
    holder: Any = doc
    for part in path[:-1]:
        try:
            holder = holder[part]
        except (KeyError, IndexError, TypeError):
            return None
    return holder


def _set_aside(doc: dict[str, Any], path: tuple[str | int, ...]) -> None:
    """Remove the value at `path` (an array's item becomes an empty table)."""
    holder, last = _holder(doc, path), path[-1]
    if isinstance(holder, dict) and isinstance(last, str):
        holder.pop(last, None)
    elif isinstance(holder, list) and isinstance(last, int) and last < len(holder):
        holder[last] = {}


def _stand_in(doc: dict[str, Any], path: tuple[str | int, ...], where: str) -> bool:
    """Give the required field at `path` (set aside already, so now "missing" or still
    wrong) the first stand-in the loader takes for it; False when none does."""
    holder, last = _holder(doc, path), path[-1]
    if not isinstance(holder, dict) or not isinstance(last, str):
        return False
    for value in _STAND_INS:
        holder[last] = value
        try:
            checked(doc, where)
            return True
        except TicketFileError as exc:
            if _split(exc.message.removeprefix(f"{where}: "))[0] != path:
                return True
    return False


_HEADER = re.compile(r"\s*(\[\[?)\s*([\w-]+)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"\s*\"?([\w-]+)\"?\s*=")


def line_of(text: str, path: tuple[str | int, ...]) -> int:
    """The 1-based line of TOML text `text` that gives `path` (("requester", "phone"),
    ("journal", 3, "kind")), or of its nearest enclosing key or table when the key itself is
    missing; 0 when none is there. Reads the layout sdesk writes and hand edits keep (one
    key a line, tables by headers); lines inside a multi-line string are not keys."""
    best, best_depth = 0, 0
    table: tuple[str | int, ...] = ()
    counts: dict[str, int] = {}
    quoted = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if quoted:
            if line.count(quoted) % 2:
                quoted = ""
            continue
        header = _HEADER.match(line)
        if header:
            name = header[2]
            if header[1] == "[[":
                counts[name] = counts.get(name, -1) + 1
                table = (name, counts[name])
            else:
                table = (name,)
            depth = _common(table, path)
            if depth == len(table) and depth > best_depth:
                best, best_depth = number, depth
            continue
        assign = _ASSIGN.match(line)
        if assign:
            key = (*table, assign[1])
            depth = _common(key, path)
            if depth == len(key) and depth > best_depth:
                best, best_depth = number, depth
            for mark in ('"""', "'''"):
                if line.count(mark) % 2:
                    quoted = mark
    return best


def _common(a: tuple[str | int, ...], b: tuple[str | int, ...]) -> int:
    """How many leading parts `a` and `b` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
