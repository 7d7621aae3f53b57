"""python -m bench: build stores of each size, time every command as a process, print a table.

    .venv/bin/python -m bench                      # 10,000, 100,000 and 300,000 tickets, 5 runs
    .venv/bin/python -m bench --sizes 1000000      # make bench-1m (3 folder levels)
    .venv/bin/python -m bench --sizes 2000 --runs 3
    .venv/bin/python -m bench --untuned            # the same without sdesk's git settings
    .venv/bin/python -m bench --sizes 1000000 --workdir STORE --reuse --growth-store STORE100K
                                                   # make bench-1m: new and note on both stores
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import OBJECT_TARGET_BYTES, Result, run_size, targets, time_growth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,300000",
                        help="comma-separated store sizes (default: 10000,100000,300000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default: 5)")
    parser.add_argument("--workdir", type=Path, help="where to build the stores (default: a "
                        "temporary folder, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    parser.add_argument("--untuned", action="store_true",
                        help="undo sdesk init's git settings (split index...) to compare")
    parser.add_argument("--folder-levels", type=int, choices=(2, 3), default=0,
                        help="ticket folder levels of the stores (default: 3 from 500,000 "
                        "tickets, else 2; docs/ticket-format.md)")
    parser.add_argument("--reuse", action="store_true",
                        help="time the stores already in --workdir (store-N, or --workdir itself "
                        "when it is a store) instead of "
                        "building them again")
    parser.add_argument("--sdesk", default=str(Path(sys.executable).with_name("sdesk")),
                        help="the sdesk executable to time (default: next to this python)")
    parser.add_argument("--growth-store", type=Path,
                        help="a smaller store built before (make bench-1m: the 100,000 one): "
                        "`new` and `note` are timed there too, and their growth printed")
    parser.add_argument("--growth-size", type=int, default=100_000,
                        help="tickets in --growth-store (default: 100000)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sdesk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    # Byte-compile once, as an installed package is: this machine may forbid .pyc writing.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).parent.parent
                                                                 / "sdesk")], check=False,
                   capture_output=True)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    results: list[Result] = []
    smaller: list[Result] = []
    try:
        if args.growth_store and (args.growth_store / "sdesk.toml").is_file():
            smaller.append(time_growth(args.growth_store, args.growth_size, args.runs,
                                       args.sdesk))
        for size in sizes:
            results.append(run_size(workdir, size, args.runs, args.sdesk, args.untuned,
                                    args.folder_levels, args.reuse))
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    text = report(results, args.runs, time.perf_counter() - started, load_before,
                  os.getloadavg()[0], args.untuned)
    missing = [f"No growth store at {args.growth_store} (no sdesk.toml): growth not timed."
               ] if args.growth_store and not smaller else []
    print("\n".join([text, *growth(smaller + results), *missing,
                     *(note for result in smaller for note in result.notes)]))
    return 0


GROWN = ("new (with commit)", "note ID (with commit)")
GROWTH_GOAL = 0.10  # issue 17: new and note within 10 % from 100,000 to 1,000,000


def growth(results: list[Result]) -> list[str]:
    """`new` and `note` from the smallest store timed to the largest (wall and CPU medians),
    beside issue 17's goal (within 10 %); nothing when fewer than two sizes timed them."""
    timed = sorted((r for r in results if any(t.name in GROWN for t in r.timings)),
                   key=lambda r: r.size)
    if len(timed) < 2:
        return []
    low, high = ({t.name: t for t in r.timings} for r in (timed[0], timed[-1]))
    lines = [f"Growth from {timed[0].size:,} to {timed[-1].size:,} tickets (goal: within "
             f"{GROWTH_GOAL:.0%}; wall median, CPU median, same run):", "",
             "| command | wall | CPU s | wall growth | CPU growth | |", "|---|---|---|---:|---:|---|"]
    for name in GROWN:
        if name not in low or name not in high:
            continue
        a, b = low[name], high[name]
        wall = b.median / a.median - 1 if a.median else 0.0
        cpu = b.cpu_median / a.cpu_median - 1 if a.cpu_median else 0.0
        lines.append(f"| `{name}` | {a.median:.3f} -> {b.median:.3f} | {a.cpu_median:.3f} -> "
                     f"{b.cpu_median:.3f} | {wall:+.0%} | {cpu:+.0%} | "
                     f"{'ok' if wall <= GROWTH_GOAL else 'MISSED'} |")
    return ["", *lines]


def report(results: list[Result], runs: int, seconds: float, load_before: float,
           load_after: float, untuned: bool) -> str:
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    lines = [
        f"sdesk benchmark: {platform.python_implementation()} {platform.python_version()}, "
        f"{git_version.strip()}, {os.cpu_count()} CPUs, load average {load_before:.1f} before "
        f"and {load_after:.1f} after; {runs} runs per command; whole run "
        f"{seconds / 60:.1f} min{'; git tuning OFF' if untuned else ''}. Seconds are wall "
        "time (median, min, max of the runs); CPU s is the median user + system time of the "
        "command and the children it waited for (git, index workers); the targets are wall "
        "time on a quiet machine.",
        "",
        "| tickets | command | median s | min s | max s | CPU s | peak MiB | target s | |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        if result.build_seconds:
            lines.append(f"| {result.size:,} | (store built: files + one git commit) | "
                         f"{result.build_seconds:.1f} | | | | | | |")
        times, memory = targets(result.size)
        for t in result.timings:
            target = times.get(t.name)
            ok = ""
            if target is not None:
                ok = "ok" if t.median <= target and t.peak_mib <= memory else "MISSED"
            elif t.peak_mib > memory:
                ok = f"MISSED (memory > {memory:g} MiB)"
            lines.append(
                f"| {result.size:,} | `{t.name}` | {t.median:.3f} | {min(t.runs):.3f} | "
                f"{max(t.runs):.3f} | {t.cpu_median:.3f} | {t.peak_mib:.0f} | "
                f"{'' if target is None else f'{target:g}'} | {ok} |")
    lines += ["", *issue_table(results), ""]
    for result in results:
        ok = "ok" if result.commit_object_disk_bytes <= OBJECT_TARGET_BYTES else "MISSED"
        lines.append(
            f"New git objects of one `note` commit at {result.size:,} tickets: "
            f"{result.commit_object_disk_bytes / 1024:.1f} KiB on disk "
            f"({result.commit_object_bytes / 1024:.1f} KiB uncompressed; target "
            f"{OBJECT_TARGET_BYTES // 1024} KiB: {ok}).")
    lines += [""] + [note for result in results for note in result.notes]
    return "\n".join(lines)


# Issue 17's target table, row by row: (its row, the benchmark's commands it covers).
ISSUE_ROWS = [
    ("show", ("show ID",)),
    ("new, note (with commit)", ("new (with commit)", "note ID (with commit)")),
    ("list filtered, queue --team", ("list --team --status -n 50", "list --overdue --vip",
                                     "queue --team")),
    ("kpi, kpi --by team (all time)", ("kpi", "kpi --by team")),
    ("list --json, all open", ("list --json (all open)",)),
    ("cold index rebuild", ("cold rebuild (list, no index)",)),
]


def issue_table(results: list[Result]) -> list[str]:
    """Issue 17's targets, one row each per store size: the slowest of the commands a row
    covers (wall median and CPU), the largest peak memory of any command timed, and the new
    git objects of one commit, each beside its target."""
    lines = ["Issue 17's targets (the slowest command of each row; wall median, CPU median):",
             "", "| target row | tickets | measured | CPU s | target | |", "|---|---:|---|---:|---:|---|"]
    for result in results:
        times, memory = targets(result.size)
        by_name = {t.name: t for t in result.timings}
        for row, names in ISSUE_ROWS:
            timed = [by_name[n] for n in names if n in by_name]
            if not timed:
                lines.append(f"| {row} | {result.size:,} | not timed | | "
                             f"{times.get(names[0], 0):g} s | |")
                continue
            worst = max(timed, key=lambda t: t.median)
            target = times.get(worst.name, times.get(names[0], 0.0))
            lines.append(f"| {row} | {result.size:,} | {worst.median:.3f} s (`{worst.name}`) | "
                         f"{worst.cpu_median:.3f} | {target:g} s | "
                         f"{'ok' if worst.median <= target else 'MISSED'} |")
        if result.timings:
            top = max(result.timings, key=lambda t: t.peak_mib)
            lines.append(f"| peak memory, any command | {result.size:,} | {top.peak_mib:.0f} MiB "
                         f"(`{top.name}`) | | {memory:g} MiB | "
                         f"{'ok' if top.peak_mib <= memory else 'MISSED'} |")
        kib = result.commit_object_disk_bytes / 1024
        lines.append(f"| new git objects per commit | {result.size:,} | {kib:.1f} KiB on disk | "
                     f"| {OBJECT_TARGET_BYTES // 1024} KiB | "
                     f"{'ok' if result.commit_object_disk_bytes <= OBJECT_TARGET_BYTES else 'MISSED'} |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
