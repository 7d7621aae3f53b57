"""A ticket file read and checked without the ticket model's classes: its vocabulary, the
checks of every field, and a read-only view with the model's attribute names.

Why: the model (sdesk/core/model.py) is made of dataclasses, and importing `dataclasses` (with
`inspect`, `ast`, `dis` behind it) and making its six classes costs ~60 M instructions, a
quarter of `sdesk show`. `checked` makes every check `model.from_document` makes, in the same
order (so a broken file names the same first problem), and returns plain values;
`model.from_document` builds its Ticket from them, and `show` renders `TicketView(checked(...))`
(sdesk/commands/showtext.py), so the two cannot disagree on what a file holds.
docs/ticket-format.md describes the file; docs/performance.md has the figures.
"""

from __future__ import annotations

import datetime as dt

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~16 M instructions)
if TYPE_CHECKING:
    from typing import Any

    from sdesk.core.errors import TicketFileError

SCHEMA_VERSION = 1

TICKET_TYPES = ("incident", "request", "case", "task")
CHANNELS = ("phone", "chat", "in-person", "self-service", "email", "internal")  # model.INTERNAL
# Working states a ticket moves through; "resolved" and "closed" are the done states.
STATUSES = ("new", "triaged", "assigned", "in-progress", "on-hold", "resolved", "closed")
DONE_STATUSES = ("resolved", "closed")
OPEN_STATUSES = tuple(s for s in STATUSES if s not in DONE_STATUSES)
VISIBILITIES = ("internal", "public")
# What a journal entry records; "note" is a person's note, the rest are written by procedures.
JOURNAL_KINDS = (
    "note", "triage", "assign", "status", "priority", "escalate", "hold", "resume",
    "relate", "resolve", "reopen", "close", "csat", "kb", "import", "merge", "email", "system",
    "edit",
)
INBOUND_KINDS = ("email",)  # what came *to* the desk (a mail in, public or not)


def tells_customer(kind: str, visibility: str) -> bool:
    """Is a journal entry the desk's word to the customer (the standard's "regular updates")?
    Public and not inbound mail: a customer's "any update?" is no update to them (session 38:
    it took the ticket out of `stale` and the sweep's "Update owed"). The index's
    `last_public_at` and a knowledge-base draft's "What the customer was told" use this."""
    return visibility == "public" and kind not in INBOUND_KINDS


# The journal rule of a parent case's priority raised to its most urgent child's
# (procedures/relations.raise_parent): the rule's doing, carried out by whoever ran the
# command, not a supervisor's decision (`sdesk show` says "Raised:", not "Decided:").
PARENT_RAISE_RULE = "guide: a parent case is as urgent as its most urgent child"
PRIORITIES = (1, 2, 3, 4)
LEVELS = (1, 2, 3)  # impact and urgency: 1 = high, 3 = low

MISSING = object()  # a required value: `take` fails when the key is absent
_DATETIME = dt.datetime


class Reader:
    """Takes the keys of one table of a ticket file, checking each value's type and choice;
    every problem is a TicketFileError naming `where` and the key."""

    def __init__(self, where: str, data: dict[str, Any]) -> None:
        self.where = where
        self.data = data

    def fail(self, key: str, problem: str) -> TicketFileError:
        from sdesk.core.errors import TicketFileError

        return TicketFileError(f"{self.where}: {key}: {problem}")

    def take(self, key: str, kind: type | tuple[type, ...], default: Any = MISSING) -> Any:
        if key not in self.data:
            if default is MISSING:
                raise self.fail(key, "missing")
            return default
        value = self.data.pop(key)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(key, f"expected {TYPE_WORDS.get(names, names)}, got {value!r}")
        return value

    # text, when, choice and level first take a value that is plainly right without `take`
    # (a third of a cold rebuild's checks, Python calls more than the checks); anything else
    # is put back and goes through `take`, which gives the same value or the same problem.

    def text(self, key: str, default: Any = "") -> str:
        value = self.data.pop(key, MISSING)
        if value.__class__ is str:
            return value
        if value is not MISSING:
            self.data[key] = value
        taken: str = self.take(key, str, default)
        return taken

    def when(self, key: str, required: bool = False) -> dt.datetime | None:
        value = self.data.pop(key, MISSING)
        if value.__class__ is _DATETIME and value.tzinfo is not None:
            return value
        if value is MISSING and not required:
            return None
        if value is not MISSING:
            self.data[key] = value
        value = self.take(key, dt.datetime, MISSING if required else None)
        if value is not None and value.tzinfo is None:
            raise self.fail(key, "datetime needs a UTC offset, e.g. 2026-11-23T09:00:00-06:00")
        return value  # type: ignore[no-any-return]

    def strings(self, key: str) -> list[str]:
        value = self.take(key, list, [])
        if not all(isinstance(item, str) for item in value):
            raise self.fail(key, "expected a list of strings")
        return list(value)

    def choice(self, key: str, choices: tuple[str, ...], default: Any = MISSING) -> str:
        value = self.data.pop(key, MISSING)
        if value.__class__ is str and value in choices:
            return value
        if value is not MISSING:
            self.data[key] = value
        value = self.text(key, default)
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def level(self, key: str, choices: tuple[int, ...], default: Any = MISSING) -> int:
        value = self.data.pop(key, MISSING)
        if value.__class__ is int and value in choices:
            return value
        if value is not MISSING:
            self.data[key] = value
        taken: int = self.take(key, int, default)
        if taken not in choices:
            raise self.fail(key, f"must be one of {', '.join(map(str, choices))}; got {taken}")
        return taken

    def table(self, key: str) -> Reader | None:
        value = self.take(key, dict, None)
        return None if value is None else Reader(f"{self.where}: {key}", dict(value))

    def done(self) -> None:
        if self.data:
            raise self.fail(next(iter(self.data)), "unknown field")


TYPE_WORDS = {"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
              "datetime": "a date and time", "list": "a list", "dict": "a table"}


def checked(data: dict[str, Any], where: str) -> dict[str, Any]:
    """The ticket's fields from a parsed ticket file, every one checked (TicketFileError
    naming `where` and the first bad key): the Ticket's field names with their values, plus
    "requester", "resolution", "csat" (a dict of the table's fields, or None when absent),
    "imported" (dict of str), "holds" and "journal" (lists of dicts). Times are aware
    datetimes as the file writes them."""
    r = Reader(where, dict(data))
    schema = r.take("schema", int)
    if schema != SCHEMA_VERSION:
        raise r.fail("schema", f"version {schema} is not supported (this sdesk reads {SCHEMA_VERSION})")
    opened = r.when("opened_at", required=True)
    doc = _fields(r, opened)
    doc["requester"] = _requester(r)
    res = r.table("resolution")
    doc["resolution"] = None
    if res is not None:
        doc["resolution"] = {
            "code": res.text("code", MISSING), "summary": res.text("summary"),
            "by": res.text("by"), "first_contact": res.take("first_contact", bool, False)}
        res.done()
    cs = r.table("csat")
    doc["csat"] = None
    if cs is not None:
        at = cs.when("at", required=True)
        doc["csat"] = {"score": cs.level("score", (1, 2, 3, 4, 5)), "at": at,
                       "comment": cs.text("comment")}
        cs.done()
    imported = r.take("import", dict, {})
    doc["imported"] = {str(k): str(v) for k, v in imported.items()}
    doc["holds"] = [_hold(f"{where}: holds[{i}]", raw)
                    for i, raw in enumerate(r.take("holds", list, []))]
    doc["journal"] = [_entry(f"{where}: journal[{i}]", raw)
                      for i, raw in enumerate(r.take("journal", list, []))]
    r.done()
    return doc


def _fields(r: Reader, opened: dt.datetime | None) -> dict[str, Any]:
    """The top-level fields, taken in the file format's order (docs/ticket-format.md)."""
    return {
        "id": r.text("id", MISSING), "type": r.choice("type", TICKET_TYPES),
        "title": r.text("title", MISSING), "opened_at": opened,
        "status": r.choice("status", STATUSES), "priority": r.level("priority", PRIORITIES),
        "impact": r.level("impact", LEVELS), "urgency": r.level("urgency", LEVELS),
        "channel": r.choice("channel", CHANNELS), "team": r.text("team", MISSING),
        "assignee": r.text("assignee"), "vip": r.take("vip", bool, False),
        "service": r.text("service"), "category": r.text("category"),
        "software": r.text("software"), "location": r.text("location"),
        "remote": r.take("remote", bool, True), "skills": r.strings("skills"),
        "requested_technician": r.text("requested_technician"),
        "effort_hours": r.take("effort_hours", float, 1.0), "tier": r.take("tier", int, 1),
        "parent": r.text("parent"), "duplicate_of": r.text("duplicate_of"),
        "related": r.strings("related"), "kb": r.strings("kb"), "flags": r.strings("flags"),
        "external_ref": r.text("external_ref"), "message_ids": r.strings("message_ids"),
        "reopens": r.take("reopens", int, 0), "reassignments": r.take("reassignments", int, 0),
        "updated_at": r.when("updated_at"), "respond_by": r.when("respond_by"),
        "resolve_by": r.when("resolve_by"), "first_response_at": r.when("first_response_at"),
        "assigned_at": r.when("assigned_at"), "resolved_at": r.when("resolved_at"),
        "closed_at": r.when("closed_at"), "description": r.text("description"),
    }


def _requester(r: Reader) -> dict[str, Any] | None:
    req = r.table("requester")
    if req is None:
        return None
    out = {"name": req.text("name"), "email": req.text("email"), "agency": req.text("agency"),
           "phone": req.text("phone")}
    req.done()
    return out


def _hold(where: str, raw: Any) -> dict[str, Any]:
    h = Reader(where, dict(raw) if isinstance(raw, dict) else {})
    start = h.when("start", required=True)
    out = {"start": start, "end": h.when("end"), "reason": h.text("reason", MISSING)}
    h.done()
    return out


def _entry(where: str, raw: Any) -> dict[str, Any]:
    j = Reader(where, dict(raw) if isinstance(raw, dict) else {})
    at = j.when("at", required=True)
    out = {"at": at, "by": j.text("by"), "kind": j.choice("kind", JOURNAL_KINDS, "note"),
           "visibility": j.choice("visibility", VISIBILITIES, "internal"),
           "rule": j.text("rule"), "text": j.text("text")}
    j.done()
    return out


def parse(data: bytes, where: str) -> dict[str, Any]:
    """`checked` of a ticket file's bytes (which must be UTF-8): TicketFileError naming
    `where` for bytes that are not UTF-8, broken TOML, TOML nested too deep
    (sdesk/core/untrusted.py) or a field's problem. A file in the layout sdesk writes is read
    by sdesk/core/fastread.py (what tomllib would return, 4x faster, and no tomllib import
    for `show`); anything else by tomllib."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        from sdesk.core.errors import TicketFileError

        raise TicketFileError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    return checked(document(text, where), where)


def document(text: str, where: str) -> dict[str, Any]:
    """A ticket file's text as TOML, unchecked (fast reader, else tomllib)."""
    from sdesk.core import fastread

    try:
        return fastread.loads(text)
    except fastread.Unusual:
        from sdesk.core.untrusted import toml_loads

        return toml_loads(text, where)


def resolution_gap(t: Any) -> str:
    """What a resolved or closed ticket's resolution lacks, in words ("" when nothing, or when
    the ticket is open): no resolution at all, or an empty code or summary (a file edited by
    hand, or written by another tool). A ticket imported from another system keeps an empty
    code when its source gave none (docs/import.md), so an empty code is not held against it.
    `t`: a Ticket or a TicketView. `sdesk show` warns of it and `sdesk check` reports it."""
    if t.status not in DONE_STATUSES:
        return ""
    res = t.resolution
    if res is None:
        return f"a {t.status} ticket needs a resolution, with a code and a summary"
    missing = [name for name in ("code", "summary") if not str(getattr(res, name)).strip()]
    if missing == ["code"] and (t.external_ref or t.imported):
        return ""
    if not missing:
        return ""
    return f"a {t.status} ticket's resolution needs a {' and a '.join(missing)}"


class _View:
    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


class RequesterView(_View):
    name: str
    email: str
    agency: str
    phone: str


class ResolutionView(_View):
    code: str
    summary: str
    by: str
    first_contact: bool


class CsatView(_View):
    score: int
    at: dt.datetime
    comment: str


class HoldView(_View):
    start: dt.datetime
    end: dt.datetime | None
    reason: str


class EntryView(_View):
    at: dt.datetime
    by: str
    text: str
    kind: str
    visibility: str
    rule: str

    @property
    def public(self) -> bool:
        return self.visibility == "public"


class TicketView(_View):
    """A checked ticket (`checked`) read by the model's attribute names, for a renderer that
    needs the same attributes as a Ticket and none of its behaviour (read only)."""

    id: str
    type: str
    title: str
    opened_at: dt.datetime
    status: str
    priority: int
    impact: int
    urgency: int
    channel: str
    team: str
    assignee: str
    vip: bool
    service: str
    category: str
    software: str
    location: str
    remote: bool
    skills: list[str]
    requested_technician: str
    effort_hours: float
    tier: int
    parent: str
    duplicate_of: str
    related: list[str]
    kb: list[str]
    flags: list[str]
    external_ref: str
    message_ids: list[str]
    reopens: int
    reassignments: int
    updated_at: dt.datetime | None
    respond_by: dt.datetime | None
    resolve_by: dt.datetime | None
    first_response_at: dt.datetime | None
    assigned_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    description: str
    requester: RequesterView
    resolution: ResolutionView | None
    csat: CsatView | None
    imported: dict[str, str]
    holds: list[HoldView]
    journal: list[EntryView]

    def __init__(self, doc: dict[str, Any]) -> None:
        res, csat = doc["resolution"], doc["csat"]
        super().__init__({
            **doc,
            "requester": RequesterView(doc["requester"] or
                                       {"name": "", "email": "", "agency": "", "phone": ""}),
            "resolution": None if res is None else ResolutionView(res),
            "csat": None if csat is None else CsatView(csat),
            "holds": [HoldView(h) for h in doc["holds"]],
            "journal": [EntryView(e) for e in doc["journal"]],
        })

    @property
    def is_open(self) -> bool:
        return self.status not in DONE_STATUSES

    @property
    def on_hold(self) -> bool:
        return bool(self.holds) and self.holds[-1].end is None
