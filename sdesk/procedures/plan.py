"""Plans: what a procedure decided, as data. Pure: this module imports nothing that writes.

A procedure (triage, assign, resolve...) is a pure function returning a Plan. Each action names
the ticket, the guide's rule that produced it and a one-line reason a dispatcher understands.
The command line shows a plan (--dry-run, --json) or hands it to `sdesk.store.executor.apply_plan`,
which writes every touched file atomically, queues notifications in outbox/, updates the index
and makes one commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import field

from sdesk.core.model import STATUSES, JournalEntry, Requester, Resolution, Ticket, change_status
from sdesk.core.record import record

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any


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


def requester_line(r: Requester) -> str:
    """A requester as a plan line shows it: `Ana Ruiz <ana.ruiz@omes.ok.gov> (OMES, phone
    555-0100)`, the parts there are; `(none)` when none is. It showed the dict's repr,
    `{'name': '', 'email': ...}` (issue 11, session 34)."""
    who = " ".join(p for p in (r.name, f"<{r.email}>" if r.email else "") if p)
    more = ", ".join(p for p in (r.agency, f"phone {r.phone}" if r.phone else "") if p)
    return (f"{who} ({more})" if who and more else who or f"({more})" if more else "(none)")


@record(frozen=True)
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


TICKET_FIELDS = frozenset(f.name for f in dataclasses.fields(Ticket))


@record(frozen=True)
class SetField(Action):
    """Set one field of the ticket. Checked when built: `field` must be a Ticket field, and
    `status` is refused (it changes only through SetStatus and the transition table)."""

    field: str = ""
    value: Any = None

    kind = "set"

    def __post_init__(self) -> None:
        if self.field not in TICKET_FIELDS:
            raise ValueError(f"ticket has no field {self.field!r}")
        if self.field == "status" and not isinstance(self, SetStatus):
            raise ValueError("status changes through SetStatus (sdesk.core.model.TRANSITIONS)")

    def apply(self, ticket: Ticket) -> None:
        setattr(ticket, self.field, self.value)

    def describe(self) -> str:
        if isinstance(self.value, Requester):  # as a person writes one, not a dict's repr
            return f"set {self.field} = {requester_line(self.value)}: {self.reason}"
        shown = jsonable(self.value)
        return f"set {self.field} = {shown!r}: {self.reason}"

    def details(self) -> dict[str, Any]:
        return {"field": self.field, "value": jsonable(self.value)}


def _typed(action: SetField, name: str) -> None:
    """Give a typed action its field (the dataclass is frozen: set it once, when built)."""
    object.__setattr__(action, "field", name)


@record(frozen=True)
class SetStatus(SetField):
    """Move the ticket to status `value` (one of model.STATUSES), through the transition table
    (model.TRANSITIONS; checked when applied, when the ticket's status is known)."""

    def __post_init__(self) -> None:
        _typed(self, "status")
        if self.value not in STATUSES:
            raise ValueError(f"unknown status {self.value!r}")

    def apply(self, ticket: Ticket) -> None:
        change_status(ticket, self.value)


@record(frozen=True)
class Route(SetField):
    """Give the ticket to another owning team (assignment group) `value`, by name."""

    def __post_init__(self) -> None:
        _typed(self, "team")
        if not isinstance(self.value, str) or not self.value.strip():
            raise ValueError(f"route to which team? got {self.value!r}")


@record(frozen=True)
class Assign(SetField):
    """Set the ticket's assignee to technician id `value` ("" leaves it unassigned)."""

    def __post_init__(self) -> None:
        _typed(self, "assignee")
        if not isinstance(self.value, str):
            raise ValueError(f"assignee must be a technician id; got {self.value!r}")


@record(frozen=True)
class RecordResolution(SetField):
    """Record the ticket's Resolution `value` (None when a reopen withdraws it)."""

    def __post_init__(self) -> None:
        _typed(self, "resolution")
        if self.value is not None and not isinstance(self.value, Resolution):
            raise ValueError(f"a resolution is a Resolution; got {self.value!r}")


_TYPED: dict[str, type[SetField]] = {"status": SetStatus, "team": Route, "assignee": Assign,
                                     "resolution": RecordResolution}


def set_field(ticket_id: str, rule: str, reason: str, name: str, value: Any) -> SetField:
    """The action setting field `name`: the typed one for status, team, assignee and
    resolution, SetField for the rest."""
    return _TYPED.get(name, SetField)(ticket_id, rule, reason, field=name, value=value)


def one_per_field(actions: Iterable[Action]) -> list[Action]:
    """`actions` with one plain SetField per (ticket, field): the last value, where the first
    one stood, naming every rule and reason that set it ("rule A; rule B", "why 1; why 2").
    A procedure may set a field several times while it decides (accepting a separation flags
    the decision, then the hand-back adds `needs-separation`); a plan a dispatcher reads and
    git records says each field once, with the value it ends with (session 34: `triage
    --accept` showed `set flags` two or three times). Plain fields are independent of the
    other actions, so moving the value earlier changes nothing applied; typed actions
    (status, team, assignee, resolution) keep their order: a status moves through the
    transition table step by step, but one that sets the value the field's previous typed
    action set (status to 'triaged' twice: a request routed by its accepted kind, then
    again by its accepted service, session 35) is merged into that one."""
    actions = list(actions)
    # (ticket, field, 0) -> a plain field's actions; (ticket, field, id) -> a typed field's
    # action and those repeating its value right after it
    by_field: dict[tuple[str, str, int], list[SetField]] = {}
    latest: dict[tuple[str, str], SetField] = {}  # a typed field's latest action
    for a in actions:
        if type(a) is SetField:
            by_field.setdefault((a.ticket, a.field, 0), []).append(a)
        elif isinstance(a, SetField):
            before = latest.get((a.ticket, a.field))
            if before is not None and before.value == a.value:
                by_field.setdefault((a.ticket, a.field, id(before)), [before]).append(a)
            else:
                latest[(a.ticket, a.field)] = a
    merged: dict[int, Action | None] = {}
    for group in by_field.values():
        if len(group) > 1:
            first, last = group[0], group[-1]
            rules = "; ".join(dict.fromkeys(a.rule for a in group if a.rule))
            reasons = "; ".join(dict.fromkeys(a.reason for a in group if a.reason))
            merged.update((id(a), None) for a in group[1:])
            merged[id(first)] = set_field(last.ticket, rules, reasons, last.field, last.value)
    out = [merged.get(id(a), a) for a in actions]
    return [a for a in out if a is not None]


def reassignment(ticket: Ticket, rule: str, reason: str) -> SetField:
    """One more hop between technicians or teams (the reassignments KPI): the one place the
    count goes up."""
    return SetField(ticket.id, rule, reason, field="reassignments", value=ticket.reassignments + 1)


@record(frozen=True)
class AddEntry(Action):
    """Append a journal entry."""

    entry: JournalEntry | None = None

    kind = "journal"

    def __post_init__(self) -> None:
        if not isinstance(self.entry, JournalEntry):
            raise ValueError(f"a journal action needs an entry; got {self.entry!r}")

    def apply(self, ticket: Ticket) -> None:
        assert self.entry is not None
        ticket.journal.append(self.entry)

    def describe(self) -> str:
        assert self.entry is not None
        first = self.entry.text.splitlines()[0] if self.entry.text else ""
        kind = "" if self.entry.kind == "note" else f" {self.entry.kind}"  # not "note note"
        return f"{self.entry.visibility}{kind} note: {first}"

    def details(self) -> dict[str, Any]:
        return {"entry": jsonable(self.entry)}


@record(frozen=True)
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


@record(frozen=True)
class Notify(Action):
    """A message to people (leads, supervisor, technician, customer), queued in outbox/."""

    to: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    audience: str = "staff"  # "staff" or "customer": customer mail never carries internal notes
    # Written by the desk, not typed by a person for this message: carries RFC 3834
    # Auto-Submitted, so autoresponders do not answer it (no mail loops).
    automatic: bool = True
    # Threaded on `ticket` (answering its latest mail, its Message-ID recorded there); False:
    # sent about it without touching its file (a run's mail naming tickets planned earlier,
    # procedures/run_mail.py), and not counted among the tickets the plan changes.
    thread: bool = True

    kind = "notify"

    def describe(self) -> str:
        return f"notify {', '.join(self.to)}: {self.subject}"

    def details(self) -> dict[str, Any]:
        return {"to": list(self.to), "subject": self.subject, "body": self.body,
                "audience": self.audience, "automatic": self.automatic}


# The heading `Plan.describe` gives the mail a run sends about tickets it planned before
# (Notify.thread False: one mail naming several tickets, procedures/run_mail.py).
UNTHREADED = "mail of this run"


@record(frozen=True)
class Finding(Action):
    """A conclusion that changes nothing (for example "ready for assignment")."""

    kind = "finding"

    def describe(self) -> str:
        return self.reason


@record(frozen=True)
class Advice(Finding):
    """What the person running the command is told besides the plan: a `warning` (the
    children of a new parent case name different services), said whether applied or not, or
    the next step (a new parent case to triage), said once applied. The command layer says
    it on stderr (`commands.common.say_advice`), not among the plan's lines; --json has it as
    a finding. A procedure decides it, so every command that makes the plan says it."""

    warning: bool = False

    def describe(self) -> str:
        return ("warning: " if self.warning else "") + self.reason


@record
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
            if not isinstance(action, Notify) or action.thread:
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
            if isinstance(a, Notify) and not a.thread:  # about tickets planned before it
                grouped.setdefault(UNTHREADED, []).append(a)
            elif not isinstance(a, Advice):  # said on stderr (commands.common.say_advice)
                grouped.setdefault(a.ticket, []).append(a)
        for ticket_id, actions in grouped.items():
            lines.append(ticket_id)
            for action in actions:
                rule = f"[{action.rule}] " if action.rule else ""
                lines.append(f"  {rule}{action.describe()}")
        return lines
