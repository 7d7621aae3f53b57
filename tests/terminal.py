"""Run the real sdesk command on a pseudo-terminal (`triage --review` asks only there)."""

from __future__ import annotations

import os
import sys
import time

from conftest import Desk


def on_a_terminal(desk: Desk, args: list[str], answers: list[bytes]) -> tuple[bytes, int]:
    """Run `sdesk ARGS` on `desk`'s store on a pseudo-terminal, answering each "accept?"
    prompt in turn with `answers`; (everything the terminal showed, the exit code)."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command on a terminal
        os.execvpe(sys.executable, [sys.executable, "-m", "sdesk", "--store", str(desk.root),
                                    "--now", desk.now, *args], os.environ)
    seen = b""
    deadline = time.monotonic() + 120
    for asked, answer in enumerate(answers, 1):
        while seen.count(b"accept?") < asked and time.monotonic() < deadline:
            try:
                seen += os.read(fd, 1024)
            except OSError:
                break
        os.write(fd, answer)
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    return seen, os.waitstatus_to_exitcode(status)
