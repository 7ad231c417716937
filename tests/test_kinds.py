"""The rule-kind registry: every RuleKind member has one complete row, and the engine reads only it."""

from __future__ import annotations

import ast
import inspect
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kpicheck.kinds.base import Kind
from kpicheck.kinds.registry import BAR_KINDS, CARRIED_KINDS, IDLE_KINDS, KINDS, NUMERIC_KINDS, describe
from kpicheck.models import Counts, Rule, RuleKind

PACKAGE = Path(__file__).resolve().parent.parent / "kpicheck"
FLAGS = ("numeric", "idle", "progress_bar", "carries", "reads")


@pytest.mark.parametrize("kind", list(RuleKind), ids=str)
def test_every_kind_has_a_complete_row(kind: RuleKind) -> None:
    """A RuleKind member without a row (or with a field of the wrong type) fails here, named."""
    row = KINDS.get(kind)
    assert row is not None, f"RuleKind.{kind.name} has no row in kpicheck/kinds/registry.py KINDS"
    assert isinstance(row, Kind)
    assert callable(row.evaluate) and callable(row.describe) and callable(row.lookback), kind
    assert callable(row.misplaced), kind
    assert all(isinstance(getattr(row, flag), bool) for flag in FLAGS), kind
    assert row.dated is None or callable(row.dated), kind
    # the row's own functions live in the kind's own module, kpicheck/kinds/<kind>.py
    assert inspect.getmodule(row.evaluate).__name__ == f"kpicheck.kinds.{kind.value}", kind  # type: ignore[union-attr]
    assert inspect.getmodule(row.describe) is inspect.getmodule(row.evaluate), kind


def test_the_registry_has_no_row_for_a_kind_that_does_not_exist() -> None:
    assert set(KINDS) == set(RuleKind)


def test_a_missing_row_is_named_by_the_completeness_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: with one row taken out it names that kind."""
    monkeypatch.delitem(KINDS, RuleKind.GROWTH)
    with pytest.raises(AssertionError, match=r"RuleKind\.GROWTH has no row"):
        test_every_kind_has_a_complete_row(RuleKind.GROWTH)


def test_the_flag_sets_are_read_from_the_rows() -> None:
    """The sets the readers use are the rows' flags, and the flags agree with each other."""
    assert {k for k, row in KINDS.items() if row.numeric} == NUMERIC_KINDS
    assert {k for k, row in KINDS.items() if row.idle} == IDLE_KINDS
    assert {k for k, row in KINDS.items() if row.progress_bar} == BAR_KINDS
    assert {k for k, row in KINDS.items() if row.carries} == CARRIED_KINDS
    assert BAR_KINDS <= NUMERIC_KINDS  # a bar needs a number to draw against
    assert not IDLE_KINDS & (NUMERIC_KINDS | CARRIED_KINDS)  # nothing to enter: nothing to compare or carry


@pytest.mark.parametrize("kind", list(RuleKind), ids=str)
def test_every_kind_describes_a_plain_rule(kind: RuleKind) -> None:
    """A reading of each kind with the fields its reader fills prints one line of Japanese."""
    rule = Rule(kind, "x", "value", value=Decimal(3), unit="件", phases=("検討",), due=date(2026, 3, 31))
    text = describe(rule)
    assert text and "\n" not in text
    assert KINDS[kind].lookback(rule, Counts.LEVEL) in (None, 0, 1)


def _kind_knowledge(tree: ast.AST) -> list[int]:
    """Lines that decide something over two or more kinds at once: a set, tuple or list of RuleKind
    members, or a boolean chain of comparisons with them. One kind named alone (building a Rule of it,
    or recognising one) is a reader's business; a choice among kinds is a registry column."""

    def kinds_in(node: ast.AST) -> int:
        return sum(
            isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "RuleKind"
            for n in ast.walk(node)
        )

    found = []
    for node in ast.walk(tree):
        literal = isinstance(node, ast.Set | ast.Tuple | ast.List) and kinds_in(node) >= 2
        chain = isinstance(node, ast.BoolOp) and kinds_in(node) >= 2
        if literal or chain:
            found.append(node.lineno)
    return found


def test_no_module_outside_the_kinds_package_chooses_among_kinds() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "kinds" not in path.relative_to(PACKAGE).parts
        for line in _kind_knowledge(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, f"kind knowledge outside kpicheck/kinds/ (make it a registry column): {offenders}"


@pytest.mark.parametrize(
    "source",
    [
        "x = frozenset({RuleKind.THRESHOLD, RuleKind.GROWTH})",
        "ok = r.kind is RuleKind.GROWTH or (r.kind is RuleKind.THRESHOLD and level)",
        "if kind in (RuleKind.PHASE, RuleKind.CONTINUOUS): pass",
    ],
)
def test_the_kind_knowledge_check_sees_sets_and_chains(source: str) -> None:
    """The check above can fail: each of these shapes is found."""
    assert _kind_knowledge(ast.parse(source)) == [1]


BIG_GROWTH_PLAN = """
schema = 1
[plan]
id = "big-dx"
city = "mini"
city_name = "大市"
title = "計画"
first_year = 2025
last_year = 2026
[[areas]]
id = "1"
name = "分野1"
[[initiatives]]
id = "1-1"
area = "1"
name = "取組"
departments = ["課"]
[[indicators]]
id = "1-1-1"
initiative = "1-1"
name = "指標"
unit = "件"
counts = "per_year"
[indicators.targets]
2025 = "前年比33274763889849%増"
2026 = "前年比3%増"
"""


def test_the_pace_value_is_the_exact_share_of_a_28_digit_target(make_root: Any) -> None:
    """前年比 makes a target of previous × (1 + rate), held to Decimal's 28 digits. The pace value is that
    target times the share of the year gone, exactly (the review of issue 23 found a share of unreduced
    days rounding the product once more before dividing, so the floor of whole events lost one)."""
    from fractions import Fraction  # noqa: PLC0415
    from math import floor  # noqa: PLC0415

    from kpicheck.rules import evaluate  # noqa: PLC0415
    from kpicheck.workspace import load_city  # noqa: PLC0415

    csv = "indicator,year,value,as_of\n1-1-1,2024,480529891136853,\n1-1-1,2025,5,2025-06-12\n"
    root = make_root({"a.csv": csv}, plan=BIG_GROWTH_PLAN)
    city = load_city(root, "mini", 2025)
    (evaluation,) = evaluate(city.plans[0], city.actuals, 2025, date(2025, 7, 1)).evaluations
    (metric,) = evaluation.metrics
    assert metric.goal is not None and len(metric.goal.as_tuple().digits) == 28  # the target as kpicheck holds it
    gone = (date(2025, 6, 12) - date(2025, 4, 1)).days + 1
    assert metric.pace == Decimal(floor(Fraction(metric.goal) * Fraction(gone, 365)))
