"""How far two careful labellers agree on the two rows that stay below the floor: priority
against the work (incident-2) and on site. A second labeller (session 30) labelled fresh17.txt
and fresh18.txt again, blind to the writers' labels, from the same tickets with p= and on=
removed; tests/corpus/relabel/ holds the result. The second labeller's labels are scored here
exactly as the corpus measure scores triage (tests/corpus/measure.py), with the writer's labels
as the truth: what a second person would get as "the system".

    python -m tests.corpus.agree                 # the two files: second labeller vs writer

The second labeller read the guide, the standard, sla.toml and vip.toml, and saw the subject
keys (who else reports the same problem in the hour): more than triage knows, which links
reports by their words alone. So the figures are a ceiling of a reader with the whole queue's
context, not of triage's evidence.
"""

from __future__ import annotations

import sys

from .measure import HERE, Item, Score, _reference, load
from .priority_row import logged_priority

RELABELLED = HERE / "relabel"
FILES = ("fresh17", "fresh18")


def priority_agreement(writer: list[Item], second: list[Item]) -> tuple[Score, int, int]:
    """The priority row (priority_row.priority_row's scoring) with `second`'s p= as the
    proposal: a proposal where it differs from the logged priority (impact x urgency), a hit
    when it is the writer's p=. Also (exact agreements, incidents the writer judged). Raises
    ValueError when the two lists are not the same tickets in the same order."""
    ref = _reference()
    score, exact, judged = Score(), 0, 0
    for a, b in _pairs(writer, second):
        if a.type != "incident" or "p" not in a.labels:
            continue
        logged, deserved = logged_priority(a, ref), int(a.labels["p"])
        other = int(b.labels["p"]) if "p" in b.labels else None
        judged += 1
        exact += other == deserved
        if other is not None and other != logged:
            score.tp += other == deserved
            score.fp += other != deserved
            score.fn += other != deserved and deserved != logged
        elif deserved != logged:
            score.fn += 1
    return score, exact, judged


def on_site_agreement(writer: list[Item], second: list[Item]) -> Score:
    """The on-site row with `second`'s on=1 as the proposal and the writer's as the truth, over
    every ticket (as measure.py's row). Raises ValueError as priority_agreement does."""
    score = Score()
    for a, b in _pairs(writer, second):
        score.add(b.labels.get("on") == "1", a.labels.get("on") == "1", a.title)
    return score


def _pairs(writer: list[Item], second: list[Item]) -> list[tuple[Item, Item]]:
    if [(i.set_no, i.title) for i in writer] != [(i.set_no, i.title) for i in second]:
        raise ValueError("the relabelled file is not the same tickets in the same order")
    return list(zip(writer, second, strict=True))


def report() -> list[str]:
    """One block per file: the second labeller scored as the system on both rows."""
    lines = []
    for name in FILES:
        writer, second = load(HERE / f"{name}.txt"), load(RELABELLED / f"{name}.txt")
        score, exact, judged = priority_agreement(writer, second)
        lines.append(f"{name}.txt, second labeller against the writer")
        lines.append("  " + score.line("incident-2 priority") +
                     f"; the same priority on {exact} of {judged} judged incidents")
        lines.append("  " + on_site_agreement(writer, second).line("on site"))
    return lines


if __name__ == "__main__":
    print("\n".join(report()))
    sys.exit(0)
