"""Corrections after intake (`sdesk set`, `sdesk edit`; docs/commands.md): what is typed in,
the value stored or the one error line out; then the plan a correction makes. Each value is
checked the way `sdesk new` checks it.
"""

from __future__ import annotations

from typing import Any

import pytest
from procedure_builder import NOW, REF, after, ticket

from sdesk.core.errors import SdeskError
from sdesk.procedures import editing

TYPED = [
    # (what `sdesk set FIELD=VALUE` accepts, field as typed, value as typed, stored value)
    ("an alias names its field; a technician by name", "requested-tech", "Dwayne Cooper",
     "dcooper"),
    ("a service by any case", "service", "printing", "Printing"),
    ("an agency by its code, any case", "agency", "omes", "OMES"),
    ("a category in lower case", "category", "Hardware", "hardware"),
    ("software on the list, kept as typed", "software", "Teams", "Teams"),
    ("an e-mail in lower case", "email", "Pat.User@OMES.ok.gov", "pat.user@omes.ok.gov"),
    ("a level as a number", "impact", "2", 2),
    ("remote as yes/no words", "remote", "no", False),
    ("on site is remote turned round", "on-site", "yes", True),
    ("effort as hours", "effort", "1.5", 1.5),
    ("skills as a comma list, sorted, once each", "skills", "Printers, imaging,printers",
     ["imaging", "printers"]),
    ("an empty service is allowed to be typed", "service", "", ""),
]


@pytest.mark.parametrize(("case", "typed", "raw", "stored"), TYPED, ids=[row[0] for row in TYPED])
def test_a_typed_value_is_stored_as_new_would_store_it(case: str, typed: str, raw: str,
                                                       stored: Any) -> None:
    name = editing.field_name(typed)
    value = editing.parse_text(name, raw)
    if name == "on-site":
        value = not value
        name = "remote"
        stored = not stored
    assert editing.check(name, value, REF) == stored


REFUSED = [
    # (what is refused, field, value as typed, the error)
    ("priority is the supervisor's", "priority", "1", "sdesk priority"),
    ("a field that is not editable", "status", "closed", "is not an editable field"),
    ("status names its commands (session 37)", "status", "resolved",
     "it changes with sdesk resolve, hold, resume, reopen, close or assign"),
    ("assignee names assign", "assignee", "dcooper", "sdesk assign ID --to TECH"),
    ("any other field lists the editable ones", "opened_at", "x", "is not an editable field \\(editable: "),
    ("a level that is not a number", "urgency", "high", "urgency must be one of 1, 2, 3"),
    ("a level out of range", "urgency", "7", "urgency"),
    ("remote that is not yes or no", "remote", "maybe", "remote must be true or false"),
    ("on site that is not yes or no", "on-site", "perhaps", "on-site must be true or false"),
    ("effort that is not a number", "effort", "lots", "effort_hours must be a number"),
    ("effort out of range", "effort", "5000", "more than 0 and at most 1000 hours"),
    ("an empty title", "title", "  ", "title must not be empty"),
    ("a title of two lines", "title", "a\nb", "title"),
    ("an e-mail that is not one", "email", "pat at omes", "email must look like"),
    ("an unknown service", "service", "Quantum Widgets", "Quantum Widgets"),
    ("an unknown technician", "requested_technician", "Nobody Known", "Nobody Known"),
]


@pytest.mark.parametrize(("case", "typed", "raw", "error"), REFUSED, ids=[row[0] for row in REFUSED])
def test_a_bad_value_is_one_error(case: str, typed: str, raw: str, error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        name = editing.field_name(typed)
        if name == "on-site":
            editing.parse_text(name, raw)
        editing.check(name, editing.parse_text(name, raw), REF)


DOCUMENT = [
    # (what an edited document may not hold, field, TOML value, the error)
    ("text where text is asked", "title", 3, "title must be text"),
    ("a true/false as a word", "remote", "no", "remote must be true or false"),
    ("effort as a flag", "effort_hours", True, "more than 0 and at most 1000 hours"),
    ("skills as one word", "skills", "printers", "skills must be a list of words"),
]


@pytest.mark.parametrize(("case", "name", "value", "error"), DOCUMENT,
                         ids=[row[0] for row in DOCUMENT])
def test_an_edited_document_is_checked_field_by_field(case: str, name: str, value: Any,
                                                      error: str) -> None:
    with pytest.raises(SdeskError, match=error):
        editing.check(name, value, REF)


def test_a_document_that_is_not_toml_is_one_error() -> None:
    with pytest.raises(SdeskError, match="the edited ticket is not valid TOML"):
        editing.read_document("title = ")


def test_the_editable_document_reads_back_unchanged() -> None:
    t = ticket("incident", service="Printing", skills=["printers"], description="two\nlines")
    assert editing.changes(t, editing.read_document(editing.editable_document(t)), REF) == []


def test_a_new_email_refreshes_the_vip_mark_and_one_entry_lists_every_change() -> None:
    t = ticket("incident", service="Printing", description="one\ntwo", vip=True,
               email="cio@omes.ok.gov")  # on the VIP list (reference/vips.toml)
    found = editing.changes(t, {"email": "someone.else@omes.ok.gov", "description": "three",
                                "remote": False, "skills": ["imaging"]}, REF)
    done = after(t, editing.correct(t, found, REF, NOW, "Dana"))
    assert (done.requester.email, done.vip) == ("someone.else@omes.ok.gov", False)
    assert done.journal[-1].text.splitlines() == [
        "Corrected by Dana: email, description, remote, skills",
        "email: 'cio@omes.ok.gov' -> 'someone.else@omes.ok.gov'",
        "description: (2 lines) -> 'three'", "remote: true -> false", "skills: [] -> [imaging]"]


def test_nothing_changed_is_no_plan() -> None:
    t = ticket("incident", service="Printing")
    assert editing.changes(t, {"service": "printing", "title": t.title}, REF) == []
    assert editing.correct(t, [], REF, NOW, "Dana").is_empty


REFUSED_CHANGES = [
    # (what is never corrected, the ticket, the change, the error)
    ("a closed ticket", {"status": "closed"}, {"title": "x"}, "is closed"),
    ("a triaged ticket's service cleared", {"status": "triaged", "service": "Printing"},
     {"service": ""}, "can be changed but not cleared"),
    ("the software of a request holding a seat",
     {"type": "request", "status": "triaged", "software": "Visio", "flags": ["licence-seat"]},
     {"software": "Teams"}, "licence seat"),  # a new one does not (session 34: core/seats.py)
]


@pytest.mark.parametrize(("case", "fields", "wanted", "error"), REFUSED_CHANGES,
                         ids=[row[0] for row in REFUSED_CHANGES])
def test_corrections_refused(case: str, fields: dict[str, Any], wanted: dict[str, Any],
                             error: str) -> None:
    fields = dict(fields)
    t = ticket(fields.pop("type", "incident"), **fields)
    with pytest.raises(SdeskError, match=error):
        editing.changes(t, wanted, REF)


def test_the_commit_subject_names_each_change_and_cuts_what_is_long() -> None:
    short = [editing.Change("impact", 2, 1), editing.Change("remote", True, False)]
    assert editing.summary(short) == "impact 2 -> 1, remote true -> false"
    long = [editing.Change("title", "Printer jams", "Printer on the second floor jams daily"),
            editing.Change("description", "a\nb", "one line"), editing.Change("phone", "", "5")]
    assert editing.summary(long, width=60) == (
        "title 'Printer jams' -> 'Printer on the seco...' and 2 more: description, phone")
    assert editing.summary(long[1:]) == "description (2 lines) -> 'one line', phone '' -> '5'"
