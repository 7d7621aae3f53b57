"""sdesk split: carry out a separation (guide incident-4; docs/triage.md, "Carrying out a
separation")."""

from __future__ import annotations

import click

from sdesk.commands.common import App, mention_kb, pass_app, plan_options, show_or_apply


@click.command()
@click.argument("ticket_id")
@click.option("--title", "-T", required=True, help="Title of the new ticket: the problem "
              "separated from ID.")
@click.option("--description", "-d", default=None, metavar="TEXT|-", help="Its description "
              "('-' reads stdin; default: its title, not the original's description, which "
              "describes both problems; the customer's words stay on the original).")
@click.option("--type", "-t", "kind", type=click.Choice(["incident", "request"]), default=None,
              help="Its type (default: the original's): a request separated from an incident "
                   "runs the request steps (software list, licence).")
@click.option("--service", default="", help="Its service (see the teams' services); without "
              "it triage hands it back asking for one.")
@click.option("--keep", "keep_title", default=None, metavar="TITLE",
              help="The original's title corrected to the problem it keeps.")
@click.option("--keep-description", default=None, metavar="TEXT|-",
              help="The original's description corrected ('-' reads stdin).")
@plan_options
@pass_app
def split(app: App, ticket_id: str, title: str, description: str | None, kind: str | None,
          service: str, keep_title: str | None, keep_description: str | None, dry_run: bool,
          as_json: bool, no_commit: bool) -> None:
    """Separate a problem from ticket ID into a new ticket, in one commit.

    The new ticket has the original's requester, type (or --type), impact and urgency and is
    opened when the original was (its SLA runs from the customer's report); the two are
    related; the
    original is corrected with --keep/--keep-description (journalled as `sdesk set` does);
    an original handed back needs-separation is triaged again (as --recheck) and the new
    ticket is triaged. A priority the supervisor decided on the original is not carried.

    \b
    Examples:
      sdesk split INC-2Q4R --title "VPN fails" --service VPN --keep "Laptop will not dock"
      sdesk split INC-2Q4R --title "need Visio installed" -t request --dry-run
    """
    from sdesk.commands.common import read_text_arg
    from sdesk.procedures.separation import Separation
    from sdesk.procedures.separation import split as plan_split
    from sdesk.store.contexts import triage_context

    if description == "-" and keep_description == "-":  # options that do not combine: exit 2
        raise click.UsageError("--description and --keep-description cannot both read stdin "
                               "('-'): give one of them as text")
    if description is not None:
        description = read_text_arg(description, "--description", allow_editor=False)
    if keep_description is not None:
        keep_description = read_text_arg(keep_description, "--keep-description",
                                         allow_editor=False)
    spec = Separation(title=title, description=description, service=service,
                      keep_title=keep_title, keep_description=keep_description,
                      type=kind or "")
    store = app.store
    with store.lock("split"):
        original = store.get(ticket_id)
        ctx = triage_context(store, app.now, app.actor.name)
        new_id = store.new_id(kind or original.type, app.now)
        plan = plan_split(original, new_id, spec, ctx)
        show_or_apply(app, plan, action="split", subject=f"split {new_id} from {original.id}: "
                      f"{spec.title.strip()}", dry_run=dry_run, as_json=as_json,
                      no_commit=no_commit, loaded={original.id: original})
    if not as_json and not dry_run:
        click.echo(new_id)
        mention_kb(app, store.load(new_id))
