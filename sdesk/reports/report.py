"""The supervisor's report: every figure it shows, gathered before any HTML is written.

KPI figures come from sdesk.reports.kpi.measure, the computation `sdesk kpi` uses, over the same window:
the report's tiles for a period equal `sdesk kpi --json --since S --until U` (and with a team,
that team's group of `--by team`). Trends are `sdesk kpi --trend` rows; volume by channel and
type per period is the same measure grouped by period and channel/type. A team is selected by
wrapping kpi's grouping expression (tickets of other teams fall into a NULL group, dropped), so
kpi.py needs no second code path. Rendering is sdesk/reports/report_html.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sdesk.procedures.workload import TechRow
    from sdesk.reports.supervision import AtRisk, Changes, Waiting
    from sdesk.store import Store


@dataclass(frozen=True)
class Target:
    """A KPI tile: the kpi key, its label, the target from sdesk.toml [kpi.targets] (None when
    not set) and which way is better."""

    key: str
    label: str
    unit: str
    higher_is_better: bool
    target: float | None


# (kpi key, label, unit, higher is better): the tiles, in order.
TILES = [
    ("fcr_pct", "First contact resolution", "%", True),
    ("csat_top2_pct", "CSAT top-2-box (4 or 5)", "%", True),
    ("csat_response_pct", "CSAT response rate", "%", True),
    ("sla_respond_pct", "SLA met on response", "%", True),
    ("sla_resolve_pct", "SLA met on resolution", "%", True),
    ("ttr_bh_mean", "MTTR (business hours)", "h", False),
    ("reopen_pct", "Reopen rate", "%", False),
    ("reassign_mean", "Hops (reassignments), mean", "", False),
    ("escalation_pct", "Escalation rate", "%", False),
]


def targets(store: Store) -> list[Target]:
    """The tiles with their targets from sdesk.toml `[kpi] targets` (checked by
    sdesk/core/settings.py; a tile without a target has None)."""
    raw: dict[str, float] = store.setting("kpi", "targets")
    return [Target(key, label, unit, up, raw.get(key)) for key, label, unit, up in TILES]


@dataclass
class ReportData:
    """Everything on the page. Times are aware, in the store's zone; hours are business hours
    where the label says so."""

    store_name: str
    now: dt.datetime
    since: dt.datetime
    until: dt.datetime
    team: str | None
    unit: str  # "week" or "month"
    totals: dict[str, Any]
    tiles: list[Target]
    periods: list[str]
    trend: dict[str, dict[str, Any]]  # period label -> kpi flat measures
    volume: dict[str, dict[str, list[int]]]  # "channel"/"type" -> name -> count per period
    backlog: list[int]  # open at the end of each period
    at_risk: list[AtRisk]
    at_risk_total: int
    horizon: dt.datetime
    show_text: dict[str, str]
    load: list[TechRow]
    waiting: list[Waiting]
    changes: Changes
    changes_since: dt.datetime
    sla_by_priority: dict[str, Any] = field(default_factory=dict)

    def kpi_command(self) -> str:
        """The `sdesk kpi` command whose JSON the tiles equal."""
        cmd = f"sdesk kpi --json --since {self.since.isoformat()} --until {self.until.isoformat()}"
        return cmd + (" --by team" if self.team else "")


def _scoped(team: str | None, expr: str) -> str:
    from sdesk.store.queries import team_scope

    return team_scope(team, expr) if team else expr


def measure_window(store: Store, since: dt.datetime, until: dt.datetime, now: dt.datetime,
                   team: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The kpi flat measures (and, without a team, the SLA-by-priority and volume breakdowns)
    for the window [since, until), as `sdesk kpi --json` computes them."""
    from sdesk.reports import kpi as k

    db = store.index.db
    k.fill_business_hours(store, db)
    win = k.Window(since.timestamp(), until.timestamp(), now.timestamp())
    if team:
        rows, _ = k.measure(db, win, lambda col: _scoped(team, "'team'"))
        return rows.get("team") or dict.fromkeys(k.FLAT, None), {}
    found, extra = k.measure(db, win, None)
    return found.get("all") or dict.fromkeys(k.FLAT, None), extra


def gather(store: Store, now: dt.datetime, since: dt.datetime | None, until: dt.datetime,
           team: str | None, unit: str, horizon_hours: float, show_limit: int) -> ReportData:
    """Read every figure of the report. `since` defaults to the start of the 12th period back;
    `team` is a team name from teams.toml (already resolved)."""
    from sdesk.procedures.workload import workload_rows
    from sdesk.reports import kpi as k
    from sdesk.reports import supervision as sv
    from sdesk.store import queries
    from sdesk.store.contexts import workload

    back = dt.timedelta(weeks=11) if unit == "week" else dt.timedelta(days=335)
    first = (since or now - back).astimezone(store.tz)  # periods start at local midnight
    marks = k.periods(first, until, unit)
    start = since or (dt.datetime.fromtimestamp(marks[0][0], store.tz) if marks else first)
    totals, extra = measure_window(store, start, until, now, team)
    db = store.index.db
    win = k.Window(start.timestamp(), until.timestamp(), now.timestamp())
    labels = [label for _, label in marks]
    pk = k.period_key(marks)
    # Without a team, whole days come from the index's per-day sums (sdesk/store/day_sums.py);
    # the charts show no median, so none is computed.
    cuts = None if team else [t for t, _ in marks]
    trend, _ = k.measure(db, win, lambda col: _scoped(team, pk(col)), backlog=False, cuts=cuts,
                         times=False)
    split = k.opened_counts(db, win, lambda col: _scoped(
        team, f"({pk(col)} || '|' || channel || '|' || type)"), cuts=cuts)
    volume: dict[str, dict[str, list[int]]] = {"channel": {}, "type": {}}
    for g, opened in split.items():
        if g is None or not opened:
            continue
        label, channel, kind = str(g).split("|", 2)
        for column, name in (("channel", channel), ("type", kind)):
            counts = volume[column].setdefault(name, [0] * len(labels))
            counts[labels.index(label)] += opened
    ends = [t for t, _ in marks[1:]] + [min(until.timestamp(), now.timestamp())]
    ref = store.reference
    due_by = sv.horizon(now, horizon_hours, ref.calendar)
    risky, total = sv.at_risk(store.index, now, due_by, team, limit=show_limit)
    week_start = until - dt.timedelta(days=7)
    return ReportData(
        store_name=str(store.settings("store").get("name", "sdesk")), now=now, since=start,
        until=until, team=team, unit=unit, totals=totals, tiles=targets(store), periods=labels,
        trend={lab: trend.get(lab) or {} for lab in labels},
        volume={c: dict(sorted(v.items())) for c, v in volume.items()},
        backlog=queries.open_at(store.index, ends[:len(labels)], team or ""), at_risk=risky,
        at_risk_total=total, horizon=due_by, show_text={},
        load=workload_rows(ref, workload(store.index), now.date(), team),
        waiting=sv.waiting(store.index, store.tz, team),
        changes=sv.changes(store.index, store.load, week_start, min(until, now)), changes_since=week_start,
        sla_by_priority=extra.get("sla_by_priority", {}))
