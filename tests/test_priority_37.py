"""incident-2, priority against the work: session 37's faults, each on a real store through the
CLI (docs/triage.md, "Priority, session 37")."""

from __future__ import annotations

import pytest
from conftest import Desk
from test_triage_proposals import at, incident

KENDRA = "Kendra Yellowhorse <kendra.yellowhorse@omes.ok.gov>"  # IS-Service Desk's supervisor


def _priority_note(desk: Desk, tid: str) -> str:
    return next(e["text"] for e in desk.ticket(tid)["journal"] if "Proposed (priority)" in e["text"])


@pytest.mark.parametrize("title", [
    "lockd out of my pc", "locekd out again cant work", "acct locked", "pw expired cant log in",
    "LOCKED OUT!!!",
])
def test_one_users_lockout_as_people_type_it_logged_p1_is_proposed_p3(desk: Desk,
                                                                        title: str) -> None:
    """The "one user's lockout" guard rail (session 27) read only "account locked" / "locked
    out of my pc"; typed as people type it ("lockd out", "acct locked", "pw expired") a P1
    lockout was left to the chart model. It is the chart's P3, one user impaired."""
    tid = incident(desk, title, "--impact", "1", "--urgency", "1", service="Account Lockout")
    desk.run("triage", tid)
    assert "proposed:priority:P3" in desk.ticket(tid)["flags"], desk.ticket(tid)["flags"]
    assert "one user's account: One user or a small group impaired" in _priority_note(desk, tid)


def test_a_door_that_looked_locked_is_no_lockout(desk: Desk) -> None:
    tid = incident(desk, "i looked at the login screen, it is stuck", "--impact", "1",
                   "--urgency", "1", service="Account Lockout")
    desk.run("triage", tid)
    assert "proposed:priority:P3" not in desk.ticket(tid)["flags"]


def _timesheet(desk: Desk) -> list[str]:
    """Three people's reports of one problem: the first two are proposed P2 ("3 people report
    it", session 24), though no text says more than one user's problem."""
    return [incident(desk, title, email=f"u{n}@omes.ok.gov", service="PeopleSoft", now=at(10 + n))
            for n, title in enumerate(("timesheet page errors on submit",
                                       "timesheet page errors on submit for me too",
                                       "timesheet submit errors out, cant send it"))]


def _follow_up(desk: Desk, now: int) -> str:
    return desk.new("-T", "still erroring, any eta??", "--email", "u0@omes.ok.gov", "--agency",
                    "OMES", "--service", "PeopleSoft", "-d", "timesheet page errors on submit",
                    now=at(now))


def test_a_bare_follow_up_takes_its_first_reports_pending_priority(desk: Desk) -> None:
    """A bare follow-up was read afresh: its first report's words read nothing beyond one
    user's problem, so "still erroring, any eta??" was proposed nothing though its first report
    is pending P2 (many people report it). It takes that standing, and says so."""
    ids = _timesheet(desk)
    desk.run("triage", "--all", now=at(20))
    assert "proposed:priority:P2" in desk.ticket(ids[0])["flags"]
    again = _follow_up(desk, 30)
    desk.run("triage", again, now=at(31))
    assert "proposed:priority:P2" in desk.ticket(again)["flags"], desk.ticket(again)["flags"]
    note = _priority_note(desk, again)
    assert f"a follow-up of {ids[0]}, whose priority stands at P2 (proposed, awaiting the " \
           "supervisor)" in note


def test_a_bare_follow_up_takes_the_supervisors_decision_on_its_first_report(desk: Desk) -> None:
    """Where the supervisor kept the first report at P3 (the P2 proposal rejected), its
    follow-up is proposed nothing; where the supervisor accepted P2, the follow-up (logged P3)
    is proposed P2, "accepted"."""
    ids = _timesheet(desk)
    desk.run("triage", "--all", now=at(20))
    desk.run("--actor", KENDRA, "priority", ids[0], "3", "--reason", "one form, a workaround")
    again = _follow_up(desk, 30)
    desk.run("triage", again, now=at(31))
    assert not any("priority" in f for f in desk.ticket(again)["flags"]), desk.ticket(again)["flags"]
    desk.run("--actor", KENDRA, "priority", ids[1], "2", "--reason", "payroll at risk")
    later = desk.new("-T", "still erroring any eta", "--email", "u1@omes.ok.gov", "--agency",
                     "OMES", "--service", "PeopleSoft", "-d", "timesheet page errors on submit",
                     now=at(40))
    desk.run("triage", later, now=at(41))
    assert "proposed:priority:P2" in desk.ticket(later)["flags"], desk.ticket(later)["flags"]
    assert "whose priority stands at P2 (accepted)" in _priority_note(desk, later)


def test_the_chart_models_evidence_shows_only_words_many_writers_use(desk: Desk) -> None:
    """The chart model's "weighed most" showed one writer's place ('mcalester' +1.24), typos
    and structural features ('0 services named'): only words of the text that many writers use
    are shown; the proposal itself is the model's, every feature counted."""
    from sdesk.procedures.priority_chart import chart_words

    shown = chart_words()
    assert shown is not None and "printer" in shown and "mcalester" not in shown
    tid = incident(desk, "VPN fails, 0 connectoin", "--impact", "3", "--urgency",
                   "3")
    out = desk.run("triage", tid, "--dry-run").output
    assert "learned reading of the chart" in out and "weighed most: '" in out, out
    for said in ("'mcalester'", "'connectoin'", "services named", "logged P", "joining words",
                 "'0'"):
        assert said not in out, out
