"""Priority against the work (incident-2): the text (who is affected and how badly, a deadline,
a VIP) compared with the SLA chart's descriptions of each priority (reference/sla.toml). Pure;
triage proposes the chart's priority with the evidence and the supervisor decides
(sdesk priority). The figures that chose the rules: docs/triage.md, "Measured".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sdesk.core.reference import Reference
from sdesk.procedures.lexicon import FAIL, POWER, Words, words

_UNIT = (r"(agency|office|building|site|division|branch|location|campus|center|centre|"
         r"facility|district|region|county|organi[sz]ation|company|users|staff|employees|pcs|"
         r"computers|workstations)")
# The whole agency, site or office: the chart's P1 scope ("a whole agency, site ... down").
_WIDE = re.compile(
    rf"\b(whole|entire|all|every|across)\s+(the\s+|our\s+|of\s+)?(\w+\s+)?{_UNIT}\b|"
    r"\b(agency|site|office|company|building)[- ]wide\b|\b(nobody|no one|noone|everyone|"
    r"everybody) (can|in|on|at|here|is|has|gets|getting)\b|\ball of us\b|\bno phones\b|"
    r"\bpublic[- ](facing|website|site|portal)\b|\b(the public|citizens|residents|"
    r"constituents)\b", re.IGNORECASE)
# Many users, less than the whole: the chart's P2 scope ("many users ... degraded").
_GROUP = re.compile(
    r"\b(several|multiple|many|most|lots of|a lot of|a bunch of|a few|\d+)\s+(people|users|"
    r"staff|of us|employees|computers|pcs|machines|agents)\b|\bagents\b|\b(whole|entire|our|the)\s+"
    r"(team|unit|section|floor|department|dept)\b|\bcall cent(er|re)\b", re.IGNORECASE)
# Public-facing work: stopped for a group it is an outage of a critical service (P1).
_PUBLIC = re.compile(r"\bcall cent(er|re)\b|\b911\b|\bpublic\b", re.IGNORECASE)
_DEGRADED = re.compile(r"\b(slo+w\w*|drop\w*|intermittent\w*|lag\w*|sluggish|choppy|cutting out|"
                       r"delay\w*|sometimes|on and off|spotty|losing)\b", re.IGNORECASE)
# A VIP named in the text (the chart's P2 "a VIP degraded"), besides reference/vip.toml.
_VIP_NAMED = re.compile(r"\b(commissioner|governor|cabinet secretary|exec(utive)? director|"
                        r"agency director|chief of staff)\b", re.IGNORECASE)
_NOT_THE_RUN = r"(?!\s+(folder|share|file|drive|report))"  # the payroll folder is not payroll
_CRITICAL = re.compile(rf"\bpayroll\b{_NOT_THE_RUN}.*\b(fail\w*|error\w*|down|cant|cannot|can't|"
                       rf"stuck|wont|won't|not)\b|\b(fail\w*|error\w*|down|cant|cannot|can't)\b"
                       rf".*\bpayroll\b"
                       rf"{_NOT_THE_RUN}",
                       re.IGNORECASE)
_DEADLINE = re.compile(r"\b(deadline|due) (today|tomorrow|tonight|this)\b|\bchecks due\b|"
                       r"\bdue (by|at|in) \w+|\b(hearing|court|board meeting|presentation|"
                       r"presenting|legislature)\b.*\b(today|in \d+|at \d+)\b", re.IGNORECASE)
_LOW = re.compile(r"\b(how (do|to|can)|question|where (do|can) i find|cosmetic|when you get a "
                  r"chance|no rush|low priority|not urgent|whenever|is there a way|slightly|"
                  r"a (little|bit) off|misspel\w*|typo)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PriorityFit:
    """The SLA chart's priority the text describes, with the words that said so; None when the
    text says nothing beyond one user's ordinary problem."""

    priority: int | None
    evidence: str


def _fails(w: Words) -> bool:
    """The words say something does not work (a failure word, a negation, no power or a
    symptom: slow, crashes, drops...), not only that something is needed."""
    return FAIL in w.tokens or POWER in w.tokens or bool(w.specifiers.get("symptom"))


def priority_fit(title: str, description: str, vip: bool, ref: Reference) -> PriorityFit:
    """Compare the text with the SLA chart's descriptions of each priority:
    - P1 (Critical): the whole agency, site or office stopped ("entire Tulsa office has no
      internet", "nobody can send email"), a public-facing group stopped (the call center), a
      critical service failing (payroll);
    - P2 (High): many users degraded ("call center calls dropping", "several users slow"), a
      group stopped, a deadline today, or a VIP;
    - P4 (Low): a question, how-to or cosmetic fault;
    - None: one user's ordinary problem (the chart's P3), nothing to propose.
    The supervisor decides (sdesk priority)."""
    text = f"{title}\n{description}"
    chart = ref.sla
    degraded = _DEGRADED.search(text)
    failing = _fails(words(text, ref)) or degraded
    wide, group = _WIDE.search(text), _GROUP.search(text)
    scope = wide or group
    if scope and failing:
        public = _PUBLIC.search(text)
        if degraded:
            return PriorityFit(2, f"{scope.group(0)!r} and {degraded.group(0)!r}: "
                                  f"{chart.target(2).description}")
        if wide or public:
            return PriorityFit(1, f"{scope.group(0)!r}: {chart.target(1).description}")
        return PriorityFit(2, f"{scope.group(0)!r}: {chart.target(2).description}")
    critical = _CRITICAL.search(text)
    if critical:
        return PriorityFit(1, f"{critical.group(0)!r}: {chart.target(1).description}")
    deadline = _DEADLINE.search(text)
    if deadline:
        return PriorityFit(2, f"{deadline.group(0)!r}: {chart.target(2).description}")
    if vip:
        return PriorityFit(2, f"VIP requester: {chart.target(2).description}")
    named = _VIP_NAMED.search(text)
    if named:
        return PriorityFit(2, f"{named.group(0)!r} (a VIP): {chart.target(2).description}")
    low = _LOW.search(text)
    if low:
        return PriorityFit(4, f"{low.group(0)!r}: {chart.target(4).description}")
    return PriorityFit(None, "")
