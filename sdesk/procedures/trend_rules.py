"""Trends as groups (incident-6, session 40): the rules that keep one trend group one outage,
read by trend_groups._Links and by the corpus measure's replica (tests/corpus/measure.py
`_settled_roots`). Tester 39b (finding 6) saw unrelated printer faults on two floors proposed as
one trend of "3 people", and a Teams report grouped with two VPN reports because one mail named
both; docs/triage.md, "Trends as groups, session 40"."""

from __future__ import annotations

from collections.abc import Iterable

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import PLACE_WORDS, SPELLING, Words
from sdesk.procedures.pair_model import PairModel, Text

# the place words whose number names one spot of a building ("3rd floor", "rm 312")
_SPOTS = {"floor": "floor", "room": "room", "suite": "room", "bldg": "building",
          "building": "building", "wing": "wing", "cube": "cube"}


def device_spots(logged: str, w: Words, ref: Reference) -> frozenset[str]:
    """`locations` of a report about a device only (its logged service and the services its
    words name all hardware of the catalogue: a printer, a copier, a fax): a device sits on one
    floor, a network does not ("no internet on 4th floor" / "network down 3rd floor" is one
    uplink outage in fresh24.txt)."""
    from sdesk.procedures.similarity import service_kinds

    return locations(w) if service_kinds(logged, w, ref) == {"hardware"} else frozenset()


def locations(w: Words) -> frozenset[str]:
    """The spots a title names, as "kind number" ("floor 3", "room 312"): a number or ordinal
    beside a place word, before or after it ("3rd flr", "floor 4", "rm 312", "3rd fl"). `w`:
    the title as the lexicon reads it; spelling is the lexicon's (flr -> floor, rm -> room,
    third -> 3rd). A follow-up names none ("copier still down, whole floor walking to 2nd floor
    to print": where they go, not where the fault is; fresh30.txt)."""
    from sdesk.procedures.judgements import _follows_up

    if _follows_up(w):
        return frozenset()
    said = [SPELLING.get(x, "floor" if x == "fl" else x) for x in w.raw]
    found = set()
    for k, word in enumerate(said):
        kind = _SPOTS.get(word)
        if kind is None or word not in PLACE_WORDS | {"suite", "bldg"}:
            continue
        for near in (said[k - 1] if k else "", said[k + 1] if k + 1 < len(said) else ""):
            number = near.rstrip("stndrh") if near[:1].isdigit() else ""
            if number.isdigit():
                found.add(f"{kind} {number}")
    return frozenset(found)


def other_spots(mine: Iterable[str], theirs: Iterable[str]) -> bool:
    """Whether two trend groups (the `locations` of each one's reports) name different spots of
    one kind and none in common ("floor 3" / "floor 5"): a printer offline on the 3rd floor and
    another printer out of toner on the 5th are two faults, not one outage (tester 39b, 6b).
    The pair model's veto tells two titles apart by their floors; this keeps a third report that
    links with both from chaining them into one group. A group naming no spot never differs."""
    a, b = set(mine), set(theirs)
    for kind in {s.split(" ")[0] for s in a} & {s.split(" ")[0] for s in b}:
        if {s for s in a if s.startswith(kind + " ")}.isdisjoint(
                {s for s in b if s.startswith(kind + " ")}):
            return True
    return False


def trend_probability(model: PairModel, a: Text, b: Text) -> tuple[float, dict[str, float]]:
    """The trend model's probability and features for a trend's link (similarity.trend_scores):
    `model.probability`, re-read by `generic_symptom` when the veto told the pair apart only by
    "it fails" against a connection's symptom, and the re-read kept only at RELAXED_BAR."""
    probability, features = model.probability(a, b)
    if features["apart"] and (again := generic_symptom(a, b)):
        found = model.probability(*again)
        if found[0] >= RELAXED_BAR:
            return found
    return probability, features


RELAXED_BAR = 0.5  # a re-read pair counts only this sure: at trend_similarity (0.05) the re-read
# pairs cost the trend row 35 wrong reports over the thirty-five tuning files for one right


CONNECTION = frozenset(("drops",))  # "disconnected", "keeps dropping": how a service's outage
# looks to the people connected to it (lexicon.SYMPTOMS)


def generic_symptom(a: Text, b: Text) -> tuple[Text, Text] | None:
    """The pair re-read without the symptom that alone tells them apart when one side only says
    that something fails (judgements.GENERIC_SYMPTOMS: "outlook down", "outlook not
    connecting") and the other names how ("outlook keeps saying disconnected": drops), None
    when that is not the only specifier telling them apart. A trend's link (similarity.
    trend_scores) then weighs them as the pair model weighs any pair: "it fails" says nothing
    that differs from "it drops" (tester 39b, 6a: seven people's Outlook outage was two groups,
    4 + 3, every pair across them vetoed "drops vs fails"). Only a connection's symptom
    (CONNECTION): a printer's jam or empty toner is one device's fault, and "printer jammed" /
    "pritner on 3rd flr not printing" stay apart (6b). One person's pair (incident-5) keeps the
    veto."""
    from dataclasses import replace

    from sdesk.procedures.judgements import GENERIC_SYMPTOMS

    sa = a.words.specifiers.get("symptom", frozenset())
    sb = b.words.specifiers.get("symptom", frozenset())
    if not sa or not sb or sa & sb or not ((sa <= GENERIC_SYMPTOMS and sb <= CONNECTION)
                                           or (sb <= GENERIC_SYMPTOMS and sa <= CONNECTION)):
        return None
    for kind, mine in a.words.specifiers.items():
        theirs = b.words.specifiers.get(kind)
        if kind != "symptom" and theirs and not mine & theirs:
            return None  # told apart by something else too (a product, a floor, a number)

    def without(t: Text) -> Text:
        if not t.words.specifiers.get("symptom", frozenset()) <= GENERIC_SYMPTOMS:
            return t
        kept = {k: v for k, v in t.words.specifiers.items() if k != "symptom"}
        return replace(t, words=replace(t.words, specifiers=kept))

    return without(a), without(b)

