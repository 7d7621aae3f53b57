"""Plans: what a procedure decided, as data; and the one executor that carries a plan out.

A procedure (triage, assign, resolve...) is a pure function returning a Plan. Each action names
the ticket, the guide's rule that produced it and a one-line reason a dispatcher understands.
The command line shows a plan (--dry-run, --json) or hands it to `apply_plan`, which writes every
touched file atomically, queues notifications in outbox/, updates the index and makes one commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdesk import git, recovery
from sdesk.errors import SdeskError
from sdesk.model import JournalEntry, Ticket

if TYPE_CHECKING:
    from sdesk.store import Store


def jsonable(value: Any) -> Any:
    """Plain JSON types for dataclasses, datetimes and tuples (for --json output)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Action:
    ticket: str
    rule: str
    reason: str

    kind = "action"

    def apply(self, ticket: Ticket) -> None:
        """Change the ticket; actions with no ticket change (notifications, findings) pass."""

    def describe(self) -> str:
        return self.reason

    def to_json(self) -> dict[str, Any]:
        data = {"ticket": self.ticket, "action": self.kind, "rule": self.rule,
                "reason": self.reason}
        data.update(self.details())
        return data

    def details(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class SetField(Action):
    field: str = ""
    value: Any = None

    kind = "set"

    def apply(self, ticket: Ticket) -> None:
        if not hasattr(ticket, self.field):
            raise ValueError(f"ticket has no field {self.field!r}")
        setattr(ticket, self.field, self.value)

    def describe(self) -> str:
        shown = jsonable(self.value)
        return f"set {self.field} = {shown!r}: {self.reason}"

    def details(self) -> dict[str, Any]:
        return {"field": self.field, "value": jsonable(self.value)}


@dataclass(frozen=True)
class AddEntry(Action):
    """Append a journal entry."""

    entry: JournalEntry | None = None

    kind = "journal"

    def apply(self, ticket: Ticket) -> None:
        assert self.entry is not None
        ticket.journal.append(self.entry)

    def describe(self) -> str:
        assert self.entry is not None
        first = self.entry.text.splitlines()[0] if self.entry.text else ""
        return f"{self.entry.visibility} {self.entry.kind} note: {first}"

    def details(self) -> dict[str, Any]:
        return {"entry": jsonable(self.entry)}


@dataclass(frozen=True)
class CreateTicket(Action):
    """A new ticket (a parent case, a task...). `ticket` is the new ticket's ID."""

    new: Ticket | None = None

    kind = "create"

    def describe(self) -> str:
        assert self.new is not None
        return f"create {self.new.type} {self.new.id} {self.new.title!r}: {self.reason}"

    def details(self) -> dict[str, Any]:
        assert self.new is not None
        return {"new": jsonable(self.new)}


@dataclass(frozen=True)
class Notify(Action):
    """A message to people (leads, supervisor, technician, customer), queued in outbox/."""

    to: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    audience: str = "staff"  # "staff" or "customer": customer mail never carries internal notes

    kind = "notify"

    def describe(self) -> str:
        return f"notify {', '.join(self.to)}: {self.subject}"

    def details(self) -> dict[str, Any]:
        return {"to": list(self.to), "subject": self.subject, "body": self.body,
                "audience": self.audience}


@dataclass(frozen=True)
class Finding(Action):
    """A conclusion that changes nothing (for example "ready for assignment")."""

    kind = "finding"

    def describe(self) -> str:
        return self.reason


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)

    def add(self, action: Action) -> None:
        self.actions.append(action)

    def extend(self, actions: Iterable[Action]) -> None:
        self.actions.extend(actions)

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if not isinstance(a, Finding)]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def ticket_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for action in self.changes:
            seen.setdefault(action.ticket, None)
        return list(seen)

    def for_ticket(self, ticket_id: str) -> list[Action]:
        return [a for a in self.actions if a.ticket == ticket_id]

    def to_json(self) -> list[dict[str, Any]]:
        return [a.to_json() for a in self.actions]

    def describe(self) -> list[str]:
        lines: list[str] = []
        # One pass grouping by ticket (first-seen order): a batch plan of 1,000 tickets would
        # be quadratic with for_ticket() per ticket.
        grouped: dict[str, list[Action]] = {}
        for a in self.actions:
            grouped.setdefault(a.ticket, []).append(a)
        for ticket_id, actions in grouped.items():
            lines.append(ticket_id)
            for action in actions:
                rule = f"[{action.rule}] " if action.rule else ""
                lines.append(f"  {rule}{action.describe()}")
        return lines


@dataclass(frozen=True)
class Applied:
    commit: str  # "" when --no-commit
    tickets: list[str]
    outbox: list[Path]


def apply_plan(
    store: Store,
    plan: Plan,
    *,
    actor: git.Identity,
    now: dt.datetime,
    action: str,
    subject: str,
    commit: bool = True,
    extra_files: dict[Path, bytes | None] | None = None,
    loaded: Mapping[str, Ticket] | None = None,
) -> Applied:
    """Carry out a plan: the caller holds the store lock. One commit with trailers naming the
    action and every ticket; `extra_files` (path -> bytes, or None to delete) join the commit
    (knowledge-base articles, for example). `loaded` are tickets the caller read under the same
    lock to make the plan: they are used (and changed) instead of being read again."""
    if plan.is_empty and not extra_files:
        return Applied("", [], [])
    tickets: dict[str, Ticket] = {}
    for a in plan.changes:
        if isinstance(a, CreateTicket):
            assert a.new is not None
            if store.exists(a.new.id) or a.new.id in tickets:
                raise SdeskError(f"ticket {a.new.id} exists already")
            tickets[a.new.id] = a.new
        elif not isinstance(a, Notify) and a.ticket not in tickets:
            cached = loaded.get(a.ticket) if loaded else None
            tickets[a.ticket] = cached if cached is not None else store.load(a.ticket)
    for a in plan.changes:
        if a.ticket in tickets and not isinstance(a, CreateTicket):
            a.apply(tickets[a.ticket])
    for t in tickets.values():
        t.updated_at = now
    notes = [a for a in plan.changes if isinstance(a, Notify)]
    messages: list[tuple[Path, bytes]] = []
    if notes:  # the email package costs ~15 ms of start-up: only when there is mail
        from sdesk import notify

        messages = [notify.render(store, a, now) for a in notes]
    files: dict[Path, bytes | None] = {store.path_of(t.id): _dump(t) for t in tickets.values()}
    files.update({path: data for path, data in messages})
    files.update(extra_files or {})
    message = commit_message(subject, plan, action, list(tickets) or plan.ticket_ids())
    commit_id = write_and_commit(store, files, list(tickets.values()), message, actor,
                                 commit=commit)
    return Applied(commit_id, list(tickets), [p for p, _ in messages])


PACK_ABOVE = 100  # files; above this a batch's contents go to git as one pack


def write_and_commit(store: Store, files: dict[Path, bytes | None], tickets: list[Ticket],
                     message: str, actor: git.Identity, commit: bool = True) -> str:
    """Write (or delete) the files and commit exactly them, all or nothing, then record the
    tickets in the index; returns the commit id ("" with commit=False). The intent is recorded
    first (sdesk/recovery.py), so an error or a kill before the commit rolls every file back.
    The one write path of every mutating command, the importer included."""
    from sdesk.store import write_files

    index = store.index  # refreshed before the commit, so it adopts the commit without a diff
    commit_id = ""
    if not commit:
        write_files(files)
    else:
        git_paths = [store.git_path(p) for p in files]
        refuse_hand_edits(store, git_paths)
        recovery.begin(store, git_paths)
        try:
            write_files(files)
            blobs = [data for data in files.values() if data is not None]
            if len(blobs) > PACK_ABOVE:
                git.pack_blobs(store.top, blobs)
            commit_id = git.commit_paths(store.top, git_paths, message, actor)
        except BaseException:
            recovery.recover(store)  # all or nothing: put every file back as HEAD has it
            raise
        recovery.end(store)
    index.update_tickets(tickets)
    return commit_id


def refuse_hand_edits(store: Store, git_paths: list[str]) -> None:
    """Never sweep a person's uncommitted change of a file into sdesk's commit: the audit trail
    would name sdesk's action for a change somebody made by hand. Raises SdeskError naming the
    first such file (nothing written yet). New files (outbox mail, created tickets) pass."""
    dirty = git.uncommitted(store.top, git_paths)
    if dirty:
        more = f" (and {len(dirty) - 1} more)" if len(dirty) > 1 else ""
        raise SdeskError(f"{dirty[0]}{more} has changes that are not committed; commit them "
                         f"(git commit) or make the change with sdesk edit")


def _dump(ticket: Ticket) -> bytes:
    from sdesk.model import dumps

    return dumps(ticket).encode("utf-8")


def commit_message(subject: str, plan: Plan, action: str, ticket_ids: list[str]) -> str:
    body = plan.describe()
    # A batch of a thousand tickets keeps a readable message: the body lists every action, the
    # trailers list every ticket so `git log --grep` and trailers parsing find them all.
    lines = [" ".join(subject.split()), ""]
    if body:
        lines += [*body, ""]
    lines.append(git.trailers([("Sdesk-Action", action)] +
                              [("Sdesk-Ticket", t) for t in ticket_ids]))
    return "\n".join(lines) + "\n"
