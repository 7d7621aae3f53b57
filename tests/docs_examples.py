"""Docs that run: the examples of README.md, docs/*.md and every `--help`, executed against a
copy of the sample store with a fixed clock (tests/test_docs_examples.py drives this).

Markdown is parsed by Sybil (a maintained doc-testing library: it finds the fenced blocks, keeps
their file and line, and gives us its standard `<!-- skip: next "reason" -->` marker). What the
blocks mean is ours:

- ```sh``` blocks run as one bash script, line by line (a `\\` continues a line); every command
  must exit 0. `sdesk` is the checkout's sdesk; the working folder is the store copy.
- ```console``` blocks are `$ command` lines each followed by the output it must print (stdout
  and stderr together). `...` in a line matches anything within it; a line holding only `...`
  matches any number of lines; a command shown with no output is only run. A command whose
  shown output has an `sdesk: error:` line must exit non-zero; any other must exit 0.
- Other blocks (toml, python, plain ```) are shown, not run.
- `<!-- skip: next "why" -->` on the line before a block marks it not run, with the reason
  (keep these rare: only for what truly cannot run here, such as an interactive editor).

The store copy: the checkout's sdesk.toml, reference/, tickets/, kb/ and outbox/ committed in a
fresh repository with a bare `origin` (so `sdesk sync` works) and the merge driver installed,
and the files in tests/fixtures/docs/ (message.eml, incidents.csv, ...) beside them, untracked
(tests/fixtures/servicenow/ too, for the page that imports it "from the checkout"). The clock is
SAMPLE_NOW unless an example passes its own `--now`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "docs"
SAMPLE_NOW = "2026-11-23T14:00:00-06:00"  # the sample store's Monday afternoon (make demo's)
STORE_PARTS = ("sdesk.toml", "reference", "tickets", "kb", "outbox")
GIT_ENV = {"GIT_AUTHOR_NAME": "Dana Dispatcher", "GIT_AUTHOR_EMAIL": "dana@omes.ok.gov",
           "GIT_COMMITTER_NAME": "Dana Dispatcher", "GIT_COMMITTER_EMAIL": "dana@omes.ok.gov",
           "GIT_CONFIG_NOSYSTEM": "1"}
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
                "SDESK_PAGER": "cat", "NO_COLOR": "1", "COLUMNS": "200"})
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


def run_sh(box: Sandbox, source: str, first_line: int, where: str) -> list[str]:
    """Run an sh block; a failure message for the command that failed (the block stops there,
    as a reader following it would)."""
    commands = logical_lines(source, first_line)
    if "$" not in source:  # no shell variables: each line on its own (plain sdesk in process)
        for line, text in commands:
            code, out, err = box.run(text)
            if code != 0:
                return [f"{where}:{line}: `{_one_line(text)}` exited {code}:\n"
                        f"{_indent((err.strip() or out)[-2000:])}"]
        return []
    script = ["set -o pipefail", f'__err="{box.folder}/stderr"']
    for i, (_, text) in enumerate(commands):
        script += ["{ " + text + "\n} 2>\"$__err\"",
                   f'__rc=$?; if [ $__rc -ne 0 ]; then cat "$__err" >&2; '
                   f'echo "@@failed {i} $__rc" >&2; exit 97; fi']
    done = box.bash("\n".join(script))
    if done.returncode == 0:
        return []
    found = re.search(r"@@failed (\d+) (\d+)", done.stderr)
    if not found:
        return [f"{where}:{first_line}: the block failed (exit {done.returncode}):\n"
                f"{_indent(done.stdout + done.stderr)}"]
    line, text = commands[int(found.group(1))]
    stderr = done.stderr[:found.start()]
    return [f"{where}:{line}: `{_one_line(text)}` exited {found.group(2)}:\n"
            f"{_indent(stderr.strip()[-2000:] or done.stdout[-2000:])}"]


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


def output_matches(expected: str, actual: str) -> bool:
    """`expected` against `actual`, trailing spaces and blank lines ignored; `...` wildcards."""
    want = [ln.rstrip() for ln in expected.rstrip().splitlines()]
    got = "".join(ln.rstrip() + "\n" for ln in actual.rstrip().splitlines())
    pattern = ""
    for line in want:
        if line.strip() == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += ".*?".join(re.escape(part) for part in line.split("...")) + r"\n"
    return re.fullmatch(pattern, got) is not None


def run_console(box: Sandbox, source: str, first_line: int, where: str) -> list[str]:
    failures = []
    for line, command, expected in console_pairs(source, first_line):
        code, output, _ = box.run(command, merged=True)
        wants_error = any(ln.startswith("sdesk: error:") for ln in expected.splitlines())
        if wants_error != (code != 0):
            failures.append(f"{where}:{line}: `{_one_line(command)}` exited {code}, "
                            f"expected {'an error' if wants_error else '0'}:\n{_indent(output)}")
        elif expected.strip() and not output_matches(expected, output):
            failures.append(f"{where}:{line}: `{_one_line(command)}` printed something else.\n"
                            f"  shown in the docs:\n{_indent(expected, 4)}\n"
                            f"  printed now:\n{_indent(output, 4)}")
    return failures


# ---- --help -----------------------------------------------------------------------------------


def help_examples(help_text: str) -> list[str]:
    """The commands under `Example:` / `Examples:` in a command's help: the indented lines
    that follow it (a line ending in `\\` continues on the next). A line may end in
    `# not run: reason` (it is then returned as is, for the caller to leave out)."""
    commands: list[str] = []
    in_examples = False
    for line in help_text.splitlines():
        stripped = line.strip()
        if stripped.rstrip(":") in ("Example", "Examples"):
            in_examples = True
            continue
        if not in_examples or stripped in ("", "\b"):
            continue
        if not line[:1].isspace():
            in_examples = False
        elif commands and commands[-1].endswith("\\"):
            commands[-1] += "\n" + stripped
        else:
            commands.append(stripped)
    return commands


NOT_RUN = re.compile(r"#\s*not run:\s*(\S.*)$")


def _one_line(text: str) -> str:
    return " ".join(text.replace("\\\n", " ").split())


def _indent(text: str, by: int = 2) -> str:
    return "\n".join(" " * by + ln for ln in text.rstrip().splitlines()) or " " * by + "(nothing)"


def shell_words(command: str) -> list[str]:
    return shlex.split(command, comments=True)
