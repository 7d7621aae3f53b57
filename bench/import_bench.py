"""Benchmark: `sdesk import servicenow` of an event log of 150,000 rows / 25,000 incidents, then
`sdesk kpi` on the result (when the kpi command exists).

    .venv/bin/python bench/import_bench.py [--rows 150000] [--incidents 25000] [--keep]

Generates the log in the shape of ServiceNow's incident event log (the public "incident
management process enriched event log": day-first dates, `?` for missing, "2 - Medium" levels,
one row per update in time order, states New -> Active -> Awaiting... -> Resolved -> Closed),
makes a fresh store with `sdesk init` in a temporary folder and times each command as a whole
process (what a dispatcher waits for), with its peak memory (maximum resident set size).
Targets: import <= 60 s on 2 cores and peak memory < 200 MiB, kpi <= 0.5 s warm.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@omes.ok.gov",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@omes.ok.gov",
       "GIT_CONFIG_NOSYSTEM": "1"}
SDESK = str(Path(sys.executable).with_name("sdesk"))
NOW = "2026-11-23T09:00:00-06:00"
HEADER = ["number", "incident_state", "active", "reassignment_count", "reopen_count",
          "sys_mod_count", "made_sla", "caller_id", "opened_by", "opened_at", "sys_created_by",
          "sys_created_at", "sys_updated_by", "sys_updated_at", "contact_type", "location",
          "category", "subcategory", "u_symptom", "cmdb_ci", "impact", "urgency", "priority",
          "assignment_group", "assigned_to", "knowledge", "u_priority_confirmation", "notify",
          "problem_id", "rfc", "vendor", "caused_by", "closed_code", "resolved_by",
          "resolved_at", "closed_at"]
GROUPS = ["IS-Desktop Support", "IS-Network Services", "IS-Email & Collaboration",
          *(f"Group {n}" for n in range(1, 60))]
CONTACTS = ["Phone"] * 20 + ["Email", "Self service", "IVR", "Direct opening"]
LEVELS = ["1 - High", "2 - Medium", "2 - Medium", "2 - Medium", "3 - Low"]
PRIORITIES = {("1", "1"): "1 - Critical", ("1", "2"): "2 - High", ("2", "1"): "2 - High",
              ("2", "2"): "3 - Moderate", ("1", "3"): "3 - Moderate", ("3", "1"): "3 - Moderate"}


def day_first(moment: dt.datetime) -> str:
    return f"{moment.day}/{moment.month}/{moment.year} {moment:%H:%M}"


def incident(rng: random.Random, n: int, events: int) -> list[list[str]]:
    """`events` rows of one incident, the last one its final state."""
    opened = dt.datetime(2016, 2, 29) + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 330))
    impact, urgency = rng.choice(LEVELS), rng.choice(LEVELS)
    priority = PRIORITIES.get((impact[0], urgency[0]), "4 - Low")
    group, tech = rng.choice(GROUPS), "?"
    caller, location = f"Caller {rng.randint(1, 5000)}", f"Location {rng.randint(1, 220)}"
    contact, made_sla = rng.choice(CONTACTS), rng.random() < 0.63
    opened_by = f"Opened by {rng.randint(1, 200)}"
    category, subcategory = f"Category {rng.randint(1, 60)}", f"Subcategory {rng.randint(1, 250)}"
    symptom = f"Symptom {rng.randint(1, 500)}"
    reassign = reopen = 0
    at, rows = opened, []
    for i in range(events):
        last = i == events - 1
        at += dt.timedelta(minutes=rng.randint(1, 60 * 30))
        if i == 0:
            state = "New"
        elif last:
            state = "Closed" if rng.random() < 0.9 else "Resolved"
        else:
            state = rng.choice(["Active", "Active", "Active", "Awaiting User Info",
                                "Awaiting Vendor", "Resolved"])
        if i > 0 and rng.random() < 0.25:
            group, reassign = rng.choice(GROUPS), reassign + 1
        if i > 0 and (tech == "?" or rng.random() < 0.2):
            tech = f"Resolver {rng.randint(1, 230)}"
        if state == "Active" and rows and rows[-1][1] == "Resolved":
            reopen += 1
        done = state in ("Resolved", "Closed")
        rows.append([
            f"INC{n:07d}", state, "false" if state == "Closed" else "true", str(reassign),
            str(reopen), str(i), "true" if made_sla else "false", caller,
            opened_by, day_first(opened), "Created by 6", day_first(opened),
            f"Updated by {rng.randint(1, 900)}", day_first(at), contact, location,
            category, subcategory, symptom, "?", impact, urgency, priority, group, tech,
            "TRUE" if rng.random() < 0.1 else "FALSE", "FALSE", "Do Not Notify", "?", "?", "?",
            "?", f"code {rng.randint(1, 17)}" if done else "?", tech if done else "?",
            day_first(at) if done else "?", day_first(at) if state == "Closed" else "?",
        ])
    return rows


def generate(path: Path, rows: int, incidents: int, seed: int = 8) -> None:
    rng = random.Random(seed)
    # Spread the rows over the incidents: each gets at least one, some many (like the real log).
    counts = [1] * incidents
    for _ in range(rows - incidents):
        counts[rng.randrange(incidents)] += 1
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n, events in enumerate(counts, start=1):
            writer.writerows(incident(rng, n, events))


def timed(args: list[str], cwd: Path) -> tuple[float, str, float]:
    """Run one command as a whole process: (seconds, stdout, peak memory in MiB). The peak is
    the process's maximum resident set size from wait4 (Linux counts the largest of the
    process and the children it waited for, such as git)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {stderr.strip()}")
    return took, stdout, usage.ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--incidents", type=int, default=25_000)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary store.")
    opts = parser.parse_args()
    top = Path(tempfile.mkdtemp(prefix="sdesk-import-bench-"))
    try:
        log = top / "incident_event_log.csv"
        generate(log, opts.rows, opts.incidents)
        print(f"generated {opts.rows:,} rows / {opts.incidents:,} incidents "
              f"({log.stat().st_size / 1e6:.1f} MB) on {os.cpu_count()} cores")
        store = top / "desk"
        timed([SDESK, "init", str(store)], top)
        took, out, peak = timed([SDESK, "--now", NOW, "import", "servicenow", str(log)], store)
        print(f"import servicenow: {took:6.2f} s, peak memory {peak:5.0f} MiB   "
              f"{out.splitlines()[0]}")
        took, out, peak = timed([SDESK, "--now", NOW, "import", "servicenow", str(log)], store)
        print(f"import again:      {took:6.2f} s, peak memory {peak:5.0f} MiB   "
              f"{out.splitlines()[-1]}")
        took, out, peak = timed([SDESK, "--now", NOW, "check", "--deep"], store)
        print(f"check --deep:      {took:6.2f} s, peak memory {peak:5.0f} MiB   "
              f"{out.splitlines()[-1]}")
        if shutil.which(SDESK) and _has_kpi(store):
            cold, _, _ = timed([SDESK, "--now", NOW, "kpi"], store)
            warm = min(timed([SDESK, "--now", NOW, "kpi"], store)[0] for _ in range(3))
            print(f"kpi:               {cold:6.2f} s first run, {warm:.2f} s warm")
        else:
            print("kpi: the kpi command is not there yet (skipped)")
        if opts.keep:
            print(f"store kept in {store}")
    finally:
        if not opts.keep:
            shutil.rmtree(top, ignore_errors=True)


def _has_kpi(store: Path) -> bool:
    proc = subprocess.run([SDESK, "kpi", "--help"], cwd=store, env=ENV, capture_output=True)
    return proc.returncode == 0


if __name__ == "__main__":
    main()
