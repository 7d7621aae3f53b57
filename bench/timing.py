"""Timing a command as a whole process: wall time and peak memory (max RSS) per run.

Each run is its own child, waited for with os.wait4 so the resource usage is that child's alone
(RUSAGE_CHILDREN would report the peak of every child so far). ru_maxrss of a process includes
its own waited-for children (git, a rebuild's worker processes) only through their own peak, so
the figure reported is the larger of the process and its largest child, as the kernel keeps it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Timing:
    name: str
    runs: list[float]
    peak_kib: int
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


def run_once(argv: Sequence[str], cwd: Path, env: dict[str, str],
             stdin: bytes | None = None) -> tuple[float, int, int, bytes]:
    """(seconds, max RSS KiB, exit code, stderr) of one run of argv."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    children = 0
    return elapsed, max(usage.ru_maxrss, children), proc.returncode, err


def measure(name: str, argv_for: Callable[[int], Sequence[str]], cwd: Path, env: dict[str, str],
            runs: int, before: Callable[[int], None] | None = None, note: str = "") -> Timing:
    """Run argv_for(i) `runs` times (before(i) first, untimed) and collect the figures."""
    times: list[float] = []
    peak = 0
    for i in range(runs):
        if before is not None:
            before(i)
        seconds, rss, code, err = run_once(argv_for(i), cwd, env)
        if code != 0:
            raise RuntimeError(f"{name}: exit {code}: {err.decode(errors='replace').strip()}")
        times.append(seconds)
        peak = max(peak, rss)
    return Timing(name, times, peak, note)
