"""What two titles share, in the words each title uses (session 35, fresh-user finding).

The judgements compare readings: "wireless", "Wi-Fi" and "wifi" all read as the token `wifi`,
"disconnecting" and "dropping" as `drop`. A proposal's evidence that quoted the token ("titles
share drop, wifi", "words used for the same thing (wifi / internet)") quoted words neither
title holds. Here a shared token is shown as the titles write it: the word itself when both
write it alike ("vpn"), else the two ways joined by "~" ("wireless ~ wi-fi": a synonym,
spelling or stem the lexicon maps to one word). A token found in neither title as a word of
its own (a phrase's part, a corrected typo read with its neighbours) is shown as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import words

_WORD = re.compile(r"[\w'\u2019-]+")  # a word as written, "wi-fi" and "can't" whole
LONGEST = 3  # words a phrase of the lexicon spans at most ("shared drive", "wi fi")


def written(title: str, token: str, ref: Reference) -> str:
    """The word (or run of up to LONGEST words) of `title` whose reading holds `token`, lower
    case as written; the shortest, first such run; "" when none does."""
    found = _WORD.findall(title)
    for size in range(1, LONGEST + 1):
        for i in range(len(found) - size + 1):
            run = " ".join(found[i:i + size])
            if token in words(run, ref).tokens:
                return run.casefold().strip("'\u2019-")
    return ""


def as_written(a: str, b: str, token: str, ref: Reference) -> str:
    """`token`, shared by the readings of titles `a` and `b`, as they write it: "vpn" when
    both write "VPN", "wireless ~ wi-fi" when they write it two ways (a synonym mapping, not
    a word both hold); the token itself when either title has no word of its own for it."""
    wa, wb = written(a, token, ref), written(b, token, ref)
    if not wa or not wb:
        return token.replace("_", " ")
    return wa if wa == wb else f"{wa} ~ {wb}"


def shared_as_written(a: str, b: str, tokens: Iterable[str], ref: Reference) -> list[str]:
    """`as_written` for each of `tokens` (plain words, no service or failure tokens), sorted."""
    return sorted(as_written(a, b, t, ref) for t in tokens)
