"""sdesk triage (the dispatcher's pre-assignment analysis) and sdesk priority (the supervisor's
decision on a flagged priority)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from sdesk.commands.common import (
    App,
    PriorityLevel,
    apply_each,
    echo_dry_run_json,
    mention_kb,
    noting_tickets,
    pass_app,
    plan_options,
    refuse_as_applied,
    show_or_apply,
    team_filter,
    warn_skipped,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sdesk.core.model import Ticket
    from sdesk.procedures.plan import Plan
    from sdesk.store import Store
    from sdesk.store.executor import Applied



class _Kind(click.ParamType[str]):
    """A proposal kind for --accept/--reject, checked as click parses it (procedures.proposals
    .check_kinds words a bad one): an unknown KIND, or the KIND missing (`--accept --dry-run`,
    `--accept ID`), is a usage error, exit 2 like every value outside an option's choices; it
    was exit 1 (issue 11, session 34). `choices` lets the missing-value error list the kinds
    (sdesk.usage)."""

    name = "KIND"

    @property
    def choices(self) -> tuple[str, ...]:
        from sdesk.procedures.proposals import KINDS  # at use: commands import lazily

        return (*KINDS, "all")

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from sdesk.core.errors import ValidationError
        from sdesk.procedures.proposals import check_kinds

        option = param.opts[0] if param is not None and param.opts else "--accept"
        try:
            check_kinds([str(value)], option)
        except ValidationError as exc:
            raise click.UsageError(exc.message, ctx) from None
        return str(value)


@click.command()
@click.argument("ticket_ids", nargs=-1)
@click.option("--team", "team_name", metavar="TEAM", help="That team's unassigned new tickets.")
@click.option("--all", "all_tickets", is_flag=True, help="Every unassigned new ticket.")
@click.option("--split", metavar="REASON", default=None,
              help="This ticket holds more than one group or problem: hand it back for "
                   "separation (one ticket only).")
@click.option("--create-parents", is_flag=True,
              help="For a trend, create the parent case and link the reports (default: propose).")
@click.option("--recheck", is_flag=True,
              help="Triage again tickets handed back to the Service Desk (after they were fixed), "
                   "or a triaged ticket nobody holds yet (after a correction).")
@click.option("--accept", "accept", multiple=True, metavar="KIND", type=_Kind(),
              help="Accept the named tickets' pending proposal: duplicate, separation, trend, "
                   "priority, on-site, kind, service, request or all (repeatable; all with "
                   "--reject KIND: every kind but KIND).")
@click.option("--reject", "reject", multiple=True, metavar="KIND", type=_Kind(),
              help="Reject the named tickets' pending proposal (remembered: never proposed "
                   "again for the same evidence).")
@click.option("--again", is_flag=True,
              help="With --accept KIND: accept a proposal you rejected by mistake, if its "
                   "evidence still stands (a trend's reports still open).")
@click.option("--review", is_flag=True,
              help="On a terminal: show each pending proposal of the named tickets and ask y/n "
                   "(an answer counts for a later ticket only when it has the same proposal "
                   "on the same evidence, as one trend group's; s leaves it pending; q or "
                   "Ctrl-D stops and applies the answers given, Ctrl-C aborts). It asks without "
                   "holding the store lock: other commands go ahead meanwhile.")
@plan_options
@pass_app
def triage(app: App, ticket_ids: tuple[str, ...], team_name: str | None, all_tickets: bool,
           split: str | None, create_parents: bool, recheck: bool, accept: tuple[str, ...],
           reject: tuple[str, ...], again: bool, review: bool, dry_run: bool, as_json: bool,
           no_commit: bool) -> None:
    """Pre-assignment analysis of unassigned tickets, the way the dispatcher guide says.

    Incidents: agency and service supported, priority against the SLA chart, Resolve By and VIP,
    one problem per ticket, duplicates from one person, trends across people. Requests:
    hardware to the Asset Team, unlisted software back for a Software Request Form, no licence
    free to Inventory Control, the rest ready. The plan is shown and applied as one commit
    (--dry-run only shows it). See docs/triage.md.

    \b
    Judgements (duplicates, separation, trends, priority against the work, on site, a request's
    kind read from its words, the service an incident's title names when none is recorded) are
    proposed with their evidence unless their measured precision allows applying them; accept
    or reject each with --accept/--reject KIND, or --review on a terminal.

    \b
    Examples:
      sdesk triage INC-2Q4P --dry-run
      sdesk triage --team "IS-Desktop Support"
      sdesk triage --all --json
      sdesk triage INC-2Q4X --accept all --dry-run
      sdesk triage INC-2Q4X --reject separation
    """
    from sdesk.core.errors import ValidationError
    from sdesk.core.model import check_text
    from sdesk.procedures.triage import triage_each
    from sdesk.store.contexts import triage_context

    chosen = sum([bool(ticket_ids), bool(team_name), all_tickets])
    if chosen != 1:  # a missing argument or options that do not combine: exit 2, as assign's
        raise click.UsageError("name the tickets: IDs, --team TEAM or --all (exactly one)")
    if split is not None and not split.strip():
        raise ValidationError("--split needs a reason: what the separate groups or problems are")
    split = split or ""
    if split and len(ticket_ids) != 1:
        raise click.UsageError("--split applies to exactly one ticket ID")
    check_text("--split", split, single_line=True)
    _review_alone(bool(accept or reject or review), split, recheck, create_parents)
    if accept or reject or review or again:
        _review(app, ticket_ids, list(accept), list(reject), review, dry_run, as_json, no_commit, again)
        return
    store, now = app.store, app.now  # the clock first: a given --now bounds the selection
    with store.lock("triage"):
        ids = _select(store, ticket_ids, team_name)
        ctx = triage_context(store, now, app.actor.name, split=split.strip(),
                             create_parents=create_parents, recheck=recheck)
        alone = len(ticket_ids) == 1  # the one ticket named: refused, not skipped
        if dry_run and (as_json or not create_parents):
            _dry_run(app, _within_limit(app, triage_each(_load(store, ids), ctx), alone=alone),
                     len(ids), as_json)
        else:
            loaded: dict[str, Ticket] = {}  # the tickets as triage read them, for the executor
            plans = _within_limit(app, triage_each(_load(store, ids, loaded), ctx), loaded,
                                  alone)
            _plan_and_apply(app, plans, ids, dry_run, as_json, no_commit, whole=create_parents, loaded=loaded)
    if len(ids) == 1 and not as_json:  # a known fix, before the dispatcher assigns
        mention_kb(app, store.load(ids[0]))


def _review_alone(reviewing: bool, split: str, recheck: bool, create_parents: bool) -> None:
    """A review (--accept/--reject/--review) answers pending proposals; --split, --recheck and
    --create-parents are a triage run's and do not combine with it (they were ignored without a
    word: session 34's tester). Raises click.UsageError (exit 2) naming the first one given."""
    used = [o for o, on in (("--split", split), ("--recheck", recheck),
                            ("--create-parents", create_parents)) if on]
    if reviewing and used:
        raise click.UsageError(f"{used[0]} does not combine with --accept/--reject/--review: "
                               "answer the proposals first, then run it on its own")


def _within_limit(app: App, plans: Iterator[Plan], loaded: dict[str, Ticket] | None = None,
                  alone: bool = False) -> Iterator[Plan]:
    """app.within_limit for triage: the per-ticket `plans` without those that would make a
    ticket's file larger than the read limit, each said in one line (session 34); `alone`
    (`triage ID`): refused, exit 1, not skipped into "nothing to triage" (session 35)."""
    from sdesk.commands.app import within_limit

    return within_limit(app, plans, loaded, verb="triage", again="sdesk triage {id}",
                        alone=alone)


def _plan_and_apply(app: App, plans: Iterator[Plan], ids: list[str], dry_run: bool,
                    as_json: bool, no_commit: bool, whole: bool,
                    loaded: dict[str, Ticket] | None = None) -> None:
    """The plan shown or applied as one commit, then the batch's tally. A big batch is
    applied ticket by ticket (commands.common.apply_each: memory flat, issue 17) unless
    `whole` (--create-parents: a parent case's plan touches other tickets, which the tally
    counts apart from the batch's: `_others`)."""
    def subject(touched: int, others: int = 0) -> str:
        text = f"triage {ids[0]}" if len(ids) == 1 else f"triage {len(ids)} tickets"
        return text + (f": {touched} changed" if touched else "") + (
            f", {_others(others)}" if others else "")

    applied, touched, others = _apply_batch(app, plans, subject, ids, dry_run, as_json,
                                            no_commit, whole, loaded)
    if len(ids) > 1 and not as_json:
        _tally(len(ids), touched, "dry run, nothing changed" if applied is None else
               f"commit {applied.commit[:10]}" if applied.commit else "not committed", others)


def _dry_run(app: App, plans: Iterator[Plan], count: int, as_json: bool) -> None:
    """The dry run of `count` tickets streamed (text or the `--json` document), then the
    refusal the applied run would give (a ticket file with changes nobody committed)."""
    from sdesk.core.errors import NothingToDo

    seen: dict[str, None] = {}
    plans = noting_tickets(plans, seen)
    if as_json:  # the refusal is in the JSON too ("would_stop"): a script reads the JSON
        changed, stop = echo_dry_run_json(app, plans, seen)
        if not changed:
            raise NothingToDo(_nothing(count))
        refuse_as_applied(app.store, seen, stop)
        return
    _show_streamed(plans, count)
    refuse_as_applied(app.store, seen)


def _show_streamed(plans: Iterator[Plan], count: int) -> None:
    """The dry run's plan printed ticket by ticket as triage decides it: the same lines as the
    whole plan's (without --create-parents each ticket's actions are its own), memory flat
    however many tickets there are (issue 17). A batch that changes nothing is exit code 4."""
    from sdesk.core.errors import NothingToDo
    from sdesk.core.render import printable

    changed = 0
    for one in plans:
        lines = one.describe()
        if lines:
            click.echo(printable("\n".join(lines)))
        changed += bool(one.ticket_ids())  # not a run's mail about tickets planned before
    if not changed:
        if count > 1:
            _tally(count, 0, "nothing to commit")
        raise NothingToDo(_nothing(count))
    if count > 1:
        _tally(count, changed, "dry run, nothing changed")


def _nothing(count: int) -> str:
    return f"nothing to triage: {count} ticket{'' if count == 1 else 's'} looked at, none changed"


def _apply_batch(app: App, plans: Iterator[Plan], subject: Callable[..., str], ids: list[str],
                 dry_run: bool, as_json: bool, no_commit: bool, whole: bool,
                 loaded: dict[str, Ticket] | None = None) -> tuple[Applied | None, int, int]:
    """Show or apply a triage plan: (what was applied, how many of `ids` it changes, how many
    other tickets it writes: a --create-parents plan's parent cases and the reports outside
    the batch it links). One that changes nothing is exit code 4, after the batch's tally.
    The executor takes the changed tickets from `loaded` (as `_load` read them, the latest
    batchwrite.LOADED_KEPT: issue 17, memory), whole plan or streamed, and reads only the
    others again (a --create-parents plan's older tickets and other reports)."""
    from sdesk.core.errors import NothingToDo

    count = len(ids)
    try:
        if whole:
            from sdesk.procedures.plan import Plan

            plan = Plan()
            for one in plans:
                plan.extend(one.actions)
            touched = set(plan.ticket_ids())
            changed = len(touched.intersection(ids))
            others = len(touched) - changed
            return show_or_apply(app, plan, action="triage", subject=subject(changed, others),
                                 dry_run=dry_run, as_json=as_json, no_commit=no_commit,
                                 loaded=loaded, nothing=_nothing(count)), changed, others
        applied, changed = apply_each(app, plans, action="triage", subject=subject,
                                      dry_run=dry_run, as_json=as_json, no_commit=no_commit,
                                      nothing=_nothing(count), loaded=loaded)
        return applied, changed, 0
    except NothingToDo:
        if count > 1 and not as_json:
            _tally(count, 0, "nothing to commit")
        raise


def _tally(count: int, changed: int, done: str, others: int = 0) -> None:
    """A batch ends with its tally and the commit, on stderr (the plan went to stdout):
    `changed` of the `count` tickets named, and the `others` the plan wrote besides (parent
    cases and the reports they link, --create-parents), never counted among the batch's."""
    besides = f", {_others(others)}" if others else ""
    click.echo(f"triage: {count} tickets, {changed} changed, {count - changed} unchanged"
               f"{besides}; {done}", err=True)


def _others(others: int) -> str:
    """The tickets a --create-parents plan writes outside the batch, said in the tally."""
    return (f"{others} other ticket{'' if others == 1 else 's'} (parent cases and their "
            "reports)")


def _review(app: App, typed: tuple[str, ...], accept: list[str], reject: list[str],
            interactive: bool, dry_run: bool, as_json: bool, no_commit: bool,
            again: bool = False) -> None:
    """Accept or reject the named tickets' pending proposals (or ask, with --review). A
    --review asks without the store lock: a person may take minutes to answer, and every
    other write (`sdesk note` from another shell) waits for the lock and gives up after
    SDESK_LOCK_TIMEOUT (fresh-user finding, session 35). It takes the lock to apply, to the
    tickets as they are then (`_as_answered`: one that changed meanwhile is said, and
    re-planned or skipped)."""
    from sdesk.core.errors import NothingToDo, ValidationError
    from sdesk.procedures.proposals import decided_kinds, stopped
    from sdesk.procedures.triage_review import review
    from sdesk.store.contexts import triage_context

    if again and (not accept or "all" in accept or interactive):  # session 39
        raise click.UsageError("--again goes with --accept KIND (a kind, not all): it accepts "
                               "a proposal you rejected")
    if not typed:
        # options that do not combine: a usage error, exit 2 (issue 11, session 34)
        raise click.UsageError("--accept, --reject and --review take ticket IDs, not --all/--team")
    # each KIND was checked as click parsed it (_Kind); this expands "all" into the kinds but
    # those the other option names (`--accept all --reject service`)
    accepted, rejected = decided_kinds(accept, reject)
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ValidationError("--review asks on a terminal; in scripts use --accept/--reject KIND")
    store = app.store
    read = [store.load(i) for i in _select(store, typed, None)] if interactive else []
    answers = _ask(read, accepted, rejected) if interactive else None  # no lock held
    kept, unanswered, unasked = stopped(answers)
    left = unanswered + unasked
    if left and not kept and not (accepted or rejected):
        raise NothingToDo(f"nothing changed: review stopped before any answer; {left} "
                          f"proposal{'s' if left > 1 else ''} still pending")
    with store.lock("triage"):
        if interactive:
            tickets, answers = _as_answered(read, [store.load(t.id) for t in read], answers)
        else:
            tickets = [store.load(i) for i in _select(store, typed, None)]
        ctx = triage_context(store, app.now, app.actor.name)
        plan = review(tickets, accepted, rejected, ctx, answers, again=again)
        if len(tickets) == 1 and plan.is_empty and not as_json:  # one line, not the finding
            said = "; ".join(a.describe() for a in plan.actions) or "no pending proposal"
            raise NothingToDo(f"nothing to decide: {tickets[0].id}: {said}")
        show_or_apply(app, plan, action="triage", subject=_review_subject(tickets),
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit,
                      loaded={t.id: t for t in tickets},
                      nothing=_nothing_decided(answers))
        if left and not dry_run:
            click.echo(f"review stopped: {kept} answer{'s' if kept != 1 else ''} kept and "
                       f"applied; {_left_pending(unasked)} (sdesk triage ID... "
                       "--review to go on)", err=True)


def _as_answered(read: list[Ticket], now: list[Ticket], answers: Answers | None
                 ) -> tuple[list[Ticket], Answers | None]:
    """The tickets a --review applies its answers to, read again under the lock (`now`)
    after it asked on the tickets as `read` without it: one unchanged as read; one changed
    meanwhile (a note, a correction from another shell) is said in one line on stderr and
    re-planned as it is now when every proposal answered on it is still pending (the answers
    are the dispatcher's on that evidence, as `--accept KIND` run now would decide), else
    left out, its answers not applied (a proposal decided or withdrawn meanwhile)."""
    from dataclasses import fields

    from sdesk.procedures.proposals import ACCEPTED, REJECTED, pending

    out: list[Ticket] = []
    given = dict(answers or {})
    for before, after in zip(read, now, strict=True):
        if before == after:
            out.append(after)
            continue
        what = ", ".join(f.name for f in fields(after)
                         if getattr(before, f.name) != getattr(after, f.name))
        decided = [k for k, s in given.get(after.id, {}).items() if s in (ACCEPTED, REJECTED)]
        gone = [k for k in decided if k not in set(pending(after.flags))]
        if gone:
            given.pop(after.id, None)
            click.echo(f"sdesk: {after.id} changed while you answered ({what}): "
                       f"{', '.join(f'{k} ({v})' for k, v in gone)} no longer pending; your "
                       "answers for it are not applied", err=True)
            continue
        click.echo(f"sdesk: {after.id} changed while you answered ({what}); your answers "
                   "are applied to it as it is now", err=True)
        out.append(after)
    return out, given if answers is not None else None


def _left_pending(unasked: int) -> str:
    """What a review stopped at a proposal left pending: that proposal (asked, unanswered) and
    those not asked after it, "the proposal you stopped at and 2 not asked stay pending". It
    said "1 proposal not asked stay pending", the one stopped at counted as not asked (issue
    11, session 34)."""
    if not unasked:
        return "the proposal you stopped at stays pending"
    return f"the proposal you stopped at and {unasked} not asked stay pending"


def _review_subject(tickets: list[Ticket]) -> str:
    """The commit subject of a review: `triage review ID` for one ticket, else worded as the
    other batch commits are (`triage 3 tickets: ...`, `close 4 tickets resolved before ...`):
    `triage review 2 tickets: ID, ID`, at most three IDs named (the trailers name every
    one). It said "triage review ID and 1 more" (fresh-user finding 12, session 33)."""
    if len(tickets) == 1:
        return f"triage review {tickets[0].id}"
    named = ", ".join(t.id for t in tickets[:3]) + (", ..." if len(tickets) > 3 else "")
    return f"triage review {len(tickets)} tickets: {named}"


def _nothing_decided(answers: Answers | None) -> str:
    from sdesk.procedures.proposals import SKIPPED

    if any(SKIPPED in mine.values() for mine in (answers or {}).values()):
        return "nothing decided: every proposal asked was skipped"
    return "nothing to decide: no pending proposal of that kind"


# The answers of a `--review`: ticket ID -> (kind, key) -> accepted, rejected, skipped or unasked
Answers = dict[str, dict[tuple[str, str], str]]


def _ask(tickets: list[Ticket], accepted: list[str], rejected: list[str]) -> Answers:
    """The y/n review: each pending proposal with its evidence, ticket by ticket; the answers,
    ticket ID -> (kind, key) -> accepted, rejected or skipped: each proposal its own answer,
    two of one kind on one ticket (duplicates of two other tickets) included (review, session
    30: keyed by kind, the second answer counted for both). An answer counts for a later ticket in
    this run only when that ticket's proposal is the same proposal on the same evidence (the
    same trend group's, triage_review.same_proposal): the prompt says so, and the later one
    says it was answered; any other proposal, of the same kind or not, is asked (fresh-user
    finding, session 29: n for one ticket's priority proposal rejected another ticket's on
    other evidence). --accept/--reject KIND with --review count for every ticket. `q` or
    Ctrl-D stops: the answers given are kept, every proposal not asked is unasked (left
    pending; fresh-user finding 2, session 30: Ctrl-D threw every answer away, and stopping
    halfway meant `s` to every prompt left). Ctrl-C still aborts with nothing changed."""
    from bisect import bisect_right

    from sdesk.commands.prompt import answer_on_terminal
    from sdesk.procedures.proposals import ACCEPTED, REJECTED, SKIPPED, UNANSWERED, UNASKED, pending
    from sdesk.procedures.triage_review import evidence, proposal_named, same_proposal

    answers: Answers = {t.id: {} for t in tickets}
    given: dict[tuple[str, ...], tuple[str, str]] = {}  # the same proposal -> (state, ID)
    # every proposal asked about, with what makes it the same as another ticket's, read once
    # (review, session 30: read again for every later ticket at every prompt, O(n^2)), and the
    # tickets holding each, in order
    asked = [(i, t, kind, key, same_proposal(t, kind, key)) for i, t in enumerate(tickets)
             for kind, key in pending(t.flags) if kind not in accepted and kind not in rejected]
    holders: dict[tuple[str, ...], list[int]] = {}
    for i, _, _, _, same in asked:
        held = holders.setdefault(same, [])
        if not held or held[-1] != i:
            held.append(i)
    stopped = False
    for i, t, kind, key, same in asked:
        head = f"{t.id} {t.title!r}: proposed {kind} ({proposal_named(t, kind, key)})"
        mine = [k for k, _ in pending(t.flags) if k == kind]
        if len(mine) > 1:  # which of them is asked: its key, and that there are others
            head += f", one of {len(mine)} {kind} proposals on {t.id}"
        if same in given:  # as the prompt said, even after q
            state, first = given[same]
            answers[t.id][kind, key] = state
            click.echo(f"{head}: {state} by your answer for {first} (the same proposal)")
            continue
        if stopped:
            answers[t.id][kind, key] = UNASKED
            continue
        click.echo(f"{head}: {evidence(t, kind, key)}")
        later = len(holders[same]) - bisect_right(holders[same], i)
        counts = (f"; y/n counts for the same {kind} proposal of the {later} later "
                  f"ticket{'s' if later > 1 else ''} too" if later else "")
        answer = answer_on_terminal(f"accept? [y/n/s=skip/q=quit, keep answers{counts}]: ",
                                    ("y", "n", "s", "q"), on_eof="q")
        if answer == "q":  # this one was asked: unanswered, not "not asked"
            stopped = True
            answers[t.id][kind, key] = UNANSWERED
            continue
        state = {"y": ACCEPTED, "n": REJECTED}.get(answer, SKIPPED)
        answers[t.id][kind, key] = state
        if state != SKIPPED:
            given[same] = (state, t.id)
    return answers


def _select(store: Store, typed: tuple[str, ...], team_name: str | None) -> list[str]:
    if typed:
        ids = list(dict.fromkeys(store.resolve_id(t) for t in typed))
        # The ticket's context (its duplicates, related reports, licence seats) is read from
        # the index, which leaves broken files out: say which (a named one is an error).
        from sdesk.commands.app import say_skipped

        named = {store.path_of(i).relative_to(store.root).as_posix() for i in ids}
        say_skipped(p for p in store.index.problems if p.path not in named)
        return ids
    from sdesk.store import queries

    team = team_filter(store, team_name) if team_name is not None else ""
    now = store.given_now  # --now: tickets opened after it did not exist yet then
    ids = queries.triage_ids(store.index, team, None if now is None else now.timestamp())
    if now is not None and (later := len(queries.triage_ids(store.index, team)) - len(ids)):
        click.echo(f"sdesk: {later} ticket(s) opened after --now {now.isoformat()} left out",
                   err=True)
    warn_skipped(store)  # a broken file is not in the index: say it is skipped
    return ids


def _load(store: Store, ids: list[str], loaded: dict[str, Ticket] | None = None
          ) -> Iterator[Ticket]:
    """The tickets' files read one at a time as triage reaches them (the index gives them in
    opening order), with a progress bar on a terminal for 50 or more. Each is also put in
    `loaded` (the latest batchwrite.LOADED_KEPT): the executor takes a ticket from there
    instead of reading its file a second time (triage does not change the tickets it reads)."""
    if loaded is not None:  # a run that may apply (a dry run's reads are not kept)
        from sdesk.store.batchwrite import LOADED_KEPT

    def read(ticket_id: str) -> Ticket:
        ticket = store.load(ticket_id)
        if loaded is not None:
            loaded[ticket_id] = ticket
            if len(loaded) > LOADED_KEPT:
                del loaded[next(iter(loaded))]
        return ticket

    if len(ids) < 50 or not sys.stderr.isatty():
        yield from (read(i) for i in ids)
        return
    with click.progressbar(ids, label="triage", file=sys.stderr) as bar:
        yield from (read(i) for i in bar)


def _teams_committed(store: Any) -> None:
    """Refuse a priority decision while reference/teams.toml has uncommitted changes: who may
    decide is whoever the committed, reviewed file names as a supervisor (tester finding,
    session 37: an uncommitted edit made a dispatcher supervisor, and the commit held only the
    ticket). Asked before who the actor is, so the refusal names the file, not the actor; the
    executor refuses any commit decided from uncommitted reference data the same way
    (executor.refuse_hand_edits, session 38). Raises ValidationError naming the file and the
    two ways out."""
    from sdesk import git
    from sdesk.core.errors import ValidationError
    from sdesk.store.executor import uncommitted_reference

    if git.uncommitted(store.top, [store.git_path(store.root / "reference" / "teams.toml")]):
        raise ValidationError(uncommitted_reference(
            "reference/teams.toml", "who may decide a priority is whoever the committed file "
            "names"))


@click.command()
@click.argument("ticket_id")
@click.argument("level", type=PriorityLevel())
@click.option("--reason", required=True, help="Why (recorded in the journal).")
@plan_options
@pass_app
def priority(app: App, ticket_id: str, level: int, reason: str, dry_run: bool, as_json: bool,
             no_commit: bool) -> None:
    """The supervisor's decision on a ticket's priority: set (or keep) LEVEL 1-4 (or P1-P4),
    record why in the journal, recompute Resolve By and clear the priority-review flag. A
    proposed priority the decision overrules is marked rejected; `sdesk show` prints the
    decision and who made it. Only a supervisor (a team's `supervisor` in
    reference/teams.toml) decides: anyone else is refused. To record a supervisor's decision,
    act as them: --actor 'Name <their e-mail>'.

    \b
    Example:
      sdesk --actor "Kendra Yellowhorse <kendra.yellowhorse@omes.ok.gov>" \\
        priority INC-2Q4N 2 --reason "whole floor cannot print payroll"
    """
    from sdesk.core.errors import ValidationError
    from sdesk.core.model import check_text
    from sdesk.procedures.triage import change_priority, priority_refusal

    reason = check_text("--reason", reason, single_line=True).strip()
    if not reason:
        raise ValidationError("--reason must not be empty")
    store = app.store
    with store.lock("priority"):
        ticket = store.get(ticket_id)
        if not ticket.is_open:
            from sdesk.procedures.permits import closed_is_final

            closed_is_final(ticket)
            raise ValidationError(f"{ticket.id} is {ticket.status}; reopen it first")
        _teams_committed(store)
        refused = priority_refusal(ticket, app.actor.email, store.reference, str(app.actor))
        if refused:
            raise ValidationError(refused)
        plan = change_priority(ticket, level, reason, store.reference, app.now, app.actor.name)
        parent = store.load(ticket.parent) if ticket.parent else None
        if parent is not None and parent.is_open and level < parent.priority:
            from sdesk.procedures.relations import raise_parent  # as urgent as its worst child

            plan.extend(raise_parent(parent, level, [ticket.id], store.reference, app.now,
                                     app.actor.name, plan.actions[0].rule).actions)
        show_or_apply(app, plan, action="priority", subject=f"priority {ticket.id} P{level}: "
                      f"{reason[:60]}", dry_run=dry_run, as_json=as_json, no_commit=no_commit)
