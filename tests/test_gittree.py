"""Commits built from the touched folders (sdesk/git/gittree.py) make exactly the tree git's own
`write-tree` makes, keep git's index in step (git status clean), never sweep the user's staged
work into a commit, and leave a repository plain git reads (fsck, log -p)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import Desk

from sdesk import git
from sdesk.git import gittree


def index_tree(desk: Desk) -> str:
    """The tree git would build from its index (what the old commit path committed)."""
    return desk.git("write-tree").strip()


def head_tree(desk: Desk) -> str:
    return desk.git("rev-parse", "HEAD^{tree}").strip()


def test_each_commit_is_the_tree_git_builds_and_the_index_follows(desk: Desk) -> None:
    first = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    second = desk.new("-T", "VPN down", "--email", "bo.li@omes.ok.gov")
    desk.run("note", first, "Called the user back")
    desk.run("note", second, "Asked for a screenshot", "--public")  # a mail in outbox/ too
    desk.run("resolve", first, "--code", "fixed", "--summary", "Cleared the tray")
    assert head_tree(desk) == index_tree(desk)
    assert desk.git("status", "--porcelain", "--untracked-files=all") == ""
    subprocess.run(["git", "fsck", "--strict", "--no-dangling"], cwd=desk.root, check=True,
                   capture_output=True)
    patch = desk.git("log", "-p", "-1", "--format=%B")
    assert "Sdesk-Action: resolve" in patch and "Cleared the tray" in patch
    assert '+text = "Called the user back"' not in patch  # the diff is the change, not the file
    changed = desk.git("show", "--name-only", "--format=", "HEAD").split()
    assert desk.git("ls-files", f"*{first}.toml").strip() in changed
    assert all(p.startswith("outbox/") for p in changed if not p.endswith(f"{first}.toml"))


def test_the_users_staged_work_stays_staged_and_out_of_the_commit(desk: Desk) -> None:
    ticket = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    (desk.root / "NOTES.txt").write_text("mine\n")
    desk.git("add", "NOTES.txt")
    desk.run("note", ticket, "Called the user back")
    assert "NOTES.txt" not in desk.git("show", "--name-only", "--format=", "HEAD")
    assert desk.git("status", "--porcelain") == "A  NOTES.txt\n"


def test_a_removed_file_drops_its_folder_when_it_was_the_last(desk: Desk, tmp_path: Path) -> None:
    (desk.root / "docs" / "deep").mkdir(parents=True)
    (desk.root / "docs" / "deep" / "only.txt").write_text("x\n")
    me = git.Identity("Dana Dispatcher", "dana@omes.ok.gov")
    git.commit_paths(desk.root, ["docs/deep/only.txt"], "add\n", me)
    assert head_tree(desk) == index_tree(desk)
    (desk.root / "docs" / "deep" / "only.txt").unlink()
    git.commit_paths(desk.root, ["docs/deep/only.txt"], "remove\n", me)
    assert desk.git("ls-tree", "-r", "--name-only", "HEAD", "docs") == ""
    assert head_tree(desk) == index_tree(desk)
    assert desk.git("status", "--porcelain", "--untracked-files=all") == ""


def test_an_executable_file_keeps_its_mode(desk: Desk) -> None:
    script = desk.root / "hook.sh"
    script.write_text("#!/bin/sh\n")
    os.chmod(script, 0o755)
    git.commit_paths(desk.root, ["hook.sh"], "add a script\n",
                     git.Identity("Dana Dispatcher", "dana@omes.ok.gov"))
    assert desk.git("ls-tree", "HEAD", "hook.sh").startswith("100755 blob ")
    assert head_tree(desk) == index_tree(desk)


def test_a_symbolic_link_is_left_to_git(desk: Desk) -> None:
    (desk.root / "link").symlink_to("sdesk.toml")
    top = desk.root
    found = git.find_git_dir(top)
    assert found is not None
    head = git.read_head(found[1])
    try:
        gittree.build_tree(top, found[1], head, ["link"])
        raise AssertionError("a symbolic link must be left to git")
    except gittree.Unsupported:
        pass
    git.commit_paths(top, ["link"], "a link\n", git.Identity("Dana Dispatcher", "d@x.org"))
    assert desk.git("ls-tree", "HEAD", "link").startswith("120000 blob ")
    assert head_tree(desk) == index_tree(desk)


def test_only_the_touched_trees_are_read(desk: Desk) -> None:
    ticket = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    path = desk.git("ls-files", f"*{ticket}.toml").strip()
    found = git.find_git_dir(desk.root)
    assert found is not None
    trees = gittree._read_trees(desk.root, git.read_head(found[1]),
                                ["", "tickets", path.rsplit("/", 2)[0], path.rsplit("/", 1)[0]])
    assert set(trees) == {"", "tickets", path.rsplit("/", 2)[0], path.rsplit("/", 1)[0]}
    assert path.rsplit("/", 1)[1].encode() in trees[path.rsplit("/", 1)[0]]


def test_the_folder_built_tree_equals_git_write_tree(desk: Desk) -> None:
    first = desk.new("-T", "Printer jam", "--email", "ana.ruiz@omes.ok.gov")
    second = desk.new("-T", "VPN down", "--email", "bo.li@omes.ok.gov")
    changed = desk.git("ls-files", f"*{first}.toml").strip()
    removed = desk.git("ls-files", f"*{second}.toml").strip()
    (desk.root / changed).write_text((desk.root / changed).read_text() + "# edited\n")
    (desk.root / removed).unlink()
    (desk.root / "tickets" / "Z" / "Z").mkdir(parents=True)
    (desk.root / "tickets" / "Z" / "Z" / "INC-NEW.toml").write_text("title = 'x'\n")
    paths = [changed, removed, "tickets/Z/Z/INC-NEW.toml"]
    found = git.find_git_dir(desk.root)
    assert found is not None
    tree = gittree.build_tree(desk.root, found[1], git.read_head(found[1]), paths)
    desk.git("add", "-A", "--", *paths)
    assert tree == index_tree(desk)
    assert desk.git("cat-file", "-t", tree).strip() == "tree"


def test_a_sha256_repository_is_left_to_git(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "--object-format=sha256", str(top)], check=True)
    (top / "a.txt").write_text("one\n")
    me = git.Identity("Dana Dispatcher", "dana@omes.ok.gov")
    git.commit_paths(top, ["a.txt"], "first\n", me)
    (top / "a.txt").write_text("two\n")
    found = git.find_git_dir(top)
    assert found is not None
    try:
        gittree.build_tree(top, found[1], git.read_head(found[1]), ["a.txt"])
        raise AssertionError("SHA-256 objects must be left to git")
    except gittree.Unsupported:
        pass
    git.commit_paths(top, ["a.txt"], "second\n", me)
    show = subprocess.run(["git", "show", "HEAD:a.txt"], cwd=top, capture_output=True,
                          text=True, check=True).stdout
    assert show == "two\n"
    subprocess.run(["git", "fsck", "--strict"], cwd=top, check=True, capture_output=True)
