"""Proposals: the dispatcher's judgements that triage proposes rather than applies (docs/triage.md,
"Proposals"). A pending proposal is the ticket flag `proposed:KIND:KEY`; a rejected one is
`rejected:KIND:KEY`, kept so the same proposal (same KIND, same evidence KEY) is never made
again. KEY names the evidence: the earlier ticket for a duplicate, the services for a
separation, the proposed priority, the request kind (hardware/software), the reports of a
trend (a short digest of their IDs), the service the title names for an incident logged
without one.
The evidence itself (other tickets, matched words, score) is in the triage journal note that
made the proposal and in the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

KINDS = ("duplicate", "separation", "trend", "priority", "on-site", "kind", "service",
         "request")  # request: an e-mail incident logged as a request (session 39)
PROPOSED = "proposed"
ACCEPTED = "accepted"
REJECTED = "rejected"
SKIPPED = "skipped"  # an answer on a terminal (--review): left pending
UNASKED = "unasked"  # --review stopped (q or Ctrl-D) before asking it: left pending
UNANSWERED = "unanswered"  # the proposal asked when --review was stopped: left pending


def flag(kind: str, key: str, state: str = PROPOSED) -> str:
    """The flag for a proposal: `proposed:KIND:KEY` (or `rejected:...`); KEY without spaces."""
    return f"{state}:{kind}:{'_'.join(key.split())}"


def readable(key: str) -> str:
    """A proposal's KEY as a person reads it: the flag's underscores are spaces again and the
    services of a separation are joined by " + " ("Hardware_Request+VPN" is "Hardware Request
    + VPN"). Flags keep the key; every line a person reads (plan, journal, show, mail) shows
    this (fresh-user finding, session 29)."""
    return " + ".join(part.replace("_", " ") for part in key.split("+"))


def pending(flags: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, key) of every pending proposal among a ticket's flags, in flag order."""
    out = []
    for f in flags:
        state, _, rest = f.partition(":")
        kind, _, key = rest.partition(":")
        if state == PROPOSED and kind in KINDS:
            out.append((kind, key))
    return out


WITHDRAWN = "withdrawn"  # a proposal settled without a decision: its flag dropped (`settle`)


def settle(flags: Iterable[str], chosen: Callable[[str, str], bool],
           state: str = WITHDRAWN) -> tuple[list[str], list[tuple[str, str]]]:
    """`flags` with the pending proposals `chosen(kind, key)` picks settled, and those (kind,
    key), in flag order: WITHDRAWN drops them (neither accepted nor rejected: triage may make
    them again if they still hold), ACCEPTED marks them carried out (`accepted:KIND:KEY` in
    the pending flag's place, once). The one place a resolution, a correction, a re-check, a
    separation, a parent case or a parent's raised priority settles a proposal (review,
    session 30: the same lines were written in each)."""
    out: list[str] = []
    done: list[tuple[str, str]] = []
    for f in flags:
        state_of, _, rest = f.partition(":")
        kind, _, key = rest.partition(":")
        if state_of == PROPOSED and kind in KINDS and chosen(kind, key):
            done.append((kind, key))
            if state == WITHDRAWN:
                continue
            f = flag(kind, key, state)
        if state == WITHDRAWN or f not in out:  # a proposal decided before as well: once
            out.append(f)
    return out, done


# The text each judgement reads (the ticket's title, its description): a pending proposal of
# that kind was read from the text as it was, so a correction of that text makes it stale
# (`read_from`). The others (a trend's reports, the service the title names, which a re-check
# settles itself: `service_recorded`) are not withdrawn by a text correction.
TEXT_READ = {"separation": ("title",), "duplicate": ("title", "description"),
             "priority": ("title", "description"), "on-site": ("title", "description"),
             "kind": ("title", "description"), "request": ("title", "description")}


def read_from(flags: Iterable[str], fields: Iterable[str], also: Iterable[str] = ()
              ) -> tuple[list[str], list[tuple[str, str]]]:
    """`flags` without the pending proposals read from the text fields `fields` ("title",
    "description": TEXT_READ), nor those of the kinds `also` (a split withdraws the trend
    too), and those (kind, key), in flag order: withdrawn, so that a re-check reads the text as
    it is now (session 37: a corrected title kept the separation proposed for the old one)."""
    changed, more = set(fields), set(also)
    return settle(flags, lambda kind, key: kind in more or bool(changed & set(TEXT_READ.get(kind, ()))))


def named(proposals: Iterable[tuple[str, str]]) -> str:
    """Proposals as a person reads them: "duplicate (INC-2Q22), priority (P2)"; a trend's KEY
    is a digest of its reports' IDs, not a name (a flag's key): "trend" alone."""
    return ", ".join(kind if kind == "trend" else f"{kind} ({readable(key)})"
                     for kind, key in proposals)


def withdrawn(flags: Iterable[str]) -> tuple[list[str], str]:
    """A resolved ticket's flags without its pending proposals, and those proposals as a person
    reads them ("duplicate (INC-2Q22), priority (P2)"; "" when none). A resolution withdraws
    them: they are neither accepted nor rejected, so `triage --recheck` after a reopen may
    propose them again if they still hold (`sdesk show` listed them as pending on a resolved
    ticket, session 29)."""
    kept, gone = settle(flags, lambda kind, key: True)
    return kept, named(gone)


def service_recorded(flags: Iterable[str], service: str
                     ) -> tuple[list[str], list[str], list[str]]:
    """What a recorded service does to a ticket's pending service proposals (a proposal is made
    for a ticket without a service, incident-1): the flags after it, the keys carried out (the
    proposal named that very service: accepted, as proposed) and the keys withdrawn (any other
    service, or the service cleared: the dispatcher chose). `sdesk set`/`edit` settle them so
    (corrections), a re-check does (triage), and a review does not accept one, saying why in
    the same reading (triage_review): accepting it would overwrite the dispatcher's service
    without routing the ticket again (fresh-user finding 1, session 30)."""
    def named_it(key: str) -> bool:
        return bool(service) and readable(key).casefold() == service.casefold()

    flags, taken = settle(flags, lambda kind, key: kind == "service" and named_it(key), ACCEPTED)
    flags, gone = settle(flags, lambda kind, key: kind == "service")
    return flags, [key for _, key in taken], [key for _, key in gone]


# The flags that say a ticket waits for someone (the Service Desk after a hand-back, the
# supervisor's priority decision), as a person reads them. A resolution ends the wait.
WAITING = {
    "unsupported": "unsupported (the agency or service was not supported)",
    "needs-service": "needs-service (the service was not known)",
    "needs-separation": "needs-separation (it was to be separated)",
    "software-form": "software-form (a Software Request Form was awaited)",
    "priority-review": "priority-review (the supervisor's priority decision was awaited)",
    # a customer's reply to a resolved or closed ticket for the technician to read
    # (sdesk/mail/replies.py, session 38); a reopen or the next resolution ends it
    "customer-reply": "customer-reply (a customer's reply was to be read)",
}
REPLY_FLAG = "customer-reply"


def at_resolution(flags: Iterable[str]) -> tuple[list[str], str]:
    """A resolved ticket's flags without its pending proposals (`withdrawn`) and the flags that
    said it waited for someone (`WAITING`: the hand-backs, the priority review), and what went,
    as a person reads it ("pending proposals withdrawn: on-site (text); no longer waiting:
    needs-separation (it was to be separated)"; "" when nothing went). `sdesk show` listed
    them on resolved tickets, and `list --flag needs-service` counted them (session 30). A
    reopen does not bring them back: `triage --recheck` hands it back again if it still
    needs it."""
    kept, gone = withdrawn(flags)
    ended = [f for f in kept if f in WAITING]
    said = [f"pending proposals withdrawn: {gone}"] if gone else []
    if ended:
        said.append(f"no longer waiting: {', '.join(WAITING[f] for f in ended)}")
    return [f for f in kept if f not in WAITING], "; ".join(said)


def settled(flags: Iterable[str], kind: str, key: str) -> str:
    """"accepted" or "rejected" when the dispatcher decided this very proposal (same kind,
    same evidence) before, else "": a decided proposal is never made again, which is also what
    keeps `triage --recheck` from looping."""
    have = set(flags)
    for state in (REJECTED, ACCEPTED):
        if flag(kind, key, state) in have:
            return state
    return ""


def priority_decided(flags: Iterable[str], level: int) -> tuple[list[str], list[str]]:
    """The flags after the supervisor decided the priority is P`level` (`sdesk priority`,
    incident-2), and the proposed priorities that decision rejected ("P2"). A priority
    proposal, pending or accepted by the dispatcher, for another level becomes
    `rejected:priority:PX`: the supervisor's decision is what the ticket says, and a rejected
    proposal is not made again for the same evidence. One for this level stays accepted
    (pending: accepted). The priority-review flag goes: the review is done."""
    out: list[str] = []
    overruled: list[str] = []
    for f in flags:
        state, _, rest = f.partition(":")
        kind, _, key = rest.partition(":")
        if f == "priority-review":
            continue
        if kind == "priority" and state in (PROPOSED, ACCEPTED):
            fits = key == f"P{level}"
            f = flag(kind, key, ACCEPTED if fits else REJECTED)
            if not fits:
                overruled.append(key)
        if f not in out:
            out.append(f)
    return out, overruled


def priority_standing(flags: Iterable[str], priority: int) -> tuple[int, str] | None:
    """Where a ticket's priority stands for its follow-ups (incident-2, session 37): a pending
    priority proposal (`proposed:priority:P2`: (2, "proposed, awaiting the supervisor")), else
    one accepted ((2, "accepted")), else the supervisor's decision against a proposal (a
    `rejected:priority:` flag: the ticket's `priority`, "decided by the supervisor"); None
    when nobody has proposed or decided its priority."""
    states: dict[str, int] = {}
    for f in flags:
        state, _, rest = f.partition(":")
        kind, _, key = rest.partition(":")
        if kind == "priority" and key[1:].isdigit() and state not in states:
            states[state] = int(key[1:])
    if PROPOSED in states:
        return states[PROPOSED], "proposed, awaiting the supervisor"
    if ACCEPTED in states:
        return states[ACCEPTED], "accepted"
    if REJECTED in states:
        return priority, "decided by the supervisor"
    return None


def group_key(ids: Iterable[str]) -> str:
    """A short, stable name for a set of tickets (a trend's reports)."""
    joined = ",".join(sorted(set(ids)))
    import hashlib  # at use: OpenSSL's load (~2 ms) is not paid by every command that shows flags

    return hashlib.sha1(joined.encode(), usedforsecurity=False).hexdigest()[:10]


def trend_reports(text: str) -> list[str]:
    """The reports a trend proposal's note names after "--from" (its parent-case command)."""
    return text.split("--from ", 1)[1].split(".")[0].split() if "--from " in text else []


def trend_key(text: str) -> str:
    """The KEY of the trend proposal a note makes: `group_key` of its reports ("" for none)."""
    ids = trend_reports(text)
    return group_key(ids) if ids else ""


def check_kinds(kinds: Iterable[str], option: str) -> list[str]:
    """The kinds named on the command line ("all" = every kind); ValidationError otherwise."""
    from sdesk.core.errors import ValidationError

    out: list[str] = []
    for kind in kinds:
        if kind == "all":
            out.extend(k for k in KINDS if k not in out)
        elif kind in KINDS:
            out.append(kind)
        else:
            raise ValidationError(_kind_missing(kind, option) or (
                f"{option}: unknown proposal {kind!r} (known: {', '.join(KINDS)}, all)"))
    return out


def decided_kinds(accept: Iterable[str], reject: Iterable[str]) -> tuple[list[str], list[str]]:
    """(kinds accepted, kinds rejected) of `--accept`/`--reject`: `all` on one side means every
    kind but those the other side names ("accept everything except the service": `--accept
    all --reject service`; fresh-user finding, session 35: refused as "service is both accepted
    and rejected"). ValidationError for a kind both sides name (no `all` involved, or `all` on
    both sides) or an unknown kind."""
    from sdesk.core.errors import ValidationError

    accept, reject = list(accept), list(reject)
    if "all" in accept and "all" in reject:
        raise ValidationError("--accept all and --reject all: choose one (all on one side "
                              "means every kind but those the other side names)")
    accepted, rejected = check_kinds(accept, "--accept"), check_kinds(reject, "--reject")
    if "all" in accept:
        accepted = [k for k in accepted if k not in rejected]
    elif "all" in reject:
        rejected = [k for k in rejected if k not in accepted]
    both = sorted(set(accepted) & set(rejected))
    if both:
        raise ValidationError(f"{both[0]} is both accepted and rejected; choose one")
    return accepted, rejected


def _kind_missing(word: str, option: str) -> str:
    """The error when the word after --accept/--reject is not a KIND but the KIND is missing:
    an empty word, the next option (`--accept --dry-run`), or a ticket ID (`--accept INC-2Q4P`,
    the ID's place taken); "" otherwise. Each said "unknown proposal '--dry-run'" or "name the
    tickets" (fresh-user finding 7, session 33)."""
    import re

    known = f"one of {', '.join(KINDS)}, all"
    if not word.strip():
        return f"{option} needs a KIND: {known}"
    if word.startswith("-"):
        return f"{option} needs a KIND before {word}: {known}"
    if re.fullmatch(r"[A-Za-z]+-[0-9A-Za-z]{2,}", word) and word.casefold() not in KINDS:
        return (f"{option} {word}: a ticket ID where a KIND goes; the IDs come first, then "
                f"{option} KIND ({known}): sdesk triage {word} {option} KIND")
    return ""


def stopped(answers: Mapping[str, Mapping[tuple[str, str], str]] | None
            ) -> tuple[int, int, int]:
    """(answers given, proposals left unanswered, proposals not asked) of a `--review`
    stopped with q or Ctrl-D: the one it was stopped at is unanswered, not "not asked" (issue
    11, session 34); (0, 0, 0) for one answered to the end (or no review)."""
    states = [s for mine in (answers or {}).values() for s in mine.values()]
    if UNANSWERED not in states:
        return 0, 0, 0
    return (sum(1 for s in states if s not in (SKIPPED, UNASKED, UNANSWERED)),
            states.count(UNANSWERED), states.count(UNASKED))


TOLD = "trend-told:"  # + the team whose supervisor was told of the ticket's trend (`trend_told`)
_ESCAPED = "%_"  # written as %XX in a told flag, so "_" can stand for a space


def trend_told(team: str) -> str:
    """The flag saying `team`'s supervisor was told of the ticket's trend: `trend-told:` and
    the team's name as one word: a space is "_", and "%", "_", any other white space and any
    unprintable character are %XX (their UTF-8 bytes, upper-case hex), so
    `trend_told_team` gives the very name back ("IS-Network Services" is
    `trend-told:IS-Network_Services`, "Ops_Team" `trend-told:Ops%5FTeam`). Before session 33
    the name's words were joined with "_", which a name holding "_" (or two spaces) did not
    survive: its supervisor was mailed again at each report."""
    out = []
    for c in team:
        if c == " ":
            out.append("_")
        elif c in _ESCAPED or c.isspace() or not c.isprintable():
            out.append("".join(f"%{b:02X}" for b in c.encode()))
        else:
            out.append(c)
    return TOLD + "".join(out)


def trend_told_team(flag: str) -> str | None:
    """The team a `trend_told` flag names (as written, not casefolded); None for any other
    flag. A "%" not followed by two hex digits is kept as it stands (a hand edit). A flag
    written before session 33 (the words joined with "_") reads back the same for a name
    without "_" or runs of spaces; `told_teams` matches the others by their old form."""
    if not flag.startswith(TOLD):
        return None
    body, out, i = flag[len(TOLD):], bytearray(), 0
    while i < len(body):
        c = body[i]
        hexa = body[i + 1:i + 3]
        if c == "%" and len(hexa) == 2 and all(h in "0123456789abcdefABCDEF" for h in hexa):
            out.append(int(hexa, 16))
            i += 3
            continue
        out += b" " if c == "_" else c.encode()
        i += 1
    return out.decode("utf-8", "replace")


def old_trend_told(team: str) -> str:
    """The flag `trend_told` wrote for `team` before session 33 (its words joined with "_"),
    which `told_teams` still reads for a name the new form tells apart from it."""
    return TOLD + "_".join(team.split())


LOGGED_AS = "logged-as:"  # + a request's ID: an incident logged as that request (procedures.retype)


def logged_as(flags: Iterable[str]) -> str:
    """The request ID an incident was logged as (its `logged-as:ID` flag; session 39), ""
    when none: a reply to the incident's mail follows to it (mail.mailin.receive)."""
    return next((f[len(LOGGED_AS):] for f in flags if f.startswith(LOGGED_AS)), "")
