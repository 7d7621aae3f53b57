"""`sdesk check --staged`, the pre-commit hook: what the next commit would record, read from
git's index (never the work tree): every staged ticket and outbox file as `check` reads it,
and what only a commit can do to the store, which `check` of the files cannot see (session 40,
a tester's findings: each of these passed the hook):

- a ticket file replaced by a symbolic link (git records the link, mode 120000): sdesk never
  follows one, so the ticket would be gone for every clone;
- a file in tickets/ that is no ticket file (a stray name, the wrong shard depth);
- a ticket file deleted (not moved): tickets are never deleted; a closed ticket stays;
- a journal entry removed or rewritten: the journal is the audit trail, appended to only;
  every entry HEAD's file has must still be there, unchanged and in order (new ones may come
  between: a merge interleaves by time);
- a staged sdesk.toml that carries a machine-only key (a command to run, a host that receives
  a credential, a path outside the store: they live in .git/sdesk.local.toml).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdesk import git
from sdesk.store.check import Links, Problem, check_message, links_of, parse_ticket
from sdesk.store.checkedits import problems_of

if TYPE_CHECKING:
    from sdesk.store import Store

LINK_MODE = "120000"


def _staged(store: Store, env: dict[str, str] | None) -> list[tuple[str, str, str]]:
    """(status letter, new mode, git path) of every staged change below the store, renames
    followed (a moved ticket is an R, not a D and an A)."""
    raw = git.run(["diff", "--cached", "--raw", "-z", "-M", "--", "."], store.root,
                  env=env).stdout
    fields = raw.split("\0")
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(fields) - 1:
        meta = fields[i].split()
        if not meta:
            i += 1
            continue
        status = meta[4][0]
        paths = 2 if status in "RC" else 1
        out.append((status, meta[1], fields[i + paths]))
        i += 1 + paths
    return out


def check_staged(store: Store) -> list[Problem]:
    """What the next commit would record (pre-commit hook): the staged ticket and outbox files
    as `check` reads them, links, stray files, deletions and journal entries removed or
    rewritten, as Problems (path relative to the store). Raises GitError when git fails."""
    from sdesk.store.checkfields import every_problem
    from sdesk.store.checkstream import check_relations

    out: list[Problem] = []
    prefix = store.git_path(store.root)
    base = "" if prefix == "." else prefix + "/"
    env = git.hook_index()
    staged = _staged(store, env)
    known_out = git.run(["ls-files", "-z", "--", "tickets"], store.root, env=env).stdout
    known = {Path(p).stem for p in known_out.split("\0") if p.endswith(".toml")}
    tickets: list[Links] = []
    for status, mode, name in staged:
        rel = name[len(base):] if name.startswith(base) else name
        in_tickets = rel.startswith("tickets/")
        if status == "U":  # a merge in progress: `check` and the commit itself say so
            continue
        if status == "D":
            if in_tickets and rel.endswith(".toml"):
                out.append(Problem(rel, "", "a ticket file deleted: tickets are never deleted "
                                   "(a closed ticket stays); restore it (git restore --staged "
                                   "--worktree on it)"))
            continue
        if mode == LINK_MODE and (in_tickets or rel.startswith(("outbox/", "kb/", "reference/"))):
            out.append(Problem(rel, "", "staged as a symbolic link; sdesk never follows one "
                               "(restore the file: git restore --staged --worktree on it)"))
            continue
        if in_tickets and not _ticket_path(rel, store.folder_levels):
            if not Path(rel).name.startswith("."):
                out.append(Problem(rel, "", "not a ticket file in a shard folder"))
            continue
        if not (in_tickets or rel.startswith("outbox/") or rel == "sdesk.toml"):
            continue
        blob = git.run(["cat-file", "blob", f":{name}"], store.top, check=False, env=env)
        data = blob.stdout.encode("utf-8")
        if rel == "sdesk.toml":  # a machine key must not be committed (session 40)
            from sdesk.store.checksettings import staged_settings

            out += staged_settings(blob.stdout)
            continue
        if in_tickets:
            result = parse_ticket(data, rel)
            if isinstance(result, Problem):
                out += [result] if result.field == "id" else every_problem(data, rel, result)
                continue
            out += [Problem(rel, field, text) for field, text in problems_of(store, result)]
            out += _journal_cut(store, name, rel, data) if status == "M" else []
            tickets.append(links_of(result))
        elif rel.endswith(".eml"):
            out += check_message(store, rel, data)
    out += check_relations(tickets, known, store)
    return out


def _ticket_path(rel: str, levels: int) -> bool:
    """Whether `rel` (store-relative) can be a ticket file: tickets/<shard folders>/<ID>.toml."""
    parts = Path(rel).parts
    return rel.endswith(".toml") and len(parts) == levels + 2


def _entries(data: bytes | str) -> list[Any] | None:
    """The journal of a ticket file's text as TOML tables, None when it does not parse."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        journal = tomllib.loads(text).get("journal", [])
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return journal if isinstance(journal, list) else None


def _journal_cut(store: Store, name: str, rel: str, staged: bytes) -> list[Problem]:
    """A Problem when an entry of HEAD's journal of the file is missing or changed in the
    staged one (order kept; new entries may come anywhere), else []."""
    head = git.run(["cat-file", "blob", f"HEAD:{name}"], store.top, check=False)
    before, after = _entries(head.stdout) if head.returncode == 0 else None, _entries(staged)
    if not before or after is None:
        return []
    remaining = iter(after)
    for i, entry in enumerate(before):
        if not any(entry == later for later in remaining):
            return [Problem(rel, f"journal[{i}]", f"the entry of {entry.get('at', '?')} "
                            f"({entry.get('kind', '?')}) is removed or rewritten: the journal "
                            f"is only appended to; restore it (git restore --staged --worktree "
                            f"on the file, then make the change with sdesk)")]
    return []
