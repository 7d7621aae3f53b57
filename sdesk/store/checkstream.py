"""`sdesk check` at a million tickets: the index compared with the ticket files as they are read,
and the relations checked on the index, without holding every ticket (sdesk/store/check.py;
issue 17, peak memory: each ticket's links, the files' SHA-1s and the sorted file list held
152 MiB at 100,000 tickets, over a gigabyte at a million)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sdesk.core.errors import SdeskError
from sdesk.store.check import Links, Problem, _path_of

if TYPE_CHECKING:
    from sdesk.store import Store
    from sdesk.store.index import Index


class IndexCompare:
    """The index's rows (path, sha; in the order of the paths) beside the ticket files as they
    are read (in the same order: a ticket file's path is the one its ID gives, whose parts are
    letters and digits, so the order of the parts is the order of the bytes): a file the index
    lacks or holds older, a row whose file is gone. What is kept is the few files the index
    does not hold as they are, and the files that did not load."""

    def __init__(self, rows: Iterator[tuple[str, str]]) -> None:
        self.rows = rows
        self.row = next(rows, None)
        self.problems: list[Problem] = []
        self.gone: list[str] = []
        self.failed: dict[str, str] = {}  # path -> ID (the file's name) of a file not loaded
        self.kept: dict[str, Links] = {}  # path -> links of a file the index lacks or holds older
        self.lacking: set[str] = set()  # IDs of the files the index lacks
        self.last = ""

    def file(self, rel: str, sha: str, links: Links) -> None:
        """The next ticket file that loaded: its path, the SHA-1 of its bytes, its links."""
        if rel <= self.last:
            raise SdeskError(f"{rel}: ticket files out of order (after {self.last})")
        self.last = rel
        while self.row is not None and self.row[0] < rel:
            self.gone.append(self.row[0])
            self.row = next(self.rows, None)
        if self.row is not None and self.row[0] == rel:
            if self.row[1] != sha:
                self.problems.append(Problem(rel, "", "the index holds an older version (run "
                                             "sdesk reindex)"))
                self.kept[rel] = links
            self.row = next(self.rows, None)
        else:
            self.problems.append(Problem(rel, "", "missing from the index (run sdesk reindex)"))
            self.kept[rel] = links
            self.lacking.add(links.id)

    def finish(self) -> list[Problem]:
        """The index's problems: files in their order, then the rows whose file is gone. A
        row whose file is there but did not load (`failed`: broken by an edit in place, which
        leaves the folder's time and so the index's row) is not "gone": the file's own problem
        says what is wrong with it (fresh-user finding, session 30)."""
        while self.row is not None:
            self.gone.append(self.row[0])
            self.row = next(self.rows, None)
        return self.problems + [Problem(rel, "", "in the index but the file is gone (run sdesk "
                                        "reindex)") for rel in sorted(self.gone)
                                if rel not in self.failed]

    def relation_links(self, index: Index) -> Iterator[Links]:
        """The links of every loaded ticket with a relation or of type task, in path order:
        from the index, or from the file where the index does not hold it as it is."""
        from sdesk.store import queries

        skip = set(self.gone) | self.failed.keys()
        kept = iter(sorted((rel, t) for rel, t in self.kept.items()
                           if t.parent or t.duplicate_of or t.related or t.type == "task"))
        pending = next(kept, None)
        for rel, tid, kind, parent, duplicate_of, related in queries.relation_rows(index):
            while pending is not None and pending[0] < rel:
                yield pending[1]
                pending = next(kept, None)
            if rel in skip or rel in self.kept:
                continue
            yield Links(tid, kind, parent, duplicate_of, tuple(related.split()), False, "")
        while pending is not None:
            yield pending[1]
            pending = next(kept, None)

    def known(self, index: Index) -> Container[str]:
        """The IDs of the loaded tickets, asked of the index one at a time."""
        return _Known(index, self.lacking,
                      {Path(rel).stem for rel in self.gone} | set(self.failed.values()))


class _Known:
    """IDs of loaded tickets: in the index, or a file it lacks; not a row whose file is gone or
    did not load."""

    def __init__(self, index: Index, lacking: set[str], unknown: set[str]) -> None:
        self.index, self.lacking, self.unknown = index, lacking, unknown

    def __contains__(self, ticket_id: object) -> bool:
        from sdesk.store import queries

        if ticket_id in self.lacking:
            return True
        return isinstance(ticket_id, str) and ticket_id not in self.unknown and \
            queries.is_ticket(self.index, ticket_id)


def check_relations(tickets: Iterable[Links], known: Container[str], store: Store,
                    unreadable: Container[str] = ()) -> list[Problem]:
    """Relations that point nowhere and tasks without a parent. A link to a ticket whose file
    is there but does not load (`unreadable`: reported above it) says so; it said "which does
    not exist" of a file one could open (issue 11, session 34)."""
    out: list[Problem] = []

    def missing(target: str) -> str:
        return f"points at {target}, which " + (
            "cannot be read (see above)" if target in unreadable else "does not exist")

    chains: dict[str, dict[str, str]] = {"parent": {}, "duplicate_of": {}}
    for t in tickets:
        rel = _path_of(store, t.id)
        for name in ("parent", "duplicate_of"):
            target = getattr(t, name)
            if target and target not in known:
                out.append(Problem(rel, name, missing(target)))
            if target == t.id:
                out.append(Problem(rel, name, "points at the ticket itself"))
            elif target:
                chains[name][t.id] = target
        for target in t.related:
            if target not in known:
                out.append(Problem(rel, "related", missing(target)))
            if target == t.id:
                out.append(Problem(rel, "related", "names the ticket itself"))
        if t.type == "task" and not t.parent:
            out.append(Problem(rel, "parent", "a task needs a parent ticket"))
    for name, links in chains.items():
        out += [Problem(_path_of(store, first), name, _cycle_line(name, cycle))
                for first, cycle in _cycles(links)]
    return out


def _cycles(links: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Each cycle of `links` (ID -> the ID it points at) once, as (its smallest ID, the IDs
    from there round to it): a chain of parents (or of originals) that comes back to where it
    began. Linear in the number of links: each ID is walked once."""
    state: dict[str, int] = {}  # 1 on the walk now, 2 done
    found: list[tuple[str, list[str]]] = []
    for start in sorted(links):
        walk: list[str] = []
        node = start
        while node in links and node not in state:
            state[node] = 1
            walk.append(node)
            node = links[node]
        if state.get(node) == 1:  # came back to this walk: a cycle from `node`
            cycle = walk[walk.index(node):]
            first = cycle.index(min(cycle))
            cycle = cycle[first:] + cycle[:first]
            found.append((cycle[0], cycle))
        for seen in walk:
            state[seen] = 2
    return found


def _cycle_line(name: str, cycle: list[str]) -> str:
    """The one line of a relation cycle: resolving a parent resolves its children, so a cycle
    of parents would resolve (and mail) every ticket on it; a cycle of originals leaves no
    original to follow (docs/crash-safety.md, session 40)."""
    path = " -> ".join([*cycle, cycle[0]])
    what = "parents" if name == "parent" else "duplicates' originals"
    return (f"a cycle of {what}: {path} (set by hand: no command makes one); put {name} right "
            f"in one of the files (git log -p on it) and commit")
