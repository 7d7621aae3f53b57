"""Every question sdesk asks the summary index, by name: the one place that writes SQL for it.

Commands and shells call these functions; they never write a `WHERE` of their own (a test,
tests/test_architecture.py, greps for SQL elsewhere). Each business meaning of a selection is
defined once here: what "unassigned" is, which tickets are in a team's queue and in which order,
what "stale" measures from, which tickets hold a licence seat, what a ticket's open children and
tasks are. `sdesk/store/index.py` keeps the table, its freshness and the low-level `select`; the KPI
aggregates live in `sdesk/reports/kpi.py` (a report over the same table, docs/kpi.md).

Every function takes the `Index` and returns rows (sqlite3.Row: columns by name), IDs or plain
values. User values always travel as SQL parameters. Times in rows are epoch seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~15 M instructions of `show`)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from sdesk.store.index import Index

# -- the meanings ---------------------------------------------------------------------------

OPEN = "open = 1"
UNASSIGNED = "assignee = ''"
NOT_TASK = "type != 'task'"
# The dispatcher guide's working order: VIP first, then earliest Resolve By (no Resolve By
# last), then the oldest ticket, then the ID. `sdesk queue`, `list --sort queue` and
# `assign --team` all work tickets in exactly this order.
QUEUE_ORDER = "vip DESC, resolve_by IS NULL, resolve_by, opened_at, id"
# A team's queue: open, nobody assigned, waiting for triage or for assignment.
IN_QUEUE = f"{OPEN} AND {UNASSIGNED} AND status IN ('new', 'triaged')"
# What triage works on: unassigned tickets in status new (tasks follow their parent).
TRIAGEABLE = f"{OPEN} AND status = 'new' AND {UNASSIGNED} AND {NOT_TASK}"
# What assignment works on: triaged and unassigned.
ASSIGNABLE = f"{OPEN} AND status = 'triaged' AND {UNASSIGNED}"
# The customer's last update: the latest public journal entry, else the time it was opened.
LAST_UPDATE = "coalesce(last_public_at, opened_at)"
# Request-4 "licensing available": only a granted seat is held; the rule is sdesk/core/seats.py
# (holds_seat, for one ticket in hand), which seats_in_use says in SQL.

SORTS = {"id": "id", "opened": "opened_at, id",
         "resolve-by": "resolve_by IS NULL, resolve_by, id",
         "priority": "priority, resolve_by IS NULL, resolve_by, id", "queue": QUEUE_ORDER,
         "updated": "updated_at DESC, id"}


def in_team(where: str, params: list[Any], team: str) -> tuple[str, list[Any]]:
    """`where` narrowed to one team's tickets when `team` is given (the exact name a team
    filter resolved to); the parameters to go with it."""
    if team:
        return f"{where} AND team = ?", [*params, team]
    return where, params


def _literal(text: str) -> str:
    """`text` inside a LIKE pattern with ESCAPE '\\': its %, _ and \\ match only themselves (a
    flag or a word with `_` is not a wildcard)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# A ticket carries the flag the parameter names (`has_flag`): flags are stored space-separated.
HAS_FLAG = "(' ' || flags || ' ') LIKE ? ESCAPE '\\'"


def has_flag(name: str) -> str:
    """HAS_FLAG's parameter for the flag `name`, exactly (not `name:...`), escaped."""
    return f"% {_literal(name)} %"


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _ids(rows: Sequence[Any]) -> list[str]:
    return [str(r["id"]) for r in rows]


# -- lists ----------------------------------------------------------------------------------


class TicketFilter:
    """The filters of `sdesk list` and `sdesk export` (every one optional; all must hold).
    `team` and `assignee` compare without case; `since`/`until` are epoch seconds of
    opened_at (until exclusive); `overdue_at` keeps open tickets not on hold whose Resolve By
    is before that time; `words` must all occur in the title (case-insensitive); each of
    `flags` must be on the ticket: the flag, or a flag NAME:... Keyword arguments only; read
    only. (A plain class, not a dataclass: `show` imports this module, and `dataclasses`
    with `inspect` behind it is ~30 M instructions.)"""

    __slots__ = (
        "agency",
        "assignee",
        "flags",
        "imported",
        "only_open",
        "overdue_at",
        "priorities",
        "requester",
        "since",
        "statuses",
        "team",
        "types",
        "unassigned",
        "until",
        "vip",
        "words",
    )

    def __init__(self, *, statuses: tuple[str, ...] = (), only_open: bool = False,
                 team: str | None = None, types: tuple[str, ...] = (),
                 assignee: str | None = None, unassigned: bool = False, vip: bool = False,
                 priorities: tuple[int, ...] = (), overdue_at: float | None = None,
                 requester: str = "", agency: str = "", words: tuple[str, ...] = (),
                 since: float | None = None, until: float | None = None,
                 imported: bool = False, flags: tuple[str, ...] = ()) -> None:
        self.statuses, self.only_open, self.team, self.types = statuses, only_open, team, types
        self.assignee, self.unassigned, self.vip = assignee, unassigned, vip
        self.priorities, self.overdue_at, self.requester = priorities, overdue_at, requester
        self.agency, self.words, self.since, self.until = agency, words, since, until
        self.imported, self.flags = imported, flags

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TicketFilter) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"TicketFilter({shown})"

    def sql(self) -> tuple[str, list[Any]]:
        """The WHERE clause and its parameters."""
        where: list[str] = []
        params: list[Any] = []
        if self.statuses:
            where.append(f"status IN ({_marks(self.statuses)})")
            params += self.statuses
        if self.only_open:
            where.append(OPEN)
        if self.team is not None:  # the name as spelled (sdesk check names another spelling),
            # as queue and triage match it; the NOCASE term lets the team indexes serve
            where.append("team = ? COLLATE NOCASE AND team = ?")
            params += [self.team, self.team]
        if self.types:
            where.append(f"type IN ({_marks(self.types)})")
            params += self.types
        if self.assignee is not None:
            where.append("assignee = ? COLLATE NOCASE")
            params.append(self.assignee)
        if self.unassigned:
            where.append(UNASSIGNED)
        if self.vip:
            where.append("vip = 1")
        if self.priorities:
            where.append(f"priority IN ({_marks(self.priorities)})")
            params += self.priorities
        if self.overdue_at is not None:
            where.append(f"{OPEN} AND on_hold = 0 AND resolve_by < ?")
            params.append(self.overdue_at)
        if self.requester:  # an e-mail, or else a name as written (any case): session 37's
            # tester got "(none)" for --requester "Ana Ruiz"
            where.append("requester_email = ?" if "@" in self.requester
                         else "requester_name = ? COLLATE NOCASE")
            params.append(self.requester.strip().lower() if "@" in self.requester
                          else " ".join(self.requester.split()))
        if self.agency:
            where.append("agency = ?")
            params.append(self.agency)
        for word in self.words:
            where.append("title LIKE ? ESCAPE '\\'")
            params.append(f"%{_literal(word)}%")
        if self.imported:
            where.append("external_ref != ''")
        for name in self.flags:
            where.append(f"({HAS_FLAG} OR (' ' || flags) LIKE ? ESCAPE '\\')")
            params += [has_flag(name), f"% {_literal(name)}:%"]
        if self.since is not None:
            where.append("opened_at >= ?")
            params.append(self.since)
        if self.until is not None:
            where.append("opened_at < ?")
            params.append(self.until)
        return " AND ".join(where) or "1", params


# `list --overdue --vip`: open VIP tickets, not on hold, by Resolve By. Without it SQLite walks
# every open ticket for the few that are VIP and overdue (~200 M instructions at a million
# tickets). Made on first use, so an index made before it needs no rebuild; INDEXED BY,
# because an empty partial index gets no ANALYZE statistics and the planner then prefers
# tickets_kpi_open (the bench stores hold no VIP ticket).
VIP_DUE = ("CREATE INDEX IF NOT EXISTS tickets_vip_due ON tickets (resolve_by) "
           f"WHERE vip = 1 AND {OPEN} AND on_hold = 0")


# `queue --team`: a team's queue in QUEUE_ORDER, read in order from an index and stopped at
# --limit. Without it SQLite fetches every queued ticket of the team and sorts them (10,011
# rows for IS-Service Desk at a million tickets, ~40 M instructions, growing with the store).
QUEUE_INDEX = ("CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (team, vip DESC, "
               f"resolve_by IS NULL, resolve_by, opened_at, id) WHERE {IN_QUEUE}")


def _selection(index: Index, which: TicketFilter) -> tuple[str, list[Any]]:
    """`which.sql()`, the overdue VIP tickets found through their own index (VIP_DUE): the
    selection is the same, rows by rowid from the index look-up."""
    where, params = which.sql()
    if not (which.vip and which.overdue_at is not None):
        return where, params
    _made(index, "tickets_vip_due", VIP_DUE)
    return (f"rowid IN (SELECT rowid FROM tickets INDEXED BY tickets_vip_due WHERE {where})",
            params)


def _made(index: Index, name: str, ddl: str) -> None:
    """Make the SQL index `name` with `ddl` unless the index file has it: an index a read
    command needs that came after INDEX_VERSION 5 (adding it to the schema would rebuild
    every index file, ~150 s at a million tickets). Made once, a few seconds at 1M."""
    if index.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                        (name,)).fetchone() is None:
        index.db.execute(ddl)


def tickets(index: Index, which: TicketFilter, sort: str = "id",
            limit: int | None = None) -> list[sqlite3.Row]:
    """Full rows of the tickets `which` selects, in the order SORTS[sort] names."""
    where, params = _selection(index, which)
    return index.select(where, params, order=SORTS[sort], limit=limit)


def tickets_streamed(index: Index, which: TicketFilter, sort: str = "id",
                     limit: int | None = None, summary: bool = False) -> Iterator[sqlite3.Row]:
    """`tickets`, one row at a time as SQLite reads it (list --json/--csv: memory flat).
    `summary`: plain tuples of sdesk.core.ticketjson.SUMMARY_COLUMNS (list --json)."""
    where, params = _selection(index, which)
    return index.stream(where, params, order=SORTS[sort], limit=limit, **_summary(summary))


def _summary(wanted: bool) -> dict[str, Any]:
    """`Index.stream`'s arguments for rows as JSON summaries are made of (or for full rows)."""
    return {"columns": summary_sql(), "tuples": True} if wanted else {}


def summary_row(index: Index, ticket_id: str) -> tuple[Any, ...]:
    """One ticket's index values in sdesk.core.ticketjson.SUMMARY_COLUMNS order, for a row
    `summary_sql` could not write."""
    from sdesk.core.ticketjson import SUMMARY_COLUMNS

    rows = index.stream("id = ?", (ticket_id,), columns=", ".join(SUMMARY_COLUMNS), tuples=True)
    return tuple(next(rows))


# A value of a type the index never writes there becomes UNUSUAL, a character json's encoder
# never leaves raw: sdesk.core.ticketjson.summary_text writes such a row from summary_row.
UNUSUAL = "char(1)"


def _text(c: str) -> str:  # a JSON string, as json's encoder writes it (same escapes)
    return (f"CASE typeof({c}) WHEN 'text' THEN json_quote({c}) WHEN 'null' THEN 'null' "
            f"ELSE {UNUSUAL} END")


def _int(c: str) -> str:
    return f"CASE typeof({c}) WHEN 'integer' THEN {c} WHEN 'null' THEN 'null' ELSE {UNUSUAL} END"


def _bool(c: str, null: str = "'false'") -> str:  # Python's bool(value); NULL -> `null`
    return (f"CASE typeof({c}) WHEN 'integer' THEN CASE WHEN {c} != 0 THEN 'true' "
            f"ELSE 'false' END WHEN 'null' THEN {null} ELSE {UNUSUAL} END")


def _words(c: str) -> str:
    """A space-separated list as a JSON array of its words, when its words are printable ASCII
    without quote or backslash and single spaces part them (else UNUSUAL: Python writes it)."""
    return (f"CASE WHEN {c} IS NULL OR {c} = '' THEN '[]' WHEN typeof({c}) = 'text' AND {c} "
            f"NOT GLOB '*[^]!#-[^-~ ]*' AND {c} NOT GLOB ' *' AND {c} NOT GLOB '* ' AND "
            f"instr({c}, '  ') = 0 THEN '[\"' || replace({c}, ' ', '\", \"') || '\"]' "
            f"ELSE {UNUSUAL} END")


def summary_sql() -> str:
    """The columns SQLite selects for `list --json`'s rows: the JSON text of each ticket's
    summary (sdesk.core.ticketjson.summary) but for its times and floats, which Python writes
    (sdesk.core.ticketjson.summary_text puts the pieces together). Strings through SQLite's
    json_quote, which escapes exactly as json's encoder does with ensure_ascii=False (checked
    for every code point by tests/test_json_rows.py). A value of a type the index never writes
    makes its piece NULL, and Python writes that row from `summary_row`. Columns: id, text
    before effort_hours, effort, text up to opened_at, the 8 times of ticketjson.TIMES, text
    up to csat's time, whether there is a CSAT, its time, text up to held_seconds,
    held_seconds, last_public_at, the rest."""
    from sdesk.core.ticketjson import SCHEMA_VERSION, TIMES

    def join(*parts: str) -> str:
        """The parts as one printf (one string built, where || copies the row at each step):
        literals into its format, the rest as its arguments."""
        form = "".join(p[1:-1].replace("%", "%%") if p[0] == "'" else "%s" for p in parts)
        args = [p for p in parts if p[0] != "'"]
        return f"printf('{form}', {', '.join(args)})"

    fields = ("id", "type", "title", "status")
    head = [f"'{{\"schema_version\": {SCHEMA_VERSION}, '"]
    for f in fields:
        head += [f"'\"{f}\": '", _text(f), "', '"]
    head += ["'\"open\": '", _bool("open")]
    for f in ("priority", "impact", "urgency"):
        head += [f"', \"{f}\": '", _int(f)]
    for f in ("channel", "team", "assignee"):
        head += [f"', \"{f}\": '", _text(f)]
    head += ["', \"vip\": '", _bool("vip"), "', \"requester\": {\"name\": '",
             _text("requester_name"), "', \"email\": '", _text("requester_email"),
             "', \"agency\": '", _text("agency"), "'}'"]
    for f in ("service", "category", "software", "location"):
        head += [f"', \"{f}\": '", _text(f)]
    head += ["', \"remote\": '", _bool("remote"), "', \"skills\": '", _words("skills"),
             "', \"requested_technician\": '", _text("requested_technician"),
             "', \"effort_hours\": '"]
    middle = ["', \"tier\": '", _int("tier"), "', \"parent\": '", _text("parent"),
              "', \"duplicate_of\": '", _text("duplicate_of")]
    for f in ("related", "kb", "flags"):
        middle += [f"', \"{f}\": '", _words(f)]
    middle += ["', \"external_ref\": '", _text("external_ref"), "', \"message_ids\": '",
               _words("message_ids"), "', \"reopens\": '", _int("reopens"),
               "', \"reassignments\": '", _int("reassignments"), "', \"opened_at\": '"]
    resolution = ("CASE WHEN first_contact IS NULL THEN 'null' ELSE '{\"code\": ' || ("
                  + _text("resolution_code") + ") || ', \"first_contact\": ' || ("
                  + _bool("first_contact") + ") || '}' END")
    csat = ("CASE WHEN csat_score IS NULL THEN 'null' ELSE '{\"score\": ' || ("
            + _int("csat_score") + ") || ', \"at\": ' END")
    after = ["', \"resolution\": '", resolution, "', \"csat\": '", csat]
    hold = ["', \"on_hold\": '", _bool("on_hold"), "', \"held_seconds\": '"]
    tail = ["', \"journal_count\": '", _int("journal_count"), "', \"sla_met\": '",
            _bool("sla_met", "'null'"), "'}'"]
    return ", ".join(["id", join(*head), "effort", join(*middle), *TIMES, join(*after),
                      "csat_score IS NOT NULL", "csat_at", join(*hold), "held_seconds",
                      "last_public_at", join(*tail)])


def ticket_ids_streamed(index: Index, which: TicketFilter, sort: str = "opened") -> Iterator[str]:
    """`ticket_ids`, one at a time (export: memory flat whatever the count)."""
    where, params = _selection(index, which)
    return (str(r["id"]) for r in index.stream(where, params, order=SORTS[sort], columns="id"))


def import_keys(index: Index, which: TicketFilter) -> set[str]:
    """Every key of an [import] table the selected tickets carry (export's CSV header)."""
    where, params = _selection(index, which)
    return {key for r in index.stream(where, params, order="1", columns="DISTINCT import_keys")
            for key in (r["import_keys"] or "").split()}


def ticket_ids(index: Index, which: TicketFilter, sort: str = "opened") -> list[str]:
    """IDs of the tickets `which` selects (export: oldest first)."""
    where, params = _selection(index, which)
    return _ids(index.select(where, params, order=SORTS[sort], columns="id"))


def queue(index: Index, team: str = "", limit: int | None = None) -> list[sqlite3.Row]:
    """A team's queue (or every team's): open, unassigned, new or triaged, in QUEUE_ORDER."""
    where, params = in_team(IN_QUEUE, [], team)
    return index.select(where, params, order=QUEUE_ORDER, limit=limit)


def queue_streamed(index: Index, team: str = "", limit: int | None = None,
                   summary: bool = False, priorities: Sequence[int] = ()) -> Iterator[sqlite3.Row]:
    """`queue`, one row at a time as SQLite reads it (`summary` as for `tickets_streamed`);
    `priorities` (1-4) keeps the tickets of those priorities only, as `list --priority`."""
    where, params = in_team(IN_QUEUE, [], team)
    if priorities:
        where, params = f"{where} AND priority IN ({_marks(priorities)})", [*params, *priorities]
    if team:  # the first `limit` in order from the team's part of QUEUE_INDEX, not a sort
        _made(index, "tickets_queue", QUEUE_INDEX)
        where = (f"rowid IN (SELECT rowid FROM tickets INDEXED BY tickets_queue WHERE {where} "
                 f"ORDER BY {QUEUE_ORDER}{'' if limit is None else f' LIMIT {int(limit)}'})")
    return index.stream(where, params, order=QUEUE_ORDER, limit=limit, **_summary(summary))


def stale(index: Index, before: float, team: str = "") -> Iterator[sqlite3.Row]:
    """Open tickets (not tasks) whose last update (LAST_UPDATE, as `last_update`) is before
    `before` (epoch seconds), quietest first, one row at a time. Columns: id, priority, team,
    assignee, status, last_update, title."""
    where = f"{OPEN} AND {NOT_TASK} AND {LAST_UPDATE} < ?"
    params: list[Any] = [before]
    where, params = in_team(where, params, team)
    return index.stream(where, params, order=f"{LAST_UPDATE}, id",
                        columns=f"id, priority, team, assignee, status, {LAST_UPDATE} "
                                "AS last_update, title")


def tasks(index: Index, parent: str = "", include_done: bool = False) -> list[sqlite3.Row]:
    """Tasks (of one parent when given; open ones unless include_done), by parent then ID.
    Columns: id, parent, status, team, assignee, title."""
    where, params = ["type = 'task'"], []
    if parent:
        where.append("parent = ?")
        params.append(parent)
    if not include_done:
        where.append(OPEN)
    return index.select(" AND ".join(where), params, order="parent, id",
                        columns="id, parent, status, team, assignee, title")


# -- the work of procedures -------------------------------------------------------------------


def triage_ids(index: Index, team: str = "", opened_by: float | None = None) -> list[str]:
    """Tickets triage works on (TRIAGEABLE), of one team when given, oldest first; only those
    opened at or before `opened_by` (POSIX seconds) when given: a batch at a given --now
    leaves out tickets that did not exist yet, which the executor would refuse."""
    where, params = in_team(TRIAGEABLE, [], team)
    if opened_by is not None:
        where += " AND opened_at <= ?"
        params.append(opened_by)
    return _ids(index.select(where, params, order="opened_at, id", columns="id"))


def untriaged_ids(index: Index, team: str, held: Sequence[str] | None = None) -> list[str]:
    """A team's tickets triage has not yet seen (TRIAGEABLE: new, unassigned), oldest first,
    without those handed back to the Service Desk (a flag of triage's HAND_BACK_FLAGS, or of
    `held` when given): what `assign --team` names as left because not triaged (a parent case
    is logged `new`)."""
    if held is None:
        from sdesk.procedures.triage import HAND_BACK_FLAGS  # what triage hands back

        held = HAND_BACK_FLAGS
    where, params = in_team(TRIAGEABLE, [], team)
    for name in held:
        where += f" AND NOT {HAS_FLAG}"
        params.append(has_flag(name))
    return _ids(index.select(where, params, order="opened_at, id", columns="id"))


def assign_queue_ids(index: Index, team: str, opened_by: float | None = None) -> list[str]:
    """A team's triaged, unassigned tickets (ASSIGNABLE) in the queue order (QUEUE_ORDER);
    every team's when `team` is "" (`assign --all`); only those opened at or before
    `opened_by` (POSIX seconds) when given, as `triage_ids`."""
    where, params = in_team(ASSIGNABLE, [], team)
    if opened_by is not None:
        where += " AND opened_at <= ?"
        params.append(opened_by)
    return _ids(index.select(where, params, order=QUEUE_ORDER, columns="id"))


def open_peers(index: Index) -> Iterator[Any]:
    """Every open ticket with what triage compares, in ID order, one at a time from the
    cursor: plain tuples in relations.Peer's field order (id, type, status, title, service,
    requester_email, opened_at, priority, team, assignee, parent, flags, agency,
    channel)."""
    return index.stream(OPEN, columns="id, type, status, title, service, requester_email, "
                                      "opened_at, priority, team, assignee, parent, flags, "
                                      "agency, channel", tuples=True)


def seats_in_use(index: Index, awaiting_team: str) -> dict[str, int]:
    """Requests and cases holding a granted licence seat, counted by the software name as
    written on the tickets: in SEAT_STATUSES, or open, flagged SEAT_FLAG (they passed
    triage's licence check) and not handed back (status new); never one resolved with a
    NO_SEAT_CODES code, nor an open one owned by `awaiting_team` (the IT Inventory Control
    Manager's: sent for a quote, request-4, the licence not granted yet). docs/triage.md,
    request-4."""
    from sdesk.core.seats import NO_SEAT_CODES, SEAT_FLAG, SEAT_STATUSES  # only the seat count's

    sql = (f"SELECT software, count(*) AS n FROM tickets WHERE type IN ('request', 'case') "
           f"AND software != '' AND (status IN ({_marks(SEAT_STATUSES)}) "
           f"OR ({OPEN} AND status != 'new' AND (' ' || flags || ' ') LIKE '% {SEAT_FLAG} %')) "
           f"AND coalesce(resolution_code, '') NOT IN ({_marks(NO_SEAT_CODES)}) "
           f"AND NOT ({OPEN} AND coalesce(team, '') = ? AND ? != '') "
           f"GROUP BY software")
    return {str(r["software"]): int(r["n"])
            for r in index.db.execute(
                sql, (*SEAT_STATUSES, *NO_SEAT_CODES, awaiting_team, awaiting_team))}


def held_work(index: Index) -> list[sqlite3.Row]:
    """Every open ticket with an assignee (workload): id, assignee, effort, requester_email,
    parent."""
    return index.select(f"{OPEN} AND assignee != ''", (), order="id",
                        columns="id, assignee, effort, requester_email, parent")


def open_tasks_of(index: Index, parent: str) -> list[str]:
    """The open tasks under `parent` (they stop it being resolved)."""
    return _ids(index.select(f"parent = ? AND type = 'task' AND {OPEN}", (parent,),
                             columns="id"))


def open_children_of(index: Index, parent: str) -> list[str]:
    """The open child tickets (not tasks) of a parent case (resolved with it)."""
    return _ids(index.select(f"parent = ? AND {NOT_TASK} AND {OPEN}", (parent,), columns="id"))


def has_children(index: Index, parent: str) -> bool:
    """Whether any ticket but a task (open or not) names `parent` as its parent case."""
    return bool(index.select(f"parent = ? AND {NOT_TASK}", (parent,), limit=1, columns="id"))


def resolved_before(index: Index, before: float) -> list[str]:
    """Tickets in status resolved whose resolution is older than `before` (epoch seconds)."""
    return _ids(index.select("status = 'resolved' AND resolved_at < ?", (before,),
                             columns="id"))


class Links:
    """The relations other tickets store pointing at one ticket (read only)."""

    __slots__ = ("children", "duplicates", "related", "tasks")

    def __init__(self, children: list[str], tasks: list[str], duplicates: list[str],
                 related: list[str]) -> None:
        self.children, self.tasks, self.duplicates, self.related = (children, tasks,
                                                                    duplicates, related)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Links) and (self.children, self.tasks, self.duplicates,
                                             self.related) == (other.children, other.tasks,
                                                               other.duplicates, other.related)

    __hash__ = None  # type: ignore[assignment]  # lists inside, as the dataclass was

    def __repr__(self) -> str:
        return (f"Links(children={self.children!r}, tasks={self.tasks!r}, "
                f"duplicates={self.duplicates!r}, related={self.related!r})")


def links_to(index: Index, ticket_id: str) -> Links:
    """Children, tasks, duplicates and related tickets that point at `ticket_id`."""
    children = index.select(f"parent = ? AND {NOT_TASK}", (ticket_id,), columns="id")
    task_rows = index.select("parent = ? AND type = 'task'", (ticket_id,), columns="id")
    dups = index.select("duplicate_of = ?", (ticket_id,), columns="id")
    # `related != ''` lets SQLite use the partial index instead of scanning every ticket.
    related = index.select("related != '' AND ' ' || related || ' ' LIKE ?",
                           (f"% {ticket_id} %",), columns="id")
    return Links(_ids(children), _ids(task_rows), _ids(dups), _ids(related))


def parents(index: Index) -> dict[str, str]:
    """Every ticket that has a parent -> its parent (parent loops are refused with it)."""
    return {str(r["id"]): str(r["parent"])
            for r in index.select("parent != ''", columns="id, parent")}


def imported_refs(index: Index) -> dict[str, str]:
    """External reference (upper case, a ServiceNow number) -> sdesk ID, for every ticket
    that has one."""
    return {str(r["external_ref"]): str(r["id"])
            for r in index.select("external_ref != ''", columns="id, external_ref")}


def whole_row(index: Index, ticket_id: str) -> sqlite3.Row | None:
    """One ticket's whole index row, or None (`check --deep` compares it with the file)."""
    rows = index.select("id = ?", [ticket_id], limit=1)
    return rows[0] if rows else None


def ids_and_paths_streamed(index: Index) -> Iterator[tuple[str, str]]:
    """Every ticket's ID and file path in the index, in ID order, a row at a time (`check
    --deep` finds the rows whose file is gone without holding a million rows)."""
    for ticket_id, path in index.db.execute("SELECT id, path FROM tickets ORDER BY id"):
        yield str(ticket_id), str(path)


def team_held(index: Index, name: str) -> str:
    """The team a ticket holds whose name is `name` compared without case ("" when none):
    imported tickets carry groups teams.toml does not list ("Group 70")."""
    rows = index.select("team = ? COLLATE NOCASE", [name.strip()], order="team", columns="team",
                        limit=1)
    return str(rows[0]["team"]) if rows else ""


def agency_held(index: Index, code: str) -> str:
    """The agency code a ticket holds equal to `code` compared without case ("" when none):
    imported tickets may carry agencies agencies.toml does not list."""
    rows = index.select("agency = ? COLLATE NOCASE", [code.strip()], columns="agency", limit=1)
    return str(rows[0]["agency"]) if rows else ""


def assignee_known(index: Index, name: str) -> bool:
    """Whether any ticket is assigned to `name` (compared without case): imported tickets
    carry assignees technicians.toml does not list."""
    return bool(index.select("assignee = ? COLLATE NOCASE", [name], columns="id", limit=1))


def file_shas(index: Index) -> dict[str, str]:
    """Every indexed ticket file (store-relative path) -> the SHA-1 of the bytes indexed."""
    return {str(r["path"]): str(r["sha"]) for r in index.select(columns="path, sha")}


def file_shas_in_order(index: Index) -> Iterator[Any]:
    """(path, SHA-1 of the bytes indexed) of every indexed ticket file, in the order of the
    paths' bytes, one at a time (sdesk check at a million tickets)."""
    return index.stream(order="path", columns="path, sha", tuples=True)


RELATED_ROW = "parent != '' OR duplicate_of != '' OR related != '' OR type = 'task'"


def relation_rows(index: Index) -> Iterator[Any]:
    """(path, id, type, parent, duplicate_of, related: IDs joined by spaces) of every ticket
    with a relation or of type task, in the order of the paths' bytes, one at a time (sdesk
    check's relations)."""
    return index.stream(where=RELATED_ROW, order="path", tuples=True,
                        columns="path, id, type, parent, duplicate_of, related")


def is_ticket(index: Index, ticket_id: str) -> bool:
    """Whether a ticket has this ID."""
    return index.db.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone() \
        is not None



# -- the supervisor's view (sdesk report, handover, sweep) ------------------------------------

# The earlier of Respond By (while nobody has responded) and Resolve By: when the ticket's next
# promise falls due. A paused clock (on hold) cannot breach, and tasks carry no SLA.
NEXT_DUE = ("min(coalesce(resolve_by, 1e18), CASE WHEN first_response_at IS NULL "
            "THEN coalesce(respond_by, 1e18) ELSE 1e18 END)")
AT_RISK = (f"{OPEN} AND on_hold = 0 AND {NOT_TASK} AND (resolve_by < :until OR "
           "(first_response_at IS NULL AND respond_by < :until))")


def due_before(index: Index, until: float, team: str = "",
               limit: int | None = None) -> tuple[list[sqlite3.Row], int]:
    """Open tickets (AT_RISK) whose next promise (NEXT_DUE, as `due`) falls before `until`
    (epoch seconds), earliest first, at most `limit`; and how many there are in all. Columns:
    id, title, priority, vip, team, assignee, status, resolve_by, respond_by,
    first_response_at, due."""
    where, params = AT_RISK, {"until": until, "team": team}
    if team:
        where += " AND team = :team"
    total = int(index.db.execute(f"SELECT count(*) FROM tickets WHERE {where}", params)
                .fetchone()[0])
    sql = (f"SELECT id, title, priority, vip, team, assignee, status, resolve_by, respond_by, "
           f"first_response_at, {NEXT_DUE} AS due FROM tickets WHERE {where} ORDER BY due, id")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return list(index.db.execute(sql, params)), total


def flag_names(index: Index) -> list[str]:
    """Every flag some ticket carries, any status, sorted: a proposal's flag
    (proposed:KIND:KEY) as its name and kind (proposed:KIND), what `list --flag` takes. One
    scan of the flagged rows; `list` asks only when its --flag matched nothing."""
    names: set[str] = set()
    for (flags,) in index.db.execute("SELECT DISTINCT flags FROM tickets WHERE flags != ''"):
        names.update(":".join(f.split(":")[:2]) for f in str(flags).split())
    return sorted(names)


def flagged_open(index: Index, team: str = "") -> list[sqlite3.Row]:
    """Open tickets with any flag, oldest first. Columns: id, title, team, flags, parent,
    opened_at."""
    where, params = in_team(f"{OPEN} AND flags != ''", [], team)
    return index.select(where, params, order="opened_at, id",
                        columns="id, title, team, flags, parent, opened_at")


def open_at(index: Index, moments: Sequence[float], team: str = "") -> list[int]:
    """How many tickets (not tasks) were open at each moment (epoch seconds): opened before it
    and neither resolved nor closed by then. One scan for all moments, of the tickets done at
    or after the first (an index on that time, sdesk/store/kpi_sums.py, keeps the store's
    history out of it); the team is the ticket's team now (the index keeps no history of
    teams)."""
    if not moments:
        return []
    done = "coalesce(resolved_at, closed_at, 1e18)"
    cols = ", ".join(f"sum(opened_at < {float(m)!r} AND {done} >= {float(m)!r})" for m in moments)
    sql = f"SELECT {cols} FROM tickets WHERE {NOT_TASK} AND {done} >= {float(min(moments))!r}"
    params: list[Any] = []
    if team:
        sql += " AND team = ?"
        params.append(team)
    row = index.db.execute(sql, params).fetchone()
    return [int(v or 0) for v in row]


def team_scope(team: str, expr: str) -> str:
    """A kpi grouping expression (sdesk.reports.kpi.Key) limited to one team: tickets of other teams
    group under NULL, which kpi's callers drop. The team name is quoted as an SQL literal."""
    return f"(CASE WHEN team = '{team.replace(chr(39), chr(39) * 2)}' THEN {expr} END)"


def sweep_candidates(index: Index, resolved_before: float) -> Iterator[sqlite3.Row]:
    """What the sweep looks at, by ID: every open ticket that is not a task, and tickets in
    status resolved whose resolution is older than `resolved_before` (epoch seconds). Columns:
    id, title, status, priority, team, assignee, flags, opened_at, respond_by, resolve_by,
    first_response_at, resolved_at, last_update (LAST_UPDATE), on_hold, held_seconds. Two
    selections, each walking its own index (one OR of both scans every row), read side by
    side from their cursors and merged by ID: one row at a time, so memory does not grow with
    the store."""
    import heapq

    columns = ("id, title, status, priority, team, assignee, flags, opened_at, respond_by, "
               f"resolve_by, first_response_at, resolved_at, {LAST_UPDATE} AS last_update, "
               "on_hold, held_seconds")
    open_rows = index.stream(f"{OPEN} AND {NOT_TASK}", (), order="id", columns=columns)
    resolved = index.stream("status = 'resolved' AND resolved_at < ?", (resolved_before,),
                            order="id", columns=columns)
    return heapq.merge(open_rows, resolved, key=lambda r: str(r["id"]))


def with_flag(index: Index, name: str, team: str = "") -> list[sqlite3.Row]:
    """Tickets of any status carrying the flag `name` exactly, oldest first. Columns: id,
    title, priority, status, team, assignee."""
    where, params = in_team(HAS_FLAG, [has_flag(name)], team)
    return index.select(where, params, order="opened_at, id",
                        columns="id, title, priority, status, team, assignee")


def open_urgent(index: Index, team: str = "") -> list[sqlite3.Row]:
    """Open P1 and P2 tickets (not tasks), most urgent first then earliest Resolve By. Columns:
    id, title, priority, vip, status, team, assignee, resolve_by, on_hold."""
    where, params = in_team(f"{OPEN} AND {NOT_TASK} AND priority <= 2", [], team)
    return index.select(where, params, order="priority, resolve_by IS NULL, resolve_by, id",
                        columns="id, title, priority, vip, status, team, assignee, resolve_by, "
                                "on_hold")


def on_hold(index: Index, team: str = "") -> list[sqlite3.Row]:
    """Open tickets on hold (their SLA clock paused), oldest first. Columns: id, title,
    priority, team, assignee."""
    where, params = in_team(f"{OPEN} AND on_hold = 1", [], team)
    return index.select(where, params, order="opened_at, id",
                        columns="id, title, priority, team, assignee")


def opened_after(index: Index, ids: Iterable[str], when: float) -> tuple[str, float] | None:
    """The first of `ids` (by ID) opened after `when` (POSIX seconds), as (id, opened_at), or
    None: what a `--dry-run` at a given clock checks (givenclock.refuse_before_opened)."""
    chunk: list[str] = []
    found: list[tuple[str, float]] = []
    for ticket_id in (*ids, None):
        if ticket_id is not None:
            chunk.append(ticket_id)
        if chunk and (ticket_id is None or len(chunk) == 500):
            rows = index.select(f"id IN ({_marks(chunk)}) AND opened_at > ?", (*chunk, when),
                                columns="id, opened_at", limit=1)
            found += [(str(r["id"]), float(r["opened_at"])) for r in rows]
            chunk = []
    return min(found) if found else None


def opened_since(index: Index, since: float, team: str = "") -> list[sqlite3.Row]:
    """Tickets (not tasks) opened at or after `since` (epoch seconds), oldest first. Columns:
    id, title, priority, vip, status, team, assignee, opened_at."""
    where = f"{NOT_TASK} AND opened_at >= ?"
    params: list[Any] = [since]
    where, params = in_team(where, params, team)
    return index.select(where, params, order="opened_at, id",
                        columns="id, title, priority, vip, status, team, assignee, opened_at")


def updated_since(index: Index, since: float, limit: int) -> list[str]:
    """IDs of the tickets (tasks too) changed at or after `since` (epoch seconds: `updated_at`,
    which every write sets to the command's clock, --now included), latest first, at most
    `limit`: the tickets whose journal can hold an entry from `since` on (the report's
    changes, sdesk/reports/supervision.changes)."""
    return _ids(index.select("updated_at >= ?", [since], order="updated_at DESC, id",
                             columns="id", limit=limit))


# -- mail -----------------------------------------------------------------------------------


def message_ids(index: Index) -> dict[str, str]:
    """Every Message-ID the desk sent or received -> its ticket ID (mail threading and
    duplicate detection, sdesk/mail/mailin.py; one read for a whole batch of incoming mail)."""
    out: dict[str, str] = {}
    for row in index.select("message_ids != ''", columns="id, message_ids", order="rowid"):
        for mid in str(row["message_ids"]).split():
            out.setdefault(mid, str(row["id"]))
    return out
