"""Session 35 (fix35c): every way a software request comes to hold a licence seat goes through
the one licence decision (triage_requests.licence_verdict, request-3 and -4): a reopen by the
customer's mail reply as `sdesk reopen` does, and an assignment of a request that holds no seat
yet (docs/triage.md, request-4; docs/email.md). Before, both took a seat with every seat held by
other tickets (2 of 1 in use)."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk
from mail_helpers import message, receive
from test_licence_seats_granted import T0, T1, T2, _visio, _visio_seats, one_visio_licence
from test_mail_fetch import maildir


def _reply(desk: Desk, tmp_path: Path, ticket_id: str, mid: str = "<r1@omes.ok.gov>") -> str:
    raw = message(f"Re: [{ticket_id}] Need Visio", sender="Cy Bell <cy@omes.ok.gov>",
                  body="I need it after all, the project starts Monday.", message_id=mid)
    return receive(desk, raw, tmp_path, now=T2)


def _withdrawn_and_seat_taken(desk: Desk) -> tuple[str, str]:
    """A Visio request withdrawn (no seat), then a second that holds the only seat."""
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)
    desk.run("assign", first, "--to", "dcooper", "--force", now=T1)
    desk.run("resolve", first, "--code", "withdrawn", "--summary", "not needed", now=T1)
    second = _visio(desk, "Visio for the planner", "--service", "Software Install", now=T1)
    desk.run("triage", second, now=T1)
    assert _visio_seats(desk) == (1, 0)
    return first, second


def test_a_mail_reply_reopening_a_request_with_no_seat_free_sends_it_for_a_quote(
        desk: Desk, tmp_path: Path) -> None:
    first, _ = _withdrawn_and_seat_taken(desk)
    line = _reply(desk, tmp_path, first)
    assert f"{first}: reopened by a reply from cy@omes.ok.gov" in line
    assert "none free" in line and "IT Inventory Control Manager" in line, line
    t = desk.ticket(first)
    assert t["status"] == "triaged" and t["reopens"] == 1
    assert (t["team"], t["assignee"]) == ("IT Inventory Control Manager", "")
    assert "licence-seat" not in t["flags"]
    assert _visio_seats(desk) == (1, 0)  # not 2 of 1
    texts = [e["text"] for e in t["journal"]]
    assert any("Microsoft Visio: 1 licences, 1 held by other tickets, none free" in x
               for x in texts)
    assert any("I need it after all" in x for x in texts)  # the reply is kept too


def test_a_mail_reply_reopening_a_request_with_a_seat_free_holds_one_again(
        desk: Desk, tmp_path: Path) -> None:
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)
    desk.run("resolve", first, "--code", "withdrawn", "--summary", "not needed", now=T1)
    assert _visio_seats(desk) == (0, 1)
    _reply(desk, tmp_path, first)
    t = desk.ticket(first)
    assert t["status"] == "triaged" and "licence-seat" in t["flags"]
    assert _visio_seats(desk) == (1, 0)


def test_two_replies_in_one_batch_do_not_both_take_the_last_seat(
        desk: Desk, tmp_path: Path) -> None:
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    second = _visio(desk, "Need Visio too", "--service", "Software Install")
    for tid in (first, second):
        desk.run("triage", tid, now=T0)
        desk.run("resolve", tid, "--code", "withdrawn", "--summary", "not needed", now=T1)
    assert _visio_seats(desk) == (0, 1)
    box = maildir(tmp_path, *(message(f"Re: [{tid}] Need Visio", sender="Cy Bell <cy@omes.ok.gov>",
                                      body="I need it after all", message_id=f"<r{n}@omes.ok.gov>")
                              for n, tid in enumerate((first, second))))
    desk.run("mail", "fetch", "--maildir", str(box), now=T2)  # one batch, one commit
    teams = sorted(desk.ticket(tid)["team"] for tid in (first, second))
    assert teams == ["IS-Desktop Support", "IT Inventory Control Manager"]
    assert _visio_seats(desk) == (1, 0)


def test_assigning_an_untriaged_software_request_with_no_seat_free_is_refused(
        desk: Desk) -> None:
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)
    assert _visio_seats(desk) == (1, 0)
    second = _visio(desk, "Visio for the planner", "--service", "Software Install", now=T1)
    before = desk.snapshot()
    result = desk.fails("assign", second, "--to", "dcooper", "--force", code=1)
    [line] = result.stderr.splitlines()
    assert second in line and "Microsoft Visio: 1 licences, 1 held by other tickets, none free" \
        in line, line
    assert "IT Inventory Control Manager" in line
    assert desk.snapshot() == before  # nothing written
    desk.fails("assign", second, code=1)  # the rules' choice is refused the same way
    assert _visio_seats(desk) == (1, 0)  # not 2 of 1


def test_assigning_an_untriaged_software_request_with_a_seat_free_takes_it_checked(
        desk: Desk) -> None:
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    shown = desk.run("assign", first, "--to", "dcooper", "--force").stdout
    assert ("[request-4 no licence free] set flags = ['licence-seat']: Microsoft Visio: 1 of 1 "
            "licences free; this request now holds one") in shown, shown
    assert "licence-seat" in desk.ticket(first)["flags"]
    assert _visio_seats(desk) == (1, 0)


def test_assigning_a_queue_leaves_a_request_whose_seat_flag_was_removed_when_none_is_free(
        desk: Desk) -> None:
    one_visio_licence(desk)
    first = _visio(desk, "Need Visio", "--service", "Software Install")
    desk.run("triage", first, now=T0)
    desk.collaborate(first, lambda t: setattr(t, "flags", []))  # the seat flag removed
    assert _visio_seats(desk) == (0, 1)
    second = _visio(desk, "Visio for the planner", "--service", "Software Install", now=T1)
    desk.run("triage", second, now=T1)
    assert _visio_seats(desk) == (1, 0)
    result = desk.run("assign", "--team", "IS-Desktop Support", now=T2)
    assert "Microsoft Visio: 1 licences, 1 held by other tickets, none free" in result.stdout
    assert desk.ticket(first)["assignee"] == "" and desk.ticket(first)["status"] == "triaged"
    assert desk.ticket(second)["assignee"] != ""
    assert _visio_seats(desk) == (1, 0)
    advice = f"sdesk escalate {first} --to 'IT Inventory Control Manager' --tier 1"
    assert advice in result.stdout  # triage takes only new tickets: the advice works
    desk.run("escalate", first, "--to", "IT Inventory Control Manager", "--tier", "1",
             "--reason", "no licence free", now=T2)
    assert desk.ticket(first)["team"] == "IT Inventory Control Manager"
