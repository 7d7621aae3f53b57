"""Fresh-user findings, session 33 (fix33b): the dispatcher's commands say the truth. A command
with nothing to do exits 4 with one line and no commit; an error names what is wrong and how
to put it right."""

from __future__ import annotations

from assign_helpers import log
from conftest import run_sdesk


def test_assign_by_the_rules_to_the_technician_who_holds_it_is_nothing_to_do(desk):
    ticket = log(desk)
    desk.run("assign", ticket)
    holder = desk.ticket(ticket)["assignee"]
    before = desk.snapshot()
    result = desk.fails("assign", ticket, code=4)
    assert result.stderr == (f"sdesk: nothing to do: {ticket} is already assigned to {holder}, "
                             "the rules' choice (assign-2 usual skills)\n")  # hardware
    assert desk.snapshot() == before
    assert desk.ticket(ticket)["reassignments"] == 0


def test_the_same_split_twice_is_nothing_to_do_not_a_second_ticket(desk):
    ticket = log(desk, "Printer jams and VPN fails")
    first = desk.run("split", ticket, "--title", "VPN fails").stdout.strip().splitlines()[-1]
    before = desk.snapshot()
    result = desk.fails("split", ticket, "--title", " vpn  FAILS ", code=4)
    assert result.stderr == (f"sdesk: nothing to do: {ticket}'s problem 'vpn  FAILS' is already "
                             f"separated as {first} (sdesk show {first})\n")
    assert desk.snapshot() == before
    desk.run("split", ticket, "--title", "Printer jams", "--dry-run")  # another problem is not


def test_escalating_to_the_tickets_own_team_is_nothing_to_do(desk):
    ticket = log(desk)
    desk.run("assign", ticket, "--to", "dcooper")
    before = desk.snapshot()
    result = desk.fails("escalate", ticket, "--to", "is-desktop support", "--reason", "x",
                        code=4)
    assert result.stderr == (f"sdesk: nothing to do: {ticket} is already with IS-Desktop "
                             "Support (tier 1); to raise its tier within the team give "
                             "--tier 2\n")
    assert desk.snapshot() == before
    desk.run("escalate", ticket, "--to", "IS-Desktop Support", "--tier", "2", "--reason", "x")
    assert desk.ticket(ticket)["tier"] == 2


def test_edit_discard_says_the_refused_edit_is_deleted_not_kept(desk, tmp_path, monkeypatch):
    ticket = log(desk)
    editor = tmp_path / "colour.sh"
    editor.write_text('#!/bin/sh\nprintf \'colour = "red"\\n\' >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    desk.fails("edit", ticket, code=1)
    kept = desk.root / ".git" / "sdesk" / f"edit-{ticket}.toml"
    assert kept.is_file()
    assert desk.run("edit", ticket, "--discard", "--dry-run").stdout == (
        f"would discard your refused edit of {ticket}: would delete {kept}\n")
    assert kept.is_file()
    assert desk.run("edit", ticket, "--discard").stdout == (
        f"discarded your refused edit of {ticket}: deleted {kept}; sdesk edit {ticket} opens "
        "the ticket as it is\n")
    assert not kept.exists()


def test_resolve_without_code_says_code_is_required_and_lists_the_codes(desk):
    ticket = log(desk)
    before = desk.snapshot()
    for args in ([], ["--summary", "Cleared it"], ["-c", " ", "-s", "Cleared it"]):
        result = desk.fails("resolve", ticket, *args, code=2)  # a usage error (session 38)
        assert result.stderr.startswith("sdesk: error: --code is required: one of fixed, "
                                        "workaround, duplicate,"), (args, result.stderr)
        assert "(reference/codes.toml, [resolution_codes]" in result.stderr
        assert result.stderr.count("\n") == 1
    assert desk.snapshot() == before


def test_a_global_option_after_the_command_says_it_goes_before(desk):
    before = desk.snapshot()
    result = desk.fails("list", "--store", str(desk.root), code=2)
    assert result.stderr == ("sdesk: error: --store is a global option: give it before the "
                             "command, as in sdesk --store PATH list ... (see 'sdesk --help')\n")
    result = desk.fails("kb", "new", "--now=2026-11-23T09:00", code=2)
    assert result.stderr.startswith("sdesk: error: --now is a global option: give it before "
                                    "the command, as in sdesk --now DATETIME kb new ...")
    assert desk.fails("note", "X", "--actor", "dcooper", code=2).stderr.startswith(
        "sdesk: error: --actor is a global option")
    # an option of the command's own is not misread, nor an unknown one
    assert "No such option '--frob'" in desk.fails("list", "--frob", code=2).stderr
    assert desk.snapshot() == before


def test_a_global_option_after_the_command_from_the_console_script(desk):
    done = run_sdesk("list", "--store", str(desk.root))
    assert done.returncode == 2
    assert done.stderr.startswith("sdesk: error: --store is a global option: give it before")


KINDS = "one of duplicate, separation, trend, priority, on-site, kind, service, request, all"


def test_accept_without_its_kind_is_one_clear_line(desk):
    ticket = log(desk)
    before = desk.snapshot()
    assert desk.fails("triage", ticket, "--accept", code=2).stderr == (
        f"sdesk: error: --accept needs its KIND: {KINDS} (see 'sdesk triage --help')\n")
    assert desk.fails("triage", ticket, "--reject", code=2).stderr.startswith(
        f"sdesk: error: --reject needs its KIND: {KINDS}")
    # usage errors, exit 2 as click's own (session 34: they were exit 1)
    assert desk.fails("triage", ticket, "--accept", "--dry-run", code=2).stderr == (
        f"sdesk: error: --accept needs a KIND before --dry-run: {KINDS} "
        "(see 'sdesk triage --help')\n")
    assert desk.fails("triage", "--accept", ticket, code=2).stderr == (
        f"sdesk: error: --accept {ticket}: a ticket ID where a KIND goes; the IDs come first, "
        f"then --accept KIND ({KINDS}): sdesk triage {ticket} --accept KIND "
        "(see 'sdesk triage --help')\n")
    assert desk.fails("triage", ticket, "--accept", "duplicate", "--reject", "x",
                      code=2).stderr.startswith("sdesk: error: --reject: unknown proposal 'x'")
    assert desk.fails("kb", "new", "--from", code=2).stderr == (
        "sdesk: error: --from needs its ID (see 'sdesk kb new --help')\n")
    assert desk.snapshot() == before


def test_priority_is_taken_as_p1_in_any_case_where_1_is(desk):
    p1 = log(desk, "Server room flooded", "--priority", "P1")
    p3 = log(desk, "Mouse is slow", "-p", "p3")
    assert (desk.ticket(p1)["priority"], desk.ticket(p3)["priority"]) == (1, 3)
    for given in ("P1", "p1", "1"):
        listed = desk.json("list", "--priority", given)
        assert [t["id"] for t in listed] == [p1], given
    both = {t["id"] for t in desk.json("list", "--priority", "p1", "--priority", "P3")}
    assert both == {p1, p3}
    result = desk.fails("list", "--priority", "P5", code=2)
    assert "'P5' is not a priority: give 1-4 or P1-P4" in result.stderr


def test_priority_p1_through_the_console_scripts_fast_paths(desk):
    done = run_sdesk("--store", str(desk.root), "new", "-T", "Core switch down", "--email",
                     "a.b@omes.ok.gov", "--agency", "OMES", "-p", "P1")
    assert done.returncode == 0, done.stderr
    listed = run_sdesk("--store", str(desk.root), "list", "--priority", "p1")
    assert listed.returncode == 0, listed.stderr
    assert "Core switch down" in listed.stdout


def test_control_characters_typed_are_refused_naming_the_field(desk):
    ticket = log(desk)
    before = desk.snapshot()
    cases = [
        (["new", "-T", "x", "--name", "Bo\x1b[31mLi"], "--name must not contain control or "
         "bidirectional-override characters: U+001B at character 3"),
        (["new", "-T", "x", "--location", "Room\t3"], "--location must not contain control or "
         "bidirectional-override characters: U+0009 at character 5"),
        (["note", ticket, "hello\x1b[2Jworld"], "note must not contain control characters: "
         "U+001B at character 6"),
        (["resolve", ticket, "-c", "fixed", "-s", "done\x7f"], "summary must not contain "
         "control characters: U+007F at character 5"),
        (["set", ticket, "location=R\x0c1"], "location must not contain control or "
         "bidirectional-override characters: U+000C at character 2"),
        (["set", ticket, "description=a\u009bb"], "description must not contain control "
         "characters: U+009B at character 2"),
    ]
    for argv, message in cases:
        assert desk.fails(*argv, code=1).stderr == f"sdesk: error: {message}\n", argv
    assert desk.snapshot() == before
    # where text may run over lines, tab and line breaks are text
    desk.run("note", ticket, "step one\n\tstep two\r\n")
    desk.run("set", ticket, "description=line one\n\tline two")


def test_a_stored_value_with_control_characters_does_not_block_another_correction(desk):
    ticket = log(desk)

    def mailed(t):  # as mail or a collaborator's push may store it
        t.requester.name = "Bo\x1b[31mLi"

    desk.collaborate(ticket, mailed)
    desk.run("set", ticket, "name=Bo\x1b[31mLi", "impact=1")  # the name unchanged: not refused
    assert desk.ticket(ticket)["impact"] == 1


def test_resolving_a_parent_says_truly_who_has_no_e_mail(desk):
    a = desk.new("-T", "VPN down", "--name", "Al Phone", "--phone", "405-555-0101",
                 "--service", "VPN")
    b = desk.new("-T", "VPN down here too", "--name", "Bea Nobody", "--service", "VPN")
    parent = desk.run("parent", "new", "--from", a, b, "-T", "VPN outage", "--type",
                      "case").stdout.strip().splitlines()[-1]
    out = desk.run("resolve", parent, "-c", "fixed", "-s", "VPN restored").stdout
    assert "tell the customer by phone" not in out, out
    assert ("[standard: resolve] a parent case has no requester of its own: its reports' "
            "requesters are told on their tickets") in out, out
    assert ("[guide: parent case] no requester e-mail, nobody mailed: tell Al Phone by phone "
            "(405-555-0101)") in out, out
    assert ("[guide: parent case] no requester e-mail or phone: nobody was told; find another "
            f"way to reach Bea Nobody (sdesk set {b} email=... adds one for next time)") in out



GHOST = ('\n[[team]]\nname = "Ghost Team"\nkind = "support"\nemail = "ghost@omes.ok.gov"\n'
         'supervisor = "g@omes.ok.gov"\nleads = "gl@omes.ok.gov"\nagencies = ["*"]\n'
         'services = []\n')


def test_a_team_without_members_that_check_accepts_every_team_filter_accepts(desk):
    """Finding 11, session 33, as a guard: it did not reproduce (check and the filters read
    the one reference/teams.toml; store.team_names caches its names by the folder's stamp)."""
    with open(desk.root / "reference" / "teams.toml", "a", encoding="utf-8") as teams:
        teams.write(GHOST)  # a team no technician is in
    desk.git("commit", "-qam", "Ghost Team")
    assert desk.run("check").stdout.strip().endswith("ok")
    ticket = desk.new("-T", "Haunted printer", "--team", "Ghost Team", "--agency", "OMES",
                      "--email", "a.b@omes.ok.gov", "-d", "x")
    assert desk.run("check").stdout.strip().endswith("ok")
    for args in (["list", "--team", "Ghost Team"], ["list", "--team", "ghost"],
                 ["queue", "--team", "GHOST TEAM"], ["export", "--team", "Ghost Team"]):
        assert "Haunted printer" in desk.run(*args).stdout, args
    assert desk.ticket(ticket)["team"] == "Ghost Team"
    assert desk.run("workload", "--team", "Ghost Team").exit_code == 0


def test_a_batch_review_commit_says_how_many_tickets_and_which(desk):
    ids = [desk.new("-T", "Laptop will not dock and VPN fails", "--service", "Laptop",
                    "--agency", "OMES", "--email", f"user{i}@omes.ok.gov", "-d", "Both broke")
           for i in range(2)]
    desk.run("triage", *ids)
    assert all(any(f.startswith("proposed:separation") for f in desk.ticket(i)["flags"])
               for i in ids), [desk.ticket(i)["flags"] for i in ids]
    desk.run("triage", *ids, "--reject", "separation")
    subject = desk.git("log", "-1", "--format=%s").strip()
    assert subject == f"triage review 2 tickets: {ids[0]}, {ids[1]}", subject
