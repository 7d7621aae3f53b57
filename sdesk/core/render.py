"""One renderer for output: tables (tabulate) for people, CSV and JSON for scripts.

JSON and CSV are written row by row as the rows arrive (an iterator straight from the index),
so `sdesk list --all --json` holds one row at a time whatever the store's size; a table for
people needs every row to align its columns and holds them.

Two guards on what stored text can do to whoever reads our output (docs/crash-safety.md,
"Output"):

- `printable`: in human output, control characters (C0 but line feed, DEL, C1) and the
  invisible bidirectional controls are shown escaped (`\x1b`, `\u202e`), so a title holding
  a terminal escape cannot clear a screen, retitle a window or hide a link; JSON keeps them
  exact.
- `csv_cell`: a CSV cell that a spreadsheet would evaluate as a formula (one starting with
  `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`; `--raw` writes cells exactly as stored.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~15 M instructions of `show`)
if TYPE_CHECKING:
    from typing import IO, Any

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069]")
_UNSAFE_TAB = re.compile("[\t" + _UNSAFE.pattern[1:])
_FORMULA = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
RAW_KEY = "sdesk.raw_csv"
JSON_ROWS_HELD = 256  # rows of a JSON array written at once (write_json_rows)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, keep_tabs: bool = True) -> str:
    """`text` for a terminal: control characters other than line feed (and tab when
    `keep_tabs`) escaped as \\xNN / \\uNNNN. Plain text comes back unchanged."""
    pattern = _UNSAFE if keep_tabs else _UNSAFE_TAB
    return pattern.sub(_escape, text) if pattern.search(text) else text


def printable_copy(value: Any) -> Any:
    """A copy of `value` (a dataclass such as a Ticket, or lists, dicts and strings of them)
    whose every string went through `printable`: for a renderer that adds colour codes of its
    own after the stored text is in place."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [printable_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: printable_copy(v) for k, v in value.items()}
    if not hasattr(value, "__dataclass_fields__") or isinstance(value, type):
        return value  # what dataclasses.is_dataclass tells, without importing it (`show`)
    import dataclasses

    return dataclasses.replace(value, **{f.name: printable_copy(getattr(value, f.name))
                                         for f in dataclasses.fields(value) if f.init})


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ tab or CR gets a
    leading apostrophe (OWASP's advice), except plain numbers such as -3 or -1.5."""
    if isinstance(value, str) and value and _FORMULA.match(value) and \
            not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def raw_csv() -> bool:
    """True when --raw was given: CSV cells exactly as stored, for round trips."""
    import click  # here and below: `show` through the fast path (sdesk/launch.py) never loads it

    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.meta.get(RAW_KEY):
            return True
        ctx = ctx.parent
    return False


def emit(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    *,
    as_json: bool = False,
    as_csv: bool = False,
    fmt: str | None = None,
    headers: Sequence[str] | None = None,
    no_pager: bool = True,
) -> None:
    """Rows as JSON, CSV or a table; a table longer than the screen goes through the pager
    (sdesk.core.pager) unless `no_pager`. Each JSON row starts with `schema_version`
    (docs/json.md)."""
    if as_json:
        # One row per line through json's C encoder: indent= forces its pure-Python encoder,
        # 4x slower (1.1 s for the 9,000 open tickets of a 100,000 store). Still one JSON array.
        import json  # at use, as csv below: a table for people needs neither

        from sdesk.core.ticketjson import SCHEMA_VERSION

        # One encoder for every row: json.dumps with options builds a new one per call.
        encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
        write_json_rows(encode(row if "schema_version" in row else  # every row of a top-level
                               {"schema_version": SCHEMA_VERSION, **row})  # array (docs/json.md)
                        for row in rows)
        return
    if as_csv:
        raw = raw_csv()  # --raw: exactly as stored
        write_csv(([("" if row.get(c) is None else row.get(c) if raw else csv_cell(row.get(c)))
                    for c in columns] for row in rows), columns)
        return
    from sdesk.core import pager  # click-free, for the start-up fast path (sdesk/launch.py)

    lines = table_lines(([_cell(row.get(c)) for c in columns] for row in rows),
                        headers or columns, fmt)
    if lines is None:
        pager.plain_echo("(none)")
        return
    pager.echo_lines(lines, no_pager)


def write_json_rows(texts: Iterable[str]) -> None:
    """A JSON array on stdout, one element per line, from each element's JSON text as it
    comes (`emit`'s rows, or `list --json`'s rows as sdesk.core.ticketjson.summary_text writes
    them). Written JSON_ROWS_HELD rows at a time: one write per row costs a system call each when
    stdout is unbuffered (PYTHONUNBUFFERED), and memory still does not grow with the rows."""
    out = sys.stdout
    chunk: list[str] = []
    lead = "[\n"
    for text in texts:
        chunk.append(lead + text)
        lead = ",\n"
        if len(chunk) == JSON_ROWS_HELD:
            out.write("".join(chunk))
            chunk.clear()
    chunk.append("[]\n" if lead == "[\n" else "\n]\n")
    out.write("".join(chunk))
    out.flush()


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """`value` (dicts, lists, strings, numbers; anything else through `str`, e.g. datetimes) as
    JSON text, non-ASCII kept as it is: the one JSON writer of sdesk's output. Stored text is
    kept exact (no `printable`): a script reads it back as stored. `indent=None` gives one
    line (JSON lines). A top-level object, or each object of a top-level array, gets
    `schema_version` first (docs/json.md) unless it has one."""
    import json

    from sdesk.core.ticketjson import versioned

    if isinstance(value, dict) and "schema_version" not in value:
        value = versioned(value)
    elif isinstance(value, list):
        value = [versioned(v) if isinstance(v, dict) and "schema_version" not in v else v
                 for v in value]
    return json.dumps(value, indent=indent, ensure_ascii=False, default=str)


def json_document(head: Mapping[str, Any], key: str, items: Iterable[Any],
                  after: Callable[[], Mapping[str, Any]] | None = None) -> Iterator[str]:
    """`json_text({**head, key: list(items), **after()})` in pieces, the list's elements
    encoded as they come: the same text, for a document whose list is too long to hold (issue
    17: a batch plan's actions). `after` gives the keys that follow the list, asked once the
    list is done (a dry run's refusal, known only when every ticket was seen); the pieces
    joined are the text."""
    import json

    empty = json_text({**head, key: []})
    tail = "[]\n}"
    assert empty.endswith(f'"{key}": {tail}'), empty
    yield empty[:-len(tail)] + "["
    lead = "\n    "
    for item in items:
        yield lead + json.dumps(item, indent=2, ensure_ascii=False, default=str).replace(
            "\n", "\n    ")
        lead = ",\n    "
    yield "]" if lead == "\n    " else "\n  ]"
    for name, value in (after() if after is not None else {}).items():
        yield ",\n  " + json.dumps(name, ensure_ascii=False) + ": " + json.dumps(
            value, indent=2, ensure_ascii=False, default=str).replace("\n", "\n  ")
    yield "\n}"


def echo_json_document(head: Mapping[str, Any], key: str, items: Iterable[Any],
                       after: Callable[[], Mapping[str, Any]] | None = None) -> None:
    """`echo_json({**head, key: list(items), **after()})`, written as the items come
    (`json_document`), JSON_ROWS_HELD pieces at a time."""
    out = sys.stdout
    chunk: list[str] = []
    for piece in json_document(head, key, items, after):
        chunk.append(piece)
        if len(chunk) == JSON_ROWS_HELD:
            out.write("".join(chunk))
            chunk.clear()
    chunk.append("\n")
    out.write("".join(chunk))
    out.flush()


def echo_json(value: Any) -> None:
    """`value` on stdout as indented JSON (`json_text`): what every `--json` of one document
    prints."""
    import click

    click.echo(json_text(value))


def write_csv(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> None:
    """CSV to stdout, the header then each row as it comes (memory does not grow with rows)."""
    import csv

    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    out.flush()


def table(data: Sequence[Sequence[Any]], headers: Sequence[str], fmt: str | None = None) -> str:
    chosen = fmt or ("simple" if sys.stdout.isatty() else "plain")
    if chosen in ("plain", "simple"):
        fast = _aligned(data, headers, dashes=chosen == "simple")
        if fast is not None:
            return fast
    from tabulate import tabulate, tabulate_formats

    if chosen not in tabulate_formats:
        from sdesk.core.errors import ValidationError

        raise ValidationError(f"--fmt: unknown table format {chosen!r} (try: simple, github, grid, plain)")
    return tabulate(data, headers=list(headers), tablefmt=chosen, disable_numparse=True)


def table_lines(data: Iterable[Sequence[str]], headers: Sequence[str],
                fmt: str | None = None) -> Iterator[str] | None:
    """`table`'s lines, one at a time; None when there is no row. The "plain" and "simple"
    layouts (the defaults) need each column's width before the first line: the cells go to
    a temporary file as they come while the widths are measured, then are read back line by
    line, so memory stays flat whatever the number of rows. Other formats, and cells that are
    not ASCII (tabulate measures wide characters), are laid out by `table` from every row."""
    chosen = fmt or ("simple" if sys.stdout.isatty() else "plain")
    if chosen not in ("plain", "simple"):
        held = [list(row) for row in data]
        return iter(table(held, headers, chosen).split("\n")) if held else None
    import tempfile

    heads = [str(h) for h in headers]  # tabulate keeps header spaces, strips cells
    widths = [len(h) + 2 for h in heads]
    plain = all(h.isascii() for h in heads)
    spill = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115
    count = 0
    for row in data:
        cells = [str(c).strip() for c in row]  # _cell: no tab or line break inside a cell
        for i, c in enumerate(cells):
            plain = plain and c.isascii()
            width = _width(c)
            if width > widths[i]:
                widths[i] = width
        spill.write("\t".join(cells) + "\n")
        count += 1
    if not count:
        spill.close()
        return None
    spill.seek(0)
    if not plain:
        with spill:
            held = [line[:-1].split("\t") for line in spill]
        return iter(table(held, headers, chosen).split("\n"))
    return _spilled_lines(spill, heads, widths, chosen == "simple")


def _spilled_lines(spill: IO[str], heads: list[str], widths: list[int],
                   dashes: bool) -> Iterator[str]:
    """The aligned lines of `_aligned`, the rows read back from `spill` (closed at the end)."""
    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c))
                         for c, w in zip(cells, widths, strict=True)).rstrip()

    with spill:
        yield line(heads)
        if dashes:
            yield "  ".join("-" * w for w in widths)
        for text in spill:
            yield line(text[:-1].split("\t"))


def _aligned(data: Sequence[Sequence[Any]], headers: Sequence[str], dashes: bool) -> str | None:
    """tabulate's "plain" and "simple" layouts, byte for byte, for ASCII text: importing
    tabulate costs ~30 ms (it loads importlib.metadata), a third of a `list` at 100,000
    tickets. None when a cell is not ASCII (tabulate may measure wide characters)."""
    heads = [str(h) for h in headers]  # tabulate keeps header spaces, strips cells
    rows = [[str(c).strip() for c in row] for row in data]
    if not all(c.isascii() for row in [heads, *rows] for c in row):
        return None
    widths = [max([len(h) + 2] + [_width(row[i]) for row in rows]) for i, h in enumerate(heads)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c))
                         for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [line(heads)] + (["  ".join("-" * w for w in widths)] if dashes else [])
    return "\n".join(lines + [line(row) for row in rows])


def _width(text: str) -> int:
    """Columns `text` takes on a terminal: colour codes (sdesk.core.due) take none."""
    if "\x1b" not in text:
        return len(text)
    import re

    return len(re.sub(r"\x1b\[[0-9;]*m", "", text))


class Styled(str):
    """Text sdesk styled itself (colour codes of sdesk.core.due): a table shows it as it is.
    Every other cell is stored text and is shown through `printable`."""

    __slots__ = ()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, Styled):
        return str(value)
    text = str(value)
    text = " ".join(text.split()) if "\n" in text or "\r" in text else text
    return printable(text, keep_tabs=False)
