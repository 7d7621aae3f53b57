"""A proposal's KEY stays in its flag (`proposed:separation:Hardware_Request+VPN`), but every
line a person reads, the plan, the journal, `sdesk show` and the mail to the leads, names the
services as they are written ("Hardware Request + VPN", "Account Provisioning"): fresh-user
finding, session 29. Each drives the real CLI on a real store."""

from __future__ import annotations

from email import message_from_bytes

from conftest import Desk

T0 = "2026-11-23T08:00:00-06:00"
KEYS = ("Hardware_Request", "Account_Provisioning")


def _read(text: str) -> list[str]:
    """The lines a person reads: not the flags themselves (the plan's `set flags = [...]`,
    show's `Status: ... (flags)`), which keep the key."""
    return [line for line in text.splitlines()
            if "set flags = [" not in line and "Status:" not in line]


def _leaks(text: str) -> list[str]:
    return [line for line in _read(text) if any(key in line for key in KEYS)]


def test_a_separation_names_the_services_as_written(desk: Desk) -> None:
    tid = desk.new("-T", "Laptop will not dock and VPN fails", "--email", "cy@omes.ok.gov",
                   "--agency", "OMES", "--service", "Laptop", "-d", "x", now=T0)
    desk.run("triage", tid)
    assert "proposed:separation:Hardware_Request+VPN" in desk.ticket(tid)["flags"]
    shown = desk.run("show", tid).stdout
    assert "Proposed:   separation (Hardware Request + VPN)" in shown and not _leaks(shown)
    out = desk.run("triage", tid, "--accept", "separation").stdout
    assert "separation (Hardware Request + VPN) accepted by Dana Dispatcher" in out, out
    assert "separate it: Hardware Request and VPN (accepted by Dana Dispatcher)" in out, out
    assert not _leaks(out), _leaks(out)
    assert not _leaks(desk.run("show", tid).stdout)
    leads = [message_from_bytes(p.read_bytes()) for p in desk.outbox()]
    assert leads and all("Hardware_Request" not in str(m.get_payload()) for m in leads)


def test_a_service_proposal_names_the_service_as_written(desk: Desk) -> None:
    tid = desk.new("-T", "new hire needs AD account", "--email", "cy@omes.ok.gov",
                   "--agency", "OMES", "-d", "x", now=T0)
    out = desk.run("triage", tid).stdout
    assert "proposed:service:Account_Provisioning" in desk.ticket(tid)["flags"], out
    assert not _leaks(out) and not _leaks(desk.run("show", tid).stdout)
    out = desk.run("triage", tid, "--accept", "service").stdout
    assert "service (Account Provisioning) accepted by Dana Dispatcher" in out, out
    assert not _leaks(out), _leaks(out)
    shown = desk.run("show", tid).stdout
    assert "the service proposal (Account Provisioning)" in shown and not _leaks(shown)
