"""A dispatcher's morning, session 39: the same person's second mail on one subject.

Mail intake logs an incident with no service, and incident-1 hands it back `needs-service`.
Until session 39 that was all a second mail from the same person got: "vpn still not
connecting" an hour after "VPN won't connect" was matched with the first only once somebody
had set its service, so the first pass never said the person already has a ticket on it (the
guide's incident-5: "multiple cases from one person on the same subject ... relate the cases
... resolve the duplicates"). Now the hand-back is followed by incident-5, as it is by
incident-6 (session 38): related at once, the duplicate proposed. Real CLI, real git store in a
temporary folder, fixed --now."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive


def _mail(desk: Desk, tmp: Path, subject: str, msgid: str, now: str,
          sender: str = "Gary Lutz <gary.lutz@okdhs.org>") -> str:
    line = receive(desk, message(subject, sender=sender, body="Tried restarting twice.",
                                 message_id=msgid), tmp, now=now)
    return line.split(":")[0]


def test_the_same_persons_second_mail_is_proposed_as_a_duplicate_before_its_service_is_set(
        desk: Desk, tmp_path: Path) -> None:
    first = _mail(desk, tmp_path, "VPN won't connect", "<v1@okdhs.org>",
                  "2026-12-14T08:00:00-06:00")
    second = _mail(desk, tmp_path, "vpn still not connecting", "<v2@okdhs.org>",
                   "2026-12-14T09:00:00-06:00")
    other = _mail(desk, tmp_path, "VPN won't connect", "<v3@omes.ok.gov>",
                  "2026-12-14T09:05:00-06:00", sender="Ana Ruiz <ana.ruiz@omes.ok.gov>")
    out = desk.run("triage", "--all", now="2026-12-14T09:10:00-06:00").stdout
    flags = desk.ticket(second)["flags"]
    assert "needs-service" in flags, flags  # still handed back for its service
    assert f"proposed:duplicate:{first}" in flags, flags
    assert first in desk.ticket(second)["related"]
    assert f"same person, same subject as {first}" in out, out
    # another person's report of the same words is no duplicate (incident-5 is one person's)
    assert not any(f.startswith("proposed:duplicate") for f in desk.ticket(other)["flags"])
    assert not any(f.startswith("proposed:duplicate") for f in desk.ticket(first)["flags"])
    # accepted, it is resolved as the duplicate of the first mail, service or none
    desk.run("triage", second, "--accept", "duplicate", now="2026-12-14T09:20:00-06:00")
    t = desk.ticket(second)
    assert t["status"] == "resolved" and t["duplicate_of"] == first, t
