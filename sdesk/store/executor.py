"""The executor: carries a plan out. The one write path of every mutating command.

`apply_plan` applies a Plan's actions to the tickets (read under the caller's store lock),
renders its notifications into outbox/, and hands every file to `write_and_commit`, which
records the intent (sdesk/git/recovery.py), writes atomically, makes exactly one commit of exactly
those paths and records the tickets in the index. Procedures never import this module (a test,
tests/test_architecture.py, proves it): they return a Plan (sdesk/procedures/plan.py) and stop there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from sdesk import git
from sdesk.core.errors import SdeskError
from sdesk.core.model import Ticket
from sdesk.core.record import record
from sdesk.git import recovery
from sdesk.procedures.plan import CreateTicket, Notify, Plan
from sdesk.store.givenclock import refuse_backdated, refuse_before_opened, warn_far_ahead

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any

    from sdesk.store import Store


@record(frozen=True)
class Applied:
    commit: str  # "" when --no-commit
    tickets: list[str]
    outbox: list[Path]


def apply_plan(
    store: Store,
    plan: Plan,
    *,
    actor: git.Identity,
    now: dt.datetime,
    action: str,
    subject: str,
    commit: bool = True,
    extra_files: dict[Path, bytes | None] | None = None,
    loaded: Mapping[str, Ticket] | None = None,
) -> Applied:
    """Carry out a plan: the caller holds the store lock. One commit with trailers naming the
    action and every ticket; `extra_files` (path -> bytes, or None to delete) join the commit
    (knowledge-base articles, for example). `loaded` are tickets the caller read under the same
    lock to make the plan: they are used (and changed) instead of being read again."""
    if plan.is_empty and not extra_files:
        return Applied("", [], [])
    tickets, messages = prepare(store, plan, now, loaded)
    files: dict[Path, bytes | None] = {store.path_of(t.id): dump(t) for t in tickets.values()}
    files.update({path: data for path, data in messages})
    files.update(extra_files or {})
    message = commit_message(subject, plan, action, list(tickets) or plan.ticket_ids())
    commit_id = write_and_commit(store, files, list(tickets.values()), message, actor,
                                 commit=commit)
    return Applied(commit_id, list(tickets), [p for p, _ in messages])


def prepare(store: Store, plan: Plan, now: dt.datetime, loaded: Mapping[str, Ticket] | None
            ) -> tuple[dict[str, Ticket], list[tuple[Path, bytes]]]:
    """A plan carried out in memory, nothing written: {ticket id: the changed ticket} (the
    tickets changed, then those only notified about, each in the plan's order) and the
    notifications rendered as (outbox path, bytes). SdeskError when a created ticket exists."""
    tickets: dict[str, Ticket] = {}
    for a in plan.changes:
        if isinstance(a, CreateTicket):
            assert a.new is not None
            if store.exists(a.new.id) or a.new.id in tickets:
                raise SdeskError(f"ticket {a.new.id} exists already")
            tickets[a.new.id] = a.new
        elif a.ticket not in tickets and not isinstance(a, Notify):
            cached = loaded.get(a.ticket) if loaded else None
            tickets[a.ticket] = cached if cached is not None else store.load(a.ticket)
    for a in plan.changes:
        if isinstance(a, Notify) and a.thread and a.ticket not in tickets:
            # A ticket only notified about is loaded too, so the mail's Message-ID is
            # recorded with it; a broken or missing file is `sdesk check`'s news, the mail
            # still goes out.
            try:
                tickets[a.ticket] = (loaded or {}).get(a.ticket) or store.load(a.ticket)
            except SdeskError:
                continue
    if store.given_now is not None:
        warn_far_ahead(store)  # a month ahead blocks every earlier --now (session 39)
        created = {a.ticket for a in plan.changes if isinstance(a, CreateTicket)}
        # the tickets that exist first (a split names its original, not the new ticket), then
        # a new task's or report's parent: a task is not opened before its parent was
        parents = [store.load(t.parent) for t in tickets.values() if t.id in created
                   and t.parent and t.parent not in tickets and store.exists(t.parent)]
        refuse_before_opened([*(t for t in tickets.values() if t.id not in created), *parents,
                              *(t for t in tickets.values() if t.id in created)], now)
        changed = {a.ticket for a in plan.changes if not isinstance(a, CreateTicket | Notify)}
        refuse_backdated((t for t in tickets.values() if t.id in changed), now)
    for a in plan.changes:
        if a.ticket in tickets and not isinstance(a, CreateTicket):
            a.apply(tickets[a.ticket])
    for t in tickets.values():
        t.updated_at = now
    notes = [a for a in plan.changes if isinstance(a, Notify)]
    messages: list[tuple[Path, bytes]] = []
    if notes:  # the email package costs ~15 ms of start-up: only when there is mail
        from sdesk.mail import notify

        messages = [notify.render(store, a, now, tickets.get(a.ticket) if a.thread else None)
                    for a in notes]
        for (path, data), a in zip(messages, notes, strict=True):
            _refuse_oversize_mail(store, path, data, a.ticket)
    return tickets, messages


def _refuse_oversize_mail(store: Store, path: Path, data: bytes, ticket_id: str) -> None:
    """SdeskError (nothing written) for an outbox message over the read limit: `outbox list`
    and `send` refuse to read such a file, and it stopped every message behind it (an 800 KB
    public note of accented text is 2.4 MB quoted-printable)."""
    from sdesk.core.untrusted import MAX_FILE_BYTES

    if len(data) > MAX_FILE_BYTES:
        raise SdeskError(f"the mail about ticket {ticket_id} ({path.relative_to(store.root)}) "
                         f"would be {len(data)} bytes, over the {MAX_FILE_BYTES}-byte limit "
                         "for an outbox file (docs/crash-safety.md): nothing written; make "
                         "the public text shorter")


PACK_ABOVE = 100  # files; above this a batch's contents go to git as one pack


def write_and_commit(store: Store, files: dict[Path, bytes | None],
                     tickets: Sequence[Ticket | tuple[Any, ...]],
                     message: str, actor: git.Identity, commit: bool = True) -> str:
    """Write (or delete) the files and commit exactly them, all or nothing, then record the
    tickets in the index; returns the commit id ("" with commit=False). The intent is recorded
    first (sdesk/git/recovery.py), so an error or a kill before the commit rolls every file back.
    The one write path of every mutating command, the importer included."""
    from sdesk.core.untrusted import check_inside
    from sdesk.store import write_files

    for path in files:  # never through a link a collaborator committed (nor its rollback)
        check_inside(store.root, path)
    if commit:
        git.require()  # no git, no commit and no rollback: refuse before writing
    index = store.index_for_write()  # adopts the commit without a diff or a folder scan
    commit_id = ""
    if not commit:
        write_files(files)
    else:
        git_paths = [store.git_path(p) for p in files]
        refuse_hand_edits(store, git_paths)
        recovery.begin(store, git_paths)
        try:
            write_files(files)
            blobs = [data for data in files.values() if data is not None]
            if len(blobs) > PACK_ABOVE:
                git.pack_blobs(store.top, blobs)
            commit_id = git.commit_paths(store.top, git_paths, message, actor)
        except BaseException:
            recovery.recover(store)  # all or nothing: put every file back as HEAD has it
            raise
        recovery.end(store)
        _housekeeping(store)
    index.update_tickets(tickets)
    return commit_id


def _housekeeping(store: Store) -> None:
    """After a commit: fold git's split index or pack loose objects in a detached process when
    either is due (sdesk/git/housekeeping.py; two stats and a folder listing otherwise)."""
    from sdesk.git import housekeeping, inproc

    housekeeping.after_commit(store.top, store.git_dir, store.state_dir,
                              inproc.config(store.top, store.git_dir))


def refuse_hand_edits(store: Store, git_paths: list[str]) -> None:
    """Never sweep a person's uncommitted change of a file into sdesk's commit: the audit trail
    would name sdesk's action for a change somebody made by hand. Raises SdeskError naming the
    first such file (nothing written yet). New files (outbox mail, created tickets) pass.
    A merge left unfinished is refused first, as git refuses a commit then (`merge_refusal`).
    So is a command that decided from reference data or settings nobody committed
    (`store.decided_from`, `uncommitted_reference`): the commit would hold a decision git
    cannot show the grounds of (session 38; a person's edit of a ticket file is swept in
    nowhere either way)."""
    merging = merge_refusal(store)
    if merging:
        raise SdeskError(merging)
    decided = {store.git_path(store.root / rel): rel for rel in sorted(store.decided_from)}
    dirty = git.uncommitted(store.top, [*git_paths, *decided])  # one pass for both
    used = [decided[p] for p in dirty if p in decided]
    if used:
        from sdesk.core.errors import UncommittedReference

        raise UncommittedReference(uncommitted_reference(used[0]))
    if dirty:
        more = f" (and {len(dirty) - 1} more) have" if len(dirty) > 1 else " has"
        raise SdeskError(f"{dirty[0]}{more} changes that are not committed; commit them "
                         f"(git add, git commit) or undo them (git restore; a file git does not "
                         f"know yet: delete it) first: sdesk edit refuses them too, and makes a "
                         f"change with its own commit after")


def uncommitted_reference(rel: str, why: str = "") -> str:
    """The one line refusing a change decided from `rel` (store-relative: reference/teams.toml,
    sdesk.toml) while it has uncommitted changes: a decision made from data nobody committed
    cannot be reviewed in git. `why` (optional) says what the file decides in this command."""
    because = why or "a decision made from it cannot be reviewed in git until it is committed"
    return (f"{rel} has uncommitted changes, and {because}: commit it first (git commit {rel}) "
            f"or restore it (git checkout {rel}); nothing written")


def merge_refusal(store: Store) -> str:
    """Why no commit can be made now ("" when one can): git's index is locked (.git/index.lock:
    git would refuse the commit after sdesk had written the files; session 40), or a merge is
    unfinished (.git/MERGE_HEAD). sdesk's commit would land in the middle of it, beside files git left
    with conflicts; git refuses `git commit` then too. An interrupted `sdesk sync`'s own
    merge was already undone when the store lock was taken (sdesk/git/recovery.py): one still
    there is a person's."""
    from sdesk.core.gitrefs import merging

    if (store.git_dir / "index.lock").exists():  # a running git, or a killed one's leftover
        return (f"{store.git_dir / 'index.lock'} exists: a git command is running in this "
                f"clone, or one was killed and left it; nothing written. When no git command "
                f"is running, remove that file and run the command again")
    if not merging(store.git_dir):
        return ""
    return ("a merge is unfinished (.git/MERGE_HEAD): sdesk commits nothing until it is "
            "finished; resolve its conflicts (sdesk check lists them), git add and git commit, "
            "or git merge --abort")


# How close to the read limit a ticket's file must be before `over_limit` carries a plan out
# in memory to measure it: one ticket's triage adds a few KB at most.
NEAR_LIMIT = 64 * 1024
MAIL_ID_BYTES = 120  # a Message-ID recorded on a ticket per threaded mail (mail/notify.py)


def over_limit(store: Store, plan: Plan, loaded: Mapping[str, Ticket] | None = None
               ) -> tuple[str, int] | None:
    """(ticket ID, bytes) of the first existing ticket whose file `plan` would make larger
    than the read limit (`untrusted.MAX_FILE_BYTES`), else None: what `dump` would refuse,
    found before anything is applied, so a batch can leave that ticket's plan out instead of
    failing whole (session 34: one ticket near 1 MiB stopped `triage --all`). Only a ticket
    whose file is within NEAR_LIMIT of the limit is measured (on a copy: `loaded` tickets are
    not changed); a ticket the plan creates is `dump`'s to refuse."""
    import copy

    from sdesk.core.model import dumps
    from sdesk.core.untrusted import MAX_FILE_BYTES

    near: dict[str, Ticket] = {}
    mails: dict[str, int] = {}
    sized: set[str] = set()  # one stat a ticket, not one an action (triage --all's path)
    for a in plan.changes:
        if isinstance(a, Notify):
            mails[a.ticket] = mails.get(a.ticket, 0) + (1 if a.thread else 0)
            continue
        if isinstance(a, CreateTicket) or a.ticket in sized:
            continue
        sized.add(a.ticket)
        try:
            size = store.path_of(a.ticket).stat().st_size
        except OSError:
            continue
        if size > MAX_FILE_BYTES - NEAR_LIMIT:
            held = (loaded or {}).get(a.ticket)
            near[a.ticket] = copy.deepcopy(held if held is not None else store.load(a.ticket))
    if not near:
        return None
    for a in plan.changes:
        if a.ticket in near and not isinstance(a, CreateTicket | Notify):
            a.apply(near[a.ticket])
    for tid, ticket in near.items():
        size = len(dumps(ticket).encode("utf-8")) + mails.get(tid, 0) * MAIL_ID_BYTES
        if size > MAX_FILE_BYTES:
            return tid, size
    return None


def dump(ticket: Ticket) -> bytes:
    """The ticket's file, as bytes. SdeskError (one line, before anything is written) when
    they are over the read limit, `untrusted.MAX_FILE_BYTES` (1 MiB): every command would
    refuse to read the file (docs/crash-safety.md, "Size"), so no writer may make one. Every
    writer of a ticket file goes through here: apply_plan, the batch writer, the importer."""
    from sdesk.core.model import dumps
    from sdesk.core.untrusted import MAX_FILE_BYTES

    data = dumps(ticket).encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise SdeskError(f"ticket {ticket.id} would be {len(data)} bytes, over the "
                         f"{MAX_FILE_BYTES}-byte limit for a ticket file (docs/crash-safety.md): "
                         "nothing written; keep long text (a log, a dump) in a file outside "
                         "the ticket and name it in a shorter note")
    return data


def commit_message(subject: str, plan: Plan, action: str, ticket_ids: list[str]) -> str:
    """The commit message of a plan: `subject` on one line, the plan's actions, the trailers
    (Sdesk-Action, one Sdesk-Ticket per ticket). Stored text in the subject and the body
    (a title, a note) goes through core.render.printable: a control or bidi character a
    requester typed (U+202E turns "exe.gpj" into "jpg.exe" on screen) reaches `git log` and a
    forge escaped, as `show` and `log` print it."""
    from sdesk.core.render import printable

    body = plan.describe()
    # A batch of a thousand tickets keeps a readable message: the body lists every action, the
    # trailers list every ticket so `git log --grep` and trailers parsing find them all.
    # (sdesk/store/batchwrite.py writes the same message in parts: `subject_line`, the body,
    # `trailer_lines`.)
    lines = [subject_line(subject), ""]
    if body:
        lines += [*(printable(line) for line in body), ""]
    lines += trailer_lines(action, ticket_ids)
    return "\n".join(lines) + "\n"


def subject_line(subject: str) -> str:
    """A commit's subject: one line, stored text made printable (tabs too)."""
    from sdesk.core.render import printable

    return printable(" ".join(subject.split()), keep_tabs=False)


def trailer_lines(action: str, ticket_ids: Iterable[str]) -> Iterator[str]:
    """The commit's trailers, one line each: Sdesk-Action, then one Sdesk-Ticket per ticket."""
    yield git.trailers([("Sdesk-Action", action)])
    for t in ticket_ids:
        yield git.trailers([("Sdesk-Ticket", t)])
