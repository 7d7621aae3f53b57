"""The chart's priority read whole (incident-2, session 34): one learned reading that weighs
the title's words together with what triage already knows of the ticket -- its logged priority,
the rules' reading of its own text, the proposal of the rules and the earlier models
(priority_fit.proposed_priority), whether it follows up a first report and that report's
reading, how many other people report the same problem and how many did so before it, a VIP
requester -- and names the SLA chart's priority (P1-P4) the work deserves.

The model is four one-against-the-rest logistic regressions (text_model.Model, one per
priority, sdesk/defaults/models/priority_chart.json), fitted on every tuning corpus by `make
train-judgements` (tests/corpus/priority_chart.py); the priority whose model scores highest is
the reading. Chosen leave one writer out on twenty-seven files (docs/triage.md, "Priority,
session 34"): on the four newest writers, out of every model's fit, it found 0.49-0.56 of the
mismatches where the rules found 0.36-0.47, with fewer wrong proposals. The default since
session 35 (`chart_priority` in sdesk.toml), re-fitted on twenty-nine files, with the fresh
users' guard rails as vetoes it cannot outweigh (`guard_rail`): held out on session 35's blind
pair it found 0.58 / 0.55 of the mismatches, the rules 0.39 / 0.45 ("Priority, session 35").
Pure; the supervisor still decides (sdesk priority).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from importlib import resources

from sdesk.core.reference import Reference
from sdesk.procedures import priority_words as pw
from sdesk.procedures.priority_fit import (
    FirstReport,
    PriorityFit,
    priority_fit,
    proposed_priority,
    reports_again,
)
from sdesk.procedures.text_model import Model, features, from_data
from sdesk.procedures.words import TITLE_STOP, not_evidence

CHART = "priority_chart"  # sdesk/defaults/models/priority_chart.json
LEVELS = (1, 2, 3, 4)


def context_features(logged: int, own: int | None, rules: int | None, again: bool,
                     first: int | str | None, people: int, before: int,
                     vip: bool) -> frozenset[str]:
    """What triage knows of an incident besides its words, as the chart model's features:
    the `logged` priority (1-4), the rules' reading of its own text (`own`, a level or None),
    the rules' and earlier models' proposal (`rules`), whether it `again` reports earlier work,
    its first report's reading (`first`: a level, None, or "nofirst" when none was found; read
    only for a follow-up), how many other `people` report it (0-3, 3 meaning three or more) and
    how many of them `before` it (0-2), a VIP requester."""
    return frozenset({f"L:{logged}", f"own:{own}", f"base:{rules}", f"again:{again}",
                      f"first:{first if again else 'n/a'}", f"people:{min(people, 3)}",
                      f"before:{min(before, 2)}", f"vip:{vip}"})


@functools.cache
def _chart_data() -> dict[str, object]:
    text = resources.files("sdesk").joinpath(f"defaults/models/{CHART}.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


@functools.cache
def chart_models() -> dict[int, Model]:
    """The shipped chart model: one Model per priority (1-4), read once per process; raises
    KeyError/TypeError on a malformed file."""
    levels = _chart_data()["levels"]
    if not isinstance(levels, dict):
        raise TypeError("the chart model's levels are a JSON object")
    return {int(level): from_data(part) for level, part in levels.items()}


@functools.cache
def chart_words() -> frozenset[str] | None:
    """The words the chart model's evidence may show (the JSON's "checkable": words at least
    CHECKABLE_WRITERS tuning writers use, no place, no number; tests/corpus/priority_chart.py),
    or None (every word) for a model file without them (session 37: "'mcalester' +1.24" and
    "0 services named" were shown as evidence)."""
    words = _chart_data().get("checkable")
    return None if not isinstance(words, list) else frozenset(str(w) for w in words)


Models = Callable[[], dict[int, Model]]


def bare_follow_up(title: str) -> bool:
    """The title says nothing but that it follows up: at most one word besides the follow-up's
    (pw.FOLLOW_UP: "still", "again", "any update", "eta"...), stop words and numbers ("still
    down any eta??", "any update on the vpn", "update??")."""
    rest = pw.FOLLOW_UP.sub(" ", title).casefold()
    return sum(1 for w in re.findall(r"[^\W_]+", rest) if w not in TITLE_STOP and not w.isdigit()) <= 1


def guard_rail(title: str, description: str, logged: int, again: bool,
               rules: PriorityFit) -> str | None:
    """Why the rules' reading stands whatever the chart model reads, or None. The guard rails
    are what fresh users asked for (sessions 25-28), rules the model weighs as one reading
    among others and so could outweigh (session 34: switched on, it broke six of them):
    - a follow-up (`again`) that says nothing of its own (`bare_follow_up`: "still down any
      eta??") keeps its first report's priority or none: its words are the follow-up's, not
      the chart's (session 25), and follow-ups about different problems are no "many users"
      (session 26); one that says more ("still slow, count clearing late because of it") is
      read whole, as leave one writer out chose (session 35: the guard on every follow-up
      lost 40 right proposals for 51 wrong ones, and the worst file's recall 0.47 -> 0.40);
    - a time waited ("20 min waiting on hold with vendor", pw.TIME_WAITED) is nobody's P2,
      even where several people report it (session 28);
    - a deadline the rules read P2 ("board packet due by 3pm", pw.DEADLINE) keeps it (26);
    - one user's lockout logged P1 or P2 (`logged`) that the rules read P3 ("ACCOUNT LOCKED
      CANT LOGIN", pw.LOCKED) stays P3 (session 27).
    Measured leave one writer out (docs/triage.md, "Priority, session 35")."""
    text = f"{title}\n{description}"
    if again and bare_follow_up(title):
        return FOLLOW_UP_RAIL
    if pw.TIME_WAITED.search(text):
        return "a time waited is nobody's higher priority"
    if rules.priority == 2 and pw.DEADLINE.search(text):
        return "a deadline"
    if rules.priority == 3 and logged <= 2 and pw.LOCKED.search(text):
        return "one user's lockout"
    return None


Standing = tuple[str, int, str]  # a first report's ID, where its priority stands, and how
# ("proposed, awaiting the supervisor", "accepted", "decided by the supervisor")
FOLLOW_UP_RAIL = "a follow-up keeps its first report's priority"


def follow_up_standing(held: Standing, logged: int, ref: Reference) -> PriorityFit:
    """A bare follow-up logged at `logged` takes its first report's standing (`held`): the
    first report's pending or accepted priority proposal, or the supervisor's decision, is the
    follow-up's too (session 37: it was read afresh from the first report's words, so a first
    report proposed P2 by the chart model had follow-ups proposed nothing). Nothing is
    proposed where the follow-up is logged at that priority already."""
    first_id, level, how = held
    if level == logged:
        return PriorityFit(None, "")
    return PriorityFit(level, f"a follow-up of {first_id}, whose priority stands at P{level} "
                              f"({how}): {ref.sla.target(level).description}")


def reading(models: dict[int, Model], present: frozenset[str]) -> int:
    """The chart model's priority for the `present` features: the level whose regression
    scores highest, the more urgent on a tie (the corpus measure and training use it too)."""
    scored = {level: m.score(present) for level, m in models.items()}
    return max(scored, key=lambda level: (scored[level], -level))


def chart_priority(title: str, description: str, vip: bool, logged: int, ref: Reference,
                   first_report: Callable[[], FirstReport | None],
                   linked: Callable[[], tuple[list[str], int]], need: int,
                   models: Models = chart_models,
                   standing: Callable[[], Standing | None] = lambda: None) -> PriorityFit:
    """The chart's priority triage proposes for an incident logged at `logged` (1 = Critical):
    the rules' and earlier models' reading (`proposed_priority`, same arguments) weighed with
    the ticket's words and context by the chart model (`context_features`). The model's
    priority, when it differs from `logged`, is the proposal; when the model reads the logged
    priority, nothing is proposed even where the rules said otherwise; where it agrees with
    the rules, their evidence stands. `first_report` and `linked` search the store and are
    called at most once each; `standing` (a bare follow-up's first report's standing,
    `follow_up_standing`) only for a bare follow-up. Evidence: the model's score and the
    checkable words that weighed most (`chart_words`), then the rules' reading. One function
    for triage and the corpus measure."""
    first_once = functools.cache(first_report)
    linked_once = functools.cache(linked)
    rules = proposed_priority(title, description, vip, logged, ref, first_once, linked_once, need)
    again = reports_again(title)
    rail = guard_rail(title, description, logged, again, rules)
    if rail == FOLLOW_UP_RAIL and (held := standing()) is not None and held[1] != rules.priority:
        return follow_up_standing(held, logged, ref)  # same level: the words' evidence stands
    if rail is not None:
        return rules
    own = priority_fit(title, description, vip, ref)
    first: int | str | None = "nofirst"
    if again:
        found = first_once()
        first = found[1].priority if found is not None else "nofirst"
    others, before = linked_once()
    present = features(title, description, ref) | context_features(
        logged, own.priority, rules.priority, again, first, len(others), before, vip)
    best = reading(models(), present)
    if best == rules.priority:
        return rules
    if best == logged:
        return PriorityFit(None, "")
    m = models()[best]
    text = f"{title}\n{description}"
    said = m.evidence(present, 3, text, not_evidence(text), chart_words())
    said = said.replace(f" >= {m.threshold:.2f}", "").replace(f" < {m.threshold:.2f}", "")
    why = (f"the rules read P{rules.priority}" if rules.priority is not None
           else "the rules read nothing beyond one user's problem")
    people = f", {len(others) + 1} people report it" if others else ""
    return PriorityFit(best, f"the learned reading of the chart, the text with what triage "
                             f"knows of it ({why}{people}), says P{best} ({said}): "
                             f"{ref.sla.target(best).description}")
