"""git's index updated by rewriting only the small file of a split index (sdesk/splitindex.py).

Every check here is against real git: after each sdesk commit, `git ls-files -s` must list
exactly HEAD's tree, `git status` must be clean, and a later edit must show as modified.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from split_repo import sh, split_repo

from sdesk import git
from sdesk.git import splitindex

ME = git.Identity("Dana Dispatcher", "dana@omes.ok.gov")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return split_repo(tmp_path / "r", {f"tickets/{i % 4}/{i % 3}/T-{i:03d}.toml": f"n = {i}\n"
                                       for i in range(60)})


def consistent(repo: Path) -> None:
    staged = sorted(sh(repo, "ls-files", "-s").splitlines())
    tree = sorted(f"{m} {o} 0\t{p}" for m, _, o, p in
                  (line.replace("\t", " ", 1).split(" ", 3)
                   for line in sh(repo, "ls-tree", "-r", "HEAD").splitlines()))
    assert staged == tree
    assert sh(repo, "status", "--porcelain") == ""


def test_bitmaps_read_back_what_was_written() -> None:
    rng = random.Random(3)
    for size in (0, 1, 5, 70, 400):
        bits = {rng.randrange(0, 3_000_000) for _ in range(size)} | ({63, 64, 65} if size else set())
        data = splitindex.ewah_bytes(bits)
        assert splitindex.ewah_bits(data, 0) == (bits, len(data))


def test_random_commits_keep_the_index_equal_to_head(repo: Path) -> None:
    rng = random.Random(17)
    files = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*.toml"))
    for step in range(40):
        changed: set[str] = set()
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if kind < 0.5 and files:
                path = rng.choice(files)
                (repo / path).write_text(f"step = {step}\n")
            elif kind < 0.8:
                path = f"tickets/{rng.randint(0, 5)}/{rng.randint(0, 3)}/N-{step}-{len(changed)}.toml"
                (repo / path).parent.mkdir(parents=True, exist_ok=True)
                (repo / path).write_text(f"new = {step}\n")
                files.append(path)
            elif files:
                path = files.pop(rng.randrange(len(files)))
                (repo / path).unlink()
            changed.add(path)
        git.commit_paths(repo, changed, f"step {step}\n", ME)
        consistent(repo)
        if step % 7 == 3:  # git itself rewrites the index in between (status, refresh)
            sh(repo, "update-index", "--refresh")
            sh(repo, "status")
    sh(repo, "fsck", "--strict")
    edited = files[0]
    (repo / edited).write_text("by hand\n")
    assert sh(repo, "status", "--porcelain").strip() == f"M {edited}"


def test_sdesk_commits_leave_the_shared_index_alone(repo: Path) -> None:
    shared = sorted((repo / ".git").glob("sharedindex.*"))
    for i in range(30):  # half the entries: git itself would have made a new shared index
        path = repo / "tickets" / "2" / "2" / f"T-{i:03d}.toml"
        path.write_text(f"changed = {i}\n")
        git.commit_paths(repo, [path.relative_to(repo).as_posix()], f"c{i}\n", ME)
    assert sorted((repo / ".git").glob("sharedindex.*")) == shared
    assert (repo / ".git" / "sdesk" / f"shared-{shared[0].name[12:]}.paths").is_file()
    consistent(repo)


def test_a_full_small_file_is_folded_into_a_new_shared_index(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(splitindex, "SPLIT_MAX", 3)
    before = {p.name for p in (repo / ".git").glob("sharedindex.*")}
    for i in range(5):
        path = repo / "tickets" / "0" / "0" / f"T-{i:03d}.toml"
        path.write_text(f"again = {i}\n")
        git.commit_paths(repo, [path.relative_to(repo).as_posix()], f"c{i}\n", ME)
        consistent(repo)
    assert {p.name for p in (repo / ".git").glob("sharedindex.*")} - before


@pytest.mark.parametrize("setup", [["update-index", "--no-split-index"],
                                   ["update-index", "--index-version", "4"]])
def test_an_index_left_to_git_is_updated_by_git(repo: Path, setup: list[str]) -> None:
    if "--no-split-index" in setup:
        sh(repo, "config", "core.splitIndex", "false")
    sh(repo, *setup)
    path = repo / "tickets" / "1" / "1" / "T-001.toml"
    path.write_text("changed = true\n")
    with pytest.raises(splitindex.Unsupported):
        splitindex.read(repo / ".git" / "index")
    git.commit_paths(repo, ["tickets/1/1/T-001.toml"], "by git\n", ME)
    consistent(repo)


def test_the_table_of_shared_paths_is_read_in_pieces(repo: Path) -> None:
    """The table of the shared index's paths, now made a megabyte at a time (issue 17: ~100 MB
    of shared index at a million tickets), holds what the whole-file reading made: the count,
    the offsets, the names in the shared index's order; and every path is found at its place."""
    import struct

    for i in range(3000):  # past the read size: entries cut across reads
        (repo / "tickets" / "0" / "0" / f"LONG-{i:05d}-{'x' * (i % 90)}.toml").write_text("")
    sh(repo, "add", ".")
    sh(repo, "update-index", "--split-index")
    git_dir = repo / ".git"
    base = splitindex.read(git_dir / "index").base
    data = (git_dir / f"sharedindex.{base.hex()}").read_bytes()
    _, version, count = struct.unpack_from(">4sII", data)
    names = [n for n, _ in splitindex._entries(data, count, 12, version)[0]]
    offsets = [0]
    for name in names:
        offsets.append(offsets[-1] + len(name))
    whole = struct.pack(f">I{count + 1}I", count, *offsets) + b"".join(names)
    table = splitindex._make_table(git_dir, base)
    assert table.read_bytes() == whole and count > 3000
    paths = sh(repo, "ls-files").encode().split()
    assert splitindex.positions(git_dir, base, paths) == {p: names.index(p) for p in paths}


def test_a_big_batch_is_folded_into_a_new_shared_index(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fold=False (a big batch, sdesk/git/bigcommit.py) of SPLIT_MAX paths or more: they are
    folded in with the small file's entries in one pass (sdesk/git/splitfold.py), a new
    shared index and an empty small file; git reads them as the work tree has them. Fewer
    go into the small file however many it holds."""
    from sdesk.git import sharedwrite

    monkeypatch.setattr(splitindex, "SPLIT_MAX", 3)
    monkeypatch.setattr(sharedwrite, "PIECE", 2)  # the changes merged in written in pieces
    before = {p.name for p in (repo / ".git").glob("sharedindex.*")}
    changed = []
    for i in range(12):
        path = repo / "tickets" / "1" / "1" / f"T-{i:03d}.toml"
        path.write_text(f"batch = {i}\n")
        changed.append(path.relative_to(repo).as_posix())
    (repo / "tickets" / "3" / "0" / "T-003.toml").unlink()
    new = repo / "tickets" / "7" / "new.toml"
    new.parent.mkdir()
    new.write_text("new\n")
    changed += ["tickets/3/0/T-003.toml", "tickets/7/new.toml"]
    blobs = {p: (b"100644", bytes.fromhex(sh(repo, "hash-object", "-w", p).strip()))
             for p in changed if (repo / p).exists()}
    git.update_index(repo, repo / ".git", sorted(changed), blobs, "", fold=False)
    assert {p.name for p in (repo / ".git").glob("sharedindex.*")} - before
    index = splitindex.read(repo / ".git" / "index")
    assert not index.replaced and not index.added and not index.deleted
    staged = sh(repo, "diff", "--cached", "--name-only").split()
    assert sorted(staged) == sorted(changed)  # staged as the work tree has them
    assert sh(repo, "diff", "--name-only") == ""
    assert sh(repo, "status", "--porcelain", "--untracked-files=no").count("\n") == len(changed)
    few = ["tickets/2/2/T-002.toml", "tickets/2/2/T-014.toml"]
    for name in few:
        (repo / name).write_text("few\n")
    blobs = {p: (b"100644", bytes.fromhex(sh(repo, "hash-object", "-w", p).strip())) for p in few}
    git.update_index(repo, repo / ".git", few, blobs, "", fold=False)
    assert len(splitindex.read(repo / ".git" / "index").replaced) == 2
    assert sh(repo, "diff", "--name-only") == ""


def test_a_fold_not_swapped_in_leaves_the_shared_index_git_now_uses(repo: Path) -> None:
    """housekeeping.fold gives up when the index changed meanwhile and removes the shared
    index it made, unless .git/index names it: git, rewriting the index at that moment (a
    `git reset` after a big batch), can have written the same one. Removing it broke every
    git command of the store."""
    from sdesk.git import housekeeping

    git_dir = repo / ".git"
    used = git_dir / f"sharedindex.{splitindex.read(git_dir / 'index').base.hex()}"
    housekeeping._drop_unused(git_dir, used)
    assert used.is_file()
    stray = git_dir / ("sharedindex." + "0" * 40)
    stray.write_bytes(used.read_bytes())
    housekeeping._drop_unused(git_dir, stray)
    assert not stray.exists()
    consistent(repo)
