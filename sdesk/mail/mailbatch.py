"""Taking a batch of incoming messages into the store as one commit: the shell around the
procedure in sdesk/mail/mailin.py, shared by `mail receive`, `mail fetch` and `new --from-email`.

Each message is decided against the store as the messages before it in the batch left it (a
reply that arrives in the same batch as the message it answers joins the new ticket), then the
whole batch is applied by `apply_plan`: one commit, the kept messages and attachments in it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdesk.core.errors import SdeskError
from sdesk.core.model import Ticket
from sdesk.mail.aside import QUARANTINE, kept_copies, reissued, same_message, set_aside
from sdesk.mail.bareid import bare_tagged
from sdesk.mail.mailin import MailRules, Outcome, Tags, receive, thread_candidates
from sdesk.mail.mailparse import Incoming, parse
from sdesk.procedures.plan import CreateTicket, Plan
from sdesk.procedures.proposals import logged_as

if TYPE_CHECKING:
    from sdesk.git import Identity
    from sdesk.procedures.intake import Intake
    from sdesk.store import Store


@dataclass(frozen=True)
class Taken:
    """One message of a batch and what became of it; `key` names it in its mailbox."""

    key: str
    outcome: Outcome


def mail_rules(store: Store) -> MailRules:
    """The [mail] settings intake follows (checked by sdesk/core/settings.py). The desk's own
    addresses are mail.from, mail.addresses, the teams' and the leads' addresses."""
    section = store.settings("mail")
    own = {str(section["from"]).lower(), *(a.lower() for a in section["addresses"])}
    ref = store.reference
    own.update(t.email.strip().lower() for t in ref.teams.values() if t.email)
    if ref.leads_email:
        own.add(ref.leads_email.strip().lower())
    return MailRules(desk_addresses=frozenset(a for a in own if a),
                     acknowledge=bool(section["acknowledge"]),
                     reopen_days=float(section["reopen_days"]),
                     attachment_max_bytes=int(section["attachment_max_bytes"]),
                     ticket_type=str(section["ticket_type"]))


class _Batch:
    """The store as the messages taken so far in this batch left it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        from sdesk.store import queries

        self.known: dict[str, str] = queries.message_ids(store.index)
        self.originals: dict[str, Ticket] = {}  # as read from the store, for apply_plan
        self.shadow: dict[str, Ticket] = {}  # with this batch's actions applied
        self.taken_ids: set[str] = set()
        self.broken: dict[str, str] = {}  # ticket ID -> why its file cannot be read
        self.plan = Plan()
        self.files: dict[str, bytes] = {}
        from sdesk.store.contexts import licence_seats

        # seats held per catalogue name, as this batch's reopens leave them (`add`)
        self.seats: dict[str, int] = licence_seats(store)

    def tickets(self, ids: Iterable[str]) -> dict[str, Ticket]:
        out: dict[str, Ticket] = {}
        for tid in ids:
            if tid not in self.shadow:
                if tid in self.taken_ids or not self.store.exists(tid):
                    continue
                try:
                    original = self.store.load(tid)
                except SdeskError as exc:  # `sdesk check`'s news; a tag naming it holds the
                    self.broken[tid] = exc.message  # message (`held`), Message-IDs open anew
                    continue
                self.originals[tid] = original
                self.shadow[tid] = copy.deepcopy(original)
            out[tid] = self.shadow[tid]
        return out

    def _seat(self, tid: str) -> str:
        """The catalogue name of the licence seat the ticket holds as the batch left it, ""
        for none (core/seats.holds_seat, the rule the index counts by)."""
        from sdesk.core.seats import holds_seat

        t, ref = self.shadow[tid], self.store.reference
        code = t.resolution.code if t.resolution is not None else ""
        if not holds_seat(t.type, t.status, t.software, t.flags, code, t.team,
                          ref.inventory_team):
            return ""
        software = ref.software_named(t.software)
        return software.name if software is not None else ""

    def tags(self, msg: Incoming) -> Tags:
        """What the [ID] tags of `msg`'s subject name: a full ID, or a unique prefix of one in
        any case (the short ID a person copies, `[inc-2q4c]`), among the store's tickets and
        those this batch opened. A tag whose type prefix is no ticket type's is no tag."""
        from sdesk.core.ids import DEFAULT_PREFIXES, is_valid

        prefixes = {self.store.id_prefix(kind) for kind in DEFAULT_PREFIXES}
        found: dict[str, str] = {}
        unmatched: dict[str, str] = {}
        for tag in msg.tags:
            if tag.partition("-")[0] not in prefixes or tag in found or tag in unmatched:
                continue
            if is_valid(tag) and (tag in self.shadow or self.store.exists(tag)):
                found[tag] = tag
                continue
            matches = sorted({*self.store.index.match_id(tag),
                              *(t for t in self.taken_ids if t.startswith(tag))})
            if len(matches) == 1:
                found[tag] = matches[0]
            elif not matches and (broken := self._broken_file(tag)):
                found[tag] = broken  # held, not a new ticket (`held`)
            else:
                unmatched[tag] = "names no ticket" if not matches else \
                    f"matches {len(matches) if len(matches) <= 10 else 'over 10'} tickets"
        return Tags(found, unmatched)

    def _broken_file(self, tag: str) -> str:
        """The ID of the ticket file the index could not read (broken TOML, a schema problem)
        whose name starts with `tag` (a short ID), its problem kept in `broken`; "" for none
        (Store.resolve_id names such a file the same way)."""
        for problem in self.store.index.problems:
            name = problem.path.rsplit("/", 1)[-1].removesuffix(".toml").upper()
            if problem.path.endswith(".toml") and name.startswith(tag):
                self.broken[name] = str(problem)
                return name
        return ""

    def held(self, tags: Tags) -> Outcome | None:
        """The message kept for a retry when an [ID] tag of its subject names a ticket whose
        file cannot be read (broken TOML, a merge conflict): without it the reply would open a
        new ticket saying the tag "names no ticket" (a tester's finding, session 39). Verdict
        "held": neither taken nor refused (`mail receive` exits 75, `mail fetch` leaves it in
        the mailbox); None when every tagged ticket was read (`tickets` records the broken)."""
        for tag, tid in tags.ids.items():
            if tid in self.broken:
                return Outcome("held", tid, f"held for a retry: [{tag}] names {tid}, whose "
                                            f"file cannot be read: {self.broken[tid]}; put "
                                            f"it right (sdesk check) and it is taken then")
        return None

    def add(self, outcome: Outcome, message_id: str) -> None:
        held = {tid: self._seat(tid) for tid in outcome.plan.ticket_ids() if tid in self.shadow}
        for action in outcome.plan.changes:
            if isinstance(action, CreateTicket):
                assert action.new is not None
                self.shadow[action.new.id] = copy.deepcopy(action.new)
                self.taken_ids.add(action.new.id)
            elif action.ticket in self.shadow:
                action.apply(self.shadow[action.ticket])
        for tid, before in held.items():  # a reopen that took a seat: the next one sees it
            after = self._seat(tid)
            if after != before:
                name = after or before
                self.seats[name] = self.seats.get(name, 0) + (1 if after else -1)
        self.plan.extend(outcome.plan.actions)
        self.files.update(outcome.files)
        if outcome.taken and outcome.ticket and outcome.verdict != "duplicate":
            self.known[message_id] = outcome.ticket


def take(store: Store, items: Iterable[tuple[str, bytes]], *, now: dt.datetime,
         actor: Identity, apply: bool = True, adjust: Callable[[Intake], None] | None = None,
         progress: Callable[[], None] | None = None, commit: bool = True) -> list[Taken]:
    """Decide every message, then (unless `apply` is False) write the batch as one commit (or
    only the files, with `commit` False: `new --from-email --no-commit`). Without `apply` (a
    dry run) a ticket the batch would open is named "(new ticket N)", not by an ID the real
    run would not allot (`_unnumbered`). The
    caller holds the store lock. A message that cannot be taken is refused with its reason;
    nothing about one message stops the others: one whose reading or deciding raises an
    unexpected exception is set aside (verdict "aside", kept under mail/quarantine/ in the
    batch's commit: sdesk.mail.aside, session 40). An SdeskError outside the message's own
    decision is the store's state and stops the batch before anything is written."""
    rules = mail_rules(store)
    batch = _Batch(store)
    results: list[Taken] = []
    parsed: list[tuple[str, Incoming]] = []
    for key, raw in items:
        try:
            parsed.append((key, parse(raw)))
        except Exception as exc:  # one message the library cannot read: set aside, go on
            results.append(Taken(key, set_aside(raw, "reading it", exc)))
            batch.files.update(results[-1].outcome.files)
    for key, msg in in_order(parsed, now):
        try:
            outcome = _decide(batch, msg, rules, now, actor, adjust)
        except SdeskError:
            raise  # the store's state (a broken file, git): the batch stops, nothing written
        except Exception as exc:  # a bug on this one message must not stop the others
            outcome = set_aside(msg.raw, "deciding what it is", exc)
        batch.add(outcome, msg.message_id)
        results.append(Taken(key, outcome))
        if progress is not None:
            progress()
    if not apply:
        _unnumbered(results)
    # a set-aside message delivered again is the same file: no change, no commit
    files = {path: data for path, data in batch.files.items()
             if not path.startswith(QUARANTINE) or not _holds(store.root / path, data)}
    if apply and (not batch.plan.is_empty or files):
        from sdesk.store.executor import apply_plan

        count = sum(1 for r in results if r.outcome.taken and r.outcome.verdict != "duplicate")
        apply_plan(store, batch.plan, actor=actor, now=now, action="mail",
                   subject=f"mail: {count} message(s) taken",
                   loaded=batch.originals,
                   extra_files={store.root / path: data for path, data in files.items()},
                   commit=commit)
    return results


def _holds(path: Path, data: bytes) -> bool:
    """The file (no link) holds exactly `data`."""
    return path.is_file() and not path.is_symlink() and path.read_bytes() == data


def _decide(batch: _Batch, msg: Incoming, rules: MailRules, now: dt.datetime,
            actor: Identity, adjust: Callable[[Intake], None] | None) -> Outcome:
    """What one message of the batch is (mailin.receive, against the batch's store view). A
    message reusing a logged Message-ID for another sender or text is taken under one of its
    own (`aside.same_message`, session 40), and its line says so."""
    store = batch.store
    reused = ""
    if msg.message_id in batch.known and not same_message(msg, kept_copies(
            store.root, batch.files, batch.known[msg.message_id], msg.message_id)):
        reused, msg.message_id = msg.message_id, reissued(msg)
    tags = batch.tags(msg)
    msg, tags = bare_tagged(batch, msg, tags)  # "INC-4K2W shared mailbox" (session 40)
    tickets = batch.tickets(thread_candidates(msg, batch.known, tags))
    # a duplicate's reply goes to its original (sdesk/mail/replies.py, session 39)
    tickets |= batch.tickets([t.duplicate_of for t in tickets.values() if t.duplicate_of])
    tickets.update(batch.tickets(i for t in list(tickets.values()) if (i := logged_as(t.flags))))
    new_id = store.new_id(rules.ticket_type, now, batch.taken_ids)
    try:
        outcome = batch.held(tags) or receive(
            msg, known=batch.known, tickets=tickets, ref=store.reference, rules=rules, now=now,
            new_id=new_id, actor=actor.name, adjust=adjust, tags=tags, seats=batch.seats)
    except SdeskError as exc:
        outcome = Outcome("refused", "", f"refused: {exc.message}")
    if outcome.taken and store.given_now is not None:
        outcome = _in_time(outcome, tickets, store.given_now)
    if reused and outcome.verdict != "duplicate":
        outcome.line += (f"; its Message-ID <{reused}> was logged before as "
                         f"{batch.known[reused]} for another message (another sender or "
                         f"text), so it is kept as a message of its own")
    return outcome


def _in_time(outcome: Outcome, tickets: Mapping[str, Ticket], now: dt.datetime) -> Outcome:
    """`outcome`, or a "skipped" one when it changes a ticket (as this batch left it) opened
    or last changed after the given clock `now` (an explicit --now): the executor would
    refuse the whole batch's commit for it (givenclock; session 38), so one backdated reply
    stopped every message with it, an unrelated new incident too. Skipped, the message stays
    in the mailbox as new, to be taken by a later run (session 39)."""
    from sdesk.store.givenclock import given_clock_line

    line = given_clock_line((tickets[t] for t in outcome.plan.ticket_ids() if t in tickets), now)
    if not line:
        return outcome
    return Outcome("skipped", outcome.ticket, line)


def _unnumbered(results: list[Taken]) -> None:
    """A dry run names the tickets it would open "(new ticket 1)", "(new ticket 2)"... in
    its lines, warnings and `ticket`, not the IDs it drew: a new ID is random (core/ids.py),
    so the real run allots others, and a dry run that printed INC-7XPR... promised an ID the
    desk never gave (session 39). A reply in the batch to one of them names the same label."""
    label: dict[str, str] = {}
    for r in results:
        if r.outcome.verdict in ("new", "related") and r.outcome.ticket:
            label.setdefault(r.outcome.ticket, f"(new ticket {len(label) + 1})")
    for r in results:
        o = r.outcome
        for tid, name in label.items():
            o.line = o.line.replace(tid, name)
            o.warnings = [w.replace(tid, name) for w in o.warnings]
        o.ticket = label.get(o.ticket, o.ticket)


def in_order(messages: list[tuple[str, Incoming]],
             now: dt.datetime) -> list[tuple[str, Incoming]]:
    """A batch in the order its messages were sent (session 39), not the order the mailbox
    handed them out: by the Date header (Incoming.sent), clamped to `now` (a sender's clock
    ahead of the desk's puts the message last, not in the future), a message without a Date
    taken as sent at `now`; equal times keep the mailbox's order. A reply goes after the
    message of the batch it answers (In-Reply-To/References) whatever its Date says, so one
    person's message and its follow-up fetched together thread onto one ticket."""
    dated = sorted(enumerate(messages), key=lambda im: (
        min(im[1][1].sent, now) if im[1][1].sent is not None else now, im[0]))
    in_batch = {msg.message_id for _, (_, msg) in dated}
    placed: set[str] = set()
    out: list[tuple[str, Incoming]] = []
    waiting = [pair for _, pair in dated]
    while waiting:  # each pass places at least one: the first whose answered mail is placed
        ready = next((p for p in waiting if all(m in placed or m not in in_batch
                                                 or m == p[1].message_id
                                                 for m in p[1].thread_ids)), waiting[0])
        waiting.remove(ready)
        out.append(ready)
        placed.add(ready[1].message_id)
    return out


def with_reason(raw: bytes, reason: str) -> bytes:
    """The message with an X-Sdesk-Refused header first, for a refused-mail folder."""
    from sdesk.mail.mailparse import header_text

    return f"X-Sdesk-Refused: {header_text(reason, 300)}\r\n".encode() + raw


def summary(results: list[Taken]) -> dict[str, Any]:
    """Counts per verdict, for the closing line and --json."""
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome.verdict] = counts.get(r.outcome.verdict, 0) + 1
    return counts


def as_json(results: list[Taken]) -> list[Mapping[str, Any]]:
    """One object per message: its key, verdict, ticket, the line printed and the warnings
    (what the guide will miss on a ticket it opened; docs/email.md)."""
    return [{"key": r.key, "verdict": r.outcome.verdict, "ticket": r.outcome.ticket,
             "line": r.outcome.line, "warnings": list(r.outcome.warnings)} for r in results]
