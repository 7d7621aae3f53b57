"""sdesk reindex: rebuild the summary index from the ticket files."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app, say_skipped


@click.command()
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar on stderr (default: when stderr is a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_app
def reindex(app: App, progress: bool | None, as_json: bool) -> None:
    """Rebuild the summary index (.git/sdesk/index*.sqlite) by reading every ticket file.

    Never needed for correctness: read commands refresh the index themselves and rebuild it
    when it is missing or broken. Use it after restoring a backup of the files, or to see
    every broken ticket file listed at once.

    \b
    Example:
      sdesk reindex
    """
    import sqlite3
    import time

    from sdesk.store.index import Index, remove_index_files

    store = app.store
    start = time.monotonic()
    with store.lock("reindex"):
        try:
            index = Index.open(store, refresh=False)
            count = index.rebuild(progress=progress)
        except sqlite3.DatabaseError:
            remove_index_files(store)
            index = Index.open(store, refresh=False)
            count = index.rebuild(progress=progress)
    seconds = time.monotonic() - start
    problems = index.problems
    if as_json:
        from sdesk.core.render import echo_json

        echo_json({"tickets": index.count(), "files_read": count,
                   "problems": [{"path": p.path, "message": p.message} for p in problems],
                   "seconds": round(seconds, 2)})
        return
    say_skipped(problems)
    click.echo(f"Indexed {index.count()} tickets in {seconds:.1f} s"
               + (f"; {len(problems)} broken file(s) skipped" if problems else ""))
