"""JSON output against its documented schema (docs/json.md): the field table is read from the
page and checked against what `list`, `queue`, `show`, `new`, `task new` and `export --jsonl`
really print on a copy of the sample store; every `--json` carries `schema_version`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import Desk
from docs_examples import ROOT, SAMPLE_NOW, STORE_PARTS

from sdesk.core.ticketjson import SCHEMA_VERSION

DOC = ROOT / "docs" / "json.md"
ROW = re.compile(r"^\| `([a-z_.]+)` \| ([a-z ]+) \| (yes|no|show) \|")


def documented() -> dict[str, tuple[str, str]]:
    """field (dotted for nested ones) -> (type, where: yes = in list rows, no = whole ticket
    only, show = show only), from the table under "## The ticket"."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The ticket", 1)[1].split("\n## ", 1)[0]
    fields = {m.group(1): (m.group(2).strip(), m.group(3))
              for m in map(ROW.match, section.splitlines()) if m}
    assert len(fields) > 50, "the field table of docs/json.md was not found"
    return fields


def _is(value: Any, kind: str) -> bool:
    if kind.endswith(" or null"):
        return value is None or _is(value, kind.removesuffix(" or null"))
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, dict),
        "array of strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
        "array of objects": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
    }
    assert kind in checks, f"docs/json.md: unknown type {kind!r}"
    return bool(checks[kind](value))


def check_object(obj: dict[str, Any], views: set[str], what: str) -> None:
    """`obj` has exactly the documented fields of `views` (top level and nested), each of its
    documented type."""
    fields = documented()
    wanted = {name: kind for name, (kind, where) in fields.items() if where in views}
    top = {name for name in wanted if "." not in name}
    assert set(obj) == top, f"{what}: extra {set(obj) - top}, missing {top - set(obj)}"
    for name, kind in wanted.items():
        parent, _, child = name.rpartition(".")
        holder = obj if not parent else obj[parent]
        if holder is None:  # resolution / csat not set: no children to check
            continue
        assert _is(holder[child], kind), f"{what}: {name} = {holder[child]!r} is not {kind}"
        if not parent and kind.startswith("object") and holder[child] is not None and \
                any(n.startswith(name + ".") for n in wanted):
            children = {n.split(".", 1)[1] for n in wanted if n.startswith(name + ".")}
            assert set(holder[child]) == children, f"{what}: {name} has {set(holder[child])}"


@pytest.fixture
def sample(tmp_path: Path) -> Desk:
    """A copy of the sample store in its own git repository, at the sample's Monday afternoon."""
    root = tmp_path / "desk"
    root.mkdir()
    for name in STORE_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return Desk(root, now=SAMPLE_NOW)


def _stream(text: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(text)
    return data


def test_list_and_show_follow_the_documented_schema_with_the_same_values(sample: Desk) -> None:
    held = sample.json("list", "--status", "assigned")[0]["id"]
    sample.run("hold", held, "--reason", "awaiting-vendor")
    sample.run("resume", held)
    rows = _stream(sample.run("list", "--all", "--json").stdout)
    assert len(rows) > 30
    assert any(r["resolution"] for r in rows) and any(r["csat"] for r in rows)
    for row in rows:
        check_object(row, {"yes"}, f"list {row['id']}")
        shown = sample.json("show", row["id"])
        check_object(shown, {"yes", "no", "show"}, f"show {row['id']}")
        for key, value in row.items():  # the same names hold the same values
            if isinstance(value, dict):
                assert {k: shown[key][k] for k in value} == value, (row["id"], key)
            else:
                assert shown[key] == value, (row["id"], key, shown[key], value)
    assert sample.json("show", held)["holds"], "a hold to check the holds' shape against"


def test_queue_new_task_and_export_follow_the_documented_schema(sample: Desk) -> None:
    for row in _stream(sample.run("queue", "--json").stdout):
        check_object(row, {"yes"}, f"queue {row['id']}")
    made = sample.json("new", "-T", "Scanner offline", "--email", "ana.ruiz@omes.ok.gov",
                       "--agency", "OMES", "--service", "Printing", "-d", "Since noon")
    check_object(made, {"yes", "no"}, "new")
    task = sample.json("task", "new", "--parent", made["id"], "-T", "Check the scanner's cable")
    check_object(task, {"yes", "no"}, "task new")
    lines = sample.run("export", "--jsonl").stdout.splitlines()
    assert len(lines) > 30
    for line in lines:
        ticket = json.loads(line)
        check_object(ticket, {"yes", "no"}, f"export {ticket['id']}")


def test_every_json_output_carries_the_schema_version(sample: Desk) -> None:
    ticket = sample.json("list", "--limit", "1")[0]["id"]
    sample.run("triage", "--all")  # something in outbox/ to list
    objects = ["show", ticket], ["kpi"], ["handover"], ["check"], ["reindex"], \
        ["triage", ticket, "--dry-run"], ["kb", "show", "KB-printer-offline"]
    arrays = ["list"], ["queue"], ["workload"], ["stale", "--days", "1"], ["task", "list"], \
        ["kb", "list"], ["software"], ["outbox", "list"]
    for args in objects:
        result = sample.run(*args, "--json", ok=False)
        assert result.exit_code in (0, 4), (args, result.stderr)
        assert json.loads(result.stdout)["schema_version"] == SCHEMA_VERSION, args
    for args in arrays:
        rows = json.loads(sample.run(*args, "--json").stdout)
        assert rows, args
        assert all(r["schema_version"] == SCHEMA_VERSION for r in rows), args


def test_workload_uses_the_tickets_names_for_hours_and_lists(sample: Desk) -> None:
    rows = sample.json("workload")
    assert set(rows[0]) == {"schema_version", "technician", "name", "team", "open_tickets",
                            "effort_hours", "capacity_hours", "free_hours", "load_pct",
                            "available", "skills"}
    assert all(isinstance(r["skills"], list) for r in rows)


def test_a_plan_prints_a_new_ticket_in_the_ticket_schema(sample: Desk) -> None:
    """`--dry-run --json` of a command that creates a ticket (parent new, triage's parent case,
    task new) shows it as `show --json` would, not as the ticket file's dataclass."""
    child = sample.json("new", "-T", "Scanner offline", "--email", "ana.ruiz@omes.ok.gov",
                        "--agency", "OMES", "--service", "Printing", "-d", "Since noon")["id"]
    plan = sample.json("parent", "new", "--from", child, "--dry-run")
    assert set(plan) == {"schema_version", "dry_run", "actions"}
    assert plan["schema_version"] == SCHEMA_VERSION and plan["dry_run"] is True
    create = plan["actions"][0]
    assert set(create) == {"ticket", "action", "rule", "reason", "new"}
    assert create["action"] == "create" and create["new"]["id"] == create["ticket"]
    check_object(create["new"], {"yes", "no"}, "parent new --dry-run --json: new")
    assert create["new"]["title"] == "Parent: Scanner offline"
    assert create["new"]["opened_at"] == "2026-11-23T14:00:00-06:00"  # the store's zone
    for action in plan["actions"]:
        assert {"ticket", "action", "rule", "reason"} <= set(action), action
    applied = sample.json("parent", "new", "--from", child)
    assert applied["dry_run"] is False and applied["commit"]
    made = applied["actions"][0]["new"]
    shown = sample.json("show", made["id"])
    assert {k: shown[k] for k in made} == made  # the plan's names and values are show's
