"""What a rejected proposal takes away with it (`sdesk triage ID --reject KIND`, and `n` in
`--review`): what triage did on the strength of the proposal's evidence is undone, so the ticket
says only what the dispatcher agreed to.

- trend: the pending priority proposal that counted the trend's reports (`_priority_on_trend`);
- duplicate: the relation triage made at once to the first report (`_unrelate_duplicate`).
Tester findings, sessions 36-37.
"""

from __future__ import annotations

import re

from sdesk.procedures.proposals import named as named_proposals
from sdesk.procedures.proposals import settle
from sdesk.procedures.triage import I2, I5, _Draft


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
