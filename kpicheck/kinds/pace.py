"""The numeric verdict shared by the kinds that compare a number: met, missed, or on or behind pace."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from math import gcd

from kpicheck.kinds.base import Context, Outcome
from kpicheck.models import Actual, Bound, Counts, Status, quantity
from kpicheck.periods import days_gone, fiscal_year_end, fiscal_year_start

# The comparison that fails each bound, for reasons: 実績 60% ＜ 目標 65%.
FAILS: dict[Bound, str] = {Bound.AT_LEAST: "＜", Bound.ABOVE: "≦", Bound.AT_MOST: "＞", Bound.BELOW: "≧"}


def judge(
    ctx: Context,
    got: Decimal,
    target: Decimal,
    *,
    start: Decimal | None,
    window: tuple[date, date],
    measured: date,
    bound: Bound = Bound.AT_LEAST,
) -> Outcome:
    """verdict's outcome, remembering the number the actual was held against (for 達成率 and 評価).

    A count under a ceiling (年10件以内) has no rate while its year runs: 6 of 10 in June says nothing
    of where the year will end.
    """
    outcome = verdict(ctx, got, target, start=start, window=window, measured=measured, bound=bound)
    if bound.ceiling and ctx.metric.counts is not Counts.LEVEL and outcome.status is Status.ON_TRACK:
        return outcome
    status, reason, got_back, shown, paced, _goal = outcome
    return Outcome(status, reason, got_back, shown, paced, target)  # one copy, cheaper than _replace


def verdict(
    ctx: Context,
    got: Decimal,
    target: Decimal,
    *,
    start: Decimal | None,
    window: tuple[date, date],
    measured: date,
    bound: Bound = Bound.AT_LEAST,
) -> Outcome:
    """Met, missed after the window's end, else on pace or behind pace from `start` to `target`.

    The pace value is where a straight line from `start` to `target` stands on `measured`; counts
    of events (per year, 累計) pace in whole events. 遅れ is below the plan's tolerance of the pace
    value (95%: 浜松市's 計画通り band, Open SDG's), or below `start` (a level that fell). An upper
    bound (15分以内) mirrors all of this downwards; a count that only grows under a ceiling is missed
    as soon as it passes it, and met only when the window has ended within it.
    """
    unit = ctx.metric.unit
    shown_got, shown_target = quantity(got, unit), quantity(target, unit)
    ended = ctx.as_of > window[1] and fiscal_year_end(ctx.year) >= window[1]
    counted = ctx.metric.counts is not Counts.LEVEL
    if bound.ceiling and counted:
        within = f"実績 {shown_got} {bound.symbol} 上限 {shown_target}"
        if not bound.met(got, target):
            return Outcome(Status.MISSED, f"実績 {shown_got} {FAILS[bound]} 上限 {shown_target}（減ることはない）", got)
        if ended:
            return Outcome(Status.ACHIEVED, f"{window[1]} まで{within}", got)
        return Outcome(Status.ON_TRACK, f"{within}（{window[1]} まで）", got)
    if bound.met(got, target):
        return Outcome(Status.ACHIEVED, f"実績 {shown_got} {bound.symbol} 目標 {shown_target}", got)
    if ended:
        return Outcome(
            Status.MISSED, f"{window[1]} までに目標 {bound.symbol} {shown_target} に届かず（実績 {shown_got}）", got
        )
    gone, days = days_gone(window[0], window[1], measured)  # the share of the window gone: gone ÷ days
    if gone == days:  # the window's last day: the target itself, judged exactly
        return Outcome(
            Status.BEHIND,
            f"実績 {shown_got} {FAILS[bound]} 目標 {shown_target}（{window[1]} が期限）",
            got,
            pace=target,
        )
    if start is None:  # no start to pace from: 遅れ would be a guess
        return Outcome(
            Status.UNRATED,
            f"実績 {shown_got} {FAILS[bound]} 目標 {shown_target}。前年度の実績も基準値もないため、"
            "年度途中の目安を計算できない",
            got,
        )
    # The share reduced as Fraction reduced it: the product before the division is then the very number
    # it was (a 前年比 target can have 28 digits, where a larger factor would round it once more).
    common = gcd(gone, days)
    expected = start + (target - start) * Decimal(gone // common) / Decimal(days // common)
    if counted:  # whole events: nothing is due before the first one is
        expected = start + (expected - start).to_integral_value(ROUND_FLOOR)
    return pace(ctx, got, start, expected, measured, bound, shown_got)


def pace(
    ctx: Context,
    got: Decimal,
    start: Decimal,
    expected: Decimal,
    measured: date,
    bound: Bound,
    shown_got: str | None = None,
) -> Outcome:
    """順調 or 遅れ against the pace value, with the plan's tolerance, never past where the year started.
    `shown_got`: the actual as printed, where the caller has it."""
    unit = ctx.metric.unit
    ceiling = bound.ceiling
    share = (2 - ctx.plan.pace_tolerance) if ceiling else ctx.plan.pace_tolerance  # 105% above, 95% below
    floor = expected * share
    if shown_got is None:
        shown_got = quantity(got, unit)
    ahead, behind = ("≦", "＞") if ceiling else ("≧", "＜")
    # (at or on the good side of start, expected, floor; a pace value to 0.1 rounded the way that keeps
    # the printed comparison true: toward the actual, or away from it) spelled out inline, no closures
    if not (got <= start if ceiling else got >= start):
        reason = f"実績 {shown_got} {behind} 年度初めの値 {quantity(start, unit)}"
        return Outcome(Status.BEHIND, reason, got, "", expected)
    toward, away = (ROUND_CEILING, ROUND_FLOOR) if ceiling else (ROUND_FLOOR, ROUND_CEILING)
    if got <= expected if ceiling else got >= expected:
        reason = f"実績 {shown_got} {ahead} {measured} 時点の目安 {quantity(expected.quantize(TENTH, toward), unit)}"
        return Outcome(Status.ON_TRACK, reason, got, "", expected)
    limit = (
        f"{measured} 時点の目安 {quantity(expected.quantize(TENTH, away), unit)} の{quantity(share * 100, '%')}"
        f"（{quantity(floor.quantize(TENTH, away), unit)}）"
    )
    if got <= floor if ceiling else got >= floor:
        return Outcome(Status.ON_TRACK, f"実績 {shown_got} は {limit} の範囲内", got, "", expected)
    return Outcome(Status.BEHIND, f"実績 {shown_got} {behind} {limit}", got, "", expected)


TENTH = Decimal("0.1")


def yearly(
    ctx: Context, target: Decimal, got: Decimal, actual: Actual | None, level_start: Decimal | None, bound: Bound
) -> Outcome:
    window = (fiscal_year_start(ctx.year), fiscal_year_end(ctx.year))
    start = Decimal(0) if ctx.metric.counts is Counts.PER_YEAR else level_start
    return judge(ctx, got, target, start=start, window=window, measured=ctx.measured_on(actual), bound=bound)
