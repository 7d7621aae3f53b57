"""The dispatcher's review of triage proposals: accept or reject each pending proposal
(`sdesk triage ID --accept KIND`, `--reject KIND`, or `--review` on a terminal). Pure:
tickets and the triage context in, a Plan out. docs/triage.md, "Proposals".

Accepting carries the judgement out: a duplicate is resolved (the customer is told), a
separation hands the ticket back to the Service Desk (leads mailed), a trend mails the
supervisor of every team its reports are logged against or proposed for, a priority is flagged
for the supervisor's decision (sdesk priority), on site sets remote = false, a request kind
sets the category and routes the request by it, a service sets the service and triages the
ticket again (as `--recheck` after `sdesk set`). Rejecting changes nothing else. Either way
the decision is kept on the ticket (`accepted:`/`rejected:` flags) and the same proposal is never made again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from sdesk.core.model import Ticket
from sdesk.core.ticketdoc import TicketView
from sdesk.procedures.duplicates import refuse_final_original
from sdesk.procedures.plan import Notify, Plan, one_per_field
from sdesk.procedures.proposals import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    UNANSWERED,
    UNASKED,
    flag,
    logged_as,
    pending,
    readable,
    service_recorded,
    trend_key,
)
from sdesk.procedures.rejections import after_rejection, rejection_said, taken_back
from sdesk.procedures.relations import Peer, duplicate_chain
from sdesk.procedures.request_kind import KINDS as REQUEST_KINDS
from sdesk.procedures.triage import (
    I1,
    I2,
    I4,
    I5,
    I6,
    ON_SITE,
    REVIEW,
    TriageContext,
    _Draft,
    _flag_priority,
    _incident,
    _team,
    priority_review_notice,
    resolve_duplicate,
    supervisor_of,
    tell_trend,
    told_teams,
    trend_notice,
    trend_teams,
)
from sdesk.procedures.triage_requests import R1, R5

RETYPE = "standard: requests by email (an incident that is a request)"  # procedures.retype

RULES = {"duplicate": I5, "separation": I4, "trend": I6, "priority": I2, "on-site": ON_SITE,
         "kind": R1, "service": I1, "request": RETYPE}


def _rule(t: Ticket, kind: str) -> str:
    """The rule a decision on a proposal names: RULES, but a request's or case's service
    proposal was made where its route needed the service (request-5, triage_requests.route)."""
    return R5 if kind == "service" and t.type != "incident" else RULES[kind]


def review(tickets: Iterable[Ticket], accept: list[str], reject: list[str],
           ctx: TriageContext,
           answers: Mapping[str, Mapping[tuple[str, str], str]] | None = None, again: bool = False) -> Plan:
    """Accept the pending proposals of the kinds in `accept`, reject those in `reject` (a
    kind in both is refused by the command), on each ticket; `answers` are the dispatcher's
    answers on a terminal (`--review`), ticket by ticket: ID -> (kind, key) -> accepted,
    rejected or skipped (or unasked: the review stopped before it), each proposal its own. A
    skipped or unasked proposal stays pending and the plan says so; a finding when none is
    pending (a rejected one said), one for a service proposal on a ticket that has a service
    (`_stale_service`); `again`: rejected ones accepted after all (rejections.taken_back)."""
    plan = Plan()
    trends, reviews = _Trends(), dict[str, list[tuple[Ticket, str, int]]]()
    for ticket in tickets:
        d = _Draft(ticket, ctx)
        mine = (answers or {}).get(ticket.id, {})
        done, skipped, unanswered, unasked = False, [], [], []
        for kind, key in [*pending(ticket.flags), *(taken_back(d, accept) if again else ())]:
            if flag(kind, key) not in d.flags:  # withdrawn: an accepted duplicate resolved it
                continue
            state = (ACCEPTED if kind in accept else REJECTED if kind in reject
                     else mine.get((kind, key), ""))
            if state == ACCEPTED and kind == "service" and ticket.service:
                d.find(_rule(ticket, kind), _stale_service(ticket, key))  # this one skipped,
                done = True  # the rest of the batch goes ahead (review, session 30: it raised)
            elif state == ACCEPTED:
                _accept(d, kind, key, trends, reviews)
                done = True
            elif state == REJECTED:
                _decide(d, kind, key, REJECTED)
                d.note(_rule(d.t, kind), f"Rejected by {ctx.actor}: the {kind} proposal "
                                    f"({proposal_named(d.t, kind, key, ctx.view.peers)}); "
                                    "not proposed again for the same evidence.")
                after_rejection(d, kind, key)
                done = True
            elif state == SKIPPED:
                skipped.append(f"{kind} ({proposal_named(ticket, kind, key, ctx.view.peers)})")
            elif state == UNANSWERED:
                unanswered.append(
                    f"{kind} ({proposal_named(ticket, kind, key, ctx.view.peers)})")
            elif state == UNASKED:
                unasked.append(f"{kind} ({proposal_named(ticket, kind, key, ctx.view.peers)})")
        if skipped:
            d.find(REVIEW, f"skipped by your answer, still pending: {', '.join(skipped)}")
        if unanswered:
            d.find(REVIEW, f"unanswered (you stopped the review at it), still pending: "
                           f"{', '.join(unanswered)}")
        if unasked:
            d.find(REVIEW, f"not asked (you stopped the review), still pending: "
                           f"{', '.join(unasked)}")
        if not (done or skipped or unanswered or unasked):
            shown = ", ".join(f"{k} ({proposal_named(ticket, k, v, ctx.view.peers)})"
                              for k, v in pending(ticket.flags)) or "none"
            asked = "/".join(accept + reject)
            d.find(REVIEW, f"no pending {asked + ' ' if asked else ''}proposal (pending: {shown})"
                           + (_pick_service(ticket, ctx) if "service" in accept + reject
                              else "") + rejection_said(ticket, accept, ctx))
        plan.extend(one_per_field(d.plan.actions))  # each field set once, its last value
    plan.extend(trends.notices())
    plan.extend(priority_review_notice(s, flagged) for s, flagged in reviews.items())
    return plan


# The priorities accepted for review in one run, by supervisor: one mail each, naming every
# ticket (`priority_review_notice`), as `_Trends` does for trends.
_Reviews = dict[str, list[tuple[Ticket, str, int]]]


class _Trends:
    """The trends accepted in one review, grouped: tickets whose trend evidence names a ticket
    in common are one trend group, and its supervisors get one mail naming every ticket
    accepted (fresh-user finding, session 30: `--accept trend` on five reports of one outage
    mailed the supervisor five times)."""

    def __init__(self) -> None:
        self.groups: list[tuple[set[str], list[tuple[Ticket, list[str], str]]]] = []

    def add(self, ticket: Ticket, supervisors: list[str], why: str) -> None:
        members = set(_IDS.findall(why)) | {ticket.id}
        joined = [g for g in self.groups if g[0] & members]
        for g in joined:
            self.groups.remove(g)
            members |= g[0]
        accepted = [one for g in joined for one in g[1]] + [(ticket, supervisors, why)]
        self.groups.append((members, accepted))

    def notices(self) -> list[Notify]:
        out = []
        for _, accepted in self.groups:
            first, _, why = accepted[0]
            out.append(trend_notice(first, [s for _, told, _ in accepted for s in told], why,
                                    [t.id for t, _, _ in accepted]))
        return out


def _stale_service(ticket: Ticket, key: str) -> str:
    """Why a service proposal is not accepted on a ticket that has a service (recorded before
    `sdesk set` settled the proposal, session 30): accepting it would overwrite the
    dispatcher's service without routing the ticket again (fresh-user finding 1, session 30).
    The proposal is read as a recorded service reads it (proposals.service_recorded); it stays
    pending, and the rest of the review goes ahead."""
    _, taken, _ = service_recorded(ticket.flags, ticket.service)
    why = "names the service it has" if key in taken else "is out of date"
    return (f"{ticket.id} already has service {ticket.service!r}: the service proposal "
            f"({readable(key)}) {why}, not accepted, still pending; drop it with sdesk triage "
            f"{ticket.id} --reject service (sdesk set {ticket.id} service=NAME changes the "
            "service)")


def _pick_service(ticket: Ticket, ctx: TriageContext) -> str:
    """How to give a ticket without a service the one it is about when none is proposed: its
    text names several (or a rejected one), so `sdesk set` picks (fresh-user finding E3,
    session 29: `--accept service` said only that nothing was pending)."""
    import shlex

    from sdesk.procedures.two_problems import services_a_title_names

    if ticket.service:
        return ""
    named = list(services_a_title_names(ticket.title, ctx.reference))
    if not named:
        return f"; set the service with sdesk set {ticket.id} service=NAME"
    picks = " or ".join(shlex.quote(f"service={name}") for name in named)
    return (f"; the text names {', '.join(named)}: set the one it is about with sdesk set "
            f"{ticket.id} {picks}")


def same_proposal(t: Ticket, kind: str, key: str) -> tuple[str, ...]:
    """What makes two tickets' pending proposals the same proposal on the same evidence, so
    that one answer on a terminal may count for both (`--review`): a trend's key names its
    reports (the same group, whichever ticket it is read from); any other proposal is the
    same when its key and its evidence are, read with the ticket IDs it names taken out and
    kept as a set, this ticket's own counted in when others are ("4 people report it (B, C, D and this one)"
    on A is the same evidence as "(A, C, D and this one)" on B). A priority proposed for a
    VIP and one proposed for five reports are two proposals: each is asked (fresh-user
    finding, session 29: answering n for one rejected the other). A learned model's score is
    left out: the chart model weighs how many people reported before each report, so three
    reports of one outage score 0.49, 0.52, 0.52 on the same words (session 35)."""
    if kind == "trend":
        return (kind, key)
    said = _SCORE.sub("score #", evidence(t, kind, key))
    named = set(_IDS.findall(said))
    named |= {t.id} if named else set()  # evidence naming no ticket is the same on any ticket
    return (kind, key, _IDS.sub("#", said.replace(t.id, "#")), *sorted(named))


_IDS = re.compile(r"\b[A-Z]{2,8}-[0-9A-HJKMNP-TV-Z]{11,12}\b")
_SCORE = re.compile(r"\bscore \d+\.\d+")


def _decide(d: _Draft, kind: str, key: str, state: str) -> None:
    """The proposal's flag becomes the decision's (`accepted:`/`rejected:KIND:KEY`, last), in
    one change of `flags` (it was two: the proposal dropped, then the decision added)."""
    decided = flag(kind, key, state)
    d.flags = [f for f in d.flags if f not in (flag(kind, key), decided)] + [decided]
    d.set(_rule(d.t, kind),
          f"{kind} ({proposal_named(d.t, kind, key, d.ctx.view.peers)}) {state} by {d.ctx.actor}",
          "flags",
          list(d.flags))


def _accept(d: _Draft, kind: str, key: str, trends: _Trends, reviews: _Reviews) -> None:
    _decide(d, kind, key, ACCEPTED)
    rule, actor = _rule(d.t, kind), d.ctx.actor
    said = evidence(d.t, kind, key)
    d.note(rule, f"Accepted by {actor}: the {kind} proposal "
                 f"({proposal_named(d.t, kind, key, d.ctx.view.peers)}).")
    if kind == "duplicate":
        chain, peer = _original(d, key)
        first = chain[-1]  # the end of the duplicate chain: where the work goes on
        via = (f"; {key} is itself resolved as a duplicate ({' -> '.join(chain)}), so this "
               f"is resolved as a duplicate of the original, {first}") if len(chain) > 1 else ""
        # the evidence is in the proposal's note already: not repeated in the resolution's
        resolve_duplicate(d, first, peer.title if peer else first,
                          f"accepted by {actor}{via} (the evidence: the proposal's note)")
    elif kind == "separation":
        what = "the problems the title names" if key == "title" else readable(key).replace(" + ", " and ")
        d.hand_back(I4, "needs-separation", f"separate it: {what} (accepted by {actor})")
    elif kind == "trend":  # mailed once per trend group, after every ticket (_Trends)
        me = replace(Peer.of(d.t), team=d.team, flags=tuple(d.flags))
        named = [d.ctx.view.peers[i] for i in dict.fromkeys(_IDS.findall(said))
                 if i != d.t.id and i in d.ctx.view.peers]
        teams = trend_teams(d.ref, [me, *named])
        tell_trend(d, teams, "", mail=False)
        # a supervisor a report of this trend already told is not mailed again (session 33's
        # tester: accepting on a second report of one trend mailed the supervisor twice)
        told = told_teams(d.ref, named)
        untold = [one for one in teams
                  if (one.name if one is not None else d.ref.service_desk).casefold() not in told]
        if untold:
            trends.add(d.t, [supervisor_of(d.ref, one) for one in untold],
                       f"{said} (accepted by {actor})")
        else:
            d.note(rule, "Not mailed again: the supervisor was told of this trend already.")
    elif kind == "priority":
        expected = int(key.lstrip("P") or d.t.priority)
        why = f"{said} (accepted by {actor})"
        supervisor = _flag_priority(d, _team(d.ref, d.team), why, expected, mail=False)
        reviews.setdefault(supervisor, []).append((d.t, why, expected))
    elif kind == "on-site":
        d.set(ON_SITE, f"on site (accepted by {actor})", "remote", False)
    elif kind == "kind":
        _accept_kind(d, key, actor)
    elif kind == "service":
        _accept_service(d, key, actor)
    elif kind == "request":  # logged as a request, as sdesk set ID type=request (session 39)
        from sdesk.procedures.retype import accept  # it imports triage, as this module does

        accept(d, actor)


def _original(d: _Draft, key: str) -> tuple[list[str], Peer | None]:
    """The duplicate chain from the earlier report a duplicate proposal names to the original
    (`key` first, the original last: a named report resolved as a duplicate itself points at
    its original, and so on; session 38: accepting pointed at the resolved duplicate), and the
    original, open or not (None when it is gone). ValidationError when the chain loops or
    comes back to this ticket, or when the original is resolved or closed: accepting would
    close this ticket telling the customer "we will keep you updated there" about finished
    work (fresh-user issue 11, session 34); the dispatcher reopens the original first, or
    rejects the proposal."""
    from sdesk.core.errors import ValidationError

    def peer_of(ticket_id: str) -> Peer | None:
        found = d.ctx.view.peers.get(ticket_id)
        if found is None and d.ctx.peer_of is not None:
            found = d.ctx.peer_of(ticket_id)
        return found

    chain, back = duplicate_chain(key, d.t.id, lambda i: p.duplicate_of if (p := peer_of(i))
                                  and p.status in ("resolved", "closed") else "")
    if back:
        raise ValidationError(
            f"{d.t.id}: the duplicate proposal names {key}, whose duplicate chain "
            f"{' -> '.join([*chain, back])} comes back on itself: no original "
            f"to resolve it against; sdesk triage {d.t.id} --reject duplicate keeps "
            f"{d.t.id}, and sdesk show {key} says what to correct")
    peer = peer_of(chain[-1])
    if peer is not None:  # one rule with `sdesk resolve --duplicate-of` (session 39)
        refuse_final_original(d.t.id, chain, peer.status, peer.title,
                              what="the duplicate proposal", doing="accepting",
                              retry="accept again",
                              instead=f"sdesk triage {d.t.id} --reject duplicate to keep "
                                      f"{d.t.id}", moved=logged_as(peer.flags))
    return chain, peer


def _accept_service(d: _Draft, key: str, actor: str) -> None:
    """The service the title names, accepted: recorded as the ticket's service, and a ticket
    nobody has taken yet, handed back for want of one, is triaged again with it, as
    `sdesk set ID service=...` then `sdesk triage ID --recheck` would: an incident routed to
    the team that provides it (or handed back if that team does not support the agency); a
    request through the request steps again (the service's kind may decide hardware or
    software, its team the route)."""
    import dataclasses

    from sdesk.procedures.triage_requests import request

    rule = _rule(d.t, "service")
    service = d.ref.service(key.replace("_", " "))
    d.set(rule, f"{service} (accepted by {actor})", "service", service)
    kinds = [k for k in REQUEST_KINDS if flag("kind", k, ACCEPTED) in d.flags
             and flag("kind", k, ACCEPTED) not in d.t.flags]
    if kinds:  # the kind accepted in this review routed the request: not routed twice
        d.find(rule, f"the service is recorded; the request was routed by the kind accepted "
                     f"in this review ({kinds[0]}): the kind wins, not routed again")
        return
    if d.t.assignee or d.t.status != "new" or d.t.type == "task":
        d.find(rule, f"{d.t.status}, {d.t.assignee or 'unassigned'}: the service is recorded, "
                     "the ticket is not routed again")
        return
    d.unflag(["needs-service"], rule, "the service is recorded")
    d.t = dataclasses.replace(d.t, service=service)
    if d.t.type == "incident":
        _incident(d)
    else:
        request(d)


def _accept_kind(d: _Draft, kind: str, actor: str) -> None:
    """The request's kind, accepted: recorded as its category, and a request nobody has taken
    yet is routed by it (hardware to the Asset Team, software through the list's checks)."""
    import dataclasses

    from sdesk.procedures.triage_requests import route

    d.set(R1, f"{kind} (accepted by {actor})", "category", kind)
    if d.t.assignee or d.t.status not in ("new", "triaged"):
        d.find(R1, f"{d.t.status}, {d.t.assignee or 'unassigned'}: the category is recorded, "
                   "the request is not routed again")
        return
    if "needs-service" in d.flags:  # handed back for want of a service: the kind may route
        # it without one (hardware); if the route still needs it, it stays handed back
        d.recheck(["needs-service"], R1, "re-checked with the kind")
    d.t = dataclasses.replace(d.t, category=kind)
    route(d, kind)


def evidence(t: Ticket | TicketView, kind: str, key: str = "") -> str:
    """The evidence the proposal carried: its triage note, without the how-to-answer tail. A
    duplicate's is the note naming the ticket it is proposed a duplicate of: one ticket may
    hold two (review, session 30: `--review` showed the later one's evidence for both)."""
    head = f"Proposed ({kind}): "
    texts = [entry.text for entry in t.journal if entry.text.startswith(head)]
    if kind == "duplicate" and key:
        texts = [text for text in texts if re.search(rf"\b{re.escape(key)}\b", text)] or texts
    elif kind == "trend" and key:  # the note whose reports make this KEY (tester 39b, 12)
        texts = [text for text in texts if trend_key(text) == key] or texts
    if texts:
        return texts[-1][len(head):].split(". Accept: ")[0]
    return f"the {kind} proposal"


def proposal_named(t: Ticket | TicketView, kind: str, key: str,
                   peers: Mapping[str, Peer] | None = None) -> str:
    """A proposal's KEY as a person reads it in prose (notes, plan lines, prompts, `show`):
    `readable(key)`, but a trend's KEY is a digest of its reports' IDs (a flag's key, not a
    name): the trend is named by its first report, the earliest opened of those its evidence
    names that `peers` (or `t` itself) knows, with its title, and how many reports and people
    ("INC-2Q4W4 'VPN down' and 2 more: 3 reports, 3 people"); without `peers`, how many
    ("3 reports, 3 people"). Session 34: accepting a trend noted "the trend proposal
    (9a29c96584)"."""
    if kind != "trend":
        return readable(key)
    said = evidence(t, kind, key)
    ids = list(dict.fromkeys(_IDS.findall(said))) or [t.id]
    people = re.match(r"(\d+) people\b", said)
    count = f"{len(ids)} reports" + (f", {people.group(1)} people" if people else "")
    if peers is None:  # the other reports unknown (`show` reads one file): no first report
        return count
    known = {i: (p.opened_at, p.title) for i, p in peers.items() if i in ids}
    known[t.id] = (t.opened_at, t.title)
    first = min((i for i in ids if i in known), key=lambda i: (known[i][0], i))
    more = f" and {len(ids) - 1} more: {count}" if len(ids) > 1 else ""
    return f"{first} {known[first][1]!r}{more}"
