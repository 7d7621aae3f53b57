"""What a ticket's journal records of its priority, and a priority the file holds that no entry
records (`sdesk check`; session 38).

The priority is set at intake ("Logged by ... priority P3 from impact 2 x urgency 2.") and changed
only by the supervisor's decision (`sdesk priority`: "Priority changed from P3 to P2 ...", "Priority
kept P2 ...") or by the parent-case rule ("Priority raised from P3 to P2 ...", "Priority P2 at
creation ..."): each writes the level into the journal. A file whose priority differs from the last
level its journal records was changed outside sdesk (a hand edit committed with git), and neither
the Resolve By it was given nor who decided it can be read from the history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from sdesk.core.model import Ticket

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from sdesk.core.reference import Reference

# An intake (kind "system"): the first "priority PN" of "Logged by ...; priority P3 from ..." or
# "... (given; impact 2 x urgency 2 gives P3)", and a parent case's "Parent case logged by ...;
# priority P2." (relations.PARENT_LOGGED); not the sweep's system entries ("SLA warning: P3 ...")
_LOGGED = re.compile(r"^(?:Logged by |Parent case logged by ).*?\bpriority P([1-4])\b",
                     re.DOTALL)
# A decision or the parent rule (kind "priority"): the level the ticket has after it.
_DECIDED = re.compile(r"^Priority (?:kept |changed from P[1-4] to |raised from P[1-4] to )?"
                      r"P([1-4])\b")


def journal_priority(ticket: Ticket) -> int | None:
    """The priority (1-4) the ticket's journal last records, from the entries that set it
    (intake, `sdesk priority`, the parent-case rule), or None when no entry records one (an
    imported ticket, a journal cut by hand)."""
    level = None
    for entry in ticket.journal:
        pattern = _LOGGED if entry.kind == "system" else _DECIDED if entry.kind == "priority" \
            else None
        found = pattern.search(entry.text) if pattern is not None else None
        if found:
            level = int(found.group(1))
    return level


def priority_gap(ticket: Ticket) -> str:
    """`sdesk check`'s finding for a ticket whose priority is not the last its journal records,
    "" when it is (or the journal records none): both levels, and the command that records a
    decision either way (incident-2: the supervisor decides the priority)."""
    recorded = journal_priority(ticket)
    if recorded is None or recorded == ticket.priority:
        return ""
    return (f"P{ticket.priority} in the file, but the journal's last recorded priority is "
            f"P{recorded}: changed outside sdesk (no journal entry, no decision); the supervisor "
            f"puts it right with sdesk priority {ticket.id} {recorded} --reason '...' (or records "
            f"P{ticket.priority} with sdesk priority {ticket.id} {ticket.priority} --reason '...')")


# -- Session 39: other fields a hand edit can get wrong, committed -------------------------------
# A tester's finding: `sdesk check` passed a committed Resolve By moved by half a year, an e-mail
# of "nonsense", negative counts, a journal older than the ticket and a type its ID contradicts.
# Each is one line naming the field, what is wrong and the command (or the edit) that puts it
# right. The journal does not write Resolve By or Respond By down: it records what they are
# computed from (the opening, the priority each decision names, every hold and every span the
# ticket sat resolved before a reopen), so they are recomputed as `sdesk priority` does.

def _imported(ticket: Ticket) -> bool:
    """Whether the ticket came from another system (`sdesk import`: its source's reference,
    fields kept under [import]): its dates and targets are the source's."""
    return bool(ticket.imported or ticket.external_ref)


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="minutes")


def due_gaps(ticket: Ticket, ref: Reference) -> list[tuple[str, str]]:
    """Resolve By and Respond By that are not what the SLA chart gives the ticket's opening and
    priority (Resolve By moved later by every ended pause: sla.resolve_by_for, as `sdesk
    priority` recomputes them), as (field, problem); [] for an imported ticket (its source's
    targets), a journal that records no priority (nothing says what they were computed from;
    `priority_gap` passes it too) or another one (`priority_gap` says that, and its fix
    recomputes both), an opening after a journal entry (`field_gaps` says that), or a ticket
    without them. Compared as instants (a time zone is no change). The supervisor puts them
    right with `sdesk priority ID P --reason`."""
    if _imported(ticket) or journal_priority(ticket) != ticket.priority or any(
            e.at < ticket.opened_at for e in ticket.journal):
        return []  # nothing to compute from, or the priority's or opening's finding first
    from sdesk.core import sla

    fix = (f"the supervisor recomputes it with sdesk priority {ticket.id} {ticket.priority} "
           f"--reason '...' (the level kept)")
    out: list[tuple[str, str]] = []
    for name, want in (("resolve_by", sla.resolve_by_for(ticket, ticket.priority, ref)),
                       ("respond_by", sla.respond_by(ticket.opened_at, ticket.priority, ref))):
        have = getattr(ticket, name)
        if have is not None and have.astimezone(dt.UTC) != want.astimezone(dt.UTC):
            said = "Resolve By" if name == "resolve_by" else "Respond By"
            out.append((name, f"{_stamp(have)} in the file, but the SLA chart gives P"
                              f"{ticket.priority} opened {_stamp(ticket.opened_at)} {said} "
                              f"{_stamp(want)}: changed outside sdesk (no journal entry); {fix}"))
    return out


def field_gaps(ticket: Ticket, type_of_prefix: Mapping[str, str]) -> list[tuple[str, str]]:
    """Values no sdesk command writes, as (field, problem): a journal entry dated before
    `opened_at` (or `opened_at` moved after the first entry; not on an imported ticket, whose
    dates are its source's), a requester e-mail that is not
    one (model.check_email, the check of `new` and `set`), an `effort_hours` `set` refuses
    (model.check_effort: more than 0, at most 1000), a negative `reopens`, and a `type` its ID's prefix
    contradicts (`type_of_prefix`: sdesk.toml [ids], prefix -> type; a prefix it does not
    name is an older setting's and passes)."""
    from sdesk.core.errors import ValidationError
    from sdesk.core.model import check_effort, check_email

    tid, out = ticket.id, list[tuple[str, str]]()
    early = [] if _imported(ticket) else [  # an import's dates are its source's (skew)
        (i, e) for i, e in enumerate(ticket.journal) if e.at < ticket.opened_at]
    if early and early[0][0] == 0:
        out.append(("opened_at", f"{_stamp(ticket.opened_at)} is after the ticket's first "
                                 f"journal entry ({_stamp(ticket.journal[0].at)}, "
                                 f"{ticket.journal[0].kind}): moved by hand; no command sets "
                                 f"it: put opened_at back to {_stamp(ticket.journal[0].at)} in "
                                 f"the file and commit"))
    elif early:
        i, entry = early[0]
        out.append((f"journal[{i}].at", f"{_stamp(entry.at)} is before opened_at "
                                        f"{_stamp(ticket.opened_at)}" + (
                    f" ({len(early)} entries are)" if len(early) > 1 else "") + ": dated by "
                    "hand; no command rewrites an entry: restore it from git (git log -p "
                    "on the file) and commit"))
    try:
        check_email("the address", ticket.requester.email)
    except ValidationError as exc:
        out.append(("requester.email", f"{exc.message}: put it right with sdesk set {tid} "
                                       f"email=name@domain.tld"))
    try:
        check_effort("the estimate", ticket.effort_hours)
    except ValidationError as exc:
        out.append(("effort_hours", f"{exc.message}: put it right with sdesk set {tid} "
                                    f"effort_hours=HOURS"))
    if ticket.reopens < 0:
        counted = sum(1 for e in ticket.journal if e.kind == "reopen")
        out.append(("reopens", f"{ticket.reopens} is negative; the journal records {counted} "
                               f"reopen(s) (only sdesk reopen counts them): put reopens = "
                               f"{counted} in the file and commit"))
    prefix = tid.partition("-")[0]
    meant = type_of_prefix.get(prefix, ticket.type)
    if meant != ticket.type:
        out.append(("type", f"{ticket.type!r} in the file, but the ID's prefix {prefix} is the "
                            f"{meant}s' (sdesk.toml [ids]): a ticket keeps the type it was "
                            f"logged as: put type = \"{meant}\" back in the file and commit (a "
                            f"{ticket.type} is logged anew: sdesk new -t {ticket.type}, then "
                            f"sdesk relate)"))
    return out


# -- Session 40: the first response and the channel, which the KPIs read -------------------------
# A hand edit that adds first_response_at (or moves it earlier) meets the Respond By target
# without a response anybody gave; one that changes the channel moves a ticket in or out of
# first contact resolution (a phone call is first contact, an e-mail is not). Every command
# that sets first_response_at writes a journal entry at that instant (the intake on a live
# channel, a public note, the resolution, a question mailed with a hold, a retyped request's
# mail), or copies the time from the ticket it was separated or retyped from, which is before
# this ticket's own first entry. The intake entry names the channel ("Logged by X via phone").
_VIA = re.compile(r"^Logged by .*? via ([a-z-]+)[;.]")


def response_gaps(ticket: Ticket) -> list[tuple[str, str]]:
    """`first_response_at` no journal entry accounts for and a `channel` the intake entry
    contradicts, as (field, problem); [] for an imported ticket (its source's values), a
    journal without entries, or one without sdesk's intake entry ("Logged by ... via ...": a
    ticket another tool wrote, as bench/generate.py's, says nothing of when it was answered).
    Compared as instants. Raises nothing."""
    if _imported(ticket) or not ticket.journal:
        return []
    out: list[tuple[str, str]] = []
    first = ticket.first_response_at
    logged = next((e for e in ticket.journal if e.kind == "system"
                   and e.text.startswith("Logged by ")), None)
    if first is not None and logged is not None:  # sdesk's own intake: its entries say when
        instants = {e.at.astimezone(dt.UTC) for e in ticket.journal}
        earliest = min(instants)
        moment = first.astimezone(dt.UTC)
        if moment < ticket.opened_at.astimezone(dt.UTC):
            out.append(("first_response_at", f"{_stamp(first)} is before the ticket was "
                        f"opened ({_stamp(ticket.opened_at)}): set by hand; no command moves "
                        f"it: restore it from git (git log -p on the file) and commit"))
        elif moment not in instants and moment >= earliest:
            out.append(("first_response_at", f"{_stamp(first)}, but no journal entry was made "
                        f"then (every response is one: a call at intake, a public note, the "
                        f"resolution): set by hand, and the Respond By figures read it; restore "
                        f"it from git (git log -p on the file) and commit"))
    via = _VIA.match(logged.text) if logged is not None else None
    if via is not None and via.group(1) != ticket.channel:
        out.append(("channel", f"{ticket.channel!r} in the file, but the ticket was logged via "
                    f"{via.group(1)} ({_stamp(logged.at) if logged else ''}): changed by hand "
                    f"(no command changes it; first contact and the response targets read it): "
                    f"put channel = \"{via.group(1)}\" back in the file and commit"))
    return out
