"""The shift handover: what the next dispatcher must know, read from the index.

Sections: open P1 and P2 tickets; what breaches (respond or resolve) within the next N business
hours, breached ones first, each part by priority then due time; tickets on hold and why;
tickets opened since the last handover;
tickets waiting for a decision (hand-backs, priority reviews, trends, proposals); customer
replies to read (tickets of any status flagged `customer-reply`, with the reply's first line:
session 39, the flag was set and never shown). The time of
the last handover is kept outside the store's history, in `.git/sdesk/handover-last` (a
handover is a read: it makes no commit). Rendered as text for the terminal or as one HTML page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from sdesk.core.model import Ticket
    from sdesk.reports.supervision import AtRisk, Waiting
    from sdesk.store import Store

MARKER = "handover-last"
DEFAULT_LOOKBACK = dt.timedelta(hours=24)  # "new since" when no handover was made before


@dataclass(frozen=True)
class Line:
    """One ticket in a section: its ID, priority, title, and what to say about it."""

    id: str
    priority: int
    title: str
    note: str


@dataclass
class Handover:
    """The handover's sections, in the order they are read. `since` is when "new" starts."""

    now: dt.datetime
    since: dt.datetime
    horizon: dt.datetime
    team: str | None
    urgent: list[Line]
    breaching: list[Line]
    held: list[Line]
    new: list[Line]
    waiting: list[Line]
    replies: list[Line] = field(default_factory=list)

    def sections(self) -> list[tuple[str, str, list[Line]]]:
        """(key, title, lines) of each section."""
        return [
            ("urgent", "Open P1 and P2", self.urgent),
            ("breaching", f"Breached or due before {self.horizon:%a %Y-%m-%d %H:%M}", self.breaching),
            ("held", "On hold, and why", self.held),
            ("new", f"New since the last handover ({self.since:%a %Y-%m-%d %H:%M})", self.new),
            ("waiting", "Waiting for a decision", self.waiting),
            ("replies", "Customer replies to read", self.replies),
        ]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"now": self.now.isoformat(), "since": self.since.isoformat(),
                               "horizon": self.horizon.isoformat(), "team": self.team}
        for key, _, lines in self.sections():
            out[key] = [vars(line) for line in lines]
        return out


def marker_path(store: Store) -> Path:
    """Where the time of the last handover is kept (under .git/sdesk, never committed)."""
    return store.state_dir / MARKER


def last_handover(store: Store) -> dt.datetime | None:
    """The time of the last handover, or None (none made, or the marker is unreadable)."""
    try:
        text = marker_path(store).read_text(encoding="utf-8").strip()
        return dt.datetime.fromisoformat(text).astimezone(store.tz)
    except (OSError, ValueError):
        return None


def remember(store: Store, now: dt.datetime) -> None:
    """Record `now` as the time of the last handover."""
    from sdesk.store import atomic_write

    atomic_write(marker_path(store), (now.isoformat() + "\n").encode("utf-8"))


def gather(store: Store, now: dt.datetime, since: dt.datetime, hours: float,
           team: str | None) -> Handover:
    """Every section for `team` (a team name from teams.toml, or None for all)."""
    from sdesk.procedures.proposals import REPLY_FLAG
    from sdesk.reports import supervision as sv
    from sdesk.store import queries

    tz, index, t = store.tz, store.index, team or ""

    def when(value: float | None) -> str:
        return "-" if value is None else f"{dt.datetime.fromtimestamp(value, tz):%a %m-%d %H:%M}"

    urgent = [Line(r["id"], r["priority"], r["title"],
                   f"{r['status']}{', VIP' if r['vip'] else ''}; {r['assignee'] or 'unassigned'} "
                   f"({r['team']}); resolve by {when(r['resolve_by'])}"
                   + ("; on hold" if r["on_hold"] else ""))
              for r in queries.open_urgent(index, t)]
    horizon = sv.horizon(now, hours, store.reference.calendar)
    risky, _ = sv.at_risk(index, now, horizon, team)
    # Breached first, then due soon; each by priority, then due time (session 40: a P2 due
    # earlier was listed above an unassigned P1 statewide outage).
    risky.sort(key=lambda r: (not r.breaches(now), r.priority, r.due))
    held = []
    for r in queries.on_hold(index, t):
        ticket = store.load(r["id"])
        holds = ticket.holds
        why = f"{holds[-1].reason} since {holds[-1].start.astimezone(tz):%a %m-%d %H:%M}" if holds else "?"
        why += answered(ticket, tz) + bounced(ticket)
        held.append(Line(r["id"], r["priority"], r["title"],
                         f"{why}; {r['assignee'] or 'unassigned'} ({r['team']})"))
    new = [Line(r["id"], r["priority"], r["title"],
                f"{r['status']}{', VIP' if r['vip'] else ''}; {r['assignee'] or 'unassigned'} "
                f"({r['team']}); opened {when(r['opened_at'])}")
           for r in queries.opened_since(index, since.timestamp(), t)]
    return Handover(now, since, horizon, team, urgent, [_risk_line(r, now) for r in risky], held, new,
                    [_waiting_line(w) for w in sv.waiting(index, tz, team)],
                    [to_read(r, store.load(r["id"]), tz)
                     for r in queries.with_flag(index, REPLY_FLAG, t)])


def to_read(r: Any, ticket: Ticket, tz: dt.tzinfo) -> Line:
    """A ticket flagged `customer-reply`: its status, who replied when, the reply's first line
    (at most 100 characters; a stranger's reply without the desk's "Not from the requester"
    heading) and who owns it. A note, reopen or resolution clears the flag (docs/email.md)."""
    replies = [e for e in ticket.journal if e.kind == "email" and e.by != "mail system"]
    said = "no reply by email found"
    if replies:
        last = replies[-1]
        body = last.text
        if last.visibility == "internal" and body.startswith("Not from the requester"):
            body = body.partition("\n\n")[2]
        first = next((ln.strip() for ln in body.splitlines() if ln.strip()), "(no text)")
        who = "the customer" if last.visibility == "public" else "not the requester"
        said = (f"{who} replied {last.at.astimezone(tz):%a %m-%d %H:%M}: "
                f"\"{first[:100]}{'...' if len(first) > 100 else ''}\"")
    return Line(r["id"], r["priority"], r["title"],
                f"{r['status']}; {said}; {r['assignee'] or 'unassigned'} ({r['team']})")


def answered(ticket: Ticket, tz: dt.tzinfo) -> str:
    """"; the customer replied Mon 11-23 10:00" when a reply by email (a journal entry of kind
    email, not the mail system's delivery report) came after the ticket's current hold began,
    "" otherwise: a held ticket whose customer answered should not wait unnoticed (session 38;
    a reply to a hold awaiting the customer resumes it, docs/escalation-and-hold.md)."""
    if not ticket.on_hold:
        return ""
    start = ticket.holds[-1].start
    replies = [e for e in ticket.journal
               if e.kind == "email" and e.by != "mail system" and e.at >= start]
    if not replies:
        return ""
    last = replies[-1]
    who = "the customer" if last.visibility == "public" else "not the requester"
    return f"; {who} replied {last.at.astimezone(tz):%a %m-%d %H:%M}"


def bounced(ticket: Ticket) -> str:
    """"; its question BOUNCED: the customer never got it (flag question-bounced): call them"
    for a held ticket whose question's mail bounced (sdesk.mail.automail.report_outcome,
    session 40: the hold awaited a customer who was never asked, unseen), else ""."""
    from sdesk.mail.automail import BOUNCED_FLAG

    if BOUNCED_FLAG not in ticket.flags:
        return ""
    return f"; its question BOUNCED: the customer never got it (flag {BOUNCED_FLAG}): call them"


def _risk_line(r: AtRisk, now: dt.datetime) -> Line:
    """A ticket at risk: what is due when; a respond-by also shows the Resolve By and whether
    it is breached (session 36's fresh user: the handover said only "due to respond", so the
    next dispatcher could not tell a ticket also late to resolve from one with days left)."""
    state = "BREACHED" if r.breached else "due"
    resolve = ""
    if r.what == "respond" and r.resolve_by is not None:
        late = " (BREACHED)" if "resolve" in r.breaches(now) else ""
        resolve = f", resolve by {r.resolve_by:%a %m-%d %H:%M}{late}"
    return Line(r.id, r.priority, r.title,
                f"{state} to {r.what} {r.due:%a %m-%d %H:%M}{resolve}{', VIP' if r.vip else ''}; "
                f"{r.assignee or 'unassigned'} ({r.team})")


def _waiting_line(w: Waiting) -> Line:
    return Line(w.id, 0, w.title, f"{w.kind} ({' '.join(w.flags)}); {w.team}")


def text(h: Handover, short: dict[str, str] | None = None) -> list[str]:
    """The handover for the terminal; `short` maps full IDs to the shortest unique prefix
    (sdesk.store.index.Index.short_ids), as `list` shows them."""
    short = short or {}
    scope = f" for {h.team}" if h.team else ""
    lines = [f"Handover{scope}, {h.now:%a %Y-%m-%d %H:%M %Z}"]
    for _, title, items in h.sections():
        lines += ["", f"{title}: {len(items)}"]
        for item in items:
            p = f"P{item.priority} " if item.priority else ""
            lines.append(f"  {short.get(item.id, item.id)}  {p}{item.title}")
            lines.append(f"      {item.note}")
        if not items:
            lines.append("  (none)")
    return lines


def html(h: Handover) -> str:
    """The handover as one self-contained HTML page (the report's stylesheet)."""
    from sdesk.reports.report_html import CSS

    scope = f" for {escape(h.team)}" if h.team else ""
    title = f"Handover{scope}, {h.now:%a %Y-%m-%d %H:%M %Z}"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{title}</title><style>{CSS}</style></head><body>", f"<h1>{title}</h1>"]
    for key, name, items in h.sections():
        parts.append(f'<section id="{key}"><h2>{escape(name)}: {len(items)}</h2>')
        if not items:
            parts.append("<p>None.</p></section>")
            continue
        parts.append("<table><tr><th>ticket</th><th>P</th><th>title</th><th>state</th></tr>")
        parts += [f"<tr><td>{escape(i.id)}</td><td>{f'P{i.priority}' if i.priority else ''}</td>"
                  f"<td>{escape(i.title)}</td><td>{escape(i.note)}</td></tr>" for i in items]
        parts.append("</table></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
