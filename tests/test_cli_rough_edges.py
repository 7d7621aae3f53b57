"""The dispatcher's command line, second pass (issue 16's gaps): `@me` and unknown technicians
wherever a technician is taken, exit code 4 for "nothing to do", `sdesk list | head`, the
store's zone for `--now`, request labels in triage, and list's --flag / --agency filters."""

from __future__ import annotations

import os
import subprocess
import sys

from assign_helpers import DESKTOP, log


def _sdesk(desk, *args: str) -> list[str]:
    return [sys.executable, "-m", "sdesk", "--store", str(desk.root), "--now", desk.now, *args]


# -- @me and unknown technicians ---------------------------------------------------------------

def test_export_assignee_takes_at_me_and_refuses_an_unknown_technician(desk):
    mine, other = log(desk, "Mine"), log(desk, "Not mine")
    desk.run("assign", mine, "--to", "dcooper", "--force")
    desk.run("assign", other, "--to", "skimble", "--force")
    out = desk.run("--actor", "dcooper", "export", "--jsonl", "--assignee", "@me").stdout
    assert [line for line in out.splitlines() if line.strip()] and mine in out
    assert other not in out
    by_name = desk.run("export", "--jsonl", "--assignee", "Dwayne Cooper").stdout
    assert by_name == out
    before = desk.snapshot()
    result = desk.fails("export", "--jsonl", "--assignee", "nobody", code=1)
    assert result.stderr.startswith("sdesk: error: unknown technician 'nobody'")
    assert desk.snapshot() == before


def test_workload_technician_takes_at_me_and_refuses_an_unknown_technician(desk):
    rows = desk.json("--actor", "jtran", "workload", "--technician", "@me")
    assert [r["technician"] for r in rows] == ["jtran"]
    rows = desk.json("workload", "--technician", "Dwayne Cooper", "--technician", "jtran")
    assert sorted(r["technician"] for r in rows) == ["dcooper", "jtran"]
    result = desk.fails("workload", "--technician", "nobody", code=1)
    assert result.stderr.startswith("sdesk: error: unknown technician 'nobody'")


def test_at_me_for_someone_who_is_not_a_technician_is_an_error(desk):
    result = desk.fails("--actor", "Eve Example <eve@example.org>", "workload",
                        "--technician", "@me", code=1)
    assert result.stderr.startswith("sdesk: error:") and "@me" in result.stderr


# -- exit code 4: the command was right, there was nothing to do -------------------------------

def test_set_with_no_change_is_nothing_to_do(desk):
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("set", ticket, "impact=2", code=4)
    assert result.stderr == f"sdesk: error: nothing to change: {ticket} already has every " \
                            "value given\n"
    assert desk.snapshot() == before
    desk.run("set", ticket, "impact=1")  # a real change still works


def test_edit_with_nothing_changed_is_nothing_to_do(desk, monkeypatch):
    ticket = log(desk)
    monkeypatch.setenv("EDITOR", "true")  # a real editor run that changes nothing
    before = desk.snapshot()
    result = desk.fails("edit", ticket, code=4)
    assert result.stderr.startswith("sdesk: error: nothing changed")
    assert desk.snapshot() == before


def test_triage_accept_with_nothing_pending_is_nothing_to_do(desk):
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("triage", ticket, "--accept", "duplicate", code=4)
    assert "no pending duplicate proposal" in result.stdout
    assert result.stderr.endswith("nothing to decide: no pending proposal of that kind\n")
    assert desk.snapshot() == before


def test_a_triage_batch_that_changes_nothing_is_nothing_to_do(desk):
    log(desk, "Monitor flickers")
    log(desk, "Keyboard sticks", email="kim.lee@omes.ok.gov")
    desk.run("triage", "--team", DESKTOP)
    before = desk.snapshot()
    result = desk.fails("triage", "--all", code=4)
    assert "nothing to triage" in result.stderr
    assert desk.snapshot() == before


# -- sdesk list | head -----------------------------------------------------------------------

def test_a_closed_pipe_is_not_an_error(desk):
    log(desk)
    for args in (["list"], ["list", "--json"], ["list", "--csv"], ["queue"]):
        read, write = os.pipe()
        os.close(read)  # the reader is gone before sdesk writes a byte
        done = subprocess.run(_sdesk(desk, *args), stdout=write, stderr=subprocess.PIPE,
                              text=True)
        os.close(write)
        assert (done.returncode, done.stderr) == (0, ""), args


def test_list_piped_into_head_exits_0_quietly(desk):
    # A title longer than a pipe's buffer: head takes the first line and goes away while
    # sdesk is still writing.
    log(desk, "Printer jams " + "again and again " * 6000)
    for args in (["list"], ["list", "--json"], ["list", "--csv"], ["list", "--wide"]):
        command = " ".join(_quote(a) for a in _sdesk(desk, *args))
        done = subprocess.run(["bash", "-c", f"{command} | head -1 >/dev/null; "
                               "echo ${PIPESTATUS[0]}"], capture_output=True, text=True)
        assert (done.stdout.strip(), done.stderr) == ("0", ""), args


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


# -- fresh-user findings ----------------------------------------------------------------------

def test_now_with_an_offset_is_shown_in_the_stores_zone(desk):
    log(desk)
    out = desk.run("--now", "2026-11-23T14:00:00-06:00", "handover").stdout
    assert out.splitlines()[0].endswith("2026-11-23 14:00 CST"), out.splitlines()[0]
    out = desk.run("--now", "2026-11-23T20:00:00+00:00", "handover").stdout
    assert out.splitlines()[0].endswith("2026-11-23 14:00 CST"), out.splitlines()[0]
    assert "UTC" not in out


def test_triage_labels_a_request_with_the_request_rules(desk):
    ticket = desk.new("-t", "request", "-T", "New account for a new hire", "--service",
                      "Account Provisioning", "--agency", "OMES", "--email",
                      "pat.user@omes.ok.gov")
    out = desk.run("triage", ticket, "--dry-run").stdout
    assert "usually needs" in out
    assert "[incident" not in out, out
    assert "[request-5 ready for assignment] Account Provisioning usually needs" in out


def test_list_flag_is_case_insensitive(desk):
    ticket = desk.new("-t", "request", "-T", "Install NoSuchTool", "--category", "software",
                      "--software", "NoSuchTool", "--agency", "OMES", "--email",
                      "pat.user@omes.ok.gov")
    desk.run("triage", ticket)
    assert "software-form" in desk.ticket(ticket)["flags"]
    for typed in ("software-form", "SOFTWARE-FORM", "Software-Form"):
        rows = desk.json("list", "--flag", typed)
        assert [r["id"] for r in rows] == [ticket], typed


def test_list_agency_names_an_unknown_agency_with_did_you_mean(desk):
    ticket = log(desk, agency="DHS", email="pat.user@okdhs.org")
    assert [r["id"] for r in desk.json("list", "--agency", "dhs")] == [ticket]
    result = desk.fails("list", "--agency", "DSH", code=1)
    assert result.stderr.startswith("sdesk: error: unknown agency 'DSH' (did you mean ")
    assert "'DHS'" in result.stderr and result.stderr.count("\n") == 1
    result = desk.fails("list", "--agency", "NOPE", code=1)
    assert result.stderr.startswith("sdesk: error: unknown agency 'NOPE' (known: OMES")
