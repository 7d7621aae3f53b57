"""The one way sdesk runs git: argument lists, never a shell, a clean environment.

Commits use plumbing (update-index, write-tree, commit-tree, update-ref) because a porcelain
`git add` + `git commit` rewrites the whole index and costs ~250 ms at 100,000 tickets.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from sdesk.core.errors import GitError, SdeskError

# Read without this module (read commands do not load it): sdesk/core/gitrefs.py.
from sdesk.core.gitrefs import find_git_dir as find_git_dir
from sdesk.core.gitrefs import read_head as read_head

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    import subprocess  # at use: read commands never start git (~10 ms of imports)
    from typing import BinaryIO, NamedTuple

    from sdesk.git.inproc import Fast

# Inherited variables that would point git at another repository or index (for example when
# sdesk runs inside a git hook). Author and committer identity variables are kept on purpose.
_STRIP = {
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
    "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_QUARANTINE_PATH",
}


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _STRIP}
    env.setdefault("LC_ALL", "C")
    env["GIT_TERMINAL_PROMPT"] = "0"
    if extra:
        env.update(extra)
    return env


def hook_index() -> dict[str, str] | None:
    """The index a commit being made records, for the pre-commit hook: git names it in
    $GIT_INDEX_FILE (`git commit -a` or `git commit FILE` stage into a temporary index, not
    .git/index), which clean_env strips. Read .git/index, the hook passed a broken ticket file
    on `commit -a` (fresh-user finding 3, session 30). A relative path is the hook's working
    folder's (the work tree's top)."""
    named = os.environ.get("GIT_INDEX_FILE")
    return {"GIT_INDEX_FILE": os.path.abspath(named)} if named else None


# The store lock's file descriptor while this process holds it (set by Store.lock). The git
# steps of a commit inherit it, so if sdesk is killed mid-commit the lock stays held until its
# git child has finished too, and the next command's recovery never races a running git.
held_lock_fd: int | None = None


def run(
    args: Sequence[str],
    cwd: Path,
    input: str | bytes | BinaryIO | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
    keep_lock: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `git ARGS` in `cwd`; raise GitError on failure when `check`. `keep_lock` lets a
    short git step inherit the store lock (never a command that may leave a daemon behind,
    such as an automatic gc after fetch or merge)."""
    cmd = ["git", *args]
    # an open file is handed to git as its stdin (a big input need not be held in memory)
    stdin: BinaryIO | None = None
    data: bytes | None = None
    if isinstance(input, str):
        data = input.encode()
    elif isinstance(input, bytes):
        data = input
    elif input is not None:
        stdin = input
    import subprocess

    fds = (held_lock_fd,) if keep_lock and held_lock_fd is not None else ()
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, input=data, stdin=stdin, capture_output=True, env=clean_env(env),
            check=False, pass_fds=fds,
        )
    except FileNotFoundError:
        raise SdeskError("git is not installed or not on PATH") from None
    result = subprocess.CompletedProcess(
        cmd, proc.returncode, proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )
    if check and proc.returncode != 0:
        raise GitError(cmd, proc.returncode, result.stderr or result.stdout)
    return result


def require() -> None:
    """Refuse before anything is written when git cannot be run (a commit, and the rollback
    of a failed one, both need it): one line, and the store stays as it was."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder, "git")  # as shutil.which looks (~6 M to import)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return
    raise SdeskError("git is not installed or not on PATH; nothing was changed")


if TYPE_CHECKING:
    class _Named(NamedTuple):
        name: str
        email: str
else:  # the same class as typing.NamedTuple makes, without importing typing
    from collections import namedtuple

    _Named = namedtuple("_Named", ("name", "email"))


class Identity(_Named):
    """Who a commit is by: (name, email). A named tuple, not a dataclass: every command imports
    this module and a dataclass costs ~0.5 ms to create at import."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def parse_identity(text: str) -> Identity:
    """'Name <email>' or a bare name (the email then is name@localhost-like placeholder)."""
    text = text.strip()
    if any(c in text for c in "\r\n\x00"):
        raise SdeskError("--actor must be a single line")
    if "<" in text and text.endswith(">"):
        name, email = text[:-1].split("<", 1)
        return Identity(name.strip(), email.strip())
    return Identity(text, f"{text.replace(' ', '.').lower()}@sdesk.invalid")


def user_identity(top: Path) -> Identity:
    """The git user, as git itself would choose it for a commit."""
    name = os.environ.get("GIT_AUTHOR_NAME")
    email = os.environ.get("GIT_AUTHOR_EMAIL")
    if name and email:
        return Identity(name, email)
    found = find_git_dir(top)
    if found is not None:  # git's configuration, cached (sdesk/git/inproc.py): no process
        from sdesk.git import inproc

        values = inproc.config(top, found[1])
    else:
        out = run(["config", "--get-regexp", r"^user\.(name|email)$"], top, check=False).stdout
        values = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    name = name or values.get("user.name", "")
    email = email or values.get("user.email", "")
    if not name or not email:
        raise SdeskError(
            "git does not know who you are: set git config user.name and user.email, or pass --actor"
        )
    return Identity(name, email)


def no_index_env(git_dir: Path) -> dict[str, str]:
    """For tree-to-tree diffs: point git at an index file that does not exist. git reads the
    whole index anyway (15-20 ms at 100,000 files) though comparing two trees never needs it."""
    return {"GIT_INDEX_FILE": str(git_dir / "sdesk" / "no-such-index")}


FOLDER_COMMIT_MAX = 200  # paths; a bigger batch (triage --all, import) builds its tree from the index


def commit_paths(
    top: Path,
    paths: Iterable[str],
    message: str,
    author: Identity,
    expected_head: str | None = None,
) -> str:
    """Commit exactly `paths` (relative to `top`, added, changed or deleted in the work tree) and
    nothing else that may be staged. Returns the new commit id.

    The commit's trees are HEAD's with only the folders holding `paths` rewritten
    (sdesk/git/gittree.py), so its cost does not grow with the store; git's index is updated for
    these paths only (`update-index`, run at the same time), so `git status` stays clean and
    the user's other staged work stays staged and out of the commit. Raises GitError when git
    fails, or when HEAD moved away from `expected_head`.
    """
    paths = sorted(set(paths))
    if not paths:
        raise ValueError("nothing to commit")
    found = find_git_dir(top)
    assert found is not None
    git_dir = found[1]
    head = read_head(git_dir)
    listing = "\0".join(paths) + "\0"
    tree = ""
    fast = None
    if head and len(paths) <= FOLDER_COMMIT_MAX:
        from sdesk.git import inproc

        fast = inproc.Fast.open(top, git_dir)
        tree = _tree_by_folders(top, git_dir, head, paths, listing, fast)
    if not tree:
        fast = None
        tree = _tree_from_index(top, git_dir, head, paths, listing)
    old = expected_head if expected_head is not None else head
    reason = "sdesk: " + message.splitlines()[0]
    if fast is not None and fast.ready(author):
        return fast.commit_and_move(tree, head, message, author, old or "", reason)
    env = {
        "GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email,
    }
    parents = ["-p", head] if head else []
    commit = run(["commit-tree", tree, *parents, "-F", "-"], top, input=message, env=env,
                 keep_lock=True).stdout
    commit = commit.strip()
    run(["update-ref", "-m", reason, "HEAD", commit, old or ""], top, keep_lock=True)
    return commit


SCAN_FROM = 2000  # paths from which `uncommitted` reads git's index (~0.6 s at a million entries)


def uncommitted(top: Path, paths: Iterable[str]) -> list[str]:
    """The `paths` (relative to `top`) whose work-tree content differs from HEAD: changed,
    staged but not committed, created or deleted by hand. In-process when the repository is
    plain: each file read and hashed, or for a batch's thousands of paths one pass over git's
    index (a file whose stat data its entry records is not read; sdesk/git/indexscan.py); else
    two git processes whatever the count (cat-file for HEAD's blob ids, hash-object for the
    files as git would store them)."""
    from itertools import pairwise

    wanted = sorted(paths)  # not a set: ~8 MB more for a sweep's 306,000 paths at a million
    if any(a == b for a, b in pairwise(wanted)):
        wanted = list(dict.fromkeys(wanted))
    found = find_git_dir(top)
    if not wanted or found is None or not read_head(found[1]):
        return []
    from sdesk.git import inproc

    dirty = None
    if len(wanted) >= SCAN_FROM:
        from sdesk.git import indexscan

        dirty = indexscan.uncommitted(top, found[1], read_head(found[1]), wanted)
    if dirty is None:
        dirty = inproc.uncommitted(top, found[1], read_head(found[1]), wanted)
    if dirty is not None:
        return dirty
    query = "".join(f"HEAD:{p}\n" for p in wanted)
    out = run(["cat-file", "--batch-check=%(objectname)"], top, input=query).stdout.splitlines()
    in_head = {p: (line if not line.endswith("missing") else "") for p, line in zip(wanted, out,
                                                                                    strict=True)}
    present = [p for p in wanted if (top / p).is_file()]
    hashes: dict[str, str] = {}
    if present:
        listing = "".join(p + "\n" for p in present)
        got = run(["hash-object", "--stdin-paths"], top, input=listing).stdout.split()
        hashes = dict(zip(present, got, strict=True))
    return [p for p in wanted if in_head[p] != hashes.get(p, "")]


def _tree_by_folders(top: Path, git_dir: Path, head: str, paths: list[str], listing: str,
                     fast: Fast | None = None) -> str:
    """The commit's tree from HEAD's trees along `paths`, then git's index updated for the
    same paths by rewriting only the small file of its split index (sdesk/git/splitindex.py); ""
    when the change has a shape left to git (the caller then uses the index)."""
    from sdesk.git import gittree, inproc, odb

    blobs: dict[str, tuple[bytes, bytes]] = {}
    try:
        tree = gittree.build_tree(top, git_dir, head, paths, blobs, fast)
    except (gittree.Unsupported, inproc.Unsupported, odb.Unsupported, odb.MissingObject):
        return ""
    update_index(top, git_dir, paths, blobs, listing)
    return tree


def update_index(top: Path, git_dir: Path, paths: list[str],
                 blobs: Mapping[str, tuple[bytes, bytes]], listing: str, fold: bool = True
                 ) -> None:
    """Record `paths` (present ones with their (mode, blob id) in `blobs`, the others deleted;
    `listing`: them NUL-terminated for git, "" to make it only if git is needed) in git's
    index: in the small file of a split index when it can (its cost does not grow with the
    store), else by `git update-index` (which reads the whole index). Every
    SPLIT_MAX commits the small file is folded into a new shared index. fold=False is a big
    batch's: SPLIT_MAX paths or more are folded in with the small file's entries in one pass
    (sdesk/git/splitfold.py, flat memory), fewer go into the small file however many it
    holds (splitindex.update)."""
    from sdesk.git import splitindex

    if not fold and len(paths) >= splitindex.SPLIT_MAX:  # a big batch: folded in, in one pass
        from sdesk.git import splitfold

        try:
            return splitfold.fold_in(top, git_dir, paths, blobs)
        except (splitindex.Unsupported, OSError, ValueError, IndexError, struct.error):
            pass  # the small file takes them, or git
    changes = [splitindex.Change(p, blobs[p][1] if p in blobs else None,
                                 int(blobs[p][0], 8) if p in blobs else 0) for p in paths]
    args = ["update-index", "--add", "--remove", "-z", "--stdin"]
    try:
        if splitindex.update(top, git_dir, changes, fold):
            return
        args = ["-c", "splitIndex.maxPercentChange=0", *args]  # fold into a new shared index
    except (splitindex.Unsupported, OSError, ValueError, IndexError, struct.error):
        pass  # an index this reader does not follow (or a git command holds its lock)
    run(args, top, input=listing or "\0".join(paths) + "\0", keep_lock=True)


def _tree_from_index(top: Path, git_dir: Path, head: str, paths: list[str], listing: str) -> str:
    """The tree `git write-tree` makes after `update-index` of `paths`; rebuilt in a temporary
    index from HEAD when the user had other changes staged, so they stay out of the commit."""
    run(["update-index", "--add", "--remove", "-z", "--stdin"], top, input=listing, keep_lock=True)
    tree = run(["write-tree"], top, keep_lock=True).stdout.strip()
    if head:
        changed = run(["diff-tree", "-r", "--name-only", "-z", head, tree], top,
                      env=no_index_env(git_dir)).stdout
        wanted = set(paths)  # once: building it per path made a 25,000-file commit take a minute
        extra = [p for p in changed.split("\0") if p and p not in wanted]
        if extra:
            tree = _tree_with_only(top, head, listing)
    return tree


def start(args: Sequence[str], cwd: Path, input: bytes, keep_lock: bool = False
          ) -> subprocess.Popen[bytes]:
    """Start `git ARGS` with `input` on its stdin and return at once; `finish` waits for it."""
    import subprocess

    fds = (held_lock_fd,) if keep_lock and held_lock_fd is not None else ()
    try:
        proc = subprocess.Popen(["git", *args], cwd=cwd, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=clean_env(), pass_fds=fds)
    except FileNotFoundError:
        raise SdeskError("git is not installed or not on PATH") from None
    assert proc.stdin is not None
    try:
        proc.stdin.write(input)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # git stopped early; finish() reports why
    proc.stdin = None  # written and closed: communicate() must not touch it again
    return proc


def finish(proc: subprocess.Popen[bytes]) -> str:
    """Wait for a git started by `start`; its stdout, or GitError when it failed."""
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        args = [str(a) for a in proc.args] if isinstance(proc.args, list) else [str(proc.args)]
        raise GitError(args, proc.returncode, stderr.decode("utf-8", "replace"))
    return stdout.decode("utf-8", "replace")


def pack_blobs(top: Path, blobs: Iterable[bytes]) -> None:
    """Store many file contents in git as one pack (git fast-import) before a big commit: the
    commit's update-index then finds every object present instead of writing thousands of
    loose object files."""
    import tempfile

    # Through a temporary file, not a buffer: 25,000 tickets are ~55 MB of stream that a
    # buffer (and its copy) would add to the import's peak memory.
    with tempfile.TemporaryFile() as stream:
        for data in blobs:
            stream.write(b"blob\ndata %d\n" % len(data))
            stream.write(data)
            stream.write(b"\n")
        stream.seek(0)
        run(["fast-import", "--quiet"], top, input=stream, keep_lock=True)


def _tree_with_only(top: Path, head: str, listing: str) -> str:
    git_dir = find_git_dir(top)
    assert git_dir is not None
    tmp_index = git_dir[1] / "sdesk" / "commit.index"
    tmp_index.parent.mkdir(exist_ok=True)
    env = {"GIT_INDEX_FILE": str(tmp_index)}
    try:
        run(["read-tree", head], top, env=env)
        run(["update-index", "--add", "--remove", "-z", "--stdin"], top, input=listing, env=env)
        return run(["write-tree"], top, env=env).stdout.strip()
    finally:
        tmp_index.unlink(missing_ok=True)


def trailers(pairs: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"{key}: {' '.join(value.split())}" for key, value in pairs)
