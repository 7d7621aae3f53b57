"""Session 39: case assignment and intake findings from a dispatcher's morning (tester 39b).

Skills (guide, CASE ASSIGNMENT step 2), a pending on-site proposal (step 1), a phone call as the
desk's response, a parent case in the channel counts, and `new` with a service outside the
catalogue. Real CLI, real git store, fixed --now (conftest's Monday 2026-11-23 09:00)."""

from __future__ import annotations

import json

from assign_helpers import journal_of, load, log, triage

NET = "IS-Network Services"


def wifi(desk, title: str = "wifi keeps dropping", *extra: str) -> str:
    return log(desk, title, "--service", "Wi-Fi", *extra, team=NET)


# ---- 1. skills --------------------------------------------------------------------------------


def test_usual_skill_of_the_service_is_preferred_over_the_lightest_load(desk):
    # kfrye (firewall, vpn, dns: no wifi) has the lightest load; the service needs wifi
    load(desk, "nsingh", "12", team=NET)
    load(desk, "bmorales", "12", team=NET)
    ticket = wifi(desk)
    out = desk.run("assign", ticket, "--dry-run").stdout
    assert "[assign-2 usual skills]" in out, out
    assert "Wi-Fi usually needs wifi (service catalogue)" in out
    assert "= 'nsingh'" in out or "= 'bmorales'" in out, out
    assert "= 'kfrye'" not in out


def test_a_team_queue_puts_wifi_on_technicians_with_wifi(desk):
    load(desk, "nsingh", "12", team=NET)
    load(desk, "bmorales", "12", team=NET)
    tickets = [wifi(desk, f"wifi keeps dropping {n}", "--email", f"u{n}@omes.ok.gov")
               for n in range(3)]
    for t in tickets:
        triage(desk, t)
    desk.run("assign", "--team", NET)
    assert {desk.ticket(t)["assignee"] for t in tickets} <= {"nsingh", "bmorales"}


def test_nobody_with_the_usual_skill_free_assigns_without_it_and_warns(desk):
    load(desk, "nsingh", "36", team=NET)  # both with wifi are full
    load(desk, "bmorales", "32", team=NET)
    other = wifi(desk, "wifi down in the annex", "--email", "ann.ex@omes.ok.gov")
    result = desk.run("assign", other)
    assert desk.ticket(other)["assignee"] == "kfrye"
    assert "sdesk: warning: " in result.stderr
    assert "kfrye lacks wifi, which Wi-Fi usually needs" in result.stderr
    assert any("chosen without it" in j for j in journal_of(desk, other, "assign"))


def test_a_required_skill_nobody_has_assigns_nobody_and_names_the_skill(desk):
    ticket = log(desk, "Map layer wrong", "--service", "Wi-Fi", "--skill", "gis", team=NET)
    before = desk.snapshot()
    result = desk.run("assign", ticket, ok=False)
    assert result.exit_code == 4, result.output
    assert f"nobody in {NET} has the required skill gis" in result.stdout
    assert desk.snapshot() == before


def test_to_a_technician_lacking_a_usual_skill_warns_in_one_line(desk):
    ticket = wifi(desk)
    result = desk.run("assign", ticket, "--to", "kfrye")
    assert desk.ticket(ticket)["assignee"] == "kfrye"
    [line] = [x for x in result.stderr.splitlines() if "lacks wifi" in x]
    assert line.startswith("sdesk: warning: ") and "Wi-Fi usually needs" in line
    assert "kfrye lacks wifi" in journal_of(desk, ticket, "assign")[0]


def test_to_a_technician_lacking_a_required_skill_is_refused_unless_forced(desk):
    ticket = wifi(desk, "wifi keeps dropping", "--skill", "wifi")
    before = desk.snapshot()
    result = desk.fails("assign", ticket, "--to", "kfrye", code=1)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "kfrye lacks skill wifi (use --force" in result.stderr
    assert desk.snapshot() == before
    desk.run("assign", ticket, "--to", "kfrye", "--force")
    assert desk.ticket(ticket)["assignee"] == "kfrye"


# ---- 2. a pending on-site proposal ------------------------------------------------------------


def _on_site_proposed(desk, title: str = "Printer on 2nd floor jammed") -> str:
    ticket = log(desk, title, "--email", "gary.lutz@omes.ok.gov")
    triage(desk, ticket)

    if "proposed:on-site:text" not in desk.ticket(ticket)["flags"]:  # triage's reading aside
        desk.collaborate(ticket, lambda t: t.flags.append("proposed:on-site:text"))
    assert desk.ticket(ticket)["remote"] is True
    return ticket


def test_a_queue_holds_a_ticket_whose_on_site_proposal_is_pending(desk):
    ticket = _on_site_proposed(desk)
    before = desk.snapshot()
    result = desk.run("assign", "--team", "IS-Desktop Support", ok=False)
    assert result.exit_code == 4, result.output
    assert "held back: on site proposed, not decided" in result.stdout
    assert f"sdesk triage {ticket} --accept on-site (or --reject on-site: remote)" in result.stdout
    assert desk.snapshot() == before


def test_a_queue_forced_assigns_it_as_remote_work_with_a_warning(desk):
    ticket = _on_site_proposed(desk)
    result = desk.run("assign", "--team", "IS-Desktop Support", "--force")
    assert desk.ticket(ticket)["assignee"]
    assert "on site proposed, not decided: assigned as remote work" in result.stderr


def test_one_ticket_by_name_is_assigned_with_the_decision_named(desk):
    ticket = _on_site_proposed(desk)
    result = desk.run("assign", ticket)
    assert desk.ticket(ticket)["assignee"]
    [line] = [x for x in result.stderr.splitlines() if "on site proposed" in x]
    assert line.startswith("sdesk: warning: ")
    assert f"sdesk triage {ticket} --accept on-site" in line


def test_accepting_the_proposal_then_assigns_on_site(desk):
    ticket = _on_site_proposed(desk)
    desk.run("triage", ticket, "--accept", "on-site")
    assert desk.ticket(ticket)["remote"] is False
    out = desk.run("assign", "--team", "IS-Desktop Support").stdout
    assert "[assign-1 " in out and "held back" not in out


# ---- 5. `new` with a service not in the catalogue ---------------------------------------------


def test_new_with_an_unknown_service_says_the_call_can_be_logged_without_it(desk):
    before = desk.snapshot()
    result = desk.fails("new", "-T", "badge reader wont let me in", "--email",
                        "nora.hill@doc.ok.gov", "--agency", "DOC", "--service", "Badge Access",
                        "-d", "x", code=1)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("sdesk: error: unknown service 'Badge Access'")
    assert "leave out --service: triage hands it back to the Service Desk" in line
    assert desk.snapshot() == before
    ticket = desk.new("-T", "badge reader wont let me in", "--email", "nora.hill@doc.ok.gov",
                      "--agency", "DOC", "-d", "x")
    desk.run("triage", ticket)
    assert "needs-service" in desk.ticket(ticket)["flags"]


# ---- 3. a call is the desk's response ---------------------------------------------------------

MORNING = "2026-12-01T08:08:00-06:00"
LATER = "2026-12-01T11:00:00-06:00"


def _caller(desk, channel: str, n: int) -> str:
    return desk.new("-T", f"wifi keeps dropping {n}", "--email", f"c{n}@odot.org", "--agency",
                    "ODOT", "--service", "Wi-Fi", "--channel", channel, now=MORNING)


def test_a_call_chat_or_walk_up_is_responded_to_at_opening_mail_and_portal_are_not(desk):
    live = [_caller(desk, c, n) for n, c in enumerate(("phone", "chat", "in-person"))]
    later = [_caller(desk, c, n) for n, c in enumerate(("email", "self-service"), 5)]
    for t in live:
        data = desk.ticket(t)
        assert data["first_response_at"] == data["opened_at"] == MORNING, data
    assert all(desk.ticket(t)["first_response_at"] is None for t in later)
    shown = desk.run("show", live[0], now=LATER).stdout
    assert "OVERDUE" not in shown.split("Resolve")[0], shown


def test_kpi_counts_the_calls_response_as_met(desk):
    for n in range(3):
        _caller(desk, "phone", n)
    mailed = _caller(desk, "email", 9)
    kpi = json.loads(desk.run("kpi", "--json", now=LATER).stdout)
    # 3 calls met at opening; the mail is unanswered: missed when its Respond By has passed
    due = desk.ticket(mailed)["respond_by"]
    missed = 1 if due < LATER else 0
    assert kpi["sla_respond_pct"] == round(300 / (3 + missed), 1), kpi
    assert kpi["volume"]["channel"] == {"phone": 3, "email": 1}


# ---- 4. a parent case is not a customer contact -----------------------------------------------


def test_a_parent_case_is_internal_out_of_the_channel_counts_response_and_resolution(desk):
    ids = [_caller(desk, "phone", n) for n in range(3)]
    parent = desk.run("parent", "new", "--from", *ids, now="2026-12-01T08:30:00-06:00"
                      ).stdout.strip().splitlines()[-1]
    data = desk.ticket(parent)
    assert (data["channel"], data["respond_by"], data["first_response_at"]) == (
        "internal", None, None)
    assert "channel internal (made by the desk, not a customer contact)" in \
        data["journal"][0]["text"]
    desk.run("resolve", parent, "--code", "fixed", "--summary", "AP rebooted",
             now="2026-12-01T10:00:00-06:00")
    kpi = json.loads(desk.run("kpi", "--json", now=LATER).stdout)
    assert kpi["volume"]["channel"] == {"phone": 3, "internal": 1}
    assert kpi["sla_respond_pct"] == 100.0  # the parent is not an unanswered contact
    # resolved: the parent and its 3 children; counted: the children, not the parent
    assert (kpi["resolved"], kpi["counted"]) == (4, 3), kpi
