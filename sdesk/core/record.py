"""`record`: a dataclass built the first time it is used, not when its module is imported.

`dataclasses.dataclass` compiles five or six methods per class from generated source when the
class is defined: ~3.7 M instructions a class, 136 M of the 404 M a `sdesk new` ran at
100,000 tickets (36 classes on its path, most of them never used by it: the plan's other
actions, the index's problem rows, CSAT, holds...). docs/performance.md ("The write path,
fifth pass") has the figures. `@record` / `@record(frozen=True)` keeps the class exactly as
written and defers the dataclass machinery to the first of:

- creating an instance (`__init__`), or reading the class's `__dataclass_fields__`
  (`dataclasses.fields`, `replace`, `asdict`, `is_dataclass`);
- calling a method the dataclass generates on an instance that exists without `__init__`
  (unpickled from sdesk/store/refcache.py's cache, or copied): `__repr__`, `__eq__`,
  `__hash__`, and a frozen class's `__setattr__` / `__delattr__`.

Each of these is a stand-in until then, which builds the class with `dataclasses.dataclass`
(the stand-ins removed first, so it sees the class as written) and calls the real method.
The class is the one object throughout (no `slots=True`: that makes a new class). Type
checkers see a dataclass (`typing.dataclass_transform`). Not covered, as nothing in sdesk uses
them before an instance exists: class attributes of fields with a `field(...)` default (a
`Field` until the build), `__match_args__`, and `inspect.signature` of the class.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~11 M instructions of `new`)
if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform, overload

    _T = TypeVar("_T", bound=type)
_FIELDS = "__dataclass_fields__"


class _Pending:
    """Stands in for `__dataclass_fields__` until the class is built: reading it builds it."""

    __slots__ = ("frozen", "owner", "stubs")

    def __init__(self, owner: type, frozen: bool, stubs: tuple[str, ...]) -> None:
        self.owner, self.frozen, self.stubs = owner, frozen, stubs

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        build(self.owner)
        return self.owner.__dict__[_FIELDS]


def build(cls: type) -> None:
    """Make `cls` the dataclass `@dataclass(frozen=...)` would have made (once; a class
    already built is left alone)."""
    pending = cls.__dict__.get(_FIELDS)
    if not isinstance(pending, _Pending):
        return
    for name in (_FIELDS, *pending.stubs):
        delattr(cls, name)
    dataclasses.dataclass(cls, frozen=pending.frozen)


def _stand_in(cls: type, name: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        build(cls)
        real = getattr(cls, name)
        if real is None:  # __hash__ of a mutable dataclass: unhashable
            raise TypeError(f"unhashable type: {type(self).__name__!r}")
        return real(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


def _record(cls: Any = None, /, *, frozen: bool = False) -> Any:
    """`@dataclass` / `@dataclass(frozen=True)`, built at first use (the module's list)."""

    def wrap(target: type) -> type:
        names = ["__init__", "__repr__", "__eq__", "__hash__"]
        if frozen:
            names += ["__setattr__", "__delattr__"]
        stubs = tuple(n for n in names if n not in target.__dict__)
        for name in stubs:
            setattr(target, name, _stand_in(target, name))
        setattr(target, _FIELDS, _Pending(target, frozen, stubs))
        return target

    return wrap if cls is None else wrap(cls)


if TYPE_CHECKING:  # what type checkers see: a dataclass
    @overload
    def record(cls: _T, /) -> _T: ...

    @overload
    def record(*, frozen: bool = False) -> Callable[[_T], _T]: ...

    @dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
    def record(cls: Any = None, /, *, frozen: bool = False) -> Any:
        """`@dataclass` / `@dataclass(frozen=True)`, built at first use (the module's list)."""
        return _record(cls, frozen=frozen)
else:
    record = _record
