"""outbox list / send against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from conftest import Desk


def queue_two(desk: Desk) -> None:
    """Three messages: two hand-backs (mail to the leads; triaged one at a time, as one run
    mails the leads once) and a Software Request Form (mail to the customer)."""
    printer = desk.new("-T", "Printer jams", "--email", "a@omes.ok.gov", "--agency", "OHCA",
                       "--service", "Printing")
    form = desk.new("-t", "request", "-T", "Install WinRAR", "--email", "cy@omes.ok.gov",
                    "--software", "WinRAR")
    desk.run("triage", printer)
    desk.run("triage", form)


def point_at(desk: Desk, port: int, host: str = "127.0.0.1") -> None:
    desk.machine(f'[mail]\nhost = "{host}"\nport = {port}\n')  # the clone's own settings


def test_outbox_list_shows_waiting_messages(desk: Desk) -> None:
    assert "outbox is empty" in desk.run("outbox", "list").stdout
    queue_two(desk)
    rows = desk.json("outbox", "list")
    assert sorted(r["to"] for r in rows) == sorted(
        ["ServiceDeskLeads@omes.ok.gov", "ServiceDeskLeads@omes.ok.gov", "cy@omes.ok.gov"])
    assert {r["audience"] for r in rows} == {"staff", "customer"}


def test_send_delivers_every_message_and_removes_them_in_one_commit(
        desk: Desk, smtp_server: Any) -> None:
    queue_two(desk)
    point_at(desk, smtp_server.port)
    before = desk.commits()
    desk.run("outbox", "send")
    assert len(smtp_server.messages) == 3
    assert desk.outbox() == []
    assert desk.commits() == before + 1
    assert desk.git("status", "--porcelain") == ""
    received = {m["To"]: m for m in smtp_server.messages}
    assert "Software Request Form" in received["cy@omes.ok.gov"].get_payload()


def test_environment_overrides_the_configured_server(
        desk: Desk, smtp_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    queue_two(desk)
    monkeypatch.setenv("SDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SDESK_SMTP_PORT", str(smtp_server.port))
    desk.run("outbox", "send")
    assert len(smtp_server.messages) == 3


def test_failed_delivery_keeps_the_message_and_says_why(desk: Desk) -> None:
    queue_two(desk)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    point_at(desk, port)
    before = desk.snapshot()
    result = desk.fails("outbox", "send")
    assert "not sent" in result.stderr and "cannot reach" in result.stderr
    assert "not delivered" in result.stderr
    assert desk.snapshot() == before


def test_dry_run_sends_nothing(desk: Desk, smtp_server: Any) -> None:
    queue_two(desk)
    point_at(desk, smtp_server.port)
    before = desk.snapshot()
    assert "would send" in desk.run("outbox", "send", "--dry-run").stdout
    assert smtp_server.messages == [] and desk.snapshot() == before


def test_bad_port_setting_is_one_line(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    queue_two(desk)
    monkeypatch.setenv("SDESK_SMTP_PORT", "smtp")
    assert "port" in desk.fails("outbox", "send").stderr


def test_list_as_json_is_parseable_when_empty(desk: Desk) -> None:
    assert json.loads(desk.run("outbox", "list", "--json").stdout) == []


def _forge(desk: Desk, edit: Any) -> Any:
    """Rewrite the first queued message's headers the way a hostile collaborator would and
    commit it; returns its path."""
    path = desk.outbox()[0]
    head, _, body = path.read_bytes().partition(b"\n\n")
    path.write_bytes(edit(head) + b"\n\n" + body)
    desk.git("commit", "-qam", "a crafted outbox file", "--no-verify")
    return path


@pytest.mark.parametrize("edit, field", [
    (lambda h: h.replace(b"From: servicedesk@omes.ok.gov", b"From: ceo@omes.ok.gov"), "From"),
    (lambda h: h + b"\nCc: friend@evil.example", "Cc"),
    (lambda h: h + b"\nBcc: everyone@evil.example", "Bcc"),
    (lambda h: h + b"\nReply-To: scam@evil.example", "Reply-To"),
    (lambda h: h.replace(b"To: ", b"To: victim@evil.example, ", 1), "To"),
    (lambda h: h + b"\nTo: second@evil.example", "To"),
])
def test_a_crafted_outbox_file_is_refused_by_check_and_never_relayed(
        desk: Desk, smtp_server: Any, edit: Any, field: str) -> None:
    point_at(desk, smtp_server.port)
    queue_two(desk)
    crafted = _forge(desk, edit)
    problems = json.loads(desk.fails("check", "--json").stdout)["problems"]
    assert any(p["path"] == f"outbox/{crafted.name}" and p["field"] == field
               for p in problems), problems
    listed = desk.json("outbox", "list")
    shown = next(r["to"] for r in listed if r["file"] == crafted.name)
    if field in ("Cc", "Bcc"):
        assert f"{field}: " in shown  # outbox list hides no recipient
    result = desk.fails("outbox", "send")
    assert f"not sent {crafted.name}: refused" in result.stderr
    assert crafted.exists()  # it stays, with the reason printed
    delivered = [m for m in smtp_server.messages]
    assert len(delivered) == 2  # the other two went out
    for message in delivered:
        assert message["X-MailFrom"] == "servicedesk@omes.ok.gov"
        assert "evil.example" not in message["X-RcptTo"]


def test_send_uses_the_settings_sender_and_the_vetted_recipients(
        desk: Desk, smtp_server: Any) -> None:
    point_at(desk, smtp_server.port)
    queue_two(desk)
    desk.run("outbox", "send")
    envelopes = sorted((m["X-MailFrom"], m["X-RcptTo"]) for m in smtp_server.messages)
    assert envelopes == sorted([("servicedesk@omes.ok.gov", "servicedeskleads@omes.ok.gov")] * 2
                               + [("servicedesk@omes.ok.gov", "cy@omes.ok.gov")])
