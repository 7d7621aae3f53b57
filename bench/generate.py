"""Realistic ticket stores for the benchmark, written through the real file format.

Every ticket is a `sdesk.core.model.Ticket` serialised by `sdesk.core.model.dumps` at `Store.path_of`, so
the benchmark reads exactly what sdesk writes. The mix follows a state desk a year in: most
tickets closed, a few thousand open, about 1% new and unassigned in the Service Desk queue.
Files are written directly (no fsync: a benchmark store is throw-away), then committed in one
go with `git add` + `git commit`, which at 100,000 files is far faster than any per-file path.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
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
    return ticket


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
                  make: Maker | None = None) -> list[str]:
    """Write `count` generated tickets (or those `make` gives, for a benchmark that needs its
    own mix) into the store at `root`, not committed; their IDs."""
    store = Store(root)
    ref = load_reference(root / "reference")
    made: set[Path] = set()
    written: list[str] = []
    for ticket in (make(ref) if make else tickets(count, ref, seed, queues)):
        path = store.path_of(ticket.id)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(dumps(ticket).encode("utf-8"))
        written.append(ticket.id)
    return written


def build_store(root: Path, count: int, seed: int = 7, sdesk: str = "sdesk",
                queues: Sequence[tuple[str, str, int]] = (), make: Maker | None = None) -> None:
    """An sdesk store at `root` with `count` committed tickets (root must not exist)."""
    env = {**os.environ, **GIT_ENV}
    subprocess.run([sdesk, "init", str(root)], check=True, env=env, capture_output=True)
    write_tickets(root, count, seed, queues, make)
    git(["add", "tickets"], root)
    # --no-verify: the store's pre-commit hook (sdesk check --staged) would read back every
    # file we just generated from the real format. gc.auto=0: the automatic repack this commit
    # would start runs for minutes in the background at 100,000+ files and skews every timing.
    git(["-c", "gc.auto=0", "commit", "-q", "--no-verify", "-m",
         f"bench: {count} generated tickets"], root)
    git(["config", "gc.auto", "0"], root)


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
