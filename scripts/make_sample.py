"""Regenerate the sample tickets of the project's own store (the checkout is a store).

    .venv/bin/python scripts/make_sample.py

Every ticket goes through the real intake (sdesk.procedures.intake.log_ticket) and the real file format;
history (assignment, resolution, satisfaction) is added the way the procedures record it. The
set is chosen so that each rule of the dispatcher guide has a ticket to act on: a trend of VPN
outages, a duplicate pair, an unsupported agency, a priority that does not match the SLA chart,
two problems on one ticket, hardware and software requests (approved, unapproved, out of
licences), a VIP, on-site work, required skills and a requested technician.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sdesk import git  # noqa: E402
from sdesk.procedures.intake import Intake, log_ticket  # noqa: E402
from sdesk.core.model import Csat, JournalEntry, Requester, Resolution, Ticket, dumps  # noqa: E402
from sdesk.store import Store, atomic_write  # noqa: E402

TZ = dt.timezone(dt.timedelta(hours=-6))
BASE = dt.datetime(2026, 11, 23, 0, 0, tzinfo=TZ)  # midnight before the demo Monday


def at(days_ago: float, hour: float = 0.0) -> dt.datetime:
    return (BASE - dt.timedelta(days=days_ago) + dt.timedelta(hours=hour)).replace(microsecond=0)


def person(name: str, agency: str, domain: str) -> Requester:
    email = name.lower().replace(" ", ".").replace("'", "") + "@" + domain
    return Requester(name=name, email=email, agency=agency)


ANA = person("Ana Ruiz", "OMES", "omes.ok.gov")
BEN = person("Ben Whitehorse", "DHS", "okdhs.org")
CARLA = person("Carla Nguyen", "OSDH", "health.ok.gov")
DEV = person("Dev Patel", "ODOT", "odot.org")
ELLA = person("Ella Stone", "OTC", "tax.ok.gov")
FRANK = person("Frank Lee", "ODWC", "odwc.ok.gov")
GINA = person("Gina Marsh", "DOC-OSP", "doc.ok.gov")
HUGO = person("Hugo Banks", "OHCA", "okhca.org")
IVY = person("Ivy Chen", "DEQ", "deq.ok.gov")
JACK = person("Jack Morgan", "DPS", "dps.ok.gov")
CIO = Requester(name="Jordan Ellsworth", email="cio@omes.ok.gov", agency="OMES")


def tickets(store: Store) -> list[Ticket]:
    ref = store.reference
    made: list[Ticket] = []
    taken: set[str] = set()

    def log(when: dt.datetime, actor: str = "Dana Dispatcher", **kw: object) -> Ticket:
        intake = Intake(**kw)  # type: ignore[arg-type]
        ticket_id = store.new_id(intake.type, when, taken)
        taken.add(ticket_id)
        ticket = log_ticket(intake, ticket_id, ref, when, actor)
        made.append(ticket)
        return ticket

    # --- waiting for triage: routed to support teams, unassigned ---------------------------
    for i, who in enumerate([BEN, CARLA, DEV, ELLA]):
        log(at(0, 7.0 + i * 0.4), type="incident", title="VPN disconnects every few minutes",
            description="Cisco Secure Client drops the tunnel; reconnecting works for a while.",
            channel=["phone", "chat", "email", "self-service"][i], requester=who,
            service="VPN", team="IS-Network Services", impact=2, urgency=2)
    log(at(1, 9.5), type="incident", title="Outlook keeps crashing on start",
        description="Outlook closes right after the splash screen.", channel="phone",
        requester=ANA, service="Email", team="IS-Email & Collaboration", impact=3, urgency=2)
    log(at(0, 8.25), type="incident", title="Outlook crashing when it starts",
        description="Same as Friday, still crashing.", channel="email", requester=ANA,
        service="Email", team="IS-Email & Collaboration", impact=3, urgency=2)
    log(at(2, 10), type="incident", title="PeopleSoft timesheet page will not load",
        description="Error 500 on the timesheet page.", channel="phone", requester=FRANK,
        service="PeopleSoft", team="IS-Applications", impact=3, urgency=2)
    log(at(0, 9.0), type="incident", title="Cannot print to the 2nd floor printer",
        description="Jobs sit in the queue.", channel="in-person", requester=BEN,
        service="Printing", team="IS-Desktop Support", impact=3, urgency=3, priority=1)
    log(at(0, 10.0), type="incident", title="Laptop will not dock and VPN fails",
        description="The docking station does not charge the laptop, and separately the VPN "
        "client will not connect at home.", channel="phone", requester=DEV,
        service="Laptop", team="IS-Desktop Support", impact=3, urgency=2)
    log(at(0, 6.5), type="incident", title="Teams meetings drop audio",
        description="Audio cuts out in every Teams meeting this morning.", channel="phone",
        requester=CIO, service="Teams", team="IS-Email & Collaboration", impact=2, urgency=1)
    log(at(0, 9.5), type="incident", title="Monitor flickering and dead pixels",
        description="Needs a replacement monitor at the McAlester site.", channel="phone",
        requester=GINA, service="Monitor", team="IS-Desktop Support", remote=False,
        impact=3, urgency=3)
    log(at(0, 11), type="incident", title="Nightly report query times out",
        description="The SQL job behind the enrolment report times out since Friday.",
        channel="email", requester=HUGO, service="Reporting", team="IS-Applications",
        skills=["sql"], effort_hours=4, impact=2, urgency=2)
    log(at(0, 11.5), type="incident", title="Mainframe password expired, RACF locked",
        description="Locked out of the mainframe after the password expired.",
        channel="phone", requester=IVY, service="Mainframe Access",
        team="IS-Identity & Access", requested_technician="vrobbins", impact=3, urgency=1)
    log(at(0, 12), type="request", title="New laptop for new hire", channel="self-service",
        description="Start date Dec 1; standard laptop.", requester=DEV, category="hardware",
        service="Laptop", team="IS-Desktop Support", impact=3, urgency=3)
    log(at(0, 12.5), type="request", title="Install WinRAR", channel="self-service",
        description="Need to open .rar files from a vendor.", requester=ELLA,
        category="software", software="WinRAR", service="Software Install",
        team="IS-Desktop Support", impact=3, urgency=3)
    log(at(0, 13), type="request", title="Install Tableau Desktop", channel="email",
        description="For the quarterly dashboards.", requester=CARLA, category="software",
        software="Tableau Desktop", service="Software Install", team="IS-Desktop Support",
        impact=3, urgency=3)
    log(at(0, 13.5), type="request", title="Install Microsoft Visio", channel="self-service",
        description="Network diagrams.", requester=BEN, category="software",
        software="Microsoft Visio", service="Software Install", team="IS-Desktop Support",
        impact=3, urgency=3)
    log(at(0, 14), type="request", title="Add me to the finance distribution list",
        channel="email", requester=IVY, service="Distribution List",
        team="IS-Email & Collaboration", impact=3, urgency=3)
    case = log(at(3, 9), type="case", title="Onboard 12 staff for the new DEQ field office",
               description="Accounts, laptops and phones for the Ardmore office.",
               channel="email", requester=IVY, service="Account Provisioning",
               team="IS-Identity & Access", impact=2, urgency=3, effort_hours=16)
    for title, team, service in [("Create 12 AD accounts", "IS-Identity & Access",
                                  "Account Provisioning"),
                                 ("Order 12 desk phones", "IS-Telecom", "Phone")]:
        task = log(at(3, 10), type="task", title=title, channel="email", requester=IVY,
                   service=service, team=team, impact=2, urgency=3, parent=case.id)
        task.status = "triaged"

    # --- in progress -------------------------------------------------------------------------
    for who, title, service, team, tech, hours in [
        (JACK, "Desk phone has no dial tone", "Phone", "IS-Telecom", "wstone", 2),
        (BEN, "Shared mailbox missing from Outlook", "Shared Mailbox",
         "IS-Email & Collaboration", "gchen", 1),
        (DEV, "Wi-Fi drops in conference room B", "Wi-Fi", "IS-Network Services", "nsingh", 3),
        (CARLA, "Scanner not sending to email", "Scanner", "IS-Desktop Support", "mhernandez", 2),
    ]:
        t = log(at(2, 9), type="incident", title=title, channel="phone", requester=who,
                service=service, team=team, effort_hours=hours, impact=3, urgency=2)
        assign(t, tech, at(2, 10))

    # --- history: resolved and closed, for the knowledge base and the KPIs ------------------
    history = [
        (ANA, "Forgot password", "Password Reset", "IS-Service Desk", "aparker", "fixed",
         "Password reset and account unlocked while on the phone.", True, 5, 20, "phone"),
        (BEN, "Printer offline", "Printing", "IS-Desktop Support", "mhernandez", "fixed",
         "Printer had a new IP address; the queue was updated.", False, 4, 9, "phone"),
        (CARLA, "MFA prompt never arrives", "Multi-Factor Authentication",
         "IS-Identity & Access", "pnakai", "fixed", "Re-registered the authenticator app.",
         False, 5, 8, "chat"),
        (DEV, "VPN certificate expired", "VPN", "IS-Network Services", "kfrye", "fixed",
         "Renewed the machine certificate and reconnected.", False, 3, 6, "email"),
        (ELLA, "Excel crashes opening large files", "Software Install", "IS-Desktop Support",
         "lharjo", "workaround", "Switched to 64-bit Office; a fix is with Microsoft.",
         False, 2, 12, "self-service"),
        (HUGO, "Cannot reach SharePoint site", "SharePoint", "IS-Email & Collaboration",
         "ewashington", "fixed", "Added the user to the site members group.", False, 5, 5,
         "email"),
        (JACK, "Voicemail PIN reset", "Voicemail", "IS-Telecom", "wstone", "fixed",
         "PIN reset during the call.", True, 5, 4, "phone"),
        (IVY, "Account locked out", "Account Lockout", "IS-Identity & Access", "pnakai",
         "fixed", "Unlocked; stale credentials removed from the phone.", True, None, 3,
         "in-person"),
        (GINA, "Wi-Fi slow in the east wing", "Wi-Fi", "IS-Network Services", "bmorales",
         "not-reproducible", "Speeds were normal on every test; please call if it returns.",
         False, 3, 15, "phone"),
        (BEN, "Outlook search returns nothing", "Email", "IS-Email & Collaboration", "gchen",
         "fixed", "Rebuilt the Outlook search index.", False, 4, 11, "chat"),
    ]
    for (who, title, service, team, tech, code, summary, first, score, days, channel) in history:
        t = log(at(days, 9), type="incident", title=title, channel=channel, requester=who,
                service=service, team=team, impact=3, urgency=2)
        assign(t, tech, at(days, 9.1 if first else 9.5))
        resolve(t, code, summary, first, at(days, 13 if not first else 9.2), tech)
        if score is not None:
            t.csat = Csat(score=score, at=at(days - 1, 10), comment="")
        if days > 10:
            t.status = "closed"
            t.closed_at = at(days - 3, 9)
    for n in range(3):  # Tableau licences already granted: none left for a new request
        t = log(at(30 + n, 9), type="request", title="Install Tableau Desktop",
                channel="self-service", requester=[HUGO, IVY, JACK][n], category="software",
                software="Tableau Desktop", service="Software Install",
                team="IS-Desktop Support", impact=3, urgency=3)
        assign(t, "lharjo", at(30 + n, 10))
        resolve(t, "fixed", "Tableau Desktop installed and licensed.", False,
                at(29 + n, 15), "lharjo")
    return made


def assign(ticket: Ticket, tech: str, when: dt.datetime) -> None:
    ticket.assignee, ticket.status, ticket.assigned_at = tech, "assigned", when
    ticket.updated_at = when
    ticket.journal.append(JournalEntry(at=when, by="Dana Dispatcher", kind="assign",
                                       text=f"Assigned to {tech}."))


def resolve(ticket: Ticket, code: str, summary: str, first: bool, when: dt.datetime,
            tech: str) -> None:
    ticket.status, ticket.resolved_at, ticket.updated_at = "resolved", when, when
    ticket.first_response_at = ticket.first_response_at or when
    ticket.resolution = Resolution(code=code, summary=summary, by=tech, first_contact=first)
    ticket.journal.append(JournalEntry(at=when, by=tech, kind="resolve", visibility="public",
                                       text=summary))


def main() -> None:
    store = Store(ROOT)
    old = [store.git_path(p) for p in store.tickets_dir.rglob("*.toml")]
    for child in store.tickets_dir.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
    made = tickets(store)
    paths = []
    for t in made:
        path = store.path_of(t.id)
        atomic_write(path, dumps(t).encode())
        paths.append(store.git_path(path))
    author = git.Identity("Dana Dispatcher", "dana@omes.ok.gov")
    message = (f"sample store: {len(made)} tickets for every rule of the dispatcher guide\n\n"
               "Sdesk-Action: sample\n")
    git.commit_paths(store.top, old + paths, message, author)
    print(f"{len(made)} sample tickets written and committed")


if __name__ == "__main__":
    main()
