"""The 見込み's reading of a row of cells in one pass (outlook._final_and_goals) is the general one:
final_target, _target_goals to the final year and each year's number as _goals_of finds it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kpicheck import outlook as outlook_module
from kpicheck.kinds.base import Context
from kpicheck.models import Counts, Indicator, Metric, Plan, Rule, RuleKind, Target
from kpicheck.outlook import RowOutlook, final_target
from kpicheck.targets import load_plan

ROOT = Path(__file__).resolve().parent.parent


def general(plan: Plan, indicator: Indicator, metric: str) -> RowOutlook:
    """The row read by the general functions, one after the other."""
    final = final_target(indicator, metric)
    if final is None:
        return RowOutlook(None, (), ())
    goals = outlook_module._target_goals(plan, indicator, metric, final[0])
    ctx = Context(plan, indicator, indicator.metrics[0], final[0], date(2031, 1, 1), {})
    return RowOutlook(final, goals, outlook_module._goals_of(ctx, goals))


def shipped_plans() -> list[Plan]:
    plans = []
    for path in sorted((ROOT / "targets").glob("*/*.toml")):
        plan, _problems = load_plan(path)
        assert plan is not None, path
        plans.append(plan)
    return plans


def test_the_shipped_rows_read_in_one_pass_as_in_general() -> None:
    """Every row of the shipped plans without a due target: the same final rule, goals and numbers."""
    seen = 0
    for plan in shipped_plans():
        for indicator in plan.indicators:
            if indicator.due is not None:
                continue
            for metric in indicator.metrics:
                found = outlook_module._final_and_goals(plan, indicator, metric.id)
                expected = general(plan, indicator, metric.id)
                assert found.final == expected.final, indicator.id
                assert found.goals == expected.goals, indicator.id
                if found.targets is not None:  # None: worked out with the context (a goal reads actuals)
                    assert [(y, str(n)) for y, n in found.targets] == [(y, str(n)) for y, n in expected.targets or ()]
                seen += 1
    assert seen > 20


def rule(kind: RuleKind, value: str | None, metric: str = "value", text: str = "") -> Rule:
    return Rule(kind, text or str(value), metric, None if value is None else Decimal(value), "%", counts=Counts.LEVEL)


T, GROWTH, TBD, WORK = RuleKind.THRESHOLD, RuleKind.GROWTH, RuleKind.TBD, RuleKind.MILESTONE


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # years out of order in the row: read in the years' order, up to the final year
        ({2029: [rule(T, "80")], 2027: [rule(T, "60.0")]}, [(2027, "60.0"), (2029, "80")]),
        # a year before the plan's first is no yearly target; a later idle cell is no final target
        ({2025: [rule(T, "40")], 2028: [rule(T, "70")], 2030: [rule(TBD, None)]}, [(2028, "70")]),
        # 前年比 gives no number; the next rule of the cell does, another metric's never
        ({2027: [rule(GROWTH, "3"), rule(T, "65")], 2028: [rule(T, "9", "other")]}, [(2027, "65")]),
        # a work item is the final target: no trend goals after it
        ({2027: [rule(T, "50")], 2029: [rule(WORK, None, text="運用開始")]}, [(2027, "50")]),
    ],
)
def test_a_row_read_in_one_pass_as_in_general(cells: dict[int, list[Rule]], expected: list[tuple[int, str]]) -> None:
    metrics = (Metric("value", "", "%", Counts.LEVEL), Metric("other", "", "%", Counts.LEVEL))
    targets = {year: Target(year, "", tuple(rules)) for year, rules in cells.items()}
    indicator = Indicator("1-1-1", "", "1", "1-1", (), metrics, targets)
    plan = Plan("p", "mini", "", "", 2026, 2030, (), (), (indicator,))
    found = outlook_module._final_and_goals(plan, indicator, "value")
    assert found == general(plan, indicator, "value")
    assert [(year, str(number)) for year, number in found.targets or ()] == expected
