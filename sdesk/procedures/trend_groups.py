"""Many people, same problem (incident-6): the trend groups of a triage batch's window, moved
out of sdesk/procedures/triage.py in session 33 (perf33). The pair features, the group-level
test (`joins`), the window's keys (`trend_keys`) and the devices' bound (`mixes_devices`) live in
sdesk/procedures/similarity.py and pair_model.py; this module walks the window and keeps the
union-find of its links. Triage calls `trend_groups` once per batch and reads each ticket's
groups from its answer (triage._trend_group)."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable

from sdesk.core.reference import Reference
from sdesk.procedures.judgements import own_device, says_another
from sdesk.procedures.pair_model import Text, shipped
from sdesk.procedures.relations import Peer
from sdesk.procedures.similarity import (
    UNSHARED_HOURS,
    PeerView,
    TriageSettings,
    fails,
    joins,
    mixes_devices,
    other_devices,
    other_services,
    trend_keys,
    trend_scores,
    unrelated_services,
)
from sdesk.procedures.trend_rules import device_spots, other_spots
from sdesk.procedures.words import title_is_evidence

Groups = tuple[dict[str, str], dict[str, list[str]]]  # ticket -> group; group -> its tickets


def trend_groups(view: PeerView, ref: Reference, settings: TriageSettings,
                 extra: tuple[Peer, Text] | None = None) -> tuple[Groups, Groups, dict[str, str]]:
    """Every open incident's group, weak and strong, computed once per batch: `view`'s incidents
    with a requester, and `extra` (the ticket being triaged, with its reading) when the view
    does not hold it. Returns (weak, strong, why): each `Groups` is (ticket -> its group, group
    -> its tickets), `why` ticket -> why it is in its group (`_Links._join`, the trend
    evidence's wording). Incidents are compared only within the window and only when they name a
    service in common (or, naming none, a word): an inverted index, so a batch of 1,000 stays
    fast. One pass in opening order; the index and the pair model's readings hold only the
    incidents of the last trend_window_hours (issue 17: memory follows the window, not the open
    tickets). A group lists its tickets in opening order; an incident grouped with no other is
    left out. Two people's reports about their own devices ("my printer wont print") at
    different agencies are never linked: two devices, not one outage (fresh-user finding,
    session 27); one person's later report on the same subject (incident-5's person model) joins
    their first report's group, so a follow-up is one of the trend's reports (`_Links.link`).
    Since session 28 two other people's failing reports that share no key are compared too when
    opened within UNSHARED_HOURS of each other ("VPN down" / "anyconnect just spins": one outage
    in other words), and such a link, or a keyed one under `trend_join`, joins a group only by
    the group-level test (`_Links.settle`, similarity.joins). Since session 31 every other
    person's link does (a keyed one at or above `trend_join` at trend_similarity), and no group
    is longer than trend_window_hours (`_Links._long`): keyed links joining at once chained the
    bench's 3-day queue of realistic titles into one group of 583 people's reports."""
    window = dt.timedelta(hours=settings.trend_window_hours)
    hour = dt.timedelta(hours=UNSHARED_HOURS)
    incidents = sorted((p for p in view.peers.values()
                        if p.type == "incident" and p.requester_email
                        and title_is_evidence(p.title)),  # "(no subject)": no evidence
                       key=lambda p: (p.opened_at, p.id))
    if extra is not None and title_is_evidence(extra[0].title):
        incidents.append(extra[0])
        incidents.sort(key=lambda p: (p.opened_at, p.id))
    links = _Links(settings, ref)
    buckets: dict[str, deque[Peer]] = {}
    recent: deque[Peer] = deque()  # the window's incidents, oldest first
    for b in incidents:
        while recent and b.opened_at - recent[0].opened_at > window:
            links.forget(recent.popleft().id)
        mine = view.text_of(b.id, ref) if extra is None or b.id != extra[0].id else extra[1]
        links.add(b, mine, bool(b.agency) and own_device(b.title, mine.words, ref))
        recent.append(b)
        keyed: set[str] = set()
        for key in links.keys[b.id]:
            members = buckets.setdefault(key, deque())
            while members and b.opened_at - members[0].opened_at > window:
                members.popleft()
            for a in members:
                if a.id not in keyed:
                    keyed.add(a.id)
                    links.link(a, b)
            members.append(b)
        if links.failing[b.id]:  # other people's failing reports of the hour, sharing no key
            for a in reversed(recent):
                if b.opened_at - a.opened_at > hour:
                    break
                if a.id != b.id and a.id not in keyed:
                    links.unshared(a, b)
        links.settle(b)
    return links.weak.groups(), links.strong.groups(), links.why


class _Links:
    """The window's links (`trend_groups`): weak (a proposal: the trend model at
    trend_similarity, or the word rule at auto_trend), strong (the word rule at auto_trend:
    the supervisor told without asking), with the window's readings and pair scores. A weak
    link under trend_join, and a link between failing reports sharing no key (at
    trend_unshared), waits in `pending` for the group-level test (`settle`); since session 31
    so does a keyed link at or above trend_join (tested at trend_similarity)."""

    def __init__(self, settings: TriageSettings, ref: Reference) -> None:
        self.settings, self.ref = settings, ref
        self.weak, self.strong = _UnionFind(), _UnionFind()
        self.texts: dict[str, Text] = {}  # the window's readings
        self.keys: dict[str, list[str]] = {}  # ... their `trend_keys`, read once a report
        self.own: dict[str, bool] = {}  # ... and whether each is about the writer's own device
        self.failing: dict[str, bool] = {}  # ... and whether each says something fails
        self.peers: dict[str, Peer] = {}  # ... and the window's incidents
        self.scores: dict[tuple[str, str], tuple[float, float]] = {}
        self.same_person: dict[tuple[str, ...], bool] = {}  # one person's two reports
        self.pending: list[tuple[float, float, Peer, str | Callable[[], str]]] = []  # (probability,
        # report, why they are linked)
        self.why: dict[str, str] = {}  # ticket -> why it is in its group (`_join`)

    def add(self, b: Peer, text: Text, own: bool) -> None:
        spots = device_spots(b.service, text.words, self.ref)
        self.weak.add(b.id, b.service, b.opened_at, spots)
        self.strong.add(b.id, b.service, b.opened_at, spots)
        self.texts[b.id], self.own[b.id], self.peers[b.id] = text, own, b
        self.keys[b.id] = trend_keys(text.words)
        self.failing[b.id] = fails(text.words)
        if len(self.scores) + len(self.same_person) > SCORES_KEPT:
            self.scores.clear()  # pure values: only the time to score a pair again
            self.same_person.clear()

    def forget(self, ticket_id: str) -> None:
        del self.texts[ticket_id], self.own[ticket_id], self.failing[ticket_id]
        del self.keys[ticket_id]
        del self.peers[ticket_id]

    def _score(self, a: Peer, b: Peer) -> tuple[float, float]:
        """The trend scores of two other people's reports (`trend_scores`), (0, 0) when they
        are their own devices at two agencies; cached by titles."""
        found = self._known(a, b)
        if found is None:
            found = self.scores[a.title, b.title] = trend_scores(self.texts[a.id],
                                                                 self.texts[b.id])
        return found

    def _known(self, a: Peer, b: Peer) -> tuple[float, float] | None:
        """`_score` when it costs nothing (two own devices at two agencies, or a pair of titles
        scored before), else None."""
        if self._devices(a, b):
            return 0.0, 0.0
        return self.scores.get((a.title, b.title))

    def _devices(self, a: Peer, b: Peer) -> bool:
        """Two people's reports at two agencies of which one (before session 40: both) is about
        the writer's own device ("Cannot print to my office printer" at OSDH / "pritner on 3rd
        flr not printing" at DHS, tester 39b): two devices, not one outage."""
        return (self.own[a.id] or self.own[b.id]) and bool(a.agency and b.agency) and (
            a.agency != b.agency)

    def unshared(self, a: Peer, b: Peer) -> None:
        """Two other people's failing reports of one hour that share no key: a pending link
        at trend_unshared ("VPN DOWN" / "anyconnect just spins, never connects"); never
        between texts naming other services (`other_services`) nor a device logged against
        another service (`other_devices`) nor reports about services of other kinds
        (`unrelated_services`: "VPN wont connect" (VPN) / "511 line not working" (Phone),
        session 35)."""
        if a.requester_email == b.requester_email or not self.failing[a.id] or other_services(
                self.texts[a.id].words, self.texts[b.id].words) or other_devices(
                a.service, b.service, self.ref) or unrelated_services(
                a.service, self.texts[a.id].words, b.service, self.texts[b.id].words, self.ref):
            return
        probability = self._score(a, b)[0]
        if probability >= self.settings.trend_unshared:
            self.pending.append((probability, self.settings.trend_unshared, a,
                                 f"unshared: both say something fails, score {probability:.2f}"))

    def settle(self, b: Peer) -> None:
        """`b`'s pending links, strongest first: each joins `b` to the other report's group
        only when `b` links at the link's bar with at least half of that group's other
        people's reports in the window (similarity.joins): a report that links with one
        member of a group and not the rest does not chain the group to its own."""
        pending, self.pending = sorted(self.pending, key=lambda x: -x[0]), []
        for _, bar, a, why in pending:
            if self.weak.find(a.id) == self.weak.find(b.id) or self._long(self.weak, a, b):
                continue
            others = [self.peers[m] for m in self.weak.members(a.id)
                      if m in self.peers and self.peers[m].requester_email != b.requester_email]
            if not self._mixes(self.weak, a, b) and self._half(others, b, bar):
                self._join(a, b, why)

    def _half(self, others: list[Peer], b: Peer, bar: float) -> bool:
        """similarity.joins: whether `b` links at `bar` with at least half of `others`; stops
        scoring once the answer is known (the same answer, fewer pairs scored). The pairs
        scored before are counted first (session 33): the answer is a count, so the order
        does not change it, and the known ones often settle it before a new pair is scored."""
        linked, left = 0, len(others)
        unknown = []
        for m in others:
            found = self._known(m, b)
            if found is None:
                unknown.append(m)
            else:
                linked += found[0] >= bar
                left -= 1
        for m in unknown:
            if joins(linked, len(others)) or not joins(linked + left, len(others)):
                break
            linked += self._score(m, b)[0] >= bar
            left -= 1
        return joins(linked, len(others))

    def link(self, a: Peer, b: Peer) -> None:
        """Link `b` (the later) with `a`: another person's report of the same problem; one
        person's own later report on the same subject (the person model at `similarity`,
        as incident-5 relates it), weakly; never two people's own devices at two agencies."""
        if self.weak.find(a.id) == self.weak.find(b.id) and (
                a.requester_email == b.requester_email
                or self.strong.find(a.id) == self.strong.find(b.id)):
            # one group already, weakly (and strongly, for a strong link's sake): no answer of
            # the pair model can change the grouping (session 33: most keyed links of a busy
            # day are inside one group)
            return
        if a.requester_email == b.requester_email:
            key = (a.title, b.title, a.service, b.service)
            same = self.same_person.get(key)
            if same is None:
                same = self.same_person[key] = not says_another(b.title) and shipped(
                    "person").score(self.texts[a.id], self.texts[b.id]).probability >= (
                    self.settings.similarity)
            if same:
                self._join(a, b, "the same person's later report on the subject")
            return
        if self._devices(a, b):
            return
        found = self._score(a, b)

        def why() -> str:  # only when it is recorded: most links join a group already joined
            return f"{self._shared(a, b)}, score {found[0]:.2f}"

        if found[1] >= self.settings.auto_trend or found[0] >= self.settings.trend_join:
            # the group-level test at trend_similarity (session 31: joined at once, such links
            # chained a 3-day queue into one group of 583 people)
            self.pending.append((found[0], self.settings.trend_similarity, a, lambda: why() + (
                f", word rule {found[1]:.2f}" if found[1] else "")))
        elif found[0] >= self.settings.trend_similarity:  # weak: the test at trend_join
            self.pending.append((found[0], self.settings.trend_join, a, why))
        if found[1] >= self.settings.auto_trend and not self._mixes(self.strong, a, b) and (
                not self._long(self.strong, a, b)):
            self.strong.join(a.id, b.id)

    def _long(self, groups: _UnionFind, a: Peer, b: Peer) -> bool:
        """Whether joining `a`'s group and `b`'s (`b` the later) would make a group longer than
        the window: a trend is many people's reports within trend_window_hours of each other."""
        first = min(groups.since(a.id), groups.since(b.id))
        return b.opened_at - first > dt.timedelta(hours=self.settings.trend_window_hours)

    def _mixes(self, groups: _UnionFind, a: Peer, b: Peer) -> bool:
        """Whether joining `a`'s group and `b`'s would put a device in with a report logged
        against another service (similarity.mixes_devices): a device is no part of another
        service's outage, whoever links them."""
        ra, rb = groups.find(a.id), groups.find(b.id)
        return ra != rb and (mixes_devices(groups.tags[ra], groups.tags[rb], self.ref)
                             or other_spots(groups.spots[ra], groups.spots[rb]))

    def _shared(self, a: Peer, b: Peer) -> str:
        """What two keyed reports share ("shares Wi-Fi, wireless ~ wi-fi, place 3rd floor"),
        from their `trend_keys`, a word as the titles write it (as_written: session 35,
        "shares wifi" was said of "wi-fi is down" / "wireless not working")."""
        from sdesk.procedures.as_written import as_written

        keys = set(self.keys[b.id]).intersection(self.keys[a.id])
        shown = sorted(as_written(a.title, b.title, k[1:], self.ref) if k[0] == "~" else
                       k[1:] if k[0] == "@" else "place " + k[1:] for k in keys)
        return "shares " + ", ".join(shown) if shown else "shares a word"

    def _join(self, a: Peer, b: Peer, why: str | Callable[[], str]) -> None:
        """Join `b`'s group to `a`'s and note why `b` (or, when `b` has its reason already,
        `a`) is in it: the trend proposal's evidence names per linked ticket why (trend28b:
        "CIO laptop wont boot" in a Wi-Fi outage gave the dispatcher nothing to check).
        `why` may be a function making the reason, called only when it is noted."""
        if self.weak.find(a.id) == self.weak.find(b.id) or self._long(self.weak, a, b):
            return
        self.weak.join(a.id, b.id)
        if b.id not in self.why:
            self.why[b.id] = f"{why if isinstance(why, str) else why()} with {a.id}"
        elif a.id not in self.why:
            self.why[a.id] = f"{why if isinstance(why, str) else why()} with {b.id}"


SCORES_KEPT = 50_000  # title pairs whose trend scores a batch keeps at once


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.items: dict[str, list[str]] = {}  # root -> its items
        self.tags: dict[str, set[str]] = {}  # root -> its items' tags (their logged services)
        self.first: dict[str, dt.datetime] = {}  # root -> when its first item was opened
        self.spots: dict[str, set[str]] = {}  # root -> the spots its items name (session 40)

    def add(self, item: str, tag: str, at: dt.datetime, spots: frozenset[str] = frozenset(),
            ) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.items[item] = [item]
            self.tags[item] = {tag}
            self.first[item] = at
            self.spots[item] = set(spots)

    def since(self, item: str) -> dt.datetime:
        """When the first of `item`'s group was opened."""
        return self.first[self.find(item)]

    def members(self, item: str) -> list[str]:
        """The items of `item`'s group (itself included)."""
        return self.items[self.find(item)]

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.items[ra]) > len(self.items[rb]):
            ra, rb = rb, ra
        self.parent[ra] = rb
        self.items[rb].extend(self.items.pop(ra))
        self.tags[rb] |= self.tags.pop(ra)
        self.spots[rb] |= self.spots.pop(ra)
        self.first[rb] = min(self.first[rb], self.first.pop(ra))

    def groups(self) -> Groups:
        """(item -> its group, group -> its items in the order added), groups of two or more
        only."""
        members: dict[str, list[str]] = {}
        for item in self.parent:
            members.setdefault(self.find(item), []).append(item)
        members = {root: items for root, items in members.items() if len(items) > 1}
        return {i: root for root, items in members.items() for i in items}, members
