"""A commit's trees built from the folders it touches, so its cost follows the change, not the
store (docs/performance.md, "Commits").

`git write-tree` builds the root tree from git's index, which holds one entry per file: 9.6 MB
at 100,000 tickets, ~96 MB at a million, read whole by every git command that touches it. The
trees of a commit that changes a few ticket files differ from HEAD's only along the paths to
those files (the root, tickets/, two shard folders). So:

1. `git hash-object -w --stdin-paths` stores the changed files (with git's own filters and
   attributes, exactly as `git add` would);
2. one `git cat-file --batch` reads HEAD's trees along the touched paths, and nothing else;
3. the new trees are serialised here (git's tree format and entry order) and written as
   ordinary loose objects, the way git itself writes them.

Nothing here reads or writes git's index; `sdesk.git.commit_paths` updates the index by the
changed entries only, at the same time. The repository stays plain git: `git fsck`,
`git log -p` and a forge see the same objects `git write-tree` would have made
(tests/test_gittree.py compares the two).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from sdesk.git import clean_env, run

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from sdesk.git.inproc import Fast

TREE_MODE = b"40000"
FILE_MODES = {b"100644", b"100755", b"120000"}  # kept as they are when untouched


class Unsupported(Exception):
    """The change touches something this builder leaves to git (a submodule, a folder where a
    file was, or the reverse): the caller falls back to `update-index` + `write-tree`."""


Tree = dict[bytes, tuple[bytes, bytes]]  # entry name -> (mode, 20-byte object id)


def build_tree(top: Path, git_dir: Path, head: str, paths: Sequence[str],
               blobs_out: dict[str, tuple[bytes, bytes]] | None = None,
               fast: Fast | None = None) -> str:
    """The root tree id of HEAD with `paths` (relative to `top`, '/'-separated) set to the
    files now in the work tree, or removed where the file is gone. Writes the new blob and
    tree objects; raises Unsupported for shapes it leaves to git, GitError when git fails.
    `blobs_out` receives {path: (mode, 20-byte blob id)} of the files present. With `fast`
    (sdesk/git/inproc.py) the objects are read and written in-process, without git."""
    if any("\n" in p or "\0" in p for p in paths):
        raise Unsupported("a path with a line break")
    present = [p for p in paths if os.path.lexists(top / p)]
    blobs = _hash_files(top, present) if fast is None else _write_blobs(fast, present)
    folders = sorted({_parent(p) for p in paths} | {""}, key=_depth)
    folders = sorted(_with_ancestors(folders), key=_depth)
    trees = _read_trees(top, head, folders) if fast is None else _trees_of(fast, head, folders)
    for path in paths:
        folder, name = _split(path)
        tree = trees[folder]
        if path in blobs:
            mode = _file_mode(top / path)
            old = tree.get(name)
            if old is not None and old[0] == TREE_MODE:
                raise Unsupported(f"{path} was a folder")
            tree[name] = (mode, blobs[path])
            if blobs_out is not None:
                blobs_out[path] = (mode, blobs[path])
        else:
            tree.pop(name, None)
    return _write_up(git_dir, trees, folders)


def _write_blobs(fast: Fast, paths: list[str]) -> dict[str, bytes]:
    """The files stored as blobs by sdesk (git would store the same bytes: Fast.open made
    sure no filter or conversion applies)."""
    out = {}
    for path in paths:
        with open(fast.top / path, "rb") as fh:
            out[path] = bytes.fromhex(fast.objects.write(b"blob", fh.read()))
    return out


def _trees_of(fast: Fast, head: str, folders: list[str]) -> dict[str, Tree]:
    """HEAD's tree at each folder (empty where HEAD has none), read in-process."""
    trees: dict[str, Tree] = {}
    for folder in folders:  # parents first: each read is cached, so a path costs its depth
        entry = fast.tree_entry(head, folder) if folder else None
        if folder and entry is None:
            trees[folder] = {}
            continue
        if entry is not None and entry[0] != TREE_MODE:
            raise Unsupported(f"{folder} is not a folder in HEAD")
        if entry is None:
            body = fast.objects.commit_head(bytes.fromhex(head))[1]
            entry = (TREE_MODE, bytes.fromhex(body[5:45].decode()))
        trees[folder] = _parse(fast.objects.read(entry[1])[1])
    return trees


def _write_up(git_dir: Path, trees: dict[str, Tree], folders: list[str]) -> str:
    """Write the trees deepest first, each parent pointing at its new child."""
    root = ""
    for folder in sorted(folders, key=_depth, reverse=True):
        tree = trees[folder]
        if folder == "":
            root = _write_object(git_dir, b"tree", _serialise(tree))
            continue
        parent, name = _split(folder)
        if tree:
            oid = _write_object(git_dir, b"tree", _serialise(tree))
            trees[parent][name] = (TREE_MODE, bytes.fromhex(oid))
        else:  # git never records an empty folder
            trees[parent].pop(name, None)
    return root


def _hash_files(top: Path, paths: list[str]) -> dict[str, bytes]:
    if not paths:
        return {}
    out = run(["hash-object", "-w", "--stdin-paths"], top, input="".join(p + "\n" for p in paths),
              keep_lock=True).stdout.split()
    if len(out) != len(paths) or any(len(oid) != 40 for oid in out):
        raise Unsupported("hash-object did not answer with one SHA-1 per file")
    return {p: bytes.fromhex(oid) for p, oid in zip(paths, out, strict=True)}


def _read_trees(top: Path, head: str, folders: list[str]) -> dict[str, Tree]:
    """HEAD's tree at each folder (empty where HEAD has none), from one `git cat-file --batch`."""
    import subprocess  # here: an in-process commit never starts git (~14 M to import)

    query = "".join(f"{head}:{f}\n" for f in folders).encode()
    proc = subprocess.run(["git", "cat-file", "--batch"], cwd=top, input=query,
                          capture_output=True, env=clean_env(), check=False)
    if proc.returncode != 0:
        raise Unsupported("git cat-file failed: " + proc.stderr.decode("utf-8", "replace"))
    data, pos = proc.stdout, 0
    trees: dict[str, Tree] = {}
    for folder in folders:
        end = data.index(b"\n", pos)
        line = data[pos:end]
        pos = end + 1
        header = line.split(b" ")
        if line.endswith(b" missing"):
            trees[folder] = {}
            continue
        if len(header) != 3 or header[1] != b"tree":
            raise Unsupported(f"{folder or 'the top folder'} is not a folder in HEAD")
        if len(header[0]) != 40:  # a SHA-256 repository: objects here are SHA-1 only
            raise Unsupported("not a SHA-1 repository")
        size = int(header[2])
        trees[folder] = _parse(data[pos:pos + size])
        pos += size + 1
    return trees


def _parse(body: bytes) -> Tree:
    tree: Tree = {}
    pos = 0
    while pos < len(body):
        space = body.index(b" ", pos)
        nul = body.index(b"\0", space)
        mode, name = body[pos:space], body[space + 1:nul]
        if mode != TREE_MODE and mode not in FILE_MODES:
            raise Unsupported(f"a tree entry of mode {mode.decode()} (submodule?)")
        tree[name] = (mode, body[nul + 1:nul + 21])
        pos = nul + 21
    return tree


def _serialise(tree: Tree) -> bytes:
    """git's tree format, entries in git's order (a folder sorts as if its name ended in '/')."""
    names = sorted(tree, key=lambda n: n + b"/" if tree[n][0] == TREE_MODE else n)
    return b"".join(tree[n][0] + b" " + n + b"\0" + tree[n][1] for n in names)


def _write_object(git_dir: Path, kind: bytes, body: bytes) -> str:
    from sdesk.git import odb

    return odb.write_loose(_objects_dir(git_dir), kind, body)


def _objects_dir(git_dir: Path) -> Path:
    commondir = git_dir / "commondir"
    if commondir.is_file():  # a linked worktree shares the main repository's objects
        return (git_dir / commondir.read_text(encoding="utf-8").strip()).resolve() / "objects"
    return git_dir / "objects"


def _file_mode(path: Path) -> bytes:
    st = os.lstat(path)
    if (st.st_mode & 0o170000) != 0o100000:  # a symbolic link's blob is its target: git's job
        raise Unsupported(f"{path} is not a regular file")
    return b"100755" if st.st_mode & 0o100 else b"100644"


def _split(path: str) -> tuple[str, bytes]:
    folder, _, name = path.rpartition("/")
    return folder, name.encode("utf-8", "surrogateescape")


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _with_ancestors(folders: list[str]) -> set[str]:
    out = {""}
    for folder in folders:
        parts = folder.split("/") if folder else []
        for i in range(1, len(parts) + 1):
            out.add("/".join(parts[:i]))
    return out


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0
