"""The knowledge base as docs/knowledge-base.md reads it: an article file in, an article or one
error line out; a resolved ticket in, a drafted article and the plan that links it out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from procedure_builder import NOW, after, ticket

from sdesk.core.errors import SdeskError
from sdesk.core.model import Resolution, journal_entry
from sdesk.procedures import kb

GOOD = '+++\nid = "KB-printer-jams"\ntitle = "Printer jams"\ntags = ["printing"]\n+++\n\nOpen tray 2.\n'

FILES = [
    # (what the file format says, the file, the error it gives)
    ("an article starts with a +++ line", "id = 'KB-x'\n", "starts with a '+++' line"),
    ("its front matter ends with a +++ line", "+++\nid = 'KB-x'\ntitle = 'x'\n",
     "no closing '+++' line"),
    ("the front matter names an id", "+++\ntitle = 'Printer jams'\n+++\n\nbody\n",
     "needs id and title"),
    ("the front matter names a title as text", "+++\nid = 'KB-x'\ntitle = 3\n+++\n\nbody\n",
     "needs id and title"),
]


@pytest.mark.parametrize(("case", "text", "error"), FILES, ids=[row[0] for row in FILES])
def test_a_malformed_article_is_one_error_naming_the_file(case: str, text: str, error: str) -> None:
    with pytest.raises(SdeskError, match="kb/KB-x.md: .*" + error.replace("+", r"\+")):
        kb.loads(text, "kb/KB-x.md")


def test_an_article_reads_back_as_written() -> None:
    article = kb.loads(GOOD, "kb/KB-printer-jams.md")
    assert (article.id, article.title, article.tags, article.body, article.created) == \
        ("KB-printer-jams", "Printer jams", ["printing"], "Open tray 2.", None)
    assert kb.loads(kb.dumps(article), "again") == article


def store_with(tmp_path: Path, **files: bytes) -> Path:
    (tmp_path / "kb").mkdir()
    for name, data in files.items():
        (tmp_path / "kb" / f"{name}.md").write_bytes(data)
    return tmp_path


LOOKUPS = [
    # (what `kb show ID` accepts, what is typed, the article or the error)
    ("the full ID", "KB-printer-jams", "KB-printer-jams"),
    ("without KB- and in any case", "PRINTER-JAMS", "KB-printer-jams"),
    ("a unique prefix", "printer-j", "KB-printer-jams"),
    ("nothing typed", "  ", "no knowledge-base article ID given"),
    ("nothing matches", "scanner", "no knowledge-base article matches 'scanner'"),
    ("a prefix of two", "printer", "'printer' matches 2 articles"),
]


@pytest.mark.parametrize(("case", "typed", "found"), LOOKUPS, ids=[row[0] for row in LOOKUPS])
def test_an_article_is_named_as_a_ticket_is(tmp_path: Path, case: str, typed: str,
                                            found: str) -> None:
    root = store_with(tmp_path, **{
        "KB-printer-jams": GOOD.encode(),
        "KB-printer-toner": GOOD.replace("printer-jams", "printer-toner").encode()})
    if found.startswith("KB-"):
        assert kb.load(root, typed).id == found
    else:
        with pytest.raises(SdeskError, match=found):
            kb.load(root, typed)


def test_a_store_without_a_kb_folder_has_no_articles(tmp_path: Path) -> None:
    assert kb.load_all(tmp_path) == [] and kb.suggest(tmp_path, "Printer jams") == []


def test_an_article_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    root = store_with(tmp_path, **{"KB-latin": GOOD.replace("jams", "jam\xe9").encode("latin-1")})
    with pytest.raises(SdeskError, match=r"kb/KB-latin\.md: not UTF-8 text"):
        kb.load_all(root)


def resolved(**fields: object) -> object:
    return ticket("incident", status="resolved", service="Printing",
                  resolution=Resolution(code="solved", summary="Opened tray 2; it feeds again.", by="Dana"),
                  **fields)


def test_a_draft_holds_the_title_resolution_and_public_notes_only() -> None:
    t = resolved(journal=[
        journal_entry(NOW, "Dana", "note", "Asked to try tray 2.", visibility="public"),
        journal_entry(NOW, "Dana", "note", "Vendor contract expired", visibility="internal")])
    article = kb.draft(t, ["KB-printer-will-not-print"], NOW, "Dana", tags=["Tray "])
    assert article.id == "KB-printer-will-not-print-2"
    assert article.tags == ["printing", "tray"] and article.tickets == [t.id]
    assert "Opened tray 2" in article.body and "Asked to try tray 2." in article.body
    assert "Vendor contract" not in article.body


DRAFTS = [
    # (what drafting refuses, the ticket, title, tags, the error)
    ("an open ticket", lambda: ticket("incident", status="in-progress"), "", [], "resolved tickets"),
    ("a title of two lines", resolved, "Printer\njams", [], "--title must be one non-empty line"),
    ("a tag of two lines", resolved, "", ["a\nb"], "--tag must be one line"),
]


@pytest.mark.parametrize(("case", "make", "title", "tags", "error"), DRAFTS,
                         ids=[row[0] for row in DRAFTS])
def test_drafting_refuses(case: str, make: object, title: str, tags: list[str], error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        kb.draft(make(), [], NOW, "Dana", title=title, tags=tags)  # type: ignore[operator]


def test_linking_an_article_records_it_on_both_sides_once(tmp_path: Path) -> None:
    t = resolved()
    article = kb.draft(t, [], NOW, "Dana")
    done = after(t, kb.plan_article(t, article, NOW, "Dana"))
    assert done.kb == [article.id] and done.journal[-1].kind == "kb"
    assert kb.link_files(tmp_path, [article], t.id) == {}  # the draft already lists it
    other = kb.link_files(tmp_path, [article], "INC-0002")
    assert list(other) == [kb.path_of(tmp_path, article.id)]
    assert article.tickets == [t.id, "INC-0002"]
