"""What a rejected proposal takes away with it (`sdesk triage ID --reject KIND`, and `n` in
`--review`): what triage did on the strength of the proposal's evidence is undone, so the ticket
says only what the dispatcher agreed to.

- trend: the pending priority proposal that counted the trend's reports (`_priority_on_trend`);
- duplicate: the relation triage made at once to the first report (`_unrelate_duplicate`).
Tester findings, sessions 36-37. And a rejection typed by mistake is taken back (session 39,
tester 39b section 7): `--accept KIND` says who rejected it and when (`rejection_said`), and
`--accept KIND --again` accepts it after all when its evidence still stands (`taken_back`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sdesk.core.model import Ticket
from sdesk.procedures.proposals import named as named_proposals
from sdesk.procedures.proposals import settle
from sdesk.procedures.triage import I2, I5, TriageContext, _Draft


def after_rejection(d: _Draft, kind: str, key: str) -> None:
    """Undo on the draft `d` what rested on the rejected proposal `kind`/`key` (a trend's KEY is
    its reports' digest, a duplicate's the first report's ID); other kinds: nothing."""
    if kind == "trend":
        _priority_on_trend(d)
    elif kind == "duplicate":
        _unrelate_duplicate(d, key)


def _priority_on_trend(d: _Draft) -> None:
    """A rejected trend takes away the pending priority proposal that rested on it (its
    evidence counts the people who report it: "3 people report it", the chart model's "other
    people report it"): withdrawn, with a note; a later reading does not count the rejected
    trend's reports (triage.rejected_trend_reports). Tester finding, session 36: the P2 that
    rested on a rejected trend stayed pending for the supervisor."""
    from sdesk.procedures.triage_review import evidence  # it imports this module

    def rests_on_trend(kind: str, key: str) -> bool:
        return kind == "priority" and "people report it" in evidence(d.t, kind, key)

    flags, gone = settle(d.flags, rests_on_trend)
    if not gone:
        return
    said = named_proposals(gone)
    d.flags = flags
    d.set(I2, f"pending proposal withdrawn: {said}: it rested on the rejected trend", "flags",
          list(flags))
    d.note(I2, f"The pending proposal is withdrawn: {said}; it counted the reports of the trend "
               f"{d.ctx.actor} rejected.")


def _unrelate_duplicate(d: _Draft, first: str) -> None:
    """A rejected duplicate proposal takes away the relation triage made at once to `first`
    (incident-5: "related at once", triage._duplicate); a relation a person made (`sdesk relate`,
    a "relate" journal entry naming `first`) stays. Tester finding, session 37: the rejected
    match stayed "Related" and steered assignment ("holds related tickets")."""
    t = d.t
    if first not in t.related or any(
            e.kind == "relate" and re.search(rf"\b{re.escape(first)}\b", e.text)
            for e in t.journal):
        return
    d.set(I5, f"relation to {first} removed: the duplicate proposal was rejected", "related",
          [r for r in t.related if r != first])
    d.note(I5, f"Relation to {first} removed: triage related it as the same subject, and "
               f"{d.ctx.actor} rejected the duplicate proposal.")


def rejection_said(t: Ticket, kinds: list[str], ctx: TriageContext) -> str:
    """What `--accept KIND` says of a ticket with no pending KIND proposal but a rejected one
    (tester 39b, section 7: it said only "no pending trend proposal"): who rejected which
    proposal and when, and the commands that recover (`--accept KIND --again`; for a trend,
    the parent case its evidence names), each after "; ". "" when none of `kinds` was
    rejected."""
    from sdesk.procedures.proposals import REJECTED, trend_reports
    from sdesk.procedures.triage import _stamp
    from sdesk.procedures.triage_review import evidence, proposal_named

    said = []
    for kind, key in rejected(t.flags, kinds):
        entry = next((e for e in reversed(t.journal) if e.text.startswith("Rejected by ")
                      and f"the {kind} proposal (" in e.text), None)
        when = f" by {entry.by} at {_stamp(entry.at, ctx.reference.calendar.tz)}" if entry else ""
        line = (f"the {kind} proposal ({proposal_named(t, kind, key, ctx.view.peers)}) was "
                f"{REJECTED}{when}; to accept it after all: sdesk triage {t.id} --accept "
                f"{kind} --again (its evidence is checked again)")
        ids = trend_reports(evidence(t, kind, key)) if kind == "trend" else []
        if ids:
            line += f", or make the parent case: sdesk parent new --from {' '.join(ids)}"
        said.append(line)
    return "".join(f"; {line}" for line in said)


def rejected(flags: Iterable[str], kinds: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, key) of each rejected proposal of `kinds` among `flags`, in flag order."""
    wanted = set(kinds)
    out = []
    for f in flags:
        state, _, rest = f.partition(":")
        kind, _, key = rest.partition(":")
        if state == "rejected" and kind in wanted:
            out.append((kind, key))
    return out


def taken_back(d: _Draft, kinds: list[str]) -> list[tuple[str, str]]:
    """`--accept KIND --again`: each rejected proposal of `kinds` on the draft's ticket made
    pending again (its `rejected:` flag becomes `proposed:`, with a note naming who takes the
    rejection back), so the review accepts it as if it had never been rejected; (kind, key)
    of each. ValidationError when its evidence no longer stands: a trend whose reports still
    open are fewer than the trend threshold (say which, and the parent case of those open)."""
    from sdesk.core.errors import ValidationError
    from sdesk.procedures.proposals import flag, trend_reports
    from sdesk.procedures.triage_review import _rule, evidence, proposal_named

    back = rejected(d.flags, kinds)
    for kind, key in back:
        named = proposal_named(d.t, kind, key, d.ctx.view.peers)
        if kind == "trend":
            ids = trend_reports(evidence(d.t, kind, key))
            still = [i for i in ids if i == d.t.id or i in d.ctx.view.peers]
            if len(still) < d.ctx.settings.trend_requesters:
                raise ValidationError(
                    f"{d.t.id}: the rejected trend proposal ({named}) no longer stands: "
                    f"{len(still)} of its {len(ids)} reports are open (a trend needs "
                    f"{d.ctx.settings.trend_requesters}); sdesk parent new --from "
                    f"{' '.join(still or ids)} makes a parent case of them")
        d.flags = [flag(kind, key) if f == flag(kind, key, "rejected") else f for f in d.flags]
        d.note(_rule(d.t, kind), f"Rejection taken back by {d.ctx.actor}: the {kind} proposal "
                                 f"({named}) is decided again.")
    return back
