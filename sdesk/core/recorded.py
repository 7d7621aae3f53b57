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

import re

from sdesk.core.model import Ticket

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
