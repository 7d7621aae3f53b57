"""Mailboxes `sdesk mail fetch` reads: a Maildir (what fetchmail, getmail and mbsync deliver to)
and an IMAP mailbox over TLS. Both hand out (key, bytes) for new messages and, after the batch's
commit, file what was taken and what was refused, so nothing is read twice and nothing is lost.

Settings live in the machine's .git/sdesk.local.toml [mail.maildir] and [mail.imap], never in
the pushed sdesk.toml (sdesk/core/machine.py; docs/email.md, "Session 40"). The IMAP password
comes from an environment variable or a command, never from the store.
"""

from __future__ import annotations

import ast
import contextlib
import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sdesk.core.errors import SdeskError
from sdesk.mail.mailbatch import with_reason

REFUSED_KEYWORD = "$SdeskRefused"
TAKEN_KEYWORD = "$SdeskTaken"


class Mailbox(Protocol):
    def messages(self) -> list[tuple[str, bytes]]: ...

    def file(self, taken: list[str], refused: Mapping[str, str]) -> None: ...

    def close(self) -> None: ...


# -- Maildir --------------------------------------------------------------------------------


class Maildir:
    """new/ holds what has not been read. Taken mail moves to cur/ with the Seen flag (or to
    the folder named by `taken`); refused mail moves to cur/ flagged and unread, or into the
    folder named by `refused` with an X-Sdesk-Refused header giving the reason."""

    def __init__(self, path: Path, taken_folder: str = "", refused_folder: str = "") -> None:
        if not (path / "new").is_dir() or not (path / "cur").is_dir():
            raise SdeskError(f"{path}: not a Maildir (no new/ and cur/ folders)")
        self.path = path
        self.taken_folder = taken_folder
        self.refused_folder = refused_folder
        self._names: dict[str, str] = {}

    @classmethod
    def from_settings(cls, section: Mapping[str, Any], root: Path, path: str = "") -> Maildir:
        """From [mail.maildir] of .git/sdesk.local.toml (checked), `path` (--maildir) taking
        precedence."""
        folder = str(section["path"]).strip()
        if not (path or folder):
            raise SdeskError("no Maildir: give --maildir PATH or set [mail.maildir] path in "
                             ".git/sdesk.local.toml")
        # --maildir is relative to where the command runs, the setting to the store.
        where = Path(path).expanduser() if path else root / os.path.expanduser(folder)
        return cls(where.resolve(),
                   str(section["taken"]).strip(), str(section["refused"]).strip())

    def messages(self) -> list[tuple[str, bytes]]:
        out: list[tuple[str, bytes]] = []
        for name in sorted(os.listdir(self.path / "new")):
            if name.startswith("."):
                continue
            try:
                data = (self.path / "new" / name).read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                continue  # taken by another reader meanwhile
            out.append((name, data))
        return out

    def _folder(self, name: str) -> Path:
        folder = self.path / name
        for sub in ("new", "cur", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        return folder

    def file(self, taken: list[str], refused: Mapping[str, str]) -> None:
        base = self.path if not self.taken_folder else self._folder(self.taken_folder)
        for name in taken:
            os.replace(self.path / "new" / name, base / "cur" / f"{name.split(':')[0]}:2,S")
        for name, reason in refused.items():
            source = self.path / "new" / name
            if self.refused_folder:
                target = self._folder(self.refused_folder)
                tmp = target / "tmp" / name
                tmp.write_bytes(with_reason(source.read_bytes(), reason))
                os.replace(tmp, target / "new" / name)
                source.unlink()
            else:
                os.replace(source, self.path / "cur" / f"{name.split(':')[0]}:2,F")

    def close(self) -> None:
        pass


# -- IMAP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    folder: str
    password_env: str
    password_command: str
    ca_file: str
    taken_folder: str
    refused_folder: str

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> ImapSettings:
        """From [mail.imap] of .git/sdesk.local.toml (checked by sdesk/core/settings.py)."""
        host = str(section["host"]).strip()
        if not host:
            raise SdeskError("no IMAP server: set [mail.imap] host in .git/sdesk.local.toml")
        return cls(host, int(section["port"]), str(section["user"]),
                   str(section["folder"]).strip(), str(section["password_env"]).strip(),
                   str(section["password_command"]).strip(), str(section["ca_file"]).strip(),
                   str(section["taken"]).strip(), str(section["refused"]).strip())

    def password(self, env: Mapping[str, str]) -> str:
        """From the environment variable, else the command's first output line."""
        if self.password_env and env.get(self.password_env):
            return env[self.password_env]
        if self.password_command:
            try:
                done = subprocess.run(shlex.split(self.password_command), capture_output=True,
                                      text=True, timeout=30, check=False)
            except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
                raise SdeskError(f"mail.imap.password_command failed: {exc}") from None
            if done.returncode != 0:
                raise SdeskError(f"mail.imap.password_command exited {done.returncode}")
            return done.stdout.splitlines()[0] if done.stdout else ""
        raise SdeskError(f"no IMAP password: set ${self.password_env or 'SDESK_IMAP_PASSWORD'} "
                         "or [mail.imap] password_command in .git/sdesk.local.toml")


class Imap:
    """Unseen messages not refused before; taken ones get \\Seen (or move to `taken`),
    refused ones stay unread and flagged (or move to `refused` with the reason)."""

    def __init__(self, settings: ImapSettings, env: Mapping[str, str]) -> None:
        import ssl

        from imapclient import IMAPClient

        self.settings = settings
        password = settings.password(env)  # before connecting: a missing one needs no network
        try:
            context = ssl.create_default_context(cafile=settings.ca_file or None)
            self.client = IMAPClient(settings.host, port=settings.port, ssl=True,
                                     ssl_context=context, timeout=60)
            self.client.login(settings.user, password)
            self.client.select_folder(settings.folder)
        except SdeskError:
            raise
        except Exception as exc:  # imapclient raises socket, ssl and IMAP errors alike
            raise SdeskError(f"IMAP {settings.host}:{settings.port}: {_why(exc)}") from None

    def messages(self) -> list[tuple[str, bytes]]:
        try:
            uids = self.client.search(["UNSEEN", "UNKEYWORD", REFUSED_KEYWORD])
            out: list[tuple[str, bytes]] = []
            for start in range(0, len(uids), 200):
                chunk = uids[start:start + 200]
                fetched = self.client.fetch(chunk, ["BODY.PEEK[]"])
                for uid in chunk:
                    data = fetched.get(uid, {}).get(b"BODY[]")
                    if isinstance(data, bytes):
                        out.append((str(uid), data))
            return out
        except Exception as exc:
            raise SdeskError(f"IMAP {self.settings.host}: {_why(exc)}") from None

    def file(self, taken: list[str], refused: Mapping[str, str]) -> None:
        s, client = self.settings, self.client
        if taken:
            uids = [int(u) for u in taken]
            client.add_flags(uids, [b"\\Seen", TAKEN_KEYWORD.encode()])
            if s.taken_folder:
                self._move(uids, s.taken_folder)
        if not refused:
            return
        if s.refused_folder:
            self._ensure(s.refused_folder)
            fetched = client.fetch([int(u) for u in refused], ["BODY.PEEK[]"])
            for uid, reason in refused.items():
                data = fetched.get(int(uid), {}).get(b"BODY[]")
                if isinstance(data, bytes):
                    client.append(s.refused_folder, with_reason(data, reason))
            client.delete_messages([int(u) for u in refused])
            client.expunge()
        else:
            client.add_flags([int(u) for u in refused], [b"\\Flagged", REFUSED_KEYWORD.encode()])

    def _ensure(self, folder: str) -> None:
        if not self.client.folder_exists(folder):
            self.client.create_folder(folder)

    def _move(self, uids: list[int], folder: str) -> None:
        self._ensure(folder)
        if self.client.has_capability("MOVE"):
            self.client.move(uids, folder)
        else:
            self.client.copy(uids, folder)
            self.client.delete_messages(uids)
            self.client.expunge()

    def close(self) -> None:
        import contextlib

        # The server may have gone; the batch is committed already.
        with contextlib.suppress(Exception):
            self.client.logout()


def _why(exc: BaseException) -> str:
    """An exception's message in one line: the server's words, decoded where imaplib passes
    them as bytes (tester finding, session 38: "IMAP ...: b'[AUTHENTICATIONFAILED] ...'")."""
    text = " ".join(_text(a) for a in exc.args) if exc.args else str(exc)
    return " ".join(text.split()) or type(exc).__name__


def _text(arg: object) -> str:
    """One exception argument as text: bytes decoded, and bytes already turned into their
    repr by the library (imapclient's LoginError carries str(b'...')) read back first."""
    if isinstance(arg, str) and len(arg) > 2 and arg[0] == "b" and arg[1] in "'\"" \
            and arg[-1] == arg[1]:
        with contextlib.suppress(ValueError, SyntaxError):
            arg = ast.literal_eval(arg)
    return arg.decode(errors="replace") if isinstance(arg, bytes) else str(arg)
