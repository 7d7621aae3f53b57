"""The reference data and sdesk.toml kept parsed between commands (sdesk/store/refcache.py).

Real stores through the real CLI: the cache is kept once the files are older than the racy
window, used while they are unchanged, and a change (or a broken file) is seen by the next
command exactly as without it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sdesk.store import Store, refcache
from tests.conftest import Desk

NEW_AGENCY = ('\n[[agency]]\ncode = "OKDOT"\nname = "Oklahoma Department of Transportation"\n'
              'location = "Oklahoma City"\nregion = "Central"\n')


def _age(root: Path) -> None:
    """Every reference file and sdesk.toml dated a minute ago: out of the racy window."""
    old = time.time() - 60
    for path in [*(root / "reference").iterdir(), root / "sdesk.toml"]:
        os.utime(path, (old, old))


def _kept(desk: Desk) -> Path:
    return desk.root / ".git" / "sdesk" / "reference.pickle"


def test_kept_once_old_then_used_while_unchanged(desk: Desk) -> None:
    _kept(desk).unlink(missing_ok=True)  # `init` may have kept one (a slow machine)
    soon = time.time() + 3600  # "changed within the racy window", whatever the machine's load
    os.utime(desk.root / "reference" / "teams.toml", (soon, soon))
    desk.new("-T", "Printer jams")
    assert not _kept(desk).exists()  # racy: not kept
    _age(desk.root)
    desk.new("-T", "Printer jams", "--agency", "OMES")
    assert _kept(desk).exists() and (desk.root / ".git" / "sdesk" / "settings.pickle").exists()
    stamp = _kept(desk).stat().st_mtime_ns
    desk.new("-T", "VPN drops", "--agency", "OMES")
    assert _kept(desk).stat().st_mtime_ns == stamp  # read, not written again
    fresh = Store(desk.root).reference
    from sdesk.core.reference import load_reference

    parsed = load_reference(desk.root / "reference")
    assert fresh.digest == parsed.digest and fresh.teams == parsed.teams
    assert fresh.calendar.holidays(2026) == parsed.calendar.holidays(2026)


def test_a_changed_file_is_read_again(desk: Desk) -> None:
    _age(desk.root)
    desk.new("-T", "Printer jams")
    assert _kept(desk).exists()
    assert "OKDOT" in desk.fails("new", "-T", "Road sign", "--agency", "OKDOT").stderr
    with open(desk.root / "reference" / "agencies.toml", "a", encoding="utf-8") as handle:
        handle.write(NEW_AGENCY)
    desk.git("commit", "-qam", "OKDOT")  # a commit leaves the file's stat as it is
    tid = desk.new("-T", "Road sign", "--agency", "OKDOT")
    assert desk.ticket(tid)["requester"]["agency"] == "OKDOT"


def test_a_broken_file_says_what_it_said_without_the_cache(desk: Desk, tmp_path: Path) -> None:
    _age(desk.root)
    desk.new("-T", "Printer jams")
    teams = desk.root / "reference" / "teams.toml"
    teams.write_text(teams.read_text(encoding="utf-8") + "\n[[team]\n", encoding="utf-8")
    with_cache = desk.fails("new", "-T", "Printer jams").stderr
    os.remove(_kept(desk))
    without = desk.fails("new", "-T", "Printer jams").stderr
    assert with_cache == without and "teams.toml" in without


def test_a_changed_setting_is_read_again(desk: Desk) -> None:
    _age(desk.root)
    assert desk.new("-T", "Printer jams").startswith("INC-")
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('incident = "INC"',
                                                                  'incident = "TKT"'),
                      encoding="utf-8")
    desk.git("commit", "-qam", "TKT prefix")  # an uncommitted sdesk.toml is refused (session 39)
    assert desk.new("-T", "Printer jams").startswith("TKT-")


def test_an_unreadable_cache_is_ignored_and_replaced(desk: Desk) -> None:
    _age(desk.root)
    desk.new("-T", "Printer jams")
    _kept(desk).write_bytes(b"not a pickle")
    desk.new("-T", "Printer jams")
    ref = refcache.reference(desk.root / "reference", desk.root / ".git" / "sdesk")
    assert ref.teams and _kept(desk).read_bytes() != b"not a pickle"
