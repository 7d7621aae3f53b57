"""The service catalogue (reference/services.toml): for each service a team provides, the kind
of work (hardware, software, access...), the skills it usually needs and the words people use
for it. Optional: a store without the file has an empty catalogue and triage falls back to the
teams' service names and the software list. Loaded by `reference.load_reference`.
"""

from __future__ import annotations

from sdesk.core.errors import ReferenceError
from sdesk.core.record import record

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any

SERVICE_KINDS = ("hardware", "software", "access", "network", "collaboration", "application",
                 "telecom", "general")
FILE = "services.toml"


@record(frozen=True)
class ServiceInfo:
    """One catalogue entry. `words` are lower case; a word of several words is a phrase."""

    name: str
    kind: str
    skills: tuple[str, ...]
    words: tuple[str, ...]


def load_catalogue(label: str, data: dict[str, Any], services: dict[str, str]
                   ) -> dict[str, ServiceInfo]:
    """Entries keyed by the casefolded service name. `services` maps every casefolded service a
    team provides to its spelling; an entry for any other service is a ReferenceError, as is
    a bad kind or a duplicate."""
    from sdesk.core.reference import _Entry

    raw_list = data.get("service", [])
    if set(data) - {"service"} or not isinstance(raw_list, list):
        raise ReferenceError(f"{label}: expected [[service]] tables only")
    out: dict[str, ServiceInfo] = {}
    for i, raw in enumerate(raw_list, 1):
        name = raw.get("name") if isinstance(raw, dict) else None
        e = _Entry(label, f"service '{name if isinstance(name, str) else f'#{i}'}'", raw,
                   ("name", "kind"), ("skills", "words"))
        text = e.text("name")
        key = text.casefold()
        if key not in services:
            e.fail("name: no team provides this service (see teams.toml)")
        if key in out:
            e.fail("duplicate")
        skills = e.texts("skills", ()) if raw.get("skills") else ()
        words = e.texts("words", ()) if raw.get("words") else ()
        out[key] = ServiceInfo(services[key], e.choice("kind", SERVICE_KINDS),
                               tuple(s.lower() for s in skills), tuple(w.lower() for w in words))
    return out
