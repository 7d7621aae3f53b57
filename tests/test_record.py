"""`@record` (sdesk/core/record.py): a dataclass built at its first use, not at import.

Each test runs its own interpreter, so the classes start unbuilt whatever other tests did."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

MODULE = textwrap.dedent('''
    from __future__ import annotations
    from dataclasses import field
    from sdesk.core.record import record

    @record(frozen=True)
    class Base:
        """A frozen record."""
        a: int
        tags: tuple[str, ...] = ()

    @record(frozen=True)
    class Child(Base):
        b: str = ""

    @record
    class Mutable:
        x: int
        items: list[str] = field(default_factory=list)
''')


def _run(tmp_path: Path, code: str) -> str:
    (tmp_path / "recs.py").write_text(MODULE, encoding="utf-8")
    script = "from sdesk.core.record import _Pending\n" + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, env={"PYTHONPATH": f"{tmp_path}:{Path.cwd()}"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_record_is_built_by_its_first_instance(tmp_path: Path) -> None:
    out = _run(tmp_path, """
        import dataclasses, recs
        pending = lambda c: isinstance(c.__dict__["__dataclass_fields__"], _Pending)
        assert pending(recs.Base) and pending(recs.Child) and pending(recs.Mutable)
        c = recs.Child(1, ("x",), "y")
        assert not pending(recs.Child) and not pending(recs.Base)  # the base with it
        assert pending(recs.Mutable)
        assert [f.name for f in dataclasses.fields(c)] == ["a", "tags", "b"]
        assert c == recs.Child(1, ("x",), "y") and hash(c) == hash(recs.Child(1, ("x",), "y"))
        assert dataclasses.replace(c, b="z").b == "z"
        try:
            c.a = 2
        except dataclasses.FrozenInstanceError:
            print("frozen")
        print(repr(c))
        m = recs.Mutable(3)
        m.items.append("q")
        assert recs.Mutable(3).items == []
        try:
            hash(m)
        except TypeError:
            print("unhashable")
    """)
    assert out == "frozen\nChild(a=1, tags=('x',), b='y')\nunhashable\n"


def test_reading_the_fields_of_the_class_builds_it(tmp_path: Path) -> None:
    out = _run(tmp_path, """
        import dataclasses, recs
        print([f.name for f in dataclasses.fields(recs.Mutable)], dataclasses.is_dataclass(recs.Base))
        print(recs.Mutable.__dataclass_params__.frozen, recs.Base.__dataclass_params__.frozen)
    """)
    assert out == "['x', 'items'] True\nFalse True\n"


def test_an_unpickled_instance_of_an_unbuilt_record_behaves_as_a_dataclass(
        tmp_path: Path) -> None:
    """sdesk/store/refcache.py unpickles the reference data: no __init__ runs then."""
    _run(tmp_path, """
        import pickle, recs
        open("p.bin", "wb").write(pickle.dumps([recs.Child(1, (), "y"), recs.Mutable(2)]))
    """)
    out = _run(tmp_path, """
        import dataclasses, pickle, recs
        child, mutable = pickle.loads(open("p.bin", "rb").read())
        assert isinstance(recs.Child.__dict__["__dataclass_fields__"], _Pending)
        print(repr(mutable))  # builds Mutable only
        assert isinstance(recs.Child.__dict__["__dataclass_fields__"], _Pending)
        print(child == recs.Child(1, (), "y"), child != recs.Child(1, (), "z"))
        try:
            child.b = "z"
        except dataclasses.FrozenInstanceError:
            print("frozen")
        try:
            hash(mutable)
        except TypeError:
            print("unhashable")
    """)
    assert out == "Mutable(x=2, items=[])\nTrue True\nfrozen\nunhashable\n"


def test_the_write_path_builds_only_the_records_it_uses() -> None:
    """Importing the plan, the reference data and the index builds none of their records."""
    code = ("import sdesk.procedures.plan, sdesk.core.reference, sdesk.store.index\n"
            "from sdesk.core.record import _Pending\n"
            "from sdesk.procedures.plan import Notify, Assign, Finding\n"
            "from sdesk.core.reference import Reference, Team\n"
            "print(sorted(c.__name__ for c in (Notify, Assign, Finding, Reference, Team)"
            " if isinstance(c.__dict__['__dataclass_fields__'], _Pending)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == "['Assign', 'Finding', 'Notify', 'Reference', 'Team']\n"
