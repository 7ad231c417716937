"""Issue 23: the loader's cells are normalised once; parse_value(normalized=True) reads them as before."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from kpicheck.actual_rows import read_cell as _read_cell
from kpicheck.actual_values import parse_value
from kpicheck.models import Counts, Metric, Plan, State, ValueKind

PLAN = Plan("p", "c", "", "", 2026, 2028, (), (), (), phases=("検討", "構築", "運用"))
METRICS = [
    Metric("m", "", "名", Counts.LEVEL),
    Metric("m", "", "%", Counts.LEVEL),
    Metric("m", "", None, Counts.LEVEL, kind=ValueKind.STATE),
    Metric("m", "", None, Counts.LEVEL, kind=ValueKind.PHASE),
]
# what staff type, with the spaces, quotes and full-width forms that normalising changes
PIECES = ["1", "5", "0", ",", ".", "万", "名", "%", "％", "１", "，", " ", "\u3000", "\t", "=", '"', "+", "-",
          "済", "実施中", "未", "構築", "○", "\n", "\x07", "ｱ", "Ａ"]  # fmt: skip


def read(text: str, metric: Metric, *, normalized: bool) -> Decimal | State | str:
    try:
        return parse_value(text, metric, PLAN, normalized=normalized)
    except ValueError as exc:
        return f"ValueError: {exc}"


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: str(m.unit or m.kind.value))
@settings(max_examples=examples(300), deadline=None)
@given(raw=st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
def test_a_loaded_cell_reads_the_same_without_a_second_normalize(metric: Metric, raw: str) -> None:
    cell = _read_cell(raw)  # as actuals._read_row hands it on
    assert read(cell, metric, normalized=True) == read(cell, metric, normalized=False)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("１５，０００名", Decimal(15000)),
        ('="0123"', Decimal(123)),
        ('=" 5 名"', Decimal(5)),
        ("\u30001万名 ", Decimal(10000)),
    ],
)
def test_cells_that_normalising_changes(raw: str, value: Decimal) -> None:
    assert parse_value(_read_cell(raw), METRICS[0], PLAN, normalized=True) == value
