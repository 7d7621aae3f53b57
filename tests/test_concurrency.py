"""Many processes on one store: mutating commands serialise on the store lock, nothing is lost,
and a waiting command names the holder when it gives up.

`notes_at_once` is also the full-size stress run (tests/stress/test_stress_concurrency.py)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys

from conftest import NOW, Desk

NOTE_SCRIPT = """
import subprocess, sys
store, tid, worker, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
for i in range(count):
    r = subprocess.run([sys.executable, "-m", "sdesk", "--store", store, "note", tid,
                        f"worker {worker} note {i}"], capture_output=True, text=True)
    if r.returncode:
        sys.exit(r.stderr)
"""


def notes_at_once(desk: Desk, workers: int, each: int) -> tuple[int, int]:
    """`workers` processes each adding `each` notes to one ticket; returns (notes, commits)."""
    tid = desk.new("-T", "Shared drive slow for the whole floor")
    before = desk.commits()
    env = {**os.environ, "SDESK_NOW": NOW, "SDESK_LOCK_TIMEOUT": "300"}
    procs = [subprocess.Popen([sys.executable, "-c", NOTE_SCRIPT, str(desk.root), tid, str(w),
                               str(each)], env=env, stderr=subprocess.PIPE, text=True)
             for w in range(workers)]
    errors = [p.communicate()[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    notes = {e["text"] for e in desk.ticket(tid)["journal"] if e["kind"] == "note"}
    assert notes == {f"worker {w} note {i}" for w in range(workers) for i in range(each)}
    return len(notes), desk.commits() - before


def test_eight_processes_adding_notes_at_once_lose_nothing(desk: Desk) -> None:
    notes, commits = notes_at_once(desk, workers=8, each=5)
    assert (notes, commits) == (40, 40)
    desk.run("check")


def test_a_command_waiting_for_the_lock_names_the_holder(desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline")
    lock = desk.root / ".git" / "sdesk" / "lock"
    with open(lock, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        handle.write(json.dumps({"pid": 4242, "command": "triage --all"}))
        handle.flush()
        before = desk.snapshot()
        result = subprocess.run(
            [sys.executable, "-m", "sdesk", "--store", str(desk.root), "note", tid, "hi"],
            capture_output=True, text=True, env={**os.environ, "SDESK_LOCK_TIMEOUT": "0.3"})
    assert result.returncode == 1
    assert result.stderr.startswith("sdesk: error: store is locked by")
    assert "triage --all" in result.stderr and result.stderr.count("\n") == 1
    assert desk.snapshot() == before


def test_reads_do_not_wait_for_a_writer_holding_the_lock(desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline")
    lock = desk.root / ".git" / "sdesk" / "lock"
    with open(lock, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        for args in (["show", tid], ["list"], ["check", "--no-recover"]):
            result = subprocess.run(
                [sys.executable, "-m", "sdesk", "--store", str(desk.root), *args],
                capture_output=True, text=True, timeout=20,
                env={**os.environ, "SDESK_LOCK_TIMEOUT": "0"})
            assert result.returncode == 0, (args, result.stderr)


