"""The commit step alone, against git indexes of any size (docs/performance.md, "Commits").

Building a real million-ticket store takes hours on a small machine; what a commit's cost can
grow with is git's index and the trees on the changed path, and both can be made in seconds:

    python -m bench.commit_step build 1000000 /tmp/syn1m    # N entries, real path layout
    python -m bench.commit_step build 1000000 /tmp/syn1m3 3  # the same in 3 folder levels
    python -m bench.commit_step commit new /tmp/syn1m        # one ticket changed and committed
    python -m bench.commit_step commit git /tmp/syn1m        # the same, index by update-index
    python -m bench.commit_step commit old /tmp/syn1m        # the same through write-tree
    python -m bench.commit_step commit noidx /tmp/syn1m      # the same, git's index left alone

Time the `commit` runs as whole processes (for example with /usr/bin/time -v, several runs).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sdesk import git
from sdesk.core import ids

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@omes.ok.gov",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@omes.ok.gov"}
CHANGED = "changed-ticket"  # a file in the repository naming the ticket path `commit` changes


def _git(root: Path, *args: str, data: bytes | None = None) -> str:
    return subprocess.run(["git", *args], cwd=root, input=data, capture_output=True, check=True,
                          env=ENV).stdout.decode().strip()


def build(n: int, root: Path, levels: int = 2) -> None:
    """A repository whose HEAD and index hold `n` ticket paths (one shared blob) in `levels`
    folder levels, split index on, as `sdesk init` sets it; only the ticket `commit` changes
    exists on disk."""
    root.mkdir(parents=True)
    _git(root, "init", "-q")
    _git(root, "config", "core.splitIndex", "true")
    _git(root, "config", "gc.auto", "0")
    blob = _git(root, "hash-object", "-w", "--stdin", data=b"title = 'x'\n")
    alphabet = ids.ALPHABET
    paths = sorted(ids.relative_path(f"INC-{alphabet[i % 32]}{alphabet[i // 32 % 32]}"
                                     f"{alphabet[i // 1024 % 32]}{i:09d}", levels)
                   for i in range(n))
    _git(root, "update-index", "--index-info",
         data="".join(f"100644 {blob}\t{p}\n" for p in paths).encode())
    commit = _git(root, "commit-tree", _git(root, "write-tree"), "-m", f"{n} tickets")
    _git(root, "update-ref", "HEAD", commit)
    changed = paths[n // 2]
    (root / changed).parent.mkdir(parents=True, exist_ok=True)
    (root / changed).write_text("title = 'x'\n")
    (root / ".git" / CHANGED).write_text(changed)


def commit(mode: str, root: Path) -> None:
    """Change the ticket and commit it: `new` (folders + the split index's small file), `git`
    (folders + `git update-index`), `old` (write-tree from the index, as before issue 17) or
    `noidx` (folders, git's index left alone)."""
    path = (root / ".git" / CHANGED).read_text()
    with open(root / path, "a", encoding="utf-8") as fh:
        fh.write(f"# {time.time()}\n")
    if mode == "old":
        git.FOLDER_COMMIT_MAX = 0
    elif mode == "noidx":
        git.update_index = lambda *args: None  # type: ignore[assignment]
    elif mode == "git":
        from sdesk.git import splitindex

        def refuse(*args: object) -> bool:
            raise splitindex.Unsupported("bench: git's own update-index")
        splitindex.update = refuse  # type: ignore[assignment]
    git.commit_paths(root, [path], "note: bench\n", git.Identity("Bench", "bench@omes.ok.gov"))


def main(argv: list[str]) -> int:
    if len(argv) in (3, 4) and argv[0] == "build":
        build(int(argv[1]), Path(argv[2]), int(argv[3]) if len(argv) == 4 else 2)
    elif len(argv) == 3 and argv[0] == "commit" and argv[1] in ("new", "git", "old", "noidx"):
        commit(argv[1], Path(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
