"""A 取組 due by a date (R5末, 計画期間内): done in any year up to the due date."""

from __future__ import annotations

from kpicheck.kinds.base import Context, Kind, Outcome, no_data, tagged
from kpicheck.models import Rule, State, Status
from kpicheck.periods import fiscal_year_end, fiscal_year_of, fiscal_year_start


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    assert rule.due is not None
    rows = [a for y in range(ctx.plan.first_year - 1, ctx.year + 1) if (a := ctx.actual(y)) is not None]
    if not rows:
        return no_data(ctx)
    latest = rows[-1]
    typed = latest.text if latest.year == ctx.year else f"{latest.text}（{latest.year}年度）"
    due_text = f"期限 {rule.due}"
    done = next((a for a in rows if a.value is State.DONE), None)
    if done is not None:  # once done, a later 継続中 does not undo it
        if done.year <= fiscal_year_of(rule.due):
            return Outcome(Status.ACHIEVED, f"{done.year}年度に完了（{due_text}）", latest.value, typed)
        return Outcome(Status.MISSED, f"{done.year}年度に完了、{due_text} より後", latest.value, typed)
    if ctx.as_of > rule.due and fiscal_year_end(ctx.year) >= rule.due:
        return Outcome(Status.MISSED, f"{due_text} までに完了せず（{typed}）", latest.value, typed)
    today = min(ctx.as_of, fiscal_year_end(ctx.year))
    start = rule.start or fiscal_year_start(ctx.plan.first_year)
    if latest.value is State.NOT_STARTED and today >= start:
        return Outcome(Status.BEHIND, f"{typed}（着手予定 {start}、{due_text}）", latest.value, typed)
    return Outcome(Status.ON_TRACK, f"{typed}（{due_text}）", latest.value, typed)


def describe(rule: Rule) -> str:
    return tagged(rule, f"{rule.due} までに完了")


KIND = Kind(evaluate, describe, numeric=False, idle=False, progress_bar=False, carries=False, dated=None)
