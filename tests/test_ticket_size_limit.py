"""No writer makes a ticket file every reader refuses: the read limit (1 MiB, MAX_FILE_BYTES in
sdesk/core/untrusted.py) is the write limit too. A note, a `set` or an import that would pass it
is refused (one line, exit 1, store unchanged); mail, which cannot be refused for its size, keeps
the start of its text in the ticket, says what it cut, and keeps the whole message under mail/."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive

from sdesk.core.untrusted import MAX_FILE_BYTES

LIMIT_LINE = f"over the {MAX_FILE_BYTES}-byte limit for a ticket file"


def _incident(desk: Desk) -> str:
    return desk.new("-T", "Printer jams", "-d", "It jams.", "--name", "Ana Ruiz",
                    "--email", "ana.ruiz@health.ok.gov", "--agency", "OSDH",
                    "--service", "Printing")


def _file(desk: Desk, ticket_id: str) -> Path:
    [path] = (desk.root / "tickets").rglob(f"{ticket_id}.toml")
    return path


def _refused(desk: Desk, who: str, *args: str, input: str | None = None) -> str:
    """Run a writer that must be refused; `who` is a pattern for what the line names."""
    before = desk.snapshot()
    result = desk.fails(*args, input=input, code=1)
    assert desk.snapshot() == before
    [line] = result.stderr.splitlines()
    assert re.match(f"sdesk: error: {who} would be [0-9]+ bytes, ", line), line
    assert LIMIT_LINE in line
    return line


def test_a_note_over_the_read_limit_is_refused(desk: Desk) -> None:
    tid = _incident(desk)
    _refused(desk, f"ticket {tid}", "note", tid, "-", input="y" * (2 * 1024 * 1024))
    desk.run("note", tid, "-", input="y" * 100_000)  # a long note that fits is kept
    desk.run("show", tid)


def test_a_description_set_past_the_limit_is_refused(desk: Desk) -> None:
    tid = _incident(desk)
    for _ in range(9):  # ~0.9 MiB of journal: readable, under the limit
        desk.run("note", tid, "-", input="n" * 110_000)
    assert _file(desk, tid).stat().st_size < MAX_FILE_BYTES
    _refused(desk, f"ticket {tid}", "set", tid, "description=" + "d" * 200_000)
    desk.run("show", tid)


def test_an_import_that_would_write_a_file_over_the_limit_is_refused(desk: Desk,
                                                                        tmp_path: Path) -> None:
    csv = tmp_path / "big.csv"
    csv.write_text("number,short_description,description,incident_state,opened_at\n"
                   f"INC0009001,Huge log,{'x' * (MAX_FILE_BYTES - 100)},New,29/2/2016 01:16\n")
    _refused(desk, "INC0009001: ticket INC-[0-9A-Z]+", "import", "servicenow", str(csv))


def test_mail_of_a_huge_body_opens_a_ticket_with_the_text_cut(desk: Desk,
                                                               tmp_path: Path) -> None:
    body = "".join(f"line {i}: error 0x{i:08x}\n" for i in range(120_000))  # ~3 MB
    out = receive(desk, message(body=body), tmp_path)
    tid = out.split(":")[0]
    assert "warning: message text cut: " in out
    path = _file(desk, tid)
    assert path.stat().st_size < MAX_FILE_BYTES
    description = desk.ticket(tid)["description"]
    assert description.startswith("line 0: error 0x00000000\n")
    [kept] = (desk.root / "mail" / tid).glob("*.eml")
    assert body.strip() in kept.read_text()  # nothing lost: the whole message is kept
    cut = len(body.strip().encode()) - len(description.rpartition("\n\n[cut: ")[0].encode())
    assert description.endswith(f"[cut: {cut} bytes not kept; the whole message is kept as "
                                f"mail/{tid}/{kept.name}]")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Reset the queue.")
    assert desk.ticket(tid)["status"] == "resolved"  # room is left for the ticket's life


def test_replies_by_mail_never_push_a_ticket_past_the_limit(desk: Desk, tmp_path: Path) -> None:
    out = receive(desk, message(body="It jams."), tmp_path)
    tid = out.split(":")[0]
    for n in range(6):  # each 600 KB: the kept text shrinks as the file fills up
        out = receive(desk, message(f"Re: [{tid}] printer", body=f"log {n}\n" + "z" * 600_000,
                                    message_id=f"<r{n}@health.ok.gov>"), tmp_path)
        assert out.startswith(f"{tid}: reply from "), out
        assert "message text cut" in out
        assert _file(desk, tid).stat().st_size < MAX_FILE_BYTES
    replies = [e["text"] for e in desk.ticket(tid)["journal"] if e["kind"] == "email"
               and e["visibility"] == "public"]
    assert len(replies) == 6
    assert replies[-1].startswith("[cut: ")  # no room left: only the marker, and the .eml
    assert len(list((desk.root / "mail" / tid).glob("*.eml"))) == 7
    desk.run("note", tid, "Called Ana; the log is in the kept mail.")


def test_a_public_note_whose_mail_would_pass_the_limit_is_refused(desk: Desk) -> None:
    """400 KB of accented text fits the ticket, but its mail is 1.2 MB quoted-printable: an
    outbox file `outbox list` and `send` refuse, which held up every message behind it."""
    tid = _incident(desk)
    before = desk.snapshot()
    result = desk.fails("note", tid, "--public", "-", input="é" * 200_000, code=1)
    assert desk.snapshot() == before
    [line] = result.stderr.splitlines()
    assert re.match(rf"sdesk: error: the mail about ticket {tid} \(outbox/[^)]+\.eml\) would "
                    rf"be [0-9]+ bytes, over the {MAX_FILE_BYTES}-byte limit for an outbox file",
                    line), line
    desk.run("note", tid, "--public", "-", input="é" * 20_000)  # a long one that fits goes out
    desk.run("outbox", "list")
