"""Who may work a ticket: one rule for `take`, `start`, `resolve`, `hold`, `resume` and public
notes (session 40, docs/assignment.md "Who may work a ticket").

The dispatcher guide gives each team its own queue ("Owned By" group): the team's technicians
work its tickets, its supervisor decides for it, and the Service Desk (the single point of
contact: its technicians and the dispatchers) talks to every customer and hands work on. So an
actor may act on a ticket when they are

- a technician of the ticket's team,
- the supervisor of the ticket's team (`teams.toml` `supervisor`, matched by e-mail),
- the desk: a technician of the `service_desk` team (roles.toml), that team's supervisor, or
  someone who is in neither list (a dispatcher or a script: `--actor 'Name <e-mail>'` or the
  git user; dispatchers are not listed in the reference, so nobody unlisted can be told apart).

Anyone else (a technician or a supervisor of another team) is refused, one line naming the
team they are in, unless `--force`: then the action is done and the journal records the
override. Anyone may add an internal note. Taking new work (`take`, `start` taking) keeps
assignment's stricter checks (`assign.assign_to`: the technician's own team, skills, capacity,
out of office refused); for the other actions a technician out of office today is warned,
not refused (someone back early may close their own ticket).

The module imports no typing or click: `sdesk note --public` checks through it on the fast path.
"""

from __future__ import annotations

from sdesk.core.errors import SdeskError

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (the note fast path)
if TYPE_CHECKING:
    import datetime as dt

    from sdesk.core.model import Ticket
    from sdesk.core.reference import Reference, Technician
    from sdesk.procedures.plan import Action

RULE = "permit-1 who may work a ticket"


def team_problem(tech: Technician, team: str, ref: Reference) -> str:
    """Why `tech` is not one of `team`'s technicians ("is in X, not Y"), "" when they are. A
    ticket with no team is the Service Desk's (Reference.is_service_desk). The check
    `assign --to` and `take` refuse on, and the first half of `may_act`."""
    if tech.team.casefold() == team.strip().casefold():
        return ""
    if ref.is_service_desk(team) and ref.is_service_desk(tech.team):
        return ""
    return f"is in {tech.team}, not {team or ref.service_desk}"


def may_act(ticket: Ticket, name: str, email: str, ref: Reference, now: dt.datetime,
            what: str, force: bool = False, instead: str = ""
            ) -> tuple[list[str], list[str]]:
    """The rule above for the actor (`name`, `email`) doing `what` ("resolve it", "put it on
    hold", "resume it", "add a public note to it") on `ticket` today (`now`, the command's
    clock).

    Returns (overrides, warnings): `overrides` the problem a forced action overrode ("gchen
    is in IS-Email & Collaboration, not IS-Service Desk"), empty when the actor may act;
    `warnings` one line when the actor is a technician out of office today. Raises
    SdeskError (one line, nothing written) when the actor may not act and `force` is False;
    the message offers `instead` as the way out when given (a command without --force),
    else --force."""
    from sdesk.core.actors import find_me

    tech = find_me(name, email, ref)
    problem = _problem(ticket.team, tech, email, ref)
    warnings: list[str] = []
    if tech is not None:
        away = tech.away_on(now.date())
        if away:
            warnings.append(f"{ticket.id}: {tech.id} is {away} (reference/technicians.toml); "
                            f"done as asked, correct out_of_office if they are back")
    if not problem:
        return [], warnings
    if not force:
        raise SdeskError(
            f"{ticket.id}: {problem}: only {ticket.team or ref.service_desk}'s technicians, "
            f"its supervisor or the Service Desk may {what} "
            f"({instead or '--force does it anyway, journaled'}; or ask the team)")
    return [problem], warnings


def _problem(team: str, tech: Technician | None, email: str, ref: Reference) -> str:
    """Why the actor may not act on a ticket of `team` ("" when they may)."""
    if tech is not None:
        if ref.is_service_desk(tech.team):
            return ""
        missing = team_problem(tech, team, ref)
        return f"{tech.id} {missing}" if missing else ""
    wanted = email.strip().casefold()
    led = [t for t in ref.teams.values() if wanted and t.supervisor.casefold() == wanted]
    if not led:
        return ""  # nobody the reference lists: a dispatcher at the desk (or a script)
    if any(ref.is_service_desk(t.name) or t.name.casefold() == team.strip().casefold()
           for t in led):
        return ""
    return f"{email} supervises {', '.join(t.name for t in led)}, not {team or ref.service_desk}"


def closed_is_final(ticket: Ticket) -> None:
    """Raise SdeskError when `ticket` is closed: the one message for every command that works a
    ticket (resolve, reopen, hold, resume, escalate, assign, take, start, priority, tasks).
    Closed tickets are final (docs/resolution.md "Reopen and close": the standard's closure
    ends the ticket's life; a problem that comes back is new work related to it), so a closed
    ticket is never told to be reopened (tester 40A finding 5: `resolve` said "reopen it
    first" while `reopen` refused it)."""
    if ticket.status == "closed":
        raise SdeskError(f"{ticket.id} is closed: closed tickets stay closed; log a new ticket "
                         f"and relate it (sdesk relate NEW-ID {ticket.id})")


def permit_actions(ticket: Ticket, name: str, email: str, ref: Reference, now: dt.datetime,
                   what: str, force: bool = False) -> list[Action]:
    """`may_act` as plan actions, to put before a command's plan: each warning as an Advice
    (said on stderr, a finding in --json) and, when `force` overrode the rule, an internal
    journal entry by the actor naming the override, so `git log -p` and `sdesk show` show who
    acted outside their team. SdeskError as `may_act` when refused."""
    from sdesk.core.model import journal_entry
    from sdesk.procedures.plan import AddEntry, Advice

    overrides, warnings = may_act(ticket, name, email, ref, now, what, force)
    out: list[Action] = [Advice(ticket.id, RULE, w, warning=True) for w in warnings]
    if overrides:
        text = f"Override (--force): {'; '.join(overrides)}; allowed to {what} all the same."
        out.append(AddEntry(ticket.id, RULE, "journal the override", entry=journal_entry(
            at=now, by=name, kind="note", rule=RULE, text=text)))
    return out
