"""Session 40, tester A's findings 4, 5, 9, 10 and 11: who may work a ticket (one rule for take,
resolve, hold, resume and public notes), one message for a closed ticket, the command names
the docs give, the report's changes by the journal's times, and a breach charged to the team
that held the ticket when it breached. Each drives the real CLI on a real git store in a
temporary folder at fixed times; each failed on the code before session 40."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
T1 = "2026-11-23T10:00:00-06:00"
T2 = "2026-11-23T11:00:00-06:00"
T3 = "2026-11-23T12:00:00-06:00"
ANA = ("--email", "ana.ruiz@omes.ok.gov", "--name", "Ana Ruiz", "--agency", "OMES")
COLLAB = "IS-Email & Collaboration"
COLLAB_SUPERVISOR = "Alicia Nguyen <alicia.nguyen@omes.ok.gov>"
DESK_SUPERVISOR = "Marcia Whitfield <marcia.whitfield@omes.ok.gov>"
NETWORK_SUPERVISOR = "Troy Baptiste <troy.baptiste@omes.ok.gov>"


def _fails(desk: Desk, *args: str, now: str = T1) -> str:
    """The command at `now` must fail with exit 1, one line on stderr, the store unchanged;
    returns that line."""
    before = desk.snapshot()
    result = desk.run(*args, ok=False, now=now)
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert desk.snapshot() == before
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _desk_ticket(desk: Desk, title: str = "Outlook asks for my password") -> str:
    """A new ticket, owned by IS-Service Desk (nobody triaged it)."""
    return desk.new("-T", title, *ANA, "-d", "Every few minutes", now=T0)


def _collab_ticket(desk: Desk) -> str:
    """A ticket of IS-Email & Collaboration, assigned to gchen."""
    tid = desk.new("-T", "Shared mailbox missing", *ANA, "--service", "Email", "-d",
                   "The team mailbox is gone from Outlook", now=T0)
    desk.run("triage", tid, now=T0)
    desk.run("assign", tid, "--to", "gchen", now=T0)
    assert desk.ticket(tid)["team"] == COLLAB
    return tid


# ---- finding 4: one rule for who may work a ticket ------------------------------------------


@pytest.mark.parametrize("args", [
    ("resolve", "{id}", "--code", "fixed", "--summary", "Reset the profile"),
    ("hold", "{id}", "--reason", "awaiting-vendor", "--note", "Microsoft case"),
    ("note", "{id}", "We are on it", "--public"),
    ("take", "{id}"),
])
def test_a_technician_of_another_team_may_not_work_the_ticket(desk: Desk,
                                                              args: tuple[str, ...]) -> None:
    """gchen (IS-Email & Collaboration) on an IS-Service Desk ticket: `take` refused and,
    before session 40, resolve, hold and a public note accepted (a ticket resolved with no
    assignee, counted under the wrong team)."""
    tid = _desk_ticket(desk)
    line = _fails(desk, "--actor", "gchen", *(a.format(id=tid) for a in args))
    assert f"{tid}: gchen is in {COLLAB}, not IS-Service Desk" in line, line


def test_resume_by_another_team_is_refused_and_an_internal_note_is_anyones(desk: Desk) -> None:
    tid = _desk_ticket(desk)
    desk.run("hold", tid, "--reason", "awaiting-vendor", "--note", "Dell", now=T1)
    line = _fails(desk, "--actor", "gchen", "resume", tid, now=T2)
    assert "only IS-Service Desk's technicians, its supervisor or the Service Desk may " \
           "resume it (--force does it anyway, journaled; or ask the team)" in line, line
    public = _fails(desk, "--actor", "gchen", "note", tid, "Nearly there", "--public", now=T2)
    assert "an internal note is open to anyone: drop --public" in public, public
    desk.run("--actor", "gchen", "note", tid, "Seen this before: KB-12", now=T2)
    assert desk.ticket(tid)["journal"][-1]["by"] == "Grace Chen"


def test_force_overrides_the_rule_and_the_journal_says_so(desk: Desk) -> None:
    tid = _desk_ticket(desk)
    out = desk.run("--actor", "gchen", "resolve", tid, "--code", "fixed", "--summary",
                   "Rebuilt the Outlook profile", "--force", now=T1).stdout
    assert "[permit-1 who may work a ticket] internal note: Override (--force): gchen is in " \
           f"{COLLAB}, not IS-Service Desk; allowed to resolve it all the same." in out, out
    shown = desk.ticket(tid)
    assert shown["status"] == "resolved" and shown["resolution"]["by"] == "Grace Chen"
    override = [e for e in shown["journal"] if e["rule"] == "permit-1 who may work a ticket"]
    assert len(override) == 1 and override[0]["visibility"] == "internal"


@pytest.mark.parametrize("actor", ["ewashington", COLLAB_SUPERVISOR, "aparker",
                                   DESK_SUPERVISOR, "Dana Dispatcher <dana@omes.ok.gov>"])
def test_the_team_its_supervisor_and_the_desk_may_work_it(desk: Desk, actor: str) -> None:
    """A colleague in the team, the team's supervisor, a Service Desk technician, the Service
    Desk's supervisor and a dispatcher (nobody the reference lists) may hold and resume it."""
    tid = _collab_ticket(desk)
    desk.run("--actor", actor, "hold", tid, "--reason", "awaiting-vendor", "--note", "MS",
             now=T1)
    desk.run("--actor", actor, "resume", tid, now=T2)
    assert desk.ticket(tid)["status"] == "assigned"


@pytest.mark.parametrize(("actor", "said"), [
    ("mhernandez", f"mhernandez is in IS-Desktop Support, not {COLLAB}"),
    (NETWORK_SUPERVISOR, f"troy.baptiste@omes.ok.gov supervises IS-Network Services, "
                         f"not {COLLAB}"),
])
def test_another_teams_technician_or_supervisor_may_not(desk: Desk, actor: str,
                                                        said: str) -> None:
    tid = _collab_ticket(desk)
    line = _fails(desk, "--actor", actor, "resolve", tid, "--code", "fixed", "--summary", "x")
    assert said in line, line


def test_a_colleague_resolving_is_recorded_as_the_resolver(desk: Desk) -> None:
    """The pick (docs/assignment.md, "Who may work a ticket"): a resolve by someone the rule
    allows who is not the assignee is accepted; the resolution and its journal entry name the
    resolver, the assignee stays (the one who worked it), and the ticket counts under the
    team that owns it when resolved."""
    tid = _collab_ticket(desk)
    desk.run("--actor", "ewashington", "resolve", tid, "--code", "fixed", "--summary",
             "Re-added the mailbox", now=T1)
    shown = desk.ticket(tid)
    assert shown["assignee"] == "gchen"
    assert shown["resolution"]["by"] == "Evelyn Washington"
    assert [e for e in shown["journal"] if e["kind"] == "resolve"][-1]["by"] == \
        "Evelyn Washington"
    teams = {r["team"]: r for r in json.loads(
        desk.run("kpi", "--by", "team", "--json", now=T2).stdout)["groups"]}
    assert teams[COLLAB]["resolved"] == 1 and "IS-Service Desk" not in teams


def test_out_of_office_refuses_new_work_and_warns_otherwise(desk: Desk) -> None:
    """ewashington is out of office 2026-12-21 to 2027-01-01: `take` is refused (new work),
    a hold or resume on a ticket of her team is done with a warning (before session 40:
    silently)."""
    ooo = "2026-12-22T10:00:00-06:00"
    tid = desk.new("-T", "Teams keeps signing me out", *ANA, "--service", "Teams", "-d",
                   "Every hour", now=ooo)
    desk.run("triage", tid, now=ooo)
    line = _fails(desk, "--actor", "ewashington", "take", tid,
                  now="2026-12-22T10:05:00-06:00")
    assert "ewashington out of office 2026-12-21 to 2027-01-01" in line, line
    held = desk.run("--actor", "ewashington", "hold", tid, "--reason", "awaiting-vendor",
                    "--note", "MS case", now="2026-12-22T10:10:00-06:00")
    assert (f"sdesk: warning: {tid}: ewashington is out of office 2026-12-21 to 2027-01-01 "
            "(reference/technicians.toml); done as asked") in held.stderr, held.stderr
    assert desk.ticket(tid)["status"] == "on-hold"


# ---- finding 5: one message for a closed ticket ---------------------------------------------


def test_a_closed_ticket_gets_one_message_everywhere(desk: Desk) -> None:
    """`resolve` said "is closed already (reopen it first)", `reopen` "closed tickets stay
    closed; log a new ticket and relate it". The standard's closure is final
    (docs/resolution.md): every command now says the second."""
    tid = _desk_ticket(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Done", now=T1)
    desk.run("close", tid, now=T2)
    said = (f"sdesk: error: {tid} is closed: closed tickets stay closed; log a new ticket and "
            f"relate it (sdesk relate NEW-ID {tid})")
    for args in (("resolve", tid, "--code", "fixed", "--summary", "again"),
                 ("reopen", tid, "--reason", "again"),
                 ("hold", tid, "--reason", "awaiting-vendor", "--note", "x"),
                 ("assign", tid, "--to", "aparker"),
                 ("--actor", "aparker", "start", tid),
                 ("escalate", tid, "--to", COLLAB, "--reason", "x")):
        assert _fails(desk, *args, now=T3) == said, args



# ---- finding 10: the report's changes follow the journal's times ---------------------------


def test_the_reports_changes_count_journal_entries_by_their_time(desk: Desk,
                                                                tmp_path: Path) -> None:
    """`report` read git's commit dates (the wall clock): under --now it said "0 commits. No
    commits." Now it counts the journal entries of the week before the report's end, by their
    time (which follows --now), per author and kind; an entry before the week is left out."""
    import re

    old = desk.new("-T", "Old printer ticket", *ANA, "-d", "Jams", now="2026-11-02T09:00:00-06:00")
    tid = _desk_ticket(desk)
    desk.run("--actor", "aparker", "hold", tid, "--reason", "awaiting-vendor", "--note", "Dell",
             now=T1)
    desk.run("--actor", "gchen", "note", old, "Seen this jam before", now=T2)
    out = tmp_path / "r.html"
    desk.run("report", "-o", str(out), now=T3)
    html = out.read_text(encoding="utf-8")
    section = re.sub(r"<[^>]+>", " ", html.split('id="changes"', 1)[1].split("</section>")[0])
    words = " ".join(section.split())
    assert "since 2026-11-16 12:00" in words, words
    # the hold and the public note telling the customer of it (session 40, cust40)
    assert "4 journal entries on 2 tickets" in words, words
    assert "Ashley Parker 2 hold 1, note 1 1" in words and "Grace Chen 1 note 1 1" in words, words
    # tid's opening entry; old's is weeks back
    assert "Dana Dispatcher 1 system 1 1" in words, words


# ---- finding 11: a breach is the team's that held the ticket when it breached --------------


@pytest.mark.xfail(strict=True, reason="session 40 gap: decided and documented (docs/kpi.md, "
                   "'Session 40'), not built: the team history is not stored (see there)")
def test_a_breach_counts_for_the_team_that_held_the_ticket_when_it_breached(desk: Desk) -> None:
    """A P3 breached in IS-Desktop Support, then escalated to IS-Field Dispatch, which
    resolved it: `kpi --by team` showed Field Dispatch at SLA 0% and Desktop Support with no
    breach. The decision: the breach is Desktop Support's (it held the ticket when Resolve By
    passed); Field Dispatch, handed a ticket already late, is not charged."""
    tid = desk.new("-T", "Dock dead", *ANA, "--service", "Laptop", "--impact", "2",
                   "--urgency", "3", "-d", "No lights on the dock", now=T0)
    desk.run("triage", tid, now=T0)
    assert desk.ticket(tid)["team"] == "IS-Desktop Support"
    late = "2026-12-02T09:00:00-06:00"  # days past its Resolve By
    desk.run("escalate", tid, "--to", "IS-Field Dispatch", "--reason", "needs a visit", now=late)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "New dock",
             now="2026-12-02T10:00:00-06:00")
    teams = {r["team"]: r for r in json.loads(desk.run(
        "kpi", "--by", "team", "--json", now="2026-12-03T09:00:00-06:00").stdout)["groups"]}
    assert teams["IS-Field Dispatch"]["sla_resolve_pct"] is None, teams["IS-Field Dispatch"]
    assert teams["IS-Desktop Support"]["sla_resolve_pct"] == 0.0, teams["IS-Desktop Support"]
