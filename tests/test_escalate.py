"""`sdesk escalate`: higher-tier support keeps the SLA, records the tier, tells the new team."""

from __future__ import annotations

from assign_helpers import journal_of, log

NETWORK = "IS-Network Services"


def test_escalation_moves_team_and_tier_keeps_resolve_by_and_clears_assignee(desk):
    ticket = log(desk, "VPN drops")
    desk.run("assign", ticket, "--to", "dcooper")
    due = desk.ticket(ticket)["resolve_by"]
    before = desk.commits()
    desk.run("escalate", ticket, "--to", NETWORK, "--reason", "VPN concentrator fault")
    data = desk.ticket(ticket)
    assert desk.commits() == before + 1
    assert (data["team"], data["tier"], data["assignee"]) == (NETWORK, 2, "")
    assert data["resolve_by"] == due
    assert data["reassignments"] == 1
    assert data["status"] == "triaged"
    [text] = journal_of(desk, ticket, "escalate")
    assert "VPN concentrator fault" in text and "tier 2" in text and "Resolve By kept" in text


def test_escalation_notifies_the_new_team(desk):
    ticket = log(desk, "VPN drops")
    desk.run("escalate", ticket, "--to", NETWORK, "--reason", "needs network")
    mails = [p.read_text() for p in desk.outbox()]
    assert any("To: IS-NetworkServices@omes.ok.gov" in m and ticket in m for m in mails)


def test_explicit_tier_is_recorded(desk):
    ticket = log(desk)
    desk.run("escalate", ticket, "--to", NETWORK, "--tier", "3", "--reason", "vendor level")
    assert desk.ticket(ticket)["tier"] == 3


def test_escalated_ticket_joins_the_new_teams_queue_for_assignment(desk):
    ticket = log(desk, "Wi-Fi down")
    desk.run("escalate", ticket, "--to", NETWORK, "--reason", "wireless")
    desk.run("assign", "--team", NETWORK)
    assert desk.ticket(ticket)["assignee"] in {"nsingh", "bmorales", "kfrye"}


def test_unknown_team_is_refused_and_nothing_changes(desk):
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("escalate", ticket, "--to", "IS-Nowhere", "--reason", "x", code=1)
    assert "unknown team 'IS-Nowhere'" in result.stderr
    assert desk.snapshot() == before


def test_same_team_and_tier_is_nothing_to_do(desk):
    ticket = log(desk)
    result = desk.fails("escalate", ticket, "--to", "IS-Desktop Support", "--tier", "1",
                        "--reason", "x", code=4)
    assert "already with IS-Desktop Support at tier 1" in result.stderr


def test_empty_reason_is_refused(desk):
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("escalate", ticket, "--to", NETWORK, "--reason", "  ", code=1)
    assert "--reason" in result.stderr
    assert desk.snapshot() == before


def test_tier_out_of_range_is_refused(desk):
    ticket = log(desk)
    result = desk.fails("escalate", ticket, "--to", NETWORK, "--tier", "0", "--reason", "x",
                        code=1)
    assert "--tier must be between 1 and 9" in result.stderr


def test_lowering_the_tier_is_journaled_and_planned_as_lowered_not_escalated(desk):
    ticket = log(desk, "VPN drops")
    desk.run("escalate", ticket, "--to", NETWORK, "--tier", "3", "--reason", "vendor level")
    plan = desk.run("escalate", ticket, "--to", NETWORK, "--tier", "2",
                    "--reason", "vendor fixed the part", "--dry-run").stdout
    assert "set tier = 2: tier lowered from 3 to 2" in plan
    assert "Escalated" not in plan
    desk.run("escalate", ticket, "--to", "IS-Desktop Support", "--tier", "1",
             "--reason", "back to the desk")
    first, second = journal_of(desk, ticket, "escalate")
    assert first.startswith(f"Escalated from IS-Desktop Support (tier 1) to {NETWORK} (tier 3)")
    assert second.startswith("Tier lowered from 3 to 1, handed from "
                             f"{NETWORK} to IS-Desktop Support: back to the desk")
    assert desk.git("log", "-1", "--format=%s").strip() == (
        f"lower {ticket} from tier 3 to 1 (IS-Desktop Support)")
    [mail] = [m for m in (p.read_text() for p in desk.outbox()) if "To: IS-DesktopSupport@" in m]
    assert "] Handed on to IS-Desktop Support: " in mail and "Escalated" not in mail


def test_same_tier_to_another_team_is_a_hand_on_not_an_escalation(desk):
    ticket = log(desk)
    desk.run("escalate", ticket, "--to", NETWORK, "--tier", "1", "--reason", "wrong queue")
    [text] = journal_of(desk, ticket, "escalate")
    assert text.startswith(f"Handed on from IS-Desktop Support to {NETWORK} at tier 1: wrong")
