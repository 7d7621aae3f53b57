"""The on-site row as triage judges it (tests/corpus/measure.py's "on-site (proposed)"), and its
leave-one-writer-out figures with each way of reading a follow-up.

Triage proposes on site from a ticket's own words (sdesk.procedures.on_site.on_site_judged:
the hand rule OR the learned model), but never on the learned model's guess for a follow-up:
an incident whose title reports again (priority_fit.reports_again: "any update? phones still
dead") and that triage links to the same person's earlier report (the person pair model at
the `similarity` threshold, as triage proposes the duplicate) is said when that first report
is (its decision stands), or when its own words are the hand rule's ("need someone here";
on_site.follow_up_judged). Here the first report's decision is what triage says of it.

    python -m tests.corpus.on_site_row          # LOWO at the shipped threshold, each reading
    python -m tests.corpus.on_site_row --sweep  # the trade-off: LOWO at each fixed threshold

Tried beside it (session 27, LOWO on fifteen files; docs/triage.md "On site, session 27"):
"first", the first report's decision alone, and "and", a follow-up said only when its own
words AND its first report say so: both lose recall on three or four files.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sdesk.core.reference import Reference, load_reference
from sdesk.procedures.on_site import on_site, on_site_judged
from sdesk.procedures.priority_fit import reports_again

from .measure import (
    FITTED,
    ROOT,
    SETTINGS,
    THRESHOLD,
    Item,
    Score,
    _by_set,
    load,
    model_matcher,
    request_kind_of,
)


def first_reports(items: list[Item], ref: Reference) -> dict[int, Item]:
    """id(follow-up) -> its first report: an incident whose title reports again, and the
    earliest incident of the same person in its set that the person pair model links to it
    (as triage relates and proposes the duplicate)."""
    same = model_matcher(ref, "person", THRESHOLD, SETTINGS.auto_duplicate)
    out: dict[int, Item] = {}
    for group in _by_set(items).values():
        for k, b in enumerate(group):
            if b.type != "incident" or not reports_again(b.title):
                continue
            first = next((a for a in group[:k] if a.type == "incident"
                          and a.person == b.person and same(a, b)), None)
            if first is not None:
                out[id(b)] = first
    return out


def on_site_score(items: list[Item], ref: Reference,
                  judge: Callable[[Item], bool] | None = None, follow_ups: str = "words"
                  ) -> Score:
    """The on-site row: each ticket's own judgement (`judge`, triage's by default); a
    follow-up's, with `follow_ups` "words" (as triage: its first report's, or its own in the
    hand rule's words), "first" (its first report's alone), "and" (its own AND its first
    report's) or "" (its own, as before session 27)."""
    judge = judge or (lambda i: bool(on_site_judged(i.title, "", ref, request_kind_of(i, ref))))
    said = {id(i): judge(i) for i in items}
    firsts = first_reports(items, ref) if follow_ups else {}
    score = Score()
    for item in items:
        first = firsts.get(id(item))
        own = said[id(item)]
        if first is not None and follow_ups == "words":
            own = said[id(first)] or (own and bool(on_site(item.title, "")))
        elif first is not None:
            own = said[id(first)] and (own or follow_ups == "first")
        score.add(own, item.labels.get("on") == "1", item.title)
    return score


SWEEP = (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5)


def sweep(sets: dict[Path, list[Item]], ref: Reference) -> list[str]:
    """The trade-off the model allows, leave one writer out: for each file the on-site model
    fitted on the others, the row as triage judges it (rule OR model, the vetoes, a follow-up
    its first report's) at each threshold of SWEEP; one line per threshold with the worst
    recall, the mean precision, the share of tickets proposed on site (what a dispatcher is
    asked), then each file's precision / recall (`--sweep`; session 28)."""
    from .learn import SPECS, fit, item_features

    spec = next(s for s in SPECS if s.name == "on_site")
    scored = {}
    for p, items in sets.items():
        model = fit([i for q, f in sets.items() if q != p for i in f], spec, ref)
        scored[p] = {id(i): model.score(item_features(i, ref)) for i in items}
    rule = {id(i): spec.rule(i, ref) for f in sets.values() for i in f}
    veto = {id(i): spec.veto(i, ref) for f in sets.values() for i in f}
    lines = ["on site (proposed), LOWO, fixed threshold: worst recall, mean precision, share of "
             "tickets proposed | each file's precision / recall"]
    for t in SWEEP:
        cells, worst, mean, share = [], 1.0, 0.0, 0.0
        for p, items in sets.items():
            def said(i: Item, p: Path = p, t: float = t) -> bool:
                return (scored[p][id(i)] >= t or rule[id(i)]) and not veto[id(i)]

            s = on_site_score(items, ref, said, "words")
            worst, mean = min(worst, s.recall), mean + s.precision / len(sets)
            share += sum(map(said, items)) / len(items) / len(sets)
            cells.append(f"{p.stem.replace('fresh', 'f')} {s.precision:.2f}/{s.recall:.2f}")
        lines.append(f"t {t:<5} worst {worst:.2f}  mean precision {mean:.2f}  proposed "
                     f"{share:.2f} | " + "  ".join(cells))
    return lines


def main(argv: list[str]) -> int:
    """LOWO at the shipped threshold (fixed: chosen on this row's sweep at C 0.3 in session 31,
    docs/triage.md "On site, session 31"; until then the out-of-fold choice's 0.05 clamp,
    "On site, session 26"; `--sweep` shows the others, session 28): for each
    file the on-site model fitted on the others, the row scored without and with the follow-up
    rule."""
    from .learn import SPECS, fit, predict

    ref = load_reference(ROOT / "reference")
    spec = next(s for s in SPECS if s.name == "on_site")
    threshold = (float(argv[argv.index("--threshold") + 1]) if "--threshold" in argv
                 else spec.fixed or 0.05)
    sets = {p: load(p) for p in FITTED}
    if "--sweep" in argv:
        print("\n".join(sweep(sets, ref)))
        return 0
    print(f"on site (proposed), LOWO, threshold {threshold}: precision / recall")
    rules = {"": "before", "first": "first report's", "and": "own AND first",
             "words": "first, or rule (triage)"}
    print(f"{'file':<14}" + "".join(f"{name:>25}" for name in rules.values()))
    worst = dict.fromkeys(rules, 1.0)
    means = dict.fromkeys(rules, 0.0)
    for p, items in sets.items():
        model = fit([i for q, f in sets.items() if q != p for i in f], spec, ref)
        said = {id(i): predict(model, spec, i, ref, spec.combine, threshold) for i in items}
        cells = []
        for rule in rules:
            s = on_site_score(items, ref, lambda i, said=said: said[id(i)], rule)
            worst[rule] = min(worst[rule], s.recall)
            means[rule] += s.precision / len(sets)
            cells.append(f"{s.precision:.2f} / {s.recall:.2f}")
        print(f"{p.name:<14}" + "".join(f"{c:>25}" for c in cells), flush=True)
    print(f"{'worst recall':<14}" + "".join(f"{worst[r]:>25.2f}" for r in rules))
    print(f"{'mean precision':<14}" + "".join(f"{means[r]:>25.2f}" for r in rules))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
