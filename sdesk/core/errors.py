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


class UncommittedReference(SdeskError):
    """A change decided from reference data or settings with uncommitted changes (session
    38): the person who edits them commits them, and the command is run again (a mail
    server's pipe delivery is told to try again later: `mail receive` exits 75)."""


class NothingToDo(SdeskError):
    """A procedure had nothing it could do (for example nobody can be assigned): exit code 4,
    one line `sdesk: nothing ...` on stderr (not `sdesk: error:`: a script or cron job may
    treat it as success). A message that does not start with "nothing" gets "nothing to do: "
    in front, so the line always says which case it is."""

    exit_code = EXIT_NOTHING

    def __init__(self, message: str) -> None:
        text = str(message)
        super().__init__(text if text.startswith("nothing") else f"nothing to do: {text}")


def error_line(error: SdeskError) -> str:
    """The one line an SdeskError prints on stderr (without the newline): `sdesk: error: ...`,
    or `sdesk: nothing ...` for exit code 4 (docs/commands.md, "Exit codes")."""
    if error.exit_code == EXIT_NOTHING:
        return f"sdesk: {error.message}"
    return f"sdesk: error: {error.message}"


def argv_error(argv: list[str]) -> ValidationError | None:
    """The error for command-line text that is not UTF-8 (None when all of it is): the first
    such word, with the option it is the value of when there is one, its bytes shown escaped.
    Python hands such bytes over as lone surrogates, which crashed the first write or print
    with UnicodeEncodeError, exit 3 (fresh-user finding 2, session 30). Checked once, where
    the command line comes in (sdesk.launch.main and sdesk.cli.run), for every command."""
    try:
        "\0".join(argv).encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    for i, word in enumerate(argv):
        try:
            word.encode("utf-8")
            continue
        except UnicodeEncodeError:
            data = word.encode("utf-8", "surrogateescape") if _escaped(word) else \
                word.encode("utf-8", "backslashreplace")
        try:
            data.decode("utf-8")
            at = 0
        except UnicodeDecodeError as exc:
            at = exc.start
        shown = data.decode("utf-8", "backslashreplace")
        previous = argv[i - 1] if i else ""
        name, eq, value = shown.partition("=")
        if word.startswith("-") and eq and at > len(word.partition("=")[0].encode(
                "utf-8", "surrogateescape")):  # the bad byte is in the value, not the name
            where = f"{name} value '{value}'"
            at -= len(word.partition("=")[0].encode("utf-8", "surrogateescape")) + 1
        elif word.startswith("-"):
            where = f"option '{shown}'"
        elif previous.startswith("-") and len(previous) > 1 and "=" not in previous:
            where = f"{previous} value '{shown}'"
        else:
            where = f"argument '{shown}'"
        return ValidationError(f"{where} is not UTF-8 (byte {at}); give command-line text "
                               "in UTF-8")
    return None


def _escaped(word: str) -> bool:
    """True when every lone surrogate of `word` stands for one byte (how Python decodes argv)."""
    return all("\udc80" <= ch <= "\udcff" for ch in word if "\ud800" <= ch <= "\udfff")


class MachineError(SdeskError):
    """The machine, not the input: a read-only or full file system, a permission, a missing
    program. One line naming the cause; the store is unchanged (a write in progress is rolled
    back, now or by the next command)."""


def machine_error(exc: BaseException) -> MachineError | None:
    """The one line for an OSError (or SQLite error) that a broken machine causes; None for
    anything else (a bug, which keeps its traceback under SDESK_DEBUG).

    An error raised while handling one (SQLite's "cannot rollback - no transaction is active"
    after a full disk already rolled the transaction back) is judged by the error it was
    handling: the chain of `__context__` is followed a few steps."""
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None:
            break
        found = _machine_error(seen)
        if found is not None:
            return found
        seen = seen.__context__
    return None


def _machine_error(exc: BaseException) -> MachineError | None:
    import errno
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        if "readonly" in text or "read-only" in text:
            return MachineError("the summary index cannot be written (read-only file system "
                                "or permissions); read commands work, changes are refused")
        if "disk is full" in text:
            return MachineError("no space left on the device (the summary index cannot be "
                                "written): free some space and run the command again; nothing "
                                "was changed")
        if "disk I/O" in text or "unable to open" in text:
            return MachineError(f"the summary index cannot be written: {text}")
        return None
    if not isinstance(exc, OSError) or exc.errno is None:
        return None
    where = exc.filename if isinstance(exc.filename, str) else ""
    where = f"{where}: " if where else ""
    if exc.errno == errno.EROFS:
        return MachineError(f"{where}read-only file system: read commands work, changes are "
                            "refused; nothing was changed")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return MachineError(f"{where}no space left on the device (or quota): free some space "
                            "and run the command again; nothing was changed")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return MachineError(f"{where}permission denied; nothing was changed")
    if exc.errno == errno.EIO:
        return MachineError(f"{where}input/output error (a failing disk?); nothing was changed")
    return None
