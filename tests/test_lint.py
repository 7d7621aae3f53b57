"""ruff and mypy --strict as part of the suite, so CI (which runs the README's test command)
refuses a change the house rules refuse (`make lint` runs the same two; session 26 landed a line
ruff refuses because CI ran neither)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_ruff_finds_nothing() -> None:
    done = _run("ruff", "check", "sdesk", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_finds_nothing() -> None:
    done = _run("mypy", "sdesk")
    assert done.returncode == 0, done.stdout + done.stderr
