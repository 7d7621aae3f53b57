"""The index's row of a ticket file, made without the ticket model (sdesk.store.filerow,
what every refresh and cold rebuild now uses), equals the row the model's Ticket gives
(sdesk.store.index.row_of, what `check --deep` recomputes) on every field kind; a broken
file is the same one-line problem either way; and a store rebuilt cold, with and without
worker processes, passes `check --deep`."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from pathlib import Path

import pytest
from conftest import Desk

from bench.generate import make_ticket, write_tickets
from sdesk.core import ids
from sdesk.core.errors import SdeskError
from sdesk.core.model import Csat, Hold, Requester, Resolution, Ticket, dumps, journal_entry, loads
from sdesk.core.reference import load_reference
from sdesk.store import Store
from sdesk.store.deepcheck import differences
from sdesk.store.filerow import row_of_checked
from sdesk.store.index import Index, parse_document, read_file, row_of

REFERENCE = load_reference(Path(__file__).resolve().parent.parent / "reference")
at = dt.datetime.fromisoformat


def old_and_new(text: str) -> tuple[object, object]:
    """(the model's row or error line, the file row's or error line) of one file's text."""
    rows = []
    for read, row in ((loads, row_of), (parse_document, row_of_checked)):
        try:
            rows.append(row(read(text, "tickets/x.toml")))  # type: ignore[operator]
        except SdeskError as exc:
            rows.append(f"error: {exc.message}")
    return rows[0], rows[1]


def every_kind() -> list[Ticket]:
    """Tickets between them holding every field kind the row reads: lists, tables, times in
    several zones, holds (ended, open), resolutions undone by reopens, imports with and
    without the source's SLA verdict, CSAT, excluded resolution codes, a resolved task."""
    opened = at("2026-11-02T07:30:00-06:00")
    note = journal_entry(at("2026-11-02T09:00:00+09:00"), "Ana Ruiz", "note", "Called",
                         visibility="public")
    later = journal_entry(at("2026-11-03T09:00:00-05:00"), "Ana Ruiz", "note", "Again",
                          visibility="public")
    resolve = journal_entry(at("2026-11-03T10:00:00-06:00"), "Bo Lee", "resolve", "Done",
                            visibility="public")
    reopen = journal_entry(at("2026-11-04T10:00:00-06:00"), "Pat", "reopen", "Still broken")
    early = journal_entry(at("2026-11-02T08:00:00-06:00"), "Pat", "reopen", "before any")
    base = dict(type="incident", title="Ünïcode — 東京 printer\tdown", opened_at=opened,
                team="IS-Desktop Support")
    rich = Ticket(
        id="INC-1S0PEN7C4S3", status="on-hold", priority=2, impact=1, urgency=3,
        channel="email", assignee="Ana Ruiz", vip=True, service="Printing",
        category="Hardware", software="PaperCut", location="2nd floor", remote=False,
        skills=["printers", "networking"], requested_technician="Bo Lee", effort_hours=2.5,
        tier=2, parent="INC-1AAAAAAAAAA", related=["INC-1BBBBBBBBBB", "REQ-1CCCCCCCCCC"],
        kb=["KB0001"], flags=["needs-callback", "proposed:priority:2"],
        external_ref="inc0099123", message_ids=["abc@omes.ok.gov", "def@x"], reopens=1,
        reassignments=2, updated_at=at("2026-11-21T10:00:00+00:00"),
        respond_by=at("2026-11-02T09:30:00-06:00"), resolve_by=at("2026-11-04T07:30:00-06:00"),
        first_response_at=at("2026-11-02T08:10:00-06:00"),
        assigned_at=at("2026-11-02T08:05:00-06:00"), description="Line one\n\tindented",
        requester=Requester(name="Zoë Ñúñez", email="Zoe@OMES.ok.gov", agency="OMES",
                            phone="405-555-0100"),
        holds=[Hold(at("2026-11-02T10:00:00-06:00"), "awaiting-vendor",
                    at("2026-11-02T12:00:00-05:00")),
               Hold(at("2026-11-05T10:00:00-06:00"), "awaiting-customer")],
        journal=[note, resolve, reopen, later], **base)  # type: ignore[arg-type]
    done = dict(status="closed", resolved_at=at("2026-11-06T07:30:00-06:00"),
                closed_at=at("2026-11-09T07:30:00-06:00"),
                resolve_by=at("2026-11-05T07:30:00-06:00"))
    out = [rich, Ticket(id="INC-1SNEW7C4S30", **base)]  # type: ignore[arg-type]
    for n, (code, imported, kind) in enumerate([
            ("fixed", {}, "incident"), ("duplicate", {}, "incident"),
            ("withdrawn", {}, "request"), ("fixed", {"made_sla": "true", "number": "X1"},
                                           "incident"),
            ("fixed", {"made_sla": "false"}, "case"), ("fixed", {"made_sla": "maybe"}, "request"),
            ("fixed", {}, "task")]):
        out.append(Ticket(
            id=f"REQ-1SD0NE7C4S{n}", **{**base, "type": kind}, **done,  # type: ignore[arg-type]
            resolution=Resolution(code=code, summary="Delivered", by="Bo Lee",
                                  first_contact=n % 2 == 0),
            csat=Csat(score=n % 5 + 1, at=at("2026-11-07T07:30:00+01:00"), comment="ok")
            if n % 3 else None, imported=imported,
            holds=[Hold(at("2026-11-03T07:30:00-06:00"), "awaiting-vendor",
                        at("2026-11-04T07:30:00-06:00"))] if n % 2 else [],
            journal=[early, resolve, reopen, resolve] if n in (2, 3) else [note, resolve]))
    out.append(Ticket(id="REQ-1SNRES0VD00", **{**base, "status": "resolved"},  # type: ignore[arg-type]
                      resolved_at=at("2026-11-02T07:30:00-06:00")))  # no resolve_by, no table
    return out


def test_the_file_row_equals_the_models_on_every_field_kind() -> None:
    rng = random.Random(5)
    taken: set[str] = set()
    tickets = every_kind() + [make_ticket(rng, REFERENCE, taken) for _ in range(200)]
    texts = [dumps(t) for t in tickets]
    # What a hand edit may write that sdesk does not: a whole number of hours, no
    # requester table, a journal entry without kind or visibility, zones as Z.
    texts.append(texts[0].replace("effort_hours = 2.5", "effort_hours = 3"))
    texts += [re.sub(r"\n\[requester\]\n(?:[^\n\[]+\n)*", "\n", t) for t in texts[:3]]
    assert "[requester]" not in texts[-1]
    texts.append(texts[1] + '\n[[journal]]\nat = 2026-11-02T13:30:00Z\ntext = "x"\n')
    kinds = {k for t in tickets for k in (t.status, t.type)}
    assert {"on-hold", "closed", "resolved", "new", "task", "case"} <= kinds
    for text in texts:
        old, new = old_and_new(text)
        assert not str(old).startswith("error"), old
        assert new == old


@pytest.mark.parametrize("change", [
    lambda t: t.replace('status = "on-hold"', 'status = "sleeping"'),
    lambda t: t.replace("priority = 2", "priority = true"),
    lambda t: t.replace("[[holds]]\nstart = ", "[[holds]]\nbegan = ", 1),
    lambda t: t.replace('kind = "reopen"', 'kind = "reopened"'),
    lambda t: t.replace("opened_at = 2026-11-02T07:30:00-06:00", "opened_at = 2026-11-02T07:30:00"),
    lambda t: t + '\n[extra]\nx = 1\n',
    lambda t: t.replace("tier = 2", 'tier = "2"'),
    lambda t: t.replace('skills = ["printers", "networking"]', 'skills = ["printers", 2]'),
    lambda t: t.replace("schema = 1", "schema = 2"),
    lambda t: t.replace('phone = "405-555-0100"\n', 'phone = "1"\nfax = "1"\n'),
    lambda t: t.replace("[requester]", "requester = 1\n[requester2]"),
])
def test_a_broken_file_is_the_same_problem_either_way(change: object) -> None:
    text = change(dumps(every_kind()[0]))  # type: ignore[operator]
    old, new = old_and_new(text)
    assert str(old).startswith("error: tickets/x.toml"), old
    assert new == old


def test_the_file_bookkeeping_and_path_checks_are_kept(tmp_path: Path) -> None:
    ticket = every_kind()[0]
    rel = ids.relative_path(ticket.id, 2)
    (tmp_path / rel).parent.mkdir(parents=True)
    (tmp_path / rel).write_text(dumps(ticket), encoding="utf-8")
    got = read_file(str(tmp_path), rel, 0)
    assert got.values is not None and got.values["path"] == rel
    assert {k: v for k, v in got.values.items() if k not in got.book} == row_of(ticket)
    wrong = ids.relative_path("INC-1S0PEN7C4S4", 2)
    (tmp_path / wrong).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / wrong).write_text(dumps(ticket), encoding="utf-8")
    assert read_file(str(tmp_path), wrong, 0).problem == (
        f"{wrong}: id: file says 'INC-1S0PEN7C4S3', its name says 'INC-1S0PEN7C4S4'")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_store_rebuilt_cold_passes_the_deep_check(desk: Desk, workers: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """150 generated tickets (more shard folders than the parallel load needs) and every field
    kind above, committed as hand edits (some break invariants `check` names, which the
    index takes as they are); the index removed; `check --deep`'s comparison recomputes
    every row through the model and finds nothing; a broken file is recorded with the line
    the model's reader gives."""
    monkeypatch.setenv("SDESK_INDEX_WORKERS", workers)
    write_tickets(desk.root, 150, seed=3)
    store = Store(desk.root)
    for ticket in every_kind():
        path = store.path_of(ticket.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(ticket), encoding="utf-8")
    broken = store.path_of("INC-1SBR0KEN000")
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text(dumps(every_kind()[1]).replace("id = \"INC-1SNEW7C4S30\"",
                                                     "id = \"INC-1SBR0KEN000\"").replace(
        'status = "new"', 'status = "sleeping"'), encoding="utf-8")
    desk.git("add", "tickets")
    desk.git("commit", "-q", "--no-verify", "-m", "every field kind, as hand edits")
    for path in (desk.root / ".git" / "sdesk").glob("index*"):
        path.unlink()
    assert len(desk.run("list", "--all", "-n", "1000").stdout.splitlines()) > 150
    rel = broken.relative_to(desk.root).as_posix()
    with pytest.raises(SdeskError) as shown:
        loads(broken.read_text(encoding="utf-8"), rel)
    assert [p.message for p in Index.open(Store(desk.root)).problems] == [shown.value.message]
    assert list(differences(Store(desk.root))) == []  # `check --deep`'s comparison
    broken.unlink()
    desk.git("commit", "-qam", "the broken file removed", "--no-verify")
    assert list(differences(Store(desk.root))) == []


def test_a_worker_reading_ahead_gives_what_reading_one_by_one_gives(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold load's worker opens its folder's files READ_AHEAD files before it reads them
    (index._opened_ahead): every row and every problem (a link, a FIFO, a file over the size
    limit, one not UTF-8, a misplaced one; a folder named like a ticket is skipped) is what
    read_file gives for the file alone, in the same order, and no file is left open."""
    from sdesk.core.untrusted import MAX_FILE_BYTES
    from sdesk.store import index

    monkeypatch.setattr(index, "READ_AHEAD", 2)  # the window slides over the folder
    written = write_tickets(desk.root, 600, seed=5)
    store = Store(desk.root)
    folders = [store.path_of(tid).parent for tid in written]
    base = max(set(folders), key=folders.count)
    folder = base.relative_to(desk.root).as_posix()
    mine = sorted(p.name for p in base.iterdir())
    misplaced = every_kind()[0]  # it belongs in another folder
    (base / f"{misplaced.id}.toml").write_text(dumps(misplaced), encoding="utf-8")
    (base / "INC-1SL1NK000000.toml").symlink_to(base / mine[0])
    os.mkfifo(base / "INC-1SF1F0000000.toml")
    (base / "INC-1SD1R0000000.toml").mkdir()
    (base / "INC-1SB1G0000000.toml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    (base / "INC-1SUTF0000000.toml").write_bytes(b'title = "\xff"\n')
    open_before = len(os.listdir("/proc/self/fd"))
    rows, problems = index._load_dir((str(desk.root), folder, 0))
    assert len(os.listdir("/proc/self/fd")) == open_before
    alone = [read_file(str(desk.root), f"{folder}/{name}", 0)
             for name in sorted(os.listdir(base))]
    assert len(os.listdir("/proc/self/fd")) == open_before
    assert problems == [(got.path, got.problem) for got in alone if got.problem]
    assert rows == [[got.values[n] for n in index.NAMES] for got in alone
                    if got.values is not None and not got.problem]
    assert len(rows) == len(mine) >= 4 and len(problems) == 5  # a folder is no file: skipped
