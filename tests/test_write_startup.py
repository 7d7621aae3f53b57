"""What `new` and `note` load at start (issue 17): no OpenSSL (sdesk/core/sha1.py), no
`typing`, and for `new` no settings module (the ID prefixes are kept with the store's basics,
keyed by sdesk.toml's stat). Times are measured by `make bench`, never asserted here; these
tests keep the modules out and the answers the same."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sdesk.core.sha1 import sha1
from tests.conftest import NOW, Desk

EMAIL = "ana.ruiz@omes.ok.gov"


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 2_000, 100_003])
def test_sha1_is_hashlibs_sha1(size: int) -> None:
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    assert sha1(data).hexdigest() == hashlib.sha1(data).hexdigest()
    assert sha1(data, usedforsecurity=False).digest() == hashlib.sha1(data).digest()
    grown = sha1()
    grown.update(data[:size // 2])
    grown.update(data[size // 2:])
    assert grown.hexdigest() == hashlib.sha1(data).hexdigest()


def _modules(desk: Desk, *argv: str) -> set[str]:
    """The modules loaded by the real entry point (the click-free fast path) running argv."""
    code = ("import sys\nfrom sdesk.launch import main\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
            "sys.stderr.write('\\x00' + ' '.join(sorted(sys.modules)) + '\\x00')\n")
    proc = subprocess.run([sys.executable, "-c", code, "--store", str(desk.root), "--now", NOW,
                           *argv], capture_output=True, text=True, check=True)
    return set(proc.stderr.split("\x00")[1].split())


def _settled(*paths: Path) -> None:
    """File times in the past, and a second gone by since their ctime (which utime sets to
    now): the caches keyed by their stat take them as settled (sdesk.store._stamp)."""
    past = time.time() - 100
    for path in paths:
        os.utime(path, (past, past))
    time.sleep(1.1)


def test_new_and_note_load_no_openssl_no_typing_and_new_no_settings(desk: Desk) -> None:
    _settled(desk.root / "sdesk.toml", desk.root / "reference",
             *(desk.root / "reference").iterdir())
    first = desk.new("-T", "Printer jam", "--email", EMAIL)  # the caches are made
    loaded = _modules(desk, "new", "-T", "Scanner jam", "--email", EMAIL, "-d", "Tray 2")
    assert "sdesk.launch" in loaded and "sdesk.procedures.intake" in loaded
    assert not loaded & {"hashlib", "_hashlib", "typing", "sdesk.core.settings", "click"}, \
        sorted(loaded & {"hashlib", "_hashlib", "typing", "sdesk.core.settings", "click"})
    loaded = _modules(desk, "note", first, "Called back")
    assert "sdesk.procedures.notes" in loaded
    assert not loaded & {"hashlib", "_hashlib", "typing", "click"}
    desk.run("check")  # the objects sdesk wrote are what git reads
    assert desk.git("fsck", "--strict") == ""


def test_a_changed_id_prefix_is_used_by_the_next_new(desk: Desk) -> None:
    config = desk.root / "sdesk.toml"
    _settled(config)
    assert desk.new("-T", "Printer jam", "--email", EMAIL).startswith("INC-")
    config.write_text(config.read_text(encoding="utf-8").replace('incident = "INC"',
                                                                 'incident = "HD"'),
                      encoding="utf-8")
    desk.git("commit", "-qam", "HD prefix")  # an uncommitted sdesk.toml is refused (session 39)
    _settled(config)
    assert desk.new("-T", "Printer jam", "--email", EMAIL).startswith("HD-")
    assert desk.new("-t", "request", "-T", "Need a headset", "--email", EMAIL).startswith("REQ-")
    assert "incident=HD" in next((desk.root / ".git" / "sdesk").glob("basics*.cache")).read_text()
    config.write_text(config.read_text(encoding="utf-8").replace('incident = "HD"',
                                                                 'incident = "SD"'),
                      encoding="utf-8")
    desk.git("commit", "-qam", "prefix changed by hand")  # committed first (session 39)
    _settled(config)
    assert desk.new("-T", "Printer jam", "--email", EMAIL).startswith("SD-")
