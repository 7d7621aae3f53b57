"""Issue 11 (session 34): usage errors and messages a fresh user found. Option and argument
misuse exits 2 as the exit-code table says (docs/commands.md, "Exit codes"), with one line."""

from __future__ import annotations

import json

import pytest
from conftest import Desk

from sdesk.core.ticketdoc import JOURNAL_KINDS


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


def test_check_reports_every_field_problem_of_a_ticket_with_its_line(desk: Desk) -> None:
    """A hand edit with several bad fields took a run of check for each, none naming a line;
    a ticket linking to the broken one said its target "does not exist"."""
    broken = desk.new("-T", "Outlook will not open", "--impact", "2")
    other = desk.new("-T", "Outlook will not open either")
    desk.run("relate", other, broken)
    [path] = (desk.root / "tickets").rglob(f"{broken}.toml")
    text = path.read_text()
    for old, new in (('status = "new"', 'status = "bogus"'), ("impact = 2", "impact = 7"),
                     ('channel = "phone"\n', ""), ('kind = "system"', 'kind = "zzz"')):
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text)
    at = {line: n for n, line in enumerate(text.splitlines(), start=1)}
    status, impact, kind = at['status = "bogus"'], at["impact = 7"], at['kind = "zzz"']
    rel = path.relative_to(desk.root).as_posix()
    out = desk.fails("check", code=1).stdout.splitlines()
    assert [line for line in out if line.startswith(rel)] == [
        f"{rel}:{status}: status: must be one of new, triaged, assigned, in-progress, on-hold, "
        "resolved, closed; got 'bogus'",
        f"{rel}:{impact}: impact: must be one of 1, 2, 3; got 7",
        f"{rel}:{kind}: journal[0].kind: must be one of {', '.join(JOURNAL_KINDS)}; got 'zzz'",
        f"{rel}: channel: missing"], out
    assert any(f"related: points at {broken}, which cannot be read (see above)" in line
               for line in out), out
    problems = json.loads(desk.fails("check", "--json").stdout)["problems"]
    assert {"path": rel, "line": impact, "field": "impact",
            "message": "must be one of 1, 2, 3; got 7"} in problems
