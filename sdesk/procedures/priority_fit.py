"""Priority against the work (incident-2): the text (who is affected and how badly, a deadline,
a VIP) compared with the SLA chart's descriptions of each priority (reference/sla.toml). Pure;
triage proposes the chart's priority with the evidence and the supervisor decides
(sdesk priority). The figures that chose the rules: docs/triage.md, "Measured".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import FAIL, POWER, Words, words
from sdesk.procedures.text_model import features, model

_UNIT = (r"(agency|office|building|site|division|branch|location|campus|center|centre|"
         r"facility|district|region|county|organi[sz]ation|company|users|staff|employees|pcs|bldg|"
         r"computers|workstations)")
# The whole agency, site or office: the chart's P1 scope ("a whole agency, site ... down").
_WIDE = re.compile(
    rf"\b(whole|entire|all|every|across)\s+(the\s+|our\s+|of\s+)?(\w+\s+)?{_UNIT}\b|"
    rf"\bno {_UNIT} (can|could|is|has|gets)\b|"
    r"\b(agency|site|office|company|building)[- ]wide\b|\b(nobody|no one|noone|everyone|"
    r"everybody) (can|here|is|has|gets|getting)\b|\b(nobody|no one|noone|everyone|everybody) "
    rf"(in|on|at) (the |our )?(\w+ )?{_UNIT}\b|\ball of us\b|\bno phones\b|"
    r"\ball (the |our )?(phones|computers|pcs)\b|\bpublic[- ](facing|website|site|portal)\b|"
    r"\b(the public|citizens|residents|constituents)\b|"
    # several sites named ("all 3 sites same", "every clinic"), a site's every pc ("any pc at
    # the div 4 yard"), everyone at a place (at: a site or agency; in: a unit, _GROUP's)
    r"\b(all|every|both|across)\s+(\d+\s+|the\s+|our\s+)?(\w+\s+)?(sites|offices|locations|"
    r"branches|campuses|buildings|clinics|districts|counties|regions|facilities|yards|"
    r"stations)\b|\b(any|every|no)\s+(pc|computer|workstation|terminal)s?\b.{0,20}\b(at|in|on) "
    r"(the|our)\b|\b(nobody|no one|noone|everyone|everybody) at\b", re.IGNORECASE)
# Many users, less than the whole: the chart's P2 scope ("many users ... degraded").
_GROUP = re.compile(
    r"\b(several|multiple|many|most|lots of|a lot of|a bunch of|a few|\d+)\s+(people|users|"
    r"staff|of us|employees|computers|pcs|machines|agents)\b|\bagents\b|\b(whole|entire)\s+(\w+\s+)?"
    r"(team|unit|section|floor|department|dept)\b|\b(our|the)\s+(\d\w*\s+|(east|west|north|"
    r"south)\s+)?(team|unit|section|floor|department|dept)\b|"
    r"\b(nobody|no one|noone|everyone|everybody) (in|on|at)\b|"  # ... a unit (not a site: _WIDE)
    r"\bcall cent(er|re)\b|\bhalf (of )?(our|the|us)\b|"
    r"\b(users|nurses|clerks|caseworkers|workers|inspectors) (cant|can't|cannot)\b", re.IGNORECASE)
# Public-facing work: stopped for a group it is an outage of a critical service (P1).
_PUBLIC = re.compile(r"\bcall cent(er|re)\b|\b911\b|\bpublic\b", re.IGNORECASE)
_DEGRADED = re.compile(r"\b(slo+w\w*|drop\w*|intermittent\w*|lag\w*|sluggish|choppy|cutting out|"
                       r"delay\w*|sometimes|on and off|spotty|losing|crawl\w*)\b", re.IGNORECASE)
# A VIP named in the text (the chart's P2 "a VIP degraded"), besides reference/vip.toml.
_VIP_NAMED = re.compile(r"\b(commissioner|governor|cabinet secretary|exec(utive)? director|"
                        r"agency director|chief of staff|directors?|ceo|cfo|coo|cio)\b",
                        re.IGNORECASE)
# the payroll folder is not payroll, nor is payroll's cut-off (a deadline: time pressure)
_NOT_THE_RUN = r"(?!\s+(folder|share|file|drive|report|cuts?\s+off|cutoff|locks|closes|deadline|due))"
_CRITICAL = re.compile(rf"\bpayroll\b{_NOT_THE_RUN}.*\b(fail\w*|error\w*|down|cant|cannot|can't|"
                       rf"stuck|wont|won't|not)\b|\b(fail\w*|error\w*|down|cant|cannot|can't)\b"
                       rf".*\bpayroll\b"
                       rf"{_NOT_THE_RUN}",
                       re.IGNORECASE)
_DEADLINE = re.compile(r"\b(deadline|due) (today|tomorrow|tonight|this)\b|\bchecks due\b|"
                       r"\b(deadline|due)\b.*\b(today|tonight|tmrw|tomorrow|noon)\b|"
                       r"\b(meeting|meets|briefing|hearings?|go(ing)? live|session)\b.*\b(at|in|by) "
                       r"\d|\b(meeting|briefing|hearing)\b.*\b(today|tmrw|tomorrow)\b|"
                       r"\bneeds? (these|this|them|it)\b.*\btoday\b|\bto do today\b|"
                       r"\b(before|by) (\d+|noon|eod|end of (the )?day)\b|"
                       r"\bdue (by|at|in) \w+|\b(hearing|court|board meeting|presentation|"
                       r"presenting|legislature)\b.*\b(today|in \d+|at \d+)\b", re.IGNORECASE)
# Time pressure said without a deadline word (session 26, read from no single writer's words): a
# clock time to come ("the regents meet at 5 tonight", "students scheduled at 9", "by 3pm"),
# "tonight", "in 1 hr", "this afternoon", a deadline or something due. Not "at 35%", "at 2
# sites", "due to", and not a time past ("since 8", "this morning").
_TIME_TO_COME = re.compile(
    r"\b(at|by|before|until|till|til) (\d{1,2}(:\d\d)?(\s?[ap]\.?m\b\.?)?|noon)\b"
    r"(?!\s*(%|people|users|ppl|pcs|of\b|sites|campuses|desks|computers|min|mins|minutes|hrs?\b|"
    r"hours?|days?|times))|\btonight\b|\bin (\d+|an|a|one) ?(min\w*|hrs?|hours?)\b|"
    r"\bthis (afternoon|evening)\b|\bdeadline\b|\bdue\b(?! to\b)", re.IGNORECASE)
# People kept waiting by the failure ("walk-ins waiting in lobby", "claimants on hold", "40
# adjudicators idle", "200 in queue"): the chart's time-critical work stopped, not a time past
# ("20 min waiting") or a print job in a queue.
_PEOPLE = (r"(\d+\s+(?!min|mins|minutes|hrs?\b|hours?|sec|secs|seconds|days?)(\w+\s+)?|"
           r"\b(ppl|people|customers|patients|callers|claimants|clients|students|applicants|"
           r"patrons|members|walk-?ins|citizens|visitors|taxpayers|staff|nurses|officers|"
           r"inspectors|farmers|arrivals|reviewers|adjudicators|counselors|lobby|unit|team|"
           r"floor|everyone)\s+((are|is)\s+)?)")
_WAITING = re.compile(rf"{_PEOPLE}(waiting|on hold|idle|sitting|lined up)\b|"
                      r"\b\d+ (calls )?in (the )?queue\b|\blobby (is )?full\b|"
                      r"\bsent \d+ \w+ home\b", re.IGNORECASE)
# The work stopped downstream: the lab rejecting the tubes, the public turned away, cars or the
# line backed up (the chart's time-critical work stopped, P2).
_DOWNSTREAM = re.compile(r"\b(rejecting|turn(ed|ing) (\w+ )?away|line out the door)\b|"
                         r"\b(\w+ )?backed up\b(?! (to|on|in|onto|my|the|files?|data)\b)",
                         re.IGNORECASE)
# ... the public queued or sent away by a shared system (no device named): the chart's
# "public-facing system down" (P1): "lanes wont post txns, cars backed up past the gantry".
_PUBLIC_QUEUED = re.compile(r"\bturn(ed|ing) (\w+ )?away\b|\bline out the door\b|"
                            r"\b(cars|traffic|trucks|lanes?|lobby|customers|public) "
                            r"(are |is )?backed up\b", re.IGNORECASE)
# A time waited, not people waiting ("20 min waiting on hold with the vendor"): the rules read
# no time pressure in it, and the learned reading ('waiting') may not read one either.
_TIME_WAITED = re.compile(r"\b\d+\s*(min\w*|hrs?|hours?)\s+(waiting|on hold)\b|"
                          r"\b(waiting|on hold)\s+(for\s+)?\d+\s*(min\w*|hrs?|hours?)\b|"
                          r"\bbeen (waiting|on hold)\b", re.IGNORECASE)
# A shared service's deliveries late by hours ("emails from outside arriving 2 hrs late"): late
# for everyone it delivers to, the chart's "many users degraded".
_LATE = re.compile(r"\b(arriv\w*|showing up|coming in|lands?|landing|delivered)\b.{0,20}"
                   r"\b(late|delayed)\b|\b\d+ (hrs?|hours?) late\b", re.IGNORECASE)
# What a display or an indicator shows is stale or wrong while the work goes on (the chart's
# "cosmetic faults"): "my desk phone display shows the wrong name", "voicemail light stuck on,
# no messages in it", "the lobby sign still shows last months events".
_SHOWS_WRONG = re.compile(
    r"\b(light|lamp|indicator)\b.{0,25}\b(stuck|stays|stay|still|keeps|is) (on|lit|blinking|"
    r"flashing)\b|\b(shows?|showing|displays?|displaying)\b.{0,25}\b(wrong|old|previous|last|"
    r"someone else.?s|outdated)\b.{0,20}\b(name|logo|picture|photo|events|title)", re.IGNORECASE)
_JOINED = re.compile(r"\b(and|plus)\b|\+", re.IGNORECASE)  # a second problem joined on
# Dozens of people stopped ("40 adjudicators idle", "the queue is 140 deep", "22 nursing students
# scheduled"): not "many users degraded" but the outage of a critical service (P1). Twenty or
# more, counted; not minutes.
_CROWD = re.compile(r"\b(\d{2,})\s+(?!min|mins|minutes|hrs?\b|hours?|sec|secs|seconds|days?|%)"
                    r"(\w+\s+)?(ppl|people|users|staff|callers|calls|students|teachers|members|"
                    r"employees|agents|clients|customers|patients|(in (the )?queue|deep|waiting|"
                    r"idle|sitting|on hold)\b)", re.IGNORECASE)
_CROWD_LEAST = 20
# A workaround said ("using webmail for now", "tearing by hand", "i can still save them"): the
# chart's P1 and P2 both say "no workaround", so the learned reading and the trend propose
# nothing from silence where one is.
_WORKAROUND = re.compile(r"\bfor now\b|\binstead\b|\bby hand\b|\bcan still\b|"
                         r"\bstill works\b|\bwork ?around\b|\bin the meantime\b",
                         re.IGNORECASE)
# A public-facing system (the chart's P1 "public-facing system down"): what people outside the
# agency use, named by its kind rather than its name.
_PUBLIC_SYSTEM = re.compile(r"\b(web ?site|portal|online|for (anyone|everyone)(?! (in|at|on) (our|the|this)\b)|"
                            r"for the public|"
                            r"anyone outside|statewide|claimants|applicants|providers|callers|"
                            r"players|taxpayers|retailers|vendors|(claims|license|public) site)\b",
                            re.IGNORECASE)
# ... named by who uses it ("for anyone", "claimants"): public whoever writes ("I only wanted to
# mention that our public catalogue has not come up for anyone"), unlike "a website" ("i paste
# from a website").
_PUBLIC_WHO = re.compile(r"\b(for (anyone|everyone)(?! (in|at|on) (our|the|this)\b)|for the public|"
                         r"anyone outside|claimants|"
                         r"applicants|providers|callers|players|taxpayers|retailers|vendors)\b",
                         re.IGNORECASE)
# A shared system stopped (a "system", a server, the network: not one person's device) said
# without "my"/"I": the chart's "outage of a critical service".
_SHARED = re.compile(r"\b(system|server|network|internet|database|phones)\b", re.IGNORECASE)
_STOPPED = re.compile(r"\b(down|offline|outage|not responding|unreachable|nothing .{0,30}\bworks|"
                      r"no (internet|network|connection|phones|email))\b", re.IGNORECASE)
# A service said to be down or out, of nobody in particular ("OMS is down at mabel bassett",
# "OkTAP down??"): the corpora label it P1 47 times in 55. Not a follow-up ("still down, any
# eta?"): it keeps its first report's priority (follow_up_fit), P1 or none.
_DOWN = re.compile(r"\b(\w+\s+){1,2}down\b(?!\s*(the|to|load))|\b(\w+\s+)?outage\b|"
                   r"\b(\w+\s+)?(phones?|network|internet|wi-?fi|lines?|radios?|cams|cameras|"
                   r"service|system|server)\s+((is|are|went|still)\s+)?out\b(?!\s+(of|the)\b)|"
                   r"\b(\w+\s+)?(service|server|site|system) (is )?unavailable\b", re.IGNORECASE)
# Where the public is served in person ("cant issue certs at the counter"): stopped, it is time-
# critical work (P2), though one device.
_SERVING = re.compile(r"\b(counter|(ppl|people) (waiting|lined up))\b",
                      re.IGNORECASE)
# Symptoms of one machine, not of a site: a jam, a noise, a flicker.
_ONE_DEVICE = frozenset(("jam", "noise", "flicker"))
_ONE_PERSON = re.compile(r"\b(my|i|me|i'm|im)\b", re.IGNORECASE)
_QUESTION = re.compile(r"\?\s*$")  # a title that asks, with nothing failing: a question (P4)
# ... unless it asks after work already reported ("any ETA??"): a follow-up, not a question
_FOLLOW_UP = re.compile(r"\b(still|again|any (update|news|eta|word)|update|eta|status)\b",
                        re.IGNORECASE)
# A follow-up that adds a problem of its own ("unrelated but my mouse quit") does not report
# the earlier outage.
_NEW_PROBLEM = re.compile(r"\b(unrelated|also|separate|btw|another|different|too)\b",
                          re.IGNORECASE)
# Failing said without a failure word: a blank screen, a button that does nothing, an HTTP error
_ALSO_FAILS = re.compile(r"\b(does nothing|nothing happens|blank|black|never (comes|arrives)|"
                         r"spin(s|ning)|red x|50[03]|errors? out|tim(es|ed|ing) out|white screen)\b", re.IGNORECASE)
_LOW = re.compile(r"\b(how (do|to|can)|question|where (do|can) i find|cosmetic|when you get a "
                  r"chance|no rush|low priority|not urgent|whenever|is there a way|slightly|"
                  r"a (little|bit) off|misspel\w*|typo|signature|font|wallpaper|desktop background|icons|"
                  r"crooked|upside down|(are|were|got|look) swapped|key ?cap|spell?ed wrong|"
                  r"still works|works fine|"
                  r"(i|we) can still (save|open|read|see|print|work))\b", re.IGNORECASE)


@dataclass(frozen=True)
class PriorityFit:
    """The SLA chart's priority the text describes, with the words that said so; None when the
    text says nothing beyond one user's ordinary problem."""

    priority: int | None
    evidence: str
    unit: bool = False  # the rules read a unit or a degradation, less than a whole site down


def _fails(w: Words, text: str) -> bool:
    """The words say something does not work (a failure word, a negation, no power or a
    symptom: slow, crashes, drops...), not only that something is needed."""
    return (FAIL in w.tokens or POWER in w.tokens or bool(w.specifiers.get("symptom"))
            or bool(_ALSO_FAILS.search(text)))


def _hardware_named(w: Words, ref: Reference) -> bool:
    """The words name a device (a hardware service of the catalogue)."""
    return any((info := ref.service_info(service)) is not None and info.kind == "hardware"
               for _, service in w.named)


def priority_fit(title: str, description: str, vip: bool, ref: Reference) -> PriorityFit:
    """Compare the text with the SLA chart's descriptions of each priority:
    - P1 (Critical): the whole agency, site or office stopped ("entire Tulsa office has no
      internet", "nobody can send email"), a public-facing group stopped (the call center), a
      critical service failing (payroll);
    - P2 (High): many users degraded ("call center calls dropping", "several users slow"), a
      group stopped, a deadline today, or a VIP;
    - P4 (Low): a question, how-to or cosmetic fault;
    - None: one user's ordinary problem (the chart's P3), nothing to propose.
    The supervisor decides (sdesk priority)."""
    text = f"{title}\n{description}"
    chart = ref.sla
    w = words(text, ref)
    found = _crowd(text, w) or _scope(text, w, ref) or _stopped(text, w, ref) or _time_critical(
        text, vip, _fails(w, text) or bool(_DEGRADED.search(text))) or _low(
        title, text, w, ref)
    if found is None:
        return PriorityFit(None, "")
    level, said = found[:2]
    return PriorityFit(level, f"{said}: {chart.target(level).description}", found[2:] == (True,))


# (the chart's priority, the words that said so[, True: a unit or degraded, less than a site])
Found = tuple[int, str] | tuple[int, str, bool] | None


def _scope(text: str, w: Words, ref: Reference) -> Found:
    """Who is affected: the whole agency or site (P1), a public-facing group (P1), many users
    (P2, or P2 when only degraded)."""
    degraded = _DEGRADED.search(text)
    wide, group = _WIDE.search(text), _GROUP.search(text)
    scope = wide or group
    if not scope or not (_fails(w, text) or degraded):
        return None
    if degraded:
        return 2, f"{scope.group(0)!r} and {degraded.group(0)!r}", True
    if wide or _PUBLIC.search(text):
        return 1, repr(scope.group(0))
    return 2, f"{scope.group(0)!r} (a unit, not the whole site)", True


def _crowd(text: str, w: Words) -> Found:
    """Twenty or more people counted and stopped: waiting, idle, in a queue, or the text says
    something fails ("40 adjudicators idle", "22 nursing students scheduled ... is down"): the
    outage of a critical service (P1)."""
    for m in _CROWD.finditer(text):
        if int(m.group(1)) >= _CROWD_LEAST and (m.group(4) or _fails(w, text)):
            return 1, f"{m.group(0)!r} (dozens of people stopped)"
    return None


def _stopped(text: str, w: Words, ref: Reference) -> Found:
    """A shared thing stopped: a public-facing system failing (P1), a system, server or
    network down said without "my"/"I" (P1), a site of the Supported Agencies list failing
    (P1 when stopped, else P2), payroll failing (P1)."""
    degraded = _DEGRADED.search(text)
    failing = _fails(w, text) or degraded
    public = _PUBLIC_SYSTEM.search(text)
    mine = _ONE_PERSON.search(text)
    who = public and _PUBLIC_WHO.search(public.group(0))  # who uses it: not the asker's own
    if public and failing and not degraded and (who or not mine):
        return 1, f"{public.group(0)!r} (public-facing) fails"
    shared, stopped = _SHARED.search(text), _STOPPED.search(text)
    if shared and stopped and not mine and not _hardware_named(w, ref):
        return 1, f"{shared.group(0)!r} {stopped.group(0)!r}, nobody's own device"
    down = _DOWN.search(text)
    if (down and not mine and not _hardware_named(w, ref) and not _DEGRADED.search(text)
            and not _FOLLOW_UP.search(text)):  # "still down, any eta?": a follow-up's words
        return 1, f"{down.group(0)!r}, nobody's own device: a service is out"
    queued = _PUBLIC_QUEUED.search(text)
    if queued and failing and not mine and not _hardware_named(w, ref):
        return 1, f"{queued.group(0)!r}: the public is kept out, a public-facing system is down"
    site = sorted(w.places)
    device = set(w.specifiers.get("symptom", ())) & _ONE_DEVICE
    if site and failing and not mine and not device:  # an agency's site, not "my ..."
        return (1 if stopped else 2), (f"{site[0]!r} (an agency site) "
                                       f"{stopped.group(0) if stopped else 'affected'}")
    critical = _CRITICAL.search(text)
    if critical:
        return 1, repr(critical.group(0))
    late = _LATE.search(text)
    if late and not mine and not _FOLLOW_UP.search(text):
        return 2, f"{late.group(0)!r}: a shared service late for everyone it serves"
    serving = _SERVING.search(text)
    if serving and failing and not mine and not _WORKAROUND.search(text):  # "no workaround"
        return 2, f"{serving.group(0)!r}: the public is served there and it is stopped"
    return None


def _time_critical(text: str, vip: bool, failing: bool) -> Found:
    """One user stopped on time-critical work, or a VIP (unless the words say cosmetic or a
    question, P4's: a VIP's wallpaper is not "a VIP degraded"): the chart's P2. Time-critical:
    a deadline said (_DEADLINE), or, where the text says something fails (`failing`), a time
    to come ("the regents meet at 5 tonight", "in 1 hr") or people kept waiting ("walk-ins
    waiting in lobby", "claimants on hold")."""
    deadline = _DEADLINE.search(text)
    if deadline:
        return 2, repr(deadline.group(0))
    waiting = _WAITING.search(text)
    if waiting:
        return 2, f"{waiting.group(0).strip()!r}: people are kept waiting"
    downstream = _DOWNSTREAM.search(text)
    if downstream:
        return 2, f"{downstream.group(0).strip()!r}: the work is stopped downstream"
    pressed = _TIME_TO_COME.search(text)
    if pressed and failing:
        return 2, f"{pressed.group(0).strip()!r} (time-critical) and it fails"
    if vip and not _LOW.search(text):  # a VIP's wallpaper is cosmetic, not "a VIP degraded"
        return 2, "VIP requester"
    named = _VIP_NAMED.search(text)  # a VIP named in the text; their wallpaper is still P4
    return (2, f"{named.group(0)!r} (a VIP)") if named and not _LOW.search(text) else None


def _low(title: str, text: str, w: Words, ref: Reference) -> Found:
    """A question, how-to or cosmetic fault (P4): the words say so, or the title asks ("?")
    with nothing failing, about no one's own device."""
    low = _LOW.search(text)
    if low:
        return 4, repr(low.group(0))
    shows = _SHOWS_WRONG.search(text)
    if shows and not _JOINED.search(text):  # "... and my pc won't boot": not only cosmetic
        return 4, f"{shows.group(0)!r}: what it shows is wrong, the work goes on"
    asks = _QUESTION.search(title)
    if (asks and not _FOLLOW_UP.search(title) and not (_fails(w, text) or _DEGRADED.search(text))
            and not _ONE_PERSON.search(text) and not _hardware_named(w, ref)):
        return 4, "a question (the title asks, nothing fails)"
    return None


def reports_again(title: str) -> bool:
    """The title follows up earlier work ("STILL DOWN. any eta", "update?? OkTAP still on the
    maintenance page") and adds no problem of its own ("unrelated but ...", "also ...")."""
    return bool(_FOLLOW_UP.search(title)) and not _NEW_PROBLEM.search(title)


def follow_up_fit(own: PriorityFit, title: str, first_id: str, first: PriorityFit) -> PriorityFit:
    """A follow-up keeps its first report's chart priority: when the follow-up's own text says
    nothing beyond one user's problem (`own` is None), `reports_again` the work, and the first
    report from the same person on the same subject (`first_id`, its text read by
    `priority_fit`) describes P1 or P2. Otherwise `own`. (Session 23: follow-ups of an outage
    were left at P3 by the rule; the writers label them with the outage's priority.)"""
    if own.priority is not None or first.priority is None or first.priority > 2:
        return own
    if not reports_again(title):
        return own
    return PriorityFit(first.priority, f"a follow-up of {first_id}, whose text says {first.evidence}")


def says_it_fails(title: str, description: str, ref: Reference) -> bool:
    """The text says something does not work or is degraded (what `priority_fit` reads as
    failing)."""
    text = f"{title}\n{description}"
    return _fails(words(text, ref), text) or bool(_DEGRADED.search(text))


def trend_fit(own: PriorityFit, others: list[str], before: int, need: int,
              ref: Reference) -> PriorityFit:
    """Many users report it: when the text alone says nothing beyond one user's problem (`own`
    is None) and `others` (other people's open reports the trend model links to this one, one
    ID a person) make at least `need` people with this one, the chart's P2 ("many users ...
    degraded"). Only for the reports that show the problem first (fewer than two of those
    people reported it before this one, `before`): the later ones are the trend's children
    (incident-6). The caller checks that the text fails (`says_it_fails`)."""
    if own.priority is not None or len(others) + 1 < need or before >= 2:
        return own
    shown = ", ".join(others[:3]) + (" ..." if len(others) > 3 else "")
    return PriorityFit(2, f"{len(others) + 1} people report it ({shown} and this one): "
                          f"{ref.sla.target(2).description}")


HIGH, CRITICAL = "priority_high", "priority_critical"  # sdesk/defaults/models/NAME.json


def learned_fit(own: PriorityFit, title: str, description: str, logged: int,
                ref: Reference, inherited: bool = False) -> PriorityFit:
    """The learned reading of the chart (text_model; models fitted over the writers of
    tests/corpus, thresholds chosen leave one writer out, docs/triage.md): where the rules,
    the follow-up and the trend say nothing (`own` is None), the "many users, a site or work
    stopped" model (HIGH) at its threshold says P2, and P1 when the "critical" model
    (CRITICAL) reaches its threshold too; a P2 the ticket's own words gave becomes P1 when
    CRITICAL says so, not one `inherited` from a first report or the trend (a follow-up keeps
    its first report's priority). Nothing is proposed from silence where the text names a
    device (a hardware service of the catalogue): one device's fault, as for the rules.
    Nor where the text says a workaround ("using webmail for now": the chart's P1 and P2 say
    "no workaround"). What the models say is a floor, never a cap: it is kept only above the
    `logged` priority (1 = Critical), so a logged P1 is never proposed P2 by them (the rules'
    P2 on a logged P1 is kept: the writers label one user's time-critical work logged P1 as
    P2). Evidence: the score, the threshold and
    the words that weighed most."""
    if own.priority not in (None, 2) or (inherited and own.priority == 2) or own.unit:
        return own  # the rules' reading of a unit ("nobody in classification"): P2, not P1
    text = f"{title}\n{description}"
    if own.priority is None and (_hardware_named(words(text, ref), ref)
                                 or _WORKAROUND.search(text) or _TIME_WAITED.search(text)):
        return own  # a device named: that device's fault, not a site's (as for the rules);
        # a workaround said: not the chart's P1 or P2 ("no workaround"); a time waited ("20
        # min waiting"): the rules read no people waiting in it, nor may the model
    present = features(title, description, ref)
    high, critical = model(HIGH), model(CRITICAL)
    if logged > 1 and critical.score(present) >= critical.threshold and (
            own.priority == 2 or high.score(present) >= high.threshold):
        said = f"the learned reading of the chart says critical ({critical.evidence(present, 3, text)})"
        if own.priority == 2:
            said = f"{own.evidence.removesuffix(': ' + ref.sla.target(2).description)}; {said}"
        return PriorityFit(1, f"{said}: {ref.sla.target(1).description}")
    if own.priority is None and logged > 2 and high.score(present) >= high.threshold:
        said = f"many users, a site or work stopped ({high.evidence(present, 3, text)})"
        return PriorityFit(2, f"the learned reading of the chart says {said}: "
                              f"{ref.sla.target(2).description}")
    return own
