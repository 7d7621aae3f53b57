"""The correcting commands as a dispatcher and a supervisor meet them (issue 11; the fresh-user
pass of session 26): a hand edit is refused whatever its value, `set`'s commit says what
changed, the supervisor's priority decision is what `show` says, a dry run's JSON carries the
applied run's refusal, `--review` says an answer counts for the tickets after it, and nothing
is committed in the middle of an unfinished merge. Each drives the real CLI on a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from terminal import on_a_terminal

from tests.conftest import Desk

# the Service Desk's supervisor: only a supervisor decides a priority (sdesk priority)
SUPERVISOR = ("--actor", "Marcia Whitfield <marcia.whitfield@omes.ok.gov>")


def _path(desk: Desk, tid: str) -> Path:
    return next((desk.root / "tickets").rglob(f"{tid}.toml"))


def _printer(desk: Desk) -> str:
    return desk.new("-T", "Printer jams", "--email", "bo@omes.ok.gov", "--agency", "OMES",
                    "--service", "Printing", "-d", "2nd floor printer jams on every job")


def test_a_hand_edit_that_already_gave_the_value_is_refused_not_nothing_to_change(
        desk: Desk) -> None:
    tid = _printer(desk)
    path = _path(desk, tid)
    path.write_text(path.read_text().replace("impact = 2", "impact = 1"))
    before = desk.snapshot()
    rel = path.relative_to(desk.root).as_posix()
    result = desk.fails("set", tid, "impact=1", code=1)  # was "nothing to change", exit 4
    assert result.stderr == (f"sdesk: error: {rel} has changes that are not committed; commit "
                             "them (git add, git commit) or undo them (git restore; a file git "
                             "does not know yet: delete it) first: sdesk edit refuses them too, "
                             "and makes a change with its own commit after\n")
    dry = desk.fails("set", tid, "impact=1", "--dry-run", code=1)
    assert dry.stderr.startswith(f"sdesk: error: the applied run would stop: {rel} has changes")
    # `edit` refuses before the editor opens: nothing typed for nothing.
    ran = desk.root.parent / "editor-ran"
    editor = desk.root.parent / "editor.py"
    editor.write_text(f"open({str(ran)!r}, 'w').write('x')\n")
    os.environ["EDITOR"] = f"{sys.executable} {editor}"
    try:
        assert rel in desk.fails("edit", tid, code=1).stderr
    finally:
        del os.environ["EDITOR"]
    assert not ran.exists()
    assert desk.snapshot() == before
    desk.git("checkout", "--", rel)  # undone: the same value is a correction again
    desk.run("set", tid, "impact=1")
    assert desk.ticket(tid)["impact"] == 1


def test_set_commit_subject_says_what_changed_shortened_when_long(desk: Desk) -> None:
    tid = _printer(desk)
    desk.run("set", tid, "impact=1", "urgency=3")
    assert desk.git("log", "-1", "--format=%s").strip() == f"set {tid}: impact 2 -> 1, urgency 2 -> 3"
    body = desk.git("log", "-1", "--format=%B")
    assert body.rstrip().endswith(f"Sdesk-Action: set\nSdesk-Ticket: {tid}")
    assert "internal edit note: Corrected by Dana Dispatcher: impact, urgency\n" in body
    long = "Printer on the second floor jams on every single print job since this morning"
    desk.run("set", tid, f"title={long}", "description=one\ntwo\nthree", "phone=555-0100",
             "location=Room 301", "skills=printers", "effort=2")
    subject = desk.git("log", "-1", "--format=%s").strip()
    assert subject == (f"set {tid}: title 'Printer jams' -> 'Printer on the seco...' and 5 "
                       "more: description, phone, location, skills, effort_hours")
    desk.run("set", tid, "description=one", "phone=555-0199")
    assert desk.git("log", "-1", "--format=%s").strip() == (
        f"set {tid}: description (3 lines) -> 'one', phone '555-0100' -> '555-0199'")
    edit = [e for e in desk.ticket(tid)["journal"] if e["kind"] == "edit"][-2]["text"]
    assert f"title: 'Printer jams' -> {long!r}" in edit  # the journal keeps every value whole
    # a value that only grows is shown where it changes, not cut alike on both sides
    # (fresh-user finding, session 27: "title 'Printer on the seco...' -> 'Printer on the
    # seco...'")
    desk.run("set", tid, f"title={long}, and the tray is empty")
    assert desk.git("log", "-1", "--format=%s").strip() == (
        f"set {tid}: title ...this morning' -> ...this morning, and the...")


def test_the_supervisors_decision_is_what_show_says_not_the_accepted_proposal(desk: Desk) -> None:
    tid = desk.new("-T", "license renewal screen frozen, 12 customers waiting", "--email",
                   "bo@omes.ok.gov", "--agency", "OMES", "--service", "Desktop Hardware",
                   "-d", "x")
    desk.run("triage", tid)
    assert "proposed:priority:P2" in desk.ticket(tid)["flags"]
    desk.run("triage", tid, "--accept", "priority")
    assert {"accepted:priority:P2", "priority-review"} <= set(desk.ticket(tid)["flags"])
    desk.run(*SUPERVISOR, "priority", tid, "3", "--reason", "one counter of four; they use the others",
             now="2026-11-23T10:00:00-06:00")
    flags = desk.ticket(tid)["flags"]
    assert "rejected:priority:P2" in flags
    assert not {"accepted:priority:P2", "priority-review"} & set(flags)
    shown = desk.run("show", tid).stdout
    assert "accepted:priority:P2" not in shown
    assert ("  Decided:    Priority kept P3 (Medium), the proposed P2 rejected: one counter of "
            "four; they use the others (Marcia Whitfield, 2026-11-23 10:00 CST)") in shown


def test_a_supervisor_who_sets_the_proposed_priority_keeps_it_accepted(desk: Desk) -> None:
    tid = desk.new("-T", "license renewal screen frozen, 12 customers waiting", "--email",
                   "bo@omes.ok.gov", "--agency", "OMES", "--service", "Desktop Hardware",
                   "-d", "x")
    desk.run("triage", tid)
    desk.run("triage", tid, "--accept", "priority")
    desk.run(*SUPERVISOR, "priority", tid, "2", "--reason", "the public waits")
    t = desk.ticket(tid)
    assert "accepted:priority:P2" in t["flags"] and t["priority"] == 2
    assert "Decided:    Priority changed from P3 to P2 (High): the public waits" in desk.run(
        "show", tid).stdout


@pytest.mark.parametrize("argv", [
    ["triage", "{tid}", "--dry-run", "--json"], ["triage", "--all", "--dry-run", "--json"],
    ["set", "{tid}", "service=Scanner", "--dry-run", "--json"]])
def test_a_dry_runs_json_carries_the_applied_runs_refusal(desk: Desk, argv: list[str]) -> None:
    tid = _printer(desk)
    args = [a.replace("{tid}", tid) for a in argv]
    plain = json.loads(desk.run(*args).stdout)
    assert plain["dry_run"] is True and "would_stop" not in plain
    path = _path(desk, tid)
    path.write_text(path.read_text().replace("Printer jams", "Printer jams (hand edit)"))
    before = desk.snapshot()
    result = desk.fails(*args, code=1)  # exit code as before
    data = json.loads(result.stdout)
    assert data["actions"] and list(data)[-1] == "would_stop"
    rel = path.relative_to(desk.root).as_posix()
    assert data["would_stop"].startswith(f"{rel} has changes that are not committed")
    assert result.stderr == f"sdesk: error: the applied run would stop: {data['would_stop']}\n"
    assert desk.snapshot() == before


def test_sweeps_dry_run_json_carries_the_refusal_too(desk: Desk) -> None:
    tid = _printer(desk)
    path = _path(desk, tid)
    path.write_text(path.read_text().replace("Printer jams", "Printer jams (hand edit)"))
    result = desk.run("sweep", "--dry-run", "--json", now="2026-12-31T10:00", ok=False)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["would_stop"].startswith(
        path.relative_to(desk.root).as_posix())


def test_review_says_an_answer_counts_for_the_tickets_after_it(desk: Desk) -> None:
    a = desk.new("-T", "PC has no power, wont turn on", "--email", "ana.ruiz@omes.ok.gov",
                 "--agency", "OMES", "--service", "Desktop Hardware", "-d", "details")
    b = desk.new("-T", "printer has no power at all", "--email", "cy@omes.ok.gov",
                 "--agency", "OMES", "--service", "Printing", "-d", "details")
    desk.run("triage", a, b)
    seen, code = on_a_terminal(desk, ["triage", a, b, "--review"], [b"y\n"])
    text = seen.decode().replace("\r", "")
    assert code == 0, text
    assert ("accept? [y/n/s=skip/q=quit, keep answers; y/n counts for the same on-site "
            "proposal of the 1 later ticket too]") in text  # the same evidence: "the text says 'no power'"
    assert f"{b} 'printer has no power at all': proposed on-site (text): accepted by your " \
           f"answer for {a} (the same proposal)" in text
    assert text.count("accept?") == 1
    assert desk.ticket(a)["remote"] is False and desk.ticket(b)["remote"] is False


def _conflicted(desk: Desk) -> tuple[str, str]:
    """Two tickets; the first's title changed on two branches and merged with git's own text
    merge (not sdesk's driver), which stops on a conflict in its file."""
    first, other = _printer(desk), desk.new("-T", "VPN down", "--email", "cy@omes.ok.gov",
                                            "--agency", "OMES", "-d", "x")
    start = desk.git("branch", "--show-current").strip()
    desk.git("checkout", "-qb", "theirs")
    desk.run("set", first, "title=Printer A jams")
    desk.git("checkout", "-q", start)
    desk.run("set", first, "title=Printer C jams")
    (desk.root / ".git" / "info").mkdir(exist_ok=True)
    (desk.root / ".git" / "info" / "attributes").write_text("tickets/** merge=text\n")
    merge = subprocess.run(["git", "merge", "theirs"], cwd=desk.root, capture_output=True)
    assert merge.returncode != 0 and (desk.root / ".git" / "MERGE_HEAD").exists()
    return first, other


@pytest.mark.no_deep_check
def test_during_an_unfinished_merge_show_names_it_and_nothing_is_committed(desk: Desk) -> None:
    first, other = _conflicted(desk)
    rel = _path(desk, first).relative_to(desk.root).as_posix()
    before = desk.snapshot()
    # the full ID, and the short one a user types (resolved through the index, which keeps
    # the parser's "broken TOML": fresh-user finding, session 27)
    for argv in (["show", first], ["note", first, "called"], ["show", first[:9]],
                 ["note", first[:9], "called"]):
        result = desk.fails(*argv, code=1)
        assert result.stderr == (
            f"sdesk: error: {rel}: a merge is unfinished and left a conflict in this ticket "
            "(line 4: <<<<<<<); edit the file to keep the right lines, then git add it and git "
            "commit, or undo the merge with git merge --abort\n"), argv
    refusal = ("sdesk: error: a merge is unfinished (.git/MERGE_HEAD): sdesk commits nothing "
               "until it is finished; resolve its conflicts (sdesk check lists them), git add "
               "and git commit, or git merge --abort\n")
    for argv in (["note", other, "called back"], ["set", other, "impact=1"],
                 ["triage", other]):
        stderr = desk.fails(*argv, code=1).stderr
        if argv[0] == "triage":  # first, the file its context leaves out (the conflicted one)
            warning, _, stderr = stderr.partition("\n")
            assert warning.startswith(f"sdesk: warning: {rel}: ") and "(skipped)" in warning
        assert stderr == refusal, argv
        assert desk.snapshot() == before
    # launched as a user launches it (the click-free path of `note` and `show`)
    run = subprocess.run([sys.executable, "-m", "sdesk", "--store", str(desk.root), "note",
                          other, "called back"], capture_output=True, text=True)
    assert (run.returncode, run.stderr) == (1, refusal)
    run = subprocess.run([sys.executable, "-m", "sdesk", "--store", str(desk.root), "show",
                          first], capture_output=True, text=True)
    assert run.returncode == 1 and "a merge is unfinished" in run.stderr
    assert desk.snapshot() == before
    desk.git("merge", "--abort")
    desk.run("note", other, "called back")
    assert desk.git("log", "-1", "--format=%s").startswith(f"note {other}")


def test_show_puts_a_space_after_every_relation_label(desk: Desk) -> None:
    # "Duplicate of:" is longer than the column: it ran into the ID (fresh-user finding,
    # session 27: "Duplicate of:INC-...")
    first = _printer(desk)
    second = desk.new("-T", "printer jams again", "--email", "ana.ruiz@omes.ok.gov",
                      "--agency", "OMES", "--service", "Printing", "-d", "x")
    desk.run("relate", second, first, "--as", "duplicate")
    assert f"  Duplicate of: {first}\n" in desk.run("show", second).stdout
    assert f"  Duplicates: {second}\n" in desk.run("show", first).stdout


def test_review_carries_an_answer_only_to_the_same_proposal_on_the_same_evidence(
        desk: Desk) -> None:
    """Three people's "VPN down" share one trend and one priority proposal (P2: the chart
    model, which weighs the rules' P1, "a service is out", with the words and the people; its
    score differs from report to report, the evidence does not): the answers for the first
    count for the others. The agency-wide e-mail outage's P1
    proposal rests on other evidence: it is asked, not rejected by the answer for the VPN
    (fresh-user finding, session 29), and skipping it says so."""
    vpn = [desk.new("-T", "VPN down", "--email", f"u{i}@omes.ok.gov", "--agency", "OMES",
                    "--service", "VPN", "-d", "details", now=f"2026-11-23T08:{i * 10:02d}")
           for i in range(3)]
    mail = desk.new("-T", "Whole agency cannot send email", "--email", "cy@omes.ok.gov",
                    "--agency", "OMES", "--service", "Email", "--impact", "3", "--urgency", "3",
                    "-d", "details", now="2026-11-23T08:40")
    desk.run("triage", *vpn, mail)
    seen, code = on_a_terminal(desk, ["triage", *vpn, mail, "--review"],
                               [b"n\n", b"y\n", b"s\n"])
    text = seen.decode().replace("\r", "")
    assert code == 0, text
    assert text.count("accept?") == 3, text
    assert f"{vpn[1]} 'VPN down': proposed priority (P2): rejected by your answer for " \
           f"{vpn[0]} (the same proposal)" in text
    assert f"{mail} 'Whole agency cannot send email': proposed priority (P1): the text" in text
    assert f"{mail}\n  [triage: the dispatcher's review of proposals] skipped by your answer, " \
           "still pending: priority (P1)" in text
    for tid in vpn:
        flags = desk.ticket(tid)["flags"]
        assert "rejected:priority:P2" in flags and "trend-reported" in flags, (tid, flags)
    assert "proposed:priority:P1" in desk.ticket(mail)["flags"]
