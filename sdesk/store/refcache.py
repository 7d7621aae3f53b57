"""The reference data and sdesk.toml kept parsed between commands (under `.git/sdesk/`).

Reading reference/ was most of what `sdesk new` spent after start-up: ten TOML files parsed and
cross-checked (~90 M instructions at 100,000 tickets; the same at a million), the holiday
calendar computed with dateutil's rrule for the SLA due times (~30 M), and sdesk.toml parsed and
checked (tomllib alone ~12 M). Unpickling the same objects costs ~8 M. So the first command
after a change parses the files as before (any error is raised exactly as without the cache,
and nothing is kept), computes the holidays of last, this and next year, and keeps the result
keyed by each file's stat (size, mtime, ctime, inode, device; a missing file is part of the key)
and by the stat of the code that reads them and the interpreter's version (lstat: a file or
the folder replaced by a symbolic link is a change, refused by the parse as before). A file changed since
(by sdesk, git, an editor) changes its key and the next command parses again. Files changed
within RACY_NS of the parse are not kept: a second same-size write in the same clock tick would
keep the key (git's "racily clean" problem). `sdesk check` always parses. A cache file that
cannot be read is ignored and replaced. docs/performance.md ("The write path") has the figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from sdesk.core.reference import Reference
    from sdesk.core.settings import Settings

    T = TypeVar("T")

RACY_NS = 2_000_000_000


def reference(folder: Path, state_dir: Path) -> Reference:
    """The reference data of `folder` (a store's reference/), parsed by
    sdesk.core.reference.load_reference (ReferenceError as it raises it) or kept from the
    last parse of the same files."""
    from sdesk.core import calendar, catalogue
    from sdesk.core import reference as module

    def prime(ref: Reference) -> None:
        year = dt.date.today().year
        for each in (year - 1, year, year + 1):  # what the SLA due times ask for
            ref.calendar.holidays(each)

    files = [folder, *(folder / name for name in (*module.FILES, catalogue.FILE))]
    return kept(state_dir / "reference.pickle", files, (module, calendar, catalogue),
                lambda: module.load_reference(folder), prime)


def settings(path: Path, state_dir: Path, parse: Callable[[], Settings]) -> Settings:
    """sdesk.toml at `path` checked by `parse` (its errors raised as it raises them), or kept
    from the last parse of the same file."""
    from sdesk.core import settings as module

    return kept(state_dir / "settings.pickle", [path], (module,), parse)


def kept(cache: Path, files: Sequence[Path], code: Sequence[ModuleType], make: Callable[[], T],
         prime: Callable[[T], None] | None = None) -> T:
    """What `make()` returns for `files` (read by the modules `code`): from `cache` when every
    file and module has the stat it had when it was kept, else made (and `prime`d) and kept
    unless a file is racy or the cache cannot be written."""
    key = _key(files, code)
    found = _read(cache, key)
    if found is not None:
        value: T = found
        return value
    value = make()
    now = time.time_ns()
    if not any(st is not None and now - st[1] < RACY_NS for st in key[1]):
        if prime is not None:
            prime(value)
        _write(cache, key, value)
    return value


def _stat(path: str | Path) -> tuple[int, ...] | None:
    """(size, mtime, ctime, inode, device, mode) of `path` itself: lstat, so a file or folder
    that became a symbolic link changes the key, and the parse refuses it as before."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode


def _key(files: Sequence[Path], code: Sequence[ModuleType]) -> tuple[Any, ...]:
    """(interpreter, each file's stat, each module's and this module's stat, the paths)."""
    sources = [m.__file__ or "" for m in code] + [__file__]
    return (sys.version, tuple(_stat(f) for f in files), tuple(_stat(s) for s in sources),
            tuple(str(f) for f in files))


def _read(cache: Path, key: tuple[Any, ...]) -> Any:
    """The value kept under `key`, else None (no file, another key, one that does not
    unpickle)."""
    try:
        with open(cache, "rb") as handle:
            import pickle

            if pickle.load(handle) != key:
                return None
            return pickle.load(handle)
    except Exception:  # missing, truncated, another sdesk's classes: made again
        return None


def _write(cache: Path, key: tuple[Any, ...], value: object) -> None:
    """Keep `value` under `key` (atomically; not at all on a read-only store)."""
    import pickle

    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(exist_ok=True)  # .git/sdesk, before any index or lock made it
        with open(tmp, "wb") as handle:
            pickle.dump(key, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except Exception:  # a read-only store, a full disk, a value that does not pickle
        with contextlib.suppress(OSError):  # EROFS even for a file that is not there
            tmp.unlink(missing_ok=True)
