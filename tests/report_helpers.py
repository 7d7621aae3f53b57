"""Shared by the report tests: a copy of the sample store in a temporary git repository, and
the checks that compare a report page with `sdesk kpi --json`."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.conftest import Desk

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ["tickets", "reference", "kb", "outbox", "sdesk.toml"]


def sample_desk(tmp_path: Path) -> Desk:
    """The repository's sample store, copied into its own git repository."""
    root = tmp_path / "sample"
    root.mkdir()
    for name in SAMPLE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        else:
            shutil.copy2(src, root / name)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "sample store"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return Desk(root)


def shown(value: Any) -> str:
    """A kpi --json value as the page must show it."""
    return "n/a" if value is None else str(value)


class Figures(HTMLParser):
    """data-kpi figures and charts (data-chart, data-series) of a page, without a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.charts: dict[str, list[str]] = {}
        self.external: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "data-kpi" in a:
            self._open = a["data-kpi"]
            self.figures[self._open or ""] = ""
        if "data-chart" in a:
            self.charts[a["data-chart"] or ""] = [s for s in (a.get("data-series") or "").split("|") if s]
        for name in ("src", "href"):
            value = a.get(name) or ""
            if value and not value.startswith("#"):
                self.external.append(f"<{tag} {name}={value}>")
        if tag in ("link", "iframe", "img", "object", "embed") or (tag == "script" and "src" in a):
            self.external.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.figures[self._open] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._open = None


def parse(html: str) -> Figures:
    parser = Figures()
    parser.feed(html)
    return parser


def disagreements(figures: dict[str, str], kpi: dict[str, Any]) -> list[str]:
    """Every figure on the page that is not exactly kpi's value (and every kpi missing)."""
    out = [f"{key}: page shows {text!r}, kpi --json says {shown(kpi.get(key))!r}"
           for key, text in figures.items() if text.strip() != shown(kpi.get(key))]
    if not figures:
        out.append("no figures on the page")
    return out


def kpi_for(desk: Desk, html: str) -> dict[str, Any]:
    """Run the kpi command the page names (in its header) and return its JSON (for a team
    report, that team's group)."""
    import json
    import re
    import shlex

    match = re.search(r"The figures equal <code>sdesk ([^<]*)</code>(?: \(the group ([^)]*)\))?",
                      html)
    assert match, "the page does not name its kpi command"
    args = shlex.split(match.group(1))
    data = json.loads(desk.run(*args).stdout)
    if match.group(2):
        from html import unescape

        team = unescape(match.group(2))
        return next(g for g in data["groups"] if g["team"] == team)
    return dict(data)
