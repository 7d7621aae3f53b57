"""The index's fast ticket reader returns exactly what tomllib returns, or steps aside."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import make_ticket
from sdesk.core import fastread
from sdesk.core.model import JournalEntry, dumps
from sdesk.core.reference import load_reference

SAMPLE = Path(__file__).resolve().parent.parent / "tickets"
REFERENCE = load_reference(Path(__file__).resolve().parent.parent / "reference")


def same_as_tomllib(text: str) -> bool:
    """True when the fast reader read the text (and agreed with tomllib); False when it
    stepped aside. A disagreement fails the test."""
    try:
        fast = fastread.loads(text)
    except fastread.Unusual:
        return False
    assert fast == tomllib.loads(text)
    return True


def test_generated_tickets_take_the_fast_path_and_read_the_same() -> None:
    rng = random.Random(5)
    taken: set[str] = set()
    texts = [dumps(make_ticket(rng, REFERENCE, taken)) for _ in range(400)]
    assert all(same_as_tomllib(t) for t in texts)
    assert any('"""' in t for t in texts)  # multi-line descriptions were among them


def test_the_sample_store_reads_the_same() -> None:
    files = sorted(SAMPLE.rglob("*.toml"))
    assert files
    for path in files:
        same_as_tomllib(path.read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(title=st.text(max_size=40), text=st.text(max_size=80), name=st.text(max_size=20))
def test_any_text_sdesk_writes_reads_the_same_or_falls_back(title: str, text: str,
                                                            name: str) -> None:
    rng = random.Random(1)
    ticket = make_ticket(rng, REFERENCE, set())
    ticket.title = title
    ticket.description = text
    ticket.requester.name = name
    ticket.journal.append(JournalEntry(ticket.opened_at + dt.timedelta(hours=1), name, text))
    same_as_tomllib(dumps(ticket))


BASE = 'schema = 1\nid = "INC-2Q535GNA8WN"\n'


@pytest.mark.parametrize("extra", [
    'title = "a" # comment\n', "# a comment\n", 'title="tight"\n', 'title = "a"\r\n',
    'title = "a"\ntitle = "b"\n', "priority = 01\n", "effort = 1e5\n", "effort = inf\n",
    "effort = 1.\n", "priority = +1\n", "priority = 1_000\n",
    'requester = { name = "x" }\n', 'requester.name = "x"\n', '"quoted" = "x"\n',
    "opened_at = 2026-11-23T09:00:00\n", "opened_at = 2026-11-23t09:00:00Z\n",
    "opened_at = 2026-02-30T09:00:00-06:00\n", "opened_at = 2026-11-23 09:00:00-06:00\n",
    "opened_at = 2026-11-23T09:00:00.5-06:00\n", "opened_at = 2026-11-23T09:00:00+24:00\n",
    'journal = []\n[[journal]]\nat = 1\n', '[requester]\nname = "a"\n[requester]\nname = "b"\n',
    '[requester]\nname = "a"\n[[requester]]\n', '[journal.x]\n', '[[journal]\n',
    'text = """\nunterminated\n', 'text = """\nquote " inside\n"""\n',
    'text = """\nends with quote""""\n', 'text = """same line"""\n',
    'text = "tab\there"\n', 'text = "esc \\" aped"\n', "flags = [1, 2]\n",
    'flags = ["a",  "b"]\n', 'flags = ["a", "b",]\n', "vip = True\n", 'title = ""\n',
    'text = """\n\ta\n\n"""\n', "\ufefftitle = 'x'\n", "title = 'literal'\n",
])
def test_anything_outside_the_subset_falls_back_or_reads_the_same(extra: str) -> None:
    text = BASE + extra
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        with pytest.raises(fastread.Unusual):
            fastread.loads(text)
        return
    same_as_tomllib(text)
    assert expected
