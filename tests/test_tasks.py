"""sdesk task: pieces of work under a ticket, listed under the parent."""

from __future__ import annotations

from conftest import Desk


def test_task_is_created_under_its_parent_and_listed_in_show(desk: Desk) -> None:
    parent = desk.new("-T", "New hire setup", "--agency", "OMES", "--email", "boss@omes.ok.gov")
    before = desk.commits()
    task = desk.run("task", "new", "--parent", parent, "-T", "Image the laptop").stdout.strip()
    assert desk.commits() == before + 1
    t = desk.ticket(task)
    assert (t["type"], t["parent"], t["team"]) == ("task", parent, desk.ticket(parent)["team"])
    assert t["requester"]["email"] == ""  # a task is internal: no customer mail
    assert desk.ticket(parent)["links"]["tasks"] == [task]
    assert task in desk.run("show", parent).stdout


def test_task_list_shows_open_tasks_of_a_parent(desk: Desk) -> None:
    parent = desk.new("-T", "New hire setup")
    other = desk.new("-T", "Another")
    a = desk.run("task", "new", "--parent", parent, "-T", "Image the laptop").stdout.strip()
    b = desk.run("task", "new", "--parent", parent, "-T", "Create the account").stdout.strip()
    c = desk.run("task", "new", "--parent", other, "-T", "Unrelated").stdout.strip()
    desk.run("resolve", b, "--code", "fixed", "--summary", "Account created")
    rows = desk.json("task", "list", "--parent", parent)
    assert [r["id"] for r in rows] == [a]
    everything = desk.json("task", "list", "--all")
    assert {r["id"] for r in everything} == {a, b, c}
    # The table, for people: short IDs for the task and its parent, as `list` shows them.
    table = desk.run("task", "list", "--parent", parent).stdout
    assert a not in table and parent not in table
    assert a[:len("INC-") + 4] in table and parent[:len("INC-") + 4] in table


def test_task_under_a_resolved_ticket_is_refused(desk: Desk) -> None:
    parent = desk.new("-T", "Done already")
    desk.run("resolve", parent, "--code", "fixed", "--summary", "x")
    before = desk.snapshot()
    assert "reopen it before adding work" in desk.fails(
        "task", "new", "--parent", parent, "-T", "More").stderr
    assert desk.snapshot() == before


def test_task_under_a_task_is_refused(desk: Desk) -> None:
    parent = desk.new("-T", "Setup")
    task = desk.run("task", "new", "--parent", parent, "-T", "Step").stdout.strip()
    before = desk.snapshot()
    assert "is a task itself" in desk.fails("task", "new", "--parent", task, "-T", "x").stderr
    assert desk.snapshot() == before
