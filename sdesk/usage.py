"""Usage errors in sdesk's words: one line naming what is wrong and the help to read.

Click words a usage error for its own parser ("No such option '--store'. Did you mean
'--sort'?", "Option '--accept' requires an argument"); `usage_line` turns each into sdesk's
one line (docs/commands.md, "Errors"): a global option given after the command, an option
whose value is missing with the values it takes, and anything else as click says it, with the
command's `--help` named; and the error for text a command needs and was not given
(`missing_text`). Called by sdesk/cli.py's `run` only when a usage error happened, so
it costs nothing on the way of a command that runs.
"""

from __future__ import annotations

import click


def usage_line(exc: click.UsageError, root: click.Group, argv: list[str]) -> str:
    """The one line for usage error `exc` of command group `root` ("sdesk: error: ...");
    `argv` names the command when click raised the error before making its context."""
    path = exc.ctx.command_path.split()[1:] if exc.ctx else _command_in(root, argv)
    misplaced = _global_after_command(exc, root, path)
    if misplaced:
        return f"sdesk: error: {misplaced}"
    message = " ".join(exc.format_message().split()).rstrip(".")
    return f"sdesk: error: {message} (see '{' '.join(['sdesk', *path])} --help')"


def _global_after_command(exc: click.UsageError, root: click.Group, path: list[str]) -> str:
    """The error for a global option (`--store`, `--actor`, `--now`...) given after the command
    that has no such option of its own, as `sdesk list --store X`; "" for any other usage
    error. Click's "No such option '--store'. Did you mean '--sort'?" pointed at the wrong
    option (fresh-user finding 6, session 33)."""
    if not path or not isinstance(exc, click.exceptions.NoSuchOption):
        return _value_missing(exc, root, path)
    name = exc.option_name.partition("=")[0]
    for param in root.params:
        if isinstance(param, click.Option) and name in param.opts:
            if not param.expose_value:  # --version
                return f"{name} is a global option: give it alone, as in sdesk {name}"
            value = "" if param.is_flag else f" {param.metavar or 'VALUE'}"
            return (f"{name} is a global option: give it before the command, as in sdesk "
                    f"{name}{value} {' '.join(path)} ... (see 'sdesk --help')")
    return ""


def _value_missing(exc: click.UsageError, root: click.Group, path: list[str]) -> str:
    """The error for an option given without its value at the end of the line (`sdesk triage
    ID --accept`): the option with its metavar, and the values it takes when its type lists
    them; "" for any other usage error. Click said "Option '--accept' requires an argument"
    (fresh-user finding 7, session 33)."""
    if not isinstance(exc, click.exceptions.BadOptionUsage) or "requires" not in exc.message:
        return ""
    command: click.Command | None = root  # the parser raises it without a context: find it
    for name in path:
        command = command.get_command(click.Context(command), name) if isinstance(
            command, click.Group) else None
    for param in command.params if command is not None else ():
        if isinstance(param, click.Option) and exc.option_name in param.opts:
            shown = f"its {param.metavar}" if param.metavar else "a value"
            choices = getattr(param.type, "choices", None)
            known = f": one of {', '.join(map(str, choices))}" if choices else ""
            return (f"{exc.option_name} needs {shown}{known} (see "
                    f"'{' '.join(['sdesk', *path])} --help')")
    return ""


def missing_text(what: str, option: str = "") -> click.UsageError:
    """The usage error for text a command needs and was not given (`resolve` without
    --summary, `note ID` without its text, not on a terminal where $EDITOR opens): click's
    own "Missing option '--summary' / '-s'." for an option, with how to give it; exit 2, the
    command's --help named, as any missing option (session 38: they exited 1)."""
    ctx = click.get_current_context(silent=True)
    param = next((p for p in ctx.command.params if option and option in getattr(p, "opts", ())),
                 None) if ctx is not None else None
    how = (f"pass it with {option} TEXT, or {option} - to read stdin" if option
           else "pass it as an argument, or '-' to read stdin")
    if param is not None:
        return click.MissingParameter(how[0].upper() + how[1:], ctx=ctx, param=param)
    return click.UsageError(f"no {what} given ({how})", ctx=ctx)


def _command_in(root: click.Group, argv: list[str]) -> list[str]:
    """The command an argument list names: its first word that is one of its commands (before a
    `--`), or none."""
    names = set(root.list_commands(click.Context(root)))
    for at, word in enumerate(argv):
        if word == "--":
            break
        if word in names:
            return [word, *_subcommand_in(root, word, argv[at + 1:])]
    return []


def _subcommand_in(root: click.Group, name: str, rest: list[str]) -> list[str]:
    """The subcommand of group `name` that `rest` names first (`kb new`), or none: for the
    error of a usage error raised before click made the subcommand's context."""
    group = root.get_command(click.Context(root), name)
    if not isinstance(group, click.Group):
        return []
    for word in rest:
        if word == "--":
            break
        if word in group.list_commands(click.Context(group)):
            return [word]
    return []
