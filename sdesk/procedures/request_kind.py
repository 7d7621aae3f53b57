"""Hardware, software or neither (request-1): from the category, an explicit --software, the
logged service's kind (the service catalogue), a Standard Desktop Software List product named
(rules: applied), then the other words of the title and description (a judgement: proposed).
Pure; sdesk/procedures/triage_requests.py turns the result into actions or a proposal. The
figures: docs/triage.md, "Measured".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import Words, services_named, words

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
    for text, where in ((title, "title"), (description, "description")):
        if not text.strip():
            continue
        found = _kind_of_text(text, ref)
        if found is not None:
            listed = found[0] == "software" and found[1].startswith("names ")
            if listed and _QUESTION.match(text):  # "how do i export to excel": a how-to
                return Kind(found[0], where, f"{found[1]}, but asks a question about it")
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


# A question about a listed product is not a request for it ("how do i export that report to
# excel", "are we allowed to use zoom for interviews?"): its kind is read, not decided.
_QUESTION = re.compile(r"\W*(?:(?:and|also|so|question|quick question|q)\W+)*"
                       r"(?:how|what|whats|what's|why|where|is|are|does|do you|do we know)\b",
                       re.IGNORECASE)


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


