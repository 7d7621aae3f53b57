"""`list --json`'s rows written by SQLite and Python without a dict (sdesk.store.queries.summary_sql,
sdesk.core.ticketjson.summary_text): for every row the text is what the renderer's encoder
makes of `summary(row)`, byte for byte.

The rows are real index rows of a store made through the CLI, and hand-made rows put into that
store's index holding what a row could hold at the edges: stored control characters, quotes,
backslashes, wide and invisible characters, empty and NULL text, odd whitespace in lists, a
fraction of a second, times before 1970 and around summer-time changes, zones whose offset is
not whole hours, and values of types the index never writes (which go through `summary`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sdesk.core.ticketjson import SUMMARY_COLUMNS, summary, summary_text
from sdesk.store import Store, queries
from sdesk.store.index import NAMES
from tests.conftest import Desk

ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode
ZONES = ["America/Chicago", "UTC", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns",
         "Europe/Dublin", "Pacific/Chatham"]


def _texts(store: Store, tz: dt.tzinfo) -> list[tuple[str, str]]:
    """(what list --json's path writes, what summary() gives) for every row of the index."""
    index = store.index
    text = summary_text(tz, lambda tid: queries.summary_row(index, tid))
    rows = list(queries.tickets_streamed(index, queries.TicketFilter(), summary=True))
    return [(text(row), ENCODE(summary(dict(zip(SUMMARY_COLUMNS, queries.summary_row(
        index, row[0]), strict=True)), tz))) for row in rows]


def test_real_rows_match_the_summary(desk: Desk) -> None:
    a = desk.new("-T", "Quote", "--email", "CIO@omes.ok.gov", "--agency", "omes", "--service",
                 "Teams")
    desk.entitle(a, 'Quote " backslash \\ tab \t escape \x1b[2J \u202e bidi \u2028 é 漢')
    b = desk.new("-T", "Printer jams")
    desk.run("relate", b, a)
    desk.run("note", a, "Called back", "--public")
    desk.run("hold", b, "--reason", "awaiting-customer", "--asked-by-phone", "--note", "On leave")
    c = desk.new("-T", "Password reset", "--service", "Password Reset")
    desk.run("resolve", c, "--code", "fixed", "--summary", "Reset it", "--first-contact")
    desk.run("csat", c, "4")
    store = Store.open(str(desk.root))
    for zone in ZONES:
        pairs = _texts(store, ZoneInfo(zone))
        assert len(pairs) == 3
        for got, want in pairs:
            assert got == want, zone


def _row(**values: Any) -> tuple[Any, ...]:
    base: dict[str, Any] = {name: "" for name in SUMMARY_COLUMNS}
    base.update({name: None for name in SUMMARY_COLUMNS if name.endswith("_at") or name in (
        "respond_by", "resolve_by", "first_contact", "resolution_code", "csat_score", "sla_met")})
    base.update(id="INC-1", open=1, priority=2, impact=2, urgency=1, vip=0, remote=1, effort=1.5,
                tier=1, reopens=0, reassignments=0, on_hold=0, held_seconds=0.0,
                journal_count=3, opened_at=1_764_000_000.0)
    base.update(values)
    return tuple(base[name] for name in SUMMARY_COLUMNS)


def _store_with(desk: Desk, rows: list[tuple[Any, ...]]) -> Store:
    """The desk's store, its index holding `rows` (SUMMARY_COLUMNS values) as tickets
    ODD-0, ODD-1... in a folder no ticket file is in."""
    store = Store.open(str(desk.root))
    db = store.index.db
    for n, row in enumerate(rows):
        values = {name: None for name in NAMES} | dict(zip(SUMMARY_COLUMNS, row, strict=True))
        values.update(id=f"ODD-{n}", body=str(n), path=f"odd/{n}.toml", dir="odd")
        db.execute(f"INSERT INTO tickets ({', '.join(NAMES)}) VALUES "
                   f"({', '.join('?' * len(NAMES))})", [values[name] for name in NAMES])
    return store


CHICAGO_SPRING = dt.datetime(2026, 3, 8, 8, 0, tzinfo=dt.UTC).timestamp()  # 02:00 CST -> CDT
CHICAGO_FALL = dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC).timestamp()  # 02:00 CDT -> CST
TIMES = ("opened_at", "updated_at", "respond_by", "resolve_by", "first_response_at",
         "assigned_at", "resolved_at", "closed_at")
ODD_ROWS = [
    _row(),
    _row(title="\x00\x01\x1f\x7f\x80\x9f \" \\ / \ud7ff \ufeff \U0001f600 %s %d %%", assignee="ñ"),
    _row(requester_name=None, requester_email=None, agency=None, team=None),
    _row(skills="a  b\tc\nd ", flags="proposed:duplicate:INC-2 priority-review",
         related='INC-"2 INC-\\3', kb="KB-1 ]x [y ^z", message_ids="<a@b> <c\x01@d>"),
    _row(skills=" lead", kb="trail ", flags="ok\xa0nbsp", related="é"),
    _row(first_contact=1, resolution_code="fixed", csat_score=5, csat_at=1_764_100_000.0,
         sla_met=1, resolved_at=1_764_050_000.0, closed_at=1_764_090_000.5),
    _row(first_contact=0, resolution_code=None, csat_score=1, csat_at=None, sla_met=0),
    _row(opened_at=-86_401.0, updated_at=0.0, respond_by=1.0e9, resolve_by=4_102_444_800.0),
    _row(**dict(zip(TIMES, (CHICAGO_SPRING + d for d in (-3601, -1, 0, 1, 3599, 3600, -0.25,
                                                            7.5)), strict=True))),
    _row(**dict(zip(TIMES, (CHICAGO_FALL + d for d in (-3601, -1, 0, 1, 3599, 3600, -3600,
                                                          1800)), strict=True))),
    _row(effort=float("inf"), held_seconds=float("-inf")),  # never written: through summary
    _row(priority=2.5, tier="1", journal_count=-0.0, effort=1e-7, held_seconds=1e22),
    _row(opened_at=1_764_000_000, updated_at=2**31, effort=3),  # integers for floats
    _row(title=None, skills=None, related=None, open=b"1"),
    _row(open=None, vip=2, remote=None, on_hold=5, first_contact=-1, sla_met=7),
    _row(id="INC-\"odd", status=3, csat_score=4.0, csat_at=None),
]


@pytest.mark.parametrize("zone", ZONES)
def test_edge_rows_match_the_summary(desk: Desk, zone: str) -> None:
    pairs = _texts(_store_with(desk, ODD_ROWS), ZoneInfo(zone))
    assert len(pairs) == len(ODD_ROWS)
    for got, want in pairs:
        assert got == want


def test_sqlite_escapes_every_character_as_json_does(desk: Desk) -> None:
    """json_quote against json's encoder for every code point (titles holding each one)."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    rows = [_row(title="".join(chars[i:i + 4096]), requester_name=chars[i])
            for i in range(0, len(chars), 4096)]
    pairs = _texts(_store_with(desk, rows), ZoneInfo("UTC"))
    assert len(pairs) == len(rows)
    for got, want in pairs:
        assert got == want


def test_every_hour_of_two_years_matches_datetime(desk: Desk) -> None:
    """The per-hour cache against datetime: a time every 50 minutes 31 seconds over two years,
    so every hour and both summer-time changes are met, in four zones."""
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()
    rows = [_row(opened_at=start + step, respond_by=start + step + 1)
            for step in range(0, 2 * 366 * 86400, 3031)]
    store = _store_with(desk, rows)
    for zone in ZONES[:4]:
        for got, want in _texts(store, ZoneInfo(zone)):
            assert got == want
