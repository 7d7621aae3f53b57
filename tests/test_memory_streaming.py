"""Issue 17, peak memory: batch commands that now read their tickets one at a time from the
index must decide and print exactly what they did when they held them all."""

from __future__ import annotations

import json

import pytest

from sdesk.core.render import json_text, table, table_lines
from sdesk.procedures.sweep import SweepContext, SweepSettings, sweep, sweep_each
from tests.conftest import Desk
from tests.test_sweep import MON, REF, TECH, UNANSWERED, ticket

NOW = "2026-11-25T10:00:00-06:00"


def _busy_sweep_store(desk: Desk) -> list[str]:
    """Tickets of every kind the sweep acts on: past due, unowned, quiet, resolved long ago."""
    made = []
    for i, team in enumerate(["IS-Desktop Support", "IS-Service Desk", "IS-Desktop Support"]):
        made.append(desk.new("-T", f"Monitor flickers {i}", "--team", team, "--agency", "OMES",
                             "--priority", "3", now=f"2026-11-1{6 + i}T09:00:00-06:00"))
    desk.run("assign", made[0], "--to", TECH.id, now="2026-11-16T09:30:00-06:00")
    done = desk.new("-T", "Printer offline", "--agency", "OMES", now="2026-11-16T09:00:00-06:00")
    desk.run("resolve", done, "-c", "fixed", "-s", "Restarted the spooler.",
             now="2026-11-16T10:00:00-06:00")
    made.append(desk.new("-T", "VPN drops", "--agency", "OMES", now="2026-11-25T09:50:00-06:00"))
    return [*made, done]


def test_sweep_dry_run_streamed_prints_the_whole_plan(desk: Desk) -> None:
    """`sweep --dry-run` prints ticket by ticket (streamed); the applied sweep prints the plan
    it built whole and committed: the two must be the same lines."""
    _busy_sweep_store(desk)
    before = desk.snapshot()
    shown = desk.run("sweep", "--dry-run", now=NOW).stdout
    assert desk.snapshot() == before
    applied = desk.run("sweep", now=NOW).stdout
    assert shown == applied
    assert shown.count("standard: SLA warning") >= 3 and "closed: resolved" in shown
    body = desk.git("log", "-1", "--format=%B")
    assert shown.strip() in body  # the commit message lists the same plan


def test_sweep_dry_run_json_streamed_is_the_document_of_the_whole_plan(desk: Desk) -> None:
    """`sweep --dry-run --json` writes its actions ticket by ticket: the same document, byte
    for byte, as the whole plan's (the applied sweep's actions); nothing due is exit 4."""
    _busy_sweep_store(desk)
    streamed = desk.run("sweep", "--dry-run", "--json", now=NOW).stdout
    applied = json.loads(desk.run("sweep", "--json", now=NOW).stdout)
    assert applied["commit"] and len(applied["actions"]) > 5
    assert streamed == json_text({"dry_run": True, "actions": applied["actions"]}) + "\n"
    nothing = desk.run("sweep", "--dry-run", "--json", now=NOW, ok=False)
    assert (nothing.exit_code, json.loads(nothing.stdout)["actions"]) == (4, [])
    assert nothing.stdout == json_text({"dry_run": True, "actions": []}) + "\n"


def test_sweep_each_is_sweep_ticket_by_ticket() -> None:
    tickets = [ticket(id=f"INC-{i}", opened_at=MON, **UNANSWERED) for i in range(3)]
    tickets.append(ticket(id="INC-9", status="resolved", resolved_at=MON))
    ctx = SweepContext(REF, MON.replace(day=25), "sdesk sweep", SweepSettings())
    whole = sweep(tickets, ctx)
    parts = list(sweep_each(tickets, ctx))
    assert [a for p in parts for a in p.actions] == whole.actions
    assert all({a.ticket for a in p.actions} == {p.actions[0].ticket} for p in parts)
    assert len(parts) == 4


ROWS = [["INC-2Q4N", "P2", "VIP", "assigned", "IS-Desktop Support", "", "\x1b[31mOVERDUE\x1b[0m",
         "Printer jams"],
        ["REQ-7KQ2X", "P4", "", "new", "IS-Service Desk", "skimble", "2h left",
         "  Install Visio  "],
        ["INC-9", "P1", "", "on-hold", "", "", "", ""]]
HEADS = ["id", "priority", "vip", "status", "team", "assignee", "resolve_by", "title"]


@pytest.mark.parametrize("fmt", ["plain", "simple", "github", "grid"])
@pytest.mark.parametrize("accent", ["", "Café Olé"])
def test_a_spilled_table_is_the_table(fmt: str, accent: str) -> None:
    """`table_lines` (cells spilled to a temporary file, read back line by line) prints what
    `table` prints from every row held, ASCII or not, whatever the format."""
    rows = [*ROWS, ["INC-8", "P3", "", "new", "", "", "", accent]]
    assert "\n".join(table_lines(iter(rows), HEADS, fmt) or []) == table(rows, HEADS, fmt)
    assert table_lines(iter([]), HEADS, fmt) is None


def test_list_table_is_what_it_was(desk: Desk) -> None:
    """`list` for people (short IDs 500 rows at a time, the table spilled): the same lines as
    the rows' views laid out by `table` from a list."""
    made = [desk.new("-T", f"Printer {i} jams", "--agency", "OMES") for i in range(12)]
    out = desk.run("list", "--sort", "id").stdout
    shorts = [line.split()[0] for line in out.splitlines()[1:]]
    assert len(shorts) == 12 and all(m.startswith(s) for s, m in zip(shorts, sorted(made), strict=True))
    as_json = desk.json("list", "--sort", "id")
    assert [r["id"] for r in as_json] == sorted(made)


@pytest.mark.parametrize("patch", [[], ["-p"]])
def test_log_across_a_folder_move_is_git_log_follow(desk: Desk, patch: list[str]) -> None:
    """`log` names the ticket's path in both folder layouts instead of `git log --follow`
    (which diffs every file of every commit): the history and its rename are the same."""
    tid = desk.new("-T", "Printer jams")
    desk.run("note", tid, "before the move")
    desk.run("migrate-folders", "3")
    desk.run("note", tid, "after the move")
    path = desk.git("ls-files", "tickets/*.toml").strip()
    assert path.count("/") == 4  # tickets/A/B/BLOCK/ID.toml
    expected = desk.git("log", "--follow", "--date=iso-local", "--format=%h  %ad  %an%n    %s",
                        *(patch or ["--stat=100"]), "--", path)
    out = desk.run("--no-pager", "log", tid, *patch).stdout
    assert out == expected.rstrip() + "\n"
    assert "before the move" in out and "after the move" in out
    assert (" => " in out) if not patch else ("rename from" in out)
