"""git's split index folded by sdesk a megabyte at a time (sdesk/git/splitfold.py; issue 17:
the first sdesk write after a plain git command re-stamped every entry held ~400 MiB at a
million tickets, and git's own fold ~256 MiB).

Every check is against real git: the folded index must be, entry for entry and stat field for
stat field (`git ls-files --stage --debug`), the index git read before the fold; `git status`
clean, `git fsck --strict` clean, and git must go on writing to it.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from split_repo import sh, split_repo

from sdesk import git
from sdesk.git import splitfold, splitindex

ME = git.Identity("Dana Dispatcher", "dana@omes.ok.gov")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = {f"tickets/{i % 5}/{i % 3}/T-{i:03d}-{'x' * (i % 37)}.toml": f"n = {i}\n"
             for i in range(300)}
    return split_repo(tmp_path / "r", {**files, "README.md": "a store\n"})


def _restamp_delete_add(repo: Path) -> None:
    """What a plain git command leaves (every entry re-stamped: replaced in the small file),
    then sdesk's own deletions and additions (deleted bits, added entries), all staged."""
    _restamp(repo)
    files = sh(repo, "ls-files").split()
    for name in files[1], files[150], files[-2]:
        (repo / name).unlink()
    changes = [splitindex.Change(name, None) for name in (files[1], files[150], files[-2])]
    for name in ("tickets/0/0/A-new.toml", "tickets/9/new.toml", "zzz.toml"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("new\n")
        oid = bytes.fromhex(sh(repo, "hash-object", "-w", name).strip())
        changes.append(splitindex.Change(name, oid))
    changes.sort(key=lambda c: c.path)
    assert splitindex.update(repo, repo / ".git", changes, fold=False)


def _restamp(repo: Path) -> None:
    """Every file's time changed, then `git status`: git's refresh replaces every entry in the
    small file (what the 1M bench store held: a million entries, 64 MB)."""
    later = os.stat(repo / "README.md").st_mtime + 100
    for path in sorted(repo.rglob("*.toml")):
        os.utime(path, (later, later))
    sh(repo, "status", "--porcelain")


def _state(repo: Path) -> tuple[str, str, str]:
    """Every entry with its stat data as git reads it (the flags git shows are its in-memory
    ones: a replaced entry is marked for the next fold), status, what is staged."""
    listing = sh(repo, "ls-files", "--stage", "--debug")
    return (re.sub(r"flags: [0-9a-f]+", "flags", listing), sh(repo, "status", "--porcelain"),
            sh(repo, "diff", "--cached", "--name-status"))


def _gits_fold(repo: Path) -> bytes:
    """The shared index git's own fold makes of the index as it is (on a copy)."""
    copy = repo / ".git" / "copy.index"
    copy.write_bytes((repo / ".git" / "index").read_bytes())
    subprocess.run(["git", "-c", "splitIndex.maxPercentChange=0", "update-index",
                    "--split-index"], cwd=repo, check=True, env={**os.environ,
                                                                  "GIT_INDEX_FILE": str(copy)})
    base = splitindex.read(copy).base
    copy.unlink()
    return (repo / ".git" / f"sharedindex.{base.hex()}").read_bytes()


def test_a_fold_keeps_every_entry_as_git_read_it(repo: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _restamp_delete_add(repo)
    git_dir = repo / ".git"
    small = splitindex.read(git_dir / "index")
    assert len(small.replaced) > 250 and small.deleted and small.added  # all three kinds
    before = _state(repo)
    gits = _gits_fold(repo)
    monkeypatch.setattr(splitfold, "CHUNK", 4096)  # entries cut across the writes
    base = splitfold.fold(git_dir, git_dir / "index")
    assert (git_dir / f"sharedindex.{base.hex()}").read_bytes() == gits  # byte for byte
    splitindex.write(git_dir, splitindex.SplitIndex(2, base))
    assert _state(repo) == before
    shared = (git_dir / f"sharedindex.{base.hex()}").read_bytes()
    names = [n for n, _ in splitindex._entries(shared, int.from_bytes(shared[8:12]), 12, 2)[0]]
    assert names == sh(repo, "ls-files", "-z").encode().split(b"\0")[:-1]
    table = git_dir / "sdesk" / f"shared-{base.hex()}.paths"
    made = table.read_bytes()
    table.unlink()
    assert splitindex._make_table(git_dir, base).read_bytes() == made
    sh(repo, "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "staged")
    sh(repo, "fsck", "--strict")
    assert sh(repo, "status", "--porcelain") == ""


def test_the_commit_after_a_restamp_folds_in_sdesk(repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The first sdesk commit after git left SPLIT_MAX entries or more in the small file folds
    them itself (no git process), and the commit is what it was before."""
    _restamp(repo)
    assert len(splitindex.read(repo / ".git" / "index").replaced) >= 300
    monkeypatch.setattr(splitindex, "SPLIT_MAX", 50)
    refused = []

    def no_git(args: list[str], *rest: object, **kw: object) -> object:
        refused.append(args)
        raise AssertionError(f"git {args} run for the index")

    path = "tickets/1/1/T-001-x.toml"
    (repo / path).write_text("changed = true\n")
    old_shared = {p.name for p in (repo / ".git").glob("sharedindex.*")}
    real_run = git.run
    monkeypatch.setattr(git, "run", lambda args, *a, **k: no_git(args) if "update-index" in args
                        else real_run(args, *a, **k))
    git.commit_paths(repo, [path], "changed\n", ME)
    assert not refused
    assert {p.name for p in (repo / ".git").glob("sharedindex.*")} - old_shared
    assert splitindex.read(repo / ".git" / "index").replaced  # the change, in a small file
    assert len(list((repo / ".git" / "sdesk").glob("shared-*.paths"))) == 1
    assert sh(repo, "status", "--porcelain") == ""
    assert sh(repo, "show", "--name-only", "--format=", "HEAD").split() == [path]
    sh(repo, "fsck", "--strict")
    (repo / path).write_text("by hand\n")
    assert sh(repo, "status", "--porcelain").strip() == f"M {path}"


def test_a_fold_that_does_not_add_up_is_left_to_git(repo: Path) -> None:
    """A small file whose replacements outnumber its entries is refused (Unsupported), and
    nothing is left behind."""
    git_dir = repo / ".git"
    index = splitindex.read(git_dir / "index")
    index.replaced = {1: b"", 2: b""}
    index.added = {}
    link = index.base + splitindex.ewah_bytes(set()) + splitindex.ewah_bytes({1, 2})
    from sdesk.core.sha1 import sha1

    body = b"DIRC" + (2).to_bytes(4) + (0).to_bytes(4) + b"link" + len(link).to_bytes(4) + link
    (git_dir / "index").write_bytes(body + sha1(body).digest())
    before = sorted(p.name for p in git_dir.rglob("*"))
    with pytest.raises(splitindex.Unsupported):
        splitfold.fold(git_dir, git_dir / "index")
    assert sorted(p.name for p in git_dir.rglob("*")) == before
