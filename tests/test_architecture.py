"""The house rules docs/architecture.md states, checked against the code.

- SQL lives in the query layer (sdesk/queries.py), the index (sdesk/index.py) and the KPI report
  (sdesk/kpi.py, aggregates over the same table); no other module writes a SQL string or calls
  the index's low-level select.
- The index does not import a report (kpi.py).
- Procedures (and plan.py, the actions they return) load nothing that writes: not git, the
  store, recovery, the executor or the index.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SDESK = Path(__file__).resolve().parent.parent / "sdesk"
SQL_HOMES = {"queries.py", "index.py", "kpi.py"}
# SQL as sdesk writes it: a keyword with SQL around it, or a comparison with a placeholder, or a
# call of the index's raw methods.
SQL = re.compile(
    r"\bSELECT\b.+\bFROM\b|\bWHERE\b|\bORDER BY\b|\bGROUP BY\b|\bINSERT\s+INTO\b|\bDELETE FROM\b"
    r"|\bCOLLATE\b|\b[a-z_]+ (?:=|!=|<|>|<=|>=|LIKE) (?:\?|')|\b[a-z_]+ IN \(|\b(?:open|vip) = [01]\b"
    r"|\.select\(|\.iter_rows\(|\.db\.execute|\.execute\(")


def test_status_changes_only_through_the_transition_table() -> None:
    """Only sdesk/model.py assigns `.status` (change_status, through TRANSITIONS); plans use
    SetStatus, never SetField(field="status")."""
    found = []
    for path in _python_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.status = |field=\"status\"|setattr\([^)]*\"status\"", line):
                found.append(f"{path.relative_to(SDESK)}:{n}: {line.strip()}")
    assert [(f.split(":")[0], f.split(": ", 1)[1]) for f in found] == [
        ("model.py", "ticket.status = status")], found


def _python_files() -> list[Path]:
    return sorted(SDESK.rglob("*.py"))


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: p.relative_to(SDESK).as_posix())
def test_no_sql_outside_the_query_layer(path: Path) -> None:
    if path.name in SQL_HOMES and path.parent == SDESK:
        return
    found = [f"{path.name}:{n}: {line.strip()}"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SQL.search(line)]
    assert not found, "SQL outside sdesk/queries.py (add a named query there):\n" + "\n".join(found)


def test_the_sql_check_catches_a_where() -> None:
    assert SQL.search('rows = index.select("open = 1 AND team = ?", (name,))')
    assert SQL.search("where = \"status = 'new'\"")
    assert SQL.search('sql = "SELECT software, count(*) FROM tickets"')
    assert not SQL.search('if ticket.status == "new":')
    assert not SQL.search('summary = (f"{n} assigned")')


def test_the_index_does_not_import_a_report() -> None:
    source = (SDESK / "index.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from sdesk\.kpi|from sdesk import .*\bkpi\b|import sdesk\.kpi)",
                         source, re.M)


# Procedures return data. Loading one must not load anything that runs git, writes the store,
# rolls back, carries a plan out or opens the index.
PROCEDURES = ["plan", "model", "intake", "triage", "similarity", "relations", "assign",
              "workload", "escalation", "resolve", "procedures", "tasks", "work", "kb", "sla",
              "calendar", "reference", "editing", "lexicon", "judgements", "proposals",
              "catalogue", "triage_requests", "triage_review", "sweep"]
WRITERS = ["sdesk.git", "sdesk.store", "sdesk.recovery", "sdesk.executor", "sdesk.index",
           "sdesk.notify", "sdesk.outbox", "subprocess", "sqlite3"]


def loaded_by(module: str) -> list[str]:
    """The modules of WRITERS that importing `module` loads, in a fresh interpreter."""
    code = (f"import sys, {module}\n"
            f"print(' '.join(m for m in {WRITERS!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.split()


@pytest.mark.parametrize("name", PROCEDURES)
def test_a_procedure_loads_nothing_that_writes(name: str) -> None:
    assert loaded_by(f"sdesk.{name}") == []


def test_the_import_check_sees_a_writer() -> None:
    assert "sdesk.git" in loaded_by("sdesk.executor")
