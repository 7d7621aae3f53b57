"""`sdesk hold` and `sdesk resume`: the SLA clock pauses on hold, and Resolve By moves by the
paused time on the ticket's clock (business time for P2-P4, real time for P1)."""

from __future__ import annotations

from assign_helpers import journal_of, log

WED_AFTERNOON = "2026-11-25T15:00:00-06:00"  # before Thanksgiving and the day after
NEXT_MONDAY = "2026-11-30T10:00:00-06:00"


def test_hold_appends_a_hold_and_pauses(desk):
    ticket = log(desk)
    desk.run("hold", ticket, "--reason", "awaiting-customer", "--asked-by-phone", "--note", "User on leave")
    data = desk.ticket(ticket)
    assert data["status"] == "on-hold"
    assert data["holds"] == [{"start": "2026-11-23T09:00:00-06:00", "end": None,
                              "reason": "awaiting-customer"}]
    [text] = journal_of(desk, ticket, "hold")
    assert "awaiting-customer" in text and "User on leave" in text
    shown = desk.run("show", ticket).stdout
    assert "paused: on hold since" in shown and "Hold:" in shown


def test_business_clock_ticket_skips_a_holiday_and_weekend_on_hold(desk):
    ticket = log(desk, "P3 work", "-p", "3")
    assert desk.ticket(ticket)["resolve_by"] == "2026-11-30T09:00:00-06:00"
    desk.run("hold", ticket, "--reason", "awaiting-vendor", now=WED_AFTERNOON)
    desk.run("resume", ticket, now=NEXT_MONDAY)
    data = desk.ticket(ticket)
    # Paused: Wed 15:00-17:00 and Mon 08:00-10:00 = 4 business hours; Thanksgiving, the day
    # after and the weekend are not business time.
    assert data["resolve_by"] == "2026-11-30T13:00:00-06:00"
    assert data["holds"][0]["end"] == NEXT_MONDAY
    assert data["status"] == "new"
    [text] = journal_of(desk, ticket, "resume")
    assert "paused 4 h 00 min of business time" in text
    assert "2026-11-30T09:00-06:00 -> 2026-11-30T13:00-06:00" in text


def test_p1_ticket_on_the_24x7_clock_moves_by_real_time(desk):
    ticket = log(desk, "P1 outage", "-p", "1")
    assert desk.ticket(ticket)["resolve_by"] == "2026-11-23T13:00:00-06:00"
    desk.run("hold", ticket, "--reason", "awaiting-change", now="2026-11-23T10:00:00-06:00")
    desk.run("resume", ticket, now="2026-11-30T10:00:00-06:00")
    assert desk.ticket(ticket)["resolve_by"] == "2026-11-30T13:00:00-06:00"


def test_resume_restores_assigned_when_someone_holds_the_ticket(desk):
    ticket = log(desk)
    desk.run("assign", ticket, "--to", "dcooper")
    desk.run("hold", ticket, "--reason", "awaiting-customer", "--asked-by-phone")
    desk.run("resume", ticket, now="2026-11-23T11:00:00-06:00")
    assert desk.ticket(ticket)["status"] == "assigned"


def test_resume_restores_triaged_after_an_escalation(desk):
    ticket = log(desk)
    desk.run("escalate", ticket, "--to", "IS-Network Services", "--reason", "network")
    desk.run("hold", ticket, "--reason", "awaiting-customer", "--asked-by-phone")
    desk.run("resume", ticket, now="2026-11-23T11:00:00-06:00")
    assert desk.ticket(ticket)["status"] == "triaged"


def test_unknown_hold_reason_is_refused_with_the_known_list(desk):
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("hold", ticket, "--reason", "lunch", code=1)
    assert "awaiting-customer" in result.stderr and "'lunch'" in result.stderr
    assert desk.snapshot() == before


def test_second_hold_is_refused_and_resume_without_hold_is_nothing_to_do(desk):
    ticket = log(desk)
    desk.fails("resume", ticket, code=4)
    desk.run("hold", ticket, "--reason", "awaiting-customer", "--asked-by-phone")
    before = desk.snapshot()
    result = desk.fails("hold", ticket, "--reason", "awaiting-vendor", code=1)
    assert "already on hold" in result.stderr
    assert desk.fails("hold", ticket, "--reason", "awaiting-customer", "--asked-by-phone", code=4)
    assert desk.snapshot() == before


def test_resume_before_the_hold_started_is_refused(desk):
    ticket = log(desk)
    desk.run("hold", ticket, "--reason", "awaiting-customer", "--asked-by-phone")
    result = desk.run("resume", ticket, ok=False, now="2026-11-23T08:00:00-06:00")
    assert result.exit_code == 1
    assert "before the hold started" in result.stderr


def test_hold_dry_run_changes_nothing(desk):
    ticket = log(desk)
    before = desk.snapshot()
    desk.run("hold", ticket, "--reason", "awaiting-customer", "--asked-by-phone", "--dry-run")
    assert desk.snapshot() == before
