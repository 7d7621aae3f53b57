"""Benchmark: `sdesk mail fetch` of 1,000 messages from a Maildir into a 100,000-ticket store.

    .venv/bin/python bench/mail_bench.py [--size 100000] [--messages 1000] [--keep]

Builds a throw-away store of generated tickets (bench/generate.py, committed once), warms its
index, then fills a Maildir with a realistic day of mail: 80% new requests, 15% replies
tagged with an existing ticket's [ID], 5% automatic mail (out-of-office, bulk). Times the
whole `sdesk mail fetch` process and checks that it made exactly one commit and left new/
empty. The target (issue 12) is under 20 s at 100,000 tickets.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.assign_bench import ENV, SDESK
from bench.generate import build_store, git

NOW = "2026-11-23T09:00:00-06:00"
SUBJECTS = ["Outlook will not open", "Printer jams on floor 3", "VPN drops every hour",
            "Password expired", "Need Visio installed", "Laptop will not boot"]
DOMAINS = ["health.ok.gov", "okdhs.org", "odot.org", "omes.ok.gov", "gmail.com"]


def message(n: int, rng: random.Random, ticket_ids: list[str]) -> bytes:
    """One message: a new request, a tagged reply or automatic mail."""
    sender = f"user{rng.randint(1, 5000)}@{rng.choice(DOMAINS)}"
    kind = rng.random()
    subject, extra = rng.choice(SUBJECTS), ""
    if kind < 0.15 and ticket_ids:
        subject = f"Re: [{rng.choice(ticket_ids)}] {subject}"
    elif kind < 0.20:
        subject, extra = f"Out of office: {subject}", "Auto-Submitted: auto-replied\n"
    body = " ".join(rng.choice(["since", "this", "morning", "the", "screen", "shows", "an",
                                "error", "please", "call", "back"]) for _ in range(40))
    return (f"From: User {n} <{sender}>\nTo: servicedesk@omes.ok.gov\nSubject: {subject}\n"
            f"Message-ID: <bench-{n}@{sender.split('@')[1]}>\n{extra}"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="tickets in the store")
    parser.add_argument("--messages", type=int, default=1000, help="messages in the Maildir")
    parser.add_argument("--keep", action="store_true", help="keep the store afterwards")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sdesk-mail-bench-"))
    root = work / "desk"
    try:
        started = time.perf_counter()
        build_store(root, args.size, sdesk=SDESK)
        subprocess.run([SDESK, "--store", str(root), "reindex"], env=ENV, check=True,
                       capture_output=True)
        built = time.perf_counter() - started
        ids = [p.stem for p in root.glob("tickets/*/*/*.toml")]
        rng = random.Random(12)
        box = work / "Maildir"
        for sub in ("new", "cur", "tmp"):
            (box / sub).mkdir(parents=True)
        for n in range(args.messages):
            (box / "new" / f"1700000000.{n:05d}.bench").write_bytes(message(n, rng, ids))
        before = git(["rev-list", "--count", "HEAD"], root).strip()
        start = time.perf_counter()
        done = subprocess.run([SDESK, "--store", str(root), "--now", NOW, "mail", "fetch",
                               "--maildir", str(box)], env=ENV, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        after = git(["rev-list", "--count", "HEAD"], root).strip()
        left = len(list((box / "new").iterdir()))
        print(f"store: {args.size:,} tickets (built and indexed in {built:.0f} s)")
        print(f"mail fetch of {args.messages:,} messages from a Maildir: {seconds:.1f} s "
              f"(target < 20 s); commits: {int(after) - int(before)}; left in new/: {left}")
        print(done.stdout.strip().splitlines()[-1])
        return 0 if int(after) - int(before) == 1 and left == 0 else 1
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
