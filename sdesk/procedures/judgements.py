"""The dispatcher's pairwise judgements, each with its evidence: same subject (incident-5,
incident-6). The per-ticket judgements have their own modules: one problem or two
(two_problems.py), hardware or software (request_kind.py), on site (on_site.py), priority
against the work (priority_fit.py). Pure functions of text and
reference data; triage turns their results into proposals (sdesk/procedures/proposals.py) or,
where measured precision allows, applies them. The figures that chose each rule and threshold:
docs/triage.md, "Measured".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sdesk.procedures.lexicon import FAIL, POWER, Words, acronyms

if TYPE_CHECKING:
    from sdesk.core.reference import Reference

# Object tokens weigh more than the rest: "VPN down" and "can't get on the VPN from home" are
# about the VPN whatever else they say.
OBJECT_WEIGHT = 3.0
# Symptoms that say only "it does not work": compatible with each other.
GENERIC_SYMPTOMS = frozenset(("fails", "no power"))
SPECIFIER_WEIGHT = 2.0
CONTENT_PENALTY = 0.5
SERVICE_PENALTY = 0.5
FOLLOW_UP_SCORE = 0.5  # at least this when one text says "still", "again", "following up"
READ_AS = {FAIL: "both say something fails", POWER: "both say it has no power"}  # not words


@dataclass(frozen=True)
class Similarity:
    """Why two texts are (or are not) about the same subject."""

    score: float  # weighted Jaccard of the normalised words, 0..1; 0 when told apart
    shared: frozenset[str]
    apart: str = ""  # "Finance vs HR" when a specifier tells them apart

    def explain(self, threshold: float, shown: Callable[[str], str] | None = None) -> str:
        """The judgement in words: what tells the texts apart, or what they share (`account`,
        `shown` as there) with the score against `threshold`."""
        if self.apart:
            return f"told apart by {self.apart}"
        op = ">=" if self.score >= threshold else "<"
        return f"{self.account(shown)} (score {self.score:.2f} {op} {threshold:.2f})"

    def account(self, shown: Callable[[str], str] | None = None) -> str:
        """The shared words as a dispatcher reads them: the words both titles hold (a service
        as "service VPN"), then what both say in other words ("both say something fails":
        "VPN down" / "cant connect to vpn" share no failure WORD, only the reading). Until
        session 27 the failure reading was shown as a shared word, "(not working)", for titles
        holding neither "not" nor "working" (fresh-user finding). `shown` says a shared word
        as the titles write it (as_written: "wireless ~ wi-fi"; session 35, "titles share
        wifi" was said of two titles neither of which writes "wifi")."""
        words = sorted(w.replace("@", "service ") if w.startswith("@") else
                       (shown(w) if shown else w) for w in self.shared if not w.startswith("!"))
        said = [READ_AS[w] for w in sorted(self.shared) if w in READ_AS]
        if words:
            return "; ".join([f"titles share {', '.join(words)}", *said])
        return "; ".join([*said, "no words shared"]) if said else "titles share no words"


def _weight(token: str, w: Words) -> float:
    if token in w.context:
        return 1.0
    if token.startswith("@"):
        return OBJECT_WEIGHT
    if any(token in v for v in w.specifiers.values()):
        return SPECIFIER_WEIGHT
    return 1.0


def similarity(a: Words, b: Words) -> Similarity:
    """Same subject, from the words alone (many people, same problem): weighted Jaccard of the
    two word sets (the services the words name weigh OBJECT_WEIGHT), unless a specifier class
    both name differs (Excel vs Word, Finance vs HR, 2nd vs 3rd floor): then 0, with the
    words that differ. Texts that name services but no service in common are never the same
    subject."""
    return _similarity(a, b)


def one_person(a: Words, b: Words, logged: tuple[str, str] = ("", ""),
               found: Similarity | None = None) -> Similarity:
    """Same person, same subject: `similarity` plus what one person's two tickets say besides
    their words. `logged` are the services as recorded: the same service counts as a shared
    service word, two different ones halve the score (SERVICE_PENALTY); trends do not use them
    (people pick different services for one outage). A text that says it follows up ("still",
    "again", "following up") scores at least FOLLOW_UP_SCORE when the two share a word and
    nothing tells them apart. Two requests naming different folders, mailboxes or lists
    ("the Grants shared mailbox" / "the Contracts shared mailbox") are told apart. `found`: the
    pair's `similarity` when the caller has it (the pair model's features): it is the one-sided
    score too unless exactly one text names a service or the logged service is added."""
    if a.names and b.names and a.names != b.names:
        return Similarity(0.0, frozenset(), f"{'/'.join(sorted(a.names))} vs "
                                            f"{'/'.join(sorted(b.names))}")
    one, two = (s.strip() for s in logged)
    if one and two and one.casefold() == two.casefold():
        a, b = _logged(a, one), _logged(b, one)
        found = None
    if found is None or bool(a.services) != bool(b.services):
        found = _similarity(a, b, one_sided=True)
    if found.score and not found.apart and (_follows_up(a) or _follows_up(b)):
        found = Similarity(max(found.score, FOLLOW_UP_SCORE), found.shared)
    if one and two and one.casefold() != two.casefold() and found.score:
        return Similarity(found.score * SERVICE_PENALTY, found.shared, found.apart)
    return found


_LOGGED: dict[tuple[int, str], tuple[Words, Words]] = {}
LOGGED_KEPT = 4096  # readings with a logged service's token added that `_logged` keeps


def _logged(w: Words, service: str) -> Words:
    """`w` with the logged `service` as one of its service tokens ("@Email"), for `one_person`;
    the latest LOGGED_KEPT kept (session 33: a batch compares one reading with many others
    logged under the same service, and each made its own copy, whose readings
    (lexicon.Words' cached ones) were then worked out again per pair)."""
    key = (id(w), service)
    found = _LOGGED.get(key)
    if found is None or found[0] is not w:
        if len(_LOGGED) >= LOGGED_KEPT:
            del _LOGGED[next(iter(_LOGGED))]
        found = _LOGGED[key] = (w, replace(w, tokens=w.tokens | {"@" + service}))
    return found[1]


PLACE_SCORE = 0.5  # two failing reports naming one site: a proposed trend, never automatic


def same_outage(a: Words, b: Words, found: Similarity | None = None) -> Similarity:
    """Many people, same problem (incident-6): `similarity`, or PLACE_SCORE when both texts
    name one place of the Supported Agencies list ("whole Lawton center offline" / "no internet
    at the Lawton office") and both say something fails; different products (Excel vs Word)
    still tell them apart. Under auto_trend, so a place alone only proposes. `found`: the
    pair's `similarity` when the caller has it already (the pair model's features)."""
    found = similarity(a, b) if found is None else found
    common = a.places & b.places or acronyms(a, b)  # one place, or "CMS" / "case mgmt system"
    if not common or found.score >= PLACE_SCORE or not (_failing(a) and _failing(b)):
        return found
    mine, theirs = a.specifiers.get("product"), b.specifiers.get("product")
    if mine and theirs and not mine & theirs:
        return found
    return Similarity(PLACE_SCORE, frozenset(common))


def _failing(w: Words) -> bool:
    """The words say something fails: a failure word, no power, a negation, a symptom
    (lexicon.Words.failing, worked out once a reading)."""
    return w.failing


_ASKS_HOW = re.compile(r"\bhow (do|does|can|could|would|should|to)\b|\bwhere (do|can) i\b|"
                       r"\bis there a way\b|\bquestion\b", re.IGNORECASE)


def asks_how(title: str, w: Words) -> bool:
    """A how-to or a question, with nothing failing ("how do i set my out of office in OMS",
    "is there a way to share my calendar"): the SLA chart's P4 "question, how-to", not a
    report that something is out, so never one of many people's same problem (incident-6;
    fresh-user finding, session 27: "OMS down again" was grouped with an out-of-office how-to)."""
    return bool(_ASKS_HOW.search(title)) and not _failing(w)


_ANOTHER = re.compile(r"^\W*(also|and|plus|btw)\b|\b(separate\w*|unrelated|another (issue|problem|"
                      r"thing)|different (one|machine|printer|thing|issue)|not the\b.{0,30}\bone)\b",
                      re.IGNORECASE)


def says_another(title: str) -> bool:
    """The title says it is another problem than the writer's earlier ones: it goes on from
    one ("also the hatchery printer is feeding 3 sheets", "and need ms project to open the
    schedule", "btw ...") or says so ("separate thing", "unrelated", "not the unit 2 one").
    One person's later report saying so is never their earlier report's duplicate
    (incident-5; session 27: LOWO on fifteen files it removes wrong duplicate proposals on
    twelve and no right one)."""
    return bool(_ANOTHER.search(title))


_MINE = re.compile(r"\b(my|i|me|im|i'm)\b", re.IGNORECASE)


def own_device(title: str, w: Words, ref: Reference) -> bool:
    """The text is about the writer's own device: it says "my"/"I" and every service its words
    name is a device (a hardware service of the catalogue): "my printer wont print", "i cant
    print"; not "my laptop cant connect to VPN" (a service named) nor "printer jammed on 2"."""
    kinds = {info.kind if (info := ref.service_info(service)) else ""
             for _, service in w.named}
    return kinds == {"hardware"} and bool(_MINE.search(title))


_FOLLOW_UP = frozenset(("still", "again", "follow", "following", "followup", "update",
                        "re", "same", "another"))


def _follows_up(w: Words) -> bool:
    """The text says it is about something reported before ("still", "again", "following up";
    lexicon.Words.follows, worked out once a reading)."""
    return w.follows


def _weighed(tokens: frozenset[str], a: Words, b: Words) -> float:
    """The sum over `tokens` of the heavier of each token's weights in `a` and `b` (`_weight`),
    counted by sets: a service token weighs OBJECT_WEIGHT unless both name it as context (then
    1), a specifier of either SPECIFIER_WEIGHT, any other word 1. The weights are whole
    numbers, so the sum is exact in any order (session 33: `_weight` per token per pair was a
    quarter of the pair model's time)."""
    services = tokens & (a.at_tokens | b.at_tokens)
    context = len(services & a.context & b.context)
    specified = len((tokens - services) & (a.specified | b.specified))
    return float(len(tokens) - len(services) - specified + context
                 + OBJECT_WEIGHT * (len(services) - context) + SPECIFIER_WEIGHT * specified)


def _similarity(a: Words, b: Words, one_sided: bool = False) -> Similarity:
    """The score (see `similarity`); with `one_sided`, a text naming no service may still
    match one that names a service ("STILL SLOW!!!" / "my computer is so slow")."""
    for kind, mine in a.specifiers.items():
        theirs = b.specifiers.get(kind)
        if kind == "symptom" and theirs and {*mine, *theirs} <= GENERIC_SYMPTOMS:
            continue  # "desk phone not working" / "desk phone is dead": one complaint
        if theirs and not mine & theirs:
            return Similarity(0.0, frozenset(), f"{'/'.join(sorted(mine))} vs "
                                                f"{'/'.join(sorted(theirs))}")
    shared = a.tokens & b.tokens
    mine, theirs = a.services, b.services
    if (mine or theirs) and not (mine | theirs) & shared and not (
            one_sided and not (mine and theirs)):
        return Similarity(0.0, shared)
    union = a.tokens | b.tokens
    total = _weighed(union, a, b)
    common = _weighed(shared, a, b)
    score = common / total if total else 0.0
    what_a, what_b = _content(a), _content(b)
    if what_a and what_b and not what_a & what_b:
        score *= CONTENT_PENALTY  # same device, different symptom: "fan loud" / "won't charge"
    return Similarity(score, shared)


def _content(w: Words) -> frozenset[str]:
    """What the words say besides naming services: the symptom and its circumstances
    (lexicon.Words.content, worked out once a reading)."""
    return w.content
