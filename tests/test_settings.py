"""sdesk.toml is checked in one place (sdesk/core/settings.py): a bad key stops every command with
one line naming it, the store unchanged, and `sdesk check` lists every bad key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Desk

from sdesk.core.settings import KEYS, SettingError, load_settings, parse_settings, problems


def _set(desk: Desk, section: str, line: str) -> None:
    path = desk.root / "sdesk.toml"
    name = line.split("=")[0].strip()
    text = re.sub(rf"(?m)^{name} = .*\n", "", path.read_text())
    if f"[{section}]" in text:
        text = text.replace(f"[{section}]\n", f"[{section}]\n{line}\n", 1)
    else:
        text += f"\n[{section}]\n{line}\n"
    path.write_text(text)
    desk.git("commit", "-qam", "settings")


BAD = [
    ("resolve", 'first_contact_minutes = "sixty"', "resolve.first_contact_minutes", "'sixty'"),
    ("resolve", "first_contact_minutes = -5", "resolve.first_contact_minutes", "-5"),
    ("ids", 'incident = "A/B"', "ids.incident", "'A/B'"),
    ("ids", 'incident = "../x"', "ids.incident", "'../x'"),
    ("ids", 'incident = ""', "ids.incident", "''"),
    ("ids", 'request = "INC"', "ids.request", "'INC'"),
    ("ids", "task = 7", "ids.task", "7"),
    ("store", 'timezone = "Mars/Olympus"', "store.timezone", "'Mars/Olympus'"),
    ("mail", 'from = "not an address"', "mail.from", "'not an address'"),
    ("triage", "similarity = 1.5", "triage.similarity", "1.5"),
    ("triage", "trend_requesters = 1", "triage.trend_requesters", "1"),
    ("triage", "trend_window_hours = true", "triage.trend_window_hours", "True"),
]


@pytest.mark.parametrize(("section", "line", "key", "shown"), BAD, ids=[b[1] for b in BAD])
def test_bad_setting_is_one_line_naming_the_key(desk: Desk, section: str, line: str, key: str,
                                                shown: str) -> None:
    inc = desk.new("-T", "printer jammed", "--name", "Pat Lee", "-d", "x")
    _set(desk, section, line)
    before = desk.snapshot()
    commands = [["new", "-T", "another", "-d", "x"],
                ["resolve", inc, "--code", "fixed", "-s", "done"]]
    if line in (BAD[0][1], BAD[2][1]):  # the two cases: every kind of command
        commands += [["list"], ["kpi"], ["show", inc]]
    for args in commands:
        result = desk.fails(*args, code=1)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"sdesk: error: sdesk.toml: {key} must "), lines[0]
        assert lines[0].endswith(f"got {shown}"), lines[0]
    assert desk.snapshot() == before
    report = desk.fails("check").stdout
    assert f"sdesk.toml: {key}: must " in report


def test_check_lists_every_bad_key_and_unknown_keys(desk: Desk) -> None:
    _set(desk, "resolve", 'first_contact_minutes = "sixty"')
    _set(desk, "ids", 'case = "../x"')
    _set(desk, "triage", "similarty = 0.4")
    out = desk.fails("check").stdout.splitlines()
    assert [line.split(":")[1].strip() for line in out if line.startswith("sdesk.toml")] == [
        "ids.case", "resolve.first_contact_minutes", "triage.similarty"]
    assert any("triage.similarty" in line and "not a setting" in line for line in out)
    # an unknown key alone does not stop a command (another version may know it)
    path = desk.root / "sdesk.toml"
    path.write_text(path.read_text().replace('first_contact_minutes = "sixty"', "")
                    .replace('case = "../x"', ""))
    desk.git("commit", "-qam", "fix")
    desk.run("list")


def test_defaults_and_values_used(tmp_path: Path) -> None:
    path = tmp_path / "sdesk.toml"
    path.write_text('[ids]\nincident = "HD"\n[resolve]\nfirst_contact_minutes = 30\n')
    settings = load_settings(path)
    assert settings.get("ids", "incident") == "HD"
    assert settings.get("ids", "request") == "REQ"
    assert settings.get("resolve", "first_contact_minutes") == 30.0
    assert settings.get("store", "timezone").key == "America/Chicago"
    assert problems(path) == []
    # every key has a default that passes its own check
    assert parse_settings({})[1] == []
    assert len({(k.section, k.name) for k in KEYS}) == len(KEYS)


def test_section_that_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "sdesk.toml"
    path.write_text('ids = "INC"\n')
    with pytest.raises(SettingError, match=r"^sdesk.toml: \[ids\] must be a table$"):
        load_settings(path)


def test_first_contact_window_from_settings(desk: Desk) -> None:
    """The checked value is the one resolve uses: a 5-minute window makes a 10-minute
    resolution not first contact."""
    _set(desk, "resolve", "first_contact_minutes = 5")
    inc = desk.new("-T", "password reset", "--name", "Pat Lee", "-d", "x", now="2026-11-23T09:00:00-06:00")
    desk.run("resolve", inc, "--code", "fixed", "-s", "reset", now="2026-11-23T09:10:00-06:00")
    assert desk.ticket(inc)["resolution"]["first_contact"] is False
