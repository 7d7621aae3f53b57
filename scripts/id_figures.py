"""Figures for docs/ticket-format.md: how long short IDs get under each ID layout.

    .venv/bin/python scripts/id_figures.py

A desk logging 400 tickets a working day (9 hours: one every 81 s) for as many days as it takes
to reach N tickets, and a store where tickets come 10 to the same second (batches); both layouts built with the same
clock and a seeded random source; each ticket's short ID is its shortest unique body prefix
(at least ids.SHORT_MIN characters). Prints the median, 95th percentile and longest.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sdesk import ids  # noqa: E402

PER_DAY = 400


def bodies(n: int, layout: int, rng: random.Random, burst: int = 1) -> list[str]:
    """`burst` tickets share each second (a batch: triage's tasks, an import, a mail storm)."""
    start = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)
    out = []
    for i in range(n):
        day, slot = divmod(i // burst * burst, PER_DAY)
        at = start + dt.timedelta(days=day, seconds=int(slot * 9 * 3600 / PER_DAY))
        stamp = ids.encode(int((at - ids.EPOCH).total_seconds()), ids.TIME_CHARS)
        if layout == 1:
            out.append(stamp + ids.encode(rng.getrandbits(25), ids.RANDOM_CHARS))
        else:
            out.append(ids.encode(rng.getrandbits(30), ids.LEAD_RANDOM_CHARS) + stamp)
    return out


def short_lengths(all_bodies: list[str]) -> list[int]:
    ordered = sorted(all_bodies)
    lengths = []
    for i, body in enumerate(ordered):
        before = ordered[i - 1] if i else None
        after = ordered[i + 1] if i + 1 < len(ordered) else None
        lengths.append(ids.short_length(body, (before, after)))
    assert bisect.bisect_left(ordered, ordered[0]) == 0
    return lengths


def main() -> None:
    print("| tickets | made | layout | median | 95th pct | longest |")
    print("|---:|---|---|---:|---:|---:|")
    for n, burst in ((100, 1), (1_000, 1), (10_000, 1), (100_000, 1), (10_000, 10)):
        made = "one at a time" if burst == 1 else f"{burst} in the same second"
        for layout in (1, 2):
            lengths = sorted(short_lengths(bodies(n, layout, random.Random(n), burst)))
            p95 = lengths[int(len(lengths) * 0.95)]
            print(f"| {n:,} | {made} | {layout} | {statistics.median(lengths):g} | {p95} | "
                  f"{lengths[-1]} |")


if __name__ == "__main__":
    main()
