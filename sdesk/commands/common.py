"""What every command shares: the App context (store, clock, actor), option decorators, and
the one way to show or apply a plan."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sdesk.commands.app import App as App  # re-exported: every command imports it from here
from sdesk.commands.app import parse_when as parse_when
from sdesk.commands.app import say_skipped as say_skipped
from sdesk.commands.app import warn_skipped as warn_skipped
from sdesk.commands.paramtypes import PriorityLevel as PriorityLevel  # re-exported, as App
from sdesk.core.errors import SdeskError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from pathlib import Path

    from sdesk.core.model import Ticket
    from sdesk.procedures.plan import Plan
    from sdesk.store import Store
    from sdesk.store.executor import Applied

F = TypeVar("F", bound=Callable[..., Any])


def period(since: str | None, until: str | None, tz: dt.tzinfo, now: dt.datetime
           ) -> tuple[dt.datetime | None, dt.datetime]:
    """The reporting period `--since`/`--until` name, as (start or None for all time, end):
    the end is just after `now` when `--until` is not given. ValidationError for a bad date
    or a start not before the end. Used by kpi and report, so both read a period alike."""
    from sdesk.core.errors import ValidationError

    start = parse_when(since, tz, "--since") if since else None
    end = parse_when(until, tz, "--until") if until else now + dt.timedelta(seconds=1)
    if start is not None and start >= end:  # say both dates: `--since tomorrow` gave no
        # --until and was told "--since must be before --until" (fresh-user finding, s. 29)
        def shown(when: dt.datetime) -> str:
            return when.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z").strip()

        given = f"--since {since} ({shown(start)})"
        upto = f"--until {until} ({shown(end)})" if until else f"--until (now, {shown(now)})"
        raise ValidationError(f"{given} is {'after' if start > end else 'not before'} {upto}: "
                              "the period would be empty")
    return start, end


def team_filter(store: Store, typed: str) -> str:
    """The team a filter option (--team of list, queue, stale, triage, workload) names:
    sdesk.commands.listtext.team_filter (click-free, for the start-up fast path too)."""
    from sdesk.commands.listtext import team_filter as named

    return named(store, typed)


def agency_filter(store: Store, typed: str) -> str:
    """The agency code a filter option (`list --agency`) names:
    sdesk.commands.listtext.agency_filter."""
    from sdesk.commands.listtext import agency_filter as named

    return named(store, typed)


def assignee_id(app: App, text: str) -> str:
    """The assignee a filter option (`list --assignee`, `export --assignee`, `workload
    --technician`) names: a technician (ID, name, e-mail, @me), or a name that tickets carry
    though technicians.toml does not (imported tickets); ReferenceError otherwise."""
    from sdesk.core.errors import ReferenceError
    from sdesk.store import queries

    try:
        return app.technician(text).id
    except ReferenceError:
        if text.strip() and queries.assignee_known(app.store.index, text.strip()):
            return text.strip()
        raise


def pass_app(f: F) -> F:
    return click.pass_obj(f)  # type: ignore[return-value]


def _set_raw(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        from sdesk.core.render import RAW_KEY

        ctx.meta[RAW_KEY] = True


def raw_option(f: F) -> F:
    """--raw: CSV cells exactly as stored (sdesk.core.render.raw_csv reads it), for round trips."""
    return click.option("--raw", is_flag=True, expose_value=False, callback=_set_raw,
                        help="With --csv: cells exactly as stored, for round trips (by default "
                             "a cell starting with = + - @ gets a leading ' so a spreadsheet "
                             "does not run it).")(f)


def _set_no_pager(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    app = ctx.find_object(App)
    if value and app is not None:
        app.no_pager = True


def pager_option(f: F) -> F:
    """--no-pager after the command too (`sdesk show ID --no-pager`), as the global option
    before it: users type it where git's habit does not put it (fresh-user finding, session
    28: it was a usage error there)."""
    return click.option("--no-pager", is_flag=True, expose_value=False, callback=_set_no_pager,
                        help="Print straight to the terminal (as the global --no-pager).")(f)


def output_options(f: F) -> F:
    """--json, --csv (and --raw), --fmt and --no-pager for read commands (one renderer:
    sdesk.core.render)."""
    f = pager_option(f)
    f = raw_option(f)
    f = click.option("--fmt", metavar="FORMAT", default=None,
                     help="Table format (any tabulate format: simple, github, grid, plain...).")(f)
    f = click.option("--csv", "as_csv", is_flag=True, help="CSV output.",
                     callback=_one_format)(f)
    f = click.option("--json", "as_json", is_flag=True, help="JSON output for scripts.",
                     callback=_one_format)(f)
    return f


def _one_format(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """--json and --csv together are a usage error (exit 2), not JSON silently winning."""
    other = "as_csv" if param.name == "as_json" else "as_json"
    if value and ctx.params.get(other):
        raise click.UsageError("--json and --csv: give one of them", ctx=ctx)
    return value


def commit_options(f: F) -> F:
    return click.option("--no-commit", is_flag=True,
                        help="Write the files but leave committing to you.")(f)


def plan_options(f: F) -> F:
    f = click.option("--json", "as_json", is_flag=True, help="Print the plan (or result) as JSON.")(f)
    f = click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")(f)
    return commit_options(f)


def read_text_arg(text: str | None, what: str, allow_editor: bool = True,
                  required: bool = True, option: str = "") -> str:
    """Text from an argument, '-' for stdin, or $EDITOR when interactive (like git commit).
    Optional text (`required=False`) is empty when not given and not interactive. `option`
    names the option the text is given with, when it is not an argument (resolve's
    --summary): the error names it (session 30), a usage error (exit 2: usage.missing_text)."""
    if text == "-":
        # Bytes, not text mode: text mode would turn CRLF into LF and the text would not
        # be stored exactly as given.
        try:
            return sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"{what} on stdin is not UTF-8 (byte {exc.start})") from None
    if text is not None:
        return text
    if allow_editor and sys.stdin.isatty() and sys.stdout.isatty():
        edited = run_editor(f"\n# Write the {what} above. Lines starting with # are dropped.\n")
        if edited is not None:
            body = "\n".join(ln for ln in edited.splitlines() if not ln.startswith("#")).strip()
            if body:
                return body
    if not required:
        return ""
    from sdesk.usage import missing_text  # a usage error (exit 2): session 38
    raise missing_text(what, option)


def run_editor(text: str, editor: str | None = None, extension: str = ".txt",
               require_save: bool = True) -> str | None:
    """`click.edit` on `text` (None when the editor quit without saving and `require_save`),
    its failures as sdesk's one-line errors. Raises ValidationError when $EDITOR (or
    `editor`) cannot be started or fails, instead of click's own "Error: ..." format."""
    try:
        return click.edit(text, editor=editor, extension=extension, require_save=require_save)
    except click.ClickException as exc:
        raise ValidationError(f"$EDITOR: {exc.message}") from None
    except ValueError as exc:  # shlex could not split the EDITOR value
        raise ValidationError(f"$EDITOR {editor!r} cannot be run: {exc}") from None


def plan_json(app: App, plan: Plan) -> list[dict[str, Any]]:
    """A plan's actions as `--json` prints them (docs/json.md, "Plans"): each action's
    `ticket`, `action`, `rule`, `reason` and its details; a `create` action's `new` is the
    whole ticket in the one versioned schema `show --json` prints (sdesk.core.ticketjson.full,
    times in the store's zone), not the ticket file's dataclass."""
    from sdesk.core.ticketjson import full
    from sdesk.procedures.plan import CreateTicket

    out = []
    for action in plan.actions:
        data = action.to_json()
        if isinstance(action, CreateTicket) and action.new is not None:
            from sdesk.store.index import row_of

            data["new"] = full(action.new, row_of(action.new), app.store.tz)
        out.append(data)
    return out


def noting_tickets(plans: Iterable[Plan], seen: dict[str, None]) -> Iterator[Plan]:
    """The `plans` unchanged, each one's ticket IDs added to `seen` as it passes (a streamed
    dry run's tickets, for `refuse_as_applied` once the plan is printed)."""
    for one in plans:
        seen.update(dict.fromkeys(one.ticket_ids()))
        yield one


def applied_refusal(store: Store, ticket_ids: Iterable[str]) -> str:
    """The one-line refusal the applied run would give for these tickets ("FILE has changes
    that are not committed; ...", or a merge left unfinished: store.executor.refuse_hand_edits;
    issue 11: hand edits are never swept into sdesk's commits; a --now before one was opened:
    givenclock), or "" when it would not stop (a new ticket passes)."""
    import os

    from sdesk.core.ids import relative_path
    from sdesk.store.executor import refuse_hand_edits
    from sdesk.store.givenclock import given_clock_refusal

    if early := given_clock_refusal(store, ticket_ids := list(ticket_ids)):  # --now early
        return early
    # paths as strings (store.path_of's Paths held ~90 MB for 136,000 tickets at a million)
    prefix = store.git_path(store.root)
    base, top = ("" if prefix == "." else prefix + "/"), str(store.top)
    paths = (base + relative_path(i, store.folder_levels) for i in ticket_ids)
    try:
        refuse_hand_edits(store, [p for p in paths if os.path.exists(os.path.join(top, p))])
    except SdeskError as e:
        return str(e)
    return ""


def refuse_as_applied(store: Store, ticket_ids: Iterable[str], stop: str | None = None) -> None:
    """A dry run shows what the applied run would do, its refusal included: SdeskError ("the
    applied run would stop: ...", `applied_refusal`'s line, or `stop` when the caller already
    asked) when the applied run would stop. Call it after the plan is printed, so the
    dispatcher sees the plan and why it cannot be applied as it is."""
    stop = applied_refusal(store, ticket_ids) if stop is None else stop
    if stop:
        raise SdeskError(f"the applied run would stop: {stop}")


def echo_dry_run_json(app: App, plans: Iterable[Plan], seen: Mapping[str, None]
                      ) -> tuple[int, str]:
    """A dry run's `--json` document (what `show_or_apply` prints: {"dry_run": true,
    "actions": [...]}, and "would_stop" when the applied run would stop) written as the plans
    come, for a batch whose plan is too big to hold (issue 17). `seen` fills with the plans'
    tickets as they pass (`noting_tickets`); returns how many of the plans change something,
    and the applied run's refusal ("" when none) for `refuse_as_applied`."""
    from sdesk.core.render import echo_json_document

    changed = 0
    stop = ""

    def actions() -> Iterator[dict[str, Any]]:
        nonlocal changed
        for one in plans:
            changed += not one.is_empty
            yield from plan_json(app, one)

    def after() -> dict[str, Any]:
        nonlocal stop
        stop = applied_refusal(app.store, seen)
        return {"would_stop": stop} if stop else {}

    echo_json_document({"dry_run": True}, "actions", actions(), after=after)
    return changed, stop


def show_or_apply(
    app: App,
    plan: Plan,
    *,
    action: str,
    subject: str,
    dry_run: bool,
    as_json: bool,
    no_commit: bool,
    loaded: Mapping[str, Ticket] | None = None,
    extra_files: dict[Path, bytes | None] | None = None,
    nothing: str = "",
) -> Applied | None:
    """Print the plan; unless --dry-run, apply it as one commit. The caller holds the lock;
    `loaded` are the tickets it read to make the plan (apply_plan reuses them). With
    `nothing`, a plan that changes nothing prints its findings and raises NothingToDo
    (`nothing` is its message: exit code 4, docs/commands.md), dry run or not."""
    from sdesk.core.render import echo_json, printable
    from sdesk.store.executor import apply_plan

    if nothing and plan.is_empty and not extra_files:
        from sdesk.core.errors import NothingToDo

        if as_json:
            echo_json({"dry_run": dry_run, "actions": plan_json(app, plan)})
        elif plan.describe():
            click.echo(printable("\n".join(plan.describe())))
        raise NothingToDo(nothing)
    if dry_run:
        stop = applied_refusal(app.store, plan.ticket_ids())
        if as_json:  # a script reads the JSON: the refusal is in it too
            echo_json({"dry_run": True, "actions": plan_json(app, plan)}
                      | ({"would_stop": stop} if stop else {}))
        else:
            # One write: a batch plan has tens of thousands of lines.
            click.echo(printable("\n".join(plan.describe() or ["nothing to do"])))
            say_advice(plan, action, applied=False)
        refuse_as_applied(app.store, (), stop)
        return None
    applied = apply_plan(app.store, plan, actor=app.actor, now=app.now, action=action,
                         subject=subject, commit=not no_commit, loaded=loaded,
                         extra_files=extra_files)
    if as_json:
        echo_json({"dry_run": False, "commit": applied.commit,
                   "actions": plan_json(app, plan)})
    else:
        click.echo(printable("\n".join(plan.describe() or ["nothing to do"])))
        say_advice(plan, action, applied=True)
    return applied


def say_advice(plan: Plan, action: str, applied: bool) -> None:
    """The plan's advice (procedures.plan.Advice) on stderr, after the plan: each warning as
    `sdesk: warning: ...`, and once `applied` each next step as `ACTION: ...` (`parent:
    INC-... is new; triage it before it is assigned: sdesk triage INC-...`)."""
    from sdesk.core.render import printable
    from sdesk.procedures.plan import Advice

    for a in plan.actions:
        if isinstance(a, Advice) and (a.warning or applied):
            said = f"sdesk: warning: {a.reason}" if a.warning else f"{action}: {a.reason}"
            click.echo(printable(said), err=True)


def apply_each(app: App, plans: Iterator[Plan], *, action: str, subject: Callable[[int], str],
               dry_run: bool, as_json: bool, no_commit: bool, nothing: str,
               loaded: dict[str, Any] | None = None) -> tuple[Applied | None, int]:
    """`show_or_apply` of the plan the per-ticket `plans` make together (the caller holds the
    lock), and the number of tickets it changes; `subject(n)` is the commit's subject for n.
    A batch over batchwrite.STREAM_ABOVE tickets, applied with a commit and printed as text,
    goes ticket by ticket through temporary files (sdesk/store/batchwrite.py: the same files,
    commit message and output, memory flat: issue 17); the rest is planned whole. `loaded`:
    the tickets the plans were made from, as read ({id: ticket}, batchwrite.apply_each and
    executor.apply_plan take a ticket from there instead of reading its file again; the
    caller keeps the latest batchwrite.LOADED_KEPT)."""
    import itertools

    from sdesk.procedures.plan import Plan
    from sdesk.store import batchwrite

    head = list(itertools.islice(plans, batchwrite.STREAM_ABOVE + 1))
    if dry_run or as_json or no_commit or len(head) <= batchwrite.STREAM_ABOVE:
        plan = Plan()
        for one in itertools.chain(head, plans):
            plan.extend(one.actions)
        touched = len(plan.ticket_ids())
        return show_or_apply(app, plan, action=action, subject=subject(touched),
                             dry_run=dry_run, as_json=as_json, no_commit=no_commit,
                             loaded=loaded, nothing=nothing), touched
    from sdesk.core.errors import NothingToDo
    from sdesk.store.executor import Applied

    done = batchwrite.apply_each(app.store, itertools.chain(head, plans), actor=app.actor,
                                 now=app.now, action=action, subject=subject,
                                 loaded=loaded)
    shown = False
    for text in done.text():  # the whole plan's lines, as show_or_apply prints them
        if text:
            click.echo(text, nl=False)
            shown = True
    if shown or done.changed:
        click.echo("" if shown else "nothing to do")
    if not done.changed:
        raise NothingToDo(nothing)
    return Applied(done.commit, [], []), done.changed


def mention_kb(app: App, ticket: Any) -> None:
    """Name the knowledge-base articles that best match a ticket (on stderr, so scripts that
    read the ID or the plan from stdout are not disturbed). A broken article never stops the
    command that only wanted a hint; `sdesk check` reports it."""
    from sdesk.procedures import kb

    try:
        hits = kb.suggest(app.store.root, ticket.title, ticket.description, ticket.service)
    except SdeskError:
        return
    for hit in hits:
        from sdesk.core.render import printable

        click.echo(printable(f"kb: {hit.id} {hit.title}"), err=True)

