"""削減率50％: the rate itself, or (before - after) / before from the metrics `before` and `after`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kpicheck.kinds.base import Context, Kind, Outcome, Trend, amount, no_data, tagged
from kpicheck.kinds.pace import judge
from kpicheck.models import Rule
from kpicheck.periods import fiscal_year_end, fiscal_year_start

# A reduction target (削減率) may be given as the rate, or as these two metrics of the indicator.
REDUCTION_INPUTS = ("before", "after")


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    assert rule.value is not None
    actual = ctx.actual()
    rate = ctx.number()
    if rate is None:
        before, after = (ctx.number(metric=m) for m in REDUCTION_INPUTS)
        if before is None or after is None or before == 0:
            return no_data(ctx, f"{ctx.year}年度の削減率（または導入前・導入後の値）が入力されていない")
        rate = (before - after) / before * 100  # exact: compared unrounded
        actual = ctx.actual(metric=REDUCTION_INPUTS[1])
    start, end = (
        (fiscal_year_start(ctx.plan.first_year), rule.due)
        if rule.due
        else (fiscal_year_start(ctx.year), fiscal_year_end(ctx.year))
    )
    measured = ctx.measured_on(actual)
    return judge(ctx, rate, rule.value, start=Decimal(0), window=(start, end), measured=measured, bound=rule.bound)


def rate_of(ctx: Context, year: int) -> Decimal | None:
    """A year's 削減率 for the trend line: typed as the rate, else from that year's before and after."""
    rate = ctx.number(year)
    if rate is not None:
        return rate
    before, after = (ctx.number(year, m) for m in REDUCTION_INPUTS)
    return None if before is None or after is None or before == 0 else (before - after) / before * 100


def describe(rule: Rule) -> str:
    return tagged(rule, f"削減率 {amount(rule)}" + (f"（{rule.due} まで）" if rule.due else ""))


def dated(rule: Rule, due: date, start: date | None) -> Rule:
    return rule._replace(due=due)


KIND = Kind(
    evaluate,
    describe,
    numeric=True,
    idle=False,
    progress_bar=True,
    carries=False,
    dated=dated,
    inputs=REDUCTION_INPUTS,
    outlook=Trend(value=rate_of),
)
