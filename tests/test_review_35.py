"""The dispatcher's review of proposals, a new user's findings (session 35): `--accept all`
with `--reject KIND` is "everything except KIND"; a request is never proposed a kind and a
service that contradict it, and accepting both routes it once; `--review` asks its questions
without holding the store lock. Each drives the real CLI on a real git store and fails
without its fix."""

from __future__ import annotations

from conftest import Desk


def _request(desk: Desk, title: str, who: str = "cy.park", description: str = "x") -> str:
    """A request logged without a service or category, triaged (its proposals made)."""
    tid = desk.new("-t", "request", "-T", title, "--email", f"{who}@omes.ok.gov",
                   "--agency", "OMES", "-d", description)
    desk.run("triage", tid)
    return tid


# ---- 3: --accept all --reject KIND is everything except KIND ----------------------------------


def test_accept_all_except_the_rejected_kind(desk: Desk) -> None:
    tid = _request(desk, "install printer drivers")
    flags = desk.ticket(tid)["flags"]
    assert {"proposed:kind:software", "proposed:service:Software_Install"} <= set(flags), flags
    desk.run("triage", tid, "--accept", "all", "--reject", "service")
    flags = desk.ticket(tid)["flags"]
    assert "accepted:kind:software" in flags, flags
    assert "rejected:service:Software_Install" in flags, flags
    assert not [f for f in flags if f.startswith("proposed:")], flags


def test_reject_all_except_the_accepted_kind_and_all_on_both_sides_refused(desk: Desk) -> None:
    tid = _request(desk, "install printer drivers")
    before = desk.snapshot()
    both = desk.fails("triage", tid, "--accept", "all", "--reject", "all", code=1)
    assert "--accept all and --reject all: choose one" in both.stderr, both.stderr
    named = desk.fails("triage", tid, "--accept", "kind", "--reject", "kind", code=1)
    assert "kind is both accepted and rejected; choose one" in named.stderr, named.stderr
    assert desk.snapshot() == before
    desk.run("triage", tid, "--reject", "all", "--accept", "kind")
    flags = desk.ticket(tid)["flags"]
    assert "accepted:kind:software" in flags and "rejected:service:Software_Install" in flags


# ---- 2: a request's kind and service proposals agree; a plan sets a field once ---------------


def test_a_service_of_the_other_kind_is_not_proposed_beside_a_kind_proposal(desk: Desk) -> None:
    # 'monitor' reads hardware (proposed), 'install' names Software Install: both were proposed
    tid = _request(desk, "install new monitor drivers", description="for my new monitor")
    t = desk.ticket(tid)
    assert "proposed:kind:hardware" in t["flags"], t["flags"]
    assert not [f for f in t["flags"] if f.startswith("proposed:service:")], t["flags"]
    said = [e["text"] for e in t["journal"] if e["text"].startswith("Handed back")]
    assert any("Software Install ('install'), a software service, but the request reads as "
               "hardware (proposed, request-1): the kind wins, the service is not proposed"
               in x for x in said), said
    # a service of the kind proposed still is ("install printer drivers": software, Software
    # Install)
    other = _request(desk, "install printer drivers", who="dee.ray")
    flags = desk.ticket(other)["flags"]
    assert {"proposed:kind:software", "proposed:service:Software_Install"} <= set(flags), flags


def test_accepting_a_kind_and_a_service_of_the_other_kind_routes_once(desk: Desk) -> None:
    # a store from before: both proposals pending on one request
    tid = _request(desk, "install new monitor drivers", description="for my new monitor")
    desk.collaborate(tid, lambda t: t.flags.append("proposed:service:Software_Install"))
    plan = desk.run("triage", tid, "--accept", "all", "--dry-run").stdout
    assert plan.count("set status = 'triaged'") == 1, plan
    assert plan.count("Pre-assignment analysis done") == 1, plan
    assert ("the service is recorded; the request was routed by the kind accepted in this "
            "review (hardware): the kind wins, not routed again") in plan, plan
    fields = [line.split(" = ")[0].split("] ")[-1] for line in plan.splitlines()
              if "] set " in line]
    assert len(fields) == len(set(fields)), plan  # each field set once
    desk.run("triage", tid, "--accept", "all")
    t = desk.ticket(tid)
    assert (t["status"], t["team"], t["category"]) == ("triaged", "IS-Asset Team", "hardware")


def test_one_per_field_merges_a_typed_field_set_twice_to_one_value() -> None:
    from sdesk.procedures.plan import SetStatus, one_per_field, set_field

    twice = [set_field("REQ-1", "request-2", "ready", "status", "triaged"),
             set_field("REQ-1", "request-5", "", "service", "Software Install"),
             set_field("REQ-1", "request-2", "ready again", "status", "triaged")]
    out = one_per_field(twice)
    assert [a.field for a in out] == ["status", "service"], out  # type: ignore[attr-defined]
    assert isinstance(out[0], SetStatus) and out[0].reason == "ready; ready again"
    # a status that moves on and back is a transition each time: kept
    moved = [set_field("INC-1", "a", "", "status", v) for v in ("triaged", "new", "triaged")]
    assert len(one_per_field(moved)) == 3


# ---- 4: a program that will not start is remote -----------------------------------------------


def _incident(desk: Desk, title: str, description: str, service: str = "") -> str:
    tid = desk.new("-T", title, "--email", "bo.lee@omes.ok.gov", "--agency", "OMES",
                   *(("--service", service) if service else ()), "-d", description)
    desk.run("triage", tid)
    return tid


def test_outlook_will_not_start_on_my_pc_is_not_proposed_on_site(desk: Desk) -> None:
    # the rule's "will not start" read a program's fault as a device's: the description's
    # "pc" made the text more than software, so software_only did not stop it
    tid = _incident(desk, "Outlook will not start", "on my pc since this morning", "Email")
    t = desk.ticket(tid)
    assert "proposed:on-site:text" not in t["flags"], t["flags"]
    # the learned model's guess neither ("Excel wont start" on "my laptop" scored 0.47)
    other = _incident(desk, "Excel wont start", "my laptop", "Software Install")
    assert "proposed:on-site:text" not in desk.ticket(other)["flags"]
    # a device that will not start is still on site, and so is a program's text that says so
    pc = _incident(desk, "PC will not start", "since this morning", "Desktop Hardware")
    assert "proposed:on-site:text" in desk.ticket(pc)["flags"]
    desk_words = _incident(desk, "Outlook will not start", "please come look at my desk", "Email")
    assert "proposed:on-site:text" in desk.ticket(desk_words)["flags"]


# ---- 1: --review asks without the store lock --------------------------------------------------


def _priority_proposed(desk: Desk) -> str:
    """An incident triaged with a pending priority proposal (two people report it)."""
    first = desk.new("-T", "Outlook will not start", "--email", "bo.lee@omes.ok.gov",
                     "--agency", "OMES", "--service", "Email", "-d", "x")
    tid = desk.new("-T", "Outlook will not start", "--email", "ana.ruiz@omes.ok.gov",
                   "--agency", "OMES", "--service", "Email", "--impact", "3", "--urgency", "3",
                   "-d", "Since this morning")
    desk.run("triage", first, tid)
    assert "proposed:priority:P2" in desk.ticket(tid)["flags"], desk.ticket(tid)["flags"]
    return tid


def test_another_shell_writes_while_the_review_waits_and_the_answer_applies_after(
        desk: Desk) -> None:
    from conftest import run_sdesk
    from terminal import on_a_terminal

    tid = _priority_proposed(desk)
    other: list[object] = []

    def note() -> None:  # a second dispatcher's shell, while the review waits for y/n
        other.append(run_sdesk("--store", str(desk.root), "--now", desk.now, "note", tid,
                               "Called the user", env={"SDESK_LOCK_TIMEOUT": "5"}))

    seen, code = on_a_terminal(desk, ["triage", tid, "--review"], [b"n\n"], meanwhile=note)
    [done] = other
    assert done.returncode == 0, (done.stdout, done.stderr)  # type: ignore[attr-defined]
    assert code == 0, seen.decode()
    assert (f"sdesk: {tid} changed while you answered (journal); your answers are applied to "
            "it as it is now").encode() in seen, seen.decode()
    t = desk.ticket(tid)
    assert "rejected:priority:P2" in t["flags"], t["flags"]
    texts = [e["text"] for e in t["journal"]]
    assert "Called the user" in texts, texts  # the other shell's note is kept
    assert any(x.startswith("Rejected by Dana Dispatcher: the priority proposal") for x in texts)


def test_a_proposal_decided_in_another_shell_while_the_review_waits_is_not_decided_again(
        desk: Desk) -> None:
    from conftest import run_sdesk
    from terminal import on_a_terminal

    tid = _priority_proposed(desk)

    def decide() -> None:
        done = run_sdesk("--store", str(desk.root), "--now", desk.now, "triage", tid,
                         "--accept", "priority", env={"SDESK_LOCK_TIMEOUT": "5"})
        assert done.returncode == 0, done.stderr

    seen, code = on_a_terminal(desk, ["triage", tid, "--review"], [b"n\n"], meanwhile=decide)
    assert code == 4, seen.decode()  # nothing left to apply
    assert f"sdesk: {tid} changed while you answered (".encode() in seen, seen.decode()
    assert b"priority (P2) no longer pending; your answers for it are not applied" in seen, seen
    flags = desk.ticket(tid)["flags"]
    assert "accepted:priority:P2" in flags and "rejected:priority:P2" not in flags, flags
