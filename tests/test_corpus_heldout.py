"""The held-out measurement: a corpus written blind and measured ONCE with the methods frozen,
against the issue's floors (precision >= 0.95 for what triage applies automatically, recall
>= 0.85 for what it proposes).

The held-out files now are tests/corpus/fresh29.txt (327 tickets, prefix cc-, the
Department of Rehabilitation Services' schools for the deaf and the blind, vocational
rehabilitation counselors and disability claims examiners, relying on assistive technology)
and fresh30.txt (332, prefix dd-, OMES's own payroll, HR, budget, purchasing-card and
reception staff at year-end and open enrollment, and agency HR liaisons calling them), written
blind at the start of session 35 by two engineers who read neither the judgement code nor any
other corpus (see their headers). They were measured at once with the methods frozen at
87b7e53 (session 34's end), before anything of session 35 was built, with the rules
(priority 0.39 / 0.45) and with the chart model (0.62 / 0.53); then with the chart model the
default, re-fitted on twenty-nine tuning files and its guard rails as vetoes (0.53 / 0.53);
then, the follow-up guard narrowed as leave one writer out chose on the tuning files, as
shipped (`python -m tests.corpus.measure --file tests/corpus/fresh29.txt`, and fresh30.txt):
only the figure lines were read each time (docs/triage.md, "Held out, session 35"). No choice
was made on them. This test asserts the shipped method's figures. Session 34's fresh27.txt and
fresh28.txt (a psychiatric hospital, county election boards) are tuning data since session 35,
in tests/test_corpus.py.
BELOW holds every judgement below its floor as a strict xfail naming the held-out figure, so a
method change that lifts one fails here until BELOW is updated and none passes unnoticed. Once
anybody reads a held-out file's misses to improve the methods it becomes tuning data: move it to
tests/test_corpus.py and tests/corpus/measure.py's TUNING, and say so in docs/triage.md.

An automatic row with no automatic decision at all (tp = fp = 0) is not a pass: record it in
NONE_APPLIED, counted below its floor in the docs, because precision of nothing is not evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus.cross import meets
from corpus.measure import TUNING, Score, figures
from test_corpus import cases

CORPUS = Path(__file__).parent / "corpus"
HELD_OUT = {"fresh29": CORPUS / "fresh29.txt", "fresh30": CORPUS / "fresh30.txt"}
BELOW = {  # (file, judgement) -> its held-out figure (the rules': 0.39 / 0.45)
    ("fresh29", "incident-2 priority (proposed)"): "recall 0.58",
    ("fresh30", "incident-2 priority (proposed)"): "recall 0.55",
}
# off by default since session 28 (automatic_duplicates, automatic_trends): what they would
# apply; on neither file would they apply any (a row that applies nothing is not counted as met)
NONE_APPLIED = {  # file -> the automatic rows that applied nothing there
    key: {"incident-5 same person, same subject (automatic)",
          "incident-6 many people, same problem (automatic)"} for key in ("fresh29", "fresh30")
}


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Score]]:
    return {key: figures(path) for key, path in HELD_OUT.items()}


def test_no_held_out_file_is_a_tuning_file() -> None:
    # a file tuned on cannot give a held-out figure; an empty table says there is none now
    assert not {path.resolve() for path in HELD_OUT.values()} & {p.resolve() for p in TUNING}
    # the files read while tuning are in TUNING: the last held-out pair among them
    assert {(CORPUS / n).resolve() for n in ("fresh27.txt", "fresh28.txt")} <= {
        p.resolve() for p in TUNING}
    # session 35's blind pair is never tuned on: measured here
    assert not {p.name for p in TUNING} & {"fresh29.txt", "fresh30.txt"}
    assert all(key in HELD_OUT for key, _ in BELOW) and set(NONE_APPLIED) <= set(HELD_OUT)


@pytest.mark.parametrize(("key", "name"), cases(HELD_OUT, BELOW, "held out"))
def test_judgement_meets_its_floor_held_out(measured: dict[str, dict[str, Score]], key: str,
                                            name: str) -> None:
    assert meets(name, measured[key][name]), measured[key][name].line(name)


@pytest.mark.parametrize("key", sorted(NONE_APPLIED))
def test_an_automatic_row_recorded_as_none_applied_applied_nothing(
        measured: dict[str, dict[str, Score]], key: str) -> None:
    # precision of nothing is not evidence: fails when that changes, so the docs' "none
    # applied" is corrected with the new figure
    for name in NONE_APPLIED[key]:
        score = measured[key][name]
        assert score.tp == score.fp == 0, score.line(name)
