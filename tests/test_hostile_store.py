"""The store is untrusted input (docs/crash-safety.md): what a collaborator can commit into a
store gives one error line, is listed by `sdesk check`, and never makes a command read, write
or delete outside the store folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import Desk

from sdesk.core.untrusted import MAX_FILE_BYTES, nesting


def _commit_all(desk: Desk, message: str) -> None:
    desk.git("add", "-A")
    desk.git("commit", "-q", "--no-verify", "-m", message)


def _outside(desk: Desk) -> Path:
    folder = desk.root.parent / "outside"
    folder.mkdir(exist_ok=True)
    return folder


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("sdesk: error: "), stderr
    assert "a bug" not in lines[0]
    return lines[0]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_shard_folder_that_is_a_link_is_never_read_written_or_rolled_back(desk: Desk) -> None:
    tid = desk.new("-T", "Printer jams")
    shard = next(desk.root.glob(f"tickets/*/*/{tid}.toml")).parent
    rel = shard.relative_to(desk.root).as_posix()
    for _ in range(20):  # a second ticket in another shard folder (they rarely share one)
        other = desk.new("-T", "Monitor flickers")
        if next(desk.root.glob(f"tickets/*/*/{other}.toml")).parent != shard:
            break
    else:
        pytest.fail("twenty tickets in one shard folder: the ID layout no longer spreads them")
    outside = _outside(desk)
    (outside / f"{tid}.toml").write_bytes((shard / f"{tid}.toml").read_bytes())
    (outside / "secret.txt").write_text("not sdesk's\n")
    for p in shard.iterdir():
        p.unlink()
    shard.rmdir()
    shard.symlink_to(outside, target_is_directory=True)
    _commit_all(desk, "a collaborator commits a link")
    before = _tree(outside)

    listed = desk.run("list", "--json").stdout
    assert tid not in listed and other in listed
    line = _one_error_line(desk.fails("show", tid, code=1).stderr)
    assert "symbolic link" in line and rel in line
    _one_error_line(desk.fails("note", tid, "hello").stderr)
    desk.run("note", other, "the other tickets keep working")
    assert _tree(outside) == before  # nothing written, nothing deleted outside the store
    import json

    problems = json.loads(desk.fails("check", "--json").stdout)
    assert any(p["path"] == rel and "symbolic link" in p["message"]
               for p in problems["problems"]), problems


def test_a_ticket_file_that_is_a_link_is_refused(desk: Desk) -> None:
    tid = desk.new("-T", "Printer jams")
    path = next(desk.root.glob(f"tickets/*/*/{tid}.toml"))
    outside = _outside(desk) / "stolen.toml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    _commit_all(desk, "link")
    line = _one_error_line(desk.fails("show", tid).stderr)
    assert "symbolic link" in line
    _one_error_line(desk.fails("resolve", tid, "-c", "fixed", "-s", "done").stderr)
    assert outside.read_bytes() == outside.read_bytes()
    check = desk.fails("check")
    assert f"{path.relative_to(desk.root).as_posix()}: a symbolic link" in check.stdout


@pytest.mark.parametrize("part", ["kb", "outbox", "reference/teams.toml", "reference"])
def test_links_in_kb_outbox_and_reference_are_refused_and_reported(desk: Desk, part: str) -> None:
    target = desk.root / part
    outside = _outside(desk) / Path(part).name
    if target.is_dir():
        os.rename(target, outside)
    else:
        outside.write_bytes(target.read_bytes())
        target.unlink()
    target.symlink_to(outside, target_is_directory=outside.is_dir())
    _commit_all(desk, f"{part} is a link")
    check = desk.fails("check")
    assert f"{part}: a symbolic link" in check.stdout, check.stdout
    command = {"kb": ["kb", "search", "printer"], "outbox": ["outbox", "list"]}.get(
        part.split("/")[0], ["new", "-T", "x"])
    line = _one_error_line(desk.fails(*command).stderr)
    assert "symbolic link" in line


def _deep(depth: int) -> str:
    return "x = " + "[" * depth + "]" * depth + "\n"


def test_nesting_counts_brackets_outside_strings() -> None:
    assert nesting('a = "[[[[" # [[[\nb = [[1], [2]]\n[[journal]]\n') == 2
    assert nesting("t = '''[[[\n'''\n") == 0
    assert nesting(_deep(900)) == 900


def test_a_deeply_nested_ticket_is_one_line_and_the_others_keep_working(desk: Desk) -> None:
    bad = desk.new("-T", "Printer jams")
    good = desk.new("-T", "Monitor flickers")
    path = next(desk.root.glob(f"tickets/*/*/{bad}.toml"))
    path.write_text(path.read_text() + _deep(900))
    _commit_all(desk, "a crafted file")
    line = _one_error_line(desk.fails("show", bad, code=1).stderr)
    assert "nested deeper than" in line
    assert good in desk.run("list", "--json").stdout
    desk.run("show", good)
    desk.run("note", good, "still works")
    desk.run("reindex")
    desk.run("export", "--csv")
    check = desk.fails("check", code=1)
    assert "nested deeper than" in check.stdout and "a bug" not in check.stderr


def test_a_huge_ticket_file_is_refused_without_being_read(desk: Desk) -> None:
    big = desk.new("-T", "Printer jams")
    good = desk.new("-T", "Monitor flickers")
    path = next(desk.root.glob(f"tickets/*/*/{big}.toml"))
    with open(path, "a") as handle:
        handle.write('description2 = """' + "x" * (MAX_FILE_BYTES + 10) + '"""\n')
    line = _one_error_line(desk.fails("show", big).stderr)
    assert f"over the {MAX_FILE_BYTES}-byte limit" in line
    listing = desk.run("list", "--json")
    assert good in listing.stdout and "over the" in listing.stderr
    assert "over the" in desk.fails("check").stdout


def test_a_binary_ticket_file_is_one_line(desk: Desk) -> None:
    tid = desk.new("-T", "Printer jams")
    path = next(desk.root.glob(f"tickets/*/*/{tid}.toml"))
    path.write_bytes(os.urandom(4096).replace(b"\n", b"\x00"))
    _one_error_line(desk.fails("show", tid).stderr)
    assert f"{tid}.toml" in desk.fails("check").stdout


def test_a_deeply_nested_reference_file_is_one_line(desk: Desk) -> None:
    with open(desk.root / "reference" / "vip.toml", "a") as handle:
        handle.write(_deep(5000))
    line = _one_error_line(desk.fails("new", "-T", "x").stderr)
    assert "reference/vip.toml" in line and "nested deeper" in line


def test_check_lists_links_the_index_never_follows(desk: Desk) -> None:
    desk.new("-T", "Printer jams")
    outside = _outside(desk)
    (desk.root / "tickets" / "ZZ").symlink_to(outside, target_is_directory=True)
    out = subprocess.run(["git", "status", "--porcelain"], cwd=desk.root, capture_output=True,
                         text=True).stdout
    assert "tickets/ZZ" in out
    assert "tickets/ZZ: a symbolic link" in desk.fails("check").stdout


def test_the_sample_store_reference_is_a_real_folder_equal_to_the_defaults() -> None:
    """The checkout is a sample store; its reference/ was a link to sdesk/defaults/reference,
    which sdesk now refuses like any link in a store. It is a copy: keep the two equal."""
    top = Path(__file__).resolve().parent.parent
    sample, defaults = top / "reference", top / "sdesk" / "defaults" / "reference"
    assert not sample.is_symlink()
    names = sorted(p.name for p in defaults.glob("*.toml"))
    assert sorted(p.name for p in sample.glob("*.toml")) == names
    differ = [n for n in names if (sample / n).read_bytes() != (defaults / n).read_bytes()]
    assert not differ, (f"reference/ differs from sdesk/defaults/reference/ in {differ}: run "
                        "cp sdesk/defaults/reference/*.toml reference/")


def test_recovery_never_deletes_through_a_link(desk: Desk) -> None:
    """A pending record (anyone can edit .git/sdesk) naming a file behind a linked shard
    folder: the rollback leaves the file outside the store alone."""
    import json

    tid = desk.new("-T", "Printer jams")
    outside = _outside(desk)
    victim = outside / "INC-2Q4N3GZZZZZ.toml"
    victim.write_text("precious\n")
    (desk.root / "tickets" / "Z").mkdir(exist_ok=True)
    (desk.root / "tickets" / "Z" / "Z").symlink_to(outside, target_is_directory=True)
    head = desk.git("rev-parse", "HEAD").strip()
    (desk.root / ".git" / "sdesk" / "pending.json").write_text(json.dumps(
        {"head": head, "paths": ["tickets/Z/Z/INC-2Q4N3GZZZZZ.toml"], "pid": 1}))
    desk.run("note", tid, "the next command recovers")
    assert victim.read_text() == "precious\n"


def test_a_broken_file_fixed_in_place_is_seen_again_without_reindex(desk: Desk) -> None:
    """A file with a problem is looked at again on every refresh: a fix written in place (which
    leaves its folder's mtime alone) brings the ticket back, and a new problem replaces the
    old line, with no `sdesk reindex`."""
    tid = desk.new("-T", "Printer jams")
    path = next(desk.root.glob(f"tickets/**/{tid}.toml"))
    good = path.read_bytes()
    old = (1_700_000_000, 1_700_000_000)  # an old folder mtime: not racy, so not rescanned

    def in_place(data: bytes) -> None:
        with open(path, "r+b") as handle:
            handle.write(data)
            handle.truncate()
        os.utime(path.parent, old)

    short = tid.split("-", 1)[1][:6]  # a short ID goes through the index
    in_place(good + b"status = \n")
    assert "broken TOML" in _one_error_line(desk.fails("show", short, code=1).stderr)
    in_place(good + b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert "limit" in _one_error_line(desk.fails("show", short, code=1).stderr)
    in_place(good)
    assert tid in desk.run("show", short).stdout
    assert tid in desk.run("list", "--json").stdout
