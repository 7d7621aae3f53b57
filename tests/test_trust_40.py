"""What a collaborator's push may not do (session 40; tester B's findings 1, 2, 4 and 6).

Everything that arrives through the remote is untrusted input (docs/collaboration.md, "Trust
model and invariants"). Settings that run a command, name a host that receives a credential or
name a path outside the store come from the machine (.git/sdesk.local.toml), never from the
pushed sdesk.toml; `sync` merges ticket files with the sdesk driver whatever a pushed
.gitattributes says; no reader follows a committed link under attachments/, mail/ or kb/."""

from __future__ import annotations

import re
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
    text = re.sub(r"(?m)^(host|port|user|starttls) = .*\n", "", config.read_text())
    config.write_text(text.replace("[mail]\n", f'[mail]\nhost = "127.0.0.1"\nport = '
                                   f'{smtp_server.port}\nuser = "servicedesk"\n', 1))
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


# -- finding 4: a pushed .gitattributes does not choose how tickets merge ----------------------


def test_a_pushed_union_attribute_does_not_merge_tickets(tmp_path: Path) -> None:
    import tomllib

    from test_sync import git, make_clones

    _, a, b = make_clones(tmp_path)
    inc = a.new("-T", "Teams meetings drop audio", "--email", "cio@omes.ok.gov")
    a.run("sync")
    b.run("sync")
    (b.root / ".gitattributes").write_text("tickets/**/*.toml merge=union\n")
    git(b.root, "commit", "-qam", "tweak attributes", "--no-verify")
    b.run("sync")
    a.run("sync")
    a.run("set", inc, "title=Title from A", now="2026-11-23T15:10:00-06:00")
    b.run("set", inc, "title=Title from B", now="2026-11-23T15:12:00-06:00")
    b.run("sync")
    out = a.run("sync").stdout
    assert "1 ticket(s) changed on both sides were merged by the sdesk merge driver" in out
    path = next(p for p in git(a.root, "ls-files", "tickets").split() if inc in p)
    pushed = tomllib.loads(git(a.root, "show", f"origin/main:{path}"))
    assert pushed["title"] == "Title from B"  # the later change wins, as the driver merges
    assert "store ok" in a.run("check").stdout
    assert "merge=sdesk" in (a.root / ".git" / "info" / "attributes").read_text()


def test_sync_names_files_git_merged_itself(tmp_path: Path) -> None:
    """A file both sides changed that is not a ticket is not reported as the driver's."""
    from test_sync import git, make_clones

    _, a, b = make_clones(tmp_path)
    (a.root / "kb").mkdir(exist_ok=True)
    (a.root / "kb" / "notes.md").write_text("shared\n\n\n\n\n")
    git(a.root, "add", "kb/notes.md")
    git(a.root, "commit", "-qm", "kb")
    a.run("sync")
    b.run("sync")
    (a.root / "kb" / "notes.md").write_text("# from A\nshared\n\n\n\n\n")
    (b.root / "kb" / "notes.md").write_text("shared\n\n\n\n\n# from B\n")
    git(a.root, "commit", "-qam", "a")
    git(b.root, "commit", "-qam", "b")
    a.run("sync")
    out = b.run("sync").stdout
    assert "0 ticket(s) changed on both sides were merged by the sdesk merge driver" in out
    assert "1 other file(s) changed on both sides were merged by git's text merge: kb/notes.md" \
        in out


# -- finding 6: no reader follows a committed link under attachments/, mail/ or kb/ -----------


def test_show_does_not_follow_a_linked_attachments_folder(desk: Desk, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shadow").write_text("root:secret\n")
    inc = desk.new("-T", "Teams meetings drop audio", "--email", "cio@omes.ok.gov")
    (desk.root / "attachments").mkdir()
    (desk.root / "attachments" / inc).symlink_to(outside)
    desk.git("add", "attachments")
    desk.git("commit", "-qm", "link", "--no-verify")
    shown = desk.run("show", inc)
    assert "shadow" not in shown.stdout
    assert f"attachments/{inc}: a symbolic link inside the store" in shown.stderr
    assert desk.json("show", inc)["attachments"] == []
    report = desk.fails("check").stdout
    assert f"attachments/{inc}: a symbolic link inside the store" in report


def test_show_skips_a_linked_file_among_attachments(desk: Desk, tmp_path: Path) -> None:
    inc = desk.new("-T", "Printer jams", "--email", "ana.ruiz@omes.ok.gov")
    folder = desk.root / "attachments" / inc
    folder.mkdir(parents=True)
    (folder / "scan.pdf").write_bytes(b"%PDF-1\n")
    (tmp_path / "passwd").write_text("x" * 1234)
    (folder / "passwd").symlink_to(tmp_path / "passwd")
    desk.git("add", "attachments")
    desk.git("commit", "-qm", "link", "--no-verify")
    shown = desk.run("show", inc)
    assert "scan.pdf" in shown.stdout and "passwd" not in shown.stdout
    assert "1234" not in shown.stdout
    assert f"attachments/{inc}/passwd: a symbolic link" in shown.stderr
    assert f"attachments/{inc}/passwd: a symbolic link" in desk.fails("check").stdout


@pytest.mark.parametrize("part", ["mail", "attachments", "kb"])
def test_check_lists_a_linked_store_folder(desk: Desk, tmp_path: Path, part: str) -> None:
    target = desk.root / part
    if target.exists():
        import shutil

        shutil.rmtree(target)
    target.symlink_to(tmp_path)
    desk.git("add", "-A", part)
    desk.git("commit", "-qm", "link", "--no-verify")
    report = desk.fails("check").stdout
    assert f"{part}: a symbolic link inside the store; sdesk never follows one" in report
