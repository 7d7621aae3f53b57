"""A VIP who phones in without an e-mail: `new` says the name is a VIP's and how to record it,
and the dispatcher decides (a name alone is not proof). Tester finding, session 37: the CIO
logged by name only was "VIP no", unsaid (guide incident-3)."""

from __future__ import annotations

from conftest import Desk


def test_a_vips_name_without_an_email_is_said_and_set_email_marks_the_vip(desk: Desk) -> None:
    result = desk.run("new", "-T", "Laptop will not boot", "--name", "jordan  ellsworth",
                      "--agency", "OMES", "--service", "Laptop", "--phone", "405-555-0100",
                      "-d", "board meeting at 3")
    tid = result.stdout.strip().splitlines()[-1]
    assert ("'jordan  ellsworth' is the name of a VIP (" in result.stderr
            and f"sdesk set {tid} email=cio@omes.ok.gov" in result.stderr)
    assert desk.ticket(tid)["vip"] is False  # not on a name alone
    desk.run("set", tid, "email=cio@omes.ok.gov")
    assert desk.ticket(tid)["vip"] is True


def test_an_email_or_another_name_says_nothing_of_vips(desk: Desk) -> None:
    for who in (("--name", "Jordan Ellsworth", "--email", "jordan.e@dps.ok.gov"),
                ("--name", "Jordan Elsworth")):
        result = desk.run("new", "-T", "Laptop will not boot", *who, "--agency", "OMES",
                          "--service", "Laptop", "-d", "x")
        assert "VIP" not in result.stderr
