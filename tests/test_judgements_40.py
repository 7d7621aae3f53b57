"""Session 40 (issue 11, on site): a request whose words put a thing in place ("docks
installed", "send a technician") is on site even where request-1 reads its kind as software
("installed" is Software Install's word), chosen leave one writer out over the thirty-five
tuning files (docs/triage.md, "On site, session 40"). Driven through the real CLI against a
git store in a temporary folder, at a fixed --now."""

from __future__ import annotations

import pytest
from conftest import Desk

NOW = "2026-11-23T08:00:00-06:00"


def _plan(desk: Desk, title: str) -> str:
    tid = desk.new("--type", "request", "-T", title, "--email", "ana.ruiz@omes.ok.gov",
                   "--agency", "OMES", "-d", "details",
                   now=NOW)
    return desk.run("triage", tid, "--dry-run").stdout


@pytest.mark.parametrize(("title", "said"), [
    # fresh33.txt: a software kind ("installed") vetoed the rule's own words until session 40
    ("need the 9 cadet truck docks installed before they go out on the 16th", "docks installed"),
    ("Please send a technician to install the new label printer on Mrs Pruitt's desk",
     "send a technician"),
    ("need mount installed for the new mdt in unit 140", "mount"),
])
def test_a_thing_put_in_place_is_on_site_whatever_the_kind(desk: Desk, title: str,
                                                           said: str) -> None:
    out = _plan(desk, title)
    assert "software" in out, out  # request-1 still reads the kind as software
    assert f"the text says '{said}': work on site" in out, out


@pytest.mark.parametrize("title", [
    "need Visio installed on the pc at my desk",  # software put on a device: remote
    "pls install the printer driver for the new label printer on 4",
    "pls install the scanner software on the new pc too",
])
def test_software_installed_on_a_device_stays_remote(desk: Desk, title: str) -> None:
    out = _plan(desk, title)
    assert "software" in out, out
    assert "work on site" not in out, out


def _incident(desk: Desk, title: str) -> str:
    tid = desk.new("-T", title, "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES",
                   "--service", "Desktop Hardware", "-d", "details", now=NOW)
    return desk.run("triage", tid, "--dry-run").stdout


@pytest.mark.parametrize(("title", "said"), [
    # a blue screen is the hand rule's (session 40): fresh21, fresh31 and eleven other writers
    ("caller states pc in BSOD loop after windows update, driver irql error", "BSOD"),
    ("laptop blue screens right at startup cant get past it", "blue screens"),
])
def test_a_blue_screen_is_the_rules_words(desk: Desk, title: str, said: str) -> None:
    out = _incident(desk, title)
    assert f"proposed: the text says '{said}': work on site" in out, out
