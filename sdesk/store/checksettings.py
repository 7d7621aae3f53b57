"""sdesk.toml's problems as `check` lists them, for the whole store and for the staged copy
the pre-commit hook sees (a machine-only key must never be committed; session 40)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdesk.core.errors import SdeskError
from sdesk.store.check import Problem, from_error

if TYPE_CHECKING:
    from sdesk.store import Store


def settings_problem(message: str, full: str) -> Problem:
    """One message of sdesk.core.settings.problems as a Problem (`full`: the path it names)."""
    key, _, what = message.removeprefix(f"{full}: ").removeprefix("sdesk.toml: ").partition(" ")
    return Problem("sdesk.toml", key if "." in key else "", what if "." in key
                   else f"{key} {what}".strip())


def staged_settings(text: str) -> list[Problem]:
    """The machine-only keys of the staged sdesk.toml (session 40): committing one would hand
    it to every clone. Its other problems are left to `sdesk check`, as before; TOML that does
    not parse has no keys to judge here."""
    from sdesk.core.machine import moved
    from sdesk.core.settings import parse_settings
    from sdesk.core.untrusted import toml_loads

    try:
        settings, _ = parse_settings(toml_loads(text, "sdesk.toml"))
    except SdeskError:
        return []
    return [settings_problem(moved(key), "sdesk.toml") for key in settings.machine]


def check_settings(store: Store) -> list[Problem]:
    """sdesk.toml's bad, unknown and machine-only keys, then the first broken reference file."""
    from sdesk.core.reference import load_reference
    from sdesk.core.settings import problems

    out = [settings_problem(m, str(store.root / "sdesk.toml"))
           for m in problems(store.root / "sdesk.toml")]
    try:
        load_reference(store.root / "reference")
    except SdeskError as exc:
        path, _, rest = exc.message.partition(": ")
        out.append(from_error(path, f"{path}: {rest}") if rest else Problem("reference", "",
                                                                           exc.message))
    return out
