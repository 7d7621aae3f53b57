"""Correcting a ticket after intake (`sdesk set`, `sdesk edit`): the editable fields, their
validation (the same checks `sdesk new` makes) and the plan that records each change.

Pure: a ticket, the wanted values as text or TOML values, the reference data, the clock and the
actor in; a Plan out (one SetField per changed field and one journal entry listing every change
as `field: old -> new`). Priority is not editable here: it stays the supervisor's decision
(`sdesk priority`, dispatcher guide incident-2). Status, team and assignee are not either: they
move through triage, assign, escalate, hold and resolve, which keep the SLA clocks right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sdesk.core.errors import ValidationError
from sdesk.core.model import (
    LEVELS,
    Requester,
    Ticket,
    check_effort,
    check_level,
    check_text,
    check_title,
    journal_entry,
)
from sdesk.core.reference import Reference
from sdesk.procedures.fields import SHARED, checked
from sdesk.procedures.plan import AddEntry, Plan, SetField

RULE = "standard: correct the ticket"

# name -> (kind, what it is). Requester fields are written name/email/agency/phone.
EDITABLE: dict[str, tuple[str, str]] = {
    "title": ("line", "one line saying what is wrong or wanted"),
    "description": ("text", "details"),
    "service": ("service", "a service a team provides (reference/teams.toml)"),
    "category": ("line", "e.g. hardware or software for requests"),
    "software": ("line", "software asked for (reference/software.toml)"),
    "impact": ("level", "1 high .. 3 low"),
    "urgency": ("level", "1 high .. 3 low"),
    "remote": ("bool", "true: can be worked with remote tools; false: on site"),
    "location": ("line", "where the work is"),
    "skills": ("list", "skills the work needs (technicians' skills, reference/technicians.toml)"),
    "requested_technician": ("technician", "a technician the requester asked for"),
    "effort_hours": ("effort", "estimated hours: more than 0, at most 1000"),
    "name": ("line", "requester's name"),
    "email": ("line", "requester's e-mail (VIP lookup)"),
    "agency": ("agency", "requester's agency code (reference/agencies.toml)"),
    "phone": ("line", "requester's phone"),
}
REQUESTER_FIELDS = ("name", "email", "agency", "phone")
ALIASES = {"effort": "effort_hours", "requested-tech": "requested_technician",
           "requested_tech": "requested_technician", "requested-technician": "requested_technician",
           "requester.name": "name", "requester.email": "email", "requester.agency": "agency",
           "requester.phone": "phone", "skill": "skills"}
TRUE, FALSE = ("true", "yes", "y", "1", "remote"), ("false", "no", "n", "0", "on-site", "onsite")


@dataclass(frozen=True)
class Change:
    """One field's correction: its editable name, the value before and after."""

    field: str
    old: Any
    new: Any


# Fields a command changes, with its reason journaled (tester finding, session 37: `set ID
# status=resolved` said only "not an editable field").
STATUS_COMMANDS = {
    "status": "sdesk resolve, hold, resume, reopen, close or assign",
    "assignee": "sdesk assign ID --to TECH",
    "team": "a corrected service (sdesk set ID service=...) or sdesk assign ID --to TECH",
}


def field_name(typed: str) -> str:
    """The editable field a user means (aliases allowed); ValidationError for anything else,
    naming priority's own command when that is what was tried."""
    name = typed.strip().lower()
    name = ALIASES.get(name, name)
    if name in EDITABLE:
        return name
    if name == "priority":
        raise ValidationError("priority is the supervisor's decision: use sdesk priority ID LEVEL "
                              "--reason '...'")
    if name in ("on-site", "onsite", "on_site"):
        return "on-site"
    if name in STATUS_COMMANDS:  # a state changes by its own command, which journals why
        raise ValidationError(f"{typed!r} is not an editable field: it changes with "
                              f"{STATUS_COMMANDS[name]}")
    raise ValidationError(f"{typed!r} is not an editable field (editable: {', '.join(EDITABLE)})")


def current(ticket: Ticket, name: str) -> Any:
    """The ticket's value of an editable field."""
    if name in REQUESTER_FIELDS:
        return getattr(ticket.requester, name)
    return getattr(ticket, name)


def parse_text(name: str, raw: str) -> Any:
    """A value typed on the command line (`set FIELD=VALUE`) as the field's type (not yet
    checked against the reference data: see `check`)."""
    if name == "on-site":
        return _boolean("on-site", raw)
    kind = EDITABLE[name][0]
    if kind == "level":
        try:
            return int(raw.strip())
        except ValueError:
            raise ValidationError(f"{name} must be one of 1, 2, 3; got {raw!r}") from None
    if kind == "bool":
        return _boolean(name, raw)
    if kind == "effort":
        try:
            return float(raw.strip())
        except ValueError:
            raise ValidationError(f"{name} must be a number of hours; got {raw!r}") from None
    if kind == "list":
        return [s for s in (part.strip() for part in raw.split(",")) if s]
    return raw


def _boolean(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValidationError(f"{name} must be true or false; got {raw!r}")


def check(name: str, value: Any, ref: Reference) -> Any:
    """The value as stored, validated the way `sdesk new` validates it; ValidationError or
    ReferenceError (one line, with "did you mean") otherwise."""
    kind = EDITABLE[name][0]
    if kind in ("line", "text", "service", "agency", "technician"):
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be text; got {value!r}")
        check_text(name, value, single_line=kind != "text")
        value = value if kind == "text" else value.strip()
    if name == "title":
        value = check_title("title", value)
    if name in SHARED:  # the very checks `sdesk new` makes (procedures/fields.py)
        return checked(name, value, ref=ref)
    if kind == "agency" and value:
        return ref.agency(value).code
    if kind == "technician" and value:
        return ref.technician(value).id
    if name == "software" and value and ref.software_named(value) is not None:
        return value  # kept as typed; triage reads aliases
    if kind == "level":
        return check_level(name, value, LEVELS)
    if kind == "bool" and not isinstance(value, bool):
        raise ValidationError(f"{name} must be true or false; got {value!r}")
    if kind == "effort":
        return check_effort(name, value)
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise ValidationError(f"{name} must be a list of words; got {value!r}")
        for s in value:
            check_text(name, s, single_line=True)
        return sorted({ref.skill(s) for s in value if s.strip()})
    return value


def _typed(name: str, value: Any) -> None:
    """A changed value as typed holds no control character (model.check_typed: a one-line
    field as a title, a text field tab and line breaks allowed). Only a changed one: a value
    the ticket holds already (from mail, an import) does not block an edit of another field."""
    from sdesk.core.model import check_typed

    for text in value if isinstance(value, list) else [value]:
        if isinstance(text, str):
            check_typed(name, text, single_line=EDITABLE[name][0] != "text")


def refuse_closed(ticket: Ticket) -> None:
    """ValidationError for a closed ticket: it is the record of what was done and is not
    corrected (`edit` asks before it opens the editor, `set` and `edit` again in `changes`)."""
    if ticket.status == "closed":
        raise ValidationError(f"{ticket.id} is closed: a closed ticket is the record of what was "
                              "done and is not corrected (log a new ticket instead)")


def changes(ticket: Ticket, wanted: Mapping[str, Any], ref: Reference,
            in_use: Mapping[str, int] | None = None) -> list[Change]:
    """The validated changes `wanted` (field -> value) makes to `ticket`; unchanged fields are
    left out. Raises on the first bad value, so nothing is applied unless all are good, and
    on a change the licence rules refuse (corrections.seat_rules; `in_use`: licence seats held per
    catalogue software name, store/contexts.licence_seats)."""
    refuse_closed(ticket)
    found: list[Change] = []
    for typed, value in wanted.items():
        name = field_name(typed)
        if name == "on-site":
            name, value = "remote", not value if isinstance(value, bool) else value
        new = check(name, value, ref)
        old = current(ticket, name)
        if new == old and not answers_proposal(ticket, name, new):
            continue
        _typed(name, new)
        if name == "service" and not new and ticket.status != "new":
            raise ValidationError(f"{ticket.id} is {ticket.status}: its service can be changed "
                                  "but not cleared")
        found.append(Change(name, old, new))
    from sdesk.procedures.corrections import seat_rules

    seat_rules(ticket, {c.field: c.new for c in found}, ref, in_use)
    return found


def answers_proposal(ticket: Ticket, name: str, value: Any) -> bool:
    """Whether stating `name` = `value` answers a pending proposal even when the ticket holds
    that value already (a `Change` kept with old == new): `on-site=no` (remote = true, as it
    is) answers a pending on-site proposal, a category the kind proposal's request has
    answers the kind proposal (stated.settle_stated). Before session 37 it was "nothing to
    change", and the proposal stayed pending."""
    from sdesk.procedures.proposals import pending

    kinds = {kind for kind, _ in pending(ticket.flags)}
    if name == "remote":
        return "on-site" in kinds
    return name == "category" and bool(value) and "kind" in kinds and \
        ticket.type in ("request", "case")


def correct(ticket: Ticket, found: list[Change], ref: Reference, now: dt.datetime,
            actor: str, force: bool = False) -> Plan:
    """The plan for corrections: each field set, the VIP mark refreshed when the e-mail changed,
    what the corrections set in motion (sdesk/procedures/corrections.py: a new service re-routes
    a routed ticket, an assigned one only with `force`; a new impact or urgency re-checks the
    priority), and one internal journal entry (kind `edit`) listing `field: old -> new`, who,
    and what followed. Raises ValidationError when a re-route needs `force`."""
    from sdesk.procedures.corrections import consequences

    plan = Plan()
    requester = Requester(**vars(ticket.requester))
    for c in found:
        if c.field in REQUESTER_FIELDS:
            setattr(requester, c.field, c.new)
        elif c.old != c.new:  # an unchanged value stated to answer a proposal sets nothing
            plan.add(SetField(ticket.id, RULE, f"{c.field} corrected", field=c.field, value=c.new))
    if requester != ticket.requester:
        plan.add(SetField(ticket.id, RULE, "requester corrected", field="requester",
                          value=requester))
        vip = ref.is_vip(requester.email) if requester.email else False
        if vip != ticket.vip:
            plan.add(SetField(ticket.id, RULE, "VIP list says so for the new e-mail", field="vip",
                              value=vip))
    followed, notes, last = consequences(ticket, {c.field: c.new for c in found}, ref, force,
                                         now, actor)
    plan.extend(followed.actions)
    if found:
        lines = [f"{c.field}: {_shown(c.old)} -> {_shown(c.new)}" if c.old != c.new else
                 f"{c.field}: {_shown(c.new)} (as it was, stated)" for c in found] + notes
        plan.add(AddEntry(ticket.id, RULE, "journal", entry=journal_entry(
            at=now, by=actor, kind="edit", rule=RULE,
            text=f"Corrected by {actor}: {', '.join(c.field for c in found)}\n"
            + "\n".join(lines))))
    plan.extend(last.actions)
    return plan


def summary(found: list[Change], width: int = 90) -> str:
    """What the corrections change, for a commit's subject line: `field old -> new` each,
    a long value cut to its start (a title, a description's line count), and once the line
    passes `width` characters the rest named by field only ("and 2 more: title, phone").
    The journal entry keeps every value whole."""
    out = ""
    for i, c in enumerate(found):
        piece = f"{c.field} {' -> '.join(_briefs(c.old, c.new))}" if c.old != c.new else \
            f"{c.field} {_brief(c.new)} (stated)"
        if out and len(out) + 2 + len(piece) > width:
            rest = found[i:]
            return f"{out} and {len(rest)} more: {', '.join(r.field for r in rest)}"
        out = f"{out}, {piece}" if out else piece
    return out


def _briefs(old: Any, new: Any, most: int = 24) -> tuple[str, str]:
    """`old` and `new` cut as `_brief` cuts them; where the cut leaves them alike (a title
    that only grows: 'VPN disconnects eve...' twice), each is shown from a little before
    where they first differ instead ("...every few minutes'" -> "...every few minutes fo...")."""
    a, b = _brief(old, most), _brief(new, most)
    if a != b:
        return a, b
    x, y = _shown(old), _shown(new)
    at = next((i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q),
              min(len(x), len(y)))
    start = max(0, at - most // 2)

    def window(v: str) -> str:
        return ("..." if start else "") + v[start:start + most - 3] + (
            "..." if len(v) > start + most - 3 else "")

    return window(x), window(y)


def _brief(value: Any, most: int = 24) -> str:
    shown = _shown(value)
    if len(shown) <= most:
        return shown
    quote = shown[0] if shown[0] in "'\"" else ""
    return shown[:most - 3 - len(quote)] + "..." + quote


def _shown(value: Any) -> str:
    if isinstance(value, str) and "\n" in value:
        return f"({len(value.splitlines())} lines)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def editable_document(ticket: Ticket) -> str:
    """The editable fields as TOML for $EDITOR, each with a comment saying what it is."""
    return document(ticket.id, {name: current(ticket, name) for name in EDITABLE})


def document(ticket_id: str, values: Mapping[str, Any]) -> str:
    """`values` (editable field -> TOML value) as the editor's document for `ticket_id`."""
    from sdesk.core import tomlfmt

    lines = [f"# Correct {ticket_id}. Save and close to apply; change nothing to cancel.",
             "# Priority is the supervisor's: sdesk priority. Lines starting with # are ignored."]
    for name, (_, what) in EDITABLE.items():
        if name in values:
            lines.append(f"# {what}")
            lines.append(tomlfmt.dumps({name: values[name]}).rstrip("\n"))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Rebase:
    """An edit made in $EDITOR laid over the ticket as it is when the editor closed.

    `wanted`: the fields the user changed (the document's value differs from the base's, the
    ticket as the editor opened it) -> the user's value; `clashes`: those of them the ticket
    changed meanwhile to something else (field, the base's value, the ticket's value now,
    the user's); `document`: the ticket as it is now with the user's values over it (what a
    refused edit keeps, so `sdesk edit ID` resumes it on the current ticket)."""

    wanted: dict[str, Any]
    clashes: list[tuple[str, Any, Any, Any]]
    document: str
    current: str


def rebase(ticket: Ticket, base: Mapping[str, Any], edited: Mapping[str, Any]) -> Rebase:
    """Three-way: `base` (the document the editor opened), `edited` (what it saved) and the
    ticket now. Only what the user changed is applied, so a `set`, `note` or triage made while
    the editor was open is not undone by the editor's stale copy of its fields; a field both
    sides changed to different values is a clash (the caller refuses and keeps the edit)."""
    now = {name: current(ticket, name) for name in EDITABLE}
    wanted = {k: v for k, v in edited.items() if k not in base or base[k] != v}
    clashes = [(k, base[k], now[k], v) for k, v in wanted.items()
               if k in base and k in now and now[k] != base[k] and now[k] != v]
    return Rebase(wanted, clashes, document(ticket.id, {**now, **{
        k: v for k, v in wanted.items() if k in EDITABLE}}), document(ticket.id, now))


def clash_line(ticket_id: str, clashes: list[tuple[str, Any, Any, Any]]) -> str:
    """The refusal for fields both the editor and another command changed: which, to what."""
    said = "; ".join(f"{f} became {_shown(now)} (was {_shown(was)}; you wrote {_shown(mine)})"
                     for f, was, now, mine in clashes)
    return f"{ticket_id} changed while you edited it: {said}"


def read_document(text: str) -> dict[str, Any]:
    """The fields of an edited document; ValidationError naming the TOML problem."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"the edited ticket is not valid TOML: {exc}") from None
    return data
