"""On site or remote: the words that say the work needs someone at the desk (no power,
cabling, install at the desk...). Pure; triage proposes on-site for the dispatcher to confirm.
The figures: docs/triage.md, "Measured".
"""

from __future__ import annotations

import re

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import services_named, words
from sdesk.procedures.proposals import ACCEPTED, PROPOSED, REJECTED, flag
from sdesk.procedures.text_model import features, model
from sdesk.procedures.words import not_evidence, quoted

# Catalogue kinds whose faults are worked with remote access tools (CASE ASSIGNMENT step 1).
REMOTE_KINDS = frozenset(("software", "application", "collaboration", "access"))

_ON_SITE = re.compile(
    r"\b(no power|(wont|won't|doesn't|doesnt|will not|not) (turn on|turn back on|power|boot|wake|"
    r"start)|beep\w*|"
    r"cable|cabling|jack|drops? run|run \d+ (network )?drops?|at (my |the |his |her )?desk|cube|"
    r"cubicle|move (my|the|our|\d+)|projector|bulb|"
    r"speakerphone|no signal|tv\b|jams?|jammed|jamming|noise|grinding|(clicking|grinding) (noise|sound)|"
    r"cracked|flicker\w*|swollen|bulging|puffed|"
    r"(screen|monitor|display) (is )?blank|blank (screen|pages)|dial tone|display broken|"
    r"(monitor|desk phone|phone|laptop|pc|computer) (is )?(still )?(dead|broken|not working)|"
    r"mouse stopped|power (outage|blip|surge|failure)|network closet|smoke|"
    # a blue screen (session 40: labelled on site by thirteen of thirty-five writers; LOWO
    # 2 right for 1 wrong more, the model proposed most of them already)
    r"blue ?screen\w*|bsod|"
    r"burning smell|spilled|spill|surplus|(?<!on )paper|"
    # picking up equipment, not a call or a microphone ("when I pick up", "mic doesnt pick up")
    r"(?<!\bi )(?<!\bwe )(?<!\byou )(?<!\bthey )(?<!nt )(?<!n't )(?<!\bnot )pick up|"
    # the paper path: what a jam leaves inside ("a check stuck inside", "wont feed")
    r"(paper|sheet|page|check|card|label)s? (is |are )?(stuck|caught)|stuck inside|"
    r"(wont|won't|doesnt|doesn't|not) feed\w*|misfeed\w*|fuser|print ?head|"
    # what only hands fix: a picture gone black, bad prints, swelling, someone asked to come
    r"(goes|going|went|keeps going|gone) black|black(s|ing)? out|"
    r"prints? (streak\w*|crooked|faded|smudg\w*|lines|blotch\w*|ghost\w*)|streak\w*|smudg\w*|"
    r"swell\w*|"
    r"(someone|somebody|a tech|technician) (here|to come|come (by|out|over)|on ?site|in person)|"
    r"on ?site|in person|"
    # asked to come out or up ("need a tech out here", "can someone drive down", "run up there")
    # (not "up to": "need someone up to date")
    r"(need|send|get) (a tech|someone|somebody|a technician|anyone) ((out|down|over|up) "
    r"(here|there)|(out|down|over) to)|"
    r"(someone|somebody|anyone|a tech|you) (can |could )?drive (down|out|over|up)|"
    # asked to send someone, wherever to (session 38: "pls send a tech", "send someone")
    r"(send|dispatch) (us |over |out )?(a tech|someone|somebody|a technician|anyone)|"
    # cabling by its other name, a drop (session 38: "need a network drop in the new shop")
    r"(network|data|ethernet|cat ?[56]|lan) drops?|"
    # a thing fixed to a wall or a truck ("tablet wall mount came off", "antenna mounted")
    r"(?<!drive )(?<!share )(?<!folder )mount(s|ed|ing)?|"
    # a dead device, said the other way round (session 38: "window 5 dead pc")
    r"dead (monitor|desk phone|phone|laptop|pc|computer|printer|screen)s?|"
    r"(come|run) ((up|down|over|out) (here|there)|(down|over|out) to)|"
    r"(somebody|someone|anyone) (up|down|over|out) here|"
    # asked to come and look, whoever is asked ("come look at my computer", "stop by"; a
    # fresh-user finding, session 28: only "someone come by" was read)
    r"come (and )?(take a |have a )?(look|check)|(stop|swing|drop) by|"
    r"(set ?up|setup|hook up|install) (a |the |my |our |new )*(desk phone|phone|printer|monitor|"
    r"dock\w*|docking station|pc|computer|workstation|scanner|tv|projector)s?|"
    # a thing fixed in place ("mount installed for the new mdt", "a monitor arm installed")
    r"(mount|arm|converter|bracket|monitor|dock|docking station|printer|desk phone|phone|switch|"
    r"tv|projector|scanner|camera|reader)s? (installed|mounted|put in))\b", re.IGNORECASE)


# Asking to be called back: the person wants a call, not a visit (session 28's fresh user saw
# "callback" proposed on site: the learned model's 'callback' weighed +2.79, from one writer's
# "using my cell for callbacks").
_CALL = re.compile(r"\bcall ?backs?\b|\bcall me\b|\bgive me a call\b", re.IGNORECASE)
# Service kinds that are a device or a line someone may have to go to.
_PHYSICAL_KINDS = frozenset(("hardware", "telecom", "network"))


def asks_for_a_call(title: str, description: str, ref: Reference) -> str:
    """The words asking for a call back ("callback", "call me") when the text names no
    service of a physical kind (hardware, telecom, network: "phones dead, call backs not
    happening" is about the phones), else "". Vetoes the learned model's guess only: the
    hand rule's words ("no power", "call me, the pc will not turn on") still propose."""
    text = f"{title}\n{description}"
    found = _CALL.search(text)
    if not found:
        return ""
    named = set(services_named(words(text, ref), ref).values())
    if any((info := ref.service_info(s)) is not None and info.kind in _PHYSICAL_KINDS
           for s in named):
        return ""
    return found.group(0)


# Below this score the learned model's proposal says "weakly": measured leave one writer out
# over seventeen files (each file scored by a model fitted on the other sixteen, session 28),
# the model's proposals without the hand rule's words were right 30 times in 365 under 0.3
# (0.08), 22 in 121 from 0.3 to 0.7, 65 in 130 above; the hand rule's words 364 in 592.
# Proposed all the same (the recall floor comes first: docs/triage.md, "On site, session 28"),
# so that a dispatcher can tell the proposals worth a look from the long shots. Session 31's
# model (C 0.3, threshold 0.03, twenty-one files): 73 right in 1,012 under 0.3, 169 in 513
# above (docs/triage.md, "On site, session 31").
WEAK = 0.3


# The audio and video of a room where people meet, hear or present ("Hearing rm 3 recorder not
# picking up the mics", "board room screen still says no signal"): worked in the room. Labelled
# on site 27 times in 35 by nine writers of the tuning files (session 31).
_AV = re.compile(r"\b(mics?|microphones?|audio|sound|livestream|stream|video|speakers?|"
                 r"presentation|recording|recorder|camera|console|display|screen)\b",
                 re.IGNORECASE)
_MEETING_ROOM = re.compile(r"\b((board|commission|conference|hearing|court|meeting|cabinet|"
                           r"briefing|training|council|press|community|media) ?(room|rm)|"
                           r"courtroom|chamber|auditorium)\b", re.IGNORECASE)


def room_av(text: str) -> str:
    """The words naming a meeting room's audio or video ("board room screen"), or ""."""
    room, av = _MEETING_ROOM.search(text), _AV.search(text)
    if not room or not av:
        return ""
    start, end = min(room.start(), av.start()), max(room.end(), av.end())
    if end - start <= 40 and "\n" not in text[start:end]:
        return text[start:end]
    return f"{text[room.start():room.end()]} ... {text[av.start():av.end()]}"


def on_site(title: str, description: str) -> str:
    """The words that say the work needs someone on site (no power, cabling, install at the
    desk, a jam, a broken screen, a meeting room's audio or video...), or "" when the text
    does not say so."""
    text = f"{title}\n{description}"
    found = _ON_SITE.search(text)
    return found.group(0) if found else room_av(text)


# The hand rule's "will not start" family: a thing that does not start, boot, power or wake.
_NOT_STARTING = re.compile(r"(wont|won't|doesn't|doesnt|will not|not) (turn on|turn back on|"
                           r"power|boot|wake|start)$", re.IGNORECASE)
# Where the clause a failure is said in begins: what is before it names another thing.
_CLAUSE = re.compile(r"[.,;:!?\n]|\b(and|but|also|so|then|because|since|when|after)\b",
                     re.IGNORECASE)
SUBJECT_WORDS = 4  # the words before "will not start" read for what does not start


def _software_subject(text: str, start: int, ref: Reference) -> str:
    """The software service named as what does not start, in the words of its clause just
    before `start` ("Outlook will not start" -> Email), or "" when they name none, or a
    device too ("pc with outlook will not start"): the hand rule's "will not start" is a
    device's (no power, no boot), a program that will not start is worked remotely."""
    before = text[:start]
    cut = [m.end() for m in _CLAUSE.finditer(before)]
    clause = before[cut[-1] if cut else 0:].split()[-SUBJECT_WORDS:]
    named = set(services_named(words(" ".join(clause), ref), ref).values())
    kinds = {info.kind for s in named if (info := ref.service_info(s)) is not None}
    if not kinds & REMOTE_KINDS or kinds & _PHYSICAL_KINDS:
        return ""
    return ", ".join(sorted(named))


def on_site_said(title: str, description: str, ref: Reference) -> str:
    """The hand rule's words (`on_site`), read with the reference data: a "will not start"
    whose subject is a program (`_software_subject`: "Outlook will not start on my pc") is
    not evidence, and the next match is read; "" when none is left (fresh-user finding,
    session 35: the description's "pc" made the text more than software, so
    `software_only` let the rule's "will not start" propose a software fault on site)."""
    text = f"{title}\n{description}"
    for found in _ON_SITE.finditer(text):
        if _NOT_STARTING.search(found.group(0)) and _software_subject(text, found.start(), ref):
            continue
        return found.group(0)
    return room_av(text)


def program_not_starting(title: str, description: str, ref: Reference) -> str:
    """The software services the text says will not start ("Outlook will not start": Email),
    or "". A program that will not start is a software fault, worked remotely: where the hand
    rule's other words do not say on site, the learned model's guess is not proposed either
    (it weighs "will not start" and a device named: "Excel wont start" on "my laptop" scored
    0.47)."""
    text = f"{title}\n{description}"
    for found in _ON_SITE.finditer(text):
        if _NOT_STARTING.search(found.group(0)):
            named = _software_subject(text, found.start(), ref)
            if named:
                return named
    return ""


def software_only(title: str, description: str, ref: Reference) -> str:
    """The services a text names when every one is software, an application, a collaboration
    tool or access (service catalogue kinds, REMOTE_KINDS) and no device is named ("Teams will
    not start": a software fault, worked remotely), joined with ", "; else ""."""
    named = set(services_named(words(f"{title}\n{description}", ref), ref).values())
    kinds = {info.kind for s in named if (info := ref.service_info(s)) is not None}
    if not kinds & REMOTE_KINDS or kinds - REMOTE_KINDS - {"general"}:
        return ""
    return ", ".join(sorted(s for s in named
                            if (info := ref.service_info(s)) is not None
                            and info.kind in REMOTE_KINDS))


# A thing put in place, or someone sent to do it: a device installed or mounted, cabling, a
# technician asked for. In a request the kind reads as software ("need the 9 cadet truck docks
# installed": Software Install's word "installed"), or whose text names only that software
# service ("need mount installed for the new mdt"), the work is still hands' (session 40: over
# the thirty-five tuning files 6 such requests, by five writers, all labelled on site).
_PLACED = re.compile(
    r"\b((mount|arm|converter|bracket|monitor|dock|docking station|printer|desk phone|phone|"
    r"switch|tv|projector|scanner|camera|reader)s? (installed|mounted|put in)|"
    r"(?<!drive )(?<!share )(?<!folder )mount(s|ed|ing)?|"
    r"(send|dispatch) (us |over |out )?(a tech|someone|somebody|a technician|anyone)|"
    r"(network|data|ethernet|cat ?[56]|lan) drops?)\b", re.IGNORECASE)


def placed(title: str, description: str) -> str:
    """The words saying a thing is put in place or someone is sent to do it ("docks
    installed", "mounted", "send a technician", "network drops"), or "": what the software
    request and software-only vetoes (`remote_by_kind`, `software_only`) do not override
    (docs/triage.md, "On site, session 40")."""
    found = _PLACED.search(f"{title}\n{description}")
    return found.group(0) if found else ""


def remote_by_kind(kind: str) -> str:
    """Why a request's kind says the work is remote whatever its words say, or "": a software
    request (request-1's kind, applied or proposed) is installed with remote tools (CASE
    ASSIGNMENT step 1; "need the Polaris staff client put on the new circ desk pc"). Chosen
    leave one writer out on thirteen files (docs/triage.md, "On site, session 26"): 10 wrong
    proposals of 423 gone, no right one lost; the logged service's remote kind also tried
    (5 wrong gone, 1 right lost: a software-logged "pc blue screened"), not kept."""
    return "a software request (installed remotely)" if kind == "software" else ""


def on_site_judged(title: str, description: str, ref: Reference, kind: str = "") -> str:
    """On site, as triage proposes it: the words of the hand rule (`on_site`), OR the learned
    model (sdesk/defaults/models/on_site.json) scoring the text at or above its threshold; the
    evidence for the dispatcher ("the text says 'no power'", or the model's score and the
    features that weighed most; "says so, weakly" under WEAK), or "" when neither says so.
    The combination and its threshold
    were chosen leave one writer out (docs/triage.md, "Learned evidence"). Neither counts when
    the text names only software and no device (`software_only`: a software fault is remote),
    nor for a software request (`kind`, request-1's applied or proposed; "" for an incident:
    `remote_by_kind`), unless the words put a thing in place (`placed`: "docks installed",
    "mount installed", where "installed" named Software Install; session 40); nor the model
    alone when the text asks for a call back (`asks_for_a_call`, session 28); a program that
    will not start is neither's evidence (`on_site_said`, `program_not_starting`, session 35).
    """
    if ((software_only(title, description, ref) or remote_by_kind(kind))
            and not placed(title, description)):
        return ""
    said = on_site_said(title, description, ref)
    if said:
        return f"the text says {quoted(said)}"
    if asks_for_a_call(title, description, ref) or program_not_starting(title, description, ref):
        return ""
    learned = model("on_site")
    present = features(title, description, ref)
    score = learned.score(present)
    if score >= learned.threshold:
        text = f"{title} {description}"
        said = learned.evidence(present, text=text, hide=not_evidence(text))
        weakly = ", weakly" if score < WEAK else ""
        return f"the learned model says so{weakly} ({said})"
    return ""


def follow_up_judged(first_id: str, first_title: str, first_flags: tuple[str, ...],
                     ref: Reference, title: str = "", description: str = "") -> str:
    """On site for a follow-up (`title`, `description`: "any update? phones still dead"),
    which the learned model never proposes on its own: its first report's decision stands.
    The evidence when that report is on site as the dispatcher decided it (its on-site
    proposal accepted) or as triage proposes it (pending, or what `on_site_judged` says of its
    title): "a follow-up of ID, on site as that report is (...)"; else when the follow-up's
    own words are the hand rule's (`on_site`: "need someone here", "no power"); "" otherwise,
    and always when that report's on-site proposal was rejected. Chosen leave one writer out
    (docs/triage.md, "On site, session 27")."""
    have = set(first_flags)
    if flag("on-site", "text", REJECTED) in have:
        return ""
    said = next((f"its on-site proposal {word}" for state, word in ((ACCEPTED, "accepted"),
                                                                     (PROPOSED, "pending"))
                 if flag("on-site", "text", state) in have), "")
    said = said or on_site_judged(first_title, "", ref)
    if said:
        return f"a follow-up of {first_id}, on site as that report is ({said})"
    own = "" if software_only(title, description, ref) else on_site_said(title, description, ref)
    return f"the text says {quoted(own)} (a follow-up of {first_id}, which is not)" if own else ""
