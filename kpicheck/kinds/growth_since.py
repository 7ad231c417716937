"""2022年度比10%増, 2022年度より増加, 2022年度実績以上: a number held against the actual of a named year."""

from __future__ import annotations

from decimal import Decimal

from kpicheck.kinds.base import Context, Kind, Outcome, Trend, no_data, numeric_context, reworded, tagged, unrated
from kpicheck.kinds.pace import yearly
from kpicheck.models import Rule, growth_factor, quantity


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    """That year's actual × the factor, as 前年比 is judged against last year's; without that year's
    actual, the plan's own figure for it (the metric's baseline of that year), else 評価不能."""
    assert rule.value is not None and rule.baseline_year is not None
    named = rule.baseline_year
    actual = ctx.actual()
    got = ctx.number()
    if actual is None or got is None:
        return no_data(ctx)
    before, source = ctx.number(named), f"{named}年度実績"
    if before is None and rule.baseline is not None:
        before, source = rule.baseline, f"{named}年度の基準値"
    if before is None:
        why = f"{named}年度の実績がないため、{named}年度との比較を判定できない（{named}年度の実績を入力してください）"
        return unrated(ctx, why)
    target = before * growth_factor(rule.value)
    last = ctx.number(ctx.year - 1)  # a level's year starts where last year ended, else at the named year's
    outcome = yearly(ctx, target, got, actual, before if last is None else last, rule.bound)
    basis = f"目標 {rule.bound.symbol} {source} {quantity(before, ctx.metric.unit)} × {growth_factor(rule.value)}"
    return reworded(outcome, f"{basis}: {outcome.reason}")


def goal(rule: Rule, ctx: Context) -> Decimal | None:
    """The final target's number: the named year's actual (else the plan's figure for it) × the factor."""
    assert rule.value is not None and rule.baseline_year is not None
    before = ctx.number(rule.baseline_year)
    if before is None:
        before = rule.baseline
    return None if before is None else before * growth_factor(rule.value)


def describe(rule: Rule) -> str:
    named = f"{rule.baseline_year}年度" if rule.baseline_year else "指定年度"
    return tagged(rule, f"{rule.bound.symbol} {named}実績 × {growth_factor(rule.value)}" + numeric_context(rule))


def misplaced(rule: Rule, year: int, first: int) -> str:
    """The named year must come before the cell's, and its actual must be one the plan can hold (from the
    year before its first) unless the metric declares the plan's figure for it as its baseline."""
    named = rule.baseline_year
    assert named is not None
    if named >= year:
        return f"{rule.text!r} を読めません: {named}年度との比較は {named + 1}年度以降の目標にしか書けません"
    if named < first - 1 and rule.baseline is None:
        return (
            f"{rule.text!r}: {named}年度の実績はこの計画（{first}年度から）の実績として入力できません。"
            f'計画に載っている{named}年度の値を、指標の基準値として baseline = {{ value = "…", year = "{named}" }}'
            " と宣言してください"
        )
    return ""


KIND = Kind(
    evaluate,
    describe,
    numeric=True,
    idle=False,
    progress_bar=False,
    carries=False,
    dated=None,
    lookback=lambda *_: None,  # the named year's actual: any year before (validate marks them all as read)
    misplaced=misplaced,
    outlook=Trend(goal=goal),
)
