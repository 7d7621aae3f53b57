"""Session 40, tester A's findings 1, 6 and 7: the SLA clock a supervisor relies on. Each test
drives the real CLI on a real store at a fixed --now and fails on the code before session 40."""

from __future__ import annotations

import json

from conftest import Desk

from sdesk.core.reference import load_reference

OUTAGE = ("-T", "Statewide email outage", "--name", "Ana Ruiz", "--email", "ana.ruiz@omes.ok.gov",
          "--agency", "OMES", "--service", "Email", "--impact", "1", "--urgency", "1",
          "-d", "No agency can send or receive")
FRI = "2026-11-20T17:30:00-06:00"  # a Friday after hours; P1 is counted 24x7


def mails(desk: Desk) -> list[str]:
    return [p.read_text() for p in desk.outbox()]


def to_line(mail: str) -> str:
    return next(line for line in mail.splitlines() if line.startswith("To: "))


def test_unowned_p1_runs_on_its_24x7_clock_not_business_hours(desk: Desk) -> None:
    tid = desk.new(*OUTAGE, now=FRI)
    leads = load_reference(desk.root / "reference").teams["IS-Service Desk"].leads
    # 2 hours is not more than unowned_hours = 2: nothing about ownership yet.
    assert "owned promptly" not in desk.run("sweep", "--dry-run", ok=False,
                                            now="2026-11-20T19:30:00-06:00").stdout
    out = desk.run("sweep", now="2026-11-20T19:31:00-06:00").stdout
    assert "[standard: new tickets owned promptly] notify " + leads in out
    assert "Unowned for 2.0 hours (24x7 clock)" in out
    assert "unowned-reported" in desk.ticket(tid)["flags"]
    unowned = [m for m in mails(desk) if "Unowned:" in m]
    assert len(unowned) == 1 and to_line(unowned[0]) == f"To: {leads}"


def test_unowned_p3_still_counts_business_hours(desk: Desk) -> None:
    desk.new("-T", "Monitor flickers", "--agency", "OMES", "--priority", "3", "--channel", "email",
             now=FRI)
    # Friday 17:30 to Monday 10:00 is 2 business hours: not more than 2.
    out = desk.run("sweep", "--dry-run", ok=False, now="2026-11-23T10:00:00-06:00").stdout
    assert "owned promptly" not in out
    out = desk.run("sweep", "--dry-run", now="2026-11-23T10:01:00-06:00").stdout
    assert "Unowned for 2.0 business hours" in out


def test_a_breach_goes_to_the_supervisor_then_the_leads_once_each(desk: Desk) -> None:
    ref = load_reference(desk.root / "reference")
    team = ref.teams["IS-Service Desk"]
    tid = desk.new(*OUTAGE, now=FRI)  # Resolve By 21:30 (4 hours, 24x7)
    desk.run("sweep", now="2026-11-20T21:30:00-06:00")  # 100%: the supervisor
    breach = [m for m in mails(desk) if "SLA 100%" in m]
    assert len(breach) == 1 and to_line(breach[0]) == f"To: {team.supervisor}"
    # 150 % of the 4 hours is 6 hours after opening, 23:30: not at 23:29.
    early = desk.run("sweep", ok=False, now="2026-11-20T23:29:00-06:00")
    assert early.exit_code == 4, early.stdout
    commits, sent = desk.commits(), len(desk.outbox())
    out = desk.run("sweep", now="2026-11-20T23:30:00-06:00").stdout
    assert "[standard: SLA breach escalated at 150% of the time to resolve] notify " + team.leads in out
    assert desk.commits() == commits + 1 and len(desk.outbox()) == sent + 1
    up = [m for m in mails(desk) if "SLA breach escalated" in m]
    assert len(up) == 1 and to_line(up[0]) == f"To: {team.leads}"
    assert "sla-resolve-escalated" in desk.ticket(tid)["flags"]
    journal = desk.ticket(tid)["journal"]
    assert any(e["text"].startswith("SLA breach escalated: P1") and e["visibility"] == "internal"
               for e in journal)
    # Re-running at the same --now, or later, sends nothing new and commits nothing.
    for now in ("2026-11-20T23:30:00-06:00", "2026-11-23T10:00:00-06:00"):
        again = desk.run("sweep", ok=False, now=now)
        assert again.exit_code == 4, again.stdout
    assert desk.commits() == commits + 1 and len(desk.outbox()) == sent + 1


def test_escalate_percent_is_a_checked_setting(desk: Desk) -> None:
    toml = desk.root / "sdesk.toml"
    toml.write_text(toml.read_text() + "\n[sweep]\nescalate_percent = 90\n")
    before = desk.snapshot()
    err = desk.fails("sweep").stderr
    assert err.startswith("sdesk: error: sdesk.toml: sweep.escalate_percent must be a per cent")
    assert desk.snapshot() == before


def test_show_counts_time_left_on_the_tickets_own_clock_with_the_zone(desk: Desk) -> None:
    p4 = desk.new("-T", "How do I add a signature", "--agency", "OMES", "--priority", "4",
                  "--channel", "email", now="2026-11-16T09:50:00-06:00")
    lines = desk.run("show", p4, now="2026-11-16T16:51:00-06:00").stdout.splitlines()
    # Respond By Tue 09:50; at Mon 16:51 9 minutes today + 110 tomorrow are left (not 16h 59m).
    assert "  Respond by: 2026-11-17 09:50 CST (1h 59m business left)" in lines
    # Resolve By: 45 business hours from opening, 7h 01m used.
    assert "  Resolve by: 2026-11-23 09:50 CST (37h 59m business left)" in lines
    table = desk.run("list", now="2026-11-16T16:51:00-06:00").stdout
    [row] = [line for line in table.splitlines() if "How do I add a signature" in line]
    assert "2026-11-17 09:50 (1h 59m business left)" in row, row  # list counts it the same
    late = desk.run("show", p4, now="2026-11-18T09:00:00-06:00").stdout.splitlines()
    assert "  Respond by: 2026-11-17 09:50 CST (OVERDUE 8h 10m business)" in late
    p1 = desk.new(*OUTAGE, now=FRI)
    shown = desk.run("show", p1, now="2026-11-21T09:00:00-06:00").stdout.splitlines()
    assert "  Resolve by: 2026-11-20 21:30 CST (OVERDUE 11h 30m)" in shown  # 24x7: real time


def test_stale_counts_business_days_as_its_help_says(desk: Desk) -> None:
    tid = desk.new("-T", "Quiet one", "--agency", "OMES", now="2026-11-18T10:00:00-06:00")
    # Wed 10:00 to the next Tue 09:00: Thu, Fri and Mon (the weekend is not counted; Tue
    # 09:00 is before 10:00): 3 business days, not the 5 calendar days shown before.
    assert tid not in {r["id"] for r in desk.json("stale", "--days", "3")}  # Mon 09:00: 2 days
    rows = json.loads(desk.run("stale", "--days", "3", "--json",
                               now="2026-11-24T09:00:00-06:00").stdout)
    [row] = [r for r in rows if r["id"] == tid]
    assert row["quiet_days"] == 3
    table = desk.run("stale", "--days", "3", now="2026-11-24T09:00:00-06:00").stdout
    [line] = [ln for ln in table.splitlines() if "Quiet one" in ln]
    assert line.split()[-3] == "3", line
    # Thanksgiving (Thu 26, Fri 27) and the weekend do not count either: Wed 18 (10:00 is
    # before 11:00), Thu 19, Fri 20, Mon 23, Tue 24, Wed 25 (12 calendar days).
    later = json.loads(desk.run("stale", "--json", now="2026-11-30T11:00:00-06:00").stdout)
    assert [r["quiet_days"] for r in later if r["id"] == tid] == [6]


def test_handover_lists_breached_tickets_by_priority_then_due_time(desk: Desk) -> None:
    p2 = desk.new("-T", "Printer down for the floor", "--agency", "OMES", "--priority", "2",
                  "--channel", "email", now="2026-11-19T09:00:00-06:00")
    p1 = desk.new(*OUTAGE, now=FRI)
    text = desk.run("handover", "--peek", now="2026-11-23T09:00:00-06:00").stdout
    section = text.split("Breached or due before")[1].split("On hold, and why")[0]
    assert section.index(p1[:8]) < section.index(p2[:8]), section
    data = desk.json("handover", "--peek")
    assert [line["id"] for line in data["breaching"]][:2] == [p1, p2]


def test_quiet_days_is_the_largest_days_stale_would_list_it_for() -> None:
    """quiet_business_days against its definition (stale_cutoff), over the 2026-2027 holidays
    and weekends, at times before, at and after the last update's time of day."""
    import datetime as dt
    from pathlib import Path

    from sdesk.procedures.business_days import quiet_business_days, stale_cutoff

    cal = load_reference(Path(__file__).resolve().parent.parent / "reference").calendar
    start = dt.datetime(2026, 11, 18, 10, 0, tzinfo=cal.tz)
    for hours in range(0, 24 * 50, 7):
        last = start + dt.timedelta(hours=hours)
        for later in (1, 23, 24 * 3 + 5, 24 * 9, 24 * 40 + 13):
            now = last + dt.timedelta(hours=later)
            n = quiet_business_days(last, now, cal)
            assert n == 0 or last < stale_cutoff(now, n, cal), (last, now, n)
            assert not last < stale_cutoff(now, n + 1, cal), (last, now, n)
