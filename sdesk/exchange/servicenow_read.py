"""Reading a ServiceNow export (CSV) row by row: strict CSV, delimiter detection, day-first dates,
and rows kept compactly, so memory does not grow with the size of the cells.

The file is read as a stream (never whole): `read_export` yields one `Row` or `BadRow` per CSV
record. A malformed quote (a stray `"` that opens a field and swallows the lines after it, or a
quote in the middle of a quoted field) refuses the whole file with one line naming the line
where the quote opened: nothing is imported from a file we cannot read exactly. A row whose data
is wrong (no number, a date that is not a date, a wrong number of fields on one line) is a bad
row: reported with its line and skipped.

Cells are interned (an event log repeats the same states, groups and dates on every row) and a
row keeps its cells as a tuple in header order; the rows an incident has superseded keep only
the columns its history needs (`HISTORY`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from sdesk.core.errors import ValidationError

MISSING = ("", "?", "null", "NULL")
DATE_COLUMNS = ("opened_at", "sys_updated_at", "resolved_at", "closed_at")
# What an incident's earlier rows are read for: its journal, holds, hops and first assignment.
HISTORY = ("number", "incident_state", "assignment_group", "assigned_to", "sys_updated_by",
           "sys_mod_count")
DELIMITERS = (",", ";", "\t", "|")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
# A field longer than this is taken for a stray quote that swallowed the lines after it.
_FIELD_LIMIT = 1 << 20
# Entries of the date and cell caches before they start again (repeats are mostly close).
_CACHE_LIMIT = 20_000


@dataclass(frozen=True)
class BadRow:
    line: int
    problem: str


class Layout:
    """The header of one file: column name -> position."""

    def __init__(self, header: list[str]) -> None:
        self.header = tuple(header)
        self.pos = {name: i for i, name in enumerate(header)}
        self.history = tuple(self.pos[c] for c in HISTORY if c in self.pos)
        self.history_layout: Layout | None = None


class Row:
    """One CSV row: its line, its cells in header order, and its parsed dates (a tuple in
    DATE_COLUMNS order: a dict per row would cost more than the row)."""

    __slots__ = ("cells", "layout", "line", "stamps")

    def __init__(self, line: int, cells: tuple[str, ...], layout: Layout,
                 stamps: tuple[dt.datetime | None, ...]) -> None:
        self.line, self.cells, self.layout, self.stamps = line, cells, layout, stamps

    @property
    def values(self) -> dict[str, str]:
        """Column -> raw value (built on demand; only an incident's last row is asked)."""
        return dict(zip(self.layout.header, self.cells, strict=True))

    @property
    def dates(self) -> dict[str, dt.datetime | None]:
        """Date column -> parsed value (None when missing or not in the file)."""
        return dict(zip(DATE_COLUMNS, self.stamps, strict=True))

    @dates.setter
    def dates(self, value: dict[str, dt.datetime | None]) -> None:
        self.stamps = tuple(value.get(c) for c in DATE_COLUMNS)

    def get(self, column: str) -> str:
        """The stripped value of `column`; "" when missing (`?`, `null`, empty, no column)."""
        i = self.layout.pos.get(column)
        value = "" if i is None else self.cells[i].strip()
        return "" if value in MISSING else value

    @property
    def when(self) -> dt.datetime:
        moment = self.stamps[1] or self.stamps[0]
        assert moment is not None
        return moment

    def slim(self) -> None:
        """Keep only the columns an earlier row of an incident is read for (HISTORY)."""
        lay = self.layout
        if lay.history_layout is None:
            lay.history_layout = Layout([lay.header[i] for i in lay.history])
            lay.history_layout.history_layout = lay.history_layout
        if self.layout is not lay.history_layout:
            self.cells = tuple(self.cells[i] for i in lay.history)
            self.layout = lay.history_layout
            self.stamps = (*self.stamps[:2], None, None)


def is_ambiguous(moment: dt.datetime) -> bool:
    """True for a local time that happens twice (the repeated hour when clocks go back)."""
    return moment.replace(fold=1).utcoffset() != moment.replace(fold=0).utcoffset()


class Dates:
    """Day-first ServiceNow dates (29/2/2016 01:16) or ISO, in the store's time zone. An event
    log repeats the same minutes many times over, so parsed values are cached. A time in the
    repeated hour of a fall-back change is returned as its first reading (fold 0); the mapping
    picks the reading that keeps an incident's events in order (sdesk/exchange/servicenow.py)."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self.tz = tz
        self.cache: dict[str, dt.datetime] = {}

    def parse(self, text: str) -> dt.datetime | None:
        text = text.strip()
        if text in MISSING:
            return None
        found = self.cache.get(text)
        if found is None:
            found = self._parse(text)
            if len(self.cache) >= _CACHE_LIMIT:  # bounded: memory must not grow with the file
                self.cache.clear()
            self.cache[text] = found
        return found

    def _parse(self, text: str) -> dt.datetime:
        m = _DAY_FIRST.match(text)
        try:
            if m:
                day, month, year, hour, minute, second = m.groups()
                return dt.datetime(int(year), int(month), int(day), int(hour), int(minute),
                                   int(second or 0), tzinfo=self.tz)
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date: {text!r} (expected day/month/year hour:minute)") from None
        return (value if value.tzinfo else value.replace(tzinfo=self.tz)).replace(microsecond=0)


def detect_delimiter(first_line: str, name: str) -> str:
    """The delimiter that makes a header with a `number` column: `,`, `;`, tab or `|`."""
    for delimiter in DELIMITERS:
        cells = [c.strip().strip('"').strip().lower().lstrip("\ufeff")
                 for c in first_line.rstrip("\r\n").split(delimiter)]
        if "number" in cells:
            return delimiter
    return ","


class _Lines:
    """The file's lines decoded one by one, counted (csv.reader's line_num counts records),
    with the byte offset for a message about bytes that are not UTF-8."""

    def __init__(self, handle: IO[bytes], name: str) -> None:
        self.handle, self.name, self.line, self.offset = handle, name, 0, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        data = next(self.handle)
        if self.line == 0 and data.startswith(b"\xef\xbb\xbf"):
            data, self.offset = data[3:], 3
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"{self.name}: line {self.line + 1}: not UTF-8 text (byte "
                                  f"{self.offset + exc.start}); save the export as UTF-8 CSV"
                                  ) from None
        self.line += 1
        self.offset += len(data)
        return text


def read_export(handle: IO[bytes], name: str, dates: Dates) -> Iterator[Row | BadRow]:
    """Every CSV record of an export open for binary reading, as a Row or a BadRow, in file
    order. ValidationError (one line) for a file that cannot be read exactly: empty, no
    `number`/`opened_at` column, not UTF-8, or a quote that does not close where its row
    should end (the message names the line where it opened)."""
    lines = _Lines(handle, name)
    try:
        first = next(lines)
    except StopIteration:
        raise ValidationError(f"{name}: the file is empty") from None
    delimiter = detect_delimiter(first, name)
    reader = csv.reader(_chain(first, lines), delimiter=delimiter, strict=True)
    csv.field_size_limit(_FIELD_LIMIT)
    try:
        header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
    except csv.Error as exc:
        raise ValidationError(f"{name}: line 1: {exc}") from None
    for needed in ("number", "opened_at"):
        if needed not in header:
            shown = ", ".join(header[:12]) + (" ..." if len(header) > 12 else "")
            hint = "" if len(header) > 1 else (
                "; the header is one column: is the file separated by something other than "
                "commas, semicolons, tabs or |?")
            raise ValidationError(f"{name}: no {needed!r} column (columns: {shown}){hint}")
    layout = Layout(header)
    present = [c for c in DATE_COLUMNS if c in header]
    intern: dict[str, str] = {}
    start = lines.line + 1
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _quote_error(name, start, lines.line, str(exc)) from None
        line, end = start, lines.line
        start = end + 1
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            if end > line:  # a quoted field ran over line ends and the fields do not add up
                raise _quote_error(name, line, end, f"{len(raw)} fields where the header "
                                   f"has {len(header)}")
            yield BadRow(line, f"{len(raw)} fields where the header has {len(header)}")
            continue
        if len(intern) >= _CACHE_LIMIT:
            intern.clear()
        cells = tuple(intern.setdefault(v, v) for v in (c.replace("\x00", "") for c in raw))
        yield _row(line, cells, layout, present, dates)


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def _quote_error(name: str, start: int, end: int, why: str) -> ValidationError:
    if "field larger than field limit" in why:
        why = f"a field longer than {_FIELD_LIMIT // 1024} KiB"
    return ValidationError(
        f"{name}: line {start}: a quoted field opens here and does not close where its row "
        f"ends (read to line {end}: {why}); fix the stray quote - nothing was imported")


def _row(line: int, cells: tuple[str, ...], layout: Layout, present: list[str],
         dates: Dates) -> Row | BadRow:
    number = cells[layout.pos["number"]].strip()
    if number in MISSING:
        return BadRow(line, "no number")
    stamps: list[dt.datetime | None] = []
    for column in DATE_COLUMNS:
        if column not in present:
            stamps.append(None)
            continue
        try:
            stamps.append(dates.parse(cells[layout.pos[column]]))
        except ValueError as exc:
            return BadRow(line, f"{column}: {exc}")
    if stamps[0] is None:
        return BadRow(line, "opened_at: missing")
    return Row(line, cells, layout, tuple(stamps))


def _int(text: str) -> int:
    try:
        return max(0, int(float(text)))
    except ValueError:
        return 0


def _order(row: Row) -> tuple[dt.datetime, int, int]:
    return row.when, _int(row.get("sys_mod_count")), row.line


class Groups:
    """Rows by incident number (in order of first appearance). Each incident keeps its latest
    row whole and slims the rows it supersedes (Row.slim), so an event log costs a few small
    tuples per update instead of a dictionary of every column."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = {}
        self.count = 0

    def add(self, row: Row) -> None:
        self.count += 1
        group = self.rows.setdefault(row.get("number").upper(), [])
        if group and _order(row) >= _order(group[-1]):
            group[-1].slim()
            group.append(row)
        elif group:
            row.slim()
            group.insert(len(group) - 1, row)
        else:
            group.append(row)

    def sorted_rows(self, number: str) -> list[Row]:
        """One incident's rows in time order: sys_updated_at, sys_mod_count, file order."""
        group = self.rows[number]
        if len(group) > 2:
            group[:-1] = sorted(group[:-1], key=_order)
        return group


def open_export(path: str) -> IO[bytes]:
    """The export opened for streaming; read_export decodes it line by line."""
    return open(path, "rb")

