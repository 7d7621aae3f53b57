"""The held-out corpus tests/corpus/fresh.txt keeps tickets.txt's format and has enough positives.

fresh.txt was written blind (see its header) as a test set nobody tunes on. This test only checks
its shape: six fields a line, known labels, keys that cannot meet tickets.txt's, and the minimum
number of positive examples per judgement (issue 11, point 5) so that recall can be measured.
It parses the file itself and does not import tests/corpus/measure.py.
"""

from __future__ import annotations

import itertools
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
SLA = Path(__file__).parents[1] / "sdesk" / "defaults" / "reference" / "sla.toml"
VIP_PERSONS = {"omes.director"}  # omes.director@omes.ok.gov in vip.toml
LABEL_VALUES = {
    "n": {"2"},
    "k": {"hw", "sw", "no"},
    "p": {"1", "2", "3", "4"},
    "iu": {f"{i}{u}" for i in "123" for u in "123"},
    "on": {"1"},
}


@dataclass(frozen=True)
class Ticket:
    """One corpus line: the set it belongs to, its six fields and its labels."""

    set_name: str
    type: str
    person: str
    service: str
    title: str
    subject: str
    labels: dict[str, str]
    line: int


def parse(path: Path) -> list[Ticket]:
    """Tickets of a corpus file; raises ValueError naming the line of a malformed one."""
    tickets: list[Ticket] = []
    set_name = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@set "):
            set_name = line.removeprefix("@set ").strip()
            continue
        fields = [field.strip() for field in line.split("|")]
        if len(fields) != 6:
            raise ValueError(f"{path.name}:{number}: {len(fields)} fields, not 6")
        kind, person, service, title, subject, label_text = fields
        pairs = [token.split("=", 1) for token in label_text.split()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError(f"{path.name}:{number}: a label is not KEY=VALUE: {label_text!r}")
        labels = dict((key, value) for key, value in pairs)
        if len(labels) != len(pairs):
            raise ValueError(f"{path.name}:{number}: a label key repeats: {label_text!r}")
        tickets.append(Ticket(set_name, kind, person, service, title, subject, labels, number))
    return tickets


FRESH = parse(CORPUS / "fresh.txt")
OLD = parse(CORPUS / "tickets.txt")


def line_problems(ticket: Ticket) -> list[str]:
    """What is wrong with one fresh.txt ticket against tickets.txt's field rules (empty: nothing)."""
    problems = []
    if not ticket.set_name.startswith("f-"):
        problems.append("not inside an @set named f-...")
    if ticket.type not in {"I", "R"}:
        problems.append(f"type {ticket.type!r}")
    if not (ticket.person and ticket.title and ticket.subject):
        problems.append("an empty person, title or subject")
    if not ticket.subject.startswith("f-"):
        problems.append(f"subject {ticket.subject!r} lacks the f- prefix")
    if not (ticket.person.startswith("f-") or ticket.person in VIP_PERSONS):
        problems.append(f"person {ticket.person!r} lacks the f- prefix")
    for key, value in ticket.labels.items():
        if value not in LABEL_VALUES.get(key, set()):
            problems.append(f"label {key}={value}")
    if ("k" in ticket.labels) != (ticket.type == "R"):
        problems.append("k= belongs on every request and only there")
    return [f"fresh.txt:{ticket.line}: {problem}" for problem in problems]


def test_each_line_has_the_fields_and_labels_of_tickets_txt() -> None:
    assert [problem for ticket in FRESH for problem in line_problems(ticket)] == []


def test_a_bad_label_or_prefix_is_reported_with_its_line() -> None:
    bad = Ticket("f-x", "R", "ana", "", "need visio", "visio", {"k": "soft", "x": "1"}, 7)
    assert line_problems(bad) == [
        "fresh.txt:7: subject 'visio' lacks the f- prefix",
        "fresh.txt:7: person 'ana' lacks the f- prefix",
        "fresh.txt:7: label k=soft",
        "fresh.txt:7: label x=1",
    ]


def test_keys_and_people_never_meet_those_of_tickets_txt() -> None:
    assert not {t.subject for t in FRESH} & {t.subject for t in OLD}
    assert not {t.person for t in FRESH} & {t.person for t in OLD}


def test_set_names_are_unique_and_sets_are_one_hour_of_a_queue() -> None:
    names = [t.set_name for t in FRESH]
    starts = [name for name, _ in itertools.groupby(names)]
    assert len(starts) == len(set(starts)), "a set name is used twice"
    assert len(starts) >= 30
    assert len(FRESH) >= 200


def same_subject_pairs(tickets: list[Ticket]) -> tuple[int, int]:
    """(positive, negative) pairs of one person's tickets inside one set: same subject or not."""
    positive = negative = 0
    for _, group in itertools.groupby(tickets, key=lambda t: t.set_name):
        for a, b in itertools.combinations(list(group), 2):
            if a.person == b.person:
                positive += a.subject == b.subject
                negative += a.subject != b.subject
    return positive, negative


def trend_sets(tickets: list[Ticket]) -> int:
    """Sets where three or more different people share one subject key."""
    count = 0
    for _, group in itertools.groupby(tickets, key=lambda t: t.set_name):
        people: dict[str, set[str]] = {}
        for ticket in group:
            people.setdefault(ticket.subject, set()).add(ticket.person)
        count += any(len(who) >= 3 for who in people.values())
    return count


def test_enough_positives_and_negatives_per_judgement() -> None:
    positive, negative = same_subject_pairs(FRESH)
    assert positive >= 40 and negative >= 30, (positive, negative)
    assert trend_sets(FRESH) >= 8
    two = sum(t.labels.get("n") == "2" for t in FRESH)
    assert two >= 25 and len(FRESH) - two >= 100
    kinds = Counter(t.labels.get("k") for t in FRESH if t.type == "R")
    assert kinds["hw"] >= 30 and kinds["sw"] >= 30 and kinds["no"] >= 20, kinds
    assert sum(t.labels.get("on") == "1" for t in FRESH) >= 20


def test_priority_labels_cover_the_chart_and_some_logged_values_do_not_fit() -> None:
    matrix = tomllib.loads(SLA.read_text(encoding="utf-8"))["matrix"]
    judged = [t for t in FRESH if "p" in t.labels]
    assert len(judged) >= 40
    assert {t.labels["p"] for t in judged} == {"1", "2", "3", "4"}
    logged = [matrix["-".join(t.labels.get("iu", "22"))] for t in judged]
    misfits = sum(int(t.labels["p"]) != level for t, level in zip(judged, logged, strict=True))
    assert 10 <= misfits <= len(judged) - 10, "both fitting and misfitting logged priorities"


def test_a_malformed_line_is_refused_with_its_line_number(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("@set f-x\nI | f-a | | title only | f-k\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt:2: 5 fields"):
        parse(bad)
