"""The ticket file format: exact round trips, stable layout, one-line errors naming the field."""

from __future__ import annotations

import datetime as dt
import string
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdesk.core import ids
from sdesk.core.errors import TicketFileError
from sdesk.core.model import (
    CHANNELS,
    STATUSES,
    TICKET_TYPES,
    Csat,
    Hold,
    JournalEntry,
    Requester,
    Resolution,
    Ticket,
    dumps,
    loads,
)

TZ = ZoneInfo("America/Chicago")
OPENED = dt.datetime(2026, 11, 23, 9, 15, tzinfo=TZ)

# Any text a person might type or paste: quotes, backslashes, triple quotes, CR/LF, tabs,
# control characters, unicode line separators, emoji. Only NUL is refused (see model.check_text).
text = st.text(
    alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
    max_size=200,
) | st.sampled_from(['"""', 'a"', '"', "\\", "\r\n", "x\r", "\u2028", "'''", 'say "hi"\n'])
moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2040, 1, 1),
    timezones=st.sampled_from([TZ, dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))]),
    allow_imaginary=False,
).map(
    # A file stores the instant with its offset; an ambiguous wall time in a zone compares
    # unequal to every other zone by PEP 495, so compare as the file holds it.
    lambda d: d.replace(microsecond=0).astimezone(dt.timezone(d.utcoffset() or dt.timedelta()))
)
words = st.lists(st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=12),
                 max_size=4)


@st.composite
def tickets(draw: st.DrawFn) -> Ticket:
    t = Ticket(
        id=f"INC-{draw(st.text(alphabet=ids.ALPHABET, min_size=11, max_size=11))}",
        type=draw(st.sampled_from(TICKET_TYPES)), title=draw(text), opened_at=draw(moments),
        status=draw(st.sampled_from(STATUSES)), priority=draw(st.integers(1, 4)),
        channel=draw(st.sampled_from(CHANNELS)), team=draw(text), assignee=draw(text),
        vip=draw(st.booleans()), skills=draw(words), related=draw(words),
        effort_hours=draw(st.floats(0.25, 500, allow_nan=False).map(lambda f: round(f, 2))),
        description=draw(text), resolve_by=draw(st.none() | moments),
        requester=Requester(name=draw(text), email=draw(text)),
    )
    if draw(st.booleans()):
        t.resolution = Resolution(code="fixed", summary=draw(text), first_contact=draw(st.booleans()))
        t.csat = Csat(score=draw(st.integers(1, 5)), at=draw(moments), comment=draw(text))
    t.holds = [Hold(start=draw(moments), reason="awaiting-customer", end=draw(st.none() | moments))]
    t.imported = draw(st.dictionaries(text.filter(bool), text, max_size=3))
    t.journal = [JournalEntry(at=draw(moments), by=draw(text), text=draw(text),
                              visibility=draw(st.sampled_from(("internal", "public"))))
                 for _ in range(draw(st.integers(0, 3)))]
    return t


@settings(max_examples=150, deadline=None)
@given(tickets())
def test_any_ticket_round_trips_exactly(ticket: Ticket) -> None:
    written = dumps(ticket)
    again = loads(written, "t.toml")
    assert again == ticket
    assert again.description == ticket.description  # text compared character by character
    assert dumps(again) == written  # rewriting without a change gives the same bytes


def test_file_is_one_field_per_line_with_journal_last() -> None:
    t = Ticket(id="INC-2Q4CA8BBV7M", type="incident", title="Printer", opened_at=OPENED,
               team="IS-Service Desk", description="line one\nline two")
    t.journal.append(JournalEntry(at=OPENED, by="Dana", text="first"))
    lines = dumps(t).splitlines()
    assert lines[:5] == ['schema = 1', 'id = "INC-2Q4CA8BBV7M"', 'type = "incident"',
                         'title = "Printer"', 'status = "new"']
    assert 'description = """' in lines
    assert lines[-6:] == ["[[journal]]", "at = 2026-11-23T09:15:00-06:00", 'by = "Dana"',
                          'kind = "note"', 'visibility = "internal"', 'text = "first"']


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('schema = 1\nid = "x"\ntype = "incident"\ntitle = "t', "t.toml: broken TOML"),
        ("schema = 2\n", "t.toml: schema: version 2 is not supported"),
        ('schema = 1\nid = "X"\nopened_at = 2026-11-23T09:00:00Z\ntype = "bug"\n',
         "t.toml: type: must be one of incident"),
        ('schema = 1\nid = "X"\ntype = "incident"\ntitle = "t"\nstatus = "new"\n'
         'opened_at = 2026-11-23T09:00:00\n', "opened_at: datetime needs a UTC offset"),
    ],
    ids=["broken-toml", "future-schema", "bad-type", "naive-datetime"],
)
def test_bad_files_give_one_line_naming_file_and_field(text: str, message: str) -> None:
    with pytest.raises(TicketFileError) as caught:
        loads(text, "t.toml")
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_broken_toml_names_the_line() -> None:
    with pytest.raises(TicketFileError, match=r"line 3"):
        loads('schema = 1\nid = "x"\ntitle = = 3\n', "t.toml")


def test_unknown_field_is_refused_by_name() -> None:
    t = Ticket(id="INC-2Q4CA8BBV7M", type="incident", title="x", opened_at=OPENED, team="T")
    with pytest.raises(TicketFileError, match=r"t\.toml: colour: unknown field"):
        loads(dumps(t).replace('team = "T"', 'team = "T"\ncolour = "red"'), "t.toml")


def test_ids_end_with_the_creation_time_and_shard_into_1024_folders() -> None:
    early = ids.new_id("INC", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), lambda _: False)
    late = ids.new_id("INC", dt.datetime(2026, 1, 1, 0, 0, 1, tzinfo=dt.UTC), lambda _: False)
    assert early[-ids.TIME_CHARS:] < late[-ids.TIME_CHARS:]
    assert ids.is_valid(early) and len(early) == 16
    folder = ids.relative_path(early).split("/")
    assert folder[0] == "tickets" and len(folder[1]) == 1 and len(folder[2]) == 1


@pytest.mark.parametrize("typed", ["../../etc/passwd", "INC-../x", "a b", "", "x" * 41, "INC/1",
                                   "-rf", ".git"])
def test_typed_ids_that_look_like_paths_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        ids.normalise_typed(typed)
