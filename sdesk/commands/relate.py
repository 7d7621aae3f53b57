"""sdesk relate, unrelate, and parent new: links between tickets (see docs/relations.md)."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pass_app, plan_options, show_or_apply


@click.command()
@click.argument("ticket_a")
@click.argument("ticket_b")
@click.option("--as", "kind", type=click.Choice(["related", "duplicate", "parent"]),
              default="related", show_default=True,
              help="related: same person, same subject; duplicate: A is a duplicate of B; "
                   "parent: B is A's parent case.")
@plan_options
@pass_app
def relate(app: App, ticket_a: str, ticket_b: str, kind: str, dry_run: bool, as_json: bool,
           no_commit: bool) -> None:
    """Relate ticket A to ticket B. The link is stored on A and shown from both (sdesk show).

    \b
    Examples:
      sdesk relate INC-2Q4E INC-2Q4F
      sdesk relate INC-2Q4JF INC-2Q22 --as duplicate
      sdesk relate INC-2Q4G INC-2Q4J9 --as parent
    """
    from sdesk.procedures.relations import relate as plan_relate
    from sdesk.store import queries

    store = app.store
    with store.lock("relate"):
        a, b = store.get(ticket_a), store.get(ticket_b)
        parents = queries.parents(store.index)
        plan = plan_relate(a, b, kind, app.now, app.actor.name, parents, store.reference)
        show_or_apply(app, plan, action="relate", subject=f"relate {a.id} {kind} {b.id}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit)


@click.command()
@click.argument("ticket_a")
@click.argument("ticket_b")
@plan_options
@pass_app
def unrelate(app: App, ticket_a: str, ticket_b: str, dry_run: bool, as_json: bool,
             no_commit: bool) -> None:
    """Remove every link between A and B (related, duplicate of, parent), whichever side
    stores it.

    \b
    Example:
      sdesk relate INC-2Q4E INC-2Q4F
      sdesk unrelate INC-2Q4E INC-2Q4F
    """
    from sdesk.procedures.relations import unrelate as plan_unrelate

    store = app.store
    with store.lock("unrelate"):
        a, b = store.get(ticket_a), store.get(ticket_b)
        plan = plan_unrelate(a, b, app.now, app.actor.name)
        show_or_apply(app, plan, action="unrelate", subject=f"unrelate {a.id} {b.id}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit)


@click.group()
def parent() -> None:
    """Parent cases: one problem, many reporters (the guide's trend)."""


@parent.command("new")
@click.option("--from", "children", multiple=True, required=True, metavar="ID",
              help="A child ticket (repeat, or give several IDs after one --from).")
@click.argument("more", nargs=-1)
@click.option("--title", "-T", default="", help="Title of the parent (default: 'Parent: ' + "
              "the first report's title).")
@click.option("--type", "ticket_type", type=click.Choice(["incident", "request", "case"]),
              default=None, help="Type of the parent (default: the children's type).")
@plan_options
@pass_app
def parent_new(app: App, children: tuple[str, ...], more: tuple[str, ...], title: str,
               ticket_type: str | None, dry_run: bool, as_json: bool, no_commit: bool) -> None:
    """Create a parent case with the given tickets as its children, in one commit.

    \b
    Example:
      sdesk parent new --from INC-2Q4E INC-2Q4F INC-2Q4G --title "VPN drops"
    """
    from sdesk.core.errors import ValidationError
    from sdesk.core.model import check_text
    from sdesk.procedures.relations import Peer, parent_case

    check_text("--title", title, single_line=True)
    store = app.store
    with store.lock("parent"):
        ids = list(dict.fromkeys(store.resolve_id(t) for t in (*children, *more)))
        tickets = [store.load(i) for i in ids]
        for t in tickets:
            if not t.is_open:
                raise ValidationError(f"{t.id} is {t.status}; only open tickets join a parent")
        taken: set[str] = set()
        peers = [Peer.of(t) for t in tickets]
        plan = parent_case(peers,
                           lambda kind: store.new_id(kind, app.now, taken), store.reference,
                           app.now, app.actor.name, "guide: parent case for a trend",
                           title=title.strip(), ticket_type=ticket_type or "")
        new_id = plan.actions[0].ticket
        show_or_apply(app, plan, action="parent", subject=f"parent {new_id} for "
                      f"{len(ids)} tickets", dry_run=dry_run, as_json=as_json,
                      no_commit=no_commit)
    if not as_json and not dry_run:
        click.echo(new_id)
