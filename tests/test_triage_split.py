"""The dispatcher's `triage ID --split` (session 31): a ticket without a service says what is
missing besides the split, proposes nothing and mails nobody (an incident as a request); a
ticket triage does not look at says in one line that the split was not recorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import Desk

LEADS = "ServiceDeskLeads@omes.ok.gov"


def _unserved(desk: Desk, title: str, kind: str = "incident", *extra: str) -> str:
    return desk.new("-t", kind, "-T", title, "--email", "a2@okdhs.org", "--agency", "DHS",
                    "-d", "x", *extra)


def _journal(desk: Desk, tid: str) -> str:
    return "\n".join(e["text"] for e in desk.ticket(tid)["journal"])


@pytest.mark.parametrize("title", ["cant log into peoplesoft",
                                   "printer jammed + cant log into peoplesoft"])
def test_a_split_incident_without_a_service_proposes_nothing_and_mails_nobody(
        desk: Desk, title: str) -> None:
    tid = _unserved(desk, title)
    out = desk.run("triage", tid, "--split", "printer and peoplesoft are two problems").stdout
    t = desk.ticket(tid)
    assert "needs-service" in t["flags"] and "needs-separation" in t["flags"], t["flags"]
    assert not [f for f in t["flags"] if f.startswith("proposed:")], t["flags"]
    assert "--accept" not in out and "--accept" not in _journal(desk, tid)
    assert "no service recorded" in _journal(desk, tid)
    assert not desk.outbox()  # the dispatcher's own split: the leads are not told


def test_a_split_withdraws_the_separation_proposed_while_it_waited_for_its_service(
        desk: Desk) -> None:
    tid = _unserved(desk, "printer jammed + cant log into peoplesoft")
    desk.run("triage", tid)
    assert [f for f in desk.ticket(tid)["flags"] if f.startswith("proposed:separation")]
    out = desk.run("triage", tid, "--split", "printer and peoplesoft are two problems").stdout
    t = desk.ticket(tid)
    assert "needs-separation" in t["flags"] and "needs-service" in t["flags"], t["flags"]
    assert not [f for f in t["flags"] if f.startswith("proposed:separation")], t["flags"]
    assert "pending proposal withdrawn: separation" in out
    assert "Proposed:   separation" not in desk.run("show", tid).stdout


def test_a_split_request_without_a_service_says_the_service_is_missing_too(desk: Desk) -> None:
    tid = _unserved(desk, "need access to the grants share", "request")
    desk.run("triage", tid, "--split", "the share and a new monitor are two requests")
    t = desk.ticket(tid)
    assert "needs-service" in t["flags"] and "needs-separation" in t["flags"], t["flags"]
    assert not [f for f in t["flags"] if f.startswith("proposed:")], t["flags"]
    assert not desk.outbox()


def test_a_split_hardware_request_without_a_service_needs_none(desk: Desk) -> None:
    # its route (the Asset Team) takes it without a service: only the split is recorded
    tid = _unserved(desk, "need a new monitor", "request", "--category", "hardware")
    desk.run("triage", tid, "--split", "the monitor and an account are two requests")
    t = desk.ticket(tid)
    assert "needs-separation" in t["flags"] and "needs-service" not in t["flags"], t["flags"]


def _triaged(desk: Desk) -> str:
    tid = desk.new("-T", "Outlook will not open", "--email", "ana.ruiz@omes.ok.gov",
                   "--agency", "OMES", "--service", "Email", "-d", "x")
    desk.run("triage", tid)
    assert desk.ticket(tid)["status"] == "triaged"
    return tid


def _assigned(desk: Desk) -> str:
    tid = _triaged(desk)
    desk.run("assign", tid)
    assert desk.ticket(tid)["assignee"]
    return tid


def _task(desk: Desk) -> str:
    parent = _triaged(desk)
    out = desk.run("task", "new", "--parent", parent, "-T", "Check the mail profile").stdout
    return out.strip().splitlines()[-1]


def _resolved(desk: Desk) -> str:
    tid = _assigned(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "profile rebuilt")
    return tid


@pytest.mark.parametrize("make,said", [
    (_triaged, "is triaged"), (_assigned, "is assigned to"), (_task, "is a task of"),
    (_resolved, "is resolved")])
def test_a_split_triage_skips_says_it_was_not_recorded(desk: Desk, make: Callable[[Desk], str],
                                                       said: str) -> None:
    tid = make(desk)
    before = desk.snapshot()
    result = desk.fails("triage", tid, "--split", "two problems", code=4)
    lines = [line for line in result.stdout.splitlines() if "--split not recorded" in line]
    assert len(lines) == 1, result.stdout
    assert f"--split not recorded: {tid} {said}" in lines[0], lines[0]
    assert "sdesk split " in lines[0] or "sdesk task new --parent " in lines[0] or (
        "sdesk new" in lines[0])  # how to correct it (`sdesk task add` did not exist)
    assert desk.snapshot() == before


@pytest.mark.parametrize(("kind", "extra", "rule"), [
    ("request", ("--service", "Email"), "standard: one problem per ticket"),
    ("incident", ("--service", "Email"), "incident-4 one group, one problem"),
])
def test_a_split_names_the_rule_for_its_type(desk: Desk, kind: str, extra: tuple[str, ...],
                                            rule: str) -> None:
    """Session 33: a request's --split was recorded under incident-4, an incident's rule (the
    guide's request steps have no "one problem" step); it names the standard's rule, as
    `sdesk split` of a request does (separation.rule_for)."""
    tid = desk.new("-t", kind, "-T", "need access to the grants share", "--email",
                   "ana.ruiz@omes.ok.gov", "--agency", "OMES", "-d", "x", *extra)
    out = desk.run("triage", tid, "--split", "the share and a new monitor are two requests")
    assert "needs-separation" in desk.ticket(tid)["flags"]
    [entry] = [e for e in desk.ticket(tid)["journal"] if "the dispatcher says" in e["text"]]
    assert entry["rule"].startswith(rule), entry
    assert f"[{rule}" in out.stdout, out.stdout
