"""Run the real sdesk command on a pseudo-terminal (`triage --review` asks only there)."""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections.abc import Callable

from conftest import Desk


def on_a_terminal(desk: Desk, args: list[str], answers: list[bytes],
                  meanwhile: Callable[[], object] | None = None) -> tuple[bytes, int]:
    """Run `sdesk ARGS` on `desk`'s store on a pseudo-terminal, answering each "accept?"
    prompt in turn with `answers`; (everything the terminal showed, the exit code).
    `meanwhile` runs once while the first prompt waits for its answer (another shell's
    command, as a second dispatcher would run it)."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command on a terminal
        # as a shell starts its foreground job: Ctrl-C interrupts. A test run started in the
        # background of a non-interactive shell (`make test &`, a CI runner) inherits SIGINT
        # ignored, exec keeps it ignored, Python then installs no KeyboardInterrupt handler and
        # the Ctrl-C test hung until killed (sessions 28-29: "^C" echoed, exit -9)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execvpe(sys.executable, [sys.executable, "-m", "sdesk", "--store", str(desk.root),
                                    "--now", desk.now, *args], os.environ)
    seen = b""
    deadline = time.monotonic() + 120

    def read() -> bytes:
        """What the terminal shows next, b"" at its end or past the deadline (never blocks
        past it: a child that does not end is killed, so a test fails instead of hanging)."""
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            os.kill(pid, signal.SIGKILL)
            return b""
        try:
            return os.read(fd, 1024)
        except OSError:
            return b""

    for asked, answer in enumerate(answers, 1):
        while seen.count(b"accept?") < asked and (chunk := read()):
            seen += chunk
        # the prompt is printed before the child reads: let it get there, so an answer (or a
        # Ctrl-C) reaches the prompt rather than the code before it (a loaded machine)
        time.sleep(0.3)
        if meanwhile is not None and asked == 1:
            meanwhile()
        os.write(fd, answer)
    while chunk := read():
        seen += chunk
    _, status = os.waitpid(pid, 0)
    return seen, os.waitstatus_to_exitcode(status)
