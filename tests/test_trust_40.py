"""What a collaborator's push may not do (session 40; tester B's findings 1, 2, 4 and 6).

Everything that arrives through the remote is untrusted input (docs/collaboration.md, "Trust
model and invariants"). Settings that run a command, name a host that receives a credential or
name a path outside the store come from the machine (.git/sdesk.local.toml), never from the
pushed sdesk.toml; `sync` merges ticket files with the sdesk driver whatever a pushed
.gitattributes says; no reader follows a committed link under attachments/, mail/ or kb/."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import Desk

SECRET = "dummy-secret-123"


def push_settings(desk: Desk, text: str) -> None:
    """What a collaborator's commit does: add to sdesk.toml, committed past the hook."""
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text() + text)
    desk.git("commit", "-qam", "settings", "--no-verify")


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# -- finding 1: a pushed password_command is never run ---------------------------------------


def test_a_pushed_password_command_is_refused_and_never_run(desk: Desk, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    push_settings(desk, f'\n[mail.imap]\nhost = "127.0.0.1"\nport = 9993\nuser = "x"\n'
                        f'password_command = "touch {marker}"\n')
    before = desk.snapshot()
    for args in (["mail", "fetch", "--imap", "--dry-run"], ["mail", "fetch", "--imap"],
                 ["mail", "fetch"]):
        line = one_line(desk.fails(*args, code=1).stderr)
        assert line.startswith("sdesk: error: sdesk.toml: mail.imap.host is a machine setting"), line
        assert "move it to [mail.imap] host in .git/sdesk.local.toml" in line
        assert not marker.exists()
    assert desk.snapshot() == before
    report = desk.fails("check").stdout
    assert "sdesk.toml: mail.imap.password_command: is a machine setting" in report
    assert "store ok" not in report
    desk.run("list")  # every other command ignores the key (it decides nothing else)


def test_the_pre_commit_hook_refuses_a_machine_key(desk: Desk) -> None:
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text() + '\n[mail.imap]\npassword_command = "id"\n')
    desk.git("add", "sdesk.toml")
    done = subprocess.run(["git", "commit", "-qm", "settings"], cwd=desk.root,
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "mail.imap.password_command" in done.stdout + done.stderr
    assert "sdesk.toml" in desk.git("diff", "--cached", "--name-only")  # nothing committed


def test_the_machine_file_runs_the_password_command(desk: Desk, tmp_path: Path) -> None:
    """The deployment path: the same keys in .git/sdesk.local.toml are read (no server here,
    so the connection fails after the command ran)."""
    marker = tmp_path / "ran"
    desk.machine(f'[mail.imap]\nhost = "127.0.0.1"\nport = 1\nuser = "x"\n'
                 f'password_command = "sh -c \\"touch {marker}; echo pw\\""\n')
    line = one_line(desk.fails("mail", "fetch", "--imap", "--dry-run").stderr)
    assert line.startswith("sdesk: error: IMAP 127.0.0.1:1: "), line
    assert marker.exists()


def test_a_store_key_in_the_machine_file_is_refused(desk: Desk) -> None:
    desk.machine('[mail]\nfrom = "x@example.org"\n')
    line = one_line(desk.fails("mail", "fetch", "--imap").stderr)
    assert "sdesk.local.toml: mail.from is not a machine setting" in line


# -- finding 2: a pushed host never receives a credential -------------------------------------


def test_a_pushed_smtp_host_gets_no_password(desk: Desk, smtp_server: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    inc = desk.new("-T", "Printer jams", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("note", inc, "We are on it", "--public")
    config = desk.root / "sdesk.toml"
    text = config.read_text().replace("[mail]\n", f'[mail]\nhost = "127.0.0.1"\nport = '
                                      f'{smtp_server.port}\nuser = "servicedesk"\n', 1)
    config.write_text(text)
    desk.git("commit", "-qam", "mail settings", "--no-verify")
    monkeypatch.setenv("SDESK_SMTP_PASSWORD", SECRET)
    before = desk.snapshot()
    line = one_line(desk.fails("outbox", "send", code=1).stderr)
    assert "sdesk.toml: mail.host is a machine setting" in line, line
    assert smtp_server.messages == [] and desk.snapshot() == before
    # moved to the machine's file, the same server is used
    desk.git("revert", "--no-edit", "HEAD")
    desk.machine(f'[mail]\nhost = "127.0.0.1"\nport = {smtp_server.port}\n')
    desk.run("outbox", "send")
    assert len(smtp_server.messages) == 1


def test_a_pushed_maildir_path_is_not_read(desk: Desk, tmp_path: Path) -> None:
    box = tmp_path / "someone-else"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1.eml").write_bytes(b"From: a@omes.ok.gov\nSubject: private\n"
                                        b"Message-ID: <p@x>\n\nnot yours\n")
    push_settings(desk, f'\n[mail.maildir]\npath = "{box}"\n')
    before = desk.snapshot()
    line = one_line(desk.fails("mail", "fetch", code=1).stderr)
    assert "mail.maildir.path is a machine setting" in line
    assert desk.snapshot() == before and (box / "new" / "1.eml").exists()
