"""Session 29's judgement rough edges a fresh user found, on a real store through the CLI: a
new hire's account is neither hardware nor software; an incident logged without a service is
handed back with the service its text names proposed; the duplicate's evidence reads plainly."""

from __future__ import annotations

from typing import Any

from conftest import Desk

T0 = "2026-11-23T08:00:00-06:00"


def request(desk: Desk, title: str, description: str) -> str:
    return desk.new("-t", "request", "-T", title, "--email", "cy@omes.ok.gov", "--agency",
                    "OMES", "-d", description, now=T0)


def flags(desk: Desk, tid: str) -> list[Any]:
    return list(desk.ticket(tid)["flags"])


def test_a_new_hires_account_is_neither_hardware_nor_software(desk: Desk) -> None:
    # the software model read 'date' +0.63 and 'start' +0.35 (and the description's product)
    # over a title asking for an account or a new person's setup: proposed software
    for title, description in (
            ("acct setup for new employee start date 12/3", "start date 12/3, needs excel"),
            ("New hire starting Monday needs AD account", "needs the usual: excel, adobe"),
            ("new hire start date monday needs setup", "x")):
        tid = request(desk, title, description)
        out = desk.run("triage", tid).output
        assert "neither hardware nor software" in out, out
        assert not any(f.startswith("proposed:kind") for f in flags(desk, tid)), out
        assert "learned model" not in out
    # a device for the new hire still says the kind (a device word: proposed)
    tid = request(desk, "laptop for new hire starting monday", "x")
    desk.run("triage", tid)
    assert "proposed:kind:hardware" in flags(desk, tid)


def test_the_duplicates_evidence_says_for_or_against_plainly(desk: Desk) -> None:
    # the person model's weight of 'logged under the same service' is negative (it goes with
    # the shared words), so the evidence read "logged under the same service (against)"
    first = desk.new("-T", "my computer is so slow", "--email", "ana.ruiz@omes.ok.gov",
                     "--agency", "OMES", "--service", "Desktop Hardware", "-d", "x", now=T0)
    later = desk.new("-T", "STILL SLOW!!!", "--email", "ana.ruiz@omes.ok.gov", "--agency",
                     "OMES", "--service", "Desktop Hardware", "-d", "x",
                     now="2026-11-23T08:30:00-06:00")
    desk.run("triage", later)
    assert f"proposed:duplicate:{first}" in flags(desk, later)
    shown = desk.run("show", later).output
    assert "logged under the same service (for)" in shown, shown
    assert "the same service (against)" not in shown
