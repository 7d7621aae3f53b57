"""The report as one self-contained HTML page: no script or style from the network, charts drawn
by pygal as inline SVG, a print stylesheet, and nothing said by colour alone (tiles say "met" or
"missed", line series have their own dash pattern, every chart has its figures in a table).

Every KPI figure is in an element with `data-kpi="KEY"` holding exactly the value of KEY in
`sdesk kpi --json` ("n/a" for null), so a browser test can compare the page with kpi.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sdesk.reports.report import ReportData, Target
    from sdesk.reports.supervision import AtRisk

DASHES = ["", "6, 3", "2, 3", "8, 3, 2, 3", "1, 5"]
CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem auto;
  max-width: 1100px; padding: 0 1rem; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { border-bottom: 2px solid #333; margin-top: 2rem; }
.meta { color: #444; } code { background: #f3f3f3; padding: 0 .2em; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: .8rem; }
.tile { border: 1px solid #999; border-radius: 6px; padding: .6rem .8rem; }
.tile h3 { font-size: .85rem; margin: 0; font-weight: 600; }
.tile .value { font-size: 1.7rem; margin: .2rem 0; font-variant-numeric: tabular-nums; }
.tile.missed { border: 3px double #a00; } .tile.met { border: 2px solid #176617; }
.verdict { font-weight: 700; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 1rem; }
figure { margin: 0; break-inside: avoid; } figure svg { width: 100%; height: auto; }
figcaption { font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .4rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.vip { font-weight: 700; } .breached { font-weight: 700; text-decoration: underline; }
pre { white-space: pre-wrap; font-size: 12px; background: #f7f7f7; padding: .5rem; }
.bar { display: inline-block; height: .7em; background: #555; vertical-align: middle; }
.over { background: repeating-linear-gradient(45deg, #000 0 3px, #fff 3px 6px); }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; color: #000; }
  .tile, figure, tr { break-inside: avoid; } h2 { break-after: avoid; }
  .charts { grid-template-columns: 1fr 1fr; } a { color: #000; text-decoration: none; }
  details > summary { list-style: none; } pre { background: none; border: 1px solid #999; }
}
"""


def figure_text(value: Any) -> str:
    """A KPI value as the page shows it: exactly as `kpi --json` has it, "n/a" for null."""
    return "n/a" if value is None else str(value)


def page(data: ReportData) -> str:
    """The whole HTML document."""
    scope = f" — {data.team}" if data.team else ""
    title = f"Service desk report: {data.store_name}{scope}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="meta">Period <time>{data.since:%Y-%m-%d %H:%M}</time> to '
        f"<time>{data.until:%Y-%m-%d %H:%M %Z}</time>, trends by {data.unit}; made "
        f"{data.now:%Y-%m-%d %H:%M %Z}. The figures equal <code>{escape(data.kpi_command())}</code>"
        + (f" (the group {escape(data.team)})" if data.team else "") + ".</p></header>",
        _tiles(data), _trends(data), _aging(data), _risk(data), _load(data), _waiting(data),
        _changes(data), "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _verdict(tile: Target, value: Any) -> tuple[str, str]:
    if tile.target is None:
        return "", "no target set"
    goal = f"target {'≥' if tile.higher_is_better else '≤'} {tile.target:g}{tile.unit}"
    if value is None:
        return "", goal
    ok = value >= tile.target if tile.higher_is_better else value <= tile.target
    return ("met", f"✓ met, {goal}") if ok else ("missed", f"✗ missed, {goal}")


def _tiles(data: ReportData) -> str:
    t = data.totals
    out = ['<section id="kpis"><h2>Key performance indicators</h2><div class="tiles">']
    for tile in data.tiles:
        value = t.get(tile.key)
        cls, verdict = _verdict(tile, value)
        out.append(f'<div class="tile {cls}"><h3>{escape(tile.label)}</h3><p class="value">'
                   f'<span data-kpi="{tile.key}">{figure_text(value)}</span> {tile.unit}</p>'
                   f'<p class="verdict">{escape(verdict)}</p></div>')
    out.append("</div><p>")
    counts = [("opened", "opened"), ("resolved", "resolved"), ("counted", "resolutions counted"),
              ("backlog", "open now (backlog)"), ("ttr_bh_median", "median business hours to resolve")]
    out.append("; ".join(f'<span data-kpi="{k}">{figure_text(t.get(k))}</span> {label}'
                         for k, label in counts))
    out.append(".</p></section>")
    return "\n".join(out)


def chart(name: str, title: str, kind: str, labels: Sequence[str],
          series: dict[str, list[Any]], unit: str = "") -> str:
    """One pygal chart as inline SVG inside a <figure data-chart=NAME data-series=...> with
    its figures in a table underneath. `kind` is 'bar', 'stacked' or 'line'."""
    import pygal
    from pygal.style import Style

    style = Style(background="white", plot_background="white", foreground="#222",
                  foreground_strong="#000", foreground_subtle="#777", font_family="sans-serif",
                  colors=("#1f4e79", "#c55a11", "#548235", "#7030a0", "#7f6000", "#404040"))
    config = {"js": [], "disable_xml_declaration": True, "width": 640, "height": 300,
              "style": style, "show_legend": True, "legend_at_bottom": True,
              "x_label_rotation": 30 if len(labels) > 6 else 0, "print_values": False,
              "no_data_text": "no data in this period", "explicit_size": False}
    maker = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "line": pygal.Line}[kind]
    graph = maker(**config)
    graph.x_labels = list(labels)
    drawn = [n for n, values in series.items() if any(v is not None for v in values)]
    for i, name_ in enumerate(drawn):
        extra: dict[str, Any] = {}
        if kind == "line":
            extra["stroke_style"] = {"width": 2, "dasharray": DASHES[i % len(DASHES)]}
        graph.add(name_, series[name_], **extra)
    svg = graph.render(is_unicode=True)
    head = "".join(f'<th class="num">{escape(lab)}</th>' for lab in labels)
    rows = "".join(f"<tr><th>{escape(n)}</th>" + "".join(
        f'<td class="num">{"" if v is None else escape(str(v))}</td>' for v in values) + "</tr>"
        for n, values in series.items())
    return (f'<figure data-chart="{escape(name)}" data-series="{escape("|".join(drawn))}">'
            f"<figcaption>{escape(title)}{(' (' + unit + ')') if unit else ''}</figcaption>{svg}"
            f"<details><summary>Figures</summary><table><tr><th></th>{head}</tr>{rows}</table>"
            "</details></figure>")


def _trends(data: ReportData) -> str:
    labels = data.periods
    col = [data.trend.get(lab, {}) for lab in labels]

    def line(key: str) -> list[Any]:
        return [m.get(key) for m in col]

    charts = [
        chart("volume-channel", f"Opened by channel, per {data.unit}", "stacked", labels,
              data.volume["channel"], "tickets"),
        chart("volume-type", f"Opened by type, per {data.unit}", "stacked", labels,
              data.volume["type"], "tickets"),
        chart("sla", "SLA met", "line", labels,
              {"on response %": line("sla_respond_pct"), "on resolution %": line("sla_resolve_pct")}, "%"),
        chart("fcr", "First contact resolution", "line", labels, {"FCR %": line("fcr_pct")}, "%"),
        chart("csat", "Customer satisfaction", "line", labels,
              {"top-2-box %": line("csat_top2_pct"), "response rate %": line("csat_response_pct")}, "%"),
        chart("backlog", f"Backlog at the end of each {data.unit}", "bar", labels,
              {"open tickets": list(data.backlog)}, "tickets"),
    ]
    return ('<section id="trends"><h2>Trends</h2><div class="charts">' + "".join(charts)
            + "</div></section>")


def _aging(data: ReportData) -> str:
    t = data.totals
    buckets = [("backlog_lt10", "< 10 days"), ("backlog_10_30", "10-30 days"),
               ("backlog_gt30", "> 30 days")]
    rows = "".join(f'<tr><th>{escape(label)}</th><td class="num"><span data-kpi="{k}">'
                   f"{figure_text(t.get(k))}</span></td></tr>" for k, label in buckets)
    graph = chart("aging", "Backlog by age", "bar", [b for _, b in buckets],
                  {"open tickets": [t.get(k) or 0 for k, _ in buckets]}, "tickets")
    return (f'<section id="aging"><h2>Backlog aging (now)</h2><div class="charts"><table><tr>'
            f'<th>age</th><th class="num">open tickets</th></tr>{rows}</table>{graph}</div>'
            "</section>")


def _resolve_by(r: AtRisk) -> str:
    """A row due to respond also shows its Resolve By (as the handover does)."""
    if r.what != "respond" or r.resolve_by is None:
        return ""
    return f"<br>resolve by {r.resolve_by:%Y-%m-%d %H:%M}"


def _risk(data: ReportData) -> str:
    out = [f'<section id="at-risk"><h2>Breached and about to breach</h2><p>Open tickets, not on '
           f"hold, whose response or resolution is due before {data.horizon:%Y-%m-%d %H:%M %Z}: "
           f"{data.at_risk_total}"
           + (f" (the first {len(data.at_risk)} shown)" if data.at_risk_total > len(data.at_risk)
              else "") + ".</p>"]
    if data.at_risk:
        out.append("<table><tr><th>ticket</th><th>P</th><th>VIP</th><th>team</th>"
                   "<th>assignee</th><th>due</th><th>state</th></tr>")
    for r in data.at_risk:
        # both breaches, as the handover says them (AtRisk.breaches): a ticket never answered
        # can be past its Resolve By too
        late = r.breaches(data.now)
        state = f"BREACHED ({', '.join(late)})" if late else f"due soon ({r.what})"
        text = data.show_text.get(r.id, "")
        out.append(
            f'<tr id="t-{escape(r.id)}"><td><a href="#show-{escape(r.id)}">{escape(r.id)}</a> '
            f"{escape(r.title)}</td><td>P{r.priority}</td><td>{'<span class=vip>VIP</span>' if r.vip else ''}"
            f"</td><td>{escape(r.team)}</td><td>{escape(r.assignee or '-')}</td>"
            f"<td>{r.due:%Y-%m-%d %H:%M}{_resolve_by(r)}</td>"
            f"<td class=\"{'breached' if late else ''}\">"
            f"{state}</td></tr>"
            f'<tr><td colspan="7"><details id="show-{escape(r.id)}"><summary>sdesk show '
            f"{escape(r.id)}</summary><pre>{escape(text)}</pre></details></td></tr>")
    if data.at_risk:
        out.append("</table>")
    out.append("</section>")
    return "\n".join(out)


def _load(data: ReportData) -> str:
    rows = []
    for r in data.load:
        width = min(r.load_pct, 150)
        rows.append(f"<tr><td>{escape(r.name)} ({escape(r.technician)})</td><td>{escape(r.team)}</td>"
                    f'<td class="num">{r.open}</td><td class="num">{r.effort:g}</td>'
                    f'<td class="num">{r.capacity:g}</td><td class="num">{r.load_pct}%</td>'
                    f'<td><span class="bar{" over" if r.load_pct > 100 else ""}" '
                    f'style="width:{width}px"></span></td><td>{escape(r.available)}</td></tr>')
    graph = chart("load", "Open effort against capacity", "bar", [r.technician for r in data.load],
                  {"effort h": [r.effort for r in data.load],
                   "capacity h": [r.capacity for r in data.load]}, "hours")
    return ('<section id="load"><h2>Technicians\' load against capacity</h2><table><tr>'
            "<th>technician</th><th>team</th><th class=num>open</th><th class=num>effort h</th>"
            "<th class=num>capacity h</th><th class=num>load</th><th></th><th>today</th></tr>"
            + "".join(rows) + f'</table><div class="charts">{graph}</div></section>')


def _waiting(data: ReportData) -> str:
    rows = "".join(
        f"<tr><td>{escape(w.id)} {escape(w.title)}</td><td>{escape(w.kind)}</td>"
        f"<td>{escape(' '.join(w.flags))}</td><td>{escape(w.team)}</td>"
        f"<td>{w.opened_at:%Y-%m-%d}</td></tr>" for w in data.waiting)
    body = (f"<table><tr><th>ticket</th><th>waiting for</th><th>flags</th><th>team</th>"
            f"<th>opened</th></tr>{rows}</table>" if rows else "<p>Nothing waits for a decision.</p>")
    return ('<section id="waiting"><h2>Hand-backs, priority reviews and trends waiting for a '
            f"parent case</h2>{body}</section>")


def _changes(data: ReportData) -> str:
    c = data.changes
    rows = "".join(
        f"<tr><td>{escape(author)}</td><td class=num>{sum(acts.values())}</td><td>"
        + escape(", ".join(f"{a} {n}" for a, n in sorted(acts.items(), key=lambda kv: -kv[1])))
        + f"</td><td class=num>{len(c.tickets.get(author, ()))}</td></tr>"
        for author, acts in sorted(c.by_author.items(), key=lambda kv: -sum(kv[1].values())))
    body = (f"<table><tr><th>who</th><th class=num>entries</th><th>what</th>"
            f"<th class=num>tickets</th></tr>{rows}</table>" if rows
            else "<p>No journal entries.</p>")
    capped = " (the latest tickets only: more changed than were read)" if c.capped else ""
    return (f'<section id="changes"><h2>This week\'s changes (the tickets\' journals, since '
            f"{data.changes_since:%Y-%m-%d %H:%M})</h2><p>{c.entries} journal entries on "
            f"{len(set().union(*c.tickets.values())) if c.tickets else 0} tickets{capped}, "
            f"by their time (which follows --now).</p>{body}</section>")
