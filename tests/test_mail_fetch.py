"""sdesk mail fetch from a Maildir and from a real IMAP server (dovecot on loopback, over TLS),
and the conversation the issue describes, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Desk
from imap_server import ImapServer, imap_server  # noqa: F401 - the fixture
from mail_helpers import header, last_sent, message, report, ticket_ids


def maildir(tmp_path: Path, *messages: bytes) -> Path:
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(messages):
        (box / "new" / f"1700000000.{i:04d}.host").write_bytes(raw)
    return box


def test_maildir_fetch_takes_new_mail_in_one_commit(desk: Desk, tmp_path: Path) -> None:
    first = message(message_id="<a1@health.ok.gov>")
    reply = message("Re: Printer", body="More detail.", message_id="<a2@health.ok.gov>",
                    headers="In-Reply-To: <a1@health.ok.gov>\n")
    auto = message("Out of office", message_id="<a3@health.ok.gov>",
                   headers="Auto-Submitted: auto-replied\n")
    box = maildir(tmp_path, first, reply, auto)
    before = desk.commits()
    out = desk.run("mail", "fetch", "--maildir", str(box)).stdout
    assert desk.commits() == before + 1
    assert "3 message(s): 1 new, 1 refused, 1 reply" in out
    (tid,) = ticket_ids(desk)  # the reply in the same batch joined the new ticket
    assert desk.ticket(tid)["journal"][-1]["text"].startswith("More detail.")
    assert sorted(p.name for p in (box / "cur").iterdir()) == [
        "1700000000.0000.host:2,S", "1700000000.0001.host:2,S", "1700000000.0002.host:2,F"]
    assert list((box / "new").iterdir()) == []
    # Nothing is read twice.
    again = desk.fails("mail", "fetch", "--maildir", str(box), code=4)  # exit 4: no new mail
    assert "0 message(s): none" in again.stdout
    assert again.stderr == "sdesk: nothing fetched: no new mail\n"
    assert desk.commits() == before + 1


def test_maildir_folders_from_settings_keep_the_reason(desk: Desk, tmp_path: Path) -> None:
    box = maildir(tmp_path, message(), message("Bulk", message_id="<b@x>",
                                                 headers="Precedence: bulk\n"))
    desk.machine(f'\n[mail.maildir]\npath = "{box}"\ntaken = ".Taken"\nrefused = ".Refused"\n')
    desk.run("mail", "fetch")
    (refused,) = list((box / ".Refused" / "new").iterdir())
    assert refused.read_bytes().startswith(b"X-Sdesk-Refused: refused: bulk mail (Precedence: bulk)")
    assert [p.name for p in (box / ".Taken" / "cur").iterdir()] == ["1700000000.0000.host:2,S"]
    assert list((box / "new").iterdir()) == [] and list((box / "cur").iterdir()) == []


def test_a_dry_run_changes_and_moves_nothing(desk: Desk, tmp_path: Path) -> None:
    box = maildir(tmp_path, message())
    before = desk.snapshot()
    assert "1 new" in desk.run("mail", "fetch", "--maildir", str(box), "--dry-run").stdout
    assert desk.snapshot() == before
    assert len(list((box / "new").iterdir())) == 1


def test_fetch_bad_input_is_one_line(desk: Desk, tmp_path: Path) -> None:
    before = desk.snapshot()
    result = desk.fails("mail", "fetch", "--maildir", str(tmp_path / "nowhere"))
    assert "not a Maildir" in result.stderr and len(result.stderr.splitlines()) == 1
    assert "no Maildir" in desk.fails("mail", "fetch").stderr
    local = desk.machine('\n[mail.imap]\nhost = "127.0.0.1"\npassword = "x"\n')
    assert "passwords never go in the store" in desk.fails("mail", "fetch", "--imap").stderr
    local.write_text(local.read_text().replace('password = "x"\n', ""))
    assert "no IMAP password" in desk.fails("mail", "fetch", "--imap").stderr
    assert desk.snapshot() == before


# -- IMAP -----------------------------------------------------------------------------------


def point_at_imap(desk: Desk, server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    desk.machine(
        f'\n[mail.imap]\nhost = "{server.host}"\nport = {server.port}\nuser = "{server.user}"\n'
        f'ca_file = "{server.ca_file}"\n')
    monkeypatch.setenv("SDESK_IMAP_PASSWORD", server.password)


def fetch(desk: Desk, now: str) -> str:
    before = desk.commits()
    done = desk.run("mail", "fetch", "--imap", now=now, ok=False)
    out = str(done.stdout)
    assert done.exit_code == (4 if out.startswith("0 message(s)") else 0), done.stderr
    assert desk.commits() <= before + 1  # a batch is one commit
    return out


def test_imap_password_from_a_command(desk: Desk, imap_server: ImapServer,  # noqa: F811
                                      tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(imap_server.password + "\n")
    desk.machine(
        f'\n[mail.imap]\nhost = "{imap_server.host}"\nport = {imap_server.port}\n'
        f'user = "{imap_server.user}"\nca_file = "{imap_server.ca_file}"\n'
        f'password_command = "cat {secret}"\ntaken = "Taken"\n')
    imap_server.deliver(message())
    assert "1 new" in desk.run("mail", "fetch").stdout
    assert imap_server.flags("INBOX") == []
    assert len(imap_server.flags("Taken")) == 1
    assert "imap-test-password" not in desk.git("log", "-p")


def test_imap_wrong_password_is_one_line(desk: Desk, imap_server: ImapServer,  # noqa: F811
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    point_at_imap(desk, imap_server, monkeypatch)
    monkeypatch.setenv("SDESK_IMAP_PASSWORD", "wrong")
    before = desk.snapshot()
    result = desk.fails("mail", "fetch", "--imap")
    assert result.stderr.startswith(f"sdesk: error: IMAP 127.0.0.1:{imap_server.port}: ")
    assert "b'" not in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert desk.snapshot() == before


def test_a_conversation_by_imap(desk: Desk, imap_server: ImapServer,  # noqa: F811
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A ticket, a public note, the customer's reply, a reply to the resolution that reopens
    it, a CSAT reply, a late reply that opens a related ticket, and an out-of-office and a
    bounce that change nothing but the delivery record."""
    point_at_imap(desk, imap_server, monkeypatch)
    imap_server.deliver(message(message_id="<c1@health.ok.gov>"))
    assert "1 new" in fetch(desk, "2026-11-23T09:00:00-06:00")
    (tid,) = ticket_ids(desk)

    desk.run("note", tid, "--public", "A technician comes at noon.")
    note = last_sent(desk, tid)
    imap_server.deliver(message(f"Re: [{tid}] Update", body="Noon is fine.\n\n> A technician",
                                message_id="<c2@health.ok.gov>",
                                headers=f"In-Reply-To: {header(note, 'Message-ID')}\n"))
    assert f"{tid}: reply from ana.ruiz@health.ok.gov added" in fetch(
        desk, "2026-11-23T10:00:00-06:00")
    assert desk.ticket(tid)["journal"][-1]["text"].startswith("Noon is fine.")

    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fuser replaced.",
             now="2026-11-23T12:30:00-06:00")
    resolution = last_sent(desk, tid)
    imap_server.deliver(message(f"Re: [{tid}] Resolved", body="It jams again.",
                                message_id="<c3@health.ok.gov>",
                                headers=f"In-Reply-To: {header(resolution, 'Message-ID')}\n"))
    assert f"{tid}: reopened by a reply" in fetch(desk, "2026-11-24T09:00:00-06:00")
    t = desk.ticket(tid)
    assert (t["status"], t["reopens"]) == ("triaged", 1)

    desk.run("resolve", tid, "--code", "fixed", "--summary", "New drum.",
             now="2026-11-24T11:00:00-06:00")
    imap_server.deliver(message(f"Re: [{tid}] Resolved", body="5\nThank you!",
                                message_id="<c4@health.ok.gov>"))
    assert f"{tid}: satisfaction 5/5" in fetch(desk, "2026-11-24T12:00:00-06:00")
    t = desk.ticket(tid)
    assert (t["status"], t["csat"]["score"], t["csat"]["comment"]) == ("resolved", 5, "Thank you!")

    # a clear statement that the problem is back (session 39: "The scanner now fails too."
    # tells a new problem, not this one back; it is a comment flagged for a person)
    imap_server.deliver(message(f"Re: [{tid}] Resolved", body="The scanner fails again.",
                                message_id="<c5@health.ok.gov>"))
    out = fetch(desk, "2027-01-11T09:00:00-06:00")
    assert f"related to {tid}" in out
    related = [i for i in ticket_ids(desk) if i != tid]
    assert len(related) == 1 and desk.ticket(related[0])["related"] == [tid]
    assert desk.ticket(tid)["status"] == "resolved"

    before = desk.ticket(tid)
    sent_id = header(last_sent(desk, tid), "Message-ID")
    imap_server.deliver(
        message(f"Automatic reply: [{tid}] Resolved", message_id="<c6@health.ok.gov>",
                headers=f"Auto-Submitted: auto-replied\nIn-Reply-To: {sent_id}\n"),
        report(sent_id, message_id="<c7@mx.health.ok.gov>"))
    out = fetch(desk, "2027-01-11T10:00:00-06:00")
    assert "refused: automatic mail (Auto-Submitted: auto-replied)" in out
    assert f"{tid}: delivery to ana.ruiz@health.ok.gov failed" in out
    after = desk.ticket(tid)
    assert len(ticket_ids(desk)) == 2
    assert after["journal"][:-1] == before["journal"]
    assert after["journal"][-1]["text"].startswith("Delivery failed")
    flags = imap_server.flags()
    assert all(b"\\Seen" in f for f in flags[:5] + flags[6:])
    assert b"\\Flagged" in flags[5] and b"\\Seen" not in flags[5]  # the out-of-office stays
    assert "0 message(s)" in fetch(desk, "2027-01-11T11:00:00-06:00")  # nothing read twice


def test_a_closed_ticket_is_never_reopened(desk: Desk, tmp_path: Path) -> None:
    box = maildir(tmp_path, message(message_id="<d1@health.ok.gov>"))
    desk.run("mail", "fetch", "--maildir", str(box))
    (tid,) = ticket_ids(desk)
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Done.")
    desk.run("close", tid)
    (box / "new" / "later").write_bytes(message(f"Re: [{tid}] Resolved", body="Broken again",
                                                message_id="<d2@health.ok.gov>"))
    out = desk.run("mail", "fetch", "--maildir", str(box)).stdout
    assert f"{tid} is closed; closed tickets are never reopened" in out
    assert desk.ticket(tid)["status"] == "closed"
    assert len(ticket_ids(desk)) == 2
