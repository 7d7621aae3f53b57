"""sdesk kpi: the desk's key performance indicators, from the summary index."""

from __future__ import annotations

from typing import Any

import click

from sdesk.commands.common import App, output_options, pass_app

LABELS = {
    "opened": "Opened", "resolved": "Resolved (all codes)",
    "counted": "Resolved, counted (no duplicate/withdrawn)",
    "fcr_pct": "First contact resolution %", "csat_mean": "CSAT mean (1-5)",
    "csat_top2_pct": "CSAT top-2-box % (4 or 5)", "csat_response_pct": "CSAT response rate %",
    "sla_resolve_pct": "SLA met on resolution %", "sla_respond_pct": "SLA met on response %",
    "ttr_bh_mean": "Time to resolve, business h, mean",
    "ttr_bh_median": "Time to resolve, business h, median",
    "ttr_bh_p90": "Time to resolve, business h, p90",
    "ttr_clock_mean": "Time to resolve, clock h, mean",
    "ttr_clock_median": "Time to resolve, clock h, median",
    "ttr_clock_p90": "Time to resolve, clock h, p90",
    "assign_hours_mean": "Time to assign, clock h, mean", "reopen_pct": "Reopen rate %",
    "reassign_mean": "Reassignments (hops), mean", "escalation_pct": "Escalation rate %",
    "kb_pct": "Knowledge-linked resolutions %", "backlog": "Backlog now (open)",
    "backlog_lt10": "Backlog aged < 10 days", "backlog_10_30": "Backlog aged 10-30 days",
    "backlog_gt30": "Backlog aged > 30 days",
}
TREND_COLUMNS = ["period", "opened", "resolved", "fcr_pct", "sla_resolve_pct", "csat_mean",
                 "ttr_bh_median", "chart"]


@click.command()
@click.option("--since", metavar="DATE", help="Window start (inclusive; ISO or e.g. 'Nov 1 2026').")
@click.option("--until", metavar="DATE", help="Window end (exclusive; default: now).")
@click.option("--by", "group", type=click.Choice(["team", "technician", "agency", "channel",
                                                  "type", "priority"]),
              help="One row per team, technician ...")
@click.option("--trend", type=click.Choice(["week", "month"]),
              help="One row per period with a text chart of resolved volume.")
@output_options
@pass_app
def kpi(app: App, since: str | None, until: str | None, group: str | None, trend: str | None,
        as_json: bool, as_csv: bool, fmt: str | None) -> None:
    """First contact resolution, CSAT, SLA compliance, time to resolve, reopens, backlog...

    Definitions, exclusions and a worked example: docs/kpi.md. Resolution measures count
    tickets resolved in the window; volume, escalation, time to assign and response SLA count
    tickets opened in it; the backlog is always now.

    \b
    Examples:
      sdesk kpi
      sdesk kpi --since 2026-11-01 --by team
      sdesk kpi --trend week --since "12 weeks ago"
    """

    from sdesk.commands.common import period, warn_skipped
    from sdesk.reports import kpi as k

    if group and trend:
        raise click.UsageError("--by and --trend do not combine; pick one")  # exit 2
    store = app.store
    now = app.now
    start, end = period(since, until, store.tz, now)
    db = store.index.db
    warn_skipped(store)
    k.fill_business_hours(store, db)
    _warn_early(db, start, end, now)
    if trend:
        first = start or _default_start(now, trend)
        marks = k.periods(first, end, trend)
        win = k.Window(marks[0][0] if marks else first.timestamp(), end.timestamp(),
                       now.timestamp())
        rows, _ = k.measure(db, win, k.period_key(marks), backlog=False)
        _trend(rows, [label for _, label in marks], as_json, as_csv, fmt)
        return
    win = k.Window(start.timestamp() if start else -1e18, end.timestamp(), now.timestamp())
    window = {"since": start.isoformat() if start else None, "until": end.isoformat()}
    if group:
        column = k.GROUPS[group]
        rows, _ = k.measure(db, win, lambda col: column)
        if as_json:
            # The total folds the groups' sums (medians cannot be folded): one more pass.
            total = k.measure(db, win, None)[0].get("all") or k.empty()
            table = _group_table(group, rows)
            from sdesk.core.render import echo_json

            echo_json({"window": window, "by": group, "total": total, "groups": table})
            return
        from sdesk.core.render import emit

        emit(_group_table(group, rows), [group, *k.FLAT], as_json=False, as_csv=as_csv, fmt=fmt)
        return
    found, extra = k.measure(db, win, None)
    total = found.get("all") or k.empty()
    if as_json:
        from sdesk.core.render import echo_json

        echo_json({"window": window, **total, **extra})
        return
    _report(total, extra, as_csv, fmt)


def _warn_early(db: Any, start: Any, end: Any, now: Any) -> None:
    """One stderr line when tickets resolved in the window were resolved before they were
    opened: left out of the resolution figures (they would make them negative), counted here;
    another when tickets opened in it were assigned before they were opened (an import's clock
    skew, a hand edit): left out of the time to assign, which went negative (session 34)."""
    from sdesk.reports import kpi as k
    from sdesk.store.kpi_sums import assigned_before_opened

    win = k.Window(start.timestamp() if start else -1e18, end.timestamp(), now.timestamp())
    for n, what, left_out_of in (
            (k.resolved_before_opened(db, win), "resolved", "the resolution figures"),
            (assigned_before_opened(db, win.since, win.until), "assigned", "the time to assign")):
        if n:
            click.echo(f"sdesk: warning: {n} ticket{'s' if n != 1 else ''} {what} before "
                       f"{'they were' if n != 1 else 'it was'} opened ({what}_at before "
                       f"opened_at) left out of {left_out_of}; sdesk check lists them", err=True)


def _group_table(group: str, rows: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{group: g if g not in ("", None) else "(none)", **m}
            for g, m in sorted(rows.items(), key=lambda kv: str(kv[0]))]


def _default_start(now: Any, unit: str) -> Any:
    import datetime as dt

    # Without --since, a trend shows the last 12 periods.
    return now - (dt.timedelta(weeks=11) if unit == "week" else dt.timedelta(days=335))


def _report(total: dict[str, Any], extra: dict[str, Any], as_csv: bool, fmt: str | None) -> None:
    from sdesk.core.render import emit

    rows = [{"metric": key, "label": LABELS[key], "value": value} for key, value in total.items()]
    for p, s in extra["sla_by_priority"].items():
        for kind in ("resolve", "respond"):
            if s.get(f"{kind}_n"):
                rows.append({"metric": f"sla_{kind}_{p.lower()}_pct",
                             "label": f"SLA met on {kind}, {p} %",
                             "value": f"{s[f'{kind}_pct']} ({s[f'{kind}_met']}/{s[f'{kind}_n']})"})
    for column, counts in extra["volume"].items():
        for name, count in counts.items():
            rows.append({"metric": f"volume_{column}_{name}", "label": f"Opened by {column}: {name}",
                         "value": count})
    if as_csv:
        emit(rows, ["metric", "value"], as_csv=True)
        return
    emit(rows, ["label", "value"], fmt=fmt or "plain", headers=["KPI", "value"])


def _trend(rows: dict[Any, dict[str, Any]], labels: list[str], as_json: bool, as_csv: bool,
           fmt: str | None) -> None:
    from sdesk.core.render import emit
    from sdesk.reports import kpi as k

    top = max((rows.get(lab, {}).get("resolved") or 0 for lab in labels), default=0)
    table = []
    for lab in labels:
        m = rows.get(lab) or {**dict.fromkeys(k.FLAT, None), "opened": 0, "resolved": 0}
        table.append({"period": lab, **{c: m.get(c) for c in TREND_COLUMNS[1:-1]},
                      "chart": k.bar(m.get("resolved"), top)})
    if as_json:
        from sdesk.core.render import echo_json

        echo_json(table)
        return
    emit(table, TREND_COLUMNS, as_csv=as_csv, fmt=fmt)
