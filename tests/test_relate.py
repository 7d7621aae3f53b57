"""relate, unrelate and parent new through the CLI: stored on one side, shown from both."""

from __future__ import annotations

from conftest import Desk


def two(desk: Desk) -> tuple[str, str]:
    a = desk.new("-T", "Outlook will not open", "--email", "a@omes.ok.gov", "--service", "Email")
    b = desk.new("-T", "Outlook still closed", "--email", "a@omes.ok.gov", "--service", "Email")
    return a, b


def test_related_tickets_are_shown_from_both_sides(desk: Desk) -> None:
    a, b = two(desk)
    before = desk.commits()
    desk.run("relate", a, b)
    assert desk.commits() == before + 1
    assert desk.ticket(a)["related"] == [b]
    assert desk.ticket(b)["related"] == []  # stored on one side ...
    assert desk.ticket(b)["links"]["related"] == [a]  # ... shown from both
    assert f"Related:    {a}" in desk.run("show", b).stdout


def test_relating_twice_changes_nothing(desk: Desk) -> None:
    a, b = two(desk)
    desk.run("relate", a, b)
    before = desk.snapshot()
    result = desk.fails("relate", b, a, code=4)  # exit 4: nothing to do
    assert result.stderr == f"sdesk: nothing to do: {b} and {a} are already related\n"
    assert desk.snapshot() == before


def test_duplicate_points_at_the_original(desk: Desk) -> None:
    a, b = two(desk)
    desk.run("relate", b, a, "--as", "duplicate")
    assert desk.ticket(b)["duplicate_of"] == a
    assert desk.ticket(a)["links"]["duplicates"] == [b]
    assert desk.ticket(b)["journal"][-1]["kind"] == "relate"


def test_parent_link_and_loops_are_refused(desk: Desk) -> None:
    a, b = two(desk)
    desk.run("relate", a, b, "--as", "parent")
    assert desk.ticket(b)["links"]["children"] == [a]
    before = desk.snapshot()
    assert "loop" in desk.fails("relate", b, a, "--as", "parent").stderr
    assert "itself" in desk.fails("relate", a, a).stderr
    desk.fails("relate", a, "INC-NOPE")
    desk.fails("relate", a, b, "--as", "cousin")
    assert desk.snapshot() == before


def test_unrelate_removes_the_link_whichever_side_stores_it(desk: Desk) -> None:
    a, b = two(desk)
    desk.run("relate", a, b)
    desk.run("unrelate", b, a)
    assert desk.ticket(a)["related"] == [] and desk.ticket(b)["links"]["related"] == []
    before = desk.snapshot()
    assert "not related" in desk.fails("unrelate", a, b).stderr
    assert desk.snapshot() == before


def test_parent_new_creates_a_parent_case_with_the_children_in_one_commit(desk: Desk) -> None:
    a, b = two(desk)
    c = desk.new("-T", "Outlook crashes", "--email", "c@omes.ok.gov", "--service", "Email")
    before = desk.commits()
    out = desk.run("parent", "new", "--from", a, b, c, "--title", "Outlook outage").stdout
    parent_id = out.strip().splitlines()[-1]
    assert desk.commits() == before + 1
    parent = desk.ticket(parent_id)
    assert parent["title"] == "Outlook outage" and parent["type"] == "incident"
    assert sorted(parent["links"]["children"]) == sorted([a, b, c])
    assert parent["team"] == "IS-Email & Collaboration"
    assert all(desk.ticket(t)["parent"] == parent_id for t in (a, b, c))


def test_parent_new_refuses_a_child_that_has_a_parent(desk: Desk) -> None:
    a, b = two(desk)
    desk.run("parent", "new", "--from", a)
    before = desk.snapshot()
    assert "already has a parent" in desk.fails("parent", "new", "--from", a, b).stderr
    assert desk.snapshot() == before


def test_parent_new_dry_run_changes_nothing(desk: Desk) -> None:
    a, b = two(desk)
    before = desk.snapshot()
    assert "create incident" in desk.run("parent", "new", "--from", a, b, "--dry-run").stdout
    assert desk.snapshot() == before
