"""The labelled corpora: precision and recall of each triage judgement against the issue's
floors: precision >= 0.95 for what triage applies automatically, recall >= 0.85 for what it
proposes.

ALL THIRTY-FIVE files here are TUNING data (about 11,000 tickets by thirty-five writers):
tickets.txt was written for tuning; fresh.txt, fresh2.txt, ... fresh34.txt were each written blind,
measured once held out (those figures are in docs/triage.md) and then read while the methods
were improved. So every figure asserted below is a tuning figure. The floor is asserted on
EACH file, not on their union: an automatic judgement's reach is only what every file supports
at 0.95 (issue 11). A judgement below its floor on a file is a strict xfail naming the figure;
one that starts meeting it fails this test until it moves out of BELOW.

The figure methods are chosen by is the leave-one-writer-out one (`python -m
tests.corpus.measure --cross`, tests/corpus/cross.py: chosen on thirty-four files, measured on
the thirty-fifth; for priority `python -m tests.corpus.priority_lowo`). A held-out figure comes
only from a new file written blind and measured once with the methods frozen (`python -m
tests.corpus.measure --file PATH`; tests/test_corpus_heldout.py).
This test reads only the thirty-five files named here (fresh29.txt and fresh30.txt, session 35's
held-out pair, since session 37; fresh31.txt and fresh32.txt, session 37's, since session 38;
fresh33.txt and fresh34.txt, session 38's, since session 40).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus.cross import GRID, Threshold, choose, meets
from corpus.measure import CORPUS, FRESH, TUNING, Score, figures, load, main, vip_persons

FILES = {path.stem: path for path in TUNING}  # tickets, fresh, fresh2, ... fresh34
NAMES = {
    "incident-4 two problems (proposed)",
    "incident-5 same person, same subject (proposed)",
    "incident-5 same person, same subject (automatic)",
    "incident-6 many people, same problem (proposed)",
    "incident-6 many people, same problem (automatic)",
    # until session 21: "request-1 hardware (automatic)" and "software (automatic)", every kind
    # from any source applied; the (proposed) row now measures that, both kinds together
    "request-1 request kind (automatic)",
    "request-1 request kind (proposed)",
    "incident-2 priority (proposed)",
    "on-site (proposed)",
}
# Rows measured that triage only names in the plan, neither applied nor proposed: no floor
# (session 30: a request's title asking for what its route does not take; docs/triage.md,
# "Two requests in one")
NAMED_ONLY = {"request: also names another need (named, not proposed)"}
# (fresh3/fresh4's two problems, on site, same person and trend rows met their floor once the
# learned models were fitted on them: training figures; their LOWO figures are in docs/triage.md)
# (session 23: the priority row reads each file's VIP persons from its header, as triage knows a
# VIP from the e-mail; until then only "cio" counted and fresh2's 0.84 was 0.90 unread)
BELOW = {  # (file, judgement) -> its tuning figure there, below the floor
    # (session 25: priority's fresh4 0.82 and fresh8 0.70 met the floor once the trend's
    # links made the first reports of a problem many people report "many users", 0.88 / 0.86)
    # (session 25: with the learned reading of the chart, fitted on these files among eleven;
    # 0.36 / 0.36 before; LOWO 0.59 / 0.48, docs/triage.md)
    # (session 26: fresh11/fresh12 became tuning data, the models re-fitted on thirteen files;
    # held out they were 0.52 / 0.80 for priority; the request kind's RULES applied two wrong
    # kinds on fresh11: fixed by site26, Teams work inside the service is neither, so that row
    # meets its floor there)
    # (session 26: time pressure, people waiting, dozens stopped, a service down and faults
    # that do not impair the work read from structure: fresh9 0.77 -> 0.91 meets the floor;
    # LOWO on thirteen, worst 0.45 -> 0.75, docs/triage.md)
    # (session 27: fresh13/fresh14 became tuning data, the models re-fitted on fifteen files;
    # held out they were 0.69 / 0.67 for priority; then several sites, work stopped downstream,
    # a shared service late, a display showing wrong, "out", a unit not raised to P1, one
    # user's lockout P3, the trend's P2 not for a device: fresh10 0.82 -> 0.89, fresh11 0.83
    # -> 0.91, fresh13 0.846 -> 1.00, fresh14 0.67 -> 0.87 meet the floor as tuning figures;
    # LOWO on fifteen, worst 0.67 -> 0.82, docs/triage.md)
    # (session 27: the trend row links only the reports triage compares, those sharing a
    # service, a word or a place; until then it linked every pair the model scored and
    # measured recall triage does not have. LOWO worst 0.60, mean 0.82; docs/triage.md)
    # (session 28: fresh15/fresh16 became tuning data, the models re-fitted on seventeen files;
    # held out they were 0.44 / 0.39 for priority and 0.58 / 0.82 for trends, docs/triage.md)
    # (session 31: fresh19/fresh20 became tuning data after their one held-out measurement
    # (priority 0.38 / 0.48, on site 0.88 / 0.75), and the models were re-fitted on all
    # twenty-one files: these are training figures; fresh17/fresh18's on site meets its floor
    # (0.65 / 0.72 before the re-fit), and fresh15's priority rose from 0.67)
    # (session 31: a logged P1 the critical model does not read as critical is proposed P2,
    # not_critical_fit: fresh17 0.73 -> 0.77, fresh18 0.43 -> 0.53, fresh19 0.65 -> 0.75,
    # fresh20 0.62 -> 0.67; LOWO worst 0.27 -> 0.37, docs/triage.md "Priority, session 31")
    # (session 33: fresh21/fresh22 became tuning data after their one held-out measurement
    # (priority 0.39 / 0.35, on site 0.82 on fresh22), and the models were re-fitted on all
    # twenty-three files: training figures; fresh22's on site meets its floor (0.99), priority
    # rose to 0.57 / 0.53 there, fresh16's fell from 0.79)
    # (session 33: the row reads a follow-up as triage does, priority_fit.proposed_priority:
    # no trend P2 and no learned reading for a follow-up with nothing read; it had credited
    # those: fresh11 0.96 -> 0.78 and fresh14 0.87 -> 0.80 fall below the floor, fresh16-fresh21
    # fall 0.01-0.08; docs/triage.md "Priority, session 33")
    # (session 33: a follow-up logged P1 is capped by its first report's text, and the critical
    # model no longer raises the rules' P2 for a deadline, a time to come or a VIP alone:
    # fresh16 0.70 -> 0.72, fresh18 0.47 -> 0.48, fresh19 0.67 -> 0.69, fresh20 0.66 -> 0.67,
    # fresh22 0.53 -> 0.61; LOWO worst 0.29 -> 0.31, docs/triage.md "Priority, session 33")
    # (session 34: fresh23/fresh24 became tuning data after their one held-out measurement,
    # without a re-fit (FITTED keeps the twenty-three); "update" and "status" are a follow-up's
    # words only when asked or announced ("update??", "status of"), not the work's ("cant update
    # road closures"): fresh14 0.80 -> 0.87 meets the floor, fresh17 0.73 -> 0.74, fresh19 0.69
    # -> 0.70, fresh21 0.50 -> 0.53; docs/triage.md "Priority, session 34")
    # (session 34, later: fresh25/fresh26 became tuning data after their one held-out
    # measurement; the chart model (priority_chart.py, off by default: chart_priority in
    # sdesk.toml) is fitted on all twenty-seven; the figures here are the default rules')
    # (session 35: the chart model is the default, fitted on all twenty-nine files: its
    # training figures here are 0.93-1.00 on every file, a model that has read them, not
    # evidence; leave one writer out its worst is 0.47 and held out 0.55-0.58,
    # docs/triage.md "Priority, session 35"; every priority entry left this table)
    # (session 38: fresh31/fresh32 became tuning data after their held-out measurement in
    # session 37; the two problems and on-site models are fitted on FITTED, not on them, so
    # fresh31's held-out misses stand here as tuning figures; priority's chart model, re-fitted
    # on all thirty-three, reads them as training data)
    # (session 38: a joined piece that begins with its own subject and says it fails is a
    # problem of its own, and the on-site rule reads "send a tech", a network drop, a mount:
    # fresh31's two problems 0.78 -> 0.87 meets the floor and left this table; its on site
    # 0.77 -> 0.78 (a site's internet down, the number kiosk, counter devices: labels that
    # disagree across writers, not read); LOWO in docs/triage.md "Two problems and on site,
    # session 38")
    # (session 40: fresh33/fresh34 became tuning data after their held-out measurement in
    # session 38; the on-site model is fitted on FITTED, not on them, so fresh33's held-out
    # figure stands here as a tuning figure; priority's chart model, re-fitted on all
    # thirty-five, reads both as training data)
    # (session 40: the on-site model is fitted on all thirty-five TUNING files, as leave one
    # writer out measures a model fitted on thirty-four: fresh24's on site
    # 0.78 -> 1.00, fresh31's 0.78 -> 0.96 and fresh33's 0.72 -> 0.93 are training figures now
    # and left this table, which is empty; LOWO, the evidence, in docs/triage.md "On site,
    # session 40"; a thing put in place, a blue screen: fresh33 0.98)
    # (session 31, on site: the rule's words and the model at C 0.3, threshold 0.03; its tuning
    # recall is unchanged, 0.94-1.00 on every file, so no on-site entry here; leave one writer
    # out it meets the floor on all twenty-one, worst 0.74 -> 0.86, docs/triage.md)
    # (session 28: a weak link joins a group, and two failing reports sharing no word are
    # linked, only when the report links with at least half of the group: the trend row meets
    # its floor on every file, 0.58-0.84 -> 0.86-1.00 on the twelve below it; LOWO in
    # docs/triage.md)
}


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Score]]:
    return {key: figures(path) for key, path in FILES.items()}


def cases(files: dict[str, Path], below: dict[tuple[str, str], str],
          how: str = "") -> list[object]:
    """(file key, judgement) parameters for every file and judgement; one below its floor is a
    strict xfail naming its figure (tests/test_corpus_heldout.py uses it too, `how` = "held out")."""
    out: list[object] = []
    for key in files:
        for name in sorted(NAMES):
            figure = below.get((key, name))
            reason = f"below its floor {how + ' ' if how else ''}on {key} ({figure}); docs/triage.md"
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if figure else []
            out.append(pytest.param(key, name, marks=marks, id=f"{key}: {name}"))
    return out


@pytest.mark.parametrize(("key", "name"), cases(FILES, BELOW))
def test_judgement_meets_its_floor_on_each_tuning_file(
        measured: dict[str, dict[str, Score]], key: str, name: str) -> None:
    assert meets(name, measured[key][name]), measured[key][name].line(name)


def test_every_judgement_is_judged(measured: dict[str, dict[str, Score]]) -> None:
    assert all(set(scores) == NAMES | NAMED_ONLY for scores in measured.values())


def test_the_corpora_are_big_enough_and_apart() -> None:
    tune, test = load(CORPUS), load(FRESH)
    assert all(len(load(path)) >= 250 for path in TUNING)
    assert sum(len(load(path)) for path in TUNING) >= 1500
    assert all(item.subject.startswith("f-") for item in test)
    # written apart: a short title ("account locked") may recur, hardly any other
    both = {i.title.casefold() for i in tune} & {i.title.casefold() for i in test}
    assert len(both) <= len(test) // 50, sorted(both)


def test_any_corpus_file_is_measured_with_file(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "mine.txt"
    corpus.write_text("@set one\nR | ann | | need a desk phone | p1 | k=hw\n"
                      "I | bob | | VPN down and outlook wont open | v1 | n=2\n", encoding="utf-8")
    assert main(["--file", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("mine.txt: 2 tickets")
    assert "request-1 request kind (proposed)" in out and "two problems" in out
    assert main(["--file", str(tmp_path / "missing.txt")]) == 1


def _threshold(automatic: bool) -> Threshold:
    name = "x (automatic)" if automatic else "x (proposed)"
    return Threshold("x", name, automatic, lambda items, t: Score())


def test_a_threshold_is_chosen_on_every_file_not_their_union() -> None:
    # two files: the first meets the floor from 0.5 up, the second only from 0.8 up
    good, bad = Score(tp=20), Score(tp=9, fp=1)
    scores = {t: [good if t >= 0.5 else bad, good if t >= 0.8 else bad] for t in GRID}
    assert choose(_threshold(automatic=True), scores) == 0.8  # the lowest both support
    recall = {t: [Score(tp=9, fn=1) if t <= 0.4 else Score(tp=1, fn=9)] * 2 for t in GRID}
    assert choose(_threshold(automatic=False), recall) == 0.4  # the highest both support
    assert choose(_threshold(automatic=True), {t: [bad, bad] for t in GRID}) is None


def test_a_miss_is_listed_with_what_was_judged() -> None:
    score = Score()
    score.add(True, False, "'VPN down' / 'printer jam'")
    score.add(False, True, "'Excel crashes' / 'excel keeps crashing'")
    score.add(True, True, "hit")
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.misses == ["fp: 'VPN down' / 'printer jam'",
                            "fn: 'Excel crashes' / 'excel keeps crashing'"]


def test_a_priority_proposal_on_a_ticket_not_judged_is_neither_right_nor_wrong() -> None:
    """Every corpus header says "p= unlabelled: not judged". Until session 24 such a proposal
    counted as a false positive (the logged priority was taken as the label)."""
    from corpus.measure import Item
    from corpus.priority_row import priority_row

    from sdesk.core.reference import load_reference

    ref = load_reference(Path(__file__).resolve().parents[1] / "reference")
    score = Score()
    wide = "whole office has no internet"
    priority_row(Item(0, "incident", "a", "", wide, "s", {}), ref, score)  # proposed P1
    assert (score.tp, score.fp, score.fn, score.unjudged) == (0, 0, 0, 1)
    assert "1 on tickets not judged" in score.line("priority")
    priority_row(Item(0, "incident", "a", "", wide, "s", {"p": "3"}), ref, score)  # judged P3
    priority_row(Item(0, "incident", "a", "", wide, "s", {"p": "1"}), ref, score)
    priority_row(Item(0, "incident", "a", "", "excel slow", "s", {"p": "2"}), ref, score)
    assert (score.tp, score.fp, score.fn, score.unjudged) == (1, 1, 1, 1)


def test_the_priority_row_reads_only_the_links_triage_reads() -> None:
    """The "many users" P2 of a problem's first reports counts another person's report only
    where triage compares the two at all (they share a service, a word or a place: the trend
    group, triage._linked_reports). Until session 27 the row scored every pair of a set, so
    'error 809 when i click the icon' (0.44 with 'VPN wont connect', above priority_trend,
    sharing no key) counted as a link triage cannot make. Since session 28 triage compares two
    failing reports of one hour sharing no key too (the group-level test): that one is read;
    a report sharing no key that does not say something fails is not."""
    from corpus.measure import Item, _reference, compared
    from corpus.priority_row import linked_reports

    ref = _reference()
    vpn, other, stray = (Item(0, "incident", p, "", t, "vpn", {}) for p, t in (
        ("a", "VPN wont connect"), ("b", "cant connect to the vpn"),
        ("c", "error 809 when i click the icon")))
    assert not compared(vpn, stray) and compared(vpn, other)
    links = linked_reports([vpn, other, stray], ref, 0.2)
    assert links[id(vpn)] == (["cant connect to the vpn", "error 809 when i click the icon"], 0)
    quiet = Item(0, "incident", "d", "", "the icon on my desktop looks different", "x", {})
    assert not compared(vpn, quiet)
    assert linked_reports([vpn, other, quiet], ref, 0.2)[id(quiet)] == ([], 0)


def test_leave_one_writer_out_fits_on_the_other_four_and_scores_the_fifth() -> None:
    from corpus.cross import Lowo, leave_one_writer_out
    from corpus.measure import Item

    files = {Path(f"w{n}.txt"): [Item(n, "incident", "p", "", f"t{n}", "s")] for n in range(5)}
    seen: list[set[int]] = []

    def fit(train: object) -> tuple[object, str]:
        sets = {items[0].set_no for items in train}  # type: ignore[attr-defined]
        seen.append(sets)
        return (lambda items: Score(tp=items[0].set_no)), f"trained on {len(sets)}"

    fold = leave_one_writer_out(Lowo("x (proposed)", fit), files)  # type: ignore[arg-type]
    assert seen == [{1, 2, 3, 4}, {0, 2, 3, 4}, {0, 1, 3, 4}, {0, 1, 2, 4}, {0, 1, 2, 3}]
    assert [s.tp for s in fold.scores.values()] == [0, 1, 2, 3, 4]
    assert set(fold.chosen.values()) == {"trained on 4"}


def test_a_files_vip_persons_are_read_from_its_header() -> None:
    header = ["# VIP persons (vip.toml):  m-cio = cio@omes.ok.gov;  m-okhca-ceo = ceo@okhca.org.",
              "#   m-boss = boss@omes.ok.gov   (not on vip.toml)"]
    found = vip_persons(header)
    assert {"m-cio", "m-okhca-ceo", "cio", "omes.director"} <= found  # mapped, or a local part
    assert "m-boss" not in found and "boss" not in found
    assert {i.person for i in load(FILES["fresh6"]) if i.vip} == {
        "q-cio", "q-ohca-ceo", "q-dps-commish"}
    assert {i.person for i in load(CORPUS) if i.vip} == {"cio"}
