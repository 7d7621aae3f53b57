"""Docs that run: the examples of README.md, docs/*.md and every `--help`, executed against a
copy of the sample store with a fixed clock (tests/test_docs_examples.py drives this), and every
output they show checked.

Markdown is parsed by Sybil (a maintained doc-testing library: it finds the fenced blocks, keeps
their file and line, and gives us its standard `<!-- skip: next "reason" -->` marker). What the
blocks mean is ours. The rule: **an example that prints shows what it prints.**

- ```sh``` blocks are for commands that print nothing: they run as one bash script, line by
  line (a `\\` continues a line); every command must exit 0 AND print nothing on stdout or
  stderr. A command that prints belongs in a console block with its output.
- ```console``` blocks are `$ command` lines each followed by the output it must print (stdout
  and stderr together). `...` in a line matches anything within it (use it only where a value
  truly varies: a new ticket ID's random part, a commit ID, a duration); a line holding only
  `...` matches any number of lines (to prune what a reader does not need). A command shown
  with no output must print nothing. A command whose shown output has an `sdesk: error:` line
  must fail (exit 1, 2 or 3), one with an `sdesk: nothing ...` line must exit 4 (nothing to
  do); any other must exit 0. `NAME=$(...)` sets NAME for the block's later
  commands and the page's later blocks, as in a shell.
- Other blocks (toml, python, plain ```) are shown, not run, so an sdesk command must not
  hide in one: a line starting `sdesk ` or `$ sdesk ` in an untagged (or text/plain) block,
  or prose saying `Example: sdesk ...` / `e.g. sdesk ...`, fails (unrun_examples).
- `<!-- skip: next "why" -->` on the line before a block marks it not run, with the reason
  (keep these rare: only for what truly cannot run here, such as an interactive editor).
- The examples in `--help` show no output there (help stays short); docs/help-examples.md shows
  each one with its output, one section per command, each section on a fresh copy of the
  sample store, and the test checks that page against both --help and the real output.

After a deliberate change, `make docs-examples` (tests/docs_update.py) rewrites the shown
output in place, keeping the `...` lines that still match, and rebuilds docs/help-examples.md.

The store copy: the checkout's sdesk.toml, reference/, tickets/, kb/ and outbox/ committed in a
fresh repository with a bare `origin` (so `sdesk sync` works) and the merge driver installed,
and the files in tests/fixtures/docs/ (message.eml, incidents.csv, ...) beside them, untracked
(tests/fixtures/servicenow/ too, for the page that imports it "from the checkout"). The clock is
SAMPLE_NOW unless an example passes its own `--now`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import SkipTest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "docs"
SAMPLE_NOW = "2026-11-23T14:00:00-06:00"  # the sample store's Monday afternoon (make demo's)
STORE_PARTS = ("sdesk.toml", "reference", "tickets", "kb", "outbox")
GIT_ENV = {"GIT_AUTHOR_NAME": "Dana Dispatcher", "GIT_AUTHOR_EMAIL": "dana@omes.ok.gov",
           "GIT_COMMITTER_NAME": "Dana Dispatcher", "GIT_COMMITTER_EMAIL": "dana@omes.ok.gov",
           "GIT_CONFIG_NOSYSTEM": "1",
           # commits made in the sandbox carry the fixed clock, so `log` and commit IDs shown
           # in the docs do not change from run to run
           "GIT_AUTHOR_DATE": "2026-11-23T14:00:00-06:00",
           "GIT_COMMITTER_DATE": "2026-11-23T14:00:00-06:00"}
TIMEOUT = 120


def _git(cwd: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def make_template(folder: Path) -> Path:
    """Build the sample sandbox once: folder/desk (the store), folder/remote.git, folder/bin
    (an `sdesk` that runs this checkout), folder/home. Returns `folder`."""
    desk, bin_dir, home = folder / "desk", folder / "bin", folder / "home"
    for part in (desk, bin_dir, home):
        part.mkdir(parents=True)
    for name in STORE_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, desk / name)
        else:
            shutil.copy2(source, desk / name)
    (home / ".gitconfig").write_text("[user]\n\tname = Dana Dispatcher\n\temail = "
                                     "dana@omes.ok.gov\n[init]\n\tdefaultBranch = main\n")
    (bin_dir / "sdesk").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sdesk "$@"\n')
    (bin_dir / "sdesk").chmod(0o755)
    env = sandbox_env(folder)
    _git(desk, "init", "-q", "-b", "main", env=env)
    _git(desk, "add", "-A", env=env)
    _git(desk, "commit", "-q", "-m", "sample store", env=env)
    _git(folder, "clone", "-q", "--bare", "desk", "remote.git", env=env)
    _git(desk, "remote", "add", "origin", "../remote.git", env=env)
    _git(desk, "fetch", "-q", "origin", env=env)
    _git(desk, "branch", "-q", "-u", "origin/main", env=env)
    subprocess.run(["sdesk", "install-hooks"], cwd=desk, env=env, check=True, capture_output=True)
    _git(desk, "add", ".gitattributes", env=env)
    _git(desk, "commit", "-q", "-m", "merge driver for ticket files", env=env)
    _git(desk, "push", "-q", "origin", "main", env=env)
    subprocess.run(["sdesk", "reindex"], cwd=desk, env=env, check=True, capture_output=True)
    if FIXTURES.is_dir():
        for item in FIXTURES.iterdir():
            shutil.copy2(item, desk / item.name)
    # docs/import.md imports the test fixtures "from the checkout"
    shutil.copytree(ROOT / "tests" / "fixtures" / "servicenow",
                    desk / "tests" / "fixtures" / "servicenow")
    return folder


def sandbox_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "SDESK_")) and k not in ("NO_COLOR", "PAGER", "EDITOR")}
    env.update(GIT_ENV)
    env.update({"PATH": f"{folder / 'bin'}{os.pathsep}{env.get('PATH', '')}",
                "HOME": str(folder / "home"), "XDG_CONFIG_HOME": str(folder / "home" / ".config"),
                "SDESK_STORE": str(folder / "desk"), "SDESK_NOW": SAMPLE_NOW,
                "SDESK_PAGER": "cat", "NO_COLOR": "1", "COLUMNS": "200",
                # new tickets' IDs the same on every run (docs/ticket-format.md)
                "SDESK_ID_SEED": "docs"})
    return env


@dataclass
class Sandbox:
    """A copy of the template; examples of one document (or one --help) run in it in order."""

    folder: Path
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.env = sandbox_env(self.folder)

    @classmethod
    def copy_of(cls, template: Path, folder: Path) -> Sandbox:
        shutil.copytree(template, folder, symlinks=True)
        # The wrapper and the env name the template's folders: point them here.
        (folder / "bin" / "sdesk").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sdesk "$@"\n')
        return cls(folder)

    @property
    def desk(self) -> Path:
        return self.folder / "desk"

    def bash(self, script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", script], cwd=self.desk, env=self.env, text=True,
                              stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=TIMEOUT)

    def sdesk(self, args: list[str], merged: bool = False) -> tuple[int, str, str]:
        """Run sdesk in this process (10x faster than a new Python for each example), in the
        store copy, with the sandbox's environment: (exit code, stdout, stderr)."""
        from click.testing import CliRunner

        from sdesk.cli import cli

        here = os.getcwd()
        os.chdir(self.desk)
        try:
            runner = CliRunner(env={k: self.env.get(k) for k in {*os.environ, *self.env}})
            result = runner.invoke(cli, args, catch_exceptions=False)
        finally:
            os.chdir(here)
        return result.exit_code, (result.output if merged else result.stdout), result.stderr

    def run(self, command: str, merged: bool = False) -> tuple[int, str, str]:
        """One command: in process when it is a plain `sdesk ...` line, else through bash."""
        args = plain_sdesk(command)
        if args is not None:
            return self.sdesk(args, merged)
        done = self.bash(command + (" 2>&1" if merged else ""))
        return done.returncode, done.stdout, done.stderr


# ---- what a block means ----------------------------------------------------------------------


def logical_lines(source: str, first_line: int) -> list[tuple[int, str]]:
    """(doc line, command) for each command of an sh block; `\\` continues a line."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for offset, line in enumerate(source.splitlines()):
        if not pending:
            start = first_line + offset
        pending += line + "\n"
        if line.rstrip().endswith("\\"):
            continue
        text = pending.rstrip()
        pending = ""
        if text.strip() and not text.lstrip().startswith("#"):
            out.append((start, text))
    if pending.strip():
        out.append((start, pending.rstrip()))
    return out


def plain_sdesk(command: str) -> list[str] | None:
    """The arguments of a plain `sdesk ...` command (no pipes, redirections, variables or
    `;`), or None when it needs a shell."""
    if "$" in command or "`" in command:
        return None
    lexer = shlex.shlex(command.replace("\\\n", " "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError:
        return None
    if not words or words[0] != "sdesk" or any(w and set(w) <= set("();<>|&") for w in words):
        return None
    return words[1:]


ASSIGNMENT = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\S.*)?$", re.S)


@dataclass
class Ran:
    """One command of a block as it ran: where it is, what the page shows, what it did."""

    line: int
    command: str
    expected: str  # the output the page shows ("" for an sh block's commands)
    code: int
    output: str  # stdout and stderr together


def run_command(box: Sandbox, command: str) -> tuple[int, str]:
    """Run one command of a page, as a reader's shell would: (exit code, stdout+stderr).
    `NAME=$(...)` (or `export NAME=...`) keeps NAME for the page's later commands."""
    assigned = ASSIGNMENT.match(command.strip())
    if assigned and _is_assignment(command, assigned.group(2) or ""):
        name = assigned.group(1)
        done = box.bash(f'{command}\n__rc=$?\nprintf "\\0%s" "${name}"\nexit $__rc')
        printed, _, value = done.stdout.rpartition("\0")
        box.env[name] = value
        return done.returncode, printed + done.stderr
    code, out, _ = box.run(command, merged=True)
    return code, out


def _is_assignment(command: str, value: str) -> bool:
    """`NAME=$(...)` or `NAME=word`, not `NAME=value command` (an environment for one
    command)."""
    if value.startswith("$("):
        return True
    try:
        return len(shlex.split(command, comments=True)) == (2 if command.lstrip().startswith(
            "export ") else 1)
    except ValueError:
        return False


def run_block(box: Sandbox, kind: str, source: str, first_line: int,
              record: list[Ran] | None = None) -> list[Ran]:
    """Run an sh or console block's commands in order; what each did. An sh block stops at
    its first command that fails (as a reader following it would)."""
    pairs = (console_pairs(source, first_line) if kind == "console"
             else [(n, c, "") for n, c in logical_lines(source, first_line)])
    ran = record if record is not None else []
    for line, command, expected in pairs:
        code, output = run_command(box, command)
        ran.append(Ran(line, command, expected, code, output))
        if kind == "sh" and code != 0:
            break
    return ran


def expected_exit(shown: str) -> str:
    """What exit a command's shown output promises (docs/commands.md, "Exit codes"): an
    `sdesk: error:` line an error (1, 2 or 3), an `sdesk: nothing` line 4, else 0."""
    lines = shown.splitlines()
    if any(ln.startswith("sdesk: error:") for ln in lines):
        return "an error"
    if any(ln.startswith("sdesk: nothing") for ln in lines):
        return "4 (nothing to do)"
    return "0"


def exit_fits(wants: str, code: int) -> bool:
    return {"0": code == 0, "4 (nothing to do)": code == 4}.get(wants, code not in (0, 4))


def block_failures(kind: str, ran: list[Ran], where: str) -> list[str]:
    """What the page's rule says is wrong with each command as it ran (module docstring)."""
    failures = []
    for r in ran:
        at = f"{where}:{r.line}: `{_one_line(r.command)}`"
        wants = expected_exit(r.expected)
        if not exit_fits(wants, r.code):
            failures.append(f"{at} exited {r.code}, expected {wants}:\n"
                            f"{_indent(r.output[-2000:])}")
        elif kind == "sh" and r.output.strip():
            failures.append(f"{at} printed something: a command that prints goes in a "
                            "```console``` block that shows its output (`make docs-examples` "
                            f"converts the block):\n{_indent(r.output[-2000:])}")
        elif not output_matches(r.expected, r.output):
            shown = r.line + r.command.count("\n") + 1 + first_mismatch(r.expected, r.output)
            failures.append(f"{where}:{shown}: `{_one_line(r.command)}` (line {r.line}) "
                            "printed something else.\n"
                            f"  shown in the docs:\n{_indent(r.expected, 4)}\n"
                            f"  printed now:\n{_indent(r.output, 4)}")
    return failures


def console_pairs(source: str, first_line: int) -> list[tuple[int, str, str]]:
    """(doc line, command, expected output) for each `$ ` command of a console block."""
    pairs: list[tuple[int, str, list[str]]] = []
    continuing = False
    for offset, line in enumerate(source.splitlines()):
        if line.startswith("$ ") and not continuing:
            pairs.append((first_line + offset, line[2:], []))
            continuing = line.rstrip().endswith("\\")
        elif continuing and pairs:
            line_no, command, expected = pairs[-1]
            pairs[-1] = (line_no, command + "\n" + line, expected)
            continuing = line.rstrip().endswith("\\")
        elif pairs:
            pairs[-1][2].append(line)
    return [(n, c, "\n".join(e)) for n, c, e in pairs]


def output_lines(text: str) -> list[str]:
    """The lines output is compared by: trailing spaces and trailing blank lines dropped."""
    return [ln.rstrip() for ln in text.rstrip().splitlines()]


def line_pattern(line: str) -> str:
    """The regex of one shown line: literal except `...`, which matches anything in it."""
    return ".*?".join(re.escape(part) for part in line.split("..."))


def output_matches(expected: str, actual: str) -> bool:
    """`expected` against `actual`, trailing spaces and blank lines ignored; `...` wildcards
    (module docstring). Nothing shown matches only nothing printed."""
    got = "".join(ln + "\n" for ln in output_lines(actual))
    pattern = ""
    for line in output_lines(expected):
        pattern += r"(?:[^\n]*\n)*?" if line.strip() == "..." else line_pattern(line) + r"\n"
    return re.fullmatch(pattern, got) is not None


def first_mismatch(expected: str, actual: str) -> int:
    """The index of the first shown line from which `expected` can no longer match `actual`
    (the length of the shown lines when it is the end that differs)."""
    got = "".join(ln + "\n" for ln in output_lines(actual))
    pattern = ""
    want = output_lines(expected)
    for k, line in enumerate(want):
        pattern += r"(?:[^\n]*\n)*?" if line.strip() == "..." else line_pattern(line) + r"\n"
        if re.match(pattern, got) is None:
            return k
    return len(want)


# ---- a page ---------------------------------------------------------------------------------


def parse(path: Path, evaluate: Any) -> Any:
    """The Sybil document of a markdown page: its sh and console blocks (evaluate(kind,
    example) runs one) and skip marks."""
    from sybil import Document
    from sybil.parsers.markdown import CodeBlockParser, SkipParser

    return Document.parse(str(path), SkipParser(),
                          CodeBlockParser("sh", lambda ex: evaluate("sh", ex)),
                          CodeBlockParser("console", lambda ex: evaluate("console", ex)))


@dataclass
class Block:
    """A block of a page as it ran: its fence line, kind, and what each command did."""

    fence: int
    kind: str
    source: str
    ran: list[Ran]


def run_page(path: Path, box_for: Any) -> tuple[list[Block], list[str]]:
    """Run a page's blocks in order: (the blocks, failures of the skip marks). box_for(n)
    gives the sandbox for the n-th block (one per page, or a fresh one per block)."""
    blocks: list[Block] = []
    where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    problems: list[str] = []

    def evaluate(kind: str, example: Any) -> None:
        block = Block(example.line, kind, str(example.parsed), [])
        blocks.append(block)
        run_block(box_for(len(blocks) - 1), kind, block.source, example.line + 1, block.ran)

    for example in parse(path, evaluate):
        if isinstance(example.parsed, tuple):  # a skip marker: it must give a reason
            action, reason = example.parsed
            if action in ("next", "start") and not (reason or "").strip():
                problems.append(f"{where}:{example.line}: a skip mark needs a reason: "
                                '<!-- skip: next "why it cannot run here" -->')
        with contextlib.suppress(SkipTest):
            example.evaluate()
    return blocks, problems


def page_failures(path: Path, box_for: Any) -> list[str]:
    """Every broken example of a page, each as `file:line: what`."""
    blocks, failures = run_page(path, box_for)
    where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    for block in blocks:
        failures += block_failures(block.kind, block.ran, where)
    return failures


UNTAGGED = r"(?:text|plain|txt)?"  # fences that are shown, not run
SDESK_LINE = re.compile(r"^\s*(?:\$\s+)?sdesk\s")
PROSE_EXAMPLE = re.compile(r"(?:\bExample:|\be\.g\.,?)\s+`?(?:\$\s+)?sdesk\s")


def unrun_examples(path: Path) -> list[str]:
    """sdesk commands a page shows as examples that no test runs, each as `file:line: what`:
    a line starting `sdesk ` or `$ sdesk ` in a fenced block with no language (or text/plain),
    and prose that says `Example: sdesk ...` or `e.g. sdesk ...` outside any block."""
    from sybil import Document
    from sybil.parsers.markdown.lexers import FencedCodeBlockLexer, RawFencedCodeBlockLexer

    text = path.read_text(encoding="utf-8")
    where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    found: list[str] = []
    for region in FencedCodeBlockLexer(UNTAGGED)(Document(text, str(path))):
        fence = text.count("\n", 0, region.start) + 1
        for number, line in enumerate(str(region.lexemes["source"]).splitlines(), fence + 1):
            if SDESK_LINE.match(line):
                found.append(f"{where}:{number}: `{line.strip()}` is in a block that is not "
                             "run: tag it console (with its output) or sh (prints nothing)")
    blocks = RawFencedCodeBlockLexer(re.compile(r"[^\n]*$\n", re.MULTILINE))(Document(text, ""))
    spans = [(text.count("\n", 0, r.start) + 1, text.count("\n", 0, r.end) + 1) for r in blocks]
    for number, line in enumerate(text.splitlines(), 1):
        if PROSE_EXAMPLE.search(line) and not any(a <= number <= b for a, b in spans):
            found.append(f"{where}:{number}: an example in prose is not run: move it into a "
                         "console block (tag it console or sh)")
    return found


def _one_line(text: str) -> str:
    return " ".join(text.replace("\\\n", " ").split())


def _indent(text: str, by: int = 2) -> str:
    return "\n".join(" " * by + ln for ln in text.rstrip().splitlines()) or " " * by + "(nothing)"
