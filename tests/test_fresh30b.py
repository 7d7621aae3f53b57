"""Fresh-user findings of session 30, the second dispatcher's first day
(/work/tools/s30/fresh30b-findings.md): each test drives the real CLI on a real git store and
fails without its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Desk
from terminal import on_a_terminal

# ---- 2: q or Ctrl-D stops a --review and keeps the answers given -----------------------------


def _three_to_review(desk: Desk) -> list[str]:
    """Three triaged tickets, one proposal pending on each, none the same proposal."""
    ids = [desk.new("-T", "PC has no power, wont turn on", "--email", "a@omes.ok.gov",
                    "--agency", "OMES", "--service", "Desktop Hardware", "-d", "x"),
           desk.new("-T", "printer jammed + cant log into peoplesoft", "--email",
                    "b@omes.ok.gov", "--agency", "OMES", "-d", "x"),
           desk.new("-T", "monitor is dead, no picture", "--email", "c@omes.ok.gov",
                    "--agency", "OMES", "--service", "Desktop Hardware", "-d",
                    "please come look")]
    desk.run("triage", *ids)
    return ids


@pytest.mark.parametrize("stop", [b"\x04", b"q\n"])
def test_q_or_ctrl_d_in_a_review_applies_the_answers_given(desk: Desk, stop: bytes) -> None:
    a, b, c = _three_to_review(desk)
    before = desk.git("rev-parse", "HEAD")
    seen, code = on_a_terminal(desk, ["triage", a, b, c, "--review"], [b"n\n", stop])
    text = seen.decode().replace("\r", "")
    assert code == 0, text
    assert text.count("accept?") == 2, text
    assert "review stopped: 1 answer kept and applied; the proposal you stopped at and 1 not " \
        "asked stay pending" in text, text  # the one stopped at was asked (issue 11, s. 34)
    assert "unanswered (you stopped the review at it), still pending: separation" in text, text
    assert "not asked (you stopped the review), still pending: on-site" in text, text
    assert desk.git("rev-parse", "HEAD") != before  # one commit
    assert "rejected:on-site:text" in desk.ticket(a)["flags"]
    assert any(f.startswith("proposed:separation") for f in desk.ticket(b)["flags"])
    assert "proposed:on-site:text" in desk.ticket(c)["flags"]


def test_ctrl_c_in_a_review_still_aborts_with_nothing_changed(desk: Desk) -> None:
    a, b, c = _three_to_review(desk)
    before = desk.snapshot()
    seen, code = on_a_terminal(desk, ["triage", a, b, c, "--review"], [b"n\n", b"\x03"])
    assert code == 130 and seen.endswith(b"sdesk: aborted\r\n"), seen
    assert desk.snapshot() == before


# ---- 3, 4: split refuses the problem kept, takes --type, describes the new by its title -----


def _scanner_and_acrobat(desk: Desk) -> str:
    return desk.new("-T", "scanner not working and need acrobat pro", "--email",
                    "a@omes.ok.gov", "--agency", "OMES", "--service", "Scanner", "-d",
                    "scanner on 2nd floor jams every time, and I need acrobat pro installed")


@pytest.mark.parametrize(("title", "keep"), [
    ("Scanner on 2nd  floor JAMS", "scanner on 2nd floor jams"),  # --keep's
    ("SCANNER not working and need acrobat pro ", None),  # the original's own
])
def test_split_refuses_a_new_title_that_is_the_problem_kept(desk: Desk, title: str,
                                                            keep: str | None) -> None:
    tid = _scanner_and_acrobat(desk)
    before = desk.snapshot()
    result = desk.fails("split", tid, "--title", title,
                        *(["--keep", keep] if keep else []), code=1)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert f"--title {title.strip()!r} is " in result.stderr, result.stderr
    assert tid in result.stderr
    assert desk.snapshot() == before


def test_split_type_request_runs_the_request_steps_on_the_new_ticket(desk: Desk) -> None:
    tid = _scanner_and_acrobat(desk)
    out = desk.run("split", tid, "--title", "need Acrobat Pro installed", "--keep",
                   "scanner on 2nd floor jams", "--service", "Software Install", "-t",
                   "request").stdout
    new = out.strip().splitlines()[-1]
    assert new.startswith("REQ-"), out
    n = desk.ticket(new)
    assert (n["type"], n["software"]) == ("request", "Adobe Acrobat Pro"), n
    assert "licence-seat" in n["flags"]
    # the new ticket's words are its own, not the scanner's: no on site from 'jams'
    assert n["description"] == "need Acrobat Pro installed"
    assert not any("on-site" in f for f in n["flags"]), n["flags"]
    # an incident separated: still the guide's incident-4
    assert f"[incident-4 one group, one problem] create request {new}" in out, out


# ---- 11: a request's second need points to split; its split names no incident rule -------


def test_a_requests_second_need_points_to_split_and_its_split_names_no_incident_rule(
        desk: Desk) -> None:
    tid = desk.new("-T", "new hire needs laptop and AD account", "--email", "a@omes.ok.gov",
                   "--agency", "OMES", "-t", "request", "-d", "starts monday")
    out = desk.run("triage", tid).output
    assert f'log it as a request of its own, its SLA from this one\'s opening: sdesk split ' \
           f'{tid} --title "..." -t request' in out, out
    out = desk.run("split", tid, "--title", "laptop for new hire", "--keep",
                   "AD account for new hire").stdout
    assert "incident-4" not in out, out
    assert "[standard: one problem per ticket] create request" in out, out


# ---- 9: a refused edit can be discarded, and the refusal says how -----------------------------


def test_edit_discard_drops_a_refused_edit_and_the_refusal_names_it(
        desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tid = desk.new("-T", "Printer jams", "--email", "a.b@omes.ok.gov", "--agency", "OMES",
                   "--service", "Printing", "-d", "x")
    editor = tmp_path / "colour.sh"
    editor.write_text('#!/bin/sh\nprintf \'colour = "red"\\n\' >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    refused = desk.fails("edit", tid, code=1)
    assert f"sdesk edit {tid} --discard drops it" in refused.stderr, refused.stderr
    monkeypatch.setenv("EDITOR", "true")
    again = desk.fails("edit", tid, code=1)  # reopened: the same refusal
    assert "--discard drops it" in again.stderr, again.stderr
    before = desk.snapshot()
    out = desk.run("edit", tid, "--discard").stdout
    assert out.startswith(f"discarded your refused edit of {tid}"), out
    assert not list((desk.root / ".git" / "sdesk").glob(f"edit-{tid}*"))
    assert desk.snapshot() == before  # the ticket is untouched
    nothing = desk.fails("edit", tid, code=4)  # the ticket as it is, unchanged by `true`
    assert "reopening" not in nothing.stderr, nothing.stderr
    assert desk.fails("edit", tid, "--discard", code=4).stderr == (
        f"sdesk: nothing to discard: no refused edit of {tid} is kept\n")


# ---- 13: setting the service the proposal named is the proposal accepted by hand --------------


def test_setting_the_proposed_service_accepts_the_proposal_and_names_the_recheck(
        desk: Desk) -> None:
    tid = desk.new("-T", "need visio installed", "--email", "z@omes.ok.gov", "--agency",
                   "OMES", "-t", "request", "-d", "x")
    desk.run("triage", tid)
    assert "proposed:service:Software_Install" in desk.ticket(tid)["flags"]
    out = desk.run("set", tid, "service=software install").stdout
    assert out.strip().splitlines()[-1].endswith(
        "not routed yet: triage routes it to the team that provides 'Software Install': run "
        f"sdesk triage {tid} --recheck"), out
    t = desk.ticket(tid)
    assert "accepted:service:Software_Install" in t["flags"], t["flags"]
    said = t["journal"][-1]["text"]
    assert "withdrawn" not in said, said
    assert "the service proposal (Software Install) accepted (set by hand)" in said, said
    desk.run("triage", tid, "--recheck")
    assert desk.ticket(tid)["status"] == "triaged"


# ---- 15: the pre-commit hook's refusal says it is sdesk's hook and what to do -----------------


def test_the_pre_commit_hooks_refusal_says_whose_it_is_and_how_to_fix_or_bypass(
        desk: Desk) -> None:
    import re
    import subprocess

    tid = desk.new("-T", "teams audio cuts out", "--email", "cio@omes.ok.gov", "--agency",
                   "OMES", "--service", "Teams", "-d", "x")
    [path] = (desk.root / "tickets").rglob(f"{tid}.toml")
    path.write_text(re.sub(r'(?m)^title = "(.*)"$', r'title = "\1', path.read_text()))
    head = desk.git("rev-parse", "HEAD")
    done = subprocess.run(["git", "commit", "-qam", "hand edit"], cwd=desk.root,
                          capture_output=True, text=True)
    said = done.stdout + done.stderr
    assert done.returncode != 0 and desk.git("rev-parse", "HEAD") == head, said
    assert "broken TOML" in said
    assert "sdesk's pre-commit hook refused this commit" in said, said
    assert "fix the file named above" in said and "git commit --no-verify" in said, said
    # `sdesk check --staged` run by hand says no such thing: no commit was refused
    desk.git("add", str(path))
    by_hand = desk.fails("check", "--staged", code=1)
    assert "pre-commit hook" not in by_hand.stdout + by_hand.stderr
    desk.git("reset", "-q")
    desk.git("checkout", "HEAD", "--", ".")
