"""The command line: parse, call, render. No business rules live here.

Subcommands are imported only when used (each module under sdesk/commands/), so `sdesk show`
does not pay for the imports of `sdesk kpi`: click's lazy-group pattern, a name ->
"module:attribute" table (COMMANDS). `sdesk --help` lists the commands from SUMMARIES without
importing any of them; tests/test_cli_lazy.py checks the summaries against the commands.

To add a command: a module under sdesk/commands/, one line in COMMANDS, one in SUMMARIES (the
first sentence of its help), cases in tests/test_bad_input.py and an example in the docs.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from sdesk import __version__
from sdesk.core.errors import SdeskError

# name -> "module:attribute", in the order `sdesk --help` lists them.
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
    "set": "sdesk.commands.edit:set_fields",
    "edit": "sdesk.commands.edit:edit",
    "software": "sdesk.commands.software:software",
    "relate": "sdesk.commands.relate:relate",
    "unrelate": "sdesk.commands.relate:unrelate",
    "parent": "sdesk.commands.relate:parent",
    "split": "sdesk.commands.split:split",
    "outbox": "sdesk.commands.outbox:outbox",
    "mail": "sdesk.commands.mail:mail",
    "assign": "sdesk.commands.assign:assign",
    "take": "sdesk.commands.work:take",
    "start": "sdesk.commands.work:start",
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
    "report": "sdesk.commands.report:report",
    "sweep": "sdesk.commands.sweep:sweep",
    "handover": "sdesk.commands.handover:handover",
    "reindex": "sdesk.commands.reindex:reindex",
    "migrate-folders": "sdesk.commands.migrate:migrate_folders",
    "sync": "sdesk.commands.sync:sync",
    "check": "sdesk.commands.check:check",
    "install-hooks": "sdesk.commands.sync:install_hooks",
    "merge-driver": "sdesk.commands.sync:merge_driver",
    "import": "sdesk.commands.importer:import_group",
    "export": "sdesk.commands.export:export",
    "completion": "sdesk.commands.completion:completion",
}


# name -> the first sentence of the command's help, which is what `sdesk --help` shows: listing
# the commands imports none of them. A command missing here is imported to be listed (slower).
SUMMARIES: dict[str, str] = {
    "init": "Create a store in PATH: git init if needed, sdesk.toml, the default reference "
            "data, empty tickets/, kb/ and outbox/, and a first commit.",
    "new": "Log a new ticket and print its ID.",
    "show": "Show a ticket: requester (VIP marked), SLA due and time left, team, assignee, "
            "relations from both sides, holds and the journal.",
    "list": "List tickets (open ones unless --all or --status), filtered.",
    "queue": "A team's unassigned open tickets in the dispatcher guide's working order: VIP"
             " first, then earliest Resolve By.",
    "note": "Add a note to a ticket's journal.",
    "log": "Show who changed a ticket, when, and what (from git history).",
    "triage": "Pre-assignment analysis of unassigned tickets, the way the dispatcher guide says.",
    "priority": "The supervisor's decision on a ticket's priority: set (or keep) LEVEL 1-4"
                " (or P1-P4), record why in the journal, recompute Resolve By and clear the "
                "priority-review flag.",
    "set": "Correct fields of a ticket (for scripts; `sdesk edit` opens $EDITOR instead).",
    "edit": "Correct a ticket in $EDITOR: its editable fields open as TOML; what you change is "
            "checked as `sdesk new` checks it and recorded in the journal (old -> new, who) in "
            "one commit.",
    "software": "The Standard Desktop Software List: each title, approved or not, its "
                "licences, the seats requests hold (granted ones only: once it passed "
                "triage's licence check, not while handed back or awaiting a quote, nor once "
                "cancelled or rejected) and the seats free.",
    "relate": "Relate ticket A to ticket B.",
    "unrelate": "Remove every link between A and B (related, duplicate of, parent), "
                "whichever side stores it.",
    "parent": "Parent cases: one problem, many reporters (the guide's trend).",
    "split": "Separate a problem from ticket ID into a new ticket, in one commit.",
    "outbox": "Notifications waiting in outbox/ (RFC 5322 files, committed with the change "
              "that caused them) and their delivery.",
    "mail": "Incoming e-mail: one message from a mail server's pipe (receive) or every new "
            "message of a Maildir or IMAP mailbox (fetch).",
    "assign": "Assign a ticket (or a team's queue, or every team's) to a technician and say "
              "why, rule by rule.",
    "take": "Assign a ticket to yourself (the technician you are: --actor or the git user), "
            "with the same checks as `assign --to`.",
    "start": "Start work on a ticket: it becomes in-progress, and yours first if nobody has it.",
    "escalate": "Escalate a ticket to another team and tier (or hand it back down with a "
                "lower --tier); Resolve By is kept, the assignee cleared (the new team "
                "assigns), and the new team is notified.",
    "hold": "Put a ticket on hold: the SLA clock pauses until `sdesk resume`.",
    "resume": "End a ticket's hold: Resolve By moves later by the paused time (business "
              "time for P2-P4, real time for P1) and the ticket returns to its working "
              "status.",
    "workload": "Technicians' open assigned tickets and effort hours against capacity, "
                "whether they are available today (working day, out of office, holiday), "
                "and their skills.",
    "resolve": "Resolve a ticket: code, summary to the customer, first-contact flag.",
    "reopen": "Reopen a resolved ticket: counts a reopen, clears the resolution and its "
              "CSAT score, and mails the customer that it is open again and why (--no-mail: "
              "nothing).",
    "close": "Close a resolved ticket, or sweep all tickets resolved before a date (one commit).",
    "task": "Tasks under a ticket.",
    "csat": "Record customer satisfaction, SCORE 1 (poor) to 5 (excellent), once per resolution.",
    "stale": "Open tickets with no public update (note --public, resolution...) for N "
             "business days.",
    "kb": "Knowledge-base articles: draft from a resolved ticket, search, show, list.",
    "kpi": "First contact resolution, CSAT, SLA compliance, time to resolve, reopens, backlog...",
    "report": "Write the supervisor's report as one self-contained HTML page.",
    "sweep": "Send due SLA warnings and update reminders, close old resolutions, report "
             "unowned tickets.",
    "handover": "The shift handover: open P1/P2, what breaches soon, on hold and why, new, "
                "waiting.",
    "reindex": "Rebuild the summary index (.git/sdesk/index*.sqlite) by reading every "
               "ticket file.",
    "migrate-folders": "Move every ticket file to the store layout of LEVELS folder levels "
                       "(2, or 3 for a million tickets) in one commit.",
    "sync": "Fetch the remote, merge its changes with yours (ticket files through the sdesk"
            " merge driver: no conflict markers, nothing lost), and push.",
    "check": "Validate the store: every ticket file's schema, reference files, duplicate "
             "IDs, relations that point nowhere, tasks without a parent, outbox messages, "
             "the index, and leftovers of a killed command.",
    "install-hooks": "Set up this clone: the merge driver for ticket files (.gitattributes "
                     "and git config) and a pre-commit hook running `sdesk check --staged`.",
    "merge-driver": "git's merge driver for ticket files (%O %A %B %P): writes the merge "
                    "into OURS.",
    "import": "Import tickets from another service desk's exports.",
    "export": "Write tickets out: every ticket (all states) unless filtered.",
    "completion": "Print the shell completion script for SHELL (bash, zsh or fish): commands, "
                  "options, open tickets' IDs, teams and technicians complete on Tab.",
}
HIDDEN: frozenset[str] = frozenset({"merge-driver"})  # not listed by --help (git calls it)


class UserError(click.ClickException):
    """An SdeskError inside click, so click (and CliRunner) print it and exit with its code."""

    def __init__(self, error: SdeskError) -> None:
        super().__init__(error.message)
        self.exit_code = error.exit_code  # type: ignore[misc]
        self.error = error

    def show(self, file: Any = None) -> None:
        from sdesk.core.errors import error_line

        click.echo(_printable(error_line(self.error)), err=True)


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, EOFError) as exc:
            # click's main would print an empty line first, to end a terminal's "^C" echo,
            # whatever stderr is: a blank line before "sdesk: aborted" in a log or a pipe
            # (fresh-user finding, session 28). `run` ends that line only on a terminal.
            raise click.exceptions.Abort() from exc
        except SdeskError as exc:
            raise UserError(exc) from None
        except Exception as exc:
            from sdesk.core.errors import machine_error

            mapped = machine_error(exc)
            if mapped is None:
                raise
            raise UserError(mapped) from None

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """As click's, but every failure is one `sdesk: error:` line and a code from the
        table in docs/commands.md (click's own standalone mode prints usage errors on three
        lines and uses 1 for aborts)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        def checked() -> Any:
            _utf8(args)
            return super(LazyGroup, self).main(args, prog_name, complete_var, False, **extra)

        sys.exit(run(checked, None if args is None else list(args)))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the one command that runs (`module:attribute` from COMMANDS)."""
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        if "_SDESK_COMPLETE" in os.environ:  # only a shell asking for completions pays for it
            from sdesk.commands.shell_completion import attach

            attach(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`sdesk --help`'s command list from SUMMARIES: no command module is imported."""
        rows = [(name, _summary_stub(self, ctx, name)) for name in self.list_commands(ctx)
                if name not in HIDDEN]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])



def _utf8(args: Any) -> None:
    """Command-line text that is not UTF-8 is one error line before click reads it
    (sdesk.core.errors.argv_error; the console script checks it first, for the fast paths)."""
    from sdesk.core.errors import argv_error

    bad = argv_error(sys.argv[1:] if args is None else [str(a) for a in args])
    if bad is not None:
        raise bad


def _summary_stub(group: click.Group, ctx: click.Context, name: str) -> click.Command:
    """A command carrying only the summary `--help` shows (the real one when none is listed)."""
    summary = SUMMARIES.get(name)
    if summary is None:
        command = group.get_command(ctx, name)
        assert command is not None
        return command
    return click.Command(name, help=summary)


def _complete_actor(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """`--actor`'s values: the technicians `assign --to` completes (imported only when a shell
    asks, so start-up stays cheap)."""
    from sdesk.commands.shell_completion import COMPLETES

    return COMPLETES["actor"](ctx, param, incomplete)


def _printable(text: str) -> str:
    """An error message may quote stored text: never let it drive the terminal."""
    from sdesk.core.render import printable

    return printable(text, keep_tabs=False)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_path", metavar="PATH", help="The store folder (default: "
              "$SDESK_STORE, else the nearest folder upward holding sdesk.toml).")
@click.option("--actor", metavar="WHO", shell_complete=_complete_actor,
              help="Who does this: a technician's ID, name or e-mail, "
              "or 'Name <email>' (default: the git user).")
@click.option("--now", "now_text", metavar="DATETIME", envvar="SDESK_NOW",
              help="Pretend it is DATETIME (ISO 8601; also $SDESK_NOW): for examples, scripts "
              "and tests. Default: the wall clock.")
@click.option("--no-pager", is_flag=True, help="Print long output (show, log, lists) straight "
              "to the terminal instead of through $SDESK_PAGER / $PAGER / less.")
@click.version_option(__version__, message="sdesk %(version)s")  # no package metadata: ~20 ms
@click.pass_context
def cli(ctx: click.Context, store_path: str | None, actor: str | None, now_text: str | None,
        no_pager: bool) -> None:
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
    if actor is not None:
        from sdesk.core.actors import check_shape

        try:
            check_shape(actor)
        except SdeskError as exc:
            raise UserError(exc) from None
    ctx.obj = App(store_path=store_path, actor_text=actor, now_text=now_text, no_pager=no_pager)


def run(call: Any, argv: list[str] | None = None) -> int:
    """Run the command line and turn every outcome into an exit code (docs/commands.md);
    `argv` (default sys.argv[1:]) names the command of a usage error raised without one."""
    from sdesk.core.errors import EXIT_BUG, EXIT_INTERRUPTED, EXIT_USAGE

    try:
        code = call()
        return code if isinstance(code, int) else 0
    except SdeskError as exc:
        from sdesk.core.errors import error_line

        click.echo(_printable(error_line(exc)), err=True)
        return exc.exit_code
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            # `sdesk` (or `sdesk kb`) alone: the help itself, readable, not folded into one
            # error line; still exit 2, as click and the exit-code table have it
            click.echo(exc.ctx.get_help())
            return EXIT_USAGE
        from sdesk.usage import usage_line

        click.echo(_printable(usage_line(exc, cli, argv or sys.argv[1:])), err=True)
        return EXIT_USAGE
    except click.exceptions.Abort:  # a terminal's "^C" (or a prompt) holds the line: end it
        click.echo(("\n" if _terminal(sys.stderr) else "") + "sdesk: aborted", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("sdesk: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `sdesk list | head`: the reader went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except SystemExit:
        # click turns a closed pipe (EPIPE) into exit 1 with no message, after wrapping stdout
        # in PacifyFlushWrapper: `sdesk import ... | head -1` after the commit is not a failure.
        if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        raise
    except Exception as exc:
        from sdesk.core.errors import machine_error

        mapped = machine_error(exc)
        if mapped is not None:  # a broken machine, not a bug: one line, exit 1
            click.echo(f"sdesk: error: {_printable(mapped.message)}", err=True)
            return mapped.exit_code
        if os.environ.get("SDESK_DEBUG"):
            import traceback  # only here: it costs ~20 ms of start-up

            traceback.print_exc()
        click.echo(f"sdesk: internal error: {type(exc).__name__}: {exc} "
                   "(a bug; set SDESK_DEBUG=1 for the traceback and please report it)", err=True)
        return EXIT_BUG


def _terminal(stream: Any) -> bool:
    """True when `stream` is a terminal (False for a pipe, a file, or a stream without one)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def main(argv: list[str] | None = None) -> Any:
    """The console entry point."""
    cli.main(args=argv, prog_name="sdesk")
