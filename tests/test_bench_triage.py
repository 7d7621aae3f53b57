"""The triage benchmark's stores (bench/triage_bench.py): the fixed titles (the figures'
history) and `--titles corpus`, the new tickets drawn from the tuning corpora's scenarios."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.triage_bench import build, corpus_queue
from sdesk.core.reference import load_reference
from tests.corpus.measure import TUNING, load

DEFAULTS = Path(__file__).parent.parent / "sdesk" / "defaults" / "reference"


def test_corpus_titles_come_from_the_tuning_files_as_written() -> None:
    ref = load_reference(DEFAULTS)
    written = {(i.title, i.type) for path in TUNING for i in load(path)}
    queue = corpus_queue(ref, set(), size=400)
    assert len(queue) == 400
    assert all((t.title, t.type) in written for t in queue)
    assert len({t.title for t in queue}) > 380  # a real queue's variety, not 70 titles
    assert {t.type for t in queue} == {"incident", "request"}
    assert any(not t.service for t in queue) and any(t.service for t in queue)  # as logged
    named = [t for t in queue if t.software]
    assert named and all(ref.software_named(t.software) for t in named)  # the licence check
    assert len({t.id for t in queue}) == 400


def test_a_corpus_store_keeps_the_fixed_stores_background(tmp_path: Path) -> None:
    build(tmp_path / "fixed", background=60, queue=40)
    build(tmp_path / "corpus", background=60, queue=40, titles="corpus")

    def tickets(root: Path) -> dict[str, dict[str, object]]:
        out = subprocess.run([sys.executable, "-m", "sdesk", "--store", str(root), "list",
                              "--all", "--json"], check=True, capture_output=True, text=True)
        return {t["id"]: t for t in json.loads(out.stdout)}

    fixed, corpus = tickets(tmp_path / "fixed"), tickets(tmp_path / "corpus")
    new = {i for i, t in corpus.items() if t["status"] == "new" and not t["assignee"]}
    assert len(corpus) == 100 and len(new) == 40
    assert {i: t for i, t in corpus.items() if i not in new} == {
        i: t for i, t in fixed.items() if not (t["status"] == "new" and not t["assignee"])}
    written = {i.title for path in TUNING for i in load(path)}
    assert all(corpus[i]["title"] in written for i in new)


def test_the_bench_byte_compiles_the_sdesk_it_times() -> None:
    # Session 37: with PYTHONDONTWRITEBYTECODE set and no .pyc, every timed run compiled
    # sdesk's modules again (~0.43 s of CPU a run).
    import importlib.util

    from bench.triage_bench import compile_sdesk

    source = Path(__file__).parent.parent / "sdesk" / "procedures" / "trend_groups.py"
    cached = Path(importlib.util.cache_from_source(str(source)))
    cached.unlink(missing_ok=True)
    compile_sdesk()
    assert cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime
