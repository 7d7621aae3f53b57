"""sdesk export: ServiceNow CSV (round-trips with import) and JSON lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sdesk.cli import cli
from tests.conftest import Desk
from tests.test_import import EVENT_LOG, INCIDENTS

# The fields a ServiceNow row and a ticket both know.
SHARED = ("title", "status", "priority", "impact", "urgency", "channel", "team", "assignee",
          "service", "category", "location", "flags", "external_ref", "reopens",
          "reassignments", "opened_at", "updated_at", "resolve_by", "resolved_at", "closed_at",
          "imported")


def other_desk(tmp_path: Path) -> Desk:
    root = tmp_path / "other"
    result = CliRunner().invoke(cli, ["init", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Desk(root)


def shared(ticket: dict[str, Any]) -> dict[str, Any]:
    out = {k: ticket[k] for k in SHARED}
    res = ticket["resolution"]
    out["resolution"] = (res["code"], res["by"]) if res else None
    out["requester"] = ticket["requester"]["name"]
    return out


def test_csv_export_imports_back_to_the_same_tickets(desk: Desk, tmp_path: Path) -> None:
    desk.run("import", "servicenow", EVENT_LOG)
    desk.run("import", "servicenow", INCIDENTS)
    exported = tmp_path / "out.csv"
    desk.run("export", "--csv", "-o", str(exported))
    other = other_desk(tmp_path)
    assert "5 new" in other.run("import", "servicenow", str(exported)).stdout
    for number in ("INC0000045", "INC0000047", "INC0000048", "INC0000049", "INC0000050"):
        assert shared(other.ticket(number)) == shared(desk.ticket(number)), number


def test_csv_export_uses_servicenow_columns_and_values(desk: Desk) -> None:
    desk.run("import", "servicenow", INCIDENTS)
    rows = list(csv.DictReader(io.StringIO(desk.run("export", "--imported").stdout)))
    row = next(r for r in rows if r["number"] == "INC0000045")
    assert row["incident_state"] == "Closed" and row["active"] == "false"
    assert row["priority"] == "3 - Moderate" and row["impact"] == "2 - Medium"
    assert row["opened_at"] == "29/2/2016 01:16:00"
    assert row["assignment_group"] == "IS-Email & Collaboration"
    assert row["knowledge"] == "true" and row["closed_code"] == "fixed"
    assert row["cmdb_ci"] == "?" and row["u_symptom"] == "Symptom 72"  # [import] columns
    held = next(r for r in rows if r["number"] == "INC0000048")
    assert held["incident_state"] == "Awaiting User Info" and held["contact_type"] == "Walk in"


def test_jsonl_export_writes_one_full_ticket_per_line(desk: Desk) -> None:
    desk.run("import", "servicenow", EVENT_LOG)
    lines = desk.run("export", "--jsonl").stdout.splitlines()
    tickets = [json.loads(line) for line in lines]
    assert sorted(t["external_ref"] for t in tickets) == ["INC0000045", "INC0000047"]
    first = next(t for t in tickets if t["external_ref"] == "INC0000045")
    shown = desk.ticket("INC0000045")
    assert {k: shown[k] for k in first} == first
    assert len(first["journal"]) == 6


def test_export_filters_by_team_and_status(desk: Desk) -> None:
    desk.run("import", "servicenow", INCIDENTS)
    by_team = desk.run("export", "--team", "group 70").stdout.splitlines()
    assert len(by_team) == 2 and by_team[1].startswith("INC0000047,")
    done = desk.run("export", "--status", "closed", "--status", "resolved").stdout
    assert sorted(r["number"] for r in csv.DictReader(io.StringIO(done))) == [
        "INC0000045", "INC0000049"]
    since = desk.run("export", "--since", "2016-03-02", "--until", "2016-03-03").stdout
    assert [r["number"] for r in csv.DictReader(io.StringIO(since))] == ["INC0000049"]


def test_export_to_a_file_says_how_many(desk: Desk, tmp_path: Path) -> None:
    desk.run("import", "servicenow", INCIDENTS)
    target = tmp_path / "all.jsonl"
    result = desk.run("export", "--jsonl", "--open", "-o", str(target))
    assert result.stdout == ""
    assert "wrote 3 tickets" in result.stderr
    assert len(target.read_text().splitlines()) == 3


def test_an_sdesk_ticket_exported_and_imported_back_updates_itself(desk: Desk,
                                                                   tmp_path: Path) -> None:
    ticket_id = desk.new("-T", "Monitor flickers", "--name", "Ana Ruiz")
    exported = tmp_path / "own.csv"
    desk.run("export", "-o", str(exported))
    assert exported.read_text().splitlines()[1].startswith(ticket_id + ",")
    out = desk.run("import", "servicenow", str(exported)).stdout
    assert "(0 new, 1 updated" in out
    tickets = desk.json("list", "--all")
    assert [t["id"] for t in tickets] == [ticket_id]
    assert desk.ticket(ticket_id)["title"] == "Monitor flickers"


def test_export_to_dev_null_leaves_the_device_alone(desk):
    # session 37: the temporary file renamed over FILE replaced /dev/null (as root) with a
    # regular file, and later programs reading /dev/null read sdesk's output
    import stat
    from pathlib import Path

    desk.run("export", "-o", "/dev/null")
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
