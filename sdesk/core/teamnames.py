"""A team named the way people type it: the exact name or a unique case-insensitive prefix.

Kept apart from sdesk/core/reference.py so a filter (`queue --team`, `list --team`) can resolve
a name from the store's cached list of team names without loading the reference data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sdesk.core.errors import ReferenceError


def team_named(names: Sequence[str], typed: str) -> str:
    """The one of `names` (reference/teams.toml's teams, in file order) that `typed` names:
    its exact name, any case, or a case-insensitive prefix only that team's name starts with
    (`is-desk` for "IS-Desktop Support"), as IDs take prefixes. ReferenceError for an unknown
    or ambiguous name."""
    wanted = typed.strip().casefold()
    for name in names:
        if name.casefold() == wanted:
            return name
    found = [name for name in names if wanted and name.casefold().startswith(wanted)]
    if len(found) == 1:
        return found[0]
    if found:
        raise ReferenceError(f"team {typed!r} is ambiguous: it could be {', '.join(found)}")
    raise ReferenceError(f"unknown team {typed!r} (known: {', '.join(names)})")


def unknown_team(names: Iterable[str], held: str) -> str:
    """What `sdesk check` says of an open ticket whose file holds team `held`, none of `names`
    (reference/teams.toml's teams). A name that differs from a team's only in case gets that
    team's spelling: a file's team must be spelled as the reference spells it, since queue,
    triage, assign and `list --team` match it exactly, while what people *type* is matched in
    any case (session 34: `list --team` matched files in any case, so it listed a ticket the
    queue and triage of that team left out)."""
    spelled = next((name for name in names if name.casefold() == held.casefold()), "")
    if spelled:
        return (f"{held!r} is not a team of reference/teams.toml, which spells it {spelled!r}: "
                "write that in the file (queue, triage and list --team go by the reference's "
                "spelling)")
    return f"{held!r} is not a team of reference/teams.toml (add it there, or sdesk assign the ticket)"


def unknown_technician(ids: Iterable[str], held: str) -> str:
    """What `sdesk check` says of an open ticket assigned to `held`, none of `ids`
    (reference/technicians.toml's ids): the id spelled otherwise when only its case differs."""
    spelled = next((i for i in ids if i.casefold() == held.casefold()), "")
    if spelled:
        return (f"{held!r} is not a technician of reference/technicians.toml, which spells the "
                f"id {spelled!r}: write that in the file")
    return (f"{held!r} is not a technician of reference/technicians.toml (add them there, or "
            "sdesk assign the ticket to a technician)")
