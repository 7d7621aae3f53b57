"""A repository's git dir and HEAD, read from its files: what every read command needs of git,
without loading sdesk.git (its imports are ~30 M instructions of `sdesk show`) or running git
(a process costs milliseconds). sdesk.git re-exports both."""

from __future__ import annotations

from pathlib import Path


def find_git_dir(start: Path) -> tuple[Path, Path] | None:
    """(work tree top, git dir) for the repository holding `start`, found without running git
    (a subprocess costs milliseconds every read command would pay)."""
    for folder in (start, *start.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return folder, dot
        if dot.is_file():
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.split(":", 1)[1].strip())
                return folder, (target if target.is_absolute() else (folder / target).resolve())
    return None


def read_head(git_dir: Path) -> str:
    """The commit HEAD points at, read from files (loose or packed ref); "" when unborn."""
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    if not head.startswith("ref:"):
        return head
    ref = head[4:].strip()
    common = git_dir
    commondir = git_dir / "commondir"
    if commondir.is_file():
        common = (git_dir / commondir.read_text().strip()).resolve()
    for base in (git_dir, common):
        try:
            return (base / ref).read_text(encoding="utf-8").strip()
        except OSError:
            pass
    try:
        for line in (common / "packed-refs").read_text(encoding="utf-8").splitlines():
            if line.endswith(" " + ref):
                return line.split(" ", 1)[0]
    except OSError:
        pass
    return ""


def merging(git_dir: Path) -> bool:
    """A merge is unfinished: git wrote .git/MERGE_HEAD and no commit or abort has removed it."""
    return (git_dir / "MERGE_HEAD").exists()


def merge_conflict(data: bytes, where: str, git_dir: Path) -> str:
    """What to say of a file (its bytes `data`) that does not parse when a merge left git's
    conflict markers in it ("" when it holds none): the merge, the line, and what to do. A
    merge still in progress (.git/MERGE_HEAD) is finished or aborted; markers a finished merge
    committed are edited out and committed (`sdesk check` lists both). `where` names the file
    for the user."""
    lines = data.splitlines()
    found = next((n for n, line in enumerate(lines, 1) if line.startswith(b"<<<<<<<")), 0)
    if not found or not any(line.startswith(b">>>>>>>") for line in lines):
        return ""
    if merging(git_dir):
        return (f"{where}: a merge is unfinished and left a conflict in this ticket (line "
                f"{found}: <<<<<<<); edit the file to keep the right lines, then git add it and "
                f"git commit, or undo the merge with git merge --abort")
    return (f"{where}: a merge left conflict markers in this ticket (line {found}: <<<<<<<); "
            f"edit the file to keep the right lines and commit it")
