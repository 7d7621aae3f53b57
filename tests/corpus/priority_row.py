"""The priority row of the corpus measure (incident-2, priority against the work; measure.py
`judge`): what triage proposes for each incident, its text first, else as a follow-up of the
same person's first report on the subject, else as one of the first reports of a problem many
people report (the trend model's links), scored against the writer's p=N label.

    python -m tests.corpus.measure --errors      # the row's misses with every other row's
"""

from __future__ import annotations

from sdesk.core.reference import Reference
from sdesk.procedures.priority_chart import chart_priority
from sdesk.procedures.priority_fit import (
    FirstReport,
    PriorityFit,
    priority_fit,
    proposed_priority,
)

from .measure import SETTINGS, THRESHOLD, TREND_PEOPLE, Item, Score, _by_set, model_matcher


def first_reports(items: list[Item], ref: Reference) -> dict[int, Item]:
    """Each incident's first earlier report from the same person on the same subject, as triage
    finds it (triage._earliest_similar: the person model at `similarity` or the word rule at
    `auto_duplicate`; a set is in opening order), keyed by id(item)."""
    same = model_matcher(ref, "person", THRESHOLD, SETTINGS.auto_duplicate)
    out: dict[int, Item] = {}
    for group in _by_set(items).values():
        incidents = [i for i in group if i.type == "incident"]
        for n, item in enumerate(incidents):
            first = next((x for x in incidents[:n] if x.person == item.person and same(x, item)),
                         None)
            if first is not None:
                out[id(item)] = first
    return out


Linked = tuple[list[str], int]  # other people's linked reports (titles), how many people before


def linked_reports(items: list[Item], ref: Reference, threshold: float) -> dict[int, Linked]:
    """Each incident's links to other people's incidents of its set at trend-model probability
    `threshold` (triage._linked_reports: the first report of each person, in opening order,
    read among the incident's trend group only, scored as triage scores a trend's link,
    similarity.trend_scores with its vetoes) and how many of those people reported before it,
    keyed by id(item). Until session 27 every other incident of the set was scored, where
    triage reads only the trend group (reports sharing a service, a word or a place: the
    window index), so the row credited links triage cannot make."""
    from sdesk.procedures.pair_model import shipped

    model = shipped("trend")
    roots = _ROOTS.get(id(items))
    if roots is None or roots[0] is not items:
        roots = _ROOTS[id(items)] = (items, _group_roots(items, ref))
    out: dict[int, Linked] = {}
    for group in _by_set(items).values():
        incidents = [i for i in group if i.type == "incident"]
        for n, item in enumerate(incidents):
            first: dict[str, tuple[int, str]] = {}
            for k, other in enumerate(incidents):
                if other.person != item.person and other.person not in first and \
                        roots[1][id(other)] == roots[1][id(item)] and \
                        _trend_probability(model, ref, item, other) >= threshold:
                    first[other.person] = (k, other.title)
            out[id(item)] = ([t for _, t in sorted(first.values())],
                             sum(1 for k, _ in first.values() if k < n))
    return out


_ROOTS: dict[int, tuple[list[Item], dict[int, tuple[int, int]]]] = {}


def _group_roots(items: list[Item], ref: Reference) -> dict[int, tuple[int, int]]:
    """Each incident's trend group (measure.trend_roots, linked as the trend row links them:
    the trend model at trend_similarity or the word rule at auto_trend, one person's later
    report by the person model; since session 28 the group-level test and the unshared links,
    as triage groups them), as a number per set and group, keyed by id(item)."""
    from .measure import ONLY_MODEL, model_matcher, trend_roots, trend_scorer

    same = model_matcher(ref, "trend", SETTINGS.trend_similarity, SETTINGS.auto_trend)
    own = model_matcher(ref, "person", THRESHOLD, ONLY_MODEL)
    out: dict[int, tuple[int, int]] = {}
    for no, group in _by_set(items).items():
        incidents = [i for i in group if i.type == "incident"]
        for item, root in zip(incidents, trend_roots(incidents, same, own, trend_scorer(ref)),
                              strict=True):
            out[id(item)] = (no, root)
    return out


_PROBABILITY: dict[tuple[str, str, str, str], float] = {}


def _trend_probability(model: object, ref: Reference, a: Item, b: Item) -> float:
    """The trend model's probability for two items as triage reads it for a link
    (similarity.trend_scores, its vetoes included), computed once per pair (a grid of
    thresholds costs one scoring)."""
    from sdesk.procedures.lexicon import words
    from sdesk.procedures.pair_model import PairModel
    from sdesk.procedures.similarity import trend_scores

    key = (a.title, a.service, b.title, b.service)
    if key not in _PROBABILITY:
        assert isinstance(model, PairModel)
        ta, tb = (_READ.get((x.title, x.service)) or _READ.setdefault(
            (x.title, x.service), model.read(x.title, words(x.title, ref), x.service))
            for x in (a, b))
        _PROBABILITY[key] = trend_scores(ta, tb, model)[0]  # type: ignore[arg-type]
    return _PROBABILITY[key]


_READ: dict[tuple[str, str], object] = {}  # the trend model's reading of a title and service


def priority_judged(item: Item, ref: Reference, first: Item | None = None,
                    linked: Linked = ([], 0)) -> PriorityFit:
    """The chart's priority triage proposes for `item`: priority_fit.proposed_priority (or,
    with --chart, priority_chart.chart_priority: the chart model, session 34), the function
    triage._priority_fit calls, with `first` (the same person's first report on the
    subject, its title read by `priority_fit`) and `linked` (other people's linked reports,
    how many before) as triage finds them. Until session 33 the row repeated triage's steps
    and had drifted: it read a follow-up ("still down any eta??") with the trend's "many
    users" and the learned reading, which triage has not done since sessions 25-26."""
    def first_report() -> FirstReport | None:
        return None if first is None else (
            repr(first.title), priority_fit(first.title, "", first.vip, ref), first.title, "")

    read = chart_priority if CHART[0] else proposed_priority
    return read(item.title, "", item.vip, logged_priority(item, ref), ref,
                first_report, lambda: ([repr(t) for t in linked[0]], linked[1]), TREND_PEOPLE)


CHART = [SETTINGS.chart_priority]  # the chart model reads (measure's --chart), as triage with
# chart_priority = true in sdesk.toml


def logged_priority(item: Item, ref: Reference) -> int:
    """The priority an item was logged at: its iu= impact x urgency (default 22: P3)."""
    iu = item.labels.get("iu", "22")
    return ref.sla.priority_for(int(iu[0]), int(iu[1]))


_FIRSTS: dict[int, tuple[list[Item], dict[int, Item]]] = {}


def priority_score(items: list[Item], ref: Reference,
                   threshold: float = SETTINGS.priority_trend) -> Score:
    """The priority row on one file's items, with the trend links at `threshold`."""
    score = Score()
    kept = _FIRSTS.get(id(items))
    if kept is None or kept[0] is not items:  # a grid of thresholds reads a file's once
        kept = _FIRSTS[id(items)] = (items, first_reports(items, ref))
    firsts, links = kept[1], linked_reports(items, ref, threshold)
    for item in items:
        if item.type == "incident":
            priority_row(item, ref, score, firsts.get(id(item)), links.get(id(item), ([], 0)))
    return score


def priority_row(item: Item, ref: Reference, score: Score, first: Item | None = None,
                 linked: Linked = ([], 0)) -> None:
    """incident-2, priority against the work. A proposal is the chart's priority where it
    differs from the logged one (impact x urgency); a hit when it is the labelled p=N, a miss
    when it is not or when a labelled p=N other than the logged priority is not proposed.
    Every file's header says "p= unlabelled: not judged": a proposal on a ticket without p= is
    neither right nor wrong and is counted apart (`Score.unjudged`). Until session 24 it was
    scored as a false positive (the logged priority taken as the label), which put the row's
    precision at 0.23-0.50 held out where the judged tickets give 0.69-1.00."""
    logged = logged_priority(item, ref)
    fit = priority_judged(item, ref, first, linked)
    proposed = fit.priority is not None and fit.priority != logged
    if "p" not in item.labels:
        score.unjudged += proposed
        return
    deserved = int(item.labels["p"])
    what = f"{item.title!r} logged P{logged}, deserves P{deserved}, proposed {fit.priority}"
    if proposed:
        score.tp += fit.priority == deserved
        score.fp += fit.priority != deserved
        score.fn += fit.priority != deserved and deserved != logged
        if fit.priority != deserved:
            score.misses.append(f"fp: {what}")
    elif deserved != logged:
        score.fn += 1
        score.misses.append(f"fn: {what}")
