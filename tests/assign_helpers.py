"""Helpers shared by the assignment, escalation and hold tests."""

from __future__ import annotations

from typing import Any

DESKTOP = "IS-Desktop Support"
TUESDAY = "2026-11-24T09:00:00-06:00"
THANKSGIVING = "2026-11-26T10:00:00-06:00"


def log(desk: Any, title: str = "Broken thing", *extra: str, team: str = DESKTOP,
        agency: str = "OMES", email: str = "pat.user@omes.ok.gov", effort: str = "1",
        now: str | None = None) -> str:
    service = ("--service", "Desktop Hardware") if team == DESKTOP else ()
    return str(desk.new("-T", title, "--team", team, "--agency", agency, "--email", email,
                        "--effort", effort, *service, *extra, now=now))


def triage(desk: Any, ticket_id: str) -> None:
    """The real pre-assignment analysis; the ticket must come out ready for assignment."""
    desk.run("triage", ticket_id)
    assert desk.ticket(ticket_id)["status"] == "triaged", desk.ticket(ticket_id)["journal"]


def triage_remote(desk: Any, ticket_id: str) -> None:
    """`triage`, then the dispatcher's "remote" answer to an on-site proposal triage may make
    (it reads "monitor" or "flickers" as on-site work, weakly): a queue holds a ticket whose
    on-site proposal is pending since session 39, and a test of the queue itself needs none."""
    triage(desk, ticket_id)
    if "proposed:on-site:text" in desk.ticket(ticket_id)["flags"]:
        desk.run("triage", ticket_id, "--reject", "on-site")


def load(desk: Any, tech: str, hours: str, team: str = DESKTOP) -> str:
    """Give `tech` an open assigned ticket of `hours` effort."""
    ticket_id = log(desk, f"Work for {tech}", team=team, effort=hours,
                    email=f"other.{tech}@omes.ok.gov")
    desk.run("assign", ticket_id, "--to", tech, "--force")
    return ticket_id


def journal_of(desk: Any, ticket_id: str, kind: str) -> list[str]:
    return [e["text"] for e in desk.ticket(ticket_id)["journal"] if e["kind"] == kind]
