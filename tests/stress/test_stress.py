"""Full-size runs (make stress: .venv/bin/pytest -q -m slow tests/stress -s).

The same harnesses as the normal suite, at the sizes the issue asks for; each prints its
figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Desk
from test_clones import assert_sound, many_clones_run
from test_concurrency import notes_at_once
from test_crash import crash_run
from test_sync import two_clone_run

pytestmark = pytest.mark.slow


def test_two_clones_of_1000_tickets_and_100_shared_end_identical(tmp_path: Path) -> None:
    figures = two_clone_run(tmp_path, each=1000, shared=100)
    print(f"\nSYNC {figures}")
    assert figures.identical and figures.tickets == 2100
    assert (figures.conflicts, figures.lost_entries, figures.collisions) == (0, 0, 0)


def test_eight_processes_times_fifty_notes(desk: Desk) -> None:
    notes, commits = notes_at_once(desk, workers=8, each=50)
    print(f"\nCONCURRENCY notes={notes} commits={commits}")
    assert (notes, commits) == (400, 400)
    desk.run("check")


def test_two_hundred_kills(desk: Desk) -> None:
    figures = crash_run(desk, kills=200, seed=2026)
    print(f"\nCRASH {figures}")
    assert (figures.check_failures, figures.lost_entries, figures.dirty_after) == (0, 0, 0)


def test_eight_clones_times_fifty_changes_syncing_at_once(tmp_path: Path) -> None:
    figures = many_clones_run(tmp_path, clones=8, changes=50)
    print(f"\nCLONES {figures}")
    assert_sound(figures)
