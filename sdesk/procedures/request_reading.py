"""Does an e-mail incident read as a service request? (session 39; docs/triage.md, "An
incident that is a request"). Pure: the text and the reference data in, the proposal's key and
evidence out (or None).

Mail opens an incident (sdesk.toml mail.ticket_type), but the standard has requests arrive by
e-mail too: "pls install TeamViewer", "need a new keyboard and mouse", "request access to the
budget share". Triage *proposes* logging such an incident as a request (`proposed:request:KIND`,
accepted by `sdesk triage ID --accept request`, which does what `sdesk set ID type=request`
does). It is a judgement, never applied on its own: its precision is below the 0.95 an
automatic action needs (measured by `python -m tests.corpus.request_type`).

The reading: the text **asks for something** (install words, "need a/new ...", "request
access", "can I get", "order a"), it **names what** (a product of the Standard Desktop Software
List, a device of a hardware service, access words: request-1's reading,
request_kind.request_kind), and it **reports no fault** (no "not working", "error", "won't",
"broken"...: "need help, outlook won't open" is an incident).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sdesk.core.reference import Reference

if TYPE_CHECKING:
    from sdesk.procedures.triage import _Draft as Draft

RULE = "standard: requests by email (an incident that is a request)"

ASKS = re.compile(
    r"\b(?:re)?install(?:ed|ing|ation)?\b|\bput\s+\S+(?:\s+\S+)?\s+on\s+my\b"
    r"|\bneeds?\s+(?:a|an|new|another|two|2|access|to\s+(?:get|have|order))\b"
    r"|\bneed\s+\S+(?:\s+\S+)?\s+installed\b"
    r"|\brequest(?:ing)?\s+(?:for\s+)?(?:a|an|new|access|to)\b"
    r"|\b(?:can|could|may)\s+(?:i|we|you)\s+(?:please\s+)?(?:get|have|order)\b"
    r"|\b(?:order|ordering)\s+(?:a|an|new|two|2)\b|\bwould\s+like\s+(?:a|an|new|to\s+(?:get|have))\b",
    re.IGNORECASE)
FAULT = re.compile(
    r"\bnot\s+(?:working|work|printing|connecting|loading|opening|responding|turning|starting)"
    r"|\b(?:can'?t|cannot|won'?t|doesn'?t|does\s+not|isn'?t|didn'?t|wont|cant|doesnt|isnt)\b"
    r"|\b(?:error|errors|broken|broke|fail(?:s|ed|ing|ure)?|crash(?:es|ed|ing)?|down|outage"
    r"|stuck|frozen|freez(?:es|ing)|offline|disconnected|jam(?:s|med)?|slow|dead|keeps"
    r"|stopped|locked|expired|missing|lost|issue|issues|problem|problems|unable)\b",
    re.IGNORECASE)


def reads_as_request(title: str, description: str, ref: Reference) -> tuple[str, str] | None:
    """(key, evidence) when the incident's text reads as a request: key `hardware`,
    `software` or `access` (what it names, request-1's reading), evidence in words ("asks:
    'install'; names TeamViewer (software); no fault reported"); None when it does not (it
    asks for nothing, names nothing, or reports a fault)."""
    from sdesk.procedures.request_kind import ACCESS, ACCESS_SAID, request_kind

    text = f"{title}\n{description}"
    asked = ASKS.search(text)
    if asked is None or FAULT.search(text):
        return None
    found = request_kind(title, description, "", "", "", ref)
    if found.kind:
        key, what = found.kind, found.evidence
    elif found.source in (ACCESS, ACCESS_SAID) or found.evidence.startswith("access"):
        key, what = "access", found.evidence
    else:
        return None
    said = " ".join(asked.group(0).split())
    return key, (f"the text asks for something ({said!r}) and names it ({what}), and reports "
                 f"no fault: a {key} request? Accepting logs it as a request (as sdesk set ID "
                 "type=request), which runs the request steps (software list, licences, "
                 "hardware to the Asset Team)")


def propose(d: Draft) -> None:
    """Triage's proposal for an e-mail incident that reads as a request (`reads_as_request`):
    `proposed:request:KEY` with its evidence, unless decided before (Draft.propose)."""
    t = d.t
    if t.type != "incident" or t.channel != "email":
        return
    found = reads_as_request(t.title, t.description, d.ref)
    if found is not None:
        d.propose("request", found[0], RULE, found[1])
