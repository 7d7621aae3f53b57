"""Logging a ticket, tasks, relations and parent cases, a technician's take/start, workload:
inputs in, ticket or plan out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from procedure_builder import NOW, REF, after, said, ticket

from sdesk.core.errors import NothingToDo, SdeskError
from sdesk.core.model import Hold, Requester
from sdesk.procedures.assign import AssignContext
from sdesk.procedures.intake import Intake, log_ticket
from sdesk.procedures.relations import Peer, links_between, parent_case, relate, unrelate
from sdesk.procedures.tasks import new_task
from sdesk.procedures.work import START_RULE, start, take
from sdesk.procedures.workload import Held, Workload, unavailable_reason, workload_rows

# ---- intake ----------------------------------------------------------------------------------

INTAKES = [
    # (case, intake fields, priority, team, vip, journal says)
    ("priority from impact x urgency", {"impact": 1, "urgency": 1}, 1, REF.service_desk, False,
     "from impact 1 x urgency 1"),
    ("a given priority is kept and the chart's named", {"priority": 4, "impact": 1,
                                                        "urgency": 1},
     4, REF.service_desk, False, "given; impact 1 x urgency 1 gives P1"),
    ("a named team owns it", {"team": "IS-Network Services"}, 3, "IS-Network Services", False,
     "from impact 2 x urgency 2"),
]


@pytest.mark.parametrize(("case", "fields", "priority", "team", "vip", "note"), INTAKES,
                         ids=[row[0] for row in INTAKES])
def test_log_ticket(case: str, fields: dict[str, Any], priority: int, team: str, vip: bool,
                    note: str) -> None:
    t = log_ticket(Intake(type="incident", title="  VPN drops  ", requester=Requester(
        email=" Pat.User@OMES.ok.gov ", agency="odot-d5"), **fields), "INC-1", REF, NOW, "Desk")
    assert (t.priority, t.team, t.vip, t.title) == (priority, team, vip, "VPN drops")
    assert t.requester.email == "pat.user@omes.ok.gov" and t.location == "Clinton"
    assert t.resolve_by is not None and t.respond_by is not None and note in t.journal[0].text


@pytest.mark.parametrize(("fields", "error"), [
    ({"title": " "}, "title must not be empty"),
    ({"effort_hours": 0}, "effort must be"),
    ({"effort_hours": float("nan")}, "effort must be"),
    ({"requester": Requester(agency="NOPE")}, "NOPE"),
    ({"type": "bug"}, "type"),
])
def test_an_intake_is_refused(fields: dict[str, Any], error: str) -> None:
    fields.setdefault("title", "x")
    fields.setdefault("type", "incident")
    with pytest.raises(SdeskError, match=error):
        log_ticket(Intake(**fields), "INC-1", REF, NOW, "Desk")


def test_a_vip_is_flagged_at_intake() -> None:
    t = log_ticket(Intake(type="incident", title="x", requester=Requester(
        email="CIO@omes.ok.gov")), "INC-1", REF, NOW, "Desk")
    assert t.vip and t.location == ""


@pytest.mark.parametrize(("raw", "title", "error"), [
    (b"From: Pat <pat@omes.ok.gov>\nSubject: VPN  down\n\nIt drops.\n", "VPN down", ""),
    (b"From: Pat <pat@omes.ok.gov>\n\nNo subject.\n", "(no subject)", ""),
    (b"Subject: x\n\nnobody\n", "", "no sender"),
])
def test_an_email_intake(raw: bytes, title: str, error: str) -> None:
    from sdesk.mail.mailin import MailRules, receive
    from sdesk.mail.mailparse import parse
    from sdesk.procedures.plan import CreateTicket

    out = receive(parse(raw), known={}, tickets={}, ref=REF, rules=MailRules(), now=NOW,
                  new_id="INC-1", actor="Desk")
    if error:
        assert out.verdict == "refused" and error in out.line
        return
    created = out.plan.actions[0]
    assert isinstance(created, CreateTicket) and created.new is not None
    got = created.new
    assert (got.title, got.channel, got.requester.email) == (title, "email", "pat@omes.ok.gov")


# ---- tasks -----------------------------------------------------------------------------------


def test_a_task_inherits_its_tickets_context_and_has_no_requester_email() -> None:
    owner = ticket("incident", service="Printing", team="IS-Desktop Support", priority=2,
                   location="Tulsa")
    task, plan = new_task(owner, "TASK-1", "Order toner", "", 2.0, "", REF, NOW, "Tech")
    assert (task.parent, task.team, task.priority, task.location, task.requester.email) == (
        owner.id, "IS-Desktop Support", 2, "Tulsa", "")
    assert said(plan, "create task TASK-1")


@pytest.mark.parametrize(("fields", "kind", "error"), [
    ({"parent": "INC-1"}, "task", "is a task itself"),
    ({"status": "closed"}, "incident", "closed tickets stay closed"),
])
def test_a_task_is_refused(fields: dict[str, Any], kind: str, error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        new_task(ticket(kind, **fields), "TASK-1", "x", "", 1.0, "", REF, NOW, "Tech")


# ---- relations -------------------------------------------------------------------------------

RELATIONS = [
    # (kind, field on A after, value)
    ("related", "related", ["B"]), ("duplicate", "duplicate_of", "B"), ("parent", "parent", "B"),
]


@pytest.mark.parametrize(("kind", "field", "value"), RELATIONS)
def test_relate_stores_the_link_on_one_side(kind: str, field: str, value: Any) -> None:
    a, b = ticket(id="A"), ticket(id="B")
    plan = relate(a, b, kind, NOW, "Tech", {}, REF)
    assert getattr(after(a, plan), field) == value and plan.for_ticket("B") == []
    with pytest.raises(NothingToDo, match="already"):  # twice: nothing to do (exit 4)
        relate(after(a, plan), b, kind, NOW, "Tech", {}, REF)
    back = unrelate(after(a, plan), b, NOW, "Tech")
    assert getattr(after(after(a, plan), back), field) in ([], "")
    with pytest.raises(NothingToDo, match="not related"):
        unrelate(after(after(a, plan), back), b, NOW, "Tech")


@pytest.mark.parametrize(("a", "b", "kind", "parents", "error"), [
    ({"id": "A"}, {"id": "A"}, "related", {}, "itself"),
    ({"id": "A"}, {"id": "B"}, "sibling", {}, "--as must be"),
    ({"id": "A"}, {"id": "B", "duplicate_of": "A"}, "duplicate", {}, "already a duplicate"),
    ({"id": "A", "type": "task", "parent": "C"}, {"id": "B"}, "parent", {}, "one parent"),
    ({"id": "A"}, {"id": "B"}, "parent", {"B": "C", "C": "A"}, "loop"),
])
def test_a_relation_is_refused(a: dict[str, Any], b: dict[str, Any], kind: str,
                               parents: dict[str, str], error: str) -> None:
    kind_a = a.pop("type", "incident")
    with pytest.raises(SdeskError, match=error):
        relate(ticket(kind_a, **a), ticket(**b), kind, NOW, "Tech", parents, REF)


def test_unrelate_finds_links_on_either_side() -> None:
    a, b = ticket(id="A", related=["B"]), ticket(id="B", parent="A")
    assert links_between(a, b) == [(a, "related"), (b, "parent")]
    with pytest.raises(SdeskError, match="not related"):
        unrelate(ticket(id="A"), ticket(id="B"), NOW, "Tech")


def peer(t_id: str, service: str = "Printing", priority: int = 3, kind: str = "incident",
         minutes_ago: int = 60, parent: str = "") -> Peer:
    return Peer(t_id, kind, "new", "Printer down", service, f"{t_id}@x.gov",
                NOW - dt.timedelta(minutes=minutes_ago), priority, REF.service_desk, "", parent)


@pytest.mark.parametrize(("children", "kind", "service", "team", "priority"), [
    ([peer("I1", priority=3), peer("I2", priority=2)], "incident", "Printing",
     "IS-Desktop Support", 2),
    # mixed types: a case; the services tie one to one, so the first report's (ux30d's
    # majority rule, session 30: before, no service and the Service Desk)
    ([peer("I1"), peer("R1", kind="request", service="VPN")], "case", "Printing",
     "IS-Desktop Support", 3),
])
def test_a_parent_case(children: list[Peer], kind: str, service: str, team: str,
                       priority: int) -> None:
    plan = parent_case(children, lambda k: "CASE-1", REF, NOW, "Tech", "guide: parent case")
    made = plan.actions[0].new  # type: ignore[attr-defined]
    assert (made.type, made.service, made.team, made.priority) == (kind, service, team, priority)
    assert [a.ticket for a in plan.actions if a.kind == "set"] == [c.id for c in children]


@pytest.mark.parametrize(("children", "error"), [
    ([], "at least one child"), ([peer("I1", parent="CASE-0")], "already has a parent"),
])
def test_a_parent_case_is_refused(children: list[Peer], error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        parent_case(children, lambda k: "CASE-1", REF, NOW, "Tech", "r")


# ---- a technician takes and starts work; workload --------------------------------------------


def ctx(*held: Held) -> AssignContext:
    return AssignContext(REF, NOW, Workload.from_held(held), "Dwayne Cooper")


DCOOPER = REF.technician("dcooper")


def desk(**fields: Any) -> Any:
    fields.setdefault("team", "IS-Desktop Support")
    fields.setdefault("status", "triaged")
    return ticket("incident", service="Printing", **fields)


def test_take_assigns_yourself_without_mail() -> None:
    t = desk()
    plan = take(t, DCOOPER, ctx())
    assert after(t, plan).assignee == "dcooper" and not said(plan, "notify")


@pytest.mark.parametrize(("fields", "force", "status", "assignee"), [
    ({}, False, "in-progress", "dcooper"),
    ({"assignee": "dcooper", "status": "assigned"}, False, "in-progress", "dcooper"),
    ({"assignee": "lharjo", "status": "assigned"}, True, "in-progress", "dcooper"),
])
def test_start(fields: dict[str, Any], force: bool, status: str, assignee: str) -> None:
    t = desk(**fields)
    plan = start(t, DCOOPER, ctx(), force)
    done = after(t, plan)
    assert (done.status, done.assignee) == (status, assignee) and START_RULE in [
        a.rule for a in plan.actions]


@pytest.mark.parametrize(("fields", "error"), [
    ({"status": "resolved"}, SdeskError), ({"holds": [Hold(NOW, "vendor")]}, SdeskError),
    ({"assignee": "dcooper", "status": "in-progress"}, NothingToDo),
    ({"assignee": "lharjo", "status": "assigned"}, SdeskError),
])
def test_start_is_refused(fields: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        start(desk(**fields), DCOOPER, ctx())


def test_workload_moves_effort_on_reassignment_and_finds_related_holders() -> None:
    work = Workload.from_held([Held("I1", "dcooper", 2, "pat@x.gov", "CASE-1"),
                               Held("CASE-1", "lharjo", 1, "", "")])
    work.add(Held("I1", "skimble", 2, "pat@x.gov", "CASE-1"))
    assert (work.load_of("dcooper"), work.load_of("skimble")) == (0, 2)
    assert work.load_of("skimble", excluding="I1") == 0
    assert work.related_holders("I9", "PAT@x.gov", "CASE-1", ["I7"]) == {
        "skimble": ["I1"], "lharjo": ["CASE-1"]}
    work.remove("I1")
    work.remove("I1")
    assert work.copy().load_of("skimble") == 0


@pytest.mark.parametrize(("tech", "day", "why"), [
    ("mhernandez", dt.date(2026, 11, 24), "out of office"),
    ("cbrandt", dt.date(2026, 11, 23), "does not work on Mondays"),
    ("dcooper", dt.date(2026, 11, 26), "holiday"),
    ("dcooper", dt.date(2026, 11, 24), ""),
])
def test_availability(tech: str, day: dt.date, why: str) -> None:
    assert why in unavailable_reason(REF.technician(tech), day, REF)
    assert bool(unavailable_reason(REF.technician(tech), day, REF)) == bool(why)


def test_workload_rows_for_one_team() -> None:
    rows = workload_rows(REF, Workload.from_held([Held("I1", "dcooper", 8, "", "")]),
                         NOW.date(), "IS-Desktop Support")
    row = next(r for r in rows if r.technician == "dcooper")
    assert (row.open, row.effort, row.free, row.load_pct, row.available) == (1, 8, 24, 25, "yes")
    assert {r.team for r in rows} == {"IS-Desktop Support"}
