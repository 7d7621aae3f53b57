"""A software name written the way staff write it (`--software "MS Visio"`, "Visio 2021")
is read as the titles are: approved software is not sent back for a Software Request Form
and the customer is not mailed (tester finding, session 37; guide request step 3: only software
not on the list, or not approved, needs the form)."""

from __future__ import annotations

import pytest
from conftest import Desk
from test_triage_proposals import at, mails


@pytest.mark.parametrize("written", ["MS Visio", "Visio 2021", "visio pro"])
def test_an_approved_product_written_loosely_is_read_as_listed(desk: Desk, written: str) -> None:
    tid = desk.new("-t", "request", "-T", "Install Visio", "--email", "frank.lee@wildlife.ok.gov",
                   "--agency", "ODWC", "--software", written, "--service", "Software Install",
                   "-d", "need visio for org charts", now=at(0))
    out = desk.run("triage", tid, now=at(1)).stdout
    t = desk.ticket(tid)
    assert t["software"] == "Microsoft Visio", out
    assert f"the software {written!r} reads as Microsoft Visio" in out
    assert "software-form" not in t["flags"] and t["status"] == "triaged", out
    assert not mails(desk)


def test_software_not_on_the_list_still_needs_the_form(desk: Desk) -> None:
    tid = desk.new("-t", "request", "-T", "Install Gimp", "--email", "frank.lee@wildlife.ok.gov",
                   "--agency", "ODWC", "--software", "GIMP 2.10", "--service", "Software Install",
                   "-d", "photo editing", now=at(0))
    desk.run("triage", tid, now=at(1))
    t = desk.ticket(tid)
    assert t["software"] == "GIMP 2.10" and "software-form" in t["flags"]
