"""`sdesk check`: validate the whole store, one problem per line (file and field).

What it checks: the schema of every ticket file (and that its name, shard and id agree), the
reference files and sdesk.toml, duplicate IDs, relations that point nowhere (parent,
duplicate_of, related), tasks without a parent, outbox messages that do not parse, the summary
index against the files, unmerged paths, and what a killed command may leave behind (temporary
files, a pending record) when no command is running. `--staged` checks only what is about to be
committed, fast enough for a pre-commit hook.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sdesk import git
from sdesk.core import ids
from sdesk.core.errors import SdeskError
from sdesk.core.model import Ticket, loads
from sdesk.core.teamnames import unknown_team, unknown_technician
from sdesk.core.untrusted import link_in, read_limited
from sdesk.store.checkedits import problems_of

if TYPE_CHECKING:
    from sdesk.store import Store

TEMP_GLOBS = (".*.tmp",)


@dataclass(frozen=True)
class Problem:
    """One problem: the file, its field ("" for the file as a whole), what is wrong, and the
    line of the file that gives it (0 when unknown): `path:line: field: message`."""

    path: str
    field: str
    message: str
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else \
            f"{where}: {self.message}"

    def to_json(self) -> dict[str, str | int]:
        return {"path": self.path, "line": self.line, "field": self.field,
                "message": self.message}


class Links(NamedTuple):
    """What the whole-store checks need of a ticket after its file is checked: its relations
    and its queue. Kept instead of the ticket (a hundred thousand Ticket models held at once
    peaked `sdesk check` at 815 MiB)."""

    id: str
    type: str
    parent: str
    duplicate_of: str
    related: tuple[str, ...]
    is_open: bool
    team: str


def links_of(ticket: Ticket) -> Links:
    """The Links of a checked ticket."""
    return Links(ticket.id, ticket.type, ticket.parent, ticket.duplicate_of,
                 tuple(ticket.related), ticket.is_open, ticket.team)


def from_error(path: str, message: str) -> Problem:
    """A loader message 'where: field: problem' as a Problem."""
    rest = message
    for prefix in (path + ": ", path + " (staged): "):
        if rest.startswith(prefix):
            rest = rest[len(prefix):]
    field, sep, text = rest.partition(": ")
    if sep and " " not in field.strip("[]") and not field.startswith("broken"):
        return Problem(path, field, text)
    return Problem(path, "", rest)


def parse_ticket(data: bytes, rel: str) -> Ticket | Problem:
    try:
        ticket = loads(data.decode("utf-8"), rel)
    except UnicodeDecodeError as exc:
        return Problem(rel, "", f"not UTF-8 text (byte {exc.start})")
    except SdeskError as exc:
        return from_error(rel, exc.message)
    try:
        # Either layout (sdesk/ids.py); a file at the wrong depth for the store is a stray.
        placed = [ids.relative_path(ticket.id, levels) for levels in ids.FOLDER_LEVELS]
    except ValueError:
        return Problem(rel, "id", f"not a valid ticket ID: {ticket.id!r}")
    name = Path(rel).stem
    if name != ticket.id:
        return Problem(rel, "id", f"file says {ticket.id!r}, its name says {name!r}")
    if not any(rel.endswith(path) for path in placed):
        expected = placed[min(len(placed), max(1, rel.count("/") - 2)) - 1]
        return Problem(rel, "id", f"misplaced: {ticket.id} belongs in {expected}")
    return ticket


# mail/ and attachments/ since session 40: a committed link there was followed by `show`.
STORE_PARTS = ("tickets", "kb", "outbox", "reference", "mail", "attachments", "sdesk.toml",
               ".gitattributes")


def ticket_files(store: Store) -> Iterator[Path]:
    """Ticket files in shard folders, never through a link (links are reported apart), in
    the order of their paths' parts; one folder listed at a time (a sorted list of every path
    held ~200 bytes a ticket)."""
    from fnmatch import fnmatch

    def below(folder: Path, depth: int) -> Iterator[Path]:
        try:
            names = sorted(os.listdir(folder))
        except (NotADirectoryError, FileNotFoundError):
            return
        for name in names:
            path = folder / name
            if depth:
                if not path.is_symlink():  # nothing below a link is a ticket file
                    yield from below(path, depth - 1)
            elif fnmatch(name, "*.toml") and not path.is_symlink():
                yield path

    if not link_in(store.root, store.tickets_dir):
        yield from below(store.tickets_dir, store.folder_levels)


def _every_file(folder: Path) -> Iterator[Path]:
    """Every file below `folder` (links neither followed nor given), in the order of the
    paths' parts, one folder listed at a time."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (NotADirectoryError, FileNotFoundError):
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _every_file(Path(entry.path))
        elif entry.is_file(follow_symlinks=False):
            yield Path(entry.path)


def links(store: Store) -> list[Problem]:
    """Every symbolic link in the store's own folders: sdesk never follows one."""
    out: list[Problem] = []
    for part in STORE_PARTS:
        top = store.root / part
        if top.is_symlink():
            out.append(Problem(part, "", LINK))
            continue
        for folder, dirs, files in os.walk(top):
            for name in sorted(dirs + files):
                path = Path(folder, name)
                if path.is_symlink():
                    out.append(Problem(path.relative_to(store.root).as_posix(), "", LINK))
    return out


LINK = "a symbolic link inside the store; sdesk never follows one (remove it)"


def read_file(store: Store, path: Path) -> bytes | Problem:
    """A store file's bytes, or the Problem (a link, too big, unreadable) that stops it."""
    rel = path.relative_to(store.root).as_posix()
    try:
        return read_limited(store.root, path)
    except SdeskError as exc:
        return Problem(rel, "", exc.message.removeprefix(rel + ": "))
    except OSError as exc:
        return Problem(rel, "", f"cannot read: {exc.strerror}")


def check_store(store: Store) -> list[Problem]:
    """Every problem of the store, in this order: settings and reference data, links, each
    ticket file (in path order), stray files, relations, teams, outbox, the index, git.

    The ticket files are read one at a time and what is kept of each is its problems: the
    index (refreshed first) is compared with the files as they come, the paths in order on
    both sides, and the relations are checked in SQL on the index afterwards, those of the few
    files the index does not hold as they are (missing, older, broken) taken from the files.
    (A file's name must be its ID and its place the one its ID gives: two files cannot hold one
    ID, so there is no duplicate to look for.)"""
    from sdesk.store import queries
    from sdesk.store.checkfields import every_problem
    from sdesk.store.checksettings import check_settings
    from sdesk.store.checkstream import IndexCompare, check_relations

    problems = check_settings(store) + links(store)
    index = store.index
    try:
        teams: set[str] | None = set(store.reference.teams)
        techs: set[str] = set(store.reference.technicians)
    except SdeskError:
        teams, techs = None, set()
    compare = IndexCompare(queries.file_shas_in_order(index))
    team_problems: list[Problem] = []
    for path in ticket_files(store):
        if path.name.startswith("."):
            continue
        rel = path.relative_to(store.root).as_posix()
        data = read_file(store, path)
        result = data if isinstance(data, Problem) else parse_ticket(data, rel)
        if isinstance(result, Problem):
            problems += [result] if isinstance(data, Problem) or result.field == "id" else \
                every_problem(data, rel, result)
            compare.failed[rel] = path.stem
            continue
        assert isinstance(data, bytes)
        problems += [Problem(rel, name, text) for name, text in problems_of(store, result)]
        compare.file(rel, hashlib.sha1(data).hexdigest(), links_of(result))
        if teams is not None and result.is_open:
            team_problems += _queue_problems(store, result, data, teams, techs)
    for stray in _every_file(store.tickets_dir):
        if not stray.name.startswith(".") and not link_in(store.root, stray):
            rel = stray.relative_to(store.root).as_posix()
            if stray.suffix != ".toml" or \
                    len(stray.relative_to(store.tickets_dir).parts) != store.folder_levels + 1:
                problems.append(Problem(rel, "", "not a ticket file in a shard folder"))
    index_problems = compare.finish()
    problems += check_relations(compare.relation_links(index), compare.known(index), store,
                                set(compare.failed.values()))
    problems += team_problems
    outbox = store.root / "outbox"
    problems += check_outbox(store, [] if link_in(store.root, outbox) else
                             sorted(p for p in outbox.glob("*.eml") if not p.is_symlink()))
    problems += index_problems
    problems += check_git(store)
    return problems


def _path_of(store: Store, ticket_id: str) -> str:
    return store.path_of(ticket_id).relative_to(store.root).as_posix()


def _queue_problems(store: Store, ticket: Ticket, data: bytes, teams: set[str],
                    techs: set[str]) -> list[Problem]:
    """An open ticket's team must be one of reference/teams.toml: it is where the ticket is
    queued and routed. Its assignee must be one of reference/technicians.toml's ids:
    assignment, workload and capacity count only known technicians, so work held by anyone
    else is seen by nobody (session 36's fresh user: a typo'd or departed assignee passed
    `sdesk check`). A resolved or closed ticket keeps the team and the technician that worked
    it, even ones since removed (history, ServiceNow groups an import kept as they were)."""
    out = []
    if ticket.team and ticket.team not in teams:
        out.append(_team_problem(store, ticket.team, ticket.id))
    if ticket.assignee and ticket.assignee not in techs:
        from sdesk.store.checkfields import line_of

        line = line_of(data.decode("utf-8"), ("assignee",))
        out.append(Problem(_path_of(store, ticket.id), "assignee",
                           unknown_technician(techs, ticket.assignee), line))
    return out


def _team_problem(store: Store, team: str, ticket_id: str) -> Problem:
    return Problem(_path_of(store, ticket_id), "team", unknown_team(store.reference.teams, team))


def check_message(store: Store, rel: str, data: bytes) -> list[Problem]:
    """An outbox file against what sdesk writes (sdesk.mail.outbox.vet): headers, sender, ticket,
    recipients. A file `outbox send` would refuse is a problem here too."""
    from sdesk.mail.outbox import vetter

    try:
        vet = vetter(store)
    except SdeskError as exc:  # broken settings or reference data: reported on their own
        return [Problem(rel, "", f"not checked: {exc.message}")]
    found = vet(data)
    return [Problem(rel, name, text) for name, text in found.problems
            # a broken ticket file is reported once, by itself, not by each of its messages
            if not (found.unreadable and name == "X-Sdesk-Ticket")]


def check_outbox(store: Store, files: Iterable[Path]) -> list[Problem]:
    out: list[Problem] = []
    for path in files:
        data = read_file(store, path)
        if isinstance(data, Problem):
            out.append(data)
        else:
            out += check_message(store, path.relative_to(store.root).as_posix(), data)
    return out


def store_busy(store: Store) -> bool:
    """True while another sdesk command holds the store lock."""
    path = store.state_dir / "lock"
    if not path.exists():
        return False
    with open(path, "rb") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


def check_git(store: Store) -> list[Problem]:
    """Unmerged paths, and leftovers of a killed command (only when none is running)."""
    from sdesk.git import recovery

    out: list[Problem] = []
    for entry in unmerged_paths(store):
        out.append(Problem(entry, "", "unmerged (a merge is in progress; finish or abort it)"))
    if (store.git_dir / "MERGE_HEAD").exists():
        out.append(Problem(".git/MERGE_HEAD", "", "a merge is in progress (an interrupted sdesk "
                           "sync is aborted by the next sdesk command; a merge of your own: "
                           "finish it with git commit, or git merge --abort)"))
    if store_busy(store):
        return out
    if (store.state_dir / recovery.PENDING).exists():
        out.append(Problem(".git/sdesk/pending.json", "",
                           "a command was interrupted; the next sdesk command rolls it back"))
    for folder in ("tickets", "outbox", "kb"):
        for pattern in TEMP_GLOBS:
            for tmp in sorted((store.root / folder).rglob(pattern)):
                out.append(Problem(tmp.relative_to(store.root).as_posix(), "",
                                   "temporary file left by a killed command"))
    return out


def unmerged_paths(store: Store) -> list[str]:
    """The unmerged paths under the store's folder, relative to it, sorted: what `git ls-files
    -u -- .` names there, read from git's index a megabyte at a time (sdesk/git/indexscan.py;
    git held the whole index: 324 MiB at a million tickets); git is asked for an index that
    reader leaves to it."""
    import struct

    from sdesk.git import indexscan
    from sdesk.git.splitindex import Unsupported

    try:
        names = indexscan.unmerged(store.git_dir)
    except (Unsupported, OSError, ValueError, IndexError, struct.error):
        listing = git.run(["ls-files", "-u", "-z", "--", "."], store.root, check=False).stdout
        return sorted({e.split("\t", 1)[-1] for e in listing.split("\0") if e})
    prefix = store.git_path(store.root)
    base = b"" if prefix == "." else prefix.encode("utf-8", "surrogateescape") + b"/"
    return sorted({name[len(base):].decode("utf-8", "replace") for name in names
                   if name.startswith(base)})
