"""The fresh-user pass's rough edges (issue 11, session 28), each through the real CLI on a real
store: only a supervisor decides a priority, `--actor` records a person's name and never a
login, `--no-pager` also after the command, a request's correction names no incident rule, and
Ctrl-C on a terminal ends the "^C" line without a blank one. (Ctrl-C to a pipe:
tests/test_reindex_interrupt.py.)"""

from __future__ import annotations

import pytest
from terminal import on_a_terminal

from tests.conftest import Desk

KENDRA = "Kendra Yellowhorse <kendra.yellowhorse@omes.ok.gov>"  # IS-Desktop Support's supervisor
MARCIA = "Marcia Whitfield <marcia.whitfield@omes.ok.gov>"  # IS-Service Desk's


def _printer(desk: Desk) -> str:
    tid = desk.new("-T", "Printer jams", "--email", "bo@omes.ok.gov", "--agency", "OMES",
                   "--service", "Printing", "--impact", "1", "--urgency", "3", "-d", "x")
    desk.run("triage", tid)
    return tid


def test_only_a_supervisor_decides_the_priority(desk: Desk) -> None:
    tid = _printer(desk)
    before = desk.snapshot()
    result = desk.fails("priority", tid, "2", "--reason", "whole floor", code=1)
    assert result.stderr == (
        "sdesk: error: the priority is a supervisor's decision (guide incident-2) and Dana "
        "Dispatcher <dana@omes.ok.gov> supervises no team in reference/teams.toml; "
        "IS-Desktop Support's supervisor is kendra.yellowhorse@omes.ok.gov: to record their "
        "decision, --actor 'Name <kendra.yellowhorse@omes.ok.gov>'\n")
    desk.fails("priority", tid, "2", "--reason", "whole floor", "--dry-run", code=1)
    assert desk.snapshot() == before
    desk.run("--actor", KENDRA, "priority", tid, "2", "--reason", "whole floor")
    assert desk.ticket(tid)["priority"] == 2
    assert desk.ticket(tid)["journal"][-1]["by"] == "Kendra Yellowhorse"
    assert desk.git("log", "-1", "--format=%an <%ae>").strip() == KENDRA
    # another team's supervisor stands in (one person supervises several teams)
    desk.run("--actor", MARCIA, "priority", tid, "3", "--reason", "one printer of four")
    assert desk.ticket(tid)["priority"] == 3


def test_a_bare_e_mail_actor_is_a_technician_or_refused_never_a_login(desk: Desk) -> None:
    # `--actor troy.baptiste@omes.ok.gov` was recorded as 'troy.baptiste'
    tid = _printer(desk)
    before = desk.snapshot()
    result = desk.fails("--actor", "kendra.yellowhorse@omes.ok.gov", "note", tid, "x", code=1)
    assert result.stderr == (
        "sdesk: error: --actor: 'kendra.yellowhorse@omes.ok.gov' is no technician's e-mail; "
        "give the name too: --actor 'Name <kendra.yellowhorse@omes.ok.gov>'\n")
    assert desk.snapshot() == before
    desk.run("--actor", "jimmy.tran@omes.ok.gov", "note", tid, "checked")  # a technician's
    assert desk.ticket(tid)["journal"][-1]["by"] == "Jimmy Tran"


@pytest.mark.parametrize("args", [["show", "{ID}"], ["log", "{ID}"], ["list"], ["queue"],
                                  ["kpi"], ["software"]])
def test_no_pager_after_the_command_is_the_global_option(desk: Desk, args: list[str]) -> None:
    tid = _printer(desk)
    argv = [a.replace("{ID}", tid) for a in args]
    before = desk.run("--no-pager", *argv).stdout
    assert desk.run(*argv, "--no-pager").stdout == before


def test_a_requests_priority_names_the_standard_not_an_incident_rule(desk: Desk) -> None:
    rid = desk.new("-t", "request", "-T", "Need a second monitor", "--email", "bo@omes.ok.gov",
                   "--agency", "OMES", "--service", "Hardware Request", "-d", "x")
    desk.run("triage", rid)
    out = desk.run("set", rid, "impact=1", "urgency=1").stdout
    assert ("[standard: priority matches SLA chart] priority stays P3 (Medium): impact 1 x "
            "urgency 1") in out
    assert "incident-" not in out
    out = desk.run("--actor", "Gregory Tallchief <gregory.tallchief@omes.ok.gov>", "priority",
                   rid, "1", "--reason", "the director's").stdout
    assert "[standard: the supervisor decides the priority] set priority = 1" in out
    assert "incident-" not in out
    iid = _printer(desk)  # an incident's stay the guide's
    out = desk.run("set", iid, "impact=3").stdout
    assert "[incident-2 priority matches SLA chart]" in out


def test_ctrl_c_at_a_prompt_on_a_terminal_ends_the_line_then_one_line(desk: Desk) -> None:
    tid = desk.new("-T", "PC has no power, wont turn on", "--email", "bo@omes.ok.gov",
                   "--agency", "OMES", "--service", "Desktop Hardware", "-d", "x")
    desk.run("triage", tid)
    seen, code = on_a_terminal(desk, ["triage", tid, "--review"], [b"\x03"])
    assert code == 130, seen
    tail = seen.rsplit(b"accept?", 1)[1]
    # the terminal echoes "^C"; sdesk's line starts on the next one, with no blank line between
    assert tail.endswith(b"^C\r\nsdesk: aborted\r\n"), tail


def test_the_review_prompt_asks_again_after_a_wrong_or_empty_answer_and_ctrl_d_stops(
        desk: Desk) -> None:
    # the prompt is sdesk's own since session 29 (commands/prompt.answer_on_terminal: a
    # Ctrl-C just before the read began hung click.prompt's input()); it still answers as
    # click.prompt did. Ctrl-D before any answer stops with nothing to keep (session 30:
    # it keeps the answers given, tests/test_fresh30b.py)
    tid = desk.new("-T", "PC has no power, wont turn on", "--email", "bo@omes.ok.gov",
                   "--agency", "OMES", "--service", "Desktop Hardware", "-d", "x")
    desk.run("triage", tid)
    seen, code = on_a_terminal(desk, ["triage", tid, "--review"], [b"\x04"])
    assert code == 4, seen
    assert seen.endswith(b"sdesk: nothing changed: review stopped before any answer; 1 "
                         b"proposal still pending\r\n"), seen
    assert desk.ticket(tid)["remote"] is not False
    seen, code = on_a_terminal(desk, ["triage", tid, "--review"], [b"yes\n", b"\n", b"y\n"])
    assert code == 0, seen
    assert seen.count(b"accept? [y/n/s=skip/q=quit, keep answers]: ") == 3, seen
    assert b"yes\r\nError: 'yes' is not one of 'y', 'n', 's', 'q'.\r\naccept?" in seen, seen
    assert desk.ticket(tid)["remote"] is False


@pytest.mark.parametrize(("title", "said"), [
    # proposed on the learned model's 'callback' (+2.79, from one writer's "using my cell for
    # callbacks"): a call back is asked for, not a visit
    ("callback", None),
    ("need a callback about the new timesheet", None),
    # missed: only "someone come by" was read as asking someone to come
    ("come look at my computer", "come look"),
    ("can you stop by, my pc is acting weird", "stop by"),
    # a call back about a device still says what the device needs
    ("call me, the pc will not turn on", "will not turn on"),
])
def test_on_site_is_not_proposed_for_a_call_back_and_is_for_come_look(
        desk: Desk, title: str, said: str | None) -> None:
    tid = desk.new("-T", title, "--email", "bo@omes.ok.gov", "--agency", "OMES", "--service",
                   "Desktop Hardware", "-d", "x")
    out = desk.run("triage", tid, "--dry-run").stdout
    lines = [ln for ln in out.splitlines() if "proposed on-site" in ln or "on site" in ln]
    if said is None:
        assert not any("proposed" in ln and "on-site" in ln for ln in lines), out
    else:
        assert any(f"the text says {said!r}" in ln for ln in lines), out


def test_the_learned_models_long_shots_say_weakly() -> None:
    # a dispatcher asked "on site?" for a quarter of the tickets, mostly wrong, stops reading:
    # under on_site.WEAK the model's proposals were right 30 times in 365 leave one writer out
    # (docs/triage.md, "On site, session 28"); they are still proposed (recall first)
    from pathlib import Path

    from sdesk.core.reference import load_reference
    from sdesk.procedures.on_site import WEAK, on_site, on_site_judged
    from sdesk.procedures.text_model import features, model

    ref = load_reference(Path(__file__).resolve().parents[1] / "sdesk" / "defaults" / "reference")
    said = {}
    for title in ("printer in room 118 offline", "laptop fan very loud",
                  "the badge printer in the lobby is printing faded",
                  "no picture from OSP in hearing rm B",
                  # (session 38: "his dock still not working pls send someone up now" left:
                  # "send someone" is the hand rule's since, someone asked to come)
                  "mouse is sluggish", "usb port loose"):  # long shots after session 33's re-fit
        assert not on_site(title, ""), title  # the model's alone
        score = model("on_site").score(features(title, "", ref))
        evidence = on_site_judged(title, "", ref)
        if evidence:
            weak = evidence.startswith("the learned model says so, weakly (score ")
            assert weak is (score < WEAK), (title, score, evidence)
            said[title] = weak
    assert set(said.values()) == {True, False}, said
