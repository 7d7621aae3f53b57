"""sdesk handover on a real store: the sections, the last-handover marker, text, HTML and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Desk
from tests.report_helpers import parse

MON_0800 = "2026-11-23T08:00:00-06:00"


def _store(desk: Desk) -> dict[str, str]:
    ids = {
        # by mail: a call is answered as it is logged (session 39), a mail waits for a reply
        "p1": desk.new("-T", "Payroll system down", "-p", "1", "--team", "IS-Applications",
                       "--agency", "OMES", "--channel", "email", now=MON_0800),
        "p4": desk.new("-T", "New mouse please", "-p", "4", now=MON_0800),
        "held": desk.new("-T", "Laptop battery swells", "-p", "3", now=MON_0800),
    }
    desk.run("hold", ids["held"], "--reason", "awaiting-customer", "--asked-by-phone",
             now="2026-11-23T08:30:00-06:00")
    return ids


def _handover(desk: Desk, *args: str, now: str) -> dict[str, list[dict[str, str]]]:
    data: dict[str, list[dict[str, str]]] = json.loads(desk.run("handover", "--json", *args,
                                                                now=now).stdout)
    return data


def _ids(section: list[dict[str, str]]) -> list[str]:
    return [line["id"] for line in section]


def test_the_sections(desk: Desk) -> None:
    ids = _store(desk)
    h = _handover(desk, "--hours", "1", now="2026-11-23T09:00:00-06:00")
    assert _ids(h["urgent"]) == [ids["p1"]]
    # P1 responds within 15 minutes: breached at 08:15. The P4 and the held ticket are not due.
    assert _ids(h["breaching"]) == [ids["p1"]]
    assert "BREACHED to respond" in h["breaching"][0]["note"]
    assert _ids(h["held"]) == [ids["held"]]
    assert h["held"][0]["note"].startswith("awaiting-customer since Mon 11-23 08:30")
    assert set(_ids(h["new"])) == set(ids.values())  # first handover: the last 24 hours


def test_new_counts_from_the_last_handover(desk: Desk) -> None:
    ids = _store(desk)
    _handover(desk, now="2026-11-23T09:00:00-06:00")
    late = desk.new("-T", "Scanner offline", now="2026-11-23T10:00:00-06:00")
    peek = _handover(desk, "--peek", now="2026-11-23T11:00:00-06:00")
    assert _ids(peek["new"]) == [late]
    again = _handover(desk, now="2026-11-23T11:30:00-06:00")  # --peek recorded nothing
    assert _ids(again["new"]) == [late]
    assert _ids(_handover(desk, now="2026-11-23T12:00:00-06:00")["new"]) == []
    since = _handover(desk, "--since", "2026-11-23T07:00", now="2026-11-23T12:00:00-06:00")
    assert set(_ids(since["new"])) == {*ids.values(), late}
    assert "handover" not in desk.git("log", "--format=%s")  # a read: no commit


def test_text_and_html(desk: Desk, tmp_path: Path) -> None:
    ids = _store(desk)
    out = desk.run("handover", "--peek", now="2026-11-23T09:00:00-06:00").stdout
    assert "Open P1 and P2: 1" in out and "On hold, and why: 1" in out
    # Short IDs on the terminal, as `list` shows them; --json keeps full IDs.
    assert ids["p1"] not in out and f"  {ids['p1'][:len('INC-') + 4]}  P1 " in out
    page = tmp_path / "handover.html"
    desk.run("handover", "--html", "-o", str(page), now="2026-11-23T09:00:00-06:00")
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and ids["held"] in html
    assert parse(html).external == []
    assert '<section id="waiting"><h2>Waiting for a decision: 0</h2>' in html


def test_team_scope(desk: Desk) -> None:
    ids = _store(desk)
    h = _handover(desk, "--team", "IS-Applications", "--peek", now="2026-11-23T09:00:00-06:00")
    assert _ids(h["new"]) == [ids["p1"]] and h["held"] == []


def test_a_pending_triage_proposal_waits_for_a_decision(desk: Desk) -> None:
    def incident(title: str, now: str) -> str:
        return desk.new("-T", title, "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES",
                        "--service", "Email", "-d", "details", now=now)

    incident("Outlook will not open", now=MON_0800)
    later = incident("outlook not opening after the profile was rebuilt on my new laptop",
                     now="2026-11-23T08:10:00-06:00")
    desk.run("triage", later, now="2026-11-23T08:20:00-06:00")
    assert any(f.startswith("proposed:duplicate:") for f in desk.ticket(later)["flags"])
    waiting = _handover(desk, now="2026-11-23T09:00:00-06:00")["waiting"]
    assert [(w["id"], "proposal" in w["note"]) for w in waiting] == [(later, True)]
    desk.run("triage", later, "--reject", "duplicate", now="2026-11-23T09:05:00-06:00")
    assert _handover(desk, now="2026-11-23T09:10:00-06:00")["waiting"] == []
