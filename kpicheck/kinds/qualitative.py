"""県内1位, 全国トップクラス: a standing no number judges, judged from the office's word in the actuals."""

from __future__ import annotations

from kpicheck.kinds.base import Context, Kind, Outcome, by_word, no_data, tagged
from kpicheck.models import Rule


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    """達成 (済, ○) is 達成; 実施中 is 順調 and 未達成 (未, ×) 遅れ while the year runs; after it, anything but
    達成 is 未達成. The actual is the office's word, never a number: a rank typed as one is refused when read."""
    actual = ctx.actual()
    if actual is None:
        return no_data(ctx, f"{ctx.year}年度の判定（達成・未達成）が入力されていない")
    return by_word(ctx, actual, f"{rule.text}（担当課の判定）", "年度内に達成とされず")


def describe(rule: Rule) -> str:
    return tagged(rule, f"「{rule.text}」を達成（数値では判定せず、担当課が実績に記入する 達成・未達成 で判定）")


KIND = Kind(
    evaluate, describe, numeric=False, idle=False, progress_bar=False, carries=False, dated=None, judged_by_word=True
)
