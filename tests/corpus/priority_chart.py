"""The chart model (sdesk/procedures/priority_chart.py): fitted on the tuning corpora, and
judged leave one writer out.

    python -m tests.corpus.priority_chart            # LOWO: each tuning file scored with the
                                                     # model fitted on the others
    python -m tests.corpus.priority_chart --write    # fit on every tuning file and write
                                                     # sdesk/defaults/models/priority_chart.json

Each incident's features are its title's (text_model.features) and its context
(priority_chart.context_features) as the priority row finds it (tests/corpus/priority_row.py:
the rules' and earlier models' proposal with the shipped priority_high / priority_critical,
the same person's first report, the trend model's links). The label is the writer's p=N.
Four one-against-the-rest logistic regressions (C = 0.3); the priority scored highest is
the reading. Needs the `[train]` extra (scikit-learn), as learn.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

from sdesk.core.reference import Reference, load_reference
from sdesk.procedures.priority_chart import CHART, LEVELS, context_features
from sdesk.procedures.priority_fit import priority_fit, proposed_priority, reports_again
from sdesk.procedures.text_model import features

from .measure import ROOT, SETTINGS, TREND_PEOPLE, TUNING, Item, Score, _by_set, load
from .priority_row import first_reports, linked_reports, logged_priority

C = 0.3
Row = tuple[frozenset[str], int | None, int, int | None]  # features, label, logged, rules


def rows(items: list[Item], ref: Reference) -> list[Row]:
    """Each incident of `items` as the chart model reads it: (features, the writer's p= or
    None, the logged priority, the rules' proposal)."""
    firsts = first_reports(items, ref)
    links = linked_reports(items, ref, SETTINGS.priority_trend)
    out: list[Row] = []
    for group in _by_set(items).values():
        for item in (i for i in group if i.type == "incident"):
            logged = logged_priority(item, ref)
            first = firsts.get(id(item))
            own = priority_fit(item.title, "", item.vip, ref)
            others, before = links.get(id(item), ([], 0))
            read = None if first is None else (repr(first.title), priority_fit(
                first.title, "", first.vip, ref), first.title, "")
            rules = proposed_priority(item.title, "", item.vip, logged, ref, lambda r=read: r,
                                      lambda o=others, b=before: ([repr(t) for t in o], b),
                                      TREND_PEOPLE).priority
            again = reports_again(item.title)
            first_level = "nofirst" if read is None else read[1].priority
            present = features(item.title, "", ref) | context_features(
                logged, own.priority, rules, again, first_level, len(others), before, item.vip)
            label = int(item.labels["p"]) if "p" in item.labels else None
            out.append((present, label, logged, rules))
    return out


def fit(train: list[Row]) -> dict[int, tuple[dict[str, float], float]]:
    """One logistic regression per priority (that priority against the rest) on the judged
    rows: level -> (feature weights, intercept)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    judged = [r for r in train if r[1] is not None]
    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(sorted(r[0]), 1.0) for r in judged])
    names = vec.get_feature_names_out()
    out = {}
    for level in LEVELS:
        m = LogisticRegression(C=C, max_iter=1000).fit(x, [r[1] == level for r in judged])
        weights = {str(n): round(float(w), 4) for n, w in zip(names, m.coef_[0], strict=True)
                   if abs(w) >= 1e-3}
        out[level] = (weights, round(float(m.intercept_[0]), 4))
    return out


def reading(model: dict[int, tuple[dict[str, float], float]], present: frozenset[str]) -> int:
    """The priority a fitted `model` reads (priority_chart.reading, as triage)."""
    from sdesk.procedures.priority_chart import reading as chart_reading
    from sdesk.procedures.text_model import Model

    return chart_reading({level: Model(str(level), w, b, 0.5) for level, (w, b) in model.items()},
                         present)


def score(rs: list[Row], model: dict[int, tuple[dict[str, float], float]]) -> Score:
    """The priority row (priority_row.priority_row's counting) of the model's readings."""
    s = Score()
    for present, label, logged, _rules in rs:
        best = reading(model, present)
        proposed = best != logged
        if label is None:
            s.unjudged += proposed
        elif proposed:
            s.tp += best == label
            s.fp += best != label
            s.fn += best != label and label != logged
        elif label != logged:
            s.fn += 1
    return s


CHECKABLE_WRITERS = 5  # a word the evidence shows is used by at least this many writers


def checkable(files: dict[Path, list[Item]], ref: Reference) -> list[str]:
    """The words the chart model's evidence may show (priority_chart.chart_words): letters
    only, three or more, used in the titles of at least CHECKABLE_WRITERS of `files` (one
    writer each: no one writer's place, system or typo), not a place of the reference data."""
    from sdesk.procedures.lexicon import lexicon

    places = lexicon(ref).places
    writers: dict[str, int] = {}
    for items in files.values():
        seen = {w for i in items for w in _WORD.findall(
            i.title.casefold().replace("'", "").replace("\u2019", ""))}
        for w in seen:
            writers[w] = writers.get(w, 0) + 1
    return sorted(w for w, n in writers.items() if n >= CHECKABLE_WRITERS and w.isalpha()
                  and len(w) >= 3 and w not in places)


_WORD = re.compile(r"[^\W_]+")  # text_model's words


def shipped_data(data: dict[Path, list[Row]],
                 files: dict[Path, list[Item]] | None = None,
                 ref: Reference | None = None) -> dict[str, object]:
    """The JSON content of the chart model fitted on every tuning file's rows (`data`), with
    the words its evidence may show read from the same `files` (`checkable`)."""
    model = fit([r for rs in data.values() for r in rs])
    return {"name": CHART, "judgement": "incident-2 priority (proposed)",
            "method": f"one logistic regression per priority against the rest, C={C}, on the "
                      "title's features and triage's context; the highest score reads",
            "training": "make train-judgements (python -m tests.corpus.priority_chart --write)",
            "levels": {str(level): {"name": f"{CHART}_p{level}", "weights": w,
                                    "intercept": b, "threshold": 0.5}
                       for level, (w, b) in model.items()},
            "corpora": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data},
            **({"checkable": checkable(files, ref)} if files and ref else {})}

def main(argv: list[str]) -> int:
    ref = load_reference(ROOT / "reference")
    files = {p: load(p) for p in TUNING}
    data = {p: rows(items, ref) for p, items in files.items()}
    if "--write" in argv:
        out = shipped_data(data, files, ref)
        path = ROOT / "sdesk" / "defaults" / "models" / f"{CHART}.json"
        path.write_text(json.dumps(out, sort_keys=True, separators=(",", ":")) + "\n",
                        encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
        return 0
    total = Score()
    for left, rs in data.items():
        s = score(rs, fit([r for p, other in data.items() if p != left for r in other]))
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        total.unjudged += s.unjudged
        print(f"{Path(left).name:<14}{s.precision:.2f} / {s.recall:.2f}  (tp {s.tp}, fp {s.fp}, "
              f"fn {s.fn}, {s.unjudged} not judged)", flush=True)
    print(f"all {total.precision:.2f} / {total.recall:.2f}  right / wrong {total.tp} / "
          f"{total.fp}, not judged {total.unjudged}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
