"""The house rules docs/architecture.md states, checked against the code.

- SQL lives in the query layer (sdesk/store/queries.py), the index (sdesk/store/index.py) and the KPI report
  (sdesk/reports/kpi.py, aggregates over the same table); no other module writes a SQL string or calls
  the index's low-level select.
- The index does not import a report (kpi.py).
- Journal entries are built by `model.journal_entry`; JSON output is written by the renderer.
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
SQL_HOMES = {"store/queries.py", "store/index.py", "reports/kpi.py", "store/kpi_sums.py",
             "store/day_sums.py"}
# SQL as sdesk writes it: a keyword with SQL around it, or a comparison with a placeholder, or a
# call of the index's raw methods.
SQL = re.compile(
    r"\bSELECT\b.+\bFROM\b|\bWHERE\b|\bORDER BY\b|\bGROUP BY\b|\bINSERT\s+INTO\b|\bDELETE FROM\b"
    r"|\bCOLLATE\b|\b[a-z_]+ (?:=|!=|<|>|<=|>=|LIKE) (?:\?|')|\b[a-z_]+ IN \(|\b(?:open|vip) = [01]\b"
    r"|\.select\(|\.iter_rows\(|\.db\.execute|\.execute\(")


def test_status_changes_only_through_the_transition_table() -> None:
    """Only sdesk/core/model.py assigns `.status` (change_status, through TRANSITIONS); plans use
    SetStatus, never SetField(field="status")."""
    found = []
    for path in _python_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.status = |field=\"status\"|setattr\([^)]*\"status\"", line):
                found.append(f"{path.relative_to(SDESK)}:{n}: {line.strip()}")
    assert [(f.split(":")[0], f.split(": ", 1)[1]) for f in found] == [
        ("core/model.py", "ticket.status = status")], found


def test_journal_entries_are_built_by_the_one_helper() -> None:
    """Every journal entry sdesk writes is built by `model.journal_entry` (the file loader in
    sdesk/core/model.py reads them back): no other module constructs a JournalEntry itself."""
    found = [f"{path.relative_to(SDESK)}:{n}: {line.strip()}"
             for path in _python_files() if path.relative_to(SDESK).as_posix() != "core/model.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bJournalEntry\(", line)]
    assert not found, "use model.journal_entry(...):\n" + "\n".join(found)


# json.dumps outside the renderer: files sdesk keeps for itself (the crash-recovery record, the
# lock's holder, the merge driver's comparison key), not output.
JSON_HOMES = {"core/render.py", "git/recovery.py", "store/__init__.py", "procedures/merge.py"}


def test_json_output_goes_through_the_renderer() -> None:
    """What sdesk prints as JSON is written by sdesk/core/render.py (`emit`, `echo_json`,
    `json_text`): one encoder, non-ASCII kept, the same for every command."""
    found = [f"{path.relative_to(SDESK)}:{n}: {line.strip()}"
             for path in _python_files() if path.relative_to(SDESK).as_posix() not in JSON_HOMES
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bjson\.dumps?\(", line)]
    assert not found, "print JSON with sdesk.core.render.echo_json / json_text:\n" + "\n".join(found)


def _python_files() -> list[Path]:
    return sorted(SDESK.rglob("*.py"))


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: p.relative_to(SDESK).as_posix())
def test_no_sql_outside_the_query_layer(path: Path) -> None:
    if path.relative_to(SDESK).as_posix() in SQL_HOMES:
        return
    found = [f"{path.name}:{n}: {line.strip()}"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SQL.search(line)]
    assert not found, "SQL outside sdesk/store/queries.py (add a named query there):\n" + "\n".join(found)


def test_the_sql_check_catches_a_where() -> None:
    assert SQL.search('rows = index.select("open = 1 AND team = ?", (name,))')
    assert SQL.search("where = \"status = 'new'\"")
    assert SQL.search('sql = "SELECT software, count(*) FROM tickets"')
    assert not SQL.search('if ticket.status == "new":')
    assert not SQL.search('summary = (f"{n} assigned")')


def test_the_index_does_not_import_a_report() -> None:
    source = (SDESK / "store" / "index.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from sdesk\.reports|import sdesk\.reports)",
                         source, re.M)


# docs/architecture.md draws the map: one row per module with its layer. The procedures and the
# core return data: loading one must not load anything that runs git, writes the store, rolls
# back, carries a plan out or opens the index.
DOC = SDESK.parent / "docs" / "architecture.md"
ROW = re.compile(r"^\| `sdesk/([\w/*]+)\.py` \| (\w+) \|", re.M)
PURE_LAYERS = ("procedure", "core")
WRITERS = ["sdesk.git", "sdesk.store", "sdesk.git.recovery", "sdesk.store.executor", "sdesk.store.index",
           "sdesk.mail.notify", "sdesk.mail.outbox", "subprocess", "sqlite3"]


def documented() -> dict[str, str]:
    """module (as in sdesk/<package>/<module>.py) -> its layer, from docs/architecture.md's table."""
    return dict(ROW.findall(DOC.read_text(encoding="utf-8")))


def test_every_module_is_on_the_map_and_every_row_is_a_module() -> None:
    on_map = documented()
    modules = {p.relative_to(SDESK).with_suffix("").as_posix() for p in SDESK.rglob("*.py")
               if p.stem != "__main__" and p.parent.name != "commands"
               and p != SDESK / "__init__.py" and not _docstring_only(p)}
    missing = sorted(modules - on_map.keys())
    assert not missing, f"add a row to the table in docs/architecture.md for: {missing}"
    gone = sorted(m for m in on_map if not m.startswith("commands/") and m not in modules)
    assert not gone, f"docs/architecture.md names modules that do not exist: {gone}"


def _docstring_only(path: Path) -> bool:
    """A package's __init__.py that only says what the package holds."""
    import ast

    body = ast.parse(path.read_text(encoding="utf-8")).body
    return path.stem == "__init__" and all(isinstance(n, ast.Expr) for n in body)


def loaded_by(module: str) -> list[str]:
    """The modules of WRITERS that importing `module` loads, in a fresh interpreter."""
    code = (f"import sys, {module}\n"
            f"print(' '.join(m for m in {WRITERS!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.split()


PURE = sorted(m for m, layer in documented().items() if layer in PURE_LAYERS)


def test_the_map_names_the_procedures() -> None:
    assert {"procedures/triage", "procedures/assign", "procedures/escalation",
            "procedures/resolve", "procedures/relations", "procedures/intake",
            "procedures/similarity", "procedures/tasks", "procedures/notes", "procedures/plan",
            "core/model"} <= set(PURE)


@pytest.mark.parametrize("name", PURE)
def test_a_procedure_loads_nothing_that_writes(name: str) -> None:
    assert loaded_by("sdesk." + name.replace("/", ".").removesuffix(".__init__")) == []


def test_the_import_check_sees_a_writer() -> None:
    assert "sdesk.git" in loaded_by("sdesk.store.executor")


# "Lazy imports" in docs/architecture.md: what a command module may import at module level.
COMMAND_TOP = {"click", "sdesk.commands.common", "sdesk.commands.app", "sdesk.commands.paramtypes",
               "sdesk.core.errors", "sdesk.core.model", "sdesk.core.record"}  # record: light


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported at module level, outside `if TYPE_CHECKING:` blocks."""
    import ast

    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


# shell_completion.py is not a command: the CLI loads it only when the shell asks to complete.
@pytest.mark.parametrize("path", sorted(p for p in (SDESK / "commands").glob("*.py")
                                        if p.name != "shell_completion.py"), ids=lambda p: p.name)
def test_a_command_module_imports_the_heavy_parts_inside_its_functions(path: Path) -> None:
    own = {m for m in _top_level_imports(path) if m.split(".")[0] in ("sdesk", "click")}
    assert own <= COMMAND_TOP, f"import these inside the command function: {own - COMMAND_TOP}"


def test_loading_every_command_loads_no_store_index_git_or_procedure() -> None:
    code = ("import importlib, pkgutil, sys, sdesk.cli, sdesk.commands\n"
            "for m in pkgutil.iter_modules(sdesk.commands.__path__):\n"
            "    importlib.import_module('sdesk.commands.' + m.name)\n"
            "print(' '.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    heavy = {"sdesk.store", "sdesk.store.index", "sdesk.git", "sdesk.store.executor", "sdesk.store.queries",
             "sdesk.store.contexts", "sdesk.procedures.triage", "sdesk.procedures.assign", "sqlite3", "email",
             "multiprocessing", "hashlib", "subprocess"}
    assert not loaded & heavy, sorted(loaded & heavy)


# "Long modules and functions" in docs/architecture.md.
MAX_MODULE, MAX_FUNCTION = 400, 60


def test_every_long_module_or_function_is_explained() -> None:
    import ast

    text = DOC.read_text(encoding="utf-8").split("## Long modules and functions", 1)[1]
    unexplained = []
    for path in sorted(SDESK.rglob("*.py")):
        rel = path.relative_to(SDESK).as_posix()
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > MAX_MODULE and f"`sdesk/{rel}`" not in text:
            unexplained.append(f"sdesk/{rel}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                name = f"`{rel.removesuffix('.py').removeprefix('sdesk/')}.{node.name}`"
                if length > MAX_FUNCTION and name not in text:
                    unexplained.append(f"{name}: {length} lines")
    assert not unexplained, ("say why in docs/architecture.md (Long modules and functions), or "
                             "split: " + ", ".join(unexplained))
