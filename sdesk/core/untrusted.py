"""The store is untrusted input: whatever a collaborator committed, a clone reads.

Three guards every command uses when it touches a file in the store:

- **No symbolic links.** A path inside the store is used only when no component from the
  store folder down (the file itself included) is a symbolic link: a link could send a read,
  a write or a rollback's delete outside the store. `sdesk check` lists every link it finds.
- **A size limit.** A ticket, reference, settings or outbox file over `MAX_FILE_BYTES` is
  refused before it is read (docs/crash-safety.md, "The store is untrusted input").
- **A nesting limit.** TOML nested deeper than `MAX_NESTING` levels is refused before tomllib
  sees it (tomllib recurses once per level; 900 levels was a RecursionError in every command).

Every refusal is an SdeskError naming the file: one line, and the other tickets keep working.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from sdesk.core.errors import SdeskError, TicketFileError

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~15 M instructions of `show`)
if TYPE_CHECKING:
    from typing import Any

MAX_FILE_BYTES = 1_048_576  # 1 MiB: sdesk's largest ticket files (long journals) are ~100 KB
MAX_NESTING = 32  # arrays and tables inside one another; sdesk writes at most 3


class UnsafePath(SdeskError):
    """A path in the store that is, or goes through, a symbolic link (or leaves the store)."""


def link_in(root: Path, path: Path) -> str:
    """The first component of `path` (relative to `root`, `path` included) that is a symbolic
    link, as a store-relative name; "" when there is none. A path outside `root`, or one with
    `..`, is reported as itself. Components that do not exist yet are not links."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        return str(path)
    if ".." in rel.parts:
        return rel.as_posix()
    current = root
    for part in rel.parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return ""
        if stat.S_ISLNK(mode):
            return current.relative_to(root).as_posix()
    return ""


def check_inside(root: Path, path: Path) -> None:
    """Raise UnsafePath unless `path` is inside `root` with no symbolic link on the way."""
    link = link_in(root, path)
    if link:
        raise UnsafePath(f"{link}: a symbolic link inside the store; sdesk never follows one "
                         "(remove it; sdesk check lists them)")


def read_limited(root: Path, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file inside the store, refused (UnsafePath or TicketFileError,
    one line) when it is a link, goes through one, is not a regular file or is over `limit`
    bytes. Raises FileNotFoundError when it does not exist."""
    check_inside(root, path.parent)
    rel = _rel(root, path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: the file itself is a link
            raise UnsafePath(f"{rel}: a symbolic link inside the store; sdesk never follows "
                             "one (remove it; sdesk check lists them)") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise TicketFileError(f"{rel}: not a regular file")
        if st.st_size > limit:
            raise TicketFileError(f"{rel}: {st.st_size} bytes, over the {limit}-byte limit "
                                  "for a file in the store (docs/crash-safety.md)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TicketFileError(f"{rel}: over the {limit}-byte limit for a file in the store")
    return data


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# Tokens that matter for nesting: strings and comments (skipped) and brackets (counted).
_TOKENS = re.compile(
    r'"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
    r'|[\[\]{}]'
)


def nesting(text: str) -> int:
    """How deep arrays and tables nest in TOML text (brackets outside strings and comments)."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def toml_loads(text: str, where: str, limit: int = MAX_NESTING) -> dict[str, Any]:
    """tomllib.loads with a nesting limit; TicketFileError (one line naming `where`) for
    broken or too deeply nested TOML."""
    if nesting(text) > limit:
        raise TicketFileError(f"{where}: nested deeper than {limit} levels")
    import tomllib  # at use: `show` reads a ticket file with sdesk.core.fastread (~12 ms of import)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TicketFileError(f"{where}: broken TOML: {exc}") from None
    except RecursionError:
        raise TicketFileError(f"{where}: nested deeper than {limit} levels") from None
