"""A trend is bounded (session 31): many people's reports of one problem within
trend_window_hours of each other. Until then keyed links at trend_join joined at once and
chained through union-find: the bench's 3-day queue of realistic titles (`python -m
bench.triage_bench --titles corpus`) made one group of 583 people's reports over 68 hours,
because each new report linked to something recent that was already in the big group. Now
every link joins only by the group-level test (similarity.joins) and no group is longer than
the window (trend_groups._Links._long)."""

from __future__ import annotations

import datetime as dt

from sdesk.procedures.relations import Peer
from sdesk.procedures.similarity import PeerView
from sdesk.procedures.triage import TriageContext, _Draft, _trend_group
from tests.procedures.procedure_builder import NOW, REF, ticket

# reworded reports that share words ("printer", "print", Printing) but are not one problem
PRINTING = ["printer jams on tray 2", "printer offline on 2nd floor", "printer toner low",
            "printer prints blank pages", "cant print to the copier", "print queue stuck",
            "printer asks for a pin code", "printer wont scan to email"]
# one VPN outage in other words, reported over a morning
OUTAGE = ["VPN down", "vpn not connecting from home", "cant connect to the vpn",
          "VPN keeps disconnecting", "vpn down again?", "anyconnect vpn wont connect",
          "VPN not working", "vpn connection fails", "VPN down for everyone at OMES",
          "is the vpn down", "vpn still not connecting", "cant get on vpn"]


def _groups(reports: list[tuple[str, str, dt.datetime]]) -> dict[str, list[Peer]]:
    """Each report's trend group (its weak group, itself included), as triage groups them."""
    peers = [Peer(f"INC-{n:04d}", "incident", "new", title, "", email, at)
             for n, (title, email, at) in enumerate(reports)]
    ctx = TriageContext(reference=REF, now=NOW, actor="Dispatcher", view=PeerView(peers))
    out = {}
    for p in peers:
        t = ticket("incident", id=p.id, title=p.title, email=p.requester_email)
        t.opened_at = p.opened_at
        out[p.id] = sorted([p, *_trend_group(_Draft(t, ctx))[0]], key=lambda q: q.id)
    return out


def test_reworded_reports_over_three_days_are_not_one_chained_trend() -> None:
    start = NOW - dt.timedelta(days=3)
    reports = [(PRINTING[n % len(PRINTING)], f"user{n}@omes.ok.gov",
                start + dt.timedelta(hours=2 * n)) for n in range(36)]
    groups = _groups(reports)
    window = dt.timedelta(hours=24)
    sizes = {len(g) for g in groups.values()}
    for group in groups.values():
        assert group[-1].opened_at - group[0].opened_at <= window, [p.title for p in group]
    assert max(sizes) <= 13  # a window's reports at most (13 two hours apart); the chain made
    # one group of all 36 over 70 hours


def test_one_outage_over_a_morning_is_one_trend() -> None:
    start = NOW - dt.timedelta(hours=6)
    reports = [(title, f"user{n}@omes.ok.gov", start + dt.timedelta(minutes=25 * n))
               for n, title in enumerate(OUTAGE)]
    groups = _groups(reports)
    assert all(len(g) == len(OUTAGE) for g in groups.values()), [
        [p.title for p in g] for g in groups.values()]
