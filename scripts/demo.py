"""`make demo`: the dispatcher's main job on a throw-away copy of the sample store.

The checkout is cloned into a temporary folder first, so the demo never dirties it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-23T14:00:00-06:00"  # the sample store's Monday afternoon


def sdesk(store: Path, *args: str, show: bool = True) -> str:
    env = {**os.environ, "SDESK_STORE": str(store), "SDESK_NOW": NOW, "SDESK_PAGER": "cat"}
    if not show:
        return subprocess.run([sys.executable, "-m", "sdesk", *args], env=env, check=False,
                              capture_output=True, text=True).stdout
    print(f"\n$ sdesk {shlex.join(args)}", flush=True)
    subprocess.run([sys.executable, "-m", "sdesk", *args], env=env, check=False)
    return ""


def tally(store: Path, before: dict[str, int], commits_before: int) -> None:
    """What the demo changed: tickets by status before and after, and the commits it made."""
    import json

    after = _by_status(json.loads(sdesk(store, "list", "--all", "--json", show=False)))
    commits = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=store, check=True,
                                 capture_output=True, text=True).stdout) - commits_before
    changed = ", ".join(f"{name} {before.get(name, 0)} -> {after.get(name, 0)}"
                        for name in sorted(set(before) | set(after))
                        if before.get(name, 0) != after.get(name, 0))
    print(f"\nTally: {sum(after.values())} tickets; {changed or 'no status changed'}; "
          f"{commits} commits made by the demo.")


def _by_status(rows: list[dict[str, object]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row["status"])] = counts.get(str(row["status"]), 0) + 1
    return counts


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sdesk-demo-") as tmp:
        store = Path(tmp) / "desk"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(store)], check=True)
        for key, value in (("user.name", "Dana Dispatcher"), ("user.email", "dana@omes.ok.gov")):
            subprocess.run(["git", "config", key, value], cwd=store, check=True)
        print(f"A copy of the sample store in {store} (the checkout stays untouched).")
        import json

        before = _by_status(json.loads(sdesk(store, "list", "--all", "--json", show=False)))
        commits_before = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=store,
                                            check=True, capture_output=True, text=True).stdout)
        sdesk(store, "queue", "--team", "IS-Network Services")
        sdesk(store, "queue", "-n", "8")
        sdesk(store, "triage", "--all", "--dry-run")
        sdesk(store, "triage", "--all")
        sdesk(store, "assign", "--team", "IS-Desktop Support", "--dry-run")
        sdesk(store, "assign", "--all")
        sdesk(store, "workload", "--team", "IS-Desktop Support")
        sdesk(store, "list", "--status", "assigned", "-n", "5")
        sdesk(store, "kpi")
        print("\n$ git log --oneline -3")
        subprocess.run(["git", "log", "--oneline", "-3"], cwd=store, check=False)
        tally(store, before, commits_before)


if __name__ == "__main__":
    main()
