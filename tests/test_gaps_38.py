"""Gaps a user found in session 37 (issue 11: the dispatcher stays in control, every correction is
a journal entry and a commit, bad input gets one clear line and loses nothing). Each drives the
real CLI on a real git store in a temporary folder, at fixed times; each failed on the code
before session 38."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
T1 = "2026-11-23T10:00:00-06:00"
T2 = "2026-11-23T10:30:00-06:00"
T3 = "2026-11-23T11:00:00-06:00"
T4 = "2026-11-23T11:10:00-06:00"
BO = ("--email", "bo@omes.ok.gov", "--agency", "OMES", "--service", "Printing")
SUPERVISOR = ("--actor", "Kendra Yellowhorse <kendra.yellowhorse@omes.ok.gov>")


def _fails(desk: Desk, *args: str, code: int, now: str | None = None) -> Any:
    """The command at `now`, which must fail with exit `code`."""
    result = desk.run(*args, ok=False, now=now)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    return result


def _journal(desk: Desk, tid: str) -> list[dict[str, Any]]:
    journal: list[dict[str, Any]] = desk.ticket(tid)["journal"]
    return journal


def _file(desk: Desk, tid: str) -> Path:
    [path] = (desk.root / "tickets").rglob(f"{tid}.toml")
    return path


def _incident(desk: Desk, title: str = "VPN drops", now: str = T0) -> str:
    return desk.new("-T", title, "--email", "ana@omes.ok.gov", "--agency", "OMES",
                    "--service", "VPN", "-d", "drops every hour", now=now)


# 1. Uncommitted reference data ------------------------------------------------------------

@pytest.mark.parametrize("name", ["services.toml", "teams.toml", "sla.toml"])
def test_triage_refuses_while_reference_data_it_decides_from_is_uncommitted(
        desk: Desk, name: str) -> None:
    tid = _incident(desk)
    ref = desk.root / "reference" / name
    ref.write_text(ref.read_text(encoding="utf-8") + "\n# an edit nobody committed\n",
                   encoding="utf-8")
    before = desk.snapshot()
    result = _fails(desk, "triage", tid, now=T1, code=1)
    assert result.stderr == (
        f"sdesk: error: reference/{name} has uncommitted changes, and a decision made from it "
        f"cannot be reviewed in git until it is committed: commit it first (git commit "
        f"reference/{name}) or restore it (git checkout reference/{name}); nothing written\n")
    assert desk.snapshot() == before
    # a dry run says the applied run would stop, for the same reason
    dry = _fails(desk, "triage", tid, "--dry-run", now=T1, code=1)
    assert dry.stderr.startswith(f"sdesk: error: the applied run would stop: reference/{name} "
                                 "has uncommitted changes")
    desk.git("commit", "-qam", "the reference edit, reviewed")
    desk.run("triage", tid, now=T1)  # committed: the decision can be reviewed


def test_assign_resolve_and_new_refuse_too_but_a_note_does_not(desk: Desk) -> None:
    tid = _incident(desk)
    desk.run("triage", tid, now=T1)
    ref = desk.root / "reference" / "technicians.toml"
    ref.write_text(ref.read_text(encoding="utf-8") + "\n# capacity under review\n",
                   encoding="utf-8")
    before = desk.snapshot()
    for args in (["assign", tid], ["resolve", tid, "-c", "fixed", "-s", "Reset the tunnel"],
                 ["new", "-T", "Printer jams", "--email", "bo@omes.ok.gov"]):
        result = _fails(desk, *args, code=1, now=T2)
        assert result.stderr.startswith(
            "sdesk: error: reference/technicians.toml has uncommitted changes"), args
        assert result.stderr.count("\n") == 1
    assert desk.snapshot() == before
    # a note decides nothing from the reference data: it goes ahead
    desk.run("note", tid, "Called Ana back", now=T2)
    assert _journal(desk, tid)[-1]["text"] == "Called Ana back"


def test_uncommitted_thresholds_in_sdesk_toml_stop_triage_and_a_note(desk: Desk) -> None:
    """Session 39: sdesk.toml counts whole, as reference/ does; a note reads its time zone
    (how --now is read and the entry stamped), so it stops too (tests/test_hold_39.py)."""
    tid = _incident(desk)
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# thresholds under review\n",
                      encoding="utf-8")
    before = desk.snapshot()
    result = _fails(desk, "triage", tid, now=T1, code=1)
    assert result.stderr.startswith("sdesk: error: sdesk.toml has uncommitted changes")
    assert _fails(desk, "note", tid, "Waiting for the lead", now=T1, code=1).stderr == \
        result.stderr
    assert desk.snapshot() == before
    desk.git("commit", "-qam", "thresholds reviewed")
    desk.run("note", tid, "Waiting for the lead", now=T1)


def test_priority_still_names_teams_toml_before_who_the_actor_is(desk: Desk) -> None:
    tid = _incident(desk)
    teams = desk.root / "reference" / "teams.toml"
    teams.write_text(teams.read_text(encoding="utf-8") + "\n# a new supervisor?\n",
                     encoding="utf-8")
    before = desk.snapshot()
    result = _fails(desk, "priority", tid, "2", "--reason", "whole floor", code=1)
    assert result.stderr.startswith("sdesk: error: reference/teams.toml has uncommitted "
                                    "changes, and who may decide a priority is whoever the "
                                    "committed file names: commit it first")
    assert desk.snapshot() == before


# 2. A hand-edited, committed priority --------------------------------------------------------

def test_check_reports_a_priority_changed_by_hand_and_committed(desk: Desk) -> None:
    tid = _incident(desk)
    assert desk.run("check").exit_code == 0
    path = _file(desk, tid)
    path.write_text(path.read_text(encoding="utf-8").replace("priority = 3", "priority = 1"),
                    encoding="utf-8")
    desk.git("commit", "-qam", "P1 by hand", "--no-verify")  # the hook refuses it too
    result = _fails(desk, "check", code=1)
    rel = path.relative_to(desk.root).as_posix()
    assert (f"{rel}: priority: P1 in the file, but the journal's last recorded priority is P3: "
            f"changed outside sdesk (no journal entry, no decision); the supervisor puts it "
            f"right with sdesk priority {tid} 3 --reason '...' (or records P1 with sdesk "
            f"priority {tid} 1 --reason '...')\n") in result.stdout
    # the supervisor records the decision: the journal holds it, check passes
    desk.run(*SUPERVISOR, "priority", tid, "1", "--reason", "the whole agency is down", now=T1)
    assert desk.run("check").exit_code == 0


def test_check_passes_a_priority_the_supervisor_decided(desk: Desk) -> None:
    tid = _incident(desk)
    desk.run(*SUPERVISOR, "priority", tid, "2", "--reason", "whole floor", now=T1)
    assert desk.ticket(tid)["priority"] == 2
    assert desk.run("check").exit_code == 0


# 3. A duplicate of a resolved duplicate ---------------------------------------------------

def _chain(desk: Desk) -> tuple[str, str, str]:
    """Bo's three printer reports: B is proposed a duplicate of A, C (paper jams) of B; B's is
    accepted, so C's proposal names a resolved duplicate."""
    a = desk.new("-T", "Printer shows offline", *BO, "-d", "The printer says offline", now=T0)
    desk.run("triage", a, now=T0)
    b = desk.new("-T", "Printer offline and paper jams", *BO, "-d",
                 "The printer says offline and the paper jams", now=T1)
    desk.run("triage", b, now=T1)
    c = desk.new("-T", "Paper jams in tray 2", *BO, "-d", "paper jams in tray 2", now=T2)
    desk.run("triage", c, now=T2)
    assert f"proposed:duplicate:{a}" in desk.ticket(b)["flags"]
    assert f"proposed:duplicate:{b}" in desk.ticket(c)["flags"]
    desk.run("triage", b, "--accept", "duplicate", now=T3)
    assert desk.ticket(b)["duplicate_of"] == a
    return a, b, c


def test_accepting_a_duplicate_of_a_resolved_duplicate_points_at_the_original(
        desk: Desk) -> None:
    a, b, c = _chain(desk)
    out = desk.run("triage", c, "--accept", "duplicate", now=T4).stdout
    said = (f"{b} is itself resolved as a duplicate ({b} -> {a}), so this is resolved as a "
            f"duplicate of the original, {a}")
    assert f"set duplicate_of = '{a}'" in out and said in out
    shown = desk.ticket(c)
    assert shown["duplicate_of"] == a and shown["status"] == "resolved"
    assert any(said in e["text"] for e in shown["journal"])
    assert f"accepted:duplicate:{b}" in shown["flags"]  # the proposal as it was made


def test_resolve_duplicate_of_a_resolved_duplicate_points_at_the_original(desk: Desk) -> None:
    a, b, c = _chain(desk)
    out = desk.run("resolve", c, "--duplicate-of", b, "--summary", "Same printer", now=T4).stdout
    assert f"set duplicate_of = '{a}'" in out
    entry = (f"--duplicate-of {b} is itself resolved as a duplicate ({b} -> {a}): resolved as "
             f"a duplicate of the original, {a}.")
    assert entry in out and any(e["text"] == entry for e in _journal(desk, c))
    assert desk.ticket(c)["duplicate_of"] == a


def test_a_duplicate_chain_that_loops_is_refused(desk: Desk) -> None:
    a, b, c = _chain(desk)
    # a collaborator's hand edit made A a resolved duplicate of B: B -> A -> B
    desk.run("resolve", a, "-c", "fixed", "-s", "Replaced the cable", now=T3)

    def loop(ticket: Any) -> None:
        ticket.duplicate_of = b

    desk.collaborate(a, loop)
    before = desk.snapshot()
    result = _fails(desk, "triage", c, "--accept", "duplicate", now=T4, code=1)
    assert f"duplicate chain {b} -> {a} -> {b} comes back on itself" in result.stderr
    assert result.stderr.count("\n") == 1
    result = _fails(desk, "resolve", c, "--duplicate-of", b, "-s", "Same", now=T4, code=1)
    assert f"{b} -> {a} -> {b} comes back on itself" in result.stderr
    assert desk.snapshot() == before


# 4. Missing options are usage errors ------------------------------------------------------

def test_resolve_without_summary_or_code_is_a_usage_error(desk: Desk) -> None:
    tid = _incident(desk)
    before = desk.snapshot()
    result = _fails(desk, "resolve", tid, "--code", "fixed", code=2)
    assert result.stderr == ("sdesk: error: Missing option '--summary' / '-s'. Pass it with "
                             "--summary TEXT, or --summary - to read stdin (see 'sdesk resolve "
                             "--help')\n")
    result = _fails(desk, "resolve", tid, "--summary", "done", code=2)
    assert result.stderr.startswith("sdesk: error: --code is required: one of fixed")
    assert result.stderr.endswith("(see 'sdesk resolve --help')\n")
    assert _fails(desk, "close", code=2).stderr == (
        "sdesk: error: give either a ticket ID or --resolved-before DATE (see 'sdesk close "
        "--help')\n")
    assert _fails(desk, "note", tid, code=2).stderr == (
        "sdesk: error: no note given (pass it as an argument, or '-' to read stdin) (see "
        "'sdesk note --help')\n")
    assert desk.snapshot() == before


# 5. Backdating -----------------------------------------------------------------------------

def test_a_change_before_the_last_journal_entry_is_refused(desk: Desk) -> None:
    tid = _incident(desk)
    desk.run("note", tid, "Called Ana", now=T2)
    before = desk.snapshot()
    for args in (["note", tid, "earlier"], ["triage", tid], ["set", tid, "impact=1"]):
        result = desk.run(*args, ok=False, now=T1)
        assert result.exit_code == 1, args
        assert result.stderr == (
            f"sdesk: error: --now 2026-11-23T10:00:00-06:00 is before ticket {tid}'s last "
            f"change at 2026-11-23T10:30:00-06:00: its journal would be out of order; give a "
            f"--now at or after 2026-11-23T10:30:00-06:00\n"), args
    assert desk.snapshot() == before
    # a dry run says the applied run would stop
    dry = desk.run("set", tid, "impact=1", "--dry-run", ok=False, now=T1)
    assert dry.exit_code == 1 and "the applied run would stop: --now" in dry.stderr
    desk.run("note", tid, "at the same minute is in order", now=T2)


def test_a_batch_skips_a_backdated_ticket_with_one_warning(desk: Desk) -> None:
    early = _incident(desk, "VPN drops", now=T0)
    late = _incident(desk, "Printer offline on floor 2", now=T0)
    desk.run("note", late, "Called back", now=T2)
    result = desk.run("triage", "--all", now=T1)
    warning = (f"sdesk: warning: {late} skipped: --now 2026-11-23T10:00:00-06:00 is before "
               f"ticket {late}'s last change at 2026-11-23T10:30:00-06:00")
    assert [ln for ln in result.stderr.splitlines() if "skipped" in ln] == [
        ln for ln in result.stderr.splitlines() if ln.startswith(warning)]
    assert warning in result.stderr
    assert desk.ticket(early)["status"] in ("triaged", "new") and \
        desk.ticket(early)["journal"][-1]["at"] == T1
    assert desk.ticket(late)["journal"][-1]["text"] == "Called back"  # left as it was


# 6. A corrected category on a triaged request -------------------------------------------

def test_set_category_on_a_triaged_request_says_the_route_is_the_old_categorys(
        desk: Desk) -> None:
    tid = desk.new("-t", "request", "-T", "Install Office", "--email", "cy@omes.ok.gov",
                   "--agency", "OMES", "--category", "software", "--software",
                   "Microsoft Office", "--service", "Software Install", "-d", "please", now=T0)
    desk.run("triage", tid, now=T0)
    assert desk.ticket(tid)["team"] == "IS-Desktop Support"
    commits = desk.commits()
    out = desk.run("set", tid, "category=hardware", now=T1).stdout
    assert out.rstrip().endswith(
        f"[request-5 ready for assignment] routed to IS-Desktop Support on the old category "
        f"('software'), not by 'hardware': run sdesk triage {tid} --recheck")
    assert desk.commits() == commits + 1
    assert _journal(desk, tid)[-1]["text"].endswith(
        f"The route (IS-Desktop Support) was decided on the old category ('software'): sdesk "
        f"triage {tid} --recheck routes it by 'hardware'")
    # the command it names does what it says
    desk.run("triage", tid, "--recheck", now=T2)
    assert desk.ticket(tid)["team"] == "IS-Asset Team"


def test_the_pre_commit_hook_refuses_a_hand_edited_priority(desk: Desk) -> None:
    tid = _incident(desk)
    path = _file(desk, tid)
    path.write_text(path.read_text(encoding="utf-8").replace("priority = 3", "priority = 2"),
                    encoding="utf-8")
    commit = subprocess.run(["git", "commit", "-qam", "P2 by hand"], cwd=desk.root,
                            capture_output=True, text=True)
    assert commit.returncode != 0
    assert f"sdesk priority {tid} 3 --reason" in commit.stdout + commit.stderr


def test_mail_receive_while_reference_data_is_uncommitted_is_tried_again_later(
        desk: Desk) -> None:
    """A mail server's pipe delivery bounces any exit but 0 and 75: a message that arrives
    while someone edits reference/ is kept by the mail server (75), not bounced (1)."""
    vip = desk.root / "reference" / "vip.toml"
    vip.write_text(vip.read_text(encoding="utf-8") + "\n# a VIP being added\n",
                   encoding="utf-8")
    message = ("From: Ana Ruiz <ana.ruiz@omes.ok.gov>\nTo: servicedesk@omes.ok.gov\n"
               "Subject: Outlook will not open\nMessage-ID: <m1@omes.ok.gov>\n"
               "Date: Mon, 23 Nov 2026 09:00:00 -0600\n\nIt crashes at start.\n")
    before = desk.snapshot()
    result = desk.run("mail", "receive", "-", input=message, ok=False, now=T1)
    assert result.exit_code == 75, (result.stdout, result.stderr)
    assert result.stderr.startswith("sdesk: error: reference/vip.toml has uncommitted changes")
    assert desk.snapshot() == before
    desk.git("commit", "-qam", "the new VIP")
    assert desk.run("mail", "receive", "-", input=message, now=T1).exit_code == 0
