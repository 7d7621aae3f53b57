"""Mail intake, the dispatcher's rough edges (issue 16): a message that opens a ticket with
fields missing is logged and warned of, one line each, as `sdesk new` warns; a reply's `[ID]`
tag may be the short ID or lower case. Real Maildirs and the real CLI, as test_mail_fetch.py."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Desk
from docs_examples import ROOT, SAMPLE_NOW, STORE_PARTS
from imap_server import ImapServer, imap_server  # noqa: F401 - the fixture
from mail_helpers import message, ticket_ids
from test_mail_fetch import point_at_imap


def maildir(tmp_path: Path, *messages: bytes) -> Path:
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(messages):
        (box / "new" / f"1700000000.{i:04d}.host").write_bytes(raw)
    return box


BARE = message("Laptop will not boot", sender="pat@example.com", body="",
               message_id="<bare@example.com>")
FULL = message(message_id="<full@health.ok.gov>")


def test_fetch_warns_of_each_missing_field_and_still_logs_the_ticket(desk: Desk,
                                                                     tmp_path: Path) -> None:
    box = maildir(tmp_path, BARE, FULL)
    out = desk.run("mail", "fetch", "--maildir", str(box)).stdout.splitlines()
    bare_line = next(i for i, ln in enumerate(out) if "from pat@example.com" in ln)
    warnings = [ln for ln in out if ln.startswith("  warning: ")]
    assert len(warnings) == 3, out
    assert out[bare_line + 1:bare_line + 4] == warnings  # under the message they are about
    assert "no requester name: From: gives only pat@example.com" in warnings[0]
    assert "no agency: example.com is no agency's mail domain" in warnings[1]
    assert "empty message body" in warnings[2]
    assert out[-1] == "2 message(s): 2 new"
    logged = {desk.ticket(t)["requester"]["email"]: desk.ticket(t) for t in ticket_ids(desk)}
    assert logged["pat@example.com"]["title"] == "Laptop will not boot"  # nothing lost
    assert logged["ana.ruiz@health.ok.gov"]["requester"]["agency"] == "OSDH"


def test_fetch_json_carries_the_warnings(desk: Desk, tmp_path: Path) -> None:
    box = maildir(tmp_path, BARE, FULL)
    data = json.loads(desk.run("mail", "fetch", "--maildir", str(box), "--json").stdout)
    by_key = {m["key"]: m for m in data["messages"]}
    bare, full = (by_key[k] for k in sorted(by_key))
    assert len(bare["warnings"]) == 3 and full["warnings"] == []


def test_receive_and_new_from_email_warn_too(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "bare.eml"
    path.write_bytes(BARE)
    out = desk.run("mail", "receive", str(path)).stdout.splitlines()
    assert len([ln for ln in out if ln.startswith("  warning: ")]) == 3
    other = tmp_path / "other.eml"
    other.write_bytes(message("Monitor dead", sender="Pat Doe <pat@example.com>", body="",
                              message_id="<other@example.com>"))
    done = desk.run("new", "--from-email", str(other), "--agency", "OMES")
    # the name is in From:, --agency fills the other gap: only the empty body is left
    assert done.stderr.count("sdesk: warning: ") == 1
    assert "sdesk: warning: empty message body" in done.stderr


# -- [ID] tags: the short ID, any case ----------------------------------------------------------

@pytest.fixture
def sample(tmp_path: Path) -> Desk:
    """A copy of the sample store (its IDs: INC-2Q4C is one ticket's short ID, INC-2Q4J the
    prefix of two) in its own git repository, at the sample's Monday afternoon."""
    root = tmp_path / "desk"
    root.mkdir()
    for name in STORE_PARTS:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return Desk(root, now=SAMPLE_NOW)


def _fetch(desk: Desk, tmp_path: Path, *messages: bytes) -> list[str]:
    box = maildir(tmp_path, *messages)
    return str(desk.run("mail", "fetch", "--maildir", str(box)).stdout).splitlines()


def test_a_reply_tagged_with_the_short_id_or_in_lower_case_joins_its_ticket(
        sample: Desk, tmp_path: Path) -> None:
    full_id = sample.ticket("INC-2Q4C")["id"]
    who = sample.ticket(full_id)["requester"]["email"]
    before = len(sample.ticket(full_id)["journal"])
    out = _fetch(sample, tmp_path,
                 message("Re: VPN [inc-2q4c]", sender=who, body="Still drops at noon.",
                         message_id="<short@x.gov>"),
                 message(f"Re: VPN [{full_id.lower()}]", sender=who, body="And at one.",
                         message_id="<lower@x.gov>"))
    assert out[-1] == "2 message(s): 2 reply", out
    texts = [e["text"] for e in sample.ticket(full_id)["journal"][before:]]
    assert [t.split("\n")[0] for t in texts] == ["Still drops at noon.", "And at one."]


def test_an_unknown_or_ambiguous_tag_opens_a_new_ticket_and_says_so(
        sample: Desk, tmp_path: Path) -> None:
    tickets = len(sample.json("list", "--all"))
    out = _fetch(sample, tmp_path,
                 message("Re: printer [INC-ZZZZZZ]", body="Hello?", message_id="<u@x.gov>"),
                 message("Re: printer [inc-2q4j]", body="Again?", message_id="<a@x.gov>"))
    assert out[-1] == "2 message(s): 2 new", out
    assert "the subject's [INC-ZZZZZZ] names no ticket, so it opened a new ticket" in out[0]
    assert "the subject's [INC-2Q4J] matches 2 tickets, so it opened a new ticket" in out[1]
    assert len(sample.json("list", "--all")) == tickets + 2


def test_a_bracketed_word_that_is_no_ticket_type_is_no_tag(sample: Desk, tmp_path: Path) -> None:
    out = _fetch(sample, tmp_path, message("[EXT-Mail] Printer jams", message_id="<e@x.gov>"))
    assert out[0].endswith("new incident from ana.ruiz@health.ok.gov"), out
    new = [r for r in sample.json("list") if r["title"].endswith("Printer jams")]
    assert new and new[0]["title"] == "[EXT-Mail] Printer jams"


def test_over_imap_a_short_tag_joins_and_an_unknown_one_is_named(
        desk: Desk, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    point_at_imap(desk, imap_server, monkeypatch)
    imap_server.deliver(message(message_id="<first@health.ok.gov>"))
    assert desk.run("mail", "fetch", "--imap").stdout.splitlines()[-1] == "1 message(s): 1 new"
    (tid,) = ticket_ids(desk)
    short = tid[:8].lower()  # one ticket: eight characters are unique
    imap_server.deliver(
        message(f"Re: Printer [{short}]", body="Tray 2 now.", message_id="<r@health.ok.gov>"),
        message("Re: Printer [INC-00000000]", body="Hello?", message_id="<u@health.ok.gov>"))
    out = desk.run("mail", "fetch", "--imap").stdout.splitlines()
    assert out[0].endswith(f": {tid}: reply from ana.ruiz@health.ok.gov added; flagged "
                           f"customer-reply for the technician"), out
    assert out[1].endswith("the subject's [INC-00000000] names no ticket, so it opened a new "
                           "ticket"), out
    assert desk.ticket(tid)["journal"][-1]["text"].startswith("Tray 2 now.")
