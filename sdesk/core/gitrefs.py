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
