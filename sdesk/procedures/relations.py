"""Relations between tickets, as plans. Stored on one side, shown from both (sdesk show):

- related: listed in `related` of the ticket that was related (A when you run `relate A B`);
- duplicate: `duplicate_of` on the duplicate, pointing at the original;
- parent: `parent` on the child (or task), pointing at the parent case.

Pure: the tickets and the reference come in, a Plan goes out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sdesk.core import sla
from sdesk.core.errors import NothingToDo, ValidationError
from sdesk.core.model import INTERNAL, TITLE_MAX, Ticket, journal_entry
from sdesk.core.reference import Reference
from sdesk.core.ticketdoc import PARENT_RAISE_RULE
from sdesk.procedures.plan import AddEntry, Advice, CreateTicket, Plan, SetField
from sdesk.procedures.proposals import ACCEPTED, flag, named, pending, settle

KINDS = ("related", "duplicate", "parent")
RULE = "guide: relate the cases"


def links_between(a: Ticket, b: Ticket) -> list[tuple[Ticket, str]]:
    """Every stored link between a and b, as (ticket holding it, field)."""
    found: list[tuple[Ticket, str]] = []
    for holder, other in ((a, b), (b, a)):
        if other.id in holder.related:
            found.append((holder, "related"))
        if holder.duplicate_of == other.id:
            found.append((holder, "duplicate_of"))
        if holder.parent == other.id:
            found.append((holder, "parent"))
    return found


def relate(a: Ticket, b: Ticket, kind: str, now: dt.datetime, actor: str,
           parents: Mapping[str, str], ref: Reference) -> Plan:
    """A related to B, A a duplicate of B, or A a child of B. `parents` maps ticket IDs to
    their parent (from the index) so a parent loop is refused. A child settles its pending
    trend proposal, and a child more urgent than its open parent raises the parent's
    priority (`_raise_parent`)."""
    if kind not in KINDS:
        raise ValidationError(f"--as must be one of {', '.join(KINDS)}; got {kind!r}")
    if a.id == b.id:
        raise ValidationError(f"a ticket cannot be related to itself ({a.id})")
    if kind == "related":
        if b.id in a.related or a.id in b.related:
            raise NothingToDo(f"{a.id} and {b.id} are already related")
        return Plan([
            SetField(a.id, RULE, f"related to {b.id}", field="related",
                     value=sorted({*a.related, b.id})),
            AddEntry(a.id, RULE, "journal",
                     entry=journal_entry(now, actor, "relate", f"Related to {b.id}.", RULE)),
        ])
    if kind == "duplicate":
        if a.duplicate_of == b.id:
            raise NothingToDo(f"{a.id} is already a duplicate of {b.id}")
        if b.duplicate_of == a.id:
            raise ValidationError(f"{b.id} is already a duplicate of {a.id}; unrelate first")
        return Plan([
            SetField(a.id, RULE, f"duplicate of {b.id}", field="duplicate_of", value=b.id),
            AddEntry(a.id, RULE, "journal",
                     entry=journal_entry(now, actor, "relate",
                                         f"Marked as a duplicate of {b.id}.", RULE)),
            *_still_open(a, b),
        ])
    if a.parent == b.id:
        raise NothingToDo(f"{b.id} is already {a.id}'s parent")
    if a.type == "task" and a.parent:
        raise ValidationError(f"{a.id} is a task of {a.parent}; a task has one parent")
    _check_no_loop(a.id, b.id, parents)
    plan = Plan([SetField(a.id, RULE, f"child of {b.id}", field="parent", value=b.id)])
    text = f"Linked to parent {b.id}." + _settle_trend(plan, a.id, a.flags, b.id, RULE)
    plan.add(AddEntry(a.id, RULE, "journal", entry=journal_entry(now, actor, "relate", text,
                                                                 RULE)))
    if b.is_open and a.is_open and a.priority < b.priority:
        plan.extend(raise_parent(b, a.priority, [a.id], ref, now, actor, RULE).actions)
    return plan


def settled_trend(flags: Sequence[str]) -> list[str]:
    """`flags` with every pending trend proposal marked accepted: a report linked under a parent
    case is the trend carried out, so the proposal is settled (and, being decided, is never
    made again for the same reports)."""
    return settle(flags, lambda kind, key: kind == "trend", ACCEPTED)[0]


def _settle_trend(plan: Plan, child: str, flags: Sequence[str], parent: str, rule: str) -> str:
    """Add the flags change settling `child`'s pending trend proposal to `plan`; the sentence
    its journal entry says why with ("" when none was pending)."""
    settled = settled_trend(flags)
    if settled == list(flags):
        return ""
    plan.add(SetField(child, rule, f"trend proposal settled: a child of {parent}",
                      field="flags", value=settled))
    return f" The trend proposal is settled: the report is a child of {parent}."


def raise_parent(parent: Ticket, priority: int, children: Sequence[str], ref: Reference,
                  now: dt.datetime, actor: str, rule: str) -> Plan:
    """A parent case at least as urgent as its most urgent child: its priority raised to
    `priority`, Resolve By and Respond By recomputed from its own opening for that priority
    (the SLA chart, as `sdesk priority` does), and the journal saying why."""
    ids = ", ".join(children)
    due = sla.resolve_by_for(parent, priority, ref)
    return Plan([
        SetField(parent.id, rule, f"P{parent.priority} -> P{priority}: as urgent as its child "
                 f"{ids}", field="priority", value=priority),
        SetField(parent.id, rule, f"Resolve By for P{priority}", field="resolve_by", value=due),
        *([SetField(parent.id, rule, f"Respond By for P{priority}", field="respond_by",
                    value=respond)] if (respond := sla.respond_by_for(parent, priority, ref))
          else []),  # a parent made since session 39 is internal: no Respond By
        AddEntry(parent.id, rule, "journal", entry=journal_entry(
            now, actor, "priority",
            f"Priority raised from P{parent.priority} to P{priority} by the rule, not a "
            f"supervisor's decision: a parent case is at least as urgent as its most urgent "
            f"child ({ids}); Resolve By from the SLA chart for P{priority}.", PARENT_RAISE_RULE)),
        *_withdraw_met_proposals(parent, priority, now, actor, rule),
    ])


def _withdraw_met_proposals(parent: Ticket, priority: int, now: dt.datetime, actor: str,
                            rule: str) -> list[SetField | AddEntry]:
    """A pending priority proposal at or below the priority the parent is raised to (its
    child's `proposed:priority:P1` carried at creation, the parent now P1) is withdrawn: it
    asks for nothing the ticket does not already have (fresh-user finding, session 30: the
    stale proposal stayed until the resolution)."""
    kept, met = settle(parent.flags, lambda kind, key: kind == "priority"
                       and key[1:].isdigit() and int(key[1:]) >= priority)
    if not met:
        return []
    said = named(met)
    return [
        SetField(parent.id, rule, f"pending proposal withdrawn: {said}", field="flags",
                 value=kept),
        AddEntry(parent.id, rule, "journal", entry=journal_entry(
            now, actor, "note", f"Priority is now P{priority}, so the pending proposal is "
            f"withdrawn: {said}.", rule)),
    ]


def _check_no_loop(child: str, parent: str, parents: Mapping[str, str]) -> None:
    seen = {child}
    cursor = parent
    while cursor:
        if cursor in seen:
            raise ValidationError(f"{child} cannot be a child of {parent}: that makes a loop")
        seen.add(cursor)
        cursor = parents.get(cursor, "")


def unrelate(a: Ticket, b: Ticket, now: dt.datetime, actor: str) -> Plan:
    links = links_between(a, b)
    if not links:
        raise NothingToDo(f"{a.id} and {b.id} are not related")
    plan = Plan()
    for holder, name in links:
        other = b.id if holder is a else a.id
        value: object = [r for r in holder.related if r != other] if name == "related" else ""
        plan.add(SetField(holder.id, "unrelate", f"no longer {name} {other}", field=name,
                          value=value))
        plan.add(AddEntry(holder.id, "unrelate", "journal", entry=journal_entry(
            now, actor, "relate", f"Removed relation {name.replace('_', ' ')} {other}.",
            "unrelate")))
    return plan


@dataclass(frozen=True, slots=True)
class Peer:
    """What triage and parent cases need to know of another ticket: one index row, so a batch
    over a 10,000-ticket store never parses the other tickets' files."""

    id: str
    type: str
    status: str
    title: str
    service: str
    requester_email: str
    opened_at: dt.datetime
    priority: int = 3
    team: str = ""
    assignee: str = ""
    parent: str = ""
    flags: tuple[str, ...] = ()
    agency: str = ""  # the requester's agency (a trend never joins two people's own devices
    # at different agencies: trend_groups.trend_groups)
    channel: str = ""  # how it came in (a parent case takes its reports': parent_case)
    # the original a resolved duplicate points at ("" from the index's open peers: an open
    # ticket is nobody's duplicate); an accepted duplicate follows it (triage_review._original)
    duplicate_of: str = ""

    @classmethod
    def of(cls, t: Ticket) -> Peer:
        return cls(t.id, t.type, t.status, t.title, t.service, t.requester.email.lower(),
                   t.opened_at, t.priority, t.team, t.assignee, t.parent, tuple(t.flags),
                   t.requester.agency, t.channel, t.duplicate_of)


PARENT_LOGGED = "Parent case logged by "  # the first words of a parent case's first journal entry


def is_parent_case(t: Ticket) -> bool:
    """Whether `t` was logged as a parent case (`parent_case`: its first journal entry says so),
    whichever command logged it. Its priority is the rule's (its most urgent child's,
    PARENT_RAISE_RULE) and its children's carried proposals; its text is generated."""
    return bool(t.journal) and t.journal[0].kind == "system" and t.journal[0].text.startswith(
        PARENT_LOGGED)


def parent_case(children: Sequence[Peer], new_id: Callable[[str], str], ref: Reference,
                now: dt.datetime, actor: str, rule: str, title: str = "",
                ticket_type: str = "") -> Plan:
    """The guide's "Parent Case" for a trend: one new ticket on the service most children name
    (`majority`: not the first-opened odd one out; the plan warns of mixed services,
    `mixed_services`, and advises triaging the parent: `Advice`, said by every command that
    makes a parent), owned by the team that provides it, and every child linked to it, its
    pending trend proposal settled. What the children know is carried at creation
    (fresh-user finding, session 30: the parent of a "whole office" Wi-Fi outage sat at P3,
    with no agency, "via phone"):
    - priority: the most urgent child's (a parent is at least as urgent as its worst child,
      as `raise_parent` keeps it later), Resolve By from the SLA chart for it (`log_ticket`);
      wherever it differs from the impact x urgency matrix (above it, or below: a parent of
      P4 reports is P4 with P3's impact and urgency), the journal says the rule set it
      (PARENT_RAISE_RULE), so triage does not flag it for the supervisor;
    - a child's pending priority proposal more urgent than that: proposed on the parent too
      (`_carried_priority`), for the supervisor to decide;
    - agency: the one the children name, when they name one (the Supported Agencies check);
    - channel: internal (the desk made it; not a customer contact: left out of the response
      SLA and the resolution measures, and counted apart in `kpi`'s channels; session 39: it
      took the children's, and a trend of calls counted as one more phone call);
    - requester: none. The customers are the children's requesters (each told when the parent
      resolves its children); who logged the parent is in its journal."""
    from sdesk.core.model import Requester
    from sdesk.procedures.intake import Intake, log_ticket

    if not children:
        raise ValidationError("a parent case needs at least one child (--from ID...)")
    for child in children:
        if child.parent:
            raise ValidationError(f"{child.id} already has a parent ({child.parent})")
    first = min(children, key=lambda t: (t.opened_at, t.id))
    types = {c.type for c in children}
    kind = ticket_type or (types.pop() if len(types) == 1 else "case")
    service = majority(children, "service")
    providers = ref.teams_for_service(service) if service else []
    team = providers[0].name if providers else majority(children, "team")
    agencies = {c.agency for c in children if c.agency}
    agency = agencies.pop() if len(agencies) == 1 else ""
    worst = min(children, key=lambda c: (c.priority, c.opened_at, c.id))
    ids = ", ".join(c.id for c in children)
    intake = Intake(type=kind, title=title or f"Parent: {first.title}"[:TITLE_MAX],
                    service=service, channel=INTERNAL, requester=Requester(agency=agency),
                    team=team, priority=worst.priority,
                    description=f"Parent case for {len(children)} reports of one problem: {ids}.")
    parent = log_ticket(intake, new_id(kind), ref, now, actor)
    _journal_as_parent(parent, children, worst.id, ref, now, actor, rule)
    plan = Plan([CreateTicket(parent.id, rule, f"parent case for {ids}", new=parent),
                 *_advice(parent.id, children, rule)])
    for child in children:
        plan.add(SetField(child.id, rule, f"child of {parent.id}", field="parent",
                          value=parent.id))
        settled = _settle_trend(plan, child.id, child.flags, parent.id, rule)
        plan.add(AddEntry(child.id, rule, "journal", entry=journal_entry(
            now, actor, "relate",
            f"Linked to parent case {parent.id} (one problem, many reporters).{settled}", rule)))
    return plan


def _still_open(a: Ticket, b: Ticket) -> list[Advice]:
    """What the dispatcher is told when `relate A B --as duplicate` leaves A open and A or B
    was triaged already (status past new): relating does not resolve, and triage, which
    resolves an accepted duplicate, does not read a triaged ticket again, so A would stay in
    the queue (session 36's fresh user). The next step is `sdesk resolve`; nothing for a
    closed A, nor while both are new (triage will judge them)."""
    if not a.is_open or (a.status == "new" and b.status == "new"):
        return []
    return [Advice(a.id, RULE, f"{a.id} is still {a.status}: relating does not resolve it; "
                               f"to close it as a duplicate: sdesk resolve {a.id} "
                               f"--duplicate-of {b.id} --summary '...'")]


def _advice(parent: str, children: Sequence[Peer], rule: str) -> list[Advice]:
    """What the person who makes the parent case is told, whichever command makes it: the
    children's mixed services (`mixed_services`), and that the parent is logged `new` like any
    ticket, so assignment takes it once triage has readied it (fresh-user finding, session
    29: `assign --team` then skipped the P1 parent unsaid)."""
    mixed = mixed_services(children)
    return [*([Advice(parent, rule, mixed, warning=True)] if mixed else []),
            Advice(parent, rule, f"{parent} is new; triage it before it is assigned: sdesk "
                                 f"triage {parent}")]


def majority(children: Sequence[Peer], field: str) -> str:
    """The value of `field` (service, team, channel) most of the `children` have, ties to the
    earliest report's (the first opened among those tied), "" when none has one. A parent case
    of four Teams reports and one odd Software Install ticket is the Teams team's, whichever
    was opened first (fresh-user finding, session 30)."""
    ordered = sorted(children, key=lambda c: (c.opened_at, c.id))
    values = [str(getattr(c, field)) for c in ordered if getattr(c, field)]
    counts = Counter(values)  # linear: --create-parents may make a parent of hundreds
    return max(values, key=counts.__getitem__) if values else ""  # max keeps a tie's first


def mixed_services(children: Sequence[Peer]) -> str:
    """One line when the `children` name different services (the parent takes the majority's,
    `majority`), naming each service with its reports; "" when they agree (a report without a
    service differs from none)."""
    ordered = sorted(children, key=lambda c: (c.opened_at, c.id))
    by: dict[str, list[str]] = {}
    for c in ordered:
        if c.service:
            by.setdefault(c.service, []).append(c.id)
    if len(by) < 2:
        return ""
    said = "; ".join(f"{name}: {', '.join(ids)}" for name, ids in
                     sorted(by.items(), key=lambda kv: -len(kv[1])))
    return (f"the reports name different services ({said}); the parent takes "
            f"{majority(children, 'service')!r}, the most reports'")


def _journal_as_parent(parent: Ticket, children: Sequence[Peer], worst: str,
                       ref: Reference, now: dt.datetime, actor: str, rule: str) -> None:
    """The new `parent`'s journal: how it was logged (for which reports, channel internal, the
    agency it took from them, no requester), the priority the rule gave it when it differs from the
    impact x urgency matrix (from its most urgent child, `worst`), and a child's stronger pending
    priority proposal carried (`_carried_priority`)."""
    ids = ", ".join(c.id for c in children)
    agency = parent.requester.agency
    parent.journal[0] = journal_entry(now, actor, "system", (
        f"{PARENT_LOGGED}{actor} for {len(children)} reports: {ids}; channel "
        f"{parent.channel} (made by the desk, not a customer contact); agency "
        f"{agency or '- (the reports name none, or several)'}"
        f"; no requester (the reports' requesters are the customers); priority "
        f"P{parent.priority}."))
    matrix = ref.sla.priority_for(parent.impact, parent.urgency)
    if parent.priority != matrix:  # either way: the rule's priority, not a misfit to review
        why = (f"is at least as urgent as its most urgent child ({worst})"
               if parent.priority < matrix else f"takes its most urgent child's priority "
               f"({worst}), below the P{matrix} its impact x urgency give")
        parent.journal.append(journal_entry(
            now, actor, "priority",
            f"Priority P{parent.priority} at creation by the rule, not a supervisor's "
            f"decision: a parent case {why}; Resolve By from the SLA chart for "
            f"P{parent.priority}.", PARENT_RAISE_RULE))
    _carried_priority(parent, children, now, actor, rule)


def _carried_priority(parent: Ticket, children: Sequence[Peer], now: dt.datetime, actor: str,
                      rule: str) -> None:
    """The most urgent priority a child's pending proposal (`proposed:priority:PX`) names,
    when more urgent than the new `parent`'s: proposed on the parent as well, with the note
    the dispatcher answers (`sdesk triage PARENT --accept priority` flags it for the
    supervisor, as on the child). The child's proposal stays: the supervisor decides either."""
    proposed = [(int(key[1:]), c.id) for c in children for kind, key in pending(c.flags)
                if kind == "priority" and key[1:].isdigit()]
    if not proposed:
        return
    level, child = min(proposed)
    if level >= parent.priority:
        return
    key = f"P{level}"
    parent.flags.append(flag("priority", key))
    parent.journal.append(journal_entry(now, actor, "triage", (
        f"Proposed (priority): its child {child} is proposed {key} (see {child}'s triage "
        f"note), the parent case is P{parent.priority}; the supervisor decides. Accept: sdesk "
        f"triage {parent.id} --accept priority; reject: sdesk triage {parent.id} --reject "
        "priority."), rule))


def duplicate_via_entry(ticket_id: str, via: Sequence[str], original: str, now: dt.datetime,
                        actor: str) -> AddEntry:
    """The journal entry saying --duplicate-of named a resolved duplicate (`via`: the chain
    followed, `duplicate_chain`) and the ticket is resolved against the `original` at its end."""
    chain = " -> ".join([*via, original])
    return AddEntry(ticket_id, "guide: resolve duplicates", "journal", entry=journal_entry(
        now, actor, "resolve", f"--duplicate-of {via[0]} is itself resolved as a duplicate "
        f"({chain}): resolved as a duplicate of the original, {original}.",
        "guide: resolve duplicates"))


def duplicate_chain(named: str, ticket_id: str,
                    duplicate_of: Callable[[str], str]) -> tuple[list[str], str]:
    """The duplicate chain from `named` to the original (the guide's "resolve the duplicates":
    a duplicate points at the original; session 38). `duplicate_of(id)`: that ticket's original
    when it is resolved or closed as a duplicate, else "". Returns (chain, `named` first and
    the original last; "") or, looping or back at `ticket_id`, (chain so far, the ID met)."""
    chain = [named]
    while (after := duplicate_of(chain[-1])) and after not in (*chain, ticket_id):
        chain.append(after)
    return chain, after
