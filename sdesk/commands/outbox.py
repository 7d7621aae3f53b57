"""sdesk outbox list / send: notifications waiting in outbox/ and their delivery over SMTP."""

from __future__ import annotations

from typing import Any

import click

from sdesk.commands.common import App, output_options, pass_app


@click.group()
def outbox() -> None:
    """Notifications waiting in outbox/ (RFC 5322 files, committed with the change that caused
    them) and their delivery. See docs/notifications.md."""


@outbox.command("list")
@output_options
@pass_app
def outbox_list(app: App, as_json: bool, as_csv: bool, fmt: str | None) -> None:
    """List the messages waiting to be sent.

    \b
    Example:
      sdesk outbox list
    """
    from sdesk.core.render import emit
    from sdesk.mail.outbox import queued

    store = app.store
    rows = [{"file": q.path.name, "ticket": q.ticket, "to": q.to, "subject": q.subject,
             "audience": q.audience, "date": q.date} for q in queued(store.root / "outbox")]
    if not rows and not (as_json or as_csv):
        click.echo("outbox is empty")
        return
    emit(rows, ["file", "ticket", "to", "subject", "audience"], as_json=as_json, as_csv=as_csv,
         fmt=fmt)


@outbox.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send nothing.")
@pass_app
def outbox_send(app: App, dry_run: bool) -> None:
    """Deliver every waiting message over SMTP ([mail] host, port, starttls, user, password in
    the clone's .git/sdesk.local.toml, never sdesk.toml; SDESK_SMTP_HOST, SDESK_SMTP_PORT,
    SDESK_SMTP_USER, SDESK_SMTP_PASSWORD override them). Delivered messages are removed in
    one commit; a message that fails stays, and the reason is printed. Exit 1 if any failed,
    4 when the outbox is empty.

    \b
    Example:
      SDESK_SMTP_HOST=smtp.example.org sdesk outbox send  # not run: needs a mail server
    """
    from sdesk import git
    from sdesk.core.errors import SdeskError
    from sdesk.core.render import printable
    from sdesk.mail.notify import sender
    from sdesk.mail.outbox import queued, send_all, settings_for

    store = app.store
    settings = settings_for(store.machine_settings("mail"))  # never the pushed sdesk.toml
    desk_from = sender(store.settings("mail"))
    with store.lock("outbox send"):
        waiting = queued(store.root / "outbox")
        sendable, refused = _vet_all(store, [q.path for q in waiting])
        if dry_run or not waiting:
            for q in waiting:
                why = refused.get(q.path)
                click.echo(printable(f"would not send {q.path.name}: {why}" if why else
                                     f"would send {q.path.name} to {q.to}: {q.subject}"))
            if not waiting:
                from sdesk.core.errors import NothingToDo

                raise NothingToDo("nothing to send: the outbox is empty")
            return
        from sdesk.store.executor import merge_refusal

        merging = merge_refusal(store)  # the sent mail's removal is committed: not mid-merge
        if merging:
            raise SdeskError(merging)
        delivered, failed = send_all(sendable, settings, desk_from)
        failed.update(refused)
        if delivered:
            rel = [store.git_path(p) for p in delivered]
            tracked = set(git.run(["ls-files", "-z", "--", *rel], store.top).stdout.split("\0"))
            for path in delivered:
                path.unlink()
            committed = [p for p in rel if p in tracked]
            if committed:
                lines = [f"outbox: {len(delivered)} message(s) delivered", ""]
                lines += [f"Sent: {path.name}" for path in delivered]
                git.commit_paths(store.top, committed, "\n".join(lines) + "\n\n"
                                 + git.trailers([("Sdesk-Action", "outbox-send")]) + "\n",
                                 app.actor)
    for path in delivered:
        click.echo(f"sent {path.name}")
    for path, why in failed.items():
        click.echo(printable(f"not sent {path.name}: {why}"), err=True)
    if failed:
        raise SdeskError(f"{len(failed)} message(s) not delivered; they stay in outbox/")


def _vet_all(store: Any, paths: list[Any]) -> tuple[dict[Any, tuple[str, ...]], dict[Any, str]]:
    """(path -> the recipients it may go to, path -> why it is refused) for outbox files:
    the envelope comes from the settings and the ticket, never from the file (sdesk.mail.outbox)."""
    from sdesk.core.untrusted import read_limited
    from sdesk.mail.outbox import vetter

    vet = vetter(store)
    sendable: dict[Any, tuple[str, ...]] = {}
    refused: dict[Any, str] = {}
    for path in paths:
        vetted = vet(read_limited(store.root, path))
        if vetted.problems:
            refused[path] = "refused: " + "; ".join(
                f"{name}: {text}" if name else text for name, text in vetted.problems)
        else:
            sendable[path] = vetted.recipients
    return sendable, refused
