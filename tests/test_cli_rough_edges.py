"""The dispatcher's command line, second pass (issue 16's gaps): `@me` and unknown technicians
wherever a technician is taken, exit code 4 for "nothing to do", `sdesk list | head`, the
store's zone for `--now`, request labels in triage, and list's --flag / --agency filters."""

from __future__ import annotations

import os
import subprocess
import sys

from assign_helpers import DESKTOP, log
from conftest import run_sdesk


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
    assert result.stderr == f"sdesk: nothing to change: {ticket} already has every " \
                            "value given\n"
    assert desk.snapshot() == before
    desk.run("set", ticket, "impact=1")  # a real change still works


def test_edit_with_nothing_changed_is_nothing_to_do(desk, monkeypatch):
    ticket = log(desk)
    monkeypatch.setenv("EDITOR", "true")  # a real editor run that changes nothing
    before = desk.snapshot()
    result = desk.fails("edit", ticket, code=4)
    assert result.stderr.startswith("sdesk: nothing changed")
    assert desk.snapshot() == before


def test_triage_accept_with_nothing_pending_is_nothing_to_do(desk):
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("triage", ticket, "--accept", "duplicate", code=4)
    assert result.stdout == ""  # one line: what there is to decide, on stderr
    assert result.stderr == (f"sdesk: nothing to decide: {ticket}: no pending duplicate "
                             "proposal (pending: none)\n")
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
    # sdesk is still writing. sdesk new refuses such a title, so it comes as a collaborator's
    # commit of the ticket file (the store is input too).
    ticket_id = log(desk, "Printer jams")
    [path] = [p for p in (desk.root / "tickets").rglob(f"{ticket_id}.toml")]
    path.write_text(path.read_text().replace(
        'title = "Printer jams"', 'title = "Printer jams ' + "again and again " * 6000 + '"'))
    desk.git("commit", "-qam", "a collaborator's long title")
    assert len(desk.ticket(ticket_id)["title"]) > 90000
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


def test_list_flag_no_ticket_carries_is_a_warning_naming_the_flags_in_use(desk):
    # fresh-user finding (session 24): `list --flag nosuchflag` printed "(none)", exit 0, so a
    # mistyped flag read as an empty queue
    ticket = desk.new("-t", "request", "-T", "Install NoSuchTool", "--category", "software",
                      "--software", "NoSuchTool", "--agency", "OMES", "--email",
                      "pat.user@omes.ok.gov")
    desk.run("triage", ticket)
    result = desk.run("list", "--flag", "softwre-form")
    assert "(none)" in result.stdout
    assert result.stderr == ("sdesk: warning: no ticket has the flag 'softwre-form' (flags in "
                             "use: software-form)\n")
    # a flag some ticket carries, filtered away by another option, or one sdesk sets that no
    # ticket has now (none pending is a true answer): no warning
    for argv in (["--flag", "Software-Form", "--status", "closed"], ["--flag", "software-form"],
                 ["--flag", "proposed:duplicate"], ["--flag", "priority-review"]):
        assert desk.run("list", *argv).stderr == "", argv


def test_every_proposal_kind_triage_makes_is_a_known_kind():
    # list --flag knows the flags sdesk sets from proposals.KINDS: a new kind must be listed
    import re
    from pathlib import Path

    from sdesk.procedures import proposals

    KINDS = proposals.KINDS
    source = "".join(p.read_text() for p in Path(proposals.__file__).parent.glob("*.py"))
    made = set(re.findall(r'\.propose\(\s*"([a-z-]+)"', source))
    assert made and made <= set(KINDS), made - set(KINDS)


def test_list_agency_names_an_unknown_agency_with_did_you_mean(desk):
    ticket = log(desk, agency="DHS", email="pat.user@okdhs.org")
    assert [r["id"] for r in desk.json("list", "--agency", "dhs")] == [ticket]
    result = desk.fails("list", "--agency", "DSH", code=1)
    assert result.stderr.startswith("sdesk: error: unknown agency 'DSH' (did you mean ")
    assert "'DHS'" in result.stderr and result.stderr.count("\n") == 1
    result = desk.fails("list", "--agency", "NOPE", code=1)
    assert result.stderr.startswith("sdesk: error: unknown agency 'NOPE' (known: OMES")


# -- assign --all ------------------------------------------------------------------------------

def test_assign_all_works_every_teams_queue_in_one_commit(desk):
    from assign_helpers import triage_remote as triage

    desktop = log(desk, "Monitor flickers")
    email = log(desk, "Outlook will not open", "--service", "Email",
                team="IS-Email & Collaboration", email="kim.lee@omes.ok.gov")
    for ticket in (desktop, email):
        triage(desk, ticket)
    before = desk.commits()
    result = desk.run("assign", "--all")
    assert desk.commits() == before + 1
    assert result.stderr.startswith("assign: 2 in every team's queue (2 teams); 2 assigned, "
                                    "0 handed to dispatch, 0 left in the queue")
    for ticket in (desktop, email):
        assert desk.ticket(ticket)["status"] == "assigned"
    assert desk.ticket(desktop)["assignee"] != desk.ticket(email)["assignee"]
    trailers = desk.git("log", "-1", "--format=%B")
    assert desktop in trailers and email in trailers
    head = desk.git("rev-parse", "HEAD").strip()
    assert result.stderr.splitlines()[-1] == f"assign: commit {head[:10]}"  # as triage says it
    result = desk.fails("assign", "--all", code=4)  # nothing left to assign
    assert "nothing assigned from every team's queue" in result.stderr


def test_assign_all_dry_run_changes_nothing_and_takes_a_limit(desk):
    from assign_helpers import triage_remote as triage

    tickets = [log(desk, f"Monitor {n} flickers", email=f"u{n}@omes.ok.gov") for n in range(3)]
    for ticket in tickets:
        triage(desk, ticket)
    before = desk.snapshot()
    out = desk.run("assign", "--all", "--dry-run", "--limit", "2").stdout
    assert desk.snapshot() == before
    assert sum(t in out for t in tickets) == 2


def test_assign_all_refuses_a_ticket_or_team_with_it(desk):
    ticket = log(desk)
    assert desk.fails("assign", ticket, "--all", code=2).stderr.startswith(
        "sdesk: error: give a TICKET_ID, --team TEAM or --all (exactly one)")
    desk.fails("assign", "--all", "--team", DESKTOP, code=2)
    desk.fails("assign", "--all", "--to", "dcooper", code=2)


# -- completion of values with spaces ----------------------------------------------------------

def _shell(name: str) -> str:
    """The real shell, or skip; under CI a missing shell fails (.ci/run installs them)."""
    import shutil

    import pytest

    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed (CI installs it: .ci/run)")
        pytest.skip(f"{name} is not installed")
    return found


def _completion_env(desk, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "sdesk"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sdesk "$@"\n')
    wrapper.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "SDESK_STORE": str(desk.root)}


def _bash_inserts(desk, tmp_path, words: list[str]) -> list[str]:
    """What bash's completion function puts in COMPREPLY for the last of `words`."""
    import shlex

    script = tmp_path / "sdesk.bash"
    script.write_text(desk.run("completion", "bash").stdout)
    program = (f"source {shlex.quote(str(script))}; COMP_WORDS=({shlex.join(words)}); "
               f"COMP_CWORD={len(words) - 1}; _sdesk_completion sdesk; "
               'printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run([_shell("bash"), "-c", program], env=_completion_env(desk, tmp_path),
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_bash_completes_a_team_with_spaces_as_one_word(desk, tmp_path):
    assert _bash_inserts(desk, tmp_path, ["sdesk", "queue", "--team", "IS-D"]) == \
        ["IS-Desktop\\ Support"]
    email = _bash_inserts(desk, tmp_path, ["sdesk", "list", "--team", "is-em"])
    assert email == ["IS-Email\\ \\&\\ Collaboration"]
    # What bash then reads from the line: one word, the team's name.
    words = subprocess.run(["bash", "-c", f'set -- --team {email[0]}; printf "%s\\n" "$@"'],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert words == ["--team", "IS-Email & Collaboration"]
    # Inside a quote the user opened, the value goes in as it is.
    assert _bash_inserts(desk, tmp_path, ["sdesk", "queue", "--team", '"IS-D']) == \
        ["IS-Desktop Support"]


def test_fish_offers_a_team_with_spaces_as_one_candidate(desk, tmp_path):
    script = tmp_path / "sdesk.fish"
    script.write_text(desk.run("completion", "fish").stdout)
    done = subprocess.run([_shell("fish"), "-c", f"source {script}; "
                           "complete -C 'sdesk queue --team IS-E'"],
                          env=_completion_env(desk, tmp_path), capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines() == ["IS-Email & Collaboration"]


def test_zsh_inserts_a_team_with_spaces_quoted(desk, tmp_path):
    """A real interactive zsh (driven through zsh/zpty): Tab after `--team IS-E`, then the
    line is printed one word per line."""
    script = tmp_path / "sdesk.zsh"
    script.write_text(desk.run("completion", "zsh").stdout)
    driver = tmp_path / "drive.zsh"
    driver.write_text(
        "zmodload zsh/zpty\n"
        "zpty z 'zsh -f -i'\n"
        f"zpty -w z 'autoload -U compinit; compinit -u; source {script}'\n"
        "zpty -w -n z $'sdesk queue --team IS-E\\t'\n"
        # the edited line has no newline, so nothing can be read until it is run: give the
        # completion (an sdesk process) time, more under load (it failed once at 6 s, load 12)
        "sleep 10\n"
        "zpty -w -n z $'\\x01print -rl -- @@ \\n'\n"
        "out=''\n"  # then read whole lines until the printed words are there, 40 s at most
        "drain() { local line; while zpty -r -t z line; do out+=\"$line\"; done }\n"
        "for i in {1..160}; do drain; [[ $out == *@@*'IS-Email & Collaboration'* ]] && break;"
        " sleep 0.25; done\n"
        "sleep 0.5; drain\n"
        "print -r -- \"$out\"\n"
        "zpty -d z\n")
    done = subprocess.run([_shell("zsh"), "-f", str(driver)], env=_completion_env(desk, tmp_path),
                          capture_output=True, text=True, timeout=90)
    lines = [line.strip() for line in done.stdout.replace("\r", "").splitlines()]
    printed = lines[lines.index("@@") + 1:][:4] if "@@" in lines else lines
    assert printed[:4] == ["sdesk", "queue", "--team", "IS-Email & Collaboration"], \
        done.stdout[-600:]


# -- intake: warn where the guide will miss something, refuse where it cannot be followed ------

def test_new_warns_one_line_each_for_no_requester_agency_or_description(desk):
    result = desk.run("new", "-T", "Printer jams")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("sdesk: warning:")]
    assert [w.split(":")[2].strip().split(" (")[0] for w in warnings] == \
        ["no requester", "no agency", "no description", "no service"]  # service: session 29
    ticket = result.stdout.strip()
    assert desk.ticket(ticket)["status"] == "new"  # logged all the same
    full = desk.run("new", "-T", "Printer jams", "--email", "ana.ruiz@omes.ok.gov",
                    "--agency", "OMES", "-d", "Since noon", "--service", "Printing")
    assert "warning" not in full.stderr
    named = desk.run("new", "-T", "Printer jams", "--name", "Ana Ruiz", "--agency", "OMES",
                     "--service", "Printing")
    assert [line for line in named.stderr.splitlines() if "warning" in line] == \
        [line for line in warnings if "no description" in line]


def test_a_task_is_not_warned_of(desk):
    parent = log(desk)
    result = desk.run("new", "-t", "task", "-T", "Replace the cable", "--parent", parent)
    assert "warning" not in result.stderr


def test_an_incident_sent_straight_to_a_team_without_an_agency_is_refused(desk):
    before = desk.snapshot()
    result = desk.fails("new", "-T", "Monitor flickers", "--team", DESKTOP, code=1)
    assert result.stderr.startswith("sdesk: error: an incident for IS-Desktop Support needs "
                                    "the requester's agency (--agency)")
    assert result.stderr.count("\n") == 1
    assert desk.snapshot() == before
    # The Service Desk can find the agency out; a request's analysis does not read it.
    desk.run("new", "-T", "Monitor flickers")
    desk.run("new", "-t", "request", "-T", "New mouse", "--team", DESKTOP)
    desk.run("new", "-T", "Monitor flickers", "--team", DESKTOP, "--agency", "OMES")


def test_requested_technician_takes_a_name_or_at_me_and_refuses_an_unknown_one(desk):
    ticket = log(desk, "Scanner", "--requested-tech", "Sarah Kimble")
    assert desk.ticket(ticket)["requested_technician"] == "skimble"
    desk.run("--actor", "jtran", "set", ticket, "requested_technician=@me")
    assert desk.ticket(ticket)["requested_technician"] == "jtran"
    result = desk.fails("new", "-T", "Scanner", "--requested-tech", "nobody", code=1)
    assert result.stderr.startswith("sdesk: error: unknown technician 'nobody'")


def test_edit_takes_at_me_for_a_technician_as_set_does(desk, tmp_path, monkeypatch):
    ticket = log(desk, "Scanner")
    editor = tmp_path / "editor.py"
    editor.write_text("import re, sys\np = sys.argv[1]\ns = open(p).read()\n"
                      "s = re.sub(r'(?m)^requested_technician = .*$', "
                      "'requested_technician = \"@ME\"', s)\nopen(p, 'w').write(s)\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    desk.run("--actor", "jtran", "edit", ticket)
    assert desk.ticket(ticket)["requested_technician"] == "jtran"
    desk.run("set", ticket, "requested_technician=skimble")
    before = desk.snapshot()
    result = desk.fails("edit", ticket, code=1)  # Dana (the git user) is no technician
    assert result.stderr.startswith("sdesk: error:") and "@me" in result.stderr
    assert result.stderr.count("\n") == 1
    assert desk.snapshot() == before


def test_an_internal_note_is_described_once_as_a_note(desk):
    tid = log(desk)
    desk.run("note", tid, "Called the user back")
    message = desk.git("log", "-1", "--format=%B")  # the plan's description of the note
    assert "internal note: Called the user back" in message and "note note" not in message


def test_a_report_of_one_week_says_week(desk, tmp_path):
    log(desk)
    page = tmp_path / "r.html"
    err = desk.run("report", "--since", "2026-11-23", "--until", "2026-11-27", "-o",
                   str(page)).stderr
    assert "1 week)" in err and "1 weeks" not in err, err


def test_an_option_missing_its_value_points_at_the_commands_help(desk):
    # click raises these before it knows the command (no context): the error still names it
    for argv, where in ((["list", "--flag"], "sdesk list"), (["queue", "--team"], "sdesk queue"),
                        (["kpi", "--since"], "sdesk kpi")):
        err = desk.fails(*argv, code=2).stderr
        option = argv[1]  # session 33: "--team needs a value", not click's "requires an argument"
        assert err.startswith(f"sdesk: error: {option} needs ") and \
            f"(see '{where} --help')" in err, err


def test_a_type_prefix_alone_is_told_it_names_a_type_not_a_ticket(desk):
    # `show INC` said "no ticket matches 'INC'" while `show INC-` said it matches more than 10:
    # the type alone is now named as a type, in the same words whatever the case typed.
    tid = desk.new("-T", "VPN drops")
    for typed in ("INC", "inc"):
        err = desk.fails("show", typed).stderr
        assert err.splitlines() == [
            f"sdesk: error: {typed!r} is a ticket type (incident), not a ticket: type more of the "
            "ID, e.g. INC-7KQ2 (sdesk list --type incident lists them)"], err
        assert desk.fails("note", typed, "x").stderr == err
        process = run_sdesk("--store", str(desk.root), "show", typed)  # launch.py's fast path
        assert (process.returncode, process.stderr) == (1, err)
    for typed in ("I", "in"):  # the start of a type: the same words, not "no ticket matches"
        assert f"{typed!r} is the start of a ticket type (incident)" in desk.fails(
            "show", typed).stderr
    assert tid in desk.run("show", tid[:6]).stdout
    assert "no ticket matches 'ZZZZZ'" in desk.fails("show", "ZZZZZ").stderr
