"""The first commands through the real CLI on a real temporary git store: init, new, show,
list, queue, note, log; every change one commit of exactly its paths; bad input changes nothing."""

from __future__ import annotations

import json
import subprocess
from email import message_from_bytes
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Desk, run_sdesk

from sdesk.cli import cli
from sdesk.core import ids


def test_init_creates_a_store_with_reference_data_and_one_commit(desk: Desk) -> None:
    assert (desk.root / "sdesk.toml").is_file()
    assert (desk.root / "reference" / "teams.toml").is_file()
    assert desk.commits() == 1
    assert desk.git("status", "--porcelain") == ""


def test_init_refuses_an_existing_store(desk: Desk) -> None:
    result = CliRunner().invoke(cli, ["init", str(desk.root)])
    assert result.exit_code == 1
    assert "already an sdesk store" in result.stderr


def test_new_stamps_priority_vip_team_and_resolve_by(desk: Desk) -> None:
    tid = desk.new("-T", "Teams audio drops", "--email", "CIO@omes.ok.gov", "--agency", "omes",
                   "--impact", "1", "--urgency", "2", "--service", "Teams")
    t = desk.ticket(tid)
    assert tid.startswith("INC-")
    assert t["priority"] == 2  # ITIL matrix: impact 1 x urgency 2
    assert t["vip"] is True
    assert t["team"] == "IS-Service Desk"
    assert t["requester"]["agency"] == "OMES"
    # P2: 8 business hours from Monday 09:00 -> Monday 17:00 (business day 08:00-17:00)
    assert t["resolve_by"] == "2026-11-23T17:00:00-06:00"
    assert desk.commits() == 2
    message = desk.git("log", "-1", "--format=%B")
    assert f"Sdesk-Ticket: {tid}" in message and "Sdesk-Action: new" in message


def test_explicit_priority_is_kept_and_the_matrix_value_noted(desk: Desk) -> None:
    tid = desk.new("-T", "Printer", "--impact", "3", "--urgency", "3", "-p", "1")
    t = desk.ticket(tid)
    assert t["priority"] == 1
    assert "matrix" not in t["journal"][0]["text"] and "gives P4" in t["journal"][0]["text"]


def test_text_with_quotes_newlines_and_unicode_round_trips(desk: Desk) -> None:
    title = 'Can\'t open "Q3 report" – ünïcødé ✓'
    body = 'line 1\r\nline """2"""\n\ttabbed \\ backslash\n'
    result = desk.run("new", "-T", title, "-d", "-", input=body)
    tid = result.stdout.strip()
    t = desk.ticket(tid)
    assert t["title"] == title
    assert t["description"] == body


def test_new_from_email_makes_an_email_ticket(desk: Desk, tmp_path: Path) -> None:
    eml = tmp_path / "m.eml"
    eml.write_bytes(b"From: Ana Ruiz <ana.ruiz@omes.ok.gov>\r\nTo: desk@omes.ok.gov\r\n"
                    b"Subject: VPN keeps dropping\r\n\r\nSince Monday the VPN drops.\r\n")
    tid = desk.new("--from-email", str(eml))
    t = desk.ticket(tid)
    assert (t["channel"], t["title"]) == ("email", "VPN keeps dropping")
    assert t["requester"]["email"] == "ana.ruiz@omes.ok.gov"
    assert t["description"] == "Since Monday the VPN drops."


def test_ids_are_accepted_by_unique_prefix_case_insensitively(desk: Desk) -> None:
    tid = desk.new("-T", "One")
    assert desk.ticket(tid[:12].lower())["id"] == tid
    assert desk.ticket(tid.split("-")[1][:8])["id"] == tid


def test_ambiguous_prefix_lists_the_candidates(desk: Desk) -> None:
    a, b = desk.new("-T", "One"), desk.new("-T", "Two")
    result = desk.fails("show", "INC-")
    assert "matches 2 tickets" in result.stderr and a in result.stderr and b in result.stderr


def test_a_prefix_matching_more_than_ten_says_so_not_eleven(desk: Desk) -> None:
    for n in range(12):
        desk.new("-T", f"Ticket {n}")
    result = desk.fails("show", "INC-")
    assert "matches more than 10 tickets:" in result.stderr and " ..." in result.stderr


@pytest.mark.parametrize("typed", ["INC-NOPE", "../../etc/passwd", "INC-\n1"])
def test_unknown_or_path_like_ids_fail_in_one_line(desk: Desk, typed: str) -> None:
    before = desk.snapshot()
    result = desk.fails("note", typed, "hello")
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("sdesk: error:")
    assert desk.snapshot() == before


def test_note_internal_by_default_and_public_goes_to_the_customer(desk: Desk) -> None:
    tid = desk.new("-T", "Printer", "--email", "ana.ruiz@omes.ok.gov", "--name", "Ana Ruiz")
    desk.run("note", tid, "internal detail: reseated the cable")
    assert desk.outbox() == []
    desk.run("note", tid, "We replaced the toner.", "--public")
    t = desk.ticket(tid)
    assert [e["visibility"] for e in t["journal"][1:]] == ["internal", "public"]
    assert t["first_response_at"] == "2026-11-23T09:00:00-06:00"
    [mail] = desk.outbox()
    msg = message_from_bytes(mail.read_bytes())
    assert msg["To"] == "ana.ruiz@omes.ok.gov"
    body = msg.get_payload()
    assert "We replaced the toner." in body and "reseated" not in body
    assert desk.git("status", "--porcelain") == ""  # the message is in the same commit
    assert desk.commits() == 4


def test_note_text_from_stdin(desk: Desk) -> None:
    tid = desk.new("-T", "x")
    desk.run("note", tid, "-", input="from stdin\nsecond line\n")
    assert desk.ticket(tid)["journal"][-1]["text"] == "from stdin\nsecond line\n"


def test_a_commit_never_sweeps_in_other_staged_work(desk: Desk) -> None:
    tid = desk.new("-T", "x")
    (desk.root / "notes.txt").write_text("my own work\n")
    desk.git("add", "notes.txt")
    desk.run("note", tid, "hello")
    changed = desk.git("show", "--name-only", "--format=", "HEAD").split()
    assert changed == [ids.relative_path(tid)]
    assert "A  notes.txt" in desk.git("status", "--porcelain")


def test_no_commit_leaves_the_change_for_the_user(desk: Desk) -> None:
    tid = desk.new("-T", "x")
    desk.run("note", tid, "later", "--no-commit")
    assert desk.commits() == 2
    assert desk.git("status", "--porcelain").strip().startswith("M")


def test_queue_puts_vip_first_then_earliest_resolve_by(desk: Desk) -> None:
    low = desk.new("-T", "low", "--impact", "3", "--urgency", "3")
    high = desk.new("-T", "high", "--impact", "1", "--urgency", "1")
    vip = desk.new("-T", "vip", "--impact", "3", "--urgency", "3", "--email", "cio@omes.ok.gov")
    rows = desk.json("queue")
    assert [r["id"] for r in rows] == [vip, high, low]


def test_list_filters(desk: Desk) -> None:
    a = desk.new("-T", "Printer jam", "--team", "IS-Desktop Support", "--priority", "2",
                 "--agency", "OMES")
    b = desk.new("-T", "VPN down", "--team", "IS-Network Services", "--agency", "OMES")
    assert [r["id"] for r in desk.json("list", "--team", "is-desktop support")] == [a]
    assert [r["id"] for r in desk.json("list", "--text", "vpn")] == [b]
    assert [r["id"] for r in desk.json("list", "--priority", "2")] == [a]
    assert [r["id"] for r in desk.json("list", "--overdue")] == []
    later = "2026-12-31T09:00:00-06:00"
    overdue = json.loads(desk.run("list", "--overdue", "--json", now=later).stdout)
    assert {r["id"] for r in overdue} == {a, b}
    csv_out = desk.run("list", "--csv").stdout.splitlines()
    assert csv_out[0].startswith("id,priority") and len(csv_out) == 3


def test_log_shows_the_history_from_git(desk: Desk) -> None:
    tid = desk.new("-T", "x")
    desk.run("note", tid, "hello")
    out = desk.run("log", tid).stdout
    assert f"note {tid}: hello" in out and f"new incident {tid}" in out


def test_broken_ticket_file_is_named_with_its_line(desk: Desk) -> None:
    tid = desk.new("-T", "x")
    path = next((desk.root / "tickets").rglob(f"{tid}.toml"))
    path.write_text(path.read_text().replace('status = "new"', 'status = = "new"'))
    result = desk.fails("show", tid)
    assert f"{ids.relative_path(tid)}: broken TOML" in result.stderr
    assert "line 5" in result.stderr
    listing = desk.run("list")
    assert "broken TOML" in listing.stderr and "(skipped)" in listing.stderr


def test_bad_values_are_refused_without_change(desk: Desk) -> None:
    before = desk.snapshot()
    assert "must be a single line" in desk.fails("new", "-T", "two\nlines").stderr
    # fresh-user finding, session 28: a 5,000-character title became the commit subject
    assert ("title is 5000 characters long; at most 200 (put the details in the description)"
            in desk.fails("new", "-T", "x" * 5000).stderr)
    assert "bidirectional-override characters: U+202E at character 8" in desk.fails(
        "new", "-T", "invoice\u202etxt.exe").stderr
    assert "unknown agency" in desk.fails("new", "-T", "x", "--agency", "NASA").stderr
    assert "unknown team" in desk.fails("new", "-T", "x", "--team", "Nobody").stderr
    assert "not a date" in desk.fails("list", "--since", "yesterday-ish").stderr
    assert desk.snapshot() == before
    assert desk.new("-T", "x" * 200)  # 200 characters are allowed


def test_missing_store_and_store_outside_git(tmp_path: Path) -> None:
    result = run_sdesk("list", cwd=tmp_path)
    assert result.returncode == 1 and "no sdesk store" in result.stderr
    (tmp_path / "sdesk.toml").write_text("")
    result = run_sdesk("list", cwd=tmp_path)
    assert result.returncode == 1 and "not in a git work tree" in result.stderr


def test_store_is_found_upward_like_git(desk: Desk) -> None:
    tid = desk.new("-T", "x")
    result = run_sdesk("show", tid, cwd=desk.root / "tickets")
    assert result.returncode == 0, result.stderr
    assert tid in result.stdout


def test_help_lists_every_command_with_help_text() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("new", "show", "list", "queue", "note", "log", "init"):
        assert f"  {name} " in result.stdout


def test_show_marks_vip_and_time_left(desk: Desk) -> None:
    tid = desk.new("-T", "x", "--email", "cio@omes.ok.gov", "--impact", "1", "--urgency", "1")
    out = desk.run("show", tid).stdout
    assert "[VIP]" in out and "Resolve by: 2026-11-23 13:00 CST (4h left)" in out
    late = desk.run("show", tid, now="2026-11-23T15:30:00-06:00").stdout
    assert "(OVERDUE 2h 30m)" in late


def test_python_dash_m_entry_point(desk: Desk) -> None:
    result = run_sdesk("--store", str(desk.root), "list", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    assert subprocess.run(["git", "status", "--porcelain"], cwd=desk.root, capture_output=True,
                          text=True).stdout == ""


def test_new_and_triage_mention_matching_knowledge_articles(desk: Desk) -> None:
    old = desk.new("-T", "VPN certificate expired", "--service", "VPN")
    desk.run("resolve", old, "--code", "fixed", "--summary", "Renewed the VPN certificate.")
    desk.run("kb", "new", "--from", old)
    result = desk.run("new", "-T", "VPN certificate expired again", "--service", "VPN")
    assert result.stdout.strip().count("\n") == 0  # stdout stays the ID alone, for scripts
    assert "kb: KB-" in result.stderr and "VPN certificate expired" in result.stderr
    unrelated = desk.run("new", "-T", "Desk phone has no dial tone", "--service", "Phone")
    assert "kb:" not in unrelated.stderr


def test_a_bad_fixed_clock_fails_even_commands_that_do_not_read_the_clock(desk: Desk) -> None:
    result = desk.runner.invoke(cli, ["--store", str(desk.root), "--now", "someday", "list"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "sdesk: error: --now: not a date or time: 'someday'"
