"""The ticket: fields, vocabulary from the seeds, validation, and the ticket file format.

The vocabulary and the checks of a ticket file live in sdesk/core/ticketdoc.py (without
dataclasses, for `show`); the model builds its dataclasses from what they return.

The file format is documented in docs/ticket-format.md. Writing a loaded ticket back without a
change produces the same bytes: keys are written in the order declared here, optional fields
that are empty are left out, and text is written exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field, fields
from pathlib import Path

from sdesk.core import tomlfmt
from sdesk.core.errors import ValidationError
from sdesk.core.record import record
from sdesk.core.ticketdoc import CHANNELS as CHANNELS
from sdesk.core.ticketdoc import DONE_STATUSES as DONE_STATUSES
from sdesk.core.ticketdoc import JOURNAL_KINDS as JOURNAL_KINDS
from sdesk.core.ticketdoc import LEVELS as LEVELS
from sdesk.core.ticketdoc import OPEN_STATUSES as OPEN_STATUSES
from sdesk.core.ticketdoc import PRIORITIES as PRIORITIES
from sdesk.core.ticketdoc import SCHEMA_VERSION as SCHEMA_VERSION
from sdesk.core.ticketdoc import STATUSES as STATUSES
from sdesk.core.ticketdoc import TICKET_TYPES as TICKET_TYPES
from sdesk.core.ticketdoc import VISIBILITIES as VISIBILITIES
from sdesk.core.ticketdoc import tells_customer

# "internal": a ticket the desk makes itself, not a customer contact (a parent case for a
# trend; session 39: it counted as one more phone call in `kpi`): no Respond By, and left out
# of the resolution measures (store.index.kpi_of). The others are a customer's (`new --channel`).
INTERNAL = "internal"
INTAKE_CHANNELS = tuple(c for c in CHANNELS if c != INTERNAL)

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any

# The one way a ticket's status changes (sdesk.procedures.plan.SetStatus applies it through change_status):
# open work moves between the open statuses and to resolved; a resolution is closed, or reopened
# back to work (triaged or assigned); closed is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    **{s: frozenset((*OPEN_STATUSES, "resolved")) for s in OPEN_STATUSES},
    "resolved": frozenset(("resolved", "closed", "triaged", "assigned")),
    "closed": frozenset(("closed",)),
}


@record
class Requester:
    name: str = ""
    email: str = ""
    agency: str = ""
    phone: str = ""


@record
class JournalEntry:
    at: dt.datetime
    by: str
    text: str
    kind: str = "note"
    visibility: str = "internal"
    rule: str = ""  # the guide's rule that wrote this entry, for procedures

    @property
    def public(self) -> bool:
        return self.visibility == "public"

    @property
    def to_customer(self) -> bool:
        """The desk's word to the customer (ticketdoc.tells_customer): public, and not an
        inbound mail."""
        return tells_customer(self.kind, self.visibility)


@record
class Hold:
    start: dt.datetime
    reason: str
    end: dt.datetime | None = None


@record
class Resolution:
    code: str
    summary: str
    by: str = ""
    first_contact: bool = False


@record
class Csat:
    score: int
    at: dt.datetime
    comment: str = ""


@record
class Ticket:
    id: str
    type: str
    title: str
    opened_at: dt.datetime
    schema: int = SCHEMA_VERSION
    status: str = "new"
    priority: int = 3
    impact: int = 2
    urgency: int = 2
    channel: str = "phone"
    team: str = ""
    assignee: str = ""
    vip: bool = False
    service: str = ""
    category: str = ""
    software: str = ""
    location: str = ""
    remote: bool = True
    skills: list[str] = field(default_factory=list)
    requested_technician: str = ""
    effort_hours: float = 1.0
    tier: int = 1
    parent: str = ""
    duplicate_of: str = ""
    related: list[str] = field(default_factory=list)
    kb: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    external_ref: str = ""
    # Every Message-ID (without <>) the desk sent or received for this ticket, oldest first:
    # replies are threaded by them (sdesk/mail/mailin.py) and outgoing mail refers to them.
    message_ids: list[str] = field(default_factory=list)
    reopens: int = 0
    reassignments: int = 0
    updated_at: dt.datetime | None = None
    respond_by: dt.datetime | None = None
    resolve_by: dt.datetime | None = None
    first_response_at: dt.datetime | None = None
    assigned_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    description: str = ""
    requester: Requester = field(default_factory=Requester)
    resolution: Resolution | None = None
    csat: Csat | None = None
    holds: list[Hold] = field(default_factory=list)
    imported: dict[str, str] = field(default_factory=dict)  # written as [import]
    journal: list[JournalEntry] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status not in DONE_STATUSES

    @property
    def on_hold(self) -> bool:
        return bool(self.holds) and self.holds[-1].end is None

    def public_journal(self) -> list[JournalEntry]:
        return [entry for entry in self.journal if entry.public]


def change_status(ticket: Ticket, status: str) -> None:
    """Move `ticket` to `status` as TRANSITIONS allows; ValueError names a move it forbids (a
    procedure that plans one is a bug: procedures check the status they start from)."""
    if status not in TRANSITIONS.get(ticket.status, frozenset()):
        raise ValueError(f"{ticket.id}: no transition from {ticket.status!r} to {status!r}")
    ticket.status = status


def journal_entry(at: dt.datetime, by: str, kind: str, text: str, rule: str = "",
                  visibility: str = "internal") -> JournalEntry:
    """A journal entry as sdesk writes it (procedures, commands, mail, imports, the merge
    driver: every entry is built here; tests/test_architecture.py checks): `by` is the actor's
    name, `rule` the guide or standard rule it comes from ("" when none), `visibility`
    "internal" or "public" (sent to the requester)."""
    return JournalEntry(at=at, by=by, kind=kind, text=text, visibility=visibility, rule=rule)


# ---------------------------------------------------------------------------------------------
# Validation of single values (used by the loader and by commands taking user input)


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValidationError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def check_level(name: str, value: int, choices: tuple[int, ...]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in choices:
        raise ValidationError(
            f"{name} must be one of {', '.join(map(str, choices))}; got {value!r}"
        )
    return value


# The categories that decide a request's kind (request-1, procedures/request_kind.py). The
# category is otherwise an open list (an import keeps ServiceNow's subcategories as written).
KIND_CATEGORIES = ("hardware", "software")


def check_category(name: str, value: str) -> str:
    """A typed category as stored: stripped, lower case. A near miss of a category that decides
    a request's kind ('sofware', 'hardwre') is a ValidationError with "did you mean", as an
    unknown service is: it was kept silently and the request went unrouted by its kind
    (issue 11, session 34). Any other category is kept: the list is open (KIND_CATEGORIES)."""
    import difflib

    value = value.strip().lower()
    close = difflib.get_close_matches(value, KIND_CATEGORIES, n=1, cutoff=0.75)
    if value and value not in KIND_CATEGORIES and close:
        raise ValidationError(f"{name} {value!r}: did you mean {close[0]!r}? (hardware and "
                              "software decide a request's kind; other categories are kept "
                              "as typed)")
    return value


def check_phone(name: str, value: str) -> str:
    """A typed phone number as stored (stripped): it must hold a digit ('405-555-0100',
    'x4411', '+1 (405) 555 0100'); ValidationError for one with none ('abc', 'n/a'), which was
    kept (issue 11, session 34). "" stays "" (none given)."""
    value = value.strip()
    if value and not any(c.isdigit() for c in value):
        raise ValidationError(f"{name} must hold digits, e.g. 405-555-0100; got {value!r}")
    return value


EFFORT_MAX = 1000.0  # hours: a ticket's estimated effort is more than 0 and at most this


def check_effort(name: str, value: object) -> float:
    """An estimated effort in hours as stored (a float), more than 0 and at most EFFORT_MAX;
    ValidationError naming `name` (`--effort`, `effort_hours`) otherwise. One wording for
    `new`, `task new`, `set` and `edit`: they said "between 0 and 1000 hours; got 0" (0 is
    refused) and named effort or effort_hours by turns (issue 11, session 34)."""
    words = f"{name} must be more than 0 and at most {EFFORT_MAX:g} hours; got "
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(words + repr(value))
    if not 0 < value <= EFFORT_MAX:  # written this way round so NaN is refused too
        raise ValidationError(words + f"{value:g}")
    return float(value)


_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")


def check_email(name: str, value: str) -> str:
    """A requester's e-mail as stored: stripped, lower case; "" stays "" (none given). The one
    check `sdesk new` and `sdesk set email=` make: one @, a dotted domain, no spaces or
    brackets. ValidationError naming the field and the value otherwise."""
    value = value.strip()
    if value and not _EMAIL.fullmatch(value):
        raise ValidationError(f"{name} must look like name@domain.tld (one @, a dotted domain); "
                              f"got {value!r}")
    return value.lower()


def check_text(name: str, value: str, single_line: bool = False) -> str:
    """Text may hold anything printable; a single-line field may not hold line breaks, and no
    field may hold NUL (git and mail would mangle it)."""
    if "\x00" in value:
        raise ValidationError(f"{name} must not contain a NUL character")
    if single_line and ("\n" in value or "\r" in value):
        raise ValidationError(f"{name} must be a single line")
    return value


TITLE_MAX = 200  # characters: a title is one line of a list, a commit subject, a mail subject
# The title of a message that had no subject words (sdesk.mail.mailin.clean_title): it says
# nothing about the work, so it is no evidence of a subject (procedures.words.title_is_evidence).
NO_SUBJECT = "(no subject)"
# C0 and C1 controls (a tab too: a title is one line of a table) and the bidirectional
# embedding, override and isolate characters, which make a title read in another order than
# it is stored (U+202E turns "exe.txt" around): refused in titles
TITLE_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# Text a person types (the command line, the editor), more than one line: the C0 controls but
# tab, line feed and carriage return, DEL and the C1 controls. An ESC starts an ANSI sequence
# that drives the terminal of whoever shows or lists the ticket later; a one-line field (a
# name, a location) refuses what a title refuses (TITLE_REFUSED), the tab too.
TEXT_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_typed(name: str, value: str, single_line: bool = False) -> str:
    """`check_text` for text a person typed (a requester's name, a location, a note, a
    resolution summary, a reason): also no control character (a one-line field: nor a tab or
    a bidirectional-override character, as a title). ValidationError naming the field, the
    character and its place (fresh-user finding 9, session 33: an ANSI escape in `new --name`
    or a note was stored and replayed by every `show`). Not for text from mail or an import,
    which is stored as received and made printable when shown."""
    check_text(name, value, single_line)
    _refuse(name, value, TITLE_REFUSED if single_line else TEXT_REFUSED)
    return value


def _refuse(name: str, value: str, pattern: re.Pattern[str]) -> None:
    bad = pattern.search(value)
    if bad is not None:
        what = "control or bidirectional-override characters" if pattern is TITLE_REFUSED \
            else "control characters"
        raise ValidationError(f"{name} must not contain {what}: U+{ord(bad.group()):04X} at "
                              f"character {bad.start() + 1}")


def check_title(name: str, value: str) -> str:
    """A ticket's title as stored: stripped, not empty, one line of at most TITLE_MAX
    characters, no control or bidirectional-control character (fresh-user finding, session 28:
    a 5,000-character title became the commit subject, a U+202E was accepted).
    ValidationError naming the field, the length or the character and its place."""
    value = value.strip()
    if not value:
        raise ValidationError(f"{name} must not be empty")
    check_text(name, value, single_line=True)  # NUL, line breaks: as every one-line field
    _refuse(name, value, TITLE_REFUSED)
    if len(value) > TITLE_MAX:
        raise ValidationError(f"{name} is {len(value)} characters long; at most {TITLE_MAX} "
                              "(put the details in the description)")
    return value


# ---------------------------------------------------------------------------------------------
# Serialisation


def _entry_dict(entry: JournalEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "by": entry.by,
        "kind": entry.kind,
        "visibility": entry.visibility,
        "rule": entry.rule or None,
        "text": entry.text,
    }


def to_document(ticket: Ticket) -> dict[str, Any]:
    """The ticket as an ordered mapping, the way it is written to its file."""
    doc: dict[str, Any] = {}
    skip = {"requester", "resolution", "csat", "holds", "imported", "journal"}
    defaults = _DEFAULTS
    for f in fields(Ticket):
        if f.name in skip:
            continue
        value = getattr(ticket, f.name)
        # Optional fields at their empty default are left out so files stay short; required
        # and state fields (status, priority...) are always written.
        if f.name in _ALWAYS or value != defaults.get(f.name, _MISSING):
            doc[f.name] = value
    order = ["schema", "id", "type", "title", "status"]
    ordered = {key: doc.pop(key) for key in order}
    ordered.update(doc)
    description = ordered.pop("description", None)
    if description is not None:
        ordered["description"] = description
    requester = {k: v for k, v in vars(ticket.requester).items() if v}
    if requester:
        ordered["requester"] = requester
    if ticket.resolution is not None:
        r = ticket.resolution
        ordered["resolution"] = {
            "code": r.code, "by": r.by or None, "first_contact": r.first_contact,
            "summary": r.summary,
        }
    if ticket.csat is not None:
        c = ticket.csat
        ordered["csat"] = {"score": c.score, "at": c.at, "comment": c.comment or None}
    if ticket.imported:
        ordered["import"] = dict(ticket.imported)
    if ticket.holds:
        ordered["holds"] = [
            {"start": h.start, "end": h.end, "reason": h.reason} for h in ticket.holds
        ]
    if ticket.journal:
        ordered["journal"] = [_entry_dict(e) for e in ticket.journal]
    return ordered


def dumps(ticket: Ticket) -> str:
    return tomlfmt.dumps(to_document(ticket))


_MISSING = object()  # no default: always written
_ALWAYS = {"schema", "id", "type", "title", "status", "priority", "impact", "urgency", "channel",
           "team", "opened_at"}
_DEFAULTS: dict[str, Any] = {
    f.name: (f.default_factory() if callable(f.default_factory) else f.default)
    for f in fields(Ticket)
}


# ---------------------------------------------------------------------------------------------
# Parsing with validation: every problem names the file and the field (sdesk/core/ticketdoc.py
# makes the checks, without this module's dataclasses, for `show` as well).


def from_document(data: dict[str, Any], where: str) -> Ticket:
    """A ticket from a parsed ticket file; TicketFileError naming `where` and the first bad
    field (ticketdoc.checked)."""
    from sdesk.core.ticketdoc import checked

    return from_checked(checked(data, where))


def from_checked(doc: dict[str, Any]) -> Ticket:
    """The Ticket of a checked document (ticketdoc.checked / ticketdoc.parse)."""
    fields_ = dict(doc)
    requester, resolution, csat = (fields_.pop(k) for k in ("requester", "resolution", "csat"))
    holds, journal = fields_.pop("holds"), fields_.pop("journal")
    ticket = Ticket(**fields_)
    if requester is not None:
        ticket.requester = Requester(**requester)
    if resolution is not None:
        ticket.resolution = Resolution(**resolution)
    if csat is not None:
        ticket.csat = Csat(**csat)
    ticket.holds = [Hold(**h) for h in holds]
    ticket.journal = [JournalEntry(**e) for e in journal]
    return ticket


def loads(text: str, where: str) -> Ticket:
    """A ticket from its file's text; TicketFileError (one line naming `where` and the field)
    for broken TOML, TOML nested too deep (sdesk/core/untrusted.py) or a schema problem.
    A file in the layout sdesk writes is read by sdesk/core/fastread.py (what tomllib would
    return, 4x faster); anything else by tomllib."""
    from sdesk.core.ticketdoc import document

    return from_document(document(text, where), where)


def load_bytes(data: bytes, where: str) -> Ticket:
    """A ticket from its file's bytes (which must be UTF-8)."""
    from sdesk.core.ticketdoc import parse

    return from_checked(parse(data, where))


def load_file(path: Path, where: str | None = None) -> Ticket:
    """A ticket file outside any store (a path the user named). Files in a store are read
    with Store.load, which refuses symbolic links and files over the size limit."""
    return load_bytes(path.read_bytes(), where or str(path))


# ---------------------------------------------------------------------------------------------
# Invariants: what holds for every ticket, whoever wrote it (a command, the merge driver, a hand
# edit). `sdesk check` enforces them on every file and the merge driver produces only tickets
# that satisfy them (docs/ticket-format.md, "Invariants").

# The fields that make up a ticket's state; they change together and merge together.
STATE_FIELDS = ("status", "assignee", "assigned_at", "resolution", "resolved_at", "closed_at",
                "csat", "holds")
WORKING_STATUSES = ("assigned", "in-progress")  # someone is working it: there is an assignee


def invariant_problems(ticket: Ticket) -> list[tuple[str, str]]:
    """Each broken invariant as (field, problem); [] for a sound ticket.

    - a done ticket (resolved, closed) has a resolution; an open one has none, and no
      resolved_at, closed_at or CSAT score;
    - a resolved ticket has no closed_at; a closed one was resolved no later than it closed;
    - on-hold if and only if the last hold is open; only the last hold may be open; a hold
      ends no earlier than it starts;
    - assigned and in-progress tickets have an assignee;
    - nothing happens before the ticket was opened (resolved_at, closed_at, assigned_at,
      hold starts)."""
    out: list[tuple[str, str]] = []
    t = ticket
    if t.status in DONE_STATUSES:
        if t.resolution is None:
            out.append(("resolution", f"a {t.status} ticket needs a resolution"))
    else:
        for name in ("resolution", "resolved_at", "closed_at", "csat"):
            if getattr(t, name) is not None:
                out.append((name, f"an open ticket ({t.status}) cannot have one"))
    if t.status == "resolved" and t.closed_at is not None:
        out.append(("closed_at", "a resolved ticket that is not closed cannot have one"))
    if t.resolved_at is not None and t.closed_at is not None and t.closed_at < t.resolved_at:
        out.append(("closed_at", "before resolved_at"))
    open_holds = [i for i, h in enumerate(t.holds) if h.end is None]
    if t.status == "on-hold" and not t.on_hold:
        out.append(("holds", "an on-hold ticket needs an open hold (one without an end)"))
    if t.status != "on-hold" and open_holds:
        out.append(("holds", f"an open hold on a ticket that is {t.status}"))
    if open_holds and open_holds != [len(t.holds) - 1]:
        out.append(("holds", "only the last hold may be open"))
    for i, h in enumerate(t.holds):
        if h.end is not None and h.end < h.start:
            out.append((f"holds[{i}]", "ends before it starts"))
    if t.status in WORKING_STATUSES and not t.assignee:
        out.append(("assignee", f"an {t.status} ticket needs an assignee"))
    stamps = [("resolved_at", t.resolved_at), ("closed_at", t.closed_at),
              ("assigned_at", t.assigned_at),
              *((f"holds[{i}]", h.start) for i, h in enumerate(t.holds))]
    for name, when in stamps:
        if when is not None and when < t.opened_at:
            out.append((name, "before opened_at"))
    return out


def ticket_problems(ticket: Ticket) -> list[tuple[str, str]]:
    """What `sdesk check` reports of one ticket, as (field, problem): its broken invariants,
    a priority its journal does not record (recorded.priority_gap: changed by hand),
    and a done ticket's resolution without a code or summary (ticketdoc.resolution_gap: not an
    invariant, which the merge driver would hold to)."""
    from sdesk.core.recorded import priority_gap
    from sdesk.core.ticketdoc import resolution_gap

    gap = resolution_gap(ticket) if ticket.resolution is not None else ""
    changed = priority_gap(ticket)  # a priority no journal entry records (session 38)
    return invariant_problems(ticket) + ([("resolution", gap)] if gap else []) + \
        ([("priority", changed)] if changed else [])
