"""Priority against the work (incident-2): the text (who is affected and how badly, a deadline,
a VIP) compared with the SLA chart's descriptions of each priority (reference/sla.toml). Pure;
triage proposes the chart's priority with the evidence and the supervisor decides
(sdesk priority). The figures that chose the rules: docs/triage.md, "Measured".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sdesk.core.reference import Reference
from sdesk.procedures import priority_words as pw
from sdesk.procedures.lexicon import FAIL, POWER, Words, words
from sdesk.procedures.text_model import features, model
from sdesk.procedures.words import not_evidence, quoted


@dataclass(frozen=True)
class PriorityFit:
    """The SLA chart's priority the text describes, with the words that said so; None when the
    text says nothing beyond one user's ordinary problem."""

    priority: int | None
    evidence: str
    # less than a whole site: the rules read a unit, a degradation, or (session 33) one user's
    # time-critical work (a deadline, a time to come) or a VIP; the critical model does not
    # raise it to P1 (learned_fit)
    unit: bool = False


def _fails(w: Words, text: str) -> bool:
    """The words say something does not work (a failure word, a negation, no power or a
    symptom: slow, crashes, drops...), not only that something is needed."""
    return (FAIL in w.tokens or POWER in w.tokens or bool(w.specifiers.get("symptom"))
            or bool(pw.ALSO_FAILS.search(text)))


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
        text, vip, _fails(w, text) or bool(pw.DEGRADED.search(text))) or _low(
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
    degraded = pw.DEGRADED.search(text)
    wide, group = pw.WIDE.search(text), pw.GROUP.search(text)
    scope = wide or group
    if not scope or not (_fails(w, text) or degraded or pw.DOWN.search(text)):  # "wifi out"
        return None
    if degraded:
        return 2, f"{quoted(scope.group(0))} and {quoted(degraded.group(0))}", True
    if wide or pw.PUBLIC.search(text):
        return 1, quoted(scope.group(0))
    return 2, f"{quoted(scope.group(0))} (a unit, not the whole site)", True


def _crowd(text: str, w: Words) -> Found:
    """Twenty or more people counted and stopped: waiting, idle, in a queue, or the text says
    something fails ("40 adjudicators idle", "22 nursing students scheduled ... is down"): the
    outage of a critical service (P1)."""
    for m in pw.CROWD.finditer(text):
        if int(m.group(1)) >= pw.CROWD_LEAST and (m.group(4) or _fails(w, text)):
            return 1, f"{quoted(m.group(0))} (dozens of people stopped)"
    return None


def _stopped(text: str, w: Words, ref: Reference) -> Found:
    """A shared thing stopped: a public-facing system failing (P1), a system, server or
    network down said without "my"/"I" (P1), a site of the Supported Agencies list failing
    (P1 when stopped, else P2), payroll failing (P1)."""
    degraded = pw.DEGRADED.search(text)
    failing = _fails(w, text) or degraded
    public = pw.PUBLIC_SYSTEM.search(text)
    mine = pw.ONE_PERSON.search(text)
    who = public and pw.PUBLIC_WHO.search(public.group(0))  # who uses it: not the asker's own
    waiting = pw.WAITING.search(text)  # "claimants on hold": the public waits on us, not on it
    if waiting and public and waiting.start() <= public.start() < waiting.end():
        public = None
    if public and pw.EVERYONE.fullmatch(public.group(0)) and _hardware_named(w, ref):
        public = None  # "jams for everyone" with a printer named: the office's device, not the
        # public's system (fresh-user finding, session 28)
    if public and failing and not degraded and (who or not mine):
        return 1, f"{quoted(public.group(0))} (public-facing) fails"
    shared, stopped = pw.SHARED.search(text), pw.STOPPED.search(text)
    if shared and stopped and not mine and not _hardware_named(w, ref):
        return 1, f"{quoted(shared.group(0))} {quoted(stopped.group(0))}, nobody's own device"
    down = pw.DOWN.search(text)
    if (down and not mine and not _hardware_named(w, ref) and not pw.DEGRADED.search(text)
            and not pw.FOLLOW_UP.search(text)):  # "still down, any eta?": a follow-up's words
        return 1, f"{quoted(down.group(0))}, nobody's own device: a service is out"
    queued = pw.PUBLIC_QUEUED.search(text)
    if queued and failing and not mine and not _hardware_named(w, ref):
        return 1, f"{quoted(queued.group(0))}: the public is kept out, a public-facing system is down"
    site = sorted(w.places)
    device = set(w.specifiers.get("symptom", ())) & pw.ONE_DEVICE
    if site and failing and not mine and not device:  # an agency's site, not "my ..."
        return (1 if stopped else 2), (f"{quoted(site[0])} (an agency site) "
                                       f"{stopped.group(0) if stopped else 'affected'}")
    critical = pw.CRITICAL.search(text)
    if critical:
        return 1, quoted(critical.group(0))
    late = pw.LATE.search(text)
    if late and not mine and not pw.FOLLOW_UP.search(text):
        return 2, f"{quoted(late.group(0))}: a shared service late for everyone it serves"
    serving = pw.SERVING.search(text)
    if serving and failing and not mine and not pw.WORKAROUND.search(text):  # "no workaround"
        return 2, f"{quoted(serving.group(0))}: the public is served there and it is stopped"
    return None


def _time_critical(text: str, vip: bool, failing: bool) -> Found:
    """One user stopped on time-critical work, or a VIP (unless the words say cosmetic or a
    question, P4's: a VIP's wallpaper is not "a VIP degraded"): the chart's P2. Time-critical:
    a deadline said (pw.DEADLINE), or, where the text says something fails (`failing`), a time
    to come ("the regents meet at 5 tonight", "in 1 hr") or people kept waiting ("walk-ins
    waiting in lobby", "claimants on hold"). A deadline, a time to come or a VIP alone is
    marked less than a site (the third field): one user's work, which the critical model does
    not raise to P1 (session 33, LOWO on twenty-three files, docs/triage.md); people kept
    waiting or work stopped downstream are others' work and may be raised."""
    deadline = pw.DEADLINE.search(text)
    if deadline:
        return 2, quoted(deadline.group(0)), True
    waiting = pw.WAITING.search(text)
    if waiting:
        return 2, f"{quoted(waiting.group(0))}: people are kept waiting"
    downstream = pw.DOWNSTREAM.search(text)
    if downstream:
        return 2, f"{quoted(downstream.group(0))}: the work is stopped downstream"
    pressed = pw.TIME_TO_COME.search(text)
    if pressed and failing:
        return 2, f"{quoted(pressed.group(0))} (time-critical) and it fails", True
    if vip and not pw.LOW.search(text):  # a VIP's wallpaper is cosmetic, not "a VIP degraded"
        return 2, "VIP requester", True
    named = pw.VIP_NAMED.search(text)  # a VIP named in the text; their wallpaper is still P4
    return (2, f"{quoted(named.group(0))} (a VIP)", True) if named and not pw.LOW.search(text) else None


def _low(title: str, text: str, w: Words, ref: Reference) -> Found:
    """A question, how-to or cosmetic fault (P4): the words say so, or the title asks ("?")
    with nothing failing, about no one's own device."""
    low = pw.LOW.search(text)
    if low:
        return 4, quoted(low.group(0))
    shows = pw.SHOWS_WRONG.search(text)
    if shows and not pw.JOINED.search(text):  # "... and my pc won't boot": not only cosmetic
        return 4, f"{quoted(shows.group(0))}: what it shows is wrong, the work goes on"
    asks = pw.QUESTION.search(title)
    if (asks and not pw.FOLLOW_UP.search(title) and not (_fails(w, text) or pw.DEGRADED.search(text))
            and not pw.ONE_PERSON.search(text) and not _hardware_named(w, ref)):
        return 4, "a question (the title asks, nothing fails)"
    return None


def reports_again(title: str) -> bool:
    """The title follows up earlier work ("STILL DOWN. any eta", "update?? OkTAP still on the
    maintenance page") and adds no problem of its own ("unrelated but ...", "also ...")."""
    return bool(pw.FOLLOW_UP.search(title)) and not pw.NEW_PROBLEM.search(title)


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


def fails_beyond_a_device(title: str, description: str, ref: Reference) -> bool:
    """The text says something does not work or is degraded (what `priority_fit` reads as
    failing) and names no device (a hardware service of the catalogue): what the trend's "many
    users" needs. A device's fault many people report ("2nd flr printer grinding") is that
    device's, as for the learned reading (session 27, LOWO on fifteen files: six wrong P2s and
    76 proposals on tickets not judged gone, one right P2 lost)."""
    text = f"{title}\n{description}"
    w = words(text, ref)
    return (_fails(w, text) or bool(pw.DEGRADED.search(text))) and not _hardware_named(w, ref)


def trend_fit(own: PriorityFit, others: list[str], before: int, need: int,
              ref: Reference, title: str | None = None, description: str = "") -> PriorityFit:
    """Many users report it: when the text alone says nothing beyond one user's problem (`own`
    is None) and `others` (other people's open reports the trend model links to this one, one
    ID a person) make at least `need` people with this one, the chart's P2 ("many users ...
    degraded"). Only for the reports that show the problem first (fewer than two of those
    people reported it before this one, `before`): the later ones are the trend's children
    (incident-6). The caller checks that the text fails beyond a device (`fails_beyond_a_device`).
    With the ticket's `title`: where it says nothing of the writer's own ("my", "I":
    pw.ONE_PERSON), TWO_PEOPLE are enough (session 28: the evidence is who reports it, not how
    they say it; chosen on the fifteen older tuning files' titles and checked on the two newest
    writers', docs/triage.md; the title only, as measured: a description in the first person
    is how a mail is written, "I tried twice"); a time waited in the title or the `description`
    ("20 min waiting": pw.TIME_WAITED) is no trend's P2, as it is no learned P2 (fresh-user
    finding, session 28)."""
    if title is not None and pw.TIME_WAITED.search(f"{title}\n{description}"):
        return own
    if title is not None and not pw.ONE_PERSON.search(title):
        need = min(need, TWO_PEOPLE)
    if own.priority is not None or len(others) + 1 < need or before >= 2:
        return own
    shown = ", ".join(others[:3]) + (" ..." if len(others) > 3 else "")
    return PriorityFit(2, f"{len(others) + 1} people report it ({shown} and this one): "
                          f"{ref.sla.target(2).description}")


TWO_PEOPLE = 2  # people enough for the trend's P2 where the text says nothing of the writer's own


HIGH, CRITICAL = "priority_high", "priority_critical"  # sdesk/defaults/models/NAME.json


def learned_fit(own: PriorityFit, title: str, description: str, logged: int,
                ref: Reference, inherited: bool = False) -> PriorityFit:
    """The learned reading of the chart (text_model; models fitted over the writers of
    tests/corpus, thresholds chosen leave one writer out, docs/triage.md): where the rules,
    the follow-up and the trend say nothing (`own` is None), the "many users, a site or work
    stopped" model (HIGH) at its threshold says P2, and P1 when the "critical" model
    (CRITICAL) reaches its threshold too; a P2 the ticket's own words gave becomes P1 when
    CRITICAL says so, and so does the trend's P2 (it says how many report it, not how badly;
    session 28), but not one `inherited` from a first report (a follow-up keeps its first
    report's priority). Nothing is proposed from silence where the text names a
    device (a hardware service of the catalogue): one device's fault, as for the rules.
    Nor where the text says a workaround ("using webmail for now": the chart's P1 and P2 say
    "no workaround"). What the models say is a floor, never a cap: it is kept only above the
    `logged` priority (1 = Critical), so a logged P1 is never proposed P2 here (the rules'
    P2 on a logged P1 is kept: the writers label one user's time-critical work logged P1 as
    P2; a logged P1 the critical model does not read as critical is `not_critical_fit`'s).
    Evidence: the score, the threshold and the words that weighed most."""
    if own.priority not in (None, 2) or (inherited and own.priority == 2) or own.unit:
        return own  # the rules' reading of a unit ("nobody in classification"): P2, not P1
    text = f"{title}\n{description}"
    if own.priority is None and (_hardware_named(words(text, ref), ref)
                                 or pw.WORKAROUND.search(text) or pw.TIME_WAITED.search(text)):
        return own  # a device named: that device's fault, not a site's (as for the rules);
        # a workaround said: not the chart's P1 or P2 ("no workaround"); a time waited ("20
        # min waiting"): the rules read no people waiting in it, nor may the model
    present = features(title, description, ref)
    high, critical = model(HIGH), model(CRITICAL)
    hide = not_evidence(text)  # what the evidence does not show: stop words, numbers
    if logged > 1 and critical.score(present) >= critical.threshold and (
            own.priority == 2 or high.score(present) >= high.threshold):
        said = f"the learned reading of the chart says critical ({critical.evidence(present, 3, text, hide)})"
        if own.priority == 2:
            said = f"{own.evidence.removesuffix(': ' + ref.sla.target(2).description)}; {said}"
        return PriorityFit(1, f"{said}: {ref.sla.target(1).description}")
    if own.priority is None and logged > 2 and high.score(present) >= high.threshold:
        said = f"many users, a site or work stopped ({high.evidence(present, 3, text, hide)})"
        return PriorityFit(2, f"the learned reading of the chart says {said}: "
                              f"{ref.sla.target(2).description}")
    return own


def lockout_fit(own: PriorityFit, title: str, description: str, logged: int,
                ref: Reference) -> PriorityFit:
    """One user's account locked, logged P1 or P2 (`logged`), where nothing else was read
    (`own` is None: no scope, no deadline, no people waiting, no model's P2): the chart's P3,
    one user impaired (session 27: "ACCOUNT LOCKED CANT LOGIN TO PC!!!" logged P1, labelled P3
    by two writers). Otherwise `own`."""
    text = f"{title}\n{description}"
    locked = pw.LOCKED.search(text)
    if own.priority is not None or logged > 2 or not locked:
        return own
    return PriorityFit(3, f"{quoted(locked.group(0))}, one user's account: {ref.sla.target(3).description}")


def not_critical_fit(own: PriorityFit, title: str, description: str, logged: int,
                     ref: Reference) -> PriorityFit:
    """A ticket logged P1 (`logged`) whose text the rules, the trend and the models read as
    nothing more (`own` is None) and that the critical model (CRITICAL) does not read as the
    chart's P1 ("outage of a critical service, or a whole agency, site or public-facing system
    down") is proposed the chart's P2: the learned reading is a cap as well as a floor, one
    step down (session 31: the four newest writers log one user's or a group's problem P1 and
    label it P2, 39 of their misses; "TEAMS CALLS KEEP DROPPING", "Kay Co EOC lost internet,
    on my phone hotspot"). Never below P2 from silence: P3 needs words (lockout_fit, P4's).
    Otherwise `own`."""
    if own.priority is not None or logged != 1:
        return own
    critical = model(CRITICAL)
    score = critical.score(features(title, description, ref))
    if score >= critical.threshold:
        return own
    return PriorityFit(2, f"the learned reading of the chart says not critical (score "
                          f"{score:.2f} < {critical.threshold:.2f}): no whole site, public-facing "
                          f"system or critical service down: {ref.sla.target(2).description}")


FirstReport = tuple[str, PriorityFit, str, str]  # the first report's ID, its text's chart
# priority, its title and its description


def proposed_priority(title: str, description: str, vip: bool, logged: int, ref: Reference,
                      first_report: Callable[[], FirstReport | None],
                      linked: Callable[[], tuple[list[str], int]], need: int) -> PriorityFit:
    """The chart's priority triage proposes for an incident logged at `logged` (1 = Critical),
    in this order: its own text (`priority_fit`); else, where the title `reports_again`, as a
    follow-up of `first_report()` (the same person's first report on the subject, its ID and
    its text's reading, or None: `follow_up_fit`); else, for a report that is no follow-up,
    logged P3 or P4 and failing beyond a device, as one of the first reports of a problem many
    people report (`linked()`: other people's linked reports and how many reported before,
    `need` people: `trend_fit`); then the learned reading (`learned_fit`, not for a follow-up
    with nothing read: its words are the follow-up's, not the chart's), one user's lockout
    (`lockout_fit`) and a logged P1 not described as critical (`not_critical_fit`, as for the
    learned reading; a follow-up logged P1 with nothing read is capped by its first report's
    text instead, session 33: "RE: dam app - still nothing" logged P1 is as critical as the
    dam app's first report). `first_report` and `linked` are called only when needed (they search the
    store). One function for triage (triage._priority_fit) and the corpus measure
    (tests/corpus/priority_row.py), so the measure reads a follow-up as triage does (session
    33: the row read follow-ups with the trend and the learned reading, which triage has not
    done since session 25-26)."""
    fit = own = priority_fit(title, description, vip, ref)
    again = reports_again(title)
    if fit.priority is None and again:
        first = first_report()
        if first is not None:
            fit = follow_up_fit(fit, title, first[0], first[1])
    followed = fit is not own  # a follow-up's inherited P2 is not raised; the trend's may be
    if (fit.priority is None and logged > 2 and not again
            and fails_beyond_a_device(title, description, ref)):
        # a follow-up is not a new report of many users: it keeps its first report's priority
        # or none (fresh-user finding, session 26: three people's "still down any eta??" about
        # different problems were each proposed P2, "3 people report it")
        others, before = linked()
        fit = trend_fit(fit, others, before, need, ref, title, description)
    if fit.priority is not None or not again:
        # a follow-up ("still down any eta??") keeps its first report's priority or none: its
        # own words are the follow-up's, not the chart's (fresh-user finding, session 25)
        fit = learned_fit(fit, title, description, logged, ref, inherited=followed)
    fit = lockout_fit(fit, title, description, logged, ref)
    if fit.priority is not None or not again:  # as for learned_fit
        return not_critical_fit(fit, title, description, logged, ref)
    first = first_report() if logged == 1 and fit.priority is None else None
    if first is not None:  # a follow-up logged P1: its first report's text says how critical
        capped = not_critical_fit(fit, first[2], first[3], logged, ref)
        if capped is not fit:
            return PriorityFit(2, f"a follow-up of {first[0]}; {capped.evidence}")
    return fit
