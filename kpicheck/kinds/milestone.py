"""方針策定, 運用継続, 定期監査 (3年に1回): something to complete within the year."""

from __future__ import annotations

from datetime import date

from kpicheck.kinds.base import Context, Kind, Outcome, by_word, no_data, tagged
from kpicheck.models import Rule, RuleKind


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    actual = ctx.actual()
    if actual is None:
        return no_data(ctx)
    return by_word(ctx, actual, rule.text, "年度内に完了せず")


def describe(rule: Rule) -> str:
    return tagged(rule, "完了" + (f"（{rule.note}）" if rule.note else ""))


def dated(rule: Rule, due: date, start: date | None) -> Rule:
    """A milestone due at a date (a 取組 due R5末) is a deadline."""
    return Rule(RuleKind.DEADLINE, rule.text, rule.metric, due=due, start=start)


KIND = Kind(
    evaluate, describe, numeric=False, idle=False, progress_bar=False, carries=False, dated=dated, judged_by_word=True
)
