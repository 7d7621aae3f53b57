"""The dispatcher's review of proposals, a new user's findings (session 35): `--accept all`
with `--reject KIND` is "everything except KIND"; a request is never proposed a kind and a
service that contradict it, and accepting both routes it once; `--review` asks its questions
without holding the store lock. Each drives the real CLI on a real git store and fails
without its fix."""

from __future__ import annotations

from conftest import Desk


def _request(desk: Desk, title: str, who: str = "cy.park", description: str = "x") -> str:
    """A request logged without a service or category, triaged (its proposals made)."""
    tid = desk.new("-t", "request", "-T", title, "--email", f"{who}@omes.ok.gov",
                   "--agency", "OMES", "-d", description)
    desk.run("triage", tid)
    return tid


# ---- 3: --accept all --reject KIND is everything except KIND ----------------------------------


def test_accept_all_except_the_rejected_kind(desk: Desk) -> None:
    tid = _request(desk, "install printer drivers")
    flags = desk.ticket(tid)["flags"]
    assert {"proposed:kind:software", "proposed:service:Software_Install"} <= set(flags), flags
    desk.run("triage", tid, "--accept", "all", "--reject", "service")
    flags = desk.ticket(tid)["flags"]
    assert "accepted:kind:software" in flags, flags
    assert "rejected:service:Software_Install" in flags, flags
    assert not [f for f in flags if f.startswith("proposed:")], flags


def test_reject_all_except_the_accepted_kind_and_all_on_both_sides_refused(desk: Desk) -> None:
    tid = _request(desk, "install printer drivers")
    before = desk.snapshot()
    both = desk.fails("triage", tid, "--accept", "all", "--reject", "all", code=1)
    assert "--accept all and --reject all: choose one" in both.stderr, both.stderr
    named = desk.fails("triage", tid, "--accept", "kind", "--reject", "kind", code=1)
    assert "kind is both accepted and rejected; choose one" in named.stderr, named.stderr
    assert desk.snapshot() == before
    desk.run("triage", tid, "--reject", "all", "--accept", "kind")
    flags = desk.ticket(tid)["flags"]
    assert "accepted:kind:software" in flags and "rejected:service:Software_Install" in flags
