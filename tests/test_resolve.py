"""sdesk resolve / reopen / close: the resolution rules of the standard and the guide, driven
through the real CLI on a temporary git store."""

from __future__ import annotations

from conftest import Desk

LATER = "2026-11-23T15:00:00-06:00"  # six business hours after NOW: past the first-contact window


def incident(desk: Desk, title: str = "Printer prints blank pages", *extra: str,
             now: str | None = None) -> str:
    return desk.new("-T", title, "--email", "ana.ruiz@omes.ok.gov", "--name", "Ana Ruiz",
                    "--agency", "OMES", *extra, now=now)


def test_resolve_records_code_summary_and_tells_the_customer(desk: Desk) -> None:
    tid = incident(desk)
    desk.run("note", tid, "Suspect the fuser; internal only")
    before = desk.commits()
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Replaced the toner cartridge")
    t = desk.ticket(tid)
    assert t["status"] == "resolved"
    assert t["resolved_at"] == "2026-11-23T09:00:00-06:00"
    assert t["resolution"]["code"] == "fixed"
    assert t["resolution"]["summary"] == "Replaced the toner cartridge"
    assert t["resolution"]["by"] == "Dana Dispatcher"
    assert t["journal"][-1]["kind"] == "resolve" and t["journal"][-1]["visibility"] == "public"
    assert desk.commits() == before + 1
    mails = [p.read_text() for p in desk.outbox()]
    assert len(mails) == 1
    assert "Replaced the toner cartridge" in mails[0]
    assert "fuser" not in mails[0]  # internal notes never reach the customer


def test_unknown_resolution_code_is_refused_and_nothing_changes(desk: Desk) -> None:
    tid = incident(desk)
    before = desk.snapshot()
    result = desk.fails("resolve", tid, "--code", "magic", "--summary", "x")
    assert "unknown resolution code 'magic'" in result.stderr
    assert "fixed" in result.stderr
    assert desk.snapshot() == before


def test_empty_summary_is_refused(desk: Desk) -> None:
    tid = incident(desk)
    before = desk.snapshot()
    assert "--summary must not be empty" in desk.fails(
        "resolve", tid, "--code", "fixed", "--summary", "  ").stderr
    assert desk.snapshot() == before


def test_resolving_twice_is_refused(desk: Desk) -> None:
    tid = incident(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Done")
    assert "resolved already" in desk.fails("resolve", tid, "--code", "fixed",
                                            "--summary", "Again").stderr


def test_quick_resolution_by_the_person_who_logged_it_is_first_contact(desk: Desk) -> None:
    tid = incident(desk)
    desk.run("resolve", tid, "--code", "training", "--summary", "Showed how to print duplex",
             )
    assert desk.ticket(tid)["resolution"]["first_contact"] is True


def test_resolution_after_the_first_contact_window_is_not_first_contact(desk: Desk) -> None:
    tid = incident(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fixed", now=LATER)
    assert desk.ticket(tid)["resolution"]["first_contact"] is False


def test_first_contact_window_is_configurable(desk: Desk) -> None:
    with open(desk.root / "sdesk.toml", "a") as handle:
        handle.write("\n[resolve]\nfirst_contact_minutes = 480\n")
    desk.git("commit", "-qam", "wider window")
    tid = incident(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fixed", now=LATER)
    assert desk.ticket(tid)["resolution"]["first_contact"] is True


def test_resolution_by_someone_else_than_the_logger_is_not_first_contact(desk: Desk) -> None:
    tid = incident(desk)
    desk.run("--actor", "Tom Tech <tom@omes.ok.gov>", "resolve", tid, "--code", "fixed",
             "--summary", "Fixed")
    assert desk.ticket(tid)["resolution"]["first_contact"] is False


def test_first_contact_can_be_overridden_either_way(desk: Desk) -> None:
    quick, slow = incident(desk), incident(desk, "Monitor flickers")
    desk.run("resolve", quick, "--code", "fixed", "--summary", "x", "--no-first-contact")
    desk.run("resolve", slow, "--code", "fixed", "--summary", "x", "--first-contact", now=LATER)
    assert desk.ticket(quick)["resolution"]["first_contact"] is False
    assert desk.ticket(slow)["resolution"]["first_contact"] is True


def test_duplicate_points_at_the_original_and_never_counts_as_first_contact(desk: Desk) -> None:
    original, dup = incident(desk), incident(desk, "Printer blank pages again")
    desk.run("resolve", dup, "--duplicate-of", original, "--summary", "Same printer",
             "--first-contact")
    t = desk.ticket(dup)
    assert t["duplicate_of"] == original
    assert t["resolution"]["code"] == "duplicate"
    assert t["resolution"]["first_contact"] is False
    assert original in desk.outbox()[-1].read_text()
    assert desk.ticket(original)["links"]["duplicates"] == [dup]


def test_duplicate_of_itself_is_refused(desk: Desk) -> None:
    tid = incident(desk)
    before = desk.snapshot()
    assert "duplicate of itself" in desk.fails("resolve", tid, "--duplicate-of", tid,
                                               "--summary", "x").stderr
    assert desk.snapshot() == before


def test_duplicate_code_without_original_is_refused(desk: Desk) -> None:
    tid = incident(desk)
    assert "--duplicate-of" in desk.fails("resolve", tid, "--code", "duplicate",
                                          "--summary", "x").stderr


def test_ticket_with_open_tasks_cannot_be_resolved(desk: Desk) -> None:
    tid = incident(desk)
    t1 = desk.run("task", "new", "--parent", tid, "-T", "Order toner").stdout.strip()
    t2 = desk.run("task", "new", "--parent", tid, "-T", "Install toner").stdout.strip()
    before = desk.snapshot()
    result = desk.fails("resolve", tid, "--code", "fixed", "--summary", "x")
    assert f"has open tasks: {', '.join(sorted([t1, t2]))}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert desk.snapshot() == before
    desk.run("resolve", t1, "--code", "fixed", "--summary", "Ordered")
    desk.run("resolve", t2, "--code", "fixed", "--summary", "Installed")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Toner replaced")
    assert desk.ticket(tid)["status"] == "resolved"


def test_resolving_a_parent_resolves_its_children_and_tells_each_customer(desk: Desk) -> None:
    parent = desk.new("-t", "case", "-T", "Email outage", "--agency", "OMES")
    kids = [desk.new("-T", "No email", "--email", f"user{i}@omes.ok.gov", "--parent", parent)
            for i in range(3)]
    done = desk.new("-T", "No email either", "--email", "user9@omes.ok.gov", "--parent", parent)
    desk.run("resolve", done, "--code", "withdrawn", "--summary", "Never mind")
    outbox_before = set(desk.outbox())
    before = desk.commits()
    desk.run("resolve", parent, "--code", "fixed", "--summary", "Mail server restarted")
    assert desk.commits() == before + 1  # parent and children: one commit
    for kid in kids:
        t = desk.ticket(kid)
        assert t["status"] == "resolved"
        assert t["resolution"]["code"] == "fixed"
        # the customer reads plain words, not the parent's ID (session 38); the ticket keeps
        # its link to the parent
        assert t["journal"][-1]["text"] == ("This was part of a wider problem we fixed: Mail "
                                            "server restarted")
        assert t["parent"] == parent
    assert desk.ticket(done)["resolution"]["code"] == "withdrawn"  # already done: untouched
    mails = [p.read_text() for p in desk.outbox() if p not in outbox_before]
    assert sorted(m.split("To: ")[1].split("\n")[0] for m in mails) == [
        f"user{i}@omes.ok.gov" for i in range(3)]
    message = desk.git("log", "-1", "--format=%B")
    assert all(f"Sdesk-Ticket: {k}" in message for k in [parent, *kids])


def test_an_internal_parent_case_is_never_a_first_contact_resolution(desk: Desk) -> None:
    # fresh-user finding, session 28: the parent of an outage was its only FCR
    kids = [desk.new("-T", "VPN drops", "--email", f"u{i}@omes.ok.gov", "--agency", "OMES",
                     "--service", "VPN") for i in range(3)]
    parent = desk.run("parent", "new", "--from", *kids).stdout.strip().splitlines()[-1]
    desk.run("resolve", parent, "--code", "fixed", "--summary", "Concentrator restarted")
    assert desk.ticket(parent)["resolution"]["first_contact"] is False
    assert "a parent case is no customer contact" in desk.git("log", "-1", "--format=%B")
    assert desk.json("kpi")["fcr_pct"] == 0.0  # three children resolved with it, none FCR
    lone = desk.new("-T", "VPN drops again", "--email", "u9@omes.ok.gov", "--service", "VPN")
    later = desk.run("parent", "new", "--from", lone).stdout.strip().splitlines()[-1]
    desk.run("resolve", lone, "--code", "fixed", "--summary", "Reconnected")
    desk.run("resolve", later, "--code", "fixed", "--summary", "Done")  # no open child left
    assert desk.ticket(later)["resolution"]["first_contact"] is False


def test_resolving_an_on_hold_ticket_ends_the_hold(desk: Desk) -> None:
    import tomllib

    from sdesk.core.ids import relative_path

    tid = incident(desk)
    path = desk.root / relative_path(tid)
    text = path.read_text() + ('\n[[holds]]\nstart = 2026-11-23T09:00:00-06:00\n'
                               'reason = "awaiting-customer"\n')
    path.write_text(text)
    desk.git("commit", "-qam", "on hold by hand", "--no-verify")  # past the hook
    desk.run("resolve", tid, "--code", "no-response", "--summary", "No answer", now=LATER)
    holds = tomllib.loads(path.read_text())["holds"]
    assert holds[0]["end"].isoformat() == LATER


def test_dry_run_shows_the_plan_and_changes_nothing(desk: Desk) -> None:
    tid = incident(desk)
    before = desk.snapshot()
    out = desk.run("resolve", tid, "--code", "fixed", "--summary", "x", "--dry-run").stdout
    assert "set status = 'resolved'" in out
    assert desk.snapshot() == before


def test_reopen_counts_and_clears_the_resolution(desk: Desk) -> None:
    tid = incident(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "x")
    desk.run("reopen", tid, "--reason", "Still blank pages")
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"], t["resolution"], t["resolved_at"]) == (
        "triaged", 1, None, None)
    assert t["journal"][-1]["kind"] == "reopen"
    desk.run("resolve", tid, "--code", "fixed", "--summary", "y")
    desk.run("reopen", tid, "--reason", "again")
    assert desk.ticket(tid)["reopens"] == 2


def test_reopen_of_an_open_ticket_is_nothing_to_do_and_of_a_closed_one_refused(
        desk: Desk) -> None:
    tid = incident(desk)
    assert "open already" in desk.fails("reopen", tid, "--reason", "x", code=4).stderr
    desk.run("resolve", tid, "--code", "fixed", "--summary", "x")
    desk.run("close", tid)
    before = desk.snapshot()
    assert "closed tickets stay closed" in desk.fails("reopen", tid, "--reason", "x",
                                                      code=1).stderr
    assert desk.snapshot() == before


def test_close_only_after_resolution(desk: Desk) -> None:
    tid = incident(desk)
    before = desk.snapshot()
    assert "only resolved tickets can be closed" in desk.fails("close", tid).stderr
    assert desk.snapshot() == before
    desk.run("resolve", tid, "--code", "fixed", "--summary", "x")
    desk.run("close", tid, now=LATER)
    t = desk.ticket(tid)
    assert (t["status"], t["closed_at"]) == ("closed", LATER)


def test_close_sweep_closes_tickets_resolved_before_the_date_in_one_commit(desk: Desk) -> None:
    # opened before their resolutions: a --now before the opening is refused
    old1, old2, recent, still_open = (incident(desk, f"Ticket {i}",
                                               now="2026-11-02T09:00:00-06:00") for i in range(4))
    desk.run("resolve", old1, "--code", "fixed", "--summary", "x", now="2026-11-02T10:00:00-06:00")
    desk.run("resolve", old2, "--code", "fixed", "--summary", "x", now="2026-11-09T10:00:00-06:00")
    desk.run("resolve", recent, "--code", "fixed", "--summary", "x")
    before = desk.commits()
    desk.run("close", "--resolved-before", "Nov 16 2026")
    assert desk.commits() == before + 1
    assert [desk.ticket(t)["status"] for t in (old1, old2, recent, still_open)] == [
        "closed", "closed", "resolved", "new"]
    assert desk.fails("close", "--resolved-before", "2026-11-16").exit_code == 4


def test_close_needs_an_id_or_a_date(desk: Desk) -> None:
    assert "either a ticket ID or --resolved-before" in desk.fails("close").stderr
