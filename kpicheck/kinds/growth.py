"""前年比3%増, 前年度比5%減, 前年度以上: a number held against last year's actual."""

from __future__ import annotations

from kpicheck.kinds.base import (
    Context,
    Kind,
    Outcome,
    Trend,
    no_data,
    no_goal,
    numeric_context,
    reworded,
    tagged,
    unrated,
)
from kpicheck.kinds.pace import yearly
from kpicheck.models import Rule, growth_factor, quantity


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    assert rule.value is not None
    previous = ctx.number(ctx.year - 1)
    actual = ctx.actual()
    got = ctx.number()
    if actual is None or got is None:
        return no_data(ctx)
    if previous is None:
        return unrated(ctx, f"前年度（{ctx.year - 1}年度）の実績がないため増加率を判定できない")
    target = previous * (1 + rule.value / 100)
    outcome = yearly(ctx, target, got, actual, previous, rule.bound)
    unit = ctx.metric.unit
    basis = f"目標 {rule.bound.symbol} 前年度実績 {quantity(previous, unit)} × {growth_factor(rule.value)}"
    return reworded(outcome, f"{basis}: {outcome.reason}")


def describe(rule: Rule) -> str:
    return tagged(rule, f"{rule.bound.symbol} 前年度実績 × {growth_factor(rule.value)}" + numeric_context(rule))


KIND = Kind(
    evaluate,
    describe,
    numeric=True,
    idle=False,
    progress_bar=False,
    carries=False,
    dated=None,
    lookback=lambda *_: 1,  # last year's actual × the factor
    outlook=Trend(goal=no_goal),  # a change on last year's actual: no final number to project to
)
