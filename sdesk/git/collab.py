"""Setting up a clone for teamwork: the merge driver for ticket files and the pre-commit hook.

`.gitattributes` is committed (every clone shares it); the driver command and the hook live in
the clone's own `.git/` (git never copies config or hooks on clone), so `sdesk init`, `sdesk
install-hooks` and `sdesk sync` (re)write them. See docs/collaboration.md.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
import sys
from pathlib import Path

from sdesk import git

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from sdesk.store import Store

ATTRIBUTES = ".gitattributes"
ATTRIBUTE_LINES = (
    "tickets/**/*.toml merge=sdesk",
)
HOOK_MARK = "# installed by sdesk install-hooks"


def driver_command() -> str:
    """What git runs to merge a ticket file; git substitutes the %-placeholders, quoted."""
    return f"{shlex.quote(sys.executable)} -m sdesk merge-driver %O %A %B %P"


def write_attributes(store: Store) -> Path | None:
    """Add our lines to the store's .gitattributes; returns its path when it changed."""
    path = store.root / ATTRIBUTES
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines()
    missing = [line for line in ATTRIBUTE_LINES if line not in lines]
    if not missing:
        return None
    if text and not text.endswith("\n"):
        text += "\n"
    text += "# sdesk: merge ticket files with the sdesk merge driver (sdesk install-hooks)\n"
    text += "".join(line + "\n" for line in missing)
    from sdesk.store import atomic_write

    atomic_write(path, text.encode("utf-8"))
    return path


def configure_driver(store: Store, keep_lock: bool = False) -> bool:
    """Set merge.sdesk.* in the clone's config; returns True when it changed. `keep_lock`: git
    holds the store lock while it writes (sdesk/git/sync.py's steps: a sync killed then leaves
    no live git, so the next command may remove the .git/config.lock a dead one left)."""
    wanted = {"merge.sdesk.name": "sdesk ticket merge (journal union, later change wins)",
              "merge.sdesk.driver": driver_command()}
    changed = False
    for key, value in wanted.items():
        current = git.run(["config", "--local", "--get", key], store.top, check=False).stdout
        if current.rstrip("\n") != value:
            git.run(["config", "--local", key, value], store.top, keep_lock=keep_lock)
            changed = True
    return protect_merges(store) or changed


INFO_MARK = "# sdesk: how the store's files merge"
# Every path of the store merges with git's text merge, ticket files with the sdesk driver;
# a later line wins, so the ticket line comes last.
PROTECTED = ("tickets/**", "kb/**", "outbox/**", "reference/**", "sdesk.toml", ".gitattributes")


def info_attributes(store: Store) -> str:
    """The block `protect_merges` keeps in .git/info/attributes (paths from the repository's
    top, the store possibly being a folder of it)."""
    prefix = store.git_path(store.root)
    base = "" if prefix == "." else prefix.rstrip("/") + "/"
    lines = [INFO_MARK + " (written by sdesk sync and install-hooks; session 40): this file",
             "# wins over any committed .gitattributes, so a pushed one cannot pick git's union",
             "# or another driver for them (docs/collaboration.md, \"Session 40\")."]
    lines += [f"{base}{path} merge=text" for path in PROTECTED]
    lines += [f"{base}{line}" for line in ATTRIBUTE_LINES]
    lines.append(INFO_MARK + " (end)")
    return "\n".join(lines) + "\n"


def protect_merges(store: Store) -> bool:
    """Keep `info_attributes` in the clone's .git/info/attributes (never committed, never
    pushed; git reads it before .gitattributes), the user's own lines before it kept.
    Returns True when the file changed."""
    from sdesk.store import atomic_write

    where = git.run(["rev-parse", "--git-path", "info/attributes"], store.top).stdout.strip()
    path = Path(where) if Path(where).is_absolute() else store.top / where
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    start = text.find(INFO_MARK)
    own = text[:start] if start >= 0 else text
    if own and not own.endswith("\n"):
        own += "\n"
    wanted = own + info_attributes(store)
    if wanted == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, wanted.encode("utf-8"))
    return True


def driver_of(store: Store, paths: list[str]) -> dict[str, str]:
    """The merge attribute git applies to each path (relative to the repository's top):
    "sdesk" for a ticket file once `protect_merges` ran."""
    if not paths:
        return {}
    out = git.run(["check-attr", "-z", "merge", "--", *paths], store.top).stdout.split("\0")
    return {out[i]: out[i + 2] for i in range(0, len(out) - 2, 3)}


def hook_script(store: Store) -> str:
    rel = store.git_path(store.root)
    return (
        "#!/bin/sh\n"
        f"{HOOK_MARK}: refuses a commit whose ticket or outbox files are broken.\n"
        f"exec {shlex.quote(sys.executable)} -m sdesk --store {shlex.quote(rel)} "
        "check --staged --hook\n"
    )


def install_hook(store: Store, force: bool = False) -> Path | None:
    """Write .git/hooks/pre-commit; an existing hook that is not ours is left alone unless
    `force`. Returns the path written, or None."""
    hooks = store.git_dir / "hooks"
    path = hooks / "pre-commit"
    script = hook_script(store)
    if path.exists():
        current = path.read_text(encoding="utf-8", errors="replace")
        if current == script:
            return None
        if HOOK_MARK not in current and not force:
            from sdesk.core.errors import SdeskError

            raise SdeskError(f"{path} exists and is not sdesk's; add `sdesk check --staged` to "
                             "it yourself, or pass --force to replace it")
    hooks.mkdir(parents=True, exist_ok=True)
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def driver_configured(store: Store) -> bool:
    out = git.run(["config", "--local", "--get", "merge.sdesk.driver"], store.top, check=False)
    return out.returncode == 0 and bool(out.stdout.strip())


def setup_clone(store: Store) -> list[Path]:
    """Everything a clone needs; returns the files to commit (.gitattributes when new)."""
    changed = write_attributes(store)
    configure_driver(store)
    if not os.environ.get("SDESK_NO_HOOKS"):
        from sdesk.core.errors import SdeskError

        # A hook of the user's own is kept; `sdesk install-hooks --force` replaces it.
        with contextlib.suppress(SdeskError):
            install_hook(store)
    return [changed] if changed else []
