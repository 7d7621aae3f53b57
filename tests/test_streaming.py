"""list --json/--csv, export and kpi --csv write each row as it is read: a row is out before
the next one is produced, so memory does not grow with the number of rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Desk

from sdesk.core.render import JSON_ROWS_HELD, emit


def rows_checked(capsys: pytest.CaptureFixture[str], n: int, held: int = 0
                 ) -> Iterator[dict[str, Any]]:
    """Rows that fail the test if, when row i is asked for, row i - 1 - held was not written
    (`held`: how many rows the writer may hold at once)."""
    written = ""
    for i in range(n):
        if i > held:
            written += capsys.readouterr().out
            assert f"T-{i - 1 - held}." in written, f"row {i - 1 - held} was held back"
        yield {"id": f"T-{i}.", "title": f"ticket {i}"}


@pytest.mark.parametrize("how", ["json", "csv"])
def test_rows_are_written_as_they_come(capsys: pytest.CaptureFixture[str], how: str) -> None:
    """CSV row by row; JSON JSON_ROWS_HELD rows at a time (one write each, not one a row:
    a system call per row when stdout is unbuffered), so memory stays flat either way."""
    held = JSON_ROWS_HELD if how == "json" else 0
    n = 3 * held + 5
    emit(rows_checked(capsys, n, held), ["id", "title"], as_json=how == "json",
         as_csv=how == "csv")
    out = capsys.readouterr().out
    assert f"T-{n - 1}." in out


def test_streamed_json_is_one_array_and_empty_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    emit(iter([{"id": "A"}, {"id": "B"}]), ["id"], as_json=True)
    assert json.loads(capsys.readouterr().out) == [{"schema_version": 2, "id": "A"},
                                                   {"schema_version": 2, "id": "B"}]
    emit(iter([]), ["id"], as_json=True)
    assert capsys.readouterr().out == "[]\n"


def test_list_and_export_stream_the_same_tickets(desk: Desk) -> None:
    ids = [desk.new("-T", f"Printer jam {i}", "--email", "ana.ruiz@omes.ok.gov") for i in range(3)]
    assert [r["id"] for r in desk.json("list")] == sorted(ids)
    csv_lines = desk.run("list", "--csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,") and len(csv_lines) == 4
    lines = desk.run("export", "--jsonl").stdout.splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(ids)
    exported = desk.run("export").stdout.splitlines()
    assert exported[0].startswith("number,short_description") and len(exported) == 4



def test_export_to_a_file_leaves_nothing_half_written(desk: Desk, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from sdesk.core.errors import SdeskError
    from sdesk.exchange import export

    first = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    desk.new("-T", "VPN down", "--email", "bo.li@omes.ok.gov")
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "out.csv"
    desk.run("export", "-o", str(out))
    assert len(out.read_text().splitlines()) == 3 and first in out.read_text()
    real, calls = export.servicenow_row, []

    def second_fails(ticket: Any, tz: Any) -> dict[str, str]:
        calls.append(ticket.id)
        if len(calls) == 2:  # the header and a row are already written by now
            raise SdeskError(f"{ticket.id}: cannot be read")
        return real(ticket, tz)

    monkeypatch.setattr(export, "servicenow_row", second_fails)
    desk.fails("export", "-o", str(folder / "half.csv"))
    assert sorted(p.name for p in folder.iterdir()) == ["out.csv"]
