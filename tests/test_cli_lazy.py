"""The lazy command registry: `sdesk --help` lists every command from sdesk/cli.py SUMMARIES
without importing any command module, `sdesk CMD` imports only that command, and `--version`
reads no package metadata. (Start-up times are measured by `make bench`, never asserted here.)"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

from sdesk import __version__
from sdesk.cli import COMMANDS, HIDDEN, SUMMARIES, _summary_stub, cli

ROOT = Path(__file__).resolve().parent.parent


def _real(name: str) -> click.Command:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None, name
    return command


def test_every_command_has_a_summary_and_nothing_else_does() -> None:
    assert list(SUMMARIES) == list(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_summary_shows_what_the_command_itself_would(name: str) -> None:
    stub = _summary_stub(cli, click.Context(cli), name)
    real = _real(name)
    for limit in (20, 45, 60, 80, 150, 400):
        assert stub.get_short_help_str(limit) == real.get_short_help_str(limit), (name, limit)
    assert real.hidden == (name in HIDDEN)


def _modules_after(argv: list[str]) -> list[str]:
    code = ("import sys\nfrom sdesk.cli import cli\n"
            f"try:\n    cli.main({argv!r}, prog_name='sdesk', standalone_mode=False)\n"
            "except SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return proc.stderr.split()


def test_help_imports_no_command_module() -> None:
    loaded = _modules_after(["--help"])
    assert "sdesk.cli" in loaded
    assert [m for m in loaded if m.startswith("sdesk.commands")] == []


def test_a_command_imports_only_itself() -> None:
    loaded = _modules_after(["show", "--help"])
    assert {m for m in loaded if m.startswith("sdesk.commands.")} == {
        "sdesk.commands.show", "sdesk.commands.common", "sdesk.commands.app",  # App, re-exported
        "sdesk.commands.paramtypes"}  # PriorityLevel, re-exported: click types only


def test_version_reads_no_package_metadata() -> None:
    loaded = _modules_after(["--version"])
    assert "importlib.metadata" not in loaded
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == __version__
    out = subprocess.run([sys.executable, "-m", "sdesk", "--version"], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    assert out == f"sdesk {__version__}\n"
