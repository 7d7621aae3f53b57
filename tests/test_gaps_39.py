"""Gaps a tester found in session 38's desk (issue 11: every ticket can be corrected, bad input
gets one clear line and loses nothing; the guide's incident-5 duplicates). Each drives the real
CLI on a real git store in a temporary folder, at fixed times; each failed on the code before
session 39."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import Desk

T0 = "2026-11-23T09:00:00-06:00"
T1 = "2026-11-23T10:00:00-06:00"
T2 = "2026-11-23T11:00:00-06:00"
T3 = "2026-11-23T12:00:00-06:00"
ANA = ("--email", "ana.ruiz@omes.ok.gov", "--name", "Ana Ruiz", "--agency", "OMES")
BEN = ("--email", "ben.whitehorse@okdhs.org", "--name", "Ben Whitehorse", "--agency", "OMES")


def _fails(desk: Desk, *args: str, code: int = 1, now: str | None = None) -> Any:
    """The command at `now`, which must fail with exit `code` and say one line."""
    result = desk.run(*args, ok=False, now=now)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    return result


def _file(desk: Desk, tid: str) -> Path:
    [path] = (desk.root / "tickets").rglob(f"{tid}.toml")
    return path


def _incident(desk: Desk, title: str, who: tuple[str, ...] = ANA, now: str = T0) -> str:
    return desk.new("-T", title, *who, "--service", "VPN", "-d", title, now=now)


def _last_mail(desk: Desk) -> str:
    """The last queued message: its headers unfolded, then its body."""
    from email import message_from_bytes, policy

    message = message_from_bytes(desk.outbox()[-1].read_bytes(), policy=policy.default)
    head = "".join(f"{k}: {v}\n" for k, v in message.items())
    return head + "\n" + message.get_content()


# 1. A duplicate of a resolved or closed original ------------------------------------------

def test_resolve_duplicate_of_a_closed_original_is_refused_as_triage_refuses_it(
        desk: Desk) -> None:
    original = _incident(desk, "Forgot my password")
    desk.run("resolve", original, "-c", "fixed", "-s", "Reset the password", now=T1)
    desk.run("close", original, now=T1)
    dup = _incident(desk, "Forgot my password again", now=T2)
    before = desk.snapshot()
    result = _fails(desk, "resolve", dup, "--duplicate-of", original, "-s", "Same", now=T3)
    assert (f"{dup}: --duplicate-of names {original} ('Forgot my password'), which is "
            f"closed: resolving it as a duplicate would close {dup} and tell the customer work "
            f"goes on there; {original} cannot be reopened, or resolve {dup} on its own: "
            f"sdesk resolve {dup} --code CODE --summary '...'") in result.stderr
    assert desk.snapshot() == before


def test_resolve_duplicate_of_a_resolved_original_says_reopen_it_first(desk: Desk) -> None:
    original = _incident(desk, "Forgot my password")
    desk.run("resolve", original, "-c", "fixed", "-s", "Reset the password", now=T1)
    dup = _incident(desk, "Forgot my password again", now=T2)
    result = _fails(desk, "resolve", dup, "--duplicate-of", original, "-s", "Same", now=T3)
    assert "which is resolved: " in result.stderr
    assert f"sdesk reopen {original} --reason '...' then resolve again" in result.stderr
    desk.run("reopen", original, "--reason", "still locked out", now=T3)
    desk.run("resolve", dup, "--duplicate-of", original, "-s", "Same", now=T3)
    assert desk.ticket(dup)["duplicate_of"] == original


# 2. A duplicate across requesters ------------------------------------------------------------

def test_resolve_duplicate_of_another_persons_ticket_is_refused_naming_both(
        desk: Desk) -> None:
    bens = _incident(desk, "VPN drops every hour", BEN)
    anas = _incident(desk, "VPN keeps dropping", now=T1)
    before = desk.snapshot()
    result = _fails(desk, "resolve", anas, "--duplicate-of", bens, "-s", "Same VPN", now=T2)
    assert (f"{anas}: --duplicate-of {bens} is another person's ticket ({anas}: "
            f"ana.ruiz@omes.ok.gov; {bens}: ben.whitehorse@okdhs.org)") in result.stderr
    assert f"sdesk relate {anas} {bens}" in result.stderr
    assert "sdesk parent new" in result.stderr and "--other-requester" in result.stderr
    assert desk.snapshot() == before


def test_other_requester_resolves_it_without_promising_updates_from_there(
        desk: Desk) -> None:
    bens = _incident(desk, "VPN drops every hour", BEN)
    anas = _incident(desk, "VPN keeps dropping", now=T1)
    desk.run("resolve", anas, "--duplicate-of", bens, "--other-requester", "-s",
             "Same VPN fault", now=T2)
    assert desk.ticket(anas)["duplicate_of"] == bens
    mail = _last_mail(desk)
    assert "To: ana.ruiz@omes.ok.gov" in mail
    assert "keep you updated" not in mail
    assert f"Updates on {bens} are not mailed to you" in mail


def test_other_requester_needs_duplicate_of(desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    result = desk.run("resolve", tid, "-c", "fixed", "-s", "x", "--other-requester",
                      ok=False, now=T1)
    assert result.exit_code == 2 and "--other-requester goes with --duplicate-of" in \
        result.stderr


# 3. The duplicate's resolution mail ----------------------------------------------------------

def test_a_duplicates_mail_says_merged_in_its_own_type_word_and_asks_no_score(
        desk: Desk) -> None:
    original = _incident(desk, "Outlook crashes at start")
    dup = _incident(desk, "Outlook crashing again", now=T1)
    desk.run("resolve", dup, "--duplicate-of", original, "-s",
             "Same Outlook crash as your other ticket", now=T2)
    mail = _last_mail(desk)
    assert f"Subject: [{dup}] Merged into {original}: Outlook crashing again" in mail
    assert "Resolved:" not in mail
    assert "How satisfied" not in mail  # kpi leaves duplicates out of CSAT
    assert f"Your incident {dup} has been merged into {original}" in mail
    assert "request" not in mail.lower()
    assert f"we will keep you updated on {original}" in mail


# 5. A knowledge-base article from a resolution that solved nothing ---------------------------

def test_kb_new_refuses_a_no_response_resolution(desk: Desk) -> None:
    tid = _incident(desk, "Docking station dead")
    desk.run("resolve", tid, "-c", "no-response", "-s",
             "We could not reach you after three attempts, so we are closing this.", now=T1)
    before = desk.snapshot()
    result = _fails(desk, "kb", "new", "--from", tid, now=T2)
    assert (f"{tid} was resolved as no-response: the customer never answered, so nothing was "
            "solved, and an article records how a problem was solved") in result.stderr
    assert desk.snapshot() == before


def test_kb_new_from_a_duplicate_names_the_original_to_draft_from(desk: Desk) -> None:
    original = _incident(desk, "Outlook crashes at start")
    dup = _incident(desk, "Outlook crashing again", now=T1)
    desk.run("resolve", dup, "--duplicate-of", original, "-s", "Same Outlook crash", now=T2)
    before = desk.snapshot()
    result = _fails(desk, "kb", "new", "--from", dup, now=T3)
    assert f"{dup} was resolved as duplicate: it points at the original" in result.stderr
    assert f"draft from the original: sdesk kb new --from {original}" in result.stderr
    assert desk.snapshot() == before


# 6. A reply to a ticket whose file cannot be read --------------------------------------------

def _reply(subject: str, message_id: str) -> bytes:
    return (f"From: Ana Ruiz <ana.ruiz@omes.ok.gov>\nTo: servicedesk@omes.ok.gov\n"
            f"Subject: {subject}\nDate: Mon, 23 Nov 2026 15:00:00 -0600\n"
            f"Message-ID: <{message_id}@example.org>\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\n\nThe VPN still drops.\n").encode()


def _break(desk: Desk, tid: str) -> str:
    """A collaborator commits a broken ticket file; its store-relative path."""
    path = _file(desk, tid)
    path.write_text(path.read_text(encoding="utf-8").replace('status = "new"', 'status = new'),
                    encoding="utf-8")
    desk.git("commit", "-qam", "a broken edit", "--no-verify")
    return path.relative_to(desk.root).as_posix()


def test_mail_receive_of_a_reply_to_a_broken_ticket_is_tried_again_later(desk: Desk) -> None:
    tid = _incident(desk, "VPN drops")
    rel = _break(desk, tid)
    short = desk.git("ls-files", "tickets").count("\n") and tid[:8]  # the short ID a person types
    for tag in (tid, short):
        before = desk.snapshot()
        result = desk.run("mail", "receive", "-", input=_reply(f"RE: [{tag}] VPN", tag).decode(),
                          ok=False, now=T1)
        assert result.exit_code == 75, (result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and rel in result.stderr, result.stderr
        assert f"names {tid}, whose file cannot be read" in result.stderr
        assert "names no ticket" not in result.stdout + result.stderr
        assert desk.snapshot() == before


def test_mail_fetch_leaves_a_reply_to_a_broken_ticket_in_the_mailbox(desk: Desk,
                                                                     tmp_path: Path) -> None:
    tid = _incident(desk, "VPN drops")
    rel = _break(desk, tid)
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1.eml").write_bytes(_reply(f"RE: [{tid}] VPN", "r1"))
    (box / "new" / "2.eml").write_bytes(
        _reply("Keyboard dead", "n2").replace(b"VPN still drops", b"keyboard does not type"))
    result = desk.run("mail", "fetch", "--maildir", str(box), now=T1)
    held = [line for line in result.stdout.splitlines() if line.startswith("1.eml")]
    assert len(held) == 1 and rel in held[0] and "held for a retry" in held[0], result.stdout
    assert [p.name for p in (box / "new").iterdir()] == ["1.eml"]  # left as it came
    assert len(list((box / "cur").iterdir())) == 1  # the other message was taken
    subprocess.run(["git", "checkout", "HEAD~2", "--", rel], cwd=desk.root, check=True)
    desk.git("commit", "-qm", "the file put right")
    desk.run("mail", "fetch", "--maildir", str(box), now=T2)
    assert not list((box / "new").iterdir())
    assert any("VPN still drops" in e["text"] for e in desk.ticket(tid)["journal"])
