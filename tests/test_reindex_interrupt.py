"""Ctrl-C during `sdesk reindex` (fresh-user finding, session 26): the terminal sends SIGINT to
the whole process group, so the cold load's worker processes got it too and each printed a
traceback (29-39 lines before "sdesk: aborted"), and the pool forked new workers in their place
that hung on a lock a dead one held. Now: one line, exit 130, no process left behind, the
index still answers. The real command in its own process group, interrupted as a terminal
interrupts it, while its workers run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bench.generate import write_tickets
from tests.conftest import Desk


def _children(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return f.read().split()
    except OSError:
        return []


def _interrupted_while_workers_run(desk: Desk) -> tuple[int, str] | None:
    """(exit code, stderr) of a `reindex` interrupted once two workers were running; None
    when it finished before any were seen (a fast machine: try again)."""
    env = {**os.environ, "SDESK_INDEX_WORKERS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "sdesk", "--store", str(desk.root),
                             "reindex"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, process_group=0)
    seen = False
    while proc.poll() is None:
        if len(_children(proc.pid)) >= 2:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C on a terminal does
            seen = True
            break
        time.sleep(0.001)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:  # workers left behind hold the pipes open
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("reindex left processes running after Ctrl-C") from None
    try:
        os.killpg(proc.pid, 0)
        left = True
    except ProcessLookupError:
        left = False
    assert not left, "a worker outlived the interrupted reindex"
    return (proc.returncode, err.decode()) if seen else None


def test_ctrl_c_during_reindex_is_one_line_and_leaves_no_worker(desk: Desk) -> None:
    write_tickets(desk.root, 4000, seed=3)  # folders enough for the workers (PARALLEL_MIN_DIRS)
    desk.run("reindex")
    for _ in range(10):
        got = _interrupted_while_workers_run(desk)
        if got is not None:
            break
    assert got is not None, "reindex always finished before its workers were seen"
    # not a terminal: no blank line first (click's main printed one to end a terminal's "^C"
    # echo, whatever stderr was; fresh-user finding, session 28)
    assert got == (130, "sdesk: aborted\n"), got[1]
    assert len(desk.json("list", "--all")) == 4000  # the old index still answers
