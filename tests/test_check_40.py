"""What `sdesk check` and the pre-commit hook see of hand edits and a hostile push (session 40:
a tester's findings, and issue 11's "every change is a journal entry"). Each drives the real
CLI on a real git store in a temporary folder, at fixed times; each failed on the code before
session 40."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
T1 = "2026-11-23T10:00:00-06:00"
T2 = "2026-11-23T11:00:00-06:00"
T3 = "2026-11-23T12:00:00-06:00"
ANA = ("--email", "ana.ruiz@omes.ok.gov", "--name", "Ana Ruiz", "--agency", "OMES")
BEN = ("--email", "ben.whitehorse@okdhs.org", "--name", "Ben Whitehorse", "--agency", "DHS")


def _file(desk: Desk, tid: str) -> Path:
    [path] = (desk.root / "tickets").rglob(f"{tid}.toml")
    return path


def _edit(desk: Desk, tid: str, pattern: str, repl: str, commit: bool = True) -> None:
    path = _file(desk, tid)
    text, count = re.subn(pattern, repl, path.read_text(), count=1, flags=re.M)
    assert count == 1, (pattern, path.read_text())
    path.write_text(text)
    if commit:
        desk.git("commit", "-qam", "a hand edit", "--no-verify")


def _check(desk: Desk) -> str:
    return str(desk.run("check", ok=False, now=T3).stdout)


# 1. A first response or a channel no journal entry accounts for --------------------------------

def test_every_command_that_responds_leaves_check_clean(desk: Desk) -> None:
    phone = desk.new("-T", "VPN drops", *ANA, "--service", "VPN", "-d", "drops", now=T0)
    mail = desk.new("-T", "Outlook slow", "-c", "email", *BEN, "--service", "Email", "-d", "slow",
                    now=T0)
    asked = desk.new("-T", "Printer jams", "-c", "email", *ANA, "--service", "Printing", "-d",
                     "jams", now=T0)
    resolved = desk.new("-T", "Monitor dim", "-c", "self-service", *BEN, "--service", "Monitor",
                        "-d", "dim", now=T0)
    desk.run("note", mail, "--public", "Looking into it", now=T1)
    desk.run("hold", asked, "--reason", "awaiting-customer", "--ask", "Which printer?", now=T1)
    desk.run("resolve", resolved, "-c", "fixed", "-s", "Turned up the brightness", now=T2)
    split = desk.run("split", phone, "--title", "Teams fails", "--service", "Teams", "--keep",
                     "VPN drops", now=T2).stdout
    assert "INC-" in split
    for tid in (phone, mail, asked, resolved):
        assert desk.ticket(tid)["first_response_at"], tid
    assert _check(desk).strip().endswith("store ok"), _check(desk)


def test_a_first_response_added_by_hand_is_reported(desk: Desk) -> None:
    tid = desk.new("-T", "Outlook slow", "-c", "email", *BEN, "--service", "Email", "-d", "slow",
                   now=T0)
    _edit(desk, tid, r"^(channel = .*)$", r'\1\nfirst_response_at = 2026-11-23T09:05:00-06:00')
    out = _check(desk)
    assert "first_response_at: 2026-11-23T09:05-06:00, but no journal entry was made then" in out
    _edit(desk, tid, r"^first_response_at = .*$",
          "first_response_at = 2026-11-23T08:00:00-06:00")
    assert "first_response_at: 2026-11-23T08:00-06:00 is before the ticket was opened" in \
        _check(desk)


def test_a_channel_changed_by_hand_is_reported(desk: Desk) -> None:
    tid = desk.new("-T", "Outlook slow", "-c", "email", *BEN, "--service", "Email", "-d", "slow",
                   now=T0)
    _edit(desk, tid, r'^channel = "email"$', 'channel = "phone"')
    out = _check(desk)
    assert "channel: 'phone' in the file, but the ticket was logged via email" in out
    assert 'put channel = "email" back' in out


# 2. A cycle of relations -----------------------------------------------------------------------

def test_a_cycle_of_parents_is_reported_and_resolve_does_not_follow_it(desk: Desk) -> None:
    one = desk.new("-T", "Teams audio drops", *ANA, "--service", "Teams", "-d", "drops", now=T0)
    two = desk.new("-T", "Monitor flickers", *BEN, "--service", "Monitor", "-d", "flick", now=T0)
    _edit(desk, one, r"^(channel = .*)$", rf'\1\nparent = "{two}"', commit=False)
    _edit(desk, two, r"^(channel = .*)$", rf'\1\nparent = "{one}"')
    out = _check(desk)
    first, second = sorted((one, two))
    assert f"a cycle of parents: {first} -> {second} -> {first}" in out
    assert out.count("a cycle of parents") == 1
    before = desk.snapshot()
    result = desk.run("resolve", one, "-c", "fixed", "-s", "done", ok=False, now=T1)
    assert result.exit_code == 1
    assert f"its child {two} is also its parent" in result.stderr
    assert result.stderr.count("\n") == 1
    assert desk.snapshot() == before


def test_a_ticket_related_to_itself_is_reported(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops", *ANA, "--service", "VPN", "-d", "drops", now=T0)
    _edit(desk, tid, r"^(channel = .*)$", rf'\1\nrelated = ["{tid}"]')
    assert "related: names the ticket itself" in _check(desk)


# 3. A stale git lock ---------------------------------------------------------------------------

def test_a_stale_index_lock_is_named_and_nothing_is_written(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops", *ANA, "--service", "VPN", "-d", "drops", now=T0)
    lock = desk.root / ".git" / "index.lock"
    lock.touch()
    try:
        before = desk.snapshot()
        result = desk.run("note", tid, "a note", ok=False, now=T1)
        assert result.exit_code == 1
        assert "index.lock exists: a git command is running in this clone" in result.stderr
        assert result.stderr.count("\n") == 1
        assert desk.snapshot() == before
        assert not (desk.root / ".git" / "sdesk" / "pending.json").exists()
        assert "VPN drops" in desk.run("show", tid, now=T1).stdout  # readers still read
    finally:
        lock.unlink()
    desk.run("note", tid, "a note", now=T1)


# 4. What only a commit can do: the pre-commit hook ---------------------------------------------

def _commit(desk: Desk) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-qm", "a hand commit"], cwd=desk.root,
                          capture_output=True, text=True, env={**os.environ})


def test_the_hook_refuses_a_ticket_replaced_by_a_link(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops", *ANA, "--service", "VPN", "-d", "drops", now=T0)
    path = _file(desk, tid)
    path.unlink()
    path.symlink_to("/etc/passwd")
    desk.git("add", "-A")
    commit = _commit(desk)
    assert commit.returncode != 0
    assert "staged as a symbolic link" in commit.stdout + commit.stderr


def test_the_hook_refuses_a_stray_file_and_a_deleted_ticket(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops", *ANA, "--service", "VPN", "-d", "drops", now=T0)
    path = _file(desk, tid)
    stray = path.parent / "stray.txt"
    stray.write_text("hello\n")
    desk.git("add", "-A")
    commit = _commit(desk)
    assert commit.returncode != 0
    assert "stray.txt: not a ticket file in a shard folder" in commit.stdout + commit.stderr
    desk.git("rm", "-q", "--cached", str(stray))
    stray.unlink()
    desk.git("rm", "-q", str(path))
    commit = _commit(desk)
    assert commit.returncode != 0
    assert "a ticket file deleted: tickets are never deleted" in commit.stdout + commit.stderr


def test_the_hook_refuses_a_journal_entry_removed_or_rewritten(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops", *ANA, "--service", "VPN", "-d", "drops", now=T0)
    desk.run("note", tid, "Called the customer, no answer", now=T1)
    path = _file(desk, tid)
    original = path.read_text()
    path.write_text(original.replace("Called the customer, no answer", "Fixed it"))
    desk.git("add", "-A")
    commit = _commit(desk)
    assert commit.returncode != 0
    assert "is removed or rewritten: the journal is only appended to" in \
        commit.stdout + commit.stderr
    # a title edited by hand still passes (the kind of edit the hook lets through)
    path.write_text(original.replace('title = "VPN drops"', 'title = "VPN drops hourly"'))
    desk.git("add", "-A")
    commit = _commit(desk)
    assert commit.returncode == 0, commit.stdout + commit.stderr
