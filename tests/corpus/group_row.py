"""Trends measured as GROUPS, not only as links (session 40; `python -m tests.corpus.measure
--groups`, on the thirty-five TUNING files or `--file PATH`).

The trend row of measure.py asks of each incident whether it is in a group of TREND_PEOPLE
people and whether its subject has that many: a labelled outage proposed as two groups (4 + 3
people: two proposals, two supervisor mails, two parent-case commands; tester 39b, finding 6a)
scores as well as one group, and a group mixing two subjects of three people each scores as
two right ones. Here each set's incidents are grouped as triage groups them
(measure.trend_roots with the proposal row's matchers: the shipped models, the group-level
test, the unshared links) and judged as groups:

- a **labelled trend** is one subject key with TREND_PEOPLE people or more in the set (its
  incidents); a **proposed group** is a group with TREND_PEOPLE people or more (what triage
  proposes as one trend);
- **split**: a labelled trend whose incidents are in two or more proposed groups;
- **mixed**: a proposed group whose incidents carry two or more subject keys; **mixed
  trends**: one in which two or more of those subjects are labelled trends (two outages in one
  proposal, not one outage and a stray report);
- **B-cubed** over incidents (Bagga and Baldwin): truth clusters are the labelled trends,
  predicted clusters the proposed groups; an incident's precision is the share of its proposed
  group that has its subject (averaged over incidents in a proposed group), its recall the share
  of its labelled trend that is in its proposed group (averaged over incidents in a labelled
  trend; 0 for one left out of every proposed group).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sdesk.core.reference import Reference

from .measure import (
    ONLY_MODEL,
    SETTINGS,
    THRESHOLD,
    TREND_PEOPLE,
    Item,
    _by_set,
    model_matcher,
    trend_roots,
    trend_scorer,
)


@dataclass
class Groups:
    """One file's (or several files') trend figures as groups."""

    trends: int = 0  # labelled trends
    split: int = 0  # ... in two or more proposed groups
    missed: int = 0  # ... in no proposed group at all
    proposed: int = 0  # proposed groups
    mixed: int = 0  # ... holding two or more subject keys
    mixed_trends: int = 0  # ... holding two or more labelled trends
    precision: list[float] = field(default_factory=list)  # B-cubed, per incident
    recall: list[float] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # --errors

    def add(self, other: Groups) -> None:
        for name in ("trends", "split", "missed", "proposed", "mixed", "mixed_trends"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.precision += other.precision
        self.recall += other.recall
        self.examples += other.examples

    def line(self, name: str) -> str:
        p = sum(self.precision) / len(self.precision) if self.precision else 1.0
        r = sum(self.recall) / len(self.recall) if self.recall else 1.0
        return (f"{name:<24} trends {self.trends:3}  split {self.split:2}  missed "
                f"{self.missed:2}  |  groups {self.proposed:3}  mixed {self.mixed:3}  two "
                f"trends {self.mixed_trends:2}  |  B-cubed P {p:.3f}  R {r:.3f}")


def group_figures(items: Sequence[Item], ref: Reference) -> Groups:
    """The group figures of one file's items, grouped as the proposal row groups them."""
    same = model_matcher(ref, "trend", SETTINGS.trend_similarity, SETTINGS.auto_trend)
    own = model_matcher(ref, "person", THRESHOLD, ONLY_MODEL)
    scores = trend_scorer(ref)
    out = Groups()
    for group in _by_set(items).values():
        incidents = [i for i in group if i.type == "incident"]
        out.add(judge_set(incidents, trend_roots(incidents, same, own, scores)))
    return out


def judge_set(incidents: list[Item], roots: list[int]) -> Groups:
    """One set's figures: `roots[k]` is incident k's group."""
    out = Groups()
    members: dict[int, list[int]] = {}
    for k, root in enumerate(roots):
        members.setdefault(root, []).append(k)
    proposed = {root: ks for root, ks in members.items()
                if len({incidents[k].person for k in ks}) >= TREND_PEOPLE}
    subjects: dict[str, list[int]] = {}
    for k, item in enumerate(incidents):
        subjects.setdefault(item.subject, []).append(k)
    trends = {s: ks for s, ks in subjects.items()
              if len({incidents[k].person for k in ks}) >= TREND_PEOPLE}
    for subject, ks in trends.items():
        out.trends += 1
        into = {roots[k] for k in ks if roots[k] in proposed}
        out.split += len(into) >= 2
        out.missed += not into
        if len(into) >= 2:
            out.examples.append(f"split: {subject}: " + " | ".join(
                str([incidents[k].title for k in proposed[r]]) for r in sorted(into)))
        for k in ks:
            mine = proposed.get(roots[k], [])
            out.recall.append(sum(incidents[m].subject == subject for m in mine) / len(ks))
    for ks in proposed.values():
        out.proposed += 1
        keys = {incidents[k].subject for k in ks}
        out.mixed += len(keys) >= 2
        out.mixed_trends += len(keys & trends.keys()) >= 2
        if len(keys) >= 2:
            out.examples.append(f"mixed: {[(incidents[k].title, incidents[k].subject) for k in ks]}")
        for k in ks:
            out.precision.append(sum(incidents[m].subject == incidents[k].subject
                                     for m in ks) / len(ks))
    return out


def report(paths: Sequence[object], ref: Reference, errors: bool = False) -> list[str]:
    """One line a file and the sum over them."""
    from pathlib import Path

    from .measure import load

    total, lines = Groups(), []
    for path in paths:
        found = group_figures(load(Path(str(path))), ref)
        lines.append(found.line(Path(str(path)).name))
        if errors:
            lines += [f"    {e}" for e in found.examples]
        total.add(found)
    lines.append(total.line(f"all {len(paths)} files"))
    return lines
