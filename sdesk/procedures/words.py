"""The words of a text: the one tokenizer. Triage's reading of a title
(sdesk/procedures/lexicon.py), its baseline "same subject" (sdesk/procedures/similarity.py) and
the knowledge base's search (sdesk/procedures/kb.py) all split text here, with `split`, and take
their stop words from here.

`split`: lower case (case-folded); the typographic apostrophe read as "'"; "wi-fi" and "e-mail"
as one word; punctuation (- / , . ; : ! ? ( ) ") as spaces; then, when the caller passes its
phrases (lexicon.py: "can't connect", "shared drive", product and service names), each phrase,
longest first, becomes its one token ("shared_drive", "!fail"); then the words: letters and
digits of any script, with "_" and "+" kept inside a word ("c++", "s_drive"); apostrophes
dropped ("won't" -> "wont").

`words`: `split` without the caller's stop words and words of one character, a trailing plural
"s" dropped from words of four letters or more, but not "ss" ("printers" -> "printer", "access"
stays).

The stop words: `ENGLISH_STOP` is what every reader drops; a ticket title as triage reads it
(`TITLE_STOP`) also drops what staff add around the subject ("pls", "asap", "need", "help",
"update"); the knowledge base (`KB_STOP`) drops a few more function words; the baseline Jaccard
index (`BASELINE_STOP`) keeps the list it was measured with (tests/corpus/measure.py --compare).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from sdesk.core.model import NO_SUBJECT

_PUNCTUATION = re.compile(r"[\-/,.;:!?()\"]")
_TOKEN = re.compile(r"!fail|!nopower|(?:[^\W_]|[_+])+(?:'(?:[^\W_]|[_+])+)*")

ENGLISH_STOP = frozenset((
    "a", "after", "again", "all", "an", "and", "any", "are", "as", "at", "be", "but", "by",
    "can", "cannot", "cant", "could", "does", "doesnt", "dont", "for", "from", "has", "have",
    "how", "i", "in", "into", "is", "it", "its", "just", "me", "my", "no", "not", "now", "of",
    "on", "or", "our", "out", "please", "so", "some", "than", "that", "the", "their", "them",
    "then", "there", "they", "this", "to", "up", "was", "we", "were", "what", "when", "which",
    "while", "who", "why", "will", "with", "you", "your",
))
# Function words beyond ENGLISH_STOP that a title and the baseline both drop.
_MORE_FUNCTION_WORDS = frozenset((
    "about", "also", "am", "been", "being", "did", "do", "had", "having", "he", "her", "him",
    "his", "if", "isnt", "she", "still", "these", "too", "us", "very", "where", "wont", "would",
))
TITLE_STOP = ENGLISH_STOP | _MORE_FUNCTION_WORDS | frozenset((
    "anymore", "asap", "both", "every", "follow", "following", "followup", "hello", "help",
    "hi", "keep", "keeps", "let", "need", "needs", "ok", "okay", "pls", "plus", "plz", "re",
    "regarding", "request", "requesting", "separately", "since", "thanks", "thx", "time",
    "today", "unable", "update", "w", "whole",
))
BASELINE_STOP = ENGLISH_STOP | _MORE_FUNCTION_WORDS | frozenset((
    "before", "get", "gets", "getting", "got", "off", "once", "only", "over", "same", "wasnt",
))
KB_STOP = ENGLISH_STOP | frozenset(("doesn", "don", "get", "gets", "got", "more", "since"))


def split(text: str, phrases: tuple[re.Pattern[str], Mapping[str, str]] | None = None,
          known: Callable[[str], str] | None = None) -> list[str]:
    """The words of `text` in order, repeats and stop words kept (module docstring).

    `known` reads each word of the lower-cased, punctuation-free text before phrases are
    joined (lexicon.py: a typo of a word triage knows -> that word). `phrases` is (pattern,
    phrase -> token): the pattern matches each phrase as whole words, and each match becomes
    its token."""
    low = text.casefold().replace("\u2019", "'").replace("wi-fi", "wifi")
    cleaned = _PUNCTUATION.sub(" ", low.replace("e-mail", "email")).split()
    low = " ".join(map(known, cleaned) if known is not None else cleaned)
    if phrases is not None:
        pattern, tokens = phrases
        low = pattern.sub(lambda m: tokens[m.group(0)], low)
    return [t.replace("'", "") for t in _TOKEN.findall(low)]


def words(text: str, stop: frozenset[str]) -> list[str]:
    """The words of `text` in order (repeats kept), without the `stop` words, words of one
    character and a trailing plural "s" (module docstring)."""
    out: list[str] = []
    for raw in split(text):
        if len(raw) < 2 or raw in stop:
            continue
        if len(raw) > 3 and raw.endswith("s") and not raw.endswith("ss"):
            raw = raw[:-1]
        out.append(raw)
    return out


# How the person copes, not what is broken or where ("filing by hand", "on paper for now"): its
# words are no evidence of where the work is (session 26's fresh user saw 'hand' +1.90 from
# "by hand" as the learned model's evidence). The workaround words of priority_fit, read here
# only to leave them out of what the dispatcher is shown (on site's, priority's and the request
# kind's learned evidence).
_COPING = re.compile(r"\b(by hand|on paper|for now|in the meantime|instead)\b", re.IGNORECASE)


def not_evidence(text: str) -> frozenset[str]:
    """The words of `text` a learned model's evidence does not show (text_model.Model.evidence
    `hide`): stop words ('a', 'the', 'need', 'after', 'for': TITLE_STOP), bare numbers ('14',
    '2') and the words of a coping phrase ("by hand"). Only content words are shown; the score
    counts every feature."""
    coping = {w for m in _COPING.finditer(text) for w in m.group(0).casefold().split()}
    numbers = set(re.findall(r"\b\d+\b", text))
    return TITLE_STOP | coping | numbers


def quoted(text: str) -> str:
    """Words found in a ticket's text, quoted as evidence on one line: each line break shown
    as " / ", other runs of white space as one space, quoted as repr quotes ('no power'). A
    phrase matched across lines showed "'everyone at home\\nnone of'" (issue 11, session 34)."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return repr(" / ".join(line for line in lines if line))


def title_is_evidence(title: str) -> bool:
    """Whether a title may be compared with another for the same subject (incident-5) or a
    trend (incident-6): not the placeholder of a message without a subject
    (model.NO_SUBJECT, "(no subject)", any case), whose words are the desk's, not the
    customer's. Two people's empty subjects are not one problem (session 39: three "(no
    subject)" mails with unrelated bodies were proposed as a trend, word rule 1.00). A string
    comparison, so the trend window's walk over every open incident stays cheap; a title with
    no words at all ("???") has no trend keys and no failure word, so it was never linked."""
    return title.strip().casefold() != NO_SUBJECT
