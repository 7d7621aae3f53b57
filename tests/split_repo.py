"""A real git repository whose index is split (core.splitIndex), for the tests of sdesk's
split-index writer (tests/test_splitindex.py) and its fold (tests/test_splitfold.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def sh(repo: Path, *args: str) -> str:
    """Run git in `repo`; its stdout (raises CalledProcessError on a non-zero exit)."""
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


def split_repo(root: Path, files: dict[str, str]) -> Path:
    """`root` made a repository holding `files` (path -> text) in one commit, its index split
    into a shared index and an empty small file."""
    root.mkdir()
    sh(root, "init", "-q")
    sh(root, "config", "core.splitIndex", "true")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    sh(root, "add", ".")
    sh(root, "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "start")
    sh(root, "update-index", "--split-index")
    return root
