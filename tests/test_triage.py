"""Triage through the CLI on a real temporary git store: one test per rule of the dispatcher
guide's pre-assignment analysis (incident and request), plus batch, dry run and idempotence."""

from __future__ import annotations

import json
from email import message_from_bytes
from typing import Any

from conftest import Desk

from sdesk.core.model import dumps, load_file
from sdesk.store import Store

# the Service Desk's supervisor: only a supervisor decides a priority (sdesk priority)
SUPERVISOR = ("--actor", "Marcia Whitfield <marcia.whitfield@omes.ok.gov>")

T0 = "2026-11-23T08:00:00-06:00"
T1 = "2026-11-23T08:10:00-06:00"
T2 = "2026-11-23T08:20:00-06:00"
T3 = "2026-11-23T08:30:00-06:00"


def incident(desk: Desk, title: str, *extra: str, email: str = "ana.ruiz@omes.ok.gov",
             agency: str = "OMES", service: str = "Email", now: str = T0) -> str:
    return desk.new("-T", title, "--email", email, "--agency", agency, "--service", service,
                    "-d", "details", *extra, now=now)


def request(desk: Desk, title: str, *extra: str, now: str = T0) -> str:
    return desk.new("-t", "request", "-T", title, "--email", "cy@omes.ok.gov", "--agency",
                    "OMES", "-d", "details", *extra, now=now)


def plan(desk: Desk, *args: str) -> list[dict[str, Any]]:
    result = desk.run("triage", *args, "--dry-run", "--json", ok=False)
    assert result.exit_code in (0, 4), result.stderr  # 4: a plan that changes nothing
    data = json.loads(result.stdout)
    actions: list[dict[str, Any]] = data["actions"]
    return actions


def rules(actions: list[dict[str, Any]], ticket: str) -> set[str]:
    return {a["rule"] for a in actions if a["ticket"] == ticket}


def mails(desk: Desk) -> list[Any]:
    return [message_from_bytes(p.read_bytes()) for p in desk.outbox()]


def edit(desk: Desk, ticket_id: str, **values: Any) -> None:
    """Change fields as another command would have (assignment is not triage's business)."""
    store = Store.open(str(desk.root))
    ticket = store.load(ticket_id)
    for key, value in values.items():
        setattr(ticket, key, value)
    path = store.path_of(ticket_id)
    path.write_text(dumps(ticket), encoding="utf-8")
    desk.git("add", str(path))
    desk.git("commit", "-qm", f"edit {ticket_id}")


def automatic(desk: Desk) -> None:
    """Switch the automatic duplicate and trend on (off by default since session 28)."""
    config = desk.root / "sdesk.toml"
    text = config.read_text()
    assert "automatic_duplicates = false" in text and "automatic_trends = false" in text
    config.write_text(text.replace("automatic_duplicates = false", "automatic_duplicates = true")
                      .replace("automatic_trends = false", "automatic_trends = true"))
    desk.git("commit", "-qam", "automatic")  # decided from only once committed (session 38)


# ---- incidents ------------------------------------------------------------------------------


def test_supported_incident_is_routed_to_the_service_team_and_ready_for_assignment(desk: Desk) -> None:
    tid = incident(desk, "Outlook will not open")
    before = desk.commits()
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert (t["status"], t["team"], t["reassignments"]) == ("triaged", "IS-Email & Collaboration", 0)
    assert t["journal"][-1]["rule"] == "incident ready for assignment"
    assert desk.commits() == before + 1
    assert f"Sdesk-Ticket: {tid}" in desk.git("log", "-1", "--format=%B")
    assert desk.outbox() == []


def test_a_ticket_with_no_team_is_dispatched_without_a_hop(desk: Desk) -> None:
    """Session 33: a ticket with no team (an import, a hand-edited file) is in the Service
    Desk's queue (Reference.is_service_desk, shared with intake's check); triage's first route
    to a team is dispatch, not a reassignment hop, as from the Service Desk itself."""
    tid = incident(desk, "Outlook will not open")
    edit(desk, tid, team="")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert (t["team"], t["reassignments"]) == ("IS-Email & Collaboration", 0), t


def test_unsupported_agency_goes_back_to_service_desk_and_leads_are_told(desk: Desk) -> None:
    tid = incident(desk, "Printer jams on every page", agency="OHCA", service="Printing")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert (t["status"], t["team"]) == ("new", "IS-Service Desk")
    assert "unsupported" in t["flags"]
    assert "OHCA is not on IS-Desktop Support's Supported Agencies list" in t["journal"][-1]["text"]
    assert t["journal"][-1]["visibility"] == "internal"
    [mail] = mails(desk)
    assert mail["To"] == "ServiceDeskLeads@omes.ok.gov"
    assert "outbox/" in desk.git("show", "--name-only", "HEAD")


def test_service_the_team_does_not_provide_is_handed_back_with_a_hop(desk: Desk) -> None:
    # the ticket sits with Desktop Support, which does not provide VPN
    tid = incident(desk, "VPN drops", "--team", "IS-Desktop Support", service="VPN")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert t["team"] == "IS-Service Desk" and t["reassignments"] == 1
    assert "does not provide 'VPN'" in t["journal"][-1]["text"]


def test_incident_without_a_service_waits_for_the_service_desk(desk: Desk) -> None:
    tid = desk.new("-T", "Something is wrong", "--email", "a@omes.ok.gov", "--agency", "OMES")
    desk.run("triage", tid)
    assert "needs-service" in desk.ticket(tid)["flags"]


def test_priority_not_matching_the_chart_is_flagged_for_the_supervisor_not_changed(desk: Desk) -> None:
    tid = incident(desk, "Outlook slow", "--priority", "1")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert t["priority"] == 1 and "priority-review" in t["flags"]
    assert t["status"] == "triaged"
    [mail] = mails(desk)
    assert mail["To"] == "alicia.nguyen@omes.ok.gov"
    assert f"sdesk priority {tid} 3" in mail.get_payload()


def test_supervisor_priority_decision_is_journaled_recomputes_resolve_by_and_stops_review(
        desk: Desk) -> None:
    tid = incident(desk, "Outlook slow", "--priority", "1")
    desk.run("triage", tid)
    due_p1 = desk.ticket(tid)["resolve_by"]
    desk.run(*SUPERVISOR, "priority", tid, "3", "--reason", "one user, workaround: webmail")
    t = desk.ticket(tid)
    assert t["priority"] == 3 and "priority-review" not in t["flags"]
    assert t["resolve_by"] > due_p1
    decided = [e for e in t["journal"] if e["kind"] == "priority"][-1]  # then the customer's
    assert "webmail" in decided["text"]


def test_supervisor_keeping_a_priority_is_not_flagged_again(desk: Desk) -> None:
    tid = incident(desk, "Outlook slow", "--priority", "1")
    desk.run(*SUPERVISOR, "priority", tid, "1", "--reason", "agency head's mailbox")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert "priority-review" not in t["flags"] and desk.outbox() == []


def test_priority_needs_a_reason_and_changes_nothing_without(desk: Desk) -> None:
    tid = incident(desk, "Outlook slow")
    before = desk.snapshot()
    desk.fails(*SUPERVISOR, "priority", tid, "2", "--reason", "  ")
    desk.fails(*SUPERVISOR, "priority", tid, "7", "--reason", "x")
    assert desk.snapshot() == before


def test_resolve_by_and_vip_are_reported_in_the_plan(desk: Desk) -> None:
    tid = incident(desk, "Outlook will not open")
    found = [a for a in plan(desk, tid) if a["rule"].startswith("incident-3")]
    assert "Resolve By 2026-11-25 17:00 CST" in found[0]["reason"] and "VIP no" in found[0]["reason"]


def test_title_naming_services_of_two_teams_is_proposed_for_separation(desk: Desk) -> None:
    tid = incident(desk, "VPN and Email both down", service="VPN")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert "proposed:separation:Email+VPN" in t["flags"]  # a judgement: proposed, not applied
    assert not mails(desk)
    desk.run("triage", tid, "--accept", "separation")
    t = desk.ticket(tid)
    assert (t["status"], t["team"]) == ("new", "IS-Service Desk")
    assert "needs-separation" in t["flags"] and "accepted:separation:Email+VPN" in t["flags"]
    assert [m["To"] for m in mails(desk)] == ["ServiceDeskLeads@omes.ok.gov"]


def test_dispatcher_split_returns_the_ticket_for_separation(desk: Desk) -> None:
    tid = incident(desk, "Outlook will not open")
    desk.run("triage", tid, "--split", "also asks for a new monitor")
    t = desk.ticket(tid)
    assert "needs-separation" in t["flags"]
    assert "also asks for a new monitor" in t["journal"][-1]["text"]


def test_split_names_exactly_one_ticket(desk: Desk) -> None:
    a, b = incident(desk, "Outlook will not open"), incident(desk, "Teams crashes")
    before = desk.snapshot()
    desk.fails("triage", a, b, "--split", "two problems")
    desk.fails("triage", "--split", "x\ny", a)
    assert desk.snapshot() == before


def test_reworded_later_ticket_from_same_person_is_proposed_not_resolved(desk: Desk) -> None:
    """Below auto_duplicate (1.0 by default: held out, automation at 0.8 measured precision
    0.83) a duplicate is related at once and proposed; the dispatcher decides."""
    first = incident(desk, "Outlook will not open", now=T0)
    later = incident(desk, "cant open outlook this morning", now=T1)  # 0.875
    desk.run("triage", later)
    t = desk.ticket(later)
    assert t["status"] != "resolved" and not t.get("duplicate_of")
    assert first in t["related"]
    assert any(f.startswith("proposed:duplicate") for f in t["flags"]), t["flags"]
    assert mails(desk) == []


def test_later_ticket_from_same_person_on_same_subject_is_resolved_as_duplicate(desk: Desk) -> None:
    automatic(desk)
    first = incident(desk, "Outlook will not open", now=T0)
    later = incident(desk, "Outlook won't open at all", now=T1)  # 1.0: the same words, read
    desk.run("triage", later)
    t = desk.ticket(later)
    assert (t["status"], t["duplicate_of"]) == ("resolved", first)
    assert t["resolution"]["code"] == "duplicate"
    assert "auto_duplicate" in t["journal"][-1]["text"] and first in t["related"]
    assert later in desk.ticket(first)["links"]["duplicates"]
    [mail] = mails(desk)
    assert mail["X-Sdesk-Audience"] == "customer" and mail["To"] == "ana.ruiz@omes.ok.gov"
    assert "auto_duplicate" not in mail.get_payload()  # the internal note stays internal


def test_a_follow_up_is_proposed_as_a_duplicate_not_resolved_by_default(desk: Desk) -> None:
    """Fresh-user finding, session 28: one person's "still down" after their first report was
    resolved as a duplicate and the customer mailed without asking. Automatic duplicates are
    off by default: it is related and proposed, and resolved only when accepted."""
    first = incident(desk, "VPN down", service="VPN", now=T0)
    later = incident(desk, "VPN still down", service="VPN", now=T1)
    desk.run("triage", later)
    t = desk.ticket(later)
    assert t["status"] == "triaged" and not t.get("duplicate_of") and first in t["related"]
    assert f"proposed:duplicate:{first}" in t["flags"] and mails(desk) == []
    assert "automatic_duplicates is off" in desk.run("show", later).stdout
    desk.run("triage", later, "--accept", "duplicate")
    assert (desk.ticket(later)["status"], desk.ticket(later)["duplicate_of"]) == ("resolved", first)


def test_first_report_is_kept_and_a_batch_resolves_only_the_later_one(desk: Desk) -> None:
    automatic(desk)
    first = incident(desk, "Outlook will not open", now=T0)
    later = incident(desk, "Outlook will not open", now=T1)
    other = incident(desk, "Outlook will not open", email="bo@omes.ok.gov", now=T2)
    desk.run("triage", "--all")
    assert desk.ticket(first)["status"] == "triaged"
    assert desk.ticket(later)["status"] == "resolved"
    assert desk.ticket(other)["status"] == "triaged"


def test_many_people_same_problem_notifies_supervisor_and_proposes_a_parent(desk: Desk) -> None:
    automatic(desk)
    ids = [incident(desk, "Outlook will not open", email=f"u{i}@omes.ok.gov", now=now)
           for i, now in enumerate((T0, T1, T2))]
    desk.run("triage", ids[2])
    t = desk.ticket(ids[2])
    assert "trend-reported" in t["flags"] and t["parent"] == ""
    [mail] = mails(desk)
    assert mail["To"] == "alicia.nguyen@omes.ok.gov"
    assert "3 people" in mail.get_payload()
    actions = plan(desk, ids[0])
    assert not any("sdesk parent new" in a["reason"] for a in actions)  # told once is enough


def test_trend_needs_the_configured_number_of_people(desk: Desk) -> None:
    a = incident(desk, "Outlook will not open", email="u1@omes.ok.gov", now=T0)
    incident(desk, "Outlook will not open", email="u2@omes.ok.gov", now=T1)
    assert not any(r.startswith("incident-6") for r in rules(plan(desk, a), a))
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text().replace("trend_requesters = 3", "trend_requesters = 2"))
    desk.git("commit", "-qam", "two people make a trend")
    assert any(r.startswith("incident-6") for r in rules(plan(desk, a), a))


def test_create_parents_creates_the_parent_case_and_links_every_report(desk: Desk) -> None:
    ids = [incident(desk, "Outlook will not open", email=f"u{i}@omes.ok.gov", now=now)
           for i, now in enumerate((T0, T1, T2))]
    desk.run("triage", "--all", "--create-parents")
    parents = {desk.ticket(i)["parent"] for i in ids}
    assert len(parents) == 1 and "" not in parents
    parent = desk.ticket(parents.pop())
    assert sorted(parent["links"]["children"]) == sorted(ids)
    assert parent["team"] == "IS-Email & Collaboration"
    assert len(mails(desk)) == 1


def test_create_parents_tally_counts_the_batch_and_the_other_tickets_apart(desk: Desk) -> None:
    """The tally of `triage --create-parents` counted the parent case and the reports outside
    the batch among the batch's changed tickets ("3 tickets, 4 changed, -1 unchanged"): they
    are said apart, as other tickets, and the batch's own count stays within it."""
    ids = [incident(desk, "Outlook will not open", email=f"u{i}@omes.ok.gov", now=now)
           for i, now in enumerate((T0, T1, T2))]
    made = desk.run("triage", "--all", "--create-parents")
    assert ("triage: 3 tickets, 3 changed, 0 unchanged, 1 other ticket (parent cases and "
            "their reports); commit ") in made.stderr, made.stderr
    parent = desk.ticket(ids[0])["parent"]
    assert parent and desk.git("log", "-1", "--format=%s").strip() == (
        "triage 3 tickets: 3 changed, 1 other ticket (parent cases and their reports)")


def test_create_parents_tally_names_the_reports_outside_the_batch(desk: Desk) -> None:
    """Two reports triaged before the third arrives: the third's batch (with an unrelated
    printer ticket) links them under the new parent; they and the parent are 3 other tickets,
    never a negative count of unchanged ones."""
    early = [incident(desk, "Outlook will not open", email=f"u{i}@omes.ok.gov", now=now)
             for i, now in enumerate((T0, T1))]
    desk.run("triage", "--all")
    late = incident(desk, "Outlook will not open", email="u2@omes.ok.gov", now=T2)
    other = incident(desk, "Printer jams", agency="OHCA", service="Printing", now=T2)
    made = desk.run("triage", late, other, "--create-parents", "--dry-run")
    assert ("triage: 2 tickets, 2 changed, 0 unchanged, 3 other tickets (parent cases and "
            "their reports); dry run, nothing changed") in made.stderr, made.stderr
    assert all(desk.ticket(i)["parent"] == "" for i in early)  # a dry run


def test_create_parents_says_the_mixed_services_and_to_triage_the_parent(desk: Desk) -> None:
    """Session 30 review: the mixed-services warning and the "triage it first" hint were said
    by `parent new` only; the parent case's plan carries them, so `triage --create-parents`
    says them too."""
    ids = [incident(desk, "Outlook will not open", email=f"u{i}@omes.ok.gov", now=now,
                    service=service)
           for i, (now, service) in enumerate(((T0, "Email"), (T1, "Email"), (T2, "Teams")))]
    made = desk.run("triage", "--all", "--create-parents")
    parent = desk.ticket(ids[0])["parent"]
    assert parent and all(desk.ticket(i)["parent"] == parent for i in ids)
    said = made.stderr.splitlines()
    assert (f"sdesk: warning: the reports name different services (Email: {ids[0]}, {ids[1]}; "
            f"Teams: {ids[2]}); the parent takes 'Email', the most reports'") in said, said
    assert (f"triage: {parent} is new; triage it before it is assigned: sdesk triage "
            f"{parent}") in said, said
    assert "warning" not in made.stdout  # said once, on stderr, not among the plan's lines


def test_re_running_triage_plans_nothing_new(desk: Desk) -> None:
    incident(desk, "Outlook slow", "--priority", "1")
    incident(desk, "Printer jams", agency="OHCA", service="Printing")
    desk.run("triage", "--all")
    before = desk.snapshot()
    out = desk.fails("triage", "--all", code=4).stdout  # exit 4: nothing to do
    assert desk.snapshot() == before
    assert "set " not in out


def test_dry_run_leaves_the_store_byte_identical(desk: Desk) -> None:
    incident(desk, "Outlook will not open")
    incident(desk, "Printer jams", agency="OHCA", service="Printing")
    before = desk.snapshot()
    out = desk.run("triage", "--all", "--dry-run").stdout
    assert "ready for assignment" in out
    assert desk.snapshot() == before


def test_a_batch_is_one_commit_naming_every_ticket(desk: Desk) -> None:
    ids = [incident(desk, f"Outlook problem {n}", email=f"u{n}@omes.ok.gov", service=s)
           for n, s in enumerate(("Email", "VPN", "Printing"))]
    before = desk.commits()
    desk.run("triage", "--all")
    assert desk.commits() == before + 1
    message = desk.git("log", "-1", "--format=%B")
    assert all(f"Sdesk-Ticket: {i}" in message for i in ids)


def test_team_option_triages_only_that_teams_unassigned_tickets(desk: Desk) -> None:
    mine = incident(desk, "VPN drops", "--team", "IS-Network Services", service="VPN")
    other = incident(desk, "Outlook will not open")
    desk.run("triage", "--team", "IS-Network Services")
    assert desk.ticket(mine)["status"] == "triaged"
    assert desk.ticket(other)["status"] == "new"


def test_json_plan_lists_rule_and_reason_for_every_action(desk: Desk) -> None:
    tid = incident(desk, "Outlook will not open")
    actions = json.loads(desk.run("triage", tid, "--json").stdout)["actions"]
    assert actions and all({"ticket", "action", "rule", "reason"} <= a.keys() for a in actions)


def test_bad_selection_is_one_line_and_changes_nothing(desk: Desk) -> None:
    tid = incident(desk, "Outlook will not open")
    before = desk.snapshot()
    assert "exactly one" in desk.fails("triage").stderr
    assert "exactly one" in desk.fails("triage", tid, "--all").stderr
    desk.fails("triage", "INC-NOPE")
    desk.fails("triage", "--team", "No Such Team")
    assert desk.snapshot() == before


def test_assigned_or_triaged_tickets_are_not_triaged_again(desk: Desk) -> None:
    tid = incident(desk, "Outlook will not open")
    edit(desk, tid, assignee="jdoe", status="assigned")
    assert plan(desk, tid)[0]["action"] == "finding"
    assert len(plan(desk, tid)) == 1


def test_recheck_runs_the_rules_again_after_the_service_desk_fixed_the_ticket(desk: Desk) -> None:
    tid = incident(desk, "Outlook will not open", service="")
    desk.run("triage", tid)
    assert "needs-service" in desk.ticket(tid)["flags"]
    edit(desk, tid, service="Email")
    assert desk.ticket(tid)["status"] == "new"
    desk.fails("triage", tid, code=4)  # nothing to do: it waits for --recheck
    assert "needs-service" in desk.ticket(tid)["flags"]
    desk.run("triage", tid, "--recheck")
    t = desk.ticket(tid)
    assert t["status"] == "triaged" and "needs-service" not in t["flags"]


def test_one_run_mails_the_leads_and_each_supervisor_once(desk: Desk) -> None:
    """Session 30 testers: twelve "Handed back" mails to the leads in one morning, and a plain
    `triage --all` mailed a supervisor once per ticket flagged for a priority review. One run
    mails the leads once naming every ticket handed back, and each supervisor once naming
    every ticket to review (as --review does); a ticket alone keeps its own threaded mail.
    (Logged to a team: a ticket awaiting its service in the Service Desk's own queue mails
    nobody since session 38, test_triage_mail_38.py.)"""
    lost = [incident(desk, title, "--team", "IS-Desktop Support", service="",
                     email=f"n{i}@omes.ok.gov", now=f"2026-11-23T07:5{i}:00-06:00")
            for i, title in enumerate(("Computer acting weird", "Something broke again",
                                       "Cannot do my work"))]
    urgent = [incident(desk, title, "--priority", "1", email=f"p{i}@omes.ok.gov", now=T1)
              for i, title in enumerate(("Outlook slow", "Calendar invites late"))]
    out = desk.run("triage", "--all", now=T2).stdout
    assert all("needs-service" in desk.ticket(t)["flags"] for t in lost)
    assert all("priority-review" in desk.ticket(t)["flags"] for t in urgent)
    sent = mails(desk)
    leads = [m for m in sent if "Handed back" in str(m["Subject"])]
    review = [m for m in sent if "Priority review" in str(m["Subject"])]
    assert len(leads) == 1 and len(review) == 1, [str(m["Subject"]) for m in sent]
    assert " ".join(str(leads[0]["Subject"]).split()) == (
        f"[{lost[0]}] Handed back to the Service Desk: 3 tickets (needs-service)")
    body = leads[0].get_payload(decode=True).decode()
    assert "3 tickets handed back to IS-Service Desk by Dana Dispatcher in one triage run" \
        in body, body
    assert all(f"{t} {desk.ticket(t)['title']}" in body for t in lost), body
    body = review[0].get_payload(decode=True).decode()
    assert "on 2 tickets flagged in one triage run" in body, body
    assert all(f"sdesk priority {t} 1 --reason '...'" in body for t in urgent), body
    # the run's mail is said once, after the last ticket's plan, under its own heading
    assert out.count("notify ") == 2 and out.rstrip().splitlines()[-3:] == [
        "mail of this run",
        "  [incident-1 agency and service supported] notify ServiceDeskLeads@omes.ok.gov: "
        "Handed back to the Service Desk: 3 tickets (needs-service)",
        "  [incident-2 priority matches SLA chart] notify alicia.nguyen@omes.ok.gov: "
        "Priority review"], out
    # about several tickets, threaded on none: no ticket file changed for it
    assert not any(desk.ticket(t).get("message_ids") for t in (*lost, *urgent))
    # one ticket alone: its own mail, as before, threaded on it
    alone = incident(desk, "Help please", "--team", "IS-Desktop Support", service="",
                     email="z@omes.ok.gov", now=T3)
    desk.run("triage", alone, now=T3)
    told = [m for m in mails(desk) if str(m["Subject"]) ==
            f"[{alone}] Handed back to the Service Desk: needs-service"]
    assert len(told) == 1 and desk.ticket(alone)["message_ids"], desk.ticket(alone)


def test_recheck_of_a_hand_back_nobody_fixed_tells_nobody_again(desk: Desk) -> None:
    # fresh-user finding, session 28: every `triage --recheck --all` re-mailed the customer
    # ("Software Request Form needed"), the leads, and added a second public note
    form = request(desk, "Install WinRAR", "--software", "WinRAR")
    away = incident(desk, "PeopleSoft report fails", agency="ODOT", service="PeopleSoft",
                    email="bo@odot.ok.gov")
    desk.run("triage", "--all")
    assert len(mails(desk)) == 2  # the leads once for the run (both tickets), the customer
    before = {tid: desk.ticket(tid) for tid in (form, away)}
    head = desk.git("rev-parse", "HEAD")
    out = desk.run("triage", "--recheck", form, away, ok=False)
    assert out.exit_code == 4, out.stdout + out.stderr  # nothing to do: nothing changed
    said = [a["reason"] for a in plan(desk, "--recheck", form, away)]
    assert ("still handed back: 'WinRAR' is listed but not approved; a "
            "Software Request Form is needed; already notified 2026-11-23 09:00 CST") in said
    assert ("still handed back: ODOT is not on IS-Applications's Supported Agencies list; "
            "already notified 2026-11-23 09:00 CST") in said
    assert len(mails(desk)) == 2
    assert {tid: desk.ticket(tid) for tid in (form, away)} == before
    assert desk.git("rev-parse", "HEAD") == head
    edit(desk, away, service="Email")  # a different reason now: handed back and told again
    desk.run("triage", "--recheck", away)
    assert desk.ticket(away)["status"] == "triaged"


# ---- requests, cases, tasks -----------------------------------------------------------------


def test_hardware_request_goes_to_the_asset_team_with_a_note(desk: Desk) -> None:
    tid = request(desk, "New laptop for new hire", "--category", "hardware")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert (t["team"], t["status"]) == ("IS-Asset Team", "triaged")
    assert "quote or available inventory" in t["journal"][-1]["text"]


def test_software_not_on_the_list_goes_back_for_a_software_request_form(desk: Desk) -> None:
    tid = request(desk, "Install WinRAR", "--software", "WinRAR")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert (t["team"], t["status"]) == ("IS-Service Desk", "new")
    assert "software-form" in t["flags"]
    got = {m["To"]: m for m in mails(desk)}
    assert set(got) == {"ServiceDeskLeads@omes.ok.gov", "cy@omes.ok.gov"}
    customer = got["cy@omes.ok.gov"].get_payload()
    assert "Software Request Form" in customer and "Handed back" not in customer


def test_approved_software_with_no_licence_free_goes_to_inventory_control(desk: Desk) -> None:
    holders = [request(desk, f"Tableau for analyst {n}", "--software", "Tableau") for n in range(3)]
    for h in holders:
        edit(desk, h, status="assigned", assignee="jdoe")
    tid = request(desk, "Tableau for me", "--software", "Tableau Desktop", now=T1)
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert (t["team"], t["status"]) == ("IT Inventory Control Manager", "triaged")
    assert "3 licences, 3 held" in t["journal"][-1]["text"]


def test_withdrawn_requests_do_not_hold_a_licence(desk: Desk) -> None:
    from sdesk.core.model import Resolution

    holders = [request(desk, f"Tableau {n}", "--software", "Tableau") for n in range(3)]
    edit(desk, holders[0], status="resolved", resolution=Resolution("withdrawn", "no longer"))
    for h in holders[1:]:
        edit(desk, h, status="assigned", assignee="jdoe")
    tid = request(desk, "Tableau for me", "--software", "Tableau", now=T1)
    assert "1 of 3 licences free" in json.dumps(plan(desk, tid))


def test_approved_software_with_a_licence_free_is_ready_for_assignment(desk: Desk) -> None:
    tid = request(desk, "Visio please", "--software", "Visio", "--service", "Software Install")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert (t["team"], t["status"]) == ("IS-Desktop Support", "triaged")


def test_case_that_is_neither_hardware_nor_software_is_ready(desk: Desk) -> None:
    tid = desk.new("-t", "case", "-T", "Report of mailbox sizes", "--agency", "OMES",
                   "--service", "Reporting")
    desk.run("triage", tid)
    assert desk.ticket(tid)["status"] == "triaged"
    assert desk.ticket(tid)["team"] == "IS-Applications"


def test_tasks_are_never_triaged(desk: Desk) -> None:
    parent = incident(desk, "Outlook will not open")
    task = desk.new("-t", "task", "-T", "Rebuild profile", "--parent", parent)
    before = desk.snapshot()
    actions = plan(desk, task)
    assert [a["action"] for a in actions] == ["finding"]
    desk.fails("triage", task, code=4)
    assert desk.snapshot() == before
    assert task not in desk.run("triage", "--all", "--dry-run").stdout


def test_customer_messages_never_carry_internal_notes(desk: Desk) -> None:
    first = incident(desk, "Outlook will not open", now=T0)
    desk.run("note", first, "SECRET internal remark")
    later = incident(desk, "Outlook will not open", now=T1)
    desk.run("note", later, "ANOTHER internal remark")
    desk.run("triage", later)
    for mail in mails(desk):
        assert "internal remark" not in mail.as_string()


def test_titles_cannot_inject_mail_headers(desk: Desk) -> None:
    tid = desk.new("-t", "request", "-T", "Install WinRAR Bcc: evil@example.com",
                   "--email", "cy@omes.ok.gov", "--software", "WinRAR")
    desk.run("triage", tid)
    for path in desk.outbox():
        mail = message_from_bytes(path.read_bytes())
        assert mail["Bcc"] is None


def test_ticket_files_written_by_triage_load_back(desk: Desk) -> None:
    tid = incident(desk, "Outlook will not open")
    desk.run("triage", tid)
    store = Store.open(str(desk.root))
    assert load_file(store.path_of(tid)).status == "triaged"


def test_tickets_logged_in_the_same_second_are_never_resolved_as_each_others_duplicates(
        desk: Desk) -> None:
    # The fresh-user repro: one person's three reports logged in the same second (batch intake).
    # IDs are random and opened_at has whole seconds, so sdesk cannot tell which came first:
    # the one whose ID sorts first is kept, and the others are only proposed as its duplicates.
    same = "2026-11-30T03:46:40-06:00"
    ids = [incident(desk, title, email="x@omes.ok.gov", service="Software Install", now=same)
           for title in ("Teams will not start", "Teams won't start", "teams wont start at all")]
    desk.run("triage", "--all", now=same)
    kept = min(ids)
    for tid in ids:
        t = desk.ticket(tid)
        assert t["status"] != "resolved" and not t.get("duplicate_of"), (tid, t["status"])
        if tid != kept:
            assert f"proposed:duplicate:{kept}" in t["flags"], t["flags"]
            assert "same second" in t["journal"][-1]["text"] or any(
                "same second" in e["text"] for e in t["journal"]), t["journal"]
        else:
            assert not any(f.startswith("proposed:duplicate") for f in t["flags"]), t["flags"]
    assert mails(desk) == []  # nobody is told "you reported earlier"
    later = ids[1] if ids[1] != kept else ids[2]
    desk.run("triage", later, "--accept", "duplicate", now=same)
    [mail] = mails(desk)
    assert "reported at the same time" in mail.get_payload() and "earlier" not in mail.get_payload()
