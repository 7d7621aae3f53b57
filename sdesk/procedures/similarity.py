"""Triage's settings ([triage] in sdesk.toml) and the view of the other open tickets triage
compares a ticket with (bucketed by requester).

Whether two titles are about the same subject is the learned pair model's probability
(`sdesk.procedures.pair_model`, `person_match` / `trend_score` here), which reads the lexicon's
scores (`sdesk.procedures.judgements.similarity` over `sdesk.procedures.lexicon.words`) among its
features (docs/triage.md, "Same subject and trends"). The plain word Jaccard index here
(`tokens`, `jaccard`, `compare`) is what triage used before; the corpus measurement
(`python -m tests.corpus.measure --compare`) keeps it as the baseline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sdesk.core.errors import SdeskError
from sdesk.procedures.words import BASELINE_STOP, words

if TYPE_CHECKING:
    from sdesk.core.reference import Reference
    from sdesk.procedures.lexicon import Words
    from sdesk.procedures.pair_model import PairModel, Text
    from sdesk.procedures.plan import Plan
    from sdesk.procedures.relations import Peer

STOP_WORDS = BASELINE_STOP

def tokens(title: str) -> frozenset[str]:
    """The normalised words of a title (see the module docstring; sdesk/procedures/words.py)."""
    return frozenset(words(title, STOP_WORDS))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over all words; 0 when either title has no words left."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def same_service(a: str, b: str) -> bool:
    """Services compare case-insensitively; an empty service matches nothing (not even another
    empty one), so tickets nobody categorised are never merged on their titles alone."""
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True)
class TriageSettings:
    """sdesk.toml [triage]: the judgements' thresholds, 0..1, and the trend rule's size and
    window. `similarity` proposes a duplicate and `trend_similarity` groups a possible trend:
    probabilities of the learned pair models (sdesk.procedures.pair_model, "person" and
    "trend"), chosen on the leave-one-writer-out curve over the seven tuning corpora (the
    highest whose recall is at least 0.93 on every writer left out). `auto_duplicate` resolves
    a duplicate and `auto_trend` tells the supervisor without asking: scores of the hand-made
    lexicon rule (judgements.one_person / same_outage), kept because no model threshold held
    precision 0.95 on every writer left out; the rule's hold it but apply only on the
    files it was written reading, so automation is unproven for a new writer (session 27,
    fifteen writers: no trend-model rule earned 0.95 on each writer left out, the word rule
    applied on 2 of 15; docs/triage.md, "Same subject and trends"). So since session 28 both
    are off by default: `automatic_duplicates` and `automatic_trends` (false) switch the
    automatic decisions on; off, what the word rule would have decided is proposed, with the
    reason (docs/triage.md, "Trends and automatic decisions (session 28)")."""

    similarity: float = 0.02
    trend_requesters: int = 3
    trend_window_hours: float = 24.0
    trend_similarity: float = 0.05
    # session 28 (docs/triage.md, "Trends and automatic decisions"): a link under trend_join,
    # or one between two failing reports that share no word (opened within UNSHARED_HOURS,
    # at trend_unshared), joins a report to a group only when it links with at least half of
    # the group's other people's reports (`joins`): a group-level test that resists chaining;
    # since session 31 a keyed link at or above it too, at trend_similarity, and no group is
    # longer than trend_window_hours (trend_groups._Links: a 3-day queue chained into one group)
    trend_join: float = 0.1
    trend_unshared: float = 0.2
    auto_duplicate: float = 1.0
    auto_trend: float = 0.8
    automatic_duplicates: bool = False  # resolve a duplicate without asking at auto_duplicate
    automatic_trends: bool = False  # mail the supervisor without asking at auto_trend
    # priority against the work (incident-2): a failing report linked by the trend model at
    # this probability to reports from trend_requesters people is "many users" (P2 proposed;
    # chosen leave one writer out, docs/triage.md "Priority against the work (session 24)")
    priority_trend: float = 0.2
    # the chart model (priority_chart.py) weighs the rules' reading with the words and who else
    # reports it and proposes its priority instead (session 34); the default since session 35,
    # the guard rails fresh users asked for deciding first (priority_chart.guard_rail);
    # docs/triage.md "Priority, session 35"
    chart_priority: bool = True

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> TriageSettings:
        values: dict[str, Any] = {}
        for name in ("similarity", "trend_similarity", "auto_duplicate", "auto_trend",
                     "priority_trend", "trend_join", "trend_unshared"):
            value = section.get(name, getattr(cls, name))
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                raise SdeskError(f"sdesk.toml: triage.{name} must be a number in (0, 1]; "
                                 f"got {value!r}")
            values[name] = float(value)
        req = section.get("trend_requesters", cls.trend_requesters)
        hours = section.get("trend_window_hours", cls.trend_window_hours)
        if isinstance(req, bool) or not isinstance(req, int) or req < 2:
            raise SdeskError(f"sdesk.toml: triage.trend_requesters must be a whole number >= 2; "
                             f"got {req!r}")
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
            raise SdeskError(f"sdesk.toml: triage.trend_window_hours must be a positive number; "
                             f"got {hours!r}")
        switches: dict[str, bool] = {}
        for name in ("automatic_duplicates", "automatic_trends", "chart_priority"):
            flag = section.get(name, getattr(cls, name))
            if not isinstance(flag, bool):
                raise SdeskError(f"sdesk.toml: triage.{name} must be true or false; got {flag!r}")
            switches[name] = flag
        return cls(trend_requesters=req, trend_window_hours=float(hours), **values, **switches)


@dataclass(frozen=True)
class Match:
    """Why two tickets count as the same subject (or not), in words a dispatcher can check."""

    score: float
    shared: frozenset[str]
    similar: bool

    def explain(self, threshold: float) -> str:
        words = ", ".join(sorted(self.shared)) or "no words"
        op = ">=" if self.similar else "<"
        return f"same service, titles share {words} (Jaccard {self.score:.2f} {op} {threshold:.2f})"


def compare(title_a: frozenset[str], service_a: str, title_b: frozenset[str], service_b: str,
            threshold: float) -> Match:
    score = jaccard(title_a, title_b)
    similar = same_service(service_a, service_b) and score >= threshold
    return Match(score, title_a & title_b, similar)


@dataclass(frozen=True)
class PairMatch:
    """A pair model's judgement of two tickets, in words a dispatcher can check: the model's
    probability and the rule's score (`rule`: judgements.one_person for "person",
    judgements.same_outage for "trend"), which the automatic thresholds read."""

    probability: float
    rule: float
    evidence: str  # the features that weighed most
    words: str  # what the titles share, or the word that tells them apart

    def explain(self, threshold: float) -> str:
        op = ">=" if self.probability >= threshold else "<"
        # The word rule's score only when it applies: "word rule 0.00" after "words in common
        # 57% (for)" read as a contradiction (as the trend links, triage.py, leave it out at 0).
        rule = f"; word rule {self.rule:.2f}" if self.rule else ""
        return (f"same-subject score {_num(self.probability)} {op} threshold {_num(threshold)} "
                f"(learned pair model; {self.words}; weighed most: {self.evidence}{rule})")


def _num(x: float) -> str:
    """A score as the plan shows it: two decimals, three below 0.1 (0.008 < 0.010)."""
    return f"{x:.2f}" if x >= 0.1 else f"{x:.3f}"


RULE_FEATURE = {"person": "one_person", "trend": "outage"}


def pair_match(which: str, a: Text, b: Text, ref: Reference | None = None) -> PairMatch:
    """Model `which` ("person" or "trend") on two tickets read by `PeerView.text_of`, with the
    lexicon's account of their words (judgements.similarity.explain). With `ref` the shared
    words and the learned associations are said as the titles write them ("wireless ~
    wi-fi": sdesk/procedures/as_written.py; session 35, fresh-user finding)."""
    from sdesk.procedures.judgements import similarity
    from sdesk.procedures.pair_model import associates, shipped

    model = shipped(which)
    found = model.score(a, b)
    shown, pairs = None, ""
    if ref is not None:
        from sdesk.procedures.as_written import as_written, written

        def shown(token: str) -> str:
            return as_written(a.title, b.title, token, ref)

        pairs = ", ".join(dict.fromkeys(
            f"{written(a.title, x, ref) or x} ~ {written(b.title, y, ref) or y}"
            for x, y in associates(a.words, b.words, model.associations)))
    lex = similarity(a.words, b.words).explain(1.0, shown).split(" (score")[0]
    if not found.features["apart"] and lex.startswith("told apart by"):  # a follow-up's veto
        lex = lex.replace("told apart by", "a follow-up, so not told apart by", 1)
    return PairMatch(found.probability, found.features[RULE_FEATURE[which]],
                     found.evidence(associates=pairs), lex)


def trend_scores(a: Text, b: Text, model: PairModel | None = None) -> tuple[float, float]:
    """The trend model's probability that two reports are one problem, and the word rule's
    score (judgements.same_outage), without the explanation (a trend explains itself by the
    group of tickets). `model`: the shipped trend model unless given (the corpus measurement
    passes one fitted without the file it scores). A how-to or question with nothing failing
    (judgements.asks_how) is no report of an outage: both 0."""
    from sdesk.procedures.pair_model import shipped

    if a.asks or b.asks:  # judgements.asks_how, read once a reading
        # "OMS down again" / "how do i set my out of office in OMS" (fresh-user finding,
        # session 27): they share the service, not a problem
        return 0.0, 0.0
    from sdesk.procedures.trend_rules import trend_probability  # session 40: "down"/"drops"

    probability, features = trend_probability(model or shipped("trend"), a, b)
    rule = features[RULE_FEATURE["trend"]]
    if features["follow_up"]:  # the pair model's own reading of either title
        # a follow-up ("still down any eta??") asks about a report of its own, whatever it
        # was: two follow-ups' words are no evidence of one outage, so they are never linked
        # strongly enough to tell the supervisor without asking (fresh-user finding, session
        # 26: three people's follow-ups about VPN, a network and SharePoint mailed a trend)
        rule = 0.0
    return probability, rule


UNSHARED_HOURS = 1.0  # the corpora's sets are one hour of a queue: the span they can measure


def joins(linked: int, others: int) -> bool:
    """The group-level test of a trend link (under `trend_join` at trend_join, between reports
    sharing no word at trend_unshared, and since session 31 a keyed link at or above
    `trend_join` at trend_similarity): the later report joins the group only when it links
    with at least half of the group's `others` (other people's reports in the window). Without
    it such links chain outages together: 32% of the failing pairs of different subjects
    reach 0.2 (session 27); leave one writer out it kept precision (mean 0.62) while recall
    rose (worst 0.60 -> 0.86; docs/triage.md, "Trends and automatic decisions (session 28)")."""
    return others > 0 and 2 * linked >= others


def fails(w: Words) -> bool:
    """Whether a report says something fails (the pair model's both_failing, one side)."""
    from sdesk.procedures.judgements import _failing

    return _failing(w)


def other_services(a: Words, b: Words) -> bool:
    """Both name services and none in common ("VPN down" / "outlook down"): never an unshared
    link (`joins`); leave one writer out the condition cost no right link (session 28)."""
    from sdesk.procedures.pair_model import _names_other_service

    return _names_other_service(a, b)


def other_devices(a: str, b: str, ref: Reference) -> bool:
    """Two logged services (`a`, `b`: the tickets' service fields) of which one is a device (a
    hardware service of the catalogue) and the other is not the same service ("Laptop" /
    "Wi-Fi", "Printing" / "Laptop"): never an unshared link (`joins`). A device fault is one
    person's; sharing no word it is no part of another's outage (fresh-user finding, session
    28: "still down" (Wi-Fi) linked "CIO laptop wont boot" (Laptop) and "printer jammed"
    (Printing) into a third-floor Wi-Fi trend). Unknown or empty services never differ."""
    if not a or not b or a.casefold() == b.casefold():
        return False
    kinds = [info.kind if (info := ref.service_info(s)) else "" for s in (a, b)]
    return "" not in kinds and "hardware" in kinds


def unrelated_services(a: str, wa: Words, b: str, wb: Words, ref: Reference) -> bool:
    """Whether two reports are about services of different kinds (reference/services.toml:
    network, telecom, application...): each report's services are its logged service and the
    services its words name, unknown ones left out; both have some and no kind is common to
    them. Two failing reports sharing no key ("VPN wont connect" (VPN) / "511 line not working"
    (Phone) / "PeopleSoft login fails" (PeopleSoft)) then share nothing but that something
    fails: never an unshared link (`joins`; fresh-user finding, session 35: the three made a
    trend of "3 people"). Kinds, not services: a VPN outage logged as Network Connectivity
    ("anyconnect says login failed" / "cisco thing wont connect") is one network problem.
    Over the twenty-seven tuning files it took no report out of a trend and four wrong ones
    out (docs/triage.md, "Trends and automatic decisions")."""
    ka, kb = service_kinds(a, wa, ref), service_kinds(b, wb, ref)
    return bool(ka and kb and ka.isdisjoint(kb))


def service_kinds(logged: str, w: Words, ref: Reference) -> frozenset[str]:
    """The kinds of the services a report is about (`unrelated_services`): its logged service's
    and those its words name, unknown services left out."""
    names = [logged, *(t[1:] for t in w.services)]
    return frozenset(info.kind for n in names if n and (info := ref.service_info(n)))


def mixes_devices(mine: Iterable[str], theirs: Iterable[str], ref: Reference) -> bool:
    """Whether joining two trend groups (the logged services of each one's reports) would put a
    device in with a report logged against another service (`other_devices`): triage never
    joins them by other people's links, keyed or not (fresh-user findings, session 29: "CIO
    laptop wont boot" (Laptop) came into a Wi-Fi outage through "still down", logged with no
    service, and "laptop has no wifi" (Laptop) after it through the word "laptop"; "printer not
    printing emails" (Printing) into an Email outage, sharing "email" at 0.92). Over the
    seventeen corpora no pair of one subject is a device and another logged service, and the
    group-level condition cost no report of a trend its group (docs/triage.md, "A device is
    no part of another's outage")."""
    theirs = set(theirs)
    return any(other_devices(a, b, ref) for a in set(mine) for b in theirs)


def trend_keys(w: Words) -> list[str]:
    """Where a report sits in triage's inverted index of the trend window (incident-6): the
    services and the words it names (not the failure token: every failing report says it) and
    the places it names. Two reports sharing none of them are never compared, so never linked
    (sdesk/procedures/trend_groups.trend_groups; the corpus measurement links only such pairs too,
    tests/corpus/measure.trends). Sorted: the words are sets, and triage links the window's
    reports key by key, so the order decides which link a trend's evidence names; unsorted it
    followed Python's string hashing, and two runs on the same store wrote different evidence
    (perf30 finding, session 30)."""
    keys = sorted(t if t.startswith("@") else "~" + t for t in w.tokens if not t.startswith("!"))
    return keys + ["^" + p for p in sorted(w.places)]


def compared(a: Words, b: Words) -> bool:
    """Whether triage compares two reports for a trend at all: they share a key (`trend_keys`)."""
    return not set(trend_keys(a)).isdisjoint(trend_keys(b))


READINGS_KEPT = 4096  # titles whose readings (lexicon words, pair model vector) a view keeps


class PeerView:
    """The other open tickets triage compares against, bucketed by requester so one person's
    tickets are found without reading every peer. Read-only to the single-ticket procedure; a
    batch calls `absorb` between tickets so the second ticket of a batch sees what the plan for
    the first decided."""

    def __init__(self, peers: Iterable[Peer]) -> None:
        self.peers: dict[str, Peer] = {}
        self._by_requester: dict[str, list[str]] = {}
        self._words: dict[str, Words] = {}  # title -> reading
        self._texts: dict[tuple[str, str], Text] = {}  # (title, service) -> reading
        for peer in peers:
            self.put(peer)

    def put(self, peer: Peer) -> None:
        old = self.peers.get(peer.id)
        self.peers[peer.id] = peer
        if old is not None and (old.title, old.requester_email, old.service) == (
                peer.title, peer.requester_email, peer.service):
            return
        if peer.requester_email:
            self._by_requester.setdefault(peer.requester_email, []).append(peer.id)

    def drop(self, ticket_id: str) -> None:
        self.peers.pop(ticket_id, None)

    def words_of(self, ticket_id: str, ref: Reference) -> Words:
        """A peer's title as sdesk.procedures.lexicon reads it (cached by title: a batch
        compares it often; at most READINGS_KEPT at once, so memory does not follow the
        number of open tickets)."""
        title = self.peers[ticket_id].title
        found = self._words.get(title)
        if found is None:
            from sdesk.procedures.lexicon import words

            if len(self._words) >= READINGS_KEPT:
                self._words.clear()
            found = self._words[title] = words(title, ref)
        return found

    def text_of(self, ticket_id: str, ref: Reference) -> Text:
        """A peer as the pair model reads it (sdesk.procedures.pair_model; cached by title and
        service, as `words_of`)."""
        peer = self.peers[ticket_id]
        key = (peer.title, peer.service)
        found = self._texts.get(key)
        if found is None:
            from sdesk.procedures.pair_model import shipped

            if len(self._texts) >= READINGS_KEPT:
                self._texts.clear()
            found = self._texts[key] = shipped("person").read(
                peer.title, self.words_of(ticket_id, ref), peer.service)
        return found

    def _live(self, ids: list[str]) -> list[Peer]:
        seen: set[str] = set()
        out: list[Peer] = []
        for i in ids:
            peer = self.peers.get(i)
            if peer is not None and i not in seen:
                seen.add(i)
                out.append(peer)
        return out

    def from_requester(self, email: str) -> list[Peer]:
        return self._live(self._by_requester.get(email.strip().lower(), []))

    def absorb(self, plan: Plan) -> None:
        """Fold a plan's changes into the view: new field values, resolved tickets dropped."""
        from sdesk.core.model import DONE_STATUSES
        from sdesk.procedures.plan import SetField

        for action in plan.changes:
            if not isinstance(action, SetField) or action.ticket not in self.peers:
                continue
            name, value = action.field, action.value
            if name == "status" and value in DONE_STATUSES:
                self.drop(action.ticket)
            elif name in ("status", "team", "assignee", "parent"):
                self.put(replace(self.peers[action.ticket], **{name: value}))
            elif name == "flags":
                self.put(replace(self.peers[action.ticket], flags=tuple(value)))
