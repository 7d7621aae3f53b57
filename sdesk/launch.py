"""The `sdesk` entry point: the hottest read command without click, everything else through it.

Importing click costs ~30 ms (131 M of the instructions `sdesk --version` runs), more than
`sdesk show` at 100,000 tickets may spend in all. So `main()` first reads argv against a small
grammar (GRAMMAR): the global options and `show TICKET_ID` exactly as the click command
declares them (tests/test_fastpath.py checks GRAMMAR against sdesk/cli.py and
sdesk/commands/show.py, and runs both paths over a matrix of argv, byte for byte). Anything
else hands over to click (sdesk/cli.py) before a byte is printed: another command, --help,
--version, an unknown or repeated option, an option value that looks like an option, a `--now`
that is not ISO 8601, `--actor`, shell completion, output to a terminal (colour and the pager),
and every error, so errors are printed by one path only. docs/architecture.md ("The start-up
fast path") and docs/performance.md have the figures.
"""

from __future__ import annotations

import os
import sys

# What the fast path accepts, as the click commands declare it: option -> takes a value.
# tests/test_fastpath.py fails when sdesk/cli.py or `show` gain, lose or change an option.
GRAMMAR: dict[str, dict[str, bool]] = {
    "": {"--store": True, "--now": True, "--no-pager": False},  # the group's options
    "show": {},  # and one argument, TICKET_ID; --json goes through click
}
ARGUMENTS = {"show": 1}
HANDED_OVER = ("--actor", "--help", "-h", "--version", "--json")  # declared, left to click


def main() -> None:
    """The console script: the fast path when it applies, else the click command line."""
    code = fast(sys.argv[1:])
    if code is None and ("note" in sys.argv or "new" in sys.argv):
        from sdesk.fastwrite import fast as fast_write  # note and new without click

        code = fast_write(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from sdesk.cli import main as full

    full()


def parse(argv: list[str]) -> tuple[str, dict[str, str], list[str]] | None:
    """(command, options, arguments) when argv is inside GRAMMAR, else None (click decides).
    Options are keyed by their long name; a flag's value is ""."""
    options: dict[str, str] = {}
    args: list[str] = []
    command = ""
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if not word.startswith("-") or word == "-":
            if not command:
                if word not in GRAMMAR or not word:
                    return None
                command = word
            else:
                args.append(word)
            continue
        name, eq, value = word.partition("=")
        takes = GRAMMAR[command].get(name)
        if takes is None or name in options:
            return None
        if takes:
            if not eq:
                if i >= len(argv):
                    return None
                value = argv[i]
                i += 1
            if value.startswith("-"):
                return None
        elif eq:
            return None
        options[name] = value
    if not command or len(args) != ARGUMENTS[command]:
        return None
    return command, options, args


def fast(argv: list[str]) -> int | None:
    """Run argv without click and return the exit code, or None to hand over to click (which
    then does the whole command, so nothing here has printed or changed anything that
    matters: the index refresh it may have made is one click's path would make too)."""
    if any(name.startswith("_SDESK_COMPLETE") for name in os.environ):
        return None
    parsed = parse(argv)
    if parsed is None:
        return None
    _command, options, args = parsed
    try:
        if sys.stdout.isatty():  # colour and the pager: click's path
            return None
    except ValueError:  # stdout closed
        return None
    now_text = options.get("--now", os.environ.get("SDESK_NOW") or "")
    try:
        text = _show(options.get("--store"), now_text, args[0])
    except Exception:  # every error is click's to print: one path prints errors
        return None
    if text is None:
        return None
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `sdesk show ID | head -1`: the reader went away; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _show(store_path: str | None, now_text: str, typed: str) -> str | None:
    """`sdesk show TYPED`'s text, or None when `now_text` is not plain ISO 8601."""
    import datetime as dt

    from sdesk.commands.showtext import page
    from sdesk.core.due import in_zone
    from sdesk.store import Store

    when = None
    if now_text:
        try:
            when = dt.datetime.fromisoformat(now_text.strip())
        except ValueError:  # a relative date ("2 hours ago"): click's path parses those
            return None
    store = Store.open(store_path)

    def clock() -> dt.datetime:
        tz = store.tz
        if when is None:
            return dt.datetime.now(tz).replace(microsecond=0)
        return in_zone(when, tz)

    return page(store, typed, clock, colour=False)
