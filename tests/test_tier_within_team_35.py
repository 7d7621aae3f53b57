"""Session 35 (fix35c): a tier change inside one team is an escalation, not a reassignment.
The standard's reassignment (the `reassignments` hop counter, kpi's reassign_mean) is a move
between groups; raising (or lowering) the tier within the team that has the ticket keeps its
journal entry and the tier (kpi's escalation_pct counts it) but no hop. Before, it counted one
(docs/escalation-and-hold.md)."""

from __future__ import annotations

import json

from assign_helpers import journal_of, log
from conftest import Desk

DESKTOP = "IS-Desktop Support"
LATER = "2026-11-23T11:00:00-06:00"


def test_a_higher_tier_in_the_same_team_is_no_reassignment_and_kpi_counts_none(
        desk: Desk) -> None:
    ticket = log(desk, "Laptop will not boot")
    desk.run("assign", ticket, "--to", "dcooper")
    shown = desk.run("escalate", ticket, "--to", DESKTOP, "--tier", "2", "--reason",
                     "needs a tier 2 imaging specialist").stdout
    assert "reassignments" in shown and "no reassignment" in shown, shown
    assert "set reassignments" not in shown
    data = desk.ticket(ticket)
    assert (data["team"], data["tier"], data["assignee"]) == (DESKTOP, 2, "")
    assert data["reassignments"] == 0
    [text] = journal_of(desk, ticket, "escalate")  # the journal entry is kept
    assert text.startswith(f"Escalated from {DESKTOP} (tier 1) to {DESKTOP} (tier 2)")
    desk.run("escalate", ticket, "--to", DESKTOP, "--tier", "1", "--reason", "back down")
    assert desk.ticket(ticket)["reassignments"] == 0
    desk.run("escalate", ticket, "--to", DESKTOP, "--tier", "2", "--reason", "up again")
    desk.run("assign", ticket, "--to", "skimble")
    desk.run("resolve", ticket, "--code", "fixed", "--summary", "Reimaged", now=LATER)
    k = json.loads(desk.run("kpi", "--since", "2026-11-23", "--json", now=LATER).stdout)
    assert k["reassign_mean"] == 0.0 and k["escalation_pct"] == 100.0, k


def test_a_move_to_another_team_still_counts_one(desk: Desk) -> None:
    ticket = log(desk, "VPN drops")
    shown = desk.run("escalate", ticket, "--to", "IS-Network Services", "--reason",
                     "VPN concentrator").stdout
    assert "set reassignments = 1: a hand-on to another group counts as a reassignment" in shown
    assert desk.ticket(ticket)["reassignments"] == 1
