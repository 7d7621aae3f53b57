"""Session 33 (perf33): the pair model reads each title once (lexicon.Words and pair_model.Text
keep what the features read of one side) and works the word rule's weights out by sets. The
trend grouping's plan must not move, so every faster path must give the very same floats as
the per-pair code it replaced, kept here as the reference, over pairs of the tuning corpora's
titles (services as logged)."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from sdesk.procedures import judgements
from sdesk.procedures.judgements import _weighed, _weight, one_person, same_outage, similarity
from sdesk.procedures.lexicon import STOP, Words, acronyms, words
from sdesk.procedures.pair_model import Text, associated, cosine, shipped, text_cosine
from sdesk.procedures.similarity import trend_scores
from tests.corpus.measure import TUNING, load
from tests.test_pair_model import REF


def _texts(n: int = 90) -> list[Text]:
    items = sorted({(i.title, i.service) for path in TUNING[:27] for i in load(path)})  # as written
    chosen = random.Random(33).sample(items, n)
    return [shipped("person").read(title, words(title, REF), service) for title, service in chosen]


TEXTS = _texts()
PAIRS = list(itertools.permutations(TEXTS, 2))


def _acronyms_before(a: Words, b: Words) -> frozenset[str]:
    """lexicon.acronyms as it was before session 33 (the initials worked out per pair)."""
    found: set[str] = set()
    for short, joined in ((a.raw, b.raw), (b.raw, a.raw)):
        candidates = {w for w in short if 3 <= len(w) <= 5 and w.isalpha() and w not in STOP}
        if not candidates:
            continue
        long = [part for w in joined for part in w.split("_")]
        initials = "".join(w[:1] or "_" for w in long)
        spelt = [len(w) > 1 and w.isalpha() for w in long]
        for word in candidates:
            n, i = len(word), initials.find(word)
            while i >= 0 and not all(spelt[i:i + n]):
                i = initials.find(word, i + 1)
            if i >= 0:
                found.add(word)
    return frozenset(found)


def _associated_before(a: Words, b: Words, table: frozenset[tuple[str, str]]) -> float:
    only_a = frozenset(t for t in a.tokens - b.tokens if not t.startswith("!"))
    only_b = frozenset(t for t in b.tokens - a.tokens if not t.startswith("!"))
    if not only_a or not only_b:
        return 0.0
    hits = sum(any((x, y) in table for y in only_b) for x in only_a)
    return min(1.0, hits / min(len(only_a), len(only_b)))


def test_the_corpus_pairs_exercise_every_path() -> None:
    """The sample has pairs that share n-grams, acronyms, associations (the person model's
    table: the trend model has none), a logged service, and trend links."""
    table = shipped("person").associations
    assert sum(text_cosine(a, b) > 0.3 for a, b in PAIRS) >= 10
    assert any(acronyms(a.words, b.words) for a, b in PAIRS)
    assert sum(associated(a.words, b.words, table) > 0 for a, b in PAIRS) > 500
    assert any(bool(a.service) and a.service == b.service for a, b in PAIRS)
    assert sum(trend_scores(a, b)[0] >= 0.05 for a, b in PAIRS) > 500


def test_the_cosine_of_the_shared_ngrams_is_the_same_float() -> None:
    for a, b in PAIRS:
        assert text_cosine(a, b) == cosine(a.vector, b.vector), (a.title, b.title)


def test_the_word_rules_weights_by_sets_are_the_same_sums() -> None:
    for a, b in PAIRS:
        wa, wb = a.words, b.words
        if a.service and a.service.casefold() == b.service.casefold():  # as one_person reads
            wa = replace(wa, tokens=wa.tokens | {"@" + a.service})
            wb = replace(wb, tokens=wb.tokens | {"@" + a.service})
        for tokens in (wa.tokens | wb.tokens, wa.tokens & wb.tokens):
            before = sum(max(_weight(t, wa), _weight(t, wb)) for t in tokens)
            assert _weighed(tokens, wa, wb) == before, (a.title, b.title)


def test_acronyms_and_associations_read_once_answer_as_before() -> None:
    tables = [shipped("person").associations, shipped("trend").associations]
    for a, b in PAIRS:
        assert acronyms(a.words, b.words) == _acronyms_before(a.words, b.words)
        for table in tables:
            assert associated(a.words, b.words, table) == _associated_before(
                a.words, b.words, table)


def test_one_persons_kept_reading_and_the_shared_similarity_answer_as_before() -> None:
    for a, b in PAIRS:
        logged = (a.service, b.service)
        first = one_person(a.words, b.words, logged)
        assert one_person(a.words, b.words, logged) == first  # the kept reading (_logged)
        assert one_person(a.words, b.words, logged, similarity(a.words, b.words)) == first
        assert same_outage(a.words, b.words, similarity(a.words, b.words)) == same_outage(
            a.words, b.words)


@pytest.mark.parametrize("which", ["trend", "person"])
def test_the_probability_without_the_account_is_the_scores(which: str) -> None:
    model = shipped(which)
    for a, b in PAIRS:
        probability, found = model.probability(a, b)
        score = model.score(a, b)
        assert (probability, found) == (score.probability, score.features), (a.title, b.title)


def test_a_reading_kept_with_its_logged_service_is_dropped_when_full(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(judgements, "LOGGED_KEPT", 2)
    monkeypatch.setattr(judgements, "_LOGGED", {})
    one = [t for t in TEXTS if t.service][:4]
    for t in one:
        assert "@" + t.service in judgements._logged(t.words, t.service).tokens
    assert len(judgements._LOGGED) <= 2
