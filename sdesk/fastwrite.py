"""`sdesk note ID TEXT` and `sdesk new -T ...` without click (sdesk/launch.py dispatches here).

Importing click and building its commands is ~80 M of the ~410 M instructions a `note` runs
(docs/performance.md, "The write path without click"). So argv is read here against tables
of the click commands' own parameters: the group's options, `note`'s and `new`'s (option
strings, parameter names, defaults, choices and ranges). tests/test_fastwrite.py checks these
tables against the click commands, and runs both paths on the same argv, comparing output,
exit code and the commit made. The work itself is sdesk/commands/writes.py, which the click
commands call too. Anything the tables do not cover goes to click before anything is read or
written: --help, --json, --from-email, TEXT or a description from stdin or $EDITOR, an option
given twice, a value that starts with '-', a value click would refuse (its error message is
click's to print), `--`, a `--now` that is not ISO 8601, an `--actor` of the wrong shape, and
shell completion. Errors after that (an unknown ticket, a refused intake, a broken store) are
printed here exactly as sdesk/cli.py prints them.
"""

from __future__ import annotations

import os
import sys

from sdesk.core.model import INTAKE_CHANNELS, TICKET_TYPES  # the work loads the model anyway

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any

    # A parameter's kind: "text", "flag" (True when given), "multiple" (text, repeatable),
    # "float", ("choice", values), ("int", low, high), ("switch", value): one of a flag pair.
    Kind = Any

# sdesk/cli.py's group: option -> (parameter name, takes a value)
GROUP: dict[str, tuple[str, bool]] = {
    "--store": ("store_path", True), "--actor": ("actor", True), "--now": ("now_text", True),
    "--no-pager": ("no_pager", False)}

NOTE: dict[str, tuple[str, Kind]] = {
    "--public": ("public", "flag"), "--no-commit": ("no_commit", "flag")}
NOTE_ARGUMENTS = ("ticket_id", "text")

NEW: dict[str, tuple[str, Kind]] = {
    "--type": ("ticket_type", ("choice", TICKET_TYPES)), "-t": ("ticket_type",
                                                                ("choice", TICKET_TYPES)),
    "--title": ("title", "text"), "-T": ("title", "text"),
    "--description": ("description", "text"), "-d": ("description", "text"),
    "--channel": ("channel", ("choice", INTAKE_CHANNELS)),
    "-c": ("channel", ("choice", INTAKE_CHANNELS)),
    "--name": ("requester_name", "text"), "--email": ("requester_email", "text"),
    "--agency": ("agency", "text"), "--phone": ("phone", "text"),
    "--service": ("service", "text"), "--category": ("category", "text"),
    "--software": ("software", "text"),
    "--impact": ("impact", ("int", 1, 3)), "--urgency": ("urgency", ("int", 1, 3)),
    "--priority": ("priority", ("int", 1, 4)), "-p": ("priority", ("int", 1, 4)),
    "--remote": ("remote", ("switch", True)), "--on-site": ("remote", ("switch", False)),
    "--location": ("location", "text"), "--skill": ("skills", "multiple"),
    "--requested-tech": ("requested_tech", "text"), "--effort": ("effort", "float"),
    "--parent": ("parent", "text"), "--team": ("team", "text"),
    "--no-commit": ("no_commit", "flag")}
NEW_DEFAULTS: dict[str, Any] = {
    "ticket_type": "incident", "title": None, "description": None, "channel": "phone",
    "requester_name": "", "requester_email": "", "agency": "", "phone": "", "service": "",
    "category": "", "software": "", "impact": None, "urgency": None, "priority": None,
    "remote": True, "location": "", "skills": (), "requested_tech": "", "effort": 1.0,
    "parent": "", "team": "", "no_commit": False}
# Declared by the click commands, always left to click: the tests check nothing else exists.
HANDED_OVER = {"": ("--help", "-h", "--version"), "note": ("--help", "-h"),
               "new": ("--help", "-h", "--json", "--from-email")}
COMMANDS = {"note": NOTE, "new": NEW}


def fast(argv: list[str]) -> int | None:
    """Run `note` or `new` without click and return the exit code, or None to hand over to
    click (nothing has been read or written then)."""
    if any(name.startswith("_SDESK_COMPLETE") for name in os.environ):
        return None
    parsed = parse(argv)
    if parsed is None:
        return None
    command, group, params, args = parsed
    now_text = group.get("now_text", os.environ.get("SDESK_NOW") or None)
    if not _usable(now_text, group.get("actor")):
        return None
    if command == "note":
        if len(args) != 2:  # no TEXT: $EDITOR or an error, click's
            return None
    elif params["title"] is None or args:
        return None
    elif params["description"] is None and sys.stdin.isatty() and sys.stdout.isatty():
        return None  # $EDITOR opens: click's path
    from sdesk.commands.app import App

    app = App(store_path=group.get("store_path"), actor_text=group.get("actor"),
              now_text=now_text, no_pager="no_pager" in group)
    return _run(app, command, params, args)


def parse(argv: list[str]) -> tuple[str, dict[str, Any], dict[str, Any], list[str]] | None:
    """(command, the group's options, the command's parameters with defaults, its arguments)
    when argv is inside the tables, else None (click decides)."""
    group: dict[str, Any] = {}
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        got = _option(argv, i, {k: (n, "text" if v else "flag") for k, (n, v) in GROUP.items()})
        if got is None or got[0] in group:
            return None
        name, value, i = got
        group[name] = value
    if i >= len(argv) or argv[i] not in COMMANDS:
        return None
    command, table = argv[i], COMMANDS[argv[i]]
    params: dict[str, Any] = dict(NEW_DEFAULTS) if command == "new" else {
        "public": False, "no_commit": False}
    given: set[str] = set()
    args: list[str] = []
    i += 1
    while i < len(argv):
        word = argv[i]
        if not word.startswith("-"):
            args.append(word)
            i += 1
            continue
        got = _option(argv, i, table)
        if got is None:
            return None
        name, value, i = got
        if table_kind(table, name) == "multiple":
            params[name] = (*params[name], value)
            continue
        if name in given:
            return None
        given.add(name)
        params[name] = value
    return command, group, params, args


def table_kind(table: dict[str, tuple[str, Kind]], name: str) -> Kind:
    """The kind of parameter `name` in a command's table."""
    return next(kind for param, kind in table.values() if param == name)


def _option(argv: list[str], i: int, table: dict[str, tuple[str, Kind]]
            ) -> tuple[str, Any, int] | None:
    """(parameter name, converted value, next position) of the option at argv[i], or None."""
    word = argv[i]
    option, eq, value = word.partition("=")
    if option not in table:
        return None
    name, kind = table[option]
    if kind == "flag" or (isinstance(kind, tuple) and kind[0] == "switch"):
        if eq:
            return None
        return name, True if kind == "flag" else kind[1], i + 1
    if not eq:
        if i + 1 >= len(argv):
            return None
        value = argv[i + 1]
        i += 1
    if value.startswith("-"):
        return None
    converted = _convert(value, kind)
    if converted is None:
        return None
    return name, converted, i + 1


def _convert(value: str, kind: Kind) -> Any:
    """A value as click's type converts it, or None where click would refuse it (or might
    convert it otherwise)."""
    if kind in ("text", "multiple"):
        return value
    try:
        if kind == "float":
            return float(value)
        if kind[0] == "choice":
            return value if value in kind[1] else None
        number = int(value)
    except ValueError:
        return None
    return number if kind[1] <= number <= kind[2] else None


def _usable(now_text: str | None, actor: str | None) -> bool:
    """--now is plain ISO 8601 (a relative date is click's path) and --actor has a shape
    the group accepts (its error is click's to print)."""
    if now_text:
        import datetime as dt

        try:
            dt.datetime.fromisoformat(now_text.strip())
        except ValueError:
            return False
    if actor is not None:
        from sdesk.core.actors import check_shape
        from sdesk.core.errors import SdeskError

        try:
            check_shape(actor)
        except SdeskError:
            return False
    return True


def _run(app: Any, command: str, params: dict[str, Any], args: list[str]) -> int:
    """The command's work (sdesk/commands/writes.py) and its lines printed; every failure
    one line and the exit code sdesk/cli.py gives it (docs/commands.md)."""
    from sdesk.commands import writes
    from sdesk.core.errors import EXIT_BUG, EXIT_INTERRUPTED, SdeskError

    try:
        if command == "note":
            lines = writes.add_note(app, args[0], args[1], params["public"],
                                    params["no_commit"])
        else:
            options = writes.checked_new_options(app, params)
            ticket, warnings = writes.log_new(app, options, params["title"],
                                              params["description"] or "")
            lines = writes.new_lines(app, ticket, warnings)
    except SdeskError as exc:
        return _error(exc)
    except KeyboardInterrupt:
        _echo("sdesk: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from sdesk.core.errors import machine_error

        mapped = machine_error(exc)
        if mapped is not None:  # a broken machine, not a bug: one line, exit 1
            return _error(mapped)
        if os.environ.get("SDESK_DEBUG"):
            import traceback

            traceback.print_exc()
        _echo(f"sdesk: internal error: {type(exc).__name__}: {exc} "
              "(a bug; set SDESK_DEBUG=1 for the traceback and please report it)", err=True)
        return EXIT_BUG
    try:
        for err, line in lines:
            _echo(line, err)
    except BrokenPipeError:  # `sdesk new ... | head -0`: the reader went away; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _error(exc: Any) -> int:
    """An SdeskError as sdesk/cli.py prints it: one line, its exit code."""
    from sdesk.core.errors import error_line
    from sdesk.core.render import printable

    _echo(printable(error_line(exc), keep_tabs=False), err=True)
    return int(exc.exit_code)


def _echo(line: str, err: bool = False) -> None:
    """A line as click.echo prints it: ANSI escapes dropped unless the stream is a terminal."""
    stream = sys.stderr if err else sys.stdout
    if "\x1b" in line and not stream.isatty():
        import re

        line = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", line)  # click's _ansi_re
    stream.write(line + "\n")
    stream.flush()
