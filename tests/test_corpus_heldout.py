"""The held-out measurement: a corpus written blind and measured ONCE with the methods frozen,
against the issue's floors (precision >= 0.95 for what triage applies automatically, recall
>= 0.85 for what it proposes).

Session 37: no held-out file is measured here now. Session 35's blind pair, fresh29.txt (327
tickets, prefix cc-, the Department of Rehabilitation Services) and fresh30.txt (332, prefix dd-,
OMES's payroll, HR and budget staff), measured held out in session 35 (priority 0.58 / 0.55 as
shipped; docs/triage.md, "Held out, session 35"), became tuning data in session 37, in
tests/test_corpus.py and tests/corpus/measure.py's TUNING, so that session 37's new blind pair
(fresh31.txt, fresh32.txt, being written while session 37 works) is the held-out one. The lead
fills HELD_OUT, BELOW and NONE_APPLIED with fresh31/fresh32 at the end of the session, once they
are measured with the methods frozen; until then the tables are empty and only the bookkeeping
test below runs (a file tuned on is never held out).
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
# Empty in session 37 until the lead fills them with fresh31/fresh32 at the end of the session
# (key -> path; (key, judgement) -> its held-out figure; key -> the automatic rows that applied
# nothing, off by default since session 28: automatic_duplicates, automatic_trends).
HELD_OUT: dict[str, Path] = {}
BELOW: dict[tuple[str, str], str] = {}
NONE_APPLIED: dict[str, set[str]] = {}


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Score]]:
    return {key: figures(path) for key, path in HELD_OUT.items()}


def test_no_held_out_file_is_a_tuning_file() -> None:
    # a file tuned on cannot give a held-out figure; an empty table says there is none now
    assert not {path.resolve() for path in HELD_OUT.values()} & {p.resolve() for p in TUNING}
    # the files read while tuning are in TUNING: the last two held-out pairs among them
    # (session 35's fresh29/fresh30 since session 37)
    assert {(CORPUS / n).resolve() for n in ("fresh27.txt", "fresh28.txt", "fresh29.txt",
                                             "fresh30.txt")} <= {p.resolve() for p in TUNING}
    # session 37's blind pair is never tuned on: measured here once the lead fills HELD_OUT
    assert not {p.name for p in TUNING} & {"fresh31.txt", "fresh32.txt"}
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
