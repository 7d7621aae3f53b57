"""The learned same-subject judgement of two tickets (incident-5 and incident-6): a logistic
regression over pair features, fitted on the labelled tuning corpora (tests/corpus/train.py,
`make train-judgements`) and shipped as plain numbers in sdesk/defaults/models/pair.json.

Scoring is pure Python (no numpy or scikit-learn at run time): the features of a pair
(`features`), each scaled as at training time, times its weight, plus the intercept, through the
logistic function, give a probability in 0..1 that the two tickets are about the same subject.
Same person, same subject compares it with `similarity`/`auto_duplicate`; many people, same
problem with `trend_similarity`/`auto_trend` (sdesk.toml [triage]; defaults are the
thresholds chosen leave-one-writer-out, docs/triage.md "Same subject and trends").

The features: the hand-made lexicon scores (judgements.similarity, one_person, same_outage and
whether a specifier told the texts apart: Finance vs HR, Excel vs Word, 2nd vs 3rd floor), a
character n-gram TF-IDF cosine (typos, "cant"/"can't", "prnter"; document frequencies from the
tuning titles and the service catalogue's words, shipped in the model file), rapidfuzz's
token_set_ratio and partial_ratio, word Jaccard, the services the words name (shared, or
different ones), the services as logged (same, different), numbers that differ, a place both
name, both failing, a follow-up word, and the length ratio.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from sys import intern
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

if TYPE_CHECKING:
    from sdesk.procedures.lexicon import Words

NGRAMS = (3, 4, 5)  # character n-gram lengths, inside word boundaries (" vpn ", " prnt")
_NONWORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")


def normalise(title: str) -> str:
    """Lower case, apostrophes dropped ("can't" -> "cant"), anything not a letter or digit a
    single space."""
    return _NONWORD.sub(" ", title.casefold().replace("'", "").replace("\u2019", "")).strip()


def grams(title: str) -> dict[str, int]:
    """The character n-grams (NGRAMS) of each word of `title`, padded with spaces, counted."""
    out: dict[str, int] = {}
    for word in normalise(title).split():
        padded = f" {word} "
        for n in NGRAMS:
            for i in range(max(1, len(padded) - n + 1)):
                g = intern(padded[i:i + n])  # one string per n-gram: a batch holds many peers
                out[g] = out.get(g, 0) + 1
    return out


@dataclass(frozen=True)
class Text:
    """One ticket as the pair model reads it: its title, the lexicon's reading, the logged
    service and the title's TF-IDF vector (unit length)."""

    title: str
    words: Words
    service: str
    vector: dict[str, float]

    # What `features` reads of one side, worked out once per reading (session 33; kept in the
    # instance's dict beside the frozen fields, as lexicon.Words' readings).

    @cached_property
    def normal(self) -> str:
        """The title `normalise`d."""
        return normalise(self.title)

    @cached_property
    def digits(self) -> frozenset[str]:
        """The numbers of the normalised title."""
        return frozenset(_DIGITS.findall(self.normal))

    @cached_property
    def length(self) -> int:
        """How many words the normalised title has (at least 1)."""
        return len(self.normal.split()) or 1

    @cached_property
    def order(self) -> dict[str, int]:
        """Each n-gram of `vector` -> its place in it (`cosine` sums in that order)."""
        return {g: i for i, g in enumerate(self.vector)}

    @cached_property
    def asks(self) -> bool:
        """A how-to or a question with nothing failing (judgements.asks_how)."""
        from sdesk.procedures.judgements import asks_how

        return asks_how(self.title, self.words)

    @cached_property
    def logged(self) -> str:
        """The logged service, stripped and casefolded ("" for none)."""
        return self.service.strip().casefold()


def text(title: str, w: Words, service: str, idf: dict[str, float], default_idf: float
         ) -> Text:
    """Read one ticket (`idf`: n-gram -> inverse document frequency; unseen n-grams weigh
    `default_idf`)."""
    vec = {g: (1 + math.log(c)) * idf.get(g, default_idf) for g, c in grams(title).items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return Text(title, w, service, {g: v / norm for g, v in vec.items()})


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two unit vectors (0..1 for TF-IDF)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(g, 0.0) for g, v in a.items())


def text_cosine(a: Text, b: Text) -> float:
    """`cosine` of two readings' vectors, the same float: only the shared n-grams are summed,
    in the shorter vector's order (the others' products are 0.0, and adding 0.0 changes no
    sum), found by a set intersection and each reading's n-gram places (session 33)."""
    if len(a.vector) > len(b.vector):
        a, b = b, a
    if not a.vector:
        return 0
    va, vb, place = a.vector, b.vector, a.order
    return sum((va[g] * vb[g] for g in sorted(va.keys() & vb.keys(), key=place.__getitem__)),
               0.0)


def features(a: Text, b: Text) -> dict[str, float]:
    """The pair's features, each 0..1 (module docstring)."""
    from sdesk.procedures.judgements import one_person, same_outage, similarity

    lex = similarity(a.words, b.words)
    person = one_person(a.words, b.words, (a.service, b.service), lex)
    outage = same_outage(a.words, b.words, lex)
    ta, tb = a.normal, b.normal
    sa, sb = a.words.services, b.words.services
    la, lb = a.logged, b.logged
    da, db = a.digits, b.digits
    union = a.words.tokens | b.words.tokens
    na, nb = a.length, b.length
    return {
        "lexicon": lex.score,
        "one_person": person.score,
        "outage": outage.score,
        "apart": float(bool(lex.apart or person.apart) and _apart(a.words, b.words)),
        "char_cosine": text_cosine(a, b),
        "token_set": fuzz.token_set_ratio(ta, tb) / 100,
        "partial": fuzz.partial_ratio(ta, tb) / 100,
        "word_jaccard": len(a.words.tokens & b.words.tokens) / len(union) if union else 0.0,
        "service_shared": float(bool(sa & sb)),
        "service_differs": float(bool(sa and sb and not sa & sb)),
        "logged_same": float(bool(la) and la == lb),
        "logged_differs": float(bool(la and lb) and la != lb),
        "number_differs": float(bool(da and db and da != db)),
        "place_shared": float(bool(a.words.places & b.words.places)),
        "both_failing": float(a.words.failing and b.words.failing),
        "follow_up": float(a.words.follows or b.words.follows),
        "length_ratio": min(na, nb) / max(na, nb),
    }


def associated(a: Words, b: Words, table: frozenset[tuple[str, str]]) -> float:
    """The share of the words only one text has that the other answers with a word learned as
    its associate ("wifi" / "internet", "screen" / "monitor": word pairs seen across same-subject
    pairs of the tuning corpora more often than across different ones); 0..1."""
    only_a, only_b = a.plain - b.tokens, b.plain - a.tokens
    if not only_a or not only_b:
        return 0.0
    partners = _partners(table)
    hits = sum(1 for x in only_a if x in partners and not partners[x].isdisjoint(only_b))
    return min(1.0, hits / min(len(only_a), len(only_b)))


def associates(a: Words, b: Words, table: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    """The word pairs `associated` counts: (a word only `a` has, its learned associate only
    `b` has), sorted; what the evidence names ("wi-fi ~ internet", session 35: it said the
    example "(wifi / internet)" of every pair, and a reader took it for the titles' words)."""
    only_a, only_b = a.plain - b.tokens, b.plain - a.tokens
    partners = _partners(table)
    return sorted((x, y) for x in only_a for y in sorted(partners.get(x, frozenset()) & only_b))


_PARTNERS: dict[int, tuple[frozenset[tuple[str, str]], dict[str, frozenset[str]]]] = {}
PARTNERS_KEPT = 8  # association tables whose look-ups `_partners` keeps at once


def _partners(table: frozenset[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """`table` as word -> the words learned as its associates (x -> {y: (x, y) in table}),
    made once per table (the shipped models' two tables, a measurement's own)."""
    found = _PARTNERS.get(id(table))
    if found is None or found[0] is not table:
        if len(_PARTNERS) >= PARTNERS_KEPT:  # a measurement fits a model per writer left out
            _PARTNERS.clear()
        out: dict[str, set[str]] = {}
        for x, y in table:
            out.setdefault(x, set()).add(y)
        found = _PARTNERS[id(table)] = (table, {x: frozenset(ys) for x, ys in out.items()})
    return found[1]


def _plain(tokens: frozenset[str]) -> frozenset[str]:
    return frozenset(t for t in tokens if not t.startswith("!"))


SOFT_IN_FOLLOW_UP = frozenset(("symptom", "number"))  # what a follow-up says in other words
_FLOORS = frozenset(("floor", "fl", "flr"))  # "2nd floor" / "3rd floor" stay two places


def _apart(a: Words, b: Words) -> bool:
    """Whether the word rule's veto (it told the two apart) stands. It does not when one text
    follows up ("still", "again", "update") and only the symptom or a number differs: "excel
    freezes every time i paste" / "excel froze again lost my work", "EHR logs me out every 10
    minutes" / "EHR timeout again, the 4th time" say one fault twice; the model then weighs the
    pair. Different services named, products, folders, floors (a number beside "floor"),
    departments or names still tell them apart."""
    from sdesk.procedures.judgements import GENERIC_SYMPTOMS

    if not (_follows(a) or _follows(b)) or _names_other_service(a, b):
        return True
    floors = _FLOORS.intersection((*a.raw, *b.raw))
    soft = SOFT_IN_FOLLOW_UP - {"number"} if floors else SOFT_IN_FOLLOW_UP
    if a.names and b.names and a.names != b.names:
        return True
    for kind, mine in a.specifiers.items():
        theirs = b.specifiers.get(kind)
        if kind == "symptom" and theirs and {*mine, *theirs} <= GENERIC_SYMPTOMS:
            continue
        if theirs and not mine & theirs and kind not in soft:
            return True
    return False


def _names_other_service(a: Words, b: Words) -> bool:
    """Both texts name services and none in common ("excel freezes" / "printer jammed again")."""
    sa, sb = a.services, b.services
    return bool(sa and sb and not sa & sb)


def _follows(w: Words) -> bool:
    from sdesk.procedures.judgements import _follows_up as follows_up

    return follows_up(w)


@dataclass(frozen=True)
class PairModel:
    """A fitted model: feature -> weight (on features scaled by `scale`), the intercept, the
    n-gram IDF table, and the thresholds chosen leave-one-writer-out."""

    weights: dict[str, float]
    intercept: float
    scale: dict[str, tuple[float, float]]  # feature -> (mean, standard deviation)
    idf: dict[str, float]
    default_idf: float
    thresholds: dict[str, float]
    about: dict[str, Any]
    associations: frozenset[tuple[str, str]] = frozenset()

    def read(self, title: str, w: Words, service: str = "") -> Text:
        """One ticket read for `score`."""
        return text(title, w, service, self.idf, self.default_idf)

    def score(self, a: Text, b: Text) -> Score:
        """The probability (0..1) that `a` and `b` are about the same subject, with the
        features that weighed most; 0 when a specifier the word rule reads tells them apart
        (Finance vs HR, Excel vs Word, 2nd vs 3rd floor), whatever the other features say."""
        found = features(a, b)
        found["associated"] = associated(a.words, b.words, self.associations)
        parts, alike = {}, {}
        for name, value in found.items():
            mean, sd = self.scale.get(name, (0.0, 1.0))
            parts[name] = self.weights.get(name, 0.0) * (value - mean) / (sd or 1.0)
            alike[name] = says_alike(name, value, mean)
        if found["apart"]:  # a specifier tells them apart (Excel vs Word): never one subject
            return Score(0.0, found, parts, alike)
        z = self.intercept + sum(parts.values())
        return Score(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))), found, parts, alike)

    def probability(self, a: Text, b: Text) -> tuple[float, dict[str, float]]:
        """`score`'s probability and features without the parts' account (what a trend link
        reads: similarity.trend_scores); the same floats, summed in the same order."""
        found = features(a, b)
        found["associated"] = associated(a.words, b.words, self.associations)
        if found["apart"]:
            return 0.0, found
        weigh = self._weighed.get
        z = self.intercept + sum(weight * (value - mean) / sd for name, value in found.items()
                                 for weight, mean, sd in (weigh(name, _UNWEIGHED),))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))), found

    @cached_property
    def _weighed(self) -> dict[str, tuple[float, float, float]]:
        """feature -> (weight, mean, standard deviation or 1), as `score` weighs it (a feature
        named in neither: _UNWEIGHED)."""
        out = {}
        for name in {*self.weights, *self.scale}:
            mean, sd = self.scale.get(name, (0.0, 1.0))
            out[name] = (self.weights.get(name, 0.0), mean, sd or 1.0)
        return out


_UNWEIGHED = (0.0, 0.0, 1.0)  # a feature the model has no weight or scale for: its part is 0


@dataclass(frozen=True)
class Score:
    """A pair's probability of one subject, its features and each feature's part of the sum."""

    probability: float
    features: dict[str, float]
    parts: dict[str, float]
    alike: dict[str, bool] = field(default_factory=dict)  # feature -> it says "alike" (says_alike)

    def evidence(self, top: int = 3, associates: str = "") -> str:
        """The features that weighed most, in words a dispatcher reads, each saying plainly
        whether it speaks for one subject or against: "titles alike letter by letter 81%
        (for), logged under the same service (for), they name different services (against)".
        For or against is what the fact means (says_alike), not the sign of its weight: the
        fitted weights of features that go together (the same service logged, the same words)
        can come out negative, and "logged under the same service (against)" read backwards
        (fresh-user finding, session 29). `associates`: the associated words as the titles
        write them ("wi-fi ~ internet"), said with the learned associations' share."""
        ranked = sorted(self.parts.items(), key=lambda kv: -abs(kv[1]))[:top]
        return ", ".join(f"{say(k, self.features[k], associates)} "
                         f"({'for' if self.alike.get(k, v >= 0) else 'against'})"
                         for k, v in ranked)


# Each feature in words: (what a share says, as "...  81%") or (what it says when present, what
# its absence says) for the yes/no features.
SHARES = {
    "lexicon": "titles' words and their synonyms alike",
    "one_person": "word rule for one person's tickets",
    "outage": "word rule for one outage",
    "char_cosine": "titles alike letter by letter",
    "token_set": "same words in any order",
    "partial": "one title within the other",
    "word_jaccard": "words in common",
    "length_ratio": "titles of alike length",
    "associated": "words used for the same thing",
}
YES_NO = {
    "apart": ("a word tells them apart", "no word tells them apart"),
    "service_shared": ("both name the same service", "no service named by both"),
    "service_differs": ("they name different services", "no different services named"),
    "logged_same": ("logged under the same service", "not logged under the same service"),
    "logged_differs": ("logged under different services", "not logged under different services"),
    "number_differs": ("their numbers differ", "no differing numbers"),
    "place_shared": ("both name the same place", "no place named by both"),
    "both_failing": ("both say something fails", "not both say something fails"),
    "follow_up": ("one says it follows up (still, again)", "neither says it follows up"),
}


# The yes/no features whose presence says the two are about one subject; the others' presence
# (apart, different services or numbers) says they are not.
ALIKE_WHEN_PRESENT = frozenset(("service_shared", "logged_same", "place_shared", "both_failing",
                                "follow_up"))


def says_alike(feature: str, value: float, mean: float) -> bool:
    """Whether a feature's value speaks, plainly, for one subject: a yes/no feature present
    when its presence says alike (ALIKE_WHEN_PRESENT), absent when it says apart; a share (how
    alike the titles are) above its mean over the training pairs."""
    if feature in YES_NO:
        return (value >= 0.5) == (feature in ALIKE_WHEN_PRESENT)
    return value >= mean


def say(feature: str, value: float, associates: str = "") -> str:
    """One feature's value in a dispatcher's words ("titles alike letter by letter 81%",
    "same service logged"); an unknown feature by its name and value. The learned
    associations name the titles' words when given (`associates`: "wi-fi ~ internet")."""
    if feature in YES_NO:
        return YES_NO[feature][0 if value >= 0.5 else 1]
    if feature == "associated" and value < 0.005:
        return "no words used for the same thing"
    if feature == "associated" and associates:
        return f"{SHARES[feature]} ({associates}) {value:.0%}"
    if feature in SHARES:
        return f"{SHARES[feature]} {value:.0%}"
    return f"{feature} {value:.2f}"


def from_json(data: dict[str, Any], which: str) -> PairModel:
    """Model `which` ("person": same person, same subject; "trend": many people, same problem)
    from the shipped file's contents (sdesk/defaults/models/pair.json); both share the IDF."""
    part = data[which]
    return PairModel({k: float(v) for k, v in part["weights"].items()},
                     float(part["intercept"]),
                     {k: (float(v[0]), float(v[1])) for k, v in part["scale"].items()},
                     {k: float(v) for k, v in data["idf"].items()},
                     float(data["default_idf"]),
                     {k: float(v) for k, v in part["thresholds"].items()},
                     dict(data.get("about", {})),
                     frozenset((x, y) for x, _, y in (p.partition("|") for p in part["associations"])))


@cache
def shipped(which: str) -> PairModel:
    """Shipped model `which` ("person" or "trend"), read once."""
    return from_json(_data(), which)


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("sdesk").joinpath("defaults/models/pair.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data
