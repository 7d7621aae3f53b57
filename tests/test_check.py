"""sdesk check: one line per problem (file and field), non-zero exit, --json, --staged hook."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import Desk


def ticket_path(desk: Desk, ticket_id: str) -> Path:
    return next(desk.root.glob(f"tickets/*/*/{ticket_id}.toml"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_clean_store_checks_ok(desk: Desk) -> None:
    desk.new("-T", "Outlook will not open")
    assert desk.run("check").stdout.strip() == "store ok"
    assert desk.json("check") == {"schema_version": 2, "ok": True, "recovered": [],
                                  "problems": []}


def test_a_wrong_value_is_one_line_naming_file_and_field(desk: Desk) -> None:
    tid = desk.new("-T", "Outlook will not open")
    path = ticket_path(desk, tid)
    edit(path, 'status = "new"', 'status = "sleeping"')
    result = desk.fails("check", code=1)
    rel = path.relative_to(desk.root).as_posix()
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    line = path.read_text().splitlines().index('status = "sleeping"') + 1
    assert lines[0].startswith(f"{rel}:{line}: status: must be one of")


def test_broken_toml_is_reported_with_its_file(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    path = ticket_path(desk, tid)
    path.write_text("<<<<<<< HEAD\n" + path.read_text())
    problems = json.loads(desk.fails("check", "--json").stdout)["problems"]
    assert [p["path"] for p in problems] == [path.relative_to(desk.root).as_posix()]
    assert "broken TOML" in problems[0]["message"]


def test_a_broken_ticket_with_mail_waiting_is_reported_once(desk: Desk) -> None:
    # fresh-user finding, session 28: the outbox message said "no ticket X" as well
    tid = desk.new("-T", "VPN drops", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("note", tid, "--public", "Looking into it")
    assert len(desk.outbox()) == 1
    path = ticket_path(desk, tid)
    edit(path, 'status = "new"', 'status = = "new"')
    lines = desk.fails("check", code=1).stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [path.relative_to(desk.root).as_posix()]
    assert "broken TOML" in lines[0]
    held = desk.run("outbox", "send", "--dry-run", ok=False).stdout  # still held, with why
    assert f"ticket {tid} cannot be read (its file is broken: sdesk check)" in held


def test_relations_that_point_nowhere_are_reported(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    path = ticket_path(desk, tid)
    edit(path, 'team = "', 'parent = "INC-2Q5500000000"\nrelated = ["INC-2Q5511111111"]\n'
                           'duplicate_of = "INC-2Q5522222222"\nteam = "')
    fields = sorted(p["field"] for p in json.loads(desk.fails("check", "--json").stdout)
                    ["problems"])
    assert fields == ["duplicate_of", "parent", "related"]


def test_a_task_without_a_parent_is_reported(desk: Desk) -> None:
    tid = desk.new("-T", "Image the laptop", "-t", "task")
    if "parent" in ticket_path(desk, tid).read_text():
        pytest.skip("new requires a parent for tasks")
    problems = json.loads(desk.fails("check", "--json").stdout)["problems"]
    assert [(p["field"], p["message"]) for p in problems] == \
        [("parent", "a task needs a parent ticket")]


def test_a_copy_of_a_ticket_in_the_wrong_shard_is_reported(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    path = ticket_path(desk, tid)
    other = desk.root / "tickets" / "0" / "0" / path.name
    other.parent.mkdir(parents=True)
    other.write_bytes(path.read_bytes())
    out = desk.fails("check").stdout
    assert "misplaced" in out


def test_an_outbox_message_that_does_not_parse_is_reported(desk: Desk) -> None:
    (desk.root / "outbox" / "20261123T150000Z-x.eml").write_bytes(b"no headers at all\n")
    out = desk.fails("check").stdout
    assert "outbox/20261123T150000Z-x.eml: From: missing header" in out


def test_a_broken_reference_file_is_reported(desk: Desk) -> None:
    (desk.root / "reference" / "sla.toml").write_text("not = [toml")
    out = desk.fails("check").stdout
    assert out.startswith("reference/sla.toml")


@pytest.mark.no_deep_check  # the file is broken on purpose: the index keeps the row
@pytest.mark.parametrize("tail", [b'x = "\xe9"\n', b'title = "dup"\n'])
def test_a_file_broken_in_place_is_broken_not_gone(desk: Desk, tail: bytes) -> None:
    """Fresh-user finding (session 30, F8): a ticket file broken by an edit in place (the
    folder's time unchanged, so the index keeps its row) was reported twice, broken and then
    "in the index but the file is gone (run sdesk reindex)". The file is there: one line."""
    import os
    import time

    tid = desk.new("-T", "VPN drops")
    path = ticket_path(desk, tid)
    past = time.time() - 100
    for folder in (desk.root / "tickets").rglob("*"):
        os.utime(folder, (past, past))
    desk.run("list")  # the index records the times as they are, not racy
    with path.open("ab") as f:
        f.write(tail)
    lines = desk.fails("check", code=1).stdout.splitlines()
    rel = path.relative_to(desk.root).as_posix()
    assert len(lines) == 1 and lines[0].startswith(f"{rel}:"), lines
    assert "file is gone" not in lines[0], lines


def test_an_index_row_for_a_file_that_is_gone_is_caught_after_refresh(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    ticket_path(desk, tid).unlink()
    # The refresh notices the folder changed, so the index follows the files: check is clean
    # about the index, but git sees the deletion; nothing is reported for the index.
    result = desk.run("check", "--json")
    assert json.loads(result.stdout)["ok"]


def test_leftover_temp_files_are_reported(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    path = ticket_path(desk, tid)
    (path.parent / f".{path.name}.999999.tmp").write_text("half")
    out = desk.fails("check", "--no-recover").stdout
    assert "temporary file left by a killed command" in out


def test_the_pre_commit_hook_refuses_a_broken_ticket(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    path = ticket_path(desk, tid)
    edit(path, "priority = 3", "priority = 9")
    subprocess.run(["git", "add", str(path)], cwd=desk.root, check=True)
    commit = subprocess.run(["git", "commit", "-m", "hand edit"], cwd=desk.root,
                            capture_output=True, text=True)
    assert commit.returncode != 0
    assert "priority: must be one of" in commit.stdout + commit.stderr
    # a valid value is still a hand edit of the supervisor's decision: the journal records P3
    # (session 38); a hand edit of the title is the kind the hook lets through
    edit(path, "priority = 9", "priority = 2")
    subprocess.run(["git", "add", str(path)], cwd=desk.root, check=True)
    commit = subprocess.run(["git", "commit", "-m", "hand edit"], cwd=desk.root,
                            capture_output=True, text=True)
    assert commit.returncode != 0
    assert "the journal's last recorded priority is P3" in commit.stdout + commit.stderr
    edit(path, "priority = 2", "priority = 3")
    edit(path, 'title = "VPN drops"', 'title = "VPN drops hourly"')
    subprocess.run(["git", "add", str(path)], cwd=desk.root, check=True)
    commit = subprocess.run(["git", "commit", "-m", "hand edit"], cwd=desk.root,
                            capture_output=True, text=True)
    assert commit.returncode == 0, commit.stdout + commit.stderr


@pytest.mark.parametrize("old, new, field", [
    ('status = "new"', 'status = "closed"', "resolution"),
    ('status = "new"', 'status = "on-hold"', "holds"),
    ('status = "new"', 'status = "in-progress"', "assignee"),
    ('status = "new"', 'status = "new"\nresolved_at = 2026-11-23T10:00:00-06:00', "resolved_at"),
])
def test_every_ticket_invariant_is_checked_on_every_file(
        desk: Desk, old: str, new: str, field: str) -> None:
    tid = desk.new("-T", "Outlook will not open")
    path = ticket_path(desk, tid)
    edit(path, old, new)
    problems = json.loads(desk.fails("check", "--json").stdout)["problems"]
    assert [(p["path"], p["field"]) for p in problems] == [
        (path.relative_to(desk.root).as_posix(), field)], problems


def test_a_resolved_then_held_merge_result_is_reported(desk: Desk) -> None:
    tid = desk.new("-T", "Outlook will not open")
    desk.run("resolve", tid, "-c", "fixed", "-s", "restarted")
    path = ticket_path(desk, tid)
    edit(path, 'status = "resolved"', 'status = "on-hold"')
    lines = desk.fails("check").stdout.splitlines()
    assert any(": resolution: an open ticket (on-hold) cannot have one" in ln for ln in lines)


def test_a_ticket_whose_team_is_not_in_the_reference_data_is_reported(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    path = ticket_path(desk, tid)
    text = path.read_text()
    team = text.split('team = "', 1)[1].split('"', 1)[0]
    edit(path, f'team = "{team}"', 'team = "Nobody Team"')
    problems = json.loads(desk.fails("check", "--json").stdout)["problems"]
    rel = path.relative_to(desk.root).as_posix()
    assert [(p["path"], p["field"]) for p in problems] == [(rel, "team")]
    assert "'Nobody Team' is not a team of reference/teams.toml" in problems[0]["message"]


@pytest.mark.no_deep_check
def test_show_of_a_broken_ticket_file_names_the_file_whatever_id_is_typed(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    path = ticket_path(desk, tid)
    rel = path.relative_to(desk.root).as_posix()
    path.write_text("status = [[[\n" + path.read_text())
    check_line = desk.fails("check").stdout.splitlines()[0]
    body = tid.split("-", 1)[1]
    for typed in (tid, tid[:8], body, body[:5].lower()):
        result = desk.fails("show", typed, code=1)
        assert result.stderr.splitlines() == [f"sdesk: error: {check_line}"], typed
        assert rel in result.stderr
    assert "no ticket matches" in desk.fails("show", "ZZZZZ").stderr


def test_a_closed_ticket_keeps_a_team_that_is_gone_from_the_reference_data(desk: Desk) -> None:
    tid = desk.new("-T", "VPN drops")
    desk.run("resolve", tid, "-c", "fixed", "-s", "reset the VPN profile")
    path = ticket_path(desk, tid)
    team = path.read_text().split('team = "', 1)[1].split('"', 1)[0]
    edit(path, f'team = "{team}"', 'team = "Dissolved Team"')
    assert desk.run("check").stdout.strip() == "store ok"


def test_every_kind_of_problem_in_its_place(desk: Desk) -> None:
    """The whole-store check streams the files and checks relations and the index in SQL
    (sdesk/store/checkstream.py; issue 17, peak memory): the same problems in the same order
    as when it held every ticket (the version before gave this output on this store): each
    file's own problems in path order, strays, relations (a target whose file does not load
    is one that cannot be read: issue 11, session 34), teams."""
    ids = [desk.new("-T", f"VPN drops {i}") for i in range(6)]
    paths = {tid: ticket_path(desk, tid) for tid in ids}
    rel = {tid: p.relative_to(desk.root).as_posix() for tid, p in paths.items()}
    a, b, c, d, e, f = sorted(ids, key=lambda t: rel[t])
    edit(paths[a], 'team = "', f'parent = "INC-2Q5500000000"\nrelated = ["{b}", '
                                f'"INC-2Q5511111111"]\nduplicate_of = "{a}"\nteam = "')
    edit(paths[b], 'team = "', f'parent = "{e}"\nteam = "')
    edit(paths[c], 'type = "incident"', 'type = "task"')
    edit(paths[d], 'status = "new"', 'status = "sleeping"')
    paths[e].write_text("status = [[[\n" + paths[e].read_text())
    for tid, team in ((f, "Nobody Team"), (b, "Gone Team")):
        old = paths[tid].read_text().split('team = "', 1)[1].split('"', 1)[0]
        edit(paths[tid], f'team = "{old}"', f'team = "{team}"')
    edit(paths[f], 'team = "', f'related = ["{e}", "{d}", "{c}"]\nteam = "')
    (desk.root / "tickets" / "notes.txt").write_text("stray\n")
    lines = desk.fails("check").stdout.splitlines()
    assert [[at.split(":")[0], field] for at, field, *_ in
            (line.split(": ", 2) for line in lines)] == [
        [rel[c], "type"],  # an INC file made a task: its ID says incident (session 39)
        [rel[d], "status"], [rel[e], "broken TOML"],
        ["tickets/notes.txt", "not a ticket file in a shard folder"],
        [rel[a], "parent"], [rel[a], "duplicate_of"], [rel[a], "related"],
        [rel[b], "parent"], [rel[c], "parent"], [rel[f], "related"], [rel[f], "related"],
        [rel[b], "team"], [rel[f], "team"]], lines
    assert f"points at {e}, which cannot be read (see above)" in lines[9]
    assert f"points at {d}, which cannot be read (see above)" in lines[10]
    assert "points at INC-2Q5500000000, which does not exist" in lines[4]


def test_the_index_is_compared_with_the_files_as_they_come() -> None:
    """checkstream.IndexCompare walks the index's rows beside the files, both in path order:
    a file it lacks, a file it holds older, rows whose file is gone (sorted, after the files'
    problems); files out of order are refused rather than misreported."""
    from sdesk.core.errors import SdeskError
    from sdesk.store.check import Links
    from sdesk.store.checkstream import IndexCompare

    def links(tid: str) -> Links:
        return Links(tid, "incident", "", "", (), True, "")

    rows = iter([("tickets/A/1/INC-1.toml", "s1"), ("tickets/A/2/INC-2.toml", "s2"),
                 ("tickets/A/4/INC-4.toml", "s4"), ("tickets/B/1/INC-5.toml", "s5")])
    compare = IndexCompare(rows)
    compare.file("tickets/A/1/INC-1.toml", "s1", links("INC-1"))
    compare.file("tickets/A/3/INC-3.toml", "s3", links("INC-3"))
    compare.file("tickets/A/4/INC-4.toml", "changed", links("INC-4"))
    assert [str(p) for p in compare.finish()] == [
        "tickets/A/3/INC-3.toml: missing from the index (run sdesk reindex)",
        "tickets/A/4/INC-4.toml: the index holds an older version (run sdesk reindex)",
        "tickets/A/2/INC-2.toml: in the index but the file is gone (run sdesk reindex)",
        "tickets/B/1/INC-5.toml: in the index but the file is gone (run sdesk reindex)"]
    assert set(compare.kept) == {"tickets/A/3/INC-3.toml", "tickets/A/4/INC-4.toml"}
    with pytest.raises(SdeskError):
        compare.file("tickets/A/0/INC-0.toml", "s0", links("INC-0"))


def _conflict(desk: Desk, names: list[str]) -> None:
    """A real merge stopped on conflicts in `names` (stages 1-3 in git's index)."""
    for name in names:
        (desk.root / name).parent.mkdir(parents=True, exist_ok=True)
        (desk.root / name).write_text("base\n")
    desk.git("add", *names)
    desk.git("-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "base")
    start = desk.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    desk.git("checkout", "-qb", "theirs")
    for name in names:
        (desk.root / name).write_text("theirs\n")
    desk.git("-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qam", "theirs")
    desk.git("checkout", "-q", start)
    for name in names:
        (desk.root / name).write_text("ours\n")
    desk.git("-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qam", "ours")
    merge = subprocess.run(["git", "merge", "theirs"], cwd=desk.root, capture_output=True)
    assert merge.returncode != 0


@pytest.mark.no_deep_check
def test_unmerged_paths_are_reported_from_the_index_as_git_lists_them(desk: Desk) -> None:
    """`sdesk check` finds the unmerged paths by reading git's index itself (git's `ls-files
    -u` held the whole index: 324 MiB at a million tickets): the same lines whether git left
    the conflict entries in the small file of the split index, folded them into the shared
    index, or wrote an index that is not split."""
    from sdesk.git import indexscan

    desk.new("-T", "Outlook will not open")
    names = ["notes/rota.txt", "handover.md", "z-last.txt"]
    _conflict(desk, names)
    listed = desk.git("ls-files", "-u", "-z").split("\0")
    assert {e.split("\t", 1)[-1] for e in listed if e} == set(names)
    expected = [f"{name}: unmerged (a merge is in progress; finish or abort it)"
                for name in sorted(names)]
    shapes = [[], ["-c", "splitIndex.maxPercentChange=0", "update-index", "--split-index"],
              ["-c", "core.splitIndex=false", "update-index", "--no-split-index"]]
    for shape in shapes:
        if shape:
            desk.git(*shape)
        assert len(desk.git("ls-files", "-u").splitlines()) == 9
        # sdesk's reader answers itself (git is asked only for an index it leaves to git)
        assert indexscan.unmerged(desk.root / ".git") == sorted(n.encode() for n in names)
        lines = desk.fails("check", "--no-recover").stdout.splitlines()
        assert [ln for ln in lines if "unmerged" in ln] == expected, shape
        assert ".git/MERGE_HEAD: a merge is in progress" in "\n".join(lines)


@pytest.mark.parametrize("old, new, lacks", [
    ('code = "fixed"', 'code = ""', "a code"),
    ('summary = "Rebuilt the profile"', 'summary = "  "', "a summary"),
])
def test_a_resolution_without_code_or_summary_is_warned_by_show_and_reported_by_check(
        desk: Desk, old: str, new: str, lacks: str) -> None:
    """Fresh-user finding 2 (session 29): a resolved ticket whose resolution was emptied by
    hand showed no warning and checked ok."""
    tid = desk.new("-T", "Outlook will not open", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Rebuilt the profile")
    assert "Warning:" not in desk.run("show", tid).stdout
    path = ticket_path(desk, tid)
    edit(path, old, new)
    want = f"a resolved ticket's resolution needs {lacks}"
    assert f"  Warning:    {want}: record it with sdesk resolve {tid} --code CODE --summary " \
           "TEXT (no reopen)" in desk.run("show", tid).stdout.splitlines()
    rel = path.relative_to(desk.root).as_posix()
    assert f"{rel}: resolution: {want}" in desk.fails("check", code=1).stdout.splitlines()


def test_show_warns_of_a_closed_ticket_without_a_resolution(desk: Desk) -> None:
    tid = desk.new("-T", "Outlook will not open", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Rebuilt the profile")
    desk.run("close", tid)
    path = ticket_path(desk, tid)
    text = path.read_text()
    start = text.index("[resolution]")
    path.write_text(text[:start] + text[text.index("\n\n", start) + 2:])
    assert "  Warning:    a closed ticket needs a resolution, with a code and a summary: " \
           f"record it with sdesk resolve {tid}" in desk.run("show", tid).stdout
    assert "a closed ticket needs a resolution" in desk.fails("check", code=1).stdout
    desk.git("commit", "-qam", "a resolution lost by hand", "--no-verify")  # no hook
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Rebuilt the profile")
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"], t["resolution"]["code"]) == ("closed", 0, "fixed")
    desk.run("check")


def test_resolve_records_the_missing_resolution_of_a_done_ticket_without_a_reopen(
        desk: Desk) -> None:
    """Fresh-user finding, session 29: show warned of a resolved ticket without a resolution,
    and the only way out, reopen + resolve, counted a reopen against the KPIs."""
    tid = desk.new("-T", "Outlook will not open", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Rebuilt the profile")
    done = desk.ticket(tid)
    path = ticket_path(desk, tid)
    text = path.read_text()
    start = text.index("[resolution]")
    path.write_text(text[:start] + text[text.index("\n\n", start) + 2:])
    desk.git("commit", "-qam", "a resolution lost by hand", "--no-verify")  # no hook
    mailed = len(desk.outbox())
    desk.run("resolve", tid, "--code", "workaround", "--summary", "Profile rebuilt")
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"], t["resolved_at"]) == ("resolved", 0, done["resolved_at"])
    assert (t["resolution"]["code"], t["resolution"]["summary"]) == ("workaround",
                                                                    "Profile rebuilt")
    assert "Resolution recorded for a ticket resolved without one" in t["journal"][-1]["text"]
    assert len(desk.outbox()) == mailed  # the customer was told when it was resolved
    assert "Warning:" not in desk.run("show", tid).stdout
    desk.run("check")  # exit 0: nothing to report
    # with a resolution it is resolved already: reopen it first, as before
    assert "is resolved already (reopen it first)" in desk.fails(
        "resolve", tid, "--code", "fixed", "--summary", "again").stderr
