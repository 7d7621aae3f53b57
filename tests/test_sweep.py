"""The sweep's rules as a table (the procedure, ticket in, plan out), then the command on a real
store: one commit, nothing twice, --dry-run changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sdesk.core import sla
from sdesk.core.model import Hold
from sdesk.core.reference import load_reference
from sdesk.procedures.plan import Notify, SetField
from sdesk.procedures.sweep import SweepContext, SweepSettings, Watched, sweep
from tests.conftest import Desk

CT = ZoneInfo("America/Chicago")
REF = load_reference(Path(__file__).resolve().parent.parent / "sdesk" / "defaults" / "reference")
SUPERVISOR = REF.teams["IS-Desktop Support"].supervisor
LEADS = REF.teams["IS-Desktop Support"].leads
TECH = next(t for t in REF.technicians.values() if t.team == "IS-Desktop Support")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CT)


MON = at("2026-11-16T09:00")  # a Monday, business hours 08:00-17:00


def ticket(opened: dt.datetime = MON, priority: int = 3, **changes: Any) -> Watched:
    """A P3 incident of IS-Desktop Support, assigned, responded to, updated when opened."""
    base = Watched(
        id="INC-1", title="Printer jams", status="assigned", priority=priority,
        team="IS-Desktop Support", assignee=TECH.id, flags=(), opened_at=opened,
        respond_by=sla.respond_by(opened, priority, REF), resolve_by=sla.resolve_by(opened, priority, REF),
        first_response_at=opened, resolved_at=None, last_update=opened, on_hold=False)
    return dataclasses.replace(base, **changes)


# The table below was written for one cadence, 3 business days for every priority; the
# cadence by priority (session 40) has its own table in tests/test_cust_40.py.
UNIFORM = SweepSettings(update_hours_p1=27.0, update_days_p2=3, update_days_p3=3, update_days_p4=3)


def outcome(t: Watched, now: dt.datetime) -> tuple[list[str], list[tuple[str, ...]], tuple[str, ...]]:
    """(rules of the plan's notifications, who they go to, the flags the ticket ends with)."""
    plan = sweep([t], SweepContext(REF, now, "sdesk sweep", UNIFORM))
    notes = [a for a in plan.actions if isinstance(a, Notify)]
    flags = [a.value for a in plan.actions if isinstance(a, SetField) and a.field == "flags"]
    return [a.rule for a in notes], [a.to for a in notes], tuple(flags[-1]) if flags else t.flags


RESPOND_75 = "standard: SLA warning at 75% of the time to respond"
RESPOND_100 = "standard: SLA warning at 100% of the time to respond"
RESOLVE_75 = "standard: SLA warning at 75% of the time to resolve"
RESOLVE_100 = "standard: SLA warning at 100% of the time to resolve"
RESPOND_UP = "standard: SLA breach escalated at 150% of the time to respond"
UPDATE = "standard: regular updates to the customer"
UNOWNED = "standard: new tickets owned promptly"
UNANSWERED = {"first_response_at": None}
# P3: respond within 120 business minutes (75% = 90), resolve within 1620 (75% = 1215).
TABLE: list[tuple[str, Watched, str, list[str], tuple[str, ...]]] = [
    ("respond: 89 of 120 minutes", ticket(**UNANSWERED), "2026-11-16T10:29", [], ()),
    ("respond: 75% reached", ticket(**UNANSWERED), "2026-11-16T10:30", [RESPOND_75],
     ("sla-respond-75",)),
    ("respond: 75% told already", ticket(**UNANSWERED, flags=("sla-respond-75",)),
     "2026-11-16T10:45", [], ("sla-respond-75",)),
    ("respond: 100% after 75%", ticket(**UNANSWERED, flags=("sla-respond-75",)),
     "2026-11-16T11:00", [RESPOND_100], ("sla-respond-75", "sla-respond-100")),
    ("respond: 100% told already", ticket(**UNANSWERED, flags=("sla-respond-75", "sla-respond-100")),
     "2026-11-16T11:59", [], ("sla-respond-75", "sla-respond-100")),
    ("respond: found past due, told once at 100%", ticket(**UNANSWERED), "2026-11-16T11:30",
     [RESPOND_100], ("sla-respond-75", "sla-respond-100")),
    # Session 40, hierarchical escalation: still breached at 150% (180 of 120 minutes, 12:00),
    # the level above the supervisor (the team's leads) is told, once.
    ("respond: still breached at 150%, the leads told",
     ticket(**UNANSWERED, flags=("sla-respond-75", "sla-respond-100")), "2026-11-16T12:00",
     [RESPOND_UP], ("sla-respond-75", "sla-respond-100", "sla-respond-escalated")),
    ("respond: escalated already, never twice",
     ticket(**UNANSWERED, flags=("sla-respond-75", "sla-respond-100", "sla-respond-escalated")),
     "2026-11-16T15:00", [], ("sla-respond-75", "sla-respond-100", "sla-respond-escalated")),
    ("respond: found far past due, supervisor and leads in one run", ticket(**UNANSWERED),
     "2026-11-16T15:00", [RESPOND_100, RESPOND_UP],
     ("sla-respond-75", "sla-respond-100", "sla-respond-escalated")),
    ("respond: a paused clock is never escalated",
     ticket(**UNANSWERED, on_hold=True, flags=("sla-respond-75", "sla-respond-100")),
     "2026-11-16T15:00", [], ("sla-respond-75", "sla-respond-100")),
    ("resolve: Resolve By moved later, the escalation withdrawn with the warnings",
     ticket(priority=4, resolve_by=sla.resolve_by(MON, 4, REF),
            flags=("sla-resolve-75", "sla-resolve-100", "sla-resolve-escalated")),
     "2026-11-19T09:00", [], ()),
    ("respond: answered, no respond warning", ticket(), "2026-11-16T11:30", [], ()),
    ("respond: paused clock never warned", ticket(**UNANSWERED, on_hold=True), "2026-11-16T12:00",
     [], ()),
    # 1215 business minutes from Mon 09:00: Mon 480 + Tue 540 + Wed 195 -> Wed 11:15.
    ("resolve: 75% a minute early", ticket(), "2026-11-18T11:14", [], ()),
    ("resolve: 75% reached", ticket(), "2026-11-18T11:15", [RESOLVE_75], ("sla-resolve-75",)),
    ("resolve: overnight is not business time", ticket(flags=("sla-resolve-75",)),
     "2026-11-19T07:59", [], ("sla-resolve-75",)),
    ("resolve: 100% at Resolve By", ticket(flags=("sla-resolve-75",)), "2026-11-19T09:00",
     [RESOLVE_100], ("sla-resolve-75", "sla-resolve-100")),
    ("resolve: paused clock never warned",
     ticket(on_hold=True, last_update=at("2026-11-19T10:00")), "2026-11-20T09:00", [], ()),
    # Wed 11-25 09:00: Wed 480, Thanksgiving Thu and Fri are holidays, Mon 540, Tue 195.
    ("resolve: holidays are not business time",
     ticket(at("2026-11-25T09:00")), "2026-11-30T16:59", [], ()),
    ("resolve: 75% after the holidays",
     ticket(at("2026-11-25T09:00")), "2026-12-01T11:15", [RESOLVE_75], ("sla-resolve-75",)),
    # The ticket was on hold Tue 08:00 - Wed 08:00 (540 business minutes): its Resolve By moved
    # a day later and the used time leaves the hold out: Wed 11:15 is 42%, Thu 11:15 is 75%.
    ("resolve: time on hold does not count",
     ticket(holds=(Hold(at("2026-11-17T08:00"), "awaiting-customer", at("2026-11-18T08:00")),),
            resolve_by=at("2026-11-20T09:00")), "2026-11-18T11:15", [], ()),
    ("resolve: 75% counted without the hold",
     ticket(holds=(Hold(at("2026-11-17T08:00"), "awaiting-customer", at("2026-11-18T08:00")),),
            resolve_by=at("2026-11-20T09:00"), last_update=at("2026-11-18T09:00")),
     "2026-11-19T11:15", [RESOLVE_75],
     ("sla-resolve-75",)),
    # P1 runs on the 24x7 clock: 240 minutes, 75% = 180 minutes, weekends count.
    ("P1 24x7: 75% on a Saturday", ticket(at("2026-11-21T09:00"), priority=1),
     "2026-11-21T12:00", [RESOLVE_75], ("sla-resolve-75",)),
    # The due time moved later (priority lowered from P3 to P4, or a reopen): warnings already
    # told that no longer hold are withdrawn, and given again when the new due time comes near.
    ("resolve: Resolve By moved later, both warnings withdrawn",
     ticket(priority=4, resolve_by=sla.resolve_by(MON, 4, REF),
            flags=("sla-resolve-75", "sla-resolve-100")), "2026-11-19T09:00", [],
     ()),
    ("resolve: Resolve By moved later, still past 75%",
     ticket(resolve_by=at("2026-11-19T12:00"), flags=("sla-resolve-75", "sla-resolve-100"),
            last_update=at("2026-11-19T09:00")), "2026-11-19T09:30", [], ("sla-resolve-75",)),
    ("respond: Respond By moved later, the 100% warning withdrawn",
     ticket(**UNANSWERED, respond_by=at("2026-11-16T13:00"),
            flags=("sla-respond-75", "sla-respond-100")), "2026-11-16T11:30", [], ()),
    # Updates owed: 3 business days without a public update.
    ("update: 3 business days quiet", ticket(flags=("sla-resolve-75", "sla-resolve-100")),
     "2026-11-19T09:01", [UPDATE],
     ("sla-resolve-75", "sla-resolve-100", "update-reminded")),
    ("update: reminded already", ticket(flags=("sla-resolve-75", "sla-resolve-100", "update-reminded")),
     "2026-11-20T09:00", [], ("sla-resolve-75", "sla-resolve-100", "update-reminded")),
    ("update: a weekend is not quiet business time",
     ticket(at("2026-11-20T09:00"), priority=4, last_update=at("2026-11-20T09:00")),
     "2026-11-24T09:00", [], ()),
    ("update: customer updated since, reminder flag dropped",
     ticket(flags=("update-reminded",), last_update=at("2026-11-18T10:00")), "2026-11-18T10:30",
     [], ()),
    ("update: an unassigned ticket's customer is owed one too: the supervisor is reminded",
     ticket(assignee="", status="triaged", flags=("sla-resolve-75", "sla-resolve-100")),
     "2026-11-20T09:00", [UPDATE], ("sla-resolve-75", "sla-resolve-100", "update-reminded")),
    # Unowned new tickets: more than 2 business hours.
    ("unowned: 2 business hours is not more", ticket(status="new", assignee=""),
     "2026-11-16T11:00", [], ()),
    ("unowned: leads told", ticket(status="new", assignee=""), "2026-11-16T11:01", [UNOWNED],
     ("unowned-reported",)),
    ("unowned: told once", ticket(status="new", assignee="", flags=("unowned-reported",)),
     "2026-11-16T13:00", [], ("unowned-reported",)),
    ("unowned: a night is not business time",
     ticket(at("2026-11-16T16:30"), status="new", assignee=""), "2026-11-17T09:00", [], ()),
]


@pytest.mark.parametrize(("case", "t", "now", "rules", "flags"), TABLE, ids=[r[0] for r in TABLE])
def test_sweep_rules(case: str, t: Watched, now: str, rules: list[str],
                     flags: tuple[str, ...]) -> None:
    got_rules, to, got_flags = outcome(t, at(now))
    assert got_rules == rules
    assert got_flags == flags
    for rule, people in zip(got_rules, to, strict=True):
        if rule.startswith("standard: SLA breach escalated"):
            assert people == (LEADS,)
        elif rule.startswith("standard: SLA"):
            assert people == (SUPERVISOR,)
        elif rule == UNOWNED:
            assert people == (LEADS,)
        elif not t.assignee:  # an update owed on an unassigned ticket (session 40)
            assert people == (SUPERVISOR,)
        else:
            assert people == (TECH.email,)


CLOSE = [  # resolved at, now, closed?
    ("2026-11-16T08:59", "2026-11-23T09:00", True),   # 5 business days before Mon 23 is Mon 16
    ("2026-11-16T09:00", "2026-11-23T09:00", False),
    ("2026-11-20T10:00", "2026-11-30T09:00", False),  # Thanksgiving: back to Thu 19 09:00
    ("2026-11-20T10:00", "2026-12-01T11:00", True),   # back to Fri 20 11:00
]


@pytest.mark.parametrize(("resolved", "now", "closed"), CLOSE)
def test_resolved_tickets_close_after_five_business_days(resolved: str, now: str,
                                                         closed: bool) -> None:
    t = ticket(status="resolved", resolved_at=at(resolved))
    plan = sweep([t], SweepContext(REF, at(now), "sdesk sweep", SweepSettings()))
    statuses = [a.value for a in plan.actions if isinstance(a, SetField) and a.field == "status"]
    assert statuses == (["closed"] if closed else [])
    assert all(a.rule == "standard: close 5 business days after resolution" for a in plan.actions)


def test_the_command_commits_once_and_never_warns_twice(desk: Desk) -> None:
    tid = desk.new("-T", "Monitor flickers", "--team", "IS-Desktop Support", "--agency", "OMES",
                   "--priority", "3", "--channel", "email",  # a call is answered (session 39)
                   now="2026-11-16T09:00:00-06:00")
    before = desk.snapshot()
    out = desk.run("sweep", "--dry-run", now="2026-11-16T10:30:00-06:00").stdout
    assert RESPOND_75 in out and desk.snapshot() == before
    commits = desk.commits()
    desk.run("sweep", now="2026-11-16T10:30:00-06:00")
    assert desk.commits() == commits + 1
    assert "sla-respond-75" in desk.ticket(tid)["flags"]
    assert "Sdesk-Action: sweep" in desk.git("log", "-1", "--format=%B")
    mails = [p.read_text() for p in desk.outbox()]
    assert any("SLA 75%" in m and SUPERVISOR in m for m in mails)
    again = desk.run("sweep", now="2026-11-16T10:45:00-06:00", ok=False)
    assert again.exit_code == 4, again.stderr  # exit 4: nothing due
    assert desk.commits() == commits + 1 and "nothing due" in again.stderr
    desk.run("sweep", now="2026-11-16T11:00:00-06:00")
    assert desk.ticket(tid)["flags"][-1] == "sla-respond-100"


def test_bad_sweep_settings_stop_the_sweep(desk: Desk) -> None:
    toml = desk.root / "sdesk.toml"
    toml.write_text(toml.read_text() + "\n[sweep]\nclose_after_days = 0\n")
    err = desk.fails("sweep", "--dry-run").stderr
    assert err.startswith("sdesk: error: sdesk.toml: sweep.close_after_days must be")
