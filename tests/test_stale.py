"""sdesk stale: customers owed an update after N business days without a public one."""

from __future__ import annotations

import datetime as dt

from conftest import Desk

from sdesk.core.reference import load_reference
from sdesk.procedures.business_days import stale_cutoff


def test_stale_counts_business_days_not_calendar_days(desk: Desk) -> None:
    cal = load_reference(desk.root / "reference").calendar
    monday = dt.datetime.fromisoformat("2026-11-23T09:00:00-06:00")
    # Two business days before Monday 09:00 is Thursday 09:00 (the weekend does not count).
    assert stale_cutoff(monday, 2, cal).isoformat() == "2026-11-19T09:00:00-06:00"
    # Thanksgiving (Thu 26) and the day after (Fri 27) are Oklahoma holidays.
    assert stale_cutoff(dt.datetime.fromisoformat("2026-11-30T09:00:00-06:00"), 1, cal
                        ).isoformat() == "2026-11-25T09:00:00-06:00"


def test_stale_lists_open_tickets_without_a_public_update(desk: Desk) -> None:
    quiet = desk.new("-T", "Quiet one", now="2026-11-18T10:00:00-06:00")
    noted = desk.new("-T", "Internal notes only", now="2026-11-18T10:00:00-06:00")
    desk.run("note", noted, "looked at it", now="2026-11-20T10:00:00-06:00")
    updated = desk.new("-T", "Customer told", now="2026-11-18T10:00:00-06:00")
    desk.run("note", updated, "We ordered the part", "--public", now="2026-11-20T10:00:00-06:00")
    fresh = desk.new("-T", "Fresh", now="2026-11-20T10:00:00-06:00")
    done = desk.new("-T", "Done", now="2026-11-18T10:00:00-06:00")
    desk.run("resolve", done, "--code", "fixed", "--summary", "x",
             now="2026-11-18T11:00:00-06:00")
    # Cutoff for 2 business days before Monday 09:00 is Thursday 19th 09:00.
    rows = desk.json("stale", "--days", "2")
    assert [r["id"] for r in rows] == sorted([quiet, noted])
    assert fresh not in {r["id"] for r in rows} and updated not in {r["id"] for r in rows}
    assert {r["id"] for r in desk.json("stale", "--days", "5")} == set()
    # The table, for people: short IDs, P4, times as `list` shows them; scripts keep full IDs.
    table = desk.run("stale", "--days", "2").stdout.splitlines()[1:]
    cells = [line.split() for line in table if line.strip() and not line.startswith("-")]
    assert sorted(c[0] for c in cells) == sorted(t[:len("INC-") + 4] for t in (quiet, noted))
    assert all(c[1] in ("P1", "P2", "P3", "P4") for c in cells), table
    assert "2026-11-18 10:00" in "\n".join(table) and "T10:00" not in "\n".join(table)
    assert quiet in desk.run("stale", "--days", "2", "--csv").stdout


def test_stale_days_must_be_positive(desk: Desk) -> None:
    assert "--days must be at least 1" in desk.fails("stale", "--days", "0").stderr
