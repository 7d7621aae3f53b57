"""A real IMAP server for the tests: Debian's dovecot, started on loopback with its own
configuration, a self-signed certificate and one test user, in a throw-away folder.

`.ci/run` installs dovecot-imapd and openssl. Without them the IMAP tests skip on a developer's
machine and FAIL in CI (CI=true): a missing real component is never a silent pass.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "desk"
PASSWORD = "imap-test-password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = required
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:{d}/mail/%u
default_login_user = {login}
default_internal_user = {internal}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
"""


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    ca_file: Path

    def client(self):  # type: ignore[no-untyped-def]
        """A logged-in imapclient connection (the test's own mail client)."""
        import ssl

        from imapclient import IMAPClient

        context = ssl.create_default_context(cafile=str(self.ca_file))
        client = IMAPClient(self.host, port=self.port, ssl=True, ssl_context=context, timeout=30)
        client.login(self.user, self.password)
        return client

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for raw in messages:
                client.append(folder, raw)
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> list[set[bytes]]:
        """The flags of every message in the folder, oldest first."""
        client = self.client()
        try:
            client.select_folder(folder)
            uids = client.search(["ALL"])
            got = client.get_flags(uids)
            return [set(got[u]) for u in uids]
        finally:
            client.logout()


def _missing(what: str) -> None:
    message = f"{what}: the real IMAP server for the mail tests is missing (.ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _account(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    dovecot = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists()
                                          else None)
    if dovecot is None:
        _missing("dovecot")
    if shutil.which("openssl") is None:
        _missing("openssl")
    owner = _account("dovecot")
    login = _account("dovenull")
    if owner is None or login is None or os.geteuid() != 0:
        _missing("the dovecot and dovenull accounts (and root to start dovecot)")
    assert owner is not None and login is not None and dovecot is not None
    folder = Path(tempfile.mkdtemp(prefix="sdesk-imap-"))
    folder.chmod(0o755)
    for sub in ("run", "state", "mail", "home"):
        (folder / sub).mkdir()
    for sub in ("mail", "home"):
        os.chown(folder / sub, owner.pw_uid, owner.pw_gid)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = _free_port()
    (folder / "dovecot.conf").write_text(CONFIG.format(
        d=folder, port=port, uid=owner.pw_uid, gid=owner.pw_gid, login=login.pw_name,
        internal=owner.pw_name))
    process = subprocess.Popen([dovecot, "-F", "-c", str(folder / "dovecot.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "dovecot.log")
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"dovecot did not start: {output} "
                                f"{log.read_text() if log.exists() else ''}")
                time.sleep(0.1)
        yield ImapServer("127.0.0.1", port, USER, PASSWORD, folder / "cert.pem")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
