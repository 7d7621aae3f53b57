"""Command-line rough edges (issue 11 follow-ups, session 34), each through the real CLI on a
real store: a bad --accept/--reject KIND is a usage error (exit 2); the time to assign is
never negative (an assignment before the opening is left out and counted, and an import
never makes one); list --team and check agree on a team's spelling; queue takes --priority."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from assign_helpers import log

from tests.conftest import Desk, run_sdesk

KNOWN = "known: duplicate, separation, trend, priority, on-site, kind, service, request, all"


@pytest.mark.parametrize("option", ["--accept", "--reject"])
def test_an_unknown_proposal_kind_is_a_usage_error(desk: Desk, option: str) -> None:
    # it was exit 1, as a refused change; a value outside an option's choices is exit 2
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("triage", ticket, option, "bogus", code=2)
    assert result.stderr == (f"sdesk: error: {option}: unknown proposal 'bogus' ({KNOWN}) "
                             "(see 'sdesk triage --help')\n")
    assert result.stdout == ""
    # checked as the line is read: before the tickets are looked up
    assert desk.fails("triage", "INC-NONE", option, "bogus", code=2).stderr == result.stderr
    assert desk.snapshot() == before


def _assigned_early(desk: Desk) -> tuple[str, str]:
    """Two tickets of IS-Desktop Support opened at NOW: one assigned an hour later, one whose
    file says it was assigned two hours before it was opened (a collaborator's commit from a
    clone without sdesk's hooks: hooks are not cloned)."""
    import datetime as dt

    from sdesk.core.model import dumps, loads

    later = log(desk, "Mouse is slow")
    desk.run("assign", later, "--to", "dcooper", now="2026-11-23T10:00:00-06:00")
    early = log(desk, "Monitor flickers")
    desk.run("assign", early, "--to", "dcooper", now="2026-11-23T10:00:00-06:00")
    [path] = (desk.root / "tickets").rglob(f"{early}.toml")
    ticket = loads(path.read_text(encoding="utf-8"), str(path))
    ticket.assigned_at = ticket.opened_at - dt.timedelta(hours=2)
    path.write_text(dumps(ticket), encoding="utf-8")
    desk.git("commit", "--no-verify", "-qam", "a collaborator's change")
    return later, early


WARNING = ("sdesk: warning: 1 ticket assigned before it was opened (assigned_at before "
           "opened_at) left out of the time to assign; sdesk check lists them\n")


@pytest.mark.parametrize("window", [[], ["--since", "2026-11-01"], ["--until", "2026-12-01"]],
                         ids=["all time", "since", "until"])
def test_time_to_assign_leaves_out_an_assignment_before_the_opening(
        desk: Desk, window: list[str]) -> None:
    # the mean was (1 - 2) / 2 = -0.5 h: the index's sums took assigned_at - opened_at as is
    _assigned_early(desk)
    result = desk.run("kpi", *window, "--json", now="2026-11-23T12:00:00-06:00")
    assert json.loads(result.stdout)["assign_hours_mean"] == 1.0
    assert result.stderr == WARNING
    by_team = desk.run("kpi", *window, "--by", "team", "--json",
                       now="2026-11-23T12:00:00-06:00")
    [desktop] = [g for g in json.loads(by_team.stdout)["groups"]
                 if g["team"] == "IS-Desktop Support"]
    assert desktop["assign_hours_mean"] == 1.0
    assert "assigned_at: before opened_at" in desk.fails("check", code=1).stdout


def test_an_import_never_assigns_before_the_opening(desk: Desk, tmp_path: Path) -> None:
    # a row updated (sys_updated_at) before the incident's opened_at, an export's clock skew
    # or a back-dated opening, was the assignment time: time to assign -2 h
    path = tmp_path / "export.csv"
    path.write_text("number,incident_state,active,opened_at,sys_updated_at,assignment_group,"
                    "assigned_to\nINC9,Active,true,23/11/2026 10:00,23/11/2026 08:00,"
                    "IS-Desktop Support,dcooper\n", encoding="utf-8")
    desk.run("import", "servicenow", str(path), now="2026-11-23T12:00:00-06:00")
    ticket = desk.ticket("INC9")
    assert ticket["assigned_at"] == ticket["opened_at"] == "2026-11-23T10:00:00-06:00"
    result = desk.run("kpi", "--json", now="2026-11-23T12:00:00-06:00")
    assert json.loads(result.stdout)["assign_hours_mean"] == 0.0
    assert result.stderr == ""
    desk.run("check")


def test_a_team_spelled_otherwise_than_the_reference_is_no_teams_anywhere(desk: Desk) -> None:
    # `list --team` matched the files' team in any case, so it listed a ticket that `queue` and
    # `triage` of that team left out and `sdesk check` called no team's: now all agree
    ticket = log(desk)
    [path] = (desk.root / "tickets").rglob(f"{ticket}.toml")
    path.write_text(path.read_text(encoding="utf-8").replace(
        'team = "IS-Desktop Support"', 'team = "is-desktop support"'), encoding="utf-8")
    desk.git("commit", "--no-verify", "-qam", "a hand edit")  # hooks are not cloned
    for typed in ("IS-Desktop Support", "is-desktop support", "is-desk"):
        assert desk.json("list", "--team", typed) == []
        assert desk.json("queue", "--team", typed) == []
    assert [row["id"] for row in desk.json("list")] == [ticket]  # listed, as its file says
    assert desk.fails("check", code=1).stdout.endswith(
        "team: 'is-desktop support' is not a team of reference/teams.toml, which spells it "
        "'IS-Desktop Support': write that in the file (queue, triage and list --team go by "
        "the reference's spelling)\n")
    path.write_text(path.read_text(encoding="utf-8").replace(
        'team = "is-desktop support"', 'team = "IS-Desktop Support"'), encoding="utf-8")
    desk.git("commit", "-qam", "spelled as the reference")
    desk.run("check")
    assert [row["id"] for row in desk.json("list", "--team", "is-desk")] == [ticket]
    assert [row["id"] for row in desk.json("queue", "--team", "is-desk")] == [ticket]


def test_queue_takes_priority_as_list_does(desk: Desk) -> None:
    # `queue` had no --priority though `list` has one
    p1 = log(desk, "Server room flooded", "--priority", "P1")
    p2 = log(desk, "Whole floor cannot print", "--priority", "2")
    log(desk, "Mouse is slow", "--priority", "4")
    for typed in (["--priority", "P1", "--priority", "p2"], ["--priority", "1", "--priority", "2"]):
        queued = [row["id"] for row in desk.json("queue", *typed)]
        assert queued == [p1, p2]  # the queue's order: earliest Resolve By first
        listed = {row["id"] for row in desk.json("list", "--unassigned", *typed)}
        assert listed == set(queued)
    assert desk.json("queue", "--team", "is-desk", "--priority", "3") == []
    assert desk.fails("queue", "--priority", "P5", code=2).stderr == (
        "sdesk: error: Invalid value for '--priority': 'P5' is not a priority: give 1-4 or "
        "P1-P4 (see 'sdesk queue --help')\n")
    assert "--priority LEVEL" in desk.run("queue", "--help").stdout
    # the console script's fast path (no click) gives the same rows
    fast = run_sdesk("--store", str(desk.root), "--now", desk.now, "queue", "--priority", "2",
                     "--json")
    assert fast.returncode == 0, fast.stderr
    assert [row["id"] for row in json.loads(fast.stdout)] == [p2]


def _kill_mid_batch(desk: Desk, tickets: list[str]) -> list[str]:
    """What a batch killed between writing and committing leaves: its intent record naming
    every file, each rewritten. Returns the files' paths in the store, sorted."""
    from sdesk.git import recovery
    from sdesk.store import Store

    paths = sorted(next(desk.root.glob(f"tickets/*/*/{t}.toml")) for t in tickets)
    store = Store(desk.root)
    recovery.begin(store, [store.git_path(p) for p in paths])
    for path in paths:
        path.write_bytes(path.read_bytes() + b"\n[[journal]]\n")
    return [p.relative_to(desk.root).as_posix() for p in paths]


def test_check_says_what_it_rolled_back_in_one_line(desk: Desk) -> None:
    # one stderr line per file rolled back (and the opening's own line before them): a killed
    # batch of hundreds buried the store's problems
    tickets = [log(desk, f"Broken thing {n}") for n in range(7)]
    paths = _kill_mid_batch(desk, tickets)
    result = desk.run("check")
    assert result.stderr == (
        f"sdesk: a killed command's half-done change was rolled back (7 files: "
        f"{', '.join(paths[:5])} and 2 more); the store is as its last commit\n")
    assert result.stdout == "store ok\n"
    assert desk.git("status", "--porcelain") == ""
    _kill_mid_batch(desk, tickets)
    assert desk.json("check")["recovered"] == paths  # --json: every path
    [one] = _kill_mid_batch(desk, tickets[:1])
    assert desk.run("check").stderr == (
        f"sdesk: a killed command's half-done change was rolled back (1 file: {one}); the "
        "store is as its last commit\n")
