"""A second labeller against the writer (tests/corpus/agree.py): how far two careful people
agree on the two rows below the floor, priority against the work and on site. The figures are
the ones docs/triage.md quotes ("Two labellers, session 30"); a change to either file or to the
scoring fails here until the docs are updated."""

from __future__ import annotations

import dataclasses

import pytest
from corpus.agree import FILES, HERE, RELABELLED, on_site_agreement, priority_agreement, report
from corpus.measure import load

# file -> (priority tp, fp, fn, same priority, judged incidents), (on site tp, fp, fn)
QUOTED = {"fresh17": ((86, 11, 9, 202, 217), (74, 9, 3)),
          "fresh18": ((59, 11, 16, 191, 216), (59, 18, 1))}


@pytest.mark.parametrize("name", FILES)
def test_the_second_labeller_scores_as_the_docs_say(name: str) -> None:
    writer, second = load(HERE / f"{name}.txt"), load(RELABELLED / f"{name}.txt")
    score, exact, judged = priority_agreement(writer, second)
    on_site = on_site_agreement(writer, second)
    assert ((score.tp, score.fp, score.fn, exact, judged),
            (on_site.tp, on_site.fp, on_site.fn)) == QUOTED[name]


def test_the_writer_against_itself_agrees_wholly() -> None:
    writer = load(HERE / "fresh17.txt")
    score, exact, judged = priority_agreement(writer, writer)
    assert score.fn == score.fp == 0 and exact == judged > 200
    assert on_site_agreement(writer, writer).recall == 1.0


def test_a_relabelled_file_out_of_order_is_refused() -> None:
    writer = load(HERE / "fresh17.txt")
    shuffled = [dataclasses.replace(writer[1], labels={}), *writer[1:]]
    with pytest.raises(ValueError, match="not the same tickets"):
        priority_agreement(writer, shuffled)


def test_the_report_names_each_file_and_both_rows() -> None:
    lines = report()
    assert lines[0] == "fresh17.txt, second labeller against the writer"
    assert "the same priority on 202 of 217 judged incidents" in lines[1]
    assert lines[2].strip().startswith("on site") and len(lines) == 6
