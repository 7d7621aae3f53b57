"""The blind-written corpora tests/corpus/fresh*.txt keep tickets.txt's format.

Each was written blind (see their headers) by its own writer: fresh.txt first, fresh2.txt by
another writer after fresh.txt's figures had been seen, fresh3.txt and fresh4.txt by two writers
who saw neither the judgement code nor any other corpus, as did fresh5.txt/fresh6.txt (session
22), fresh7.txt/fresh8.txt (session 23), fresh9.txt/fresh10.txt (session 24) and
fresh11.txt/fresh12.txt (session 25), fresh13.txt/fresh14.txt (session 26),
fresh15.txt/fresh16.txt (session 27), fresh17.txt/fresh18.txt (session 28),
fresh19.txt/fresh20.txt (session 30), fresh21.txt/fresh22.txt (session 31),
fresh23.txt/fresh24.txt (session 33) and fresh25.txt/fresh26.txt (session 34)
and fresh27.txt/fresh28.txt (session 34, second pair) and fresh29.txt/fresh30.txt (session
35) and fresh31.txt/fresh32.txt (session 37) and fresh33.txt/fresh34.txt (session 38). fresh.txt
to fresh34.txt were measured held out and are tuning data now (tests/test_corpus.py; fresh31.txt
and fresh32.txt since session 38, fresh33.txt and fresh34.txt since session 40); session 40's
blind pair, fresh35.txt and fresh36.txt (writers blind35 and blind36), is held out
(tests/test_corpus_heldout.py). The format still matters, because
leave-one-writer-out keeps each file a writer apart. This test only checks their shape: six
fields a line, known labels, keys that cannot meet tickets.txt's (nor each other's), and the
minimum number of positive examples per judgement (issue 11, point 5) so that recall can be
measured. It parses the files itself and does not import tests/corpus/measure.py. It names its
files one by one (no glob): a new blind file is added here by whoever may read it.
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
# Each held-out file: the prefix of its set names, persons and subject keys, and the persons that
# stand for a VIP of vip.toml without the prefix (fresh.txt: omes.director@omes.ok.gov;
# fresh2.txt to fresh10.txt name their VIP persons with the prefix and map them in their headers).
HELD_OUT = {
    "fresh.txt": ("f-", {"omes.director"}),
    "fresh2.txt": ("g-", set()),
    "fresh3.txt": ("h-", set()),
    "fresh4.txt": ("j-", set()),
    "fresh5.txt": ("m-", set()),
    "fresh6.txt": ("q-", set()),
    "fresh7.txt": ("r-", set()),
    "fresh8.txt": ("w-", set()),
    "fresh9.txt": ("k-", set()),
    "fresh10.txt": ("v-", set()),
    "fresh11.txt": ("b-", set()),
    "fresh12.txt": ("x-", set()),
    "fresh13.txt": ("d-", set()),
    "fresh14.txt": ("z-", set()),
    "fresh15.txt": ("c-", set()),
    "fresh16.txt": ("n-", set()),
    "fresh17.txt": ("s-", set()),
    "fresh18.txt": ("t-", set()),
    "fresh19.txt": ("a-", set()),
    "fresh20.txt": ("e-", set()),
    "fresh21.txt": ("i-", set()),
    "fresh22.txt": ("l-", set()),
    "fresh23.txt": ("o-", set()),
    "fresh24.txt": ("u-", set()),
    "fresh25.txt": ("p-", set()),
    "fresh26.txt": ("y-", set()),
    "fresh27.txt": ("aa-", set()),
    "fresh28.txt": ("bb-", set()),
    "fresh29.txt": ("cc-", set()),
    "fresh30.txt": ("dd-", set()),
    "fresh31.txt": ("ee-", set()),
    "fresh32.txt": ("ff-", set()),
    "fresh33.txt": ("gg-", set()),
    "fresh34.txt": ("hh-", set()),
    "fresh35.txt": ("ii-", set()),
    "fresh36.txt": ("jj-", set()),
}
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


CORPORA = {name: parse(CORPUS / name) for name in HELD_OUT}
OLD = parse(CORPUS / "tickets.txt")
held_out = pytest.mark.parametrize("name", sorted(HELD_OUT))


def line_problems(ticket: Ticket, name: str = "fresh.txt") -> list[str]:
    """What is wrong with one ticket of held-out file NAME against tickets.txt's field rules.

    Returns one "NAME:LINE: problem" string per problem (empty: nothing wrong).
    """
    prefix, vip_persons = HELD_OUT[name]
    problems = []
    if not ticket.set_name.startswith(prefix):
        problems.append(f"not inside an @set named {prefix}...")
    if ticket.type not in {"I", "R"}:
        problems.append(f"type {ticket.type!r}")
    if not (ticket.person and ticket.title and ticket.subject):
        problems.append("an empty person, title or subject")
    if not ticket.subject.startswith(prefix):
        problems.append(f"subject {ticket.subject!r} lacks the {prefix} prefix")
    if not (ticket.person.startswith(prefix) or ticket.person in vip_persons):
        problems.append(f"person {ticket.person!r} lacks the {prefix} prefix")
    for key, value in ticket.labels.items():
        if value not in LABEL_VALUES.get(key, set()):
            problems.append(f"label {key}={value}")
    if ("k" in ticket.labels) != (ticket.type == "R"):
        problems.append("k= belongs on every request and only there")
    return [f"{name}:{ticket.line}: {problem}" for problem in problems]


@held_out
def test_each_line_has_the_fields_and_labels_of_tickets_txt(name: str) -> None:
    assert [problem for ticket in CORPORA[name] for problem in line_problems(ticket, name)] == []


def test_a_bad_label_or_prefix_is_reported_with_its_line() -> None:
    bad = Ticket("f-x", "R", "ana", "", "need visio", "visio", {"k": "soft", "x": "1"}, 7)
    assert line_problems(bad) == [
        "fresh.txt:7: subject 'visio' lacks the f- prefix",
        "fresh.txt:7: person 'ana' lacks the f- prefix",
        "fresh.txt:7: label k=soft",
        "fresh.txt:7: label x=1",
    ]
    other = Ticket("f-x", "I", "f-ana", "", "vpn down", "f-vpn", {}, 3)
    assert line_problems(other, "fresh2.txt") == [
        "fresh2.txt:3: not inside an @set named g-...",
        "fresh2.txt:3: subject 'f-vpn' lacks the g- prefix",
        "fresh2.txt:3: person 'f-ana' lacks the g- prefix",
    ]


@held_out
def test_keys_and_people_never_meet_those_of_tickets_txt(name: str) -> None:
    fresh = CORPORA[name]
    assert not {t.subject for t in fresh} & {t.subject for t in OLD}
    assert not {t.person for t in fresh} & {t.person for t in OLD}


@pytest.mark.parametrize("first, second", list(itertools.combinations(sorted(HELD_OUT), 2)))
def test_no_two_held_out_files_share_a_set_person_or_subject(first: str, second: str) -> None:
    for field in ("set_name", "person", "subject"):
        mine = {getattr(t, field) for t in CORPORA[first]}
        assert not mine & {getattr(t, field) for t in CORPORA[second]}, (first, second, field)


@held_out
def test_set_names_are_unique_and_sets_are_one_hour_of_a_queue(name: str) -> None:
    fresh = CORPORA[name]
    names = [t.set_name for t in fresh]
    starts = [name for name, _ in itertools.groupby(names)]
    assert len(starts) == len(set(starts)), "a set name is used twice"
    assert len(starts) >= 30
    assert len(fresh) >= 200


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


@held_out
def test_enough_positives_and_negatives_per_judgement(name: str) -> None:
    fresh = CORPORA[name]
    positive, negative = same_subject_pairs(fresh)
    assert positive >= 40 and negative >= 30, (positive, negative)
    assert trend_sets(fresh) >= 8
    two = sum(t.labels.get("n") == "2" for t in fresh)
    assert two >= 25 and len(fresh) - two >= 100
    kinds = Counter(t.labels.get("k") for t in fresh if t.type == "R")
    assert kinds["hw"] >= 30 and kinds["sw"] >= 30 and kinds["no"] >= 20, kinds
    assert sum(t.labels.get("on") == "1" for t in fresh) >= 20


@held_out
def test_priority_labels_cover_the_chart_and_some_logged_values_do_not_fit(name: str) -> None:
    matrix = tomllib.loads(SLA.read_text(encoding="utf-8"))["matrix"]
    judged = [t for t in CORPORA[name] if "p" in t.labels]
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
