"""Gaps a tester found in session 38's desk (issue 11: every ticket can be corrected, bad input
gets one clear line and loses nothing; the guide's incident-5 duplicates). Each drives the real
CLI on a real git store in a temporary folder, at fixed times; each failed on the code before
session 39."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
T1 = "2026-11-23T10:00:00-06:00"
T2 = "2026-11-23T11:00:00-06:00"
T3 = "2026-11-23T12:00:00-06:00"
ANA = ("--email", "ana.ruiz@omes.ok.gov", "--name", "Ana Ruiz", "--agency", "OMES")
BEN = ("--email", "ben.whitehorse@okdhs.org", "--name", "Ben Whitehorse", "--agency", "OMES")


def _fails(desk: Desk, *args: str, code: int = 1, now: str | None = None) -> Any:
    """The command at `now`, which must fail with exit `code` and say one line."""
    result = desk.run(*args, ok=False, now=now)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    return result


def _file(desk: Desk, tid: str) -> Path:
    [path] = (desk.root / "tickets").rglob(f"{tid}.toml")
    return path


def _incident(desk: Desk, title: str, who: tuple[str, ...] = ANA, now: str = T0) -> str:
    return desk.new("-T", title, *who, "--service", "VPN", "-d", title, now=now)


def _last_mail(desk: Desk) -> str:
    """The last queued message: its headers unfolded, then its body."""
    from email import message_from_bytes, policy

    message = message_from_bytes(desk.outbox()[-1].read_bytes(), policy=policy.default)
    head = "".join(f"{k}: {v}\n" for k, v in message.items())
    return head + "\n" + message.get_content()


# 1. A duplicate of a resolved or closed original ------------------------------------------

def test_resolve_duplicate_of_a_closed_original_is_refused_as_triage_refuses_it(
        desk: Desk) -> None:
    original = _incident(desk, "Forgot my password")
    desk.run("resolve", original, "-c", "fixed", "-s", "Reset the password", now=T1)
    desk.run("close", original, now=T1)
    dup = _incident(desk, "Forgot my password again", now=T2)
    before = desk.snapshot()
    result = _fails(desk, "resolve", dup, "--duplicate-of", original, "-s", "Same", now=T3)
    assert (f"{dup}: --duplicate-of names {original} ('Forgot my password'), which is "
            f"closed: resolving it as a duplicate would close {dup} and tell the customer work "
            f"goes on there; {original} cannot be reopened, or resolve {dup} on its own: "
            f"sdesk resolve {dup} --code CODE --summary '...'") in result.stderr
    assert desk.snapshot() == before


def test_resolve_duplicate_of_a_resolved_original_says_reopen_it_first(desk: Desk) -> None:
    original = _incident(desk, "Forgot my password")
    desk.run("resolve", original, "-c", "fixed", "-s", "Reset the password", now=T1)
    dup = _incident(desk, "Forgot my password again", now=T2)
    result = _fails(desk, "resolve", dup, "--duplicate-of", original, "-s", "Same", now=T3)
    assert "which is resolved: " in result.stderr
    assert f"sdesk reopen {original} --reason '...' then resolve again" in result.stderr
    desk.run("reopen", original, "--reason", "still locked out", now=T3)
    desk.run("resolve", dup, "--duplicate-of", original, "-s", "Same", now=T3)
    assert desk.ticket(dup)["duplicate_of"] == original


# 2. A duplicate across requesters ------------------------------------------------------------

def test_resolve_duplicate_of_another_persons_ticket_is_refused_naming_both(
        desk: Desk) -> None:
    bens = _incident(desk, "VPN drops every hour", BEN)
    anas = _incident(desk, "VPN keeps dropping", now=T1)
    before = desk.snapshot()
    result = _fails(desk, "resolve", anas, "--duplicate-of", bens, "-s", "Same VPN", now=T2)
    assert (f"{anas}: --duplicate-of {bens} is another person's ticket ({anas}: "
            f"ana.ruiz@omes.ok.gov; {bens}: ben.whitehorse@okdhs.org)") in result.stderr
    assert f"sdesk relate {anas} {bens}" in result.stderr
    assert "sdesk parent new" in result.stderr and "--other-requester" in result.stderr
    assert desk.snapshot() == before


def test_other_requester_resolves_it_without_promising_updates_from_there(
        desk: Desk) -> None:
    bens = _incident(desk, "VPN drops every hour", BEN)
    anas = _incident(desk, "VPN keeps dropping", now=T1)
    desk.run("resolve", anas, "--duplicate-of", bens, "--other-requester", "-s",
             "Same VPN fault", now=T2)
    assert desk.ticket(anas)["duplicate_of"] == bens
    mail = _last_mail(desk)
    assert "To: ana.ruiz@omes.ok.gov" in mail
    assert "keep you updated" not in mail
    assert f"Updates on {bens} are not mailed to you" in mail


def test_other_requester_needs_duplicate_of(desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    result = desk.run("resolve", tid, "-c", "fixed", "-s", "x", "--other-requester",
                      ok=False, now=T1)
    assert result.exit_code == 2 and "--other-requester goes with --duplicate-of" in \
        result.stderr


# 3. The duplicate's resolution mail ----------------------------------------------------------

def test_a_duplicates_mail_says_merged_in_its_own_type_word_and_asks_no_score(
        desk: Desk) -> None:
    original = _incident(desk, "Outlook crashes at start")
    dup = _incident(desk, "Outlook crashing again", now=T1)
    desk.run("resolve", dup, "--duplicate-of", original, "-s",
             "Same Outlook crash as your other ticket", now=T2)
    mail = _last_mail(desk)
    assert f"Subject: [{dup}] Merged into {original}: Outlook crashing again" in mail
    assert "Resolved:" not in mail
    assert "How satisfied" not in mail  # kpi leaves duplicates out of CSAT
    assert f"Your incident {dup} has been merged into {original}" in mail
    assert "request" not in mail.lower()
    assert f"we will keep you updated on {original}" in mail


# 5. A knowledge-base article from a resolution that solved nothing ---------------------------

def test_kb_new_refuses_a_no_response_resolution(desk: Desk) -> None:
    tid = _incident(desk, "Docking station dead")
    desk.run("resolve", tid, "-c", "no-response", "-s",
             "We could not reach you after three attempts, so we are closing this.", now=T1)
    before = desk.snapshot()
    result = _fails(desk, "kb", "new", "--from", tid, now=T2)
    assert (f"{tid} was resolved as no-response: the customer never answered, so nothing was "
            "solved, and an article records how a problem was solved") in result.stderr
    assert desk.snapshot() == before


def test_kb_new_from_a_duplicate_names_the_original_to_draft_from(desk: Desk) -> None:
    original = _incident(desk, "Outlook crashes at start")
    dup = _incident(desk, "Outlook crashing again", now=T1)
    desk.run("resolve", dup, "--duplicate-of", original, "-s", "Same Outlook crash", now=T2)
    before = desk.snapshot()
    result = _fails(desk, "kb", "new", "--from", dup, now=T3)
    assert f"{dup} was resolved as duplicate: it points at the original" in result.stderr
    assert f"draft from the original: sdesk kb new --from {original}" in result.stderr
    assert desk.snapshot() == before


# 6. A reply to a ticket whose file cannot be read --------------------------------------------

def _reply(subject: str, message_id: str) -> bytes:
    return (f"From: Ana Ruiz <ana.ruiz@omes.ok.gov>\nTo: servicedesk@omes.ok.gov\n"
            f"Subject: {subject}\nDate: Mon, 23 Nov 2026 15:00:00 -0600\n"
            f"Message-ID: <{message_id}@example.org>\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\n\nThe VPN still drops.\n").encode()


def _break(desk: Desk, tid: str) -> str:
    """A collaborator commits a broken ticket file; its store-relative path."""
    path = _file(desk, tid)
    path.write_text(path.read_text(encoding="utf-8").replace('status = "new"', 'status = new'),
                    encoding="utf-8")
    desk.git("commit", "-qam", "a broken edit", "--no-verify")
    return path.relative_to(desk.root).as_posix()


def test_mail_receive_of_a_reply_to_a_broken_ticket_is_tried_again_later(desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    rel = _break(desk, tid)
    short = desk.git("ls-files", "tickets").count("\n") and tid[:8]  # the short ID a person types
    for tag in (tid, short):
        before = desk.snapshot()
        result = desk.run("mail", "receive", "-", input=_reply(f"RE: [{tag}] VPN", tag).decode(),
                          ok=False, now=T1)
        assert result.exit_code == 75, (result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and rel in result.stderr, result.stderr
        assert f"names {tid}, whose file cannot be read" in result.stderr
        assert "names no ticket" not in result.stdout + result.stderr
        assert desk.snapshot() == before


def test_mail_fetch_leaves_a_reply_to_a_broken_ticket_in_the_mailbox(desk: Desk,
                                                                     tmp_path: Path) -> None:
    tid = _incident(desk, "VPN drops")
    rel = _break(desk, tid)
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1.eml").write_bytes(_reply(f"RE: [{tid}] VPN", "r1"))
    (box / "new" / "2.eml").write_bytes(
        _reply("Keyboard dead", "n2").replace(b"VPN still drops", b"keyboard does not type"))
    result = desk.run("mail", "fetch", "--maildir", str(box), now=T1)
    held = [line for line in result.stdout.splitlines() if line.startswith("1.eml")]
    assert len(held) == 1 and rel in held[0] and "held for a retry" in held[0], result.stdout
    assert [p.name for p in (box / "new").iterdir()] == ["1.eml"]  # left as it came
    assert len(list((box / "cur").iterdir())) == 1  # the other message was taken
    subprocess.run(["git", "checkout", "HEAD~2", "--", rel], cwd=desk.root, check=True)
    desk.git("commit", "-qm", "the file put right")
    desk.run("mail", "fetch", "--maildir", str(box), now=T2)
    assert not list((box / "new").iterdir())
    assert any("VPN still drops" in e["text"] for e in desk.ticket(tid)["journal"])


# 4. `sdesk check` and the pre-commit hook see hand edits ---------------------------------------

SUPERVISOR = ("--actor", "Kendra Yellowhorse <kendra.yellowhorse@omes.ok.gov>")


def _hand_edit(desk: Desk, tid: str, old: str, new: str, hook: bool = False) -> str:
    """Replace the line starting `old` in the ticket file with `new` and commit it (past the
    pre-commit hook unless `hook`); the file's store-relative path."""
    path = _file(desk, tid)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    [at] = [i for i, line in enumerate(lines) if line.startswith(old)]
    lines[at] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    if not hook:
        desk.git("commit", "-qam", "tidy", "--no-verify")
    return path.relative_to(desk.root).as_posix()


def _check_says(desk: Desk, line: str) -> None:
    result = desk.run("check", ok=False)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert line + "\n" in result.stdout, result.stdout


@pytest.mark.parametrize(("field", "label", "moved"), [
    ("resolve_by", "Resolve By", "2027-06-30T11:30"),
    ("respond_by", "Respond By", "2026-12-30T09:00"),
])
def test_check_reports_a_due_time_moved_by_hand_and_the_supervisor_puts_it_right(
        desk: Desk, field: str, label: str, moved: str) -> None:
    tid = _incident(desk, "VPN drops")
    due = desk.ticket(tid)[field]
    rel = _hand_edit(desk, tid, f"{field} = ", f"{field} = {moved}:00-06:00")
    _check_says(desk, f"{rel}: {field}: {moved}-06:00 in the file, but the SLA chart "
                      f"gives P3 opened 2026-11-23T09:00-06:00 {label} {due[:16]}-06:00: "
                      f"changed outside sdesk (no journal entry); the supervisor recomputes it "
                      f"with sdesk priority {tid} 3 --reason '...' (the level kept)")
    desk.run(*SUPERVISOR, "priority", tid, "3", "--reason", f"{label} was edited", now=T1)
    assert desk.ticket(tid)[field] == due
    assert desk.run("check").exit_code == 0


def test_check_passes_resolve_by_moved_by_holds_reopens_and_decisions(desk: Desk) -> None:
    """No finding for what sdesk itself moves: a hold resumed, a resolution from hold, a
    reopen, a supervisor's priority."""
    tid = _incident(desk, "VPN drops")
    desk.run("hold", tid, "--reason", "awaiting-vendor", now=T1)
    desk.run("resume", tid, now=T2)
    desk.run(*SUPERVISOR, "priority", tid, "2", "--reason", "whole floor", now=T2)
    desk.run("hold", tid, "--reason", "awaiting-vendor", now=T2)
    desk.run("resolve", tid, "-c", "fixed", "-s", "Vendor fixed it", now=T3)
    desk.run("reopen", tid, "--reason", "drops again", now="2026-11-24T09:00:00-06:00")
    assert desk.run("check").exit_code == 0, desk.run("check", ok=False).stdout


def test_check_reports_a_journal_dated_before_the_opening_and_a_moved_opening(
        desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    desk.run("note", tid, "Called Ana", now=T1)
    rel = _hand_edit(desk, tid, "opened_at = ", "opened_at = 2026-11-23T09:30:00-06:00")
    _check_says(desk, f"{rel}: opened_at: 2026-11-23T09:30-06:00 is after the ticket's first "
                      f"journal entry (2026-11-23T09:00-06:00, system): moved by hand; no "
                      f"command sets it: put opened_at back to 2026-11-23T09:00-06:00 in the "
                      f"file and commit")
    out = desk.run("check", ok=False).stdout
    assert "resolve_by" not in out and "respond_by" not in out  # the opening's finding first
    desk.git("revert", "--no-edit", "HEAD")
    text = _file(desk, tid).read_text(encoding="utf-8")
    _file(desk, tid).write_text(text.replace("at = 2026-11-23T10:00:00-06:00",
                                             "at = 2026-11-22T10:00:00-06:00"), encoding="utf-8")
    desk.git("commit", "-qam", "tidy", "--no-verify")
    result = desk.run("check", ok=False)
    assert f"{rel}: journal[1].at: 2026-11-22T10:00-06:00 is before opened_at " \
           f"2026-11-23T09:00-06:00: dated by hand" in result.stdout


def test_check_reports_a_nonsense_email_and_set_puts_it_right(desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    rel = _hand_edit(desk, tid, "email = ", 'email = "nonsense"')
    _check_says(desk, f"{rel}: requester.email: the address must look like name@domain.tld (one "
                      f"@, a dotted domain); got 'nonsense': put it right with sdesk set {tid} "
                      f"email=name@domain.tld")
    desk.run("set", tid, "email=ana.ruiz@omes.ok.gov", now=T1)
    assert desk.run("check").exit_code == 0


def test_check_reports_negative_effort_and_reopens(desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    path = _file(desk, tid)
    path.write_text(path.read_text(encoding="utf-8").replace(
        'description = ', 'effort_hours = -2.0\nreopens = -1\ndescription = '), encoding="utf-8")
    desk.git("commit", "-qam", "tidy", "--no-verify")
    rel = path.relative_to(desk.root).as_posix()
    out = desk.run("check", ok=False).stdout
    assert (f"{rel}: effort_hours: the estimate must be more than 0 and at most 1000 hours; got "
            f"-2: put it right with sdesk set {tid} effort_hours=HOURS\n") in out
    assert (f"{rel}: reopens: -1 is negative; the journal records 0 reopen(s) (only sdesk "
            f"reopen counts them): put reopens = 0 in the file and commit\n") in out


def test_check_reports_a_type_its_id_contradicts(desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    rel = _hand_edit(desk, tid, "type = ", 'type = "request"')
    _check_says(desk, f"{rel}: type: 'request' in the file, but the ID's prefix INC is the "
                      f"incidents' (sdesk.toml [ids]): a ticket keeps the type it was logged as: "
                      f"put type = \"incident\" back in the file and commit (a request is logged "
                      f"anew: sdesk new -t request, then sdesk relate)")


def test_the_pre_commit_hook_refuses_a_hand_edited_resolve_by(desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    _hand_edit(desk, tid, "resolve_by = ", "resolve_by = 2027-06-30T11:30:00-06:00", hook=True)
    commit = subprocess.run(["git", "commit", "-qam", "tidy"], cwd=desk.root,
                            capture_output=True, text=True)
    assert commit.returncode != 0
    assert f"sdesk priority {tid} 3 --reason" in commit.stdout + commit.stderr


def test_code_duplicate_on_a_related_duplicate_is_checked_and_mailed_alike(desk: Desk) -> None:
    """`relate A B --as duplicate`, then `resolve A --code duplicate`: the same rules."""
    bens = _incident(desk, "VPN drops every hour", BEN)
    anas = _incident(desk, "VPN keeps dropping", now=T1)
    desk.run("relate", anas, bens, "--as", "duplicate", now=T1)
    result = _fails(desk, "resolve", anas, "--code", "duplicate", "-s", "Same VPN", now=T2)
    assert f"--duplicate-of {bens} is another person's ticket" in result.stderr
    mine = _incident(desk, "VPN drops in the morning", now=T2)
    desk.run("unrelate", anas, bens, now=T2)
    desk.run("relate", anas, mine, "--as", "duplicate", now=T2)
    desk.run("resolve", anas, "--code", "duplicate", "-s", "Same VPN", now=T3)
    assert f"Merged into {mine}" in _last_mail(desk)
