"""`sdesk workload`: open assigned tickets and effort against capacity, who is in today."""

from __future__ import annotations

from assign_helpers import DESKTOP, THANKSGIVING, load, log


def _rows(desk, *args, now=None):
    import json

    result = desk.run("workload", "--json", *args, now=now)
    return {r["technician"]: r for r in json.loads(result.stdout)}


def test_workload_counts_open_assigned_tickets_and_effort(desk):
    load(desk, "dcooper", "3")
    load(desk, "dcooper", "5")
    rows = _rows(desk, "--team", DESKTOP)
    assert rows["dcooper"]["open_tickets"] == 2
    assert rows["dcooper"]["effort_hours"] == 8.0
    assert rows["dcooper"]["free_hours"] == 24.0
    assert rows["dcooper"]["load_pct"] == 25
    assert set(rows) == {"cbrandt", "dcooper", "lharjo", "mhernandez", "rwolfe", "skimble",
                         "tokafor"}


def test_resolved_or_reassigned_work_leaves_the_old_load(desk):
    ticket = load(desk, "dcooper", "4")
    desk.run("assign", ticket, "--to", "skimble")
    rows = _rows(desk, "--team", DESKTOP)
    assert (rows["dcooper"]["open_tickets"], rows["skimble"]["effort_hours"]) == (0, 4.0)


def test_availability_today_shows_out_of_office_days_off_and_holidays(desk):
    rows = _rows(desk)
    assert rows["mhernandez"]["available"] == "out of office 2026-11-23 to 2026-11-25"
    assert rows["cbrandt"]["available"] == "does not work on Mondays"
    assert rows["dcooper"]["available"] == "yes"
    assert rows["dcooper"]["skills"] == ["windows", "macos", "hardware"]
    holiday = _rows(desk, now=THANKSGIVING)
    assert holiday["dcooper"]["available"] == "holiday (Thanksgiving Day)"


def test_table_output_for_people(desk):
    log(desk)
    out = desk.run("workload", "--team", DESKTOP).stdout
    assert "capacity h" in out and "dcooper" in out and "nsingh" not in out


def test_unknown_team_is_one_clear_error(desk):
    result = desk.fails("workload", "--team", "IS-Nowhere", code=1)
    assert "unknown team" in result.stderr
