"""The `sdesk` entry point: the hottest read commands without click, everything else through it.

Importing click costs ~30 ms (131 M of the instructions `sdesk --version` runs), more than
`sdesk show` at 100,000 tickets may spend in all. So `main()` first reads argv against a small
grammar (GRAMMAR): the global options, `show TICKET_ID`, and `list` and `queue` with their
common options, exactly as the click commands declare them (tests/test_fastpath.py checks
GRAMMAR, ALIASES and CHOICES against sdesk/cli.py and the commands, and runs both paths over a
matrix of argv, byte for byte, to a pipe and to a terminal). Anything else hands over to click
(sdesk/cli.py) before a byte is printed: another command, --help, --version, an option listed in
HANDED_OVER (--actor, list's --assignee/--agency/--since, --csv/--raw/--fmt, show --json), an
unknown or repeated option, `--`, a short option with its value attached (`-n5`), a value that
is not one of the choices or looks like an option, a `--now` that is not ISO 8601, shell
completion, stdout not UTF-8, and every error found before the first byte, so those errors are
printed by one path only. Colour (TERM, NO_COLOR, a terminal) and the pager go through the same
click-free code on both paths (sdesk.core.due, sdesk.core.pager). docs/architecture.md ("The
start-up fast path") and docs/performance.md have the figures.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~15 M instructions of `show`)
if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from sdesk.store import Store

FLAG, VALUE, MANY = "flag", "value", "many"  # an option's kind: no value, one, repeatable
# What the fast path accepts, as the click commands declare it: option -> kind.
# tests/test_fastpath.py fails when sdesk/cli.py or a command gains, loses or changes an option.
GRAMMAR: dict[str, dict[str, str]] = {
    "": {"--store": VALUE, "--now": VALUE, "--no-pager": FLAG},  # the group's options
    "show": {"--no-pager": FLAG},  # and one argument, TICKET_ID
    "list": {"--no-pager": FLAG, "--team": VALUE, "--status": MANY, "--type": MANY, "--unassigned": FLAG,
             "--vip": FLAG, "--priority": MANY, "--overdue": FLAG, "--requester": VALUE,
             "--text": VALUE, "--flag": MANY, "--all": FLAG, "--sort": VALUE, "--limit": VALUE,
             "--wide": FLAG, "--json": FLAG},
    "queue": {"--no-pager": FLAG, "--team": VALUE, "--priority": MANY, "--limit": VALUE,
              "--wide": FLAG, "--json": FLAG},
}
ARGUMENTS = {"show": 1, "list": 0, "queue": 0}
ALIASES = {"list": {"-n": "--limit", "-w": "--wide"}, "queue": {"-n": "--limit", "-w": "--wide"}}
# Declared by the click commands and left to click (tests/test_fastpath.py: nothing else is).
HANDED_OVER: dict[str, tuple[str, ...]] = {
    "": ("--actor", "--help", "-h", "--version"),
    "show": ("--json", "--help", "-h"),
    "list": ("--assignee", "--agency", "--since", "--csv", "--raw", "--fmt", "--help", "-h"),
    "queue": ("--csv", "--raw", "--fmt", "--help", "-h"),
}
# The values click accepts (Choice, IntRange(1, 4)); --limit is a whole number from 1.
CHOICES: dict[str, tuple[str, ...]] = {
    "--status": ("new", "triaged", "assigned", "in-progress", "on-hold", "resolved", "closed"),
    "--type": ("incident", "request", "case", "task"),
    "--sort": ("id", "opened", "resolve-by", "priority", "queue", "updated"),
    "--priority": ("1", "2", "3", "4"),
}
Options = dict[str, "str | list[str]"]


def main() -> None:
    """The console script: the fast path when it applies, else the click command line."""
    try:  # command-line text that is not UTF-8: one line for every path (errors.argv_error)
        "\0".join(sys.argv).encode("utf-8")
    except UnicodeEncodeError:
        from sdesk.core.errors import argv_error, error_line
        from sdesk.core.render import printable

        error = argv_error(sys.argv[1:])
        if error is not None:
            print(printable(error_line(error), keep_tabs=False), file=sys.stderr)
            sys.exit(error.exit_code)
    if sys.argv[1:] == ["--version"] and not _completing():
        from sdesk import __version__  # what click's version_option prints, without click

        print(f"sdesk {__version__}")
        sys.exit(0)
    code = fast(sys.argv[1:])
    if code is None and ("note" in sys.argv or "new" in sys.argv):
        from sdesk.fastwrite import fast as fast_write  # note and new without click

        code = fast_write(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from sdesk.cli import main as full

    full()


def _completing() -> bool:
    """Shell completion asks click (its variables are set)."""
    return any(name.startswith("_SDESK_COMPLETE") for name in os.environ)


def parse(argv: list[str]) -> tuple[str, Options, list[str]] | None:
    """(command, options, arguments) when argv is inside GRAMMAR, else None (click decides).
    Options are keyed by their long name; a flag's value is "", a repeatable one's a list."""
    options: Options = {}
    args: list[str] = []
    command = ""
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if not word.startswith("-") or word == "-":
            if command or word not in GRAMMAR or not word:
                if not command:
                    return None
                args.append(word)
                continue
            command = word
            continue
        name, eq, value = word.partition("=")
        name = ALIASES.get(command, {}).get(name, name)
        kind = GRAMMAR[command].get(name)
        if kind is None or (name in options and kind != MANY) or (eq and word[1] != "-"):
            return None
        if kind == FLAG:
            if eq:
                return None
            options[name] = ""
            continue
        if not eq:
            if i >= len(argv):
                return None
            value = argv[i]
            i += 1
        if value.startswith("-") or not _valid(name, value):
            return None
        if kind == MANY:
            listed = options.setdefault(name, [])
            assert isinstance(listed, list)
            listed.append(value)
        else:
            options[name] = value
    if not command or len(args) != ARGUMENTS[command]:
        return None
    return command, options, args


def _valid(name: str, value: str) -> bool:
    if name in CHOICES:
        return value in CHOICES[name]
    if name == "--limit":
        return value.isascii() and value.isdigit() and int(value) >= 1
    return True


def fast(argv: list[str]) -> int | None:
    """Run argv without click and return the exit code, or None to hand over to click (which
    then does the whole command, so nothing here has printed or changed anything that
    matters: the index refresh it may have made is one click's path would make too)."""
    if _completing():
        return None
    parsed = parse(argv)
    if parsed is None:
        return None
    command, options, args = parsed
    try:
        if (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
            return None  # click re-wraps such a stream; its path prints
        sys.stdout.isatty()
    except ValueError:  # stdout closed
        return None
    try:
        reader = _Reader(options)
        if reader.when is False:  # a relative date ("2 hours ago"): click's path parses those
            return None
        write = _prepare(reader, command, options, args)
    except Exception:  # every error is click's to print: one path prints errors
        return None
    try:
        write()
    except BaseException as exc:  # after the first byte: printed here, as sdesk.cli.run does
        return _failed(exc)
    return 0


class _Reader:
    """The command's context as sdesk.commands.listtext.Reader has it (App without click)."""

    def __init__(self, options: Options) -> None:
        import datetime as dt

        self.store_path = str(options.get("--store") or "") or None
        self.no_pager = "--no-pager" in options
        now_text = str(options.get("--now", os.environ.get("SDESK_NOW") or ""))
        self.when: dt.datetime | bool | None = None
        if now_text:
            try:
                self.when = dt.datetime.fromisoformat(now_text.strip())
            except ValueError:
                self.when = False
        self._store: Store | None = None
        self._now: dt.datetime | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from sdesk.store import Store

            self._store = Store.open(self.store_path)
            self._store.say_settled()  # as App.store: show the last commit, not half a batch
        return self._store

    @property
    def now(self) -> dt.datetime:
        """As App.now: --now / SDESK_NOW in the store's zone, else the wall clock; asked once."""
        if self._now is None:
            import datetime as dt

            from sdesk.core.due import in_zone

            tz = self.store.tz
            if isinstance(self.when, dt.datetime):
                self._now = in_zone(self.when, tz)
            else:
                self._now = dt.datetime.now(tz).replace(microsecond=0)
        return self._now


def _prepare(reader: _Reader, command: str, options: Options, args: list[str]
             ) -> Callable[[], None]:
    """Everything that may fail before output (the store, the filter, the first row), and
    the function that prints the rest."""
    from sdesk.core import pager
    from sdesk.core.due import use_colour

    if command == "show":
        from sdesk.commands.showtext import page

        text = page(reader.store, args[0], lambda: reader.now, use_colour())
        return lambda: pager.echo(text, reader.no_pager)
    import itertools

    from sdesk.commands import listtext
    from sdesk.store import queries

    store = reader.store

    def one(name: str) -> str | None:
        value = options.get(name)
        return None if value is None else str(value)

    team = one("--team")
    team = listtext.team_filter(store, team) if team is not None else None
    limit = int(one("--limit") or 0) or None
    as_json = "--json" in options

    def many(name: str) -> list[str]:
        value = options.get(name, [])
        return value if isinstance(value, list) else [value]

    if command == "queue":
        rows = queries.queue_streamed(store.index, team or "", limit, summary=as_json,
                                      priorities=[int(p) for p in many("--priority")])
    else:
        which = listtext.ticket_filter(
            store, reader.now, status=many("--status"), include_done="--all" in options,
            team=team, types=many("--type"), unassigned="--unassigned" in options,
            vip="--vip" in options, priority=[int(p) for p in many("--priority")],
            overdue="--overdue" in options, requester=one("--requester"), text=one("--text"),
            flags=many("--flag"))
        rows = queries.tickets_streamed(store.index, which, one("--sort") or "opened", limit,
                                        summary=as_json)
    first = list(itertools.islice(rows, 1))  # the query runs here: its errors are click's
    if not first and command != "queue" and options.get("--flag"):
        listtext.warn_unknown_flags(store, many("--flag"))
    rows = itertools.chain(first, rows)
    wide = "--wide" in options
    return lambda: listtext.render_rows(reader, rows, as_json, False, None, wide)


def _failed(exc: BaseException) -> int:
    """The exit code for an error after output began, printed as sdesk.cli.run prints it."""
    from sdesk.core.errors import EXIT_BUG, EXIT_INTERRUPTED, SdeskError, error_line, machine_error
    from sdesk.core.render import printable

    if isinstance(exc, BrokenPipeError):  # `sdesk list | head`: the reader went away
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if isinstance(exc, KeyboardInterrupt):
        line, code = "sdesk: interrupted", EXIT_INTERRUPTED
    elif isinstance(exc, SdeskError):
        line, code = printable(error_line(exc), keep_tabs=False), exc.exit_code
    elif not isinstance(exc, Exception):
        raise exc
    elif (mapped := machine_error(exc)) is not None:
        line, code = f"sdesk: error: {printable(mapped.message, keep_tabs=False)}", mapped.exit_code
    else:
        line, code = (f"sdesk: internal error: {type(exc).__name__}: {exc} (a bug; set "
                      "SDESK_DEBUG=1 for the traceback and please report it)"), EXIT_BUG
    sys.stderr.write(line + "\n")
    return code
