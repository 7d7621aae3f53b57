"""Long output through a pager, the way git does it: only when stdout is a terminal, never
with `--no-pager`; the pager is $SDESK_PAGER, else $PAGER, else `less`, and
`less` gets LESS=FRX unless LESS is set (quit when it fits on one screen, keep colour, leave
the text on the screen). An empty pager or `cat` means none. A pager whose program is not
installed (the first word of the command, looked up on PATH) is not started: the text is
printed instead, after one warning line on standard error, so nothing is lost; the same for
a pager that exits with a failure status (`SDESK_PAGER=false`) when the text was one block.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator


def wanted(no_pager: bool) -> str | None:
    """The pager command to use now, or None (piped, --no-pager, or set to none)."""
    if no_pager or not sys.stdout.isatty():
        return None
    command = os.environ.get("SDESK_PAGER", os.environ.get("PAGER", "less")).strip()
    if command in ("", "cat"):
        return None
    missing = _missing_program(command)
    if missing:
        sys.stderr.write(f"sdesk: warning: pager {missing!r} not found; printing instead "
                         "(set SDESK_PAGER or PAGER, or use --no-pager)\n")
        return None
    return command


def _missing_program(command: str) -> str | None:
    """The pager command's program when it is not on PATH (nor an existing path), else None.
    A command the shell would have to interpret (quotes that do not close) is left to it."""
    import shlex
    import shutil

    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or "=" in words[0]:  # `LESS=... less`: the shell sets a variable first
        return None
    return None if shutil.which(words[0]) else words[0]


def plain_echo(text: str) -> None:
    """`text` and a newline on stdout, as click.echo writes a string there (colour codes taken
    out when stdout is not a terminal), without importing click: the start-up fast path
    (sdesk/launch.py) prints through here too. tests/test_fastpath.py compares the two."""
    if "\x1b" in text and not sys.stdout.isatty():
        import re

        text = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", text)  # click's _ansi_re
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def echo(text: str, no_pager: bool) -> None:
    """Print `text` (a newline is added), through the pager when one is wanted. A pager that
    cannot start falls back to printing."""
    echo_lines([text], no_pager)


def echo_lines(lines: Iterable[str], no_pager: bool) -> None:
    """`echo` of the text the lines make, written as they come (a table of a million rows
    is never one string): to the pager's pipe, or to standard output a block at a time."""
    command = wanted(no_pager)
    if command is None:
        for block in _blocks(lines):
            plain_echo(block)
        return
    import subprocess  # at use: output to a pipe never starts a pager

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        for block in _blocks(lines):
            plain_echo(block)
        return
    assert proc.stdin is not None
    blocks = _blocks(lines)
    first = next(blocks, None)
    sent_more = False
    try:
        if first is not None:
            proc.stdin.write((first + "\n").encode("utf-8", "replace"))
        for block in blocks:
            sent_more = True
            proc.stdin.write((block + "\n").encode("utf-8", "replace"))
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early: not an error
        pass
    _failed_pager(command, proc.wait(), first, blocks, sent_more)


def _failed_pager(command: str, status: int, first: str | None, rest: Iterator[str],
                  sent_more: bool) -> None:
    """A pager that exits with a failure status (`false`, a pager that cannot open the
    terminal) has most likely shown nothing: say so on standard error, and print the text
    when it was one block (held here) so nothing is lost; a longer text went to the pager as
    it came and is not held (it is re-read with --no-pager). Quitting `less` early is status 0."""
    if status == 0 or first is None:
        return
    if sent_more:
        sys.stderr.write(f"sdesk: warning: pager {command!r} exited with status {status}; "
                         "run again with --no-pager to print the text\n")
        return
    sys.stderr.write(f"sdesk: warning: pager {command!r} exited with status {status}; "
                     "printing instead\n")
    plain_echo(first)
    for block in rest:
        plain_echo(block)


def _blocks(lines: Iterable[str], size: int = 2000) -> Iterator[str]:
    """The lines joined `size` at a time (one write per block, not per line)."""
    block: list[str] = []
    for line in lines:
        block.append(line)
        if len(block) == size:
            yield "\n".join(block)
            block = []
    if block:
        yield "\n".join(block)
