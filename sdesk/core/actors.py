"""Who you are: `--actor` and `@me` resolved through the technician list.

A technician is named the same way everywhere one is taken (`--actor`, `assign --to`,
`list --assignee`, `take`): by ID (`jtran`), name (`Jimmy Tran`) or e-mail
(`jimmy.tran@omes.ok.gov`), case-insensitively; `@me` is the technician you are (the actor,
matched by e-mail, then by name). Someone who is not a technician (a dispatcher, a script) may
act as `--actor "Name <email>"`; a malformed address is refused, and so is a bare e-mail that
is no technician's (its login is not the person's name); a name is never guessed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sdesk.core.errors import ReferenceError, ValidationError

if TYPE_CHECKING:
    from sdesk.core.reference import Reference, Technician
    from sdesk.git import Identity

ME = "@me"
# One address, no spaces or angle brackets, a dot-free domain allowed (host names on a LAN).
EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")


def parse_actor(text: str, ref: Reference) -> Identity:
    """The identity `--actor TEXT` names: a technician (ID, name or e-mail: their own name and
    address are used) or `Name <email>` with a well-formed address.

    Raises ValidationError for a malformed value, ReferenceError for a bare word or e-mail that
    names no technician."""
    from sdesk.git import Identity

    named = check_shape(text)
    if named is not None:
        tech = _by_email(ref, named[1])
        return Identity(tech.name, tech.email) if tech else Identity(*named)
    text = text.strip()
    try:
        tech = ref.technician(text)
    except ReferenceError:
        if EMAIL.match(text):
            # the commit's author and the journal's `by` were the login ('troy.baptiste'), not
            # the person's name the docs promise (fresh-user finding, session 28): a name is
            # never guessed from an address
            raise ReferenceError(f"--actor: {text!r} is no technician's e-mail; give the name "
                                 f"too: --actor 'Name <{text}>'") from None
        raise ReferenceError(f"--actor: unknown technician {text!r} (give a technician's ID, "
                             "name or e-mail, or 'Name <e-mail>')") from None
    return Identity(tech.name, tech.email)


def check_shape(text: str) -> tuple[str, str] | None:
    """(name, e-mail) when `text` is 'Name <e-mail>', None for a bare word (a technician, to be
    looked up); ValidationError for a malformed value. Needs no store, so `--actor` is checked
    before any command runs."""
    text = text.strip()
    if any(c in text for c in "\r\n\x00") or not text:
        raise ValidationError("--actor must be one non-empty line")
    if "<" not in text and ">" not in text:
        return None
    match = re.fullmatch(r"([^<>]*)<([^<>]*)>", text)
    name, email = (match.group(1).strip(), match.group(2).strip()) if match else ("", "")
    if not match or not name or not EMAIL.match(email):
        raise ValidationError(f"--actor {text!r} is not 'Name <e-mail>' "
                              "or a technician's ID, name or e-mail")
    return name, email


def me(actor: Identity, ref: Reference) -> Technician:
    """The technician the actor is (by e-mail, then name); ReferenceError when none is."""
    tech = find_me(actor.name, actor.email, ref)
    if tech is None:
        raise ReferenceError(f"@me: you ({actor}) are not in reference/technicians.toml "
                             "(pass --actor with your technician ID)")
    return tech


def find_me(name: str, email: str, ref: Reference) -> Technician | None:
    """The technician an actor (`name`, `email`) is, by e-mail, then by name
    (case-insensitively); None for someone who is none (a dispatcher, a supervisor, a
    script). `me` and the permit rule (sdesk/procedures/permits.py) read it."""
    tech = _by_email(ref, email)
    if tech is None and name.strip():
        folded = name.strip().casefold()
        tech = next((t for t in ref.technicians.values() if t.name.casefold() == folded), None)
    return tech


def technician(text: str, ref: Reference, actor: Identity | None) -> Technician:
    """A technician named by ID, name, e-mail or `@me` (which needs the actor)."""
    if text.strip().casefold() == ME:
        if actor is None:
            raise ReferenceError("@me needs to know who you are (--actor)")
        return me(actor, ref)
    return ref.technician(text)


def _by_email(ref: Reference, email: str) -> Technician | None:
    wanted = email.strip().casefold()
    return next((t for t in ref.technicians.values() if t.email.casefold() == wanted), None)
