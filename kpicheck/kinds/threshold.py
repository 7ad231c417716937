"""65%, 3件, 年4回以上, 15分以内, 0件, 39%→100%, 30%削減 (from a baseline): a number to reach in the year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kpicheck.kinds.base import Context, Kind, Outcome, Trend, amount, no_data, numeric_context, tagged, with_gaps
from kpicheck.kinds.pace import judge, yearly
from kpicheck.models import Counts, Rule, RuleKind
from kpicheck.periods import fiscal_year_end, fiscal_year_start


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    assert rule.value is not None
    actual = ctx.actual()
    if actual is None:
        return no_data(ctx)
    if ctx.metric.counts is Counts.CUMULATIVE:
        total, before = ctx.known_total(ctx.year), ctx.known_total(ctx.year - 1)
        window = (fiscal_year_start(ctx.year), fiscal_year_end(ctx.year))
        measured = ctx.measured_on(actual)
        outcome = judge(ctx, total, rule.value, start=before, window=window, measured=measured, bound=rule.bound)
        return with_gaps(ctx, outcome, ctx.year, rule.bound)
    got = actual.value  # ctx.number(): the row just found
    assert isinstance(got, Decimal)
    # A per-year count paces from zero and needs no baseline.
    start = level_start(rule, ctx) if ctx.metric.counts is Counts.LEVEL else None
    return yearly(ctx, rule.value, got, actual, start, rule.bound)


def level_start(rule: Rule, ctx: Context) -> Decimal | None:
    """Where a level's pace starts: last year's actual, else the declared baseline; else nowhere (None).

    Last year's target is no start: it says where the level should have been, not where it was, so
    pacing from it would be a guess (issue 19). Without a start a value short of the target is 評価不能
    while the year runs (kinds/pace.py).
    """
    before = ctx.number(ctx.year - 1)
    if before is not None:
        return before
    if rule.baseline is not None and (rule.baseline_year is None or rule.baseline_year < ctx.year):
        return rule.baseline
    return None


def describe(rule: Rule) -> str:
    return tagged(rule, amount(rule) + numeric_context(rule))


def dated(rule: Rule, due: date, start: date | None) -> Rule:
    """70申請・届出 at 令和7年度末: a number due at a date is an end target."""
    return rule._replace(kind=RuleKind.END_TARGET, due=due)


def lookback(rule: Rule, counts: Counts | None) -> int | None:
    """A level paces from last year's actual; a running total sums every year from the plan's first."""
    return {Counts.LEVEL: 1, Counts.CUMULATIVE: None}.get(counts or Counts.PER_YEAR, 0)


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
