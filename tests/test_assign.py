"""CASE ASSIGNMENT, rule by rule, through the real CLI on a temporary git store.

The fixed clock is Monday 2026-11-23 09:00 (Oklahoma). In the sample skills reference, on that
day IS-Desktop Support's remote technicians available are dcooper (32 h), lharjo (36 h),
skimble (32 h) and tokafor (32 h): mhernandez is out of office until Wednesday, cbrandt works
Tuesday to Thursday and rwolfe does not work remotely.
"""

from __future__ import annotations

from assign_helpers import DESKTOP, THANKSGIVING, TUESDAY, journal_of, load, log


def test_lightest_load_relative_to_capacity_wins(desk):
    ticket = log(desk, "Broken thing", "--service", "Operating System", effort="2")
    desk.run("assign", ticket)
    # windows, the usual skill, everyone has; 2/36 h for lharjo is a lower ratio than 2/32 h for the others.
    assert desk.ticket(ticket)["assignee"] == "lharjo"


def test_ties_break_on_ratio_then_free_hours_then_technician_id(desk):
    load(desk, "lharjo", "8")
    first = log(desk, "First", "--service", "Operating System")
    desk.run("assign", first)
    second = log(desk, "Second", "--service", "Operating System",
                 email="someone.else@omes.ok.gov")
    desk.run("assign", second)
    # dcooper, skimble and tokafor tie at 1/32 h: the id decides; then dcooper holds 1 h more.
    assert desk.ticket(first)["assignee"] == "dcooper"
    assert desk.ticket(second)["assignee"] == "skimble"


def test_assign_sets_assignee_status_journal_and_notifies_the_technician(desk):
    ticket = log(desk, "Broken thing", "--service", "Operating System")
    before = desk.commits()
    desk.run("assign", ticket)
    data = desk.ticket(ticket)
    assert data["status"] == "assigned"
    assert data["assigned_at"] == "2026-11-23T09:00:00-06:00"
    assert data["reassignments"] == 0
    [why] = journal_of(desk, ticket, "assign")
    assert "assign-3 lightest load" in why and "lharjo" in why
    assert desk.commits() == before + 1
    mails = [p.read_text() for p in desk.outbox()]
    assert any("To: lena.harjo@omes.ok.gov" in m and ticket in m for m in mails)


def test_related_open_ticket_holder_is_preferred_over_lighter_load(desk):
    earlier = log(desk, "Dock broken", email="ana.ruiz@omes.ok.gov", effort="6")
    desk.run("assign", earlier, "--to", "tokafor")
    later = log(desk, "Dock still broken", email="ana.ruiz@omes.ok.gov")
    desk.run("assign", later)
    assert desk.ticket(later)["assignee"] == "tokafor"
    [why] = journal_of(desk, later, "assign")
    assert "assign-3 related tickets" in why and earlier in why


def test_requested_technician_with_skills_and_room_is_chosen(desk):
    ticket = log(desk, "Scanner", "--skill", "scanners", "--requested-tech", "skimble")
    desk.run("assign", ticket)
    assert desk.ticket(ticket)["assignee"] == "skimble"
    assert "assign-2 requested technician" in journal_of(desk, ticket, "assign")[0]


def test_requested_technician_out_of_office_goes_to_best_capable(desk):
    ticket = log(desk, "Printer", "--skill", "printers", "--requested-tech", "mhernandez")
    desk.run("assign", ticket)
    data = desk.ticket(ticket)
    # printers + remote: mhernandez (out), skimble, tokafor: tie at 1/32 h -> skimble.
    assert data["assignee"] == "skimble"
    [why] = journal_of(desk, ticket, "assign")
    assert "requested technician mhernandez cannot take it: out of office" in why


def test_required_skills_limit_the_candidates(desk):
    ticket = log(desk, "Image a laptop", "--skill", "imaging")
    desk.run("assign", ticket)
    # imaging: mhernandez (out of office) and lharjo.
    assert desk.ticket(ticket)["assignee"] == "lharjo"


def test_nobody_with_the_skill_leaves_the_ticket_in_the_queue_exit_2(desk):
    ticket = log(desk, "Mainframe", "--skill", "racf")
    before = desk.snapshot()
    result = desk.fails("assign", ticket, code=4)
    assert "nothing assigned" in result.stderr
    assert "nobody in IS-Desktop Support has the required skill racf" in result.stdout
    assert desk.snapshot() == before


def test_everybody_over_capacity_assigns_nobody(desk):
    ticket = log(desk, "Huge job", effort="37")
    before = desk.snapshot()
    result = desk.fails("assign", ticket, code=4)
    assert "over capacity" in result.stdout
    assert desk.snapshot() == before
    assert desk.ticket(ticket)["status"] == "new"


def test_nobody_is_assigned_on_a_holiday(desk):
    ticket = log(desk)
    result = desk.run("assign", ticket, ok=False, now=THANKSGIVING)
    assert result.exit_code == 4
    assert "holiday (Thanksgiving Day)" in result.stdout


def test_on_site_work_goes_to_a_technician_at_the_location(desk):
    ticket = log(desk, "Cabling", "--on-site", agency="DHS-TUL")
    desk.run("assign", ticket)
    assert desk.ticket(ticket)["assignee"] == "skimble"
    assert "assign-1 on site" in journal_of(desk, ticket, "assign")[0]


def test_on_site_work_with_nobody_at_the_site_goes_to_a_regional_technician(desk):
    ticket = log(desk, "Cabling", "--on-site", "--location", "Broken Arrow", agency="DHS-TUL")
    desk.run("assign", ticket)
    assert desk.ticket(ticket)["assignee"] == "skimble"
    [why] = journal_of(desk, ticket, "assign")
    assert "assign-1 regional" in why and "Northeast" in why


def test_on_site_work_with_nobody_in_the_region_goes_to_the_dispatch_team(desk):
    # ODOT-D5 is in Clinton (Northwest); cbrandt does not work Mondays.
    ticket = log(desk, "Dead PC", "--on-site", agency="ODOT-D5")
    desk.run("assign", ticket)
    data = desk.ticket(ticket)
    assert data["team"] == "IS-Field Dispatch" and data["assignee"] == ""
    assert "assign-1 dispatch" in journal_of(desk, ticket, "assign")[0]
    assert any("To: IS-FieldDispatch@omes.ok.gov" in p.read_text() for p in desk.outbox())


def test_on_site_technician_is_used_on_their_working_day(desk):
    ticket = log(desk, "Dead PC", "--on-site", agency="ODOT-D5")
    desk.run("assign", ticket, now=TUESDAY)
    assert desk.ticket(ticket)["assignee"] == "cbrandt"


def test_remote_only_technicians_are_not_sent_on_site(desk):
    ticket = log(desk, "Dead PC", "--on-site", agency="OMES")
    desk.run("assign", ticket)
    # Oklahoma City on site: mhernandez is out, dcooper goes; lharjo works remotely only.
    assert desk.ticket(ticket)["assignee"] == "dcooper"


def test_reassignment_counts_and_keeps_the_first_assignment_time(desk):
    ticket = log(desk)
    desk.run("assign", ticket, "--to", "dcooper")
    desk.run("assign", ticket, "--to", "skimble", now=TUESDAY)
    data = desk.ticket(ticket)
    assert data["assignee"] == "skimble"
    assert data["reassignments"] == 1
    assert data["assigned_at"] == "2026-11-23T09:00:00-06:00"


def test_dry_run_and_json_change_nothing(desk):
    ticket = log(desk, "Broken thing", "--service", "Operating System")
    before = desk.snapshot()
    out = desk.json("assign", ticket, "--dry-run")
    assert out["dry_run"] is True
    assert any(a.get("field") == "assignee" and a["value"] == "lharjo" for a in out["actions"])
    assert desk.snapshot() == before


def test_done_ticket_cannot_be_assigned(desk):
    ticket = log(desk)
    path = next(desk.root.glob(f"tickets/**/{ticket}.toml"))
    path.write_text(path.read_text().replace('status = "new"', 'status = "closed"', 1))
    desk.git("commit", "-q", "-am", "close", "--no-verify")  # past the hook
    before = desk.snapshot()
    result = desk.fails("assign", ticket, code=1)
    # closed is final (session 40): never "reopen it", which reopen refuses
    assert "closed tickets stay closed; log a new ticket and relate it" in result.stderr
    assert desk.snapshot() == before


def test_ticket_and_team_together_is_a_usage_error(desk):
    ticket = log(desk)
    result = desk.fails("assign", ticket, "--team", DESKTOP)
    assert "exactly one" in result.output
