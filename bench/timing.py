"""Timing a command as a whole process: wall time and peak memory (max RSS) per run.

Peak memory needs care: Linux carries a process's max RSS across fork and exec, so a command
started by the benchmark (which holds big JSON listings) would report the benchmark's own size.
Each run therefore goes through a small launcher process (python -S) that forks the command,
times it from fork to exit, and reads its max RSS with os.wait4: that figure covers the
command and the children it waited for (git, the rebuild's worker processes).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Timing:
    name: str
    runs: list[float]
    peak_kib: int
    note: str = ""
    cpu: list[float] = field(default_factory=list)  # user + system s, the command and children

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def cpu_median(self) -> float:
        """CPU seconds (user + system of the command and the children it waited for): on a
        shared machine the figure that does not swing with the load."""
        return statistics.median(self.cpu) if self.cpu else 0.0

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
print(seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
      usage.ru_utime + usage.ru_stime)
"""


def run_once(argv: Sequence[str], cwd: Path,
             env: dict[str, str]) -> tuple[float, int, int, str, float]:
    """(seconds, max RSS KiB, exit code, stderr, CPU seconds) of one run of argv."""
    proc = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    try:
        seconds, rss, code, cpu = proc.stdout.split()
    except ValueError:
        return 0.0, 0, proc.returncode or 1, proc.stderr, 0.0
    return float(seconds), int(rss), int(code), proc.stderr, float(cpu)


def measure(name: str, argv_for: Callable[[int], Sequence[str]], cwd: Path, env: dict[str, str],
            runs: int, before: Callable[[int], None] | None = None, note: str = "") -> Timing:
    """Run argv_for(i) `runs` times (before(i) first, untimed) and collect the figures."""
    times: list[float] = []
    cpu: list[float] = []
    peak = 0
    for i in range(runs):
        if before is not None:
            before(i)
        seconds, rss, code, err, used = run_once(argv_for(i), cwd, env)
        if code != 0:
            raise RuntimeError(f"{name}: exit {code}: {err.strip()}")
        times.append(seconds)
        cpu.append(used)
        peak = max(peak, rss)
    return Timing(name, times, peak, note, cpu)
