"""Issue 11 (session 34): usage errors and messages a fresh user found. Option and argument
misuse exits 2 as the exit-code table says (docs/commands.md, "Exit codes"), with one line."""

from __future__ import annotations

import pytest
from conftest import Desk


@pytest.mark.parametrize("args", [
    ("triage", "--all", "--accept", "duplicate"),
    ("kpi", "--trend", "month", "--by", "team"),
    ("handover", "--html", "--json"),
    ("list", "--flag", ""),
    ("set", "{id}", "title"),
    ("set", "{id}", "=x"),
])
def test_option_and_argument_misuse_is_a_usage_error(desk: Desk, args: tuple[str, ...]) -> None:
    tid = desk.new("-T", "Outlook will not open", "--email", "ana.ruiz@omes.ok.gov")
    before = desk.snapshot()
    result = desk.fails(*(a.format(id=tid) for a in args), code=2)
    assert result.stderr.strip().count("\n") <= 1 and "Traceback" not in result.stderr
    assert desk.snapshot() == before
