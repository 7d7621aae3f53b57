"""Corrections that keep the dispatcher's proposals honest (issue 11, session 37): a corrected
title or description withdraws the pending proposals read from the old text, a split does the
same for the original (and its trend), a stated category or on-site answers the proposal it
settles, a held store lock is one readable line, and `new` and `set` share one validator.
Each drives the real CLI on a real git store in a temporary folder, at fixed times."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
T1 = "2026-11-23T10:00:00-06:00"
T2 = "2026-11-23T10:05:00-06:00"
BO = ("--email", "bo@omes.ok.gov", "--agency", "OMES")


def _flags(desk: Desk, tid: str) -> list[str]:
    flags: list[str] = desk.ticket(tid)["flags"]
    return flags


def _journal(desk: Desk, tid: str) -> list[dict[str, Any]]:
    journal: list[dict[str, Any]] = desk.ticket(tid)["journal"]
    return journal


def _second_printer_report(desk: Desk) -> tuple[str, str]:
    """Bo's two printer reports an hour apart, both triaged: the second carries pending
    proposals read from its text: a duplicate (same person, same subject) and on site (the
    text says 'jams'). (Until session 37's re-fit it also carried a priority P2; the follow-up
    now takes its first report's standing, P3: a priority proposal read from the text is
    withdrawn the same way, README's split example shows one.)"""
    first = desk.new("-T", "Printer jams", *BO, "--service", "Printing", "-d",
                     "The printer on the 2nd floor jams", now=T0)
    desk.run("triage", first, now=T0)
    second = desk.new("-T", "Printer jams on every job", *BO, "--service", "Printing", "-d",
                      "The printer on the 2nd floor jams on every job", now=T1)
    desk.run("triage", second, now=T1)
    assert _flags(desk, second) == [f"proposed:duplicate:{first}", "proposed:on-site:text"]
    return first, second


def test_a_corrected_title_withdraws_the_proposals_read_from_the_old_text(desk: Desk) -> None:
    first, second = _second_printer_report(desk)
    commits = desk.commits()
    out = desk.run("set", second, "title=Monitor flickers", "description=Monitor at desk 4 "
                   "flickers", now=T2).stdout
    assert "set flags = []: the flags after the correction" in out
    assert _flags(desk, second) == []
    entries = [e for e in _journal(desk, second) if e["text"].startswith("Proposal withdrawn")]
    assert [(e["rule"], e["text"].split(": the text")[0]) for e in entries] == [
        ("incident-5 same person, same subject", f"Proposal withdrawn: duplicate ({first})"),
        ("on site or remote (assignment reads it)", "Proposal withdrawn: on-site (text)")]
    assert all("the text was corrected" in e["text"] and e["at"] == T2 for e in entries)
    # triaged, nobody holds it: --recheck reads the new text (session 37)
    assert entries[1]["text"].endswith(
        f"sdesk triage {second} --recheck reads the text as it is now.")
    assert desk.commits() == commits + 1  # one commit: the correction and its withdrawals
    # not a rejection: nothing on the ticket stops triage proposing them again
    assert not [f for f in _flags(desk, second) if f.startswith("rejected:")]


def test_a_corrected_description_keeps_what_was_not_read_from_it(desk: Desk) -> None:
    """The separation is read from the title only, a trend from other people's reports: a
    corrected description leaves both pending."""
    for i, who in enumerate(("ana", "ben", "cy")):
        tid = desk.new("-T", "VPN won't connect", "--email", f"{who}@omes.ok.gov", "--agency",
                       "OMES", "--service", "VPN", "-d", "vpn fails from home",
                       now=f"2026-11-23T11:0{i}:00-06:00")
        desk.run("triage", tid, now=f"2026-11-23T11:0{i}:00-06:00")
    at = "2026-11-23T11:30:00-06:00"
    tid = desk.new("-T", "Printer offline; VPN also not connecting", "--email",
                   "eve@omes.ok.gov", "--agency", "OMES", "--service", "VPN", "-d",
                   "The printer by room 301 says offline, and VPN fails from home", now=at)
    desk.run("triage", tid, now=at)
    # (session 40: the chart model re-fitted on thirty-five files also proposes a priority
    # here, read from the whole text; the two read elsewhere are what this test is about)
    kept = ("separation", "trend")
    before = [f for f in _flags(desk, tid) if f.split(":")[1] in kept]
    assert [f.split(":")[1] for f in before] == list(kept)
    desk.run("set", tid, "description=VPN fails from home since Friday", now=at)
    assert [f for f in _flags(desk, tid) if f.split(":")[1] in kept] == before
    assert not [e for e in _journal(desk, tid) if e["text"].startswith("Proposal withdrawn")
                and e["text"].split(": ")[1].split(" ")[0] in kept]


def test_a_new_tickets_corrected_title_is_read_again_by_recheck(desk: Desk) -> None:
    """Handed back for a service with a separation proposed for its two-problem title: the
    title corrected to one problem withdraws it, and `triage --recheck` routes the ticket on
    the new title (before, the separation read from the old title stayed pending)."""
    tid = desk.new("-T", "Printer offline; VPN also not connecting", *BO, "-d", "x", now=T0)
    desk.run("triage", tid, now=T0)
    assert "proposed:separation:Printing+VPN" in _flags(desk, tid)
    out = desk.run("set", tid, "title=VPN not connecting", "service=VPN", now=T1).stdout
    assert "separation" not in " ".join(_flags(desk, tid))
    withdrawn = [e["text"] for e in _journal(desk, tid) if e["text"].startswith("Proposal withd")]
    assert withdrawn == ["Proposal withdrawn: separation (Printing + VPN): the text was "
                         "corrected, and it was read from the old text. sdesk triage "
                         f"{tid} --recheck reads the text as it is now."]
    assert f"sdesk triage {tid} --recheck" in out
    desk.run("triage", tid, "--recheck", now=T1)
    ticket = desk.ticket(tid)
    assert (ticket["status"], ticket["team"]) == ("triaged", "IS-Network Services")
    assert not [f for f in ticket["flags"] if "separation" in f]


def test_a_split_withdraws_the_originals_trend_and_text_proposals(desk: Desk) -> None:
    for i, who in enumerate(("ana", "ben", "cy")):
        tid = desk.new("-T", "VPN won't connect", "--email", f"{who}@omes.ok.gov", "--agency",
                       "OMES", "--service", "VPN", "-d", "vpn fails from home",
                       now=f"2026-11-23T11:0{i}:00-06:00")
        desk.run("triage", tid, now=f"2026-11-23T11:0{i}:00-06:00")
    at = "2026-11-23T11:30:00-06:00"
    tid = desk.new("-T", "Printer offline; VPN also not connecting", "--email",
                   "eve@omes.ok.gov", "--agency", "OMES", "--service", "VPN", "-d",
                   "The printer by room 301 says offline, and VPN fails from home", now=at)
    desk.run("triage", tid, now=at)
    # (session 40: the re-fitted chart model proposes a priority from the whole text too)
    assert [f.split(":")[1] for f in _flags(desk, tid)] == ["priority", "separation", "trend"]
    commits = desk.commits()
    desk.run("split", tid, "--title", "Printer offline", "--service", "Printing", now=at)
    assert _flags(desk, tid) == ["accepted:separation:Printing+VPN"]  # carried out, not stale
    withdrawn = [e for e in _journal(desk, tid) if e["text"].startswith("Proposal withdrawn")]
    assert [(e["rule"], e["text"].split(":")[1].strip()) for e in withdrawn] == [
        ("incident-2 priority matches SLA chart", "priority (P2)"),
        ("incident-6 many people, same problem", "trend")]
    assert all("the text was split (this ticket keeps only part of it)" in e["text"]
               for e in withdrawn)
    assert desk.commits() == commits + 1


def test_a_split_with_keep_withdraws_once_and_keeps_the_separation_accepted(
        desk: Desk) -> None:
    first, second = _second_printer_report(desk)
    desk.run("split", second, "--title", "Scanner jams too", "--service", "Printing",
             "--keep", "Printer jams on every job", now=T2)
    assert _flags(desk, second) == []
    withdrawn = [e["text"].split(": the text")[0] for e in _journal(desk, second)
                 if e["text"].startswith("Proposal withdrawn")]
    assert withdrawn == [f"Proposal withdrawn: duplicate ({first})",
                         "Proposal withdrawn: on-site (text)"]  # once each, not again by --keep


def _dock_request(desk: Desk) -> str:
    """A request whose kind (hardware) and on site are read from its words only: proposed,
    handed back for a service (status new)."""
    tid = desk.new("-t", "request", "-T", "Please set up a laptop dock", *BO, "-d",
                   "Please set up a laptop dock at my desk", now=T0)
    desk.run("triage", tid, now=T0)
    assert _flags(desk, tid)[:2] == ["proposed:kind:hardware", "proposed:on-site:text"]
    return tid


def test_a_stated_category_settles_the_kind_proposal(desk: Desk) -> None:
    agrees, differs = _dock_request(desk), _dock_request(desk)
    desk.run("set", agrees, "category=hardware", now=T1)
    assert "accepted:kind:hardware" in _flags(desk, agrees)
    said = _journal(desk, agrees)[-1]["text"]
    assert "Category set to 'hardware' by hand, as proposed: the kind (hardware) proposal " \
           "accepted (set by hand)" in said
    desk.run("set", differs, "category=software", now=T1)
    assert not [f for f in _flags(desk, differs) if ":kind:" in f]  # withdrawn: no trace
    assert "not as proposed: the kind (hardware) proposal withdrawn" in \
        _journal(desk, differs)[-1]["text"]


def test_stated_on_site_settles_the_on_site_proposal(desk: Desk) -> None:
    yes, no = _dock_request(desk), _dock_request(desk)
    desk.run("set", yes, "on-site=yes", now=T1)
    assert "accepted:on-site:text" in _flags(desk, yes)
    assert desk.ticket(yes)["remote"] is False
    # remote already: still an answer (it was "nothing to change", the proposal left pending)
    out = desk.run("set", no, "on-site=no", now=T1)
    assert "rejected:on-site:text" in _flags(desk, no)
    assert desk.git("log", "-1", "--format=%s").strip() == f"set {no}: remote true (stated)"
    assert "Remote stated by hand (on-site=no), not as proposed: the on-site (text) proposal " \
           "rejected" in _journal(desk, no)[-1]["text"]
    assert out.exit_code == 0
    desk.run("set", no, "service=Hardware Request", now=T1)
    recheck = desk.run("triage", no, "--recheck", now=T1).stdout
    assert "on-site (" in recheck and "was rejected by the dispatcher; not proposed again" \
        in recheck
    assert "proposed:on-site:text" not in _flags(desk, no)


def test_a_held_lock_is_one_readable_line_naming_the_holder_and_what_to_do(
        desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline")
    lock = desk.root / ".git" / "sdesk" / "lock"
    with open(lock, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        handle.write(json.dumps({"pid": 4242, "command": "triage --all",
                                 "since": "2026-12-03T08:00:12.5+00:00"}))
        handle.flush()
        before = desk.snapshot()
        result = subprocess.run(
            [sys.executable, "-m", "sdesk", "--store", str(desk.root), "set", tid,
             "impact=1"], capture_output=True, text=True,
            env={**os.environ, "SDESK_LOCK_TIMEOUT": "0.3"})
        assert desk.snapshot() == before
    assert result.returncode == 1
    assert result.stderr == (
        "sdesk: error: store is locked by sdesk triage --all (pid 4242, since 2026-12-03 "
        "08:00:12 UTC); gave up after 0.3 s: run this again when it has finished, or wait "
        "longer with SDESK_LOCK_TIMEOUT=SECONDS\n")


def test_a_lock_file_naming_nobody_readable_is_said_plainly(desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline")
    lock = desk.root / ".git" / "sdesk" / "lock"
    with open(lock, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        handle.write("\x1b[31mnot json")
        handle.flush()
        result = subprocess.run(
            [sys.executable, "-m", "sdesk", "--store", str(desk.root), "note", tid, "hi"],
            capture_output=True, text=True, env={**os.environ, "SDESK_LOCK_TIMEOUT": "0"})
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("sdesk: error: store is locked by another sdesk command "
                                     "([31mnot json); gave up after 0 s")
    assert "\x1b" not in result.stderr


def test_new_and_set_refuse_a_bad_phone_category_and_email_with_one_check(desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline", *BO)
    before = desk.snapshot()
    for option, field, value, said in (
            ("--phone", "phone", "n/a", "must hold digits, e.g. 405-555-0100; got 'n/a'"),
            ("--category", "category", "sofware", "'sofware': did you mean 'software'?"),
            ("--email", "email", "bo@", "must look like name@domain.tld")):
        logged = desk.fails("new", "-T", "Mouse broken", option, value, code=1).stderr
        corrected = desk.fails("set", tid, f"{field}={value}", code=1).stderr
        assert said in logged and said in corrected, (logged, corrected)
        assert logged.count("\n") == corrected.count("\n") == 1
    assert desk.snapshot() == before
