"""The command line: parse, call, render. No business rules live here.

Subcommands are imported only when used (each module under sdesk/commands/), so `sdesk show`
does not pay for the imports of `sdesk kpi`.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import Any

import click

from sdesk.errors import SdeskError

# name -> "module:attribute". A module that does not exist yet is simply not listed.
COMMANDS: dict[str, str] = {
    "init": "sdesk.commands.init:init",
    "new": "sdesk.commands.new:new",
    "show": "sdesk.commands.show:show",
    "list": "sdesk.commands.listing:list_tickets",
    "queue": "sdesk.commands.listing:queue",
    "note": "sdesk.commands.note:note",
    "log": "sdesk.commands.log:log",
    "triage": "sdesk.commands.triage:triage",
    "priority": "sdesk.commands.triage:priority",
    "relate": "sdesk.commands.relate:relate",
    "unrelate": "sdesk.commands.relate:unrelate",
    "parent": "sdesk.commands.relate:parent",
    "outbox": "sdesk.commands.outbox:outbox",
    "assign": "sdesk.commands.assign:assign",
    "escalate": "sdesk.commands.escalate:escalate",
    "hold": "sdesk.commands.hold:hold",
    "resume": "sdesk.commands.hold:resume",
    "workload": "sdesk.commands.workload:workload",
    "resolve": "sdesk.commands.resolve:resolve",
    "reopen": "sdesk.commands.resolve:reopen",
    "close": "sdesk.commands.resolve:close",
    "task": "sdesk.commands.task:task",
    "csat": "sdesk.commands.csat:csat",
    "stale": "sdesk.commands.stale:stale",
    "kb": "sdesk.commands.kb:kb",
    "kpi": "sdesk.commands.kpi:kpi",
    "reindex": "sdesk.commands.reindex:reindex",
    "sync": "sdesk.commands.sync:sync",
    "check": "sdesk.commands.check:check",
    "install-hooks": "sdesk.commands.sync:install_hooks",
    "merge-driver": "sdesk.commands.sync:merge_driver",
    "import": "sdesk.commands.importer:import_group",
    "export": "sdesk.commands.export:export",
}


class UserError(click.ClickException):
    """An SdeskError inside click, so click (and CliRunner) print it and exit with its code."""

    def __init__(self, error: SdeskError) -> None:
        super().__init__(error.message)
        self.exit_code = error.exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        click.echo(f"sdesk: error: {self.message}", err=True)


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SdeskError as exc:
            raise UserError(exc) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [n for n, target in COMMANDS.items() if _module_exists(target.split(":")[0])]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _module_exists(target.split(":")[0]):
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_path", metavar="PATH", help="The store folder (default: "
              "$SDESK_STORE, else the nearest folder upward holding sdesk.toml).")
@click.option("--actor", metavar="'NAME <EMAIL>'", help="Who does this (default: the git user).")
@click.option("--now", "now_text", metavar="DATETIME", hidden=True, envvar="SDESK_NOW",
              help="Fixed clock for scripts and tests (ISO 8601).")
@click.version_option(package_name="sdesk", message="sdesk %(version)s")
@click.pass_context
def cli(ctx: click.Context, store_path: str | None, actor: str | None, now_text: str | None) -> None:
    """sdesk: a service desk whose tickets are TOML files in git.

    Log tickets (new), triage them the way the dispatcher guide says (triage), assign them
    (assign), work and resolve them (note, resolve) and measure the desk (kpi). Every change is
    a git commit. Run `sdesk COMMAND --help` for each command.
    """
    from sdesk.commands.common import App, parse_when

    if now_text:
        # Checked here, not when first used, so a bad --now fails every command alike.
        import datetime as dt

        try:
            parse_when(now_text, dt.UTC, "--now")
        except SdeskError as exc:
            raise UserError(exc) from None
    ctx.obj = App(store_path=store_path, actor_text=actor, now_text=now_text)


def main(argv: list[str] | None = None) -> Any:
    try:
        code = cli.main(args=argv, prog_name="sdesk", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except SdeskError as exc:
        click.echo(f"sdesk: error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("sdesk: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("sdesk: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # `sdesk list | head`: the reader went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as exc:
        if os.environ.get("SDESK_DEBUG"):
            import traceback  # only here: it costs ~20 ms of start-up

            traceback.print_exc()
        click.echo(f"sdesk: internal error: {type(exc).__name__}: {exc} "
                   "(a bug; set SDESK_DEBUG=1 for the traceback and please report it)", err=True)
        sys.exit(3)
