"""What a correction does to triage's pending proposals (docs/triage.md, "Correcting a ticket",
Session 37): the dispatcher stated the answer (a category, on site or remote), or the text the
proposal was read from changed (a corrected title or description, a split).

Pure: the ticket, its flags as the correction leaves them so far, what was corrected, the
clock and the actor in; the flags after, and the journal lines or entries that say why, out.
`sdesk set`/`edit` (corrections.consequences) and `sdesk split` (separation.split) call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sdesk.core.model import Ticket, journal_entry
from sdesk.procedures.plan import AddEntry
from sdesk.procedures.proposals import ACCEPTED, REJECTED, named, read_from, settle

CORRECTED = "the text was corrected"  # why a correction of the title or description withdraws
SPLIT = "the text was split (this ticket keeps only part of it)"  # why a split withdraws


def settle_stated(t: Ticket, flags: list[str], by_field: Mapping[str, Any]) -> list[str]:
    """Pending proposals the correction answers, settled in `flags` (changed in place); the
    lines the correction's journal entry adds.

    - `category` on a request or case with a pending request-kind proposal (request-1): the
      dispatcher stated the category, so the proposal is accepted when the category is its
      kind (hardware/software), else withdrawn (a rule decides the kind now, or the category
      names none: triage reads the text again).
    - `remote` (`on-site=yes|no`) with a pending on-site proposal: on site accepts it; remote
      rejects it (kept `rejected:on-site:...`, so a re-check does not propose on site again
      for the same words: the dispatcher said remote, and a withdrawn proposal would come back
      at the next `triage --recheck`)."""
    notes: list[str] = []
    if "category" in by_field and t.type in ("request", "case"):
        category = str(by_field["category"])
        notes += _settle(flags, "kind", lambda key: key == category, False,
                         f"Category set to {category!r} by hand")
    if "remote" in by_field:
        on_site = not by_field["remote"]
        notes += _settle(flags, "on-site", lambda key: on_site, True,
                         f"{'On site' if on_site else 'Remote'} stated by hand (on-site="
                         f"{'yes' if on_site else 'no'})")
    return notes


def _settle(flags: list[str], kind: str, agrees: Callable[[str], bool], reject: bool,
            said: str) -> list[str]:
    """The pending `kind` proposals in `flags` (changed in place) accepted where
    `agrees(key)`, the rest rejected (`reject`) or withdrawn; a journal line for each group."""
    out, taken = settle(flags, lambda k, key: k == kind and agrees(key), ACCEPTED)
    if reject:
        out, gone = settle(out, lambda k, key: k == kind, REJECTED)
    else:
        out, gone = settle(out, lambda k, key: k == kind)
    flags[:] = out
    lines = []
    if taken:
        lines.append(f"{said}, as proposed: the {named(taken)} proposal accepted (set by hand)")
    if gone:
        state = "rejected" if reject else "withdrawn"
        lines.append(f"{said}, not as proposed: the {named(gone)} proposal {state}")
    return lines


def withdraw_read_from_text(t: Ticket, flags: list[str], fields: Iterable[str], why: str,
                            now: dt.datetime, actor: str, also: Iterable[str] = (),
                            then: str = "") -> list[AddEntry]:
    """The pending proposals read from the text fields `fields` (title, description:
    proposals.TEXT_READ) and those of the kinds `also`, withdrawn from `flags` (changed in
    place): they were read from the text as it was. One internal journal entry per proposal
    withdrawn, under the rule of the judgement that made it, naming it and `why` (CORRECTED,
    SPLIT), then what reads the new text: `then` when given (a split triages the original
    itself), else for a new ticket or a triaged one nobody holds `sdesk triage ID --recheck`,
    for any other that triage does not read it again.
    Withdrawn is neither accepted nor rejected: triage may propose it again if the new text
    still says so."""
    out, gone = read_from(flags, fields, also)
    flags[:] = out
    def again(kind: str, key: str) -> str:
        if then or t.status == "new" or (t.status == "triaged" and not t.assignee):
            return f" {then}" if then else \
                f" sdesk triage {t.id} --recheck reads the text as it is now."
        by_hand = by_hand_command(t.id, kind, key)
        held = f", held by {t.assignee}" if t.assignee else ""
        return (f" {t.id} is {t.status}{held}: triage reads only tickets nobody holds yet, so it "
                "is not proposed again from the new text" + (f"; if it still holds: {by_hand}." if by_hand
                                             else "."))

    return [AddEntry(t.id, rule_of(t, kind), "journal", entry=journal_entry(
        at=now, by=actor, kind="edit", rule=rule_of(t, kind),
        text=f"Proposal withdrawn: {named([(kind, key)])}: {why}, and it was read from the "
             f"old text.{again(kind, key)}")) for kind, key in gone]


def by_hand_command(ticket_id: str, kind: str, key: str) -> str:
    """The command that carries out a withdrawn proposal by hand, where one does ("" for a
    trend: accepting one mails the supervisors, which no command does alone): what a
    dispatcher runs on a triaged ticket, which triage does not read again."""
    if kind == "on-site":
        return f"sdesk set {ticket_id} on-site=yes"
    if kind == "kind":
        return f"sdesk set {ticket_id} category={key}"
    if kind == "priority" and key[1:].isdigit():
        return f"the supervisor decides (sdesk priority {ticket_id} {key[1:]} --reason '...')"
    if kind == "duplicate":
        return f"sdesk resolve {ticket_id} --duplicate-of {key} --summary '...'"
    if kind == "separation":
        return f"sdesk split {ticket_id} --title 'THE OTHER PROBLEM'"
    return ""


def rule_of(t: Ticket, kind: str) -> str:
    """The rule of the judgement that makes a proposal of `kind` on `t` (its journal entries
    name it, as triage's did)."""
    from sdesk.procedures.corrections import REQUEST_PRIORITY
    from sdesk.procedures.separation import rule_for
    from sdesk.procedures.triage import I2, I5, I6, ON_SITE
    from sdesk.procedures.triage_requests import R1

    incident = t.type == "incident"
    return {"separation": rule_for(t), "duplicate": I5, "trend": I6, "on-site": ON_SITE,
            "kind": R1, "priority": I2 if incident else REQUEST_PRIORITY}.get(kind, I2)
