"""sdesk handover: the shift handover for the next dispatcher."""

from __future__ import annotations

import click

from sdesk.commands.common import App, pager_option, pass_app


@click.command()
@click.option("--hours", type=click.FloatRange(min=0, max=1000), default=4.0, show_default=True,
              help="List what breaches within this many business hours.")
@click.option("--since", metavar="DATE", help="'New' means opened since then (default: the "
              "last handover, else 24 hours ago).")
@click.option("--team", metavar="TEAM", help="Only this team's tickets.")
@click.option("--html", "as_html", is_flag=True, help="One HTML page instead of text.")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@click.option("-o", "--output", metavar="FILE", default="-", show_default=True,
              help="Where to write it ('-' for standard output).")
@click.option("--peek", is_flag=True, help="Do not record this as the last handover.")
@pager_option
@pass_app
def handover(app: App, hours: float, since: str | None, team: str | None, as_html: bool,
             as_json: bool, output: str, peek: bool) -> None:
    """The shift handover: open P1/P2, what breaches soon, on hold and why, new, waiting.

    Sections: open P1 and P2 tickets; tickets breached or due (respond or resolve) within
    --hours business hours; tickets on hold with their reason; tickets opened since the last
    handover; hand-backs, priority reviews, trends and proposals waiting for a decision;
    customer replies to read (tickets flagged customer-reply, with the reply's first line).
    Each handover records its time (in .git/sdesk, no commit) so the next one's "new" starts
    there; --since overrides it and --peek does not record. The text goes through the pager
    on a terminal, as `list` and `show` do (--no-pager prints it straight).

    \b
    Examples:
      sdesk handover
      sdesk handover --hours 8 --html -o handover.html
    """
    from pathlib import Path

    from sdesk.commands.common import parse_when, warn_skipped
    from sdesk.core.errors import ValidationError
    from sdesk.reports import handover as ho

    store = app.store
    now = app.now
    if as_html and as_json:
        raise click.UsageError("--html and --json do not combine; pick one")  # exit 2
    start = parse_when(since, store.tz, "--since") if since else (
        ho.last_handover(store) or now - ho.DEFAULT_LOOKBACK)
    if start > now:
        raise ValidationError(f"--since is after now ({start.isoformat()})")
    target = None if output == "-" else Path(output)
    if target is not None and not target.parent.is_dir():
        raise ValidationError(f"-o: folder {str(target.parent)!r} does not exist")
    if target is not None and target.is_dir():
        raise ValidationError(f"-o: {output!r} is a folder")
    name = store.reference.team(team).name if team else None
    warn_skipped(store)
    h = ho.gather(store, now, start, hours, name)
    if as_json:
        from sdesk.core.render import json_text

        body = json_text(h.to_json()) + "\n"
    elif as_html:
        body = ho.html(h)
    else:
        ids = [line.id for _, _, lines in h.sections() for line in lines]
        body = "\n".join(ho.text(h, store.index.short_ids(ids))) + "\n"
    if target is None and not (as_json or as_html):
        from sdesk.core import pager

        pager.echo(body.rstrip("\n"), app.no_pager)  # the text pages on a terminal, as show's
    elif target is None:
        click.echo(body, nl=False)
    else:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(body)
    if not peek and not since:
        ho.remember(store, now)
