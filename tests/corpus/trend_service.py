"""Do incidents awaiting a service, and a rejected service proposal's word, belong in trend
grouping? (incident-6, session 30)

    python -m tests.corpus.trend_service                 # the nineteen tuning files
    python -m tests.corpus.trend_service fresh5.txt      # some of them

An incident logged without a service is handed back `needs-service` (incident-1) and triage
proposes the service its title names; it stays an open incident, so other reports' trend groups
count it, and a rejected proposal leaves its title's words (the service word among them) as
trend keys and shared evidence. Three ways, each scored as the trend row scores a trend
(tests/corpus/measure.trends, the proposal row, as `judge` builds it):

  now       every incident takes part (what triage does);
  apart     an incident logged without a service takes no part until it has one (out of every
            group, and not in a trend itself);
  rejected  a service proposal the dispatcher would reject has its service's words taken out of
            the incident's reading (keys, shared words, the pair model's reading): the corpora
            hold no dispatcher's decisions, so a proposal counts as rejected when the title
            names exactly one service (two_problems.service_hint) and the incidents of the same
            subject that log a service log another one (the most logged).

Each line gives the row on every incident, and on the incidents logged with a service only
(those triage itself proposes a trend on: a needs-service incident is handed back first).
Reads only the files it is given, or tickets.txt and fresh.txt ... fresh18.txt.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sdesk.procedures.lexicon import Words, words
from sdesk.procedures.pair_model import Text, shipped
from sdesk.procedures.similarity import trend_scores
from sdesk.procedures.two_problems import service_hint

from . import measure as m

HERE = Path(__file__).parent
FILES = ["tickets.txt", "fresh.txt", *(f"fresh{i}.txt" for i in range(2, 19))]
WAYS = ("now", "apart", "rejected")


def without(w: Words, service: str) -> Words:
    """`w` without the words naming `service` (its tokens and its "@service" key)."""
    gone = {t for t, s in w.named if s == service} | {"@" + service}
    return dataclasses.replace(w, tokens=frozenset(w.tokens - gone),
                               objects=frozenset(w.objects - gone),
                               named=tuple((t, s) for t, s in w.named if s != service))


def rejections(incidents: list[m.Item], ref: m.Reference) -> dict[int, str]:
    """id(item) -> the proposed service the dispatcher would reject (module docstring)."""
    logged: dict[str, Counter[str]] = {}
    for i in incidents:
        if i.service:
            logged.setdefault(i.subject, Counter())[i.service] += 1
    out: dict[int, str] = {}
    for i in incidents:
        if i.service or i.subject not in logged:
            continue
        proposed, _ = service_hint("ID", i.title, ref)
        if proposed and proposed != logged[i.subject].most_common(1)[0][0]:
            out[id(i)] = proposed
    return out


def scorer(reading: Callable[[m.Item], Words]) -> m.Scores:
    """measure.trend_scorer, the items read by `reading`."""
    model = shipped("trend")
    read: dict[tuple[str, str], Text] = {}
    found: dict[tuple[str, str, str, str], tuple[float, float]] = {}

    def scores(a: m.Item, b: m.Item) -> tuple[float, float]:
        key = (a.title, a.service, b.title, b.service)
        if key not in found:
            ta, tb = (read.setdefault((x.title, x.service), model.read(
                x.title, reading(x), x.service)) for x in (a, b))
            found[key] = trend_scores(ta, tb, model)
        return found[key]

    return scores


def score(items: list[m.Item], way: str) -> tuple[m.Score, m.Score, int]:
    """The trend row on every incident and on those logged with a service, and how many
    proposals count as rejected."""
    ref = m._reference()
    incidents = [i for i in items if i.type == "incident"]
    rejected = rejections(incidents, ref) if way == "rejected" else {}

    def reading(x: m.Item) -> Words:
        w = words(x.title, ref)
        return without(w, rejected[id(x)]) if id(x) in rejected else w

    m._WORDS.clear()  # measure reads titles through this cache: the rejected ones stripped
    for i in incidents:
        if id(i) in rejected:
            m._WORDS[i.title] = reading(i)
    same = m.model_matcher(ref, "trend", m.SETTINGS.trend_similarity, m.SETTINGS.auto_trend)
    own = m.model_matcher(ref, "person", m.THRESHOLD, m.ONLY_MODEL)
    scores = scorer(reading) if rejected else m.trend_scorer(ref)
    every, logged = m.Score(), m.Score()
    for group in m._by_set(items).values():
        mine = [i for i in group if i.type == "incident"]
        members = [i for i in mine if i.service] if way == "apart" else mine
        root = dict(zip(map(id, members), m.trend_roots(members, same, own, scores),
                        strict=True))
        for item in mine:
            truth = len({x.person for x in mine if x.subject == item.subject}) >= m.TREND_PEOPLE
            people = {x.person for x in members if root[id(x)] == root.get(id(item))}
            predicted = id(item) in root and len(people) >= m.TREND_PEOPLE
            every.add(predicted, truth)
            if item.service:
                logged.add(predicted, truth)
    m._WORDS.clear()
    return every, logged, len(rejected)


def _line(name: str, way: str, every: m.Score, logged: m.Score, rejected: int) -> str:
    def cell(s: m.Score) -> str:
        return f"{s.precision:.2f}/{s.recall:.2f} (tp {s.tp} fp {s.fp} fn {s.fn})"

    return (f"{name:<12} {way:<9} every incident {cell(every)}   logged with a service "
            f"{cell(logged)}   rejected {rejected}")


def main(argv: list[str]) -> int:
    totals = {way: (m.Score(), m.Score(), [0]) for way in WAYS}
    for name in argv or FILES:
        items = m.load(HERE / name)
        for way in WAYS:
            every, logged, rejected = score(items, way)
            print(_line(name, way, every, logged, rejected), flush=True)
            for total, one in zip(totals[way][:2], (every, logged), strict=True):
                total.tp, total.fp, total.fn = (total.tp + one.tp, total.fp + one.fp,
                                                total.fn + one.fn)
            totals[way][2][0] += rejected
    for way, (every, logged, rejected) in totals.items():
        print(_line("all", way, every, logged, rejected[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
