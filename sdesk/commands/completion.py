"""sdesk completion: the shell completion script."""

from __future__ import annotations

import click


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (bash, zsh or fish): commands, options,
    open tickets' IDs, teams and technicians complete on Tab.

    \b
    Examples:
      sdesk completion bash > ~/.sdesk-complete.bash
      eval "$(sdesk completion bash)"
    """
    from sdesk.commands.shell_completion import script

    click.echo(script(shell), nl=False)
