"""Is ANY automatic trend rule supported leave one writer out? (issue 11, session 27)

    python -m tests.corpus.trend_auto            # the LOWO table of every candidate rule
    python -m tests.corpus.trend_auto --best     # only candidates meeting precision on EACH file

Both end with the nested choice: each family's threshold chosen on the other files alone.

The automatic trend mails the supervisor without asking (incident-6). A candidate rule links
two other people's reports "strongly" (the trend model's probability at a threshold, with or
without the same logged service, a place both name, the word rule agreeing; never a
follow-up's words: sdesk/procedures/similarity.trend_scores) and mails when the strong links
alone make a group of at least K people. It is scored as the trend row scores a trend
(tests/corpus/measure.trends: each incident in such a group is a decision, right when its
subject has at least trend_requesters people in the set), with one trend model per file left
out, fitted on the other files (tests/corpus/train.py's features and fit). An automatic rule
needs precision >= 0.95 on EACH file (not the union) and should apply on most files; a file
where a rule applies nothing is no evidence either way.

Pairs are compared as triage compares them (similarity.trend_keys: only reports that
share a service, a word or a place), incidents of other people only, within a set.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sdesk.core.reference import Reference, load_reference
from sdesk.procedures.lexicon import Words
from sdesk.procedures.pair_model import PairModel

from .measure import ROOT, TREND_PEOPLE, Item

if TYPE_CHECKING:
    from .train import Corpus

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Link:
    """Two other people's incidents of one set, as the automatic rule would see them."""

    i: int  # positions in the file's incident list
    j: int
    prob: float  # the trend model fitted without this file
    rule: float  # the word rule (judgements.same_outage), 0 for a follow-up (trend_scores)
    logged_same: bool
    place: bool
    follow_up: bool
    keyed: bool  # they share a service, a word or a place: triage compares them
    failing: bool  # both say something fails


@dataclass(frozen=True)
class Candidate:
    """An automatic rule: links at `t` (model) meeting `cond`, groups of `people` or more."""

    name: str
    people: int
    strong: Callable[[Link], bool]


def files() -> list[Path]:
    """The tuning files (train.FILES), with fresh13/fresh14 if they are not there yet."""
    from .train import FILES

    extra = [HERE / f"{n}.txt" for n in ("fresh13", "fresh14")]
    return list(FILES) + [p for p in extra if p not in FILES and p.exists()]


def _keys(w: Words) -> set[str]:
    """As similarity.trend_keys: services, words (not the failure token), places."""
    return {t for t in w.tokens if not t.startswith("!")} | {"^" + p for p in w.places}


def fit_trend(corpora: list[Corpus], ref: Reference, cache: dict[str, Words]) -> PairModel:
    """The trend model fitted on `corpora` (train.train's trend half, without thresholds)."""
    from .train import document_frequencies, fit, rows

    idf, default = document_frequencies(corpora, ref)
    weights, intercept, scale = fit(rows(corpora, idf, default, ref, cache))
    return PairModel(weights, intercept, scale, idf, default, {}, {})


def links(items: list[Item], model: PairModel, ref: Reference, cache: dict[str, Words]
          ) -> tuple[list[Item], list[Link]]:
    """The file's incidents and every comparable pair of other people's within a set."""
    from sdesk.procedures.similarity import trend_scores

    from .train import _text

    incidents = [x for x in items if x.type == "incident"]
    texts = [model.read(x.title, _text(x, ref, cache).words, x.service) for x in incidents]
    out = []
    for i, j in itertools.combinations(range(len(incidents)), 2):
        a, b = incidents[i], incidents[j]
        if a.set_no != b.set_no or a.person == b.person:
            continue
        f = model.score(texts[i], texts[j]).features
        prob, rule = trend_scores(texts[i], texts[j], model)  # as triage: its vetoes
        follow = bool(f["follow_up"])
        out.append(Link(i, j, prob, rule,
                        bool(f["logged_same"]), bool(f["place_shared"]), follow,
                        bool(_keys(texts[i].words) & _keys(texts[j].words)),
                        bool(f["both_failing"])))
    return incidents, out


@dataclass
class Applied:
    """One candidate on one file: incidents mailed about (right / wrong) and mails (groups)."""

    tp: int = 0
    fp: int = 0
    groups: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None


def apply(incidents: list[Item], found: list[Link], cand: Candidate) -> Applied:
    """What the automatic mail would be: groups of strong links of >= cand.people people; each
    member is right when its subject has >= TREND_PEOPLE people in its set (measure.trends)."""
    parent = list(range(len(incidents)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for link in found:
        if link.keyed and cand.strong(link):
            parent[root(link.i)] = root(link.j)
    members: dict[int, list[int]] = {}
    for i in range(len(incidents)):
        members.setdefault(root(i), []).append(i)
    out = Applied()
    for group in members.values():
        if len({incidents[i].person for i in group}) < cand.people:
            continue
        out.groups += 1
        for i in group:
            x = incidents[i]
            truth = {y.person for y in incidents if y.set_no == x.set_no and y.subject == x.subject}
            out.tp += len(truth) >= TREND_PEOPLE
            out.fp += len(truth) < TREND_PEOPLE
    return out


CONDITIONS: dict[str, Callable[[Link], bool]] = {
    "": lambda k: True,
    "no follow-up": lambda k: not k.follow_up,
    "same logged service": lambda k: k.logged_same and not k.follow_up,
    "same place": lambda k: k.place and not k.follow_up,
    "word rule >= 0.5": lambda k: k.rule >= 0.5,
    "word rule >= 0.8": lambda k: k.rule >= 0.8,
}
PEOPLE = (3, 4, 5)


def model_rule(t: float, people: int, cname: str) -> Candidate:
    """The trend model at `t` with condition `cname` of CONDITIONS, groups of `people`."""
    cond = CONDITIONS[cname]
    return Candidate(f"model >= {t}{', ' + cname if cname else ''}, {people} people", people,
                     lambda k: k.prob >= t and cond(k))


def candidates() -> Iterator[Candidate]:
    """The word rule as shipped, then the model at high thresholds with each extra condition."""
    for people in PEOPLE:
        yield Candidate(f"word rule >= 0.8, {people} people", people, lambda k: k.rule >= 0.8)
    for t in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99):
        for people in PEOPLE:
            for cname in CONDITIONS:
                yield model_rule(t, people, cname)


NESTED = tuple(round(0.5 + 0.01 * i, 2) for i in range(50))


def nested(found: dict[str, tuple[list[Item], list[Link]]]) -> list[str]:
    """Each family's threshold chosen WITHOUT the file it is measured on: the lowest of NESTED
    from which precision >= 0.95 holds on each other file at every higher threshold (as
    tests/corpus/train.choose chooses an automatic threshold; none when nothing ever applies),
    then measured on the file left out. One line per family: per file the chosen threshold's
    precision (incidents mailed), the worst file, the files it applied on."""
    names = list(found)
    lines = []
    for cname in CONDITIONS:
        for people in PEOPLE:
            got = {n: {t: apply(*found[n], model_rule(t, people, cname)) for t in NESTED}
                   for n in names}
            cells = []
            for n in names:
                chosen = None
                for t in reversed(NESTED):
                    if any((got[m][t].precision or 1.0) < 0.95 for m in names if m != n):
                        break
                    if any(got[m][t].tp for m in names if m != n):
                        chosen = t
                cells.append(got[n][chosen] if chosen is not None else Applied())
            lines.append(_line(f"model, {cname or 'no condition'}, {people} people, nested",
                               cells))
    return lines


def _line(name: str, got: list[Applied]) -> str:
    precs = [g.precision for g in got if g.precision is not None]
    worst = f"{min(precs):.2f}" if precs else "-"
    cells = "".join(f"{'-':>10}" if g.precision is None else
                    f"{g.precision:>5.2f} ({g.tp + g.fp:>2})" for g in got)
    mean_n = sum(g.tp + g.fp for g in got) / len(got)
    return f"{name:<52}{cells}   {worst:>5}  {len(precs):>2}/{len(got)}  {mean_n:6.1f}"


def lowo_links(ref: Reference) -> dict[str, tuple[list[Item], list[Link]]]:
    """Per file: its incidents and links scored by the trend model fitted on the others."""
    from .train import read

    cache: dict[str, Words] = {}
    paths = files()
    corpora = [read(p, ref, cache) for p in paths]
    out = {}
    for k, (path, items, _) in enumerate(corpora):
        model = fit_trend([c for i, c in enumerate(corpora) if i != k], ref, cache)
        out[path.name] = links(items, model, ref, cache)
        print(f"  fitted without {path.name}", file=sys.stderr)
    return out


def table(found: dict[str, tuple[list[Item], list[Link]]], best: bool = False) -> list[str]:
    """One line per candidate: per file precision (incidents mailed), the worst file, how many
    files it applied on, the mean number of incidents mailed per file."""
    names = list(found)
    lines = [f"{'candidate':<52}" + "".join(f"{n.removesuffix('.txt'):>10}" for n in names)
             + "   worst  files  mean n"]
    for cand in candidates():
        got = [apply(*found[n], cand) for n in names]
        precs = [g.precision for g in got if g.precision is not None]
        if best and (not precs or min(precs) < 0.95):
            continue
        lines.append(_line(cand.name, got))
    return lines


def main(argv: list[str]) -> int:
    ref = load_reference(ROOT / "reference")
    found = lowo_links(ref)
    print("\n".join(table(found, best="--best" in argv)))
    print("\nthe threshold chosen on the other files (nested), measured on the file left out")
    print("\n".join(nested(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
