"""On site as a dispatcher reads it (issue 11; session 26's fresh-user pass): the learned
model's evidence names content words only (not 'a', 'the', a bare number, nor 'hand' from "by
hand"), and a follow-up is never proposed on site on the learned model's guess: its first
report's decision stands (proposed when that report is on site, or in the hand rule's words).
The follow-up rule was chosen leave one writer out (docs/triage.md, "On site, session 27";
tests/corpus/on_site_row.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Desk

from sdesk.core.reference import load_reference
from sdesk.procedures.on_site import follow_up_judged, on_site_judged
from sdesk.procedures.words import not_evidence

REF = load_reference(Path(__file__).resolve().parents[1] / "sdesk" / "defaults" / "reference")


@pytest.mark.parametrize(("title", "hidden"), [
    ("label printer offline so we are writing labels by hand", {"hand", "we", "by", "so"}),
    ("card reader wont read, entering it by hand", {"hand", "wont", "it"}),
    ("the badge printer in the lobby is printing faded", {"the", "in", "is"}),
])
def test_the_learned_evidence_names_content_words_only(title: str, hidden: set[str]) -> None:
    said = on_site_judged(title, "", REF)
    assert re.match(r"the learned model says so(, weakly)? \(score ", said), said
    shown = set(re.findall(r"'([^']+)' [+-]\d", said))
    assert shown and not shown & hidden, said
    assert not any(w.isdigit() for w in shown)


def test_what_is_not_evidence() -> None:
    assert {"a", "the", "need", "hand", "by", "14"} <= not_evidence("need a dock by hand, 14 of us")
    assert not {"printer", "handset", "paper"} & not_evidence("printer and handset, out of paper")
    assert {"on", "paper"} <= not_evidence("writing tickets on paper")  # coping, not a jam


def test_a_follow_up_takes_its_first_reports_decision() -> None:
    assert follow_up_judged("INC-1", "pc has no power", (), REF) == (
        "a follow-up of INC-1, on site as that report is (the text says 'no power')")
    assert follow_up_judged("INC-1", "vpn wont connect", ("accepted:on-site:text",), REF) == (
        "a follow-up of INC-1, on site as that report is (its on-site proposal accepted)")
    assert "(its on-site proposal pending)" in follow_up_judged(
        "INC-1", "vpn wont connect", ("proposed:on-site:text",), REF)
    assert follow_up_judged("INC-1", "pc has no power", ("rejected:on-site:text",), REF,
                            "still no power, need someone here") == ""  # the decision stands
    remote = "outlook keeps asking for my password"
    assert follow_up_judged("INC-1", remote, (), REF, "any update? phones still dead") == ""
    assert follow_up_judged("INC-1", remote, (), REF, "still broken, need someone here") == (
        "the text says 'someone here' (a follow-up of INC-1, which is not)")  # the rule's words


def _incident(desk: Desk, title: str, now: str) -> str:
    return desk.new("-T", title, "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES",
                    "--service", "Phone", "-d", "details", now=now)


@pytest.mark.parametrize(("decided", "proposed"), [
    ("--reject", False),  # the dispatcher said remote: the follow-up is not proposed
    ("", True),  # pending on site there: the follow-up is too
])
def test_a_follow_up_is_never_proposed_on_site_on_its_own(desk: Desk, decided: str,
                                                          proposed: bool) -> None:
    a = _incident(desk, "desk phone dead, no dial tone", "2026-11-23T08:00:00-06:00")
    desk.run("triage", a)
    assert "proposed:on-site:text" in desk.ticket(a)["flags"]
    if decided:
        desk.run("triage", a, decided, "on-site")
    b = _incident(desk, "any update? phone still dead", "2026-11-23T08:40:00-06:00")
    out = desk.run("triage", b, "--dry-run").stdout
    assert f"proposed:duplicate:{a}" in out, out  # triage links it to the first report
    if proposed:
        assert (f"proposed: a follow-up of {a}, on site as that report is (its on-site "
                "proposal pending)") in out, out
    else:
        assert "proposed:on-site" not in out, out
        assert (f"not proposed on site: a follow-up of {a}, which is not on site (that "
                "report's decision stands)") in out
