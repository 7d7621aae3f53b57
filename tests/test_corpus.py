"""The labelled corpus (tests/corpus/tickets.txt, >= 300 tickets, tuning and test halves):
precision and recall of each triage judgement on the TEST half against the issue's floors:
precision >= 0.95 for what triage applies automatically, recall >= 0.85 for what it proposes.
`python -m tests.corpus.measure` prints the figures docs/triage.md quotes.

Judgements below their floor today are strict xfails naming the figure: the floor stays the
requirement (docs/triage.md says which are not met), and a judgement that starts meeting it
fails this test until it is moved to MET."""

from __future__ import annotations

import pytest
from corpus.measure import Score, figures, load

AUTO_PRECISION, PROPOSED_RECALL = 0.95, 0.85
MET = {
    "incident-4 two problems (proposed)",
    "incident-5 same person, same subject (automatic)",
    "incident-6 many people, same problem (automatic)",
    "request-1 hardware (automatic)",
    "on-site (proposed)",
}
BELOW = {
    "incident-5 same person, same subject (proposed)",
    "incident-6 many people, same problem (proposed)",
    "request-1 software (automatic)",
    "incident-2 priority (proposed)",
}


@pytest.fixture(scope="module")
def test_half() -> dict[str, Score]:
    return figures("test")


def test_the_corpus_is_big_enough_and_split_by_a_fixed_rule() -> None:
    items = load()
    assert len(items) >= 300
    halves = {i.half for i in items}
    assert halves == {"tune", "test"}
    assert all(i.half == ("tune" if i.set_no % 2 == 0 else "test") for i in items)
    assert min(sum(i.half == h for i in items) for h in halves) >= 140


def _meets(name: str, score: Score) -> bool:
    if name.endswith("(automatic)"):
        return score.precision >= AUTO_PRECISION
    return score.recall >= PROPOSED_RECALL


@pytest.mark.parametrize("name", sorted(MET))
def test_judgement_meets_its_floor_on_the_test_half(test_half: dict[str, Score],
                                                    name: str) -> None:
    assert _meets(name, test_half[name]), test_half[name].line(name)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(
    strict=True, reason="below its floor on the test half; see docs/triage.md")) for n in
    sorted(BELOW)])
def test_judgement_below_its_floor_today(test_half: dict[str, Score], name: str) -> None:
    assert _meets(name, test_half[name]), test_half[name].line(name)


def test_every_judgement_is_judged() -> None:
    assert set(figures("tune")) == MET | BELOW
