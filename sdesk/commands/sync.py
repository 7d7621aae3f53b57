"""sdesk sync, sdesk install-hooks, and the merge driver git calls (hidden)."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app


@click.command()
@click.option("--remote", default="origin", show_default=True, help="The git remote to sync with.")
@click.option("--no-push", is_flag=True, help="Fetch and merge only.")
@pass_app
def sync(app: App, remote: str, no_push: bool) -> None:
    """Fetch the remote, merge its changes with yours (ticket files through the sdesk merge
    driver: no conflict markers, nothing lost), and push. Refuses when tickets/, outbox/, kb/
    or reference/ hold changes that are not committed. See docs/collaboration.md.

    \b
    Example:
      sdesk sync
    """
    from sdesk.git.sync import sync as run_sync

    store = app.store
    with store.lock("sync"):
        report = run_sync(store, remote=remote, push=not no_push)
    for line in report.lines():
        click.echo(line)


@click.command("install-hooks")
@click.option("--force", is_flag=True, help="Replace a pre-commit hook that is not sdesk's.")
@pass_app
def install_hooks(app: App, force: bool) -> None:
    """Set up this clone: the merge driver for ticket files (.gitattributes and git config) and
    a pre-commit hook running `sdesk check --staged`. Run it once after `git clone`.

    \b
    Example:
      git clone git@gitlab.example:desk/tickets.git desk && cd desk \
        && sdesk install-hooks  # not run: needs the server
    """
    from sdesk.git import collab

    store = app.store
    with store.lock("install-hooks"):
        attributes = collab.write_attributes(store)
        collab.configure_driver(store)
        hook = collab.install_hook(store, force=force)
    if attributes is not None:
        click.echo(f"wrote {attributes.relative_to(store.root)}: commit it so every clone "
                   "shares it")
    click.echo("merge driver: git config merge.sdesk.driver set")
    click.echo(f"pre-commit hook: {'installed' if hook else 'already installed'}")


@click.command("merge-driver", hidden=True)
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("ours", type=click.Path(dir_okay=False))
@click.argument("theirs", type=click.Path(dir_okay=False))
@click.argument("path", default="")
def merge_driver(base: str, ours: str, theirs: str, path: str) -> None:
    """git's merge driver for ticket files (%O %A %B %P): writes the merge into OURS.

    On any problem the file is left as OURS was (never conflict markers) and the exit code is 1,
    so git reports a conflict and `sdesk sync` aborts the merge with the reason.
    """
    from pathlib import Path

    from sdesk.core.errors import SdeskError
    from sdesk.procedures.merge import merge_texts
    from sdesk.store import atomic_write

    def text(name: str) -> str:
        return Path(name).read_bytes().decode("utf-8")

    try:
        base_text = text(base) if Path(base).exists() else None
        merged, conflicts = merge_texts(base_text, text(ours), text(theirs), path or ours)
    except (SdeskError, UnicodeDecodeError, OSError) as exc:
        message = exc.message if isinstance(exc, SdeskError) else str(exc)
        click.echo(f"sdesk: error: merge of {path or ours} refused: {message}", err=True)
        click.get_current_context().exit(1)
    atomic_write(Path(ours), merged.encode("utf-8"))
    if conflicts:
        click.echo(f"sdesk: {path}: both sides changed {', '.join(conflicts)}; kept the later "
                   "change, the other is in a merge journal entry", err=True)
