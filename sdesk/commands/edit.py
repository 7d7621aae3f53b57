"""sdesk set and sdesk edit: correct a ticket after intake (docs/triage.md, "Correcting a
ticket")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from sdesk.commands.common import App, pass_app, plan_options, run_editor, show_or_apply

if TYPE_CHECKING:
    from pathlib import Path

    from sdesk.core.model import Ticket


@click.command(name="set")
@click.argument("ticket_id")
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@click.option("--force", is_flag=True,
              help="Re-route an assigned ticket whose corrected service another team provides, "
                   "or hand back one whose team does not support its corrected agency (it "
                   "leaves its technician for that team's, or the Service Desk's, unassigned "
                   "queue).")
@plan_options
@pass_app
def set_fields(app: App, ticket_id: str, assignments: tuple[str, ...], force: bool,
               dry_run: bool, as_json: bool, no_commit: bool) -> None:
    """Correct fields of a ticket (for scripts; `sdesk edit` opens $EDITOR instead).

    Editable: title, description, service, category, software, impact, urgency, remote
    (or on-site), location, skills (comma-separated), requested_technician, effort_hours,
    name, email, agency, phone. Values are checked as `sdesk new` checks them; each change is
    recorded in the journal (old -> new, who) in one commit. Priority is the supervisor's:
    `sdesk priority`; a corrected impact or urgency that no longer fits it flags it for the
    supervisor. `type=request` (alone) logs an incident as a request: a new REQ ticket,
    the incident resolved pointing at it (docs/triage.md). A corrected service moves a
    triaged ticket to the team that provides it, a corrected agency its team does not
    support hands it back (an assigned one only with --force). Skills are technicians'
    skills (technicians.toml).

    \b
    Examples:
      sdesk set INC-2Q4E service=VPN impact=1
      sdesk set INC-2Q4E service=Email --force
      sdesk set REQ-2Q54 software=Visio category=software on-site=true skills=windows
    """
    from sdesk.core.errors import ValidationError
    from sdesk.procedures.editing import field_name, parse_text

    kind = [a.split("=", 1)[1].strip().lower() for a in assignments
            if a.split("=", 1)[0].strip().lower() == "type" and "=" in a]
    if kind:  # the type is in the ID (INC-, REQ-): a request is logged anew (session 39)
        if len(assignments) > 1:
            raise ValidationError("type=request is set alone: it logs a new request ticket; "
                                  "correct the other fields on it afterwards")
        from sdesk.commands.retype import retype

        retype(app, ticket_id, kind[0], dry_run, as_json, no_commit)
        return
    wanted: dict[str, Any] = {}
    for item in assignments:
        # an argument in the wrong form is a usage error, exit 2 (issue 11, session 34); a
        # field that is not editable stays a user error, as an unknown team is
        if "=" not in item:
            raise click.UsageError(f"{item!r}: write FIELD=VALUE, e.g. service=VPN")
        typed, raw = item.split("=", 1)
        if not typed.strip():
            raise click.UsageError(f"{item!r}: the FIELD before '=' is missing; write "
                                   "FIELD=VALUE, e.g. service=VPN")
        name = field_name(typed)
        if name in wanted:
            raise ValidationError(f"{name} is given twice; give each field once")
        wanted[name] = parse_text(name, raw)
    _apply(app, ticket_id, wanted, "set", force, dry_run, as_json, no_commit)


@click.command()
@click.argument("ticket_id")
@click.option("--force", is_flag=True,
              help="Re-route an assigned ticket whose corrected service another team provides, "
                   "or hand back one whose team does not support its corrected agency (it "
                   "leaves its technician for that team's, or the Service Desk's, unassigned "
                   "queue).")
@click.option("--discard", is_flag=True,
              help="Drop the refused edit kept for ID (the next edit opens the ticket as it "
                   "is); no editor opens.")
@plan_options
@pass_app
def edit(app: App, ticket_id: str, force: bool, discard: bool, dry_run: bool, as_json: bool,
         no_commit: bool) -> None:
    """Correct a ticket in $EDITOR: its editable fields open as TOML; what you change is
    checked as `sdesk new` checks it and recorded in the journal (old -> new, who) in one
    commit. Priority is the supervisor's: `sdesk priority`. `requested_technician = "@me"`
    is the technician you are, as in `sdesk set`.

    \b
    A refused edit (an unknown service, a title too long...) is kept and the next `sdesk
    edit ID` reopens it; --discard drops it.

    \b
    Examples:
      EDITOR=nano sdesk edit INC-2Q4E  # not run: opens an editor
      sdesk edit INC-2Q4E --discard
    """
    from sdesk.core.errors import ReferenceError, ValidationError
    from sdesk.procedures.editing import editable_document, read_document, refuse_closed

    ticket = app.store.get(ticket_id)
    kept = app.store.state_dir / f"edit-{ticket.id}.toml"
    base = kept.with_name(f"edit-{ticket.id}.base.toml")  # the ticket the kept edit started from
    if discard:
        _discard(ticket.id, kept, base, dry_run)
        return
    refuse_closed(ticket)  # before the editor: no typing for nothing
    _refuse_hand_edit(app, ticket.id, dry_run)
    text = editable_document(ticket)
    edited = _run_editor(_reopened(ticket.id, text, kept, base))
    if edited is None or edited == text:
        from sdesk.core.errors import NothingToDo

        raise NothingToDo(f"nothing changed: {ticket.id} is as it was")
    keep = (edited, text)  # what a refusal keeps: the edit and the document it started from
    try:
        wanted = read_document(edited)
        _apply(app, ticket.id, wanted, "edit", force, dry_run, as_json, no_commit,
               base=read_document(text))
    except (ValidationError, ReferenceError, _Kept) as exc:  # a refused value (an unknown
        # service, agency...), broken TOML or a clash: keep what the user typed, say where
        keep = getattr(exc, "keep", None) or keep
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(keep[0], encoding="utf-8")
        base.write_text(keep[1], encoding="utf-8")
        raise ValidationError(f"{exc} (your edit is kept in {kept}; sdesk edit {ticket.id} "
                              f"reopens it, sdesk edit {ticket.id} --discard drops it)") from None
    if not dry_run:  # applied: the kept edit is done with
        kept.unlink(missing_ok=True)
        base.unlink(missing_ok=True)


def _discard(ticket_id: str, kept: Path, base: Path, dry_run: bool) -> None:
    """`sdesk edit ID --discard`: the refused edit kept for ID deleted, so the next edit opens
    the ticket as it is. Before it, every later edit reopened the refused one (an editor that
    changed nothing failed again with the same error) and only deleting .git/sdesk/edit-*
    by hand started over (fresh30b finding 9)."""
    if not kept.is_file():
        from sdesk.core.errors import NothingToDo

        if not dry_run:
            base.unlink(missing_ok=True)
        raise NothingToDo(f"nothing to discard: no refused edit of {ticket_id} is kept")
    if dry_run:
        click.echo(f"would discard your refused edit of {ticket_id}: would delete {kept}")
        return
    kept.unlink(missing_ok=True)
    base.unlink(missing_ok=True)
    # the file is gone: "(kept in PATH)" said it was still there (fresh-user finding 4,
    # session 33)
    click.echo(f"discarded your refused edit of {ticket_id}: deleted {kept}; sdesk edit "
               f"{ticket_id} opens the ticket as it is")


def _reopened(ticket_id: str, text: str, kept: Path, base: Path) -> str:
    """What the editor opens: the edit a refusal kept, when the ticket is still as it was when
    that edit began (one stderr line says so), else the ticket as it is now (one line says the
    kept edit is still there and why it is not reopened). A refused edit's other corrections
    were lost to the next `sdesk edit` unless the user found .git/sdesk/ (fresh-user finding
    11, session 30)."""
    if not kept.is_file():
        return text
    try:
        started = base.read_text(encoding="utf-8")
        again = kept.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        started, again = "", ""
    if started == text and again:
        click.echo(f"sdesk: reopening your refused edit of {ticket_id} (kept in {kept}; "
                   f"sdesk edit {ticket_id} --discard drops it)", err=True)
        return again
    click.echo(f"sdesk: your refused edit of {ticket_id} is still kept in {kept}; the ticket "
               "changed since, so the editor opens the ticket as it is now", err=True)
    return text


def _run_editor(text: str) -> str | None:
    """The text after $VISUAL/$EDITOR edited it; one ValidationError line when there is no
    editor to run or it failed (click's own errors would print its three-line format)."""
    import os
    import sys

    from sdesk.core.errors import ValidationError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ValidationError("no editor: set $EDITOR, or use sdesk set ID FIELD=VALUE in scripts")
    return run_editor(text, editor=editor, extension=".toml", require_save=False)


def _resolve_me(app: App, wanted: dict[str, Any]) -> None:
    """`@me` wherever a technician is taken (set's FIELD=VALUE and the editor's TOML alike):
    the technician you are (--actor, else the git user); an error when you are none."""
    value = wanted.get("requested_technician")
    if isinstance(value, str) and value.strip().casefold() == "@me":
        wanted["requested_technician"] = app.technician(value.strip()).id


def _refuse_hand_edit(app: App, ticket_id: str, dry_run: bool) -> None:
    """The hand-edit refusal (store.executor.refuse_hand_edits) before a correction is
    planned: an uncommitted change of the ticket's file is refused whatever its values, also
    when it already holds every value given (that is not "nothing to change": the change is
    nobody's commit yet). A dry run says it as the applied run's refusal."""
    from sdesk.commands.common import applied_refusal, refuse_as_applied

    stop = applied_refusal(app.store, [ticket_id])
    if dry_run:
        refuse_as_applied(app.store, (), stop)
    elif stop:
        from sdesk.core.errors import SdeskError

        raise SdeskError(stop)


def _seats(app: App, wanted: dict[str, Any]) -> dict[str, int] | None:
    """Licence seats held per catalogue software name when a software title is corrected
    (the licence check, corrections.seat_rules), else None: nothing to count."""
    if "software" not in wanted:
        return None
    from sdesk.store.contexts import licence_seats

    return licence_seats(app.store)


class _Kept(Exception):
    """An edit refused inside the lock, with what to keep: (the edit, the document it starts
    from), or None to keep the edit as typed over the document the editor opened."""

    def __init__(self, line: str, keep: tuple[str, str] | None) -> None:
        super().__init__(line)
        self.keep = keep


def _apply(app: App, ticket_id: str, wanted: dict[str, Any], action: str, force: bool,
           dry_run: bool, as_json: bool, no_commit: bool,
           base: dict[str, Any] | None = None) -> None:
    """Correct `ticket_id` to `wanted`. For `edit`, `base` is the document the editor opened:
    only the fields the user changed from it are applied onto the ticket as it is now (a
    `set`, `note` or triage made meanwhile stays); a field both changed to different values is
    refused. An edit's refusal is raised as _Kept; when the ticket changed since the editor
    opened, what it keeps is the user's values over the ticket as it is now, so `sdesk edit ID`
    reopens it (a kept edit reopens only while the ticket is as it was when the edit began)."""
    from sdesk.core.errors import ReferenceError, ValidationError
    from sdesk.procedures.editing import changes, clash_line, correct, read_document, rebase, summary

    store = app.store
    keep: tuple[str, str] | None = None
    with store.lock(action):
        ticket: Ticket = store.get(ticket_id)
        try:
            if base is not None:
                moved = rebase(ticket, base, wanted)
                wanted = moved.wanted
                if read_document(moved.current) != base:
                    keep = (moved.document, moved.current)
                if moved.clashes:
                    raise ValidationError(clash_line(ticket.id, moved.clashes))
            _resolve_me(app, wanted)
            found = changes(ticket, wanted, store.reference, _seats(app, wanted))
        except (ValidationError, ReferenceError) as exc:
            if base is None:
                raise
            raise _Kept(str(exc), keep) from None
        if not found:  # a hand edit may have given the value already: it is refused still
            _refuse_hand_edit(app, ticket.id, dry_run)
        plan = correct(ticket, found, store.reference, app.now, app.actor.name, force)
        show_or_apply(app, plan, action=action,
                      subject=f"{action} {ticket.id}: {summary(found)}",
                      dry_run=dry_run, as_json=as_json, no_commit=no_commit,
                      loaded={ticket.id: ticket},
                      nothing=f"nothing to change: {ticket.id} already has every value given")
