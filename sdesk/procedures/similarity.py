"""Triage's settings ([triage] in sdesk.toml) and the view of the other open tickets triage
compares a ticket with (bucketed by requester).

Whether two titles are about the same subject is `sdesk.procedures.judgements.similarity` over
`sdesk.procedures.lexicon.words` (docs/triage.md, "Similar, exactly"). The plain word Jaccard index here
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
    """sdesk.toml [triage]: the judgements' thresholds (scores of sdesk.procedures.judgements.similarity,
    0..1) and the trend rule's size and window. `similarity` proposes a duplicate and
    `auto_duplicate` resolves one without asking; `trend_similarity` groups a possible trend
    and `auto_trend` tells the supervisor without asking. The defaults are the thresholds
    measured on the labelled corpus (docs/triage.md, "Measured")."""

    similarity: float = 0.25
    trend_requesters: int = 3
    trend_window_hours: float = 24.0
    trend_similarity: float = 0.15
    auto_duplicate: float = 1.0
    auto_trend: float = 0.8

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> TriageSettings:
        values: dict[str, Any] = {}
        for name in ("similarity", "trend_similarity", "auto_duplicate", "auto_trend"):
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
        return cls(trend_requesters=req, trend_window_hours=float(hours), **values)


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


class PeerView:
    """The other open tickets triage compares against, bucketed by requester so one person's
    tickets are found without reading every peer. Read-only to the single-ticket procedure; a
    batch calls `absorb` between tickets so the second ticket of a batch sees what the plan for
    the first decided."""

    def __init__(self, peers: Iterable[Peer]) -> None:
        self.peers: dict[str, Peer] = {}
        self._by_requester: dict[str, list[str]] = {}
        self._words: dict[str, Words] = {}
        for peer in peers:
            self.put(peer)

    def put(self, peer: Peer) -> None:
        old = self.peers.get(peer.id)
        self.peers[peer.id] = peer
        if old is not None and (old.title, old.requester_email, old.service) == (
                peer.title, peer.requester_email, peer.service):
            return
        self._words.pop(peer.id, None)
        if peer.requester_email:
            self._by_requester.setdefault(peer.requester_email, []).append(peer.id)

    def drop(self, ticket_id: str) -> None:
        self.peers.pop(ticket_id, None)

    def words_of(self, ticket_id: str, ref: Reference) -> Words:
        """A peer's title as sdesk.procedures.lexicon reads it (cached: a batch compares it often)."""
        found = self._words.get(ticket_id)
        if found is None:
            peer = self.peers[ticket_id]
            from sdesk.procedures.lexicon import words

            found = self._words[ticket_id] = words(peer.title, ref)
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
