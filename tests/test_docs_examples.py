"""Every example in README.md, docs/*.md and every `--help` runs against a copy of the sample
store with a fixed clock, and its shown output is checked (tests/docs_examples.py says how).

A failure names the file and line of each broken example, what ran, and what it printed. To
mark a block that truly cannot run here, put `<!-- skip: next "the reason" -->` on the line
before it (Sybil's marker); keep such marks rare.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import SkipTest

import click
import pytest
from docs_examples import (
    NOT_RUN,
    ROOT,
    Sandbox,
    help_examples,
    make_template,
    run_console,
    run_sh,
)
from sybil import Document
from sybil.parsers.markdown import CodeBlockParser, SkipParser

from sdesk.cli import COMMANDS, cli

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MAX_SKIPPED = 12  # not-run marks across all docs: a ceiling that keeps them rare


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("docs-sample") / "box")


def _evaluator(kind: str) -> Any:
    def evaluate(example: Any) -> None:
        ns = example.namespace
        where = Path(example.path).relative_to(ROOT).as_posix()
        first = example.line + 1  # the fence is on example.line
        run = run_sh if kind == "sh" else run_console
        ns["failures"].extend(run(ns["box"], str(example.parsed), first, where))
        ns["ran"] += 1
    return evaluate


def parse(path: Path) -> Document:
    return Document.parse(str(path), SkipParser(), CodeBlockParser("sh", _evaluator("sh")),
                          CodeBlockParser("console", _evaluator("console")))


def run_document(path: Path, box: Sandbox) -> tuple[list[str], list[str], int]:
    """(failures, skip reasons, blocks run) for one markdown file."""
    document = parse(path)
    document.namespace.update(box=box, failures=[], ran=0)
    skipped: list[str] = []
    where = path.relative_to(ROOT).as_posix()
    for example in document:
        if isinstance(example.parsed, tuple):  # a skip marker: it must give a reason
            action, reason = example.parsed
            if action in ("next", "start") and not (reason or "").strip():
                document.namespace["failures"].append(
                    f"{where}:{example.line}: a skip mark needs a reason: "
                    '<!-- skip: next "why it cannot run here" -->')
        try:
            example.evaluate()
        except SkipTest as exc:
            skipped.append(f"{where}:{example.line}: {exc}")
    return document.namespace["failures"], skipped, document.namespace["ran"]


@pytest.mark.parametrize("path", DOCS, ids=[p.relative_to(ROOT).as_posix() for p in DOCS])
def test_every_docs_example_runs_and_prints_what_it_shows(path: Path, template: Path,
                                                          tmp_path: Path) -> None:
    box = Sandbox.copy_of(template, tmp_path / "box")
    failures, _, _ = run_document(path, box)
    assert not failures, f"{len(failures)} example(s) in {path.name} broke:\n\n" + \
        "\n\n".join(failures)


def test_not_run_marks_are_rare_and_say_why() -> None:
    marks = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        marks += [f"{path.name}: {line.strip()}" for line in text.splitlines()
                  if line.strip().startswith("<!-- skip:")]
    assert len(marks) <= MAX_SKIPPED, "\n".join(marks)
    assert all('"' in m for m in marks), "\n".join(m for m in marks if '"' not in m)


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    found: list[tuple[str, click.Command]] = []
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
    return found


HELP = [(name, help_examples(command.help or "")) for name, command in _commands()]


@pytest.mark.parametrize(("name", "examples"), [h for h in HELP if h[1]],
                         ids=[h[0] for h in HELP if h[1]])
def test_every_help_example_runs(name: str, examples: list[str], template: Path,
                                 tmp_path: Path) -> None:
    runnable = [e for e in examples if not NOT_RUN.search(e)]
    if not runnable:
        pytest.skip("every example is marked `# not run:`")
    box = Sandbox.copy_of(template, tmp_path / "box")
    failures = run_sh(box, "\n".join(runnable), 1, f"sdesk {name} --help, example")
    assert not failures, "\n\n".join(failures)


def test_the_help_example_reader_finds_examples() -> None:
    assert help_examples("Do it.\n\n\b\nExamples:\n  sdesk a 1\n  X=1 sdesk b 2\nMore.\n") == \
        ["sdesk a 1", "X=1 sdesk b 2"]
    assert dict(HELP)["show"], "sdesk show --help has an example"


def test_help_examples_not_run_say_why_and_are_rare() -> None:
    marked = [e for _, examples in HELP for e in examples if "not run" in e]
    assert all(NOT_RUN.search(e) for e in marked), marked
    assert len(marked) <= 5, marked
