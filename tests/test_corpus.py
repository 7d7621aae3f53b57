"""The labelled corpora: precision and recall of each triage judgement against the issue's
floors: precision >= 0.95 for what triage applies automatically, recall >= 0.85 for what it
proposes.

- tests/corpus/fresh.txt was written blind and measured ONCE with the methods and thresholds
  frozen (the commit "judgements and thresholds frozen before the fresh test set"): two of
  nine judgements met their floor there. Those held-out figures are in docs/triage.md. The
  methods were then improved on fresh.txt's misses, so fresh.txt is tuning data too and what
  is asserted on it below is a TUNING figure; no held-out figure exists for the code as it is
  (a new blind set is needed for one). A judgement below its floor is a strict xfail naming
  the figure; one that starts meeting it fails this test until it moves to MET.
- tests/corpus/fresh2.txt, written blind after that, is the held-out test set of the code as
  it is: measured ONCE, nothing changed after (`python -m tests.corpus.measure --fresh2`).
  Its floors are asserted below with the same strict xfails (MET2 / BELOW2). One change came
  after it, on principle: the automatic duplicate (0.83 there at 0.8) was held back to 1.0.
- tests/corpus/tickets.txt is the older tuning set (its test half was read while tuning).
  `python -m tests.corpus.measure` (fresh.txt) and `--tune` (tickets.txt) print the figures."""

from __future__ import annotations

import pytest
from corpus.measure import CORPUS, FRESH, FRESH2, Score, figures, load

AUTO_PRECISION, PROPOSED_RECALL = 0.95, 0.85
# On fresh.txt (tuning data since its one held-out measurement; docs/triage.md).
MET = {
    "incident-4 two problems (proposed)",
    "incident-5 same person, same subject (proposed)",
    "incident-5 same person, same subject (automatic)",
    "incident-6 many people, same problem (automatic)",
    "request-1 hardware (automatic)",
    "request-1 software (automatic)",
    "incident-2 priority (proposed)",
    "on-site (proposed)",
}
BELOW = {  # name -> the figure on fresh.txt
    "incident-6 many people, same problem (proposed)": "recall 0.84",
}


# On fresh2.txt (held out; measured once with the code as it is; docs/triage.md).
MET2 = {
    "incident-5 same person, same subject (proposed)",
    # at auto_duplicate 0.8 it measured precision 0.83 here, so the default was held back to 1.0
    # on the rule that automation must earn 0.95 held out (docs/triage.md, not a sweep of this set)
    "incident-5 same person, same subject (automatic)",
    "incident-6 many people, same problem (automatic)",
}
BELOW2 = {  # name -> the figure on fresh2.txt
    "incident-4 two problems (proposed)": "recall 0.80",
    "incident-6 many people, same problem (proposed)": "recall 0.77",
    "request-1 hardware (automatic)": "precision 0.94",
    "request-1 software (automatic)": "precision 0.94",
    "incident-2 priority (proposed)": "recall 0.45",
    "on-site (proposed)": "recall 0.72",
}


@pytest.fixture(scope="module")
def held_out() -> dict[str, Score]:
    return figures("test2")


@pytest.mark.parametrize("name", sorted(MET2))
def test_judgement_meets_its_floor_held_out(held_out: dict[str, Score], name: str) -> None:
    assert _meets(name, held_out[name]), held_out[name].line(name)


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(
    strict=True, reason=f"below its floor on fresh2.txt, held out ({figure}); see docs/triage.md"))
    for name, figure in sorted(BELOW2.items())])
def test_judgement_below_its_floor_held_out(held_out: dict[str, Score], name: str) -> None:
    assert _meets(name, held_out[name]), held_out[name].line(name)


@pytest.fixture(scope="module")
def test_set() -> dict[str, Score]:
    return figures("test")


@pytest.fixture(scope="module")
def tuning() -> dict[str, Score]:
    return figures("tune")


def test_the_corpora_are_big_enough_and_apart() -> None:
    tune, test = load(CORPUS), load(FRESH)
    assert len(tune) >= 300 and len(test) >= 300 and len(load(FRESH2)) >= 300
    assert all(item.subject.startswith("f-") for item in test)
    # written apart: a short title ("account locked") may recur, hardly any other
    both = {i.title.casefold() for i in tune} & {i.title.casefold() for i in test}
    assert len(both) <= len(test) // 50, sorted(both)


def _meets(name: str, score: Score) -> bool:
    if name.endswith("(automatic)"):
        return score.precision >= AUTO_PRECISION
    return score.recall >= PROPOSED_RECALL


@pytest.mark.parametrize("name", sorted(MET))
def test_judgement_meets_its_floor_on_fresh(test_set: dict[str, Score], name: str) -> None:
    assert _meets(name, test_set[name]), test_set[name].line(name)


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(
    strict=True, reason=f"below its floor on fresh.txt ({figure}); see docs/triage.md"))
    for name, figure in sorted(BELOW.items())])
def test_judgement_below_its_floor_on_fresh(test_set: dict[str, Score],
                                                   name: str) -> None:
    assert _meets(name, test_set[name]), test_set[name].line(name)


@pytest.mark.parametrize("name", sorted(MET | set(BELOW)))
def test_judgement_meets_its_floor_on_the_tuning_set(tuning: dict[str, Score], name: str) -> None:
    assert _meets(name, tuning[name]), tuning[name].line(name)


def test_every_judgement_is_judged(test_set: dict[str, Score], tuning: dict[str, Score]) -> None:
    assert set(test_set) == set(tuning) == MET | set(BELOW) == MET2 | set(BELOW2)


def test_a_miss_is_listed_with_what_was_judged() -> None:
    score = Score()
    score.add(True, False, "'VPN down' / 'printer jam'")
    score.add(False, True, "'Excel crashes' / 'excel keeps crashing'")
    score.add(True, True, "hit")
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.misses == ["fp: 'VPN down' / 'printer jam'",
                            "fn: 'Excel crashes' / 'excel keeps crashing'"]
