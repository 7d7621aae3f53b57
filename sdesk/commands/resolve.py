"""sdesk resolve, reopen, close: the end of a ticket's working life (and its way back)."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app, plan_options, read_text_arg, show_or_apply

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from sdesk.store import Store


@click.command()
@click.argument("ticket_id")
@click.option("--code", "-c", default="", help="Resolution code (reference/codes.toml: fixed, "
              "workaround, duplicate, not-reproducible, withdrawn, out-of-scope ...).")
@click.option("--summary", "-s", metavar="TEXT|-", help="What was done, in words for the "
              "customer (it is sent to them); '-' reads stdin.")
@click.option("--first-contact/--no-first-contact", default=None,
              help="Override the first-contact rule (see docs/resolution.md).")
@click.option("--duplicate-of", default="", metavar="ID",
              help="Resolve as a duplicate of this (original, still open) ticket of the same "
              "requester.")
@click.option("--other-requester", is_flag=True,
              help="With --duplicate-of: the original is another person's ticket, and you mean "
              "it (a trend is a parent case: see docs/resolution.md).")
@click.option("--kb", "articles", multiple=True, metavar="ARTICLE",
              help="Knowledge-base article used to resolve it (repeatable; links both ways).")
@click.option("--force", is_flag=True, help="Do it though you are not of the ticket's team, its "
              "supervisor or the Service Desk (the override is journaled).")
@plan_options
@pass_app
def resolve(app: App, ticket_id: str, code: str, summary: str | None,
            first_contact: bool | None, duplicate_of: str, other_requester: bool,
            articles: tuple[str, ...], force: bool, dry_run: bool, as_json: bool,
            no_commit: bool) -> None:
    """Resolve a ticket: code, summary to the customer, first-contact flag.

    A ticket with open tasks cannot be resolved. Resolving a parent resolves its open
    children too, telling each child's customer; all in one commit. A resolved or closed
    ticket without a resolution (`sdesk show` warns of it) has the missing one recorded: no
    reopen is counted, its status and resolved time stay, nobody is mailed. A duplicate's
    original must be open and the same person's (--other-requester when it is not).

    \b
    Examples:
      sdesk resolve INC-2Q4P --code fixed --summary "Reinstalled the printer driver"
      sdesk resolve INC-2Q4JF --duplicate-of INC-2Q22 --summary "Same Outlook problem"
    """
    from sdesk.procedures import kb
    from sdesk.procedures import resolve as procedures
    from sdesk.store import queries

    store = app.store
    if other_requester and not duplicate_of:
        raise click.UsageError("--other-requester goes with --duplicate-of ID")
    if not code.strip() and not duplicate_of:  # before --summary - reads stdin for nothing
        # a missing option: a usage error, exit 2 (session 38; it was 1)
        raise click.UsageError(procedures.code_required(store.reference))
    text = read_text_arg(summary, "summary", option="--summary")
    with store.lock("resolve"):
        ticket = store.get(ticket_id)
        original, via, first = "", tuple[str, ...](), None
        named = duplicate_of  # or, for --code duplicate on a ticket `relate --as duplicate`
        if not named and ticket.is_open:  # linked, the original it names (one rule)
            from sdesk.procedures.duplicates import original_named

            named = original_named(ticket, "", code.strip().lower() == procedures.DUPLICATE)
        if named:
            original, via = _original_of(store, store.resolve_id(named), ticket.id)
            first = store.load(original)
        links = [kb.load(store.root, a) for a in articles]
        tasks = queries.open_tasks_of(store.index, ticket.id)
        children = [store.load(i) for i in queries.open_children_of(store.index, ticket.id)]
        req = procedures.Resolve(code=code, summary=text, first_contact=first_contact,
                                 duplicate_of=original, kb=tuple(a.id for a in links),
                                 via=via, other_requester=other_requester)
        window = float(store.setting("resolve", "first_contact_minutes"))
        plan = procedures.resolve(ticket, req, store.reference, app.now, app.actor.name,
                                  open_tasks=tasks, children=children, window_minutes=window,
                                  is_parent=bool(children) or queries.has_children(
                                      store.index, ticket.id), original_ticket=first)
        plan.actions[:0] = app.permit(ticket, "resolve it", force)
        subject = f"resolve {ticket.id} as {req.code or 'duplicate'}"
        show_or_apply(app, plan, action="resolve", subject=subject, dry_run=dry_run,
                      as_json=as_json, no_commit=no_commit,
                      extra_files=kb.link_files(store.root, links, ticket.id) if links else None)


def _original_of(store: Store, named: str, ticket_id: str) -> tuple[str, tuple[str, ...]]:
    """The original at the end of the duplicate chain from `named` (--duplicate-of;
    relations.duplicate_chain, as accepting a duplicate proposal follows it). Returns (the
    original, the duplicates passed on the way, `named` first; () when `named` is the
    original). ValidationError when the chain loops or comes back to `ticket_id`."""
    from sdesk.core.errors import ValidationError
    from sdesk.procedures.relations import duplicate_chain

    def original_of(tid: str) -> str:
        ticket = store.load(tid)
        return "" if ticket.is_open else ticket.duplicate_of

    chain, back = duplicate_chain(named, ticket_id, original_of)
    if back:
        raise ValidationError(
            f"--duplicate-of {named}: its duplicate chain "
            f"{' -> '.join([*chain, back])} comes back on itself, so it "
            f"names no original; name the original ticket, or correct {chain[-1]}")
    return chain[-1], tuple(chain[:-1])


@click.command()
@click.argument("ticket_id")
@click.option("--reason", "-r", required=True, help="Why the resolution did not hold (the "
              "customer is told it).")
@click.option("--no-mail", is_flag=True, help="Tell the customer nothing (they know already).")
@plan_options
@pass_app
def reopen(app: App, ticket_id: str, reason: str, no_mail: bool, dry_run: bool, as_json: bool,
           no_commit: bool) -> None:
    """Reopen a resolved ticket: counts a reopen, clears the resolution and its CSAT score,
    and mails the customer that it is open again and why (--no-mail: nothing).

    \b
    Example:
      sdesk reopen INC-2PCX --reason "Printer offline again after the move"
    """
    from sdesk.procedures import resolve as procedures

    store = app.store
    with store.lock("reopen"):
        ticket = store.get(ticket_id)
        from sdesk.store.contexts import licence_seats

        plan = procedures.reopen(ticket, reason, app.now, app.actor.name, store.reference,
                                 seats_in_use=licence_seats(store), tell_customer=not no_mail)
        show_or_apply(app, plan, action="reopen", subject=f"reopen {ticket.id}: {reason}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit)


@click.command()
@click.argument("ticket_id", required=False)
@click.option("--resolved-before", metavar="DATE",
              help="Close every ticket resolved before DATE (the routine sweep).")
@plan_options
@pass_app
def close(app: App, ticket_id: str | None, resolved_before: str | None, dry_run: bool,
          as_json: bool, no_commit: bool) -> None:
    """Close a resolved ticket, or sweep all tickets resolved before a date (one commit).

    \b
    Examples:
      sdesk close INC-2PCX
      sdesk close --resolved-before "2026-11-16"
    """
    from sdesk.commands.common import parse_when
    from sdesk.core.errors import NothingToDo
    from sdesk.procedures import resolve as procedures
    from sdesk.procedures.plan import Plan
    from sdesk.store import queries

    if bool(ticket_id) == bool(resolved_before):  # a missing argument: exit 2 (session 38)
        raise click.UsageError("give either a ticket ID or --resolved-before DATE")
    store = app.store
    with store.lock("close"):
        if ticket_id:
            ticket = store.get(ticket_id)
            plan = procedures.close(ticket, app.now, app.actor.name)
            subject = f"close {ticket.id}"
        else:
            assert resolved_before is not None
            cutoff = parse_when(resolved_before, store.tz, "--resolved-before")
            rows = queries.resolved_before(store.index, cutoff.timestamp())
            if not rows:
                raise NothingToDo(f"no resolved ticket was resolved before {cutoff.isoformat()}")
            from sdesk.commands.app import within_limit

            plan = Plan()
            # A ticket its closing would take over the size limit is left out, said (session 37).
            for one in within_limit(app, (procedures.close(store.load(row), app.now,
                                                           app.actor.name) for row in rows),
                                    verb="closing", again="sdesk close {id}"):
                plan.extend(one.actions)
            subject = f"close {len(rows)} tickets resolved before {cutoff.date().isoformat()}"
        show_or_apply(app, plan, action="close", subject=subject, dry_run=dry_run,
                      as_json=as_json, no_commit=no_commit)
