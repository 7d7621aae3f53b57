"""Hardware, software or neither (request-1): from the category, an explicit --software, the
logged service's kind (the service catalogue), a Standard Desktop Software List product named
(rules: applied), then the other words of the title and description (a judgement: proposed).
Pure; sdesk/procedures/triage_requests.py turns the result into actions or a proposal. The
figures: docs/triage.md, "Measured".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import Words, services_named, words
from sdesk.procedures.text_model import Model, features, model
from sdesk.procedures.words import not_evidence, quoted

ACCESS_WORDS = frozenset(("access", "permission", "permissions", "account", "provision",
                          "mailbox", "distribution_list", "read", "grant"))
# An account or a permission asked for: no learned kind model is asked (fresh-user finding,
# session 29: "acct setup for new employee start date 12/3" was proposed software).
ACCOUNT_WORDS = frozenset(("account", "permission", "permissions", "provision"))
INSTALL_WORDS = frozenset(("install", "installed", "installation", "uninstall", "reinstall",
                           "licence", "license",
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
        said = _kind_of_text(title, ref) if title.strip() else None
        if said is not None and said[0] in ("hardware", "software") and said[0] != info.kind:
            # the logged service and the title disagree ("headset" logged as Software Install):
            # the service's kind, proposed with both for the dispatcher
            return Kind(info.kind, "service, the title disagrees",
                        f"service {info.name!r} is {info.kind}, but the title says "
                        f"{said[0]} ({said[1]})")
        return Kind(info.kind, "service", f"service {info.name!r} is {info.kind}")
    if info is not None and info.kind in ("access", "collaboration"):
        return Kind("", "service", f"service {info.name!r} is {info.kind}")
    if _HOW_TO.match(title):  # "how do i change my teams background": asks how, wants no thing
        return Kind("", HOW_TO, "the title asks how to do something, not for a thing")
    for text, where in ((title, "title"), (description, "description")):
        if not text.strip():
            continue
        found = _kind_of_text(text, ref)
        if found is not None:
            listed = found[0] == "software" and found[1].startswith("names ")
            if listed and _QUESTION.match(text):  # "how do i export to excel": a how-to
                return Kind(found[0], where, f"{found[1]}, but asks a question about it")
            return Kind(found[0], found[2] or ("software list" if listed else where), found[1])
    return Kind("", "", "no hardware or software named")


KINDS = ("hardware", "software")
LEARNED = "learned model"  # Kind.source of a kind only the learned models read


def kind_judged(title: str, description: str, category: str, software: str, service: str,
                ref: Reference, models: Mapping[str, Model] | None = None) -> Kind:
    """The kind triage applies or proposes: `request_kind`, and where it says neither, the
    learned models (sdesk/defaults/models/kind_hardware.json, kind_software.json; or `models`,
    kind -> Model, when measuring) reading the title and description: the kind whose score is
    furthest over its threshold (score / threshold), source LEARNED, never a rule (proposed).
    Chosen leave one writer out (docs/triage.md, "Request kind: the learned reading")."""
    found = request_kind(title, description, category, software, service, ref)
    if found.kind or category or found.source in NOT_ASKED:
        return found
    present = features(no_kind(title), no_kind(description), ref)
    best: tuple[float, str, str] | None = None
    for kind in KINDS:
        m = models[kind] if models is not None else model(f"kind_{kind}")
        score = m.score(present)
        if score >= m.threshold and (best is None or score / m.threshold > best[0]):
            text = f"{title} {description}"
            best = (score / m.threshold, kind, m.evidence(present, text=text,
                                                          hide=not_evidence(text)))
    if best is None:
        return found
    return Kind(best[1], LEARNED, best[2])


# Words that say when, not what: a start date ("new hire start date monday needs setup",
# "starts 12/7"). They carry no kind, so the learned kind models do not read them (fresh-user
# finding, session 29: the software model proposed software for a new hire's setup from 'date'
# +0.63 and 'start' +0.35; the fitted weights only echo what the corpora's new hires happened
# to ask for).
_WHEN = re.compile(r"\b(?:start(?:s|ed|ing|in)?|dates?)\b", re.IGNORECASE)


def no_kind(text: str) -> str:
    """The text without the words that carry no kind (_WHEN: start, date),
    as the learned kind models read it."""
    return _WHEN.sub(" ", text)


def _kind_of_text(text: str, ref: Reference) -> tuple[str, str, str] | None:
    """The kind the words say, or None. Access words first ("access to the Tableau server" is
    access); a product with install words is software ("install Visio on my new laptop"); a
    device is hardware ("webcam for Teams meetings": Teams says what it is for); a product
    alone is software; install words alone are software; install words with a device and no
    product say neither for sure (None)."""
    w = words(text, ref)
    said = set(w.raw) | w.tokens
    if said & ACCESS_WORDS:  # "AD acct for a new employee": an account is neither, not asked
        # ("read", "grant", "access" alone are weaker: "need Microsoft Access installed")
        return ("", f"access words: {', '.join(sorted(said & ACCESS_WORDS))}",
                ACCESS_SAID if said & ACCOUNT_WORDS else "")
    install = sorted(said & INSTALL_WORDS)
    place = _ON_A_DEVICE.search(text)
    if place:  # "put WinRAR on my computer": what goes on a computer is software
        install.append(place.group(0).strip())
        device = _device_named(words(_ON_A_DEVICE.sub(" ", text), ref), ref)
    else:
        device = _device_named(w, ref)
    if w.software and (install or not device):
        inside = "" if install else _inside_a_service(w, ref)
        if inside:  # "make a Teams team", "add guests in our Teams": no install asked, neither
            return "", inside, IN_A_SERVICE
        return "software", f"names {_longest(w)}", ""
    access = _access_named(w, ref)
    if access:  # "need the authenticator moved to my new phone": an access matter, neither
        return "", access, ACCESS
    if device and not install:
        return "hardware", device, ""
    if install and not device:
        return "software", f"says {', '.join(install)}", ""
    onboarding = _ONBOARDING.search(text)
    if onboarding and not install:  # "new hire starting Monday, needs setup": an account
        return ("", f"a new person's setup ({quoted(onboarding.group(0))}), no device or software "
                "named", ACCESS_SAID)
    return None


# A new person's setup naming no device or product is an account to provision (Account
# Provisioning, access), neither hardware nor software (fresh-user finding, session 29).
_ONBOARDING = re.compile(r"\bnew (?:hire|hires|employee|employees|starter|starters|staff|"
                         r"user|users|person)\b|\bonboard\w*", re.IGNORECASE)


# A question about a listed product is not a request for it ("how do i export that report to
# excel", "are we allowed to use zoom for interviews?"): its kind is read, not decided.
_QUESTION = re.compile(r"\W*(?:(?:and|also|so|question|quick question|q)\W+)*"
                       r"(?:how|what|whats|what's|why|where|is|are|does|do you|do we know)\b",
                       re.IGNORECASE)


_ON_A_DEVICE = re.compile(r"\b(?:on|onto|from)\s+(?:[\w']+\s+){0,4}?"
                          r"(?:computer|pc|laptop|desktop|workstation|machine)s?\b",
                          re.IGNORECASE)
# A how-to question (session 24: 51 of 53 such request titles on the nine tuning files are
# labelled neither): "how do i add a 2nd signature in outlook", "whats the name of the tulsa
# printer", "where do i find the printer drivers". "how do i get 7zip" asks for a thing.
HOW_TO = "how-to question"  # Kind.source: neither, and the learned models are not asked
ACCESS = "access service"  # Kind.source: an access service's words named, neither; not asked
ACCESS_SAID = "access words"  # Kind.source: access words said ("account"), neither; not asked
IN_A_SERVICE = "collaboration service"  # Kind.source: work inside a service, neither; not asked
# Where the rules say neither for a reason, the learned kind models are not asked (kind_judged)
NOT_ASKED = frozenset((HOW_TO, ACCESS, ACCESS_SAID, IN_A_SERVICE, "service"))
_HOW_TO = re.compile(
    r"\W*(?:(?:and|also|so|separate|question|quick question|q)\W+)*(?:"
    r"how (?:do|can|would|should) (?:i|we|you|u)\b(?! (?:have|request|order)\b)|how to\b|"
    r"where (?:do|can|is|are)\b|what'?s the\b|whats the\b|what is the\b|"
    r"(?:can|could) (?:you|u|someone) (?:tell|show) me\b(?! if)|"
    r"is there a way to (?:make|change|stop|set|turn)\b|why (?:does|do|is|won'?t)\b)",
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


def _access_named(w: Words, ref: Reference) -> str:
    """The evidence that the words name an access service of the catalogue ("authenticator"
    is Multi-Factor Authentication), or "" (session 24: 117 of 118 such request titles on the
    nine tuning files are labelled neither; the other names a listed product to install)."""
    for token, service in services_named(w, ref).items():
        info = ref.service_info(service)
        if info is not None and info.kind == "access":
            return f"{token!r} is {service} (access)"
    return ""


def _inside_a_service(w: Words, ref: Reference) -> str:
    """The evidence that every listed product the words name is also a collaboration service
    of the catalogue (Teams, Outlook: Email) and nothing asks to install it, or "". The guide's
    software request is software to install from the Standard Desktop Software List; "please
    make a Teams team", "add the board as guests in our Teams", "set up a teams room" ask for
    work inside the service (session 26: the 3 wrong rule decisions of 240 on thirteen files;
    the Teams requests labelled software all said install or licence)."""
    found = []
    for alias, _product in w.software:
        named = services_named(words(alias, ref), ref)
        kinds = {(s, i.kind) for s in named.values() if (i := ref.service_info(s)) is not None}
        if not kinds or any(kind != "collaboration" for _s, kind in kinds):
            return ""
        found.append(f"{alias!r} is {', '.join(sorted(s for s, _k in kinds))} (collaboration)")
    return f"{'; '.join(found)}: work inside the service, nothing to install"


def software_named(text: str, ref: Reference) -> str:
    """The Standard Desktop Software List product a text names (the longest alias), or ""."""
    w = words(text, ref)
    return _longest(w) if w.software else ""


def _longest(w: Words) -> str:
    """The software list name of the longest alias the words name ("arcgis pro" over
    "project")."""
    return max(w.software, key=lambda pair: len(pair[0]))[1]




@dataclass(frozen=True)
class Need:
    """One thing a request's title asks for: a joined piece naming a service ("new hire needs
    laptop" / "AD account"), its words, its kind (hardware, software or "") and its service."""

    said: str  # the words that name it ("laptop", "ad account")
    kind: str
    service: str


# What joins two asks in one title: "and", "+", "&", "plus", "also" (not a comma alone, nor a
# sentence: "need firefox, the grants site only works in firefox" gives a reason, "teams mic
# fixed. need Visio" reports back; session 30, measured in docs/triage.md "Two requests in one").
_ASKS = re.compile(r"\s+and\s+(?:also\s+)?|\s*[+&]\s*|\s+plus\s+|,\s*(?:and|also|plus)\s+"
                   r"|\s+also\s+", re.IGNORECASE)


def needs(title: str, ref: Reference) -> list[Need]:
    """The things a request's title asks for, one per piece joined by "and", "+", "plus",
    "also" (`_ASKS`) that names a service a team provides (the one-problem rule's
    `services_named`, its main service): its kind as request-1 reads the piece
    (`_kind_of_text`), else the service's kind in the catalogue when that is hardware or
    software."""
    from sdesk.procedures.two_problems import _main_service

    out: list[Need] = []
    for piece in _ASKS.split(title):
        if not piece or not piece.strip():
            continue
        w = words(piece, ref)
        named = {t: s for t, s in services_named(w, ref).items() if ref.teams_for_service(s)}
        if not named:
            continue
        service = _main_service(named, w)
        read = _kind_of_text(piece, ref)
        info = ref.service_info(service)
        kind = read[0] if read is not None else (
            info.kind if info is not None and info.kind in KINDS else "")
        said = " ".join(t.replace("_", " ") for t, s in named.items() if s == service)
        out.append(Need(said, kind, service))
    return out


def not_routed(title: str, kind: str, service: str, ref: Reference) -> list[Need]:
    """What a request's title also asks for that its route does not take (session 30: "new
    hire needs laptop and AD account" routed as an account said nothing of the laptop): the
    title's `needs` of another kind than `kind` (the kind triage applied or proposed), and for
    a request of neither kind, those whose service another team provides than `service`'s
    (when `service` is known). One each per kind and service; nothing when the title asks for
    one thing. The guide's request steps have no separation step, so triage names them and
    proposes nothing (docs/triage.md, "Two requests in one")."""
    found = needs(title, ref)
    if len(found) < 2:
        return []
    teams = {t.name for t in ref.teams_for_service(service)} if service else set()
    out: list[Need] = []
    seen: set[tuple[str, str]] = set()
    for need in found:
        if need.kind != kind:
            other = True
        elif kind or not teams:
            other = False
        else:
            other = not teams & {t.name for t in ref.teams_for_service(need.service)}
        if other and (need.kind, need.service) not in seen:
            seen.add((need.kind, need.service))
            out.append(need)
    return out
