"""How triage reads a ticket's words: the way agency staff write ("pls", "cant", "2nd flr",
"wi-fi", "one drive") normalised, and every word placed against the reference data: the
service catalogue's words and names (reference/services.toml, teams.toml) and the Standard
Desktop Software List's product names (software.toml).

A title becomes `Words`: the normalised tokens, which of them name a service ("objects"), and
the "specifiers" that tell two otherwise alike tickets apart (a product: Excel vs Word; a
department or folder: Finance vs HR; a number: 2nd vs 3rd floor). Failure words ("down",
"won't connect", "not working", "error") become one token, `!fail`, so a rewording still
matches. Deterministic and cheap: a dispatcher can check every decision; docs/triage.md.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property

from sdesk.core.reference import Reference
from sdesk.procedures.plain_words import plain_uses
from sdesk.procedures.words import TITLE_STOP, split

FAIL = "!fail"
# Words people use for "it does not work"; all read as one token (FAIL).
FAIL_WORDS = frozenset((
    "down", "offline", "dead", "broken", "broke", "fail", "failing", "failed", "failure", "fails",
    "error", "errors", "connect", "connecting", "connection", "load", "loading", "loads", "issue",
    "issues", "problem", "problems", "fix", "fixed", "trouble", "responding", "functioning", "go",
    "going", "get", "getting", "reach", "outage", "outages", "unavailable", "unreachable",
    "inaccessible", "lost",
))
POWER = "!nopower"
# Words that say something is wrong (clauses naming a problem; see `names_problem`).
PROBLEM_WORDS = FAIL_WORDS | frozenset((
    "working", "work", "works", "!nopower", "!fail", "signout",
    "not", "no", "cant", "cannot", "wont", "doesnt", "isnt", "unable", "crash", "crashes",
    "crashing", "crashed", "freeze", "freezes", "frozen", "jam", "jammed", "jams", "stuck",
    "slow", "expired", "locked", "lockout", "missing", "wrong", "flicker", "flickering",
    "drop", "drops", "dropping", "stopped", "need", "needed", "needs", "reset", "install",
    "installed", "keeps", "blank", "cracked", "noise", "denied", "bouncing", "timeout",
    "full", "request", "replace", "replacement",
))
STOP = TITLE_STOP  # sdesk/procedures/words.py: what a title as triage reads it drops
# What is wrong, in classes: two tickets that both say what is wrong and say different things
# are different problems ("VPN slow" vs "VPN won't connect").
SYMPTOMS = {
    FAIL: "fails", "!nopower": "no power", "slow": "slow", "jam": "jam", "crash": "crash",
    "freez": "slow", "freeze": "slow", "frozen": "slow", "noise": "noise",
    "grind": "noise", "click": "noise", "loud": "noise", "flicker": "flicker", "drop": "drops",
    "disconnect": "drops", "lock": "locked", "expir": "expired", "expire": "expired",
}
# A single letter after these names a place: "conference room A" vs "room C".
PLACE_WORDS = frozenset(("room", "conference", "building", "suite", "wing", "floor", "cube",
                         "bldg", "desk"))
# Typos and abbreviations staff use, to the word the catalogue uses.
SPELLING = {
    "pw": "password", "pwd": "password", "passwd": "password", "flr": "floor", "rm": "room",
    "conf": "conference", "msg": "message", "msgs": "messages", "acct": "account",
    "prntr": "printer", "printr": "printer", "outlok": "outlook", "emial": "email",
    "conect": "connect", "connet": "connect", "wifi": "wifi", "wireless": "wifi",
    "mails": "email", "emails": "email", "e-mail": "email", "mail": "email",
    "pc": "computer", "desktop": "computer", "workstation": "computer",
    "screen": "monitor", "display": "monitor", "monitors": "monitor",
    "sign": "signin", "signing": "signin", "login": "signin", "log": "signin",
    "logging": "signin", "logs": "signin", "signed": "signin",
    "hear": "audio", "sound": "audio", "mic": "audio", "microphone": "audio",
    "timing": "timeout", "timeouts": "timeout", "cert": "certificate", "certs": "certificate",
    "bouncing": "bounce", "bounced": "bounce", "bounces": "bounce",
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
    "big": "large", "huge": "large", "black": "blank", "sp": "sharepoint", "lag": "slow",
    "lagging": "slow", "forever": "slow", "portal": "website", "sms": "text",
    "reboot": "restart", "reboots": "restart",
    "rebooting": "restart", "restarts": "restart", "restarting": "restart",
    "hangs": "freeze", "hanging": "freeze", "hung": "freeze", "laggy": "slow",
    "sluggish": "slow", "intermittent": "drop", "disconnects": "drop", "disconnecting": "drop",
    "disconnected": "drop", "dropping": "drop", "drops": "drop", "passcode": "code",
    "pin": "code", "recieve": "receive", "recieving": "receive", "receiving": "receive",
    "incoming": "receive", "arriving": "receive", "arrive": "receive", "received": "receive",
    "sending": "send", "sent": "send", "outgoing": "send", "sends": "send",
}
# Ordinary words a typo correction must leave alone (they are one letter from a word above).
TYPO_SAFE = frozenset(("printed", "prints", "locker", "shared", "sharing", "report", "reports",
                       "lately", "loaded", "unlocked", "center", "centre", "folders", "leading", "resent",
                       "spending", "window", "compute", "computed", "reading", "parked"))
# Which way something fails to go: "can't send" and "not receiving" are two problems.
DIRECTIONS = {"send": "send", "receive": "receive"}
# Words that say the next word does not happen: "not sending", "no dial tone", "can't print".
NEGATIONS = frozenset(("not", "no", "cant", "cannot", "wont", "unable", "doesnt", "isnt",
                       "never", "didnt", "arent", "nothing", "nobody", "noone"))
PHRASES = {
    "wi fi": "wifi", "one drive": "onedrive",
    "people soft": "peoplesoft", "can't": "cant", "won't": "wont", "doesn't": "doesnt",
    "isn't": "isnt", "don't": "dont", "s drive": "s_drive",
    "share drive": "shared_drive", "shared drive": "shared_drive", "voice mail": "voicemail",
    "not working": "!fail", "not connecting": "!fail", "wont connect": "!fail",
    "stopped working": "!fail", "doesnt work": "!fail", "isnt working": "!fail",
    "wont turn on": POWER, "wont power on": POWER, "no power": POWER, "wont boot": POWER,
    "doesnt turn on": POWER, "wont start": POWER, "dead": POWER,
    "cant connect": "!fail", "cannot connect": "!fail", "wont load": "!fail",
    "log in": "signin", "sign in": "signin", "logged out": "signout", "logs me out": "signout",
    "logging me out": "signout", "signing me out": "signout", "signs me out": "signout",
    "sign out": "signout", "signed out": "signout", "out of space": "full",
    "text msg": "text", "text message": "text", "takes forever": "slow",
}
# Words that tell two tickets apart when both have one and they differ (Finance vs HR).
DEPARTMENTS = frozenset((
    "finance", "hr", "payroll", "legal", "grants", "licensing", "permits", "budget",
    "accounting", "procurement", "audit", "tulsa", "okc", "lawton", "board", "training",
))
# Umbrella names of a product family: not a specifier (Office covers Excel and Word).
UMBRELLA = frozenset(("office", "microsoft", "m365", "office 365", "microsoft office",
                      "microsoft 365 apps for enterprise", "adobe", "cisco"))
_NUMBER = re.compile(r"^(\d+)(st|nd|rd|th)?$|^\d+[a-z]$")
_TIME = re.compile(r"^\d+(am|pm)$|^\d+/\d+$")


VENDORS = ("microsoft_", "ms_", "adobe_", "cisco_", "esri_", "google_", "mozilla_")


def _product_word(alias: str) -> str:
    """The word that names a product among its family: "microsoft_teams" -> "teams", so Teams
    and Microsoft Teams agree while Excel and Word (one licence, two products) differ."""
    for vendor in VENDORS:
        if alias.startswith(vendor):
            return alias[len(vendor):]
    return alias


def stem(word: str) -> str:
    """A light suffix strip: crashes/crashing/crashed -> crash, printers -> printer."""
    if word.startswith("!") or "_" in word or word.isdigit() or len(word) <= 3:
        return word
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                word = word[:-1]  # jammed -> jam, stopped -> stop
            return word
    if word.endswith(("shes", "ches", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Lexicon:
    """The reference data's words: phrase -> service name, product tokens -> product name."""

    services: dict[str, str]  # normalised word or phrase (spaces as "_") -> service name
    products: dict[str, str]  # normalised alias (spaces as "_") -> software name
    phrases: dict[str, str]  # phrase as typed (lower case) -> its one token
    pattern: re.Pattern[str]  # every phrase, longest first, as whole words
    vocabulary: frozenset[str] = frozenset()  # every word triage knows (typo correction)
    corrected: dict[str, str] = field(default_factory=dict)  # typo -> word, cached
    places: frozenset[str] = frozenset()  # agencies' codes, sites and towns (`places`)


_CACHE: dict[str, Lexicon] = {}


def _lexicon(ref: Reference) -> Lexicon:
    services: dict[str, str] = {}
    products: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for team in ref.teams.values():
        for name in team.services:
            info = ref.service_info(name)
            for word in (name.lower(), *(info.words if info else ())):
                key = _join(word, phrases)
                services.setdefault(key, name)
    for software in ref.software:
        for alias in (software.name, *software.aliases):
            low = alias.lower()
            if low in UMBRELLA:
                continue
            products[_join(low, phrases)] = software.name
    places = _places(ref, phrases)
    for phrase, joined in PHRASES.items():
        phrases.setdefault(phrase, joined)
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    pattern = re.compile(rf"(?<![a-z0-9_])(?:{alternation})(?![a-z0-9_])")
    known = (*services, *products, *phrases, *SPELLING, *SPELLING.values(), *PROBLEM_WORDS,
             *DEPARTMENTS, *SYMPTOMS, *PLACE_WORDS, *STOP, *NEGATIONS, *TYPO_SAFE, *places)
    vocabulary = frozenset(w for phrase in known for w in re.split(r"[\s_]+", phrase)
                           if w.isalpha())
    return Lexicon(services, products, phrases, pattern, vocabulary, places=places)


# Words of an agency's name that say what kind of place it is, not which one.
_GENERIC_PLACE = frozenset(("oklahoma", "state", "county", "offices", "office", "center",
                            "centre", "division", "department", "of", "the", "and", "for",
                            "commission", "services", "authority", "city"))


# Agency codes that are ordinary words in a ticket ("word doc", "law enforcement").
_ORDINARY_CODES = frozenset(("doc", "law"))


def _places(ref: Reference, phrases: dict[str, str]) -> frozenset[str]:
    """Where staff work, from the Supported Agencies list (reference/agencies.toml): each
    agency's code and code parts ("osp" of DOC-OSP), its town ("tulsa", "lawton",
    "oklahoma_city") and the distinctive words of a field site's name ("penitentiary",
    "veterans"). Two failing reports naming one place within the trend window are one outage
    (judgements.same_outage)."""
    out: set[str] = set()
    for agency in ref.agencies.values():
        code = agency.code.lower()
        out.update(p for p in (code, *code.split("-")) if len(p) >= 3 and p.isalpha()
                   and p not in _ORDINARY_CODES)
        if agency.location:
            out.add(_join(agency.location.lower(), phrases))
        site = agency.name.partition(",")[2]
        out.update(w for w in re.findall(r"[a-z]+", site.lower())
                   if len(w) > 3 and w not in _GENERIC_PLACE)
    return frozenset(out)


def _known(word: str, lex: Lexicon) -> str:
    """A word triage knows, or the one it is a typo of: one letter missing, extra or swapped
    ("conect", "internett", "pritner"), or one vowel wrong ("calender", "moniter"). Words under
    six letters are never corrected ("mouse" is not "house"), the first letter must agree, and
    TYPO_SAFE lists ordinary words one letter from a known one. Candidates come from rapidfuzz's
    edit distance (optimal string alignment, swaps count once)."""
    if len(word) < 6 or not word.isalpha() or word in lex.vocabulary:
        return word
    found = lex.corrected.get(word)
    if found is None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        near = process.extract(word, [v for v in lex.vocabulary if v[0] == word[0]
                                      and abs(len(v) - len(word)) <= 1 and len(v) >= 5],
                               scorer=OSA.distance, score_cutoff=1, limit=8)
        typos = sorted(v for v, _, _ in near if _typo_of(word, v))
        found = lex.corrected[word] = typos[0] if typos else word
    return found


def _typo_of(typed: str, known: str) -> bool:
    """Whether `typed` (one edit from `known`) looks like a typing slip rather than another
    word: a letter left out, doubled or swapped, or one vowel for another."""
    if len(typed) != len(known):
        return True
    diff = [i for i, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
    if len(diff) == 2:
        return True  # two neighbours swapped (OSA distance 1)
    return len(diff) == 1 and typed[diff[0]] in "aeiou" and known[diff[0]] in "aeiou"


def _join(word: str, phrases: dict[str, str]) -> str:
    word = " ".join(word.replace("-", " ").split())
    if " " in word:
        joined = word.replace(" ", "_")
        phrases[word] = joined
        return joined
    return word


def lexicon(ref: Reference) -> Lexicon:
    """The lexicon of this reference data (cached by its digest)."""
    found = _CACHE.get(ref.digest)
    if found is None:
        found = _CACHE[ref.digest] = _lexicon(ref)
    return found


@dataclass(frozen=True)
class Words:
    """A text as triage reads it (module docstring)."""

    tokens: frozenset[str]
    objects: frozenset[str]  # tokens that name a service or a product
    specifiers: dict[str, frozenset[str]]  # class (product, department, number) -> tokens
    raw: tuple[str, ...]  # every word in order, before stop words (for clauses and cues)
    parts: frozenset[str] = frozenset()  # the words inside phrases ("fax", "machine")
    named: tuple[tuple[str, str], ...] = ()  # (object token, the service it names)
    software: tuple[tuple[str, str], ...] = ()  # (alias as written, software list name)
    context: frozenset[str] = frozenset()  # "@Laptop" in "laptop can't connect to VPN"
    names: frozenset[str] = frozenset()  # "contracts" in "access to the Contracts mailbox"
    places: frozenset[str] = frozenset()  # agencies' sites and towns named ("lawton", "osp")

    # What the pairwise judgements read of one text, worked out once per reading instead of
    # once per pair (session 33: a batch of realistic titles scores ~38,000 pairs of ~1,000
    # readings). Pure values of the fields above (cached_property: kept in the instance's
    # dict, beside the frozen fields; a `replace`d reading works them out afresh).

    @cached_property
    def services(self) -> frozenset[str]:
        """The "@Service" tokens that name a service, the devices named as context left out
        ("@VPN" of "laptop cant connect to VPN", not "@Laptop")."""
        return frozenset(t for t in self.tokens if t.startswith("@")) - self.context

    @cached_property
    def at_tokens(self) -> frozenset[str]:
        """Every "@Service" token, context included."""
        return frozenset(t for t in self.tokens if t.startswith("@"))

    @cached_property
    def specified(self) -> frozenset[str]:
        """Every specifier's tokens, of any class (judgements.SPECIFIER_WEIGHT)."""
        return frozenset().union(*self.specifiers.values())

    @cached_property
    def plain(self) -> frozenset[str]:
        """The tokens that are words: not the readings (`!fail`, `!nopower`)."""
        return frozenset(t for t in self.tokens if not t.startswith("!"))

    @cached_property
    def content(self) -> frozenset[str]:
        """What the words say besides naming services: the symptom and its circumstances
        (judgements._content)."""
        return frozenset(t for t in self.tokens if not t.startswith(("@", "!fail"))
                         and t not in self.objects and "_" not in t and t not in self.parts)

    @cached_property
    def failing(self) -> bool:
        """The words say something fails: a failure word, no power, a negation, a symptom
        (judgements._failing)."""
        return FAIL in self.tokens or "!nopower" in self.tokens or bool(
            self.specifiers.get("symptom"))

    @cached_property
    def follows(self) -> bool:
        """The text says it is about something reported before ("still", "again", "following
        up"; judgements._follows_up)."""
        from sdesk.procedures.judgements import _FOLLOW_UP

        return bool(_FOLLOW_UP.intersection(self.raw))

    @cached_property
    def short_words(self) -> frozenset[str]:
        """The words that may be acronyms (`acronyms`): 3 to 5 letters, not stop words."""
        return frozenset(w for w in self.raw if 3 <= len(w) <= 5 and w.isalpha()
                         and w not in STOP)

    @cached_property
    def initials(self) -> tuple[str, tuple[bool, ...]]:
        """The initials of the words in a row ("case_management" as two words), one letter a
        word, and whether each word is spelt out (`acronyms`)."""
        long = [part for w in self.raw for part in w.split("_")]
        return ("".join(w[:1] or "_" for w in long),
                tuple(len(w) > 1 and w.isalpha() for w in long))


READ_KEPT = 512  # texts whose readings `words` keeps at once


def words(text: str, ref: Reference) -> Words:
    """Normalise `text` against the reference data (module docstring). A reading is a pure
    value of the text and the reference data and nobody changes one, so the latest READ_KEPT
    are kept: triage reads one ticket's title (and title with description) in several rules
    (4,583 readings of triage --all's 1,000 tickets on the 100k bench)."""
    key = (text, ref.digest)
    found = _READ.get(key)
    if found is None:
        if len(_READ) >= READ_KEPT:
            del _READ[next(iter(_READ))]
        found = _READ[key] = _words(text, ref)
    return found


_READ: dict[tuple[str, str], Words] = {}


def _words(text: str, ref: Reference) -> Words:
    lex = lexicon(ref)
    raw = _raw(text, lex)
    plain = plain_uses(text)  # "project folder access": the word, not Microsoft Project
    previous = ""
    negated = False
    tokens: set[str] = set()
    objects: set[str] = set()
    spec: dict[str, set[str]] = {"product": set(), "department": set(), "number": set(),
                                 "symptom": set(), "direction": set()}
    parts: set[str] = set()
    named: dict[str, str] = {}
    software: dict[str, str] = {}
    for word in raw:
        word, previous = SPELLING.get(word, word), SPELLING.get(previous, previous)
        if len(word) == 1 and word.isalpha() and previous.split("_")[-1] in PLACE_WORDS:
            spec["number"].add(word)
            previous = word
            continue
        previous = word
        if word in NEGATIONS:
            negated = True
            continue
        if word in STOP or _TIME.match(word) or (len(word) < 2 and not word.isdigit()):
            continue
        if negated:  # "not sending", "no dial tone": something does not work
            tokens.add(FAIL)
            spec["symptom"].add(SYMPTOMS[FAIL])
            negated = False
        if word in DIRECTIONS:
            spec["direction"].add(DIRECTIONS[word])
        if word in FAIL_WORDS:
            word = FAIL
        product = lex.products.get(word) if word not in plain else None
        if product is not None:
            spec["product"].add(_product_word(word))
            software.setdefault(word, product)
        elif _NUMBER.match(word):
            spec["number"].add(word.rstrip("stndrh") or word)
        elif word in DEPARTMENTS:
            spec["department"].add(word)
        token = stem(word)
        service = lex.services.get(word) or lex.services.get(token)
        if service is None and product is not None:
            service = lex.services.get(product.lower(), "Software Install")
        if service is not None:
            objects.add(token)
            tokens.add("@" + service)
            named.setdefault(token, service)
        tokens.add(token)
        if token in SYMPTOMS:
            spec["symptom"].add(SYMPTOMS[token])
        if "_" in token:  # a phrase also says its words: "fax machine" says "fax"
            for part in (stem(p) for p in token.split("_") if p not in STOP):
                tokens.add(part)
                parts.add(part)
    return Words(frozenset(tokens), frozenset(objects),
                 {k: frozenset(v) for k, v in spec.items() if v}, raw, frozenset(parts),
                 tuple(named.items()), tuple(software.items()), _context(named, ref),
                 _names(raw, lex), frozenset(w for w in raw if w in lex.places))


# What a request for access names: the word before one of these is the resource's name.
RESOURCES = frozenset(("folder", "folders", "share", "shares", "shared_drive", "share_drive",
                       "s_drive", "drive", "mailbox", "shared_mailbox", "distribution_list",
                       "list", "site", "sharepoint_site", "channel", "calendar", "group"))


def _names(raw: tuple[str, ...], lex: Lexicon) -> frozenset[str]:
    """The names of the folders, mailboxes, lists and sites a text asks for: the word before
    the resource when it is a department or a word triage does not otherwise know ("the
    Contracts shared mailbox", "the Permits Archive folder")."""
    return frozenset(stem(before) for before, word in itertools.pairwise(raw)
                     if word in RESOURCES and before.isalpha() and len(before) > 1
                     and (before in DEPARTMENTS or before not in lex.vocabulary))


_REPEATS = re.compile(r"([a-z])\1{2,}")


def _raw(text: str, lex: Lexicon) -> tuple[str, ...]:
    """Every word of `text` in order: lower case, letters repeated for emphasis collapsed
    ("sloooow" -> "slow"), typos corrected, phrases joined (the one tokenizer,
    sdesk/procedures/words.py)."""
    return tuple(split(text, (lex.pattern, lex.phrases),
                       lambda word: _known(_REPEATS.sub(r"\1", word), lex)))


def _context(named: dict[str, str], ref: Reference) -> frozenset[str]:
    """The devices a text names only as where something else fails: hardware services named
    beside a service of another kind ("Outlook on my laptop": the laptop is context)."""
    kinds = {service: (info.kind if (info := ref.service_info(service)) else "")
             for service in named.values()}
    if all(kind == "hardware" for kind in kinds.values()):
        return frozenset()
    return frozenset("@" + service for service, kind in kinds.items() if kind == "hardware")


def services_named(w: Words, ref: Reference) -> dict[str, str]:
    """token -> service for each object the words name (a product names Software Install
    unless the product is also a service, as Teams is)."""
    return dict(w.named)


def acronyms(a: Words, b: Words) -> frozenset[str]:
    """The acronyms one text uses for words the other spells out: "CMS" / "case management
    system", "CAD" / "computer aided dispatch" (3 to 5 letters, each the initial of one word
    in a row; stop words are never acronyms)."""
    found: set[str] = set()
    for short, joined in ((a, b), (b, a)):
        candidates = short.short_words
        if not candidates:
            continue
        initials, spelt = joined.initials  # one letter a word, "case_management" as two
        for word in candidates:
            n, i = len(word), initials.find(word)
            while i >= 0 and not all(spelt[i:i + n]):
                i = initials.find(word, i + 1)
            if i >= 0:
                found.add(word)
    return frozenset(found)
