"""What `sdesk check` (and the pre-commit hook, `check --staged`) reports of one ticket that
loads: model.ticket_problems (broken invariants, a priority or a resolution changed by hand),
then the hand edits core/recorded.py reads against the store's reference data and ID prefixes
(due_gaps, field_gaps; session 39; response_gaps, session 40). The reference data is read once
per store; when it does not load (check reports that on its own), Resolve By and Respond By are
not compared."""

from __future__ import annotations

import functools

from sdesk.core.errors import SdeskError
from sdesk.core.model import Ticket, ticket_problems
from sdesk.core.recorded import due_gaps, field_gaps, response_gaps

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from sdesk.core.reference import Reference
    from sdesk.store import Store


@functools.lru_cache(maxsize=4)
def _context(store: Store) -> tuple[Reference | None, dict[str, str]]:
    """The store's reference data (None when it does not load) and its ID prefixes, as
    prefix -> ticket type (sdesk.toml [ids]; none when sdesk.toml does not load)."""
    from sdesk.core.ids import DEFAULT_PREFIXES

    try:
        ref: Reference | None = store.reference
    except SdeskError:
        ref = None
    try:
        prefixes = {store.id_prefix(kind): kind for kind in DEFAULT_PREFIXES}
    except SdeskError:  # a bad sdesk.toml: check reports it as a finding, not as an error
        prefixes = {}  # (tests/test_settings.py); no prefix is then compared with a type
    return ref, prefixes


def problems_of(store: Store, ticket: Ticket) -> list[tuple[str, str]]:
    """Every problem `sdesk check` reports of `ticket` (a file that loaded), as (field,
    problem): ticket_problems, then recorded.due_gaps, field_gaps and response_gaps."""
    ref, prefixes = _context(store)
    return (ticket_problems(ticket) + (due_gaps(ticket, ref) if ref is not None else [])
            + field_gaps(ticket, prefixes) + response_gaps(ticket))
