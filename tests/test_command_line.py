"""The dispatcher's command line: exit codes, one-line usage errors, who you are (--actor and
@me through the technician list), take/start, and team names by unique prefix."""

from __future__ import annotations

from assign_helpers import DESKTOP, log
from conftest import run_sdesk


def test_usage_errors_are_one_line_with_exit_code_2(desk):
    result = desk.fails("list", "--frob", code=2)
    assert result.stderr == "sdesk: error: No such option '--frob' (see 'sdesk list --help')\n"
    result = desk.fails("show", code=2)
    assert result.stderr.startswith("sdesk: error: Missing argument")
    assert result.stderr.count("\n") == 1


def test_usage_errors_are_one_line_from_the_console_entry_point(desk):
    done = run_sdesk("--store", str(desk.root), "queue", "--limit", "zero")
    assert done.returncode == 2
    assert done.stderr.startswith("sdesk: error: Invalid value for '--limit'")
    assert done.stderr.count("\n") == 1


def test_sdesk_alone_prints_its_help_not_a_folded_error_line(desk):
    for argv in ([], ["kb"]):
        done = run_sdesk(*argv, cwd=desk.root)
        assert done.returncode == 2, done
        assert done.stdout.startswith("Usage: sdesk") and "Commands:" in done.stdout
        assert "\n  " in done.stdout and done.stderr == ""


def test_json_and_csv_together_are_a_usage_error(desk):
    for args in (["list", "--json", "--csv"], ["queue", "--csv", "--json"], ["kpi", "--json", "--csv"]):
        result = desk.fails(*args, code=2)
        assert "--json and --csv: give one of them" in result.stderr, args


def test_an_empty_team_is_refused_not_read_as_no_filter(desk):
    # `--team ""` once listed every team's tickets while `--assignee ""` was refused
    for args in (["list", "--team", ""], ["queue", "--team", " "], ["workload", "--team", ""],
                 ["stale", "--team", ""], ["export", "--team", ""], ["triage", "--all", "--team", ""]):
        result = desk.fails(*args, code=1)
        assert result.stderr.startswith("sdesk: error: --team: give a team name"), (args, result)


def test_nothing_to_do_has_its_own_exit_code(desk):
    ticket = log(desk)
    desk.run("assign", ticket, "--to", "dcooper")
    result = desk.fails("assign", ticket, "--to", "dcooper", code=4)
    assert "already assigned to dcooper" in result.stderr


def test_a_user_error_is_exit_code_1(desk):
    desk.fails("show", "INC-ZZZZZZZZZZZ", code=1)


def test_now_is_shown_in_help(desk):
    help_text = desk.run("--help").stdout
    assert "--now DATETIME" in help_text and "SDESK_NOW" in help_text


def test_actor_resolves_through_the_technician_list(desk):
    ticket = log(desk)
    for who in ("jtran", "Jimmy Tran", "JIMMY.TRAN@omes.ok.gov"):
        desk.run("--actor", who, "note", ticket, f"checked by {who}")
        assert desk.git("log", "-1", "--format=%an <%ae>").strip() == \
            "Jimmy Tran <jimmy.tran@omes.ok.gov>"
    assert desk.ticket(ticket)["journal"][-1]["by"] == "Jimmy Tran"


def test_actor_name_and_email_of_someone_who_is_not_a_technician(desk):
    ticket = log(desk)
    desk.run("--actor", "Eve Example <eve@example.org>", "note", ticket, "hello")
    assert desk.git("log", "-1", "--format=%an <%ae>").strip() == "Eve Example <eve@example.org>"


def test_a_malformed_or_unknown_actor_is_refused_and_changes_nothing(desk):
    ticket = log(desk)
    before = desk.snapshot()
    result = desk.fails("--actor", "Eve <not an email>", "note", ticket, "x", code=1)
    assert result.stderr.startswith("sdesk: error: --actor 'Eve <not an email>' is not")
    result = desk.fails("--actor", "Eve <not an email>", "list", code=1)  # even a read
    result = desk.fails("--actor", "nobody", "note", ticket, "x", code=1)
    assert "unknown technician 'nobody'" in result.stderr
    assert desk.snapshot() == before


def test_list_assignee_takes_a_name_email_or_at_me(desk):
    ticket = log(desk)
    desk.run("assign", ticket, "--to", "dcooper")
    for who in ("dcooper", "Dwayne Cooper", "dwayne.cooper@omes.ok.gov"):
        assert [r["id"] for r in desk.json("list", "--assignee", who)] == [ticket]
    rows = desk.json("--actor", "Dwayne Cooper <dwayne.cooper@omes.ok.gov>", "list",
                     "--assignee", "@me")
    assert [r["id"] for r in rows] == [ticket]


def test_an_unknown_assignee_is_an_error_not_an_empty_list(desk):
    log(desk)
    result = desk.fails("list", "--assignee", "Nobody Here", code=1)
    assert "unknown technician 'Nobody Here'" in result.stderr
    result = desk.fails("list", "--assignee", "@me", code=1)  # Dana is no technician
    assert "@me: you (Dana Dispatcher <dana@omes.ok.gov>) are not in" in result.stderr


def test_assign_to_at_me(desk):
    ticket = log(desk)
    desk.run("--actor", "dcooper", "assign", ticket, "--to", "@me")
    assert desk.ticket(ticket)["assignee"] == "dcooper"


def test_take_assigns_to_yourself_without_mailing_yourself(desk):
    ticket = log(desk)
    out = desk.run("--actor", "dcooper", "take", ticket).stdout
    assert "assign to Dwayne Cooper" in out
    data = desk.ticket(ticket)
    assert (data["assignee"], data["status"]) == ("dcooper", "assigned")
    assert desk.outbox() == []
    assert desk.git("log", "-1", "--format=%s").startswith("dcooper takes INC-")


def test_take_follows_the_assignment_checks(desk):
    ticket = log(desk, "Scanner", "--skill", "scanners")
    result = desk.fails("--actor", "dcooper", "take", ticket, code=1)
    assert "dcooper lacks skill scanners" in result.stderr
    desk.run("--actor", "dcooper", "take", ticket, "--force")
    assert desk.ticket(ticket)["assignee"] == "dcooper"


def test_start_takes_an_unassigned_ticket_and_marks_it_in_progress(desk):
    ticket = log(desk)
    desk.run("--actor", "dcooper", "start", ticket)
    data = desk.ticket(ticket)
    assert (data["assignee"], data["status"]) == ("dcooper", "in-progress")
    assert data["journal"][-1]["text"] == "Work started by dcooper (Dwayne Cooper)."
    desk.fails("--actor", "dcooper", "start", ticket, code=4)


def test_start_refuses_someone_elses_ticket_unless_forced(desk):
    ticket = log(desk)
    desk.run("assign", ticket, "--to", "dcooper")
    result = desk.fails("--actor", "skimble", "start", ticket, code=1)
    assert "assigned to dcooper, not skimble" in result.stderr


def test_take_refuses_someone_elses_ticket_unless_forced(desk):
    ticket = log(desk)
    desk.run("--actor", "dcooper", "start", ticket)
    before = desk.snapshot()
    result = desk.fails("--actor", "skimble", "take", ticket, code=1)
    assert "assigned to dcooper, not skimble (use --force" in result.stderr
    assert desk.snapshot() == before
    desk.run("--actor", "skimble", "take", ticket, "--force")
    assert desk.ticket(ticket)["assignee"] == "skimble"


def test_team_names_by_case_insensitive_unique_prefix(desk):
    ticket = log(desk)
    assert [r["id"] for r in desk.json("queue", "--team", "is-desktop")] == [ticket]
    assert [r["id"] for r in desk.json("list", "--team", "IS-Desk")] == [ticket]
    result = desk.fails("queue", "--team", "IS", code=1)
    assert "team 'IS' is ambiguous: it could be IS-Service Desk" in result.stderr
    desk.fails("queue", "--team", "IS-Nowhere", code=1)
    other = desk.new("-T", "Printer", "--team", "is-desktop s", "--agency", "OMES")
    assert desk.ticket(other)["team"] == DESKTOP


def test_resume_takes_a_note_like_hold(desk):
    ticket = log(desk)
    desk.run("hold", ticket, "--reason", "awaiting-customer", "--asked-by-phone",
             "--note", "Asked for the asset tag")
    desk.run("resume", ticket, "--note", "Customer sent the asset tag",
             now="2026-11-23T11:00:00-06:00")
    # the last entry of kind resume (session 40: a public note telling the customer may follow)
    entry = [e for e in desk.ticket(ticket)["journal"] if e["kind"] == "resume"][-1]
    assert entry["text"].endswith("\nCustomer sent the asset tag")


def _complete(desk, words: str) -> list[str]:
    """What bash would offer after `words` (click's protocol, as the script asks it)."""
    from click.testing import CliRunner

    from sdesk.cli import cli

    env = {"_SDESK_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
           "SDESK_STORE": str(desk.root)}
    result = CliRunner().invoke(cli, [], env=env, prog_name="sdesk")
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line]


def test_completion_scripts_for_bash_zsh_and_fish(desk):
    for shell, marker in (("bash", "complete -o nosort -F"), ("zsh", "#compdef sdesk"),
                          ("fish", "complete --no-files --command sdesk")):
        out = desk.run("completion", shell).stdout
        assert marker in out and "_SDESK_COMPLETE" in out, shell
    desk.fails("completion", "tcsh", code=2)


def test_completion_offers_ticket_ids_teams_and_technicians(desk):
    ticket = log(desk)
    body = ticket.split("-", 1)[1]
    assert _complete(desk, f"sdesk show {ticket[:6]}") == [ticket]
    assert _complete(desk, f"sdesk show {body[:2].lower()}") == [ticket]
    assert _complete(desk, "sdesk queue --team IS-D") == [DESKTOP]
    assert "dcooper" in _complete(desk, "sdesk assign X --to d")
    assert _complete(desk, "sdesk list --assignee @") == ["@me"]
    assert "jtran" in _complete(desk, "sdesk --actor j")
    assert "take" in _complete(desk, "sdesk ta")


def test_actor_completes_technicians_in_a_fresh_process(desk):
    """The global --actor completes as `assign --to` does, asked first in a new process (the
    in-process helper above shares the cli object a subcommand's completion already set up)."""
    def offered(words: str) -> list[str]:
        env = {"_SDESK_COMPLETE": "bash_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
               "SDESK_STORE": str(desk.root)}
        out = run_sdesk(cwd=desk.root, env=env).stdout
        return [line.split(",", 1)[1] for line in out.splitlines() if "," in line]

    assert "jtran" in offered("sdesk --actor j") and "dcooper" not in offered("sdesk --actor j")
    assert offered("sdesk --actor @") == ["@me"]
    assert set(offered("sdesk --actor j")) <= set(offered("sdesk assign X --to j"))


def test_a_triage_batch_ends_with_a_tally_and_the_commit(desk):
    for i in range(3):
        log(desk, f"Broken thing {i}", email=f"user{i}@omes.ok.gov")
    dry = desk.run("triage", "--all", "--dry-run")
    assert dry.stderr.splitlines()[-1].startswith("triage: 3 tickets, ")
    assert dry.stderr.splitlines()[-1].endswith("; dry run, nothing changed")
    result = desk.run("triage", "--all")
    head = desk.git("rev-parse", "HEAD").strip()
    assert f"; commit {head[:10]}" in result.stderr
