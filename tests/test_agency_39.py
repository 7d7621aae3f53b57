"""Session 39, a dispatcher's morning (tester finding 2): mail from a domain no agency in
reference/agencies.toml uses was logged with no agency, and once its service was set triage
skipped the Supported Agencies check and routed it. The guide's incident-1: "determine if we
support the agency"; a sender no agency lists is not on any team's list, so triage hands it back
to the Service Desk, and recording the agency (`sdesk set ID agency=CODE`) lets `--recheck`
route it. Real CLI, real git store in a temporary folder, fixed --now."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive

NOW = "2026-12-01T08:30:00-06:00"


def _mailed(desk: Desk, tmp: Path, sender: str, msgid: str) -> str:
    line = receive(desk, message("Outlook wont open since this morning", sender=sender,
                                 message_id=msgid, body="Outlook crashes on start."),
                   tmp, now=NOW)
    found = re.match(r"(\S+): new ", line)
    assert found, line
    return found.group(1)


def test_mail_from_a_domain_no_agency_uses_is_handed_back_not_routed(
        desk: Desk, tmp_path: Path) -> None:
    outside = _mailed(desk, tmp_path, "Pat Doe <pat.doe@okstate.edu>", "<o1@okstate.edu>")
    ours = _mailed(desk, tmp_path, "Hal Burns <hal.burns@okdhs.org>", "<o2@okdhs.org>")
    for tid in (outside, ours):
        desk.run("set", tid, "service=Email", now="2026-12-01T08:40:00-06:00")
    assert desk.ticket(outside)["requester"].get("agency", "") == ""
    before = desk.commits()
    out = desk.run("triage", outside, now="2026-12-01T08:45:00-06:00").stdout
    assert "mail from okstate.edu, a domain no agency in reference/agencies.toml uses" in out, out
    assert f"sdesk set {outside} agency=CODE" in out, out
    assert "Supported Agencies check is skipped" not in out, out
    t = desk.ticket(outside)
    assert "unsupported" in t.get("flags", []), t
    assert t["team"] == "IS-Service Desk", t
    assert desk.commits() == before + 1
    # the agency's own domain routes as before: the check ran against DHS
    routed = desk.run("triage", ours, now="2026-12-01T08:46:00-06:00").stdout
    assert "supports DHS" in routed, routed
    assert desk.ticket(ours)["team"] != "IS-Service Desk"


def test_recording_the_agency_lets_recheck_route_it(desk: Desk, tmp_path: Path) -> None:
    tid = _mailed(desk, tmp_path, "Pat Doe <pat.doe@gmail.com>", "<o3@gmail.com>")
    desk.run("set", tid, "service=Email", now="2026-12-01T08:40:00-06:00")
    desk.run("triage", tid, now="2026-12-01T08:45:00-06:00")
    assert "unsupported" in desk.ticket(tid).get("flags", [])
    desk.run("set", tid, "agency=OMES", now="2026-12-01T09:00:00-06:00")
    out = desk.run("triage", tid, "--recheck", now="2026-12-01T09:05:00-06:00").stdout
    assert "supports OMES" in out, out
    assert desk.ticket(tid)["team"] != "IS-Service Desk"


def test_a_call_with_no_agency_still_skips_the_check(desk: Desk) -> None:
    # session 29's choice stands for a phone call or walk-in: nobody's mail domain to read
    tid = desk.new("-t", "incident", "-T", "Outlook wont open", "--email", "pat.doe@okstate.edu",
                   "--name", "Pat Doe", "--service", "Email", "-d", "crash",
                   now="2026-12-01T08:30:00-06:00")
    out = desk.run("triage", tid, now="2026-12-01T08:45:00-06:00").stdout
    assert "Supported Agencies check is skipped" in out, out
