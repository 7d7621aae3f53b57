"""sdesk init: make a new store."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sdesk.commands.common import App, pass_app

if TYPE_CHECKING:
    from sdesk.store import Store


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@pass_app
def init(app: App, path: Path) -> None:
    """Create a store in PATH: git init if needed, sdesk.toml, the default reference data,
    empty tickets/, kb/ and outbox/, and a first commit.

    \b
    Example:
      sdesk init ~/desk && cd ~/desk && sdesk new -T "First ticket" --email me@omes.ok.gov
    """
    from sdesk import git
    from sdesk.core.errors import SdeskError
    from sdesk.store import CONFIG_NAME, Store

    root = path.expanduser().resolve()
    if (root / CONFIG_NAME).exists():
        raise SdeskError(f"{root}: already an sdesk store ({CONFIG_NAME} exists)")
    if (root / "reference").exists() or (root / "tickets").exists():
        raise SdeskError(f"{root}: has reference/ or tickets/ already; refusing to mix stores")
    root.mkdir(parents=True, exist_ok=True)
    if git.find_git_dir(root) is None:
        git.run(["init", "-q"], root)
    defaults = resources.files("sdesk") / "defaults"
    with resources.as_file(defaults) as folder:
        shutil.copytree(Path(folder) / "reference", root / "reference")
        shutil.copyfile(Path(folder) / "sdesk.toml", root / CONFIG_NAME)
    created = [root / CONFIG_NAME, *sorted((root / "reference").glob("*.toml"))]
    for sub in ("tickets", "kb", "outbox"):
        (root / sub).mkdir(exist_ok=True)
        keep = root / sub / ".gitkeep"
        keep.touch()
        created.append(keep)
    store = Store(root)
    from sdesk.store.index import tune_repo

    tune_repo(store.top)  # fast commits at 100,000 tickets (docs/performance.md)
    store.reference  # noqa: B018 - validate the copied reference data before committing
    extra = _setup_clone(store)
    actor = app.actor if app.actor_text else git.user_identity(store.top)
    paths = [store.git_path(p) for p in created + extra]
    git.commit_paths(store.top, paths, "init: new sdesk store\n\nSdesk-Action: init\n", actor)
    click.echo(f"Initialised sdesk store in {root}")


def _setup_clone(store: Store) -> list[Path]:
    """Clone set-up (merge driver, hooks); returns the files to commit."""
    from sdesk.git import collab

    return list(collab.setup_clone(store))
