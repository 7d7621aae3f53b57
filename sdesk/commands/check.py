"""sdesk check: validate the whole store (or what is staged, as a pre-commit hook)."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Problems as a JSON list.")
@click.option("--staged", is_flag=True,
              help="Check only the staged ticket and outbox files (fast; the pre-commit hook).")
@click.option("--deep", is_flag=True,
              help="Also recompute every derived value in the index from the files and report "
                   "each difference (ticket, field, both values). Reads every ticket file.")
@click.option("--no-recover", is_flag=True,
              help="Do not roll back a command that was killed; only report it.")
@click.option("--hook", is_flag=True, hidden=True,
              help="Run as sdesk's pre-commit hook: a refusal says it is the hook's and how to "
                   "fix or bypass it.")
@pass_app
def check(app: App, as_json: bool, staged: bool, deep: bool, no_recover: bool,
          hook: bool) -> None:
    """Validate the store: every ticket file's schema, reference files, duplicate IDs, relations
    that point nowhere, tasks without a parent, outbox messages, the index, and leftovers of a
    killed command. One line per problem (file, line and field; a bad ticket file gets a line
    for each bad field); exit 1 when there is any.

    Like every sdesk command, it first rolls back a command that was killed half-way (unless
    --no-recover or --staged).

    \b
    Examples:
      sdesk check
      sdesk check --deep
      sdesk check --json
    """
    from sdesk.store.check import check_store
    from sdesk.store.checkstaged import check_staged

    # check settles a killed command's change under its own lock and says so itself, in one
    # line (`_rolled_back`), not also in the line every other command prints on opening
    app.recover = False
    store = app.store
    recovered: list[str] = []
    if not staged and not no_recover:
        from sdesk.git import recovery

        with store.lock("check"):
            recovered = recovery.last_recovered(store)
    problems = check_staged(store) if staged else check_store(store)
    if deep and not staged:
        from sdesk.store.check import Problem
        from sdesk.store.deepcheck import differences

        problems += [Problem(d.path, d.field, d.message()) for d in differences(store)]
    if as_json:
        from sdesk.core.render import echo_json

        echo_json({"ok": not problems, "recovered": recovered,
                   "problems": [p.to_json() for p in problems]})
    else:
        if recovered:
            click.echo(_rolled_back(recovered), err=True)
        from sdesk.core.render import printable

        for problem in problems:
            click.echo(printable(str(problem)))
        if not problems:
            click.echo("store ok" if not staged else "staged files ok")
    if problems and hook and not as_json:
        click.echo(HOOK_REFUSAL, err=True)
    if problems:
        click.get_current_context().exit(1)


SHOWN_PATHS = 5  # check has no --verbose: --json lists every path


def _rolled_back(paths: list[str]) -> str:
    """The one stderr line for the files recovery rolled back: how many, the first
    SHOWN_PATHS of them and how many more (issue 11 follow-up, session 34: one line per file
    buried the store's problems under hundreds of lines after a killed batch)."""
    shown = ", ".join(paths[:SHOWN_PATHS])
    more = f" and {len(paths) - SHOWN_PATHS} more" if len(paths) > SHOWN_PATHS else ""
    return (f"sdesk: a killed command's half-done change was rolled back ({len(paths)} "
            f"file{'' if len(paths) == 1 else 's'}: {shown}{more}); the store is as its last "
            "commit")


# fresh30b finding 15: the hook printed only the broken file's line, not that it was a refusal
# of the commit, by whom, or what to do
HOOK_REFUSAL = ("sdesk's pre-commit hook refused this commit (sdesk check --staged): fix the "
                "file named above (or git checkout -- FILE to drop your edit) and commit again; "
                "git commit --no-verify bypasses the hook, at a risk: it commits the broken "
                "file, which sdesk commands then skip or refuse until it is fixed")
