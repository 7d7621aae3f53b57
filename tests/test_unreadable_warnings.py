"""Commands that read many tickets from the index warn about the ticket files it could not
take, one line per file naming the path and why, as `list` does (app.warn_skipped): a broken
request could hold a licence seat, an unreadable incident could be the stale one. `software`,
`workload`, `stale`, `export` and `triage ID` used to leave them out without a word."""

from __future__ import annotations

import os

import pytest
from conftest import Desk

from sdesk.core.untrusted import MAX_FILE_BYTES


def _visio(desk: Desk, n: int) -> str:
    return desk.new("-t", "request", "-T", f"Need Visio {n}", "-d", "Install Visio.",
                    "--name", "Ana Ruiz", "--email", "ana.ruiz@health.ok.gov",
                    "--agency", "OSDH", "--software", "Visio",
                    "--service", "Software Install")


def _path(desk: Desk, ticket_id: str) -> str:
    return next(desk.root.glob(f"tickets/*/*/{ticket_id}.toml")).relative_to(
        desk.root).as_posix()


@pytest.fixture
def broken(desk: Desk) -> dict[str, str]:
    """Four requests, three of them made unreadable as a collaborator's commit can: broken
    TOML, over the size limit, a symbolic link. Returns path -> the reason a warning gives."""
    ids = [_visio(desk, n) for n in range(4)]
    desk.run("triage", "--all")
    toml, huge, link = (_path(desk, t) for t in ids[:3])
    path = desk.root / toml
    tmp = path.with_name(path.name + ".new")  # as editors save: renamed over the old file
    tmp.write_text(path.read_text().replace('title = "', 'title = "unterminated\n', 1))
    os.replace(tmp, path)
    with open(desk.root / huge, "a") as handle:
        handle.write("# " + "x" * MAX_FILE_BYTES + "\n")
    outside = desk.root.parent / "outside.toml"
    outside.write_bytes((desk.root / link).read_bytes())
    (desk.root / link).unlink()
    (desk.root / link).symlink_to(outside)
    desk.git("add", "-A")
    desk.git("commit", "-q", "--no-verify", "-m", "a collaborator's broken files")
    return {toml: "broken TOML", huge: f"over the {MAX_FILE_BYTES}-byte limit",
            link: "a symbolic link"}


def _warned(stderr: str, broken: dict[str, str]) -> None:
    warnings = [line for line in stderr.splitlines() if line.startswith("sdesk: warning: ")]
    assert len(warnings) == len(broken), stderr
    for path, why in broken.items():
        [line] = [w for w in warnings if path in w]
        assert why in line and line.endswith("(skipped)"), line


@pytest.mark.parametrize("command", [
    ["software"], ["software", "--json"], ["workload"], ["workload", "--csv"],
    ["stale", "--days", "1"], ["stale", "--json"], ["export", "--jsonl"], ["export", "--csv"],
])
def test_read_commands_warn_about_each_unreadable_ticket_file(
        desk: Desk, broken: dict[str, str], command: list[str]) -> None:
    result = desk.run(*command)
    _warned(result.stderr, broken)


def test_export_keeps_the_readable_tickets(desk: Desk, broken: dict[str, str]) -> None:
    result = desk.run("export", "--jsonl")
    assert len(result.stdout.splitlines()) == 1


def test_triage_of_one_ticket_warns_about_the_files_its_context_leaves_out(
        desk: Desk, broken: dict[str, str]) -> None:
    tid = _visio(desk, 9)
    result = desk.run("triage", tid)
    _warned(result.stderr, broken)
    assert desk.ticket(tid)["status"] == "triaged"


def test_triage_of_an_unreadable_ticket_is_one_error_line(desk: Desk,
                                                          broken: dict[str, str]) -> None:
    toml = next(p for p, why in broken.items() if why == "broken TOML")
    tid = toml.rpartition("/")[2].removesuffix(".toml")
    result = desk.fails("triage", tid, code=1)
    *warnings, error = result.stderr.splitlines()
    assert error.startswith(f"sdesk: error: {toml}: broken TOML")
    _warned("\n".join(warnings), {p: why for p, why in broken.items() if p != toml})
