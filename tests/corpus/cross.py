"""Leave one writer out (LOWO) on the TUNING files (thirty-five since session 40;
`python -m tests.corpus.measure --cross`).

1. Every judgement's figures on each of the tuning files side by side (TUNING figures: the files
   were read while the methods were written), with whether its floor holds on EACH file (issue
   11: an automatic judgement's reach is only what every file supports at precision 0.95, not
   their union).
2. Leave one writer out: whatever is chosen from data (a threshold of sdesk.toml [triage], a
   learned model's weights and threshold) is chosen on the OTHER FOUR files and measured on the
   fifth; each row gives precision / recall per left-out file, the worst file and the mean.
   That LOWO figure is the only figure methods and thresholds are chosen by. A threshold's
   choice: for a proposal the highest value whose recall is >= 0.85 on each of the four, for
   an automatic judgement the lowest whose precision is >= 0.95 on each of the four.

A judgement adds itself by appending a `Lowo` to LOWO (its `fit` sees only the four files it is
given). Held-out figures come only from a file written blind and measured once (`measure.py
--file PATH`); this module never opens a file but those in measure.TUNING.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .measure import (
    ROOT,
    TUNING,
    Item,
    Score,
    judge,
    load,
    same_person,
    subject_matcher,
    trends,
)

FILES = TUNING  # the tuning files, one writer each; nothing else is read here
AUTO_PRECISION, PROPOSED_RECALL = 0.95, 0.85
GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


NAMED = "(named, not proposed)"  # a row triage only names in the plan: no floor (session 30)


def meets(name: str, score: Score) -> bool:
    """The issue's floor: precision for what is applied automatically, recall for proposals."""
    if name.endswith("(automatic)"):
        return score.precision >= AUTO_PRECISION
    return score.recall >= PROPOSED_RECALL


@dataclass(frozen=True)
class Threshold:
    """One sdesk.toml threshold and the judgement it drives."""

    setting: str  # the [triage] key
    name: str  # the judgement row it decides
    automatic: bool
    measure: Callable[[list[Item], float], Score]


Measure = Callable[[list[Item]], Score]  # a fitted judgement, scored on one file's items


@dataclass(frozen=True)
class Lowo:
    """A judgement whose method is chosen from data: `fit` gets the training files' items (four
    of the five) and returns how to score a file, with a short note of what it chose."""

    name: str  # the judgement row (measure.judge's name)
    fit: Callable[[Sequence[list[Item]]], tuple[Measure, str]]


def _thresholds() -> tuple[Threshold, ...]:
    from sdesk.core.reference import load_reference

    from .priority_row import priority_score

    ref = load_reference(ROOT / "reference")
    return (
        Threshold("similarity", "incident-5 same person, same subject (proposed)", False,
                  lambda items, t: same_person(items, subject_matcher(ref, t, logged=True))),
        Threshold("auto_duplicate", "incident-5 same person, same subject (automatic)", True,
                  lambda items, t: same_person(items, subject_matcher(ref, t, logged=True))),
        Threshold("trend_similarity", "incident-6 many people, same problem (proposed)", False,
                  lambda items, t: trends(items, subject_matcher(ref, t, trend=True))),
        Threshold("auto_trend", "incident-6 many people, same problem (automatic)", True,
                  lambda items, t: trends(items, subject_matcher(ref, t, trend=True))),
        Threshold("priority_trend", "incident-2 priority (proposed)", False,
                  lambda items, t: priority_score(items, ref, t)),
    )


def choose(th: Threshold, scores: dict[float, list[Score]]) -> float | None:
    """The value the files behind `scores` support: for a proposal the highest value meeting
    recall 0.85 on every file, for an automatic judgement the lowest meeting precision 0.95
    on every file; None when no value does."""
    good = [t for t in GRID if all(meets(th.name, s) for s in scores[t])]
    if not good:
        return None
    return min(good) if th.automatic else max(good)


def closest(th: Threshold, scores: dict[float, list[Score]]) -> float:
    """When no value meets the floor on every file: the one whose worst file comes nearest
    (recall for a proposal, precision for an automatic judgement)."""
    def worst(t: float) -> float:
        return min(s.precision if th.automatic else s.recall for s in scores[t])

    return max(GRID, key=lambda t: (worst(t), t if th.automatic else -t))


def threshold_lowo(th: Threshold) -> Lowo:
    """A threshold as a LOWO row: chosen on the training files (`choose`), its scores cached per
    file so five folds measure each file once per grid value."""
    cache: dict[int, dict[float, Score]] = {}

    def scores(items: list[Item]) -> dict[float, Score]:
        return cache.setdefault(id(items), {t: th.measure(items, t) for t in GRID})

    def fit(train: Sequence[list[Item]]) -> tuple[Measure, str]:
        train_scores = {t: [scores(items)[t] for items in train] for t in GRID}
        chosen = choose(th, train_scores)
        value = closest(th, train_scores) if chosen is None else chosen
        note = f"{th.setting} = {value}" + (" (none meets the floor on all four: the closest)"
                                            if chosen is None else "")
        return (lambda items: scores(items)[value]), note

    return Lowo(th.name, fit)


def lowo_rows() -> list[Lowo]:
    """Every judgement chosen from data: the thresholds, then the learned models (as triage
    combines them with their rules: tests/corpus/learn.py) and any maker in LEARNED."""
    from sdesk.core.reference import load_reference

    from .learn import SPECS, kind_lowo, lowo

    ref = load_reference(ROOT / "reference")
    learned = [lowo(spec, spec.combine, ref) for spec in SPECS] + [kind_lowo(ref)]
    return [threshold_lowo(th) for th in _thresholds()] + [make() for make in
                                                           (*learned, *LEARNED)]


LEARNED: list[Callable[[], Lowo]] = []  # other judgements with learned weights add a maker here


@dataclass
class Fold:
    """One judgement's LOWO result: per left-out file its score and what training chose."""

    name: str
    scores: dict[str, Score]
    chosen: dict[str, str]

    @property
    def worst(self) -> Score:
        key = (lambda s: s.precision) if self.name.endswith("(automatic)") else (
            lambda s: s.recall)
        return min(self.scores.values(), key=key)

    def mean(self) -> tuple[float, float]:
        n = len(self.scores)
        return (sum(s.precision for s in self.scores.values()) / n,
                sum(s.recall for s in self.scores.values()) / n)


def leave_one_writer_out(row: Lowo, sets: dict[Path, list[Item]]) -> Fold:
    """Fit `row` on each four files and score it on the fifth."""
    fold = Fold(row.name, {}, {})
    for left_out, items in sets.items():
        measure, note = row.fit([other for p, other in sets.items() if p != left_out])
        fold.scores[left_out.name] = measure(items)
        fold.chosen[left_out.name] = note
    return fold


def _table(sets: dict[Path, list[Item]]) -> list[str]:
    from sdesk.core.reference import load_reference

    ref = load_reference(ROOT / "reference")
    per_file = {path: judge(items, ref) for path, items in sets.items()}
    names = list(next(iter(per_file.values())))
    head = f"{'TUNING figures (precision / recall)':<50}" + "".join(
        f"{p.name:>13}" for p in sets) + "   floor on each"
    lines = [head]
    for name in names:
        cells = "".join(f"{f[name].precision:>7.2f} /{f[name].recall:4.2f}"
                        for f in per_file.values())
        held = all(meets(name, f[name]) for f in per_file.values())
        floor = "none" if name.endswith(NAMED) else "yes" if held else "NO"
        lines.append(f"{name:<50}{cells}   {floor}")
    return lines


def fold_lines(fold: Fold, errors: bool = False) -> list[str]:
    """A Fold's line (and with `errors`, its misses per left-out file)."""
    cells = "".join(f"{s.precision:>7.2f} /{s.recall:4.2f}" for s in fold.scores.values())
    worst, (p, r) = fold.worst, fold.mean()
    ok = "meets" if all(meets(fold.name, s) for s in fold.scores.values()) else "MISSES"
    lines = [f"{fold.name:<50}{cells}   worst {worst.precision:.2f}/{worst.recall:.2f} "
             f"mean {p:.2f}/{r:.2f} ({ok})"]
    chosen = sorted(set(fold.chosen.values()))
    lines.append(f"{'':<4}chosen on the other four: {'; '.join(chosen)}")
    idle = [f for f, s in fold.scores.items() if s.tp + s.fp == 0]
    if fold.name.endswith("(automatic)") and idle:  # precision of nothing is not evidence
        lines.append(f"{'':<4}applied nothing on {', '.join(idle)}: unproven there")
    if errors:
        for file, score in fold.scores.items():
            lines.extend(f"    {file}: {m}" for m in score.misses)
    return lines


def report(errors: bool = False) -> list[str]:
    """The cross-corpus report (module docstring), one line per row."""
    sets = {path: load(path) for path in FILES}
    lines = _table(sets)
    lines += ["", f"{'LEAVE ONE WRITER OUT (precision / recall)':<50}" + "".join(
        f"{p.name:>13}" for p in sets)]
    for row in lowo_rows():
        lines += fold_lines(leave_one_writer_out(row, sets), errors)
    return lines
