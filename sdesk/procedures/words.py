"""The words of a text: the one tokenizer. Triage's "same subject" (sdesk/procedures/similarity.py) and the
knowledge base's search (sdesk/procedures/kb.py) both split text here.

Case-folded; apostrophes dropped ("won't" -> "wont"); letters and digits of any script; words of
one character dropped; a trailing plural "s" dropped from words of four letters or more, but
not "ss" ("printers" -> "printer", "access" stays). Each caller names its stop words: a ticket
title and a knowledge-base article are different texts (see the two lists).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str, stop: frozenset[str]) -> list[str]:
    """The words of `text` in order (repeats kept), without the `stop` words."""
    out: list[str] = []
    for raw in _WORD.findall(text.casefold().replace("'", "")):
        if len(raw) < 2 or raw in stop:
            continue
        if len(raw) > 3 and raw.endswith("s") and not raw.endswith("ss"):
            raw = raw[:-1]
        out.append(raw)
    return out
