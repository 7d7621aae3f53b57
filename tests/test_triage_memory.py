"""Issue 17, peak memory: `triage --all` reads its tickets one at a time, keeps the pair model's
readings only for the trend window's incidents and prints a dry run ticket by ticket. It must
decide and print exactly what it did when it held every open ticket's reading."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from sdesk.core.model import Ticket
from sdesk.core.render import json_text
from sdesk.procedures import similarity, trend_groups
from sdesk.procedures.judgements import says_another
from sdesk.procedures.pair_model import shipped
from sdesk.procedures.relations import Peer
from sdesk.procedures.similarity import (
    PeerView,
    TriageSettings,
    mixes_devices,
    trend_keys,
    trend_scores,
)
from sdesk.procedures.triage import TriageContext, _Draft, _trend_group, triage_batch
from tests.conftest import Desk
from tests.procedures.procedure_builder import NOW, REF, ticket

TITLES = ["Outlook will not open", "Outlook won't open", "cant open outlook this morning",
          "Printer jams on tray 2", "Printer offline", "printer on 3rd floor offline",
          "VPN drops every hour", "VPN not connecting", "Excel crashes on save",
          "Word crashes on save", "Email not syncing", "Monitor flickers", "Wifi down in Lawton"]
SERVICES = ["Email", "Printing", "VPN", ""]


def _before(d: _Draft) -> tuple[dict[str, str], dict[str, str]]:
    """What `_trend_groups` computed before issue 17's memory pass: every open incident's
    reading held at once, buckets of every incident, ticket -> group for every incident."""
    ctx, view = d.ctx, d.ctx.view
    window = dt.timedelta(hours=ctx.settings.trend_window_hours)
    low, high = ctx.settings.trend_similarity, ctx.settings.auto_trend
    incidents = sorted((p for p in view.peers.values()
                        if p.type == "incident" and p.requester_email),
                       key=lambda p: (p.opened_at, p.id))
    weak: dict[str, str] = {p.id: p.id for p in incidents}
    strong: dict[str, str] = dict(weak)

    def find(uf: dict[str, str], x: str) -> str:
        while uf[x] != x:
            x = uf[x]
        return x

    services = {p.id: p.service for p in incidents}

    def mixes(uf: dict[str, str], a: str, b: str) -> bool:  # a device and another service
        # would be one group (session 29, similarity.mixes_devices)
        ra, rb = find(uf, a), find(uf, b)
        return ra != rb and mixes_devices(
            (services[x] for x in uf if find(uf, x) == ra),
            (services[x] for x in uf if find(uf, x) == rb), REF)

    texts = {p.id: view.text_of(p.id, REF) for p in incidents}
    buckets: dict[str, list[Peer]] = {}
    pairs: list[tuple[Peer, Peer]] = []  # each pair once, in the order triage meets them: the
    for b in incidents:  # later report in opening order, its keys in order, the earlier ones
        keyed: set[str] = set()
        for key in trend_keys(texts[b.id].words):
            for a in buckets.setdefault(key, []):
                if b.opened_at - a.opened_at <= window and a.id not in keyed:
                    keyed.add(a.id)
                    pairs.append((a, b))
            buckets[key].append(b)
    def long(uf: dict[str, str], a: Peer, b: Peer) -> bool:  # a group longer than the window
        # (session 31): `b` the later, the group's first report more than the window before it
        ra, rb = find(uf, a.id), find(uf, b.id)
        first = min(p.opened_at for p in incidents if find(uf, p.id) in (ra, rb))
        return b.opened_at - first > window

    def score(a: Peer, b: Peer) -> float:
        return trend_scores(texts[a.id], texts[b.id])[0]

    pending: list[tuple[float, float, Peer]] = []
    for n, (a, b) in enumerate(pairs):
        if a.requester_email == b.requester_email:  # one person's later report
            # joins their first one's group weakly (session 27, trend_groups._Links.link)
            if not says_another(b.title) and shipped("person").score(
                    texts[a.id], texts[b.id]).probability >= ctx.settings.similarity and (
                    find(weak, a.id) != find(weak, b.id) and not long(weak, a, b)):
                weak[find(weak, a.id)] = find(weak, b.id)
        else:
            found = trend_scores(texts[a.id], texts[b.id])
            if found[0] >= low or found[1] >= high:  # the group-level test (session 28; for
                # every link since session 31): at trend_join under it, else trend_similarity
                bar = low if found[0] >= ctx.settings.trend_join or found[1] >= high else (
                    ctx.settings.trend_join)
                pending.append((found[0], bar, a))
            if found[1] >= high and not mixes(strong, a.id, b.id) and not long(strong, a, b):
                strong[find(strong, a.id)] = find(strong, b.id)
        if n + 1 < len(pairs) and pairs[n + 1][1] is b:
            continue
        for _, bar, a in sorted(pending, key=lambda x: -x[0]):  # b's links, strongest first
            if find(weak, a.id) == find(weak, b.id) or long(weak, a, b):
                continue
            others = [p for p in incidents if find(weak, p.id) == find(weak, a.id)
                      and b.opened_at - p.opened_at <= window
                      and p.requester_email != b.requester_email]
            linked = sum(score(p, b) >= bar for p in others)
            if others and 2 * linked >= len(others) and not mixes(weak, a.id, b.id):
                weak[find(weak, a.id)] = find(weak, b.id)
        pending = []
    return ({i: find(weak, i) for i in weak}, {i: find(strong, i) for i in strong})


def _peers(seed: int, count: int) -> list[Peer]:
    rng = random.Random(seed)
    at = NOW - dt.timedelta(days=6)
    out = []
    for i in range(count):
        at += dt.timedelta(minutes=rng.choice([0, 5, 30, 90, 240, 600, 1500]))
        kind = rng.choice(["incident"] * 6 + ["request"])
        email = "" if rng.random() < 0.05 else f"u{rng.randrange(8)}@omes.ok.gov"
        out.append(Peer(f"INC-{seed}{i:04d}", kind, "new", rng.choice(TITLES),
                        rng.choice(SERVICES), email, at))
    return out


@pytest.mark.parametrize(("seed", "hours"), [(1, 24.0), (2, 6.0), (3, 48.0)])
def test_trend_groups_streamed_by_window_are_the_groups_of_every_incident(
        seed: int, hours: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """One pass in opening order, readings and buckets only for the window (and caches cleared
    as they fill): every incident's weak and strong group, members in the same order, as when
    every reading was held."""
    monkeypatch.setattr(similarity, "READINGS_KEPT", 3)
    monkeypatch.setattr(trend_groups, "SCORES_KEPT", 2)
    peers = _peers(seed, 160)
    settings = TriageSettings(trend_window_hours=hours)
    view = PeerView(peers)
    ctx = TriageContext(reference=REF, now=NOW, actor="Dispatcher", view=view, settings=settings)
    weak, strong = _before(_Draft(ticket("incident"), ctx))
    grouped = 0
    for p in peers:
        t = ticket("incident", id=p.id, title=p.title, email=p.requester_email)
        t.opened_at = p.opened_at
        got = _trend_group(_Draft(t, ctx))
        for roots, members in zip((weak, strong), got, strict=True):
            mine = roots.get(p.id)
            want = [q for q in peers if mine and q.id != p.id and roots.get(q.id) == mine]
            assert members == want, p
        grouped += bool(got[0])
    assert grouped > 10  # the peers make groups (a test that cannot fail is a defect)


def test_a_batch_with_small_caches_plans_what_it_planned(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same batch planned with every reading kept and with the caches emptied as they
    fill: the same actions."""
    peers = _peers(4, 120)
    tickets = []
    for p in peers:
        t = ticket(p.type, id=p.id, title=p.title, email=p.requester_email, service=p.service)
        t.opened_at = p.opened_at
        tickets.append(t)

    def plan() -> list[object]:
        view = PeerView(Peer.of(t) for t in tickets)
        ctx = TriageContext(reference=REF, now=NOW, actor="Dispatcher", view=view)
        return [a.to_json() for a in triage_batch(tickets, ctx).actions]

    whole = plan()
    monkeypatch.setattr(similarity, "READINGS_KEPT", 2)
    monkeypatch.setattr(trend_groups, "SCORES_KEPT", 1)
    assert plan() == whole
    assert any(a["rule"].startswith("incident-6") for a in whole)  # type: ignore[index]
    assert any(a["rule"].startswith("incident-5") for a in whole)  # type: ignore[index]


def _busy_triage_store(desk: Desk) -> list[str]:
    """Duplicates from one person, a trend across people, proposals, requests, a hand-back."""
    def new(title: str, email: str, at: str, *extra: str) -> str:
        return desk.new("-T", title, "--email", email, "--agency", "OMES", "-d", "details",
                        *extra, now=f"2026-11-23T{at}:00-06:00")

    made = [new("Outlook will not open", "ana.ruiz@omes.ok.gov", "08:00", "--service", "Email"),
            new("Outlook won't open at all", "ana.ruiz@omes.ok.gov", "08:05", "--service", "Email"),
            new("cant open outlook this morning", "ana.ruiz@omes.ok.gov", "08:07",
                "--service", "Email")]
    for i in range(4):
        made.append(new("Outlook will not open", f"u{i}@omes.ok.gov", f"08:1{i}",
                        "--service", "Email"))
    made.append(new("VPN and Email both down", "bo@omes.ok.gov", "08:30", "--service", "VPN"))
    made.append(new("Whole agency cannot print payroll today", "cy@omes.ok.gov", "08:31",
                    "--service", "Printing", "--priority", "4"))
    made.append(new("Printer jams", "cy@omes.ok.gov", "08:32"))
    made.append(desk.new("-t", "request", "-T", "Install Visio", "--email", "dee@omes.ok.gov",
                         "--agency", "OMES", "-d", "details", now="2026-11-23T08:40:00-06:00"))
    return made


def test_triage_dry_run_streamed_prints_what_the_batch_applies(desk: Desk) -> None:
    """`triage --all --dry-run` prints ticket by ticket; the applied batch prints (and its
    commit message lists) the plan it built whole: the same lines, the same tally."""
    _busy_triage_store(desk)
    now = "2026-11-23T09:00:00-06:00"
    before = desk.snapshot()
    shown = desk.run("triage", "--all", "--dry-run", now=now)
    assert desk.snapshot() == before
    streamed = desk.run("triage", "--all", "--dry-run", "--json", now=now).stdout
    as_json = json.loads(streamed)
    applied = desk.run("triage", "--all", now=now)
    assert shown.stdout == applied.stdout
    for words in ("incident-5", "incident-6", "Proposed (duplicate)", "Proposed (separation)",
                  "Handed back"):
        assert words in shown.stdout, words
    assert shown.stdout.strip() in desk.git("log", "-1", "--format=%B")
    tally = shown.stderr.strip().splitlines()[-1]
    assert tally.startswith("triage: 11 tickets, ") and tally.endswith("dry run, nothing changed")
    assert applied.stderr.split("; commit")[0] == tally.split("; dry run")[0]
    assert len({a["ticket"] for a in as_json["actions"]}) == 11


def test_triage_dry_run_json_streamed_is_the_document_of_the_whole_plan(desk: Desk) -> None:
    """`triage --all --dry-run --json` writes its actions as triage decides them: the same
    document, byte for byte, as the whole plan's (the applied batch's actions)."""
    _busy_triage_store(desk)
    now = "2026-11-23T09:00:00-06:00"
    streamed = desk.run("triage", "--all", "--dry-run", "--json", now=now).stdout
    applied = json.loads(desk.run("triage", "--all", "--json", now=now).stdout)
    assert applied["commit"] and len(applied["actions"]) > 20
    assert streamed == json_text({"dry_run": True, "actions": applied["actions"]}) + "\n"
    nothing = desk.run("triage", "--all", "--dry-run", "--json", now=now, ok=False)
    assert nothing.exit_code == 4 and json.loads(nothing.stdout)["actions"]  # findings only
    assert nothing.stdout == json_text({"dry_run": True,
                                        "actions": json.loads(nothing.stdout)["actions"]}) + "\n"


@pytest.mark.parametrize("route", ["whole plan", "streamed", "--create-parents"])
def test_triage_reads_each_ticket_file_once(desk: Desk, monkeypatch: pytest.MonkeyPatch,
                                            route: str) -> None:
    """The executor takes the tickets triage read (`loaded`) instead of reading their files a
    second time, whether the batch is applied whole (up to batchwrite.STREAM_ABOVE tickets,
    and with --create-parents) or ticket by ticket (session 31: the whole plan read every
    changed ticket again)."""
    from sdesk.store import Store, batchwrite

    made = _busy_triage_store(desk)
    if route == "streamed":
        monkeypatch.setattr(batchwrite, "STREAM_ABOVE", 0)
    reads: list[str] = []
    load = Store.load

    def counted(self: Store, ticket_id: str) -> Ticket:
        reads.append(ticket_id)
        return load(self, ticket_id)

    monkeypatch.setattr(Store, "load", counted)
    applied = desk.run("triage", "--all", *(["--create-parents"] if route[0] == "-" else []),
                       now="2026-11-23T09:00:00-06:00")
    assert "; commit " in applied.stderr
    changed = desk.git("show", "--name-only", "--format=", "HEAD").split()
    assert len([p for p in changed if p.startswith("tickets/")]) == len(made) + (
        route == "--create-parents")  # the parent case made
    assert sorted(reads) == sorted(made)
