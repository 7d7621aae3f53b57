"""The store: finding it, its settings, reading and writing ticket files, and the store lock.

Commands never touch files or git directly; they go through a Store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from sdesk.core import ids, untrusted
from sdesk.core.errors import (
    AmbiguousId,
    LockTimeout,
    SdeskError,
    StoreNotFound,
    TicketFileError,
    TicketNotFound,
)

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~15 M instructions of `show`)
if TYPE_CHECKING:
    from typing import Any

    from sdesk.core.model import Ticket  # imported where a file is read: `list` needs none
    from sdesk.core.reference import Reference
    from sdesk.core.settings import Settings
    from sdesk.store.index import Index, Problem

CONFIG_NAME = "sdesk.toml"
# sdesk.toml decides as a whole, as reference/ does: a command that reads any of its settings
# (a section, a key, the time zone, an ID prefix) refuses to commit while the file has
# uncommitted changes (session 39; session 38 counted only [triage], [resolve] and [sweep],
# and an uncommitted [mail] or [store] timezone still decided `mail receive`, `new`, `hold`).
LOCK_TIMEOUT_SECONDS = 30.0


def find_store(explicit: str | None = None, cwd: Path | None = None) -> Path:
    """--store PATH, else $SDESK_STORE, else the nearest folder upward holding sdesk.toml."""
    given = explicit or os.environ.get("SDESK_STORE")
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / CONFIG_NAME).is_file():
            raise StoreNotFound(f"{root}: not an sdesk store (no {CONFIG_NAME}); run sdesk init")
        return root
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise StoreNotFound(
        f"no sdesk store in {here} or above (no {CONFIG_NAME}); use --store PATH or sdesk init"
    )


def atomic_write(path: Path, data: bytes | Iterable[bytes], durable: bool = True) -> None:
    """Write a file so a crash leaves it either old or new: temporary file, fsync, rename.
    `data`: the bytes, or parts of them written as they come (a big record never held whole).
    `durable=False` leaves out the fsyncs, for a batch that the caller syncs once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # O_NOFOLLOW: a link planted under the temporary name is never written through.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in (data,) if isinstance(data, bytes) else data:
                handle.write(part)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:  # a full disk: the old file stays, and no half-written temporary file
        tmp.unlink(missing_ok=True)
        raise
    if not durable:
        return
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _stamp(path: Path) -> str | None:
    """What says a file is unchanged (link not followed): inode, size, mtime and ctime in ns;
    None while it may still change unseen within the clock's resolution (as git's racy
    entries), or when it cannot be read."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < 1_000_000_000:
        return None
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def _folder_stamp(folder: Path) -> str | None:
    """`_stamp` of a folder and of every entry in it (what says reference/ is unchanged: a
    file replaced, added, removed or written in place); None when any may still change
    unseen or the folder cannot be read."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    stamps = [_stamp(folder), *(_stamp(folder / name) for name in names)]
    if any(s is None for s in stamps):
        return None
    return " ".join([*names, *(s for s in stamps if s is not None)])


BATCH_FILES = 8  # above this many files a write uses threads and one sync for the batch


def write_files(files: dict[Path, bytes | None]) -> None:
    """Write (bytes) or delete (None) files, each atomically (temporary file and rename), so a
    kill leaves every file old or new. A few files are fsynced one by one; a batch is written
    by a few threads (file creation is latency, not CPU) and made durable by one sync, since
    a kill before the commit is rolled back anyway (sdesk/git/recovery.py)."""
    deletes = [p for p, data in files.items() if data is None]
    writes = [(p, data) for p, data in files.items() if data is not None]
    if len(writes) <= BATCH_FILES:
        for path, data in writes:
            atomic_write(path, data)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda pd: atomic_write(pd[0], pd[1], durable=False), writes))
        os.sync()
    for path in deletes:
        path.unlink(missing_ok=True)



class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        from sdesk.core.gitrefs import find_git_dir  # not sdesk.git: reads never load it

        found = find_git_dir(root)
        if found is None:
            raise StoreNotFound(f"{root}: the store is not in a git work tree (run git init there)")
        self.top, self.git_dir = found
        self.state_dir = self.git_dir / "sdesk"
        self._config: dict[str, Any] | None = None
        # The clock the command was given (--now / SDESK_NOW; None: the wall clock). A change
        # at a given time before a ticket was opened is refused (executor.prepare).
        self.given_now: dt.datetime | None = None
        self.warned_ahead = False  # a given clock far ahead is warned of once (givenclock)
        # The store-relative paths of the reference data and settings this command decided
        # from (reference/*.toml once `reference` is read; sdesk.toml once any setting is,
        # session 39): the executor refuses to commit while one of them has uncommitted changes
        # (executor.refuse_hand_edits; session 38).
        self.decided_from: set[str] = set()

    @classmethod
    def open(cls, explicit: str | None = None) -> Store:
        return cls(find_store(explicit))

    # -- settings -------------------------------------------------------------------------

    @property
    def config(self) -> dict[str, Any]:
        """sdesk.toml as written (parsed TOML, unchecked); use `settings` to act on it."""
        if self._config is None:
            from sdesk.core.settings import read_raw

            self._config = read_raw(self.root / CONFIG_NAME)
        return self._config

    @cached_property
    def checked_settings(self) -> Settings:
        """Every sdesk.toml key checked once (sdesk/core/settings.py); SettingError naming the
        first bad key."""
        from sdesk.core.settings import SettingError, parse_settings
        from sdesk.store import refcache  # parsed once per change of the file

        def parse() -> Settings:
            checked, errors = parse_settings(self.config)
            if errors:
                raise SettingError(errors[0])
            return checked

        return refcache.settings(self.root / CONFIG_NAME, self.state_dir, parse)

    def settings(self, section: str) -> dict[str, Any]:
        """One section of sdesk.toml, checked, with defaults filled in; sdesk.toml is then a
        file this command decides from (`decided_from`)."""
        self.decided_from.add(CONFIG_NAME)
        return self.checked_settings.section(section)

    def machine_settings(self, section: str) -> dict[str, Any]:
        """One mail section with its machine keys (host, credentials, paths) from the clone's
        .git/sdesk.local.toml, never sdesk.toml (sdesk/core/machine.py; session 40);
        SettingError while sdesk.toml still carries one."""
        from sdesk.core import machine

        self.decided_from.add(CONFIG_NAME)
        return machine.section(self.checked_settings, self.git_dir, section)

    def setting(self, section: str, key: str) -> Any:
        """One checked setting (sdesk/core/settings.py KEYS), its default when not written;
        sdesk.toml is then a file this command decides from (`decided_from`)."""
        self.decided_from.add(CONFIG_NAME)
        return self.checked_settings.get(section, key)

    @cached_property
    def tz(self) -> ZoneInfo:
        """[store] timezone: how a --now is read and stamps are written, so sdesk.toml is a
        file this command decides from (`decided_from`; session 39), cached or not."""
        self.decided_from.add(CONFIG_NAME)
        cached = self._basics
        if cached is not None:
            return ZoneInfo(cached[1])
        zone: ZoneInfo = self.setting("store", "timezone")
        self._remember_basics(zone.key)
        return zone

    # The store's time zone, folder layout and ID prefixes, kept beside the index once every
    # key of sdesk.toml checked out, for as long as sdesk.toml's stat is unchanged: a command
    # then needs neither tomllib nor the settings checks (~15 ms; docs/performance.md), and
    # `new` does not load sdesk.core.settings for its prefix (~7 M instructions).
    @cached_property
    def _basics(self) -> tuple[int, str, dict[str, str]] | None:
        """(folder_levels, time zone name, {ticket type: ID prefix}) from the cache when it is
        still sdesk.toml's."""
        try:
            with open(self._basics_path, encoding="utf-8") as handle:
                stamp, levels, zone, prefixes = handle.read().split("\t")
            if stamp == _stamp(self.root / CONFIG_NAME) and levels in ("2", "3") \
                    and prefixes.endswith("\n"):
                return int(levels), zone, dict(p.split("=") for p in prefixes.split())
        except (OSError, ValueError):
            pass
        return None

    def _remember_basics(self, zone: str) -> None:
        stamp = _stamp(self.root / CONFIG_NAME)
        if stamp is None or self.checked_settings.get("store", "folder_levels") != \
                self.folder_levels:
            return
        prefixes = " ".join(f"{kind}={self.setting('ids', kind)}"
                            for kind in ids.DEFAULT_PREFIXES)
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(self._basics_path,
                         f"{stamp}\t{self.folder_levels}\t{zone}\t{prefixes}\n".encode(),
                         durable=False)
        except OSError:  # a read-only store: only a cache
            pass

    @property
    def _basics_path(self) -> Path:
        return self._cache_path("basics")  # "settings" held no prefixes (sessions 22-23)

    def _cache_path(self, what: str) -> Path:
        rel = self.git_path(self.root)
        import zlib

        return self.state_dir / (f"{what}.cache" if rel == "." else
                                 f"{what}-{zlib.crc32(rel.encode()):08x}.cache")

    def team_names(self) -> list[str]:
        """The teams of reference/teams.toml in file order, as `reference.teams` holds them.
        Kept beside the index while no file of reference/ changed (a filter such as
        `queue --team` then loads none of the reference files, ~30 ms at every run); made by
        loading, and so checking, the whole reference data."""
        stamp = _folder_stamp(self.root / "reference")
        path = self._cache_path("teams")
        if stamp is not None:
            try:
                with open(path, encoding="utf-8") as handle:
                    first, _, rest = handle.read().partition("\n")
                if first == stamp and rest.endswith("\n"):
                    return rest[:-1].split("\n")
            except OSError:
                pass
        names = list(self.reference.teams)
        if stamp is not None and names and not any("\n" in n or not n for n in names):
            try:
                self.state_dir.mkdir(parents=True, exist_ok=True)
                atomic_write(path, "\n".join([stamp, *names, ""]).encode(), durable=False)
            except OSError:  # a read-only store: only a cache
                pass
        return names

    def id_prefix(self, ticket_type: str) -> str:
        """The ID prefix of a ticket type (`[ids]` in sdesk.toml: INC, REQ, CASE, TASK); as
        `tz`, sdesk.toml is then a file this command decides from (`decided_from`)."""
        self.decided_from.add(CONFIG_NAME)
        basics = self._basics
        if basics is not None and ticket_type in basics[2]:
            return basics[2][ticket_type]
        return str(self.setting("ids", ticket_type))

    @cached_property
    def reference(self) -> Reference:
        """The reference data (reference/*.toml), parsed or kept from the last parse; every
        file of it is then one this command decides from (`decided_from`)."""
        from sdesk.core import catalogue
        from sdesk.core.reference import FILES
        from sdesk.store import refcache  # parsed once per change of the files

        self.decided_from.update(f"reference/{name}" for name in (*FILES, catalogue.FILE))
        return refcache.reference(self.root / "reference", self.state_dir)

    # -- paths ----------------------------------------------------------------------------

    @cached_property
    def folder_levels(self) -> int:
        """2 or 3: the ticket folder layout of this store (`[store] folder_levels`, sdesk/ids.py)."""
        # Read on its own, so `sdesk check` still finds the files when another key is bad
        # (the bad key is reported there); a bad value itself means the default layout.
        if self._basics is not None:
            return self._basics[0]
        try:
            given = self.config.get("store", {})
        except SdeskError:  # sdesk.toml is not TOML at all: check says so
            return 2
        levels = given.get("folder_levels", 2) if isinstance(given, dict) else 2
        return levels if levels in (2, 3) and not isinstance(levels, bool) else 2

    def path_of(self, ticket_id: str) -> Path:
        return self.root / ids.relative_path(ticket_id, self.folder_levels)

    def git_path(self, path: Path) -> str:
        """Path relative to the git work tree top, as git names it."""
        return path.relative_to(self.top).as_posix()

    @property
    def tickets_dir(self) -> Path:
        return self.root / "tickets"

    # -- tickets --------------------------------------------------------------------------

    def exists(self, ticket_id: str) -> bool:
        return self.path_of(ticket_id).exists()

    def load(self, ticket_id: str) -> Ticket:
        from sdesk.core.model import from_checked

        return from_checked(self.load_checked(ticket_id))

    def load_checked(self, ticket_id: str) -> dict[str, Any]:
        """The ticket file of `ticket_id`, read and checked (sdesk.core.ticketdoc.checked)
        without building the model: TicketNotFound, TicketFileError as `load` raises them."""
        from sdesk.core.ticketdoc import parse

        path = self.path_of(ticket_id)
        data = b""
        try:
            where = path.relative_to(self.root).as_posix()
            data = untrusted.read_limited(self.root, path)
            doc = parse(data, where)
        except (FileNotFoundError, NotADirectoryError):
            raise TicketNotFound(f"no ticket {ticket_id}") from None
        except TicketFileError as exc:
            from sdesk.core.gitrefs import merge_conflict  # a broken file: was it a merge?

            raise TicketFileError(merge_conflict(data, where, self.git_dir) or str(exc)) from None
        if doc["id"] != ticket_id:
            raise TicketFileError(
                f"{path.relative_to(self.root)}: id: file says {doc['id']!r}, its name says "
                f"{ticket_id!r}"
            )
        return doc

    def resolve_id(self, typed: str) -> str:
        """A full ID from what the user typed: a full ID, a unique prefix (case-insensitive,
        with or without the type prefix) or an external reference such as INC0000045."""
        try:
            wanted = ids.normalise_typed(typed.strip())
        except ValueError:
            raise TicketNotFound(f"{typed!r} is not a ticket ID") from None
        if ids.is_valid(wanted) and self.exists(wanted):
            return wanted
        matches = self.index.match_id(wanted)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            self._broken_match(wanted)
            self._type_only(typed, wanted)
            raise TicketNotFound(f"no ticket matches {typed!r}")
        shown = ", ".join(matches[:10]) + (" ..." if len(matches) > 10 else "")
        count = "more than 10" if len(matches) > 10 else str(len(matches))  # match_id stops at 11
        raise AmbiguousId(f"{typed!r} matches {count} tickets: {shown}")

    def _type_only(self, typed: str, wanted: str) -> None:
        """`INC` alone (or its start, `IN`) matches no ID body (IDs are matched with or without
        their type prefix): say it names a ticket type, as `INC-` (every incident) is told it
        matches too many."""
        from sdesk.core.ids import DEFAULT_PREFIXES

        for kind in DEFAULT_PREFIXES:
            prefix = self.id_prefix(kind).upper()
            if prefix.startswith(wanted):  # `INC`, or its start `IN` (IDs match without it)
                what = "a ticket type" if wanted == prefix else "the start of a ticket type"
                raise TicketNotFound(f"{typed!r} is {what} ({kind}), not a ticket: type "
                                     f"more of the ID, e.g. {prefix}-7KQ2 (sdesk list --type "
                                     f"{kind} lists them)")

    def _broken_match(self, wanted: str) -> None:
        """A ticket file the index could not read (broken TOML, schema, too big) whose name
        `wanted` matches: raise its problem, one line naming the file, as `check` says it;
        a file a merge left conflict markers in names the merge, as `load_checked` does (the
        index keeps the parser's "broken TOML")."""
        skipped = []
        for problem in self.index.problems:
            if not problem.path.endswith(".toml"):  # a folder whose tickets no command reads
                skipped.append(problem)
                continue
            name = problem.path.rsplit("/", 1)[-1].removesuffix(".toml").upper()
            if name.startswith(wanted) or ("-" not in wanted and
                                           name.partition("-")[2].startswith(wanted)):
                from sdesk.core.gitrefs import merge_conflict

                try:
                    data = untrusted.read_limited(self.root, self.root / problem.path)
                except (OSError, TicketFileError):
                    data = b""
                raise TicketFileError(merge_conflict(data, problem.path, self.git_dir)
                                      or problem.message)
        if skipped:
            self._in_skipped_folder(wanted, skipped)

    def _in_skipped_folder(self, wanted: str, skipped: list[Problem]) -> None:
        """No readable ticket matches `wanted`, and folders under tickets/ are skipped (a link,
        a folder that cannot be listed: `skipped`, the index's folder problems): the ticket may
        be in one, never looked into. TicketFileError naming the folder, exactly when a full
        ID's path lies in it, else the skipped folders (a short ID does not say its folder)."""
        if ids.is_valid(wanted):
            path = ids.relative_path(wanted, self.folder_levels)
            skipped = [p for p in skipped if path.startswith(p.path + "/")] or skipped
            if skipped and path.startswith(skipped[0].path + "/"):
                raise TicketFileError(f"{wanted} cannot be shown: {skipped[0].message}")
        named = "; ".join(p.message for p in skipped[:3]) + (" ..." if len(skipped) > 3 else "")
        raise TicketFileError(f"no ticket sdesk can read matches {wanted!r}, and it may be in a "
                              f"folder it skips: {named}")

    def get(self, typed: str) -> Ticket:
        return self.load(self.resolve_id(typed))

    def get_for_write(self, typed: str) -> Ticket:
        """`get` for a writing command of one ticket (`note`), under the store lock, without
        the index's freshness scan when it can: that scan stats every shard folder (5,153 at
        a million tickets in 3 levels: ~100 M instructions, the whole of `note`'s growth
        from 100,000 tickets). A full ID that names a file needs no index at all. Otherwise,
        while HEAD is where the index last saw it (no commit, pull, merge or checkout since),
        the typed ID is resolved in the index as it is; if that finds no single ticket, or
        its file is gone or unreadable, the index is refreshed and the ID resolved again, so
        a ticket created or removed outside sdesk gives the answer `get` gives. The one
        difference: a prefix that a ticket file made by hand since the last refresh also
        starts with resolves to the ticket sdesk knows instead of being refused as
        ambiguous. The write itself marks its folder for the next refresh
        (Index.update_tickets), as for `new` (index_for_write)."""
        if "index" in self.__dict__:
            return self.get(typed)
        index = self.index_for_write()
        if index.at_head():
            try:
                return self.get(typed)
            except (TicketNotFound, AmbiguousId, TicketFileError):
                pass  # the answer may be stale: refresh and ask again
        index.refresh()
        return self.get(typed)

    def checked_one(self, typed: str) -> dict[str, Any]:
        """`load_checked(resolve_id(typed))` for a read of one ticket (`sdesk show`), with the
        narrow freshness check (docs/show-freshness.md) instead of a stat of every
        shard folder: while HEAD is where the index last saw it, the typed ID is resolved in
        the index as it stands and only the ticket's own shard folder is looked at
        (Index.look_at); if that folder changed, the ID is resolved again (a ticket file made
        there by hand may share the typed prefix). The file itself is always read. If that
        finds no single ticket, or the file is gone or unreadable, the index is refreshed in
        full and the ID resolved again, so a ticket created, removed or broken by hand gives
        the answer it gave before. Not seen until the next full check (any command that
        lists, counts or writes, or a commit): a ticket file made by hand in another folder
        that the typed text also names (a prefix shorter than the folder characters, an
        external reference): the known ticket is shown instead of "ambiguous"."""
        if "index" in self.__dict__:
            return self.load_checked(self.resolve_id(typed))
        from sdesk.store.index import Index

        index = Index.open(self, refresh=False)
        self.__dict__["index"] = index
        if index.at_head():
            try:
                ticket_id = self.resolve_id(typed)
                doc = self.load_checked(ticket_id)
                if index.look_at([self.folder_of(ticket_id)]):
                    doc = self.load_checked(self.resolve_id(typed))
                return doc
            except (TicketNotFound, AmbiguousId, TicketFileError):
                pass  # the answer may be stale: refresh and ask again
        index.refresh()
        return self.load_checked(self.resolve_id(typed))

    def folder_of(self, ticket_id: str) -> str:
        """The shard folder of a ticket ID relative to the store ('tickets/A/B'), as the
        index's `dirs` table names it."""
        return ids.relative_path(ticket_id, self.folder_levels).rsplit("/", 1)[0]

    def write(self, ticket: Ticket) -> Path:
        """Write the ticket file atomically; returns its path."""
        from sdesk.core.model import dumps

        path = self.path_of(ticket.id)
        untrusted.check_inside(self.root, path)
        atomic_write(path, dumps(ticket).encode("utf-8"))
        return path

    def new_id(self, ticket_type: str, now: dt.datetime, taken: set[str] | None = None) -> str:
        prefix = self.id_prefix(ticket_type)
        return ids.new_id(prefix, now, lambda c: (taken is not None and c in taken) or self.exists(c))

    # -- index ----------------------------------------------------------------------------

    @cached_property
    def index(self) -> Index:
        from sdesk.store.index import Index

        return Index.open(self)

    def index_for_write(self) -> Index:
        """The index a writing command records its tickets in (under the store lock): the one
        this command already opened, else one opened without the freshness scan, whose cost
        grows with the store (a stat of every shard folder: ~40 ms at a million tickets). The
        write records its own tickets and adopts its own commit; a change made outside sdesk
        since the last refresh is still found by the next one (its folder's mtime, or HEAD
        having moved). A new or cold index is refreshed first, as before."""
        if "index" not in self.__dict__:
            from sdesk.store.index import Index

            index = Index.open(self, refresh=False)
            if not index.warm():
                index.refresh()
            self.__dict__["index"] = index
        return self.index

    # -- lock -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, purpose: str, timeout: float | None = None) -> Iterator[None]:
        """Serialise mutating commands on this store. The lock file names its holder so a
        waiting command can say who holds it."""
        from sdesk import git  # a writer: it runs git next

        self.state_dir.mkdir(parents=True, exist_ok=True)
        path = self.state_dir / "lock"
        limit = timeout if timeout is not None else float(
            os.environ.get("SDESK_LOCK_TIMEOUT", LOCK_TIMEOUT_SECONDS)
        )
        handle = open(path, "a+")  # noqa: SIM115 - held for the whole block
        held = False
        try:
            deadline = time.monotonic() + limit
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    held = True
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        from sdesk.store.lockholder import timeout_line

                        handle.seek(0)
                        raise LockTimeout(timeout_line(handle.read(), limit)) from None
                    time.sleep(0.02)
            handle.seek(0)
            handle.truncate()
            import json  # at use: read commands take no lock

            handle.write(json.dumps({"pid": os.getpid(), "command": purpose,
                                     "since": dt.datetime.now(dt.UTC).isoformat()}))
            handle.flush()
            git.held_lock_fd = handle.fileno()
            from sdesk.git import recovery

            recovery.recover(self)
            yield
        finally:
            if held:  # a command that gave up must not erase the holder's name
                git.held_lock_fd = None
                with contextlib.suppress(OSError):
                    handle.seek(0)
                    handle.truncate()
            handle.close()  # closing releases the flock

    def settle_interrupted(self) -> list[str]:
        """Roll back what a killed writing command left half-done (its intent record,
        .git/sdesk/pending.json; sdesk/git/recovery.py) before a read command reads, so that
        `show`, `list` and every other read show the last commit, not half a batch. Returns
        the paths rolled back (none: nothing was half-done, or the lock was not free).
        Costs one stat when there is no record. Does nothing while another command holds the
        lock (a running writer's record is its own: it commits or rolls back itself) or when
        the lock cannot be taken (a store the user may only read); never raises for either."""
        from sdesk.core.errors import LockTimeout

        if not os.path.exists(self.state_dir / "pending.json"):  # recovery.PENDING
            return []
        try:
            with self.lock("recovery of an interrupted command", timeout=0):
                from sdesk.git import recovery

                return recovery.last_recovered(self)
        except (LockTimeout, OSError):
            return []

    def say_settled(self) -> None:
        """`settle_interrupted`, and one line on stderr when it rolled something back, so the
        dispatcher knows a killed command's change is gone (fresh-user finding, session 33:
        the read rolled a killed triage batch back without a word)."""
        import sys

        rolled = self.settle_interrupted()
        if rolled:
            sys.stderr.write(f"sdesk: a killed command's half-done change was rolled back "
                             f"({len(rolled)} file(s)); the store is as its last commit\n")
