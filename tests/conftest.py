"""Shared fixtures: a real store in a real temporary git repository, the real CLI, a fixed
clock passed in (never mocked), and a real SMTP server on loopback."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sdesk.cli import cli

# A Monday morning in business hours, Oklahoma time.
NOW = "2026-11-23T09:00:00-06:00"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dana Dispatcher",
    "GIT_AUTHOR_EMAIL": "dana@omes.ok.gov",
    "GIT_COMMITTER_NAME": "Dana Dispatcher",
    "GIT_COMMITTER_EMAIL": "dana@omes.ok.gov",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read the developer's git config or leak GIT_* from a hook."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for key in list(os.environ):
        if key.startswith("GIT_") or key.startswith("SDESK_"):
            monkeypatch.delenv(key)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Dana Dispatcher\n\temail = dana@omes.ok.gov\n"
        "[init]\n\tdefaultBranch = main\n"
    )


@dataclass
class Desk:
    """A store in a temporary git repo, driven through the real CLI."""

    root: Path
    now: str = NOW
    runner: CliRunner = field(default_factory=CliRunner)

    def run(self, *args: str, input: str | None = None, ok: bool = True,
            now: str | None = None) -> Result:
        argv = ["--store", str(self.root), "--now", now or self.now, *args]
        result = self.runner.invoke(cli, argv, input=input, catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"sdesk {shlex.join(args)} exited {result.exit_code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}"
            )
        return result

    def fails(self, *args: str, input: str | None = None, code: int | None = None) -> Result:
        result = self.run(*args, input=input, ok=False)
        assert result.exit_code != 0, f"expected failure, got: {result.stdout}"
        if code is not None:
            assert result.exit_code == code, result.stderr
        return result

    def new(self, *args: str, now: str | None = None) -> str:
        """Log a ticket; returns its ID."""
        return self.run("new", *args, now=now).stdout.strip().splitlines()[-1]

    def entitle(self, ticket_id: str, title: str) -> None:
        """Give a ticket a title `new` refuses (control or bidi characters, 200+ characters) as a
        collaborator's commit of its file would: the store is input too."""
        import re

        import tomli_w

        [path] = (self.root / "tickets").rglob(f"{ticket_id}.toml")
        line = tomli_w.dumps({"title": title}).strip()
        text, count = re.subn(r'(?m)^title = ".*"$', lambda _: line, path.read_text(), count=1)
        assert count == 1, path
        path.write_text(text)
        self.git("commit", "-qam", "a collaborator's title")

    def collaborate(self, ticket_id: str, change: Any) -> None:
        """Change a ticket as a collaborator's commit of its file would: `change(ticket)` on
        the ticket as read, written back in sdesk's layout and committed. For text sdesk
        refuses when typed (control characters in a note or a description): the store is
        input too, and so is mail."""
        from sdesk.core.model import dumps, loads

        [path] = (self.root / "tickets").rglob(f"{ticket_id}.toml")
        ticket = loads(path.read_text(encoding="utf-8"), str(path))
        change(ticket)
        path.write_text(dumps(ticket), encoding="utf-8")
        self.git("commit", "-qam", "a collaborator's change")

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        data: dict[str, Any] = self.json("show", ticket_id)
        return data

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True,
                              text=True).stdout

    def commits(self) -> int:
        return int(self.git("rev-list", "--count", "HEAD").strip())

    def snapshot(self) -> dict[str, bytes]:
        """Every file of the work tree and git's HEAD, to prove a command changed nothing."""
        files = {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in self.root.rglob("*") if p.is_file() and ".git" not in p.parts
        }
        files["HEAD"] = self.git("rev-parse", "HEAD").encode()
        files["STATUS"] = self.git("status", "--porcelain").encode()
        return files

    def outbox(self) -> list[Path]:
        return sorted((self.root / "outbox").glob("*.eml"))

    def machine(self, text: str) -> Path:
        """Add machine settings (mail hosts, credentials, paths) to the clone's
        .git/sdesk.local.toml, where they live since session 40 (never sdesk.toml)."""
        path = self.root / ".git" / "sdesk.local.toml"
        path.write_text((path.read_text() if path.exists() else "") + text)
        return path


@pytest.fixture
def desk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Desk]:
    """A fresh store. After a test that wrote to it (HEAD moved), `check --deep` runs: every
    derived value in the index must equal what the files give (mark a test that breaks the
    index on purpose with @pytest.mark.no_deep_check)."""
    root = tmp_path / "desk"
    d = Desk(root)
    result = d.runner.invoke(cli, ["init", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    first = d.git("rev-parse", "HEAD")
    yield d
    if "no_deep_check" not in request.keywords:
        deep_check(d, first)


def deep_check(d: Desk, first: str = "") -> None:
    """Fail when the index holds a derived value the ticket files do not give (sdesk check
    --deep, in process). Skipped when the test left no store, no new commit, or a store
    sdesk cannot open (broken settings: those tests check the error)."""
    from sdesk.core.errors import SdeskError
    from sdesk.store import Store
    from sdesk.store.deepcheck import differences

    if not (d.root / "sdesk.toml").is_file():
        return
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=d.root, capture_output=True,
                          text=True).stdout
    if not head or head == first:
        return
    try:
        found = [str(x) for x in differences(Store(d.root))]
    except SdeskError:
        return
    assert not found, "check --deep after the test:\n" + "\n".join(found[:20])


def run_sdesk(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
              input: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a subprocess (for tests of processes, locks, crashes)."""
    return subprocess.run([sys.executable, "-m", "sdesk", *args], cwd=cwd, input=input,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) on loopback; `.messages` holds what it received."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[Any] = []

    class Keep(Message):  # type: ignore[misc]
        def handle_message(self, message: Any) -> None:
            received.append(message)

    # aiosmtpd's start-up self-check connects to the configured port, so port=0 cannot work:
    # pick a free port first.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    controller.messages = received  # type: ignore[attr-defined]
    try:
        yield controller
    finally:
        controller.stop()
