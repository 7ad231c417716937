"""方針策定, 運用継続, 定期監査 (3年に1回): something to complete within the year."""

from __future__ import annotations

from datetime import date

from kpicheck.kinds.base import Context, Kind, Outcome, no_data, tagged
from kpicheck.models import Rule, RuleKind, State, Status
from kpicheck.periods import fiscal_year_end


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    actual = ctx.actual()
    if actual is None:
        return no_data(ctx)
    state, typed = actual.value, actual.text
    if state is State.DONE:
        return Outcome(Status.ACHIEVED, f"{rule.text}: {typed}", state, typed)
    if ctx.as_of > fiscal_year_end(ctx.year):
        return Outcome(Status.MISSED, f"{rule.text}: 年度内に完了せず（{typed}）", state, typed)
    if state is State.NOT_STARTED:
        return Outcome(Status.BEHIND, f"{rule.text}: {typed}", state, typed)
    return Outcome(Status.ON_TRACK, f"{rule.text}: {typed}（{fiscal_year_end(ctx.year)} まで）", state, typed)


def describe(rule: Rule) -> str:
    return tagged(rule, "完了" + (f"（{rule.note}）" if rule.note else ""))


def dated(rule: Rule, due: date, start: date | None) -> Rule:
    """A milestone due at a date (a 取組 due R5末) is a deadline."""
    return Rule(RuleKind.DEADLINE, rule.text, rule.metric, due=due, start=start)


KIND = Kind(evaluate, describe, numeric=False, idle=False, progress_bar=False, carries=False, dated=dated)
