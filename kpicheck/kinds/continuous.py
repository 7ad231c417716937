"""A 取組 carried out every year it is scheduled, with no completion condition."""

from __future__ import annotations

from datetime import date

from kpicheck.kinds.base import Context, Kind, Outcome, no_data, tagged
from kpicheck.models import Rule, State, Status
from kpicheck.periods import fiscal_year_end

# While its year runs, a scheduled 取組 not yet started is 遅れ from this day of the fiscal year on
# (month, day): the second half of the year, when half of the year's work time is gone.
CONTINUOUS_START_BY = (10, 1)


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    """A 取組 to carry out this year: 実施 or 実施中 (or any phase reached) is 達成 for the year."""
    actual = ctx.actual()
    if actual is None:
        return no_data(ctx)
    typed = actual.text
    if actual.value is not State.NOT_STARTED:
        return Outcome(Status.ACHIEVED, f"{ctx.year}年度の取組を実施（{typed}）", actual.value, typed)
    if ctx.as_of > fiscal_year_end(ctx.year):
        return Outcome(Status.MISSED, f"{ctx.year}年度に実施せず（{typed}）", actual.value, typed)
    point = date(ctx.year, *CONTINUOUS_START_BY)
    if ctx.measured_on(actual) >= point:
        return Outcome(Status.BEHIND, f"{typed}（{point} を過ぎても未着手）", actual.value, typed)
    return Outcome(Status.ON_TRACK, f"{typed}（{point} までに着手すれば順調）", actual.value, typed)


def describe(rule: Rule) -> str:
    return tagged(rule, "その年度に取組を実施（完了条件なし" + (f"：{rule.note}" if rule.note else "") + "）")


KIND = Kind(evaluate, describe, numeric=False, idle=False, progress_bar=False, carries=True, dated=None)
