"""The wheel ships what pyproject.toml promises: the MIT LICENSE text."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_the_license(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w",
                    str(tmp_path)], check=True, capture_output=True, timeout=600)
    [wheel] = tmp_path.glob("sdesk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    licence = [n for n in names if n.endswith("/LICENSE")]
    assert licence, names
    assert "MIT License" in zipfile.ZipFile(wheel).read(licence[0]).decode()
