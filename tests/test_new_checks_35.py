"""Session 35 (fix35c): `sdesk new` checks its category and phone by the validation `set` and
`edit` use (procedures/editing.check, through editing.new_values), not by checks of its own in
the command layer (commands parse and render). The words are the same as before, naming the
option (`--category`, `--phone`), and the store is unchanged when they refuse."""

from __future__ import annotations

from pathlib import Path

from conftest import Desk

COMMANDS = Path(__file__).resolve().parent.parent / "sdesk" / "commands"


def test_new_refuses_a_bad_category_or_phone_in_the_words_it_always_gave(desk: Desk) -> None:
    before = desk.snapshot()
    said = desk.fails("new", "-t", "request", "-T", "x", "--category", "Sofware", code=1).stderr
    assert said == ("sdesk: error: --category 'sofware': did you mean 'software'? (hardware and "
                    "software decide a request's kind; other categories are kept as typed)\n")
    said = desk.fails("new", "-T", "x", "--phone", "n/a", code=1).stderr
    assert said == "sdesk: error: --phone must hold digits, e.g. 405-555-0100; got 'n/a'\n"
    assert desk.snapshot() == before
    tid = desk.new("-t", "request", "-T", "Need Visio", "--category", " Software ", "--phone",
                   " x4411 ")
    t = desk.ticket(tid)
    assert (t["category"], t["requester"]["phone"]) == ("software", "x4411")
    said = desk.fails("set", tid, "category=sofware", code=1).stderr  # set: the same check
    assert said.startswith("sdesk: error: category 'sofware': did you mean 'software'?")


def test_no_command_module_checks_a_category_or_a_phone_itself() -> None:
    for path in sorted(COMMANDS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "check_category" not in text and "check_phone" not in text, path.name
