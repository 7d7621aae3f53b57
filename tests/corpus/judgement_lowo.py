"""The two per-ticket rows of `--cross` alone (on site, one problem or two), leave one writer
out over the thirty-three tuning files: each file scored by a model fitted on the other
thirty-two, the hand rule OR the model as triage combines them (tests/corpus/learn.py's
`lowo`, the rows `python -m tests.corpus.measure --cross` prints among its others).

    python -m tests.corpus.judgement_lowo            # both rows, per file, worst and mean
    python -m tests.corpus.judgement_lowo --nested   # two problems' threshold chosen out of
                                                     # fold in each fold, as --cross (33 x 32 fits)

By default the two-problems threshold is the shipped one (0.05) in every fold: choosing it out
of fold fits a model on each 31 of the 32 training files, about a thousand fits, hours on a
shared machine; the on-site row's threshold is fixed (0.03 at C 0.3) either way. A change to
a hand rule never enters a fit, so before/after comparisons of a rule read the same models
(session 38; docs/triage.md, "Two problems and on site, session 38").
"""

from __future__ import annotations

import dataclasses
import sys

from sdesk.core.reference import load_reference

from .cross import leave_one_writer_out
from .learn import SPECS, lowo
from .measure import ROOT, TUNING, load

SHIPPED_TWO_PROBLEMS = 0.05  # sdesk/defaults/models/two_problems.json's threshold


def main(argv: list[str]) -> int:
    ref = load_reference(ROOT / "reference")
    sets = {p: load(p) for p in TUNING}
    for spec in SPECS:
        if spec.name == "two_problems" and "--nested" not in argv:
            spec = dataclasses.replace(spec, fixed=SHIPPED_TWO_PROBLEMS)
        fold = leave_one_writer_out(lowo(spec, spec.combine, ref)(), sets)
        for file, s in fold.scores.items():
            print(f"{fold.name:<48} {file:<13} {s.precision:.2f} / {s.recall:.2f}", flush=True)
        scores = fold.scores.values()
        p, r = fold.mean()
        print(f"{fold.name}: worst recall {fold.worst.recall:.3f}, mean {p:.4f} / {r:.4f}; "
              f"right {sum(s.tp for s in scores)}, wrong {sum(s.fp for s in scores)}, "
              f"missed {sum(s.fn for s in scores)}", flush=True)
        if "--errors" in argv:
            for file, s in fold.scores.items():
                print("\n".join(f"    {file}: {m}" for m in s.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
