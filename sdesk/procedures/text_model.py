"""Learned evidence for the per-ticket judgements: a linear model over a text's features,
scored in pure Python at run time.

`features` reads a title (and description) into a set of named features: character n-grams of
each word ("c:prn", so "prnter" still shares most of "printer"), words ("w:jam") and word pairs
("b:no power"), and what sdesk's own reading already computes (sdesk/procedures/lexicon.py):
the services named and their kind ("k:hardware"), a failure said ("x:fail"), the symptom class
("y:slow"), a place of the Supported Agencies list ("x:place"), the number of clauses joined
("x:joins=2"). A judgement's model (sdesk/defaults/models/NAME.json, fitted by `make
train-judgements` on the labelled corpora, tests/corpus/learn.py) gives each feature a weight;
the score is the logistic of the intercept plus the weights of the features present, 0..1, and
the judgement is proposed at or above the model's threshold. The evidence shown to the
dispatcher is the score, the threshold and the features that weighed most.

No numpy or scikit-learn here: the weights are a dict read once from the package's JSON file.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import FAIL, POWER, words

# a word in any script is one word ("café", "réseau", "сеть"): letters and digits, not "_"
# ([a-z0-9]+ split "café" into "caf" and lost Cyrillic and CJK words; session 33)
_WORD = re.compile(r"[^\W_]+")
_JOINS = re.compile(r"\b(and|also|plus|another|separately|as well)\b|[,;&+]|\.\s")
CHAR_NGRAMS = (3, 4, 5)


def features(title: str, description: str, ref: Reference) -> frozenset[str]:
    """The named features of a text (module docstring); deterministic, case-folded."""
    text = f"{title}\n{description}".casefold().replace("'", "").replace("\u2019", "")
    tokens = _WORD.findall(text)
    out = {f"w:{t}" for t in tokens}
    out.update(f"b:{a} {b}" for a, b in itertools.pairwise(tokens))
    for token in set(tokens):
        padded = f" {token} "
        for n in CHAR_NGRAMS:
            out.update(f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1))
    w = words(f"{title}\n{description}", ref)
    for _, service in w.named:
        info = ref.service_info(service)
        out.add(f"s:{service}")
        out.add(f"k:{info.kind if info is not None else 'unknown'}")
    out.update(f"y:{s}" for s in w.specifiers.get("symptom", ()))
    out.update(f"x:{flag}" for flag, present in (("fail", FAIL in w.tokens),
                                                 ("nopower", POWER in w.tokens),
                                                 ("place", bool(w.places)),
                                                 ("software", bool(w.software))) if present)
    joins = len(_JOINS.findall(text))
    out.add(f"x:joins={min(joins, 3)}")
    out.add(f"x:services={min(len({s for _, s in w.named}), 3)}")
    return frozenset(out)


@dataclass(frozen=True)
class Model:
    """A fitted linear model: feature -> weight, the intercept and the threshold the
    leave-one-writer-out measurement chose (docs/triage.md, "Learned evidence")."""

    name: str
    weights: Mapping[str, float]
    intercept: float
    threshold: float

    scaled: bool = False  # each present feature counts 1/sqrt(n) (n features), not 1

    def score(self, present: frozenset[str]) -> float:
        """The logistic of the intercept plus the weights of the present features (each
        counted 1/sqrt(len(present)) when `scaled`), 0..1."""
        scale = 1 / math.sqrt(len(present)) if self.scaled and present else 1.0
        # fsum: exactly rounded whatever the set's order (which changes with the hash seed),
        # so a score at a threshold, and its evidence, are the same on every run
        z = self.intercept + scale * math.fsum(self.weights.get(f, 0.0) for f in present)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def evidence(self, present: frozenset[str], most: int = 4, text: str = "",
                 hide: frozenset[str] = frozenset(),
                 shown: frozenset[str] | None = None) -> str:
        """The score against the threshold and what weighed most for it, in words a dispatcher
        reads (`describe`): "score 0.81 >= 0.40; weighed most: 'jammed' +3.20, a failure
        said +0.80". Features that read the same (a word and the letters inside it) are
        added up as one; `text` (the title and description) names the word a group of letters
        came from. A word of `hide` is not shown (a judgement's words that say nothing a
        dispatcher can use: on site hides stop words, sdesk/procedures/on_site.py). With
        `shown` (a set of words), only words of the text are shown, each of their words in
        `shown` (the chart model shows only words many writers use, never a place, a typo, a
        number or a structural feature: session 37); the score is the model's, every feature
        counted."""
        tokens = _WORD.findall(text.casefold().replace("'", "").replace("\u2019", ""))
        hidden = {repr(w) for w in hide}
        parts: dict[str, list[float]] = {}
        for f in present:
            if self.weights.get(f, 0) > 0 and (said := describe(f, tokens)) not in hidden and (
                    shown is None or _checkable(f, said, shown)):
                parts.setdefault(said, []).append(self.weights[f])
        summed = {said: math.fsum(ws) for said, ws in parts.items()}  # order-free, as score
        weighed = sorted(((w, f) for f, w in summed.items()), key=lambda p: (-p[0], p[1]))
        said = ", ".join(f"{f} {w:+.2f}" for w, f in weighed[:most])
        s = self.score(present)
        return f"score {s:.2f} {'>=' if s >= self.threshold else '<'} {self.threshold:.2f}" + (
            f"; weighed most: {said}" if said else "")


def _checkable(feature: str, said: str, shown: frozenset[str]) -> bool:
    """A word feature ("w:", "b:", or "c:" read as a word of the text: `said` quoted) whose
    every word is in `shown`."""
    if feature[:2] not in ("w:", "b:", "c:") or not said.startswith(("'", '"')):
        return False
    return all(w in shown for w in said[1:-1].split())


def _level(value: str, said: str, nothing: str) -> str:
    return nothing if value == "None" else f"{said} P{value}"


_CONTEXT: dict[str, Callable[[str], str]] = {  # priority_chart.context_features, in words
    "L": lambda v: f"logged P{v}",
    "own": lambda v: _level(v, "its words read", "its words read nothing more"),
    "base": lambda v: _level(v, "the rules read", "the rules read nothing more"),
    "again": lambda v: "a follow-up" if v == "True" else "not a follow-up",
    "first": lambda v: {"n/a": "not a follow-up", "nofirst": "no first report found"}.get(
        v, _level(v, "its first report read", "its first report read nothing more")),
    "people": lambda v: f"{v}{' or more' if v == '3' else ''} other people report it",
    "before": lambda v: f"{v} reported it before",
    "vip": lambda v: "a VIP requester" if v == "True" else "not a VIP",
}
_FLAGS = {"fail": "a failure said", "nopower": "no power or will not start said",
          "place": "a place named", "software": "a listed product named"}


def describe(feature: str, tokens: Sequence[str] = ()) -> str:
    """A feature in a dispatcher's words: "w:jam" -> "'jam'", "b:no power" -> "'no power'",
    "c:jam" -> the word of `tokens` holding those letters ("'jammed'"; "letters 'jam'" when
    none does), "s:Printing" -> "service Printing named", "k:hardware" -> "a hardware service
    named", "y:slow" -> "symptom: slow", "x:fail" -> "a failure said", "x:joins=2" -> "2
    joining words (and, also, commas)", "x:services=1" -> "1 service named"."""
    kind, _, value = feature.partition(":")
    if kind in ("w", "b"):
        return repr(value)
    if kind == "c":
        grams = value.strip()
        whole = next((t for t in tokens if value in f" {t} "), "")
        return repr(whole) if whole else f"letters {grams!r}"
    if kind == "s":
        return f"service {value} named"
    if kind == "k":
        return f"a {value} service named"
    if kind == "y":
        return f"symptom: {value}"
    if kind in _CONTEXT:  # the chart model's context (priority_chart.context_features)
        return _CONTEXT[kind](value)
    name, _, count = value.partition("=")
    if name == "joins":
        return f"{count} joining words (and, also, commas)"
    if name == "services":
        return f"{count} services named" if count != "1" else "1 service named"
    return _FLAGS.get(name, value)


def from_data(data: Mapping[str, object]) -> Model:
    """A Model from its JSON form ({"name", "weights", "intercept", "threshold", ...});
    raises KeyError/TypeError on a malformed file."""
    weights = data["weights"]
    if not isinstance(weights, dict):
        raise TypeError("a model's weights are a JSON object")
    return Model(str(data["name"]), {str(k): float(v) for k, v in weights.items()},
                 float(str(data["intercept"])), float(str(data["threshold"])),
                 bool(data.get("scaled", False)))


@functools.cache
def model(name: str) -> Model:
    """The shipped model NAME (sdesk/defaults/models/NAME.json), read once per process."""
    text = resources.files("sdesk").joinpath(f"defaults/models/{name}.json").read_text("utf-8")
    return from_data(json.loads(text))
