"""Command-line rough edges (issue 11 follow-ups, session 34), each through the real CLI on a
real store: a bad --accept/--reject KIND is a usage error (exit 2)."""

from __future__ import annotations

import pytest
from assign_helpers import log

from tests.conftest import Desk

KNOWN = "known: duplicate, separation, trend, priority, on-site, kind, service, all"


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
