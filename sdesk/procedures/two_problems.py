"""One problem or two (incident-4): two distinct problems need two clauses that each name a
problem; one clause naming a device and a service ("Laptop can't connect to VPN") is one
problem. Pure; triage proposes a split with the clauses as evidence. The figures that chose
the rules: docs/triage.md, "Measured".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import (
    FAIL,
    NEGATIONS,
    PROBLEM_WORDS,
    SYMPTOMS,
    Words,
    services_named,
    stem,
    words,
)
from sdesk.procedures.text_model import features, model

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
        pieces = [(p, words(p, ref), added) for p, added in _pieces(sentence)]
        named = []
        for k, (piece, w, added) in enumerate(pieces):
            # "reservation system and card machines not working": one failure of a list
            own = added and (k == 0 or _names_problem(pieces[k - 1][1]))
            if about := _about(piece, w, ref, own):
                named.append((piece, about))
        if len(named) >= 2:
            out.extend(named)
        elif sentence.strip():
            whole = words(sentence, ref)
            if _is_problem(whole, ref):
                out.append((sentence.strip(), _main_service(services_named(whole, ref), whole)))
    return out


_SUBJECT = re.compile(r"\b(?:my|the|our|his|her)\s+([a-z]{3,})", re.IGNORECASE)
# A join that adds ("and", "also", "plus", "+", "&"), not a bare comma ("VPN down, users
# cant work": the second piece is what the first one does to people).
_ADDS = re.compile(r"\b(?:and|also|plus|separately)\b|[+&]", re.IGNORECASE)
# The word a piece begins with, after words that only carry it on ("now", "still", "also"):
# "register still frozen", "KB pages blank again", "and now the card reader ...".
_LEAD = re.compile(r"^\W*(?:(?:now|still|also|again|then|and|but|plus|btw)\W+)*"
                   r"([a-z][a-z0-9]+)\b", re.IGNORECASE)
# What cannot be a subject of its own: a word that points back or asks ("it", "this", "pls"),
# a verb that carries a sentence ("is", "keeps", "says"), a determiner (read by _SUBJECT).
_NOT_SUBJECT = frozenset((
    "its", "itself", "this", "that", "these", "those", "there", "here", "they", "them", "you",
    "your", "she", "her", "his", "him", "our", "the", "my", "any", "some", "all", "same",
    "what", "why", "how", "when", "where", "who", "which", "can", "could", "would", "should",
    "will", "need", "needs", "please", "pls", "plz", "was", "were", "are", "has", "have", "had",
    "get", "got", "gets", "getting", "keep", "keeps", "says", "said", "just", "only", "very",
    "really", "one", "two", "both", "other", "another", "then", "now", "still", "also", "too",
    "again", "thanks", "thx", "help", "and", "but", "with", "from", "for", "after", "before",
    "since", "when", "while", "because", "tried", "try", "trying", "did", "does", "doing",
    "it", "is", "im", "we", "he", "me", "my", "no", "so", "to", "in", "on", "at", "of", "or",
    "an", "as", "be", "do", "if", "up", "us", "ok", "hi", "re", "fw", "fwd", "go", "goes",
    "going", "went", "gone", "come", "comes", "came", "make", "makes", "making", "made", "take",
    "takes", "took", "signed", "rings", "shows", "showing", "turns", "turned", "everything",
    "everyone", "anything", "something", "someone"))


def _pieces(sentence: str) -> list[tuple[str, bool]]:
    """The joined pieces of a sentence (`_JOIN`), each with whether a join next to it adds
    ("and", "also", "plus", "+": `_ADDS`) rather than only a comma."""
    bounds = [(m.start(), m.end()) for m in _JOIN.finditer(sentence)]
    cuts = [0, *(x for b in bounds for x in b), len(sentence)]
    joins = [sentence[a:b] for a, b in bounds]
    out = []
    for k in range(len(bounds) + 1):
        piece = sentence[cuts[2 * k]:cuts[2 * k + 1]].strip()
        near = joins[max(0, k - 1):k + 1]
        if piece:
            out.append((piece, any(_ADDS.search(j) for j in near)))
    return out


def _about(piece: str, w: Words, ref: Reference, added: bool = False) -> str:
    """What a joined piece is a problem of: its service, else its own subject ("my badge")
    when the piece says something fails; "" when it names no problem. A piece joined by a
    word that adds (`added`: "and", "also", "+") and saying something is wrong (`_names_problem`)
    is also about the subject it begins with ("register still frozen and now the card reader
    wont power on", "KB pages blank again + chrome keeps crashing"; session 38)."""
    if _is_problem(w, ref):
        return _main_service(services_named(w, ref), w)
    subject = _SUBJECT.search(piece)
    if subject and (FAIL in w.tokens or any(word in NEGATIONS for word in w.raw)):
        return "~" + stem(subject.group(1).lower())
    if added and _fails(w):
        lead = subject or _LEAD.match(piece)
        word = lead.group(1).lower() if lead else ""
        if word and word not in _NOT_SUBJECT and word not in NEGATIONS \
                and word not in PROBLEM_WORDS:
            return "~" + stem(word)
    return ""


# Problem words that say something is wanted, or carry a sentence ("fixes it", "goes"), not
# that something fails
_WANTED = frozenset(("need", "needed", "needs", "request", "install", "installed", "replace",
                     "replacement", "reset", "keeps", "fix", "fixed", "fixes", "go", "goes",
                     "going", "get", "gets", "getting"))


def _fails(w: Words) -> bool:
    """Whether the words say something fails (`_names_problem` by a word other than one of
    wanting: "I need the june reconciliation" says nothing fails)."""
    said = {word for word in w.raw if word in PROBLEM_WORDS} - _WANTED
    return bool(said) or bool(w.specifiers.get("symptom")) or any(
        part in SYMPTOMS for part in w.parts) or bool(_OUT_OF.search(" ".join(w.raw)))


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
    catalogue words, or a product) and a problem word, or, joined to another, a subject of its
    own that fails (`_about`: "my badge wont open the door", "register still frozen and now the
    card reader wont power on", session 38); "VPN and Email both down" (two services of
    different teams sharing one "both ... down") counts too. "Laptop can't connect to VPN" is
    one clause, so one problem. Returns the services (or "~subject") and the clauses."""
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




def problems_judged(title: str, ref: Reference) -> tuple[Problems, str]:
    """One problem or two, as triage proposes it: the clauses (`problems`), OR the learned
    model (sdesk/defaults/models/two_problems.json) scoring the title at or above its
    threshold, unless the title names one device only and the score is low (`_one_device`).
    Returns the clauses found and, when the model alone says two, its evidence (the
    score and the features that weighed most; "" otherwise). The combination and its threshold
    were chosen leave one writer out (docs/triage.md, "Learned evidence")."""
    found = problems(title, ref)
    if found.two_or_more or goes_on_alone(title):
        return found, ""
    learned = model("two_problems")
    present = features(title, "", ref)
    score = learned.score(present)
    if score >= learned.threshold and not _one_device(title, ref, score):
        return found, learned.evidence(present, text=title)
    return found, ""



ONE_DEVICE_CAP = 0.2  # the model's score under which one device's symptoms are one problem
# "and it has", ", it's also", "and also it": the later symptom's subject is the device before it
_REFERS_BACK = re.compile(r"(?:\b(?:and|also|plus)|,)\s+(?:(?:and|also|then)\s+)?(?:also\s+)?"
                          r"it(?:'s|\u2019s|s)?\b", re.IGNORECASE)


def _one_device(title: str, ref: Reference, score: float) -> bool:
    """The title names exactly one service and it is a device (a hardware service of the
    catalogue), and either the learned model's `score` for two problems is under
    ONE_DEVICE_CAP or the later symptom refers back to the device with a pronoun ("My monitor
    is flickering and it has dead pixels", "it's also", "and also it": the model reads the
    joining words as two problems, 0.53 and 0.99): two symptoms of one device ("Monitor
    flickering and dead pixels"), one problem for one group (incident-4), not a separation.
    Session 34, on the twenty-five tuning files: 17 fewer wrong proposals on twelve files and
    no right one lost (at 0.5, one lost); the pronoun, session 35 (fresh-user finding): no
    tuning title it holds for is labelled two problems (docs/triage.md)."""
    if score >= ONE_DEVICE_CAP and not _REFERS_BACK.search(title):
        return False
    named = services_a_title_names(title, ref)
    if len(named) != 1:
        return False
    info = ref.service_info(next(iter(named)))
    return info is not None and info.kind == "hardware"


_GOES_ON = re.compile(r"^\W*(also|and|plus|btw|so)\b\W*", re.IGNORECASE)
_JOINED = re.compile(r"\b(and|also|plus|too)\b|[+&;]", re.IGNORECASE)


def goes_on_alone(title: str) -> bool:
    """The title goes on from another ticket ("also my second monitor keeps going to sleep",
    "and onedrive says sync paused, wont resume") and joins nothing within itself: one
    problem, whatever the learned model reads in its leading "also"/"and" (weighed +4.8 and
    +4.2 as words of two problems). The clauses still decide ("also X and Y broke" is read as
    before). Session 27: on the fifteen tuning files no title this holds for is labelled two
    problems; the shipped model proposed 29 of them."""
    rest = _GOES_ON.sub("", title, count=1)
    return rest != title and not _JOINED.search(rest)


def services_a_title_names(title: str, ref: Reference) -> dict[str, tuple[str, ...]]:
    """The services a title names (service -> the words that name it, in title order), read
    as the one-problem rule reads them (the service catalogue's words and the software list's
    products, `services_named`), only services a team provides, and without a device the
    title only names as where a service fails ("Laptop can't connect to VPN" names VPN)."""
    w = words(title, ref)
    named = services_named(w, ref)
    found: dict[str, list[str]] = {}
    for token in sorted(named, key=lambda t: _position(t, w)):
        service = named[token]
        if f"@{service}" in w.context or not ref.teams_for_service(service):
            continue
        found.setdefault(service, []).append(token.replace("_", " "))
    return {service: tuple(tokens) for service, tokens in found.items()}


def service_hint(ticket_id: str, title: str, ref: Reference) -> tuple[str, str]:
    """For a ticket logged without a service: (the service to propose, what to say). Exactly
    one service named: proposed, with the commands that accept it or set it ("the text names
    VPN ('vpn'): accept with sdesk triage ID --accept service, or sdesk set ID service=VPN");
    several: each named, none proposed; none: ("", "")."""
    import shlex

    found = services_a_title_names(title, ref)
    said = ", ".join(f"{service} ({', '.join(repr(t) for t in tokens)})"
                     for service, tokens in found.items())
    if len(found) == 1:
        service = next(iter(found))
        return service, (f"the text names {said}: accept with sdesk triage {ticket_id} "
                         f"--accept service, or sdesk set {ticket_id} "
                         f"{shlex.quote(f'service={service}')}")
    if found:
        return "", (f"the text names {said}: set the one it is about with sdesk set "
                    f"{ticket_id} service=...")
    return "", ""
