"""Reading what a customer's reply to a resolved or closed ticket says (sessions 38 and 39).

Session 38 read keywords: "broken" in a signature's "Broken Arrow, OK", "again" in "Once again,
thank you" and "still" in "I still appreciate the help" each reopened a ticket (a reopen
counted, the first-contact flag and the score lost, "We have reopened your ticket" mailed),
while "Not great." and "Thanks for nothing." were filed as thank-yous. Session 39 reads the
words (docs/email.md, "Replies to a resolved or closed ticket"):

- the signature is cut first: from a "-- " line (RFC 3676 4.3), from what mail-parser-reply
  takes for one ("Best regards,", "Sent from my ..."), or from a line that is the sender's
  name; hyphen lists are kept (they are text, not a signature);
- "back" needs a clear statement, clause by clause: a phrase saying the problem is there now
  ("still broken", "jams again", "not fixed", "doesn't work", "came back", "same error"), in a
  clause with no other negation ("isn't", "no longer", "haven't"), no condition or future
  ("if it happens again", "I'll let you know") and no idiom ("once again", "still
  appreciate"); and the reply has no thank-you or fixed word outside a question
  ("Resolved??" questions, it does not thank). A reply with both is "unsure";
- "thanks" is only a reply that says thanks and nothing else of substance: no negation, no
  question, no request, no problem word;
- "score": a "1" to "5" line, a natural form at the start of the first line, or one closing a
  sentence ("Thanks. 5"); "4.5" and "4-5" are no score;
- anything else is "unsure": a comment flagged for a person, never a reopen;
- session 39b: a clause naming another thing ("now my scanner", "the other PC", "my
  colleague", "also", "not this one", the rating) makes "back" unclear (`names_other`), and a
  lone 1-5 closing the reply after a sentence is a score ("Still jams. 1").
Pure: text in, a reading out.
"""

from __future__ import annotations

import re

_WORD_SCORES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# "4.5", "4-5", "4,5", "45": a range or a fraction is no score (unclear: a person reads it)
_NOT_A_SCORE = r"(?!\d)(?!\s*[-\u2013\u2014.,]\s*\d)"
# A score at the start of the reply's first line: "5", "5/5", "4 out of 5", "5 stars",
# "five", "Five stars", "5 - thanks!", "4: quick". The number must end there or be followed
# by a separator or "but" ("5/5 but now my scanner is broken", session 39b), so "2 printers are
# down" is no score.
_SCORE = re.compile(
    r"^\s*(?P<n>[1-5]|one|two|three|four|five)\b" + _NOT_A_SCORE + r"\s*"
    r"(?:(?:/|out\s+of|of)\s*5\b\s*)?(?:stars?\b)?\s*"
    r"(?=$|[-\u2013\u2014:,.!;)(]|thanks?\b|thank\s+you\b|thx\b|but\b)", re.I)
_BARE = re.compile(r"^\s*([1-5])\s*[.!]?\s*$")  # the resolution mail's own form, any line
# A score closing the reply after a sentence (session 39b): "Still jams. 1", "I can print now. 5",
# "Anyway, 5"; the word before the mark is no number's label ("Call me on ext. 4", "Room 2, 3").
_END = re.compile(r"(?<=[a-z]{2})(?<!\bext)(?<!\bno)(?<!\bnr)(?<!\brm)(?<!\btel)(?<!\bph)"
                  r"(?<!\bapt)(?<!\bste)(?<!\bfl)(?<!\broom)(?<!\bfloor)(?<!\bsuite)(?<!\bdesk)"
                  r"(?<!\bline)(?<!\boption)(?<!\bstep)(?<!\bpage)(?<!\bversion)"
                  r"[.!,]\s+(?P<n>[1-5])" + _NOT_A_SCORE
                  + r"(?:\s*/\s*5|\s+out\s+of\s+5|\s+stars?)?\s*[.!]?\s*$", re.I)
# A clause naming another thing than the ticket's problem (session 39b): another device, place
# or person, an addition, the rating itself. "5/5 but now my scanner is broken", "Not working
# for my colleague Bob", "the same error on the other PC" say nothing of *this* problem.
OTHER = re.compile(
    r"\b(?:also|as\s+well|another|other|else|different|colleagu\w*|co-?workers?|boss|manager|"
    r"team-?mates?|not\s+this\s+one|now\s+my|my\s+(?:old|new|second|other)|rat(?:e|ing)|"
    r"survey)\b|\btoo\b(?!\s+(?:much|many|often|slow|long|frequently|fast))", re.I)
# A score closing a thank-you sentence of the first line: "Thanks. 5", "Great work! 5/5" (what
# comes before must be a thank-you: "Call me on ext. 4" and "Room 2, floor 3" are no scores).
_LAST = re.compile(r"[.!,]\s+(?P<n>[1-5])" + _NOT_A_SCORE
                   + r"(?:\s*/\s*5|\s+out\s+of\s+5|\s+stars?)?\s*[.!]?\s*$", re.I)

_NEG = (r"\b(?:not|no|never|nothing|none|nobody|neither|nor|without|anymore|any\s+more|"
        r"no\s+longer|cannot|\w+n't|isnt|arent|wasnt|werent|dont|doesnt|didnt|wont|cant|"
        r"havent|hasnt|hadnt|couldnt|wouldnt|shouldnt)\b")
NEGATION = re.compile(_NEG, re.I)
# A condition, the future or a wish: "if it happens again", "I'll let you know", "in case".
CONDITION = re.compile(r"\b(?:if|unless|in\s+case|should\s+(?:it|this|that|the)|i'll|i\s+will|"
                       r"will|would|might|may|could|whenever)\b", re.I)
# Idioms holding a BACK word that say nothing is wrong: cut before reading.
IDIOM = re.compile(r"\bonce\s+again\b|\b(?:thanks?|thank\s+you|thx)\s+(?:once\s+)?again\b"
                   r"|\bagain\s*,?\s*(?:many\s+)?thanks?\b|\bagain\s*,?\s*thank\s+you\b"
                   r"|(?<!not )(?<!n't )(?<!nt )\b(?:works?|working|worked)\s+(?:\w+\s+)?again\b"
                   r"|\bstill\s+(?:appreciate|grateful|thankful|love|like|happy|works?|"
                   r"working|good|fine|great|ok|okay)\w*", re.I)
_TROUBLE = (r"(?:broken|broke|down|crash\w*|fail\w*|jam\w*|freez\w*|froze\w*|hang(?:s|ing)?|"
            r"happen\w*|occur\w*|time[sd]?\s+out|timing\s+out|slow|stuck|locked(?:\s+out)?|"
            r"missing|blank|dead|wrong|drop\w*|disconnect\w*|error\w*|problems?|issues?|"
            r"doing\s+(?:it|that|this)|stopped(?:\s+working)?|the\s+same)")
# A negation that is the statement itself: "not fixed", "doesn't work", "no longer works".
NEG_BACK = re.compile(
    r"\b(?:not|isn'?t|wasn'?t|aren'?t|never\s+got|hasn'?t\s+been|still\s+not)\s+(?:been\s+)?"
    r"(?:fixed|resolved|solved|working|sorted|printing|connecting|loading|starting)\b"
    r"|\b(?:doesn'?t|does\s+not|didn'?t|did\s+not|won'?t|will\s+not|can'?t|cannot|can\s+not|"
    r"still\s+can'?t|still\s+cannot)\s+(?:\w+\s+)?(?:work|print|connect|log\s*in|sign\s+in|"
    r"open|start|load|send|save|scan|boot)\b"
    r"|\bnot\s+work(?:ing)?\b|\bno\s+longer\s+works?\b", re.I)
# A statement that the problem is back (or, a request resolved as withdrawn, wanted after all).
BACK = re.compile(
    r"\bstill\s+(?:\w+\s+)?" + _TROUBLE + r"\b"
    r"|\bstill\s+(?:have|having|get|getting|see|seeing)\s+(?:the|this|that|an?|same)\b(?:\s+\w+){0,2}"
    r"|\b" + _TROUBLE + r"\W+(?:\w+\W+){0,3}?again\b"
    r"|\b(?:is|are|was|it'?s|its|they'?re|keeps?|got|gets|went)\s+(?:\w+\s+)?broken\b"
    r"|\bcame\s+back\b|\b(?:it'?s|(?:problem|issue|error|fault)\s+is)\s+back\b"
    r"|\b(?:it|problem|issue|error|fault)\s+(?:has\s+)?returned\b|\bsame\s+(?:problem|issue|error)\b"
    r"|\breopen\b|\bneed\s+it\s+after\s+all\b|\bneed\s+it\s+(?:again|back)\b", re.I)
THANKS = re.compile(
    r"\b(?:thanks?|thank\s+you|thank\s+u|thx|ty|cheers|appreciated?|great|perfect|awesome|"
    r"excellent|wonderful|all\s+good|good\s+job|well\s+done)\b", re.I)
FIXED = re.compile(r"\b(?:works?|working|worked|fixed|resolved|solved|sorted)\b", re.I)
REQUEST = re.compile(r"\b(?:can|could|would|please|pls|need|needs|want|wants|also|install|"
                     r"send|call|ring|help\s+(?:me|us)|how|what|why|where|who|which|but|"
                     r"however|except)\b", re.I)
PROBLEM = re.compile(r"\b(?:still|" + _TROUBLE + r"|bad|terrible|awful|poor|worse|worst|off|"
                     r"again|nothing)\b", re.I)
_CLAUSE = re.compile(r"[^.!?;,\n]+[.!?;,]*|\n")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A last line that only signs off ("Thanks", "Cheers,"): courtesy, not thanks for a fix.
_SIGN_OFF = re.compile(r"^(?:many\s+|kind\s+|best\s+)?(?:thanks?|thank\s+you|thx|ty|cheers|regards|"
                       r"best|thanks\s+in\s+advance)\s*[,.!]*$", re.I)
_DASH_SIG = re.compile(r"^--\s*$")


def signature_cut(text: str, sender_name: str = "") -> str:
    """`text` without its signature: from a "-- " line (RFC 3676 4.3: the standard delimiter),
    from what mail-parser-reply takes for a signature ("Best regards,", "Thanks,\\nGina",
    "Sent from my iPhone"; hyphen lists are kept), or from a line, not the first, that is the
    sender's name or first name (`sender_name`, From:'s display name: "Gina Marsh" then her
    office and town; an Outlook "Last, First (Agency)" name is read as "First Last",
    notes.natural_name, session 40). The whole text when the cut would leave nothing."""
    from sdesk.procedures.notes import natural_name

    lines = text.splitlines()
    name = natural_name(sender_name)  # "Gillespie, Rhonda (OKDHS)": Rhonda Gillespie (s. 40)
    names = {n.casefold() for n in (sender_name.strip(), name, name.split(" ")[0]) if n}
    for i, line in enumerate(lines):
        bare = line.strip().lstrip("-\u2013\u2014~ ").rstrip(",. ").casefold()
        if _DASH_SIG.match(line) or (i and bare and bare in names):
            lines = lines[:i]
            break
    kept = "\n".join(lines).strip()
    from mailparser_reply.parser import EmailMessage

    try:
        (first, *_) = EmailMessage(text=kept, languages=["en"], keep_hyphen_lists=True).read(
            ).replies
        body = first.body if _sign_off(first.signatures or "") else kept
    except Exception:  # a third-party parser must never stop intake; the text stands
        body = kept
    return (body or kept or text).strip()


def _sign_off(signature: str) -> bool:
    """mail-parser-reply's signature is one: a short block whose first line is a sign-off and
    a name at most ("Thanks,", "Best regards, Gina"), not "Thanks, but it is still broken"
    (the library takes everything from a line starting "Thanks," to the end)."""
    lines = signature.splitlines()
    return bool(lines) and len(lines) <= 8 and len(lines[0].split()) <= 4 \
        and all(len(line) <= 72 for line in lines)


def _lines(reply: str) -> list[str]:
    return [ln.strip() for ln in reply.splitlines()
            if ln.strip() and not ln.lstrip().startswith(">")]


def score_of(reply: str) -> int | None:
    """The satisfaction score a reply gives, 1 to 5, or None: a line holding only "1" to "5"
    anywhere (the form the resolution mail asks for), a natural form at the start of the first
    line ("5/5 thanks!", "5 - thanks", "4 stars", "five", "Five stars", "3 out of 5"), a
    number closing a sentence of the first line ("Thanks. 5"), or one closing the reply's last
    line after a sentence ("Still jams. 1", "Anyway, 5"; not "ext. 4"). "4.5" and "4-5" are
    None."""
    lines = _lines(reply)
    for line in lines:
        bare = _BARE.match(line)
        if bare:
            return int(bare.group(1))
    match = (_SCORE.match(lines[0]) or _closing(lines[0]) or _END.search(lines[-1])) \
        if lines else None
    if match is None:
        return None
    n = match.group("n").lower()
    return int(n) if n.isdigit() else _WORD_SCORES[n]


def _closing(line: str) -> re.Match[str] | None:
    """A score closing a thank-you (`_LAST`, after a sentence that is `_thanks_only`)."""
    match = _LAST.search(line)
    return match if match is not None and _thanks_only(line[:match.start() + 1]) else None


def comment_of(reply: str) -> str:
    """The reply's text without the score it gave (the CSAT comment), at most 500 characters."""
    lines = _lines(reply)
    if lines and not any(_BARE.match(ln) for ln in lines):
        if _SCORE.match(lines[0]):
            lines[0] = _SCORE.sub("", lines[0], count=1).strip(" -\u2013\u2014:,.;)(")
        elif (closing := _closing(lines[0])) is not None:
            lines[0] = lines[0][:closing.start() + 1].strip().rstrip(",")
        elif (end := _END.search(lines[-1])) is not None:
            lines[-1] = lines[-1][:end.start() + 1].strip().rstrip(",")
    return " ".join(ln for ln in lines if ln and not _BARE.match(ln))[:500]


def clauses(text: str) -> list[str]:
    """`text` cut at sentence ends, commas, semicolons and line ends; each clause keeps its
    closing marks ("Resolved??"), so a question is known by its "?"."""
    flat = text.replace("\u2019", "'").replace(" but ", ", but ")
    return [c.strip() for c in _CLAUSE.findall(flat) if c.strip()]


def back_words(reply: str) -> str:
    """The words of the first clause that clearly says the problem is back ("still
    crashing", "jams again", "not fixed"), or "" when none does: a clause with a negation
    besides the statement's own, a condition or the future, or a question is no statement,
    and idioms ("once again", "still appreciate") are cut first."""
    for clause in clauses(IDIOM.sub(" ", reply)):
        if clause.endswith("?"):
            continue
        found = BACK.search(clause) or NEG_BACK.search(clause)
        rest = NEG_BACK.sub(" ", clause)
        if found and not NEGATION.search(rest) and not CONDITION.search(rest):
            return " ".join(_UNPRINTABLE.sub(" ", found.group(0)).split())
    return ""


def _said(pattern: re.Pattern[str], reply: str) -> bool:
    """`pattern` in a clause that is no question, outside a negated statement ("not fixed")."""
    return any(pattern.search(NEG_BACK.sub(" ", c)) for c in clauses(reply)
               if not c.endswith("?"))


def reading(reply: str) -> tuple[str, str]:
    """What a requester's reply (its signature cut: `signature_cut`) says, and the words that
    said it: ("back", words) when a clause clearly says the problem is back (`back_words`),
    no clause names another thing (`names_other`) and nothing thanks or says it is fixed (a
    last line that only signs off, "Thanks", is courtesy); ("score", "") when `score_of`
    finds one (a mixed reply with a score too: replies flags its comment, session 39b);
    ("thanks", "") for a thank-you and nothing else of substance (no negation, question,
    request or problem word); else ("unsure", "") - kept as a comment and flagged for a
    person, never a reopen."""
    lines = _lines(reply)
    text = "\n".join(lines)
    words = "" if names_other(text) else back_words(text)
    if len(lines) > 1 and _SIGN_OFF.match(lines[-1]):  # "It jams again.\n\nThanks\nAna"
        lines = lines[:-1]
    said = "\n".join(lines)
    pleased = _said(THANKS, said) or _said(FIXED, said)
    if words and not pleased:
        return "back", words
    if score_of(text) is not None:  # a score with a mixed reply: kept, and flagged (replies)
        return "score", ""
    if words:
        return "unsure", ""
    return ("thanks" if _thanks_only(text) else "unsure"), ""


def _thanks_only(text: str) -> bool:
    """Thanks and nothing else of substance: a THANKS word, no negation, no question, no
    number ("Thanks, 4-5": unclear), and outside conditional clauses ("I'll let you know if
    it happens again") no request and no problem word."""
    calm = IDIOM.sub(" ", text)
    plain = " ".join(c for c in clauses(calm) if not CONDITION.search(c))
    return bool(THANKS.search(text) and "?" not in text and not NEGATION.search(calm)
                and not any(ch.isdigit() for ch in plain)
                and not REQUEST.search(plain) and not PROBLEM.search(plain))


def names_other(text: str) -> bool:
    """A clause of `text` names another thing than the ticket's problem (`OTHER`: another
    device, place or person, "also", "not this one", "now my", the rating itself), idioms cut
    first. docs/email.md: a new problem told is no statement that *this* one is back."""
    return any(OTHER.search(c) for c in clauses(IDIOM.sub(" ", text)))


def needs_person(comment: str) -> bool:
    """A score's comment a technician should read: it names another thing (`names_other`) or
    states a problem (`back_words`): "5/5 but now my scanner is broken"."""
    return names_other(comment) or bool(back_words(comment))
