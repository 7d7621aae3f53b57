"""SHA-1 for the few small things a ticket command hashes, without loading OpenSSL.

`import hashlib` loads OpenSSL's libcrypto (~11 M instructions, ~3 ms of every `new` and
`note`: more than all the hashing they do). A ticket commit hashes a few kilobytes (the ticket
file, its blob, a handful of trees, the commit, git's small index file), for which CPython's
own SHA-1 (`_sha1`, what hashlib itself falls back to when OpenSSL is missing) is as good; the
digests are the same. Where `_sha1` is not built in, hashlib's is used. Bulk hashing (the
index's cold rebuild reads every ticket file) stays on hashlib, which is faster per byte.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from hashlib import sha1
else:
    try:
        from _sha1 import sha1
    except ImportError:  # a Python built without its own SHA-1
        from hashlib import sha1

__all__ = ["sha1"]
