"""`sdesk sync`: fetch, merge, push, under the store lock.

Why merge and not rebase: a merge integrates the remote in one step that either lands whole or is
aborted whole, every ticket file goes through the sdesk merge driver once, and the commits that
were pushed already are never rewritten. A rebase replays each local commit (N chances to stop
half-way) and rewrites history other clones may have fetched. See docs/collaboration.md.

Before merging, paths both sides created are compared: two different tickets under one path (an
ID collision) stop the sync with a report, before anything changes.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sdesk import git
from sdesk.core.errors import GitError, SdeskError
from sdesk.git import recovery

if TYPE_CHECKING:
    from sdesk.store import Store

WATCHED = ("tickets", "outbox", "kb", "reference", "sdesk.toml", ".gitattributes")
# The merge holds the store lock for as long as git runs (keep_lock), so a sync killed
# mid-merge leaves no git behind that the next command's recovery could race; with no
# automatic gc, no daemon inherits the lock either.
NO_GC = ("-c", "gc.auto=0", "-c", "maintenance.auto=false")
ATTEMPTS = 10  # fetch-merge-push rounds when other clones push in between (8 clones racing)


@dataclass
class SyncReport:
    remote: str
    branch: str
    received: int = 0  # commits the remote had that we did not
    sent: int = 0  # commits we pushed
    merged: bool = False  # a merge commit was made
    tickets_merged: list[str] = field(default_factory=list)  # both sides; the sdesk driver
    others_merged: list[str] = field(default_factory=list)  # both sides; git's text merge
    pushed: bool = False
    rejected: int = 0  # pushes the remote rejected because another clone pushed first

    def lines(self) -> list[str]:
        out = [f"sync with {self.remote}/{self.branch}: {self.received} commit(s) in, "
               f"{self.sent} out"]
        if self.rejected:
            out.append(f"push rejected {self.rejected} time(s): another clone pushed first; "
                       "fetched, merged and pushed again")
        if self.merged:
            out.append(f"merged; {len(self.tickets_merged)} ticket(s) changed on both sides "
                       "were merged by the sdesk merge driver")
            if self.others_merged:
                out.append(f"{len(self.others_merged)} other file(s) changed on both sides were "
                           "merged by git's text merge: " + ", ".join(self.others_merged[:5]))
        if not self.pushed:
            out.append("nothing to push")
        return out


# Another clone pushed first: fetch, merge and push again. Either our side saw the remote
# move ("[rejected] ... (fetch first)"), or two pushes reached the remote at once and the
# loser's ref update failed there ("[remote rejected] ... (failed to update ref)", the remote
# saying "cannot lock ref ...: is at X but expected Y", or that the ref's lock file exists).
RACE_REASONS = ("(fetch first)", "(non-fast-forward)", "(stale info)")
RACE_REMOTE = ("but expected", "File exists")


def push_refusal(stderr: str) -> str | None:
    """Why git's push failed, in one line; None when another clone pushed first (a race that
    sync settles by fetching and merging again). Anything else (a non-bare remote's checked-out
    branch, a hook or a protected branch, no access) is the remote's refusal, and git's own
    words say why; retrying would not help."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    refused = [ln for ln in lines if ln.startswith("! [")]
    said = [ln[len("remote:"):].strip() for ln in lines if ln.startswith("remote:")]
    said = [ln.removeprefix("error:").strip() for ln in said if ln]
    lost_lock = any("cannot lock ref" in ln and any(r in ln for r in RACE_REMOTE)
                    for ln in said)

    def race(line: str) -> bool:
        return (line.startswith("! [rejected]") and line.endswith(RACE_REASONS)) or (
            line.startswith("! [remote rejected]") and line.endswith("(failed to update ref)")
            and lost_lock)

    if refused and all(race(ln) for ln in refused):
        return None
    if refused:
        status, _, rest = refused[0][len("! ["):].partition("]")
        why = rest[rest.rfind("(") + 1:].rstrip(")") if rest.endswith(")") else ""
        cause = f"{status}: {why}" if why else status
    else:
        fatal = [ln for ln in lines if ln.lower().startswith(("fatal:", "error:"))]
        cause = (fatal or lines or ["git push failed"])[0]
    return f"{cause} ({said[0]})" if said else cause


def _git(store: Store, *args: str, check: bool = True) -> str:
    # Every git step of a sync holds the store lock while it runs (keep_lock): a sync killed
    # at any moment leaves no live git behind, so the next command's recovery may clear the
    # lock files a killed git left (sdesk/git/recovery.py).
    return git.run([*NO_GC, *args], store.top, check=check, keep_lock=True).stdout


def dirty_paths(store: Store) -> list[str]:
    """Changes under the store's own folders that are not committed."""
    out = git.run(["status", "--porcelain", "-z", "--untracked-files=all", "--", *WATCHED],
                  store.root, check=False).stdout
    return [entry[3:] for entry in out.split("\0") if len(entry) > 3]


def current_branch(store: Store) -> str:
    result = git.run(["symbolic-ref", "--quiet", "--short", "HEAD"], store.top, check=False)
    if result.returncode != 0:
        raise SdeskError("HEAD is detached; check out a branch before sdesk sync")
    return result.stdout.strip()


def _count(store: Store, spec: str) -> int:
    return int(_git(store, "rev-list", "--count", spec).strip() or 0)


DRIVER_SAYS = "sdesk: error: merge of "  # how the merge driver's refusal starts


def driver_refusals(stderr: str) -> list[str]:
    """The merge driver's reasons, one per ticket it refused ('PATH: why')."""
    out = []
    for line in stderr.splitlines():
        path, sep, why = line.removeprefix(DRIVER_SAYS).partition(" refused: ")
        if line.startswith(DRIVER_SAYS) and sep:
            out.append(why if why.startswith(path) else f"{path}: {why}")
    return out


def _abort_merge(store: Store) -> None:
    """Abort the merge this sync started (never one of the user's: see sync())."""
    if (store.git_dir / "MERGE_HEAD").exists():
        git.run(["merge", "--abort"], store.top, check=False)


def added_on_both(store: Store, base: str, theirs: str) -> list[str]:
    def added(a: str, b: str) -> set[str]:
        out = _git(store, "diff", "--name-only", "-z", "--diff-filter=A", a, b, "--", "tickets")
        return {p for p in out.split("\0") if p.endswith(".toml")}

    return sorted(added(base, "HEAD") & added(base, theirs))


def collisions(store: Store, base: str, theirs: str) -> list[str]:
    """Paths both sides created holding different tickets; one line each."""
    from sdesk.procedures.merge import MergeCollision, merge_texts

    out = []
    for path in added_on_both(store, base, theirs):
        ours_text = _git(store, "cat-file", "blob", f"HEAD:{path}")
        theirs_text = _git(store, "cat-file", "blob", f"{theirs}:{path}")
        try:
            merge_texts(None, ours_text, theirs_text, path)
        except MergeCollision as exc:
            out.append(exc.message)
        except SdeskError:
            pass  # a broken file: the merge driver reports it
    return out


def _integrate(store: Store, report: SyncReport, theirs: str) -> None:
    report.received = _count(store, f"HEAD..{theirs}")
    if report.received == 0:
        return
    # Recorded first: if sync is killed during the merge, the next sdesk command aborts it
    # (sdesk/git/recovery.py) instead of leaving the clone mid-merge.
    recovery.begin_merge(store, _git(store, "rev-parse", theirs).strip())
    if _count(store, f"{theirs}..HEAD") == 0:
        _git(store, "merge", "--ff-only", "--quiet", theirs)
        return
    base = _git(store, "merge-base", "HEAD", theirs).strip()
    found = collisions(store, base, theirs) if base else []
    if found:
        raise SdeskError(f"sync stopped before merging, nothing changed: {len(found)} ID "
                         f"collision(s): {'; '.join(found)}")
    ours_changed = set(_git(store, "diff", "--name-only", "-z", base, "HEAD").split("\0"))
    theirs_changed = set(_git(store, "diff", "--name-only", "-z", base, theirs).split("\0"))
    both = sorted(p for p in ours_changed & theirs_changed if p)
    result = git.run([*NO_GC, "merge", "--no-edit", "--no-ff", "-m",
                      f"sync: merge {report.remote}/{report.branch}\n\nSdesk-Action: sync\n",
                      theirs], store.top, check=False, keep_lock=True)
    if result.returncode != 0:
        unmerged = _git(store, "diff", "--name-only", "--diff-filter=U", check=False).split()
        _abort_merge(store)
        detail = (result.stderr.strip().splitlines() or ["git merge failed"])[-1]
        # The merge driver says why it refused a ticket (on git's stderr, one line each).
        refusals = driver_refusals(result.stderr)
        if refusals:
            detail = "the merge driver refused " + "; ".join(refusals)
        elif unmerged:
            detail = ("both sides changed " + ", ".join(unmerged) +
                      " in ways that cannot be merged automatically")
        raise SdeskError(f"sync stopped, nothing changed: {detail}; merge by hand with "
                         f"`git merge {theirs}` or fix the other clone")
    report.merged = True
    # Only what git says the sdesk driver merged is reported as such (a pushed .gitattributes
    # once made git's union driver merge a ticket while sync said the sdesk driver had).
    from sdesk.git.collab import driver_of

    drivers = driver_of(store, both)
    report.tickets_merged = [p for p in both if drivers.get(p) == "sdesk"]
    report.others_merged = [p for p in both if drivers.get(p) != "sdesk"]


def sync(store: Store, remote: str = "origin", push: bool = True) -> SyncReport:
    """Fetch, merge, push. The caller holds the store lock."""
    from sdesk.git import collab

    # A sync killed mid-merge was aborted by the lock's recovery (it recorded the merge in
    # .git/sdesk/sync-merge.json); a merge still in progress is the user's own: left alone.
    if (store.git_dir / "MERGE_HEAD").exists():
        raise SdeskError("a merge of your own is in progress (.git/MERGE_HEAD); finish it with "
                         "git commit or abort it with git merge --abort, then sdesk sync")
    branch = current_branch(store)
    dirty = dirty_paths(store)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else "")
        raise SdeskError(f"uncommitted changes sdesk did not make ({shown}); commit or remove "
                         "them before sdesk sync")
    if git.run(["remote", "get-url", remote], store.top, check=False).returncode != 0:
        raise SdeskError(f"no git remote {remote!r}; add one with: git remote add {remote} URL")
    # recorded first: a sync killed while git writes its config leaves .git/config.lock, which
    # the next command's recovery removes only for a sync it knows ran (CI, session 33)
    recovery.begin_merge(store)
    try:
        collab.configure_driver(store, keep_lock=True)  # a clone copies no config: set it
        report = _rounds(store, remote, branch, push)
    finally:
        recovery.end_merge(store)
    store.index.refresh()
    return report


def _rounds(store: Store, remote: str, branch: str, push: bool) -> SyncReport:
    """Fetch, merge and push until the push lands (another clone may push in between)."""
    report = SyncReport(remote, branch)
    for _ in range(ATTEMPTS):
        fetched = git.run([*NO_GC, "fetch", "--quiet", remote, branch], store.top, check=False,
                          keep_lock=True)
        theirs = f"refs/remotes/{remote}/{branch}"
        remote_has = fetched.returncode == 0
        if remote_has:
            _git(store, "update-ref", theirs, "FETCH_HEAD")
            _integrate(store, report, theirs)
            report.sent = _count(store, f"{theirs}..HEAD")
        elif "couldn't find remote ref" not in fetched.stderr:
            raise SdeskError(f"git fetch {remote} failed: "
                             f"{(fetched.stderr.strip().splitlines() or ['?'])[-1]}")
        else:
            report.sent = _count(store, "HEAD")
        if not push or report.sent == 0:
            break
        try:
            _git(store, "push", "--quiet", remote, f"HEAD:refs/heads/{branch}")
            report.pushed = True
            break
        except GitError as exc:
            cause = push_refusal(exc.stderr)
            if cause is not None:
                raise SdeskError(f"{remote} refused the push: {cause}; your clone has "
                                 "everything (merged, committed), nothing was pushed") from exc
            report.rejected += 1
            # Clones that lost the race try again at different moments, not in lockstep.
            time.sleep(random.uniform(0, 0.05 * report.rejected))
    else:
        raise SdeskError(f"{remote} kept moving: push rejected {ATTEMPTS} times; run sdesk sync "
                         "again")
    return report
