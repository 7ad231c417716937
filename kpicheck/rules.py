"""Evaluate a plan's targets for one fiscal year: each rule by its kind's evaluator (kinds/registry.py),
the parts of an indicator combined, last year's row compared."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal

from kpicheck.errors import Problem
from kpicheck.grading import figures
from kpicheck.kinds.base import Context, Outcome
from kpicheck.kinds.registry import IDLE_KINDS, KINDS, NUMERIC_KINDS
from kpicheck.models import (
    SEVERITY_ORDER,
    Actual,
    Actuals,
    Change,
    Counts,
    Evaluation,
    Indicator,
    MetricResult,
    Outlook,
    OutlookResult,
    Plan,
    Report,
    Rule,
    RuleKind,
    State,
    Status,
    Target,
    show_actual,
    target_for,
)
from kpicheck.outlook import outlook_of
from kpicheck.periods import fiscal_year_end, fiscal_year_start


def worst(statuses: list[Status]) -> Status:
    """The worst status that says something; TBD/N/A only when every part is TBD/N/A."""
    if len(statuses) == 1:  # most indicators have one part
        return statuses[0]
    if not statuses:
        return Status.NOT_APPLICABLE
    return min(statuses, key=SEVERITY_ORDER.index)


def _outcomes(rules: list[Rule], ctx: Context) -> list[Outcome]:
    """Each rule's verdict; a year that has not started is 未到来 unless every rule is idle (対象外, 目標未設定)."""
    if ctx.as_of < fiscal_year_start(ctx.year) and any(r.kind not in IDLE_KINDS for r in rules):
        return [Outcome(Status.UPCOMING, f"{ctx.year}年度は {fiscal_year_start(ctx.year)} から")]
    return [KINDS[r.kind].evaluate(r, ctx) for r in rules]


def at_or_worse(report: Report, status: Status) -> list[Evaluation]:
    """`status --fail-on`'s verdict as data: the evaluations at `status` or worse, in the report's order."""
    limit = SEVERITY_ORDER.index(status)
    return [e for e in report.evaluations if SEVERITY_ORDER.index(e.status) <= limit]


def evaluate_indicator(plan: Plan, indicator: Indicator, year: int, as_of: date, actuals: Actuals) -> Evaluation:
    return _evaluated(plan, indicator, year, as_of, actuals)[0]


def _evaluated(
    plan: Plan, indicator: Indicator, year: int, as_of: date, actuals: Actuals
) -> tuple[Evaluation, list[Context]]:
    """evaluate_indicator, and the context of each metric (in the indicator's order) for its 見込み, which
    reads the rows the verdict has already looked up."""
    target = target_for(indicator, year)
    results = []
    rows = []  # this year's rows, for the 課's words
    contexts = []
    for metric in indicator.metrics:
        ctx = Context(plan, indicator, metric, year, as_of, actuals)
        contexts.append(ctx)
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
        outcomes = _outcomes(rules, ctx)
        if len(outcomes) == 1:  # the usual case: one rule's verdict (or 未到来 for all)
            chosen, rule = outcomes[0], rules[0]
            status = chosen.status
        else:
            status = worst([o.status for o in outcomes])
            index = next(n for n, o in enumerate(outcomes) if o.status is status)
            chosen, rule = outcomes[index], rules[min(index, len(rules) - 1)]
        row, last = ctx.actual(), ctx.actual(year - 1)
        bound = rule.bound
        if row:
            rows.append(row)
        value = chosen.actual if chosen.actual is not None else (row.value if row else None)
        previous = _previous(ctx, last)
        if row:  # lower is better: the rule's bound, or for a word any year's numeric cell (read only here)
            lower = bound.ceiling if rule.kind in NUMERIC_KINDS else _lower_is_better(indicator, metric.id)
        results.append(
            MetricResult(  # positional, in the record's order (id, name, target, actual, actual_text, …)
                metric.id,
                metric.name,
                rules[0].text if len(rules) == 1 else "、".join(r.text for r in rules),
                value,
                chosen.shown or show_actual(value, metric.unit),
                status,
                chosen.reason,
                chosen.pace,
                chosen.goal,
                bound.ceiling,
                rule.baseline if rule.baseline is not None else metric.baseline,
                metric.unit,
                previous,
                _change(ctx, row, last, ceiling=lower) if row else None,  # lower: set where row is
            )
        )
    if len(results) == 1:  # the usual case: one metric, its status and reason as they are
        status, reason = results[0].status, results[0].reason
    else:
        status = worst([m.status for m in results])
        shown = [m for m in results if m.status is status]
        reason = " / ".join(f"{m.name}: {m.reason}" for m in shown)
    if len(rows) == 1:  # the usual case: the one row's words as they are
        only = rows[0]
        note, analysis, issues, direction = only.note, only.analysis, only.issues, only.direction  # REMARKS
    elif not rows:
        note = analysis = issues = direction = ""
    else:
        note, analysis, issues, direction = (_joined([getattr(row, name) for row in rows]) for name in REMARKS)
    evaluation = Evaluation(  # positional, in the record's order; the words are note, analysis, issues, direction
        indicator,
        plan.area_name(indicator.area),
        plan.initiative_name(indicator.initiative),
        (target.text or target.due_text or None) if target else None,
        _target_shown(target),
        status,
        reason,
        tuple(results),
        note,
        analysis,
        issues,
        direction,
    )
    return evaluation, contexts


# What the 課 wrote beside its actuals, carried to the evaluation (joined where several rows say different things).
REMARKS = ("note", "analysis", "issues", "direction")


def _joined(texts: list[str]) -> str:
    return " / ".join(dict.fromkeys(t for t in texts if t))


def _previous(ctx: Context, row: Actual | None) -> Decimal | State | str | None:
    """Last year's value as this year's is shown: its `row`, or for a running total the total to last year."""
    if row is None:
        return None
    if ctx.metric.counts is Counts.CUMULATIVE and isinstance(row.value, Decimal):
        return ctx.running_total(ctx.year - 1)  # None where a year before is missing: no total to show
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
    if (
        isinstance(now, Decimal)
        and ctx.metric.counts is not Counts.LEVEL
        and ctx.measured_on(this) < fiscal_year_end(ctx.year)  # part of the year's count
    ):
        return None
    if isinstance(now, State) or isinstance(before, State):
        cells = [target_for(ctx.indicator, y) for y in (ctx.year, ctx.year - 1)]
        if cells[0] is None or cells[1] is None or cells[0].text != cells[1].text:
            return None
    key, key_before = _order_key(ctx.plan.phases, now), _order_key(ctx.plan.phases, before)
    if key is None or key_before is None:
        return None  # a phase word against a state: no order between them
    difference = key - key_before
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
    if target.text.strip():  # the usual case: a printed cell
        return target.shown
    carried = [r for r in target.rules if r.carried]
    if carried:
        rule = carried[0]
        return "→ " + (rule.reach or "・".join(rule.phases) if rule.kind is RuleKind.PHASE else "（継続）")
    return target.shown


def evaluate(plan: Plan, actuals: Actuals, year: int, as_of: date, problems: Sequence[Problem] = ()) -> Report:
    """Evaluate every indicator of `plan` for fiscal `year` as known on `as_of`.

    `problems`: errors that concern one indicator (a target cell or an actuals row kpicheck could not
    use, `City.errors`); that indicator is 評価不能 with the problem in its reason, every other is judged.
    """
    return Report(
        plan=plan, year=year, as_of=as_of, evaluations=tuple(evaluations(plan, actuals, year, as_of, problems))
    )


def evaluations(
    plan: Plan, actuals: Actuals, year: int, as_of: date, problems: Sequence[Problem] = ()
) -> Iterator[Evaluation]:
    """evaluate's evaluations one at a time, in the plan's order: a caller that writes each as it comes
    need not hold them all (status --format json on a large city)."""
    broken = _broken(plan, year, problems) if problems else {}
    for indicator in plan.indicators:
        evaluation, contexts = _evaluated(plan, indicator, year, as_of, actuals)
        if indicator.id in broken:
            evaluation = _unusable(evaluation, broken[indicator.id])
            seen = OutlookResult(Outlook.INSUFFICIENT_DATA, "目標または実績のセルを読めないため、傾向を判定できない")
        else:
            seen = outlook_of(plan, evaluation, actuals, year, as_of, contexts)
        yield figures(plan, evaluation, seen)


def _broken(plan: Plan, year: int, problems: Sequence[Problem]) -> dict[str, list[Problem]]:
    """The errors of this plan's indicators that bear on `year`: its target file's (that year's cell, or
    the whole indicator) and its actuals rows' (that year's)."""
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        ours = problem.path == plan.path or not problem.path.endswith(".toml")
        indicator = plan.indicator(problem.indicator) if problem.indicator and ours else None
        if indicator is not None and _bears_on(indicator, problem.year, year):
            found.setdefault(indicator.id, []).append(problem)
    return found


def _bears_on(indicator: Indicator, row_year: int | None, year: int) -> bool:
    """Whether a problem of `row_year` (None: every year) bears on `year`'s verdict: its own year, or an
    earlier year one of the year's rules reads (last year for 前年比 and a level's start, every year of a
    累計: the registry's lookback)."""
    if row_year is None or row_year == year:
        return True
    target = target_for(indicator, year)
    if row_year > year or target is None:
        return False
    counts = {m.id: m.counts for m in indicator.metrics}
    for rule in target.rules:
        back = KINDS[rule.kind].lookback(rule, counts.get(rule.metric))
        if back is None or year - row_year <= back:
            return True
    return False


def _unusable(evaluation: Evaluation, problems: list[Problem]) -> Evaluation:
    """評価不能 with the first problem's code and place, where a target cell or an actuals row of the
    indicator could not be used. A year the plan sets no target (目標未設定, 対象外) keeps that status: an
    actual typed where none is asked for changes no verdict (its problem is still listed on stderr)."""
    first = problems[0]
    what = "目標のセル" if first.path.endswith(".toml") else "実績の行"
    more = f"（ほか {len(problems) - 1} 件）" if len(problems) > 1 else ""
    said = f"{what}を読めない: {first.place} {first.code} {first.message}{more}"
    idle = evaluation.status in (Status.TBD, Status.NOT_APPLICABLE) and what == "実績の行"
    if idle:
        return evaluation._replace(reason=f"{evaluation.reason}（{said}）")
    # no rate or pace from a value that may not be the one meant (a duplicate row, a cut-off cell)
    metrics = tuple(
        m._replace(status=Status.UNRATED, reason=said, goal=None, pace=None, change=None) for m in evaluation.metrics
    )
    return evaluation._replace(status=Status.UNRATED, reason=said, metrics=metrics)
