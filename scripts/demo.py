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


def sdesk(store: Path, *args: str) -> None:
    print(f"\n$ sdesk {shlex.join(args)}", flush=True)
    env = {**os.environ, "SDESK_STORE": str(store), "SDESK_NOW": NOW}
    subprocess.run([sys.executable, "-m", "sdesk", *args], env=env, check=False)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sdesk-demo-") as tmp:
        store = Path(tmp) / "desk"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(store)], check=True)
        for key, value in (("user.name", "Dana Dispatcher"), ("user.email", "dana@omes.ok.gov")):
            subprocess.run(["git", "config", key, value], cwd=store, check=True)
        print(f"A copy of the sample store in {store} (the checkout stays untouched).")
        sdesk(store, "queue", "--team", "IS-Network Services")
        sdesk(store, "queue", "-n", "8")
        sdesk(store, "triage", "--all", "--dry-run")
        sdesk(store, "triage", "--all")
        sdesk(store, "assign", "--team", "IS-Desktop Support", "--dry-run")
        sdesk(store, "workload", "--team", "IS-Desktop Support")
        sdesk(store, "list", "--status", "triaged", "-n", "5")
        sdesk(store, "kpi")
        print("\n$ git log --oneline -3")
        subprocess.run(["git", "log", "--oneline", "-3"], cwd=store, check=False)


if __name__ == "__main__":
    main()
