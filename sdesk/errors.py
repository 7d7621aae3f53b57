"""One error hierarchy. Every user-facing failure is an SdeskError whose message is a single
line a dispatcher understands, naming what is wrong and where.

Exit codes (docs/commands.md has the table): 0 done; 1 a user error (bad input, unknown ticket,
refused by a rule); 2 a usage error (unknown option, missing argument); 3 a bug in sdesk;
4 nothing to do (for example nobody can be assigned); 130 interrupted.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_USER = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_NOTHING = 4
EXIT_INTERRUPTED = 130


class SdeskError(Exception):
    """A user error: one line on stderr, exit code `exit_code`, store unchanged."""

    exit_code = EXIT_USER

    def __init__(self, message: str) -> None:
        # Messages must stay on one line, even when they quote user input.
        super().__init__(" ".join(str(message).split("\n")))

    @property
    def message(self) -> str:
        return str(self.args[0])


class StoreNotFound(SdeskError):
    """No store at --store, SDESK_STORE, or upward from the working folder."""


class TicketNotFound(SdeskError):
    """An ID or prefix that names no ticket."""


class AmbiguousId(SdeskError):
    """A prefix that names more than one ticket."""


class TicketFileError(SdeskError):
    """A ticket file that cannot be parsed or does not follow the schema."""


class ReferenceError(SdeskError):
    """Reference data (reference/*.toml) that is missing or inconsistent."""


class ValidationError(SdeskError):
    """A value the user gave that the ticket schema does not accept."""


class GitError(SdeskError):
    """A git command failed; carries the command and git's own message."""

    def __init__(self, cmd: list[str], returncode: int, stderr: str) -> None:
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else "no output"
        super().__init__(f"git {' '.join(cmd[1:4])} failed ({returncode}): {detail}")
        self.cmd = cmd
        self.returncode = returncode
        self.stderr = stderr


class LockTimeout(SdeskError):
    """Another sdesk command holds the store lock for too long."""


class NothingToDo(SdeskError):
    """A procedure had nothing it could do (for example nobody can be assigned)."""

    exit_code = EXIT_NOTHING
