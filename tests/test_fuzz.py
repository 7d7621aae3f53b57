"""Fuzzing (hypothesis): broken ticket files and hostile command arguments. Every bad input gets
one line on stderr starting `sdesk: error:` and leaves the store byte-identical; nothing typed
escapes the store folder, reaches a shell or injects a mail header."""

from __future__ import annotations

import email
from email import policy

import pytest
from conftest import Desk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdesk.core.errors import SdeskError
from sdesk.core.model import dumps, loads

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

VALID = """schema = 1
id = "INC-2Q5514DDKAJ"
type = "incident"
title = "Printer jams"
status = "new"
opened_at = 2026-11-23T09:00:00-06:00
priority = 3
impact = 2
urgency = 2
channel = "phone"
team = "IS-Service Desk"
"""

WRONG_VALUES = st.one_of(
    st.integers(), st.booleans(), st.text(max_size=20), st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=3), st.just("2026-13-45"), st.just("[x]"),
)


def one_error_line(stderr: str) -> None:
    assert stderr.startswith("sdesk: error: "), stderr
    assert stderr.count("\n") == 1, stderr


@given(st.binary(max_size=300))
@FUZZ
def test_random_bytes_as_a_ticket_file_give_one_line(data: bytes) -> None:
    try:
        loads(data.decode("utf-8", "replace"), "tickets/X/X/INC-2Q5514DDKAJ.toml")
    except SdeskError as exc:
        assert "\n" not in exc.message
        assert exc.message.startswith("tickets/X/X/INC-2Q5514DDKAJ.toml")


@given(st.sampled_from(["status", "priority", "opened_at", "type", "channel", "team", "impact",
                        "schema", "title", "id"]), WRONG_VALUES)
@FUZZ
def test_a_wrong_value_in_any_field_names_the_file_and_the_field(key: str, value: object) -> None:
    literal = value if isinstance(value, str) and value.startswith(("[", "2026")) else None
    shown = literal or (repr(value).lower() if isinstance(value, bool) else
                        '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
                        if isinstance(value, str) else repr(value))
    lines = [f"{key} = {shown}" if line.startswith(f"{key} =") else line
             for line in VALID.splitlines()]
    text = "\n".join(lines) + "\n"
    try:
        ticket = loads(text, "t.toml")
    except SdeskError as exc:
        assert "\n" not in exc.message and exc.message.startswith("t.toml: ")
        return
    assert loads(dumps(ticket), "t.toml") == ticket  # accepted values round-trip


@pytest.mark.no_deep_check  # the garbled file is the point; `check` reports it
@given(st.binary(min_size=1, max_size=200))
@FUZZ
def test_commands_on_a_garbled_ticket_file_fail_in_one_line_and_change_nothing(
        desk: Desk, data: bytes) -> None:
    tid = desk.json("list")[0]["id"] if desk.json("list") else desk.new("-T", "Printer jams")
    path = next(desk.root.glob(f"tickets/*/*/{tid}.toml"))
    good = path.read_bytes()
    try:
        path.write_bytes(b"schema = 1\n" + data)
        before = desk.snapshot()
        for args in (["show", tid], ["note", tid, "hello"]):
            result = desk.run(*args, ok=False)
            if result.exit_code != 0:
                one_error_line(result.stderr)
        assert desk.run("check", "--no-recover", ok=False).exit_code == 1
        assert desk.snapshot() == before
    finally:
        path.write_bytes(good)


HOSTILE_IDS = ["../../etc/passwd", "INC-..", "/etc/passwd", "INC-2Q55/../../x", "$(touch x)",
               "`id`", "x;rm -rf .", "INC-\n2Q55", "-rf", "--help=x", "INC-2Q5514DDKAJ\0",
               "tickets/1/2/INC-2Q5514DDKAJ.toml", "..", "~root", "INC-" + "Z" * 100]


@pytest.mark.parametrize("typed", HOSTILE_IDS)
def test_ids_that_try_to_escape_the_store_or_reach_a_shell_are_refused(
        desk: Desk, typed: str) -> None:
    desk.new("-T", "Printer jams")
    before = desk.snapshot()
    for args in (["show", typed], ["note", typed, "hello"]):
        result = desk.run(*args, ok=False)
        assert result.exit_code != 0
        if result.stderr.startswith("sdesk: error:"):
            one_error_line(result.stderr)
    assert desk.snapshot() == before
    assert not (desk.root / "x").exists()


@given(st.text(alphabet=st.sampled_from("ab \r\n:\x00\x0b\u2028<>@,;"), min_size=1,
               max_size=30))
@FUZZ
def test_titles_names_and_emails_never_inject_mail_headers(desk: Desk, text: str) -> None:
    injected = f"x{text}\nBcc: evil@example.com"
    before = desk.snapshot()
    for args in (["new", "-T", injected, "--email", "ana.ruiz@omes.ok.gov"],
                 ["new", "-T", "Printer", "--name", injected, "--email", "ana.ruiz@omes.ok.gov"],
                 ["new", "-T", "Printer", "--email", f"a@b.gov{text}\nBcc: evil@example.com"]):
        result = desk.run(*args, ok=False)
        if result.exit_code != 0:
            one_error_line(result.stderr)
            assert desk.snapshot() == before
        else:  # accepted: a public note mails the customer with the title in the subject
            new_id = result.stdout.strip().splitlines()[-1]
            desk.run("note", new_id, "We are on it", "--public")
            before = desk.snapshot()
    for path in desk.outbox():
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert msg["Bcc"] is None
        assert "evil@example.com" not in str(msg.get("To", ""))
        assert all("\n" not in str(v) for v in msg.values())


def test_a_title_with_odd_line_separators_stays_inside_the_subject(desk: Desk) -> None:
    tid = desk.new("-T", "Printer", "--email", "ana.ruiz@omes.ok.gov")
    desk.entitle(tid, "Printer\u2028Bcc: evil@example.com\x0bX-Evil: 1")  # as a push may
    desk.run("note", tid, "We are on it", "--public")
    [path] = desk.outbox()
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert "Bcc: evil@example.com" in str(msg["Subject"])
