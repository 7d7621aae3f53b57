"""What read commands keep beside the index instead of parsing sdesk.toml and reference/ at
every run (sdesk/store/__init__.py): the time zone and folder layout, and the team names a
`--team` filter resolves. A cache must follow every change of the files it stands for, and
must never hide a broken file the full load would refuse."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.conftest import Desk


def _settle() -> None:
    """A file written within a second may change again unseen; sdesk keeps no cache of it."""
    time.sleep(1.2)


def _loaded_after(desk: Desk, *argv: str) -> set[str]:
    code = ("import sys\nfrom sdesk.launch import main\ntry:\n    main()\nexcept SystemExit:\n"
            "    pass\nprint(' '.join(sorted(sys.modules)), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code, "--store", str(desk.root), *argv],
                          capture_output=True, text=True, check=False)
    return set(proc.stderr.split())


def test_the_time_zone_follows_sdesk_toml(desk: Desk) -> None:
    tid = desk.new("-T", "Printer jams")
    _settle()
    assert "Opened:     2026-11-23 09:00 CST" in desk.run("show", tid).stdout
    assert any(desk.root.joinpath(".git", "sdesk").glob("basics*.cache"))  # zone, layout, ID prefixes
    loaded = _loaded_after(desk, "--now", "2026-11-23T09:00:00-06:00", "show", tid)
    assert "tomllib" not in loaded and "sdesk.core.settings" not in loaded
    config = desk.root / "sdesk.toml"
    config.write_text(config.read_text().replace("America/Chicago", "America/New_York"))
    assert "Opened:     2026-11-23 10:00 EST" in desk.run("show", tid).stdout
    _settle()
    desk.run("show", tid)
    config.write_text(config.read_text().replace('timezone = "America/New_York"',
                                                 'timezone = "Mars/Olympus"'))
    assert "Mars/Olympus" in desk.fails("show", tid).stderr


def test_team_names_follow_reference_and_a_broken_file_still_fails(desk: Desk) -> None:
    _settle()
    desk.run("queue", "--team", "IS-Service Desk")
    assert any(desk.root.joinpath(".git", "sdesk").glob("teams*.cache"))
    loaded = _loaded_after(desk, "queue", "--team", "is-service")
    assert "sdesk.core.reference" not in loaded
    teams = desk.root / "reference" / "teams.toml"
    teams.write_text(teams.read_text().replace('name = "IS-Telecom"', 'name = "IS-Telephony"'))
    technicians = desk.root / "reference" / "technicians.toml"
    technicians.write_text(technicians.read_text().replace('"IS-Telecom"', '"IS-Telephony"'))
    for name in ("roles.toml", "software.toml", "sla.toml"):
        path = desk.root / "reference" / name
        path.write_text(path.read_text().replace('"IS-Telecom"', '"IS-Telephony"'))
    desk.run("queue", "--team", "IS-Telephony")
    assert "unknown team 'IS-Telecom'" in desk.fails("queue", "--team", "IS-Telecom").stderr
    _settle()
    desk.run("queue", "--team", "IS-Telephony")
    vip = desk.root / "reference" / "vip.toml"
    vip.write_text("this is [not toml\n")  # in place: reference/ keeps its mtime
    assert "vip.toml" in desk.fails("queue", "--team", "IS-Telephony").stderr


def test_the_freshness_shortcut_sees_a_rename_and_a_removed_folder(desk: Desk) -> None:
    """With the folders above the shard folders settled, a refresh stats the known shard
    folders by name (sdesk/store/index.py _shard_folders); a rename into place is still seen,
    and a shard folder removed by hand moves its parent, so the folders are walked again."""
    import os

    from sdesk.store import Store

    store = Store(desk.root)
    a = desk.new("-T", "Printer jams")
    for n in range(20):  # one more ticket, in another shard folder
        b = desk.new("-T", f"Monitor flickers {n}")
        if store.path_of(b).parent != store.path_of(a).parent:
            break
    else:
        raise AssertionError("twenty tickets in one shard folder")
    _settle()
    desk.run("list")
    recorded = Store(desk.root).index._meta("parents")
    assert recorded and ":-1" not in recorded  # settled: the next refresh takes the shortcut
    path = store.path_of(a)
    tmp = path.with_name(".edit.tmp")
    tmp.write_text(path.read_text().replace("Printer jams", "Printer jams again"))
    os.replace(tmp, path)
    assert "Printer jams again" in desk.run("list").stdout
    folder = store.path_of(b).parent
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    listed = desk.run("list", "--json").stdout
    assert b not in listed and a in listed


def _piped(desk: Desk, *argv: str) -> subprocess.CompletedProcess[str]:
    """`python -m sdesk ARGV` with stdout a pipe: the click-free fast path (sdesk/launch.py)
    answers `list` and `queue` there."""
    return subprocess.run([sys.executable, "-m", "sdesk", "--store", str(desk.root), "--now",
                           desk.now, *argv], capture_output=True, text=True, check=False)


def test_a_broken_teams_toml_fails_a_team_filter_even_for_a_team_the_tickets_hold(
        desk: Desk) -> None:
    """The held-teams fallback (imports' "Group 70") is for a name the loaded team list lacks;
    a teams.toml that does not load is the same one-line error on every path, not a fallback
    to the tickets' teams (it once printed IS-Telecom's rows and exited 0)."""
    desk.new("-T", "Desk phone has no dial tone", "--team", "IS-Telecom", "--agency", "OMES")
    _settle()
    for argv in (["list", "--team", "IS-Telecom"], ["queue", "--team", "IS-Telecom"]):
        assert "Desk phone" in desk.run(*argv).stdout
        assert "Desk phone" in _piped(desk, *argv).stdout  # the teams cache is kept now
    assert any(desk.root.joinpath(".git", "sdesk").glob("teams*.cache"))
    teams = desk.root / "reference" / "teams.toml"
    with teams.open("a") as handle:  # in place: reference/ keeps its mtime
        handle.write("name = [\n")
    for argv in (["list", "--team", "IS-Telecom"], ["queue", "--team", "IS-Telecom"],
                 ["list", "--team", "is-tele"], ["stale", "--team", "IS-Telecom"],
                 ["workload", "--team", "IS-Telecom"]):
        clicked = desk.fails(*argv)
        piped = _piped(desk, *argv)
        for out, err, code in ((clicked.stdout, clicked.stderr, clicked.exit_code),
                               (piped.stdout, piped.stderr, piped.returncode)):
            assert code != 0 and out == "", argv
            assert err.startswith("sdesk: error: reference/teams.toml: invalid TOML"), argv
            assert err.count("\n") == 1, argv


def test_a_broken_agencies_toml_fails_an_agency_filter_for_an_agency_the_tickets_hold(
        desk: Desk) -> None:
    """As for --team: `list --agency` does not look past reference data that does not load."""
    desk.new("-T", "Printer jams", "--agency", "OMES")
    assert "Printer jams" in desk.run("list", "--agency", "omes").stdout
    agencies = desk.root / "reference" / "agencies.toml"
    with agencies.open("a") as handle:
        handle.write("code = [\n")
    for result in (desk.fails("list", "--agency", "omes"), _piped(desk, "list", "--agency", "omes")):
        assert result.stdout == ""
        assert result.stderr.startswith("sdesk: error: reference/agencies.toml: invalid TOML")


def test_a_renamed_team_is_what_both_paths_resolve(desk: Desk) -> None:
    """The kept team names follow teams.toml at once (every file's stat is the key) on the
    click path and the click-free one: the new name resolves, the known names listed are the
    file's, and the old name resolves only while tickets still hold it (the held-teams
    fallback, so a dispatcher can find them and reassign them)."""
    _settle()
    for argv in (["queue", "--team", "IS-Telecom"], ["list", "--team", "IS-Telecom"]):
        desk.run(*argv)
        assert _piped(desk, *argv).returncode == 0
    assert any(desk.root.joinpath(".git", "sdesk").glob("teams*.cache"))
    for name in ("teams.toml", "technicians.toml", "roles.toml", "software.toml", "sla.toml"):
        path = desk.root / "reference" / name
        path.write_text(path.read_text().replace('"IS-Telecom"', '"IS-Phones"'))
    for argv in (["list", "--team", "IS-Telecom"], ["queue", "--team", "IS-Telecom"],
                 ["workload", "--team", "IS-Telecom"]):
        clicked, piped = desk.fails(*argv), _piped(desk, *argv)
        for err, code in ((clicked.stderr, clicked.exit_code), (piped.stderr, piped.returncode)):
            assert code != 0 and "unknown team 'IS-Telecom'" in err and "IS-Phones" in err, argv
    for argv in (["list", "--team", "IS-Phones"], ["queue", "--team", "is-phon"]):
        desk.run(*argv)
        assert _piped(desk, *argv).returncode == 0, argv
    assert "IS-Phones" in desk.run("workload", "--team", "IS-Phones").stdout
    desk.git("commit", "-qam", "IS-Telecom is IS-Phones")  # writers decide from committed data
    desk.new("-T", "Desk phone has no dial tone", "--team", "IS-Phones", "--agency", "OMES")
    # A ticket still in the old name (as after a rename by hand) keeps it findable.
    ticket = next(desk.root.joinpath("tickets").rglob("*.toml"))
    ticket.write_text(ticket.read_text().replace('"IS-Phones"', '"IS-Telecom"'))
    desk.git("commit", "-qam", "a ticket left in the old team")
    assert "Desk phone" in desk.run("list", "--team", "IS-Telecom").stdout
    assert "Desk phone" in _piped(desk, "list", "--team", "IS-Telecom").stdout
