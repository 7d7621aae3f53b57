"""Issue 11 (session 34): usage errors and messages a fresh user found. Option and argument
misuse exits 2 as the exit-code table says (docs/commands.md, "Exit codes"), with one line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import Desk, run_sdesk
from terminal import on_a_terminal

from sdesk.core.ticketdoc import JOURNAL_KINDS


@pytest.mark.parametrize("args", [
    ("triage", "--all", "--accept", "duplicate"),
    ("kpi", "--trend", "month", "--by", "team"),
    ("handover", "--html", "--json"),
    ("triage",),
    ("triage", "{id}", "--all"),
    ("triage", "{id}", "{id2}", "--split", "two problems"),
    ("split", "{id}", "--title", "VPN down", "-d", "-", "--keep-description", "-"),
    ("list", "--flag", ""),
    ("set", "{id}", "title"),
    ("set", "{id}", "=x"),
    # a review's answers with a triage run's options (session 34's tester: --split was ignored)
    ("triage", "{id}", "--accept", "kind", "--split", "two problems"),
    ("triage", "{id}", "--reject", "priority", "--recheck"),
])
def test_option_and_argument_misuse_is_a_usage_error(desk: Desk, args: tuple[str, ...]) -> None:
    tid = desk.new("-T", "Outlook will not open", "--email", "ana.ruiz@omes.ok.gov")
    other = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    before = desk.snapshot()
    result = desk.fails(*(a.format(id=tid, id2=other) for a in args), code=2)
    assert result.stderr.strip().count("\n") <= 1 and "Traceback" not in result.stderr
    assert desk.snapshot() == before


def test_check_reports_every_field_problem_of_a_ticket_with_its_line(desk: Desk) -> None:
    """A hand edit with several bad fields took a run of check for each, none naming a line;
    a ticket linking to the broken one said its target "does not exist"."""
    broken = desk.new("-T", "Outlook will not open", "--impact", "2")
    other = desk.new("-T", "Outlook will not open either")
    desk.run("relate", other, broken)
    [path] = (desk.root / "tickets").rglob(f"{broken}.toml")
    text = path.read_text()
    for old, new in (('status = "new"', 'status = "bogus"'), ("impact = 2", "impact = 7"),
                     ('channel = "phone"\n', ""), ('kind = "system"', 'kind = "zzz"')):
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text)
    at = {line: n for n, line in enumerate(text.splitlines(), start=1)}
    status, impact, kind = at['status = "bogus"'], at["impact = 7"], at['kind = "zzz"']
    rel = path.relative_to(desk.root).as_posix()
    out = desk.fails("check", code=1).stdout.splitlines()
    assert [line for line in out if line.startswith(rel)] == [
        f"{rel}:{status}: status: must be one of new, triaged, assigned, in-progress, on-hold, "
        "resolved, closed; got 'bogus'",
        f"{rel}:{impact}: impact: must be one of 1, 2, 3; got 7",
        f"{rel}:{kind}: journal[0].kind: must be one of {', '.join(JOURNAL_KINDS)}; got 'zzz'",
        f"{rel}: channel: missing"], out
    assert any(f"related: points at {broken}, which cannot be read (see above)" in line
               for line in out), out
    problems = json.loads(desk.fails("check", "--json").stdout)["problems"]
    assert {"path": rel, "line": impact, "field": "impact",
            "message": "must be one of 1, 2, 3; got 7"} in problems


def test_list_flag_takes_a_pending_proposal_as_list_shows_it(desk: Desk) -> None:
    """list and queue show a pending proposal as `?trend`; `list --flag '?trend'` found
    nothing. It is `proposed:trend`, and `?` alone is any pending proposal, on the fast path
    (`python -m sdesk`) as through click."""
    flagged = desk.new("-T", "Outlook will not open")
    plain = desk.new("-T", "Printer jam")

    def propose(ticket: Any) -> None:
        ticket.flags = ["proposed:trend:email"]

    desk.collaborate(flagged, propose)
    shown = desk.run("list").stdout
    assert "?trend" in shown
    for typed in ("?trend", "?", "proposed:trend"):
        listed = desk.run("list", "--flag", typed).stdout
        assert flagged[:8] in listed and plain[:8] not in listed, (typed, listed)
        fast = run_sdesk("--store", str(desk.root), "--now", desk.now, "list", "--flag", typed)
        assert fast.returncode == 0 and flagged[:8] in fast.stdout, (typed, fast.stderr)
        assert not fast.stderr, fast.stderr
    none = desk.run("list", "--flag", "?duplicate")
    assert "(none)" in none.stdout and "warning" not in none.stderr


def test_review_takes_answers_in_any_case_and_words_what_a_quit_leaves(desk: Desk) -> None:
    """`Y`/`N` were refused at the review's prompt; after `q` the last line said "1 proposal
    not asked stay pending" of the proposal the dispatcher quit on, which was asked."""
    from test_fresh30b import _three_to_review

    a, b, _ = _three_to_review(desk)
    seen, code = on_a_terminal(desk, ["triage", a, b, "--review"], [b"N\n", b"Q\n"])
    text = seen.decode().replace("\r", "")
    assert code == 0 and "is not one of" not in text, text
    assert "rejected:on-site:text" in desk.ticket(a)["flags"]
    assert "review stopped: 1 answer kept and applied; the proposal you stopped at stays " \
        "pending" in text, text
    assert "unanswered (you stopped the review at it), still pending: separation" in text, text
    assert "not asked" not in text, text
    assert any(f.startswith("proposed:separation") for f in desk.ticket(b)["flags"])


def test_evidence_quotes_a_phrase_across_lines_on_one_line(desk: Desk) -> None:
    """A phrase matched across a line break was quoted with a literal backslash-n."""
    tid = desk.new("-T", "Cannot log in", "--email", "z@omes.ok.gov", "--agency", "OMES",
                   "--service", "Email", "--impact", "3", "--urgency", "3", "-d",
                   "nobody at the\nOMES office can get email")
    out = desk.run("triage", tid, "--dry-run").stdout
    assert "'nobody at the / OMES office'" in out, out
    assert "\\n" not in out, out


def test_effort_errors_say_what_is_taken_and_name_the_field_as_typed(desk: Desk) -> None:
    """It said "between 0 and 1000 hours; got 0" (0 is refused) and named effort or
    effort_hours by turns."""
    tid = desk.new("-T", "Printer jam")
    assert desk.fails("new", "-T", "x", "--effort", "0", code=1).stderr == (
        "sdesk: error: --effort must be more than 0 and at most 1000 hours; got 0\n")
    assert desk.fails("task", "new", "--parent", tid, "-T", "x", "--effort", "1001",
                      code=1).stderr.startswith("sdesk: error: --effort must be more than 0")
    for typed in ("effort", "effort_hours"):
        assert desk.fails("set", tid, f"{typed}=0", code=1).stderr == (
            "sdesk: error: effort_hours must be more than 0 and at most 1000 hours; got 0\n")
        assert desk.fails("set", tid, f"{typed}=abc", code=1).stderr.startswith(
            "sdesk: error: effort_hours must be a number of hours")


def test_a_plan_shows_a_requester_as_a_person_writes_one(desk: Desk) -> None:
    """`set name=...` printed `set requester = {'name': 'Bob', 'email': ...}`."""
    tid = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov", "--agency", "OMES")
    out = desk.run("set", tid, "name=Ana Ruiz", "phone=405-555-0100", "--dry-run").stdout
    assert "set requester = Ana Ruiz <ana.ruiz@omes.ok.gov> (OMES, phone 405-555-0100): " \
        "requester corrected" in out, out
    assert "{" not in out, out


def test_a_near_miss_of_a_kind_category_and_a_phone_without_digits_are_refused(
        desk: Desk) -> None:
    """`set category=sofware` was kept silently, though hardware and software decide a
    request's kind; `phone=abc` was kept. Other categories stay an open list."""
    tid = desk.new("-t", "request", "-T", "Need Visio", "--email", "a@omes.ok.gov")
    before = desk.snapshot()
    assert "did you mean 'software'?" in desk.fails("set", tid, "category=sofware",
                                                      code=1).stderr
    assert "did you mean 'hardware'?" in desk.fails("new", "-t", "request", "-T", "x",
                                                      "--category", "Hardwre", code=1).stderr
    assert "phone must hold digits" in desk.fails("set", tid, "phone=abc", code=1).stderr
    assert "--phone must hold digits" in desk.fails("new", "-T", "x", "--phone", "n/a",
                                                    code=1).stderr
    assert desk.snapshot() == before
    desk.run("set", tid, "category=Software", "phone=x4411")
    assert desk.ticket(tid)["category"] == "software"
    desk.run("set", tid, "category=network")  # an open list: kept as typed
    assert desk.ticket(tid)["category"] == "network"


def test_every_field_problem_is_found_whatever_the_edit() -> None:
    """checkfields sets each bad field aside (a required one gets a stand-in) and reads on:
    each field reported once, a whole-file problem alone, never a loop."""
    from sdesk.store.checkfields import field_problems

    good = ('schema = 1\nid = "INC-1"\ntype = "incident"\ntitle = "t"\nstatus = "new"\n'
            'opened_at = 2026-11-23T10:00:00-06:00\npriority = 3\nimpact = 2\nurgency = 2\n'
            'channel = "phone"\nteam = "T"\n\n[requester]\nphone = "1"\n\n[[journal]]\n'
            'at = 2026-11-23T10:00:00-06:00\nkind = "note"\n')
    assert field_problems(good, "f") == []
    bad = (good.replace('id = "INC-1"', "id = 7").replace('status = "new"', "status = 5")
           .replace('phone = "1"', 'phone = 1\nfax = "2"').replace('kind = "note"', "kind = 3")
           .replace("schema = 1\n", ""))
    assert [(line, field) for line, field, _ in field_problems(bad, "f")] == [
        (1, "id"), (4, "status"), (13, "requester.phone"), (14, "requester.fax"),
        (18, "journal[0].kind"), (0, "schema")]
    [(line, field, problem)] = field_problems("x = [\n", "f")
    assert (line, field) == (0, "") and problem.startswith("broken TOML"), problem
    garbage = field_problems("a = 1\nb = 2\n", "f")
    assert garbage[:3] == [(1, "a", "unknown field"), (2, "b", "unknown field"),
                           (0, "schema", "missing")]
    assert (0, "team", "missing") in garbage and len(garbage) == len(set(garbage))
