"""Evaluate a plan's targets for one fiscal year: one evaluator per rule kind, in a plain dict."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, NamedTuple

from kpicheck.actuals import Actuals
from kpicheck.grading import figures
from kpicheck.models import (
    NUMERIC_KINDS,
    SEVERITY_ORDER,
    Actual,
    Bound,
    Change,
    Counts,
    Evaluation,
    Indicator,
    Metric,
    MetricResult,
    Plan,
    Report,
    Rule,
    RuleKind,
    State,
    Status,
    Target,
    growth_factor,
    quantity,
)
from kpicheck.periods import fiscal_year_end, fiscal_year_of, fiscal_year_start, share_of_period

# A reduction target (削減率) may be given as the rate, or as these two metrics of the indicator.
REDUCTION_INPUTS = ("before", "after")

STATE_LABELS: dict[State, str] = {State.DONE: "完了", State.IN_PROGRESS: "実施中", State.NOT_STARTED: "未着手"}


class Outcome(NamedTuple):
    status: Status
    reason: str
    actual: Decimal | State | str | None = None
    shown: str = ""  # the actual as staff typed it, when that says more than the value (検討中)
    pace: Decimal | None = None  # the pace value on the day measured, where one was computed
    goal: Decimal | None = None  # the number the actual was held against


class Context(NamedTuple):
    """What an evaluator may look at: the plan, the indicator, the year and the actuals known by as_of."""

    plan: Plan
    indicator: Indicator
    metric: Metric
    year: int
    as_of: date
    actuals: Actuals

    def actual(self, year: int | None = None, metric: str | None = None) -> Actual | None:
        key = (self.plan.id, self.indicator.id, metric or self.metric.id, self.year if year is None else year)
        found = self.actuals.get(key)
        if found is None or (found.as_of is not None and found.as_of > self.as_of):
            return None  # not known yet on the as-of date
        return found

    def measured_on(self, actual: Actual | None) -> date:
        """The day a value speaks for: its own as_of, else the as-of date, never past the year's end."""
        if actual is not None and actual.as_of is not None:
            return actual.as_of
        return min(self.as_of, fiscal_year_end(self.year))

    def number(self, year: int | None = None, metric: str | None = None) -> Decimal | None:
        found = self.actual(year, metric)
        return found.value if found is not None and isinstance(found.value, Decimal) else None

    def running_total(self, year: int) -> Decimal:
        """Sum of the yearly rows from the plan's first year to `year`; a year without a row adds 0."""
        return sum((self.number(y) or Decimal(0) for y in range(self.plan.first_year, year + 1)), Decimal(0))

    def previous_target(self) -> Decimal | None:
        before = self.indicator.targets.get(self.year - 1)
        if before is None:
            return None
        rule = next((r for r in before.rules if r.metric == self.metric.id and r.kind is RuleKind.THRESHOLD), None)
        return rule.value if rule else None


Evaluator = Callable[[Rule, Context], Outcome]


def show_actual(value: Decimal | State | str | None, unit: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, State):
        return STATE_LABELS[value]
    if isinstance(value, Decimal):
        return quantity(value, unit)
    return value


# The comparison that fails each bound, for reasons: 実績 60% ＜ 目標 65%.
FAILS: dict[Bound, str] = {Bound.AT_LEAST: "＜", Bound.ABOVE: "≦", Bound.AT_MOST: "＞", Bound.BELOW: "≧"}


def _judge(ctx: Context, got: Decimal, target: Decimal, **how: Any) -> Outcome:
    """_verdict's outcome, remembering the number the actual was held against (for 達成率 and 評価).

    A count under a ceiling (年10件以内) has no rate while its year runs: 6 of 10 in June says nothing
    of where the year will end.
    """
    outcome = _verdict(ctx, got, target, **how)
    ceiling = how.get("bound", Bound.AT_LEAST).ceiling
    if ceiling and ctx.metric.counts is not Counts.LEVEL and outcome.status is Status.ON_TRACK:
        return outcome
    return outcome._replace(goal=target)


def _verdict(
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
    if start is None:
        return Outcome(
            Status.BEHIND, f"実績 {shown_got} {FAILS[bound]} 目標 {shown_target}（前年度の値・基準値なし）", got
        )
    share = share_of_period(window[0], window[1], measured)
    expected = start + (target - start) * Decimal(share.numerator) / Decimal(share.denominator)
    if counted:  # whole events: nothing is due before the first one is
        expected = start + (expected - start).to_integral_value(ROUND_FLOOR)
    if share == 1:  # the window's last day: the target itself, judged exactly
        return Outcome(
            Status.BEHIND,
            f"実績 {shown_got} {FAILS[bound]} 目標 {shown_target}（{window[1]} が期限）",
            got,
            pace=target,
        )
    return _pace(ctx, got, start, expected, measured, bound)


def _pace(ctx: Context, got: Decimal, start: Decimal, expected: Decimal, measured: date, bound: Bound) -> Outcome:
    """順調 or 遅れ against the pace value, with the plan's tolerance, never past where the year started."""
    unit = ctx.metric.unit
    ceiling = bound.ceiling
    share = (2 - ctx.plan.pace_tolerance) if ceiling else ctx.plan.pace_tolerance  # 105% above, 95% below
    floor = expected * share
    shown_got = quantity(got, unit)
    ahead, behind = ("≦", "＞") if ceiling else ("≧", "＜")

    def reached(limit: Decimal) -> bool:  # at or on the good side of `limit`
        return got <= limit if ceiling else got >= limit

    def shown(value: Decimal, *, toward_got: bool) -> str:
        """To 0.1, rounded the way that keeps the printed comparison true."""
        down = ceiling != toward_got
        return quantity(value.quantize(Decimal("0.1"), ROUND_FLOOR if down else ROUND_CEILING), unit)

    if not reached(start):
        reason = f"実績 {shown_got} {behind} 年度初めの値 {quantity(start, unit)}"
        return Outcome(Status.BEHIND, reason, got, pace=expected)
    if reached(expected):
        reason = f"実績 {shown_got} {ahead} {measured} 時点の目安 {shown(expected, toward_got=True)}"
        return Outcome(Status.ON_TRACK, reason, got, pace=expected)
    limit = (
        f"{measured} 時点の目安 {shown(expected, toward_got=False)} の{quantity(share * 100, '%')}"
        f"（{shown(floor, toward_got=False)}）"
    )
    if reached(floor):
        return Outcome(Status.ON_TRACK, f"実績 {shown_got} は {limit} の範囲内", got, pace=expected)
    return Outcome(Status.BEHIND, f"実績 {shown_got} {behind} {limit}", got, pace=expected)


def _no_data(ctx: Context, what: str = "") -> Outcome:
    return Outcome(Status.NO_DATA, what or f"{ctx.year}年度の実績が入力されていない")


def _yearly(
    ctx: Context, target: Decimal, got: Decimal, actual: Actual | None, level_start: Decimal | None, bound: Bound
) -> Outcome:
    window = (fiscal_year_start(ctx.year), fiscal_year_end(ctx.year))
    start = Decimal(0) if ctx.metric.counts is Counts.PER_YEAR else level_start
    return _judge(ctx, got, target, start=start, window=window, measured=ctx.measured_on(actual), bound=bound)


def _level_start(rule: Rule, ctx: Context) -> Decimal | None:
    """Where a level's pace starts: last year's actual, else the baseline, else last year's target."""
    before = ctx.number(ctx.year - 1)
    if before is not None:
        return before
    if rule.baseline is not None and (rule.baseline_year is None or rule.baseline_year < ctx.year):
        return rule.baseline
    return ctx.previous_target()


def threshold(rule: Rule, ctx: Context) -> Outcome:
    assert rule.value is not None
    actual = ctx.actual()
    if actual is None:
        return _no_data(ctx)
    if ctx.metric.counts is Counts.CUMULATIVE:
        total, before = ctx.running_total(ctx.year), ctx.running_total(ctx.year - 1)
        window = (fiscal_year_start(ctx.year), fiscal_year_end(ctx.year))
        measured = ctx.measured_on(actual)
        return _judge(ctx, total, rule.value, start=before, window=window, measured=measured, bound=rule.bound)
    got = ctx.number()
    assert got is not None
    # A per-year count paces from zero and needs no baseline.
    start = _level_start(rule, ctx) if ctx.metric.counts is Counts.LEVEL else None
    return _yearly(ctx, rule.value, got, actual, start, rule.bound)


def growth(rule: Rule, ctx: Context) -> Outcome:
    assert rule.value is not None
    previous = ctx.number(ctx.year - 1)
    if previous is None:
        return _no_data(ctx, f"前年度（{ctx.year - 1}年度）の実績がなく、増加率を判定できない")
    target = previous * (1 + rule.value / 100)
    actual = ctx.actual()
    got = ctx.number()
    if actual is None or got is None:
        return _no_data(ctx)
    outcome = _yearly(ctx, target, got, actual, previous, rule.bound)
    unit = ctx.metric.unit
    basis = f"目標 {rule.bound.symbol} 前年度実績 {quantity(previous, unit)} × {growth_factor(rule.value)}"
    return outcome._replace(reason=f"{basis}: {outcome.reason}")


def milestone(rule: Rule, ctx: Context) -> Outcome:
    actual = ctx.actual()
    if actual is None:
        return _no_data(ctx)
    state, typed = actual.value, actual.text
    if state is State.DONE:
        return Outcome(Status.ACHIEVED, f"{rule.text}: {typed}", state, typed)
    if ctx.as_of > fiscal_year_end(ctx.year):
        return Outcome(Status.MISSED, f"{rule.text}: 年度内に完了せず（{typed}）", state, typed)
    if state is State.NOT_STARTED:
        return Outcome(Status.BEHIND, f"{rule.text}: {typed}", state, typed)
    return Outcome(Status.ON_TRACK, f"{rule.text}: {typed}（{fiscal_year_end(ctx.year)} まで）", state, typed)


def phase(rule: Rule, ctx: Context) -> Outcome:
    """The phase this year needs (its bar's last phase in the bar's last year, else its first) or a later one."""
    actual = ctx.actual()
    if actual is None:
        return _no_data(ctx)
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


# While its year runs, a scheduled 取組 not yet started is 遅れ from this day of the fiscal year on
# (month, day): the second half of the year, when half of the year's work time is gone.
CONTINUOUS_START_BY = (10, 1)


def continuous(rule: Rule, ctx: Context) -> Outcome:
    """A 取組 to carry out this year: 実施 or 実施中 (or any phase reached) is 達成 for the year."""
    actual = ctx.actual()
    if actual is None:
        return _no_data(ctx)
    typed = actual.text
    if actual.value is not State.NOT_STARTED:
        return Outcome(Status.ACHIEVED, f"{ctx.year}年度の取組を実施（{typed}）", actual.value, typed)
    if ctx.as_of > fiscal_year_end(ctx.year):
        return Outcome(Status.MISSED, f"{ctx.year}年度に実施せず（{typed}）", actual.value, typed)
    point = date(ctx.year, *CONTINUOUS_START_BY)
    if ctx.measured_on(actual) >= point:
        return Outcome(Status.BEHIND, f"{typed}（{point} を過ぎても未着手）", actual.value, typed)
    return Outcome(Status.ON_TRACK, f"{typed}（{point} までに着手すれば順調）", actual.value, typed)


def deadline(rule: Rule, ctx: Context) -> Outcome:
    assert rule.due is not None
    rows = [a for y in range(ctx.plan.first_year - 1, ctx.year + 1) if (a := ctx.actual(y)) is not None]
    if not rows:
        return _no_data(ctx)
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


def end_target(rule: Rule, ctx: Context) -> Outcome:
    assert rule.value is not None and rule.due is not None
    # After the due year, the target is judged on what stood at the due date.
    year = min(ctx.year, fiscal_year_of(rule.due))
    actual = ctx.actual(year)
    if actual is None:
        return _no_data(ctx, f"{year}年度の実績が入力されていない")
    got = ctx.running_total(year) if ctx.metric.counts is Counts.CUMULATIVE else ctx.number(year)
    assert got is not None
    window = (fiscal_year_start(ctx.plan.first_year), rule.due)
    # Paced from the baseline, else from zero; a ceiling with no baseline has no start to pace down from.
    start = rule.baseline if rule.baseline is not None else (None if rule.bound.ceiling else Decimal(0))
    measured = ctx.measured_on(actual)
    return _judge(ctx, got, rule.value, start=start, window=window, measured=measured, bound=rule.bound)


def reduction(rule: Rule, ctx: Context) -> Outcome:
    """削減率: the rate itself, or (before - after) / before from metrics `before` and `after`."""
    assert rule.value is not None
    actual = ctx.actual()
    rate = ctx.number()
    if rate is None:
        before, after = (ctx.number(metric=m) for m in REDUCTION_INPUTS)
        if before is None or after is None or before == 0:
            return _no_data(ctx, f"{ctx.year}年度の削減率（または導入前・導入後の値）が入力されていない")
        rate = (before - after) / before * 100  # exact: compared unrounded
        actual = ctx.actual(metric=REDUCTION_INPUTS[1])
    start, end = (
        (fiscal_year_start(ctx.plan.first_year), rule.due)
        if rule.due
        else (fiscal_year_start(ctx.year), fiscal_year_end(ctx.year))
    )
    measured = ctx.measured_on(actual)
    return _judge(ctx, rate, rule.value, start=Decimal(0), window=(start, end), measured=measured, bound=rule.bound)


def tbd(rule: Rule, ctx: Context) -> Outcome:
    if rule.note == "missing_in_source":
        return Outcome(Status.TBD, "計画の本文に目標が残っていない（原本で確認が必要）")
    return Outcome(Status.TBD, f"目標は後日設定: {rule.text}")


def none(rule: Rule, ctx: Context) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, f"{ctx.year}年度の目標なし")


EVALUATORS: dict[RuleKind, Evaluator] = {
    RuleKind.THRESHOLD: threshold,
    RuleKind.GROWTH: growth,
    RuleKind.MILESTONE: milestone,
    RuleKind.PHASE: phase,
    RuleKind.CONTINUOUS: continuous,
    RuleKind.DEADLINE: deadline,
    RuleKind.END_TARGET: end_target,
    RuleKind.REDUCTION: reduction,
    RuleKind.TBD: tbd,
    RuleKind.NONE: none,
}


def worst(statuses: list[Status]) -> Status:
    """The worst status that says something; TBD/N/A only when every part is TBD/N/A."""
    if len(statuses) == 1:  # most indicators have one part
        return statuses[0]
    if not statuses:
        return Status.NOT_APPLICABLE
    return min(statuses, key=SEVERITY_ORDER.index)


def target_for(indicator: Indicator, year: int) -> Target | None:
    """The yearly cell and the one target due at a date (which applies to every year of the plan).

    A 作業工程 row with both (日向: work printed in R3, due R7末) must meet both.
    """
    yearly, due = indicator.targets.get(year), indicator.due
    if yearly is None or due is None:
        return yearly or due
    return Target(year, yearly.text, yearly.rules + due.rules, due_text=due.due_text)


# Rules with nothing to wait for: a year that has not started is still 対象外 or 目標未設定 under them.
IDLE_KINDS = frozenset({RuleKind.NONE, RuleKind.TBD})


def evaluate_indicator(plan: Plan, indicator: Indicator, year: int, as_of: date, actuals: Actuals) -> Evaluation:
    target = target_for(indicator, year)
    results = []
    rows = []  # this year's rows, for the 課's words
    for metric in indicator.metrics:
        ctx = Context(plan, indicator, metric, year, as_of, actuals)
        rules = [r for r in (target.rules if target else ()) if r.metric == metric.id]
        if not rules:
            reason = f"{year}年度の目標なし" if target else "目標・目標時期の記載なし"
            found, last = ctx.actual(), ctx.actual(year - 1)
            if found:
                rows.append(found)
            value = found.value if found else None
            previous = _previous(ctx, last)
            results.append(
                MetricResult(
                    metric.id, metric.name, None, value, show_actual(value, metric.unit), Status.NOT_APPLICABLE, reason,
                    unit=metric.unit, previous=previous,
                    change=_change(ctx, found, last, ceiling=_lower_is_better(indicator, metric.id)) if found else None,
                )
            )  # fmt: skip
            continue
        if as_of < fiscal_year_start(year) and any(r.kind not in IDLE_KINDS for r in rules):
            outcomes = [Outcome(Status.UPCOMING, f"{year}年度は {fiscal_year_start(year)} から")]
        else:
            outcomes = [EVALUATORS[r.kind](r, ctx) for r in rules]
        status = worst([o.status for o in outcomes])
        index = next(n for n, o in enumerate(outcomes) if o.status is status)
        chosen, rule = outcomes[index], rules[min(index, len(rules) - 1)]
        row, last = ctx.actual(), ctx.actual(year - 1)
        if row:
            rows.append(row)
        value = chosen.actual if chosen.actual is not None else (row.value if row else None)
        previous = _previous(ctx, last)
        lower = rule.bound.ceiling if rule.kind in NUMERIC_KINDS else _lower_is_better(indicator, metric.id)
        results.append(
            MetricResult(  # positional, in the record's order (id, name, target, actual, actual_text, …)
                metric.id,
                metric.name,
                "、".join(r.text for r in rules),
                value,
                chosen.shown or show_actual(value, metric.unit),
                status,
                chosen.reason,
                chosen.pace,
                chosen.goal,
                rule.bound.ceiling,
                rule.baseline if rule.baseline is not None else metric.baseline,
                metric.unit,
                previous,
                _change(ctx, row, last, ceiling=lower) if row else None,
            )
        )
    status = worst([m.status for m in results])
    shown = [m for m in results if m.status is status]
    reason = " / ".join((f"{m.name}: {m.reason}" if len(indicator.metrics) > 1 else m.reason) for m in shown)
    if len(rows) == 1:  # the usual case: the one row's words as they are
        words = [getattr(rows[0], name) for name in REMARKS]
    else:
        words = [_joined([getattr(row, name) for row in rows]) for name in REMARKS]
    return Evaluation(  # positional, in the record's order; the words are note, analysis, issues, direction
        indicator,
        plan.area_name(indicator.area),
        plan.initiative_name(indicator.initiative),
        (target.text or target.due_text or None) if target else None,
        _target_shown(target),
        status,
        reason,
        tuple(results),
        *words,
    )


# What the 課 wrote beside its actuals, carried to the evaluation (joined where several rows say different things).
REMARKS = ("note", "analysis", "issues", "direction")


def _joined(texts: list[str]) -> str:
    return " / ".join(dict.fromkeys(t for t in texts if t))


def _previous(ctx: Context, row: Actual | None) -> Decimal | State | str | None:
    """Last year's value as this year's is shown: its `row`, or for a running total the total to last year."""
    if row is None:
        return None
    if ctx.metric.counts is Counts.CUMULATIVE and isinstance(row.value, Decimal):
        return ctx.running_total(ctx.year - 1)
    return row.value


STATE_ORDER = (State.NOT_STARTED, State.IN_PROGRESS, State.DONE)


def _lower_is_better(indicator: Indicator, metric_id: str) -> bool:
    """Whether a metric's targets are upper bounds, read from any year's cell (for a year with none)."""
    cells = [*indicator.targets.values(), *([indicator.due] if indicator.due else [])]
    return any(r.bound.ceiling for t in cells for r in t.rules if r.metric == metric_id and r.kind in NUMERIC_KINDS)


def _change(ctx: Context, this: Actual, row: Actual | None, *, ceiling: bool) -> Change | None:
    """This year's row against last year's: 改善 / 悪化 / 横ばい (lower is better under a ceiling); 新規
    without a row last year.

    Rows, not running totals: for 累計 each year's own count against last year's (a total only grows).
    None where the two do not compare: a count within the year while the year still runs (part of a
    year against a whole one), or a state (完了, 実施中) under a different cell last year (last year's
    方針策定 done says nothing about this year's 実装).
    """
    if row is None:
        return Change.NEW
    now, before = this.value, row.value
    partial = ctx.measured_on(this) < fiscal_year_end(ctx.year)
    if isinstance(now, Decimal) and ctx.metric.counts is not Counts.LEVEL and partial:
        return None
    if isinstance(now, State) or isinstance(before, State):
        cells = [target_for(ctx.indicator, y) for y in (ctx.year, ctx.year - 1)]
        if cells[0] is None or cells[1] is None or cells[0].text != cells[1].text:
            return None
    keys = [_order_key(ctx.plan.phases, v) for v in (now, before)]
    if keys[0] is None or keys[1] is None:
        return None  # a phase word against a state: no order between them
    difference = keys[0] - keys[1]
    if ceiling:
        difference = -difference
    return Change.IMPROVED if difference > 0 else Change.WORSENED if difference < 0 else Change.UNCHANGED


def _order_key(phases: tuple[str, ...], value: Decimal | State | str | None) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, State):
        return Decimal(STATE_ORDER.index(value))
    if isinstance(value, str) and value in phases:
        return Decimal(100 + phases.index(value))
    return None


def _target_shown(target: Target | None) -> str:
    """The printed cell, or for a blank carried phase the phase it continues (→ 運用)."""
    if target is None:
        return ""
    carried = [r for r in target.rules if r.carried]
    if not target.text.strip() and carried:
        rule = carried[0]
        return "→ " + (rule.reach or "・".join(rule.phases) if rule.kind is RuleKind.PHASE else "（継続）")
    return target.shown


def evaluate(plan: Plan, actuals: Actuals, year: int, as_of: date) -> Report:
    """Evaluate every indicator of `plan` for fiscal `year` as known on `as_of`."""
    evaluations = tuple(figures(plan, evaluate_indicator(plan, i, year, as_of, actuals)) for i in plan.indicators)
    return Report(plan=plan, year=year, as_of=as_of, evaluations=evaluations)


def not_yet_known(plan: Plan, actuals: Actuals, as_of: date) -> tuple[int, date | None]:
    """Rows of `plan` dated after `as_of`: ignored by the evaluation, but counted so the CLI can say so."""
    later = [a.as_of for key, a in actuals.items() if key[0] == plan.id and a.as_of is not None and a.as_of > as_of]
    return len(later), min(later, default=None)
