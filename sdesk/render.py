"""One renderer for tables: tabulate for people, CSV and JSON for scripts."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

import click


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    as_json: bool = False,
    as_csv: bool = False,
    fmt: str | None = None,
    headers: Sequence[str] | None = None,
) -> None:
    if as_json:
        click.echo(json.dumps(list(rows), indent=2, ensure_ascii=False, default=str))
        return
    if as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
        click.echo(buffer.getvalue(), nl=False)
        return
    if not rows:
        click.echo("(none)")
        return
    click.echo(table([[_cell(row.get(c)) for c in columns] for row in rows],
                     headers or columns, fmt))


def table(data: Sequence[Sequence[Any]], headers: Sequence[str], fmt: str | None = None) -> str:
    from tabulate import tabulate, tabulate_formats

    chosen = fmt or ("simple" if sys.stdout.isatty() else "plain")
    if chosen not in tabulate_formats:
        from sdesk.errors import ValidationError

        raise ValidationError(f"--fmt: unknown table format {chosen!r} (try: simple, github, grid, plain)")
    return tabulate(data, headers=list(headers), tablefmt=chosen, disable_numparse=True)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    text = str(value)
    return " ".join(text.split()) if "\n" in text or "\r" in text else text
