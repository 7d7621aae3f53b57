"""A dispatcher's morning, session 39 (finding 8): after a P1 parent case was resolved with its
reports, one customer's "still says disconnected" reopened that report alone, at its own P4,
unassigned, and nobody was told. The guide's incident-6 tells the supervisor of many people's
problem; a report of a resolved outage coming back is that, so the reopen now tells the
supervisor of the report's team, who decides whether to reopen the parent case. Real CLI, real
git store in a temporary folder, fixed --now."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive


def _outage(desk: Desk) -> tuple[str, str, str]:
    a = desk.new("-T", "outlook disconnected", "--email", "rhonda.kemp@omes.ok.gov",
                 "--service", "Email", now="2026-12-01T08:01:00-06:00")
    b = desk.new("-T", "Outlook disconected from server", "--email", "paul.nguyen@health.ok.gov",
                 "--service", "Email", now="2026-12-01T08:06:00-06:00")
    parent = desk.run("parent", "new", "--from", a, b, "-T", "Exchange outage",
                      now="2026-12-01T08:20:00-06:00").stdout.strip().splitlines()[-1]
    desk.run("resolve", parent, "--code", "fixed", "--summary", "Exchange was restarted.",
             now="2026-12-01T10:00:00-06:00")
    return a, b, parent


def test_a_reply_reopening_a_report_of_a_resolved_parent_case_tells_the_supervisor(
        desk: Desk, tmp_path: Path) -> None:
    a, b, parent = _outage(desk)
    assert desk.ticket(a)["status"] == "resolved" and desk.ticket(a)["parent"] == parent
    before = set(desk.outbox())
    line = receive(desk, message(f"RE: [{a}] Resolved", sender="Rhonda Kemp "
                                 "<rhonda.kemp@omes.ok.gov>", body="It still says disconnected",
                                 message_id="<back1@omes.ok.gov>"), tmp_path,
                   now="2026-12-01T10:30:00-06:00")
    assert f"{a}: reopened by a reply" in line, line
    assert f"a report of parent case {parent}:" in line and line.endswith(" told"), line
    sent = [p.read_text() for p in set(desk.outbox()) - before]
    [told] = [m for m in sent if "Possible return of a resolved parent case" in m]
    assert f"{a}, a report of parent case {parent}, that the problem is back" in told, told
    assert f"sdesk reopen {parent}" in told
    assert "To: " in told and "rhonda.kemp" not in told.split("\n\n", 1)[0], told
    # the supervisor decides: the parent case and its other report stay resolved
    assert desk.ticket(parent)["status"] == "resolved"
    assert desk.ticket(b)["status"] == "resolved"
    assert desk.ticket(a)["status"] in ("triaged", "assigned")


def test_a_reply_reopening_a_ticket_with_no_parent_tells_no_supervisor(
        desk: Desk, tmp_path: Path) -> None:
    tid = desk.new("-T", "Printer jams", "--email", "ana.ruiz@health.ok.gov",
                   now="2026-12-01T08:00:00-06:00")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Fuser replaced.",
             now="2026-12-01T09:00:00-06:00")
    before = set(desk.outbox())
    line = receive(desk, message(f"RE: [{tid}] Resolved", sender="ana.ruiz@health.ok.gov",
                                 body="It still jams", message_id="<back2@health.ok.gov>"),
                   tmp_path, now="2026-12-01T10:00:00-06:00")
    assert "reopened" in line and "parent case" not in line, line
    assert not [p for p in set(desk.outbox()) - before
                if "Possible return" in p.read_text()]
