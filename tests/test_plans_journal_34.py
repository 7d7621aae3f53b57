"""Session 34 (fix34b), issue 11 follow-ups: a plan says each field once, with the value it
ends with and the rule that set it; the journal and the notes say what happened in words a
person reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

from conftest import Desk
from test_triage_proposals import incident


def flag_sets(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in plan if a["action"] == "set" and a["field"] == "flags"]


def test_accepting_a_separation_sets_flags_once_with_the_final_value_and_the_rule(
        desk: Desk) -> None:
    tid = incident(desk, "Printer offline; VPN also not connecting", email="bo@omes.ok.gov")
    desk.run("triage", tid)
    [(kind, key)] = [tuple(f.split(":")[1:]) for f in desk.ticket(tid)["flags"]
                     if f.startswith("proposed:")]
    assert kind == "separation"
    plan = desk.json("triage", tid, "--accept", "separation", "--dry-run")["actions"]
    [one] = flag_sets(plan)
    assert one["value"] == [f"accepted:separation:{key}", "needs-separation"]
    assert one["rule"] == "incident-4 one group, one problem"
    assert "accepted by Dana Dispatcher" in one["reason"]
    fields = Counter((a["ticket"], a["field"]) for a in plan
                     if a["action"] == "set" and a["field"] in ("flags", "reassignments"))
    assert set(fields.values()) == {1}
    desk.run("triage", tid, "--accept", "separation")
    assert desk.ticket(tid)["flags"] == one["value"]


def test_rejecting_a_proposal_sets_flags_once(desk: Desk) -> None:
    tid = incident(desk, "PC has no power, wont turn on", service="Desktop Hardware")
    desk.run("triage", tid)
    assert "proposed:on-site:text" in desk.ticket(tid)["flags"]
    shown = desk.run("triage", tid, "--reject", "on-site", "--dry-run").stdout
    assert shown.count("set flags = ") == 1, shown
    [one] = flag_sets(desk.json("triage", tid, "--reject", "on-site", "--dry-run")["actions"])
    assert "rejected:on-site:text" in one["value"] and "proposed:on-site:text" not in one["value"]
    assert one["rule"] == "on site or remote (assignment reads it)"
