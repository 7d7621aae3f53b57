"""The dispatcher's review of proposals, leftovers of session 30's review (session 31): a stale
service proposal in a batch is that ticket's finding, not the batch's end; `--review` answers
each proposal on its own, two of one kind on one ticket included. Each drives the real CLI on a
real git store and fails without its fix."""

from __future__ import annotations

import re

from conftest import Desk
from test_fresh30 import _file
from test_fresh30 import _no_service as _fresh30_no_service


def _no_service(desk: Desk, who: str) -> str:
    return _fresh30_no_service(desk, who, who)


def _stale(desk: Desk, tid: str, service: str = "Fax") -> None:
    """A service recorded on the file with the proposal still pending (a store from before
    session 30, or a collaborator's commit)."""
    path = _file(desk, tid)
    path.write_text(re.sub(r"(?m)^(title = .*)$", rf'\1\nservice = "{service}"', path.read_text(),
                           count=1))
    desk.git("commit", "-qam", "a service recorded by hand")


# ---- 1: a stale service proposal is one ticket's finding, the batch goes ahead ---------------


def test_a_stale_service_proposal_in_a_batch_is_a_finding_and_the_others_are_accepted(
        desk: Desk) -> None:
    stale, fresh = _no_service(desk, "joe.q"), _no_service(desk, "ann.r")
    _stale(desk, stale)
    result = desk.run("triage", stale, fresh, "--accept", "service")
    assert (f"{stale} already has service 'Fax': the service proposal (Desktop Hardware) is out "
            f"of date, not accepted, still pending; drop it with sdesk triage {stale} --reject "
            "service") in result.stdout, result.stdout
    t = desk.ticket(fresh)
    assert (t["service"], t["team"]) == ("Desktop Hardware", "IS-Desktop Support"), t
    assert "accepted:service:Desktop_Hardware" in t["flags"]
    s = desk.ticket(stale)
    assert s["service"] == "Fax"
    assert "proposed:service:Desktop_Hardware" in s["flags"]  # skipped: still pending
    # the ticket alone: one line, exit 4, nothing changed
    before = desk.snapshot()
    alone = desk.fails("triage", stale, "--accept", "service", code=4)
    assert alone.stderr.count("\n") == 1, alone.stderr
    assert f"{stale} already has service 'Fax'" in alone.stderr
    assert desk.snapshot() == before


def test_a_stale_proposal_naming_the_service_recorded_is_settled_as_accepted_on_recheck(
        desk: Desk) -> None:
    # the one helper (proposals.service_recorded): a re-check reads it as `sdesk set` does
    tid = _no_service(desk, "joe.q")
    _stale(desk, tid, "Desktop Hardware")
    said = desk.fails("triage", tid, "--accept", "service", code=4).stderr
    assert "the service proposal (Desktop Hardware) names the service it has" in said, said
    desk.run("triage", tid, "--recheck")
    t = desk.ticket(tid)
    assert "accepted:service:Desktop_Hardware" in t["flags"], t["flags"]
    assert any("Service 'Desktop Hardware' is recorded, as proposed: the service proposal "
               "(Desktop Hardware) accepted." in e["text"] for e in t["journal"])


# ---- 2: each of two duplicate proposals on one ticket is answered on its own ------------------


def _outlook(desk: Desk, now: str) -> str:
    return desk.new("-T", "outlook keeps crashing when I open attachments", "--email",
                    "joe.q@omes.ok.gov", "--name", "Joe Q", "--agency", "DOC", "--service",
                    "Email", "-d", "outlook closes itself", now=now)


def test_review_answers_two_duplicate_proposals_on_one_ticket_each_on_its_own(
        desk: Desk) -> None:
    from terminal import on_a_terminal

    first = _outlook(desk, "2026-11-23T08:00:00-06:00")
    later = _outlook(desk, "2026-11-23T08:30:00-06:00")
    desk.run("triage", later)
    assert f"proposed:duplicate:{first}" in desk.ticket(later)["flags"]
    # a second original of the same person's problem, proposed too (a store where triage ran
    # against each; the flag written as triage writes it)
    other = _outlook(desk, "2026-11-23T08:10:00-06:00")
    path = _file(desk, later)
    path.write_text(path.read_text().replace(f'"proposed:duplicate:{first}"',
                                             f'"proposed:duplicate:{first}", '
                                             f'"proposed:duplicate:{other}"'))
    desk.git("commit", "-qam", "two duplicate proposals")
    assert f"proposed:duplicate:{other}" in desk.ticket(later)["flags"]
    seen, code = on_a_terminal(desk, ["triage", later, "--review"], [b"n\n", b"y\n"])
    text = seen.decode()
    assert code == 0, text
    assert f"proposed duplicate ({first}), one of 2 duplicate proposals on {later}" in text
    assert f"proposed duplicate ({other}), one of 2 duplicate proposals on {later}" in text
    t = desk.ticket(later)
    assert f"rejected:duplicate:{first}" in t["flags"], t["flags"]
    assert f"accepted:duplicate:{other}" in t["flags"], t["flags"]
    assert (t["status"], t["duplicate_of"]) == ("resolved", other)


# ---- 3: an accepted duplicate is resolved as `sdesk resolve` resolves (resolve.resolved) -------


def test_accepting_a_duplicate_on_hold_ends_the_hold_at_the_resolution(desk: Desk) -> None:
    first = _outlook(desk, "2026-11-23T08:00:00-06:00")
    later = _outlook(desk, "2026-11-23T08:30:00-06:00")
    desk.run("triage", later)
    assert f"proposed:duplicate:{first}" in desk.ticket(later)["flags"]
    desk.run("hold", later, "--reason", "awaiting-customer", "--asked-by-phone")
    assert desk.ticket(later)["status"] == "on-hold"
    desk.run("triage", later, "--accept", "duplicate", now="2026-11-23T11:00:00-06:00")
    t = desk.ticket(later)
    assert (t["status"], t["duplicate_of"]) == ("resolved", first)
    assert t["holds"][-1]["end"] is not None, t["holds"]  # was left open on a resolved ticket
    assert t["holds"][-1]["end"].startswith("2026-11-23T"), t["holds"]
    desk.run("check")
