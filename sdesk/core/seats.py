"""Which requests hold a licence seat (request-4 "licensing available"): one notion, read by
the index's count (`sdesk software`, triage's and a reopen's licence check:
sdesk/store/queries.seats_in_use, in SQL) and by the corrections that must not move a seat
unchecked (sdesk/procedures/editing.py), so the two cannot drift apart.

Only a granted seat is held. A request (or case) with its software written holds one once it
passed triage's licence check (SEAT_FLAG) and is not back in the Service Desk's queue (a
hand-back sets status new), or while its work is under way or done (SEAT_STATUSES, flag or
not: imported requests and the sample store's have none); not while it waits at Inventory
Control for a quote (open and owned by the inventory team, request-4: no licence was free),
and not when it was cancelled or rejected (NO_SEAT_CODES: withdrawn, duplicate, out of scope,
referred elsewhere, no response). docs/triage.md, request-4.
"""

from __future__ import annotations

SEAT_STATUSES = ("assigned", "in-progress", "on-hold", "resolved", "closed")
NO_SEAT_CODES = ("withdrawn", "duplicate", "out-of-scope", "referred", "no-response")
SEAT_FLAG = "licence-seat"  # a request that passed triage's licence check holds a seat


def holds_seat(ticket_type: str, status: str, software: str, flags: list[str] | tuple[str, ...],
               resolution_code: str, team: str, inventory_team: str) -> bool:
    """Whether a ticket with these values holds a seat of `software` (the rule above; the
    index's SQL in queries.seats_in_use says the same)."""
    is_open = status not in ("resolved", "closed")
    return (ticket_type in ("request", "case") and software != ""
            and (status in SEAT_STATUSES
                 or (is_open and status != "new" and SEAT_FLAG in flags))
            and resolution_code not in NO_SEAT_CODES
            and not (is_open and team == inventory_team and inventory_team != ""))
