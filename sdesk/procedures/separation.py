"""Carrying out a separation (guide incident-4: "one problem per ticket"; `sdesk split`,
docs/triage.md "Carrying out a separation"). Pure: the original ticket, the new ticket's ID,
what the dispatcher typed and the triage context in, one Plan out.

The further problem is logged as its own ticket for the original's requester (name, e-mail,
phone, agency), with the original's type (or the one given: a request separated from an
incident), channel, location, impact and urgency, opened when
the customer reported it (the original's opening: its Respond By and Resolve By run from
then, and a first response the customer already had counts for it too). A priority given or
decided on the original is not carried: the new ticket gets the SLA chart's priority for its
impact and urgency, and triage checks it against the work. The two are related, the original
is corrected to the problem it keeps (as `sdesk set` would), a pending separation proposal is
settled as accepted, and the new ticket is triaged; an original handed back `needs-separation`
is triaged again as `sdesk triage --recheck` would (the flag cleared, the rules run). The two
halves of a separation are never compared with each other by that triage: the dispatcher just
said they are two problems, so neither is the other's duplicate.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass

from sdesk.core.errors import NothingToDo, ValidationError
from sdesk.core.model import Requester, Ticket, check_text, check_title, journal_entry
from sdesk.procedures.plan import AddEntry, CreateTicket, Finding, Plan, SetField
from sdesk.procedures.proposals import ACCEPTED, readable, settle
from sdesk.procedures.stated import SPLIT, withdraw_read_from_text
from sdesk.procedures.triage import I4, TriageContext, _stamp, triage_ticket

RULE = I4  # the guide's rule a separation carries out
# a request's separation: the guide's request steps have no "one problem" step (incident-4 is
# an incident's), so the plan names the house standard, as corrections do (fresh30b finding 11)
RULE_OTHER = "standard: one problem per ticket"
HANDED_BACK = "needs-separation"


def rule_for(original: Ticket) -> str:
    """The rule a separation of `original` carries out: incident-4 for an incident, the house
    standard for a request."""
    return RULE if original.type == "incident" else RULE_OTHER


@dataclass(frozen=True)
class Separation:
    """What the dispatcher says of a separation: the new ticket's title (and description,
    service), and what the original keeps (None: unchanged)."""

    title: str
    description: str | None = None  # None: default_description (its title)
    service: str = ""
    type: str = ""  # "": the original's
    keep_title: str | None = None
    keep_description: str | None = None


def refusal(original: Ticket) -> str:
    """Why `original` cannot be separated ("" when it can): only an open ticket that is not a
    task (a task is its parent's work: `sdesk task` adds another)."""
    if not original.is_open:
        return (f"{original.id} is {original.status}: only an open ticket is separated; log "
                "the other problem with sdesk new and relate it (sdesk relate)")
    if original.type == "task":
        return (f"{original.id} is a task of {original.parent or 'no parent'}: add another "
                f"task for the other work (sdesk task new --parent {original.parent or 'ID'} "
                "-T \"...\")")
    return ""


def split(original: Ticket, new_id: str, spec: Separation, ctx: TriageContext) -> Plan:
    """The plan of a separation, in one commit: the new ticket logged and related, the
    original corrected and its separation proposal settled, then triage of both (`_triage`).
    ValidationError (one line) for an original that cannot be separated or bad input;
    ReferenceError for a service no team provides."""
    from sdesk.procedures.editing import changes, correct

    why = refusal(original)
    if why:
        raise ValidationError(why)
    ref, now, actor = ctx.reference, ctx.now, ctx.actor
    title = check_title("--title", spec.title)
    _refuse_kept_title(original, title, spec.keep_title)
    done = separated_as(original, title)
    if done:
        raise NothingToDo(f"{original.id}'s problem {title!r} is already separated as {done} "
                          f"(sdesk show {done})")
    description = default_description(title) if spec.description is None else (
        check_text("--description", spec.description))
    service = ref.service(spec.service) if spec.service.strip() else ""
    wanted: dict[str, str] = {}
    if spec.keep_title is not None:
        wanted["title"] = check_title("--keep", spec.keep_title)
    if spec.keep_description is not None:
        wanted["description"] = spec.keep_description
    found = changes(original, wanted, ref)
    new = _logged(original, new_id, title, description, service, spec.type, ctx)
    rule = rule_for(original)
    plan = Plan([CreateTicket(new.id, rule, f"separated from {original.id} and related to it; "
                              f"opened {_stamp(original.opened_at, ctx.reference.calendar.tz)}, when it "
                              "was reported",
                              new=new)])
    flags, carried = settle(original.flags, lambda kind, key: kind == "separation", ACCEPTED)
    settled = [readable(key) for _, key in carried]
    withdrawn = withdraw_read_from_text(
        original, flags, ("title", "description"), SPLIT, now, actor, also=("trend",),
        then="This split triages it again on what it keeps." if HANDED_BACK in original.flags
        else "")
    if flags != original.flags:
        said = ["separation proposal accepted: carried out"] if settled else []
        said += ["proposals read from the whole text withdrawn"] if withdrawn else []
        plan.add(SetField(original.id, rule, "; ".join(said), field="flags", value=flags))
    kept = copy.deepcopy(original)  # the correction starts from the flags settled above
    kept.flags = list(flags)
    plan.extend(correct(kept, found, ref, now, actor).actions)
    text = f"Separated: {new.id} {new.title!r} logged for the same requester."
    if settled:
        text += f" The separation proposal ({', '.join(settled)}) accepted: carried out."
    plan.add(AddEntry(original.id, rule, "journal", entry=journal_entry(
        at=now, by=actor, kind="relate", rule=rule, text=text)))
    plan.extend(withdrawn)
    plan.extend(_triage(original, new, plan, ctx).actions)
    return plan


_SEPARATED = re.compile(r"Separated: (\S+) ('.*'|\".*\") logged for the same requester\.")


def separated_as(original: Ticket, title: str) -> str:
    """The ID of the ticket an earlier split logged from `original` with this title (case and
    spacing aside); "" when none. Read from the original's journal entry
    the split wrote ("Separated: ID 'title' logged ..."): the same split run twice logged the
    same problem twice for the same requester (fresh-user finding 2, session 33)."""
    for entry in original.journal:
        if entry.kind != "relate" or entry.rule not in (RULE, RULE_OTHER):
            continue
        found = _SEPARATED.match(entry.text)
        if not found:
            continue
        try:
            earlier = ast.literal_eval(found.group(2))
        except (SyntaxError, ValueError):
            continue
        if isinstance(earlier, str) and _same_title(earlier, title):
            return found.group(1)
    return ""


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _refuse_kept_title(original: Ticket, title: str, keep: str | None) -> None:
    """A new title that is the problem the original keeps (its title, or --keep) would log
    that problem twice for the same requester with the same SLA (fresh30b finding 3)."""
    if keep is not None and _same_title(title, keep):
        raise ValidationError(f"--title {title!r} is the problem {original.id} keeps (--keep):"
                              " give the other problem's title")
    if _same_title(title, original.title):
        raise ValidationError(f"--title {title!r} is {original.id}'s own title: give the other "
                              "problem's title (and --keep for what the original keeps)")


def default_description(title: str) -> str:
    """The new ticket's description when --description is not given: its title. Not the
    original's description: it describes both problems, and triage read the other problem's
    words as this one's (fresh30b finding 4: on site proposed for a software install from the
    scanner's 'jams'). Nor a pointer to the original in words: triage reads those too (the
    learned on-site model weighs 'customers' +3.7 and 'separated' +2.7); the link to the
    original and its journal entry say where it came from."""
    return title


def _logged(original: Ticket, new_id: str, title: str, description: str, service: str,
            kind: str, ctx: TriageContext) -> Ticket:
    """The new ticket as `sdesk new` would log it for the original's requester, opened when
    the original was (its SLA runs from the customer's report), related to the original, its
    journal saying where it came from."""
    from sdesk.procedures.intake import Intake, log_ticket

    intake = Intake(type=kind or original.type, title=title, description=description,
                    channel=original.channel, requester=Requester(**vars(original.requester)),
                    service=service, impact=original.impact, urgency=original.urgency,
                    location=original.location)
    new = log_ticket(intake, new_id, ctx.reference, ctx.now, ctx.actor,
                     reported=original.opened_at)
    new.related = [original.id]
    new.first_response_at = original.first_response_at
    reported = _stamp(original.opened_at, ctx.reference.calendar.tz)
    new.journal.append(journal_entry(
        at=ctx.now, by=ctx.actor, kind="relate", rule=rule_for(original),
        text=f"Separated from {original.id} (reported {reported}) by {ctx.actor}: opened "
             f"when the customer reported it, so Respond By and Resolve By run from then."))
    return new


def _triage(original: Ticket, new: Ticket, plan: Plan, ctx: TriageContext) -> Plan:
    """Triage after the separation, on the tickets as the plan leaves them: the original again
    when it was handed back for separation (as `--recheck`: the flag cleared, the rules run),
    the new ticket as any new one. Each is triaged without the other in view (they are two
    problems by the dispatcher's decision, never each other's duplicate)."""
    out = Plan()
    view = ctx.view
    view.drop(new.id)
    if HANDED_BACK in original.flags:
        again = _after(original, plan)
        view.drop(original.id)
        one = triage_ticket(again, _rechecking(ctx, original.id))
        out.extend(one.actions)
    else:
        out.add(_finding(original))
    view.drop(original.id)
    out.extend(triage_ticket(_after(new, plan), ctx).actions)
    return out


def _rechecking(ctx: TriageContext, separated: str) -> TriageContext:
    """`ctx` re-checking, with `separated` the ticket whose needs-separation this split ends
    (a plain `--recheck` keeps that flag: triage._separation_pending)."""
    from dataclasses import replace

    return replace(ctx, recheck=True, separated=separated)


def _finding(original: Ticket) -> Finding:
    """Nothing to re-triage on an original not handed back for separation: said, unchanged."""
    return Finding(original.id, rule_for(original), f"not handed back for separation (status "
                                                    f"{original.status}): not triaged again")


def _after(ticket: Ticket, plan: Plan) -> Ticket:
    """A copy of `ticket` with the plan's changes to it applied (the plan's own objects are
    left as they are: the executor applies the same actions to them)."""
    t = copy.deepcopy(ticket)
    for action in plan.changes:
        if action.ticket == t.id and not isinstance(action, CreateTicket):
            action.apply(t)
    return t
