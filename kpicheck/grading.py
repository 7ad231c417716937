"""達成率 and grades (評価): how far an actual went toward its target, graded by the plan's scale.

Rates (README "Achievement rate"):

- 達成率 (`achievement_rate`) = 実績 ÷ 目標 × 100 for a target to reach or exceed (65%以上, 削減率50%);
  for an upper bound (15分以内, 0件) by the plan's `reduction_rate` (CEILING_RATES): the mirror
  (2 − 実績 ÷ 目標) × 100 by default, never below 0 (at the target 100, at zero 200, at twice the
  target 0), or 目標 ÷ 実績, or the progress from the 基準値. Against the number the actual was judged
  by (for 前年比 the last year's actual × the factor).
- 目安比 (`pace_rate`) while the year runs (順調, 遅れ): the same against the pace value on the day
  measured, the share of the way the year should have covered by then.
- 進捗率 (`progress_rate`) = (実績 − 基準値) ÷ (目標値 − 基準値) × 100, where the plan gives a 基準値:
  how much of the way from the baseline has been covered (negative: worse than the baseline).

All are rounded half up to 0.1. A grade on a rate is read off the rounded 目安比 while the year runs
and the rounded 達成率 after it, and the report prints the one it used, so a sheet printing 95.0%
never shows the grade for under 95%.

Scales are data (PRESETS, or a plan's own bands); one grader per basis, in a plain dict.

`figures` computes all of these once per evaluated indicator (rules.evaluate calls it) and stores them in
the Evaluation and its MetricResults; renderers and the summary only read them. `achievement` is the
report's own figure: the share of its indicators achieved (達成した指標の割合), for reports and summary.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from kpicheck.models import (
    Band,
    Change,
    Evaluation,
    MetricResult,
    OutlookResult,
    Plan,
    ReductionRate,
    Report,
    Scale,
    Status,
    quantity,
)

TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

# Statuses with nothing to grade: no target this year, or the year has not started.
UNGRADED = frozenset({Status.NOT_APPLICABLE, Status.UPCOMING})
# Statuses with a target but nothing to grade it on: the scale's 評価できない.
UNGRADABLE = frozenset({Status.NO_DATA, Status.TBD, Status.UNRATED})

# A-D's fourth grade, for both what has nothing to grade and 評価不能 (kpicheck's addition to 浜松市's A-C).
CANNOT_EVALUATE = Band("D", "評価できない")

PRESETS: dict[str, Scale] = {
    # 浜松市 DX計画 and 行政経営推進プラン: A over 110% of the plan value (年度計画よりも進んでいる), B 95–110%
    # (年度計画どおり), C under 95% (年度計画よりも遅れている); 浜松 publishes these three only
    # (city.hamamatsu.shizuoka.jp/houmu/gyoukei/plan/jisshikeikaku_kanri/r5.html). The fourth grade, D
    # 評価できない, is kpicheck's own, for what cannot be graded (実績未入力, 目標未設定, 評価不能), and the
    # report's definition of the scale says so.
    "A-D": Scale(
        name="A-D",
        basis="rate",
        bands=(
            Band("A", "目標より進んでいる", Decimal(110), strict=True),
            Band("B", "目標どおり", Decimal(95)),
            Band("C", "目標より遅れている"),
        ),
        none=CANNOT_EVALUATE,
        unrated=CANNOT_EVALUATE,  # 評価不能 takes the fourth grade too (issue 19)
        by_status=((Status.ACHIEVED, "B"), (Status.ON_TRACK, "B"), (Status.BEHIND, "C"), (Status.MISSED, "C")),
        note="A・B・C は浜松市の3段階の基準。D（評価できない）は浜松市の基準にはなく、kpicheck が加えた段階。",
    ),
    # 長与町's 数値目標評価 (第9次総合計画, 令和元年度施策評価の概要, webtown.nagayo.jp/kiji0032107):
    # S 目標値を超えている, A 基準値を超えている, B 基準値と同水準である（△10%以内）, C 基準値より下落
    # している, － 評価できない. △ is the municipal minus sign: ANY improvement on the baseline is A, and
    # B is the baseline itself or up to 10% below it (of the baseline value), C further below. An upper
    # bound (lower is better) mirrors it: under the baseline A, up to 10% over it B. S is given to a
    # target met as its cell reads it (65%以上 met at 65%), where the town's words say 超えている.
    "S-C": Scale(
        name="S-C",
        basis="baseline",
        bands=(
            Band("S", "目標を達成"),
            Band("A", "基準値を超えている"),
            Band("B", "基準値と同水準（△10%以内）"),
            Band("C", "基準値より下落している"),
        ),
        none=Band("－", "評価できない"),
    ),
    # いの町: a mark per judgement, as kpicheck's own statuses give it.
    "◎○△×": Scale(
        name="◎○△×",
        basis="status",
        bands=(Band("◎", "達成"), Band("○", "順調"), Band("△", "遅れ"), Band("×", "未達成")),
        none=Band("－", "評価できない"),
        by_status=((Status.ACHIEVED, "◎"), (Status.ON_TRACK, "○"), (Status.BEHIND, "△"), (Status.MISSED, "×")),
    ),
}


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TENTH, ROUND_HALF_UP)


# ------------------------------------------------------------------------------------------ rates of an upper bound


def _bound_of_zero(actual: Decimal, goal: Decimal) -> Decimal:
    """A bound of 0 or less (0件): kept is 100%, broken 0%; no share of 0 to compute."""
    return HUNDRED if actual <= goal else Decimal(0)


def _mirror(actual: Decimal, goal: Decimal, _baseline: Decimal | None) -> Decimal | None:
    if goal <= 0:
        return _bound_of_zero(actual, goal)
    return max(Decimal(0), (2 - actual / goal) * HUNDRED)


def _goal_over_actual(actual: Decimal, goal: Decimal, _baseline: Decimal | None) -> Decimal | None:
    """目標 ÷ 実績. At 実績 0 (or less) under a bound above 0 the division has no number: no rate, though the
    target is met and better than by any actual above 0 (see `beyond_every_band`)."""
    if goal <= 0:
        return _bound_of_zero(actual, goal)
    if actual <= 0:
        return None
    return goal / actual * HUNDRED


def _from_baseline(actual: Decimal, goal: Decimal, baseline: Decimal | None) -> Decimal | None:
    """(基準値 − 実績) ÷ (基準値 − 目標): the share of the way down from the 基準値 covered. No rate without
    a 基準値, or with one already at or under the target (nothing to cover); never below 0, as the others."""
    if baseline is None or baseline <= goal:
        return None
    return max(Decimal(0), (baseline - actual) / (baseline - goal) * HUNDRED)


class CeilingRate(NamedTuple):
    """One way to compute an upper bound's 達成率: the formula, and how the report's legend states it."""

    rate: Callable[[Decimal, Decimal, Decimal | None], Decimal | None]  # (実績, 目標, 基準値) -> % or None
    legend: str


# `[plan] reduction_rate`: one row per way a city computes the 達成率 of an upper bound (15分以内, 0件,
# 30%以下). A 削減率 target (削減率50%) is a rate to reach, not a bound: 実績 ÷ 目標 whichever is set.
CEILING_RATES: dict[ReductionRate, CeilingRate] = {
    ReductionRate.MIRROR: CeilingRate(
        _mirror, "(2 − 実績 ÷ 目標) × 100（目標ちょうどで100%、0で200%、0%未満にはしない）"
    ),
    ReductionRate.RATIO: CeilingRate(
        _goal_over_actual,
        "目標 ÷ 実績 × 100（目標ちょうどで100%、目標の半分で200%）。実績が0のときは割り算ができないため率を"
        "出さない（―。目標は達成しており、率で評価するときは最上位の評価）。目標0件は守れば100%、超えれば0%",
    ),
    ReductionRate.BASELINE: CeilingRate(
        _from_baseline,
        "(基準値 − 実績) ÷ (基準値 − 目標) × 100（基準値から目標までの進み具合。目標ちょうどで100%、"
        "0%未満にはしない）。基準値のない指標、基準値が目標以下の指標には率を出さない",
    ),
}


def rate_of(
    actual: Decimal,
    goal: Decimal,
    *,
    ceiling: bool,
    method: ReductionRate = ReductionRate.MIRROR,
    baseline: Decimal | None = None,
) -> Decimal | None:
    """The unrounded 達成率 in % (see the module docstring): 実績 ÷ 目標 for a target to reach (None where a
    target of 0 or less has no rate), an upper bound's by `method`."""
    if ceiling:
        return CEILING_RATES[method].rate(actual, goal, baseline)
    if goal <= 0:
        return None
    return max(ZERO, actual / goal * HUNDRED)


def _rounded_rate(result: MetricResult, against: Decimal, method: ReductionRate) -> Decimal | None:
    actual = result.actual
    assert isinstance(actual, Decimal)
    if result.ceiling:  # rate_of, spelled out: two of these per metric evaluated
        found = CEILING_RATES[method].rate(actual, against, result.baseline)
    else:
        found = None if against <= 0 else max(ZERO, actual / against * HUNDRED)
    return None if found is None else found.quantize(TENTH, ROUND_HALF_UP)


def achievement_rate(result: MetricResult, method: ReductionRate = ReductionRate.MIRROR) -> Decimal | None:
    if not isinstance(result.actual, Decimal) or result.goal is None or result.status in UNGRADED:
        return None
    return _rounded_rate(result, result.goal, method)


def pace_rate(result: MetricResult, method: ReductionRate = ReductionRate.MIRROR) -> Decimal | None:
    """While the year runs (順調, 遅れ): the actual against the pace value on the day measured (目安比)."""
    if (
        not isinstance(result.actual, Decimal)
        or result.pace is None
        or result.pace <= 0
        or result.status not in (Status.ON_TRACK, Status.BEHIND)
    ):
        return None
    return _rounded_rate(result, result.pace, method)


def beyond_every_band(result: MetricResult, method: ReductionRate) -> bool:
    """目標 ÷ 実績 at 実績 0 under a bound above 0: no rate to print (÷ 0), but the target is met and the actual
    better than any above 0, whose rate grows without end as it nears 0. Graded on a rate, it takes the
    top band: 0件 never grades below 1件."""
    return (
        method is ReductionRate.RATIO
        and result.ceiling
        and isinstance(result.actual, Decimal)
        and result.actual <= 0
        and result.goal is not None
        and result.goal > 0
        and result.status not in UNGRADED
    )


def progress_rate(result: MetricResult) -> Decimal | None:
    if (
        not isinstance(result.actual, Decimal)
        or result.goal is None
        or result.baseline is None
        or result.goal == result.baseline
        or result.status in UNGRADED
    ):
        return None
    return rounded((result.actual - result.baseline) / (result.goal - result.baseline) * HUNDRED)


# ------------------------------------------------------------------------------------------ grades


def _band_for(scale: Scale, rate: Decimal) -> Band:
    for band in scale.bands:
        if band.floor is None or rate > band.floor or (rate == band.floor and not band.strict):
            return band
    return scale.bands[-1]


def _status_grade(scale: Scale, status: Status) -> Band | None:
    """The grade a status gives where there is no rate: the scale's own table, else the band holding 100%."""
    listed = dict(scale.by_status)
    if status in listed:
        return scale.band(listed[status])
    if status in (Status.ACHIEVED, Status.ON_TRACK):
        return _band_for(scale, HUNDRED)
    if status in (Status.BEHIND, Status.MISSED):
        return scale.bands[-1]
    return None


def grade_by_rate(scale: Scale, result: MetricResult, method: ReductionRate = ReductionRate.MIRROR) -> Band:
    """Bands on the 達成率 against the pace value while the year runs (順調/遅れ), else against the target.

    The scale decides, not the status: under A-D a target missed at 99.4% is B (95–110%, 目標どおり),
    as the city's scale defines it, while the status still says 未達成.
    """
    rate = pace_rate(result, method)
    if rate is None:
        rate = achievement_rate(result, method)
    if rate is not None:
        return _band_for(scale, rate)
    if beyond_every_band(result, method):
        return scale.bands[0]
    return _status_grade(scale, result.status) or scale.none


def grade_by_baseline(scale: Scale, result: MetricResult, _method: ReductionRate = ReductionRate.MIRROR) -> Band:
    """S when the target is met; else against the 基準値: A for any improvement on it, B at it or worse by at
    most the margin (長与町's 同水準（△10%以内）, △ being minus), C worse than that.

    Better is higher, or lower under an upper bound. The improvement is exact (50.1 on a baseline of 50
    is A); the loss is a share of the baseline value, rounded half up to 0.1 as the other rates are
    (−10.0% is B, −10.1% C). On a baseline of 0 any loss is C: no share of 0 is within 10%.
    """
    first, better, level, worse = scale.bands[:4]
    if result.status is Status.ACHIEVED:
        return first
    if not isinstance(result.actual, Decimal) or result.baseline is None:
        return scale.none
    actual, baseline = result.actual, result.baseline
    gain = (baseline - actual) if result.ceiling else (actual - baseline)
    if gain > 0:
        return better
    if gain == 0:
        return level
    if baseline == 0:
        return worse
    return level if rounded(-gain / abs(baseline) * HUNDRED) <= scale.margin else worse


def grade_by_status(scale: Scale, result: MetricResult, _method: ReductionRate = ReductionRate.MIRROR) -> Band:
    return _status_grade(scale, result.status) or scale.none


# (scale, metric, the plan's reduction_rate) -> grade: one signature; only the grader on a rate reads the last.
GRADERS: dict[str, Callable[[Scale, MetricResult, ReductionRate], Band]] = {
    "rate": grade_by_rate,
    "baseline": grade_by_baseline,
    "status": grade_by_status,
}


def metric_grade(scale: Scale, result: MetricResult, method: ReductionRate = ReductionRate.MIRROR) -> Band | None:
    """The metric's grade; None when there is nothing to grade this year (対象外, 未到来)."""
    if result.status in UNGRADED:
        return None
    if result.status is Status.UNRATED:
        return scale.unrated_grade
    if result.status in UNGRADABLE:
        return scale.none
    return GRADERS[scale.basis](scale, result, method)


def _decisive(status: Status, metrics: tuple[MetricResult, ...]) -> tuple[MetricResult, ...]:
    """The parts that decided the indicator's `status` (its worst): those with that status."""
    if len(metrics) == 1:  # the usual case: the one part, whatever its status
        return metrics
    return tuple(m for m in metrics if m.status is status) or metrics


def _indicator_grade(scale: Scale, status: Status, metrics: tuple[MetricResult, ...]) -> Band | None:
    """The grade of the parts that decided the indicator's `status` (its worst), the worst of them; `metrics`
    carry their grades.

    A part that cannot be evaluated decides for the indicator when its status is the indicator's:
    a compound indicator 未達成 because of a part with no 基準値 is 評価できない under S-C, never S
    on the strength of the part that was met; one 実績未入力 in part is D under A-D, never B.
    """
    found = [m.grade for m in _decisive(status, metrics) if m.grade is not None]
    if not found:
        return None
    for cannot in (scale.unrated_grade, scale.none):  # 評価不能, then 評価できない, decide for the indicator
        if cannot in found:
            return cannot
    order = scale.grades
    return max(found, key=lambda band: order.index(band.grade))


def _grade_pace(scale: Scale, status: Status, metrics: tuple[MetricResult, ...], grade: Band | None) -> Decimal | None:
    """The 目安比 the indicator's `grade` was read from: on a scale by rate a part with a 目安比 is graded on it
    (grade_by_rate), so among the decisive parts with that grade, the lowest 目安比; None where the grade
    came from elsewhere (a 達成率 after the year, a status, a 基準値)."""
    if grade is None or scale.basis != "rate":
        return None
    paces = [m.pace_rate for m in _decisive(status, metrics) if m.grade == grade and m.pace_rate is not None]
    return min(paces, default=None)


def grade_counts(scale: Scale, evaluations: tuple[Evaluation, ...] | list[Evaluation]) -> dict[str, int]:
    """Indicators per grade (as figures graded them), every grade of the scale listed (対象外 and 未到来 are
    not graded)."""
    counts = dict.fromkeys(scale.grades, 0)
    for evaluation in evaluations:
        if evaluation.grade is not None:
            counts[evaluation.grade.grade] += 1
    return counts


def indicator_change(evaluation: Evaluation) -> Change | None:
    """改善 if any part improved and none worsened, 悪化 if any worsened, 新規 if every part is new."""
    changes = [m.change for m in evaluation.metrics if m.change is not None]
    if not changes:
        return None
    if Change.WORSENED in changes:
        return Change.WORSENED
    if Change.IMPROVED in changes:
        return Change.IMPROVED
    if all(c is Change.NEW for c in changes):
        return Change.NEW
    return Change.UNCHANGED


# ------------------------------------------------------------------------------------------ figures


def figures(plan: Plan, evaluation: Evaluation, outlook: OutlookResult | None = None) -> Evaluation:
    """The evaluation with its figures filled in: each metric's 達成率, 目安比, 進捗率 and grade under the
    plan's scale, and the indicator's (its metrics' lowest rates, the grade of its decisive parts and the
    目安比 it was read from, its change since last year).

    rules.evaluate calls this once per indicator, so the table, JSON, CSV, reports and summary all read
    the same figures from the records and none computes them again. `outlook`: its 見込み, set in the
    same copy (None: the evaluation's own).
    """
    scale = plan.grading
    if len(evaluation.metrics) == 1:  # the usual case, and the cheap one (summary evaluates every city's indicators)
        only = _metric_figures(scale, plan.reduction_rate, evaluation.metrics[0])
        metrics: tuple[MetricResult, ...] = (only,)
        rate, pace, progress = only.achievement_rate, only.pace_rate, only.progress_rate
        change = only.change  # indicator_change of one part: its own
    else:
        metrics = tuple(_metric_figures(scale, plan.reduction_rate, m) for m in evaluation.metrics)
        rate = _lowest([m.achievement_rate for m in metrics])
        pace = _lowest([m.pace_rate for m in metrics])
        progress = _lowest([m.progress_rate for m in metrics])
        change = indicator_change(evaluation)
    grade = None if scale is None else _indicator_grade(scale, evaluation.status, metrics)
    e = evaluation
    return Evaluation(  # one copy (not _replace), positional in the record's order: the words, then the figures
        e.indicator, e.area_name, e.initiative_name, e.target, e.target_shown, e.status, e.reason, metrics,
        e.note, e.analysis, e.issues, e.direction,
        rate, pace, progress, grade, change,
        None if scale is None else _grade_pace(scale, e.status, metrics, grade),
        e.outlook if outlook is None else outlook,
    )  # fmt: skip


# Where a MetricResult's figures start: the last four fields, in _metric_figures' order.
FIGURES_AT = len(MetricResult._fields) - 4
assert MetricResult._fields[FIGURES_AT:] == ("achievement_rate", "pace_rate", "progress_rate", "grade")


def _metric_figures(scale: Scale | None, method: ReductionRate, result: MetricResult) -> MetricResult:
    found = (
        achievement_rate(result, method),
        pace_rate(result, method),
        progress_rate(result),
        None if scale is None else metric_grade(scale, result, method),
    )
    if found == (result.achievement_rate, result.pace_rate, result.progress_rate, result.grade):
        return result  # usually all None (a state, a phase, no actual): no copy of the record
    return MetricResult._make((*result[:FIGURES_AT], *found))  # one copy, cheaper than _replace


def _lowest(rates: list[Decimal | None]) -> Decimal | None:
    """An indicator's rate with several metrics: the lowest (the part furthest from its target)."""
    return min((r for r in rates if r is not None), default=None)


# ------------------------------------------------------------------------------------------ shares of a report

# The statuses of an indicator with a target this year and an actual: what 達成した指標の割合 counts.
EVALUABLE = (Status.ACHIEVED, Status.MISSED, Status.ON_TRACK, Status.BEHIND)


def share(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in %, rounded half up to 0.1 (13 of 29: 44.8); None of nothing."""
    return rounded(Decimal(part * 100) / whole) if whole else None


def achievement(report: Report) -> dict[str, Any]:
    """達成した指標の割合 = 達成 ÷ (達成 + 未達成 + 順調 + 遅れ): 実績未入力, 対象外 and 目標未設定 are left out of
    the denominator. {achieved, evaluable, rate (float or None), text ("44.8%" or "―")}."""
    counts = report.summary()
    return achievement_share(counts[Status.ACHIEVED], sum(counts[s] for s in EVALUABLE))


def achievement_share(achieved: int, evaluable: int) -> dict[str, Any]:
    """`achievement` from the counts (the summary's totals add them up over cities)."""
    rate = share(achieved, evaluable)
    return {
        "achieved": achieved,
        "evaluable": evaluable,
        "rate": None if rate is None else float(rate),
        "text": "―" if rate is None else quantity(rate, "%"),
    }


def scale_grades(scale: Scale) -> list[dict[str, str]]:
    """The scale's grades and labels, best first, 評価できない last (the JSON's `grading.grades`)."""
    return [{"grade": b.grade, "label": b.label} for b in scale.all_bands]


def parse_scale(spec: object) -> Scale | str:
    """A plan's `grading`: a preset name, or its own bands; the Scale, or why it cannot be read."""
    if isinstance(spec, str):
        found = PRESETS.get(spec.strip())
        if found is None:
            return f"grading = {spec!r} は既定の評価基準ではありません（{'、'.join(PRESETS)} か、独自の bands）"
        return found
    if not isinstance(spec, dict):
        return 'grading は既定の評価基準の名前（"A-D" など）か、bands を持つテーブルにしてください'
    unknown = sorted(set(spec) - {"bands", "none"})
    if unknown:
        return f"grading: 不明なキー {', '.join(unknown)}（使えるキー: bands, none）"
    raw_bands = spec.get("bands")
    if not isinstance(raw_bands, list) or len(raw_bands) < 2:
        return "grading.bands は 2 つ以上の { grade, label, over または from } の配列にしてください"
    bands: list[Band] = []
    for index, raw in enumerate(raw_bands):
        band = _band(raw, last=index == len(raw_bands) - 1)
        if isinstance(band, str):
            return f"grading.bands の {index + 1} 番目: {band}"
        if bands and bands[-1].floor is not None and band.floor is not None and band.floor >= bands[-1].floor:
            return f"grading.bands の {index + 1} 番目: 下限は上の段より小さくしてください"
        bands.append(band)
    none = _band(spec.get("none", {"grade": "－", "label": "評価できない"}), last=True)
    if isinstance(none, str):
        return f"grading.none: {none}"
    grades = [b.grade for b in (*bands, none)]
    if len(set(grades)) != len(grades):
        return "grading: 同じ評価記号が 2 回あります"
    return Scale(name="custom", basis="rate", bands=tuple(bands), none=none, unrated=none)  # the plan's own


def _band(raw: object, *, last: bool) -> Band | str:
    if not isinstance(raw, dict) or not isinstance(raw.get("grade"), str) or not raw["grade"].strip():
        return '{ grade = "A", label = "…", over = 110 } の形にしてください'
    unknown = sorted(set(raw) - {"grade", "label", "over", "from"})
    if unknown:
        return f"不明なキー {', '.join(unknown)}（使えるキー: grade, label, over, from）"
    label = raw.get("label", "")
    if not isinstance(label, str):
        return "label は文字列にしてください"
    bounds = [k for k in ("over", "from") if k in raw]
    if len(bounds) > 1:
        return "over（超）と from（以上）はどちらか一方にしてください"
    if not bounds:
        return Band(raw["grade"].strip(), label) if last else "最後の段以外には over か from（% の下限）が必要です"
    value = raw[bounds[0]]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1000:
        return f"{bounds[0]} は 0 から 1000 までの % の数にしてください"
    return Band(raw["grade"].strip(), label, Decimal(str(value)), strict=bounds[0] == "over")
