"""Issue 17, peak memory: a big `sweep` or `triage --all` is applied ticket by ticket through
temporary files (sdesk/store/batchwrite.py, sdesk/git/bigcommit.py). It must write the same
files, print the same plan and make one commit with the same message as the whole plan applied
at once (sdesk/store/executor.py). The batches here are small; STREAM_ABOVE is lowered so they
take the streamed way, and compared with the same batch taken the whole way on the same
store (reset between the two)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from sdesk.git import bigcommit, sharedwrite, splitindex
from sdesk.store import batchwrite
from tests.conftest import Desk
from tests.test_triage_memory import _busy_triage_store

MESSAGE_ID = re.compile(rb"\d+\.\d+\.\d+@")  # random per run (RFC 5322 Message-IDs)
MAIL_NAME = re.compile(rb"-[0-9a-f]{6}\.eml$")  # outbox file names end in a random part


def _applied(desk: Desk, base: str, *args: str, now: str) -> dict[str, object]:
    """Run `args` on the store reset to `base`; what it printed, its commit and files."""
    desk.git("reset", "-q", "--hard", base)
    desk.git("clean", "-fdq")
    result = desk.run(*args, now=now)
    assert desk.git("rev-parse", "HEAD~1").strip() == base  # exactly one commit
    assert desk.git("status", "--porcelain") == ""  # git's index holds what was committed
    subprocess.run(["git", "fsck", "--strict", "--no-dangling"], cwd=desk.root, check=True,
                   capture_output=True)
    changed = desk.git("diff", "--name-only", base, "HEAD").split()
    files = sorted((MAIL_NAME.sub(b".eml", p.encode()), MESSAGE_ID.sub(b"ID@", subprocess.run(
        ["git", "show", f"HEAD:{p}"], cwd=desk.root, check=True, capture_output=True).stdout))
        for p in changed)  # (name, bytes): two mails to one ticket share a name but its suffix
    on_disk = {p: (desk.root / p).read_bytes() for p in changed}
    assert all(on_disk[p] == subprocess.run(["git", "show", f"HEAD:{p}"], cwd=desk.root,
               check=True, capture_output=True).stdout for p in changed)
    return {"stdout": result.stdout, "tally": result.stderr.split("; commit")[0],
            "message": desk.git("log", "-1", "--format=%B"), "files": files,
            "author": desk.git("log", "-1", "--format=%an <%ae>|%cn <%ce>"),
            "index": MESSAGE_ID.sub(b"ID@", desk.run("list", "--all", "--json").stdout.encode())}


def _both_ways(desk: Desk, monkeypatch: pytest.MonkeyPatch, *args: str, now: str
               ) -> tuple[dict[str, object], dict[str, object]]:
    base = desk.git("rev-parse", "HEAD").strip()
    whole = _applied(desk, base, *args, now=now)
    monkeypatch.setattr(batchwrite, "STREAM_ABOVE", 0)
    monkeypatch.setattr(batchwrite, "ROWS_AT_ONCE", 3)  # index rows and files in pages of 3
    monkeypatch.setattr(splitindex, "SPLIT_MAX", 3)  # git's index: the batch folded in
    monkeypatch.setattr(bigcommit, "STREAM_TREE_ABOVE", 0)  # a folder's tree written as it goes
    monkeypatch.setattr(sharedwrite, "PIECE", 2)  # git's index written in pieces
    streamed = _applied(desk, base, *args, now=now)
    return whole, streamed


def test_triage_all_streamed_writes_and_commits_what_the_whole_plan_does(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Duplicates, a trend with the supervisor mailed, proposals, a hand-back: the same files
    (the mail's random Message-IDs aside), output, tally and commit message."""
    _busy_triage_store(desk)
    config = desk.root / "sdesk.toml"  # the supervisor mailed without asking: off by default
    config.write_text(config.read_text().replace("automatic_trends = false",
                                                 "automatic_trends = true"))
    desk.git("commit", "-qam", "automatic trends on (session 28: off by default)")
    whole, streamed = _both_ways(desk, monkeypatch, "triage", "--all",
                                 now="2026-11-23T09:00:00-06:00")
    assert streamed == whole
    assert any(p.startswith(b"outbox/") for p, _ in whole["files"])  # type: ignore[attr-defined]
    for words in ("Proposed (duplicate)", "Proposed (separation)", "Possible trend"):
        assert words in str(whole["stdout"]) + str(whole["files"]), words
    assert str(whole["stdout"]).strip() in str(whole["message"])


def test_sweep_streamed_writes_and_commits_what_the_whole_plan_does(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """SLA warnings, reminders and flags a week on: the same files, output and message."""
    _busy_triage_store(desk)
    desk.run("triage", "--all", now="2026-11-23T09:00:00-06:00")
    whole, streamed = _both_ways(desk, monkeypatch, "sweep", now="2026-11-30T15:00:00-06:00")
    assert streamed == whole
    assert "sweep: " in str(whole["message"]).splitlines()[0]
    assert "Sdesk-Ticket: " in str(whole["message"])
    assert len(whole["files"]) > 10  # type: ignore[arg-type]


def test_streamed_batch_through_git_when_the_repository_is_unusual(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hook in the repository: sdesk does not commit in-process (sdesk/git/inproc.py); the
    streamed batch then has git build the tree and write the commit from its message file.
    Same result."""
    _busy_triage_store(desk)
    hook = desk.root / ".git" / "hooks" / "post-commit"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    whole, streamed = _both_ways(desk, monkeypatch, "triage", "--all",
                                 now="2026-11-23T09:00:00-06:00")
    assert streamed == whole


def test_streamed_batch_that_changes_nothing_writes_nothing(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings only: printed, exit code 4, no commit, as the whole plan does."""
    _busy_triage_store(desk)
    now = "2026-11-23T09:00:00-06:00"
    desk.run("triage", "--all", now=now)
    whole = desk.run("triage", "--all", now=now, ok=False)
    monkeypatch.setattr(batchwrite, "STREAM_ABOVE", 0)
    before = desk.snapshot()
    streamed = desk.run("triage", "--all", now=now, ok=False)
    assert desk.snapshot() == before
    assert (streamed.exit_code, streamed.stdout, streamed.stderr) == \
           (whole.exit_code, whole.stdout, whole.stderr)
    assert whole.exit_code == 4


def test_streamed_batch_refuses_a_hand_edit_and_writes_nothing(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """An uncommitted change to a ticket the batch would write: one error line, the store as
    it was (nothing is written before every ticket was decided and checked)."""
    made = _busy_triage_store(desk)
    path = next((desk.root / "tickets").rglob(f"{made[-2]}.toml"))
    path.write_text(path.read_text() + "# edited by hand\n")
    monkeypatch.setattr(batchwrite, "STREAM_ABOVE", 0)
    before = desk.snapshot()
    result = desk.run("triage", "--all", now="2026-11-23T09:00:00-06:00", ok=False)
    assert result.exit_code != 0 and "has changes that are not committed" in result.stderr
    assert desk.snapshot() == before
    path.write_text(path.read_text().replace("# edited by hand\n", ""))


def test_head_entries_of_many_paths_are_tree_entry_of_each(tmp_path: Path) -> None:
    """The hand-edit check reads HEAD's entry of every path a batch writes, each folder's tree
    parsed once for the paths in a row that share it: the same answers as `Fast.tree_entry`
    path by path (present, missing, in a missing folder, under a file, a folder itself)."""
    from sdesk.git import inproc

    root = tmp_path / "r"
    for i in range(40):
        f = root / "tickets" / f"{i % 3}" / f"{i % 4}" / f"T-{i:02d}.toml"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(f"n = {i}\n")
    (root / "top.txt").write_text("x")
    for args in (["init", "-q"], ["add", "."],
                 ["-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "start"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    git_dir = root / ".git"
    head = (git_dir / "refs" / "heads").iterdir().__next__().read_text().strip()
    fast = inproc.Fast.open(root, git_dir)
    assert fast is not None
    paths = sorted({f"tickets/{a}/{b}/T-{i:02d}.toml" for a in range(4) for b in range(5)
                    for i in range(0, 44, 3)} | {"top.txt", "top.txt/x", "tickets/1",
                                                 "missing/a/b.toml", "tickets/9/z.toml"})
    got = list(inproc._head_entries(fast, head, paths))
    assert got == [(p, fast.tree_entry(head, p)) for p in paths]
    assert sum(e is not None for _, e in got) > 10


def test_a_commit_with_a_big_message_is_read_by_its_header(desk: Desk) -> None:
    """HEAD's tree and parents are read from a loose commit's header lines only (a batch's
    message can be 250 MB): the same as the whole object gives, and the next `note` commits
    on top of it in-process with the index adopting it."""
    from sdesk.git import odb
    from sdesk.store.index import _loose_commit_parents

    made = _busy_triage_store(desk)
    top = desk.git("rev-parse", "HEAD").strip()
    message = "big\n\n" + "a plan line\n" * 200_000  # 2.4 MB: many zlib pieces
    tree = desk.git("rev-parse", "HEAD^{tree}").strip()
    big = subprocess.run(["git", "commit-tree", tree, "-p", top, "-F", "-"], cwd=desk.root,
                         input=message, text=True, check=True, capture_output=True
                         ).stdout.strip()
    desk.git("update-ref", "HEAD", big)
    store = odb.ObjectStore(desk.root / ".git" / "objects")
    kind, head = store.commit_head(bytes.fromhex(big))
    whole = store.read(bytes.fromhex(big))[1]
    assert kind == b"commit" and whole.startswith(head) and len(head) < 1000
    assert head.endswith(b"\n") and b"a plan line" not in head
    assert _loose_commit_parents(desk.root / ".git", big) == [top]
    desk.run("note", made[0], "Called back")
    assert desk.git("rev-parse", "HEAD~1").strip() == big


def test_the_spooled_blob_ids_are_found_in_any_order_and_a_path_twice_is_refused() -> None:
    """The batch's {path: blob id}, held compactly (batchwrite._Blobs: a list, a bytearray, an
    array of positions; the dict held ~26 MB more at a million tickets): the same answers as
    a dict, in the paths' order (as the commit asks) and out of it."""
    from sdesk.core.errors import SdeskError

    paths = [f"outbox/m{n:03d}.eml" for n in range(40, 0, -1)] + ["tickets/A/B/X.toml", "kb/a"]
    blobs = batchwrite._Blobs()
    as_dict = {}
    for n, path in enumerate(paths):
        oid = bytes([n]) * 20
        blobs.add(path, oid)
        as_dict[path] = oid
    assert list(blobs) == paths and len(blobs) == len(paths)  # the pack's order
    for order in (sorted(paths), paths, sorted(paths, reverse=True)):
        for path in order:
            assert path in blobs and blobs[path] == as_dict[path]
            assert blobs[path] == as_dict[path]  # asked twice in a row (`in`, then the id)
    for missing in ("outbox/m000.eml", "a", "zzz", ""):
        assert missing not in blobs
        with pytest.raises(KeyError):
            blobs[missing]
    blobs.add("kb/a", b"\1" * 20)
    with pytest.raises(SdeskError, match="kb/a is written twice by one batch"):
        _ = "kb/a" in blobs


def test_a_runs_mail_once_per_person_streamed_as_whole(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The leads' hand-back mail and a supervisor's priority review go once per run, after the
    last plan (procedures/run_mail.py), naming tickets whose plans were written before: the
    streamed batch writes, prints and commits what the whole plan does."""
    for i, title in enumerate(("Computer acting weird", "Something broke again")):
        # logged to a team: the Service Desk's own queue mails no lead since session 38
        desk.new("-T", title, "--team", "IS-Desktop Support", "--email", f"n{i}@omes.ok.gov",
                 "--agency", "OMES", now=f"2026-11-23T07:5{i}:00-06:00")
    for i, title in enumerate(("Outlook slow", "Calendar invites late")):
        desk.new("-T", title, "--priority", "1", "--email", f"p{i}@omes.ok.gov", "--agency",
                 "OMES", "--service", "Email", now=f"2026-11-23T08:0{i}:00-06:00")
    desk.new("-T", "Monitor flickers", "--email", "m@omes.ok.gov", "--agency", "OMES",
             "--service", "Monitor", now="2026-11-23T08:30:00-06:00")
    whole, streamed = _both_ways(desk, monkeypatch, "triage", "--all",
                                 now="2026-11-23T09:00:00-06:00")
    assert streamed == whole
    mail = [p for p, _ in whole["files"] if p.startswith(b"outbox/")]  # type: ignore[attr-defined]
    assert len(mail) == 2, mail  # the leads once, the supervisor once
    assert "mail of this run" in str(whole["stdout"])
