"""A question answered on the terminal: one of a few choices, Ctrl-C always heard (the
triage review's y/n/s, `sdesk triage --review`)."""

from __future__ import annotations

import sys

import click


def answer_on_terminal(prompt: str, choices: tuple[str, ...], on_eof: str | None = None) -> str:
    """One of `choices` typed on the terminal, asked again (as click.prompt asks) until it is;
    Ctrl-C raises KeyboardInterrupt (always "sdesk: aborted"); Ctrl-D (end of input) returns
    `on_eof` when given (the review's "quit: keep what I answered", fresh-user finding 2,
    session 30: Ctrl-D threw away every answer given), else raises click's Abort.

    Not click.prompt: it reads with input(), whose C loop checks for a signal only when the
    read is interrupted. A Ctrl-C that came after the prompt was written but before the read
    began (the process preempted there, on a loaded machine) ran the C-level handler, which
    only notes it, and the read then waited for a line that never came: "^C" on the terminal
    and no exit (tests/test_rough_edges_28.py, hung 1 run in 6 under load; reproduced every
    time by delivering SIGINT at the entry of that read() under gdb). Here the wait is a
    poll() of the terminal and of a pipe the signal handler writes to (set_wakeup_fd,
    installed before the prompt is shown): a signal at any moment wakes it."""
    import os
    import select
    import signal

    stdin = sys.stdin.fileno()
    woken, wake = os.pipe()
    os.set_blocking(wake, False)
    before = signal.set_wakeup_fd(wake, warn_on_full_buffer=False)
    waiting = select.poll()
    waiting.register(stdin, select.POLLIN)
    waiting.register(woken, select.POLLIN)
    try:
        while True:
            click.echo(prompt, nl=False)
            line = b""
            while not line.endswith(b"\n"):
                # a signal since set_wakeup_fd left a byte in the pipe: poll returns, and its
                # handler (Ctrl-C: KeyboardInterrupt) runs at the loop's next turn
                if any(fd == woken for fd, _ in waiting.poll()):
                    os.read(woken, 512)
                    continue
                try:  # the terminal's line discipline gives a whole line
                    chunk = os.read(stdin, 4096)
                except OSError:  # EIO: the terminal is gone, as at its end
                    chunk = b""
                if not chunk:
                    if not line:
                        if on_eof is not None:
                            click.echo()  # the terminal shows no newline for Ctrl-D
                            return on_eof
                        raise click.exceptions.Abort()  # Ctrl-D: as click.prompt's EOFError
                    break
                line += chunk
            value = line.decode(sys.stdin.encoding or "utf-8", "replace").removesuffix("\n")
            if not value:
                continue  # click.prompt asks again after an empty answer, saying nothing
            if value.strip().casefold() in choices:  # `Y` is `y` (issue 11, session 34)
                return value.strip().casefold()
            quoted = ", ".join(repr(c) for c in choices)
            click.echo(f"Error: {value!r} is not one of {quoted}.")
    finally:
        signal.set_wakeup_fd(before)
        os.close(woken)
        os.close(wake)
