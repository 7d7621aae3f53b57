"""A change at a given clock (--now, SDESK_NOW) before the ticket was opened is refused: one line
naming both times, exit 1, store unchanged (executor.refuse_before_opened). It used to be taken,
and `kpi` then reported negative times to resolve. `kpi` leaves out, and counts, tickets that
already hold such a resolution."""

from __future__ import annotations

import pytest
from conftest import NOW, Desk, run_sdesk

EARLY = "2026-11-20T09:00:00-06:00"  # three days before NOW, when the ticket is opened


def _incident(desk: Desk) -> str:
    return desk.new("-T", "Printer jams", "-d", "It jams.", "--name", "Ana Ruiz",
                    "--email", "ana.ruiz@health.ok.gov", "--agency", "OSDH",
                    "--service", "Printing")


def _refused_line(tid: str) -> str:
    return (f"sdesk: error: --now {EARLY} is before ticket {tid} was opened at {NOW}: a change "
            "cannot come before the ticket exists (time to resolve and SLA figures would go "
            f"negative); give a --now at or after {NOW}")


@pytest.mark.parametrize("command", [
    ["resolve", "{ID}", "--code", "fixed", "--summary", "Cleared the jam"],
    ["hold", "{ID}", "--reason", "awaiting-customer", "--asked-by-phone"],
    ["note", "{ID}", "Called Ana"],
    ["set", "{ID}", "impact=1"],
    ["triage", "{ID}"],
])
def test_a_change_before_the_ticket_was_opened_is_refused(desk: Desk, command: list[str]) -> None:
    tid = _incident(desk)
    before = desk.snapshot()
    result = desk.run(*(a.replace("{ID}", tid) for a in command), now=EARLY, ok=False)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [_refused_line(tid)]
    assert desk.snapshot() == before


def test_a_dry_run_says_the_applied_run_would_stop(desk: Desk) -> None:
    tid = _incident(desk)
    result = desk.run("resolve", tid, "--code", "fixed", "--summary", "x", "--dry-run",
                      now=EARLY, ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [_refused_line(tid).replace(
        "sdesk: error: ", "sdesk: error: the applied run would stop: ")]


def test_the_click_free_note_and_sdesk_now_are_refused_too(desk: Desk) -> None:
    tid = _incident(desk)
    before = desk.snapshot()
    fast = run_sdesk("--store", str(desk.root), "--now", EARLY, "note", tid, "Called Ana")
    assert (fast.returncode, fast.stderr.splitlines()) == (1, [_refused_line(tid)])
    env = run_sdesk("--store", str(desk.root), "note", tid, "Called Ana",
                    env={"SDESK_NOW": EARLY})
    assert (env.returncode, env.stderr.splitlines()) == (1, [_refused_line(tid)])
    assert desk.snapshot() == before


def test_a_change_at_the_opening_time_or_later_is_taken(desk: Desk) -> None:
    tid = _incident(desk)
    desk.run("hold", tid, "--reason", "awaiting-customer", "--asked-by-phone", now=NOW)
    assert desk.ticket(tid)["status"] == "on-hold"


@pytest.mark.no_deep_check
def test_kpi_leaves_out_and_counts_tickets_resolved_before_they_were_opened(desk: Desk) -> None:
    good, bad = _incident(desk), _incident(desk)
    for tid in (good, bad):
        desk.run("resolve", tid, "--code", "fixed", "--summary", "Cleared the jam",
                 now="2026-11-23T11:00:00-06:00")
    [path] = (desk.root / "tickets").rglob(f"{bad}.toml")  # as an older sdesk let it be
    text = path.read_text()
    assert "resolved_at = 2026-11-23T11:00:00-06:00" in text
    path.write_text(text.replace("resolved_at = 2026-11-23T11:00:00-06:00",
                                 "resolved_at = 2026-11-20T11:00:00-06:00"))
    desk.git("commit", "-qam", "resolved before opened", "--no-verify")
    result = desk.run("kpi", "--since", "2026-11-01", "--json", now="2026-11-24T09:00:00-06:00")
    assert result.stderr.splitlines() == [
        "sdesk: warning: 1 ticket resolved before it was opened (resolved_at before opened_at) "
        "left out of the resolution figures; sdesk check lists them"]
    import json

    k = json.loads(result.stdout)
    assert (k["opened"], k["resolved"], k["counted"]) == (2, 1, 1)
    assert k["ttr_clock_mean"] == 2.0 and k["ttr_clock_median"] == 2.0
    assert "before opened_at" in desk.fails("check").stdout


def test_triage_all_at_an_earlier_now_leaves_out_the_tickets_opened_after_it(desk: Desk) -> None:
    """--all selects what existed at --now: a ticket opened later is left out (and said so),
    not a refusal of the whole batch; named by ID it is still refused."""
    first = _incident(desk)
    later = desk.new("-T", "Outlook will not open", "-d", "Since noon.", "--email",
                     "bo.li@omes.ok.gov", "--agency", "OMES", "--service", "Email",
                     now="2026-11-23T12:00:00-06:00")
    result = desk.run("triage", "--all", now="2026-11-23T10:00:00-06:00")
    assert "1 ticket(s) opened after --now 2026-11-23T10:00:00-06:00 left out" in result.stderr
    assert desk.ticket(first)["status"] == "triaged"
    assert desk.ticket(later)["status"] == "new"
    assert desk.run("triage", later, now="2026-11-23T10:00:00-06:00", ok=False).exit_code == 1
    desk.run("triage", "--all", now="2026-11-23T12:30:00-06:00")
    assert desk.ticket(later)["status"] == "triaged"


def test_a_split_or_a_task_before_the_original_was_opened_names_the_original(
        desk: Desk) -> None:
    """A split named the ticket it was about to create (a new random ID each run), and `task
    new` made a task opened before its parent; both name the ticket that exists."""
    tid = _incident(desk)
    before = desk.snapshot()
    for args in (["split", tid, "--title", "VPN down"], ["task", "new", "--parent", tid, "-T",
                                                           "Swap the toner"]):
        result = desk.run(*args, now=EARLY, ok=False)
        assert result.exit_code == 1 and result.stderr.splitlines() == [_refused_line(tid)]
    assert desk.snapshot() == before


def test_assign_team_at_an_earlier_now_leaves_out_the_tickets_opened_after_it(
        desk: Desk) -> None:
    first = _incident(desk)
    later = desk.new("-T", "Printer jams again", "-d", "Tray 2.", "--email",
                     "bo.li@omes.ok.gov", "--agency", "OMES", "--service", "Printing",
                     now="2026-11-23T12:00:00-06:00")
    # each triaged before the assignment's clock would be its last change (session 38: a
    # change before a ticket's last journal entry is refused, a batch skips the ticket)
    desk.run("triage", first, now="2026-11-23T09:30:00-06:00")
    desk.run("triage", later, now="2026-11-23T12:30:00-06:00")
    if "proposed:on-site:text" in desk.ticket(first)["flags"]:  # held by a queue (session 39)
        desk.run("triage", first, "--reject", "on-site", now="2026-11-23T09:31:00-06:00")
    team = desk.ticket(first)["team"]
    result = desk.run("assign", "--team", team, now="2026-11-23T10:00:00-06:00")
    assert "1 ticket(s) opened after --now 2026-11-23T10:00:00-06:00 left out" in result.stderr
    assert desk.ticket(first)["assignee"] and not desk.ticket(later)["assignee"]
