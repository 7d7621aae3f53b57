"""Helpers shared by the assignment, escalation and hold tests."""

from __future__ import annotations

from typing import Any

DESKTOP = "IS-Desktop Support"
TUESDAY = "2026-11-24T09:00:00-06:00"
THANKSGIVING = "2026-11-26T10:00:00-06:00"


def log(desk: Any, title: str = "Broken thing", *extra: str, team: str = DESKTOP,
        agency: str = "OMES", email: str = "pat.user@omes.ok.gov", effort: str = "1",
        now: str | None = None) -> str:
    return str(desk.new("-T", title, "--team", team, "--agency", agency, "--email", email,
                        "--effort", effort, *extra, now=now))


def triage(desk: Any, ticket_id: str) -> None:
    """Stand in for `sdesk triage`: mark the ticket triaged in its file and commit, the way a
    reviewed triage change lands in git."""
    path = next(desk.root.glob(f"tickets/**/{ticket_id}.toml"))
    text = path.read_text()
    path.write_text(text.replace('status = "new"', 'status = "triaged"', 1))
    desk.git("commit", "-q", "-m", f"triage {ticket_id}", "--", str(path))


def load(desk: Any, tech: str, hours: str, team: str = DESKTOP) -> str:
    """Give `tech` an open assigned ticket of `hours` effort."""
    ticket_id = log(desk, f"Work for {tech}", team=team, effort=hours,
                    email=f"other.{tech}@omes.ok.gov")
    desk.run("assign", ticket_id, "--to", tech, "--force")
    return ticket_id


def journal_of(desk: Any, ticket_id: str, kind: str) -> list[str]:
    return [e["text"] for e in desk.ticket(ticket_id)["journal"] if e["kind"] == kind]
