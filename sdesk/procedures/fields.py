"""The one validator of the fields `sdesk new` and `sdesk set`/`sdesk edit` both take: a
category, a requester's e-mail and phone, a service (issue 11: "values are validated as `new`
validates them"). Each caller names the field as its user typed it (`--phone` for `new`,
`phone` for `set`), and both get the same check, the same stored form and the same one-line
error. docs/triage.md, "Correcting a ticket", Session 37.

On `new`'s fast path (sdesk/fastwrite.py -> commands/writes.checked_new_options): it imports
nothing beyond sdesk.core.model, which `new` loads anyway; no typing, hashlib or click
(tests/test_write_startup.py).
"""

from __future__ import annotations

from sdesk.core.model import check_category, check_email, check_phone

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (the fast path)
if TYPE_CHECKING:
    from sdesk.core.reference import Reference

SHARED = ("category", "email", "phone", "service")  # the fields this module checks
_CHECKS = {"category": check_category, "email": check_email, "phone": check_phone}


def checked(field: str, value: str, said: str = "", ref: Reference | None = None) -> str:
    """`value` of `field` (one of SHARED) as stored: a category stripped and lower case (a near
    miss of hardware/software refused with "did you mean"), an e-mail stripped and lower case
    (one @, a dotted domain), a phone stripped (holding a digit), a service as a team provides
    it (`ref` needed; "" for none given). Raises ValidationError, or ReferenceError for a
    service no team provides, one line naming `said` (default: `field`) and the value."""
    if field == "service":
        if not value.strip():
            return ""
        if ref is None:
            raise ValueError("checking a service needs the reference data")
        return ref.service(value)
    return _CHECKS[field](said or field, value)
