"""sdesk kpi on a hand-built store: eight tickets written by hand, every right answer worked
out below by hand (the worked example of docs/kpi.md), not by calling the KPI code."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from conftest import Desk

from sdesk.core import ids
from sdesk.core.model import Csat, Hold, JournalEntry, Resolution, Ticket, dumps

TZ = dt.timezone(dt.timedelta(hours=-6))  # Central Standard Time all November


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2026-{text}:00").replace(tzinfo=TZ)


def put(desk: Desk, key: str, **fields: Any) -> str:
    prefix = {"incident": "INC", "request": "REQ", "task": "TASK"}[fields.get("type", "incident")]
    tid = ids.new_id(prefix, fields["opened_at"], lambda c: (desk.root / ids.relative_path(c)).exists())
    fields.setdefault("type", "incident")
    t = Ticket(id=tid, title=f"Ticket {key}", team=fields.pop("team", "IS-Service Desk"),
               **fields)
    t.journal.append(JournalEntry(at=t.opened_at, by="Dana Dispatcher", text="logged",
                                  kind="system"))
    path = desk.root / ids.relative_path(tid)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(t))
    return tid


@pytest.fixture
def example(desk: Desk) -> dict[str, str]:
    t: dict[str, str] = {}
    # A: fixed at first contact in 2 h; SLA met both ways; CSAT 5.
    t["A"] = put(desk, "A", opened_at=at("11-16T09:00"), channel="phone", priority=3,
                 status="resolved", resolved_at=at("11-16T11:00"),
                 resolve_by=at("11-17T17:00"), respond_by=at("11-16T10:00"),
                 first_response_at=at("11-16T09:30"), assigned_at=at("11-16T09:30"),
                 resolution=Resolution("fixed", "x", "Dana", True),
                 csat=Csat(5, at("11-16T12:00")))
    # B: Tue 16:00 -> Wed 10:00 = 18 clock h, 1 + 2 = 3 business h; reassigned twice, tier 2,
    # both SLAs missed, CSAT 2, linked to an article.
    t["B"] = put(desk, "B", opened_at=at("11-17T16:00"), channel="email", priority=2,
                 team="IS-Network Services", status="resolved", resolved_at=at("11-18T10:00"),
                 resolve_by=at("11-18T09:00"), respond_by=at("11-17T16:30"),
                 first_response_at=at("11-17T17:00"), assigned_at=at("11-17T16:30"),
                 reassignments=2, tier=2, kb=["KB-vpn"],
                 resolution=Resolution("fixed", "x", "Tom"), csat=Csat(2, at("11-18T11:00")))
    # C: Tue 10th 09:00 -> Mon 16th 09:00, on hold Thu 09:00 -> Fri 09:00 (24 clock h).
    # Clock: 144 - 24 = 120 h. Business: Tue 8 + Wed 0 (Veterans Day) + Thu 9 + Fri 9 + Mon 1
    # = 27 h, minus held Thu 8 + Fri 1 = 9 h -> 18 h. Reopened once; no CSAT.
    t["C"] = put(desk, "C", type="request", opened_at=at("11-10T09:00"), channel="chat",
                 priority=4, team="IS-Desktop Support", status="closed",
                 resolved_at=at("11-16T09:00"), closed_at=at("11-17T09:00"),
                 resolve_by=at("11-30T09:00"), respond_by=at("11-10T12:00"),
                 first_response_at=at("11-10T10:00"), assigned_at=at("11-10T10:00"), reopens=1,
                 holds=[Hold(at("11-12T09:00"), "awaiting-parts", at("11-13T09:00"))],
                 resolution=Resolution("workaround", "x", "Tom"))
    # D: a duplicate of A: resolved, but never counted in resolution measures.
    t["D"] = put(desk, "D", opened_at=at("11-16T09:10"), channel="phone", priority=3,
                 status="resolved", resolved_at=at("11-16T09:20"), duplicate_of=t["A"],
                 resolve_by=at("11-17T17:10"), respond_by=at("11-16T10:10"),
                 first_response_at=at("11-16T09:20"), resolution=Resolution("duplicate", "x"))
    # E, F, G: the backlog, aged 53, 20 and 3 days; E was opened before the window.
    t["E"] = put(desk, "E", opened_at=at("10-01T09:00"), priority=3, status="assigned",
                 assignee="aparker",
                 respond_by=at("10-01T10:00"), first_response_at=at("10-01T09:05"))
    t["F"] = put(desk, "F", opened_at=at("11-03T09:00"), priority=3, status="new",
                 respond_by=at("11-03T10:00"))  # never answered: response SLA missed
    t["G"] = put(desk, "G", type="request", opened_at=at("11-20T09:00"),
                 channel="self-service", priority=4, status="new",
                 respond_by=at("11-23T10:00"))  # due after now: pending, not counted
    # H: a task of A: internal work, in no KPI.
    t["H"] = put(desk, "H", type="task", opened_at=at("11-16T09:00"), parent=t["A"],
                 status="resolved", resolved_at=at("11-16T10:00"),
                 resolution=Resolution("fixed", "x"))
    desk.git("add", "-A")
    desk.git("commit", "-qm", "hand-built KPI example")
    return t


def test_every_kpi_of_the_worked_example(desk: Desk, example: dict[str, str]) -> None:
    k = desk.json("kpi", "--since", "2026-11-02")
    assert k["opened"] == 6  # A B C D F G (E before the window, H a task)
    assert (k["resolved"], k["counted"]) == (4, 3)  # D is a duplicate
    assert k["fcr_pct"] == 33.3  # A of A, B, C
    assert (k["csat_mean"], k["csat_top2_pct"], k["csat_response_pct"]) == (3.5, 50.0, 66.7)
    assert k["sla_resolve_pct"] == 66.7  # A, C met; B missed
    assert k["sla_respond_pct"] == 60.0  # A C D met; B F missed; G pending
    assert (k["ttr_bh_mean"], k["ttr_bh_median"], k["ttr_bh_p90"]) == (7.67, 3.0, 18.0)
    assert (k["ttr_clock_mean"], k["ttr_clock_median"], k["ttr_clock_p90"]) == (
        46.67, 18.0, 120.0)
    assert k["assign_hours_mean"] == 0.67  # 0.5, 0.5, 1.0
    assert k["reopen_pct"] == 33.3
    assert k["reassign_mean"] == 0.67  # 0, 2, 0
    assert k["escalation_pct"] == 16.7  # B of 6 opened
    assert k["kb_pct"] == 33.3
    assert (k["backlog"], k["backlog_lt10"], k["backlog_10_30"], k["backlog_gt30"]) == (
        3, 1, 1, 1)
    assert k["volume"] == {"channel": {"chat": 1, "email": 1, "phone": 3, "self-service": 1},
                           "type": {"incident": 4, "request": 2}}
    assert k["sla_by_priority"] == {
        "P2": {"resolve_met": 0, "resolve_n": 1, "resolve_pct": 0.0,
               "respond_met": 0, "respond_n": 1, "respond_pct": 0.0},
        "P3": {"resolve_met": 1, "resolve_n": 1, "resolve_pct": 100.0,
               "respond_met": 2, "respond_n": 3, "respond_pct": 66.7},
        "P4": {"resolve_met": 1, "resolve_n": 1, "resolve_pct": 100.0,
               "respond_met": 1, "respond_n": 1, "respond_pct": 100.0},
    }


def test_duplicate_is_excluded_from_first_contact_rate(desk: Desk,
                                                       example: dict[str, str]) -> None:
    rows = desk.json("kpi", "--since", "2026-11-02", "--by", "team")["groups"]
    desk_row = next(r for r in rows if r["team"] == "IS-Service Desk")
    # A (first contact) and D (duplicate) resolved; only A counts: 1 of 1, not 1 of 2.
    assert (desk_row["resolved"], desk_row["counted"], desk_row["fcr_pct"]) == (2, 1, 100.0)
    assert desk_row["backlog"] == 3


def test_window_until_is_exclusive_and_narrows_resolution_measures(
        desk: Desk, example: dict[str, str]) -> None:
    k = desk.json("kpi", "--since", "2026-11-16", "--until", "2026-11-18")
    # Resolved in [16th, 18th): A, C, D -> counted A, C.
    assert (k["resolved"], k["counted"], k["fcr_pct"]) == (3, 2, 50.0)


def test_trend_by_week_puts_tickets_in_their_weeks(desk: Desk, example: dict[str, str]) -> None:
    rows = desk.json("kpi", "--trend", "week", "--since", "2026-11-02")
    assert [r["period"] for r in rows] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert [r["opened"] for r in rows] == [1, 1, 4, 0]  # F; C; A B D G
    assert [r["resolved"] for r in rows] == [0, 0, 4, 0]
    text = desk.run("kpi", "--trend", "week", "--since", "2026-11-02").stdout
    assert "2026-W47" in text and "#" * 24 in text


def test_business_minutes_follow_a_file_change(desk: Desk, example: dict[str, str]) -> None:
    assert desk.json("kpi", "--since", "2026-11-02")["ttr_bh_p90"] == 18.0
    path = desk.root / ids.relative_path(example["C"])
    changed = path.read_text().replace("end = 2026-11-13T09:00:00-06:00",
                                       "end = 2026-11-12T10:00:00-06:00")
    tmp = path.with_name("edit.tmp")
    tmp.write_text(changed)
    os.replace(tmp, path)  # as editors and sdesk write: the shard folder's mtime moves
    desk.git("commit", "-qam", "hold was shorter")
    # Held only Thu 09:00-10:00 (1 business h): 27 - 1 = 26 h.
    assert desk.json("kpi", "--since", "2026-11-02")["ttr_bh_p90"] == 26.0


def test_bad_dates_are_one_line_errors(desk: Desk) -> None:
    assert "--since: not a date" in desk.fails("kpi", "--since", "someday").stderr
    assert ("--since 2026-11-20 (2026-11-20 00:00 CST) is after --until 2026-11-01 "
            "(2026-11-01 00:00 CDT): the period would be empty") in desk.fails(
        "kpi", "--since", "2026-11-20", "--until", "2026-11-01").stderr


def test_a_window_with_no_tickets_counts_zero_and_leaves_rates_undefined(desk: Desk) -> None:
    for out in (desk.json("kpi"), desk.json("kpi", "--by", "team")["total"]):
        assert (out["opened"], out["resolved"], out["counted"], out["backlog"]) == (0, 0, 0, 0)
        assert out["fcr_pct"] is None and out["ttr_bh_median"] is None  # undefined, not 0 %
    assert desk.run("kpi").stdout.splitlines()[1].split()[-1] == "0"  # "Opened  0"


def test_kpi_text_csv_and_by_outputs(desk: Desk, example: dict[str, str]) -> None:
    text = desk.run("kpi", "--since", "2026-11-02").stdout
    assert "First contact resolution %" in text and "33.3" in text
    csv = desk.run("kpi", "--since", "2026-11-02", "--csv").stdout
    assert "fcr_pct,33.3" in csv
    by = desk.run("kpi", "--by", "priority", "--csv").stdout.splitlines()
    assert by[0].startswith("priority,opened,resolved")


# The derived values the index keeps for KPIs (sdesk/reports/kpi.py: counted, clock and business hours
# to resolve) must give the same figures however the index came to be: built cold, rebuilt by
# `sdesk reindex`, or refreshed after a calendar change.
HAND_WORKED_TIMES = {"ttr_bh_mean": 7.67, "ttr_bh_median": 3.0, "ttr_bh_p90": 18.0,
                     "ttr_clock_mean": 46.67, "ttr_clock_median": 18.0, "ttr_clock_p90": 120.0}


def times_of(report: dict[str, Any]) -> dict[str, Any]:
    return {k: report[k] for k in HAND_WORKED_TIMES}


def test_kpis_are_the_same_from_a_fresh_index_and_after_reindex(
        desk: Desk, example: dict[str, str]) -> None:
    first = desk.json("kpi", "--since", "2026-11-02")
    assert times_of(first) == HAND_WORKED_TIMES
    desk.run("reindex")
    assert desk.json("kpi", "--since", "2026-11-02") == first
    for index_file in (desk.root / ".git" / "sdesk").glob("index*.sqlite*"):
        index_file.unlink()  # deleting the index loses nothing: the next command rebuilds it
    assert desk.json("kpi", "--since", "2026-11-02") == first
    assert desk.json("kpi", "--since", "2026-11-02", "--by", "team")["total"] == {
        k: v for k, v in first.items()
        if k not in ("schema_version", "window", "sla_by_priority", "volume")}


def test_a_holiday_added_to_the_calendar_changes_business_hours_to_resolve(
        desk: Desk, example: dict[str, str]) -> None:
    assert times_of(desk.json("kpi", "--since", "2026-11-02")) == HAND_WORKED_TIMES
    calendar = desk.root / "reference" / "calendar.toml"
    calendar.write_text(calendar.read_text() + '\n[[holiday]]\nname = "Storm day"\n'
                        'month = 11\nday = 13\n')
    desk.git("commit", "-qam", "storm day")
    # C: Tue 8 + Wed 0 + Thu 9 + Fri 0 (now a holiday) + Mon 1 = 18 h, minus held Thu 09-17
    # (8) = 10 h. A (2) and B (3) are untouched: mean (2 + 3 + 10) / 3 = 5.0, p90 10.
    # Clock hours do not depend on the calendar.
    assert times_of(desk.json("kpi", "--since", "2026-11-02")) == {
        **HAND_WORKED_TIMES, "ttr_bh_mean": 5.0, "ttr_bh_p90": 10.0}
    desk.run("reindex")
    assert times_of(desk.json("kpi", "--since", "2026-11-02"))["ttr_bh_p90"] == 10.0


@pytest.mark.parametrize("group", ["team", "priority", "agency"])
def test_medians_by_group_are_each_groups_own_ranks(desk: Desk, example: dict[str, str],
                                                     group: str) -> None:
    """`--by` reads medians and p90s by walking a (group, time) index; the same figures come
    from sorting each group's times in Python."""
    from sdesk.reports import kpi
    from sdesk.store import Store

    since = dt.datetime.fromisoformat("2026-11-02T00:00:00-06:00").timestamp()
    rows = desk.json("kpi", "--since", "2026-11-02", "--by", group)["groups"]
    db = Store.open(str(desk.root)).index.db
    column = kpi.GROUPS[group]
    times: dict[str, tuple[list[float], list[float]]] = {}
    for g, clock, bh in db.execute(f"SELECT {column}, ttr_clock, ttr_bh FROM tickets "
                                   "WHERE counted = 1 AND resolved_at >= ?", (since,)):
        label = str(g) if g not in ("", None) else "(none)"
        lists = times.setdefault(label, ([], []))
        lists[0].extend([clock] if clock is not None else [])
        lists[1].extend([bh] if bh is not None else [])
    assert times, "the example resolves tickets in the window"
    for row in rows:
        clock, bh = times.get(str(row[group]), ([], []))
        for name, values in (("clock", clock), ("bh", bh)):
            median, p90 = kpi.median_p90(sorted(values))
            assert (row[f"ttr_{name}_median"], row[f"ttr_{name}_p90"]) == (
                kpi.rnd(median), kpi.rnd(p90)), (group, row[group], name)
