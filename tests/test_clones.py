"""Many clones at once (docs/collaboration.md, "Many clones"): N dispatchers' clones, each
making mixed changes to shared tickets and its own, each running `sdesk sync` whenever it
likes, all at the same time against one bare remote (push races included). Afterwards every
clone has the same tree, every journal entry written anywhere is present exactly once, and
`sdesk check` (ticket invariants included) passes everywhere.

The default suite runs a small size; `make stress` runs 8 clones x 50 changes and prints the
figures (time, merges settled by the driver, push retries)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner
from conftest import Desk

from sdesk.cli import cli

# the Service Desk's supervisor: only a supervisor decides a priority (sdesk priority)
SUPERVISOR = ("--actor", "Marcia Whitfield <marcia.whitfield@omes.ok.gov>")

TECHS = ("aparker", "jtran", "mhernandez")
T0 = 1_795_000_000  # 2026-11-18, seconds since the epoch: every clone's clock starts here


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


@dataclass
class Figures:
    clones: int
    changes: int
    seconds: float = 0.0
    syncs: int = 0
    push_retries: int = 0  # pushes rejected because another clone pushed first, retried
    sync_failures: int = 0  # syncs that stopped (and were run again)
    sync_stops: list[str] = field(default_factory=list)  # why, one line each
    merges: int = 0  # fields/states both sides changed, settled by the driver (merge entries)
    refused: int = 0  # changes a command refused (ticket already resolved...), one line each
    bugs: list[str] = field(default_factory=list)  # exit code 3 or more than one error line
    identical: bool = False
    entries: int = 0  # distinct journal entries any commit of any clone ever held
    entries_missing: int = 0  # of those, not in the final tree (notes checked by text too)
    entries_twice: int = 0  # journal entries present more than once in a final ticket
    check_problems: list[str] = field(default_factory=list)


class Clone:
    def __init__(self, root: Path, n: int, figures: Figures, lock: threading.Lock) -> None:
        self.root, self.n, self.figures, self.lock = root, n, figures, lock
        self.tick = 0
        self.notes: list[tuple[str, str]] = []  # (ticket, text) this clone journaled

    def now(self) -> str:
        # Every clone's clock moves on; clones never share a second (IDs carry the second).
        self.tick += 1
        stamp = T0 + 60 * self.tick + self.n
        return dt.datetime.fromtimestamp(stamp, dt.timezone(dt.timedelta(hours=-6))).isoformat()

    def sdesk(self, *args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "sdesk", "--store", str(self.root),
                               "--now", self.now(), *args], capture_output=True, text=True,
                              env={**os.environ, "SDESK_LOCK_TIMEOUT": "120"})
        errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("sdesk: error")]
        # Exit codes (docs/commands.md): 1 refused, 4 nothing to do; 3 is a bug.
        if proc.returncode == 3 or (proc.returncode and len(proc.stderr.splitlines()) != 1):
            with self.lock:
                self.figures.bugs.append(f"clone {self.n}: sdesk {' '.join(args)} -> "
                                         f"{proc.returncode}: {proc.stderr.strip()}")
        elif proc.returncode and errors and args[0] != "sync":
            with self.lock:
                self.figures.refused += 1
        return proc

    def sync(self) -> bool:
        proc = self.sdesk("sync")
        with self.lock:
            self.figures.syncs += 1
            for line in proc.stdout.splitlines():
                if line.startswith("push rejected "):
                    self.figures.push_retries += int(line.split()[2])
            if proc.returncode:
                self.figures.sync_failures += 1
                self.figures.sync_stops.append(proc.stderr.strip()[:160])
        return proc.returncode == 0

    def work(self, shared: list[str], changes: int, seed: int) -> None:
        rng = random.Random(seed)
        own: list[str] = []
        for k in range(changes):
            roll = rng.random()
            tid = rng.choice(shared + own)
            if roll < 0.2:
                proc = self.sdesk("new", "-T", f"clone {self.n} call {k}")
                if proc.returncode == 0:
                    own.append(proc.stdout.strip().splitlines()[-1])
            elif roll < 0.5:
                text = f"clone {self.n} note {k}"
                if self.sdesk("note", tid, text).returncode == 0:
                    self.notes.append((tid, text))
            elif roll < 0.6:
                self.sdesk(*SUPERVISOR, "priority", tid, str(rng.randint(1, 4)), "--reason",
                           f"c{self.n} {k}")
            elif roll < 0.7:
                self.sdesk("assign", tid, "--to", rng.choice(TECHS), "--force")
            elif roll < 0.77:
                self.sdesk("hold", tid, "--reason", "awaiting-customer", "--asked-by-phone")
            elif roll < 0.84:
                self.sdesk("resume", tid)
            elif roll < 0.92:
                self.sdesk("resolve", tid, "-c", "fixed", "-s", f"clone {self.n} fixed it {k}")
            else:
                self.sdesk("reopen", tid, "-r", f"clone {self.n}: came back {k}")
            if rng.random() < 0.3:
                self.sync()
        self.sync()


def many_clones_run(tmp_path: Path, clones: int, changes: int, shared: int = 6,
                    seed: int = 14) -> Figures:
    began = time.monotonic()
    figures = Figures(clones, changes)
    remote = tmp_path / "remote.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    first = Desk(tmp_path / "c0")
    assert CliRunner().invoke(cli, ["init", str(first.root)]).exit_code == 0
    _git(first.root, "remote", "add", "origin", str(remote))
    shared_ids = [first.new("-T", f"Shared problem {i}", "--email", f"user{i}@omes.ok.gov",
                            now=f"2026-11-17T09:{i:02d}:00-06:00") for i in range(shared)]
    first.run("sync")
    roots = [first.root]
    for n in range(1, clones):
        root = tmp_path / f"c{n}"
        _git(tmp_path, "clone", "-q", str(remote), str(root))
        Desk(root).run("install-hooks")
        roots.append(root)
    lock = threading.Lock()
    workers = [Clone(root, n, figures, lock) for n, root in enumerate(roots)]
    threads = [threading.Thread(target=w.work, args=(shared_ids, changes, seed + w.n))
               for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for _ in range(3):  # settle: every clone syncs in turn until nothing moves
        for w in workers:
            w.sync()
    trees = {_git(root, "rev-parse", "HEAD^{tree}") for root in roots}
    figures.identical = len(trees) == 1 and all(
        _git(root, "status", "--porcelain") == "" for root in roots)
    desk = Desk(roots[0])
    texts: dict[str, list[str]] = {}
    for tid in {t for w in workers for t, _ in w.notes}:
        shown = desk.run("show", tid, "--json", ok=False)
        texts[tid] = ([e["text"] for e in json.loads(shown.stdout)["journal"]]
                      if shown.exit_code == 0 else [])  # a ticket that never arrived
    for w in workers:
        for tid, text in w.notes:
            count = texts[tid].count(text)
            figures.entries_missing += count == 0
            figures.entries_twice += count > 1
    ever = journal_history(roots[0])
    final: Counter[tuple[str, str, str, str]] = Counter()
    for path in roots[0].glob("tickets/*/*/*.toml"):
        final.update(journal_keys(path.read_bytes()))
    figures.entries = len(ever)
    figures.entries_missing += len(ever - final.keys())
    figures.entries_twice += sum(1 for n in final.values() if n > 1)
    for path in roots[0].glob("tickets/*/*/*.toml"):
        figures.merges += path.read_text(encoding="utf-8").count('kind = "merge"')
    for root in roots:
        check = Desk(root).run("check", "--json", ok=False)
        figures.check_problems += [f"{root.name}: {p['path']}: {p['message']}"
                                   for p in json.loads(check.stdout)["problems"]]
    figures.seconds = round(time.monotonic() - began, 1)
    return figures


def journal_keys(data: bytes) -> list[tuple[str, str, str, str]]:
    """A ticket file's journal entries as (at as UTC, by, kind, text), in file order."""
    journal = tomllib.loads(data.decode("utf-8")).get("journal", [])
    return [(e["at"].astimezone(dt.UTC).isoformat(), e["by"], e["kind"], e["text"])
            for e in journal]


def journal_history(root: Path) -> set[tuple[str, str, str, str]]:
    """Every journal entry of every version of every ticket file any commit in the clone's
    history holds (merge commits included): the journal is a union, so all must be in the end."""
    log = _git(root, "log", "--all", "-m", "--format=C %H", "--name-only", "--", "tickets")
    specs, commit = [], ""
    for line in log.splitlines():
        if line.startswith("C "):
            commit = line[2:]
        elif line.endswith(".toml"):
            specs.append(f"{commit}:{line}")
    out = subprocess.run(["git", "cat-file", "--batch"], cwd=root, check=True,
                         input="".join(f"{s}\n" for s in dict.fromkeys(specs)).encode(),
                         capture_output=True).stdout
    keys: set[tuple[str, str, str, str]] = set()
    at = 0
    while at < len(out):
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        at = header_end + 1
        if header[-1] == b"missing":  # a file the commit deleted
            continue
        size = int(header[2])
        keys.update(journal_keys(out[at:at + size]))
        at += size + 1
    return keys


def assert_sound(figures: Figures) -> None:
    assert figures.bugs == []
    assert figures.identical
    assert (figures.entries_missing, figures.entries_twice) == (0, 0)
    assert figures.check_problems == []


def test_clones_syncing_at_once_converge_with_every_entry_once(tmp_path: Path) -> None:
    figures = many_clones_run(tmp_path, clones=3, changes=6)
    print(figures)
    assert_sound(figures)
    assert figures.syncs >= 3 * 3
    assert figures.entries > 3 * 6  # every shared ticket's opening entries, and the changes


def test_a_clone_behind_a_merge_that_dropped_its_open_hold_still_merges(tmp_path: Path) -> None:
    remote, a, b = __import__("test_sync").make_clones(tmp_path)
    tid = a.new("-T", "Printer in room 12", now="2026-11-23T08:00:00-06:00")
    a.run("assign", tid, "--to", "aparker", "--force", now="2026-11-23T08:01:00-06:00")
    a.run("sync")
    b.run("sync")
    c = Desk(tmp_path / "c")
    _git(tmp_path, "clone", "-q", str(remote), str(c.root))
    c.run("install-hooks")
    a.run("hold", tid, "--reason", "awaiting-customer", "--asked-by-phone", now="2026-11-23T09:00:00-06:00")
    a.run("sync")
    c.run("sync")  # c now holds a's hold
    b.run("resolve", tid, "-c", "fixed", "-s", "fixed it", now="2026-11-23T09:30:00-06:00")
    b.run("sync")  # merged: b's resolve is later, so the hold (open, a's) lost
    c.run("note", tid, "called the user", now="2026-11-23T09:40:00-06:00")
    c.run("sync")
    a.run("sync")
    b.run("sync")
    heads = {_git(d.root, "rev-parse", "HEAD^{tree}") for d in (a, b, c)}
    assert len(heads) == 1
    c.run("check")
