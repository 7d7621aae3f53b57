"""sdesk kb: the knowledge base (articles under kb/, reviewed in git like tickets)."""

from __future__ import annotations

import click

from sdesk.commands.common import App, output_options, pass_app, plan_options


@click.group()
def kb() -> None:
    """Knowledge-base articles: draft from a resolved ticket, search, show, list.

    \b
    Examples:
      sdesk kb new --from INC-2PFJ --tag mfa
      sdesk kb search printer offline
      sdesk kb show KB-printer-offline
    """


@kb.command("new")
@click.option("--from", "from_id", required=True, metavar="ID",
              help="The resolved ticket to draft from (title, resolution, public notes).")
@click.option("--title", default="", help="Article title (default: the ticket's title).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@plan_options
@pass_app
def kb_new(app: App, from_id: str, title: str, tags: tuple[str, ...], dry_run: bool,
           as_json: bool, no_commit: bool) -> None:
    """Draft an article from a resolved ticket and link the two both ways (one commit)."""
    from sdesk.core.model import check_title, check_typed
    from sdesk.procedures import kb as kbase
    from sdesk.store.executor import apply_plan

    if title:  # typed: the rules of a ticket's title (no control or bidi-override characters)
        check_title("--title", title)
    for tag in tags:
        check_typed("--tag", tag, single_line=True)
    store = app.store
    with store.lock("kb new"):
        ticket = store.get(from_id)
        taken = [a.id for a in kbase.load_all(store.root)]
        article = kbase.draft(ticket, taken, app.now, app.actor.name, title, tags)
        plan = kbase.plan_article(ticket, article, app.now, app.actor.name)
        text = kbase.dumps(article)
        if dry_run:
            click.echo(text)
            return
        path = kbase.path_of(store.root, article.id)
        applied = apply_plan(store, plan, actor=app.actor, now=app.now, action="kb new",
                             subject=f"kb new {article.id} from {ticket.id}",
                             commit=not no_commit, extra_files={path: text.encode("utf-8")})
    if as_json:
        from sdesk.core.render import echo_json

        echo_json({"id": article.id, "path": f"kb/{path.name}", "commit": applied.commit,
                   "tickets": article.tickets})
    else:
        click.echo(f"{article.id}: drafted in kb/{path.name} from {ticket.id}; edit and review it")


@kb.command("search")
@click.argument("terms", nargs=-1, required=True)
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True)
@output_options
@pass_app
def kb_search(app: App, terms: tuple[str, ...], limit: int, as_json: bool, as_csv: bool,
              fmt: str | None) -> None:
    """Rank articles for TERMS (BM25 over title, tags and body; see docs/knowledge-base.md)."""
    from sdesk.core.render import emit
    from sdesk.procedures import kb as kbase

    hits = kbase.search(kbase.load_all(app.store.root), " ".join(terms), limit)
    emit([{"id": h.id, "score": h.score, "title": h.title} for h in hits],
         ["id", "score", "title"], as_json=as_json, as_csv=as_csv, fmt=fmt)


@kb.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="The article as JSON.")
@pass_app
def kb_show(app: App, article_id: str, as_json: bool) -> None:
    """Show one article (ID or unique prefix, 'KB-' optional)."""
    from sdesk.procedures import kb as kbase
    from sdesk.procedures.plan import jsonable

    article = kbase.load(app.store.root, article_id)
    if as_json:
        from sdesk.core.render import echo_json

        echo_json(jsonable(article))
        return
    from sdesk.core.render import printable

    lines = [f"{article.id}  {article.title}"]
    if article.tags:
        lines.append(f"  Tags:     {', '.join(article.tags)}")
    lines += [f"  Tickets:  {', '.join(article.tickets) or '-'}", "", article.body]
    click.echo(printable("\n".join(lines)))


@kb.command("list")
@output_options
@pass_app
def kb_list(app: App, as_json: bool, as_csv: bool, fmt: str | None) -> None:
    """All articles with their tags and how many tickets they are linked to."""
    from sdesk.core.render import emit
    from sdesk.procedures import kb as kbase

    rows = [{"id": a.id, "tickets": len(a.tickets),
             "tags": list(a.tags) if as_json else " ".join(a.tags), "title": a.title}
            for a in kbase.load_all(app.store.root)]
    emit(rows, ["id", "tickets", "tags", "title"], as_json=as_json, as_csv=as_csv, fmt=fmt)
