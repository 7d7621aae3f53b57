"""Ticket IDs and where their files live.

An ID is a type prefix, a dash and 11 Crockford base32 characters: 6 for the creation time in
seconds since 2024-01-01 UTC (sortable, good until 2058), then 5 random (25 bits). IDs made in
one clone are checked against the store; two clones that never talk collide only if they make
a ticket in the same second with the same 25 random bits (see docs/ticket-format.md for odds).

The file of a ticket is tickets/<r1>/<r2>/<ID>.toml where r1 r2 are the first two random
characters: 1,024 folders, about 100 files each at 100,000 tickets, so a commit rewrites a few
small tree objects instead of one huge folder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
TIME_CHARS = 6
RANDOM_CHARS = 5
BODY_CHARS = TIME_CHARS + RANDOM_CHARS
DEFAULT_PREFIXES = {"incident": "INC", "request": "REQ", "case": "CASE", "task": "TASK"}

ID_PATTERN = re.compile(r"^[A-Z]{2,8}-[0-9A-HJKMNP-TV-Z]{11}$")
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
    import secrets  # here, not at the top: it loads OpenSSL (~10 ms) that reads never need

    seconds = max(0, int((now - EPOCH).total_seconds()))
    stamp = encode(seconds % (32**TIME_CHARS), TIME_CHARS)
    for _ in range(100):
        candidate = f"{prefix}-{stamp}{encode(secrets.randbits(5 * RANDOM_CHARS), RANDOM_CHARS)}"
        if not taken(candidate):
            return candidate
    raise RuntimeError("could not find a free ticket ID")  # 100 collisions: the RNG is broken


def is_valid(ticket_id: str) -> bool:
    return bool(ID_PATTERN.match(ticket_id))


def relative_path(ticket_id: str) -> str:
    """Path of the ticket file relative to the store, with forward slashes."""
    if not is_valid(ticket_id):
        raise ValueError(f"not a ticket ID: {ticket_id!r}")
    body = ticket_id.split("-", 1)[1]
    return f"tickets/{body[TIME_CHARS]}/{body[TIME_CHARS + 1]}/{ticket_id}.toml"


def normalise_typed(text: str) -> str:
    """What the user typed, upper-cased; raises ValueError for anything that is not an ID or
    prefix (paths, spaces, control characters)."""
    if not TYPED_PATTERN.match(text):
        raise ValueError(text)
    return text.upper()
