"""The dispatcher's review of triage's proposals (docs/triage.md, "Proposals"): a ticket with a
pending proposal in, the plan of accepting or rejecting it out. Accepting carries the judgement
out; rejecting changes nothing else; either way the decision stays on the ticket, so the same
proposal is never made again.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from procedure_builder import NOW, REF, after, findings, rules, said, ticket

from sdesk.core.errors import ValidationError
from sdesk.core.model import journal_entry
from sdesk.procedures.plan import Notify
from sdesk.procedures.proposals import check_kinds, trend_told, trend_told_team
from sdesk.procedures.relations import Peer
from sdesk.procedures.similarity import PeerView
from sdesk.procedures.triage import I2, I4, I5, I6, ON_SITE, TriageContext
from sdesk.procedures.triage_review import evidence, review

DESKTOP = "IS-Desktop Support"
SUPERVISOR = "kendra.yellowhorse@omes.ok.gov"  # IS-Desktop Support's supervisor (reference data)
ORIGINAL = Peer("INC-0900", "incident", "in-progress", "Printer will not print at all",
                "Printing", "pat.user@omes.ok.gov", NOW)


def ctx(*peers: Peer) -> TriageContext:
    return TriageContext(reference=REF, now=NOW, actor="Dispatcher", view=PeerView(peers))


def proposed(flag: str, **fields: Any) -> Any:
    fields.setdefault("journal", [])
    return ticket("incident", service="Printing", status="triaged", team=DESKTOP, flags=[flag],
                  **fields)


ACCEPTED = [
    # (what accepting does, the pending flag, what the ticket reads after, what the plan says, rule)
    ("a duplicate is resolved as one; work goes on on the original",
     "proposed:duplicate:INC-0900", lambda t: (t.status, t.duplicate_of), ("resolved", "INC-0900"),
     "Printer will not print at all", I5),
    ("a separation hands the ticket back to the Service Desk",
     "proposed:separation:Email+VPN", lambda t: (t.status, t.team, t.flags[-1]),
     ("new", REF.service_desk, "needs-separation"), "separate it: Email and VPN", I4),
    ("a trend tells the owning team's supervisor",
     "proposed:trend:abc123", lambda t: "trend-reported" in t.flags and any(
         f.startswith("trend-told:") for f in t.flags), True, f"notify {SUPERVISOR}", I6),
    ("a priority goes to the supervisor to decide",
     "proposed:priority:P2", lambda t: t.flags[-1], "priority-review", f"notify {SUPERVISOR}", I2),
    ("on site: the ticket is no longer remote",
     "proposed:on-site:desk", lambda t: t.remote, False, "set remote = False", ON_SITE),
]


def test_accepting_a_kind_records_the_category_and_routes_the_request() -> None:
    t = ticket("request", title="need a desk phone", status="triaged", team=REF.service_desk,
               flags=["proposed:kind:hardware"], journal=[])
    done = after(t, review([t], ["kind"], [], ctx()))
    assert (done.category, done.team, done.status) == ("hardware", REF.asset_team, "triaged")
    assert "accepted:kind:hardware" in done.flags


def test_an_assigned_request_keeps_its_place_when_its_kind_is_accepted() -> None:
    t = ticket("request", title="need a desk phone", status="assigned", team=DESKTOP,
               assignee="aparker", flags=["proposed:kind:hardware"], journal=[])
    plan = review([t], ["kind"], [], ctx())
    done = after(t, plan)
    assert (done.category, done.team) == ("hardware", DESKTOP)
    assert any("not routed again" in f for f in findings(plan))


@pytest.mark.parametrize(("case", "flag", "read", "value", "says", "rule"), ACCEPTED,
                         ids=[row[0] for row in ACCEPTED])
def test_accepting_carries_the_judgement_out(case: str, flag: str, read: Any, value: Any,
                                             says: str, rule: str) -> None:
    kind, key = flag.split(":")[1:]
    t = proposed(flag)
    plan = review([t], [kind], [], ctx(ORIGINAL))
    done = after(t, plan)
    assert read(done) == value
    assert f"accepted:{kind}:{key}" in done.flags and flag not in done.flags
    assert said(plan, says) and rule in rules(plan)


def test_a_duplicate_of_a_ticket_no_longer_in_view_is_named_by_its_id() -> None:
    t = proposed("proposed:duplicate:INC-0901")
    plan = review([t], ["duplicate"], [], ctx())
    assert after(t, plan).duplicate_of == "INC-0901" and said(plan, "('INC-0901')")


def test_the_evidence_the_proposal_carried_is_repeated_on_acceptance() -> None:
    note = journal_entry(NOW, "Dispatcher", "triage",
                         "Proposed (trend): 4 people, same problem. Accept: sdesk triage ...")
    t = proposed("proposed:trend:abc123", journal=[note])
    plan = review([t], ["trend"], [], ctx())
    (mail,) = [a for a in plan.actions if isinstance(a, Notify)]
    assert "4 people, same problem (accepted by Dispatcher)" in mail.body
    assert "Accept: sdesk triage" not in mail.body


def test_rejecting_changes_nothing_but_the_decision() -> None:
    t = proposed("proposed:duplicate:INC-0900")
    plan = review([t], [], ["duplicate"], ctx(ORIGINAL))
    done = after(t, plan)
    assert (done.status, done.duplicate_of, done.flags) == \
        ("triaged", "", ["rejected:duplicate:INC-0900"])
    assert "not proposed again for the same evidence" in done.journal[-1].text


def test_a_ticket_without_that_proposal_is_a_finding_naming_what_is_pending() -> None:
    t = proposed("proposed:on-site:desk")
    plan = review([t], ["trend"], ["duplicate"], ctx())
    assert findings(plan) == ["no pending trend/duplicate proposal (pending: on-site (desk))"]
    assert after(t, plan).flags == ["proposed:on-site:desk"]


KINDS = [
    # (what `--accept`/`--reject` take, typed, the kinds or the error)
    ("one kind", ["trend"], ["trend"]),
    ("all of them, each once", ["priority", "all"],
     ["priority", "duplicate", "separation", "trend", "on-site", "kind", "service", "request"]),
    ("an unknown kind is one error naming the known ones", ["dupe"],
     "--accept: unknown proposal 'dupe' (known: duplicate, separation, trend, priority, "
     "on-site, kind, service, request, all)"),
]


@pytest.mark.parametrize(("case", "typed", "kinds"), KINDS, ids=[row[0] for row in KINDS])
def test_the_kinds_a_review_names(case: str, typed: list[str], kinds: Any) -> None:
    if isinstance(kinds, str):
        with pytest.raises(ValidationError, match=re.escape(kinds)):
            check_kinds(typed, "--accept")
    else:
        assert check_kinds(typed, "--accept") == kinds


@pytest.mark.parametrize(("flags", "level", "after_", "overruled"), [
    # the supervisor keeps P3 against an accepted P2: the proposal is rejected, review done
    (["accepted:priority:P2", "priority-review", "proposed:on-site:text"], 3,
     ["rejected:priority:P2", "proposed:on-site:text"], ["P2"]),
    # the supervisor sets the proposed level: accepted, a pending one too
    (["proposed:priority:P2", "priority-review"], 2, ["accepted:priority:P2"], []),
    # no proposal: only the review flag goes
    (["priority-review", "rejected:duplicate:INC-1"], 4, ["rejected:duplicate:INC-1"], []),
])
def test_the_supervisors_priority_decision_settles_the_priority_proposal(
        flags: list[str], level: int, after_: list[str], overruled: list[str]) -> None:
    from sdesk.procedures.proposals import priority_decided

    assert priority_decided(flags, level) == (after_, overruled)


def test_a_stale_service_proposal_is_a_finding_and_the_batch_goes_on() -> None:
    # review, session 30: accepting a service proposal on a ticket that has a service raised,
    # and the other tickets' answers were lost with it
    stale = ticket("incident", title="my computer is acting weird", service="Fax",
                   flags=["needs-service", "proposed:service:Desktop_Hardware"], journal=[])
    fresh = ticket("incident", title="my computer is acting weird", email="ann.r@omes.ok.gov",
                   flags=["needs-service", "proposed:service:Desktop_Hardware"], journal=[])
    plan = review([stale, fresh], ["service"], [], ctx())
    assert any(f"{stale.id} already has service 'Fax': the service proposal (Desktop "
               "Hardware) is out of date, not accepted, still pending" in f
               for f in findings(plan)), findings(plan)
    assert after(stale, plan).flags == stale.flags
    done = after(fresh, plan)
    assert (done.service, "accepted:service:Desktop_Hardware" in done.flags) == (
        "Desktop Hardware", True)


def test_each_pending_proposal_of_one_kind_takes_its_own_answer() -> None:
    t = proposed("proposed:duplicate:INC-0900", journal=[
        journal_entry(NOW, "triage", "triage", "Proposed (duplicate): same person, same subject "
                      "as INC-0900 ('Printer will not print at all'): words in common", "I5"),
        journal_entry(NOW, "triage", "triage", "Proposed (duplicate): same person, same subject "
                      "as INC-0901 ('Printer jams'): words in common", "I5")])
    t.flags.append("proposed:duplicate:INC-0901")
    other = Peer("INC-0901", "incident", "in-progress", "Printer jams", "Printing",
                 "pat.user@omes.ok.gov", NOW)
    answers = {t.id: {("duplicate", "INC-0900"): "rejected", ("duplicate", "INC-0901"): "accepted"}}
    done = after(t, review([t], [], [], ctx(ORIGINAL, other), answers))
    assert (done.status, done.duplicate_of) == ("resolved", "INC-0901")
    assert "rejected:duplicate:INC-0900" in done.flags, done.flags
    assert evidence(t, "duplicate", "INC-0900").startswith("same person, same subject as INC-0900")
    assert evidence(t, "duplicate", "INC-0901").startswith("same person, same subject as INC-0901")


@pytest.mark.parametrize("team", ["IS-Network Services", "Ops_Team", "A  B", "50% _ 5F",
                                  "Équipe réseau", "tab\there", "IS-Email & Collaboration"])
def test_a_told_flag_gives_the_team_name_back(team: str) -> None:
    """Session 33: trend_told / trend_told_team round-trip any name, as one word."""
    made = trend_told(team)
    assert not any(c.isspace() for c in made), made
    assert trend_told_team(made) == team


def test_a_told_flag_reads_the_old_form_and_no_other_flag() -> None:
    assert trend_told("IS-Network Services") == "trend-told:IS-Network_Services"  # as before
    assert trend_told_team("trend-told:IS-Network_Services") == "IS-Network Services"
    assert trend_told_team("trend-told:50%zz") == "50%zz"  # a hand edit: kept as it stands
    assert trend_told_team("trend-reported") is None
