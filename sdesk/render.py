"""One renderer for tables: tabulate for people, CSV and JSON for scripts.

JSON and CSV are written row by row as the rows arrive (an iterator straight from the index),
so `sdesk list --all --json` holds one row at a time whatever the store's size; a table for
people needs every row to align its columns and holds them.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click


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
    (sdesk.pager) unless `no_pager`."""
    if as_json:
        # One row per line through json's C encoder: indent= forces its pure-Python encoder,
        # 4x slower (1.1 s for the 9,000 open tickets of a 100,000 store). Still one JSON array.
        out = sys.stdout
        lead = "[\n"
        for row in rows:
            out.write(lead + json.dumps(row, ensure_ascii=False, default=str))
            lead = ",\n"
        out.write("[]\n" if lead == "[\n" else "\n]\n")
        out.flush()
        return
    if as_csv:
        write_csv(([("" if row.get(c) is None else row.get(c)) for c in columns] for row in rows),
                  columns)
        return
    rows = list(rows)
    if not rows:
        click.echo("(none)")
        return
    text = table([[_cell(row.get(c)) for c in columns] for row in rows], headers or columns, fmt)
    if no_pager:
        click.echo(text)
    else:
        from sdesk import pager

        pager.echo(text, no_pager)


def write_csv(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> None:
    """CSV to stdout, the header then each row as it comes (memory does not grow with rows)."""
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
        from sdesk.errors import ValidationError

        raise ValidationError(f"--fmt: unknown table format {chosen!r} (try: simple, github, grid, plain)")
    return tabulate(data, headers=list(headers), tablefmt=chosen, disable_numparse=True)


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
    """Columns `text` takes on a terminal: colour codes (sdesk.due) take none."""
    if "\x1b" not in text:
        return len(text)
    import re

    return len(re.sub(r"\x1b\[[0-9;]*m", "", text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    text = str(value)
    return " ".join(text.split()) if "\n" in text or "\r" in text else text
