"""The dispatcher's reference documents (reference/*.toml), loaded and cross-checked.

Every problem is a ReferenceError on one line naming the file, the entry and the key, so a
supervisor editing the TOML by hand sees exactly what to fix. Loading uses tomllib only and
takes a few milliseconds: it runs at the start of most commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from datetime import date
from pathlib import Path

from sdesk.core.calendar import WEEKDAYS, Calendar, calendar_from_toml
from sdesk.core.catalogue import FILE as CATALOGUE_FILE
from sdesk.core.catalogue import ServiceInfo, load_catalogue
from sdesk.core.errors import ReferenceError, SdeskError
from sdesk.core.record import record
from sdesk.core.sha1 import sha1

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any, NoReturn

__all__ = [
    "Agency", "Calendar", "PriorityTarget", "Reference", "ReferenceError", "SlaChart",
    "Software", "Team", "Technician", "Vip", "load_reference",
]

TEAM_KINDS = ("service-desk", "asset", "inventory", "dispatch", "support")
CLOCKS = ("business", "24x7")
REGIONS = ("Central", "Northeast", "Northwest", "Southwest", "Southeast")
FILES = ("teams.toml", "agencies.toml", "technicians.toml", "software.toml", "sla.toml",
         "calendar.toml", "vip.toml", "codes.toml", "roles.toml")
LEVELS = (1, 2, 3)  # impact and urgency: 1 = high, 2 = medium, 3 = low


@record(frozen=True)
class Team:
    name: str
    kind: str
    email: str
    supervisor: str
    leads: str
    agencies: tuple[str, ...]  # agency codes; "*" = every agency
    services: tuple[str, ...]

    def supports_agency(self, code: str) -> bool:
        return "*" in self.agencies or code.upper() in self.agencies

    def provides(self, service: str) -> bool:
        wanted = service.casefold()
        return any(s.casefold() == wanted for s in self.services)


@record(frozen=True)
class Agency:
    code: str
    name: str
    location: str
    region: str
    mail_domains: tuple[str, ...] = ()  # lower case; mail from these (or subdomains) names it


@record(frozen=True)
class Technician:
    id: str
    name: str
    email: str
    team: str
    skills: tuple[str, ...]  # lower case
    location: str
    region: str
    onsite: bool  # can go on site
    remote: bool  # works with remote tools
    capacity_hours: float  # effort hours of open work they can hold
    working_days: tuple[int, ...]  # 0 = Monday
    out_of_office: tuple[tuple[date, date], ...]  # inclusive ranges

    def available_on(self, day: date) -> bool:
        """Works that weekday and is not out of office (holidays are the calendar's job)."""
        if day.weekday() not in self.working_days:
            return False
        return not self.away_on(day)

    def away_on(self, day: date) -> str:
        """"out of office FROM to TO" when `day` is inside one of their out_of_office ranges
        (inclusive), else "": the one reading of the ranges assignment and the permit rule
        share (procedures/workload.unavailable_reason, procedures/permits.may_act)."""
        for start, end in self.out_of_office:
            if start <= day <= end:
                return f"out of office {start} to {end}"
        return ""

    def has_skills(self, skills: Iterable[str]) -> bool:
        return all(s.strip().lower() in self.skills for s in skills)


@record(frozen=True)
class Software:
    name: str
    aliases: tuple[str, ...]
    approved: bool
    licences: int | None  # None = site licence, unlimited
    category: str

    def matches(self, name: str) -> bool:
        wanted = name.strip().casefold()
        return wanted == self.name.casefold() or any(wanted == a.casefold()
                                                      for a in self.aliases)


@record(frozen=True)
class PriorityTarget:
    level: int
    name: str
    response_minutes: int
    resolve_minutes: int
    clock: str  # "business" | "24x7"
    description: str  # what work this priority is for, shown to the dispatcher


@record(frozen=True)
class SlaChart:
    targets: dict[int, PriorityTarget]
    matrix: dict[tuple[int, int], int]  # (impact, urgency) -> priority, 1 = highest

    def priority_for(self, impact: int, urgency: int) -> int:
        try:
            return self.matrix[(impact, urgency)]
        except KeyError:
            raise SdeskError(f"impact and urgency must be 1, 2 or 3, got impact {impact}, "
                             f"urgency {urgency}") from None

    def target(self, priority: int) -> PriorityTarget:
        try:
            return self.targets[priority]
        except KeyError:
            known = ", ".join(str(k) for k in sorted(self.targets))
            raise SdeskError(f"unknown priority {priority} (known: {known})") from None


@record(frozen=True)
class Vip:
    email: str
    name: str
    title: str


@record(frozen=True)
class Reference:
    teams: dict[str, Team]
    agencies: dict[str, Agency]
    technicians: dict[str, Technician]
    software: tuple[Software, ...]
    sla: SlaChart
    calendar: Calendar
    vips: dict[str, Vip]  # key = lower-case email
    resolution_codes: dict[str, str]  # code -> meaning
    hold_reasons: dict[str, str]  # reason -> meaning
    service_desk: str
    asset_team: str
    inventory_team: str
    dispatch_team: str
    leads_email: str
    digest: str  # sha1 of the raw bytes of all reference files, for cache invalidation
    # The service catalogue (services.toml, optional): casefolded service name -> entry.
    catalogue: dict[str, ServiceInfo] = field(default_factory=dict)

    def is_service_desk(self, team: str) -> bool:
        """Whether a ticket owned by `team` sits with the Service Desk: the `service_desk`
        role's team (case-insensitive), or no team at all (every ticket starts in the Service
        Desk's queue, so a ticket with none is the Service Desk's: routing it to a team is
        dispatch, not a reassignment hop; docs/triage.md "Reassignments (hops)")."""
        return not team.strip() or team.strip().casefold() == self.service_desk.casefold()

    def service_info(self, service: str) -> ServiceInfo | None:
        """The catalogue entry of a service (case-insensitive), None when it has none."""
        return self.catalogue.get(service.strip().casefold())

    def team(self, name: str) -> Team:
        """The team named `name`: its exact name, or a case-insensitive prefix that only one
        team's name starts with (`is-desk` for "IS-Desktop Support"), as IDs take prefixes.
        Raises ReferenceError for an unknown or ambiguous name (sdesk/core/teamnames.py)."""
        from sdesk.core.teamnames import team_named

        return self.teams[team_named([t.name for t in self.teams.values()], name)]

    def agency(self, code: str) -> Agency:
        try:
            return self.agencies[code.strip().upper()]
        except KeyError:
            raise ReferenceError(f"unknown agency {code!r} "
                                 f"({_did_you_mean(code.strip().upper(), self.agencies)})") from None

    def service(self, name: str) -> str:
        """The service's name as a team provides it (teams.toml), matched case-insensitively.
        Raises ReferenceError with the closest names ("did you mean") when no team provides it."""
        wanted = name.strip().casefold()
        known = {s.casefold(): s for team in self.teams.values() for s in team.services}
        if wanted in known:
            return known[wanted]
        raise ReferenceError(f"unknown service {name.strip()!r} "
                             f"({_did_you_mean(wanted, known, fold=True)})")

    @property
    def skills(self) -> frozenset[str]:
        """The skills of the Technical Skills Reference Document (technicians.toml): every
        skill some technician has, lower case (dispatcher guide assignment-2)."""
        return frozenset(s for tech in self.technicians.values() for s in tech.skills)

    def skill(self, name: str) -> str:
        """The skill as the reference writes it (lower case). Raises ReferenceError with the
        closest skills ("did you mean") when no technician has it: no one could be assigned."""
        wanted = name.strip().lower()
        known = self.skills
        if wanted in known:
            return wanted
        raise ReferenceError(f"unknown skill {name.strip()!r}: no technician has it "
                             f"({_did_you_mean(wanted, {s: s for s in sorted(known)})})")

    def agency_for_address(self, email: str) -> str:
        """The agency code whose mail domain (or a parent domain of it) the address is at, ""
        when none is: mail from ana@health.ok.gov or ana@lab.health.ok.gov names OSDH."""
        domain = email.strip().lower().rpartition("@")[2]
        while domain:
            for agency in self.agencies.values():
                if domain in agency.mail_domains:
                    return agency.code
            domain = domain.partition(".")[2]
        return ""

    def is_vip(self, email: str) -> bool:
        return email.strip().lower() in self.vips

    def software_named(self, name: str) -> Software | None:
        return next((s for s in self.software if s.matches(name)), None)

    def teams_for_service(self, service: str) -> list[Team]:
        """The teams that provide `service` (`Team.provides`: case-insensitive), in teams.toml's
        order; [] when none does. Looked up in a table made at the first call (session 37: a
        trend's mail asks once per report of its group, 10,756 times in the triage bench, each
        scan casefolding every team's services), kept beside the frozen fields as the reference
        is never changed once loaded."""
        providers: dict[str, list[Team]] | None = self.__dict__.get("_providers")
        if providers is None:
            providers = {}
            for team in self.teams.values():
                for name in dict.fromkeys(s.casefold() for s in team.services):
                    providers.setdefault(name, []).append(team)
            self.__dict__["_providers"] = providers
        return list(providers.get(service.casefold(), ()))

    def technician(self, id_or_name: str) -> Technician:
        wanted = id_or_name.strip().casefold()
        for tech in self.technicians.values():
            if wanted in (tech.id.casefold(), tech.name.casefold(), tech.email.casefold()):
                return tech
        raise ReferenceError(f"unknown technician {id_or_name!r} "
                             f"(known: {', '.join(self.technicians)})")


def _did_you_mean(typed: str, known: dict[str, str] | dict[str, Agency], fold: bool = False) -> str:
    """"did you mean X?" with the closest known names, else the whole known list."""
    import difflib

    names = list(known)
    close = difflib.get_close_matches(typed, names, n=3, cutoff=0.6)
    if not close:  # a prefix or a word inside ("print" -> Printing)
        close = [n for n in names if typed and (n.startswith(typed) or typed in n.split())][:3]
    shown = [str(known[n]) if fold else n for n in close]
    if shown:
        return "did you mean " + " or ".join(repr(n) for n in shown) + "?"
    return "known: " + ", ".join(str(known[n]) if fold else n for n in names)


# ---- loading --------------------------------------------------------------------------------


class _Entry:
    """One table of a reference file, with typed getters whose errors name file and entry."""

    def __init__(self, label: str, where: str, table: Any, known: tuple[str, ...],
                 optional: tuple[str, ...] = ()) -> None:
        self.label, self.where = label, where
        if not isinstance(table, dict):
            self.fail(f"must be a table, got {table!r}")
        self.table: dict[str, Any] = table
        extra = sorted(set(table) - set(known) - set(optional))
        if extra:
            self.fail(f"unknown key '{extra[0]}' (known: {', '.join(known + optional)})")
        missing = [k for k in known if k not in table]
        if missing:
            self.fail(f"missing key '{missing[0]}'")

    def fail(self, problem: str) -> NoReturn:
        raise ReferenceError(f"{self.label}: {self.where}: {problem}")

    def text(self, key: str) -> str:
        value = self.table[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key} must be a non-empty string, got {value!r}")
        return str(value).strip()

    def email(self, key: str) -> str:
        value = self.text(key)
        if "@" not in value or " " in value or value.startswith("@") or value.endswith("@"):
            self.fail(f"{key} must be an email address, got {value!r}")
        return value

    def flag(self, key: str) -> bool:
        value = self.table[key]
        if not isinstance(value, bool):
            self.fail(f"{key} must be true or false, got {value!r}")
        return bool(value)

    def whole(self, key: str, lo: int = 0) -> int:
        value = self.table[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < lo:
            self.fail(f"{key} must be a whole number >= {lo}, got {value!r}")
        return int(value)

    def positive(self, key: str) -> float:
        value = self.table[key]
        if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
            self.fail(f"{key} must be a positive number, got {value!r}")
        return float(value)

    def texts(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        if key not in self.table and default is not None:
            return default
        value = self.table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            self.fail(f"{key} must be a list of non-empty strings, got {value!r}")
        return tuple(v.strip() for v in value)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in choices:
            self.fail(f"{key} must be one of {', '.join(choices)}, got {value!r}")
        return value


def _entries(label: str, data: dict[str, Any], array: str) -> list[Any]:
    if set(data) - {array}:
        extra = sorted(set(data) - {array})[0]
        raise ReferenceError(f"{label}: unknown key '{extra}' (expected [[{array}]] tables)")
    value = data.get(array, [])
    if not isinstance(value, list) or not value:
        raise ReferenceError(f"{label}: needs at least one [[{array}]] table")
    return value


def _no_duplicate(label: str, kind: str, seen: Iterable[str], key: str) -> None:
    """Refuse `key` if it is already in `seen`, ignoring case (a typo's twin is a duplicate)."""
    if key.casefold() in {k.casefold() for k in seen}:
        raise ReferenceError(f"{label}: {kind} '{key}': duplicate")


def _name_of(entry: Any, key: str, index: int) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    return value if isinstance(value, str) and value.strip() else f"#{index}"


def _agencies(label: str, data: dict[str, Any]) -> dict[str, Agency]:
    out: dict[str, Agency] = {}
    seen_domains: dict[str, str] = {}
    for i, raw in enumerate(_entries(label, data, "agency"), 1):
        e = _Entry(label, f"agency '{_name_of(raw, 'code', i)}'", raw,
                   ("code", "name", "location", "region"), optional=("mail_domains",))
        code = e.text("code")
        if code != code.upper() or " " in code:
            e.fail(f"code must be upper case without spaces, got {code!r}")
        _no_duplicate(label, "agency", out, code)
        domains = tuple(d.lower().lstrip("@") for d in e.texts("mail_domains", ()))
        for domain in domains:
            if "@" in domain or " " in domain or "." not in domain:
                e.fail(f"mail_domains: {domain!r} is not a mail domain such as health.ok.gov")
            if domain in seen_domains:
                e.fail(f"mail_domains: {domain!r} is listed for agency {seen_domains[domain]} too")
            seen_domains[domain] = code
        out[code] = Agency(code, e.text("name"), e.text("location"), e.choice("region", REGIONS),
                           domains)
    return out


def _teams(label: str, data: dict[str, Any], agencies: dict[str, Agency]) -> dict[str, Team]:
    out: dict[str, Team] = {}
    providers: dict[str, str] = {}
    for i, raw in enumerate(_entries(label, data, "team"), 1):
        e = _Entry(label, f"team '{_name_of(raw, 'name', i)}'", raw,
                   ("name", "kind", "email", "supervisor", "leads", "agencies", "services"))
        name = e.text("name")
        _no_duplicate(label, "team", out, name)
        codes = tuple(c.upper() for c in e.texts("agencies"))
        for code in codes:
            if code != "*" and code not in agencies:
                e.fail(f"agencies: unknown agency '{code}' (see agencies.toml)")
        services = e.texts("services")
        for service in services:
            owner = providers.setdefault(service.casefold(), name)
            if owner != name:
                e.fail(f"services: '{service}' is already provided by team '{owner}' "
                       f"(each service belongs to exactly one team)")
        out[name] = Team(name, e.choice("kind", TEAM_KINDS), e.email("email"),
                         e.email("supervisor"), e.email("leads"), codes, services)
    return out


def _ooo(e: _Entry, value: Any) -> tuple[tuple[date, date], ...]:
    if not isinstance(value, list):
        e.fail("out_of_office must be a list of { from = 2026-12-21, to = 2026-12-24 }")
    ranges: list[tuple[date, date]] = []
    for item in value:
        start = item.get("from") if isinstance(item, dict) else None
        end = item.get("to") if isinstance(item, dict) else None
        if not (isinstance(start, date) and isinstance(end, date) and set(item) == {"from", "to"}):
            e.fail(f"out_of_office entries must be {{ from = YYYY-MM-DD, to = YYYY-MM-DD }} "
                   f"with TOML dates, got {item!r}")
        if end < start:
            e.fail(f"out_of_office: 'to' {end} is before 'from' {start}")
        ranges.append((start, end))
    return tuple(ranges)


def _working_days(e: _Entry) -> tuple[int, ...]:
    days = e.texts("working_days", ("mon", "tue", "wed", "thu", "fri"))
    bad = [d for d in days if d.lower()[:3] not in WEEKDAYS]
    if bad or not days:
        e.fail(f"working_days must list weekdays like \"mon\", got {list(days)!r}")
    return tuple(sorted({WEEKDAYS.index(d.lower()[:3]) for d in days}))


TECH_KEYS = ("id", "name", "email", "team", "skills", "location", "region", "onsite", "remote",
             "capacity_hours")


def _technicians(label: str, data: dict[str, Any],
                 teams: dict[str, Team]) -> dict[str, Technician]:
    out: dict[str, Technician] = {}
    for i, raw in enumerate(_entries(label, data, "technician"), 1):
        e = _Entry(label, f"technician '{_name_of(raw, 'id', i)}'", raw, TECH_KEYS,
                   ("working_days", "out_of_office"))
        tech_id = e.text("id")
        if tech_id != tech_id.lower() or " " in tech_id:
            e.fail(f"id must be lower case without spaces, got {tech_id!r}")
        _no_duplicate(label, "technician", out, tech_id)
        team = e.text("team")
        if team not in teams:
            e.fail(f"team: unknown team '{team}' (see teams.toml)")
        out[tech_id] = Technician(
            tech_id, e.text("name"), e.email("email"), team,
            tuple(s.lower() for s in e.texts("skills")), e.text("location"),
            e.choice("region", REGIONS), e.flag("onsite"), e.flag("remote"),
            e.positive("capacity_hours"), _working_days(e),
            _ooo(e, raw.get("out_of_office", [])))
    return out


def _software(label: str, data: dict[str, Any]) -> tuple[Software, ...]:
    out: list[Software] = []
    seen: set[str] = set()
    for i, raw in enumerate(_entries(label, data, "software"), 1):
        e = _Entry(label, f"software '{_name_of(raw, 'name', i)}'", raw,
                   ("name", "approved", "licences", "category"), ("aliases",))
        name = e.text("name")
        aliases = e.texts("aliases", ())
        for alias in (name, *aliases):
            _no_duplicate(label, "software name or alias", seen, alias)
            seen.add(alias)
        licences = None if raw["licences"] == "site" else e.whole("licences")
        out.append(Software(name, aliases, e.flag("approved"), licences, e.text("category")))
    return tuple(out)


def _sla(label: str, data: dict[str, Any]) -> SlaChart:
    if set(data) - {"priority", "matrix"}:
        extra = sorted(set(data) - {"priority", "matrix"})[0]
        raise ReferenceError(f"{label}: unknown key '{extra}' (expected [[priority]], [matrix])")
    targets: dict[int, PriorityTarget] = {}
    for i, raw in enumerate(_entries(label, {"priority": data.get("priority")}, "priority"), 1):
        where = f"priority {raw.get('level', f'#{i}') if isinstance(raw, dict) else f'#{i}'}"
        e = _Entry(label, where, raw, ("level", "name", "response_minutes", "resolve_minutes",
                                       "clock", "description"))
        level = e.whole("level", 1)
        if level in targets:
            e.fail("duplicate level")
        target = PriorityTarget(level, e.text("name"), e.whole("response_minutes", 1),
                                e.whole("resolve_minutes", 1), e.choice("clock", CLOCKS),
                                e.text("description"))
        if target.resolve_minutes < target.response_minutes:
            e.fail("resolve_minutes must not be shorter than response_minutes")
        targets[level] = target
    return SlaChart(targets, _matrix(label, data.get("matrix"), targets))


def _matrix(label: str, raw: Any, targets: dict[int, PriorityTarget]) -> dict[tuple[int, int], int]:
    if not isinstance(raw, dict):
        raise ReferenceError(f"{label}: needs a [matrix] table of \"impact-urgency\" = priority")
    cells = {f"{i}-{u}": (i, u) for i in LEVELS for u in LEVELS}
    matrix: dict[tuple[int, int], int] = {}
    for key, value in raw.items():
        if key not in cells:
            raise ReferenceError(f"{label}: matrix '{key}': key must be \"impact-urgency\" "
                                 f"with each 1, 2 or 3")
        if not isinstance(value, int) or isinstance(value, bool) or value not in targets:
            raise ReferenceError(f"{label}: matrix '{key}': must name a [[priority]] level, "
                                 f"got {value!r}")
        matrix[cells[key]] = value
    missing = [k for k, cell in cells.items() if cell not in matrix]
    if missing:
        raise ReferenceError(f"{label}: matrix: missing cell '{missing[0]}' "
                             f"(all 9 impact-urgency cells are needed)")
    return matrix


def _vips(label: str, data: dict[str, Any]) -> dict[str, Vip]:
    out: dict[str, Vip] = {}
    for i, raw in enumerate(_entries(label, data, "vip"), 1):
        e = _Entry(label, f"vip '{_name_of(raw, 'email', i)}'", raw, ("email", "name", "title"))
        email = e.email("email").lower()
        _no_duplicate(label, "vip", out, email)
        out[email] = Vip(email, e.text("name"), e.text("title"))
    return out


def _code_table(label: str, data: dict[str, Any], key: str) -> dict[str, str]:
    table = data.get(key)
    if not isinstance(table, dict) or not table:
        raise ReferenceError(f"{label}: needs a non-empty [{key}] table of code = \"meaning\"")
    for code, meaning in table.items():
        if code != code.lower() or " " in code:
            raise ReferenceError(f"{label}: {key} '{code}': code must be lower case without "
                                 f"spaces")
        if not isinstance(meaning, str) or not meaning.strip():
            raise ReferenceError(f"{label}: {key} '{code}': meaning must be a non-empty string")
    return dict(table)


def _codes(label: str, data: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    if set(data) - {"resolution_codes", "hold_reasons"}:
        extra = sorted(set(data) - {"resolution_codes", "hold_reasons"})[0]
        raise ReferenceError(f"{label}: unknown table '{extra}' "
                             f"(expected [resolution_codes], [hold_reasons])")
    return (_code_table(label, data, "resolution_codes"),
            _code_table(label, data, "hold_reasons"))


ROLE_KINDS = {"service_desk": "service-desk", "asset_team": "asset",
              "inventory_team": "inventory", "dispatch_team": "dispatch"}


def _roles(label: str, data: dict[str, Any], teams: dict[str, Team]) -> dict[str, str]:
    e = _Entry(label, "roles", data, (*ROLE_KINDS, "leads_email"))
    roles: dict[str, str] = {}
    for role, kind in ROLE_KINDS.items():
        name = e.text(role)
        if name not in teams:
            e.fail(f"{role}: unknown team '{name}' (see teams.toml)")
        if teams[name].kind != kind:
            e.fail(f"{role}: team '{name}' has kind '{teams[name].kind}', expected '{kind}'")
        roles[role] = name
    roles["leads_email"] = e.email("leads_email")
    return roles


def _read(folder: Path, name: str, blobs: list[bytes]) -> tuple[str, dict[str, Any]]:
    label = f"{folder.name}/{name}"
    from sdesk.core.untrusted import read_limited, toml_loads

    try:
        raw = read_limited(folder.parent, folder / name)
    except FileNotFoundError:
        raise ReferenceError(f"{label}: file is missing") from None
    except OSError as exc:
        raise ReferenceError(f"{label}: cannot read: {exc.strerror}") from None
    except SdeskError as exc:  # a link, not a file, too big: the store is untrusted input
        raise ReferenceError(exc.message.replace(f"{folder.parent}/", "")) from None
    blobs.append(name.encode() + b"\0" + raw + b"\0")
    try:
        # tomllib's message already says "(at line N, column M)".
        return label, toml_loads(raw.decode("utf-8"), label)
    except UnicodeDecodeError:
        raise ReferenceError(f"{label}: not UTF-8 text") from None
    except SdeskError as exc:
        raise ReferenceError(exc.message.replace(": broken TOML:", ": invalid TOML:")) from None


def load_reference(folder: Path) -> Reference:
    """Load and cross-check every reference file in `folder` (the store's reference/)."""
    blobs: list[bytes] = []
    files = {name: _read(folder, name, blobs) for name in FILES}
    agencies = _agencies(*files["agencies.toml"])
    teams = _teams(*files["teams.toml"], agencies)
    roles = _roles(*files["roles.toml"], teams)
    resolution_codes, hold_reasons = _codes(*files["codes.toml"])
    catalogue: dict[str, ServiceInfo] = {}
    if (folder / CATALOGUE_FILE).exists():  # optional: stores made before it have none
        label, data = _read(folder, CATALOGUE_FILE, blobs)
        provided = {s.casefold(): s for team in teams.values() for s in team.services}
        catalogue = load_catalogue(label, data, provided)
    return Reference(
        teams=teams, agencies=agencies,
        technicians=_technicians(*files["technicians.toml"], teams),
        software=_software(*files["software.toml"]), sla=_sla(*files["sla.toml"]),
        calendar=calendar_from_toml(files["calendar.toml"][1], files["calendar.toml"][0]),
        vips=_vips(*files["vip.toml"]), resolution_codes=resolution_codes,
        hold_reasons=hold_reasons, service_desk=roles["service_desk"],
        asset_team=roles["asset_team"], inventory_team=roles["inventory_team"],
        dispatch_team=roles["dispatch_team"], leads_email=roles["leads_email"],
        digest=sha1(b"".join(blobs), usedforsecurity=False).hexdigest(),
        catalogue=catalogue)
