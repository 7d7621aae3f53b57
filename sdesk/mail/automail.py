"""Automatic mail that carries no automatic header, and what a report says (session 40).

A tester's morning with real mail servers (tester C, session 40):
- GroupWise and Outlook client rules send "Out of Office: [INC-..] Question about your
  ticket" with no Auto-Submitted header: it resumed a hold awaiting the customer and was posted
  as the customer's reply. An automatic subject (`auto_subject`) is automatic mail now;
- meeting invitations (METHOD:REQUEST) and cancellations (METHOD:CANCEL) opened incidents, were
  acknowledged and later asked for a score, as did Outlook's "Recall: ..." messages: any iTIP
  method, and a recall, is no request (`reason`);
- read receipts (RFC 8098, "Read: ..." with a message/disposition-notification part) and
  "delivered" or "delayed" delivery reports were recorded as "Delivery failed": the Action
  field of RFC 3464 decides (`report_kind`).
Pure: a parsed message (and its raw bytes) in, a reason or a kind out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from email import policy
from email.message import Message
from email.parser import BytesParser
from typing import TYPE_CHECKING

from sdesk.mail.mailparse import Incoming, _calendar_method

if TYPE_CHECKING:
    from sdesk.core.model import Ticket
    from sdesk.mail.mailin import Outcome

# Subjects automatic replies put first, in the languages the desk's customers' clients use:
# Outlook ("Automatic reply:", "Out of Office:", "Out of Office AutoReply:"), GroupWise ("Out
# of Office:"), Gmail/Yahoo ("Autoreply", "Auto:"), and their localised forms.
AUTO_SUBJECT = re.compile(
    r"^\s*\[?(?:out\s+of\s+(?:the\s+)?office(?:\s+auto-?reply)?|automatic\s+reply|"
    r"auto-?reply|auto-?response|auto-?responder|automated\s+response|auto|ooo|"
    r"abwesenheitsnotiz|automatische\s+antwort|r[ée]ponse\s+automatique|"
    r"respuesta\s+autom[áa]tica|fuera\s+de\s+(?:la\s+)?oficina|risposta\s+automatica|"
    r"automatisch\s+antwoord|afwezig|resposta\s+autom[áa]tica|autosvar|automatisk\s+svar|"
    r"automaattinen\s+vastaus|odpowied[źz]\s+automatyczna|automatick[áa]\s+odpov[ěe][ďd]|"
    r"tr[ảa]\s+l[ờo]i\s+t[ựu]\s+đ[ộo]ng)\]?\s*:", re.I)
# Outlook's message recall ("Recall: <subject>"): a request to delete an earlier message.
RECALL_SUBJECT = re.compile(r"^\s*(?:recall|r[üu]ckruf|rappel)\s*:", re.I)


def auto_subject(subject: str) -> str:
    """The automatic-reply words a subject starts with ("Out of Office", "Automatic reply",
    "Autoreply", "Auto", "Abwesenheitsnotiz", "Respuesta automática"...), or ""."""
    match = AUTO_SUBJECT.match(subject)
    return match.group(0).strip(" \t[]:") if match else ""


def reason(msg: Incoming) -> str:
    """Why `msg` is automatic mail though no header says so (session 40), or "": an automatic
    reply's subject, a calendar message of any iTIP method (RFC 5546: an invitation, update or
    cancellation is a meeting, no request; session 38 refused only the responses), or an
    Outlook recall. docs/email.md, "What is refused, and why"."""
    words = auto_subject(msg.subject)
    if words:
        return f"automatic reply (subject \"{words}:\", an out-of-office without headers)"
    if RECALL_SUBJECT.match(msg.subject):
        return "an Outlook message recall (subject \"Recall:\"): no request"
    if b"text/calendar" in msg.raw.lower():
        method = _calendar_method(_message(msg.raw))
        if method:
            return f"a calendar message (text/calendar; method={method}): a meeting, no request"
    return ""


def _message(raw: bytes) -> Message:
    return BytesParser(policy=policy.compat32).parsebytes(raw)


def report_kind(raw: bytes) -> tuple[str, tuple[str, ...]]:
    """What a report (multipart/report) says, and about whom: ("read", recipients) for a
    read receipt (report-type disposition-notification, RFC 8098), else by the Action field
    of each recipient (RFC 3464 2.3.3): ("failed", those failed) when any failed, else
    ("delayed", those delayed), else ("delivered", ...) for delivered, relayed or expanded.
    A recipient with no Action is read by its Status class (5: failed, 4: delayed, 2:
    delivered); a report with neither is "failed" (as before session 40)."""
    message = _message(raw)
    if str(message.get_param("report-type", "")).lower() == "disposition-notification" or any(
            p.get_content_type() == "message/disposition-notification" for p in message.walk()):
        return "read", ()
    found: dict[str, list[str]] = {"failed": [], "delayed": [], "delivered": []}
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _blocks(part):
            action = block.get("action", "").split()[0].lower() if block.get("action") else ""
            status = block.get("status", "").strip()[:1]
            kind = {"failed": "failed", "delayed": "delayed", "delivered": "delivered",
                    "relayed": "delivered", "expanded": "delivered"}.get(action) or \
                {"5": "failed", "4": "delayed", "2": "delivered"}.get(status, "")
            who = block.get("final-recipient", "").split(";")[-1].strip().lower()
            if kind:
                found[kind].append(who)
    for kind in ("failed", "delayed", "delivered"):
        if found[kind]:
            return kind, tuple(w for w in found[kind] if w)
    return "failed", ()


def _blocks(part: Message) -> list[dict[str, str]]:
    """The per-message and per-recipient field blocks of a message/delivery-status part,
    each as lower-case field -> value."""
    payload = part.get_payload()
    if isinstance(payload, list):
        texts = [str(p) for p in payload]
    else:
        data = part.get_payload(decode=True)
        texts = (data.decode("utf-8", "replace") if isinstance(data, bytes)
                 else str(payload)).split("\n\n")
    blocks = []
    for text in texts:
        block: dict[str, str] = {}
        for line in text.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                block.setdefault(key.strip().lower(), value.strip())
        blocks.append(block)
    return blocks


# The flag a hard bounce of the question of a hold awaiting the customer sets (session 40):
# `sdesk list --flag question-bounced`; `handover` says so on the held ticket.
BOUNCED_FLAG = "question-bounced"
RULE_REPORT = "standard: communicate (delivery report)"


def report_outcome(msg: Incoming, known: Mapping[str, str], tickets: Mapping[str, Ticket],
                   now: dt.datetime) -> Outcome:
    """What a report about mail the desk sent does (docs/email.md, session 40): "failed" is
    an internal "Delivery failed" entry and, when the ticket is on hold awaiting the customer
    and the failed recipient is the requester (or none is named), the flag BOUNCED_FLAG: the
    customer never got the question, so a person must call them (the hold was kept for ever,
    unseen); "delayed" an internal warning; "delivered" (relayed, expanded) and a read
    receipt an internal note, no failure. A report about mail the desk did not send is
    refused. Each records the report's Message-ID."""
    from sdesk.core.model import journal_entry
    from sdesk.mail.mailin import Outcome, _record_id
    from sdesk.procedures.plan import AddEntry, SetField

    report = msg.report
    assert report is not None
    tid = known.get(report.original_id, "")
    ticket = tickets.get(tid)
    if ticket is None:
        return Outcome("refused", "", "refused: a delivery report (multipart/report) "
                                      "about mail the desk did not send")
    kind, named = report_kind(msg.raw)
    who = ", ".join(named or report.recipients) or "the recipient"
    text, line = {
        "failed": (f"Delivery failed: mail to {who} was not delivered: {report.status}.",
                   f"{tid}: delivery to {who} failed ({report.status})"),
        "delayed": (f"Delivery delayed: mail to {who} is not delivered yet: {report.status}; "
                    f"the mail system keeps trying (a warning, not a failure).",
                    f"{tid}: delivery to {who} delayed ({report.status}): a warning noted"),
        "delivered": (f"Delivery report: mail to {who} was delivered ({report.status}).",
                      f"{tid}: delivery to {who} reported delivered ({report.status}): "
                      f"no failure"),
        "read": (f"Read receipt from {msg.sender or who}: the desk's mail was displayed "
                 f"(RFC 8098; no failure).",
                 f"{tid}: read receipt from {msg.sender or who}: an internal note, no failure"),
    }[kind]
    outcome = Outcome("bounce", tid, line)
    outcome.plan.extend([
        AddEntry(tid, RULE_REPORT, f"delivery report recorded ({kind})", entry=journal_entry(
            at=now, by="mail system", text=text, kind="email", visibility="internal",
            rule=RULE_REPORT)),
        _record_id(ticket, msg, RULE_REPORT),
    ])
    requester = ticket.requester.email.strip().casefold()
    if (kind == "failed" and ticket.on_hold and ticket.holds[-1].reason == AWAITING
            and (not named or requester in named) and BOUNCED_FLAG not in ticket.flags):
        outcome.plan.add(SetField(tid, RULE_REPORT, "the customer never got the question",
                                  field="flags", value=[*ticket.flags, BOUNCED_FLAG]))
        outcome.line += (f"; flagged {BOUNCED_FLAG}: the ticket awaits the customer, who never "
                         f"got the question: call them")
    return outcome


AWAITING = "awaiting-customer"  # replies.AWAITING_CUSTOMER (replies imports mailin)
