"""`sdesk assign ID --to TECH`: the dispatcher's choice, checked against the skills reference."""

from __future__ import annotations

from assign_helpers import journal_of, load, log


def test_dispatcher_choice_is_assigned_when_fit(desk):
    ticket = log(desk)
    desk.run("assign", ticket, "--to", "Dwayne Cooper")
    assert desk.ticket(ticket)["assignee"] == "dcooper"
    assert "dispatcher's choice" in journal_of(desk, ticket, "assign")[0]


def test_technician_lacking_a_required_skill_is_refused_without_force(desk):
    ticket = log(desk, "Scanner", "--skill", "scanners")
    before = desk.snapshot()
    result = desk.fails("assign", ticket, "--to", "dcooper", code=1)
    assert "dcooper lacks skill scanners" in result.stderr
    assert "--force" in result.stderr
    assert desk.snapshot() == before


def test_technician_out_of_office_is_refused_without_force(desk):
    ticket = log(desk)
    result = desk.fails("assign", ticket, "--to", "mhernandez", code=1)
    assert "out of office 2026-11-23 to 2026-11-25" in result.stderr


def test_technician_over_capacity_is_refused_without_force(desk):
    load(desk, "dcooper", "31")
    ticket = log(desk, effort="2")
    result = desk.fails("assign", ticket, "--to", "dcooper", code=1)
    assert "over capacity (33 h with this ticket > 32 h)" in result.stderr


def test_forced_override_is_recorded_in_the_journal(desk):
    ticket = log(desk, "Scanner", "--skill", "scanners")
    desk.run("assign", ticket, "--to", "mhernandez", "--force")
    assert desk.ticket(ticket)["assignee"] == "mhernandez"
    [why] = journal_of(desk, ticket, "assign")
    assert "override (--force): mhernandez lacks skill scanners" in why
    assert "override (--force): mhernandez out of office" in why


def test_technician_of_another_team_needs_force_and_takes_the_ticket_to_their_team(desk):
    ticket = log(desk)
    result = desk.fails("assign", ticket, "--to", "nsingh", code=1)
    assert "is in IS-Network Services" in result.stderr
    desk.run("assign", ticket, "--to", "nsingh", "--force")
    data = desk.ticket(ticket)
    assert (data["team"], data["assignee"]) == ("IS-Network Services", "nsingh")


def test_unknown_technician_is_one_clear_error(desk):
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("assign", ticket, "--to", "nobody", code=1)
    assert "unknown technician 'nobody'" in result.stderr
    assert desk.snapshot() == before


def test_an_empty_technician_is_refused_not_assigned_by_the_rules(desk):
    # `--to ""` once fell through to "assign by the rules": a commit and a mail nobody asked for
    ticket = log(desk)
    before = desk.snapshot()
    for empty in ("", "   "):
        result = desk.fails("assign", ticket, "--to", empty, code=1)
        assert "unknown technician" in result.stderr
    assert desk.snapshot() == before


def test_assigning_to_the_current_assignee_is_nothing_to_do(desk):
    ticket = log(desk)
    desk.run("assign", ticket, "--to", "dcooper")
    desk.fails("assign", ticket, "--to", "dcooper", code=4)


def test_one_ticket_awaiting_the_supervisors_priority_is_assigned_with_a_warning(desk):
    # tester finding, session 37: `assign --team` held it back, `assign ID --to` said nothing
    ticket = log(desk, "Broken thing", "--priority", "1")
    desk.run("triage", ticket)
    assert "priority-review" in desk.ticket(ticket)["flags"]
    result = desk.run("assign", ticket, "--to", "dcooper")
    assert desk.ticket(ticket)["assignee"] == "dcooper"
    assert (f"warning: {ticket} awaits the supervisor's priority decision (P1 may change: "
            f"sdesk priority {ticket} LEVEL --reason ...); assigned as you asked") in result.stderr
    other = log(desk, "Broken thing two")
    desk.run("triage", other)
    assert "awaits" not in desk.run("assign", other, "--to", "dcooper").stderr
