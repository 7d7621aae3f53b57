"""The knowledge base: drafting from resolved tickets (public text only), two-way links,
BM25 search, suggestions for new tickets."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk

from sdesk.procedures import kb


def resolved(desk: Desk, title: str, summary: str, *notes: tuple[str, bool]) -> str:
    tid = desk.new("-T", title, "--email", "ana.ruiz@omes.ok.gov", "--service", "Printing")
    for text, public in notes:
        desk.run("note", tid, text, *(["--public"] if public else []))
    desk.run("resolve", tid, "--code", "fixed", "--summary", summary)
    return tid


def test_kb_new_drafts_from_title_resolution_and_public_notes_only(desk: Desk) -> None:
    tid = resolved(desk, "Printer prints blank pages", "Replaced the toner cartridge",
                   ("We ordered a cartridge", True), ("Password is hunter2", False))
    before = desk.commits()
    out = desk.json("kb", "new", "--from", tid, "--tag", "Toner")
    assert desk.commits() == before + 1
    art_id = out["id"]
    assert art_id == "KB-printer-prints-blank-pages"
    text = (desk.root / "kb" / f"{art_id}.md").read_text()
    assert "Printer prints blank pages" in text
    assert "Replaced the toner cartridge" in text
    assert "We ordered a cartridge" in text
    assert "hunter2" not in text  # internal notes never reach an article
    article = kb.load(desk.root, art_id)
    assert article.tickets == [tid]
    assert article.tags == ["printing", "toner"]
    assert desk.ticket(tid)["kb"] == [art_id]  # linked both ways
    assert desk.git("status", "--porcelain") == ""


def test_an_article_of_a_title_in_another_script_keeps_its_words(desk: Desk) -> None:
    """Session 33: the slug read words as [a-z0-9]+ ("KB-caf-r-seau"); a word in any script
    is one word, accents dropped so the ID types on any keyboard, and the article's file is
    committed, read and checked like any other (a Cyrillic title keeps its words)."""
    tid = resolved(desk, "Café réseau en panne", "Redémarré le commutateur")
    art_id = desk.json("kb", "new", "--from", tid)["id"]
    assert art_id == "KB-cafe-reseau-en-panne"
    assert kb.slug("Сеть не работает") == "сеть-не-работает"
    assert kb.load(desk.root, art_id).tickets == [tid]
    assert desk.ticket(tid)["kb"] == [art_id]
    assert desk.git("status", "--porcelain") == ""
    desk.run("check")


def test_kb_new_from_an_open_ticket_is_refused(desk: Desk) -> None:
    tid = desk.new("-T", "Still broken")
    before = desk.snapshot()
    assert "draft articles from resolved tickets" in desk.fails("kb", "new", "--from", tid).stderr
    assert desk.snapshot() == before


def test_same_title_gets_a_distinct_article_id(desk: Desk) -> None:
    a = resolved(desk, "VPN drops", "New profile")
    b = resolved(desk, "VPN drops", "New router")
    assert desk.json("kb", "new", "--from", a)["id"] == "KB-vpn-drops"
    assert desk.json("kb", "new", "--from", b)["id"] == "KB-vpn-drops-2"


def test_article_file_round_trips_unchanged(desk: Desk) -> None:
    tid = resolved(desk, "Outlook crashes on start", "Repaired the Office install")
    art_id = desk.json("kb", "new", "--from", tid)["id"]
    path = desk.root / "kb" / f"{art_id}.md"
    text = path.read_text()
    assert kb.dumps(kb.loads(text, "x")) == text


def test_resolve_with_kb_links_article_and_ticket_both_ways(desk: Desk) -> None:
    first = resolved(desk, "Printer prints blank pages", "Replaced the toner")
    art_id = desk.json("kb", "new", "--from", first)["id"]
    second = desk.new("-T", "Blank pages from the printer")
    desk.run("resolve", second, "--code", "fixed", "--summary", "Toner", "--kb", "printer")
    assert desk.ticket(second)["kb"] == [art_id]
    assert kb.load(desk.root, art_id).tickets == [first, second]
    assert desk.git("status", "--porcelain") == ""


def test_resolve_with_unknown_article_is_refused(desk: Desk) -> None:
    tid = desk.new("-T", "x")
    before = desk.snapshot()
    assert "no knowledge-base article matches 'nope'" in desk.fails(
        "resolve", tid, "--code", "fixed", "--summary", "x", "--kb", "nope").stderr
    assert desk.snapshot() == before


def write(root: Path, art_id: str, title: str, body: str, tags: list[str]) -> None:
    article = kb.Article(id=art_id, title=title, body=body, tags=tags)
    (root / "kb").mkdir(exist_ok=True)
    (root / "kb" / f"{art_id}.md").write_text(kb.dumps(article))


def test_search_ranks_title_matches_above_passing_mentions(desk: Desk) -> None:
    write(desk.root, "KB-a", "Reset a VPN profile", "Open the client and import the profile.",
          ["vpn"])
    write(desk.root, "KB-b", "Printer driver", "If the VPN is down the printer cannot be "
          "reached; reinstall the driver.", ["printing"])
    write(desk.root, "KB-c", "Outlook search", "Rebuild the index.", ["email"])
    rows = desk.json("kb", "search", "vpn", "profiles")
    assert [r["id"] for r in rows] == ["KB-a", "KB-b"]
    assert rows[0]["score"] > rows[1]["score"] > 0
    assert desk.json("kb", "search", "the") == []  # stop words alone find nothing


def test_bm25_score_matches_a_hand_computation() -> None:
    # Two articles, query "toner", k1 = 1.2, b = 0.75, title words count three times.
    import math

    a = kb.Article(id="KB-a", title="Toner", body="replace toner", tags=[])
    b = kb.Article(id="KB-b", title="Scanner", body="clean glass", tags=[])
    # a: tf(toner) = 3 + 1 = 4, length = 4 + 1 (replace) = 5; b: length = 3 + 1 + 1 = 5.
    avg = 5.0
    idf = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))  # ln 2
    expected = idf * 4 * 2.2 / (4 + 1.2 * (1 - 0.75 + 0.75 * 5 / avg))
    hits = kb.search([a, b], "toner")
    assert [h.id for h in hits] == ["KB-a"]
    assert hits[0].score == round(expected, 3)


def test_suggest_finds_the_article_for_a_new_ticket_and_ignores_noise(desk: Desk) -> None:
    write(desk.root, "KB-vpn", "VPN disconnects every few minutes",
          "Import the new VPN profile.", ["vpn", "network"])
    write(desk.root, "KB-print", "Printer prints blank pages", "Replace the toner.",
          ["printing"])
    hits = kb.suggest(desk.root, "VPN keeps disconnecting", "since this morning", "Network")
    assert [h.id for h in hits] == ["KB-vpn"]
    assert kb.suggest(desk.root, "Chair is broken") == []


def test_suggest_wants_two_shared_words_not_one_rare_one(desk: Desk) -> None:
    """One word in common, however rare and however much the title weighs it, is a
    coincidence: 'password' alone does not make a payroll ticket an Outlook one."""
    write(desk.root, "KB-outlook", "Outlook keeps asking for the password",
          "Remove the saved credential in Credential Manager.", ["email"])
    write(desk.root, "KB-print", "Printer prints blank pages", "Replace the toner.",
          ["printing"])
    assert kb.search(kb.load_all(desk.root), "Password reset for the payroll portal",
                     min_score=kb.MIN_SCORE)  # the score alone would suggest it
    assert kb.suggest(desk.root, "Password reset for the payroll portal") == []
    assert [h.id for h in kb.suggest(desk.root, "outlook asks for my password")] == [
        "KB-outlook"]


def test_kb_show_and_list(desk: Desk) -> None:
    write(desk.root, "KB-vpn", "VPN disconnects", "Import the new VPN profile.", ["vpn"])
    assert "Import the new VPN profile." in desk.run("kb", "show", "vpn").stdout
    assert desk.json("kb", "list") == [
        {"schema_version": 2, "id": "KB-vpn", "tickets": 0, "tags": ["vpn"],
         "title": "VPN disconnects"}]
    assert "no knowledge-base article" in desk.fails("kb", "show", "nothing").stderr
