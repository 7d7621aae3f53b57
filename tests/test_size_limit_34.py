"""Session 34 (fix34b): a ticket near the 1 MiB read limit stops neither a batch nor a sync
silently. `triage --all` skips the one ticket whose write would go over, says so in one line
naming it and what to do, and triages the rest; a sync whose merge of a ticket would go over
is refused, nothing changed, and both sides kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from assign_helpers import log
from conftest import Desk
from test_sync import git, make_clones

LIMIT = 1_048_576


def near_limit(room: int) -> Any:
    """A collaborator's change leaving the ticket's file `room` bytes under the limit."""
    from sdesk.core.model import dumps

    def fill(t: Any) -> None:
        t.description = ""
        t.description = "x" * (LIMIT - len(dumps(t).encode()) - room)
    return fill


def long_note(text: str, minute: int) -> Any:
    from sdesk.core.model import journal_entry

    at = dt.datetime(2026, 11, 23, 9, minute, tzinfo=dt.timezone(dt.timedelta(hours=-6)))

    def add(t: Any) -> None:
        t.journal.append(journal_entry(at, "Dana Dispatcher", "note", text))
    return add


def test_one_ticket_too_big_to_triage_is_skipped_and_the_rest_are_triaged(desk: Desk) -> None:
    first = log(desk, "Printer jams")
    big = log(desk, "Scanner broken")
    last = log(desk, "Mouse broken")
    desk.collaborate(big, near_limit(300))
    result = desk.run("triage", "--all")
    assert [desk.ticket(i)["status"] for i in (first, last)] == ["triaged", "triaged"]
    said = [line for line in result.stderr.splitlines() if big in line]
    assert len(said) == 1, result.stderr
    assert said[0].startswith(f"sdesk: warning: {big} skipped: its triage would make its file ")
    assert f"over the {LIMIT}-byte limit" in said[0] and f"sdesk triage {big}" in said[0]
    assert desk.ticket(big)["status"] == "new"
    assert big not in result.stdout.splitlines()  # no plan of its own either
    assert "triage: 3 tickets, 2 changed" in result.stderr


def test_a_sync_whose_merge_would_make_a_ticket_too_big_is_refused_keeping_both_sides(
        tmp_path: Path) -> None:
    _, a, b = make_clones(tmp_path)
    tid = a.new("-T", "Printer jams")
    a.run("sync")
    b.run("sync")
    a.collaborate(tid, long_note("a" * 600_000, 10))
    a.run("sync")
    b.collaborate(tid, long_note("b" * 600_000, 20))
    before = b.snapshot()
    result = b.fails("sync", code=1)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert f"over the {LIMIT}-byte limit for a ticket file" in result.stderr
    assert "both sides are kept as they were" in result.stderr
    assert b.snapshot() == before  # b's side kept, nothing merged
    rel = next(b.root.glob(f"tickets/*/*/{tid}.toml")).relative_to(b.root).as_posix()
    assert "a" * 1000 in git(b.root, "show", f"origin/main:{rel}")  # a's side, on the remote
