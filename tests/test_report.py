"""sdesk report: the page's figures are kpi's, it is self-contained, and it shows what a
supervisor needs (at-risk tickets with their show text, load, waiting decisions, changes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Desk
from tests.report_helpers import disagreements, kpi_for, parse, sample_desk


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    return sample_desk(tmp_path_factory.mktemp("report"))


def _page(desk: Desk, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    desk.run("report", *args, "-o", str(out))
    return out.read_text(encoding="utf-8")


def test_the_figures_equal_kpi_json_for_the_same_period(sample: Desk, tmp_path: Path) -> None:
    html = _page(sample, tmp_path)
    page = parse(html)
    assert {"fcr_pct", "sla_resolve_pct", "ttr_bh_mean", "backlog_gt30"} <= set(page.figures)
    kpi = kpi_for(sample, html)
    assert kpi["opened"] > 0 and kpi["resolved"] > 0  # the sample has a period worth showing
    assert disagreements(page.figures, kpi) == []


def test_a_team_report_equals_that_teams_kpi_group(sample: Desk, tmp_path: Path) -> None:
    html = _page(sample, tmp_path, "--team", "IS-Service Desk", "--by", "month",
                 "--since", "2026-06-01")
    page = parse(html)
    kpi = kpi_for(sample, html)
    assert kpi["team"] == "IS-Service Desk"
    assert disagreements(page.figures, kpi) == []
    assert "Ashley Parker" in html and "Gregory" not in html  # only the team's technicians


def test_a_changed_figure_is_caught(sample: Desk, tmp_path: Path) -> None:
    html = _page(sample, tmp_path)
    kpi = kpi_for(sample, html)
    tampered = html.replace(f'data-kpi="backlog">{kpi["backlog"]}<',
                            f'data-kpi="backlog">{kpi["backlog"] + 1}<')
    assert tampered != html
    assert disagreements(parse(tampered).figures, kpi)


def test_the_page_is_self_contained(sample: Desk, tmp_path: Path) -> None:
    html = _page(sample, tmp_path)
    page = parse(html)
    assert page.external == []
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        "<!--http://pygal.org-->", "").replace("<!--http://github.com/Kozea/pygal-->", "")
    assert "https://" not in html
    assert "@media print" in html


def test_every_chart_names_its_series(sample: Desk, tmp_path: Path) -> None:
    html = _page(sample, tmp_path)
    charts = parse(html).charts
    assert set(charts) == {"volume-channel", "volume-type", "sla", "fcr", "csat", "backlog",
                           "aging", "load"}
    kpi = kpi_for(sample, html)
    assert set(charts["volume-channel"]) == set(kpi["volume"]["channel"])
    assert set(charts["volume-type"]) == set(kpi["volume"]["type"])
    assert charts["sla"] == ["on response %", "on resolution %"]


def test_at_risk_tickets_carry_their_show_text_and_vip_mark(sample: Desk, tmp_path: Path) -> None:
    import re
    from html import escape

    html = _page(sample, tmp_path, "--horizon", "9")
    ids = re.findall(r'<details id="show-([^"]+)">', html)
    assert ids, "the sample store has tickets due within 9 business hours"
    for tid in ids:
        text = sample.run("show", tid).stdout.rstrip("\n")
        assert f"<summary>sdesk show {tid}</summary><pre>{escape(text)}</pre>" in html
    assert "BREACHED" in html or "due soon" in html
    vips = {t["id"] for t in sample.json("list", "--vip")}
    for tid in ids:
        row = html[html.index(f'<tr id="t-{tid}">'):html.index(f'<details id="show-{tid}">')]
        assert ("<span class=vip>VIP</span>" in row) == (tid in vips)


def test_stdout_and_bad_input(sample: Desk, tmp_path: Path) -> None:
    out = sample.run("report").stdout
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    before = sample.snapshot()
    err = sample.fails("report", "--team", "Nobody").stderr
    assert err.startswith("sdesk: error:") and len(err.strip().splitlines()) == 1
    err = sample.fails("report", "-o", str(tmp_path / "missing" / "r.html")).stderr
    assert "does not exist" in err
    sample.fails("report", "--since", "2026-12-01", "--until", "2026-11-01")
    assert "-o needs a file name" in sample.fails("report", "-o", "").stderr
    assert sample.snapshot() == before


def test_labels_are_escaped_html(sample: Desk, tmp_path: Path) -> None:
    html = _page(sample, tmp_path)
    assert "<th>&lt; 10 days</th>" in html and "<th>< 10 days</th>" not in html


def test_kpi_targets_come_from_the_settings(desk: Desk, tmp_path: Path) -> None:
    toml = desk.root / "sdesk.toml"
    toml.write_text(toml.read_text().replace("fcr_pct = 70", "fcr_pct = 72.5"))
    html = _page(desk, tmp_path)
    assert "target ≥ 72.5%" in html and "target ≤ 5%" in html
    toml.write_text(toml.read_text().replace("fcr_pct = 72.5", 'fcr_pct = "high"'))
    err = desk.fails("report").stderr
    assert "sdesk.toml: kpi.targets must hold numbers; fcr_pct is 'high'" in err
    toml.write_text(toml.read_text().replace('fcr_pct = "high"', "happiness = 3"))
    assert "not a KPI tile" in desk.fails("report").stderr


def test_every_tile_may_have_a_target() -> None:
    from sdesk.core.settings import TARGET_KEYS
    from sdesk.reports.report import TILES

    assert [key for key, *_ in TILES] == list(TARGET_KEYS)
