"""A reply to a resolved ticket that is about a new problem (session 40).

A tester's morning: Rhonda answered the resolution mail of her printer ticket with the subject
changed to "new problem - outlook" and "outlook is not working since this morning"; "not
working" read as the printer's problem back, so the printer ticket was reopened (a reopen
counted, "Reopened: printer not workign" mailed) and the Outlook problem had no ticket.
docs/email.md promised "another named thing: no reopen". The rule now: a reply whose subject
was changed to name something the ticket does not (`other_subject`), or whose statement of a
problem names, as what fails, only things the ticket does not (`other_thing`), is a new
problem: a new ticket related to the old one, never a reopen (sdesk/mail/replies.py).

"The ticket names it": a word of the ticket's title, description or service, by its first five
letters ("printing" names "printer"). Words that name no thing (pronouns, "problem", "still",
places such as "floor" or "office", times) are never read as the thing that fails.
Pure: text in, the words that named another thing out ("" for none).
"""

from __future__ import annotations

import re

from sdesk.core.model import Ticket
from sdesk.mail.reading import BACK, IDIOM, NEG_BACK, clauses

_WORD = re.compile(r"[a-z][a-z'\-]+", re.I)
# Words that name no thing that can fail: pronouns, articles, the problem words themselves,
# greetings, places and times ("the scanner on 3rd floor", "since this morning").
_NO_THING = frozenset(" ".join("""
a an the it its it's this that these those they them there here he she we i me my our your
is are was were be been being am has have had do does did get gets got keep keeps kept
still again also now just really very so too all any some every one same new another other
problem problems issue issues error errors fault trouble thing things stuff something
hi hello hey dear morning afternoon evening today yesterday tonight week day days since
floor room office building suite desk site location place area side upstairs downstairs
on in at of for to from with by and or but not no never yet ever
new problem back please help thanks thank re fw fwd urgent asap
working work works worked broken broke down fixed resolved solved
""".splitlines()).split())
# A subject that says it is about a new problem, whatever it names: "new problem - outlook".
_NEW_SUBJECT = re.compile(r"\b(?:new|another|different|other|separate|unrelated)\s+"
                          r"(?:problem|issue|request|error|fault|question|ticket)\b", re.I)


def _things(text: str) -> list[str]:
    """The words of `text` that may name a thing (lower case, no digits, 3+ letters)."""
    return [w for w in (m.group(0).casefold().strip("'-") for m in _WORD.finditer(text))
            if len(w) >= 3 and w not in _NO_THING]


def _named(ticket: Ticket) -> set[str]:
    """The first five letters of every word the ticket names (title, description, service)."""
    text = " ".join((ticket.title, ticket.description, ticket.service or ""))
    return {w[:5] for w in _things(text)}


def other_subject(subject: str, ticket: Ticket) -> str:
    """The reply's subject, when it was changed to name another problem than `ticket`'s, else
    "": without the reply prefixes, the [ID] tag and the desk's words (mailin.clean_title) it
    says "new/another problem", or it names things and the ticket names none of them
    ("new problem - outlook" or "scanner not working" on "printer not workign"). A subject
    naming nothing ("Re: [INC-..] Resolved", "it's back", "still broken") is no change."""
    from sdesk.mail.mailin import clean_title

    cleaned = clean_title(subject, answers_desk=True)
    if _NEW_SUBJECT.search(cleaned):
        return cleaned
    things = _things(cleaned)
    named = _named(ticket)
    return cleaned if things and not any(w[:5] in named for w in things) else ""


def other_thing(reply: str, ticket: Ticket) -> str:
    """The thing a reply says fails, when it is another than `ticket`'s, else "": in every
    clause that states a problem (reading.BACK or NEG_BACK: "is not working", "still
    crashes"), the words before the statement name what fails; when some clause names things
    and none of them is named by the ticket, the first is returned ("outlook" in "outlook is
    not working since this morning" on a printer ticket). "It is not working", "the printer
    jams again" (on a printer ticket) and "Outlook search is still broken" (on an Outlook
    ticket) name this ticket's thing or none: ""."""
    named, found = _named(ticket), []
    for clause in clauses(IDIOM.sub(" ", reply)):
        starts = [m.start() for m in (BACK.search(clause), NEG_BACK.search(clause)) if m]
        if not starts:
            continue
        things = _things(clause[:min(starts)])
        if any(w[:5] in named for w in things):
            return ""
        found += things
    return found[0] if found else ""
