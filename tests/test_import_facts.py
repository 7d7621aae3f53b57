"""An import keeps the source's facts (issue 13): its empty fields, its SLA verdict, every row
or none, its event order across a daylight-saving change; and the store it builds is clean
under `check --deep`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Desk

HEADER = ("number,incident_state,active,reopen_count,made_sla,opened_at,sys_updated_at,"
          "priority,assignment_group,assigned_to,closed_code,resolved_at,closed_at")


def _csv(tmp_path: Path, *rows: str, name: str = "export.csv", header: str = HEADER) -> str:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def _kpi(desk: Desk, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(desk.run("kpi", "--since", "2010-01-01", "--json",
                                               *args).stdout)
    return data


def _index_value(desk: Desk, external_ref: str, column: str) -> Any:
    import sqlite3

    from sdesk.store import Store

    db = sqlite3.connect(Store(desk.root).index.path)
    (value,) = db.execute(f"SELECT {column} FROM tickets WHERE external_ref = ?",
                          (external_ref,)).fetchone()
    db.close()
    return value


def test_closed_unresolved_keeps_resolved_empty(desk: Desk, tmp_path: Path) -> None:
    path = _csv(tmp_path,
                "INC1,Closed,false,0,true,1/3/2016 09:00,2/3/2016 10:00,4 - Low,Group 70,"
                "Res 1,Solved (Permanently),1/3/2016 14:00,2/3/2016 10:00",
                "INC2,Closed,false,0,true,1/3/2016 09:00,3/3/2016 10:00,4 - Low,Group 70,"
                "Res 1,?,?,3/3/2016 10:00")
    desk.run("import", "servicenow", path)
    closed = desk.ticket("INC2")
    assert closed["status"] == "closed"
    assert closed["resolved_at"] in (None, "")
    assert closed["closed_at"] == "2016-03-03T10:00:00-06:00"
    k = _kpi(desk)
    assert k["resolved"] == 1  # INC2 was closed, never resolved
    assert k["ttr_clock_median"] == 5.0
    export = desk.run("export", "--csv").stdout.splitlines()
    header = export[0].split(",")
    row = next(line.split(",") for line in export if line.startswith("INC2"))
    assert row[header.index("resolved_at")] in ("", "?")
    desk.run("check", "--deep")


def test_source_sla_verdict_stands_same_minute(desk: Desk, tmp_path: Path) -> None:
    path = _csv(tmp_path,
                "INC3,Resolved,true,0,false,1/3/2016 09:00,1/3/2016 09:00,3 - Moderate,"
                "Group 70,Res 1,Solved (Permanently),1/3/2016 09:00,?")
    desk.run("import", "servicenow", path)
    assert _kpi(desk)["sla_resolve_pct"] == 0.0
    assert "missed" in desk.run("show", "INC3").stdout
    desk.run("check", "--deep")


@pytest.mark.parametrize("rest", [1, 4000], ids=["little-left", "much-left"])
def test_stray_quote_refuses_the_file(desk: Desk, tmp_path: Path, rest: int) -> None:
    rows = [f"INC{n},New,true,0,true,1/3/2016 09:00,1/3/2016 09:00,3 - Moderate,Group 1,?,?,?,?"
            for n in range(10, 13)]
    rows.append('INC13,New,true,0,true,1/3/2016 09:00,1/3/2016 09:00,3 - Moderate,"Group 1,'
                '?,?,?,?')
    rows += [f"INC{n},New,true,0,true,1/3/2016 09:00,1/3/2016 09:00,3 - Moderate,Group {n} "
             + "x" * 40 + ",?,?,?,?" for n in range(20, 20 + rest)]
    path = _csv(tmp_path, *rows)
    before = desk.snapshot()
    result = desk.fails("import", "servicenow", path)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sdesk: error: export.csv: line 5: a quoted field opens here"), \
        lines[0]
    assert "nothing was imported" in lines[0]
    assert desk.snapshot() == before


def test_a_reopen_ends_the_source_verdict(desk: Desk, tmp_path: Path) -> None:
    """made_sla judged the source's resolution; once sdesk reopens it, the next resolution is
    judged by Resolve By (which the reopen moved by the time it sat resolved)."""
    path = _csv(tmp_path,
                "INC31,Resolved,true,0,false,16/11/2026 09:00,16/11/2026 09:00,3 - Moderate,"
                "Group 70,Res 1,Solved (Permanently),16/11/2026 09:00,?")
    desk.run("import", "servicenow", path)
    assert _kpi(desk)["sla_resolve_pct"] == 0.0
    desk.run("reopen", "INC31", "--reason", "still broken", now="2026-11-17T09:00:00-06:00")
    assert "made_sla" not in desk.ticket("INC31")["imported"]
    desk.run("resolve", "INC31", "--code", "fixed", "-s", "done", now="2026-11-17T10:00:00-06:00")
    assert _kpi(desk)["sla_resolve_pct"] == 100.0


def test_semicolon_separated_file(desk: Desk, tmp_path: Path) -> None:
    path = _csv(tmp_path, "INC4;New;true;0;true;1/3/2016 09:00;1/3/2016 09:00;3 - Moderate;"
                "Group 70;?;?;?;?", header=HEADER.replace(",", ";"))
    out = desk.run("import", "servicenow", path).stdout
    assert "imported 1 tickets (1 new" in out
    assert desk.ticket("INC4")["team"] == "Group 70"


def test_one_column_header_says_what_is_wrong(desk: Desk, tmp_path: Path) -> None:
    path = _csv(tmp_path, "INC5:New", header="number:incident_state")
    result = desk.fails("import", "servicenow", path)
    assert "no 'number' column (columns: number:incident_state); the header is one column" in \
        result.stderr


def test_fall_back_hour_keeps_events_in_order(desk: Desk, tmp_path: Path) -> None:
    path = _csv(tmp_path,
                "INC6,Resolved,true,0,true,1/11/2026 01:50,1/11/2026 01:10,4 - Low,Group 70,"
                "Res 1,Solved (Permanently),1/11/2026 01:10,?",
                "INC7,Resolved,true,0,true,1/11/2026 00:30,1/11/2026 02:30,4 - Low,Group 70,"
                "Res 1,Solved (Permanently),1/11/2026 01:20,?")
    out = desk.run("import", "servicenow", path, now="2026-11-02T09:00:00-06:00").stdout
    t = desk.ticket("INC6")
    assert t["opened_at"] == "2026-11-01T01:50:00-05:00"
    assert t["resolved_at"] == "2026-11-01T01:10:00-06:00"
    assert _index_value(desk, "INC6", "ttr_clock") == pytest.approx(1 / 3)
    # INC7: resolved 01:20 is after 00:30 in both readings: genuinely ambiguous, reported.
    assert "line 3: resolved_at 2026-11-01 01:20 is in the repeated hour" in out
    assert "line 2: resolved_at" not in out
    desk.run("check", "--deep")


def test_held_time_across_dst_is_the_same_after_reindex(desk: Desk, tmp_path: Path) -> None:
    path = _csv(tmp_path,
                "INC8,Active,true,0,true,11/3/2016 09:00,11/3/2016 09:00,3 - Moderate,"
                "Group 70,Res 1,?,?,?",
                "INC8,Awaiting User Info,true,0,true,11/3/2016 09:00,12/3/2016 11:00,"
                "3 - Moderate,Group 70,Res 1,?,?,?",
                "INC8,Active,true,0,true,11/3/2016 09:00,14/3/2016 11:00,3 - Moderate,"
                "Group 70,Res 1,?,?,?",
                "INC8,Resolved,true,0,true,11/3/2016 09:00,14/3/2016 12:00,3 - Moderate,"
                "Group 70,Res 1,Solved (Permanently),14/3/2016 12:00,?")
    desk.run("import", "servicenow", path)
    before = _kpi(desk)
    desk.run("check", "--deep")
    desk.run("reindex")
    assert _kpi(desk) == before
    # opened Fri 09:00 CST, resolved Mon 12:00 CDT = 74 real hours, 47 of them held
    assert before["ttr_clock_mean"] == 27.0
    desk.run("check", "--deep")


def test_commit_message_stays_readable(desk: Desk, tmp_path: Path) -> None:
    rows = [f"INC{n},New,true,0,true,1/3/2016 09:00,1/3/2016 09:00,3 - Moderate,Group 1,?,?,?,?"
            for n in range(100, 160)]
    desk.run("import", "servicenow", _csv(tmp_path, *rows))
    message = desk.git("log", "-1", "--format=%B")
    assert message.count("Sdesk-Ticket:") == 20
    assert "60 tickets (60 new, 0 updated) from 60 rows" in message
    assert "The first 20 of 60 tickets are named below" in message
    assert len(message) < 2000


def test_closed_pipe_is_not_a_failure(desk: Desk, tmp_path: Path) -> None:
    rows = [f"INC{n},New,true,0,true,1/3/2016 09:00,1/3/2016 09:00,3 - Moderate,Group 1,?,?,?,?"
            for n in range(200, 205)]
    path = _csv(tmp_path, *rows)
    before = desk.commits()
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the command writes a line (`| head -0`)
    proc = subprocess.run([sys.executable, "-m", "sdesk", "--store", str(desk.root), "--now",
                           desk.now, "import", "servicenow", path], stdout=write,
                          stderr=subprocess.PIPE, text=True)
    os.close(write)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert desk.commits() == before + 1


def test_filters_accept_the_teams_the_store_holds(desk: Desk, tmp_path: Path) -> None:
    path = _csv(tmp_path, "INC9,New,true,0,true,1/3/2016 09:00,1/3/2016 09:00,3 - Moderate,"
                "Group 70,?,?,?,?")
    desk.run("import", "servicenow", path)
    assert "INC9" in desk.run("list", "--team", "Group 70", "--wide").stdout + json.dumps(
        desk.json("list", "--team", "Group 70"))
    assert len(desk.json("queue", "--team", "group 70")) == 1
    desk.run("stale", "--team", "Group 70")
    desk.run("workload", "--team", "Group 70")
    desk.fails("list", "--team", "Group 71")


@pytest.mark.parametrize("words", ["12 weeks ago", "3 days ago", "2 hours ago", "yesterday",
                                   "a month ago", "today"])
def test_relative_dates_work_everywhere(desk: Desk, words: str) -> None:
    desk.run("kpi", "--since", words)
    desk.run("list", "--since", words)
    desk.run("export", "--csv", "--since", words, "--until", "now")
    desk.run("close", "--resolved-before", words, ok=False)


def test_tomorrow_is_midnight_ending_today(desk: Desk) -> None:
    # fresh-user finding, session 28: yesterday, today and now worked, tomorrow was refused
    desk.new("-T", "Printer jams", "--email", "ana@omes.ok.gov")
    assert desk.json("kpi", "--since", "today", "--until", "tomorrow")["opened"] == 1
    assert desk.json("list", "--since", "tomorrow") == []
    # fresh-user finding D, session 29: "--since must be before --until" with no --until given
    want = ("sdesk: error: --since tomorrow (2026-11-24 00:00 CST) is after --until (now, "
            "2026-11-23 09:00 CST): the period would be empty\n")
    assert desk.fails("kpi", "--since", "tomorrow").stderr == want
    assert desk.fails("report", "--since", "tomorrow", "-o", str(desk.root / "r.html")
                      ).stderr == want
    assert not (desk.root / "r.html").exists()


def test_rows_out_of_file_order_are_grouped_in_time_order(desk: Desk, tmp_path: Path) -> None:
    """The latest row gives the final state even when the file lists it first; earlier rows
    (kept slim) still give the journal and holds in time order."""
    path = _csv(tmp_path,
                "INC50,Resolved,true,0,true,1/3/2016 09:00,3/3/2016 10:00,4 - Low,Group 70,"
                "Res 2,Solved (Permanently),3/3/2016 10:00,?",
                "INC50,New,true,0,true,1/3/2016 09:00,1/3/2016 09:00,4 - Low,Group 70,?,?,?,?",
                "INC51,New,true,0,true,1/3/2016 09:00,1/3/2016 09:00,4 - Low,Group 1,?,?,?,?",
                "INC50,Awaiting Vendor,true,0,true,1/3/2016 09:00,2/3/2016 10:00,4 - Low,"
                "Group 70,Res 1,?,?,?")
    desk.run("import", "servicenow", path)
    t = desk.ticket("INC50")
    assert (t["status"], t["assignee"]) == ("resolved", "Res 2")
    assert [h["start"][:16] for h in t["holds"]] == ["2016-03-02T10:00"]
    assert t["holds"][0]["end"][:16] == "2016-03-03T10:00"
    assert [e["at"][:10] for e in t["journal"]] == ["2016-03-01", "2016-03-02", "2016-03-03"]
