"""tests/corpus/trend_service.py (session 30): the ways it scores incidents awaiting a service
and rejected service proposals in trend grouping, on a corpus small enough to read."""

from __future__ import annotations

from pathlib import Path

from corpus import measure as m
from corpus.trend_service import rejections, score

CORPUS = """@set vpn
I | ana | VPN | VPN down | vpn-out |
I | ben | | vpn down for me too | vpn-out |
I | cy | | VPN is down again | vpn-out |
I | dee | Network Connectivity | cant get on the vpn | net-out |
I | eve | Network Connectivity | no network | net-out |
"""


def test_incidents_awaiting_a_service_make_the_trend_and_apart_they_do_not(
        tmp_path: Path) -> None:
    corpus = tmp_path / "mine.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    items = m.load(corpus)
    every, logged, _ = score(items, "now")
    assert (every.tp, logged.tp) == (3, 1)  # ana's report with ben's and cy's: 3 people
    every, logged, _ = score(items, "apart")
    assert (every.tp, every.fn) == (0, 3)  # ana alone: no trend


def test_a_proposal_counts_as_rejected_when_the_subject_logs_another_service(
        tmp_path: Path) -> None:
    corpus = tmp_path / "mine.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    items = [i for i in m.load(corpus) if i.type == "incident"]
    found = rejections(items, m._reference())
    # dee's is logged; none of vpn-out's is rejected (the subject logs VPN, the title names it)
    assert found == {}
    extra = m.Item(0, "incident", "fay", "", "vpn wont connect", "net-out")
    assert rejections([*items, extra], m._reference()) == {id(extra): "VPN"}
