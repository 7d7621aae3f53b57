"""Three-way merge of ticket files, for git's merge driver (`sdesk merge-driver`).

A pure function of (base, ours, theirs) -> merged ticket. The rules, in docs/collaboration.md:

- journal: the union of both sides, without duplicates (an entry is its (at, by, kind, text));
  entries both sides share keep their order, new entries follow in time order;
- a field changed on one side takes that side's value;
- a field changed differently on both sides takes the value of the side whose `updated_at` is
  later (a tie goes to the value that sorts last as JSON), and the other value is recorded in
  a `merge` journal entry, so nothing is lost;
- counters (reopens, reassignments) add both sides' increments;
- lists (related, kb, flags, skills) merge as sets: additions from both sides, removals from
  either side honoured;
- `[import]` merges key by key like fields;
- the ticket's state (model.STATE_FIELDS: status, assignee, resolution, its dates, CSAT, holds)
  merges as one value: when both sides changed it, the later side's state is kept whole and the
  other side's is recorded in a `merge` journal entry, so a merged ticket is always one a
  command could have written (resolve here and hold there never gives an on-hold ticket that
  still carries its resolution). The result is checked against model.invariant_problems; a
  merge that would break one is refused (MergeCollision), never written.

The result never depends on which side is "ours": the same two clones merged either way give
the same bytes. Two different tickets at one path (an ID collision) raise MergeCollision: when
both sides created the file, they are one ticket only if they were created with the same
content (CREATED fields), whatever their dates.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from sdesk.core.errors import SdeskError
from sdesk.core.model import (
    STATE_FIELDS,
    JournalEntry,
    Ticket,
    dumps,
    invariant_problems,
    journal_entry,
    loads,
)
from sdesk.procedures.plan import jsonable

MERGE_BY = "sdesk merge"
LIST_FIELDS = ("related", "kb", "flags", "skills")
COUNTER_FIELDS = ("reopens", "reassignments")
# Fields merged by their own rule (not as plain values).
SPECIAL = {"journal", "holds", "imported", "updated_at", "id", *LIST_FIELDS, *COUNTER_FIELDS,
           *STATE_FIELDS}
# What identifies a ticket: if these differ, the two sides are different tickets.
IDENTITY = ("id", "type", "opened_at")
# When both sides created the file (no base), what they were created with must agree too: two
# clones logging different calls under one ID at the same second are two tickets.
CREATED = ("title", "description", "requester", "external_ref", "channel")


class MergeCollision(SdeskError):
    """Both sides hold a different ticket under the same ID."""


@dataclass
class Merged:
    ticket: Ticket
    conflicts: list[str] = field(default_factory=list)  # fields both sides changed differently


def entry_key(entry: JournalEntry) -> tuple[float, str, str, str]:
    return (entry.at.timestamp(), entry.by, entry.kind, entry.text)


def _order(value: Any) -> str:
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False)


def _later(ours: Ticket, theirs: Ticket) -> str:
    """'ours' or 'theirs': whose last change is later; '' on a tie."""
    a = ours.updated_at.timestamp() if ours.updated_at else 0.0
    b = theirs.updated_at.timestamp() if theirs.updated_at else 0.0
    return "ours" if a > b else "theirs" if b > a else ""


def pick(base: Any, ours: Any, theirs: Any, later: str) -> tuple[Any, Any | None]:
    """(value, lost value or None) for one field by the three-way rule."""
    if ours == theirs or theirs == base:
        return ours, None
    if ours == base:
        return theirs, None
    if later == "ours" or (not later and _order(ours) >= _order(theirs)):
        return ours, theirs
    return theirs, ours


def merge_list(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    removed = (set(base) - set(ours)) | (set(base) - set(theirs))
    kept = [x for x in base if x not in removed]
    added = sorted((set(ours) | set(theirs)) - set(base) - removed)
    return kept + [x for x in added if x not in kept]


def merge_journal(base: list[JournalEntry], ours: list[JournalEntry],
                  theirs: list[JournalEntry]) -> list[JournalEntry]:
    base_keys = {entry_key(e) for e in base}
    shared = [e for e in ours if entry_key(e) in base_keys]
    shared_keys = {entry_key(e) for e in shared}
    # Entries the base had but ours dropped (never by sdesk): keep them, nothing is lost.
    shared += [e for e in base if entry_key(e) not in shared_keys]
    fresh: dict[tuple[float, str, str, str], JournalEntry] = {}
    for e in [*ours, *theirs]:
        key = entry_key(e)
        if key not in base_keys:
            fresh.setdefault(key, e)
    return shared + [fresh[k] for k in sorted(fresh)]


def _check_same_ticket(ours: Ticket, theirs: Ticket, path: str, created: bool = False) -> None:
    for name in IDENTITY + (CREATED if created else ()):
        a, b = getattr(ours, name), getattr(theirs, name)
        if a != b:
            raise MergeCollision(
                f"{path}: ID collision: two different tickets share {ours.id} ({name} "
                f"{_order(a)} here, {_order(b)} on the other side); rename one and merge again"
            )


def merge_tickets(base: Ticket | None, ours: Ticket, theirs: Ticket, path: str = "") -> Merged:
    """Merge two versions of one ticket; `base` is None when both sides created the file."""
    _check_same_ticket(ours, theirs, path or ours.id, created=base is None)
    if base is None:
        base = Ticket(id=ours.id, type=ours.type, title="", opened_at=ours.opened_at)
    later = _later(ours, theirs)
    result = copy.deepcopy(ours)
    lost: list[tuple[str, Any, Any]] = []
    for name in vars(result):
        if name in SPECIAL:
            continue
        value, other = pick(getattr(base, name), getattr(ours, name), getattr(theirs, name), later)
        setattr(result, name, copy.deepcopy(value))
        if other is not None:
            lost.append((name, value, other))
    for name in LIST_FIELDS:
        setattr(result, name, merge_list(getattr(base, name), getattr(ours, name),
                                         getattr(theirs, name)))
    for name in COUNTER_FIELDS:
        b = getattr(base, name)
        setattr(result, name, b + (getattr(ours, name) - b) + (getattr(theirs, name) - b))
    result.imported = _merge_dict(base.imported, ours.imported, theirs.imported, later, lost)
    lost_state = _merge_state(result, base, ours, theirs, later)
    result.journal = merge_journal(base.journal, ours.journal, theirs.journal)
    stamps = [t.updated_at for t in (ours, theirs) if t.updated_at is not None]
    result.updated_at = max(stamps, key=lambda s: s.timestamp()) if stamps else None
    for name, kept, other in lost:
        result.journal.append(journal_entry(
            at=result.updated_at or result.opened_at, by=MERGE_BY, kind="merge",
            text=f"{name}: both clones changed it; kept {_order(kept)} (the later change), "
                 f"the other clone had {_order(other)}",
        ))
    if lost_state is not None:
        kept, other = lost_state
        result.journal.append(journal_entry(
            at=result.updated_at or result.opened_at, by=MERGE_BY, kind="merge",
            text=f"state: both clones changed it; kept {_order(kept)} (the later change, whole), "
                 f"the other clone had {_order(other)}",
        ))
    broken = invariant_problems(result)
    if broken:
        raise MergeCollision(f"{path or result.id}: the merged ticket would break an invariant "
                             f"({broken[0][0]}: {broken[0][1]}); merge it by hand")
    return Merged(result, [name for name, _, _ in lost] + (["state"] if lost_state else []))


def _state(ticket: Ticket) -> dict[str, Any]:
    return {name: getattr(ticket, name) for name in STATE_FIELDS}


def _merge_state(result: Ticket, base: Ticket, ours: Ticket, theirs: Ticket,
                 later: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Set the state fields of `result`. One side changed the state: its state. Both changed
    it differently: the later side's whole state, with the other side's holds that ended and
    that the winner does not know (time on hold that happened); returns (kept, lost) then."""
    b, o, t = _state(base), _state(ours), _state(theirs)
    if o in (t, b) or t == b:
        # One side changed the state (or both the same way): that side's state, whole. Its
        # holds are part of it: a hold the base had and that side no longer has was dropped
        # by an earlier merge (the open hold of a losing state); bringing it back from the
        # base would give, say, a resolved ticket with an open hold.
        chosen = t if o == b else o
        for name, value in chosen.items():
            setattr(result, name, copy.deepcopy(value))
        return None
    if not later:  # a tie: the state that sorts last, so either side merges the same way
        later = "ours" if _order(o) >= _order(t) else "theirs"
    winner, loser = (ours, theirs) if later == "ours" else (theirs, ours)
    for name in STATE_FIELDS:
        setattr(result, name, copy.deepcopy(getattr(winner, name)))
    known = {h.start.timestamp() for h in winner.holds}
    still_open = [h.start for h in winner.holds if h.end is None]
    extra = [copy.copy(h) for h in loser.holds
             if h.start.timestamp() not in known and h.end is not None
             and (not still_open or h.end <= still_open[-1])]
    if extra:
        result.holds = sorted(result.holds + extra, key=lambda h: h.start.timestamp())
    return _state(winner), _state(loser)


def _merge_dict(base: dict[str, str], ours: dict[str, str], theirs: dict[str, str],
                later: str, lost: list[tuple[str, Any, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in sorted(ours.keys() | theirs.keys() | base.keys()):
        value, other = pick(base.get(key), ours.get(key), theirs.get(key), later)
        if value is not None:
            out[key] = value
        if other is not None:
            lost.append((f"import.{key}", value, other))
    return out


def merge_texts(base: str | None, ours: str, theirs: str, path: str) -> tuple[str, list[str]]:
    """Merge three ticket file texts; returns (merged text, conflicting fields). SdeskError
    when the merged file would be over the read limit (untrusted.MAX_FILE_BYTES, 1 MiB):
    every command would refuse to read it, so the merge is refused, never written, and both
    sides stay as they were (session 34: two journals near 600 KB each merged into a ticket
    no command could open)."""
    from sdesk.core.untrusted import MAX_FILE_BYTES

    base_ticket = loads(base, f"{path} (base)") if base and base.strip() else None
    merged = merge_tickets(base_ticket, loads(ours, f"{path} (ours)"),
                           loads(theirs, f"{path} (theirs)"), path)
    text = dumps(merged.ticket)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise SdeskError(f"{path}: the merged ticket would be {size} bytes, over the "
                         f"{MAX_FILE_BYTES}-byte limit for a ticket file (docs/crash-safety.md); "
                         "both sides are kept as they were: shorten the ticket on one side "
                         "(long text moved out of its description or notes into a file), "
                         "commit, and sync again")
    return text, merged.conflicts
