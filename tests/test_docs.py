"""Every command has help text and is documented: the README and docs/ stay the front door."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from sdesk.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md",
                                                           *sorted((ROOT / "docs").glob("*.md"))])
HIDDEN = {"merge-driver"}


def commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    found = []
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None, name
        found.append((name, command))
    return found


def test_every_registered_command_exists() -> None:
    assert [name for name, _ in commands()] == list(COMMANDS)


@pytest.mark.parametrize(("name", "command"), commands(), ids=[n for n, _ in commands()])
def test_every_command_has_help_and_a_documented_example(name: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"sdesk {name} has no help text"
    if name not in HIDDEN:
        assert f"sdesk {name}" in DOCS, f"sdesk {name} appears nowhere in README.md or docs/"
    if isinstance(command, click.Group):
        for sub_name, sub in command.commands.items():
            assert (sub.help or "").strip(), f"sdesk {name} {sub_name} has no help text"
            assert f"sdesk {name} {sub_name}" in DOCS, f"sdesk {name} {sub_name} is undocumented"


def test_docs_pages_named_in_the_readme_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"
