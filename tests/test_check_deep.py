"""`sdesk check --deep` recomputes every derived value in the index from the files and names
each difference: the file, the field, the index's value and the file's."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import Desk

from sdesk.store import Store


def _tamper(desk: Desk, sql: str, *params: object) -> None:
    db = sqlite3.connect(Store(desk.root).index.path)
    db.execute(sql, params)
    db.commit()
    db.close()


def test_clean_store_is_ok(desk: Desk) -> None:
    inc = desk.new("-T", "printer jammed", "--name", "Pat Lee", "-d", "x")
    desk.run("hold", inc, "--reason", "awaiting-customer", "--asked-by-phone",
             now="2026-11-23T10:00:00-06:00")
    desk.run("resume", inc, now="2026-11-24T10:00:00-06:00")
    desk.run("resolve", inc, "--code", "fixed", "-s", "done", now="2026-11-24T11:00:00-06:00")
    desk.run("kpi")
    assert desk.run("check", "--deep").stdout.strip() == "store ok"


@pytest.mark.no_deep_check
def test_a_wrong_derived_value_is_reported_with_both_values(desk: Desk) -> None:
    inc = desk.new("-T", "printer jammed", "--name", "Pat Lee", "-d", "x")
    desk.run("hold", inc, "--reason", "awaiting-customer", "--asked-by-phone",
             now="2026-11-23T10:00:00-06:00")
    desk.run("resume", inc, now="2026-11-23T12:00:00-06:00")
    desk.run("check")  # the plain check compares files, not derived values
    _tamper(desk, "UPDATE tickets SET held_seconds = 3600.0, first_contact = 1 WHERE id = ?", inc)
    out = desk.fails("check", "--deep", code=1).stdout
    path = Store(desk.root).path_of(inc).relative_to(desk.root).as_posix()
    assert f"{path}: held_seconds: index has 3600.0, the file gives 7200.0 ({inc})" in out
    assert f"{path}: first_contact: index has 1, the file gives None ({inc})" in out
    data = json.loads(desk.run("check", "--deep", "--json", ok=False).stdout)
    assert {p["field"] for p in data["problems"]} == {"held_seconds", "first_contact"}
    desk.run("reindex")
    desk.run("check", "--deep")


@pytest.mark.no_deep_check
def test_a_broken_kept_kpi_sum_is_reported_in_one_line(desk: Desk) -> None:
    inc = desk.new("-T", "printer jammed", "--name", "Pat Lee", "-d", "x")
    desk.run("resolve", inc, "--code", "fixed", "-s", "done", now="2026-11-24T11:00:00-06:00")
    desk.run("kpi")  # an index made before this session's build: kpi makes the sums
    assert desk.run("check", "--deep").stdout.strip() == "store ok"
    _tamper(desk, "UPDATE agg_kpi_res SET csat_n = csat_n + 1 WHERE grp = 'team'")
    out = desk.fails("check", "--deep", code=1).stdout.strip().splitlines()
    assert out == ["index agg_kpi_res: grp='team', val='IS-Service Desk', counted=1, "
                   "priority='': csat_n: kept 1, the tickets' rows give 0 (sdesk reindex "
                   "builds it again)"]
    _tamper(desk, "UPDATE agg_kpi_rank SET n = 0 WHERE grp = 'all' AND name = 'bh'")
    out = desk.fails("check", "--deep", code=1).stdout
    assert "index agg_kpi_rank: grp='all', val='all', name='bh', bucket=" in out
    assert ": n: kept 0, the tickets' rows give 1 (sdesk reindex builds it again)" in out
    desk.run("reindex")
    assert desk.run("check", "--deep").stdout.strip() == "store ok"
