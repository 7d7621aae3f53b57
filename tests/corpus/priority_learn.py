"""The priority row (incident-2, priority against the work) judged leave one writer out, with
the learned reading of the chart re-fitted for each fold.

    python -m tests.corpus.priority_learn              # each tuning file left out in turn:
                                                       # priority_high / priority_critical
                                                       # fitted on the others, the row scored
                                                       # on it at the shipped thresholds
    python -m tests.corpus.priority_learn --errors     # and each file's misses
    python -m tests.corpus.priority_learn --markdown   # as the table in docs/triage.md
    python -m tests.corpus.priority_learn --check=tests/corpus/fresh15.txt \
        --check=tests/corpus/fresh16.txt               # those files kept out: LOWO over the
                                                       # others, each checked file scored with
                                                       # the models fitted on all the others
                                                       # (session 28: a pseudo-held-out pair)

The rules' words (sdesk/procedures/priority_fit.py) were read from the tuning files, so on the
files they were read from the rules' part is a tuning figure; only the models are re-fitted.
The trend links come from the shipped pair model (fitted on the tuning files too). Needs the
`[train]` extra (scikit-learn), as learn.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sdesk.core.reference import Reference, load_reference
from sdesk.procedures import priority_fit
from sdesk.procedures.text_model import Model

from .learn import PRIORITY_SPECS, fit
from .measure import FITTED, ROOT, Item, Score, load
from .priority_row import priority_score


def fold_models(train: list[Item], ref: Reference) -> dict[str, Model]:
    """priority_high and priority_critical fitted on `train` at their shipped thresholds."""
    out = {}
    for spec in PRIORITY_SPECS:
        m = fit(train, spec, ref)
        out[spec.name] = Model(m.name, m.weights, m.intercept, spec.fixed or 0.5, m.scaled)
    return out


def lowo(ref: Reference, sets: dict[Path, list[Item]],
         checks: dict[Path, list[Item]] | None = None) -> dict[str, Score]:
    """Each file's priority row with the models fitted on the other files; then each of
    `checks` (files kept out of every fit) with the models fitted on all of `sets`."""
    shipped: Callable[[str], Model] = priority_fit.model
    scores: dict[str, Score] = {}
    try:
        for left_out, items in sets.items():
            models = fold_models([i for p, f in sets.items() if p != left_out for i in f], ref)
            priority_fit.model = models.__getitem__  # type: ignore[assignment]
            scores[left_out.name] = priority_score(items, ref)
        if checks:
            models = fold_models([i for f in sets.values() for i in f], ref)
            priority_fit.model = models.__getitem__  # type: ignore[assignment]
            for path, items in checks.items():
                scores[f"{path.name} (checked)"] = priority_score(items, ref)
    finally:
        priority_fit.model = shipped  # type: ignore[assignment]
    return scores


def lines(scores: dict[str, Score], markdown: bool = False, errors: bool = False) -> list[str]:
    """The LOWO row: each file's precision / recall, the worst recall, the means, the
    proposals on tickets not judged and the judged proposals right / wrong (over the LOWO
    files; checked files are shown apart)."""
    lowo_ = [s for name, s in scores.items() if not name.endswith("(checked)")]
    worst = min(s.recall for s in lowo_)
    mp = sum(s.precision for s in lowo_) / len(lowo_)
    mr = sum(s.recall for s in lowo_) / len(lowo_)
    unjudged = sum(s.unjudged for s in lowo_)
    if markdown:
        cells = " | ".join(f"{s.precision:.2f} / {s.recall:.2f}" for s in scores.values())
        return [f"| {cells} | {worst:.2f} | {mp:.2f} / {mr:.2f} | {unjudged} |"]
    out = [f"{name:<22}{s.precision:.2f} / {s.recall:.2f}  (tp {s.tp}, fp {s.fp}, fn {s.fn}, "
           f"{s.unjudged} not judged)" for name, s in scores.items()]
    out.append(f"worst recall {worst:.2f}  mean precision / recall {mp:.2f} / {mr:.2f}  "
               f"not judged {unjudged}  proposals right / wrong {sum(s.tp for s in lowo_)} / "
               f"{sum(s.fp for s in lowo_)}")
    if errors:
        out += [f"  {name}: {m}" for name, s in scores.items() for m in s.misses]
    return out


def main(argv: list[str]) -> int:
    ref = load_reference(ROOT / "reference")
    also = [Path(a.split("=", 1)[1]) for a in argv if a.startswith("--also=")]  # experiments
    checked = [Path(a.split("=", 1)[1]) for a in argv if a.startswith("--check=")]
    kept_out = {p.resolve() for p in checked}
    sets = {p: load(p) for p in (*FITTED, *also) if p.resolve() not in kept_out}
    checks = {p: load(p) for p in checked}
    print("\n".join(lines(lowo(ref, sets, checks), "--markdown" in argv, "--errors" in argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
