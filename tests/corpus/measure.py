"""Precision and recall of triage's judgements on the labelled corpora.

    python -m tests.corpus.measure               # each of the thirty-five tuning files in turn
    python -m tests.corpus.measure --fresh3      # one of them (--tickets or --tune, --fresh...)
    python -m tests.corpus.measure --file PATH   # any corpus file in this format
    python -m tests.corpus.measure --cross       # the thirty-five side by side, and leave one
                                                 # writer out: everything chosen from data is
                                                 # chosen on thirty-four files, measured on the last
    python -m tests.corpus.measure --file PATH --compare  # similarity methods side by side
    python -m tests.corpus.measure --file PATH --errors   # every miss (also with --cross)
    python -m tests.corpus.measure --file PATH --rules    # priority read by the rules alone
                                                          # (chart_priority = false)
    python -m tests.corpus.measure --groups      # trends as groups: outages split, groups
                                                 # mixed, B-cubed (tests/corpus/group_row.py)
    python -m tests.corpus.measure --per-ticket  # two problems and on site alone (session 40)

The thirty-five files here (tickets.txt, fresh.txt, fresh2.txt ... fresh34.txt: about 11,000
tickets by thirty-five writers) have all been read while tuning: every figure they give is a
TUNING figure, and only the leave-one-writer-out figure of `--cross` (chosen on thirty-four,
measured on the thirty-fifth) is the one methods and thresholds are chosen by.
(fresh17.txt/fresh18.txt joined in session 30, their priority and on-site misses read for the
second-labeller study, tests/corpus/agree.py; fresh19.txt/fresh20.txt in session 31,
fresh21.txt/fresh22.txt in session 33, fresh23.txt to fresh26.txt in session 34,
fresh27.txt/fresh28.txt in session 35, fresh29.txt/fresh30.txt in session 37,
fresh31.txt/fresh32.txt in session 38, fresh33.txt/fresh34.txt in session 40 (session 40's
new blind pair, fresh35/fresh36, is the held-out one), each pair
after its held-out measurement; the learned models are fitted on FITTED, the first
twenty-three, and tests/corpus/train.py, the chart model, and since session 40 the on-site
model on all of TUNING, learn.py's Spec.files.) A held-out
figure comes only from a file written blind and measured once (`--file`) with the methods
frozen; this module never opens a file but the thirty-five in TUNING and the one `--file`
names.

History: tickets.txt was written for tuning; fresh.txt (session 20), fresh2.txt (session 21)
fresh3.txt/fresh4.txt (measured once held out in session 21), fresh5.txt/fresh6.txt (session
22), fresh7.txt/fresh8.txt (session 23) and fresh9.txt/fresh10.txt (session 24), fresh11.txt/fresh12.txt
(session 25), fresh13.txt/fresh14.txt (session 26), fresh15.txt/fresh16.txt (session 27),
fresh17.txt/fresh18.txt (session 29), fresh19.txt/fresh20.txt (session 30) and
fresh21.txt/fresh22.txt (session 31, measured once at the start of session 32; docs/triage.md)
and fresh23.txt/fresh24.txt (session 33, measured once at its end) were each written blind,
measured once, then read. Pairs are judged within a set (a set is one stretch of time, like one
morning's queue).
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sdesk.core.reference import Reference, load_reference
from sdesk.procedures.judgements import one_person, same_outage, similarity
from sdesk.procedures.lexicon import Words, words
from sdesk.procedures.pair_model import PairModel
from sdesk.procedures.request_kind import kind_judged
from sdesk.procedures.similarity import TriageSettings
from sdesk.procedures.text_model import Model
from sdesk.procedures.two_problems import problems_judged

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
CORPUS = HERE / "tickets.txt"  # written for tuning
FRESH = HERE / "fresh.txt"  # written blind; tuning data since session 20
FRESH2 = HERE / "fresh2.txt"  # written blind; tuning data since session 21
FRESH3 = HERE / "fresh3.txt"  # written blind, measured once in session 21; tuning since 22
FRESH4 = HERE / "fresh4.txt"  # written blind, measured once in session 21; tuning since 22
FRESH5 = HERE / "fresh5.txt"  # written blind, measured once in session 22; tuning since 23
FRESH6 = HERE / "fresh6.txt"  # written blind, measured once in session 22; tuning since 23
FRESH7 = HERE / "fresh7.txt"  # written blind, measured once in session 23; tuning since 24
FRESH8 = HERE / "fresh8.txt"  # written blind, measured once in session 23; tuning since 24
FRESH9 = HERE / "fresh9.txt"  # written blind, measured once in session 24; tuning since 25
FRESH10 = HERE / "fresh10.txt"  # written blind, measured once in session 24; tuning since 25
FRESH11 = HERE / "fresh11.txt"  # written blind, measured once in session 25; tuning since 26
FRESH12 = HERE / "fresh12.txt"  # written blind, measured once in session 25; tuning since 26
FRESH13 = HERE / "fresh13.txt"  # written blind, measured once in session 26; tuning since 27
FRESH14 = HERE / "fresh14.txt"  # written blind, measured once in session 26; tuning since 27
FRESH15 = HERE / "fresh15.txt"  # written blind, measured once in session 27; tuning since 28
FRESH16 = HERE / "fresh16.txt"  # written blind, measured once in session 27; tuning since 28
FRESH17 = HERE / "fresh17.txt"  # written blind, measured once in session 29; tuning since 30
FRESH18 = HERE / "fresh18.txt"  # written blind, measured once in session 29; tuning since 30
FRESH19 = HERE / "fresh19.txt"  # written blind, measured once in session 30; tuning since 31
FRESH20 = HERE / "fresh20.txt"  # written blind, measured once in session 30; tuning since 31
FRESH21 = HERE / "fresh21.txt"  # written blind in session 31, measured once in 32; tuning since 33
FRESH22 = HERE / "fresh22.txt"  # written blind in session 31, measured once in 32; tuning since 33
FRESH23 = HERE / "fresh23.txt"  # written blind in session 33, measured once in 33; tuning since 34
FRESH24 = HERE / "fresh24.txt"  # written blind in session 33, measured once in 33; tuning since 34
FRESH25 = HERE / "fresh25.txt"  # written blind in session 34, measured once in 34; tuning since 34
FRESH26 = HERE / "fresh26.txt"  # written blind in session 34, measured once in 34; tuning since 34
FRESH27 = HERE / "fresh27.txt"  # written blind in session 34, measured once in 34; tuning since 35
FRESH28 = HERE / "fresh28.txt"  # written blind in session 34, measured once in 34; tuning since 35
FRESH29 = HERE / "fresh29.txt"  # written blind in session 35, measured held out in 35; tuning since 37
FRESH30 = HERE / "fresh30.txt"  # written blind in session 35, measured held out in 35; tuning since 37
FRESH31 = HERE / "fresh31.txt"  # written blind in session 37, measured held out in 37; tuning since 38
FRESH32 = HERE / "fresh32.txt"  # written blind in session 37, measured held out in 37; tuning since 38
FRESH33 = HERE / "fresh33.txt"  # written blind in session 38, measured held out in 38; tuning since 40
FRESH34 = HERE / "fresh34.txt"  # written blind in session 38, measured held out in 38; tuning since 40
# one writer each; nothing else is read here
TUNING = (CORPUS, FRESH, FRESH2, FRESH3, FRESH4, FRESH5, FRESH6, FRESH7,
          FRESH8, FRESH9, FRESH10, FRESH11, FRESH12, FRESH13, FRESH14, FRESH15, FRESH16,
          FRESH17, FRESH18, FRESH19, FRESH20, FRESH21, FRESH22, FRESH23, FRESH24,
          FRESH25, FRESH26, FRESH27, FRESH28, FRESH29, FRESH30, FRESH31, FRESH32, FRESH33,
          FRESH34)
# The files the shipped learned models are fitted on (learn.py, priority_learn.py,
# on_site_row.py; train.py names its own): the first twenty-three of TUNING, re-fitted in
# session 33 once fresh21/fresh22 joined it after their one held-out measurement. fresh23 and
# fresh24 joined TUNING in session 34 without a re-fit (as fresh17/fresh18 did in session 30):
# their misses were read for the rules, and the models that shipped are the ones session 34's
# held-out files (fresh25.txt, fresh26.txt) were measured with; `python -m
# tests.corpus.priority_learn` fits on FITTED and `--also=` adds files to a fold experiment.
# Session 40: the on-site model is fitted on all of TUNING (learn.py's Spec.files), as
# judgement_lowo measures a model fitted on all but the file left out.
FITTED = TUNING[:23]
SETS = {"tune": CORPUS, "test": FRESH, "test2": FRESH2}  # the old names (figures("tune"))
SETTINGS = TriageSettings()  # the defaults of sdesk.toml [triage]
ONLY_MODEL = 2.0  # a word-rule threshold no score reaches: the model alone decides
THRESHOLD = SETTINGS.similarity
TREND_PEOPLE = SETTINGS.trend_requesters
_MAPPED = re.compile(r"([\w.-]+)\s*=\s*([\w.+-]+@[\w.-]+)")  # "# m-cio = cio@omes.ok.gov"


@dataclass
class Item:
    set_no: int
    type: str  # incident | request
    person: str
    service: str
    title: str
    subject: str
    labels: dict[str, str] = field(default_factory=dict)
    vip: bool = False  # the person is on reference/vip.toml (as triage knows from the e-mail)


@functools.cache
def _vip_emails() -> frozenset[str]:
    data = tomllib.loads((ROOT / "reference" / "vip.toml").read_text(encoding="utf-8"))
    return frozenset(v["email"].lower() for v in data.get("vip", ()))


def vip_persons(header: Iterable[str]) -> frozenset[str]:
    """The persons that stand for a VIP of reference/vip.toml: mapped to a VIP's e-mail in the
    file's header comments ("# m-dps-commish = commissioner@dps.ok.gov"), or named as a VIP
    e-mail's local part ("cio", "omes.director": tickets.txt, fresh.txt). Until session 23 only
    "cio" counted, so the VIPs of fresh2.txt-fresh6.txt were scored as ordinary requesters."""
    emails = _vip_emails()
    mapped = {m.group(1) for line in header for m in _MAPPED.finditer(line)
              if m.group(2).lower().rstrip(".") in emails}
    return frozenset(mapped | {e.split("@")[0] for e in emails})


def load(path: Path = CORPUS) -> list[Item]:
    items: list[Item] = []
    set_no = -1
    lines = path.read_text(encoding="utf-8").splitlines()
    vips = vip_persons(line for line in lines if line.startswith("#"))
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@set"):
            set_no += 1
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 6 or parts[0] not in ("I", "R"):
            raise ValueError(f"{path.name}:{n}: expected 6 fields: {line!r}")
        labels = dict(pair.split("=", 1) for pair in parts[5].split())
        items.append(Item(set_no, "incident" if parts[0] == "I" else "request", parts[1],
                          parts[2], parts[3], parts[4], labels, parts[1] in vips))
    return items


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)  # "fp: ..." / "fn: ..." (--errors)
    unjudged: int = 0  # proposals on tickets the writer did not judge (the priority row)
    note: str = ""  # said after the figures ("off by default": what it would apply if on)

    def add(self, predicted: bool, actual: bool, what: str = "") -> None:
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted
        if predicted != actual:
            self.misses.append(f"{'fp' if predicted else 'fn'}: {what}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self, name: str) -> str:
        also = f", {self.unjudged} on tickets not judged" if self.unjudged else ""
        note = f"; {self.note}" if self.note else ""
        return (f"{name:<50} precision {self.precision:4.2f}  recall {self.recall:4.2f}  "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn}{also}{note})")


def _by_set(items: Iterable[Item]) -> dict[int, list[Item]]:
    sets: dict[int, list[Item]] = {}
    for item in items:
        sets.setdefault(item.set_no, []).append(item)
    return sets


Same = Callable[[Item, Item], bool]


_WORDS: dict[str, Words] = {}
_SCORES: dict[tuple[str, str, str, str, str], float] = {}


def subject_score(ref: Reference, a: Item, b: Item, mode: str = "") -> float:
    """The similarity score of two items' titles, computed once per pair and mode ("": words
    alone, "logged": one person's tickets with their logged services, "trend": a trend's
    reports), so a grid of thresholds costs one scoring (`subject_matcher`)."""
    key = (mode, a.title, b.title, a.service, b.service)
    if key not in _SCORES:
        wa = _WORDS.get(a.title) or _WORDS.setdefault(a.title, words(a.title, ref))
        wb = _WORDS.get(b.title) or _WORDS.setdefault(b.title, words(b.title, ref))
        if mode == "logged":
            _SCORES[key] = one_person(wa, wb, (a.service, b.service)).score
        elif mode == "trend":
            _SCORES[key] = same_outage(wa, wb).score
        else:
            _SCORES[key] = similarity(wa, wb).score
    return _SCORES[key]


def subject_matcher(ref: Reference, threshold: float = THRESHOLD, logged: bool = False,
                    trend: bool = False) -> Same:
    """Same subject at `threshold`; with `logged`, the services as logged count too (as triage
    compares one person's tickets); with `trend`, as triage links a trend's reports
    (judgements.same_outage: titles and the places they name)."""
    mode = "logged" if logged else "trend" if trend else ""

    def same(a: Item, b: Item) -> bool:
        return subject_score(ref, a, b, mode) >= threshold

    return same


def model_matcher(ref: Reference, which: str, threshold: float, auto: float,
                  model: PairModel | None = None) -> Same:
    """As triage links a pair: the pair model `which` ("person"/"trend"; the shipped one
    unless `model`) at `threshold`, or the word rule at `auto` (sdesk/procedures/triage.py
    _earliest_similar, _trend_groups; a trend's link through similarity.trend_scores, with
    its vetoes: a follow-up's words, a how-to)."""
    from sdesk.procedures.pair_model import shipped
    from sdesk.procedures.similarity import RULE_FEATURE, trend_scores

    model = model or shipped(which)
    cache: dict[tuple[str, str], object] = {}

    def same(a: Item, b: Item) -> bool:
        ta, tb = (cache.setdefault((x.title, x.service), model.read(
            x.title, words(x.title, ref), x.service))
            for x in (a, b))
        if which == "trend":  # as triage scores a trend's link (its vetoes included)
            probability, rule = trend_scores(ta, tb, model)  # type: ignore[arg-type]
            return probability >= threshold or rule >= auto
        found = model.score(ta, tb)  # type: ignore[arg-type]
        return found.probability >= threshold or found.features[RULE_FEATURE[which]] >= auto

    return same


def same_person(items: list[Item], same: Same) -> Score:
    """incident-5: pairs from one person in one set, same subject or not; a later report
    that says it is another problem ("also ...": judgements.says_another) is never linked, as
    triage never links it."""
    from sdesk.procedures.judgements import says_another

    score = Score()
    for group in _by_set(items).values():
        for a, b in itertools.combinations(group, 2):
            if a.person == b.person and a.type == b.type:
                score.add(same(a, b) and not says_another(b.title), a.subject == b.subject,
                          f"{a.title!r} / {b.title!r}")
    return score


def pairs_any(items: list[Item], same: Same) -> Score:
    """Every pair within a set: same subject or not (the basis of trends)."""
    score = Score()
    for group in _by_set(items).values():
        for a, b in itertools.combinations(group, 2):
            score.add(same(a, b), a.subject == b.subject)
    return score


@functools.cache
def _reference() -> Reference:
    return load_reference(ROOT / "reference")


def compared(a: Item, b: Item) -> bool:
    """Whether triage compares two reports for a trend at all (similarity.compared: they share
    a service, a word or a place). Until session 27 the measurement linked every pair the
    model scored at the threshold, but triage never compares reports sharing none of them
    (its inverted index, issue 17), so the trend row counted links triage cannot make."""
    from sdesk.procedures.similarity import compared as keyed

    ref = _reference()
    wa = _WORDS.get(a.title) or _WORDS.setdefault(a.title, words(a.title, ref))
    wb = _WORDS.get(b.title) or _WORDS.setdefault(b.title, words(b.title, ref))
    return keyed(wa, wb)


Scores = Callable[[Item, Item], tuple[float, float]]  # the trend model and the word rule


def trend_scorer(ref: Reference, model: PairModel | None = None) -> Scores:
    """Two items' trend scores as triage reads them (similarity.trend_scores, its vetoes
    included; the shipped trend model unless `model`), for the group-level test of
    `trend_roots`."""
    from sdesk.procedures.pair_model import shipped
    from sdesk.procedures.similarity import trend_scores

    model = model or shipped("trend")
    read: dict[tuple[str, str], object] = {}
    found: dict[tuple[str, str, str, str], tuple[float, float]] = {}

    def scores(a: Item, b: Item) -> tuple[float, float]:
        key = (a.title, a.service, b.title, b.service)
        if key not in found:
            ta, tb = (read.setdefault((x.title, x.service), model.read(
                x.title, words(x.title, ref), x.service)) for x in (a, b))
            found[key] = trend_scores(ta, tb, model)  # type: ignore[arg-type]
        return found[key]

    return scores


def trends(items: list[Item], same: Same, own: Same | None = None,
           scores: Scores | None = None, apart: bool = True) -> Score:
    """incident-6: a ticket is in a trend when the group of similar incidents around it (all of
    the window, transitively) holds >= TREND_PEOPLE people; labelled so when its subject has
    that many people in the set. Two reports are linked as triage links them (trend_groups._Links):
    sharing a key (`compared`), other people's by `same`, one person's later report by `own`
    (the person model, as incident-5 relates it; none unless given) unless it says it is
    another problem (judgements.says_another). With `scores` (the proposal row), as triage
    links them since session 28: a link under trend_join (since session 31 every link), and
    one between failing reports sharing no key at trend_unshared, only by the group-level test
    (`trend_roots`). `apart`
    False links as triage did before session 29, a device in with another service's reports
    (train.py's session-27 column)."""
    score = Score()
    for group in _by_set(items).values():
        incidents = [i for i in group if i.type == "incident"]
        root = trend_roots(incidents, same, own, scores, apart)
        for i, item in enumerate(incidents):
            people = {x.person for k, x in enumerate(incidents) if root[k] == root[i]}
            truth = {x.person for x in incidents if x.subject == item.subject}
            group_titles = [x.title for k, x in enumerate(incidents) if root[k] == root[i]]
            score.add(len(people) >= TREND_PEOPLE, len(truth) >= TREND_PEOPLE,
                      f"{item.title!r} grouped with {group_titles}")
    return score


def trend_roots(incidents: list[Item], same: Same, own: Same | None = None,
                scores: Scores | None = None, apart: bool = True) -> list[int]:
    """Each of one set's incidents' trend group, as an index shared by the group's members:
    linked as triage links them (trend_groups.trend_groups, `trends` above); with `scores`, as
    triage links them since session 28 (`_settled_roots`). Other people's links never put a
    device in with another logged service (similarity.mixes_devices, session 29) unless
    `apart` is False."""
    from sdesk.procedures.judgements import says_another
    from sdesk.procedures.similarity import mixes_devices

    if scores is not None:
        return _settled_roots(incidents, same, own, scores)
    ref = _reference()
    parent = list(range(len(incidents)))
    services = {i: {x.service} for i, x in enumerate(incidents)}  # root -> its services

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    later_first = ((j, i) for j in range(len(incidents)) for i in range(j))  # as triage: in
    for j, i in later_first:  # opening order, each report with the earlier ones
        a, b = incidents[i], incidents[j]
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if a.person == b.person:
            joined = own is not None and compared(a, b) and not says_another(b.title) and (
                own(a, b))
        else:
            joined = (compared(a, b) and not (
                apart and mixes_devices(services[ri], services[rj], ref)) and same(a, b))
        if joined:
            parent[ri] = rj
            services[rj] |= services.pop(ri)
    return [find(i) for i in range(len(incidents))]


def _settled_roots(incidents: list[Item], same: Same, own: Same | None,
                   scores: Scores) -> list[int]:
    """`trend_roots` as triage links since session 28 (trend_groups._Links): in opening order, each
    report linked with the earlier ones it shares a key with (`same`; one person's by `own`);
    other people's links wait: a keyed one at trend_similarity when the trend model reaches
    trend_join or the word rule auto_trend (session 31; at once before), one under trend_join
    at trend_join, and one between two failing reports sharing no key (the corpora's sets are
    one hour: UNSHARED_HOURS) at trend_unshared unless they name different services or are
    about services of other kinds (similarity.unrelated_services, session 35);
    strongest first, each joins only when the report links at the link's bar with at least
    half of the other group's other people's reports (similarity.joins); never between a device
    logged against another service (similarity.other_devices); other people's links never join
    two groups that would put a device in with another logged service (`mixes`,
    similarity.mixes_devices, as trend_groups._Links._mixes: session 29). Triage's other bound, no
    group longer than trend_window_hours (session 31), never applies here: a set is one hour."""
    from sdesk.procedures.judgements import says_another
    from sdesk.procedures.similarity import (
        fails,
        joins,
        mixes_devices,
        other_devices,
        other_services,
        unrelated_services,
    )
    from sdesk.procedures.trend_rules import device_spots, other_spots

    ref = _reference()
    texts = [_WORDS.get(x.title) or _WORDS.setdefault(x.title, words(x.title, ref))
             for x in incidents]
    failing = [fails(w) for w in texts]
    spots = [device_spots(x.service, w, ref) for x, w in zip(incidents, texts, strict=True)]
    parent = list(range(len(incidents)))
    members = {i: [i] for i in range(len(incidents))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            members[rj].extend(members.pop(ri))

    def mixes(i: int, j: int) -> bool:
        ri, rj = find(i), find(j)
        return ri != rj and (mixes_devices((incidents[k].service for k in members[ri]),
                                           (incidents[k].service for k in members[rj]), ref)
                             or other_spots((s for k in members[ri] for s in spots[k]),
                                            (s for k in members[rj] for s in spots[k])))

    for j, b in enumerate(incidents):
        pending: list[tuple[float, float, int]] = []
        for i, a in enumerate(incidents[:j]):
            keyed = compared(a, b)
            if a.person == b.person:
                if own is not None and keyed and not says_another(b.title) and own(a, b):
                    join(i, j)
                continue
            if keyed and same(a, b):
                probability, rule = scores(a, b)
                if rule >= SETTINGS.auto_trend or probability >= SETTINGS.trend_join:
                    pending.append((probability, SETTINGS.trend_similarity, i))  # session 31
                else:
                    pending.append((probability, SETTINGS.trend_join, i))
            elif (not keyed and failing[i] and failing[j]
                  and not other_services(texts[i], texts[j])
                  and not other_devices(a.service, b.service, ref)
                  and not unrelated_services(a.service, texts[i], b.service, texts[j], ref)):
                probability = scores(a, b)[0]
                if probability >= SETTINGS.trend_unshared:
                    pending.append((probability, SETTINGS.trend_unshared, i))
        for _, bar, i in sorted(pending, key=lambda x: -x[0]):
            if find(i) == find(j):
                continue
            others = [k for k in members[find(i)] if incidents[k].person != b.person]
            linked = sum(scores(incidents[k], b)[0] >= bar for k in others)
            if joins(linked, len(others)) and not mixes(i, j):
                join(i, j)
    return [find(i) for i in range(len(incidents))]


def _off(score: Score, setting: str, on: bool) -> Score:
    """An automatic row's score, saying when its switch is off by default (session 28): the
    figures are then what the word rule would apply were `setting` on; by default triage
    applies nothing and proposes it."""
    if not on:
        score.note = (f"OFF BY DEFAULT ({setting} = false): nothing applied; the figures are "
                      f"what it would apply, {score.tp + score.fp} decisions")
    return score


def figures(which: str | Path, ref: Reference | None = None) -> dict[str, Score]:
    """Every judgement's score on one set ("tune": tickets.txt, "test": fresh.txt, "test2":
    fresh2.txt, or a corpus file's path); each Score lists its misses."""
    ref = ref or load_reference(ROOT / "reference")
    items = load(SETS[which] if isinstance(which, str) else which)
    return judge(items, ref)


def judge(items: list[Item], ref: Reference) -> dict[str, Score]:
    """Every judgement's score on `items`."""
    out = {"incident-4 two problems (proposed)": Score(),
           "incident-5 same person, same subject (proposed)":
               same_person(items, model_matcher(ref, "person", THRESHOLD,
                                                SETTINGS.auto_duplicate)),
           "incident-5 same person, same subject (automatic)":
               _off(same_person(items, subject_matcher(ref, SETTINGS.auto_duplicate, logged=True)),
                    "automatic_duplicates", SETTINGS.automatic_duplicates),
           "incident-6 many people, same problem (proposed)":
               trends(items, model_matcher(ref, "trend", SETTINGS.trend_similarity,
                                           SETTINGS.auto_trend),
                      model_matcher(ref, "person", THRESHOLD, ONLY_MODEL), trend_scorer(ref)),
           "incident-6 many people, same problem (automatic)":
               _off(trends(items, subject_matcher(ref, SETTINGS.auto_trend, trend=True)),
                    "automatic_trends", SETTINGS.automatic_trends),
           KIND_AUTO: Score(), KIND_PROPOSED: Score(), ALSO_NAMES: Score(),
           "incident-2 priority (proposed)": Score(), "on-site (proposed)": Score()}
    from .priority_row import priority_score

    out["incident-2 priority (proposed)"] = priority_score(items, ref)
    for item in items:
        if item.type == "request":
            _kind(item, ref, out[KIND_AUTO], out[KIND_PROPOSED])
            _also_names(item, ref, out[ALSO_NAMES])
    out.update(per_ticket(items, ref))
    return out


def per_ticket(items: list[Item], ref: Reference) -> dict[str, Score]:
    """The two rows the per-ticket learned models judge (`--per-ticket`: these alone, a
    minute for the thirty-five files where every row takes half an hour): two problems (the
    clauses OR the model) and on site (rule OR model, not for a software request; a
    follow-up only with its first report)."""
    from .on_site_row import on_site_score

    two = Score()
    for item in items:
        if item.type == "incident":
            found, learned = problems_judged(item.title, ref)  # the clauses OR the model
            two.add(found.two_or_more or bool(learned), item.labels.get("n") == "2", item.title)
    return {"incident-4 two problems (proposed)": two,
            "on-site (proposed)": on_site_score(items, ref)}


def request_kind_of(item: Item, ref: Reference) -> str:
    """The kind triage applies or proposes for a request (request-1, rules then the learned
    models; on site reads it), "" for an incident."""
    if item.type != "request":
        return ""
    return kind_judged(item.title, "", "", "", item.service, ref).kind


def _also_names(item: Item, ref: Reference, score: Score) -> None:
    """A request's title asking for something its route does not take (request_kind.
    not_routed: "new hire needs laptop and AD account" routed as an account names the laptop):
    named in the plan, never proposed (the guide's request steps have no separation step);
    right when the writer labelled the request two problems (n=2)."""
    from sdesk.procedures.request_kind import not_routed

    kind = kind_judged(item.title, "", "", "", item.service, ref).kind
    others = not_routed(item.title, kind, item.service, ref)
    score.add(bool(others), item.labels.get("n") == "2",
              f"{item.title!r} (service {item.service!r}, {kind or 'neither'}): also names "
              f"{', '.join(f'{n.said} ({n.kind or n.service})' for n in others) or 'nothing'}")


ALSO_NAMES = "request: also names another need (named, not proposed)"
KIND_AUTO = "request-1 request kind (automatic)"
KIND_PROPOSED = "request-1 request kind (proposed)"
_LABEL = {"hw": "hardware", "sw": "software"}


def _kind(item: Item, ref: Reference, auto: Score, proposed: Score,
          models: Mapping[str, Model] | None = None) -> None:
    """request-1. (automatic): the kinds a rule decides (category, --software, the service's
    kind, a software-list product named); a prediction is right when it is the labelled kind.
    (proposed): the kind the dispatcher is shown, applied or proposed, against the label: a
    labelled kind shown wrong or not at all is a miss. Until session 21 the rows were
    "hardware (automatic)" / "software (automatic)": every kind, from any source, was applied;
    that is what the (proposed) row measures now, both kinds together."""
    k = kind_judged(item.title, "", "", "", item.service, ref, models)  # rules, then models
    truth = _LABEL.get(item.labels.get("k", ""), "")
    what = f"{item.title!r} (service {item.service!r}): {k.kind or 'neither'} from {k.source}"
    if k.rule and k.kind:
        auto.add(True, k.kind == truth, what)
    if k.kind:
        proposed.tp += k.kind == truth
        proposed.fp += k.kind != truth
    proposed.fn += bool(truth) and k.kind != truth
    if k.kind != truth:
        proposed.misses.append(f"{'fp' if k.kind else 'fn'}: {what}, labelled "
                               f"{truth or 'neither'}")


def compare(items: list[Item]) -> list[str]:
    """The similarity methods measured side by side on every pair of a set."""
    from sdesk.procedures.similarity import jaccard, tokens

    ref = load_reference(ROOT / "reference")
    lines = []
    for t in (0.3, 0.4, 0.5, 0.6):
        old: Same = lambda a, b, t=t: jaccard(tokens(a.title), tokens(b.title)) >= t  # noqa: E731
        lines.append(pairs_any(items, old).line(f"word Jaccard >= {t}"))
    try:
        from rapidfuzz import fuzz
    except ImportError:
        lines.append("rapidfuzz not installed: pip install rapidfuzz to compare")
    else:
        for t in (60, 70, 80, 90):
            rf: Same = lambda a, b, t=t: fuzz.token_set_ratio(a.title.lower(), b.title.lower()) >= t  # noqa: E731
            lines.append(pairs_any(items, rf).line(f"rapidfuzz token_set_ratio >= {t}"))
    for t in (0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        lines.append(pairs_any(items, subject_matcher(ref, t)).line(f"sdesk lexicon score >= {t}"))
    return lines


def _paths(argv: list[str]) -> list[Path]:
    """The corpus files the options name: --file PATH, else the tuning files (TUNING)."""
    if "--file" in argv:
        at = argv.index("--file") + 1
        if at >= len(argv):
            raise SystemExit("measure: --file needs a path")
        return [Path(argv[at])]
    named = [path for path in TUNING if f"--{path.stem}" in argv]  # --fresh3: that file
    named += [CORPUS] if "--tune" in argv else []  # the old name of --tickets
    return named or list(TUNING)


def main(argv: list[str]) -> int:
    if "--rules" in argv or "--chart" in argv:  # the priority row read by the rules alone
        from .priority_row import CHART  # (chart_priority = false) or the chart model

        CHART[0] = "--chart" in argv
    if "--cross" in argv:
        from .cross import report

        print("\n".join(report(errors="--errors" in argv)))
        return 0
    paths = _paths(argv)
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"{missing[0]}: no such corpus file")
        return 1
    ref = load_reference(ROOT / "reference")
    if "--groups" in argv:  # session 40: trends as groups
        from .group_row import report as groups

        print("\n".join(groups(paths, ref, errors="--errors" in argv)))
        return 0
    for path in paths:
        items = load(path)
        print(f"{path.name}: {len(items)} tickets")
        if "--compare" in argv:
            print("\n".join(compare(items)))
            continue
        rows = per_ticket(items, ref) if "--per-ticket" in argv else judge(items, ref)
        for name, score in rows.items():
            print(score.line(name))
            if "--errors" in argv:
                print("".join(f"    {m}\n" for m in score.misses), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
