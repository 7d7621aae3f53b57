"""Start-up shortcuts taken for speed at 100,000 tickets print exactly what the slow way did."""

from __future__ import annotations

import json
import random
import string

import pytest
from conftest import Desk
from tabulate import tabulate

from sdesk.core.render import table


@pytest.mark.parametrize("fmt", ["plain", "simple"])
def test_the_built_in_table_matches_tabulate_byte_for_byte(fmt: str) -> None:
    rng = random.Random(3)
    alphabet = string.ascii_letters + string.digits + " -_:@."
    for _ in range(300):
        columns = rng.randint(1, 6)
        headers = ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(columns)]
        data = [["".join(rng.choices(alphabet, k=rng.randint(0, 20))) for _ in range(columns)]
                for _ in range(rng.randint(1, 8))]
        assert table(data, headers, fmt) == tabulate(data, headers=headers, tablefmt=fmt,
                                                    disable_numparse=True)


def test_non_ascii_text_is_left_to_tabulate() -> None:
    data = [["INC-1", "Café printer 日本"]]
    assert table(data, ["id", "title"], "simple") == tabulate(
        data, headers=["id", "title"], tablefmt="simple", disable_numparse=True)


def test_list_json_is_one_array_with_a_ticket_per_line(desk: Desk) -> None:
    first = desk.new("-T", "Printer down", "--email", "ana.ruiz@omes.ok.gov")
    second = desk.new("-T", "VPN drops", "--email", "bo.lee@omes.ok.gov")
    out = desk.run("list", "--json").stdout
    assert [row["id"] for row in json.loads(out)] == sorted([first, second])
    assert len(out.strip().splitlines()) == 4  # [, two tickets, ]
    assert desk.run("list", "--json", "--team", "IS-Telecom").stdout.strip() == "[]"
