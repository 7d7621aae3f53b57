"""Reference data: the sample OMES data loads, lookups work, and every broken file gives one
line naming the file, the entry and the problem."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sdesk.core.errors import ReferenceError, SdeskError
from sdesk.core.reference import Reference, load_reference

DEFAULTS = Path(__file__).parent.parent / "sdesk" / "defaults" / "reference"


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference(DEFAULTS)


def test_loading_the_reference_data_defers_the_holiday_rules() -> None:
    """Loading is cheap because the holiday rules (dateutil's rrule) and the free-form date
    parser are only imported when a calendar question is asked; `make bench` times it (no
    timing assertions here: the machines are shared)."""
    code = ("import sys; from sdesk.core.reference import load_reference; from pathlib import Path; "
            f"load_reference(Path({str(DEFAULTS)!r})); "
            "print(sorted(m for m in ('dateutil.rrule', 'dateutil.parser', 'tabulate', 'sqlite3') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_roles(ref: Reference) -> None:
    assert ref.service_desk == "IS-Service Desk"
    assert ref.asset_team == "IS-Asset Team"
    assert ref.inventory_team == "IT Inventory Control Manager"
    assert ref.dispatch_team == "IS-Field Dispatch"
    assert ref.leads_email == "ServiceDeskLeads@omes.ok.gov"


def test_the_service_desk_is_its_team_in_any_case_or_no_team(ref: Reference) -> None:
    """The one test of "is this ticket the Service Desk's" (intake's gaps and refusal,
    triage's hop counting): no team counts, another team does not."""
    assert ref.is_service_desk("IS-Service Desk") and ref.is_service_desk("is-service desk")
    assert ref.is_service_desk("") and ref.is_service_desk("  ")
    assert not ref.is_service_desk("IS-Desktop Support")


def test_team_lookup_is_case_insensitive(ref: Reference) -> None:
    assert ref.team("is-desktop support").name == "IS-Desktop Support"


def test_unknown_team_names_the_known_ones(ref: Reference) -> None:
    with pytest.raises(SdeskError, match=r"unknown team 'Helpdesk' \(known: IS-Service Desk, "):
        ref.team("Helpdesk")


def test_supported_agencies(ref: Reference) -> None:
    assert ref.team("IS-Service Desk").supports_agency("anything")
    applications = ref.team("IS-Applications")
    assert applications.supports_agency("otc")
    assert not applications.supports_agency("ODWC")


def test_each_service_has_one_team(ref: Reference) -> None:
    assert [t.name for t in ref.teams_for_service("vpn")] == ["IS-Network Services"]
    assert [t.name for t in ref.teams_for_service("Email")] == ["IS-Email & Collaboration"]
    assert ref.teams_for_service("Time travel") == []


def test_software_by_name_or_alias(ref: Reference) -> None:
    acrobat = ref.software_named("acrobat pro")
    assert acrobat is not None and acrobat.licences == 25 and acrobat.approved
    reader = ref.software_named("Adobe Acrobat Reader")
    assert reader is not None and reader.licences is None  # site licence
    winrar = ref.software_named("WinRAR")
    assert winrar is not None and not winrar.approved
    assert ref.software_named("Minesweeper") is None


def test_vip_by_email_any_case(ref: Reference) -> None:
    assert ref.is_vip("CIO@omes.ok.gov")
    assert not ref.is_vip("someone@omes.ok.gov")


def test_technician_lookup(ref: Reference) -> None:
    assert ref.technician("MHERNANDEZ").name == "Maria Hernandez"
    assert ref.technician("maria hernandez").id == "mhernandez"
    with pytest.raises(SdeskError, match="unknown technician 'nobody'"):
        ref.technician("nobody")


def test_technician_availability_and_skills(ref: Reference) -> None:
    rwolfe = ref.technician("rwolfe")  # part-timer, Mon-Wed
    assert rwolfe.available_on(date(2026, 3, 2))
    assert not rwolfe.available_on(date(2026, 3, 5))
    skimble = ref.technician("skimble")  # out 2026-12-21 .. 2026-12-23 inclusive
    assert not skimble.available_on(date(2026, 12, 23))
    assert skimble.available_on(date(2026, 12, 28))
    assert skimble.has_skills(["Printers", "windows"])
    assert not skimble.has_skills(["cisco"])


def test_sla_chart(ref: Reference) -> None:
    assert ref.sla.priority_for(1, 1) == 1
    assert ref.sla.priority_for(2, 2) == 3
    assert ref.sla.priority_for(3, 3) == 4
    p1 = ref.sla.target(1)
    assert (p1.response_minutes, p1.resolve_minutes, p1.clock) == (15, 240, "24x7")
    with pytest.raises(SdeskError, match="unknown priority 9"):
        ref.sla.target(9)
    with pytest.raises(SdeskError, match="impact and urgency"):
        ref.sla.priority_for(0, 1)


def test_codes(ref: Reference) -> None:
    assert "duplicate" in ref.resolution_codes
    assert set(ref.hold_reasons) >= {"awaiting-customer", "awaiting-vendor", "awaiting-change"}


def test_digest_changes_with_content(tmp_path: Path, ref: Reference) -> None:
    folder = copy_reference(tmp_path)
    assert load_reference(folder).digest == ref.digest
    with (folder / "vip.toml").open("a", encoding="utf-8") as f:
        f.write("\n# a comment\n")
    assert load_reference(folder).digest != ref.digest


def copy_reference(tmp_path: Path) -> Path:
    folder = tmp_path / "reference"
    shutil.copytree(DEFAULTS, folder)
    return folder


BROKEN = [
    ("capacity-negative", "technicians.toml", "capacity_hours = 40", "capacity_hours = -3",
     "reference/technicians.toml: technician 'mhernandez': capacity_hours must be a positive "
     "number, got -3"),
    ("technician-unknown-team", "technicians.toml", 'team = "IS-Service Desk"',
     'team = "IS-Helpdesk"',
     "reference/technicians.toml: technician 'aparker': team: unknown team 'IS-Helpdesk'"),
    ("technician-duplicate", "technicians.toml", 'id = "jtran"', 'id = "aparker"',
     "reference/technicians.toml: technician 'aparker': duplicate"),
    ("technician-bad-onsite", "technicians.toml", "onsite = false", 'onsite = "no"',
     "reference/technicians.toml: technician 'aparker': onsite must be true or false, got 'no'"),
    ("ooo-backwards", "technicians.toml", "{ from = 2026-12-28, to = 2026-12-31 }",
     "{ from = 2026-12-28, to = 2026-12-01 }",
     "reference/technicians.toml: technician 'jtran': out_of_office: 'to' 2026-12-01 is before "
     "'from' 2026-12-28"),
    ("ooo-string-dates", "technicians.toml", "{ from = 2026-12-28, to = 2026-12-31 }",
     '{ from = "Dec 28", to = 2026-12-31 }',
     "reference/technicians.toml: technician 'jtran': out_of_office entries must be"),
    ("technician-typo-key", "technicians.toml", "capacity_hours = 40", "capacty_hours = 40",
     "reference/technicians.toml: technician 'mhernandez': unknown key 'capacty_hours'"),
    ("team-unknown-agency", "teams.toml", 'agencies = ["OMES", "OSDH", "DHS", "OTC"',
     'agencies = ["OMES", "OSDH", "DHSX", "OTC"',
     "reference/teams.toml: team 'IS-Applications': agencies: unknown agency 'DHSX'"),
    ("team-bad-kind", "teams.toml", 'kind = "asset"', 'kind = "assets"',
     "reference/teams.toml: team 'IS-Asset Team': kind must be one of service-desk, asset, "
     "inventory, dispatch, support, got 'assets'"),
    ("team-duplicate", "teams.toml", 'name = "IS-Telecom"', 'name = "IS-Network Services"',
     "reference/teams.toml: team 'IS-Network Services': duplicate"),
    ("service-in-two-teams", "teams.toml", '"Fax"]', '"Fax", "VPN"]',
     "reference/teams.toml: team 'IS-Telecom': services: 'VPN' is already provided by team "
     "'IS-Network Services'"),
    ("team-missing-key", "teams.toml", 'leads = "TelecomLeads@omes.ok.gov"\n', "",
     "reference/teams.toml: team 'IS-Telecom': missing key 'leads'"),
    ("agency-duplicate", "agencies.toml", 'code = "OSDH"', 'code = "OMES"',
     "reference/agencies.toml: agency 'OMES': duplicate"),
    ("agency-bad-region", "agencies.toml", 'region = "Southeast"', 'region = "South"',
     "reference/agencies.toml: agency 'DOC-OSP': region must be one of Central, Northeast, "
     "Northwest, Southwest, Southeast, got 'South'"),
    ("role-unknown-team", "roles.toml", 'dispatch_team = "IS-Field Dispatch"',
     'dispatch_team = "IS-Dispatch"',
     "reference/roles.toml: roles: dispatch_team: unknown team 'IS-Dispatch'"),
    ("role-wrong-kind", "roles.toml", 'asset_team = "IS-Asset Team"',
     'asset_team = "IS-Telecom"',
     "reference/roles.toml: roles: asset_team: team 'IS-Telecom' has kind 'support', "
     "expected 'asset'"),
    ("matrix-missing-cell", "sla.toml", '"3-3" = 4\n', "",
     "reference/sla.toml: matrix: missing cell '3-3'"),
    ("matrix-unknown-priority", "sla.toml", '"2-3" = 4', '"2-3" = 5',
     "reference/sla.toml: matrix '2-3': must name a [[priority]] level, got 5"),
    ("matrix-bad-key", "sla.toml", '"2-3" = 4', '"2-4" = 4',
     "reference/sla.toml: matrix '2-4': key must be \"impact-urgency\""),
    ("priority-bad-clock", "sla.toml", 'clock = "24x7"', 'clock = "always"',
     "reference/sla.toml: priority 1: clock must be one of business, 24x7, got 'always'"),
    ("priority-duplicate", "sla.toml", "level = 4", "level = 3",
     "reference/sla.toml: priority 3: duplicate level"),
    ("software-negative-licences", "software.toml", "licences = 25", "licences = -1",
     "reference/software.toml: software 'Adobe Acrobat Pro': licences must be a whole number "
     ">= 0, got -1"),
    ("software-alias-clash", "software.toml", 'aliases = ["Tableau"]', 'aliases = ["Visio"]',
     "reference/software.toml: software name or alias 'Visio': duplicate"),
    ("vip-bad-email", "vip.toml", 'email = "cio@omes.ok.gov"', 'email = "the CIO"',
     "reference/vip.toml: vip 'the CIO': email must be an email address, got 'the CIO'"),
    ("codes-bad-code", "codes.toml", "fixed = ", "Fixed = ",
     "reference/codes.toml: resolution_codes 'Fixed': code must be lower case"),
    ("calendar-bad-zone", "calendar.toml", '"America/Chicago"', '"Central"',
     "reference/calendar.toml: timezone: unknown time zone 'Central'"),
    ("broken-toml", "agencies.toml", 'code = "OSDH"', 'code = "OSDH',
     "reference/agencies.toml: invalid TOML: "),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_broken_reference(tmp_path: Path, file: str, old: str, new: str, message: str) -> None:
    folder = copy_reference(tmp_path)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {file}"
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ReferenceError) as err:
        load_reference(folder)
    assert err.value.message.startswith(message)
    assert "\n" not in err.value.message


def test_broken_toml_names_the_line(tmp_path: Path) -> None:
    folder = copy_reference(tmp_path)
    (folder / "vip.toml").write_text('[[vip]]\nemail = "a@b.c"\nname = \n', encoding="utf-8")
    with pytest.raises(ReferenceError, match=r"reference/vip.toml: invalid TOML: .*line 3"):
        load_reference(folder)


def test_missing_file(tmp_path: Path) -> None:
    folder = copy_reference(tmp_path)
    (folder / "roles.toml").unlink()
    with pytest.raises(ReferenceError, match=r"^reference/roles\.toml: file is missing$"):
        load_reference(folder)
