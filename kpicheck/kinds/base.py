"""What every rule kind shares: the record of a kind, the context an evaluator sees, its outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from kpicheck.models import (
    COUNTS_LABELS,
    Actual,
    Actuals,
    Bound,
    Counts,
    Indicator,
    Metric,
    Place,
    Plan,
    Rule,
    State,
    Status,
    quantity,
)
from kpicheck.periods import fiscal_year_end


class Outcome(NamedTuple):
    status: Status
    reason: str
    actual: Decimal | State | str | None = None
    shown: str = ""  # the actual as staff typed it, when that says more than the value (検討中)
    pace: Decimal | None = None  # the pace value on the day measured, where one was computed
    goal: Decimal | None = None  # the number the actual was held against


UNSEEN = Actual("", "", 0, "", "", None, "", Place(""))  # a year not looked up yet (None: no row)


class Context:
    """What an evaluator may look at: the plan, the indicator, the year and the actuals known by as_of.

    One per metric of an indicator evaluated, shared by its verdict, the evaluation's own columns (last
    year, the change) and its 見込み, which read the same rows: each year's row of the metric is looked up
    once and kept here, with the running totals made of them. What is kept is this one metric's rows of
    one actuals mapping on one as-of date, and goes with the context (never shared with another
    indicator or city); `with_year` starts a context of its own.
    """

    __slots__ = ("_key", "_rows", "_totals", "actuals", "as_of", "indicator", "metric", "plan", "year")

    def __init__(
        self, plan: Plan, indicator: Indicator, metric: Metric, year: int, as_of: date, actuals: Actuals
    ) -> None:
        self.plan, self.indicator, self.metric, self.year, self.as_of, self.actuals = (
            plan, indicator, metric, year, as_of, actuals
        )  # fmt: skip
        self._key = (plan.id, indicator.id, metric.id)
        self._rows: dict[int, Actual | None] = {}  # the metric's row of a year, known on as_of
        self._totals: dict[int, Decimal] = {}  # known_total of a year

    def with_year(self, year: int) -> Context:
        """The same metric judged in another year (a fresh context: its own rows and totals)."""
        return Context(self.plan, self.indicator, self.metric, year, self.as_of, self.actuals)

    def actual(self, year: int | None = None, metric: str | None = None) -> Actual | None:
        if year is None:
            year = self.year
        if not metric or metric == self._key[2]:
            found = self._rows.get(year, UNSEEN)
            if found is not UNSEEN:
                return found
            found = self.actuals.get((*self._key, year))
            if found is not None and found.as_of is not None and found.as_of > self.as_of:
                found = None  # not known yet on the as-of date
            self._rows[year] = found
            return found
        found = self.actuals.get((self._key[0], self._key[1], metric, year))
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

    def running_total(self, year: int) -> Decimal | None:
        """Sum of the yearly rows from the plan's first year to `year`; None if any of those years has none.

        A missing year is never counted as zero: the real total is unknown (評価不能).
        """
        return None if self.missing_years(year) else self.known_total(year)

    def known_total(self, year: int) -> Decimal:
        """The sum of the years entered up to `year`: a lower bound of the running total (counts are never
        negative), so a verdict it already earns (達成 of 以上, 未達成 of 以内) holds whatever the rest add."""
        totals = self._totals
        if year in totals:
            return totals[year]
        # added from the plan's first year in order, from Decimal(0), as one sum() over the years would
        total = sum((self.number(y) or Decimal(0) for y in range(self.plan.first_year, year + 1)), Decimal(0))
        totals[year] = total
        return total

    def missing_years(self, year: int) -> list[int]:
        """The years from the plan's first to `year` without a number known on the as-of date."""
        return [y for y in range(self.plan.first_year, year + 1) if self.number(y) is None]


def reworded(outcome: Outcome, reason: str) -> Outcome:
    """The outcome with another reason: one copy, positional (a NamedTuple's _replace costs several times it)."""
    return Outcome(outcome.status, reason, outcome.actual, outcome.shown, outcome.pace, outcome.goal)


Evaluator = Callable[[Rule, Context], Outcome]
Describer = Callable[[Rule], str]


def rule_value(rule: Rule, ctx: Context) -> Decimal | None:
    """The final target's number: the cell's own (65%, 延べ15,000名, 15分以内)."""
    return rule.value


def no_goal(rule: Rule, ctx: Context) -> Decimal | None:
    """No final number to project to (前年比3%増: a change on last year's actual)."""
    return None


# The goals that read the rule alone, never the actuals: a row's yearly targets from them are worked out
# once per row (outlook._yearly_targets).
CELL_GOALS = frozenset({rule_value, no_goal})


def year_value(ctx: Context, year: int) -> Decimal | None:
    """A year's value for the trend line: the metric's number that year, known by the as-of date."""
    return ctx.number(year)


class Trend(NamedTuple):
    """How a numeric kind's 見込み is formed (outlook.py): a least-squares line through each year's value,
    projected to the plan's final target year and held against the final cell's number."""

    goal: Callable[[Rule, Context], Decimal | None] = rule_value  # None: the cell gives no number (前年比3%増)
    value: Callable[[Context, int], Decimal | None] = year_value


class Kind(NamedTuple):
    """Everything kpicheck knows about one rule kind: one row of `registry.KINDS`."""

    evaluate: Evaluator  # the verdict for one year
    describe: Describer  # the reading in one line of Japanese (`kpicheck show`, the golden readings)
    numeric: bool  # compares a number with the metric's value: unit, counts and bound come from the metric
    idle: bool  # nothing to enter and nothing to wait for (a year not yet started keeps its own status)
    progress_bar: bool  # a plain number the actual is drawn against in the report's progress bar
    carries: bool  # a blank cell in the next year continues it (a phase, a yearly 取組)
    dated: Callable[[Rule, date, date | None], Rule] | None  # the rule for a cell due at a date; None: no such cell
    # Which actuals rows the verdict reads, for validate's KC111 (a row no target reads): the rule's own
    # metric in its year unless `reads` is False, these other metrics of the indicator in that year, and
    # the rule's metric in the years before as far as `lookback` says (None: every year from the plan's first).
    # judged from the office's word (完了, 達成), never a number: no unit is inferred over such a cell
    judged_by_word: bool = False
    reads: bool = True
    inputs: tuple[str, ...] = ()
    lookback: Callable[[Rule, Counts | None], int | None] = lambda *_: 0
    # Why the rule cannot stand in a cell of `year` in a plan from `first` ("" when it can): a year it is
    # compared with that is not before it, or whose actual the plan's actuals cannot hold.
    misplaced: Callable[[Rule, int, int], str] = lambda *_: ""
    # How its 見込み is formed: a trend line of a number to the final target (Trend), or None: by schedule
    # (this year's status: on schedule, 遅れ, a due date passed), never a projection of words.
    outlook: Trend | None = None


def numeric_context(rule: Rule) -> str:
    """（年度内の数、基準値 39%（2022年度）、…）: the period, baseline and note of a numeric reading."""
    parts = [COUNTS_LABELS[rule.counts]] if rule.counts else []
    if rule.baseline is not None:
        year = f"（{rule.baseline_year}年度）" if rule.baseline_year else ""
        parts.append(f"基準値 {quantity(rule.baseline, rule.unit)}{year}")
    if rule.note:
        parts.append(rule.note)
    return f"（{'、'.join(parts)}）" if parts else ""


def amount(rule: Rule) -> str:
    """≧ 65%: the bound and the number of a numeric reading."""
    return f"{rule.bound.symbol} {quantity(rule.value, rule.unit)}"


def tagged(rule: Rule, text: str) -> str:
    """[value] ≧ 65%: a reading with the metric it holds for."""
    return f"[{rule.metric}] {text}"


def no_data(ctx: Context, what: str = "") -> Outcome:
    return Outcome(Status.NO_DATA, what or f"{ctx.year}年度の実績が入力されていない")


def by_word(ctx: Context, actual: Actual, head: str, short: str) -> Outcome:
    """A verdict from the office's word (済, 実施中, 未着手 …; actuals.STATE_WORDS): done is 達成; after the
    year anything else is 未達成 (`short` says what did not happen); while it runs, not started is 遅れ and
    anything else 順調. `head` leads every reason (the cell as printed)."""
    state, typed = actual.value, actual.text
    if state is State.DONE:
        return Outcome(Status.ACHIEVED, f"{head}: {typed}", state, typed)
    if ctx.as_of > fiscal_year_end(ctx.year):
        return Outcome(Status.MISSED, f"{head}: {short}（{typed}）", state, typed)
    if state is State.NOT_STARTED:
        return Outcome(Status.BEHIND, f"{head}: {typed}", state, typed)
    return Outcome(Status.ON_TRACK, f"{head}: {typed}（{fiscal_year_end(ctx.year)} まで）", state, typed)


def unrated(ctx: Context, why: str) -> Outcome:
    """評価不能: this year's actual is there, but the verdict needs data that is not."""
    return Outcome(Status.UNRATED, why, ctx.number())


def with_gaps(ctx: Context, outcome: Outcome, year: int, bound: Bound) -> Outcome:
    """A running total judged on the years entered (a lower bound), where some years up to `year` are not.

    A verdict the missing years cannot change stands, saying so: 達成 or 順調 of a target to reach (the
    rest can only add), 未達成 under a ceiling (already over it). Any other is 評価不能 naming the years:
    the missing year alone could change it, and it is never counted as zero.
    """
    missing = ctx.missing_years(year)
    if not missing:
        return outcome
    years = "、".join(f"{y}年度" for y in missing)
    settled = {Status.MISSED} if bound.ceiling else {Status.ACHIEVED, Status.ON_TRACK}
    if outcome.status in settled:
        return reworded(outcome, f"{outcome.reason}（{years}は未入力。入力済みの年度の計で確定）")
    known = quantity(ctx.known_total(year), ctx.metric.unit)
    row = ctx.number(year)
    # the year's own row, said to be one year's (a 累計's 実績 column otherwise shows the total)
    shown = f"{quantity(row, ctx.metric.unit)}（{year}年度分）" if row is not None else ""
    reason = f"{years}の実績がないため累計を確定できない（入力済みの年度の計 {known}）"
    return Outcome(Status.UNRATED, reason, row, shown)
