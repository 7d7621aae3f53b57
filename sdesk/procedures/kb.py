"""The knowledge base: what resolved tickets teach, one readable file per article under kb/.

An article is Markdown with TOML front matter between `+++` lines (as Hugo writes it), so it
reads well in a merge request and diffs line by line:

    +++
    id = "KB-printer-prints-blank-pages"
    title = "Printer prints blank pages"
    tags = ["printing"]
    tickets = ["INC-0K3M"]
    created = 2026-11-23T09:00:00-06:00
    by = "Dana Dispatcher"
    +++

    ## Symptom ...

Drafting uses the ticket's title, its resolution and its PUBLIC journal only: an internal note
never reaches an article. Search is BM25 (k1 = 1.2, b = 0.75) over title, tags and body, with
the title counted three times and tags twice, so a word in the title outweighs one in passing.
No network, no index file: a desk has hundreds of articles, not millions, and reading them all
takes milliseconds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdesk.core import tomlfmt
from sdesk.core.errors import NothingToDo, SdeskError, ValidationError
from sdesk.core.model import Ticket, journal_entry
from sdesk.procedures.plan import AddEntry, Plan, SetField
from sdesk.procedures.proposals import logged_as
from sdesk.procedures.words import KB_STOP
from sdesk.procedures.words import words as text_words

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3
TAG_WEIGHT = 2
MIN_SCORE = 1.0  # suggestions below this are noise (one common word in passing)
MIN_WORDS = 2  # distinct words a suggestion shares with the ticket (one alone is a coincidence)
# a word in any script is one word ("café", "réseau", "сеть"): letters and digits, not "_"
# ([a-z0-9]+ split "café" into "caf" and lost Cyrillic and CJK words; session 33)
_WORD = re.compile(r"[^\W_]+")
_STOP = KB_STOP


@dataclass
class Article:
    id: str
    title: str
    body: str
    tags: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    created: dt.datetime | None = None
    by: str = ""


def kb_dir(root: Path) -> Path:
    return root / "kb"


def path_of(root: Path, article_id: str) -> Path:
    return kb_dir(root) / f"{article_id}.md"


# -- file format ---------------------------------------------------------------------------


def dumps(article: Article) -> str:
    front: dict[str, Any] = {"id": article.id, "title": article.title, "tags": article.tags,
                             "tickets": article.tickets}
    if article.created is not None:
        front["created"] = article.created
    if article.by:
        front["by"] = article.by
    return f"+++\n{tomlfmt.dumps(front).rstrip()}\n+++\n\n{article.body.strip()}\n"


def loads(text: str, where: str) -> Article:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise SdeskError(f"{where}: an article starts with a '+++' line (TOML front matter)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise SdeskError(f"{where}: the front matter has no closing '+++' line") from None
    from sdesk.core.untrusted import toml_loads

    front = toml_loads("\n".join(lines[1:end]), f"{where}: front matter")
    title, art_id = front.get("title"), front.get("id")
    if not isinstance(title, str) or not isinstance(art_id, str):
        raise SdeskError(f"{where}: the front matter needs id and title")
    created = front.get("created")
    return Article(
        id=art_id, title=title, body="\n".join(lines[end + 1:]).strip(),
        tags=[str(t) for t in front.get("tags", [])],
        tickets=[str(t) for t in front.get("tickets", [])],
        created=created if isinstance(created, dt.datetime) else None,
        by=str(front.get("by", "")),
    )


def load_all(root: Path) -> list[Article]:
    folder = kb_dir(root)
    if not folder.is_dir():
        return []
    from sdesk.core.untrusted import check_inside, read_limited

    check_inside(root, folder)
    out = []
    for p in sorted(folder.glob("KB-*.md")):
        raw = read_limited(root, p)
        try:
            out.append(loads(raw.decode("utf-8"), f"kb/{p.name}"))
        except UnicodeDecodeError:
            raise SdeskError(f"kb/{p.name}: not UTF-8 text") from None
    return out


def load(root: Path, typed: str) -> Article:
    """An article by ID or unique prefix, with or without 'KB-', any case."""
    wanted = typed.strip().lower()
    if not wanted:
        raise SdeskError("no knowledge-base article ID given")
    wanted = wanted if wanted.startswith("kb-") else f"kb-{wanted}"
    articles = load_all(root)
    exact = [a for a in articles if a.id.lower() == wanted]
    found = exact or [a for a in articles if a.id.lower().startswith(wanted)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise SdeskError(f"no knowledge-base article matches {typed!r}")
    raise SdeskError(f"{typed!r} matches {len(found)} articles: "
                     f"{', '.join(a.id for a in found[:10])}")


# -- drafting ------------------------------------------------------------------------------


# Latin letters without a decomposition (NFKD leaves them whole): their usual spellings
_LATIN = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "ł": "l", "œ": "oe", "đ": "d",
                        "ð": "d", "þ": "th", "ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t"})


def slug(title: str) -> str:
    """An article ID's words from its title: lower-case words of any script joined by "-",
    at most 60 characters, accents dropped so the ID can be typed on any keyboard ("Café
    réseau" -> "cafe-reseau"; a Cyrillic or CJK word stays as it is); "article" when none."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", title.lower().translate(_LATIN))
                    if not unicodedata.combining(c))
    words = _WORD.findall(plain)
    text = "-".join(words)[:60].strip("-")
    return text or "article"


# Lines the desk adds to a kept mail's journal entry: where the message and its attachments
# are in the store. A store path is nobody's business in an article.
_KEPT = re.compile(r"^(Message kept as mail/|Attachment kept: |Attachment .* refused: )")


def customer_was_told(ticket: Ticket) -> list[str]:
    """The "What the customer was told" lines of a draft ("- YYYY-MM-DD: text"): the desk's
    messages to the customer (ticketdoc.tells_customer: public entries, not inbound mail)
    other than the current resolution, which the article's Resolution section already holds.
    An earlier resolution of a reopened ticket is kept: the customer was told it. Never the
    customer's own words or a staff member's mail to the desk (public entries of kind
    "email", session 38: a thank-you with its signature and "user is rude btw" were
    published), never an internal note, never a store path ("Message kept as mail/...")."""
    # the current resolution's entry: the last resolve entry with no reopen after it
    ends = [e for e in ticket.journal if e.kind in ("resolve", "reopen")]
    last = ends[-1] if ends and ends[-1].kind == "resolve" else None
    lines = []
    for e in ticket.journal:
        if not e.to_customer or e is last:
            continue
        text = " ".join(" ".join(ln for ln in e.text.splitlines()
                                 if not _KEPT.match(ln.strip())).split())
        if text:
            lines.append(f"- {e.at.date().isoformat()}: {text}")
    return lines


# Resolution codes that record no solution (reference/codes.toml), each with why: the knowledge
# base records how a problem was solved, and these summaries say something else ("We could not
# reach you ...", "Same Outlook crash as your other ticket"; a tester's finding, session 39).
NO_SOLUTION = {
    "duplicate": "it points at the original, where the problem is solved",
    "no-response": "the customer never answered, so nothing was solved",
    "withdrawn": "the customer withdrew it, so nothing was solved",
    # session 39b: procedures.retype; the work goes on in the request (its flag names it)
    "logged-as-request": "it was logged as a request, where the work goes on",
}


def draft(ticket: Ticket, taken: Iterable[str], now: dt.datetime, actor: str,
          title: str = "", tags: Sequence[str] = ()) -> Article:
    """An article from a resolved ticket: title, resolution and what the desk told the
    customer (customer_was_told), nothing internal and nothing the customer wrote. `taken`
    are the IDs in use (a clash gets -2, -3 ...). NothingToDo when the
    ticket already has an article and no other `title` is asked for; SdeskError for a ticket
    not resolved, or resolved with a code that records no solution (NO_SOLUTION)."""
    if ticket.resolution is None:
        raise SdeskError(f"{ticket.id} is {ticket.status}: draft articles from resolved tickets")
    code = ticket.resolution.code
    if code in NO_SOLUTION:
        other = (f"; draft from the original: sdesk kb new --from {ticket.duplicate_of}"
                 if code == "duplicate" and ticket.duplicate_of else "")
        moved = logged_as(ticket.flags) if code == "logged-as-request" else ""
        if moved:
            other = f" ({moved}); draft from it once it is resolved: sdesk kb new --from {moved}"
        raise SdeskError(f"{ticket.id} was resolved as {code}: {NO_SOLUTION[code]}, and an "
                         f"article records how a problem was solved{other}")
    name = (title or ticket.title).strip()
    if not name or "\n" in name:
        raise ValidationError("--title must be one non-empty line")
    if any("\n" in t or "\r" in t for t in tags):
        raise ValidationError("--tag must be one line")
    if ticket.kb and not title:
        raise NothingToDo(f"{ticket.id} already has an article drafted from it "
                          f"({', '.join(ticket.kb)}); give --title to draft another")
    base = f"KB-{slug(name)}"
    used = {t.lower() for t in taken}
    art_id, n = base, 1
    while art_id.lower() in used:
        n += 1
        art_id = f"{base}-{n}"
    res = ticket.resolution
    parts = [f"## Symptom\n\n{ticket.title}"]
    if ticket.service:
        parts[0] += f"\n\nService: {ticket.service}"
    parts.append(f"## Resolution\n\n{res.summary.strip()}\n\nResolution code: {res.code}.")
    told = customer_was_told(ticket)
    if told:
        parts.append("## What the customer was told\n\n" + "\n".join(told))
    parts.append(f"## Source\n\nDrafted from {ticket.id}; review and generalise before "
                 "relying on it.")
    clean_tags = sorted({t.strip().lower() for t in tags if t.strip()}
                        | ({ticket.service.lower()} if ticket.service else set()))
    return Article(id=art_id, title=name, body="\n\n".join(parts), tags=clean_tags,
                   tickets=[ticket.id], created=now, by=actor)


def plan_article(ticket: Ticket, article: Article, now: dt.datetime, actor: str) -> Plan:
    """Link a drafted article to the ticket it came from (the article lists the ticket)."""
    rule = "standard: knowledge base"
    return Plan([
        SetField(ticket.id, rule, f"documented in {article.id}", field="kb",
                 value=[*ticket.kb, article.id]),
        AddEntry(ticket.id, rule, "article drafted", entry=journal_entry(
            at=now, by=actor, kind="kb", visibility="internal", rule=rule,
            text=f"Knowledge-base article {article.id} drafted from this ticket.")),
    ])


def link_files(root: Path, articles: Sequence[Article], ticket_id: str) -> dict[Path, bytes | None]:
    """The article files with `ticket_id` added to their `tickets` (the article's side of a
    two-way link), for apply_plan's extra_files."""
    out: dict[Path, bytes | None] = {}
    for article in articles:
        if ticket_id not in article.tickets:
            article.tickets = [*article.tickets, ticket_id]
            out[path_of(root, article.id)] = dumps(article).encode("utf-8")
    return out


# -- search --------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """The words of an article or a search (sdesk/procedures/words.py, with the knowledge base's stop
    words): lower-case, a trailing plural 's' dropped so 'printers' finds 'printer'."""
    return text_words(text, _STOP)


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    score: float


def _bag(article: Article) -> Counter[str]:
    bag: Counter[str] = Counter(tokens(article.body))
    for word in tokens(article.title):
        bag[word] += TITLE_WEIGHT
    for word in tokens(" ".join(article.tags)):
        bag[word] += TAG_WEIGHT
    return bag


def search(articles: Sequence[Article], terms: str, limit: int = 10,
           min_score: float = 0.0, min_words: int = 1) -> list[Hit]:
    """Articles ranked by BM25 of the query words: for each query word w,
    idf(w) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen)), summed, where
    idf(w) = ln(1 + (N - n(w) + 0.5) / (n(w) + 0.5)). Ties break by article ID. Only articles
    scoring above `min_score` that hold at least `min_words` distinct query words (all of
    them, when the query has fewer) are kept."""
    query = set(tokens(terms))
    if not query or not articles:
        return []
    bags = [_bag(a) for a in articles]
    lengths = [sum(b.values()) for b in bags]
    avg = sum(lengths) / len(lengths) or 1.0
    n_docs = len(articles)
    df = {w: sum(1 for b in bags if w in b) for w in query}
    hits = []
    need = min(min_words, len(query))
    for article, bag, length in zip(articles, bags, lengths, strict=True):
        score = 0.0
        if sum(1 for word in query if word in bag) < need:
            continue
        for word in query:
            tf = bag.get(word, 0)
            if not tf:
                continue
            idf = math.log(1 + (n_docs - df[word] + 0.5) / (df[word] + 0.5))
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))
        if score > min_score:
            hits.append(Hit(article.id, article.title, round(score, 3)))
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits[:limit]


def suggest(root: Path, title: str, description: str = "", service: str = "",
            limit: int = 3) -> list[Hit]:
    """The best articles for a new ticket, for `sdesk new` and `sdesk triage` to mention:
    the title, description and service as the query, only hits scoring above MIN_SCORE that
    share at least MIN_WORDS distinct words with it (one rare word alone, "password" in
    "Password reset for the payroll portal" and an Outlook password article, is not a match)."""
    articles = load_all(root)
    return search(articles, f"{title} {description} {service}", limit, MIN_SCORE, MIN_WORDS)
