"""The chart model's guard rails (priority_chart.guard_rail, session 35): where the rules'
reading stands whatever the model reads. Pure: no store."""

from __future__ import annotations

import pytest

from sdesk.procedures.priority_chart import bare_follow_up, guard_rail
from sdesk.procedures.priority_fit import PriorityFit

NOTHING = PriorityFit(None, "")


@pytest.mark.parametrize(("title", "bare"), [
    ("still down any eta??", True),
    ("any update on the vpn", True),
    ("update??", True),
    ("STILL NOT WORKING", True),
    ("still slow, count clearing late because of it", False),  # says more: read whole
    ("any news on the vpn? half the finance team is remote today", False),
    ("locked out again after pw change", False),
])
def test_a_bare_follow_up_says_at_most_one_word_of_its_own(title: str, bare: bool) -> None:
    assert bare_follow_up(title) is bare


@pytest.mark.parametrize(("title", "logged", "again", "rules", "why"), [
    ("still down any eta??", 3, True, NOTHING, "a follow-up keeps its first report's priority"),
    ("20 min waiting on hold with vendor", 3, False, NOTHING,
     "a time waited is nobody's higher priority"),
    ("waited 2 hrs for callback", 3, False, NOTHING, "a time waited is nobody's higher priority"),
    ("board packet due by 3pm", 3, False, PriorityFit(2, "x"), "a deadline"),
    ("ACCOUNT LOCKED CANT LOGIN TO PC!!!", 1, False, PriorityFit(3, "x"), "one user's lockout"),
])
def test_each_guard_rail_keeps_the_rules_reading(title: str, logged: int, again: bool,
                                                 rules: PriorityFit, why: str) -> None:
    assert guard_rail(title, "", logged, again, rules) == why


@pytest.mark.parametrize(("title", "logged", "again", "rules"), [
    ("still slow, count clearing late because of it", 3, True, NOTHING),  # says more
    ("board packet due by 3pm", 3, False, NOTHING),  # the rules read no P2: the model reads
    ("ACCOUNT LOCKED CANT LOGIN TO PC!!!", 3, False, NOTHING),  # logged P3: nothing to keep
    ("scanner not working", 3, False, NOTHING),
])
def test_elsewhere_the_chart_model_reads(title: str, logged: int, again: bool,
                                         rules: PriorityFit) -> None:
    assert guard_rail(title, "", logged, again, rules) is None
