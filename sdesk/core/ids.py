"""Ticket IDs and where their files live.

An ID is a type prefix, a dash and a body of Crockford base32 characters, in one of two layouts:

- layout 2 (what `new` makes): 12 characters, 6 random (30 bits) then 6 for the creation time
  in seconds since 2024-01-01 UTC (good until 2058). The random part comes first so that two
  tickets logged in the same minute differ in their first characters: the short ID people say
  on the phone (the shortest unique prefix, at least SHORT_MIN characters) stays 4-5 characters
  at 100,000 tickets.
- layout 1 (older stores): 11 characters, 6 time then 5 random (25 bits). Still read, resolved
  and stored where they always were.

IDs made in one clone are checked against the store; two clones that never talk collide only
if they make a ticket in the same second with the same random bits (docs/ticket-format.md has
the odds and the prefix-length figures).

The file of a ticket is tickets/<r1>/<r2>/<ID>.toml where r1 r2 are the first two random
characters: 1,024 folders, about 100 files each at 100,000 tickets, so a commit rewrites a few
small tree objects instead of one huge folder. A store meant for a million tickets sets
`[store] folder_levels = 3` (`sdesk migrate-folders 3` moves an existing store in one commit):
tickets/<r1>/<r2>/<block>/<ID>.toml, where <block> is the first character of the run of eight
the third random character falls in (0, 8, G or R): 4,096 folders, about 240 files each at
1,000,000, so one commit's new git objects stay under 16 KiB while the index's freshness check
stats 4,096 folders, not 32,768 (docs/ticket-format.md has the figures).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
TIME_CHARS = 6
RANDOM_CHARS = 5  # layout 1: time first, then these random characters
BODY_CHARS = TIME_CHARS + RANDOM_CHARS
LEAD_RANDOM_CHARS = 6  # layout 2: these random characters first, then the time
BODY2_CHARS = LEAD_RANDOM_CHARS + TIME_CHARS
SHORT_MIN = 4  # a short ID shows at least this many body characters (like git's %h)
DEFAULT_PREFIXES = {"incident": "INC", "request": "REQ", "case": "CASE", "task": "TASK"}

ID_PATTERN = re.compile(r"^[A-Z]{2,8}-[0-9A-HJKMNP-TV-Z]{11,12}$")
# What a user may type to name a ticket: letters, digits and one dash; never a path.
TYPED_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")


def encode(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rest = divmod(number, 32)
        chars.append(ALPHABET[rest])
    if number:
        raise ValueError("number too large for the ID width")
    return "".join(reversed(chars))


def new_id(prefix: str, now: dt.datetime, taken: Callable[[str], bool]) -> str:
    """A fresh layout-2 ID (random first, then the time) that `taken` says is free.

    The random part comes from the OS (`secrets`). Only when SDESK_ID_SEED is set (the docs
    test sets it, so the IDs its examples show are the same on every run) is it instead a
    hash of the seed, the prefix, the time and the attempt: reproducible, and still checked
    against `taken`, so a seeded store has no collisions within itself. Never set it on a real
    desk: two clones with the same seed make the same IDs in the same second.
    """
    import os

    seconds = max(0, int((now - EPOCH).total_seconds()))
    stamp = encode(seconds % (32**TIME_CHARS), TIME_CHARS)
    seed = os.environ.get("SDESK_ID_SEED")
    for attempt in range(100_000 if seed else 100):
        lead = encode(_seeded_bits(seed, f"{prefix}-{stamp}-{attempt}") if seed
                      else _random_bits(), LEAD_RANDOM_CHARS)
        candidate = f"{prefix}-{lead}{stamp}"
        if not taken(candidate):
            return candidate
    raise RuntimeError("could not find a free ticket ID")  # 100 collisions: the RNG is broken


def _random_bits() -> int:
    """5 * LEAD_RANDOM_CHARS random bits from the OS, as `secrets.randbits` takes them
    (os.urandom), without importing `secrets` (random, hmac, base64: ~6 M instructions)."""
    import os

    bits = 5 * LEAD_RANDOM_CHARS
    size = (bits + 7) // 8
    return int.from_bytes(os.urandom(size), "big") >> (size * 8 - bits)


def _seeded_bits(seed: str, what: str) -> int:
    import hashlib

    digest = hashlib.sha256(f"{seed}:{what}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % (1 << (5 * LEAD_RANDOM_CHARS))


def is_valid(ticket_id: str) -> bool:
    return bool(ID_PATTERN.match(ticket_id))


FOLDER_LEVELS = (2, 3)  # the two layouts of ticket folders ([store] folder_levels)
BLOCK = 8  # characters per third-level folder: 32 / 8 = 4 folders under each second level


def block(char: str) -> str:
    """The third-level folder of a random character: the first character of its run of
    eight in ALPHABET (0-7 -> 0, 8-F -> 8, G-Q -> G, R-Z -> R)."""
    return ALPHABET[ALPHABET.index(char) // BLOCK * BLOCK]


def relative_path(ticket_id: str, levels: int = 2) -> str:
    """Path of the ticket file relative to the store, with forward slashes, in a store of
    `levels` folder levels (2: tickets/R1/R2/ID.toml; 3: tickets/R1/R2/BLOCK/ID.toml).
    ValueError for a string that is not a ticket ID."""
    if not is_valid(ticket_id):
        raise ValueError(f"not a ticket ID: {ticket_id!r}")
    body = ticket_id.split("-", 1)[1]
    first = TIME_CHARS if len(body) == BODY_CHARS else 0  # where the random characters start
    if levels == 3:
        return (f"tickets/{body[first]}/{body[first + 1]}/{block(body[first + 2])}/"
                f"{ticket_id}.toml")
    return f"tickets/{body[first]}/{body[first + 1]}/{ticket_id}.toml"


def levels_of(rel: str) -> int:
    """The folder levels of a ticket file's path relative to the store (tickets/A/B/X.toml: 2)."""
    return rel.count("/") - 1


def short_length(body: str, neighbours: tuple[str | None, str | None]) -> int:
    """How many characters of `body` make it unique, given the bodies just before and after
    it in sorted order (None at either end): one more than the longest prefix it shares with
    either, at least SHORT_MIN, at most the whole body."""
    shared = 0
    for other in neighbours:
        if other is not None:
            n = 0
            for a, b in zip(body, other, strict=False):
                if a != b:
                    break
                n += 1
            shared = max(shared, n)
    return min(len(body), max(SHORT_MIN, shared + 1))


def short(ticket_id: str, length: int) -> str:
    """`INC-` and the first `length` characters of the body."""
    prefix, body = ticket_id.split("-", 1)
    return f"{prefix}-{body[:length]}"


def normalise_typed(text: str) -> str:
    """What the user typed, upper-cased; raises ValueError for anything that is not an ID or
    prefix (paths, spaces, control characters)."""
    if not TYPED_PATTERN.match(text):
        raise ValueError(text)
    return text.upper()
