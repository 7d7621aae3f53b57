"""An intake misfit (the logged priority is not the impact x urgency matrix's) is flagged for the
supervisor's review; the text is still read, and a level more urgent than both the logged and the
matrix level is proposed with its evidence, so the supervisor sees it too (tester finding,
session 36: "Whole agency cannot send email" logged P4 against the matrix's P3 was flagged and
its text was never read)."""

from __future__ import annotations

from conftest import Desk
from test_triage_proposals import at, incident, mails


def test_a_misfit_flagged_for_review_still_gets_the_texts_reading(desk: Desk) -> None:
    tid = incident(desk, "Whole agency cannot send email", "--priority", "4", service="Email")
    out = desk.run("triage", tid, now=at(5)).stdout
    t = desk.ticket(tid)
    assert t["flags"] == ["priority-review", "proposed:priority:P1"], out
    assert t["priority"] == 4  # the supervisor decides; triage never changes it
    note = next(
        e["text"] for e in t["journal"] if e["text"].startswith("Proposed (priority)"))
    assert "the ticket is P4 (impact 2 x urgency 2 give P3, flagged for review)" in note


def test_a_misfit_whose_text_reads_no_more_urgent_level_gets_the_flag_alone(desk: Desk) -> None:
    tid = incident(desk, "Outlook slow to open attachments", "--priority", "1", service="Email")
    out = desk.run("triage", tid, now=at(5)).stdout
    assert desk.ticket(tid)["flags"] == ["priority-review"], out


def test_a_corrected_impact_that_moves_the_matrix_level_tells_the_supervisor_again(
        desk: Desk) -> None:
    tid = incident(desk, "Outlook slow to open attachments", "--priority", "1", service="Email")
    desk.run("triage", tid, now=at(5))
    assert len(mails(desk)) == 1  # flagged: P1 against the matrix's P3
    out = desk.run("set", tid, "impact=3", now=at(6)).stdout  # the matrix gives P4 now
    assert "now gives P4 (Low), not P3; already flagged" in out
    told = mails(desk)
    assert len(told) == 2 and "sdesk priority" in told[-1].get_payload(decode=True).decode()
    assert f"sdesk priority {tid} 4" in told[-1].get_payload(decode=True).decode()
    out = desk.run("set", tid, "urgency=3", now=at(7)).stdout  # 3 x 3 is still P4: not again
    assert "already flagged for the supervisor's decision" in out and len(mails(desk)) == 2


def test_a_priority_decision_waits_for_teams_toml_to_be_committed(desk: Desk) -> None:
    # tester finding, session 37: an uncommitted edit of teams.toml made the dispatcher a
    # supervisor, and the priority commit held only the ticket
    tid = incident(desk, "Outlook slow to open attachments", service="Email")
    teams = desk.root / "reference" / "teams.toml"
    teams.write_text(teams.read_text().replace("alicia.nguyen@omes.ok.gov",
                                               "dana@omes.ok.gov"))
    before = desk.snapshot()
    out = desk.fails("priority", tid, "1", "--reason", "mine now", code=1)
    assert out.stderr.count("\n") == 1 and "reference/teams.toml has uncommitted changes" in (
        out.stderr)
    assert desk.snapshot() == before
    desk.git("commit", "-qam", "Dana supervises Email & Collaboration")  # reviewed in git
    desk.run("priority", tid, "1", "--reason", "whole floor")
    assert desk.ticket(tid)["priority"] == 1
