"""A reduced benchmark run: the generator writes valid tickets through the real format, the
runner times every command of the issue and prints the table (no timing assertions)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.run import TARGETS


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    workdir = tmp_path_factory.mktemp("bench")
    from contextlib import redirect_stdout
    from io import StringIO

    out = StringIO()
    with redirect_stdout(out):
        assert main(["--sizes", "300", "--runs", "1", "--workdir", str(workdir), "--keep"]) == 0
    return out.getvalue(), workdir / "store-300"


def test_the_table_has_a_row_for_every_timed_command(table: tuple[str, Path]) -> None:
    text, _ = table
    for name in TARGETS:
        assert f"| 300 | `{name}` |" in text, name
    assert "| 300 | `show ID` |" in text
    assert "New git objects of one `note` commit at 300 tickets" in text


def test_the_table_has_every_row_of_the_issues_targets(table: tuple[str, Path]) -> None:
    """Issue 17's target table, each row measured beside its target (no timing asserted)."""
    text, _ = table
    for row in ("show", "new, note (with commit)", "list filtered, queue --team",
                "kpi, kpi --by team (all time)", "list --json, all open", "cold index rebuild",
                "peak memory, any command", "new git objects per commit"):
        line = next((x for x in text.splitlines() if x.startswith(f"| {row} | 300 | ")), "")
        assert line.endswith(("| ok |", "| MISSED |")), (row, line)


def test_the_generated_store_is_valid_and_committed(table: tuple[str, Path]) -> None:
    _, root = table
    sdesk = [sys.executable, "-m", "sdesk", "--store", str(root)]
    listed = json.loads(subprocess.run([*sdesk, "list", "--all", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    # 300 generated, plus the tickets the timed `new` runs made (then reset away)
    assert len(listed) == 300
    check = subprocess.run([*sdesk, "reindex", "--json"], capture_output=True, text=True)
    assert json.loads(check.stdout)["problems"] == []
    status = subprocess.run(["git", "status", "--porcelain", "tickets"], cwd=root,
                            capture_output=True, text=True, check=True).stdout
    assert status == ""
    queue = [t["status"] for t in listed if not t["assignee"] and t["open"]]
    assert queue.count("new") == 3  # 1% of the store waits in the Service Desk queue


def test_no_generated_event_is_after_the_benchmark_now() -> None:
    """Tickets opened shortly before the benchmark's "now" had resolutions, closures and
    notes drawn after it (about 0.8 % of a store resolved in the future); they are fitted
    before it, in order."""
    from bench.generate import NOW, tickets
    from sdesk.core.reference import load_reference

    ref = load_reference(Path(__file__).parent.parent / "sdesk" / "defaults" / "reference")
    squeezed = 0
    for t in tickets(3000, ref, seed=11):
        journal = [e.at for e in t.journal]
        events = [x for x in (t.assigned_at, t.first_response_at, t.resolved_at, t.closed_at,
                              t.updated_at, t.csat and t.csat.at) if x is not None]
        assert max(events + journal) < NOW, t.id
        assert t.opened_at <= min(journal)
        if t.resolved_at is not None:
            assert t.opened_at < t.resolved_at <= (t.closed_at or t.resolved_at)
            squeezed += t.resolved_at > NOW - dt.timedelta(hours=200)
    assert squeezed > 0  # the case the fit is for did occur


def test_new_and_note_growth_is_timed_on_a_second_store_left_as_it_was(
        table: tuple[str, Path]) -> None:
    """make bench-1m's growth rows: `new` and `note` timed on a second store (here the same
    300-ticket one), which is reset afterwards; the growth is printed beside the goal."""
    from bench.__main__ import growth
    from bench.run import Result, time_growth
    from bench.timing import Timing

    _, root = table
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                          text=True, check=True).stdout
    sdesk = str(Path(sys.executable).with_name("sdesk"))
    small = time_growth(root, 300, 1, sdesk)
    assert [t.name for t in small.timings] == ["new (with commit)", "note ID (with commit)"]
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                          text=True, check=True).stdout == head
    assert subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True,
                          text=True, check=True).stdout == ""
    big = Result(3000, 0.0, [Timing(t.name, [r * 1.5 for r in t.runs], t.peak_kib, "",
                                    [c * 1.05 for c in t.cpu]) for t in small.timings])
    lines = growth([big, small])
    assert "Growth from 300 to 3,000 tickets (goal: within 10%; wall median, CPU median, same run):" in lines
    row = next(x for x in lines if x.startswith("| `note ID (with commit)` |"))
    assert row.endswith("| +50% | +5% | MISSED |"), row
    assert growth([small]) == []


def test_a_failing_command_is_a_row_and_the_run_goes_on(table: tuple[str, Path]) -> None:
    import math

    from bench.run import Bench

    _, root = table
    b = Bench(root, 300, 1, str(Path(sys.executable).with_name("sdesk")))
    timing = b.time("show a ticket that is not there", lambda i: b.cmd("show", "INC-NOPE"))
    assert math.isnan(timing.median) and timing.peak_mib == 0
    assert b.failures == [f"`show a ticket that is not there` failed at 300 tickets: {timing.note}"]
    assert "exit 1" in timing.note and "sdesk: error:" in timing.note
