"""Session 35's new-user findings on triage's judgements (fix35a): unrelated reports joined in
one trend because both say something fails, a duplicate's evidence quoting words neither
title writes, and one device's two symptoms joined by "it has" proposed as two problems."""

from __future__ import annotations

import re

import pytest
from conftest import Desk
from test_triage_proposals import at, incident


def _by_ticket(output: str) -> dict[str, str]:
    """A dry run's plan, ticket ID -> its lines."""
    parts = re.split(r"(?m)^(INC-\w+)$", output)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_reports_of_other_services_sharing_only_a_failure_join_no_trend(desk: Desk) -> None:
    """Three VPN reports are a trend of 3 people; the 511 line (Phone) and the PeopleSoft
    login, within the same hour, share nothing with them but that something fails: they were
    pulled in through "unshared: both say something fails" links (4 people, and the 511 line
    named in the VPN reports' "people report it")."""
    vpn = [incident(desk, "VPN won't connect", email="ana@omes.ok.gov", now=at(10)),
           incident(desk, "Can't connect to VPN", email="cy@omes.ok.gov", now=at(18)),
           incident(desk, "VPN down", email="eve@omes.ok.gov", now=at(26))]
    phone = incident(desk, "511 line not working", email="bob@omes.ok.gov", service="Phone",
                     now=at(14))
    soft = incident(desk, "PeopleSoft login fails", email="dee@omes.ok.gov",
                    service="PeopleSoft", now=at(22))
    plan = _by_ticket(desk.run("triage", "--all", "--dry-run", now=at(40)).stdout)
    for tid in vpn:
        said = plan[tid]
        assert "Proposed (trend): 3 people report similar incidents" in said, said
        assert phone not in said and soft not in said, said
        assert "unshared" not in said
        for named in re.findall(r"\d people report it \(([^)]*)\)", said):
            assert set(re.findall(r"INC-\w+", named)) <= set(vpn), named
    for tid in (phone, soft):
        assert "trend" not in plan[tid] and "people report" not in plan[tid], plan[tid]


@pytest.mark.xfail(strict=True, reason="not fixed: a report naming no service still bridges "
                   "two services of other kinds (docs/triage.md, 'Unshared links between "
                   "services of other kinds (session 35)': the group-level check measured cut "
                   "fresh5.txt's recall 0.89 -> 0.72)")
def test_a_report_naming_no_service_bridges_no_trend_between_other_kinds(desk: Desk) -> None:
    """"511 line not working", logged with no service, links with "VPN wont connect" and with
    "PeopleSoft login fails" by both failing alone: the three are one trend of 3 people, and
    each names the other two in "people report it". VPN and PeopleSoft are services of other
    kinds (network, application); the 511 line names none, so no pair is kept apart."""
    vpn = incident(desk, "VPN wont connect", email="ana@omes.ok.gov", now=at(0))
    line = desk.new("-T", "511 line not working", "--email", "bob@omes.ok.gov", "--agency",
                    "OMES", "-d", "details", now=at(10))
    soft = incident(desk, "PeopleSoft login fails", email="cy@omes.ok.gov",
                    service="PeopleSoft", now=at(20))
    plan = _by_ticket(desk.run("triage", "--all", "--dry-run", now=at(30)).stdout)
    for tid in (vpn, line, soft):
        assert "trend" not in plan[tid], plan[tid]
    assert soft not in plan[vpn] and vpn not in plan[soft]
    assert "people report it" not in plan[soft] and "people report it" not in plan[line]


def test_a_duplicates_evidence_says_the_words_as_the_titles_write_them(desk: Desk) -> None:
    """"titles share drop, service Wi-Fi, wifi" was said of "wireless keeps disconnecting" and
    "no internet on my laptop, wi-fi drops": neither writes "wifi" nor "drop". A word read
    alike is said as each title writes it, "wi-fi ~ wireless"."""
    first = incident(desk, "wireless keeps disconnecting", service="Wi-Fi", now=at(0))
    later = incident(desk, "no internet on my laptop, wi-fi drops", service="Wi-Fi", now=at(10))
    said = _by_ticket(desk.run("triage", "--all", "--dry-run", now=at(20)).stdout)[later]
    assert f"same person, same subject as {first}" in said
    shared = re.search(r"titles share ([^;]*);", said)
    assert shared, said
    assert shared.group(1) == "drops ~ disconnecting, service Wi-Fi, wi-fi ~ wireless"


def test_the_learned_associations_name_the_titles_words(desk: Desk) -> None:
    """The person model's "words used for the same thing" said "(wifi / internet)" of every
    pair, an example a reader took for the titles' words: now the words of these titles."""
    first = incident(desk, "wi-fi keeps dropping", service="Wi-Fi", now=at(0))
    later = incident(desk, "internet keeps cutting out", service="Wi-Fi", now=at(10))
    said = _by_ticket(desk.run("triage", "--all", "--dry-run", now=at(20)).stdout)[later]
    assert f"same person, same subject as {first}" in said
    assert "wifi / internet" not in said
    assert "words used for the same thing (" in said
    words = said.split("words used for the same thing (")[1].split(")")[0]
    assert "internet ~ wi-fi" in words.split(", "), words


def test_one_devices_two_symptoms_said_with_it_are_one_problem(desk: Desk) -> None:
    """"My monitor is flickering and it has dead pixels" was proposed for separation (the
    learned model, 0.53), though "Monitor flickering and dead pixels" is not (session 34)."""
    tid = incident(desk, "My monitor is flickering and it has dead pixels", service="Monitor",
                   now=at(0))
    two = incident(desk, "My monitor is flickering and my outlook wont open",
                   email="bo@omes.ok.gov", service="Monitor", now=at(5))
    plan = _by_ticket(desk.run("triage", "--all", "--dry-run", now=at(10)).stdout)
    assert "separation" not in plan[tid], plan[tid]
    assert "proposed:separation" in plan[two] or "needs-separation" in plan[two], plan[two]
