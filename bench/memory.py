"""Peak memory of every command on a store built before (issue 17: <= 100 MiB at 100,000
tickets, <= 150 MiB at 1,000,000, whatever the command).

    .venv/bin/python -m bench.memory STORE                 # = make bench-memory STORE=...
    .venv/bin/python -m bench.memory STORE --only sweep,new
    .venv/bin/python -m bench.memory STORE --applied       # also the batch commands applied

Each command runs once as a whole process through bench.timing's launcher, which reads the
max RSS of the command and of the git processes and index workers it waited for (`wait4`).
Writing commands run with --dry-run where they have it; the others (`new`, `note`, and the
batch commands with --applied) are applied and the store is put back afterwards
(`git reset --hard` to the commit found, `git clean -fdq`), so the store is left as it was.
The index should be warm (run any read command once first): a cold rebuild is timed by
`make bench`, not here. Prints one row per command: peak MiB beside the target, CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.generate import GIT_ENV, git
from bench.run import NOW, SERVICE_DESK
from bench.timing import run_once

# (name, arguments, writes: the store is reset after it). {ID}, {OPEN}, {DIR} are filled in.
COMMANDS: list[tuple[str, tuple[str, ...], bool]] = [
    ("sdesk --version", ("--version",), False),
    ("show ID", ("show", "{ID}"), False),
    ("log ID", ("log", "{ID}"), False),
    ("list (all open)", ("list",), False),
    ("list --json (all open)", ("list", "--json"), False),
    ("list --all --json", ("list", "--all", "--json"), False),
    ("list --all --csv", ("list", "--all", "--csv"), False),
    ("queue --team", ("queue", "--team", SERVICE_DESK), False),
    ("stale", ("stale",), False),
    ("workload", ("workload",), False),
    ("kpi", ("kpi",), False),
    ("kpi --by team", ("kpi", "--by", "team"), False),
    ("kpi --by technician --csv", ("kpi", "--by", "technician", "--csv"), False),
    ("kpi --trend month", ("kpi", "--trend", "month"), False),
    ("report -o FILE", ("report", "-o", "{DIR}/report.html"), False),
    ("handover --peek", ("handover", "--peek"), False),
    ("export --open --csv", ("export", "--open", "-o", "{DIR}/open.csv"), False),
    ("export --jsonl --since", ("export", "--jsonl", "--since", "2026-10-01", "-o",
                                "{DIR}/recent.jsonl"), False),
    ("sweep --dry-run", ("sweep", "--dry-run"), False),
    ("sweep --dry-run --json", ("sweep", "--dry-run", "--json"), False),
    ("triage --all --dry-run", ("triage", "--all", "--dry-run"), False),
    ("triage --all --dry-run --json", ("triage", "--all", "--dry-run", "--json"), False),
    ("assign --all --dry-run", ("assign", "--all", "--dry-run"), False),
    ("close --resolved-before --dry-run",
     ("close", "--resolved-before", "2026-11-16", "--dry-run"), False),
    ("check", ("check",), False),
    ("new (with commit)", ("new", "-T", "Printer jam on 3rd floor", "--email",
                           "ana.ruiz@omes.ok.gov", "--agency", "OMES", "-d",
                           "Paper stuck in tray 2"), True),
    ("note ID (with commit)", ("note", "{OPEN}", "Called the user back"), True),
]
APPLIED: list[tuple[str, tuple[str, ...], bool]] = [
    ("sweep (applied)", ("sweep",), True),
    ("triage --all (applied)", ("triage", "--all"), True),
]


@dataclass
class Row:
    name: str
    peak_mib: float
    cpu: float
    seconds: float
    code: int


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path, help="a store built before (bench/generate.py)")
    parser.add_argument("--only", default="", help="comma-separated words: run the commands "
                        "whose name contains one of them")
    parser.add_argument("--applied", action="store_true",
                        help="also sweep and triage --all applied (reset afterwards)")
    parser.add_argument("--target", type=float, default=0.0,
                        help="MiB (default: 150 from 500,000 tickets, else 100)")
    parser.add_argument("--sdesk", default=str(Path(sys.executable).with_name("sdesk")))
    args = parser.parse_args(argv)
    root = args.store.resolve()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SDESK_", "GIT_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(GIT_ENV, SDESK_NOW=NOW)
    commands = COMMANDS + (APPLIED if args.applied else [])
    words = [w.strip() for w in args.only.split(",") if w.strip()]
    if words:
        commands = [c for c in commands if any(w in c[0] for w in words)]
    base = git(["rev-parse", "HEAD"], root).strip()
    size = _count(root, args.sdesk, env)
    target = args.target or (150.0 if size >= 500_000 else 100.0)
    fill = {"{ID}": _first(root, args.sdesk, env, "--all"),
            "{OPEN}": (_first(root, args.sdesk, env, "--status", "in-progress")
                       or _first(root, args.sdesk, env))}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sdesk-mem-") as out:
        fill["{DIR}"] = out
        for name, template, writes in commands:
            argv_ = [args.sdesk, *(_fill(a, fill) for a in template)]
            try:
                seconds, rss, code, err, cpu = run_once(argv_, root, env)
            finally:
                if writes:
                    git(["reset", "-q", "--hard", base], root)
                    git(["clean", "-fdq"], root)
            if code not in (0, 4) and not (name == "check" and code == 1):  # 1: problems found
                print(f"{name}: exit {code}: {err.strip()[-300:]}", file=sys.stderr)
            rows.append(Row(name, rss / 1024, cpu, seconds, code))
            print(f"  {name:<36} peak {rss / 1024:7.1f} MiB  CPU {cpu:7.2f} s  "
                  f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    print(table(rows, size, target))
    return 0 if all(r.peak_mib <= target for r in rows) else 1


def table(rows: list[Row], size: int, target: float) -> str:
    """The figures as a Markdown table (one row per command)."""
    lines = [f"Peak memory at {size:,} tickets (max RSS of the command and the processes it "
             f"waited for; one run each; load {os.getloadavg()[0]:.1f})", "",
             "| command | peak MiB | target MiB | | CPU s | wall s |", "|---|---:|---:|---|---:|---:|"]
    for r in rows:
        ok = "ok" if r.peak_mib <= target else "MISSED"
        if r.code not in (0, 4) and not (r.name == "check" and r.code == 1):
            ok += f" (exit {r.code})"
        lines.append(f"| `{r.name}` | {r.peak_mib:.0f} | {target:g} | {ok} | {r.cpu:.2f} | "
                     f"{r.seconds:.2f} |")
    return "\n".join(lines)


def _fill(arg: str, fill: dict[str, str]) -> str:
    for key, value in fill.items():
        arg = arg.replace(key, value)
    return arg


def _first(root: Path, sdesk: str, env: dict[str, str], *args: str) -> str:
    out = subprocess.run([sdesk, "list", "--json", "-n", "1", *args], cwd=root, env=env,
                         check=True, capture_output=True, text=True).stdout
    rows = json.loads(out)
    return str(rows[0]["id"]) if rows else ""


def _count(root: Path, sdesk: str, env: dict[str, str]) -> int:
    """The number of tickets in the store (ticket files git knows)."""
    out = subprocess.run(["git", "ls-files", "--", "tickets"], cwd=root, env=env, check=True,
                         capture_output=True).stdout
    return out.count(b"\n")


if __name__ == "__main__":
    sys.exit(main())
