"""Tester finding 6, session 38: an outage reported by e-mail.

Mail intake logs an incident with no service, in the Service Desk's own queue. incident-1 hands
it back `needs-service` (with the service its text names proposed), and until session 38 that
was the end of its pre-assignment analysis: four people writing "Outlook disconnected from
server" within minutes got no trend and the supervisor heard nothing (the guide: "multiple
cases from many people with the same problem ... notify your supervisor"), while every run
mailed the Service Desk Leads "Handed back to the Service Desk" about tickets that had never
left the Service Desk (the guide mails the leads when a team does not provide the service, 1a).
"""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive

T = "2026-12-14T09:0{}:00-06:00"


def _outage(desk: Desk, tmp: Path) -> list[str]:
    ids = []
    for i in range(1, 5):
        line = receive(desk, message("Outlook disconnected from server",
                                     sender=f"User {i} <u{i}@okdhs.org>",
                                     body="Outlook offline since 9am.",
                                     message_id=f"<o{i}@okdhs.org>"), tmp, now=T.format(i))
        ids.append(line.split(":")[0])
    return ids


def _sent(desk: Desk) -> list[str]:
    return sorted(p.name for p in desk.outbox())


def test_mailed_outage_reports_are_proposed_as_a_trend(desk: Desk, tmp_path: Path) -> None:
    ids = _outage(desk, tmp_path)
    before = _sent(desk)  # the four acknowledgements
    out = desk.run("triage", "--all", now="2026-12-14T09:12:00-06:00").stdout
    for tid in ids:
        flags = desk.ticket(tid)["flags"]
        assert "needs-service" in flags and "proposed:service:Email" in flags, flags
        assert any(f.startswith("proposed:trend:") for f in flags), flags
    assert "4 people report similar incidents within 24 h" in out, out
    # the Service Desk's own intake: the leads are not mailed, nobody is
    assert "ServiceDeskLeads" not in out and _sent(desk) == before, out
    # accepted, the supervisor of the team the text's service goes to is told
    out = desk.run("triage", ids[0], "--accept", "trend",
                   now="2026-12-14T09:20:00-06:00").stdout
    assert "notify alicia.nguyen@omes.ok.gov: Possible trend: many people, same problem" in out
    assert len(_sent(desk)) == len(before) + 1


def test_a_team_sending_back_a_ticket_without_its_service_still_mails_the_leads(
        desk: Desk) -> None:
    # the guide's 1a: the ticket reached a team's queue and goes back to the Service Desk
    tid = desk.new("-T", "Cannot do my work", "--team", "IS-Desktop Support", "--email",
                   "n1@omes.ok.gov", "--agency", "OMES", "-d", "details")
    out = desk.run("triage", tid).stdout
    assert "needs-service" in desk.ticket(tid)["flags"]
    assert "notify ServiceDeskLeads@omes.ok.gov: Handed back to the Service Desk: " \
           "needs-service" in out, out
