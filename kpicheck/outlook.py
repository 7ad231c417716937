"""見込み: will each final target be reached at the current trend (issue 24)? Records, no printing.

A numeric kind (its registry row's `outlook` is a `Trend`) is projected: the points are the baseline
(year and value, where declared) and each year's actual known by the as-of date up to the year judged
(a 累計 as running totals, refused with a gap year: a missing year is never zero); a least-squares
line through them is read at the plan's final target year, and

    outlook_ratio = (projected − start) ÷ (final target − start)

where start is the baseline, else the first actual, mirrored for upper bounds (lower is better). The
ratio is classed by the plan's floors (`[plan] outlook`, models.OUTLOOK_PRESETS: UN ESCAP's anticipated
progress, 0.95 / 0.5 / 0). A final target already met stays 達成見込み; a final target equal to start (or
on start's good side) is 達成見込み when the projection meets it, else classed by the trend's sign.
Work items (the other kinds) follow their schedule: this year's status, never a projection of words.
Arithmetic is exact (wide decimals, the line kept scaled), so a ratio of exactly 0.95 is 達成見込み.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from typing import NamedTuple, cast

from kpicheck.kinds.base import CELL_GOALS, Context, Trend, year_value
from kpicheck.kinds.registry import IDLE_KINDS, KINDS
from kpicheck.models import (
    CENT,
    DEFAULT_OUTLOOK,
    OUTLOOK_ORDER,
    OUTLOOK_PRESETS,
    SEVERITY_ORDER,
    Actuals,
    Counts,
    Evaluation,
    Indicator,
    Metric,
    Outlook,
    OutlookBands,
    OutlookResult,
    Plan,
    Rule,
    Status,
    Target,
    plain,
    quantity,
    target_for,
)
from kpicheck.periods import fiscal_year_end, fiscal_year_of
from kpicheck.statuses import OUTLOOK_LABELS, STATUS_LABELS

# A year with no step of a work item: its 見込み is read from the latest year before that has one.
IDLE_STATUSES = frozenset({Status.NOT_APPLICABLE, Status.TBD})

# A work item's 見込み from this year's status (its schedule); a status not listed cannot say (判定不能).
SCHEDULE_OUTLOOKS: dict[Status, tuple[Outlook, str]] = {
    Status.ACHIEVED: (Outlook.ON_TRACK, "今年度の工程どおり"),
    Status.ON_TRACK: (Outlook.ON_TRACK, "今年度の工程どおり"),
    Status.BEHIND: (Outlook.NEEDS_ACCELERATION, "今年度の工程に遅れ"),
    Status.MISSED: (Outlook.OFF_TRACK, "期限を過ぎても工程が完了していない"),
}


def parse_bands(value: object) -> tuple[OutlookBands, str]:
    """`[plan] outlook`: None (the default preset), a preset's name ("escap") or a table of floors
    (`{ on_track = 0.9 }`, the rest from the default); the floors, and why the value cannot be used ("" when
    it can: the default is used instead, for KC202)."""
    default = OUTLOOK_PRESETS[DEFAULT_OUTLOOK]
    presets = "、".join(f'"{name}"' for name in OUTLOOK_PRESETS)
    if value is None or (isinstance(value, str) and value in OUTLOOK_PRESETS):
        return OUTLOOK_PRESETS[value or DEFAULT_OUTLOOK], ""
    if not isinstance(value, dict):
        return default, f"outlook はプリセット名（{presets}）か on_track などの表にしてください（{value!r} は不可）"
    unknown = [str(key) for key in value if key not in OutlookBands._fields]
    if unknown:
        return default, f"outlook の {'、'.join(unknown)} は使えません（{'、'.join(OutlookBands._fields)} のみ）"
    floors = default._asdict()
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int | float) or not -1 <= number <= 1:
            return default, f"outlook の {key} は -1 から 1 までの割合にしてください（例: 0.95）"
        floors[key] = Decimal(str(number))
    bands = OutlookBands(**floors)
    if not bands.on_track > bands.needs_acceleration > bands.off_track:
        return default, "outlook の下限は on_track ＞ needs_acceleration ＞ off_track の順にしてください"
    return bands, ""


def outlook_of(
    plan: Plan,
    evaluation: Evaluation,
    actuals: Actuals,
    year: int,
    as_of: date,
    contexts: Sequence[Context] = (),
) -> OutlookResult:
    """The indicator's 見込み to its final target year, judged in fiscal `year` as known on `as_of`: the
    worst of its parts that have a final target (a part with none, such as a reduction's before/after
    inputs, says nothing). `contexts`: the evaluation's own, one per metric in the indicator's order (the
    rows it looked up are not looked up again); none: made here."""
    indicator = evaluation.indicator
    if len(indicator.metrics) == 1 and len(evaluation.metrics) == 1:  # the usual case: one part, said as it is
        (metric,), (result,) = indicator.metrics, evaluation.metrics
        row = _row(plan, indicator, metric.id)
        if row.final is None:
            return NO_FINAL_TARGET
        ctx = contexts[0] if contexts else Context(plan, indicator, metric, year, as_of, actuals)
        return _metric_outlook(ctx, row, result.status if result.id == metric.id else Status.NO_DATA)
    statuses = {m.id: m.status for m in evaluation.metrics}
    found = []
    for index, metric in enumerate(indicator.metrics):
        row = _row(plan, indicator, metric.id)
        if row.final is not None:
            ctx = contexts[index] if contexts else Context(plan, indicator, metric, year, as_of, actuals)
            found.append(_metric_outlook(ctx, row, statuses.get(metric.id, Status.NO_DATA)))
    if not found:
        return NO_FINAL_TARGET
    worst = min(found, key=lambda r: OUTLOOK_ORDER.index(r.code))
    if len(found) > 1:
        name = next(m.name for m in indicator.metrics if m.id == worst.metric)
        return worst._replace(reason=f"{name}: {worst.reason}")
    return worst


NO_FINAL_TARGET = OutlookResult(Outlook.INSUFFICIENT_DATA, "最終目標の記載がない（目標未設定・対象外のみ）")


def final_target(indicator: Indicator, metric: str) -> tuple[int, Rule] | None:
    """The plan's final target of one metric: the latest year whose cell (or due target) sets one, and
    its rule; None where every cell is 目標未設定 or 対象外."""
    found: tuple[int, Rule] | None = None
    cells = indicator.targets.values() if indicator.due is None else [*indicator.targets.values(), indicator.due]
    for cell in cells:
        for rule in cell.rules:
            if rule.metric != metric or rule.kind in IDLE_KINDS:
                continue
            year = fiscal_year_of(rule.due) if rule.due else cell.year
            if year is not None and (found is None or year > found[0]):
                found = (year, rule)
    return found


class RowOutlook(NamedTuple):
    """What a metric's row of cells alone decides of its 見込み, worked out in one pass."""

    final: tuple[int, Rule] | None  # final_target
    goals: Goals  # per year up to the final year, the rules a yearly target's number may come from
    targets: tuple[tuple[int, Decimal], ...] | None  # the yearly targets; None: a goal reads the actuals


def _row_outlook(plan: Plan, indicator: Indicator, metric: str) -> RowOutlook:
    """The metric's RowOutlook, worked out."""
    if indicator.due is None:
        return _final_and_goals(plan, indicator, metric)
    # a due target joins every year's cell (target_for): read as such
    final = final_target(indicator, metric)
    if final is None:
        return RowOutlook(None, (), ())
    goals = _target_goals(plan, indicator, metric, final[0])
    cells = all(goal_of in CELL_GOALS for _year, rules in goals for _rule, goal_of in rules)
    # a goal of CELL_GOALS reads the rule alone: no context to give it
    return RowOutlook(final, goals, _goals_of(cast(Context, None), goals) if cells else None)


# What an indicator's row of cells alone decides (its final target, the rules its yearly targets come
# from), worked out once per row: indicators with equal rows share one `targets` dict (plan_rows.py),
# so a plan's repeated rows reuse it. Keyed by the row's objects themselves (identity, not equality:
# Decimal("1.0") == Decimal("1") prints otherwise), each entry holding them so that no id is reused
# while it is kept; one plan's rows at a time (summary's next city starts afresh), so what is kept is
# bounded by one plan, as plan_rows keeps the last plan's rows.
_memo: list[tuple[Plan, dict[tuple[int, int, str], tuple[dict[int, Target], Target | None, RowOutlook]]]] = []


def _row(plan: Plan, indicator: Indicator, metric: str) -> RowOutlook:
    """The metric's RowOutlook, once per row of `plan`."""
    if not _memo or _memo[0][0] is not plan:
        _memo[:] = [(plan, {})]
    rows = _memo[0][1]
    targets, due = indicator.targets, indicator.due
    key = (id(targets), id(due), metric)
    found = rows.get(key)
    if found is not None and found[0] is targets and found[1] is due:
        return found[2]
    result = _row_outlook(plan, indicator, metric)
    rows[key] = (targets, due, result)
    return result


def _metric_outlook(ctx: Context, row: RowOutlook, status: Status) -> OutlookResult:
    final = row.final
    assert final is not None
    final_year, rule = final
    trend = KINDS[rule.kind].outlook
    if trend is None:
        return _by_schedule(ctx, final, status)
    # the row's yearly targets, for the report's chart
    targets = _goals_of(ctx, row.goals) if row.targets is None else row.targets
    return _by_trend(ctx, rule, trend, final_year, targets)


def _by_schedule(ctx: Context, final: tuple[int, Rule], status: Status) -> OutlookResult:
    """A work item keeps to its schedule or not: this year's status, or where this year has no step of it,
    that of the latest year before that has one (a 方針策定 done in 2026 stays done)."""
    final_year, rule = final
    when = "今年度"
    if status in IDLE_STATUSES:
        earlier = [
            y for y in range(ctx.year - 1, ctx.plan.first_year - 1, -1) if _steps(ctx.indicator, y, ctx.metric.id)
        ]
        if not earlier:
            why = f"今年度までに予定された工程がない（最終目標 {final_year}年度「{rule.text}」）"
            return OutlookResult(Outlook.INSUFFICIENT_DATA, why, final_year=final_year, metric=ctx.metric.id)
        then = ctx.with_year(earlier[0])
        found = [KINDS[r.kind].evaluate(r, then).status for r in _steps(ctx.indicator, earlier[0], ctx.metric.id)]
        status, when = min(found, key=SEVERITY_ORDER.index), f"{earlier[0]}年度の工程"
    code, why = SCHEDULE_OUTLOOKS.get(status, (Outlook.INSUFFICIENT_DATA, "工程の進み具合が分からない"))
    reason = f"{why}（{when}: {STATUS_LABELS[status]}、最終目標 {final_year}年度「{rule.text}」）"
    return OutlookResult(code, reason, final_year=final_year, metric=ctx.metric.id)


def _steps(indicator: Indicator, year: int, metric: str) -> list[Rule]:
    """The rules of one metric a year's cell sets (not 目標未設定 or 対象外)."""
    cell = target_for(indicator, year) if indicator.due else indicator.targets.get(year)
    return [r for r in (cell.rules if cell else ()) if r.metric == metric and not KINDS[r.kind].idle]


def _by_trend(
    ctx: Context, rule: Rule, trend: Trend, final_year: int, targets: tuple[tuple[int, Decimal], ...]
) -> OutlookResult:
    metric, unit = ctx.metric, ctx.metric.unit
    goal = trend.goal(rule, ctx)
    baseline = _baseline(rule, metric)
    points, note = _points(ctx, trend, baseline)
    if isinstance(points, str):
        return OutlookResult(
            Outlook.INSUFFICIENT_DATA, points, final_year=final_year, final=goal, unit=unit, metric=metric.id,
            ceiling=rule.bound.ceiling,
        )  # fmt: skip
    start = baseline[1] if baseline is not None else (points[0][1] if points else None)
    bound = rule.bound

    def result(
        code: Outlook, reason: str, ratio: Decimal | None = None, projected: Decimal | None = None
    ) -> OutlookResult:  # one record built once, in the record's order (code, reason, ratio, projected, …)
        return OutlookResult(
            code, reason, ratio, projected, final_year, goal, start, unit, metric.id, tuple(points), targets,
            bound.ceiling,
        )  # fmt: skip

    last = points[-1] if points and (baseline is None or points[-1][0] != baseline[0]) else None
    if last is None and points and baseline is not None:  # the baseline's year is the latest point
        actual = [p for p in points if p[0] != baseline[0]]
        last = actual[-1] if actual else None
    over = ctx.as_of > fiscal_year_end(final_year)
    if over and goal is not None and last is not None and last[0] >= final_year:  # the final year is over
        latest = f"最終目標年度（{final_year}年度）の実績 {quantity(last[1], unit)}"
        target = f"{bound.symbol} {quantity(goal, unit)}"
        if bound.met(last[1], goal):
            return result(Outlook.ON_TRACK, f"{latest}で最終目標（{target}）を満たした")
        return result(Outlook.OFF_TRACK, f"{latest}で最終目標（{target}）に届かなかった")
    # a level or a running total once met stays met; a count per year must be made again every year
    keeps = metric.counts in KEPT_COUNTS
    if keeps and goal is not None and last is not None and bound.met(last[1], goal):
        latest = f"{last[0]}年度の実績 {quantity(last[1], unit)}"
        reason = f"{latest}で最終目標（{final_year}年度 {bound.symbol} {quantity(goal, unit)}）を既に満たしている"
        return result(Outlook.ON_TRACK, reason)
    if len(points) < 2 or start is None:
        count = f"{len(points)}年度分で" if points else "まだなく"
        return result(
            Outlook.INSUFFICIENT_DATA, f"実績（基準値を含む）が{count}、傾向を判定できない（2年度分以上が必要）{note}"
        )
    with localcontext(prec=80, rounding=ROUND_FLOOR):  # wide enough that every sum and product below is exact
        scaled, scale, slope = _fit(points, final_year)
        shown = plain((scaled / scale).quantize(CENT, ROUND_HALF_EVEN))
        what = (
            f"{points[0][0]}～{points[-1][0]}年度の{len(points)}点の傾向では{final_year}年度に {quantity(shown, unit)}"
        )
        if goal is None:
            why = f"{what}。最終目標（{final_year}年度「{rule.text}」）に数値がないため、傾向と比べられない"
            return result(Outlook.INSUFFICIENT_DATA, why, projected=shown)
        what += f"（最終目標 {bound.symbol} {quantity(goal, unit)}、開始値 {quantity(start, unit)}）{note}"
        sign = -1 if bound.ceiling else 1
        need, gain = (goal - start) * sign * scale, (scaled - start * scale) * sign  # both × scale
        if need <= 0:  # the final target is start itself, or on start's good side: met, or by the trend's sign
            if bound.met(scaled / scale, goal):
                return result(Outlook.ON_TRACK, f"{what}: 最終目標を満たす見込み", projected=shown)
            toward = slope * sign
            code = (
                Outlook.NEEDS_ACCELERATION
                if toward > 0
                else Outlook.OFF_TRACK
                if toward == 0
                else Outlook.DETERIORATING
            )
            return result(code, f"{what}: 最終目標に届かない見込み（傾向は{_direction(toward)}）", projected=shown)
        floors = zip(TREND_CODES, ctx.plan.outlook, strict=True)
        code = next((c for c, floor in floors if gain >= floor * need), Outlook.DETERIORATING)
        ratio = plain((gain / need).quantize(MILLS))  # down: 0.950 shown only at 0.95 or more
    return result(code, f"{what}: 必要な変化の {quantity(ratio * 100, '%')}", ratio, shown)


# Hoisted constants of _by_trend.
KEPT_COUNTS = (Counts.LEVEL, Counts.CUMULATIVE)
TREND_CODES = (Outlook.ON_TRACK, Outlook.NEEDS_ACCELERATION, Outlook.OFF_TRACK)
MILLS = Decimal("0.001")


def _points(
    ctx: Context, trend: Trend, baseline: tuple[int | None, Decimal] | None
) -> tuple[list[tuple[int, Decimal]] | str, str]:
    """(year, value) from the baseline's year to the year judged, and a note on a year left out; or why
    no line can be drawn (a 累計 with a gap year)."""
    metric, plan = ctx.metric, ctx.plan
    counted = metric.counts is not Counts.LEVEL
    values: dict[int, Decimal] = {}
    note = ""
    own = trend.value is year_value  # the year's own number: its row, looked up once
    for year in range(plan.first_year - 1, ctx.year + 1):
        if own:
            row = ctx.actual(year)
            value = row.value if row is not None and isinstance(row.value, Decimal) else None
        else:
            value = trend.value(ctx, year)
        if value is None:
            continue
        if counted:  # part of a year's count is not a year's count
            row, end = (row if own else ctx.actual(year)), fiscal_year_end(year)
            measured = row.as_of if row is not None and row.as_of is not None else min(ctx.as_of, end)
            if measured < end:
                note = f"（{year}年度は年度途中の数のため線に含めない）"
                continue
        values[year] = value
    if metric.counts is Counts.CUMULATIVE:
        years = sorted(y for y in values if y >= plan.first_year)
        gaps = [y for y in range(plan.first_year, years[-1] + 1) if y not in values] if years else []
        if gaps:
            missing = "、".join(f"{y}年度" for y in gaps)
            return f"累計の途中の{missing}の実績がないため、累計の傾向を判定できない（未入力は0としない）", note
        total, totals = Decimal(0), {}
        for year in years:
            total += values[year]
            totals[year] = total
        values = totals
    if baseline is not None and baseline[0] is not None and baseline[0] not in values:
        values[baseline[0]] = baseline[1]
    return sorted(values.items()), note


def _yearly_targets(ctx: Context, final_year: int) -> tuple[tuple[int, Decimal], ...]:
    """The number of each year's target of the metric up to the final year, for the report's chart: the
    row's own where every goal is the cell's (CELL_GOALS: read from the rule, never from the actuals)."""
    row = _row(ctx.plan, ctx.indicator, ctx.metric.id)
    if row.final is None or row.final[0] != final_year:  # not the row's final year: worked out here
        return _goals_of(ctx, _target_goals(ctx.plan, ctx.indicator, ctx.metric.id, final_year))
    return _goals_of(ctx, row.goals) if row.targets is None else row.targets


def _goals_of(ctx: Context, goals: Goals) -> tuple[tuple[int, Decimal], ...]:
    found = []
    for year, rules in goals:
        for rule, goal_of in rules:
            goal = goal_of(rule, ctx)  # a goal reads named years only
            if goal is not None:
                found.append((year, goal))
                break
    return tuple(found)


Goal = Callable[[Rule, Context], Decimal | None]
Goals = tuple[tuple[int, tuple[tuple[Rule, Goal], ...]], ...]


def _final_and_goals(plan: Plan, indicator: Indicator, metric: str) -> RowOutlook:
    """The RowOutlook of a row without a due target in one pass over its cells: final_target, _target_goals
    to it, and where every goal is the cell's own (CELL_GOALS) each year's number as _goals_of finds it."""
    final: tuple[int, Rule] | None = None
    by_year: list[tuple[int, tuple[tuple[Rule, Goal], ...], Decimal | None]] = []
    first, idle, trends, own = plan.first_year, IDLE_KINDS, TREND_GOALS, CELL_GOALS
    cells = True  # every goal the cell's own
    for year, cell in indicator.targets.items():
        goals = []
        number = None  # the year's number: the first goal's that gives one
        for rule in cell.rules:
            if rule.metric != metric or rule.kind in idle:
                continue
            at = fiscal_year_of(rule.due) if rule.due else cell.year
            if at is not None and (final is None or at > final[0]):
                final = (at, rule)
            goal = trends.get(rule.kind)
            if goal is not None:
                goals.append((rule, goal))
                if goal not in own:
                    cells = False
                elif number is None:
                    number = goal(rule, cast(Context, None))  # the rule alone: no context to give it
        if goals and year >= first:
            by_year.append((year, tuple(goals), number))
    if final is None:
        return RowOutlook(None, (), ())
    last = final[0]
    by_year.sort()  # in the years' order, as _target_goals walks them (years are unique: nothing else compared)
    kept = [item for item in by_year if item[0] <= last]
    targets = tuple((year, number) for year, _goals, number in kept if number is not None) if cells else None
    return RowOutlook(final, tuple((year, goals) for year, goals, _number in kept), targets)


def _target_goals(plan: Plan, indicator: Indicator, metric: str, final_year: int) -> Goals:
    """Per year up to the final year, the metric's rules a yearly target's number may come from (those with
    a trend), in the cell's order, each with its kind's goal: the row's part of `_yearly_targets`."""
    found = []
    targets, due = indicator.targets, indicator.due
    for year in range(plan.first_year, final_year + 1):
        cell = target_for(indicator, year) if due else targets.get(year)
        if cell is None:
            continue
        goals = [
            (rule, TREND_GOALS[rule.kind]) for rule in cell.rules if rule.metric == metric and rule.kind in TREND_GOALS
        ]
        if goals:
            found.append((year, tuple(goals)))
    return tuple(found)


# The goal of each kind a yearly target's number may come from: a kind with a trend, not idle.
TREND_GOALS = {kind: row.outlook.goal for kind, row in KINDS.items() if row.outlook is not None and not row.idle}


def projection(found: OutlookResult) -> tuple[tuple[int, Decimal], tuple[int, Decimal]] | None:
    """The trend line from the last point's year to the final target year (for the report's dashed line)."""
    if found.projected is None or found.final_year is None or len(found.points) < 2:
        return None
    last = found.points[-1][0]
    with localcontext() as exact:
        exact.prec = 80
        scaled, scale, _slope = _fit(list(found.points), last)
        there = plain((scaled / scale).quantize(CENT, ROUND_HALF_EVEN))
    return (last, there), (found.final_year, found.projected)


def _baseline(rule: Rule, metric: Metric) -> tuple[int | None, Decimal] | None:
    """The declared 基準値 and its year: the cell's (39%→100%), else the metric's."""
    if rule.baseline is not None:
        return rule.baseline_year, rule.baseline
    if metric.baseline is not None:
        return metric.baseline_year, metric.baseline
    return None


def _fit(points: list[tuple[int, Decimal]], year: int) -> tuple[Decimal, Decimal, Decimal]:
    """The least-squares line through `points` (two distinct years or more) read at `year`, kept exact as
    (value × scale, scale, a positive multiple of the slope): with n points, S = nΣx² − (Σx)² and
    T = nΣxy − ΣxΣy, the line at X is (Σy·S + T·(nX − Σx)) ÷ (n·S). Run under a wide decimal context."""
    n = len(points)
    sx = sxx = 0
    sy = sxy = Decimal(0)
    for x, y in points:  # the sums in one pass, each added in the points' order
        sx += x
        sxx += x * x
        sy += y
        sxy += x * y
    s = n * sxx - sx * sx
    t = n * sxy - sx * sy
    return sy * s + t * (n * year - sx), Decimal(n * s), t


def _direction(toward: Decimal) -> str:
    return "改善" if toward > 0 else "横ばい" if toward == 0 else "悪化"


def number(value: Decimal | None) -> int | float | None:
    """A figure for JSON: integers stay integers."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def outlook_fields(found: OutlookResult | None) -> dict[str, object]:
    """An indicator's 見込み keys in the JSON contract (README "JSON output"); None where not computed."""
    return {
        "outlook": found.code.value if found else None,
        "outlook_label": OUTLOOK_LABELS[found.code] if found else None,
        "outlook_ratio": number(found.ratio) if found else None,
        "projected": number(found.projected) if found else None,
        "final_target_year": found.final_year if found else None,
        "outlook_reason": found.reason if found else None,
    }


def outlook_counts(evaluations: Iterable[Evaluation]) -> dict[str, int]:
    """How many indicators have each 見込み, every code present (0 where none): the JSON's `outlooks`."""
    counts = dict.fromkeys((o.value for o in Outlook), 0)
    for evaluation in evaluations:
        if evaluation.outlook is not None:
            counts[evaluation.outlook.code.value] += 1
    return counts


def outlook_cell(found: OutlookResult | None) -> str:
    """The 見込み column of the table and CSV: the label ("" where none was computed)."""
    return OUTLOOK_LABELS[found.code] if found else ""


def outlook_line(evaluations: Iterable[Evaluation]) -> str:
    """見込み: 達成見込み 18、要加速 4、…: the count per outlook, for the table's foot."""
    counts = outlook_counts(evaluations)
    return "見込み: " + "、".join(f"{OUTLOOK_LABELS[o]} {counts[o.value]}" for o in Outlook)
