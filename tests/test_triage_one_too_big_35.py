"""Session 35 (fix35c): `sdesk triage ID` on the one ticket named, when its triage would take
its file over the 1 MiB limit, is refused: exit 1, one line naming the ticket and why, the
store unchanged. A batch (`triage --all`) still skips such a ticket with a warning and
triages the rest (tests/test_size_limit_34.py). Before, the one ticket was skipped and the
command exited 4, "nothing to do", as if it needed no triage."""

from __future__ import annotations

from assign_helpers import log
from conftest import Desk
from test_size_limit_34 import LIMIT, near_limit


def test_triage_of_one_ticket_too_big_to_triage_is_refused_in_one_line(desk: Desk) -> None:
    big = log(desk, "Scanner broken")
    desk.collaborate(big, near_limit(300))
    before = desk.snapshot()
    for dry in ((), ("--dry-run",), ("--dry-run", "--json"), ("--json",)):
        result = desk.fails("triage", big, *dry, code=1)
        [line] = result.stderr.splitlines()
        assert line.startswith(f"sdesk: error: {big}: its triage would make its file "), line
        assert f"over the {LIMIT}-byte limit" in line and f"sdesk triage {big}" in line
        assert result.stdout == ""
    assert desk.snapshot() == before
