"""Benchmark: `sdesk assign --team T` over 1,000 triaged tickets in a 10,000-ticket store.

    .venv/bin/python bench/assign_bench.py [--keep]

Builds a throw-away store in a temporary folder: 9,000 background tickets (most closed, some
open and assigned across every team, so workloads are real) and 1,000 triaged, unassigned
IS-Desktop Support tickets (a tenth of them VIP, a fifth on site, efforts 0.25-1 h), written
with sdesk.core.model.dumps at Store.path_of and committed once. Warms the summary index, then times
the batch as a whole process: `--dry-run` (choose only) and the real run (one commit).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import build_queue_store
from sdesk.core import ids, sla
from sdesk.core.model import JournalEntry, Requester, Ticket
from sdesk.core.reference import Reference

NOW = "2026-11-23T09:00:00-06:00"
OPENED = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
TEAM = "IS-Desktop Support"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@omes.ok.gov",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@omes.ok.gov",
       "GIT_CONFIG_NOSYSTEM": "1"}
SDESK = str(Path(sys.executable).with_name("sdesk"))


def _ticket(rng: random.Random, ref: Reference, taken: set[str], queue: bool) -> Ticket:
    opened = OPENED - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 200))
    while True:
        stamp = ids.encode(int((opened - ids.EPOCH).total_seconds()), ids.TIME_CHARS)
        tid = f"INC-{stamp}{ids.encode(rng.getrandbits(25), ids.RANDOM_CHARS)}"
        if tid not in taken:
            taken.add(tid)
            break
    agency = rng.choice(sorted(ref.agencies))
    person = f"user{rng.randint(1, 3000)}@{agency.lower()}.ok.gov"
    priority = rng.choice([2, 3, 3, 4, 4, 4])
    ticket = Ticket(id=tid, type="incident", title=f"Bench ticket {len(taken)}", opened_at=opened,
                    priority=priority, channel="phone", updated_at=opened,
                    resolve_by=sla.resolve_by(opened, priority, ref),
                    requester=Requester(person.split("@")[0], person, agency),
                    location=ref.agencies[agency].location)
    ticket.journal.append(JournalEntry(opened, "Bench", "Logged.", kind="system"))
    if queue:
        ticket.team, ticket.status = TEAM, "triaged"
        ticket.vip = rng.random() < 0.1
        ticket.remote = rng.random() >= 0.2
        ticket.effort_hours = rng.choice([0.25, 0.5, 1.0])
        return ticket
    tech = rng.choice(sorted(ref.technicians.values(), key=lambda t: t.id))
    ticket.team, ticket.assignee = tech.team, tech.id
    ticket.status = "closed" if rng.random() < 0.985 else "assigned"
    ticket.effort_hours = rng.choice([0.5, 1.0, 2.0])
    return ticket


def build(root: Path, background: int = 9000, queue: int = 1000) -> None:
    build_queue_store(root, _ticket, 4, background, queue, sdesk=SDESK)


def timed(root: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run([SDESK, "--store", str(root), "--now", NOW, *args], env=ENV,
                          capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> None:
    keep = "--keep" in sys.argv
    folder = Path(tempfile.mkdtemp(prefix="sdesk-assign-bench-"))
    root = folder / "desk"
    start = time.perf_counter()
    build(root)
    print(f"store: 10,000 tickets (1,000 triaged in {TEAM}) built in "
          f"{time.perf_counter() - start:.1f} s at {root}")
    seconds, _ = timed(root, "list", "-n", "1")
    print(f"index warm-up (first list): {seconds:.2f} s")
    seconds, done = timed(root, "assign", "--team", TEAM, "--dry-run")
    print(f"assign --team --dry-run: {seconds:.2f} s (exit {done.returncode}); "
          f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
    seconds, done = timed(root, "assign", "--team", TEAM)
    print(f"assign --team (one commit): {seconds:.2f} s (exit {done.returncode}); "
          f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
    if not keep:
        subprocess.run(["rm", "-rf", str(folder)], check=True)


if __name__ == "__main__":
    main()
