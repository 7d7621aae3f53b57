"""Machine settings: what only the desk's machine may decide (session 40).

sdesk.toml is committed, so anyone who can push writes it (docs/collaboration.md, "Trust model
and invariants"). A setting that runs a command (`mail.imap.password_command`), names a host
that receives a credential or says how it is sent (`mail.host`, `mail.port`, `mail.starttls`,
`mail.user`, every `[mail.imap]` key) or names a path outside the store (every
`[mail.maildir]` key) therefore comes from the machine: the file `sdesk.local.toml` in the
clone's git folder (`.git/sdesk.local.toml`, never committed, never pushed), with the same
sections and keys as sdesk.toml had, and the environment (`SDESK_SMTP_*`, the IMAP password
variable) over it. The keys are `sdesk.core.settings.is_machine`.

sdesk.toml that still carries one is refused by the commands that would act on it (`mail
fetch`, `outbox send`: one line naming the key and where it now lives, exit 1, nothing run,
nothing sent) and reported by `sdesk check` and the pre-commit hook; every other command ignores
the key (it never decides anything else).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdesk.core.settings import CONFIG_NAME, SettingError, Settings, is_machine, parse_settings

LOCAL_NAME = "sdesk.local.toml"
LOCAL_SHOWN = f".git/{LOCAL_NAME}"


def moved(key: str) -> str:
    """The one line for a machine key found in sdesk.toml: `key` as "mail.imap.host"."""
    section, _, name = key.rpartition(".")
    return (f"{CONFIG_NAME}: {key} is a machine setting, no longer read from the store (anyone "
            f"who can push writes sdesk.toml); move it to [{section}] {name} in {LOCAL_SHOWN} "
            "(docs/email.md, \"Session 40\")")


def local_path(git_dir: Path) -> Path:
    """The machine's settings file: `sdesk.local.toml` in the repository's common git folder
    (shared by its worktrees; `git_dir` is the work tree's own git folder)."""
    common = git_dir
    pointer = git_dir / "commondir"
    if pointer.is_file():
        common = (git_dir / pointer.read_text(encoding="utf-8").strip()).resolve()
    return common / LOCAL_NAME


def load(path: Path) -> Settings:
    """The machine settings in `path` (defaults when it does not exist), checked by the same
    rows as sdesk.toml. SettingError, one line naming the file and key, for broken TOML, a
    bad value, or a key that is not a machine setting (store settings live in sdesk.toml)."""
    from sdesk.core.settings import read_raw

    raw: dict[str, Any] = read_raw(path) if path.is_file() or path.is_symlink() else {}
    settings, errors = parse_settings(raw, machine=True, name=str(path))
    errors += [f"{path}: {key} is not a machine setting (store settings live in {CONFIG_NAME}; "
               "docs/configuration.md)" for key in settings.unknown]
    if errors:
        raise SettingError(errors[0])
    return settings


def section(store_settings: Settings, git_dir: Path, name: str) -> dict[str, Any]:
    """One machine section ("mail", "mail.imap", "mail.maildir") with defaults filled in: the
    machine keys from `local_path(git_dir)`, the others (`mail.from`...) from sdesk.toml.
    SettingError (the `moved` line) while sdesk.toml still carries any machine key, so a
    pushed one never runs, connects or reads anything."""
    if store_settings.machine:
        raise SettingError(moved(store_settings.machine[0]))
    local = load(local_path(git_dir))
    merged = store_settings.section(name)
    merged.update({k: v for k, v in local.section(name).items()
                   if k in merged and is_machine(name, k)})
    return merged

