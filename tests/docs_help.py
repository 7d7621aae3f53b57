"""The examples in `--help` (tests/docs_examples.py has the whole rule): each command's
`Examples:` lines, and docs/help-examples.md, the page that shows what each one prints (made by
tests/docs_update.py, checked by tests/test_docs_examples.py)."""

from __future__ import annotations

import re
from typing import Any

from docs_examples import ROOT


def help_examples(help_text: str) -> list[str]:
    """The commands under `Example:` / `Examples:` in a command's help: the indented lines
    that follow it (a line ending in `\\` continues on the next). A line may end in
    `# not run: reason` (it is then returned as is, for the caller to leave out)."""
    commands: list[str] = []
    in_examples = False
    for line in help_text.splitlines():
        stripped = line.strip()
        if stripped.rstrip(":") in ("Example", "Examples"):
            in_examples = True
            continue
        if not in_examples or stripped in ("", "\b"):
            continue
        if not line[:1].isspace():
            in_examples = False
        elif commands and commands[-1].endswith("\\"):
            commands[-1] += "\n" + stripped
        else:
            commands.append(stripped)
    return commands


NOT_RUN = re.compile(r"#\s*not run:\s*(\S.*)$")
HELP_PAGE = ROOT / "docs" / "help-examples.md"


def help_commands() -> list[tuple[str, Any]]:
    """(name, click command) for every registered command and subcommand, in --help order."""
    import click

    from sdesk.cli import COMMANDS, cli

    ctx = click.Context(cli)
    found: list[tuple[str, Any]] = []
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
    return found


def help_example_table() -> list[tuple[str, list[str]]]:
    """(command name, its runnable --help examples) for every command that has one."""
    table = []
    for name, command in help_commands():
        runnable = [e for e in help_examples(command.help or "") if not NOT_RUN.search(e)]
        if runnable:
            table.append((name, runnable))
    return table


def help_page_sections(text: str) -> dict[str, tuple[int, str]]:
    """docs/help-examples.md's sections: command name -> (the console fence's line, the
    block's text). The page is made by tests/docs_update.py, so its shape is fixed:
    `## sdesk NAME`, then a console block."""
    sections: dict[str, tuple[int, str]] = {}
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("## sdesk ") and k + 1 < len(lines) and lines[k + 1] == "```console":
            end = next((e for e in range(k + 2, len(lines)) if lines[e] == "```"), len(lines))
            sections[line.removeprefix("## sdesk ").strip()] = (k + 2, "\n".join(
                lines[k + 2:end]) + "\n")
    return sections
