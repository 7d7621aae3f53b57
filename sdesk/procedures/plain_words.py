"""Standard Desktop Software List names that are also common words ("Project", "Word",
"Teams", "Access"): where a text names the product and where it only uses the word.

request-1 reads a listed product named in a request's text as a rule (software, from the
software list). "project folder access", "a word of warning", "our teams need new headsets"
name no product (fresh-user finding, session 36): the word names the product only where the
text names it so. Read on the text as typed, before the lexicon folds case
(sdesk/procedures/lexicon.py); docs/triage.md, "Session 37".
"""

from __future__ import annotations

import re

# The aliases this module judges (lower case). Any other alias names its product wherever it
# stands: "visio", "tableau" are no ordinary words.
COMMON = frozenset(("project", "word", "teams", "access"))

# A vendor before the word: "ms project", "Microsoft Word".
_VENDORS = frozenset(("ms", "microsoft", "msft"))
# Words beside it that say a program: "install project", "word keeps crashing", "teams app".
_PRODUCT_CUES = frozenset((
    "install", "installed", "installing", "installation", "uninstall", "reinstall", "licence",
    "license", "licenses", "licences", "licensed", "unlicensed", "seat", "seats", "software",
    "program", "app", "application", "client", "plugin", "addin", "add-in", "version",
    "upgrade", "crash", "crashes", "crashing", "crashed", "freezes", "freezing", "gantt",
    "doc", "docs", "document", "documents", "docx", "mpp", "macro", "macros", "template",
    "templates", "database", "db",
))
# Words before it that make it an ordinary noun: "the records project", "a word of warning",
# "our teams". Looked for among the two words before it (PLAIN_BEFORE_REACH).
_DETERMINERS = frozenset(("the", "a", "an", "our", "my", "your", "their", "his", "her", "its",
                          "this", "that", "these", "those", "each", "every", "any", "no",
                          "one", "new", "both", "all", "several", "other", "quick", "last"))
PLAIN_BEFORE_REACH = 2
# "my teams background", "a teams room" are Teams; only a number of groups is the word.
_GROUPS = frozenset(("both", "all", "several", "other", "these", "those", "many", "two",
                     "three", "field", "regional", "county"))
_BEFORE = {"teams": _GROUPS}
# Words after it that make it an ordinary noun, per alias.
_PLAIN_AFTER = {
    "project": frozenset(("folder", "folders", "site", "sites", "team", "teams", "manager",
                          "managers", "mgr", "plan", "plans", "file", "files", "meeting",
                          "meetings", "lead", "leads", "code", "codes", "number", "account",
                          "accounts", "drive", "share", "budget", "funds", "staff", "list",
                          "board", "space", "mailbox", "channel", "group", "coordinator")),
    "word": frozenset(("of", "from", "about", "back", "yet")),
    "teams": frozenset(("need", "needs", "are", "have", "were", "want")),
    "access": frozenset(("to", "for", "rights", "right", "request", "requests", "denied",
                         "level", "levels", "card", "cards", "badge", "point", "points", "on",
                         "issue", "issues", "problem", "problems")),
}
# Lower case "access" is the ordinary word unless something above says the program.
_PLAIN_UNLESS_SAID = frozenset(("access",))

_WORD = re.compile(r"[A-Za-z][A-Za-z'+-]*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$|^\s*$")


def plain_uses(text: str) -> frozenset[str]:
    """The COMMON aliases (lower case) that `text` uses only as ordinary words: each is in
    the text and no use of it names the product (`_names_product`). A text that names the
    product once ("need MS Project for the project plan") names it.

    `text`: as typed (case matters). Pure; no errors raised."""
    if not any(alias in text.casefold() for alias in COMMON):
        return frozenset()
    found = list(_WORD.finditer(text))
    said = [m.group(0).casefold() for m in found]
    capitals_mean = _capitals_mean_something(found)
    seen: set[str] = set()
    product: set[str] = set()
    for i, low in enumerate(said):
        if low not in COMMON:
            continue
        seen.add(low)
        if _names_product(text, found, said, i, capitals_mean):
            product.add(low)
    return frozenset(seen - product)


def _names_product(text: str, found: list[re.Match[str]], said: list[str], i: int,
                   capitals_mean: bool) -> bool:
    """Whether the i-th word (a COMMON alias) names the product: a vendor before it, a
    program's word beside it, a capital letter where capitals mean something (not the
    sentence's first word, not a Title Case or shouted text); else, unless an ordinary
    noun's words surround it, yes (lower case "need project for gantt charts" is the
    product), but lower case "access" only when something says so."""
    low = said[i]
    before = said[max(0, i - PLAIN_BEFORE_REACH):i]
    after = said[i + 1] if i + 1 < len(said) else ""
    if before and before[-1] in _VENDORS:
        return True
    if after in _PRODUCT_CUES or (before and before[-1] in _PRODUCT_CUES):
        return True
    typed = found[i].group(0)
    opens = _SENTENCE_END.search(text[:found[i].start()]) is not None
    if capitals_mean and typed[0].isupper() and not opens:
        return True
    if low in _PLAIN_UNLESS_SAID:
        return False
    if after in _PLAIN_AFTER.get(low, ()):
        return False
    return not any(word in _BEFORE.get(low, _DETERMINERS) for word in before)


def _capitals_mean_something(found: list[re.Match[str]]) -> bool:
    """Whether a capital letter tells a name from a word in this text: not when it is shouted
    (no lower case) or in Title Case (most words of four letters or more capitalised)."""
    long = [m.group(0) for m in found if len(m.group(0)) >= 4]
    if not long or all(w.isupper() for w in long):
        return False
    return sum(w[0].isupper() for w in long) * 2 <= len(long)
