"""A ticket commit without git processes: when the repository is plain, sdesk writes the blob,
trees and commit itself and moves the branch the way git does (docs/performance.md, "Commits").

Each git process a commit starts costs ~5 ms of fork and exec in sdesk plus git's own start-up;
a `note` used seven (`config`, `cat-file` and `hash-object` for the hand-edit check,
`hash-object -w`, `cat-file --batch`, `commit-tree`, `update-ref`). `Fast.open` returns None,
and the caller runs git exactly as before, whenever the repository is anything but plain:

- git would convert the file (`core.autocrlf`, `core.eol`, a `text`, `eol`, `filter`, `ident`
  or `working-tree-encoding` attribute, an attribute macro, an attributes file outside the
  work tree);
- a merge, cherry-pick, revert or rebase is in progress; HEAD is detached or in a linked
  worktree; the objects live elsewhere (alternates) or are not SHA-1 (`extensions.*`);
- a hook other than sdesk's own (`sdesk install-hooks`) or `core.hooksPath` is configured,
  signed commits are wanted (`commit.gpgSign`), a non-UTF-8 commit encoding, a shared
  repository's permissions, `core.logAllRefUpdates` other than true;
- the dates are given in the environment (`GIT_AUTHOR_DATE`, `GIT_COMMITTER_DATE`), or the
  committer's name or e-mail is missing or is something git would rewrite.

git's configuration is read by one `git config -l -z` and kept in `.git/sdesk/git-config`,
keyed by the size, time and inode of every file git reads it from and the variables that
change it; a configuration with `include` is read again each time."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from sdesk.core.errors import GitError
from sdesk.git import odb, run

CACHE = "git-config"
_CONVERTING = {"text", "eol", "crlf", "filter", "ident", "working-tree-encoding"}
_BUSY = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply",
         "sequencer")
_ENV = ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_GLOBAL", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS")
_CRUD = " .,:;<>\"\\'"  # what git strips from the ends of a name or e-mail
ZERO = "0" * 40


class Unsupported(Exception):
    """A step this module leaves to git (the caller runs git for it)."""


def config(top: Path, git_dir: Path) -> dict[str, str]:
    """git's configuration as `git config -l` gives it (keys lower-case, the last value of a
    key wins); from the cache while no file it comes from has changed."""
    key = repr(_config_key(git_dir))
    cache = git_dir / "sdesk" / CACHE
    try:  # the key's line, then what `git config -l -z` printed
        saved_key, _, out = cache.read_text(encoding="utf-8").partition("\n")
    except (OSError, ValueError):
        saved_key = out = ""
    if saved_key != key:
        out = run(["config", "-l", "-z"], top, check=False).stdout
        if "\ninclude" not in "\n" + out.replace("\0", "\n").lower():
            tmp = cache.with_name(f".{CACHE}.{os.getpid()}.tmp")
            try:
                tmp.write_text(key + "\n" + out, encoding="utf-8")
                os.replace(tmp, cache)
            except OSError:  # a read-only store: read it again next time
                tmp.unlink(missing_ok=True)
    values: dict[str, str] = {}
    for item in out.split("\0"):
        if item:
            name, _, value = item.partition("\n")
            values[name.lower()] = value
    return values


def _config_key(git_dir: Path) -> list[object]:
    home = os.environ.get("HOME", "")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    files = [git_dir / "config", git_dir / "config.worktree", Path("/etc/gitconfig"),
             Path(home, ".gitconfig"), Path(xdg, "git", "config")]
    stats: list[object] = []
    for path in files:
        try:
            st = os.stat(path)
            stats.append([st.st_size, st.st_mtime_ns, st.st_ino])
        except OSError:
            stats.append(None)
    env = [os.environ.get(name) for name in _ENV]
    env += [v for k, v in sorted(os.environ.items()) if k.startswith("GIT_CONFIG_")]
    return [stats, env]


def identity(values: dict[str, str], who: str) -> tuple[str, str] | None:
    """(name, e-mail) git would use for `who` ("author" or "committer"), or None when git
    would have to guess or would rewrite it."""
    env_who = who.upper()
    name = (os.environ.get(f"GIT_{env_who}_NAME") or values.get(f"{who}.name")
            or values.get("user.name"))
    email = (os.environ.get(f"GIT_{env_who}_EMAIL") or values.get(f"{who}.email")
             or values.get("user.email"))
    if not name or not email or not plain_ident(name, email):
        return None
    return name, email


def plain_ident(name: str, email: str) -> bool:
    """True when git writes this name and e-mail unchanged (no crud at the ends, no <>)."""
    for text in (name, email):
        if not text or text[0] in _CRUD or text[-1] in _CRUD or ord(min(text)) < 32:
            return False
        if "<" in text or ">" in text or "\n" in text:
            return False
    return True


class Fast:
    """What an in-process commit needs: the object store, the branch HEAD names, who commits."""

    def __init__(self, top: Path, git_dir: Path, ref: str, committer: tuple[str, str]) -> None:
        self.top = top
        self.git_dir = git_dir
        self.ref = ref
        self.committer = committer
        self.stamp = ""  # the date of the commit this object wrote (its reflog line has it too)
        self.objects = odb.store_for(git_dir / "objects")

    @classmethod
    def open(cls, top: Path, git_dir: Path) -> Fast | None:
        """A Fast for this repository, or None when anything is unusual (the module's list)."""
        try:
            head = (git_dir / "HEAD").read_text(encoding="utf-8")
        except OSError:
            return None
        if not head.startswith("ref: refs/heads/") or (git_dir / "commondir").exists():
            return None
        if any(os.environ.get(v) for v in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE")):
            return None
        if any((git_dir / name).exists() for name in _BUSY) or _user_hooks(git_dir):
            return None
        values = config(top, git_dir)
        committer = identity(values, "committer")
        if committer is None or not _plain_config(values) or not _plain_attributes(top, git_dir):
            return None
        try:
            return cls(top, git_dir, head[5:].strip(), committer)
        except odb.Unsupported:
            return None

    def check_paths(self, paths: list[str]) -> None:
        """Unsupported when a folder on one of `paths` has its own .gitattributes."""
        folders = {""}
        for path in paths:
            parts = path.split("/")[:-1]
            folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        folders.discard("")
        if any(os.path.lexists(self.top / f / ".gitattributes") for f in folders):
            raise Unsupported("a .gitattributes file in a sub-folder")

    def tree_entry(self, commit: str, path: str) -> tuple[bytes, bytes] | None:
        """(mode, 20-byte id) of `path` in `commit`, or None when it has none."""
        kind, body = self.objects.commit_head(bytes.fromhex(commit))
        if kind != b"commit" or not body.startswith(b"tree "):
            raise Unsupported("HEAD is not a commit")
        entry: tuple[bytes, bytes] | None = (b"40000", bytes.fromhex(body[5:45].decode()))
        for part in path.split("/"):
            assert entry is not None
            if entry[0] != b"40000":
                return None
            kind, body = self.objects.read(entry[1])
            entry = parse_tree(body).get(part.encode("utf-8", "surrogateescape"))
            if entry is None:
                return None
        return entry

    def commit(self, tree: str, parent: str, message: str, author: tuple[str, str]) -> str:
        """Write the commit object `git commit-tree TREE -p PARENT` would write now."""
        body = self._header(tree, parent, author) + message
        return self.objects.write(b"commit", body.encode("utf-8"))

    def commit_parts(self, tree: str, parent: str, message: Iterable[bytes], size: int,
                     author: tuple[str, str]) -> str:
        """As `commit`, the message (UTF-8, `size` bytes) given in parts and stored as they
        come (a batch's message can be tens of megabytes: sdesk/git/bigcommit.py)."""
        head = self._header(tree, parent, author).encode("utf-8")
        return odb.write_loose_parts(self.objects.dir, b"commit", len(head) + size,
                                     itertools.chain([head], message))

    def _header(self, tree: str, parent: str, author: tuple[str, str]) -> str:
        if not plain_ident(*author):
            raise Unsupported("an author name git would rewrite")
        stamp = self.stamp = _stamp()
        return (f"tree {tree}\nparent {parent}\n"
                f"author {author[0]} <{author[1]}> {stamp}\n"
                f"committer {self.committer[0]} <{self.committer[1]}> {stamp}\n\n")

    def update_ref(self, new: str, old: str, reason: str) -> None:
        """Move HEAD's branch from `old` to `new` as `git update-ref -m REASON HEAD NEW OLD`
        does: under `REF.lock`, the old value checked, both reflogs appended, then the lock
        renamed over the ref. Raises GitError when the branch is not at `old`, Unsupported
        when the lock is taken (git then says why)."""
        ref_path = self.git_dir / self.ref
        lock = ref_path.with_name(ref_path.name + ".lock")
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            raise Unsupported("the branch is locked") from None
        try:
            current = self._current()
            if current != old:
                raise GitError(["update-ref", "HEAD", new, old], 128,
                               f"fatal: cannot lock ref 'HEAD': is at {current} but expected "
                               f"{old}")
            os.write(fd, new.encode() + b"\n")
            os.close(fd)
            fd = -1
            who = f"{self.committer[0]} <{self.committer[1]}> {self.stamp or _stamp()}"
            line = f"{old or ZERO} {new} {who}\t{' '.join(reason.split())}\n".encode()
            for log in (self.git_dir / "logs" / self.ref, self.git_dir / "logs" / "HEAD"):
                log.parent.mkdir(parents=True, exist_ok=True)
                with open(log, "ab") as fh:
                    fh.write(line)
            os.replace(lock, ref_path)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            lock.unlink(missing_ok=True)
            raise

    def ready(self, author: tuple[str, str]) -> bool:
        """True when git would write `author` as it is (else git's commit-tree does it)."""
        return plain_ident(*author)

    def commit_and_move(self, tree: str, parent: str, message: str, author: tuple[str, str],
                        old: str, reason: str) -> str:
        """The commit written and HEAD's branch moved to it (`git update-ref` when the
        branch's lock is taken, so git says why); returns the commit's id."""
        commit = self.commit(tree, parent, message, author)
        try:
            self.update_ref(commit, old, reason)
        except Unsupported:
            run(["update-ref", "-m", reason, "HEAD", commit, old], self.top, keep_lock=True)
        return commit

    def _current(self) -> str:
        try:
            return (self.git_dir / self.ref).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
        try:
            for line in (self.git_dir / "packed-refs").read_text(encoding="utf-8").splitlines():
                if line.endswith(" " + self.ref):
                    return line.split(" ", 1)[0]
        except FileNotFoundError:
            pass
        return ""


def parse_tree(body: bytes) -> dict[bytes, tuple[bytes, bytes]]:
    """{name: (mode, 20-byte id)} of a tree object's body."""
    tree: dict[bytes, tuple[bytes, bytes]] = {}
    pos = 0
    while pos < len(body):
        space = body.index(b" ", pos)
        nul = body.index(b"\0", space)
        tree[body[space + 1:nul]] = (body[pos:space], body[nul + 1:nul + 21])
        pos = nul + 21
    return tree


def _stamp() -> str:
    """git's date of now: seconds since the epoch and the local zone's offset (+HHMM)."""
    now = int(time.time())
    offset = time.localtime(now).tm_gmtoff // 60
    sign = "-" if offset < 0 else "+"
    return f"{now} {sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"


def _plain_config(values: dict[str, str]) -> bool:
    if any(k.startswith("extensions.") for k in values):
        return False
    if values.get("core.repositoryformatversion", "0") not in ("0", "1"):
        return False
    if values.get("core.autocrlf", "false").lower() not in ("false", "no", "off", "0"):
        return False
    if values.get("commit.gpgsign", "false").lower() not in ("false", "no", "off", "0"):
        return False
    if values.get("core.logallrefupdates", "true").lower() not in ("true", "yes", "on", "1"):
        return False
    if values.get("i18n.commitencoding", "utf-8").lower() not in ("utf-8", "utf8"):
        return False
    unusual = ("core.eol", "core.hookspath", "core.sharedrepository", "core.attributesfile",
               "core.bare", "core.worktree")
    return not any(values.get(k) not in (None, "false") for k in unusual)


def _user_hooks(git_dir: Path) -> bool:
    """True when a hook other than the samples and sdesk's own is installed."""
    from sdesk.git.collab import HOOK_MARK

    try:
        names = os.listdir(git_dir / "hooks")
    except FileNotFoundError:
        return False
    for name in names:
        if name.endswith(".sample"):
            continue
        try:
            text = (git_dir / "hooks" / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return True
        if HOOK_MARK not in text:
            return True
    return False


def _plain_attributes(top: Path, git_dir: Path) -> bool:
    """True when neither the top .gitattributes nor .git/info/attributes (sdesk's merge-only
    block since session 40) converts a file (a sub-folder's: Fast.check_paths; a global one
    falls back)."""
    home = os.environ.get("HOME", "")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    for other in (Path(xdg, "git", "attributes"), Path("/etc/gitattributes")):
        if other.exists():
            return False
    return all(map(_plain_attributes_file, (top / ".gitattributes", git_dir / "info/attributes")))


def _plain_attributes_file(path: Path) -> bool:
    """True when the attributes file at `path` is missing or converts nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0].startswith(("[attr]", '"')):
            return False
        for word in words[1:]:
            if word.lstrip("-!").split("=", 1)[0] in _CONVERTING or word == "binary":
                return False
    return True


def uncommitted(top: Path, git_dir: Path, head: str, paths: list[str]) -> list[str] | None:
    """The `paths` whose file differs from HEAD's blob (sdesk.git.uncommitted), found without
    git; None when git has to answer (Fast.open's list, a link or a folder on a path)."""
    fast = Fast.open(top, git_dir)
    if fast is None:
        return None
    try:
        fast.check_paths(paths)
        dirty = []
        for path, entry in _head_entries(fast, head, paths):
            target = top / path
            if not os.path.lexists(target):
                if entry is not None:
                    dirty.append(path)
                continue
            if not target.is_file() or target.is_symlink():
                return None
            if entry is None or entry[1] != odb.blob_id(target.read_bytes()):
                dirty.append(path)
        return dirty
    except (Unsupported, odb.Unsupported, odb.MissingObject, OSError):
        return None


def _head_entries(fast: Fast, head: str, paths: list[str]
                  ) -> Iterator[tuple[str, tuple[bytes, bytes] | None]]:
    """(path, HEAD's (mode, id) of it or None) for each of `paths`, in their order. A folder's
    tree is parsed once for the paths in a row that share it (a batch's paths come sorted:
    30,000 of them parsed the top trees 30,000 times each), and only the trees along the
    current path are kept."""
    kind, body = fast.objects.commit_head(bytes.fromhex(head))
    if kind != b"commit" or not body.startswith(b"tree "):
        raise Unsupported("HEAD is not a commit")
    root = parse_tree(fast.objects.read(bytes.fromhex(body[5:45].decode()))[1])
    along: dict[str, dict[bytes, tuple[bytes, bytes]] | None] = {"": root}

    def tree_of(folder: str) -> dict[bytes, tuple[bytes, bytes]] | None:
        if folder in along:
            return along[folder]
        parent, _, name = folder.rpartition("/")
        above = tree_of(parent)
        entry = above.get(name.encode("utf-8", "surrogateescape")) if above else None
        tree = (parse_tree(fast.objects.read_once(entry[1])[1])
                if entry is not None and entry[0] == b"40000" else None)
        along[folder] = tree
        return tree

    for path in paths:
        folder, _, name = path.rpartition("/")
        if folder not in along:  # keep only the trees above this folder
            for kept in [k for k in along if k and not folder.startswith(k + "/")]:
                del along[kept]
        tree = tree_of(folder)
        yield path, (tree.get(name.encode("utf-8", "surrogateescape")) if tree else None)
