"""The rows of `sdesk list` and `sdesk queue`, without click: the click commands
(sdesk/commands/listing.py) and the start-up fast path (sdesk/launch.py) both select with
`ticket_filter` and print with `render_rows`, so the two cannot differ.

This module imports no click (~30 ms of start-up) and loads the store's index and the query
layer only when called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import sqlite3

    from sdesk.core.calendar import Calendar
    from sdesk.store import Store
    from sdesk.store.queries import TicketFilter


class Reader(Protocol):
    """What printing rows needs of a command's context (sdesk.commands.common.App has it)."""

    @property
    def store(self) -> Store: ...

    @property
    def now(self) -> dt.datetime: ...

    @property
    def no_pager(self) -> bool: ...


COLUMNS = ["id", "priority", "vip", "status", "team", "assignee", "respond_by", "resolve_by",
           "flags", "title"]
WIDE = ["id", "type", "priority", "vip", "status", "team", "assignee", "requester", "agency",
        "opened_at", "respond_by", "resolve_by", "flags", "title"]


def when(value: float | None, tz: dt.tzinfo) -> str | None:
    if value is None:
        return None
    return dt.datetime.fromtimestamp(value, tz).strftime("%Y-%m-%d %H:%M")


def view(row: sqlite3.Row, tz: dt.tzinfo, now: dt.datetime | None = None,
         colour: bool = False, clocks: Callable[[int], Calendar | None] | None = None
         ) -> dict[str, Any]:
    """A ticket row for a table or CSV (`--json` prints sdesk.core.ticketjson.summary). With
    `now`, the due times carry the time left or OVERDUE (tables for people), counted on the
    ticket's own clock when `clocks` (priority -> the business calendar, or None for 24x7;
    sdesk.commands.showtext.business_calendar) is given, as `show` counts it."""
    calendar = clocks(row["priority"]) if clocks is not None and now is not None else None
    return {
        "id": row["id"], "type": row["type"], "priority": f"P{row['priority']}",
        "vip": "VIP" if row["vip"] else "", "status": row["status"], "team": row["team"],
        "assignee": row["assignee"],
        "requester": row["requester_name"] or row["requester_email"],
        "agency": row["agency"], "opened_at": when(row["opened_at"], tz),
        "respond_by": due_cell(row, "respond_by", tz, now, colour, calendar),
        "resolve_by": due_cell(row, "resolve_by", tz, now, colour, calendar),
        "flags": shown_flags(row["flags"]), "title": row["title"],
    }


def due_cell(row: sqlite3.Row, name: str, tz: dt.tzinfo, now: dt.datetime | None,
             colour: bool, calendar: Calendar | None = None) -> str | None:
    """Respond By or Resolve By of an index row: the plain time for scripts (`now` None);
    for people, the time left or OVERDUE while it still runs (sdesk.core.due.cell), in
    business time with `calendar` (a business-clock ticket)."""
    from sdesk.core.due import cell

    value = row[name]
    if now is None or value is None:
        return when(value, tz)
    done = not row["open"] or (name == "respond_by" and row["first_response_at"] is not None)
    from sdesk.core.render import Styled

    # Styled: the table shows sdesk's own colour codes; stored text in other cells is escaped.
    return Styled(cell(dt.datetime.fromtimestamp(value, tz), now, done=done,
                       paused=bool(row["on_hold"]), colour=colour, calendar=calendar))


def shown_flags(flags: str | None) -> str:
    """Flags as a dispatcher scans them: a pending proposal as `?KIND`, decided proposals
    (accepted:/rejected:) left out; `--json` has them all."""
    out = []
    for name in (flags or "").split():
        state, _, rest = name.partition(":")
        if state == "proposed":
            out.append("?" + rest.split(":")[0])
        elif state not in ("accepted", "rejected"):
            out.append(name)
    return " ".join(out)


def render_rows(app: Reader, rows: Iterable[Any], as_json: bool, as_csv: bool,
                fmt: str | None, wide: bool) -> None:
    """Rows as a table, JSON or CSV; JSON and CSV are written as the rows are read. With
    `as_json` the rows are sdesk.store.queries' `summary=True` rows (summary_sql)."""

    from sdesk.core.due import use_colour
    from sdesk.core.render import emit

    tz = app.store.tz
    from sdesk.commands.app import warn_skipped

    warn_skipped(app.store)
    if as_json:  # the ticket's summary, schema 2 (docs/json.md), as it is read
        from sdesk.core.render import write_json_rows
        from sdesk.core.ticketjson import summary_text
        from sdesk.store import queries

        index = app.store.index
        write_json_rows(map(summary_text(tz, lambda tid: queries.summary_row(index, tid)), rows))
        return
    # scripts (CSV): full IDs, plain times, each row written as it is read; people: short IDs,
    # time left, colour on a terminal (emit spills the table to a file, not memory)
    data: Iterable[dict[str, Any]] = ((view(r, tz) for r in rows) if as_csv
                                      else _for_people(app, rows, tz, use_colour()))
    emit(data, WIDE if wide else COLUMNS, as_json=False, as_csv=as_csv, fmt=fmt,
         no_pager=app.no_pager)


def _for_people(app: Reader, rows: Iterable[Any], tz: dt.tzinfo,
                colour: bool) -> Iterator[dict[str, Any]]:
    """Table rows for people, short IDs looked up 500 rows at a time (memory stays flat)."""
    import itertools
    from functools import cache

    from sdesk.commands.showtext import business_calendar

    clocks = cache(lambda priority: business_calendar(app.store, priority))
    it = iter(rows)
    while chunk := list(itertools.islice(it, 500)):
        short = app.store.index.short_ids([r["id"] for r in chunk])
        for r in chunk:
            item = view(r, tz, now=app.now, colour=colour, clocks=clocks)
            item["id"] = short[item["id"]]
            yield item


def team_filter(store: Store, typed: str) -> str:
    """The team a filter option (--team of list, queue, stale, triage, workload) names: a team
    of the reference data (its exact name or a unique prefix, sdesk.core.reference.team), or else
    any team the store's tickets hold, matched without case: an import keeps groups the
    reference data does not list ("Group 70"), and export and kpi show them, so every filter
    accepts them too. ReferenceError (the reference's message) for a team nobody holds, and
    for reference data that does not load (a broken teams.toml is an error even for a team the
    tickets hold: the held names are a fallback for a name the loaded list lacks, never for a
    list that could not be read); ValidationError for an empty name (as `--agency ""`), never
    "no filter"."""
    from sdesk.core.errors import ReferenceError, ValidationError
    from sdesk.core.teamnames import team_named

    if not typed.strip():
        raise ValidationError("--team: give a team name or a unique prefix, e.g. IS-Desktop")

    names = store.team_names()  # outside the try: a load error is raised, not looked past
    try:
        return team_named(names, typed)
    except ReferenceError:
        from sdesk.store import queries

        held = queries.team_held(store.index, typed)
        if held:
            return held
        raise


def agency_filter(store: Store, typed: str) -> str:
    """The agency code a filter option (`list --agency`) names: a code of the reference data
    (reference/agencies.toml, without case), or else one the store's tickets hold (imports).
    ReferenceError with "did you mean" (as `new` says it) for an agency nobody holds."""
    from sdesk.core.errors import ReferenceError, ValidationError

    if not typed.strip():
        raise ValidationError("--agency: give an agency code, e.g. OMES")
    reference = store.reference  # outside the try: a load error is raised, not looked past
    try:
        return reference.agency(typed).code
    except ReferenceError:
        from sdesk.store import queries

        held = queries.agency_held(store.index, typed)
        if held:
            return held
        raise


def typed_flags(flags: Sequence[str]) -> list[str]:
    """--flag values as stored: `?KIND`, the form list and queue show a pending proposal in
    (`shown_flags`), is `proposed:KIND`, and `?` alone is `proposed` (any pending proposal).
    `list --flag '?trend'` found nothing (issue 11, session 34)."""
    return [f"proposed:{name[1:]}" if name.startswith("?") and len(name) > 1 else
            "proposed" if name == "?" else name for name in flags]


def check_flags(flags: Sequence[str]) -> None:
    """click.UsageError (exit 2, as a value outside an option's choices) for a --flag that is
    not one word; it was exit 1 (issue 11, session 34)."""
    for name in flags:
        if not name or any(c.isspace() or not c.isprintable() for c in name):
            import click

            raise click.UsageError(f"--flag: a flag is one word, e.g. priority-review; got {name!r}")


def warn_unknown_flags(store: Store, flags: Sequence[str]) -> None:
    """After a `list --flag` that showed nothing: a warning on stderr for each flag no ticket
    carries at all (any status), with the flags in use, so a mistyped flag
    (priorty-review) does not read as an empty queue. Flags are not a closed list (a
    proposal's flag names its kind; a hand edit may add any), so it is a warning, exit 0.
    A flag sdesk itself sets (proposed:duplicate, priority-review, ...) is never warned about:
    none pending is a true answer."""
    import sys

    from sdesk.core.render import printable
    from sdesk.store import queries

    known = queries.flag_names(store.index)
    folded = [k.casefold() for k in [*known, *_flags_sdesk_sets()]]  # as --flag: any case
    for name, typed in zip(flags, typed_flags(flags), strict=True):
        want = typed.casefold()
        if not any(k == want or k.startswith(want + ":") for k in folded):
            in_use = ", ".join(known) or "none"
            sys.stderr.write(printable(f"sdesk: warning: no ticket has the flag {name!r} "
                                       f"(flags in use: {in_use})") + "\n")


def _flags_sdesk_sets() -> list[str]:
    """The flag names triage and the licence check set: the hand-back flags, priority-review,
    the licence seat, and each proposal state with each kind (proposed:duplicate, ...)."""
    from sdesk.core.seats import SEAT_FLAG
    from sdesk.procedures.proposals import ACCEPTED, KINDS, PROPOSED, REJECTED
    from sdesk.procedures.triage import HAND_BACK_FLAGS
    from sdesk.reports.supervision import PRIORITY_REVIEW

    states = (PROPOSED, ACCEPTED, REJECTED)
    return [*HAND_BACK_FLAGS, PRIORITY_REVIEW, SEAT_FLAG, *states,
            *(f"{state}:{kind}" for state in states for kind in KINDS)]


def ticket_filter(store: Store, now: dt.datetime, *, status: Sequence[str] = (),
                  include_done: bool = False, team: str | None = None,
                  types: Sequence[str] = (), assignee: str | None = None,
                  unassigned: bool = False, vip: bool = False, priority: Sequence[int] = (),
                  overdue: bool = False, requester: str | None = None, agency: str = "",
                  text: str | None = None, flags: Sequence[str] = (),
                  since: float | None = None) -> TicketFilter:
    """`sdesk list`'s selection from its options: `team`, `assignee` and `agency` already
    resolved (sdesk.commands.common's filters), `since` in epoch seconds. click.UsageError for a
    --flag that is not one word; a `?KIND` is `proposed:KIND`. The click command and the fast
    path (sdesk/launch.py) both make their filter here."""
    from sdesk.store import queries

    check_flags(flags)
    return queries.TicketFilter(
        statuses=tuple(status), only_open=not status and not include_done, team=team,
        types=tuple(types), assignee=assignee, unassigned=unassigned, vip=vip,
        priorities=tuple(priority), overdue_at=now.timestamp() if overdue else None,
        requester=requester.strip().lower() if requester else "", agency=agency,
        words=tuple(text.split()) if text else (), flags=tuple(typed_flags(flags)), since=since)
