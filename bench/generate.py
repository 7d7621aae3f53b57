"""Realistic ticket stores for the benchmark, written through the real file format.

Every ticket is a `sdesk.core.model.Ticket` serialised by `sdesk.core.model.dumps` at `Store.path_of`, so
the benchmark reads exactly what sdesk writes. The mix follows a state desk a year in: most
tickets closed, a few thousand open, about 1% new and unassigned in the Service Desk queue.
Files are written directly (no fsync: a benchmark store is throw-away) while the same bytes go
to one `git fast-import`, which makes the one commit (`build_store`).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from sdesk.core import ids
from sdesk.core.model import Csat, Hold, JournalEntry, Requester, Resolution, Ticket, dumps
from sdesk.core.reference import Reference, load_reference
from sdesk.store import Store

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
GIT_ENV = {"GIT_AUTHOR_NAME": "Bench Dispatcher", "GIT_AUTHOR_EMAIL": "bench@omes.ok.gov",
           "GIT_COMMITTER_NAME": "Bench Dispatcher", "GIT_COMMITTER_EMAIL": "bench@omes.ok.gov",
           "GIT_CONFIG_NOSYSTEM": "1"}
# (status, share): a year of tickets, most done; "new" are the unassigned queue.
# The unassigned queues (new, triaged) are added in exact numbers by `queue` below.
STATUS_MIX = [("closed", 0.87), ("resolved", 0.05), ("assigned", 0.03), ("in-progress", 0.04),
              ("on-hold", 0.01)]
PROBLEMS = [
    "Outlook will not open", "Cannot print to the floor printer", "VPN drops every hour",
    "Password expired", "Monitor flickers", "Install Tableau Desktop", "New laptop for hire",
    "Shared drive not mapped", "Teams camera not detected", "Badge reader at door 3 offline",
    "Excel crashes on open", "Request access to the HR share", "Phone has no dial tone",
    "Docking station not charging", "Adobe Acrobat licence", "Slow network in the annex",
]
WORDS = ["since", "this", "morning", "after", "the", "update", "user", "says", "screen", "shows",
         "an", "error", "and", "nothing", "happens", "when", "they", "retry", "meeting", "starts",
         "at", "ten", "please", "call", "back"]


def git(args: list[str], cwd: Path, stdin: bytes | None = None) -> str:
    env = {**os.environ, **GIT_ENV}
    out = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env,
                         check=True)
    return out.stdout.decode()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def description(rng: random.Random) -> str:
    """One sentence, or (a quarter of tickets, as e-mails are) a few lines."""
    if rng.random() < 0.75:
        return sentence(rng, rng.randint(8, 40))
    return "\n".join(sentence(rng, rng.randint(4, 12)) for _ in range(rng.randint(2, 4))) + "\n"


def make_ticket(rng: random.Random, ref: Reference, taken: set[str],
                queued: tuple[str, str] | None = None) -> Ticket:
    """A ticket opened in the past year; `queued` = (status, team) makes an unassigned one
    opened in the past week instead (the queue triage and assign work on)."""
    days = 7 if queued else 365
    opened = NOW - dt.timedelta(minutes=rng.randint(0, days * 24 * 60))
    ticket_type = rng.choices(["incident", "request", "case"], [6, 3, 1])[0]
    prefix = ids.DEFAULT_PREFIXES[ticket_type]
    stamp = ids.encode(int((opened - ids.EPOCH).total_seconds()), ids.TIME_CHARS)
    while True:
        tid = f"{prefix}-{stamp}{ids.encode(rng.getrandbits(25), ids.RANDOM_CHARS)}"
        if tid not in taken:
            taken.add(tid)
            break
    status = rng.choices([s for s, _ in STATUS_MIX], [w for _, w in STATUS_MIX])[0]
    team = rng.choice(sorted(ref.teams))
    if queued:
        status, team = queued
    techs = [t for t in ref.technicians.values() if t.team == team] or list(ref.technicians.values())
    agency = rng.choice(sorted(ref.agencies))
    first = rng.choice(["ana", "bo", "carla", "dev", "eli", "fay", "gus", "hana", "ivan", "jo"])
    last = rng.choice(["ruiz", "nguyen", "smith", "tallchief", "okafor", "lee", "brown", "diaz"])
    impact, urgency = rng.randint(1, 3), rng.randint(1, 3)
    priority = ref.sla.priority_for(impact, urgency)
    target = ref.sla.target(priority)
    ticket = Ticket(
        id=tid, type=ticket_type, title=rng.choice(PROBLEMS), opened_at=opened, status=status,
        priority=priority, impact=impact, urgency=urgency,
        channel=rng.choice(["phone", "email", "chat", "self-service", "in-person"]), team=team,
        service=rng.choice(ref.teams[team].services or ("General Inquiry",)),
        location=ref.agencies[agency].location, remote=rng.random() < 0.7,
        effort_hours=rng.choice([0.5, 1.0, 2.0, 4.0]), updated_at=opened,
        respond_by=opened + dt.timedelta(minutes=target.response_minutes),
        resolve_by=opened + dt.timedelta(minutes=target.resolve_minutes * 2),
        description=description(rng),
        requester=Requester(f"{first.title()} {last.title()}", f"{first}.{last}@{agency.lower()}.ok.gov",
                            agency, "405-555-0100"),
    )
    ticket.journal.append(JournalEntry(opened, "Bench Dispatcher",
                                       f"Logged via {ticket.channel}; priority P{priority}.",
                                       kind="system"))
    if status != "new":
        ticket.tier = 1
        if status != "triaged":
            tech = rng.choice(techs)
            ticket.assignee = tech.id
            ticket.assigned_at = opened + dt.timedelta(minutes=rng.randint(5, 120))
            ticket.journal.append(JournalEntry(ticket.assigned_at, "Bench Dispatcher",
                                               f"Assigned to {tech.name}.", kind="assign"))
        ticket.first_response_at = opened + dt.timedelta(minutes=rng.randint(5, 60))
        for k in range(rng.choice([0, 1, 1, 2])):
            at = opened + dt.timedelta(hours=k + 1)
            ticket.journal.append(JournalEntry(at, rng.choice(techs).name, sentence(rng, 18),
                                               visibility=rng.choice(["internal", "public"])))
    if status == "on-hold":
        ticket.holds.append(Hold(opened + dt.timedelta(hours=2), "awaiting-customer"))
    if status in ("resolved", "closed"):
        done = opened + dt.timedelta(hours=rng.randint(1, 200))
        ticket.resolved_at = done
        code = rng.choice(sorted(ref.resolution_codes) or ["fixed"])
        ticket.resolution = Resolution(code, sentence(rng, 12), "Bench Tech", rng.random() < 0.3)
        ticket.journal.append(JournalEntry(done, "Bench Tech", "Resolved.", kind="resolve",
                                           visibility="public"))
        if status == "closed":
            ticket.closed_at = done + dt.timedelta(days=3)
        if rng.random() < 0.2:
            ticket.csat = Csat(rng.randint(1, 5), done + dt.timedelta(days=1), "Thanks")
        ticket.updated_at = ticket.closed_at or done
    fit_before_now(ticket)
    return ticket


def fit_before_now(ticket: Ticket, now: dt.datetime = NOW) -> None:
    """A ticket opened shortly before `now` gets its later events (assignment, notes,
    resolution, closure, CSAT answer) drawn hours or days after opening, some after `now`:
    squeeze its timeline into [opened, now) keeping the order and the relative gaps. Only
    the times of events move (due times stay); the random draws are unchanged, so a store
    built before this fix differs only in those tickets (about 0.8 % of them)."""
    latest = max([t for t in (ticket.assigned_at, ticket.first_response_at, ticket.resolved_at,
                              ticket.closed_at, ticket.updated_at,
                              ticket.csat.at if ticket.csat else None)
                  if t is not None] + [e.at for e in ticket.journal] +
                 [h.start for h in ticket.holds])
    if latest < now:
        return
    opened = ticket.opened_at
    scale = (now - opened - dt.timedelta(seconds=1)) / (latest - opened)

    def fit(at: dt.datetime) -> dt.datetime:
        return opened + (at - opened) * scale

    for name in ("assigned_at", "first_response_at", "resolved_at", "closed_at", "updated_at"):
        if getattr(ticket, name) is not None:
            setattr(ticket, name, fit(getattr(ticket, name)))
    if ticket.csat is not None:
        ticket.csat.at = fit(ticket.csat.at)
    for entry in ticket.journal:
        entry.at = fit(entry.at)
    for hold in ticket.holds:
        hold.start = fit(hold.start)


def tickets(count: int, ref: Reference, seed: int = 7,
            queues: Sequence[tuple[str, str, int]] = ()) -> Iterator[Ticket]:
    """`count` tickets, of which the `queues` (status, team, how many) are unassigned and
    recent, the rest a year's mix; about 3% point at an earlier ticket (related, duplicate of,
    or a child case or task of it), so `show` has relations to find from both sides."""
    rng = random.Random(seed)
    taken: set[str] = set()
    earlier: list[str] = []
    queued = [(status, team) for status, team, n in queues for _ in range(n)]
    for number in range(count):
        ticket = make_ticket(rng, ref, taken, queued[number] if number < len(queued) else None)
        if earlier and rng.random() < 0.03:
            other = rng.choice(earlier)
            kind = rng.choice(["related", "duplicate_of", "parent"])
            if kind == "related":
                ticket.related = [other]
            elif kind == "duplicate_of":
                ticket.duplicate_of = other
            else:
                ticket.parent = other
        earlier.append(ticket.id)
        yield ticket


Maker = Callable[[Reference], Iterable[Ticket]]


def write_tickets(root: Path, count: int, seed: int = 7,
                  queues: Sequence[tuple[str, str, int]] = (),
                  make: Maker | None = None,
                  sink: Callable[[str, bytes], None] | None = None) -> list[str]:
    """Write `count` generated tickets (or those `make` gives, for a benchmark that needs its
    own mix) into the store at `root`, not committed; their IDs. `sink(relative path, bytes)`
    also gets every file (the build's fast-import stream)."""
    store = Store(root)
    ref = load_reference(root / "reference")
    made: set[str] = set()
    written: list[str] = []
    top = str(root)
    for ticket in (make(ref) if make else tickets(count, ref, seed, queues)):
        rel = store.path_of(ticket.id).relative_to(root).as_posix()
        folder = rel.rpartition("/")[0]
        if folder not in made:
            os.makedirs(os.path.join(top, folder), exist_ok=True)
            made.add(folder)
        data = dumps(ticket).encode("utf-8")
        # A plain open/write: no temporary file, no fsync (a benchmark store is throw-away).
        fd = os.open(os.path.join(top, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        if sink is not None:
            sink(rel, data)
        written.append(ticket.id)
    return written


class Steps:
    """Seconds per build step, in order, for the report (`files + objects`, `git index`...)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self._last
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {s:.1f} s" for name, s in self.seconds.items())


def build_store(root: Path, count: int, seed: int = 7, sdesk: str = "sdesk",
                queues: Sequence[tuple[str, str, int]] = (), make: Maker | None = None,
                steps: Steps | None = None, folder_levels: int = 2) -> Steps:
    """An sdesk store at `root` with `count` committed tickets (root must not exist).

    One pass writes each ticket file and streams the same bytes to ONE `git fast-import`
    (running beside it on the other core), which stores the blobs in a pack and makes the one
    commit with its trees; `git read-tree` + `update-index --refresh` then build git's index
    (the refresh hashes the files once, writing no object). `git add` of a million files
    instead writes a million loose objects and took most of an hour. `folder_levels` 3 makes
    a store in the million-ticket layout (sdesk/ids.py), sdesk.toml saying so in the commit."""
    steps = steps or Steps()
    env = {**os.environ, **GIT_ENV}
    subprocess.run([sdesk, "init", str(root)], check=True, env=env, capture_output=True)
    if folder_levels != 2:
        from sdesk.store import relayout

        relayout.set_levels(Store(root), folder_levels)
    steps.done("sdesk init")
    head = git(["rev-parse", "HEAD"], root).strip()
    branch = git(["symbolic-ref", "HEAD"], root).strip()
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done", "--depth=1"], cwd=root, env=env,
        stdin=subprocess.PIPE)
    assert importer.stdin is not None
    pipe = importer.stdin
    message = f"bench: {count} generated tickets".encode()
    when = int(NOW.timestamp())
    pipe.write(b"commit %s\ncommitter %s <%s> %d -0600\ndata %d\n%s\nfrom %s\n" % (
        branch.encode(), GIT_ENV["GIT_COMMITTER_NAME"].encode(),
        GIT_ENV["GIT_COMMITTER_EMAIL"].encode(), when, len(message), message, head.encode()))

    def sink(rel: str, data: bytes) -> None:
        pipe.write(b"M 100644 inline %s\ndata %d\n%s\n" % (rel.encode(), len(data), data))

    try:
        sink("sdesk.toml", (root / "sdesk.toml").read_bytes())
        write_tickets(root, count, seed, queues, make, sink)
        pipe.write(b"\ndone\n")
        pipe.close()
    finally:
        if importer.wait() != 0:
            raise RuntimeError("git fast-import failed")
    steps.done("files + fast-import")
    # read-tree fills the index from the commit with empty stat data; the refresh stats (and
    # hashes once) every file so `git status` is clean and fast afterwards.
    git(["read-tree", "HEAD"], root)
    steps.done("read-tree")
    git(["update-index", "-q", "--refresh"], root)
    steps.done("update-index --refresh")
    # gc.auto=0: an automatic repack runs for minutes in the background at 100,000+ files and
    # skews every timing.
    git(["config", "gc.auto", "0"], root)
    return steps


def build_queue_store(root: Path, make_one: Callable[..., Ticket], seed: int,
                      background: int, queue: int, sdesk: str = "sdesk") -> None:
    """A store of `background` tickets then `queue` waiting ones, each from
    make_one(rng, ref, taken, queue=...): the shape of the triage and assign benchmarks."""
    rng, taken = random.Random(seed), set[str]()

    def make(ref: Reference) -> Iterator[Ticket]:
        for i in range(background + queue):
            yield make_one(rng, ref, taken, queue=i >= background)

    build_store(root, background + queue, sdesk=sdesk, make=make)


def realistic_sizes(root: Path) -> tuple[int, int]:
    """(files, bytes) of the ticket files, for the report."""
    files = total = 0
    for folder, _, names in os.walk(root / "tickets"):
        for name in names:
            if name.endswith(".toml"):
                files += 1
                total += os.path.getsize(os.path.join(folder, name))
    return files, total
