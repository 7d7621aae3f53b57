"""sdesk report: the supervisor's report as one self-contained HTML page."""

from __future__ import annotations

from typing import Any

import click

from sdesk.commands.common import App, pass_app


@click.command()
@click.option("--since", metavar="DATE", help="Period start (inclusive; default: 12 weeks or "
              "12 months back, from the start of that week or month).")
@click.option("--until", metavar="DATE", help="Period end (exclusive; default: now).")
@click.option("--team", metavar="TEAM", help="Only this team's tickets and technicians.")
@click.option("--by", "unit", type=click.Choice(["week", "month"]), default="week",
              show_default=True, help="Trend charts per week or per month.")
@click.option("--horizon", "horizon_hours", type=click.FloatRange(min=0, max=1000), default=4.0,
              show_default=True, metavar="HOURS",
              help="List tickets due within this many business hours (and those breached).")
@click.option("--limit", type=click.IntRange(min=0, max=10000), default=50, show_default=True,
              help="At most this many breached/about-to-breach tickets, each with its "
              "`sdesk show` text.")
@click.option("-o", "--output", metavar="FILE", default="-", show_default=True,
              help="Where to write the page ('-' for standard output).")
@pass_app
def report(app: App, since: str | None, until: str | None, team: str | None, unit: str,
           horizon_hours: float, limit: int, output: str) -> None:
    """Write the supervisor's report as one self-contained HTML page.

    KPI tiles against their targets (sdesk.toml [kpi.targets]), trend charts (volume by
    channel and type, SLA met, FCR, CSAT, backlog), backlog aging, tickets breached or about
    to breach (VIP marked, with their `sdesk show` text), technicians' load against
    capacity, tickets waiting for a decision, and the week's changes (journal entries by author, by
    their time, which follows --now).

    The charts are inside the page (SVG): no network is needed to open it, and it prints.
    Its figures equal `sdesk kpi --json` for the same period (docs/report.md).

    \b
    Examples:
      sdesk report -o report.html
      sdesk report --since 2026-09-01 --by month --team "IS-Desktop Support" -o desktop.html
    """
    from pathlib import Path

    from sdesk.commands.common import period, team_filter, warn_skipped
    from sdesk.core.errors import ValidationError
    from sdesk.reports import report as rp
    from sdesk.reports.report_html import page
    from sdesk.store import atomic_write

    store = app.store
    now = app.now
    start, end = period(since, until, store.tz, now)
    target = None
    if not output.strip():
        raise ValidationError("-o needs a file name (or - for standard output)")
    if output != "-":
        target = Path(output)
        if not target.parent.is_dir():
            raise ValidationError(f"-o: folder {str(target.parent)!r} does not exist")
        if target.is_dir():
            raise ValidationError(f"-o: {output!r} is a folder")
    name = team_filter(store, team) if team is not None else None
    warn_skipped(store)
    data = rp.gather(store, now, start, end, name, unit, horizon_hours, limit)
    _show_texts(app, data, now)
    html = page(data)
    if target is None:
        click.echo(html, nl=False)
        return
    if target.exists() and not target.is_file():  # /dev/stdout, a pipe: never replace those
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(html)
    else:
        atomic_write(target, html.encode("utf-8"))
    count = len(data.periods)
    click.echo(f"wrote {target} ({data.at_risk_total} at risk, {count} {unit}"
               f"{'' if count == 1 else 's'})", err=True)


def _show_texts(app: App, data: Any, now: Any) -> None:
    """Each at-risk ticket exactly as `sdesk show ID` prints it (without colour; stored
    control characters escaped, as show escapes them)."""
    from sdesk.commands.showtext import business_calendar, relations, render
    from sdesk.core.render import printable_copy

    store = app.store
    shorts = store.index.short_ids([r.id for r in data.at_risk]) if data.at_risk else {}
    for risky in data.at_risk:
        ticket = store.load(risky.id)
        calendar = business_calendar(store, ticket.priority)  # business time left, as show says
        data.show_text[risky.id] = "\n".join(
            render(printable_copy(ticket), relations(store, ticket), now, shorts.get(risky.id, ""),
                   calendar=lambda: calendar))  # noqa: B023 (called within this iteration)
