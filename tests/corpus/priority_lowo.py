"""The priority row (incident-2) as triage reads it by default -- the chart model with its guard
rails (sdesk/procedures/priority_chart.py) -- judged leave one writer out (LOWO) on the tuning
files: each file is read by the chart model fitted on the other files, and scored as the
corpus measure scores it (tests/corpus/priority_row.py).

    python -m tests.corpus.priority_lowo              # per file, worst / mean recall, totals
    python -m tests.corpus.priority_lowo --markdown   # the same as a docs/triage.md table
    python -m tests.corpus.priority_lowo --idea=NAME  # with one of IDEAS (session 37; the
                                                      # logged-penalty-* curve: session 39)
    python -m tests.corpus.priority_lowo --cache ...  # keep each fold's fit under /tmp
    python -m tests.corpus.priority_lowo --errors=fresh31  # that file's misses, read by the
                                                      # fold fitted without it, each classed

Unlike `python -m tests.corpus.priority_chart` (the model's bare reading, no guard rail), this
is the whole of chart_priority: a guard rail's reading stands (`guard_rail`), the rules'
evidence stands where the model agrees with them, the logged priority read means no proposal,
and a bare follow-up takes its first report's standing (session 37: the proposal triage made
on the first report, read by the same fold's model, as a batch triages the first report
before its follow-up). The rules' words were read from every tuning file, so their part is a
tuning figure; only the chart model is re-fitted per fold. The trend links come from the
shipped pair model. Needs the `[train]` extra (scikit-learn). About 5-10 minutes on 2 cores.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sdesk.core.reference import Reference, load_reference
from sdesk.procedures.priority_chart import bare_follow_up, context_features, guard_rail
from sdesk.procedures.priority_fit import priority_fit, proposed_priority, reports_again
from sdesk.procedures.text_model import features

from .measure import ROOT, SETTINGS, TREND_PEOPLE, TUNING, Item, Score, _by_set, load
from .priority_chart import fit, reading
from .priority_row import first_reports, linked_reports, logged_priority


@dataclass(frozen=True)
class Read:
    """What the chart model and its guard rails know of one incident of a file."""

    title: str
    words: frozenset[str]  # text_model.features of the title
    label: int | None  # the writer's p=N, None when not judged
    logged: int
    own: int | None  # the rules' reading of its own words
    rules: int | None  # the rules' and earlier models' proposal
    again: bool
    first_level: int | str | None  # its first report's text reading ("nofirst": none found)
    first: int | None  # the index (in the file's list) of its first report, if any
    people: int
    before: int
    vip: bool
    guard: bool  # a guard rail keeps the rules' reading (priority_chart.guard_rail)
    bare: bool  # a bare follow-up (priority_chart.bare_follow_up)


def read_file(items: list[Item], ref: Reference) -> list[Read]:
    """Each incident of `items` as chart_priority reads it, in opening order per set."""
    firsts = first_reports(items, ref)
    links = linked_reports(items, ref, SETTINGS.priority_trend)
    out: list[Read] = []
    index: dict[int, int] = {}
    for group in _by_set(items).values():
        for item in (i for i in group if i.type == "incident"):
            logged = logged_priority(item, ref)
            first = firsts.get(id(item))
            own = priority_fit(item.title, "", item.vip, ref)
            others, before = links.get(id(item), ([], 0))
            said = None if first is None else (repr(first.title), priority_fit(
                first.title, "", first.vip, ref), first.title, "")
            rules = proposed_priority(item.title, "", item.vip, logged, ref, lambda r=said: r,
                                      lambda o=others, b=before: ([repr(t) for t in o], b),
                                      TREND_PEOPLE)
            again = reports_again(item.title)
            index[id(item)] = len(out)
            out.append(Read(
                item.title, features(item.title, "", ref),
                int(item.labels["p"]) if "p" in item.labels else None, logged, own.priority,
                rules.priority, again, "nofirst" if said is None else said[1].priority,
                None if first is None else index.get(id(first)), len(others), before, item.vip,
                guard_rail(item.title, "", logged, again, rules) is not None,
                again and bare_follow_up(item.title)))
    return out


Context = Callable[[Read], frozenset[str]]


def shipped_context(r: Read) -> frozenset[str]:
    """The shipped context features (priority_chart.context_features)."""
    return context_features(r.logged, r.own, r.rules, r.again, r.first_level, r.people,
                            r.before, r.vip)


@dataclass(frozen=True)
class Idea:
    """A way to read the rows: the context features, and an offset added to each level's
    regression score before the highest is taken (0 for the shipped reading)."""

    context: Context = shipped_context
    offsets: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    standing: bool = True  # a bare follow-up takes its first report's proposal (session 37)
    rules_stand: bool = False  # the model reading the logged priority keeps the rules' proposal
    many_stand: int = 0  # with N people reporting it, that reading keeps the rules' P2 (38)
    logged_penalty: float = 0.0  # subtracted from the logged level's score (session 39)


Model = dict[int, tuple[dict[str, float], float]]


def present(r: Read, idea: Idea) -> frozenset[str]:
    return r.words | idea.context(r)


def proposals(rs: list[Read], model: Model, idea: Idea) -> list[int | None]:
    """chart_priority's proposal (None: nothing) for each row of one file, in order."""
    import math

    out: list[int | None] = []
    for r in rs:
        if r.guard:
            got = r.rules
            if r.bare and idea.standing and r.first is not None and out[r.first] is not None:
                got = out[r.first]  # the first report's pending proposal stands
        else:
            feats = present(r, idea)
            if any(idea.offsets) or idea.logged_penalty:
                scored = {lvl: b + math.fsum(w.get(f, 0.0) for f in feats) + idea.offsets[lvl - 1]
                          - (idea.logged_penalty if lvl == r.logged else 0.0)
                          for lvl, (w, b) in model.items()}
                best = max(scored, key=lambda lvl: (scored[lvl], -lvl))
            else:
                best = reading(model, feats)
            if best == r.logged and idea.rules_stand and r.rules is not None:
                best = r.rules  # idea 2: the model cannot veto the rules' proposal
            if (best == r.logged and idea.many_stand and r.people + 1 >= idea.many_stand
                    and r.rules == 2 and r.logged >= 3):
                best = 2  # session 38: "many users" (the chart's P2) is not vetoed
            got = r.rules if best == r.rules else None if best == r.logged else best
        out.append(None if got == r.logged else got)
    return out


def score(rs: list[Read], model: Model, idea: Idea) -> Score:
    """The priority row's counting (priority_row.priority_row) of one file's proposals."""
    s = Score()
    for r, got in zip(rs, proposals(rs, model, idea), strict=True):
        if r.label is None:
            s.unjudged += got is not None
        elif got is not None:
            s.tp += got == r.label
            s.fp += got != r.label
            s.fn += got != r.label and r.label != r.logged
        elif r.label != r.logged:
            s.fn += 1
    return s


def training(rs: list[Read], idea: Idea) -> list[tuple[frozenset[str], int | None, int, None]]:
    return [(present(r, idea), r.label, r.logged, None) for r in rs]


_FOLDS: dict[tuple[Context, Path], Model] = {}  # ideas reading the same features share fits


def lowo(data: dict[Path, list[Read]], idea: Idea = Idea()) -> dict[str, Score]:
    """Each file's Score with the chart model fitted on the other files' rows (one fit per
    file and context: ideas that differ only in how they decide share it)."""
    out: dict[str, Score] = {}
    for left, rs in data.items():
        key = (idea.context, left)
        if key not in _FOLDS:
            train = [row for p, other in data.items() if p != left
                     for row in training(other, idea)]
            _FOLDS[key] = _cached_fit(idea.context, left, train)
            print(f"  fitted without {left.name}", file=sys.stderr, flush=True)
        out[left.name] = score(rs, _FOLDS[key], idea)
    return out


CACHE = Path("/tmp") / "sdesk-priority-lowo"  # fold fits kept between runs (--cache)


def _cached_fit(context: Context, left: Path, train: list[tuple[object, ...]]) -> Model:
    """fit(train), kept under CACHE with --cache (keyed by the context, the file left out
    and a digest of the training rows), so a later run of other decision ideas re-fits nothing."""
    import hashlib
    import json

    if not USE_CACHE[0]:
        return fit(train)  # type: ignore[arg-type]
    digest = hashlib.sha256(repr([(sorted(r[0]), r[1], r[2])  # type: ignore[call-overload]
                                  for r in train]).encode()).hexdigest()[:16]
    path = CACHE / f"{context.__name__}-{left.stem}-{digest}.json"
    if path.exists():
        return {int(k): (w, b) for k, (w, b) in json.loads(path.read_text()).items()}
    model = fit(train)  # type: ignore[arg-type]
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps(model))
    return model


USE_CACHE = [False]


def miss_class(r: Read, got: int | None) -> str:
    """The class of one miss (session 38): the writer's level against the logged one, what was
    proposed, and which part of chart_priority decided it."""
    assert r.label is not None
    move = "up" if r.label < r.logged else "down" if r.label > r.logged else "same"
    said = "nothing" if got is None else f"P{got}"
    why = ("a guard rail" if r.guard else "the rules' proposal" if got is not None and
           got == r.rules else "the model read the logged" if got is None else "the model")
    return (f"P{r.logged}->P{r.label} ({move}), proposed {said}, by {why}"
            f"{', reported by others' if r.people else ''}{', a follow-up' if r.again else ''}")


def errors(rs: list[Read], model: Model, idea: Idea) -> list[tuple[str, str]]:
    """Each miss of one file's rows as (class, title): a mismatch not found (fn) or a wrong
    proposal (fp), as `score` counts them."""
    out = []
    for r, got in zip(rs, proposals(rs, model, idea), strict=True):
        if r.label is not None and got != r.label and (got is not None or r.label != r.logged):
            out.append((f"{'fp' if got is not None else 'fn'}: {miss_class(r, got)}", r.title))
    return out


def summary(scores: dict[str, Score]) -> tuple[float, float, float, int, int, int]:
    """(worst recall, mean recall, mean precision, right, wrong, proposals not judged)."""
    recalls = [s.recall for s in scores.values()]
    return (min(recalls), sum(recalls) / len(recalls),
            sum(s.precision for s in scores.values()) / len(scores),
            sum(s.tp for s in scores.values()), sum(s.fp for s in scores.values()),
            sum(s.unjudged for s in scores.values()))


def _monotone_people(r: Read) -> frozenset[str]:
    """Idea 1 (session 37): how many people report it read as "at least N" (people>=1..3,
    before>=1..2) beside the shipped one-hot counts, so more people never weigh less."""
    more = {f"people>={n}" for n in (1, 2, 3) if r.people >= n}
    more |= {f"before>={n}" for n in (1, 2) if r.before >= n}
    return shipped_context(r) | frozenset(more)


IDEAS: dict[str, Idea] = {
    "shipped": Idea(),
    "no-standing": Idea(standing=False),  # before fix 3b: a bare follow-up keeps the rules'
    "monotone-people": Idea(context=_monotone_people),
    "rules-stand": Idea(rules_stand=True),
    "offset-p2": Idea(offsets=(0.0, 0.25, 0.0, 0.0)),
    "offset-p1p2": Idea(offsets=(0.25, 0.25, 0.0, 0.0)),
    "many-users-stand": Idea(many_stand=TREND_PEOPLE),  # session 38, idea 2
    **{f"logged-penalty-{d}": Idea(logged_penalty=float(d))  # session 39: the trade-off curve
       for d in ("0.25", "0.5", "0.75", "1", "1.5", "2", "3", "100")},
}


def _errors(data: dict[Path, list[Read]], idea: Idea, stems: list[str]) -> int:
    """Print the misses of the files `stems` name ("all": every file, classes only), each read
    by the fold fitted without it, then the count of each class."""
    found: list[tuple[str, str]] = []
    for left in (p for p in data if "all" in stems or p.stem in stems):
        model = _cached_fit(idea.context, left, [row for p, other in data.items() if p != left
                                                 for row in training(other, idea)])
        mine = errors(data[left], model, idea)
        found += mine
        for what, title in ([] if "all" in stems else sorted(mine)):
            print(f"{left.stem}: {what}: {title!r}")
    print("## classes\n" + "".join(f"{n:>5}  {c}\n" for c, n in sorted(
        Counter(c for c, _ in found).items(), key=lambda x: (-x[1], x[0]))), end="")
    return 0


def main(argv: list[str]) -> int:
    names = [a.partition("=")[2] for a in argv if a.startswith("--idea=")] or ["shipped"]
    USE_CACHE[0] = "--cache" in argv
    unknown = [n for n in names if n not in IDEAS]
    if unknown:
        print(f"priority_lowo: unknown idea {unknown[0]!r}; one of {', '.join(IDEAS)}")
        return 1
    ref = load_reference(ROOT / "reference")
    data = {p: read_file(load(p), ref) for p in TUNING}
    print(f"read {len(data)} files", file=sys.stderr, flush=True)
    order = list(data)[::-1] if "--reverse" in argv else []  # a second process fits the
    for left in order:  # other end's folds first (with --cache: each fold fitted once)
        if USE_CACHE[0]:
            idea = IDEAS[names[0]]
            _cached_fit(idea.context, left, [row for p, other in data.items() if p != left
                                              for row in training(other, idea)])
            print(f"  fitted without {left.name}", file=sys.stderr, flush=True)
    stems = [a.partition("=")[2] for a in argv if a.startswith("--errors=")]
    if stems:  # --errors=fresh31 --errors=fresh32, or --errors=all (the classes only)
        return _errors(data, IDEAS[names[0]], stems)
    for name in names:
        scores = lowo(data, IDEAS[name])
        worst, mean, prec, right, wrong, unjudged = summary(scores)
        print(f"## {name}")
        if "--markdown" in argv:
            print("| file | precision / recall | right / wrong | not judged |\n|---|---|---|---|")
            for f, s in scores.items():
                print(f"| {f} | {s.precision:.2f} / {s.recall:.2f} | {s.tp} / {s.fp} | "
                      f"{s.unjudged} |")
        else:
            for f, s in scores.items():
                print(f"{f:<14}{s.precision:.2f} / {s.recall:.2f}  (tp {s.tp}, fp {s.fp}, "
                      f"fn {s.fn}, {s.unjudged} not judged)")
        print(f"{name}: worst recall {worst:.2f}, mean recall {mean:.2f}, mean precision "
              f"{prec:.2f}, right / wrong {right} / {wrong}, not judged {unjudged}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
