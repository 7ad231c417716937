"""検討 → 構築 → 運用: the phase this year needs (its bar's last phase in the bar's last year, else its first)."""

from __future__ import annotations

from kpicheck.kinds.base import Context, Kind, Outcome, no_data, tagged
from kpicheck.models import Rule, Status
from kpicheck.periods import fiscal_year_end


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    """The phase this year needs or a later one is 達成; one phase short while the year runs is 順調."""
    actual = ctx.actual()
    if actual is None:
        return no_data(ctx)
    order = {word: index for index, word in enumerate(ctx.plan.phases)}
    reached = order.get(actual.value, -1) if isinstance(actual.value, str) else -1
    wanted = rule.reach or rule.phases[0]
    needed = order[wanted]
    shown = actual.text
    if reached >= needed:
        return Outcome(Status.ACHIEVED, f"段階「{shown}」に到達（今年度の計画: {wanted}）", actual.value, shown)
    if ctx.as_of > fiscal_year_end(ctx.year):
        return Outcome(Status.MISSED, f"年度末の段階「{shown}」が今年度の計画「{wanted}」に届かず", actual.value, shown)
    if reached >= needed - 1:
        return Outcome(
            Status.ON_TRACK,
            f"段階「{shown}」、年度内に「{wanted}」へ（{fiscal_year_end(ctx.year)} まで）",
            actual.value,
            shown,
        )
    return Outcome(Status.BEHIND, f"段階「{shown}」、今年度の計画「{wanted}」まで2段階以上ある", actual.value, shown)


def describe(rule: Rule) -> str:
    """段階「構築」に到達（「検討・構築」2026～2027年度の最終年度）."""
    reach = rule.reach or rule.phases[0]
    if len(rule.phases) > 1 and rule.bar is not None:
        cell, (first, last) = rule.note or "・".join(rule.phases), rule.bar  # the cell as printed
        years = f"{first}年度" if first == last else f"{first}～{last}年度"
        if reach == rule.phases[-1]:
            return tagged(rule, f"段階「{reach}」に到達（「{cell}」{years}の最終年度）")
        return tagged(rule, f"段階「{reach}」に到達（「{cell}」{years}、{last}年度に「{rule.phases[-1]}」）")
    return tagged(rule, f"段階「{reach}」に到達" + ("（前年度から継続）" if rule.carried else ""))


KIND = Kind(evaluate, describe, numeric=False, idle=False, progress_bar=False, carries=True, dated=None)
