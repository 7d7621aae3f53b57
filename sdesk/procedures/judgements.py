"""The dispatcher's judgements, each with its evidence: same subject (incident-5, incident-6),
one problem or two (incident-4), hardware or software (request-1) and on site or remote
(priority against the work is sdesk/procedures/priority_fit.py). Pure functions of text and
reference data; triage turns their results into proposals (sdesk/procedures/proposals.py) or,
where measured precision allows, applies them. The figures that chose each rule and threshold:
docs/triage.md, "Measured".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import (
    FAIL,
    NEGATIONS,
    PROBLEM_WORDS,
    SYMPTOMS,
    Words,
    acronyms,
    services_named,
    stem,
    words,
)

# Object tokens weigh more than the rest: "VPN down" and "can't get on the VPN from home" are
# about the VPN whatever else they say.
OBJECT_WEIGHT = 3.0
# Symptoms that say only "it does not work": compatible with each other.
GENERIC_SYMPTOMS = frozenset(("fails", "no power"))
SPECIFIER_WEIGHT = 2.0
CONTENT_PENALTY = 0.5
SERVICE_PENALTY = 0.5
FOLLOW_UP_SCORE = 0.5  # at least this when one text says "still", "again", "following up"


@dataclass(frozen=True)
class Similarity:
    """Why two texts are (or are not) about the same subject."""

    score: float  # weighted Jaccard of the normalised words, 0..1; 0 when told apart
    shared: frozenset[str]
    apart: str = ""  # "Finance vs HR" when a specifier tells them apart

    def explain(self, threshold: float) -> str:
        if self.apart:
            return f"told apart by {self.apart}"
        shown = ", ".join(sorted(w.replace("!fail", "(not working)").replace("@", "service ")
                                 for w in self.shared))
        op = ">=" if self.score >= threshold else "<"
        return f"titles share {shown or 'no words'} (score {self.score:.2f} {op} {threshold:.2f})"


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


def one_person(a: Words, b: Words, logged: tuple[str, str] = ("", "")) -> Similarity:
    """Same person, same subject: `similarity` plus what one person's two tickets say besides
    their words. `logged` are the services as recorded: the same service counts as a shared
    service word, two different ones halve the score (SERVICE_PENALTY); trends do not use them
    (people pick different services for one outage). A text that says it follows up ("still",
    "again", "following up") scores at least FOLLOW_UP_SCORE when the two share a word and
    nothing tells them apart. Two requests naming different folders, mailboxes or lists
    ("the Grants shared mailbox" / "the Contracts shared mailbox") are told apart."""
    if a.names and b.names and a.names != b.names:
        return Similarity(0.0, frozenset(), f"{'/'.join(sorted(a.names))} vs "
                                            f"{'/'.join(sorted(b.names))}")
    one, two = (s.strip() for s in logged)
    if one and two and one.casefold() == two.casefold():
        a = replace(a, tokens=a.tokens | {"@" + one})
        b = replace(b, tokens=b.tokens | {"@" + one})
    found = _similarity(a, b, one_sided=True)
    if found.score and not found.apart and (_follows_up(a) or _follows_up(b)):
        found = Similarity(max(found.score, FOLLOW_UP_SCORE), found.shared)
    if one and two and one.casefold() != two.casefold() and found.score:
        return Similarity(found.score * SERVICE_PENALTY, found.shared, found.apart)
    return found


PLACE_SCORE = 0.5  # two failing reports naming one site: a proposed trend, never automatic


def same_outage(a: Words, b: Words) -> Similarity:
    """Many people, same problem (incident-6): `similarity`, or PLACE_SCORE when both texts
    name one place of the Supported Agencies list ("whole Lawton center offline" / "no internet
    at the Lawton office") and both say something fails; different products (Excel vs Word)
    still tell them apart. Under auto_trend, so a place alone only proposes."""
    found = similarity(a, b)
    common = a.places & b.places or acronyms(a, b)  # one place, or "CMS" / "case mgmt system"
    if not common or found.score >= PLACE_SCORE or not (_failing(a) and _failing(b)):
        return found
    mine, theirs = a.specifiers.get("product"), b.specifiers.get("product")
    if mine and theirs and not mine & theirs:
        return found
    return Similarity(PLACE_SCORE, frozenset(common))


def _failing(w: Words) -> bool:
    """The words say something fails: a failure word, no power, a negation, a symptom."""
    return FAIL in w.tokens or "!nopower" in w.tokens or bool(w.specifiers.get("symptom"))


_FOLLOW_UP = frozenset(("still", "again", "follow", "following", "followup", "update",
                        "re", "same", "another"))


def _follows_up(w: Words) -> bool:
    """The text says it is about something reported before ("still", "again", "following up")."""
    return bool(_FOLLOW_UP.intersection(w.raw))


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
    mine, theirs = (frozenset(t for t in w.tokens if t.startswith("@")) - w.context
                    for w in (a, b))
    if (mine or theirs) and not (mine | theirs) & shared and not (
            one_sided and not (mine and theirs)):
        return Similarity(0.0, shared)
    union = a.tokens | b.tokens
    total = sum(max(_weight(t, a), _weight(t, b)) for t in union)
    common = sum(max(_weight(t, a), _weight(t, b)) for t in shared)
    score = common / total if total else 0.0
    what_a, what_b = _content(a), _content(b)
    if what_a and what_b and not what_a & what_b:
        score *= CONTENT_PENALTY  # same device, different symptom: "fan loud" / "won't charge"
    return Similarity(score, shared)


def _content(w: Words) -> frozenset[str]:
    """What the words say besides naming services: the symptom and its circumstances."""
    return frozenset(t for t in w.tokens if not t.startswith(("@", "!fail"))
                     and t not in w.objects and "_" not in t and t not in w.parts)


# ---- one problem or two (incident-4) ---------------------------------------------------------

_STRONG = re.compile(r"[.;!?]+\s+|\s+-\s+")
_JOIN = re.compile(r",\s*(?:and\s+)?(?:also|separately|plus)?\s*|\s+and\s+also\s+|\s+also\s+"
                   r"|\s+plus\s+|\s*[+&]\s*|\s+and\s+", re.IGNORECASE)


def _clauses(title: str, ref: Reference) -> list[tuple[str, str]]:
    """(clause, what it is about) for the clauses of a title that each name a subject and a
    problem: sentences first, then joins ("and also", "plus", ", and my ...") when at least
    two of the joined pieces name a problem of their own ("VPN also not connecting" stays one
    clause). A clause is about the service it names; a joined piece naming none is about its
    own subject ("my badge wont open the door": the badge), when it says something fails."""
    out: list[tuple[str, str]] = []
    for sentence in _STRONG.split(title):
        pieces = [(p.strip(), words(p, ref)) for p in _JOIN.split(sentence) if p and p.strip()]
        named = [(p, about) for p, w in pieces if (about := _about(p, w, ref))]
        if len(named) >= 2:
            out.extend(named)
        elif sentence.strip():
            whole = words(sentence, ref)
            if _is_problem(whole, ref):
                out.append((sentence.strip(), _main_service(services_named(whole, ref), whole)))
    return out


_SUBJECT = re.compile(r"\b(?:my|the|our|his|her)\s+([a-z]{3,})", re.IGNORECASE)


def _about(piece: str, w: Words, ref: Reference) -> str:
    """What a joined piece is a problem of: its service, else its own subject ("my badge")
    when the piece says something fails; "" when it names no problem."""
    if _is_problem(w, ref):
        return _main_service(services_named(w, ref), w)
    subject = _SUBJECT.search(piece)
    if subject and (FAIL in w.tokens or any(word in NEGATIONS for word in w.raw)):
        return "~" + stem(subject.group(1).lower())
    return ""


def _is_problem(w: Words, ref: Reference) -> bool:
    return bool(services_named(w, ref)) and _names_problem(w)


@dataclass(frozen=True)
class Problems:
    """The problems a title names: one per clause that names a service and says what is wrong,
    merged when they are the same service."""

    services: tuple[str, ...]  # distinct services named by problem clauses, in order
    clauses: tuple[str, ...]  # the clauses that name a problem

    @property
    def two_or_more(self) -> bool:
        return len(self.services) >= 2


def problems(title: str, ref: Reference) -> Problems:
    """One problem or two: two distinct problems need two clauses that each name a service (its
    catalogue words, or a product) and a problem word; "VPN and Email both down" (two services
    of different teams sharing one "both ... down") counts too. "Laptop can't connect to VPN" is
    one clause, so one problem."""
    found: list[str] = []
    clauses: list[str] = []
    for part, service in _clauses(title, ref):
        clauses.append(part)
        if service not in found:
            found.append(service)
    if len(found) < 2 and re.search(r"\bboth\b", title, re.IGNORECASE):
        named = services_named(words(title, ref), ref)
        teams = {t.name for s in named.values() for t in ref.teams_for_service(s)}
        if len(teams) >= 2:
            return Problems(tuple(dict.fromkeys(named.values())), (title,))
    return Problems(tuple(found), tuple(clauses))


_OUT_OF = re.compile(r"\bout of\b")  # "out of toner", "out of paper": something is needed


def _names_problem(w: Words) -> bool:
    """Whether the words say something is wrong or wanted: a failure word, a symptom (also
    inside a phrase: "locked out"), or a problem word ("need", "crash", "full")."""
    return (FAIL in w.tokens or bool(w.specifiers.get("symptom"))
            or any(word in PROBLEM_WORDS or word in NEGATIONS for word in (*w.raw, *w.tokens))
            or bool(_OUT_OF.search(" ".join(w.raw)))
            or any(part in SYMPTOMS for part in w.parts))


def _main_service(named: dict[str, str], w: Words) -> str:
    """Of the services a clause names, the one it is about: a product or a software-ish word
    names its own; else the last named (the object after "to"/"on": laptop ... VPN)."""
    ordered = [named[t] for t in sorted(named, key=lambda t: _position(t, w))]
    return ordered[-1]


def _position(token: str, w: Words) -> int:
    for i, word in enumerate(w.raw):
        if word.startswith(token) or token.startswith(word):
            return i
    return len(w.raw)


# ---- hardware or software (request-1) --------------------------------------------------------

ACCESS_WORDS = frozenset(("access", "permission", "permissions", "account", "provision",
                          "mailbox", "distribution_list", "read", "grant"))
INSTALL_WORDS = frozenset(("install", "installed", "installation", "licence", "license",
                           "licenses", "licences", "software", "program", "app", "client",
                           "plugin", "addin"))
# Telecom words that name a thing on a desk (a request for one is hardware).
TELECOM_DEVICES = frozenset(("phone", "desk_phone", "fax_machine", "speakerphone", "handset"))


# Where a kind comes from when a rule decides it: the category, an explicit --software, the
# logged service's kind in the service catalogue, a Standard Desktop Software List product the
# text names. Any other source ("title", "description": words read) is a judgement: proposed.
RULE_SOURCES = frozenset(("category", "software", "service", "software list"))


@dataclass(frozen=True)
class Kind:
    """A request's kind and where it came from ("category", "software", "service",
    "software list", "title", "description")."""

    kind: str  # "hardware", "software" or "" (neither)
    source: str
    evidence: str

    @property
    def rule(self) -> bool:
        """Whether deterministic evidence decided the kind (RULE_SOURCES): triage applies it;
        a kind read from other words is proposed (request-1, docs/triage.md)."""
        return self.source in RULE_SOURCES


def request_kind(title: str, description: str, category: str, software: str, service: str,
                 ref: Reference) -> Kind:
    """hardware, software or neither: the category, the software, the service's kind, then
    the title and the description (access words first; Kind.rule says if a rule decided)."""
    if category in ("hardware", "software"):
        return Kind(category, "category", f"category {category}")
    if software:
        return Kind("software", "software", f"software {software!r}")
    info = ref.service_info(service) if service else None
    if info is not None and info.kind in ("hardware", "software"):
        return Kind(info.kind, "service", f"service {info.name!r} is {info.kind}")
    if info is not None and info.kind in ("access", "collaboration"):
        return Kind("", "service", f"service {info.name!r} is {info.kind}")
    for text, where in ((title, "title"), (description, "description")):
        if not text.strip():
            continue
        found = _kind_of_text(text, ref)
        if found is not None:
            listed = found[0] == "software" and found[1].startswith("names ")
            return Kind(found[0], "software list" if listed else where, found[1])
    return Kind("", "", "no hardware or software named")


def _kind_of_text(text: str, ref: Reference) -> tuple[str, str] | None:
    """The kind the words say, or None. Access words first ("access to the Tableau server" is
    access); a product with install words is software ("install Visio on my new laptop"); a
    device is hardware ("webcam for Teams meetings": Teams says what it is for); a product
    alone is software; install words alone are software; install words with a device and no
    product say neither for sure (None)."""
    w = words(text, ref)
    said = set(w.raw) | w.tokens
    if said & ACCESS_WORDS:
        return "", f"access words: {', '.join(sorted(said & ACCESS_WORDS))}"
    install = sorted(said & INSTALL_WORDS)
    place = _ON_A_DEVICE.search(text)
    if place:  # "put WinRAR on my computer": what goes on a computer is software
        install.append(place.group(0).strip())
        device = _device_named(words(_ON_A_DEVICE.sub(" ", text), ref), ref)
    else:
        device = _device_named(w, ref)
    if w.software and (install or not device):
        return "software", f"names {_longest(w)}"
    if device and not install:
        return "hardware", device
    if install and not device:
        return "software", f"says {', '.join(install)}"
    return None


_ON_A_DEVICE = re.compile(r"\b(?:on|onto)\s+(?:[\w']+\s+){0,3}?"
                          r"(?:computer|pc|laptop|desktop|workstation|machine)\b",
                          re.IGNORECASE)


def _device_named(w: Words, ref: Reference) -> str:
    """The evidence that the words name a device: a word of a hardware service, or a telecom
    device ("desk phone"), or ""."""
    for token, service in services_named(w, ref).items():
        info = ref.service_info(service)
        if info is not None and (info.kind == "hardware"
                                 or (info.kind == "telecom" and token in TELECOM_DEVICES)):
            return f"{token!r} is {service} ({info.kind} equipment)"
    return ""


def software_named(text: str, ref: Reference) -> str:
    """The Standard Desktop Software List product a text names (the longest alias), or ""."""
    w = words(text, ref)
    return _longest(w) if w.software else ""


def _longest(w: Words) -> str:
    """The software list name of the longest alias the words name ("arcgis pro" over
    "project")."""
    return max(w.software, key=lambda pair: len(pair[0]))[1]


# ---- on site or remote -----------------------------------------------------------------------

_ON_SITE = re.compile(
    r"\b(no power|(wont|won't|doesn't|doesnt|will not|not) (turn on|turn back on|power|boot|wake|"
    r"start)|turn (back )?on|beep\w*|"
    r"cable|cabling|jack|drops? run|run \d+ (network )?drops?|at (my |the |his |her )?desk|cube|"
    r"cubicle|move (my|the|our|\d+)|projector|bulb|"
    r"speakerphone|no signal|tv\b|jam|jammed|jamming|noise|grinding|(clicking|grinding) (noise|sound)|"
    r"cracked|flicker\w*|swollen|bulging|puffed|"
    r"(screen|monitor|display) (is )?blank|blank (screen|pages)|dial tone|display broken|"
    r"(monitor|desk phone|phone|laptop|pc|computer) (is )?(still )?(dead|broken|not working)|"
    r"mouse stopped|power (outage|blip|surge|failure)|network closet|smoke|"
    r"burning smell|spilled|spill|surplus|pick up|paper|"
    # what only hands fix: a picture gone black, bad prints, swelling, someone asked to come
    r"(goes|going|went|keeps going|gone) black|black(s|ing)? out|"
    r"prints? (streak\w*|crooked|faded|smudg\w*|lines|blotch\w*|ghost\w*)|streak\w*|smudg\w*|"
    r"swell\w*|"
    r"(someone|somebody|a tech|technician) (here|to come|come (by|out|over)|on ?site|in person)|"
    r"on ?site|in person|"
    r"(set ?up|setup|hook up|install) (a |the |my |our |new )*(desk phone|phone|printer|monitor|"
    r"dock\w*|docking station|pc|computer|workstation|scanner|tv|projector)s?)\b", re.IGNORECASE)


def on_site(title: str, description: str) -> str:
    """The words that say the work needs someone on site (no power, cabling, install at the
    desk, a jam, a broken screen...), or "" when the text does not say so."""
    found = _ON_SITE.search(f"{title}\n{description}")
    return found.group(0) if found else ""
