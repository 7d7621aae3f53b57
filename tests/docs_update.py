"""Refresh the output the docs show, after a deliberate change (like cog's `--replace`).

    make docs-examples                                  # README.md, docs/*.md, the help page
    .venv/bin/python tests/docs_update.py docs/triage.md   # one page

Each page runs as the docs test runs it (tests/docs_examples.py: one copy of the sample store
per page, the fixed clock), and every console block's shown output is rewritten in place with
what the commands print now:

- a shown output that still matches is left exactly as it is;
- otherwise the new output replaces it, but each line the maintainer wrote with `...` (a
  line holding only `...`, or a line with `...` in it) is kept where it still matches its
  part of the new output: the smallest edit that makes the block match again;
- an sh block whose commands print becomes a console block showing that output (the rule is
  that an sh block prints nothing);
- a new output longer than PRUNE_AFTER lines is cut after its first PRUNE_KEEP lines with a
  `...` line, and a new line longer than CUT_AFTER characters (not a table row) is cut with
  `...`; prune further by hand to what a reader needs.

docs/help-examples.md is rebuilt from every command's `--help` (a section per command, the
examples in help order) before its outputs are refreshed the same way, each section on a fresh
copy of the sample store. A command that fails is reported and its block left as it was.
Read the diff before committing: the update shows what changed; it cannot know whether the
change was meant.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from docs_examples import (
    ROOT,
    Block,
    Ran,
    Sandbox,
    console_pairs,
    exit_fits,
    expected_exit,
    line_pattern,
    make_template,
    output_lines,
    run_page,
)
from docs_help import HELP_PAGE, help_example_table, help_page_sections

PRUNE_AFTER = 15  # a new output longer than this is cut ...
PRUNE_KEEP = 12  # ... after this many lines, with a `...` line
CUT_AFTER = 120  # a new output line longer than this is cut ...
CUT_TO = 100  # ... to this many characters and `...`


def merge_output(expected: str, actual: str, prune: bool = True) -> list[str]:
    """The shown output for `actual`, keeping what the maintainer wrote in `expected`: the
    shown lines unchanged when they match, else the smallest edit of them that matches
    (`...` lines kept where they match; other lines replaced by the real ones). An output
    shown for the first time is cut after PRUNE_KEEP lines when longer than PRUNE_AFTER."""
    import re

    want, got = output_lines(expected), output_lines(actual)
    if not want:
        if not prune:
            return got
        cut = [_cut(line) for line in got]
        return [*cut[:PRUNE_KEEP], "..."] if len(cut) > PRUNE_AFTER else cut
    # cost[i][j]: fewest shown lines dropped, added or replaced to match want[i:] to got[j:]
    n, m = len(want), len(got)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n:
                cost[i][j] = m - j
                continue
            dots = want[i].strip() == "..."
            best = cost[i + 1][j] + (0 if dots else 1)
            if j < m:
                best = min(best, cost[i][j + 1] + (0 if dots else 1))
                if not dots:
                    same = re.fullmatch(line_pattern(want[i]), got[j]) is not None
                    best = min(best, cost[i + 1][j + 1] + (0 if same else 1))
            cost[i][j] = best
    out: list[str] = []
    i = j = 0
    while i < n or j < m:
        if i < n and want[i].strip() == "...":
            if cost[i][j] == cost[i + 1][j]:  # the `...` ends here (as early as it can)
                out.append(want[i])
                i += 1
            else:  # it takes this line
                j += 1
        elif i < n and j < m and cost[i][j] == cost[i + 1][j + 1] + (
                0 if re.fullmatch(line_pattern(want[i]), got[j]) else 1):
            matched = re.fullmatch(line_pattern(want[i]), got[j]) is not None
            out.append(want[i] if matched else got[j])  # kept, or replaced by the new line
            i, j = i + 1, j + 1
        elif j < m and cost[i][j] == cost[i][j + 1] + 1:
            out.append(got[j])  # a new line
            j += 1
        else:
            i += 1  # a shown line that no longer prints
    return out


def _cut(line: str) -> str:
    """A new output line longer than CUT_AFTER characters, cut to CUT_TO with `...`; table
    rows (columns apart by runs of spaces) are left whole, their columns are what they show."""
    if len(line) <= CUT_AFTER or line.count("  ") >= 3:
        return line
    return line[:CUT_TO].rstrip() + "..."


def _shown(command: str) -> list[str]:
    first, *rest = command.split("\n")
    return [f"$ {first}", *rest]


def new_block_lines(block: Block) -> list[str] | None:
    """The block's new content lines (and `console` as its kind), or None to leave it."""
    if any(not exit_fits(expected_exit(r.output), r.code) for r in block.ran):
        return None  # an exit the output would not explain: a broken example, left to fix
    if block.kind == "sh":
        if any(r.code != 0 for r in block.ran) or all(not r.output.strip() for r in block.ran):
            return None
        return [ln for r in block.ran for ln in [*_shown(r.command), *merge_output("", r.output)]]
    lines = block.source.splitlines()
    first_command = next((k for k, ln in enumerate(lines) if ln.startswith("$ ")), len(lines))
    out = lines[:first_command]
    for r in block.ran:
        shown = r.expected.split("\n")
        blank = len(shown) - len(output_lines(r.expected)) if r.expected.strip() else 0
        # blank lines after an output separate it from the next command: kept
        out += [*_shown(r.command), *merge_output(r.expected, r.output), *[""] * max(blank, 0)]
    return out


def update_page(path: Path, box_for: Callable[[int], Sandbox]) -> list[str]:
    """Rewrite the shown output of one page in place; what could not be updated (a command
    that failed), each as `file:line: what`."""
    blocks, _ = run_page(path, box_for)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    problems = []
    for block in reversed(blocks):
        new = new_block_lines(block)
        if new is None:
            problems += [f"{path}:{r.line}: `{r.command}` exited {r.code}, left as it was:\n"
                         f"{r.output.rstrip()}" for r in block.ran
                         if not exit_fits(expected_exit(r.output), r.code)
                         or (block.kind == "sh" and r.code != 0)]
            continue
        fence = block.fence - 1  # the fence's index in `lines`
        indent = lines[fence][:len(lines[fence]) - len(lines[fence].lstrip())]
        if block.kind == "sh":
            lines[fence] = lines[fence].replace("```sh", "```console", 1)
        count = len(block.source.splitlines())
        lines[fence + 1:fence + 1 + count] = [indent + ln if ln else ln for ln in new]
    new_text = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    if new_text != text:
        path.write_text(new_text, encoding="utf-8")
    return problems


HELP_INTRO = """\
# What the `--help` examples print

<!-- Made by `make docs-examples` (tests/docs_update.py) from every command's --help: change
the help, not this page. Pruning an output here with `...` lines is kept by the next update. -->

Every command's `--help` ends with examples, shown there without their output so that help
stays short. This page shows what each one prints on the sample store at the docs' fixed
clock (docs/commands.md), one section per command, each on a fresh copy of the store, the
examples in the order `--help` gives them. The test suite checks that the page holds every
help example and that each prints what is shown here. Examples marked `# not run:` in help
(an editor, a mail server, a remote) are left out.
"""


def help_page_text(old: str) -> str:
    """The help page for the current --help texts, keeping the shown output of each example
    that is still there (the refresh then checks it against a real run)."""
    kept: dict[tuple[str, str], str] = {}
    for name, (fence, source) in help_page_sections(old).items():
        for _, command, expected in console_pairs(source, fence + 1):
            kept[(name, " ".join(command.split()))] = expected
    parts = [HELP_INTRO]
    for name, examples in help_example_table():
        parts.append(f"\n## sdesk {name}\n```console")
        for example in examples:
            command = example.replace("\\\n", "\\\n    ")
            parts.append("$ " + command)
            expected = kept.get((name, " ".join(command.split())), "")
            if expected.strip():
                parts.append(expected.rstrip("\n"))
        parts.append("```")
    return "\n".join(parts) + "\n"


def update(paths: list[Path], workdir: Path) -> list[str]:
    """Refresh every page of `paths` (the help page rebuilt first); the problems left."""
    template = make_template(workdir / "template")
    boxes = iter(range(10**6))

    def fresh(_: int = 0) -> Sandbox:
        return Sandbox.copy_of(template, workdir / f"box{next(boxes)}")

    problems: list[str] = []
    for path in paths:
        if path.resolve() == HELP_PAGE:
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            path.write_text(help_page_text(old), encoding="utf-8")
            problems += update_page(path, fresh)  # a fresh store for each section
        else:
            box = fresh()
            problems += update_page(path, lambda _, box=box: box)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path,
                        help="markdown pages (default: README.md, docs/*.md)")
    args = parser.parse_args(argv)
    pages = [p.resolve() for p in args.pages] or [
        ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p != HELP_PAGE),
        HELP_PAGE]
    with tempfile.TemporaryDirectory(prefix="sdesk-docs-") as workdir:
        problems = update(pages, Path(workdir))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["Ran", "merge_output", "update", "update_page"]
