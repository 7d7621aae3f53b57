"""Cross-corpus validation of triage's judgements on the three TUNING files (`python -m
tests.corpus.measure --cross`).

1. Every judgement's figures on each of tickets.txt, fresh.txt and fresh2.txt side by side,
   with whether its floor holds on EACH file (issue 11: an automatic judgement's reach is only
   what the tuning data supports at precision 0.95 on every file, not on their union).
2. Leave one corpus out for the thresholds (sdesk.toml [triage]): for each file, each threshold
   is chosen on the OTHER two (a proposal's: the highest value whose recall is >= 0.85 on both;
   an automatic one's: the lowest value whose precision is >= 0.95 on both) and the figure on
   the file left out is the check. The shipped default is shown beside it.

These are tuning figures, all of them: the three files were read while the methods were
written. Only a file written blind and measured once (`--file PATH`) gives a held-out figure.
This module never opens any file but the three named in FILES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .measure import (
    CORPUS,
    FRESH,
    FRESH2,
    ROOT,
    SETTINGS,
    Item,
    Score,
    judge,
    load,
    same_person,
    subject_matcher,
    trends,
)

FILES = (CORPUS, FRESH, FRESH2)  # the tuning files; nothing else is read here
AUTO_PRECISION, PROPOSED_RECALL = 0.95, 0.85
GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


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


def _thresholds() -> tuple[Threshold, ...]:
    from sdesk.core.reference import load_reference

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
    )


def choose(th: Threshold, scores: dict[float, list[Score]]) -> float | None:
    """The value the files behind `scores` support: for a proposal the highest value meeting
    recall 0.85 on every file, for an automatic judgement the lowest meeting precision 0.95
    on every file; None when no value does."""
    good = [t for t in GRID if all(meets(th.name, s) for s in scores[t])]
    if not good:
        return None
    return min(good) if th.automatic else max(good)


def _table(sets: dict[Path, list[Item]]) -> list[str]:
    from sdesk.core.reference import load_reference

    ref = load_reference(ROOT / "reference")
    per_file = {path: judge(items, ref) for path, items in sets.items()}
    names = list(next(iter(per_file.values())))
    head = f"{'judgement (tuning figures: precision / recall)':<50}" + "".join(
        f"{p.name:>14}" for p in sets) + "   floor on each"
    lines = [head]
    for name in names:
        cells = "".join(f"{f[name].precision:>8.2f} /{f[name].recall:4.2f}"
                        for f in per_file.values())
        held = all(meets(name, f[name]) for f in per_file.values())
        lines.append(f"{name:<50}{cells}   {'yes' if held else 'NO'}")
    return lines


def _leave_one_out(sets: dict[Path, list[Item]]) -> list[str]:
    lines = ["", "thresholds chosen on two files, checked on the third "
                 "(default = sdesk.toml's shipped value)"]
    for th in _thresholds():
        scores = {path: {t: th.measure(items, t) for t in GRID} for path, items in sets.items()}
        default = getattr(SETTINGS, th.setting)
        for left_out in sets:
            others = [p for p in sets if p != left_out]
            chosen = choose(th, {t: [scores[p][t] for p in others] for t in GRID})
            if chosen is None:
                lines.append(f"{th.setting:<17} chosen on {'+'.join(p.name for p in others)}: "
                             "no value meets the floor on both")
                continue
            check = scores[left_out][chosen]
            ok = "meets" if meets(th.name, check) else "MISSES"
            lines.append(f"{th.setting:<17} chosen on {'+'.join(p.name for p in others):<22} "
                         f"= {chosen:<4}  on {left_out.name:<12} precision "
                         f"{check.precision:4.2f} recall {check.recall:4.2f} ({ok} the floor); "
                         f"default {default}")
    return lines


def report(errors: bool = False) -> list[str]:
    """The cross-corpus report (module docstring), one line per row."""
    sets = {path: load(path) for path in FILES}
    return _table(sets) + _leave_one_out(sets)
