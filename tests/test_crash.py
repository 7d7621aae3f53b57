"""Crash safety: the real CLI killed with SIGKILL at random moments. After each kill the next
command (here `sdesk check`, which rolls back like every command) finds the store clean: every
file as HEAD has it, git's index agreeing, and no committed journal entry lost.

`crash_run` is also the full 200-kill harness (tests/stress/test_stress_crash.py)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from conftest import NOW, Desk


@dataclass
class CrashFigures:
    commands: int
    landed: int  # killed after their commit: finished
    rolled_back: int  # killed before: undone
    check_failures: int
    recovered: int  # of the rolled back: killed mid-write, undone by recovery
    lost_entries: int
    dirty_after: int


def sdesk(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sdesk", "--store", str(root), *args],
                          capture_output=True, text=True,
                          env={**os.environ, "SDESK_NOW": NOW})


def committed_entries(desk: Desk) -> set[tuple[str, str]]:
    """(ticket file, journal text) for every entry HEAD holds."""
    out = set()
    for path in desk.root.glob("tickets/*/*/*.toml"):
        for line in path.read_text().splitlines():
            if line.startswith("text = "):
                out.add((path.name, line))
    return out


def crash_run(desk: Desk, kills: int, seed: int, max_delay: float = 0.6) -> CrashFigures:
    rng = random.Random(seed)
    ids = [desk.new("-T", f"Seed ticket {i}", "--email", f"user{i}@omes.ok.gov")
           for i in range(3)]
    figures = CrashFigures(kills, 0, 0, 0, 0, 0, 0)
    for n in range(kills):
        before_head = desk.git("rev-parse", "HEAD")
        before = committed_entries(desk)
        kind = rng.choice(["note", "public", "new"])
        if kind == "new":
            args = ["new", "-T", f"Crash ticket {n}", "--email", "ana.ruiz@omes.ok.gov"]
        else:
            args = ["note", rng.choice(ids), f"crash note {n}"] + \
                (["--public"] if kind == "public" else [])
        proc = subprocess.Popen([sys.executable, "-m", "sdesk", "--store", str(desk.root), *args],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "SDESK_NOW": NOW})
        time.sleep(rng.uniform(0.0, max_delay))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.05)  # a git child of the killed process finishes its step
        check = sdesk(desk.root, "check")
        if check.returncode != 0:
            figures.check_failures += 1
            print(f"kill {n} ({args[0]}): check failed: {check.stdout}{check.stderr}")
        figures.recovered += "rolled back" in check.stderr
        if desk.git("rev-parse", "HEAD") != before_head:
            figures.landed += 1
        else:
            figures.rolled_back += 1
        if desk.git("status", "--porcelain", "--untracked-files=all", "--", "tickets", "outbox"):
            figures.dirty_after += 1
        figures.lost_entries += len(before - committed_entries(desk))
    return figures


def test_a_command_killed_at_any_moment_leaves_the_store_clean_and_loses_nothing(
        desk: Desk) -> None:
    figures = crash_run(desk, kills=15, seed=7)
    print(figures)
    assert (figures.check_failures, figures.lost_entries, figures.dirty_after) == (0, 0, 0)
    assert sdesk(desk.root, "note", desk.json("list")[0]["id"], "after the storm").returncode == 0


def test_a_half_written_change_is_rolled_back_by_the_next_command(desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline")
    path = next(desk.root.glob(f"tickets/*/*/{tid}.toml"))
    committed = path.read_bytes()
    # What a command killed between writing and committing leaves: its intent record, a
    # rewritten ticket, a new outbox message, and a temporary file.
    from sdesk.git import recovery
    from sdesk.store import Store

    store = Store(desk.root)
    mail = desk.root / "outbox" / "20261123T150000Z-x.eml"
    recovery.begin(store, [store.git_path(path), store.git_path(mail)])
    path.write_bytes(committed + b"\n[[journal]]\n")
    mail.write_text("half")
    (path.parent / f".{path.name}.99999999.tmp").write_text("torn")
    assert desk.fails("check", "--no-recover").exit_code == 1
    result = desk.run("check")
    assert "rolled back" in result.stderr
    assert path.read_bytes() == committed and not mail.exists()
    assert desk.git("status", "--porcelain") == ""


def test_a_read_after_a_kill_shows_the_last_commit_not_the_half_written_change(
        desk: Desk) -> None:
    """`show` and `list` (the click-free fast path and click) settle a killed command's
    half-done change first, as writers do; `check --no-recover` still only reports it."""
    from sdesk.git import recovery
    from sdesk.store import Store

    tid = desk.new("-T", "Printer offline")
    path = next(desk.root.glob(f"tickets/*/*/{tid}.toml"))
    committed = path.read_bytes()

    def kill_mid_write() -> None:
        store = Store(desk.root)
        recovery.begin(store, [store.git_path(path)])
        path.write_bytes(committed.replace(b"Printer offline", b"HALF WRITTEN"))

    kill_mid_write()
    assert desk.fails("check", "--no-recover").exit_code == 1
    assert b"HALF WRITTEN" in path.read_bytes()  # --no-recover left it
    shown = sdesk(desk.root, "show", tid)  # the fast path, a real process
    assert shown.returncode == 0 and "Printer offline" in shown.stdout, shown.stderr
    assert shown.stderr == ("sdesk: a killed command's half-done change was rolled back "
                            "(1 file(s)); the store is as its last commit\n")
    assert "HALF WRITTEN" not in shown.stdout and path.read_bytes() == committed
    kill_mid_write()
    listed = desk.run("list", "--wide")  # in process: click's path
    assert "Printer offline" in listed.output and "HALF WRITTEN" not in listed.output
    assert path.read_bytes() == committed
    assert desk.git("status", "--porcelain") == ""
    assert desk.run("check").exit_code == 0


def test_a_killed_batch_of_thousands_of_files_is_rolled_back(desk: Desk) -> None:
    """An import or a triage batch killed before its commit: thousands of staged new files and
    a changed one go back to HEAD (the paths reach git on stdin, not the command line)."""
    from sdesk.git import recovery
    from sdesk.store import Store

    tid = desk.new("-T", "Printer offline")
    path = next(desk.root.glob(f"tickets/*/*/{tid}.toml"))
    committed = path.read_bytes()
    store = Store(desk.root)
    created = [desk.root / "outbox" / f"batch-{n:05d}.eml" for n in range(3000)]
    recovery.begin(store, [store.git_path(p) for p in [path, *created]])
    path.write_bytes(committed + b"# half\n")
    for p in created:
        p.write_text("x")
    desk.git("add", "outbox", str(path))  # killed after update-index, before update-ref
    desk.run("check")
    assert path.read_bytes() == committed
    assert not any(p.exists() for p in created)
    assert desk.git("status", "--porcelain") == ""


def test_a_command_killed_after_its_commit_is_kept(desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline")
    from sdesk.git import recovery
    from sdesk.store import Store

    store = Store(desk.root)
    recovery.begin(store, ["tickets/x.toml"])
    desk.run("note", tid, "landed", "--no-commit")
    desk.git("commit", "-qam", "the commit landed before the kill")
    assert "landed" in [e["text"] for e in desk.ticket(tid)["journal"]]
    desk.run("check")
    assert not (desk.root / ".git" / "sdesk" / "pending.json").exists()


def test_a_pending_record_cannot_reach_outside_the_store(desk: Desk, tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    pending = desk.root / ".git" / "sdesk" / "pending.json"
    pending.parent.mkdir(exist_ok=True)
    head = desk.git("rev-parse", "HEAD").strip()
    pending.write_text(f'{{"head": "{head}", "paths": ["../precious.txt", "{outside}", '
                       '".git/config"]}')
    desk.run("check")
    assert outside.read_text() == "keep me"
    assert (desk.root / ".git" / "config").exists()


def test_the_pending_record_of_a_big_batch_is_written_as_it_is_made(desk: Desk) -> None:
    """recovery.begin writes the record in parts (a sweep at a million tickets records ~300,000
    paths): the same bytes as the record dumped whole, each path once, sorted."""
    import json

    from sdesk import git
    from sdesk.git import recovery
    from sdesk.store import Store

    store = Store(desk.root)
    paths = ["tickets/b/x.toml", "outbox/é.eml", "tickets/b/x.toml"] + \
        [f"tickets/0/{i:05d}.toml" for i in range(2500)]
    recovery.begin(store, paths)
    record = {"head": git.read_head(store.git_dir), "paths": sorted(set(paths)),
              "pid": os.getpid()}
    assert (store.state_dir / recovery.PENDING).read_bytes() == json.dumps(record).encode()
    recovery.end(store)
