"""Request-4 counts only granted licence seats (docs/triage.md): a request holds one once it
passed the licence check (flag licence-seat) or while its work is under way or done; not when
it is handed back, rejected or cancelled, nor while it waits at Inventory Control for a quote.
Before, a rejected request kept its seat, and with one Visio licence the next request went to
Inventory Control for a quote of a licence that was free."""

from __future__ import annotations

import json

from conftest import Desk

T0 = "2026-11-23T08:00:00-06:00"
T1 = "2026-11-23T08:10:00-06:00"
T2 = "2026-11-23T08:20:00-06:00"


def one_visio_licence(desk: Desk) -> None:
    """The sample store's Visio with 1 licence instead of 10, committed."""
    software = desk.root / "reference" / "software.toml"
    text = software.read_text()
    software.write_text(text.replace('aliases = ["Visio"]\napproved = true\nlicences = 10',
                                     'aliases = ["Visio"]\napproved = true\nlicences = 1'))
    desk.git("commit", "-qam", "one Visio licence")


def _visio(desk: Desk, title: str, *extra: str, now: str = T0) -> str:
    return desk.new("-t", "request", "-T", title, "--email", "cy@omes.ok.gov", "--agency",
                    "OMES", "-d", "Install Visio.", "--software", "Visio", *extra, now=now)


def _visio_seats(desk: Desk) -> tuple[int, int]:
    [row] = [r for r in desk.json("software") if r["name"] == "Microsoft Visio"]
    return row["used"], row["free"]


def _findings(desk: Desk, ticket_id: str) -> str:
    result = desk.run("triage", ticket_id, "--dry-run", "--json", now=T2)
    return json.dumps(json.loads(result.stdout)["actions"])


def test_a_rejected_request_frees_its_seat_for_the_next(desk: Desk) -> None:
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)  # not after the resolution's clock (session 38)
    assert "licence-seat" in desk.ticket(first)["flags"]
    assert _visio_seats(desk) == (1, 0)
    desk.run("resolve", first, "--code", "out-of-scope", "--summary",
             "Visio is not licensed for this agency", now=T1)
    assert _visio_seats(desk) == (0, 1)
    second = _visio(desk, "Visio for the new planner", "--service", "Software Install", now=T1)
    assert "1 of 1 licences free" in _findings(desk, second)
    desk.run("triage", second, now=T2)
    assert desk.ticket(second)["team"] == "IS-Desktop Support"


def test_a_request_closed_for_no_response_frees_its_seat(desk: Desk) -> None:
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)  # not after the resolution's clock (session 38)
    desk.run("resolve", first, "--code", "no-response", "--summary", "Three calls, no answer",
             now=T1)
    assert _visio_seats(desk) == (0, 1)


def test_a_request_handed_back_for_its_service_holds_no_seat(desk: Desk) -> None:
    one_visio_licence(desk)
    waiting = _visio(desk, "Need Visio")  # no service: handed back (request-5)
    desk.run("triage", waiting)
    t = desk.ticket(waiting)
    assert t["status"] == "new" and "needs-service" in t["flags"]
    assert "licence-seat" not in t["flags"]
    assert _visio_seats(desk) == (0, 1)
    other = _visio(desk, "Visio for the new planner", "--service", "Software Install", now=T1)
    assert "1 of 1 licences free" in _findings(desk, other)


def test_a_seat_held_before_a_hand_back_is_free_again(desk: Desk) -> None:
    """A request flagged licence-seat, then handed back (a store written before this rule)."""
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first)
    flags = [*desk.ticket(first)["flags"], "needs-service"]
    _rewrite(desk, first, status="new", team="IS-Service Desk", flags=flags)
    assert _visio_seats(desk) == (0, 1)
    second = _visio(desk, "Visio for the new planner", "--service", "Software Install", now=T1)
    assert "1 of 1 licences free" in _findings(desk, second)


def test_a_request_awaiting_a_quote_holds_no_seat_even_when_assigned(desk: Desk) -> None:
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first)
    second = _visio(desk, "Visio too", "--service", "Software Install", now=T1)
    desk.run("triage", second, now=T1)
    assert desk.ticket(second)["team"] == "IT Inventory Control Manager"
    _rewrite(desk, second, status="assigned", assignee="gtallchief")  # working on the quote
    assert _visio_seats(desk) == (1, 0)  # the first's seat only


def _rewrite(desk: Desk, ticket_id: str, **values: object) -> None:
    """Change fields as a collaborator's commit (or a store written before this rule) can."""
    from sdesk.core.model import dumps
    from sdesk.store import Store

    store = Store.open(str(desk.root))
    ticket = store.load(ticket_id)
    for key, value in values.items():
        setattr(ticket, key, value)
    store.path_of(ticket_id).write_text(dumps(ticket), encoding="utf-8")
    desk.git("commit", "-qam", f"{ticket_id} changed by hand")
