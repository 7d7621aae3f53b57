"""The two per-ticket rows of `--cross` alone (on site, one problem or two), leave one writer
out over the thirty-five tuning files: each file scored by a model fitted on the other
thirty-four, the hand rule OR the model as triage combines them (tests/corpus/learn.py's
`lowo`, the rows `python -m tests.corpus.measure --cross` prints among its others).

    python -m tests.corpus.judgement_lowo            # both rows, per file, worst and mean
    python -m tests.corpus.judgement_lowo --nested   # two problems' threshold chosen out of
                                                     # fold in each fold, as --cross (35 x 34 fits)
    python -m tests.corpus.judgement_lowo --only on_site --cache   # one row; each fold's fit
                                                     # kept under /tmp, so a second run (a rule
                                                     # changed) re-fits nothing (session 40)

By default the two-problems threshold is the shipped one (0.05) in every fold: choosing it out
of fold fits a model on each 33 of the 34 training files, about twelve hundred fits, hours on
a shared machine; the on-site row's threshold is fixed (0.03 at C 0.3) either way. A change to
a hand rule or a veto never enters a fit, so before/after comparisons of a rule read the same
models (session 38; docs/triage.md, "Two problems and on site, session 38"), and `--cache`
reads them back instead of fitting them again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sdesk.core.reference import load_reference
from sdesk.procedures.text_model import Model

from . import learn
from .cross import leave_one_writer_out
from .learn import SPECS, lowo
from .measure import ROOT, TUNING, Item, load

SHIPPED_TWO_PROBLEMS = 0.05  # sdesk/defaults/models/two_problems.json's threshold
CACHE = Path("/tmp") / "sdesk-judgement-lowo"  # fold fits kept between runs (--cache)
# What a fit reads besides its training tickets: the features and the reference data (not
# learn.py, whose vetoes and rules a before/after comparison changes; its fit's settings are
# in the key: `_digest`).
_INPUTS = ("sdesk/procedures/text_model.py", "sdesk/procedures/lexicon.py")


def _digest(items: Sequence[Item], spec: learn.Spec) -> str:
    """A key for one fit: the training tickets (title, labels, type, service), the spec's
    regularisation and the code and reference data the features are read with."""
    h = hashlib.sha256(repr((spec.name, spec.c, learn.C, learn.MIN_DF, learn.SCALED)).encode())
    for path in (*_INPUTS, *sorted(str(p.relative_to(ROOT))
                                   for p in (ROOT / "reference").glob("*.toml"))):
        h.update((ROOT / path).read_bytes())
    for i in items:
        h.update(repr((i.type, i.service, i.title, sorted(i.labels.items()))).encode())
    return h.hexdigest()[:20]


def cached_fit(items: Sequence[Item], spec: learn.Spec, ref: object) -> Model:
    """learn.fit, kept under CACHE as JSON (name, weights, intercept) keyed by `_digest`: the
    same training tickets and inputs give the same model (lbfgs, fixed order), so it is read
    back instead of fitted again."""
    path = CACHE / f"{spec.name}-{_digest(items, spec)}.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return Model(data["name"], data["weights"], data["intercept"], 0.5, data["scaled"])
    model = _FIT(items, spec, ref)  # type: ignore[arg-type]
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps({"name": model.name, "weights": model.weights,
                                "intercept": model.intercept, "scaled": model.scaled}),
                    encoding="utf-8")
    return model


_FIT = learn.fit


def main(argv: list[str]) -> int:
    ref = load_reference(ROOT / "reference")
    if "--cache" in argv:
        learn.fit = cached_fit  # type: ignore[assignment]
    only = argv[argv.index("--only") + 1] if "--only" in argv else ""
    sets = {p: load(p) for p in TUNING}
    for spec in SPECS:
        if only and spec.name != only:
            continue
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
