"""Fresh-user findings of session 33's own tester, fixed the same session: control characters
typed in `new --email` and `kb new --title/--tag` are refused as in every other typed field,
and a KB article's ID spells Latin letters without a decomposition (æ, ø, ß, ł) plainly."""

from __future__ import annotations

from conftest import Desk

from sdesk.procedures import kb


def test_new_refuses_a_control_character_in_the_email(desk: Desk) -> None:
    before = desk.snapshot()
    result = desk.fails("new", "-T", "Printer jam", "--email", "a\x1b@omes.ok.gov", code=1)
    assert "--email must not contain" in result.stderr and "U+001B" in result.stderr
    assert desk.snapshot() == before


def test_kb_new_refuses_control_characters_in_its_title_and_tags(desk: Desk) -> None:
    tid = desk.new("-T", "Printer offline", "--email", "ana.ruiz@omes.ok.gov")
    desk.run("resolve", tid, "--code", "fixed", "--summary", "Power cycled the printer")
    before = desk.snapshot()
    bad = desk.fails("kb", "new", "--from", tid, "--title", "KB\x1bx", code=1)
    assert "--title must not contain" in bad.stderr
    assert "--tag must not contain" in desk.fails("kb", "new", "--from", tid, "--tag",
                                                  "print\x07", code=1).stderr
    assert desk.snapshot() == before


def test_a_kb_id_spells_undecomposable_latin_letters_plainly() -> None:
    assert kb.slug("Ærø straße façade ŁÓDŹ") == "aero-strasse-facade-lodz"
    assert kb.slug("Œuvre Þing") == "oeuvre-thing"
