"""sdesk migrate-folders: move the ticket files to the other folder layout in one commit."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app


@click.command("migrate-folders")
@click.argument("levels", type=click.IntRange(2, 3))
@pass_app
def migrate_folders(app: App, levels: int) -> None:
    """Move every ticket file to the store layout of LEVELS folder levels (2, or 3 for a
    million tickets) in one commit.

    2 levels (tickets/R1/R2/ID.toml) is the default; 3 levels (tickets/R1/R2/BLOCK/ID.toml)
    keeps each commit's new git objects under 16 KiB at a million tickets
    (docs/ticket-format.md). The commit renames every ticket file and sets
    `[store] folder_levels` in sdesk.toml, so clones that pull it follow. Ticket files and
    sdesk.toml must have no uncommitted changes. If interrupted, run it again: it carries on.
    Exit code 4 when the store already has that layout.

    \b
    Example:
      sdesk migrate-folders 3
    """
    import time

    from sdesk.store import relayout
    from sdesk.store.index import Index, remove_index_files

    store = app.store
    start = time.monotonic()
    from sdesk import git

    with store.lock("migrate-folders"):
        before = git.read_head(store.git_dir)
        moved = relayout.migrate(store, levels)
        remove_index_files(store)
        fresh = type(store)(store.root)
        index = Index.open(fresh)
    if moved.commit == before:
        from sdesk.core.errors import NothingToDo

        raise NothingToDo(f"the ticket files are already in {levels} folder levels")
    click.echo(f"Moved {moved.committed} ticket files to {levels} folder levels in commit "
               f"{moved.commit[:10]}; indexed {index.count()} tickets "
               f"({time.monotonic() - start:.1f} s).")
