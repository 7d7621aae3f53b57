"""The priority row of the corpus measure (incident-2, priority against the work; measure.py
`judge`): what triage proposes for each incident, its text first, else as a follow-up of the
same person's first report on the subject, scored against the writer's p=N label.

    python -m tests.corpus.measure --errors      # the row's misses with every other row's
"""

from __future__ import annotations

from sdesk.core.reference import Reference
from sdesk.procedures.priority_fit import PriorityFit, follow_up_fit, priority_fit

from .measure import SETTINGS, THRESHOLD, Item, Score, _by_set, model_matcher


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


def priority_judged(item: Item, ref: Reference, first: Item | None = None) -> PriorityFit:
    """The chart's priority triage proposes for `item` (triage._priority_fit): its text, else
    as a follow-up of `first` (priority_fit.follow_up_fit)."""
    fit = priority_fit(item.title, "", item.vip, ref)
    if first is None:
        return fit
    return follow_up_fit(fit, item.title, repr(first.title),
                         priority_fit(first.title, "", first.vip, ref))


def priority_row(item: Item, ref: Reference, score: Score, first: Item | None = None) -> None:
    """incident-2, priority against the work. A proposal is the chart's priority where it
    differs from the logged one (impact x urgency); a hit when it is the labelled p=N, a miss
    when it is not or when a labelled p=N other than the logged priority is not proposed.
    Every file's header says "p= unlabelled: not judged": a proposal on a ticket without p= is
    neither right nor wrong and is counted apart (`Score.unjudged`). Until session 24 it was
    scored as a false positive (the logged priority taken as the label), which put the row's
    precision at 0.23-0.50 held out where the judged tickets give 0.69-1.00."""
    iu = item.labels.get("iu", "22")
    logged = ref.sla.priority_for(int(iu[0]), int(iu[1]))
    fit = priority_judged(item, ref, first)
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
