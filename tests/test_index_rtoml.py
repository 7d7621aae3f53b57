"""The index's cold-load parser (rtoml, sdesk.store.index.parse_document) gives the same row
(sdesk.store.filerow.row_of_checked) as `show`'s reader (sdesk.core.model.loads: fastread, then
tomllib) gives through the model (sdesk.store.index.row_of), and the same one-line problem for
a broken file, including text only TOML 1.1 would read."""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import make_ticket
from sdesk.core import ids
from sdesk.core.errors import SdeskError
from sdesk.core.model import JournalEntry, dumps, loads
from sdesk.core.reference import load_reference
from sdesk.store.filerow import row_of_checked
from sdesk.store.index import parse_document, read_file, row_of

SAMPLE = Path(__file__).resolve().parent.parent / "tickets"
REFERENCE = load_reference(Path(__file__).resolve().parent.parent / "reference")


def outcome(reader: object, row: object, text: str) -> object:
    """The index row of what the reader gives, or its error line."""
    try:
        return row(reader(text, "tickets/x.toml"))  # type: ignore[operator]
    except SdeskError as exc:
        return f"error: {exc.message}"


def same_either_way(text: str) -> object:
    got = outcome(parse_document, row_of_checked, text)
    assert got == outcome(loads, row_of, text)
    return got


def test_generated_and_sample_tickets_give_the_same_rows() -> None:
    rng = random.Random(7)
    taken: set[str] = set()
    texts = [dumps(make_ticket(rng, REFERENCE, taken)) for _ in range(300)]
    texts += [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.rglob("*.toml"))]
    assert len(texts) > 300
    for text in texts:
        assert not str(same_either_way(text)).startswith("error:")


@settings(max_examples=300, deadline=None)
@given(title=st.text(max_size=40), text=st.text(max_size=80), name=st.text(max_size=20))
def test_any_text_sdesk_writes_gives_the_same_row(title: str, text: str, name: str) -> None:
    ticket = make_ticket(random.Random(3), REFERENCE, set())
    ticket.title, ticket.description, ticket.requester.name = title, text, name
    ticket.journal.append(JournalEntry(ticket.opened_at + dt.timedelta(hours=1), name, text))
    same_either_way(dumps(ticket))


def _ticket_text() -> str:
    return dumps(make_ticket(random.Random(11), REFERENCE, set()))


# What TOML 1.1 (rtoml) reads and TOML 1.0 (tomllib) refuses, and a few plain breakages.
@pytest.mark.parametrize("change", [
    lambda t: t.replace('title = "', 'title = "\\e', 1),
    lambda t: t.replace('title = "', 'title = "\\x41', 1),
    lambda t: t + '\n[extra]\ninline = { a = 1,\n b = 2 }\n',
    lambda t: t + '\n[extra]\ninline = { a = 1, }\n',
    lambda t: _drop_seconds(t, "Z"),
    lambda t: _drop_seconds(t, "-06:00"),
    lambda t: "\ufeff" + t,
    lambda t: t + "\nschema = 2\n",
    lambda t: t.replace('title = "', 'title = "\x01', 1),
    lambda t: t + "\n[extra]\nnest = " + "[" * 200 + "]" * 200 + "\n",
])
def test_toml_only_1_1_reads_is_the_same_problem(change: object) -> None:
    text = change(_ticket_text())  # type: ignore[operator]
    assert str(same_either_way(text)).startswith("error: tickets/x.toml")


def _drop_seconds(text: str, zone: str) -> str:
    start = text.index("opened_at = ") + len("opened_at = ")
    end = text.index("\n", start)
    return text[:start] + text[start:start + 16] + zone + text[end:]


def test_a_time_in_words_still_reads(tmp_path: Path) -> None:
    """A title with "10:30" in it takes the slower way (tomllib's grammar is checked) and
    reads the same; so does a description with backslashes and braces."""
    ticket = make_ticket(random.Random(2), REFERENCE, set())
    ticket.title = "Call back at 10:30 {room 4}"
    ticket.description = "C:\\Users\\x"
    assert same_either_way(dumps(ticket)) == row_of(ticket)


def test_the_index_records_the_same_line_as_show(tmp_path: Path) -> None:
    ticket = make_ticket(random.Random(4), REFERENCE, set())
    rel = ids.relative_path(ticket.id, 2)
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    text = dumps(ticket).replace('title = "', 'title = "\\x41', 1)
    path.write_text(text, encoding="utf-8")
    got = read_file(str(tmp_path), rel, time.time_ns())
    with pytest.raises(SdeskError) as shown:
        loads(text, rel)
    assert got.problem == shown.value.message
    assert got.problem.startswith(f"{rel}: broken TOML")
