"""The staff mail of one triage run, sent once per person (fresh-user finding, session 30: a
tester found twelve "Handed back to the Service Desk" mails to the leads in one morning, and a
plain `triage --all` mailed a supervisor once per ticket flagged for a priority review).

While a ticket is triaged, the hand-back mail to the leads (`_Draft.hand_back`) and the
priority-review mail to a supervisor (`_flag_priority`) are made as for one ticket and noted
in the run's cache (`hold`). `RunMail` takes them out of each ticket's plan as the run goes
and puts one mail per person at the end of the run's last plan: the ticket's own mail,
unchanged, when it was the only one; else one naming every ticket (`hand_back_notice`,
`triage.priority_review_notice`, as `triage --review` mails a supervisor once).

A mail at the end of the run is threaded on its ticket (its Message-ID recorded there) only
when that ticket is in the last plan: an earlier ticket's plan may already be written (a big
batch is applied ticket by ticket, sdesk/store/batchwrite.py), so a mail naming it is sent
without touching it (`Notify.thread`), on every route alike. Pure.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sdesk.procedures.plan import Notify, Plan

HELD = "run-mail"  # the run's cache key: [(kind, the Notify, what it is about)]
HAND_BACK, PRIORITY_REVIEW = "hand-back", "priority-review"


def hold(cache: dict[str, Any], kind: str, note: Notify, about: tuple[Any, ...]) -> None:
    """Note `note`, just added to a ticket's plan, as mail of the run: `kind` HAND_BACK with
    (ticket, flag, why, desk, actor), or PRIORITY_REVIEW with (ticket, why, expected priority)."""
    cache.setdefault(HELD, []).append((kind, note, about))


class RunMail:
    """The mail `hold` noted, taken out of each plan (`take`) and sent once per person at the
    end (`notices`)."""

    def __init__(self, cache: dict[str, Any]) -> None:
        self.cache = cache
        self.held: dict[tuple[str, str], list[tuple[Notify, tuple[Any, ...]]]] = {}

    def take(self, plan: Plan) -> None:
        """Take the mail noted for `plan` out of it, kept for the end of the run."""
        noted = self.cache.pop(HELD, [])
        mine = {id(a) for a in plan.actions if isinstance(a, Notify)}
        taken = set()
        for kind, note, about in noted:
            if id(note) in mine:  # the ticket kept without what no mail says (memory flat
                # over a batch of thousands: issue 17)
                slim = replace(about[0], journal=[], description="", message_ids=[])
                self.held.setdefault((kind, note.to[0]), []).append((note, (slim, *about[1:])))
                taken.add(id(note))
        if taken:
            plan.actions = [a for a in plan.actions if id(a) not in taken]

    def notices(self, last: Plan) -> list[Notify]:
        """One mail per person and kind, in the order first held; threaded on its ticket only
        when `last` (the run's last plan, where they go) changes that ticket."""
        from sdesk.procedures.triage import priority_review_notice

        here = set(last.ticket_ids())
        out = []
        for (kind, to), held in self.held.items():
            if len(held) == 1:
                note = held[0][0]
            elif kind == PRIORITY_REVIEW:
                note = priority_review_notice(to, [about for _, about in held], "triage run")
            else:
                note = hand_back_notice(held[0][0], [about for _, about in held])
            out.append(note if note.ticket in here else replace(note, thread=False))
        return out


def hand_back_notice(first: Notify, handed: list[tuple[Any, ...]]) -> Notify:
    """One mail to the leads naming every ticket (ticket, flag, why, desk, actor) `handed`
    back to the Service Desk in one run; `first` is the first ticket's own mail."""
    desk, actor = handed[0][3], handed[0][4]
    flags = sorted({one[1] for one in handed})
    body = f"{len(handed)} tickets handed back to {desk} by {actor} in one triage run:\n"
    for t, flag, why, _, _ in handed:
        body += (f"\n{t.id} {t.title}\n  Reason ({flag}): {why}\n  Service: {t.service or '-'}; "
                 f"agency {t.requester.agency or '-'}; P{t.priority}; requester "
                 f"{t.requester.name or t.requester.email or '-'}\n")
    return replace(first, reason=f"tell {first.to[0]}", body=body,
                   subject=f"Handed back to the Service Desk: {len(handed)} tickets "
                           f"({', '.join(flags)})")

