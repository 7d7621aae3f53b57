"""Shell completion: `sdesk completion bash|zsh|fish` prints the script; the script asks sdesk
itself (click's protocol, `_SDESK_COMPLETE`) and sdesk completes commands, options, and the
values a dispatcher types most: open tickets' IDs, team names and technicians.

Which parameter takes what is decided here by name, once, for every command (COMPLETES), so a
new command with a `ticket_id` argument or a `--team` option completes without extra code.
A completion never fails: a missing or broken store completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from click.shell_completion import CompletionItem

SHELLS = ("bash", "zsh", "fish")
TICKET_PARAMS = frozenset({"ticket_id", "ticket_ids", "ticket_a", "ticket_b", "more", "children",
                           "from_id", "parent", "duplicate_of"})
TEAM_PARAMS = frozenset({"team", "team_name"})
TECH_PARAMS = frozenset({"tech", "assignee", "actor"})


def _store(ctx: click.Context) -> Any:
    from sdesk.store import Store

    root = ctx.find_root()
    return Store.open(root.params.get("store_path"))


def _quiet(complete: Callable[[click.Context, str], list[str]]
           ) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    def run(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        try:
            return [CompletionItem(v) for v in complete(ctx, incomplete)]
        except Exception:  # completion must never print a traceback into the shell
            return []
    return run


def ticket_ids(ctx: click.Context, incomplete: str) -> list[str]:
    """Open tickets' full IDs starting with what was typed (any case, with or without the
    type prefix), oldest first."""
    from sdesk.store import queries

    wanted = incomplete.upper()
    ids = queries.ticket_ids(_store(ctx).index, queries.TicketFilter(only_open=True))
    return [i for i in ids if i.startswith(wanted) or i.split("-", 1)[-1].startswith(wanted)]


def teams(ctx: click.Context, incomplete: str) -> list[str]:
    wanted = incomplete.casefold()
    return [t for t in _store(ctx).reference.teams if t.casefold().startswith(wanted)]


def technicians(ctx: click.Context, incomplete: str) -> list[str]:
    wanted = incomplete.casefold()
    ids = ["@me", *_store(ctx).reference.technicians]
    return [t for t in ids if t.casefold().startswith(wanted)]


COMPLETES = {**dict.fromkeys(TICKET_PARAMS, _quiet(ticket_ids)),
             **dict.fromkeys(TEAM_PARAMS, _quiet(teams)),
             **dict.fromkeys(TECH_PARAMS, _quiet(technicians))}


def attach(command: click.Command) -> click.Command:
    """Give the command's ticket, team and technician parameters their completions (click's
    `shell_complete` hook), its subcommands too. Returns the command."""
    for param in command.params:
        found = COMPLETES.get(param.name or "")
        if found is not None and not isinstance(param.type, click.Choice | click.Path):
            param._custom_shell_complete = found  # what click.Parameter(shell_complete=) sets
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            attach(sub)
    return command


# click's bash function adds each value to COMPREPLY as it is, so bash inserts a team name
# with spaces ("IS-Desktop Support") as two words. This one escapes what it inserts
# (printf %q: IS-Desktop\ Support, IS-Email\ \&\ Collaboration) unless the word being
# completed opens a quote, where the value goes in as it is. zsh (compadd) and fish quote
# completions themselves: click's scripts for them are used unchanged.
BASH_SOURCE = r"""%(complete_func)s() {
    local IFS=$'\n'
    local response
    local current="${COMP_WORDS[COMP_CWORD]}"

    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \
%(complete_var)s=bash_complete $1)

    for completion in $response; do
        IFS=',' read type value <<< "$completion"

        if [[ $type == 'dir' ]]; then
            COMPREPLY=()
            compopt -o dirnames
        elif [[ $type == 'file' ]]; then
            COMPREPLY=()
            compopt -o default
        elif [[ $type == 'plain' ]]; then
            if [[ $current == \"* || $current == \'* ]]; then
                COMPREPLY+=("$value")
            else
                COMPREPLY+=("$(printf '%%q' "$value")")
            fi
        fi
    done

    return 0
}

%(complete_func)s_setup() {
    complete -o nosort -F %(complete_func)s %(prog_name)s
}

%(complete_func)s_setup;
"""


def script(shell: str, prog: str = "sdesk") -> str:
    """The completion script for `shell` (bash, zsh or fish): click's, with values holding
    spaces or shell characters inserted as one word in bash (BASH_SOURCE)."""
    from click.shell_completion import BashComplete, get_completion_class

    from sdesk.cli import cli

    cls = get_completion_class(shell)
    assert cls is not None
    if cls is BashComplete:
        cls = type("SdeskBashComplete", (BashComplete,), {"source_template": BASH_SOURCE})
    return cls(cli, {}, prog, "_SDESK_COMPLETE").source()
