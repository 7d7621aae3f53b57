# sdesk developer tasks. Everything runs from the project's own virtualenv (.venv), which
# `make install` creates from scratch: a fresh machine needs only Python 3.11, pip and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test docs-examples lint coverage check bench bench-1m bench-memory bench-small bench-import bench-mail bench-triage train-judgements stress clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,train]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install sdesk with its test tools

DEMO_VENV := .venv-demo

$(DEMO_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check .
	touch $(DEMO_VENV)/.installed

demo: $(DEMO_VENV)/.installed  ## the dispatcher's day on a throw-away copy of the sample store (runtime deps only)
	@$(DEMO_VENV)/bin/python scripts/demo.py

# TESTS: a subset, e.g. make test TESTS="tests/test_triage.py -k trend" (empty: the whole suite)
test: $(STAMP)  ## the test suite (what CI runs)
	$(BIN)/python -m pytest -q $(TESTS)

docs-examples: $(STAMP)  ## rewrite the output README.md, docs/ and docs/help-examples.md show, after a deliberate change
	$(BIN)/python tests/docs_update.py $(PAGES)

lint: $(STAMP)  ## ruff and mypy --strict
	$(BIN)/ruff check sdesk tests
	$(BIN)/mypy sdesk

coverage: $(STAMP)  ## the test suite with branch coverage; fails below 95 % on the procedures
	$(BIN)/python -m pytest -q --cov --cov-report=term

check: lint coverage

# BENCH_ARGS: e.g. "--workdir /work/bench-stores/bench --reuse" to time stores built before
# (store-10000, store-100000, store-300000 in that folder; missing ones are built).
bench: $(STAMP)  ## 10k, 100k and 300k-ticket stores, every command timed as a process, start-up budget included
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.mail_bench
	$(BIN)/python -m bench.triage_bench --tickets 100000

bench-triage: $(STAMP)  ## triage --all over 1,000 new tickets in a 100,000-ticket store, proposals included (target 5 s)
	$(BIN)/python -m bench.triage_bench --tickets 100000

train-judgements: $(STAMP)  ## re-fit the learned judgements on the tuning corpora (sdesk/defaults/models/*.json: pair, on_site, two_problems, kind_*, priority_*, priority_chart)
	$(BIN)/python -m tests.corpus.train --write
	$(BIN)/python -m tests.corpus.learn --write
	$(BIN)/python -m tests.corpus.priority_chart --write

bench-mail: $(STAMP)  ## mail fetch of 1,000 messages from a Maildir into a 100,000-ticket store
	$(BIN)/python -m bench.mail_bench

# BENCH_DIR: a folder for store-1000000, or a store already built (its own sdesk.toml): it is
# timed as it is and left as it was (writing commands are reset; the cold rebuild replaces its
# index). Built when missing: ~30 min at load 15-25 (docs/performance.md). BENCH_100K: the
# 100,000 store `new` and `note` are also timed on, for their growth (left as it was; skipped
# when missing). BENCH_RUNS: runs per command (default 3:
# ~15-20 min on a quiet 2-core machine, docs/performance.md).
bench-1m: $(STAMP)  ## a 1,000,000-ticket store in 3 folder levels (bench/generate.py: ~6 GB on disk), the same table, new/note growth from 100,000
	$(BIN)/python -m bench --sizes 1000000 --runs $${BENCH_RUNS:-3} --workdir $${BENCH_DIR:-/work/bench-stores/l2-1m} --keep --reuse --growth-store $${BENCH_100K:-/work/bench-stores/bench/store-100000}

# STORE: a store built before (bench/generate.py, e.g. make bench-1m's), index warm. Writing
# commands run with --dry-run, or are applied and the store reset to the commit found.
bench-memory: $(STAMP)  ## peak memory (max RSS) of every command on STORE beside the target (100 MiB; 150 MiB from 500,000 tickets)
	$(BIN)/python -m bench.memory $${STORE:?make bench-memory STORE=path/to/a/store}

bench-small: $(STAMP)  ## a quick benchmark on a 2,000-ticket store
	$(BIN)/python -m bench --sizes 2000 --runs 3

bench-import: $(STAMP)  ## import 150,000 ServiceNow event-log rows / 25,000 incidents
	$(BIN)/python bench/import_bench.py

stress: $(STAMP)  ## crash harness, 8x50 concurrent notes, two-clone sync, 8 clones x 50 changes syncing at once
	$(BIN)/python -m pytest -q -s -m slow tests/stress

clean:
	rm -rf $(VENV) $(DEMO_VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
