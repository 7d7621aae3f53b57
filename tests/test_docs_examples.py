"""Every example in README.md, docs/*.md and every `--help` runs against a copy of the sample
store with a fixed clock, and its shown output is checked (tests/docs_examples.py says the
rule; tests/docs_update.py refreshes shown output after a deliberate change).

A failure names the file and line of each broken example, what ran, and what it printed. To
mark a block that truly cannot run here, put `<!-- skip: next "the reason" -->` on the line
before it (Sybil's marker); keep such marks rare.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docs_examples import (
    ROOT,
    Sandbox,
    block_failures,
    console_pairs,
    exit_fits,
    expected_exit,
    make_template,
    output_matches,
    page_failures,
    run_block,
    unrun_examples,
)
from docs_help import (
    HELP_PAGE,
    NOT_RUN,
    help_commands,
    help_example_table,
    help_examples,
    help_page_sections,
)

DOCS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p != HELP_PAGE)]
REFRESH = ("If the change of output is meant: `make docs-examples` (or .venv/bin/python "
           "tests/docs_update.py PAGE) rewrites what the page shows; read its diff.")
MAX_SKIPPED = 12  # not-run marks across all docs: a ceiling that keeps them rare


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("docs-sample") / "box")


@pytest.mark.parametrize("path", DOCS, ids=[p.relative_to(ROOT).as_posix() for p in DOCS])
def test_every_docs_example_runs_and_prints_what_it_shows(path: Path, template: Path,
                                                          tmp_path: Path) -> None:
    box = Sandbox.copy_of(template, tmp_path / "box")
    failures = page_failures(path, lambda _: box)
    assert not failures, f"{len(failures)} example(s) in {path.name} broke:\n\n" + \
        "\n\n".join(failures) + f"\n\n{REFRESH}"


def test_not_run_marks_are_rare_and_say_why() -> None:
    marks = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        marks += [f"{path.name}: {line.strip()}" for line in text.splitlines()
                  if line.strip().startswith("<!-- skip:")]
    assert len(marks) <= MAX_SKIPPED, "\n".join(marks)
    assert all('"' in m for m in marks), "\n".join(m for m in marks if '"' not in m)


def test_no_sdesk_example_hides_where_no_test_runs_it() -> None:
    found = [line for path in DOCS for line in unrun_examples(path)]
    assert not found, "\n".join(found)


def test_the_unrun_example_guard_names_file_and_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("Intro. Example: `sdesk kpi --since yesterday`.\n\n"  # 1
                    "```\nsdesk migrate-folders 3\n```\n\n"  # 3-5
                    "```text\n$ sdesk show INC-2Q4C\n```\n\n"  # 7-9
                    "- one\n  ```plain\n  sdesk list\n  ```\n"  # 11-14
                    "Or, e.g. sdesk list --all.\n\n"  # 15
                    "```console\n$ sdesk list\n```\n\n"  # 17-19: run, fine
                    "```toml\nsdesk = 1\n```\n\n"  # 21-23: not a command
                    "```\nExample: sdesk list in a shown block\ntickets/  sdesk files\n```\n",
                    encoding="utf-8")
    found = unrun_examples(page)
    assert [f.split(": ", 1)[0] for f in found] == \
        [f"{page}:{n}" for n in (4, 8, 13, 1, 15)], found
    assert all("tag it console" in f for f in found), found


HELP = [(name, help_examples(command.help or "")) for name, command in help_commands()]
HELP_RUN = help_example_table()
SECTIONS = help_page_sections(HELP_PAGE.read_text(encoding="utf-8") if HELP_PAGE.exists() else "")
STALE = "run `make docs-examples` to rebuild docs/help-examples.md from --help"


@pytest.mark.parametrize(("name", "examples"), HELP_RUN, ids=[h[0] for h in HELP_RUN])
def test_every_help_example_prints_what_the_help_page_shows(name: str, examples: list[str],
                                                            template: Path,
                                                            tmp_path: Path) -> None:
    assert name in SECTIONS, f"docs/help-examples.md has no section for sdesk {name}: {STALE}"
    fence, source = SECTIONS[name]
    box = Sandbox.copy_of(template, tmp_path / "box")
    ran = run_block(box, "console", source, fence + 1)
    assert [" ".join(r.command.split()) for r in ran] == \
        [" ".join(e.split()) for e in examples], f"sdesk {name} --help changed: {STALE}"
    failures = block_failures("console", ran, "docs/help-examples.md")
    assert not failures, "\n\n".join(failures) + f"\n\n{REFRESH}"


def test_the_help_page_has_no_section_help_does_not_have() -> None:
    assert sorted(SECTIONS) == sorted(name for name, _ in HELP_RUN), STALE


def test_the_help_example_reader_finds_examples() -> None:
    assert help_examples("Do it.\n\n\b\nExamples:\n  sdesk a 1\n  X=1 sdesk b 2\nMore.\n") == \
        ["sdesk a 1", "X=1 sdesk b 2"]
    assert dict(HELP)["show"], "sdesk show --help has an example"


def test_help_examples_not_run_say_why_and_are_rare() -> None:
    marked = [e for _, examples in HELP for e in examples if "not run" in e]
    assert all(NOT_RUN.search(e) for e in marked), marked
    assert len(marked) <= 5, marked


# ---- the check can fail, and the refresh repairs what it reports ---------------------------


def test_output_rule() -> None:
    assert output_matches("a\n...\nz", "a\nb\nc\nz\n")
    assert output_matches("INC-... opened", "INC-7KQ2X opened  \n\n")
    assert not output_matches("a\nz", "a\nb\nz")
    assert not output_matches("", "something")  # shown nothing: must print nothing
    assert output_matches("", "\n")
    assert exit_fits(expected_exit("INC-2Q4C\n  [rule] set x"), 0)
    assert not exit_fits(expected_exit("sdesk: error: no ticket matches 'X'"), 0)
    assert exit_fits(expected_exit("sdesk: error: no ticket matches 'X'"), 1)
    assert not exit_fits(expected_exit("sdesk: error: no ticket matches 'X'"), 4)
    assert exit_fits(expected_exit("sdesk: nothing to do: INC-2Q4C is on hold"), 4)
    assert not exit_fits(expected_exit("sdesk: nothing to do: INC-2Q4C is on hold"), 0)
    assert not exit_fits(expected_exit("(none)"), 4)


def test_a_changed_shown_line_is_reported_with_its_file_and_line(template: Path,
                                                                 tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    shutil.copy(ROOT / "docs" / "escalation-and-hold.md", page)
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    # the first shown output line of the first console block, edited
    fence = lines.index("```console")
    end = lines.index("```", fence + 1)
    line, command, _ = next(pair for pair in console_pairs("\n".join(lines[fence + 1:end]),
                                                           fence + 2) if pair[2].strip())
    target = line + command.count("\n") + 1  # 1-based: the line after the command
    lines[target - 1] += " EDITED"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    box = Sandbox.copy_of(template, tmp_path / "box")
    failures = page_failures(page, lambda _: box)
    assert len(failures) == 1, failures
    assert f"page.md:{target}: `" in failures[0] and "EDITED" in failures[0]


def test_the_refresh_keeps_dots_that_still_match() -> None:
    from docs_update import merge_output

    assert merge_output("a\n...\nz", "a\nb\nc\nz") == ["a", "...", "z"]  # still matches
    assert merge_output("a\n...\nz", "a\nb\nc\ny") == ["a", "...", "y"]
    assert merge_output("commit ...\nold line\n...", "commit 4f2a\nnew line\nmore\nmore") == \
        ["commit ...", "new line", "..."]
    assert merge_output("", "\n".join(map(str, range(30)))) == [*map(str, range(12)), "..."]


def test_the_refresh_rewrites_a_temp_copy_of_a_page_in_place(template: Path,
                                                               tmp_path: Path) -> None:
    from docs_update import update_page

    page = tmp_path / "page.md"
    page.write_text("Intro.\n\n```console\n$ sdesk show INC-2Q4C\nINC-2Q4C  A title that changed\n"
                    "...\n```\n\n- a list\n  ```sh\n  sdesk note INC-2Q4C \"Called\"\n  ```\n"
                    "\n```sh\nsdesk list --all --csv > all.csv\n```\n", encoding="utf-8")
    box = Sandbox.copy_of(template, tmp_path / "box")
    assert update_page(page, lambda _: box) == []
    assert page.read_text(encoding="utf-8") == (
        "Intro.\n\n```console\n$ sdesk show INC-2Q4C\nINC-2Q4C  Teams meetings drop audio\n"
        "...\n```\n\n- a list\n  ```console\n  $ sdesk note INC-2Q4C \"Called\"\n"
        "  INC-2Q4CA8BBV7M: internal note added\n  ```\n"
        "\n```sh\nsdesk list --all --csv > all.csv\n```\n")  # prints nothing: stays sh
    again = Sandbox.copy_of(template, tmp_path / "again")
    assert page_failures(page, lambda _: again) == []


def test_a_command_in_an_sh_block_that_prints_fails(template: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```sh\nsdesk list --all --csv > all.csv\nsdesk show INC-2Q4C\n```\n")
    box = Sandbox.copy_of(template, tmp_path / "box")
    failures = page_failures(page, lambda _: box)
    assert len(failures) == 1 and "page.md:3: `sdesk show INC-2Q4C` printed something" in \
        failures[0], failures


def test_sdesk_id_seed_makes_ids_reproducible_and_still_free(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from sdesk.core import ids

    now = dt.datetime(2026, 11, 23, 20, tzinfo=dt.UTC)
    monkeypatch.setenv("SDESK_ID_SEED", "docs")
    first = ids.new_id("INC", now, lambda _: False)
    assert ids.new_id("INC", now, lambda _: False) == first
    second = ids.new_id("INC", now, lambda c: c == first)  # taken: the next attempt
    assert second != first and ids.is_valid(second)
    monkeypatch.setenv("SDESK_ID_SEED", "other")
    assert ids.new_id("INC", now, lambda _: False) != first
    monkeypatch.delenv("SDESK_ID_SEED")
    assert len({ids.new_id("INC", now, lambda _: False) for _ in range(20)}) == 20
