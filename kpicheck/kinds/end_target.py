"""70申請・届出 at 令和7年度末: a number to reach by a date, paced over the plan from its start."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kpicheck.kinds.base import Context, Kind, Outcome, Trend, amount, no_data, numeric_context, tagged, with_gaps
from kpicheck.kinds.pace import judge
from kpicheck.models import Counts, Rule
from kpicheck.periods import fiscal_year_of, fiscal_year_start


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    assert rule.value is not None and rule.due is not None
    # After the due year, the target is judged on what stood at the due date.
    year = min(ctx.year, fiscal_year_of(rule.due))
    actual = ctx.actual(year)
    if actual is None:
        return no_data(ctx, f"{year}年度の実績が入力されていない")
    cumulative = ctx.metric.counts is Counts.CUMULATIVE
    got = ctx.known_total(year) if cumulative else ctx.number(year)
    assert got is not None
    window = (fiscal_year_start(ctx.plan.first_year), rule.due)
    # Paced from the baseline, else from zero; a ceiling with no baseline has no start to pace down from.
    start = rule.baseline if rule.baseline is not None else (None if rule.bound.ceiling else Decimal(0))
    measured = ctx.measured_on(actual)
    outcome = judge(ctx, got, rule.value, start=start, window=window, measured=measured, bound=rule.bound)
    return with_gaps(ctx, outcome, year, rule.bound) if cumulative else outcome


def describe(rule: Rule) -> str:
    return tagged(rule, f"{rule.due} までに {amount(rule)}" + numeric_context(rule))


def dated(rule: Rule, due: date, start: date | None) -> Rule:
    return rule._replace(due=due)


def lookback(rule: Rule, counts: Counts | None) -> int | None:
    """A running total to the due date sums every year from the plan's first."""
    return None if counts is Counts.CUMULATIVE else 0


KIND = Kind(
    evaluate,
    describe,
    numeric=True,
    idle=False,
    progress_bar=True,
    carries=False,
    dated=dated,
    lookback=lookback,
    outlook=Trend(),
)
