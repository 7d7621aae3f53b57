"""Rules apply, judgements are proposed: every failing example of issue 11 as a test with the
right result, on a real store through the CLI."""

from __future__ import annotations

from email import message_from_bytes
from typing import Any

from conftest import Desk
from test_licence_seats_granted import one_visio_licence

T0 = "2026-11-23T08:00:00-06:00"


def at(minute: int) -> str:
    return f"2026-11-23T08:{minute:02d}:00-06:00"


def incident(desk: Desk, title: str, *extra: str, email: str = "ana.ruiz@omes.ok.gov",
             service: str = "VPN", now: str = T0) -> str:
    return desk.new("-T", title, "--email", email, "--agency", "OMES", "--service", service,
                    "-d", "details", *extra, now=now)


def request(desk: Desk, title: str, *extra: str, now: str = T0) -> str:
    return desk.new("-t", "request", "-T", title, "--email", "cy@omes.ok.gov", "--agency",
                    "OMES", "-d", "details", *extra, now=now)


def mails(desk: Desk) -> list[Any]:
    return [message_from_bytes(p.read_bytes()) for p in desk.outbox()]


def test_laptop_cant_connect_to_vpn_is_one_problem_and_recheck_never_loops(desk: Desk) -> None:
    tid = incident(desk, "Laptop can't connect to VPN")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert t["status"] == "triaged" and not any("separation" in f for f in t["flags"])
    assert not mails(desk)
    two = incident(desk, "Printer offline; VPN also not connecting", email="bo@omes.ok.gov")
    desk.run("triage", two, "--accept", "all", ok=False)  # nothing pending yet: a finding
    desk.run("triage", two)
    desk.run("triage", two, "--accept", "separation")
    assert len(mails(desk)) == 1  # the leads, once
    # not split yet: --recheck keeps it handed back, no second hand-back or mail (issue 11,
    # session 34: it cleared needs-separation and routed the two-problem ticket on)
    assert "sdesk split" in desk.fails("triage", two, "--recheck", code=4).stdout
    assert len(mails(desk)) == 1
    desk.run("split", two, "--title", "VPN not connecting", "--service", "VPN", "--keep",
             "Printer offline")  # the Service Desk split it: triaged again, no second hand-back
    t = desk.ticket(two)
    assert t["status"] == "triaged" and "needs-separation" not in t["flags"]
    desk.fails("triage", two, "--recheck", code=4)  # triaged already: nothing to do
    assert len(mails(desk)) == 1


def test_finance_and_hr_folders_from_one_person_are_two_requests(desk: Desk) -> None:
    a = desk.new("-t", "request", "-T", "Shared drive access for Finance folder", "--email",
                 "fay@omes.ok.gov", "--service", "File Share Access", now=at(0))
    b = desk.new("-t", "request", "-T", "Shared drive access for HR folder", "--email",
                 "fay@omes.ok.gov", "--service", "File Share Access", now=at(5))
    desk.run("triage", "--all")
    assert desk.ticket(b)["status"] == "triaged" and desk.ticket(b)["duplicate_of"] == ""
    assert desk.ticket(a)["status"] == "triaged"
    assert not mails(desk)  # no customer told of a "duplicate"


def test_excel_and_word_crashes_are_not_duplicates(desk: Desk) -> None:
    incident(desk, "Excel crashes on open", service="Software Install", now=at(0))
    b = incident(desk, "Word crashes on open", service="Software Install", now=at(5))
    desk.run("triage", b)
    t = desk.ticket(b)
    assert t["status"] == "triaged" and t["related"] == [] and not mails(desk)


def test_five_people_rewording_one_vpn_outage_is_a_trend_and_the_supervisor_is_told(
        desk: Desk) -> None:
    """Proposed by default (automatic trends are off since session 28); accepted, the
    supervisor is told; with automatic_trends on, told without asking."""
    titles = ["VPN won't connect", "Can't connect to VPN", "VPN down", "vpn not working",
              "cant connect to the vpn"]
    ids = [incident(desk, title, email=f"u{i}@omes.ok.gov", now=at(i * 10),
                    service="VPN" if i % 2 else "Network Connectivity")
           for i, title in enumerate(titles)]
    desk.run("triage", "--all", "--dry-run")
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text().replace("automatic_trends = false",
                                                 "automatic_trends = true"))
    desk.git("commit", "-qam", "automatic trends")  # decided from once committed (session 38)
    desk.run("triage", "--all")
    told = [m for m in mails(desk) if "Possible trend" in m["Subject"]]
    assert len(told) == 1 and "5 people" in told[0].get_payload()
    assert "trend-reported" in desk.ticket(ids[0])["flags"]


def test_by_default_a_trend_is_proposed_and_told_when_accepted(desk: Desk) -> None:
    ids = [incident(desk, "VPN down", email=f"u{i}@omes.ok.gov", now=at(i * 10), service="VPN")
           for i in range(3)]
    desk.run("triage", "--all")
    assert not [m for m in mails(desk) if "Possible trend" in m["Subject"]]
    t = desk.ticket(ids[2])
    assert any(f.startswith("proposed:trend:") for f in t["flags"])
    assert "automatic_trends is off" in desk.run("show", ids[2]).stdout
    desk.run("triage", ids[2], "--accept", "trend")
    told = [m for m in mails(desk) if "Possible trend" in m["Subject"]]
    assert len(told) == 1 and "trend-reported" in desk.ticket(ids[2])["flags"]
    # accepted later on another report of the same trend: flagged, not mailed again
    later = next(i for i in ids[:2] if any(f.startswith("proposed:trend:")
                                           for f in desk.ticket(i)["flags"]))
    desk.run("triage", later, "--accept", "trend")
    assert len([m for m in mails(desk) if "Possible trend" in m["Subject"]]) == 1
    assert "trend-reported" in desk.ticket(later)["flags"]
    assert "told of this trend already" in desk.run("show", later).stdout


def test_a_mid_score_duplicate_is_related_at_once_and_resolved_only_when_accepted(
        desk: Desk) -> None:
    first = incident(desk, "Outlook will not open", service="Email", now=at(0))
    later = incident(desk, "outlook not opening after the profile was rebuilt on my new laptop",
                     service="Email", now=at(10))
    desk.run("triage", later)
    t = desk.ticket(later)
    assert t["status"] == "triaged" and t["related"] == [first]
    assert f"proposed:duplicate:{first}" in t["flags"] and not mails(desk)
    assert "same-subject score" in desk.run("show", later).stdout
    desk.run("triage", later, "--accept", "duplicate")
    t = desk.ticket(later)
    assert (t["status"], t["duplicate_of"]) == ("resolved", first)
    [mail] = mails(desk)
    assert mail["X-Sdesk-Audience"] == "customer"
    # the evidence is in the journal once, in the proposal's note, not again on resolving
    notes = [e["text"] for e in t["journal"]]
    assert sum(n.count("same-subject score") for n in notes) == 1, notes
    assert any(n.startswith(f"Same person, same subject as {first}") and "accepted by" in n
               and "Resolved as its duplicate" in n for n in notes)


def test_a_rejected_proposal_is_remembered_and_not_proposed_again(desk: Desk) -> None:
    first = incident(desk, "Outlook will not open", service="Email", now=at(0))
    later = incident(desk, "outlook not opening after the profile was rebuilt on my new laptop",
                     service="Email", now=at(10))
    desk.run("triage", later)
    desk.run("triage", later, "--reject", "duplicate")
    t = desk.ticket(later)
    assert f"rejected:duplicate:{first}" in t["flags"]
    assert not any(f.startswith("proposed:") for f in t["flags"])
    assert "Rejected by Dana Dispatcher" in t["journal"][-2]["text"]
    # the relation triage made for it goes with it (session 37)
    assert t["related"] == [] and "Relation to" in t["journal"][-1]["text"]
    # that the same evidence is not proposed again is a table test of the procedure
    # (tests/procedures/test_rules_triage.py)


def test_need_a_second_monitor_with_the_monitor_service_goes_to_the_asset_team(
        desk: Desk) -> None:
    tid = request(desk, "Need a second monitor", "--service", "Monitor")
    desk.run("triage", tid)
    assert desk.ticket(tid)["team"] == "IS-Asset Team"


def test_install_visio_without_software_named_is_not_handed_back_for_a_form(desk: Desk) -> None:
    tid = request(desk, "Install Visio", "--service", "Software Install")
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert t["software"] == "Microsoft Visio" and "software-form" not in t["flags"]
    assert t["status"] == "triaged" and "licence-seat" in t["flags"]
    assert t["team"] == "IS-Desktop Support"


def test_one_visio_licence_is_held_by_the_first_request_only(desk: Desk) -> None:
    one_visio_licence(desk)
    ids = [request(desk, f"Need Visio #{i}", "--software", "Visio", "--service",
                   "Software Install", now=at(i)) for i in range(3)]
    desk.run("triage", ids[0])
    desk.run("triage", ids[1])  # in turn: the first holds the seat
    assert desk.ticket(ids[0])["status"] == "triaged"
    assert desk.ticket(ids[1])["team"] == "IT Inventory Control Manager"
    assert [(r["used"], r["free"]) for r in desk.json("software")
            if r["name"] == "Microsoft Visio"] == [(1, 0)]
    desk.run("triage", ids[2])
    assert desk.ticket(ids[2])["team"] == "IT Inventory Control Manager"


def test_whole_agency_cannot_send_email_gets_a_priority_proposal(desk: Desk) -> None:
    tid = incident(desk, "Whole agency cannot send email", "--impact", "3", "--urgency", "3",
                   service="Email")
    assert desk.ticket(tid)["priority"] == 4
    desk.run("triage", tid)
    t = desk.ticket(tid)
    assert "proposed:priority:P1" in t["flags"] and t["priority"] == 4
    desk.run("triage", tid, "--accept", "priority")
    t = desk.ticket(tid)
    assert "priority-review" in t["flags"] and t["priority"] == 4  # the supervisor decides
    assert [m["To"] for m in mails(desk)] == ["alicia.nguyen@omes.ok.gov"]


def test_a_follow_up_of_an_outage_is_proposed_the_outage_priority(desk: Desk) -> None:
    """incident-2: "still down, any eta" says nothing of scope itself; as a follow-up of the
    same person's report of a whole office down it keeps that report's P1. A follow-up that
    adds a problem of its own ("unrelated but ...") does not."""
    first = incident(desk, "whole office has no internet since 7:40", service="Network Connectivity",
                     now=at(0))
    again = incident(desk, "STILL DOWN. any eta at all", service="Network Connectivity", now=at(20))
    other = incident(desk, "unrelated but my internet mouse quit too", service="Network Connectivity",
                     now=at(25))
    desk.run("triage", "--all")
    assert "proposed:priority:P1" in desk.ticket(first)["flags"]
    t = desk.ticket(again)
    assert "proposed:priority:P1" in t["flags"] and t["priority"] == 3
    note = next(e["text"] for e in t["journal"] if "Proposed (priority)" in e["text"])
    assert f"a follow-up of {first}, whose text says 'whole office'" in note
    assert not any("priority" in f for f in desk.ticket(other)["flags"])


def test_a_follow_up_reads_its_first_report_whole_description_included(desk: Desk) -> None:
    """Fresh-user finding (session 24): the first report said its scope in the description
    ("whole team ... is stuck") and its follow-up was not proposed the outage's priority,
    because triage read the first report from the index, which holds titles only."""
    first = desk.new("-T", "Can't connect to VPN", "--email", "bob.lee@omes.ok.gov", "--agency",
                     "OMES", "--service", "VPN", "-d",
                     "vpn wont connect, whole team working from home is stuck", now=at(0))
    desk.run("triage", first, now=at(1))
    again = desk.new("-T", "still down any eta??", "--email", "bob.lee@omes.ok.gov", "--agency",
                     "OMES", "--service", "VPN", "-d", "STILL DOWN. any eta", now=at(20))
    desk.run("triage", again, now=at(21))
    t = desk.ticket(again)
    assert "proposed:priority:P2" in t["flags"], t["flags"]
    note = next(e["text"] for e in t["journal"] if "Proposed (priority)" in e["text"])
    assert f"a follow-up of {first}, whose text says 'whole team'" in note


def test_a_follow_up_of_one_users_problem_is_not_proposed_critical(desk: Desk) -> None:
    """Fresh-user finding (session 25): "still down any eta??" after one user's scanner fault
    was proposed P1 by the learned reading of the chart ('down', 'nothing', 'eta' weighed
    most). A follow-up keeps its first report's priority or none; its own follow-up words are
    not the chart's."""
    first = desk.new("-T", "scanner not scanning", "--email", "oz.t@omes.ok.gov", "--agency",
                     "OMES", "--service", "Desktop Hardware", now=at(0))
    again = desk.new("-T", "still down any eta??", "--email", "oz.t@omes.ok.gov", "--agency",
                     "OMES", "--service", "Desktop Hardware", "-d", "still nothing", now=at(20))
    desk.run("triage", "--all", now=at(21))
    assert not any("priority" in f for f in desk.ticket(again)["flags"])
    assert not any("priority" in f for f in desk.ticket(first)["flags"])


def test_the_first_reports_of_a_problem_three_people_report_are_proposed_p2(desk: Desk) -> None:
    """incident-2: "timesheet page errors on submit" says nothing of scope; three people reporting it
    within the hour are the chart's "many users" (P2), proposed on the first two reports (the
    third is the trend's, incident-6). One person's report alone is left at P3."""
    alone = incident(desk, "VPN wont connect from home", email="al@omes.ok.gov", now=at(0))
    ids = [incident(desk, title, email=f"u{n}@omes.ok.gov", service="PeopleSoft",
                    now=at(10 + n))
           for n, title in enumerate(("timesheet page errors on submit",
                                      "timesheet page errors on submit for me too",
                                      "timesheet submit errors out, cant send it"))]
    desk.run("triage", "--all")
    flags = [desk.ticket(tid)["flags"] for tid in ids]
    assert ["proposed:priority:P2" in f for f in flags] == [True, True, False], flags
    note = next(e["text"] for e in desk.ticket(ids[0])["journal"]
                if "Proposed (priority)" in e["text"])
    assert f"3 people report it ({ids[1]}, {ids[2]} and this one): Many users" in note
    assert not any("priority" in f for f in desk.ticket(alone)["flags"])


def rules_alone(desk: Desk) -> None:
    """Switch the store to the rules' priority reading alone (`chart_priority = false`)."""
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text().replace("chart_priority = true", "chart_priority = false"))
    desk.git("commit", "-qam", "rules alone")


def test_the_learned_reading_of_the_chart_proposes_what_no_rule_reads(desk: Desk) -> None:
    """incident-2: "all consoles frozen" names no site, group or deadline the rules
    read; the learned "many users, a site or work stopped" model proposes P2, with its words.
    One user's device is left at P3; the same words logged P1 are proposed P2 as not critical
    (session 31), not by the "many users" model. (The title is
    one the models, re-fitted on seventeen files in session 28, read above their threshold:
    'consoles', 'records', 'frozen'; "all consoles frozen, dispatch on paper now", the title
    until then, is read critical since fresh16's dispatchers are tuning data.)"""
    rules_alone(desk)  # the rules' path (chart_priority = false); the chart model's: below
    tid = incident(desk, "all consoles frozen in records, on paper now", now=at(0))
    mine = incident(desk, "my mouse scroll wheel sticks", email="bo@omes.ok.gov", now=at(1))
    desk.run("triage", "--all")  # before a second person reports it ("2 people report it")
    high = incident(desk, "all consoles frozen in records, on paper now", "--impact", "1",
                    "--urgency", "1", email="cy@omes.ok.gov", now=at(2))
    desk.run("triage", "--all")
    assert "proposed:priority:P2" in desk.ticket(tid)["flags"]
    note = next(e["text"] for e in desk.ticket(tid)["journal"] if "Proposed (priority)" in e["text"])
    assert "the learned reading of the chart says many users, a site or work stopped (score " in note
    assert "weighed most: '" in note and "Many users or a VIP degraded" in note
    assert not any("priority" in f for f in desk.ticket(mine)["flags"])
    # session 31: logged P1, the critical model does not read it as critical: P2, one step
    # down (not_critical_fit), not the "many users" model's P2
    assert "proposed:priority:P2" in desk.ticket(high)["flags"]
    said = next(e["text"] for e in desk.ticket(high)["journal"] if "Proposed (priority)" in e["text"])
    assert "says not critical (score" in said and "many users, a site" not in said


def test_on_site_is_proposed_from_the_text(desk: Desk) -> None:
    tid = incident(desk, "PC has no power, wont turn on", service="Desktop Hardware")
    desk.run("triage", tid)
    assert "proposed:on-site:text" in desk.ticket(tid)["flags"]
    desk.run("triage", tid, "--accept", "on-site")
    assert desk.ticket(tid)["remote"] is False


def test_accept_and_reject_take_ids_and_known_kinds(desk: Desk) -> None:
    tid = incident(desk, "VPN down")
    before = desk.snapshot()
    for argv in (["--all", "--accept", "trend"], [tid, "--accept", "bogus"],
                 [tid, "--accept", "trend", "--reject", "trend"], [tid, "--review"]):
        result = desk.fails("triage", *argv)
        assert result.stderr.startswith("sdesk: error: ")
    assert desk.snapshot() == before


def test_queue_and_list_show_flags_and_proposals_and_list_filters_by_flag(desk: Desk) -> None:
    tid = incident(desk, "Whole agency cannot send email", "--impact", "3", "--urgency", "3",
                   service="Email")
    other = incident(desk, "Outlook slow", service="Email", email="bo@omes.ok.gov")
    desk.run("triage", "--all")
    assert "?priority" in desk.run("queue").stdout
    assert [r["id"] for r in desk.json("list", "--flag", "proposed")] == [tid]
    assert [r["id"] for r in desk.json("list", "--flag", "proposed:priority")] == [tid]
    assert desk.json("list", "--flag", "priority-review") == []
    desk.run("triage", tid, "--accept", "priority")
    assert [r["id"] for r in desk.json("list", "--flag", "priority-review")] == [tid]
    assert "priority-review" in desk.run("list").stdout
    assert other not in [r["id"] for r in desk.json("list", "--flag", "priority-review")]


def test_assign_team_holds_back_a_ticket_awaiting_the_priority_decision(desk: Desk) -> None:
    tid = incident(desk, "Outlook slow", "--priority", "1", service="Email")
    desk.run("triage", tid)
    assert "priority-review" in desk.ticket(tid)["flags"]
    result = desk.run("assign", "--team", "IS-Email & Collaboration", ok=False)
    assert "awaits the supervisor's decision" in result.stdout
    assert desk.ticket(tid)["assignee"] == ""
    desk.run("assign", "--team", "IS-Email & Collaboration", "--force")
    assert desk.ticket(tid)["assignee"] != ""


def test_software_lists_seats_used_and_free(desk: Desk) -> None:
    request(desk, "Install Visio", "--service", "Software Install")
    request(desk, "Visio for me")  # handed back for its service: no seat granted yet
    desk.run("triage", "--all")
    rows = {r["name"]: r for r in desk.json("software")}
    assert (rows["Microsoft Visio"]["used"], rows["Microsoft Visio"]["free"]) == (1, 9)
    assert rows["Google Chrome"]["free"] == "unlimited"
    assert "Microsoft Visio" in desk.run("software").stdout


def test_review_on_a_terminal_asks_y_n_for_each_proposal(desk: Desk) -> None:
    from terminal import on_a_terminal

    tid = incident(desk, "PC has no power, wont turn on", service="Desktop Hardware")
    desk.run("triage", tid)
    seen, code = on_a_terminal(desk, ["triage", tid, "--review"], [b"y\n"])
    assert b"proposed on-site" in seen and code == 0, seen
    assert desk.ticket(tid)["remote"] is False


def test_in_one_batch_the_second_visio_request_sees_the_seat_the_first_took(desk: Desk) -> None:
    one_visio_licence(desk)
    ids = [request(desk, f"Need Visio #{i}", "--software", "Visio", "--service",
                   "Software Install", now=at(i)) for i in range(3)]
    desk.run("triage", "--all")
    teams = [desk.ticket(i)["team"] for i in ids]
    assert teams.count("IT Inventory Control Manager") == 2


def test_a_request_that_needs_someone_there_is_proposed_on_site(desk: Desk) -> None:
    # fresh-user finding (session 25): on site was proposed for incidents only
    drop = request(desk, "need a network drop run to my new cubicle", "--service", "Cabling")
    move = request(desk, "move my PC to my new office on 2nd floor")
    remote = request(desk, "need access to the HR share", "--service", "File Share Access")
    # software to put on a PC is installed remotely (a software request; session 26, fresh11)
    install = request(desk, "need the Polaris staff client put on the new circ desk pc")
    desk.run("triage", "--all")
    for tid in (drop, move):
        assert "proposed:on-site:text" in desk.ticket(tid)["flags"], desk.ticket(tid)["flags"]
    for tid in (remote, install):
        assert not any("on-site" in f for f in desk.ticket(tid)["flags"]), desk.ticket(tid)
    desk.run("triage", drop, "--accept", "on-site")
    assert desk.ticket(drop)["remote"] is False


def test_follow_ups_about_different_problems_never_tell_the_supervisor_of_a_trend(desk: Desk
                                                                                 ) -> None:
    """incident-6 (fresh-user finding, session 26): three people's "still down any eta??"
    about VPN, Email and SharePoint share only a follow-up's words: no trend is applied
    without asking (no trend-reported flag, no mail to the supervisor)."""
    ids = [incident(desk, "still down any eta??", email=f"{who}@omes.ok.gov", service=service,
                    now=at(i))
           for i, (who, service) in enumerate((("ana", "VPN"), ("bo", "Email"),
                                               ("cy", "SharePoint")))]
    desk.run("triage", "--all")
    assert not any("trend-reported" in desk.ticket(t)["flags"] for t in ids)
    assert not [m for m in mails(desk) if "Possible trend" in str(m["Subject"])]
    # nor is a follow-up a new report of many users: no "3 people report it" P2
    assert not any("proposed:priority" in f for t in ids for f in desk.ticket(t)["flags"])


def test_a_device_to_be_swapped_is_not_a_cosmetic_fault(desk: Desk) -> None:
    """incident-2 (fresh-user finding, session 26): "needs to be swapped" is a dead device's
    remedy, not the cosmetic "keys are swapped": no P4 proposed."""
    tid = incident(desk, "monitor dead", "-d", "monitor is dead, no picture, needs to be swapped",
                   service="Monitor")
    keys = incident(desk, "keys are swapped on my keyboard", email="bo@omes.ok.gov",
                    service="Monitor")
    desk.run("triage", "--all")
    assert not any("priority" in f for f in desk.ticket(tid)["flags"])
    assert "proposed:priority:P4" in desk.ticket(keys)["flags"]


def test_a_time_waited_is_not_proposed_and_a_deadline_by_3pm_is(desk: Desk) -> None:
    """Fresh-user finding (session 26): "cant log into kronos, 20 min waiting on hold with
    vendor" was proposed P2 by the learned reading ('waiting' +2.09) though the rules read "20
    min waiting" as a time waited, not people kept waiting: the model may not contradict the
    rules' exclusion. "printer keeps jamming, board packet due by 3pm" is time pressure (step
    7: "due by 3pm"): P2, with the words; its service logged (without one the ticket is handed
    back before step 7)."""
    waited = incident(desk, "cant log into kronos, 20 min waiting on hold with vendor",
                      service="Password Reset", now=at(0))
    due = incident(desk, "printer keeps jamming, board packet due by 3pm",
                   email="bo@omes.ok.gov", service="Printing", now=at(1))
    desk.run("triage", "--all")
    assert not any("priority" in f for f in desk.ticket(waited)["flags"])
    assert "proposed:priority:P2" in desk.ticket(due)["flags"]
    note = next(e["text"] for e in desk.ticket(due)["journal"] if "Proposed (priority)" in e["text"])
    assert "'due by 3pm'" in note


def test_one_users_lockout_logged_p1_is_proposed_p3(desk: Desk) -> None:
    """Session 27: one user's account locked, logged P1, is the chart's P3 ("one user
    impaired"): proposed down, with the words; the same words logged P3 propose nothing, and a
    lockout with a deadline keeps the deadline's P2."""
    high = incident(desk, "ACCOUNT LOCKED CANT LOGIN TO PC!!!", "--impact", "1", "--urgency",
                    "1", service="Account Lockout", now=at(0))
    low = incident(desk, "account locked, typed it wrong 3 times", email="bo@omes.ok.gov",
                   service="Account Lockout", now=at(1))
    due = incident(desk, "account locked and the grant is due by 3pm", "--impact", "1",
                   "--urgency", "1", email="cy@omes.ok.gov", service="Account Lockout",
                   now=at(2))
    desk.run("triage", "--all")
    assert "proposed:priority:P3" in desk.ticket(high)["flags"], desk.ticket(high)["flags"]
    note = next(e["text"] for e in desk.ticket(high)["journal"]
                if "Proposed (priority)" in e["text"])
    assert "'ACCOUNT LOCKED', one user's account: One user or a small group impaired" in note
    assert not any("priority" in f for f in desk.ticket(low)["flags"])
    assert "proposed:priority:P2" in desk.ticket(due)["flags"], desk.ticket(due)["flags"]


def test_a_device_many_people_report_is_not_many_users(desk: Desk) -> None:
    """Session 27: three people reporting the 2nd floor printer's fault are one device's fault
    (the writers label such tickets P3), not the chart's "many users degraded": the trend's P2
    is not proposed where the text names a device, as for the learned reading."""
    ids = [incident(desk, title, email=f"p{n}@omes.ok.gov", service="Printing", now=at(10 + n))
           for n, title in enumerate(("2nd floor printer grinding, wont feed paper",
                                      "2nd floor printer grinding again wont feed",
                                      "printer on 2 grinding and not feeding paper"))]
    desk.run("triage", "--all")
    for tid in ids:
        assert not any("proposed:priority" in f for f in desk.ticket(tid)["flags"]), tid


def test_for_everyone_of_a_printer_is_not_the_public(desk: Desk) -> None:
    """Fresh-user finding (session 28): "for everyone" in the DESCRIPTION of a printer ticket
    was read as a public-facing system failing (P1): everyone who uses a device named is the
    office, not the public. A portal failing "for everyone" is still public-facing."""
    printer = incident(desk, "printer on 3 not printing", "-d",
                       "the printer jams and prints nothing for everyone", service="Printing",
                       now=at(0))
    portal = incident(desk, "renewal portal not loading", "-d",
                      "the portal shows an error for everyone", email="bo@omes.ok.gov",
                      service="Line-of-Business Application", now=at(1))
    desk.run("triage", "--all")
    assert not any("proposed:priority:P1" in f for f in desk.ticket(printer)["flags"]), \
        desk.ticket(printer)["flags"]
    assert "proposed:priority:P1" in desk.ticket(portal)["flags"], desk.ticket(portal)["flags"]


def test_phones_dead_is_read_as_phones_out(desk: Desk) -> None:
    """Fresh-user finding (session 28): "phones dead" was proposed P2 while "phones out" was P1:
    shared phones dead are out, both the chart's P1 (a service of nobody in particular down);
    one person's phone dead is not."""
    dead = incident(desk, "phones dead", service="Phone", now=at(0))
    out = incident(desk, "phones out", email="bo@omes.ok.gov", service="Phone", now=at(1))
    mine = incident(desk, "my desk phone is dead", email="cy@omes.ok.gov", service="Phone",
                    now=at(2))
    desk.run("triage", "--all")
    for tid in (dead, out):
        assert "proposed:priority:P1" in desk.ticket(tid)["flags"], desk.ticket(tid)["flags"]
    assert not any("proposed:priority:P1" in f for f in desk.ticket(mine)["flags"])


def test_a_time_waited_many_people_report_is_no_trend_p2(desk: Desk) -> None:
    """Fresh-user finding (session 28): three people's "20 min waiting" tickets made a trend
    whose first reports were proposed P2 ("3 people report it"): a time waited is no people
    kept waiting for the trend either, as for the rules and the learned reading (session 26)."""
    ids = [incident(desk, "vpn wont connect, 20 min waiting", email=f"w{n}@omes.ok.gov",
                    now=at(n)) for n in range(3)]
    desk.run("triage", "--all")
    for tid in ids:
        assert not any("proposed:priority" in f for f in desk.ticket(tid)["flags"]), \
            desk.ticket(tid)["flags"]


def test_two_people_reporting_a_failure_of_nobody_in_particular_are_many_users(
        desk: Desk) -> None:
    """Session 28: where a report says nothing of the writer's own ("my", "I"), two people
    reporting it are the chart's "many users" (P2 proposed, with who reports it); chosen on the
    fifteen older tuning files and checked on the two newest writers (docs/triage.md, "Priority
    against the work (session 28)"). The title decides, as measured: a description in the first
    person ("I tried twice") is how a mail is written. A title in the first person still needs
    three people."""
    first = incident(desk, "vpn wont connect", email="ana@omes.ok.gov", now=at(0))
    second = incident(desk, "vpn not connecting", "-d", "I tried twice from home, I get error 809",
                      email="bo@omes.ok.gov", now=at(1))  # a first-person mail body
    mine = [incident(desk, "my outlook wont open", email=f"o{n}@omes.ok.gov", service="Email",
                     now=at(5 + n)) for n in range(2)]
    desk.run("triage", "--all")
    for tid in (first, second):
        assert "proposed:priority:P2" in desk.ticket(tid)["flags"], desk.ticket(tid)["flags"]
    note = next(e["text"] for e in desk.ticket(first)["journal"]
                if "Proposed (priority)" in e["text"])
    assert "2 people report it" in note
    for tid in mine:
        assert not any("proposed:priority" in f for f in desk.ticket(tid)["flags"]), tid


def test_the_critical_model_raises_the_trends_p2(desk: Desk) -> None:
    """Session 28: the trend's P2 says how many people report it, not how badly; where the
    learned critical model reads the text as critical, two people's "all dispatch consoles
    frozen" is proposed P1 with both readings (a follow-up's inherited P2 is still kept; until
    session 33's re-fit the title was "dispatch center consoles all frozen, on paper now")."""
    ids = [incident(desk, "all dispatch consoles frozen, radio only",
                    email=f"d{n}@omes.ok.gov", service="Line-of-Business Application",
                    now=at(n)) for n in range(2)]
    desk.run("triage", "--all")
    assert "proposed:priority:P1" in desk.ticket(ids[0])["flags"], desk.ticket(ids[0])["flags"]
    note = next(e["text"] for e in desk.ticket(ids[0])["journal"]
                if "Proposed (priority)" in e["text"])
    assert "2 people report it" in note and "the learned reading of the chart says critical" in note


def _trend_flags(desk: Desk, ids: list[str]) -> list[bool]:
    return [any(f.startswith("proposed:trend:") for f in desk.ticket(i)["flags"]) for i in ids]


def test_one_outage_in_words_sharing_nothing_is_one_trend_within_the_hour(desk: Desk) -> None:
    """Session 28: two people's failing reports of one hour are compared even when they share
    no service, word or place ("cant reach anything from home" names neither VPN nor a word of
    the others), and join the group when they link with at least half of it."""
    ids = [incident(desk, "VPN down", email="u1@omes.ok.gov", now=at(0)),
           incident(desk, "anyconnect just spins, never connects", email="u2@omes.ok.gov",
                    now=at(10)),
           incident(desk, "cant reach anything from home, keeps timing out", email="u3@omes.ok.gov",
                    service="Network Connectivity", now=at(20))]
    desk.run("triage", "--all")
    assert _trend_flags(desk, ids) == [True, True, True]


def test_reports_sharing_nothing_are_not_linked_more_than_an_hour_apart(desk: Desk) -> None:
    ids = [incident(desk, "VPN down", email="u1@omes.ok.gov", now=at(0)),
           incident(desk, "anyconnect just spins, never connects", email="u2@omes.ok.gov",
                    now=at(10)),
           incident(desk, "cant reach anything from home, keeps timing out", email="u3@omes.ok.gov",
                    service="Network Connectivity", now="2026-11-23T09:20:00-06:00")]
    desk.run("triage", "--all", now="2026-11-23T09:20:00-06:00")  # not before an opening
    assert _trend_flags(desk, ids) == [False, False, False]


def test_a_weak_link_to_a_group_does_not_chain_another_problem_into_it(desk: Desk) -> None:
    """Fresh-user finding, session 28: trends grouped unrelated faults. A link under trend_join
    ("vpn password prompt keeps coming back" scores 0.07-0.09 with each of the others since
    session 33's re-fit; "vpn keeps asking for password" did until then) joins a group only
    when the report links at trend_join with at least half of it; until session 28 it joined
    at trend_similarity (0.05), and three problems made one trend."""
    ids = [incident(desk, "vpn slow from home", email="u1@omes.ok.gov", now=at(0)),
           incident(desk, "new vpn token please", email="u2@omes.ok.gov", now=at(10)),
           incident(desk, "vpn password prompt keeps coming back", email="u3@omes.ok.gov",
                    now=at(20))]
    assert "people report similar" not in desk.run("triage", "--all", "--dry-run").stdout
    config = desk.root / "sdesk.toml"  # the knob: every link at trend_similarity joins at once
    config.write_text(config.read_text().replace("trend_join = 0.1", "trend_join = 0.05"))
    desk.git("commit", "-qam", "trend_join 0.05")  # decided from once committed (session 38)
    assert "3 people report similar" in desk.run("triage", "--all", "--dry-run").stdout
    desk.git("revert", "--no-edit", "HEAD")
    desk.run("triage", "--all")
    assert _trend_flags(desk, ids) == [False, False, False]


FLOOR3 = [("wifi down 3rd flr", "mike.tran@tax.ok.gov", "OTC", "Wi-Fi", 52),
          ("no internet", "jlee@tax.ok.gov", "OTC", "Network Connectivity", 55),
          ("Wireless not working on 3", "p.garza@tax.ok.gov", "OTC", "Wi-Fi", 58),
          ("cant conect to network", "r.big@tax.ok.gov", "OTC", "Network Connectivity", 63),
          ("CIO laptop wont boot", "cio@omes.ok.gov", "OMES", "Laptop", 70),
          ("printer jammed and also my excel crashes", "tgreen@odot.org", "ODOT", "Printing", 85),
          ("still down", "mike.tran@tax.ok.gov", "OTC", "Wi-Fi", 91)]


def test_a_vague_follow_up_does_not_bridge_other_agencies_devices_into_an_outage(
        desk: Desk) -> None:
    """Fresh-user finding, session 28 (trend28b): five OTC third-floor Wi-Fi reports made a
    trend of seven people with "CIO laptop wont boot" (OMES) and "printer jammed and also my
    excel crashes" (ODOT): "still down" shares no word with anything, so it was linked (unshared,
    at trend_unshared) with the laptop and the printer, each a group of one that it "links with
    half of", and with the Wi-Fi reports. A group joins another only when the link holds both
    ways: each side links with at least half of the other's people. The evidence names why each
    ticket is linked."""
    ids = []
    for title, email, agency, service, minute in FLOOR3:
        now = f"2026-12-01T{7 + minute // 60:02d}:{minute % 60:02d}:00-06:00"
        ids.append(desk.new("-T", title, "--email", email, "--agency", agency, "--service",
                            service, "-d", "details", now=now))
    out = desk.run("triage", "--all", "--dry-run", now="2026-12-01T09:40:00-06:00").stdout
    trend = [line for line in out.splitlines() if "people report similar" in line
             and "set flags" in line]
    assert trend, out
    laptop, printer = ids[4], ids[5]
    assert all(laptop not in line and printer not in line for line in trend), trend
    assert f"{ids[6]} (unshared: both say something fails, score 0." in trend[0], trend
    assert f"{ids[3]} (shares Network Connectivity, score 0." in trend[0], trend


FLOOR3_OMES = [("wifi down 3rd floor", "amy.r@omes.ok.gov", "Wi-Fi", 0),
               ("no wireless on 3rd floor", "bo.k@omes.ok.gov", "Wi-Fi", 5),
               ("wifi keeps dropping", "cy.l@omes.ok.gov", "Wi-Fi", 10),
               ("CIO laptop wont boot", "cio@omes.ok.gov", "Laptop", 15),
               ("still down", "di.m@omes.ok.gov", "", 20),
               ("laptop has no wifi", "ed.n@omes.ok.gov", "Laptop", 30),
               ("internet down on floor 3", "fa.o@omes.ok.gov", "", 40)]


def test_a_device_is_not_pulled_into_another_services_outage(desk: Desk) -> None:
    """Fresh-user finding, session 29 (trend29): seven OMES reports in 40 minutes, three logged
    Wi-Fi, two Laptop, two with no service. "still down" (no service) linked unshared with "CIO
    laptop wont boot" (Laptop), and "laptop has no wifi" (Laptop) then joined through the word
    "laptop": a trend of seven people with two laptops in it. Other people's links never put a
    device (a hardware service) in one group with a report logged against another service; an
    empty service is no other service, so "still down" and "internet down on floor 3" stay in
    the Wi-Fi trend."""
    ids = []
    for title, email, service, minute in FLOOR3_OMES:
        args = ["-T", title, "--email", email, "--agency", "OMES", "-d", "x"]
        ids.append(desk.new(*args, *(["--service", service] if service else []),
                            now=f"2026-12-01T09:{minute:02d}:00-06:00"))
    out = desk.run("triage", "--all", "--dry-run", now="2026-12-01T09:45:00-06:00").stdout
    trend = [line for line in out.splitlines() if "people report similar" in line
             and "set flags" in line]
    assert trend, out
    assert all(ids[3] not in line and ids[5] not in line for line in trend), trend
    assert "5 people report similar" in trend[0], trend
    assert all(ids[k] in trend[0] for k in (0, 1, 2, 4, 6)), trend


def test_a_printer_is_not_pulled_into_an_email_outage(desk: Desk) -> None:
    """Fresh-user finding, session 29 (trend29): "printer not printing emails" (Printing)
    joined an Email outage through the words it shares ("shares Email, email, score 0.92"): a
    keyed link, strong enough alone, between a device and another logged service."""
    ids = []
    for i, (title, service) in enumerate([("email down", "Email"),
                                          ("emails not sending", "Email"),
                                          ("no email since 9", "Email"),
                                          ("printer not printing emails", "Printing"),
                                          ("email down for everyone", "Email")]):
        ids.append(desk.new("-T", title, "--email", f"u{i}@omes.ok.gov", "--agency", "OMES",
                            "--service", service, "-d", "x",
                            now=f"2026-12-01T09:{i * 5:02d}:00-06:00"))
    out = desk.run("triage", "--all", "--dry-run", now="2026-12-01T09:45:00-06:00").stdout
    trend = [line for line in out.splitlines() if "people report similar" in line
             and "set flags" in line]
    assert trend, out
    assert all(ids[3] not in line for line in trend), trend
    assert "4 people report similar" in trend[0], trend


def test_create_parents_settles_a_trend_proposed_before(desk: Desk) -> None:
    """A trend proposed by one batch, carried out by a later --create-parents: no report keeps
    the pending proposal (fresh-user finding, session 29)."""
    ids = [incident(desk, "VPN down", email=f"u{i}@omes.ok.gov", now=at(i * 10)) for i in range(3)]
    desk.run("triage", "--all")
    assert _trend_flags(desk, ids) == [True, True, True]
    late = incident(desk, "VPN down", email="u7@omes.ok.gov", now=at(40))
    desk.run("triage", late, "--create-parents")
    parents = {desk.ticket(i)["parent"] for i in [*ids, late]}
    assert len(parents) == 1 and "" not in parents
    assert _trend_flags(desk, [*ids, late]) == [False] * 4


def test_priorities_accepted_in_one_run_mail_each_supervisor_once(desk: Desk) -> None:
    """Fresh-user finding (session 30, F6): accepting the priority proposals of four reports
    in one review mailed the same supervisor four "Priority review" mails. One mail per
    supervisor per run now names every ticket, with the commands to change or keep each."""
    ids = [incident(desk, title, "--impact", "3", "--urgency", "3", service="Email",
                    email=f"u{i}@omes.ok.gov")
           for i, title in enumerate(["Whole agency cannot send email",
                                      "Entire agency cannot send email",
                                      "Whole agency cannot send email today"])]
    desk.run("triage", *ids)
    assert all("proposed:priority:P1" in desk.ticket(t)["flags"] for t in ids)
    before = len(mails(desk))
    desk.run("triage", *ids, "--accept", "priority")
    assert all("priority-review" in desk.ticket(t)["flags"] for t in ids)
    told = [m for m in mails(desk)[before:] if "Priority review" in str(m["Subject"])]
    assert [m["To"] for m in told] == ["alicia.nguyen@omes.ok.gov"], [m["To"] for m in told]
    body = told[0].get_payload(decode=True).decode()
    assert "on 3 tickets flagged in one review" in body, body
    for tid in ids:
        assert f"sdesk priority {tid} 1 --reason '...'" in body, body
        assert f"sdesk priority {tid} 4 --reason '...'" in body, body


def test_a_logged_p1_the_text_does_not_read_as_critical_is_proposed_p2(desk: Desk) -> None:
    """Session 31: a ticket logged P1 (impact 1, urgency 1) whose text is one user's or a
    group's problem, read as critical by neither the rules nor the critical model, is proposed
    the chart's P2, one step down (the four newest writers label such tickets P2: 39 of their
    misses). A whole site down logged P1 and a follow-up logged P1 are not proposed."""
    def p1(title: str, email: str, minute: int) -> str:
        return incident(desk, title, "--impact", "1", "--urgency", "1", email=email,
                        now=at(minute))

    calls = p1("TEAMS CALLS KEEP DROPPING", "ann@omes.ok.gov", 0)
    site = p1("whole building has no internet, nobody can work", "bo@omes.ok.gov", 1)
    again = p1("still down, any eta??", "cy@omes.ok.gov", 2)
    desk.run("triage", "--all")
    assert "proposed:priority:P2" in desk.ticket(calls)["flags"], desk.ticket(calls)["flags"]
    note = next(e["text"] for e in desk.ticket(calls)["journal"]
                if "Proposed (priority)" in e["text"])
    assert "says not critical (score" in note and "Many users or a VIP degraded" in note
    assert not any("proposed:priority" in f for f in desk.ticket(site)["flags"])
    assert not any("proposed:priority" in f for f in desk.ticket(again)["flags"])


def test_the_chart_model_reads_the_priority_unless_switched_off(desk: Desk) -> None:
    """Session 35: the chart model (priority_chart.py) is the default (`chart_priority = true`
    in sdesk.toml): it weighs the rules' reading with the words and who else reports it, and
    three people's "scanner not working" (a device: no trend P2 by the rules) is proposed a
    priority. `chart_priority = false` gives the rules alone, where it is proposed nothing. A
    value other than true or false is refused in one line."""
    ids = [incident(desk, "scanner not working", email=f"s{n}@omes.ok.gov",
                    service="Scanner", now=at(n)) for n in range(3)]
    config = desk.root / "sdesk.toml"
    text = config.read_text()
    assert "chart_priority = true" in text
    out = desk.run("triage", "--all", "--dry-run", now=at(5)).stdout
    assert "the learned reading of the chart, the text with what triage knows of it" in out
    assert "people report it)" in out
    config.write_text(text.replace("chart_priority = true", "chart_priority = false"))
    desk.git("commit", "-qam", "rules alone")  # decided from once committed (session 38)
    out = desk.run("triage", "--all", "--dry-run", now=at(5)).stdout
    assert "the learned reading of the chart, the text with what triage knows" not in out
    config.write_text(text.replace("chart_priority = true", "chart_priority = 1"))
    bad = desk.run("triage", "--all", now=at(5), ok=False)
    assert bad.exit_code != 0 and bad.stderr.strip().splitlines()[-1].endswith(
        "triage.chart_priority must be true or false; got 1")
    config.write_text(text)
    assert all(desk.ticket(i)["status"] == "new" for i in ids)  # nothing triaged by the bad run
