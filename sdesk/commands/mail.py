"""sdesk mail receive / fetch: incoming e-mail into the desk (docs/email.md)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from sdesk.commands.common import App, pass_app

if TYPE_CHECKING:
    from pathlib import Path

    from sdesk.mail.mailbatch import Taken

# What an MTA's pipe delivery understands as "try again later" (sysexits.h EX_TEMPFAIL).
EX_TEMPFAIL = 75
# `mail fetch`: the batch was taken, but some messages were set aside (sdesk.mail.aside).
EXIT_ASIDE = 5


@click.group()
def mail() -> None:
    """Incoming e-mail: one message from a mail server's pipe (receive) or every new message
    of a Maildir or IMAP mailbox (fetch). Replies join their ticket; automatic mail is refused.
    See docs/email.md."""


def _report(results: list[Taken], as_json: bool, show_key: bool) -> None:
    from sdesk.mail.mailbatch import as_json as rows
    from sdesk.mail.mailbatch import summary

    if as_json:
        from sdesk.core.render import echo_json

        echo_json({"messages": rows(results), "counts": summary(results)})
        return
    for r in results:
        if r.outcome.verdict == "skipped":  # one warning line naming the message and ticket
            click.echo(f"sdesk: warning: {r.key} skipped, left in the mailbox: "
                       f"{r.outcome.line}", err=True)
            continue
        click.echo(f"{r.key}: {r.outcome.line}" if show_key else r.outcome.line)
        for warning in r.outcome.warnings:  # logged all the same: what the guide will miss
            click.echo(f"  warning: {warning}")
    if show_key:
        counts = summary(results)
        shown = ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items()))
        click.echo(f"{len(results)} message(s): {shown or 'none'}")


@mail.command("receive")
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("--keep-refused", metavar="MAILDIR", type=click.Path(file_okay=False),
              help="Keep refused mail in this Maildir, with the reason in X-Sdesk-Refused.")
@click.option("--dry-run", is_flag=True, help="Say what would happen; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@pass_app
def receive(app: App, source: str, keep_refused: str | None, dry_run: bool,
            as_json: bool) -> None:
    """Take one RFC 5322 message from FILE or standard input (a mail server's pipe delivery).

    A new message opens a ticket, a reply joins its ticket, automatic mail is refused with
    one line. Exits 0 whenever the message was dealt with (taken, refused, or set aside in
    mail/quarantine/ when reading it failed), 75 when the store is busy or in a state someone
    can put right (uncommitted or broken reference data or sdesk.toml, a merge in progress, a
    stale .git/index.lock), an [ID] tag names a ticket whose file cannot be read, or the
    message would change a ticket after the given --now, so the mail server tries again later.

    \b
    Example:
      sdesk mail receive message.eml
      sdesk mail receive - < message.eml
    """
    from pathlib import Path

    from sdesk.core.errors import SdeskError
    from sdesk.mail.mailbatch import take

    if source == "-":
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise SdeskError(f"{source}: cannot read the message: {exc.strerror}") from None
    if not raw.strip():
        raise SdeskError(f"{'standard input' if source == '-' else source}: empty message")
    try:
        store = app.store
        with store.lock("mail receive"):
            results = take(store, [(source, raw)], now=app.now, actor=app.actor,
                           apply=not dry_run)
    except SdeskError as exc:  # busy, reference data being edited (session 38), or any
        # other state of the store someone can put right: broken reference data or
        # sdesk.toml, a merge in progress, a stale index.lock (session 40). What the message
        # itself makes fail is refused or set aside inside `take`, so this is never the
        # message's fault: the mail server keeps it and tries again later, nothing bounces.
        click.echo(f"sdesk: error: {exc.message}", err=True)
        sys.exit(EX_TEMPFAIL)
    outcome = results[0].outcome
    if outcome.verdict == "held":  # a tag names a broken ticket file: fixed, it is taken
        click.echo(f"sdesk: error: {outcome.line}", err=True)
        sys.exit(EX_TEMPFAIL)
    if outcome.verdict == "skipped" and not dry_run:  # a later delivery takes it (session 39)
        shown = "standard input" if source == "-" else source
        click.echo(f"sdesk: error: {shown} not taken (the mail server tries again later): "
                   f"{outcome.line}", err=True)
        sys.exit(EX_TEMPFAIL)
    if keep_refused and not outcome.taken and not dry_run:
        _keep_refused(Path(keep_refused), raw, outcome.line)
    _report(results, as_json, show_key=False)
    _warn_aside(results)


def _warn_aside(results: list[Taken]) -> int:
    """One stderr line per message set aside (kept in mail/quarantine/); how many."""
    aside = [r for r in results if r.outcome.verdict == "aside"]
    for r in aside:
        click.echo(f"sdesk: warning: {r.key} {r.outcome.line}", err=True)
    return len(aside)


def _keep_refused(folder: Path, raw: bytes, reason: str) -> None:
    import mailbox

    from sdesk.mail.mailbatch import with_reason

    mailbox.Maildir(str(folder), create=True).add(with_reason(raw, reason))


@mail.command("fetch")
@click.option("--maildir", metavar="PATH", help="Read this Maildir (default: mail.maildir.path).")
@click.option("--imap", is_flag=True, help="Read the IMAP mailbox of [mail.imap] in .git/sdesk.local.toml.")
@click.option("--dry-run", is_flag=True, help="Say what would happen; change nothing, move "
              "nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcomes as JSON.")
@pass_app
def fetch(app: App, maildir: str | None, imap: bool, dry_run: bool, as_json: bool) -> None:
    """Take every new message of a Maildir or an IMAP mailbox (over TLS) as one commit.

    Taken mail is marked read (or moved to mail.*.taken); refused mail stays unread and
    flagged (or moves to mail.*.refused with the reason), so nothing is read twice. A message
    that makes reading fail is set aside in mail/quarantine/ (sdesk mail quarantine) and the
    rest are taken: exit code 5 then. Exit code 4 when there was no new mail (a cron job may
    treat it as success).

    \b
    Example:
      sdesk mail fetch --maildir ~/Maildir  # not run: needs a Maildir (tests run real ones)
      sdesk mail fetch --imap  # not run: needs an IMAP server (tests run dovecot)
    """
    import os

    from sdesk.mail.mailfetch import Imap, ImapSettings, Mailbox, Maildir

    store = app.store
    # machine settings: never from the pushed sdesk.toml (sdesk/core/machine.py, session 40)
    maildir_section = store.machine_settings("mail.maildir")
    imap_section = store.machine_settings("mail.imap")
    if maildir and imap:
        raise click.UsageError("give --maildir PATH or --imap, not both")
    use_imap = imap or (not maildir and not maildir_section.get("path") and
                        bool(imap_section.get("host")))
    box: Mailbox
    if use_imap:
        box = Imap(ImapSettings.from_config(imap_section), os.environ)
    else:
        box = Maildir.from_settings(maildir_section, store.root, maildir or "")
    try:
        with store.lock("mail fetch"):
            items = box.messages()
            results = _take_with_bar(app, items, apply=not dry_run)
            if not dry_run:
                box.file([r.key for r in results if r.outcome.taken],  # held, skipped:
                         {r.key: r.outcome.line for r in results   # left as new
                          if r.outcome.verdict == "refused"})
    finally:
        box.close()
    _report(results, as_json, show_key=True)
    if _warn_aside(results):  # taken and committed, but a person should look: exit 5
        sys.exit(EXIT_ASIDE)
    if not results:
        from sdesk.core.errors import NothingToDo

        raise NothingToDo("nothing fetched: no new mail")  # exit 4; docs/email.md for cron


def _take_with_bar(app: App, items: list[tuple[str, bytes]], apply: bool) -> list[Taken]:
    from sdesk.mail.mailbatch import take

    if len(items) < 20 or not sys.stderr.isatty():
        return take(app.store, items, now=app.now, actor=app.actor, apply=apply)
    with click.progressbar(length=len(items), label="reading mail", file=sys.stderr) as bar:
        return take(app.store, items, now=app.now, actor=app.actor, apply=apply,
                    progress=lambda: bar.update(1))


@mail.command("quarantine")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@pass_app
def quarantine(app: App, as_json: bool) -> None:
    """List the mail set aside in mail/quarantine/: messages intake could not read or decide
    (a malformed part, a bug), kept in the store so nothing is lost, one line each: the file,
    why, sender and subject. Put right by hand (open a ticket with new --from-email FILE once
    fixed), then git rm the file.

    \b
    Example:
      sdesk mail quarantine
    """
    from sdesk.mail.aside import listing

    found = listing(app.store.root)
    if as_json:
        from sdesk.core.render import echo_json

        echo_json([{"path": p, "why": w, "from": f, "subject": s} for p, w, f, s in found])
        return
    for path, why, sender, subject in found:
        click.echo(f"{path}: {why}; from {sender or '-'}, subject {subject or '-'}")
    click.echo(f"{len(found)} message(s) set aside")
