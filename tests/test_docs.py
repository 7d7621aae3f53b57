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


# The global options (sdesk/cli.py) that come before the command: those taking a value.
GLOBAL_VALUE = {"--store", "--now", "--actor"}
# `sdesk ...` in the docs that is no command line: the journal author the merge driver writes.
NOT_COMMANDS = {"sdesk merge"}


def _command_lines(text: str) -> list[str]:
    """Every `sdesk ...` a page shows: inline code starting `sdesk `, and the lines of a code
    block starting `sdesk ` or `$ sdesk `."""
    import re

    found, block = [], False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            block = not block
        elif block:
            shown = line.strip().removeprefix("$ ")
            found += [shown] if shown.startswith("sdesk ") else []
        else:
            found += [m for m in re.findall(r"`([^`]+)`", line) if m.startswith("sdesk ")]
    return [f for f in found if f not in NOT_COMMANDS]


def _unknown(line: str, ctx: click.Context) -> str:
    """Why `line` names no command `sdesk --help` lists ("" when it does): its first word after
    the global options must be a command, and after a group's name, a sub-command. Upper-case
    words are placeholders (`sdesk COMMAND --help`)."""
    import shlex

    try:
        words = shlex.split(line.removesuffix("\\"))[1:]
    except ValueError:
        words = line.split()[1:]
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option in ("--help", "--version"):
            return ""
        if option in GLOBAL_VALUE and words:
            words.pop(0)
    if not words or words[0].isupper():
        return ""
    command = cli.get_command(ctx, words[0])
    if command is None:
        return f"no command {words[0]!r}"
    sub = words[1] if len(words) > 1 else ""
    if (isinstance(command, click.Group) and sub and not sub.startswith("-")
            and not sub.isupper() and command.get_command(ctx, sub) is None):
        return f"no command {words[0]} {sub!r}"
    return ""


def test_every_command_line_in_the_docs_names_a_command() -> None:
    """Session 40 (tester A, finding 9): docs/kpi.md named `sdesk work start`; the command is
    `sdesk start`. Every `sdesk ...` the README and docs/ show must start with a command
    `sdesk --help` lists (and a group's sub-command)."""
    ctx = click.Context(cli)
    wrong = [f"{page.name}: {line!r}: {why}"
             for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
             for line in _command_lines(page.read_text(encoding="utf-8"))
             if (why := _unknown(line, ctx))]
    assert not wrong, "\n".join(wrong)
