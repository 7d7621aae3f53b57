"""`sdesk import servicenow`: compare the incidents of an export (sdesk/exchange/servicenow.py) with what
the store holds, and write the new and changed tickets as one commit. Re-importing the same
file changes nothing; a later export updates the fields an import owns and keeps the rest.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sdesk.core.errors import SdeskError
from sdesk.core.model import Ticket
from sdesk.core.untrusted import read_limited
from sdesk.exchange.servicenow import KNOWLEDGE_FLAG, Mapper, build_ticket
from sdesk.exchange.servicenow_read import BadRow, Dates, Groups, open_export, read_export
from sdesk.store import queries

if TYPE_CHECKING:
    from pathlib import Path

    from sdesk.git import Identity
    from sdesk.store import Store


# Fields an import owns; everything else on an existing ticket (relations, csat, knowledge
# links, journal entries...) is kept when a later export updates it.
OWNED = ("title", "opened_at", "status", "priority", "impact", "urgency", "channel", "team",
         "assignee", "service", "category", "location", "external_ref", "reopens",
         "reassignments", "resolve_by", "assigned_at", "resolved_at", "closed_at",
         "description", "resolution", "holds", "imported")


def merge(existing: Ticket, fresh: Ticket) -> Ticket:
    """An existing ticket updated from a later export of its incident."""
    merged = replace(existing, requester=replace(existing.requester, name=fresh.requester.name))
    for name in OWNED:
        setattr(merged, name, getattr(fresh, name))
    others = [f for f in existing.flags if f != KNOWLEDGE_FLAG]
    merged.flags = others + fresh.flags
    # History is never lost: entries of an earlier import that this export does not repeat
    # (a one-row export after an event log) stay, next to the dispatchers' own notes.
    seen = {(e.at, e.kind, e.text) for e in fresh.journal}
    kept = [e for e in existing.journal if (e.at, e.kind, e.text) not in seen]
    merged.journal = sorted(fresh.journal + kept, key=lambda e: e.at)
    if existing.updated_at and fresh.updated_at and existing.updated_at > fresh.updated_at:
        merged.updated_at = existing.updated_at
    else:
        merged.updated_at = fresh.updated_at
    return merged


# ---------------------------------------------------------------------------------------------
# Comparing with the store and writing one commit


@dataclass
class Summary:
    rows: int = 0
    incidents: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    older: int = 0  # incidents whose rows are older than what was imported before
    bad: list[BadRow] = field(default_factory=list)
    ambiguous: list[BadRow] = field(default_factory=list)  # times in a repeated DST hour
    unknown_teams: Counter[str] = field(default_factory=Counter)
    unknown_locations: Counter[str] = field(default_factory=Counter)
    callers: set[str] = field(default_factory=set)
    commit: str = ""

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated)


def _file_bytes(ticket: Ticket, number: str) -> bytes:
    """The ticket's file (executor.dump), or an SdeskError naming the export's incident
    `number` as well when it would be over the read limit (nothing is written then)."""
    from sdesk.store.executor import dump

    try:
        return dump(ticket)
    except SdeskError as exc:
        raise SdeskError(f"{number}: {exc.message}") from None


def plan_import(store: Store, groups: Groups, now: dt.datetime,
                progress: Callable[[int], None] | None = None, limit: int | None = None
                ) -> tuple[Summary, dict[str, tuple[tuple[Any, ...], bytes]]]:
    """The tickets an import would write (ID -> the ticket's index row and its file's bytes)
    and its summary; reads the store, writes nothing. Each incident's rows are let go once its
    ticket is built, and the ticket once its file and index row are: memory holds the bytes
    and a row per ticket, not the rows of the file and the tickets."""
    ref = store.reference
    mapper = Mapper(ref)
    known_locations = {a.location.casefold() for a in ref.agencies.values()}
    known_locations |= {t.location.casefold() for t in ref.technicians.values()}
    from sdesk.store.index import packed_row

    existing = queries.imported_refs(store.index)
    numbers = list(groups.rows)[:limit]
    summary = Summary(incidents=len(numbers))
    files: dict[str, tuple[tuple[Any, ...], bytes]] = {}
    taken: set[str] = set()
    for number in numbers:
        rows = groups.sorted_rows(number)
        summary.rows += len(rows)
        ticket_id = existing.get(number) or (number if _is_own_id(store, number) else "")
        fresh = build_ticket(number, rows, ticket_id or store.new_id("incident", now, taken),
                             mapper, summary.ambiguous)
        del groups.rows[number], rows
        if ticket_id == number:
            fresh.external_ref = ""  # an sdesk ticket exported and imported back
        data = _file_bytes(fresh, number)
        if ticket_id:
            path = store.path_of(ticket_id)
            old = read_limited(store.root, path) if path.exists() else b""
            if old != data and old:
                current = store.load(ticket_id)
                if _is_older(fresh, current):
                    summary.older += 1
                    data = old
                else:
                    fresh = merge(current, fresh)
                    data = _file_bytes(fresh, number)
            if old == data:
                summary.unchanged += 1
            else:
                summary.updated.append(ticket_id)
                files[ticket_id] = (packed_row(fresh), data)
        else:
            taken.add(fresh.id)
            summary.created.append(fresh.id)
            files[fresh.id] = (packed_row(fresh), data)
        _note_unknowns(summary, fresh, mapper, known_locations)
        if progress:
            progress(1)
    return summary, files


def _is_older(fresh: Ticket, current: Ticket) -> bool:
    """An export taken before the one already imported must not roll the ticket back."""
    seen = [e.at for e in current.journal if e.kind == "import"]
    return bool(seen) and fresh.updated_at is not None and fresh.updated_at < max(seen)


def _is_own_id(store: Store, number: str) -> bool:
    from sdesk.core import ids

    return ids.is_valid(number) and store.exists(number)


def _note_unknowns(summary: Summary, ticket: Ticket, mapper: Mapper,
                   known_locations: set[str]) -> None:
    if ticket.team.casefold() not in mapper.teams:
        summary.unknown_teams[ticket.team] += 1
    if ticket.location and ticket.location.casefold() not in known_locations:
        summary.unknown_locations[ticket.location] += 1
    if ticket.requester.name:
        summary.callers.add(ticket.requester.name)


def write_import(store: Store, files: dict[str, tuple[tuple[Any, ...], bytes]], message: str,
                 actor: Identity) -> str:
    """Write the files and make one commit, all or nothing (sdesk.store.executor.write_and_commit)."""
    from sdesk.store.executor import write_and_commit

    written: dict[Path, bytes | None] = {store.path_of(i): data for i, (_, data) in files.items()}
    return write_and_commit(store, written, [row for row, _ in files.values()], message, actor)


COMMIT_LIST = 20  # tickets named in an import's commit message; the tree diff has the rest


def commit_message(name: str, summary: Summary) -> str:
    """A readable message at any size: the counts, and at most COMMIT_LIST tickets as
    trailers (the commit's tree diff lists every file it changed)."""
    from sdesk import git

    counts = (f"{summary.changed} tickets ({len(summary.created)} new, "
              f"{len(summary.updated)} updated) from {summary.rows} rows")
    lines = [f"import servicenow {name}: {counts}", "",
             f"{summary.incidents} incidents, {summary.unchanged} unchanged, "
             f"{len(summary.bad)} bad rows skipped.", ""]
    changed = summary.created + summary.updated
    if len(changed) > COMMIT_LIST:
        lines += [f"The first {COMMIT_LIST} of {len(changed)} tickets are named below; "
                  "`git show --stat` lists them all.", ""]
    pairs = [("Sdesk-Action", "import")]
    pairs += [("Sdesk-Ticket", t) for t in changed[:COMMIT_LIST]]
    return "\n".join(lines) + git.trailers(pairs) + "\n"


def load_file(path: str, store: Store) -> tuple[Groups, Summary]:
    """Read an export as a stream into incidents (Groups), with its bad rows; ValidationError
    for a file that cannot be read exactly (sdesk/exchange/servicenow_read.py)."""
    name = os.path.basename(path)
    groups, summary = Groups(), Summary()
    dates = Dates(store.tz)
    try:
        handle = open_export(path)
    except OSError as exc:
        raise SdeskError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        for row in read_export(handle, name, dates):
            if isinstance(row, BadRow):
                summary.bad.append(row)
            else:
                groups.add(row)
    return groups, summary


def iter_summary(summary: Summary, dry_run: bool) -> Iterator[str]:
    """The lines the import prints."""
    verb = "would import" if dry_run else "imported"
    yield (f"{verb} {summary.changed} tickets ({len(summary.created)} new, "
           f"{len(summary.updated)} updated, {summary.unchanged} unchanged) from "
           f"{summary.incidents} incidents in {summary.rows} rows")
    if summary.older:
        yield (f"kept {summary.older} tickets as they are: the file's rows are older than "
               "the ones imported before")
    if summary.bad:
        yield f"skipped {len(summary.bad)} bad rows:"
        for bad in summary.bad[:50]:
            yield f"  line {bad.line}: {bad.problem}"
        if len(summary.bad) > 50:
            yield f"  ... and {len(summary.bad) - 50} more"
    if summary.ambiguous:
        yield (f"{len(summary.ambiguous)} times in the repeated hour of a daylight-saving change "
               "could be read either way:")
        for note in summary.ambiguous[:20]:
            yield f"  line {note.line}: {note.problem}"
        if len(summary.ambiguous) > 20:
            yield f"  ... and {len(summary.ambiguous) - 20} more"
    if summary.unknown_teams:
        yield _counted("groups not in the reference data (kept as they are)", summary.unknown_teams)
    if summary.unknown_locations:
        yield _counted("locations not in the reference data (kept as they are)",
                       summary.unknown_locations)
    if summary.callers:
        yield f"{len(summary.callers)} callers (kept as requester names)"
    if summary.commit:
        yield f"commit {summary.commit[:12]}"


def _counted(what: str, counts: Counter[str], shown: int = 10) -> str:
    top = ", ".join(f"{name} ({n})" for name, n in counts.most_common(shown))
    more = f", ... {len(counts) - shown} more" if len(counts) > shown else ""
    return f"{len(counts)} {what}: {top}{more}"
