"""Frozen records: the plan as read from TOML, actuals from CSV, and evaluation results."""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each annotation given as a
# string into a ForwardRef when its class is made (about 1.5 ms of every command line for these
# records); written as objects, they are only checked. Each name is therefore defined before it is used.

import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import NamedTuple

from kpicheck.periods import compiled


class Counts(StrEnum):
    PER_YEAR = "per_year"  # a count within each fiscal year (年4回, 新規実施件数)
    LEVEL = "level"  # a state at a point in time (率, 登録者数)
    CUMULATIVE = "cumulative"  # a running total: yearly rows summed from the plan's first year


class ValueKind(StrEnum):
    NUMBER = "number"
    STATE = "state"  # done / in progress / not started
    PHASE = "phase"  # one of the plan's phase words


class Bound(StrEnum):
    """Which side of a threshold meets it: 以上 ≧, 超 ＞, 以下・以内・まで ≦, 未満 ＜."""

    AT_LEAST = "at_least"
    ABOVE = "above"
    AT_MOST = "at_most"
    BELOW = "below"

    # Plain attributes of each member, set below from BOUND_SYMBOLS and CEILINGS: every numeric verdict
    # reads them several times, where a property costs a call each.
    ceiling: bool  # a ceiling (15分以内, 0件): lower is better
    symbol: str

    def met(self, got: Decimal, target: Decimal) -> bool:
        return BOUND_TESTS[self](got, target)


BOUND_SYMBOLS: dict[Bound, str] = {Bound.AT_LEAST: "≧", Bound.ABOVE: "＞", Bound.AT_MOST: "≦", Bound.BELOW: "＜"}
CEILINGS = frozenset({Bound.AT_MOST, Bound.BELOW})
# Whether `got` meets `target` under each bound: got ≧ target, got ＞ target, …
BOUND_TESTS: dict[Bound, Callable[[Decimal, Decimal], bool]] = {
    Bound.AT_LEAST: operator.ge,
    Bound.ABOVE: operator.gt,
    Bound.AT_MOST: operator.le,
    Bound.BELOW: operator.lt,
}
for _bound in Bound:
    _bound.ceiling, _bound.symbol = _bound in CEILINGS, BOUND_SYMBOLS[_bound]
del _bound

# How a number is counted, as `show` spells it beside a reading.
COUNTS_LABELS: dict[Counts, str] = {
    Counts.PER_YEAR: "年度内の数",
    Counts.LEVEL: "時点の値",
    Counts.CUMULATIVE: "計画初年度からの累計",
}


class RuleKind(StrEnum):
    THRESHOLD = "threshold"  # 65%, 3件, 年4回以上, 15分以内, 0件, 39%→100%, 30%削減 (from a baseline)
    GROWTH = "growth"  # 前年比3%増, 前年度比5%減, 前年度以上
    GROWTH_SINCE = "growth_since"  # 2022年度比10%増, 2022年度より増加, 2022年度実績以上: against that year's actual
    MILESTONE = "milestone"  # 方針策定, 運用継続, 定期監査 (3年に1回)
    QUALITATIVE = "qualitative"  # 県内1位, 全国トップクラス: judged from the office's word, never from a number
    PHASE = "phase"  # 検討 → 構築 → 運用
    CONTINUOUS = "continuous"  # a 取組 carried out every year it is scheduled, with no completion condition
    DEADLINE = "deadline"  # a 取組 due by a date (R5末, 計画期間内)
    END_TARGET = "end_target"  # 70申請・届出 at 令和7年度末
    REDUCTION = "reduction"  # 削減率50％
    TBD = "tbd"  # (見直し内容により指標を設定)
    NONE = "none"  # blank, -


class Status(StrEnum):
    ACHIEVED = "achieved"
    MISSED = "missed"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"
    TBD = "tbd"
    UPCOMING = "upcoming"  # the fiscal year has not started on the as-of date
    UNRATED = "unrated"  # an actual is there, but the verdict needs data that is not (last year, a 累計's year)


# Worst first: a compound indicator takes the first of these that any of its parts has.
SEVERITY_ORDER: tuple[Status, ...] = (
    Status.MISSED,
    Status.BEHIND,
    Status.UNRATED,
    Status.NO_DATA,
    Status.ON_TRACK,
    Status.ACHIEVED,
    Status.UPCOMING,
    Status.TBD,
    Status.NOT_APPLICABLE,
)


class Outlook(StrEnum):
    """見込み: whether the plan's final target will be reached at the current trend (its own set, not a Status)."""

    ON_TRACK = "on_track"  # 達成見込み
    NEEDS_ACCELERATION = "needs_acceleration"  # 要加速
    OFF_TRACK = "off_track"  # 達成困難
    DETERIORATING = "deteriorating"  # 悪化
    INSUFFICIENT_DATA = "insufficient_data"  # 判定不能: no trend can be judged (fewer than two points, no number)


# Worst first: an indicator of several parts takes the first of these that any of its parts has.
OUTLOOK_ORDER: tuple[Outlook, ...] = (
    Outlook.DETERIORATING,
    Outlook.OFF_TRACK,
    Outlook.NEEDS_ACCELERATION,
    Outlook.INSUFFICIENT_DATA,
    Outlook.ON_TRACK,
)


class OutlookBands(NamedTuple):
    """The floors of the outlook classes on outlook_ratio (the share of the required change the trend
    delivers by the final target year): on_track from `on_track` up, needs_acceleration from
    `needs_acceleration`, off_track from `off_track`, deteriorating below it."""

    on_track: Decimal
    needs_acceleration: Decimal
    off_track: Decimal


# `[plan] outlook = "escap"` or a table of the three floors; "escap" is the default (README: 見込み).
OUTLOOK_PRESETS: dict[str, OutlookBands] = {
    "escap": OutlookBands(Decimal("0.95"), Decimal("0.5"), Decimal(0)),
}
DEFAULT_OUTLOOK = "escap"


class OutlookResult(NamedTuple):
    """One indicator's (or metric's) 見込み: its class and why, and the figures it was read from."""

    code: Outlook
    reason: str
    ratio: Decimal | None = None  # outlook_ratio: (projected − start) ÷ (final − start), mirrored for ceilings
    projected: Decimal | None = None  # the trend line's value in the final target year, in `unit`
    final_year: int | None = None  # the plan's final target year for this indicator
    final: Decimal | None = None  # the final target's number
    start: Decimal | None = None  # the baseline, else the first actual
    unit: str | None = None
    metric: str = ""
    points: tuple[tuple[int, Decimal], ...] = ()  # (fiscal year, value) the line was fitted to
    targets: tuple[tuple[int, Decimal], ...] = ()  # (fiscal year, number) of each yearly target, to the final
    ceiling: bool = False  # lower is better


class Change(StrEnum):
    """This year's actual against last year's, the way that is better for the target (lower for a ceiling)."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"
    NEW = "new"  # no row last year


CHANGE_LABELS: dict[Change, str] = {
    Change.IMPROVED: "改善",
    Change.WORSENED: "悪化",
    Change.UNCHANGED: "横ばい",
    Change.NEW: "新規",
}


class State(StrEnum):
    """What a milestone or 取組 actual says."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


# 今後の方向性 as evaluation sheets use it, unless a plan lists its own: from growing the work to ending it.
# 統合 (merged into other work) and 完了 (its purpose achieved, so it ends) are on many 事務事業評価 sheets
# (issue 19); 終了 stays for work that ends for other reasons (its period over).
DIRECTIONS: tuple[str, ...] = ("拡大", "改善継続", "現状継続", "縮小", "統合", "廃止", "終了", "完了")


class ReductionRate(StrEnum):
    """How a plan computes the 達成率 of an upper bound (15分以内, 0件, 30%以下): `[plan] reduction_rate`.

    Cities differ (issue 19); the formulas are grading.CEILING_RATES, one row each.
    """

    MIRROR = "mirror"  # (2 − 実績 ÷ 目標) × 100, never below 0: kpicheck's default
    RATIO = "ratio"  # 目標 ÷ 実績 × 100
    BASELINE = "baseline"  # (基準値 − 実績) ÷ (基準値 − 目標) × 100: progress from the 基準値


class Band(NamedTuple):
    """One grade of a scale: `grade` (A) with its `label` (目標どおり) from `floor` up (a rate in %)."""

    grade: str
    label: str
    floor: Decimal | None = None  # None: the lowest band (anything below the others)
    strict: bool = False  # True: above `floor` (110% 超), False: at or above it (95% 以上)


class Scale(NamedTuple):
    """A grading scale (評価基準): bands on a rate, or grades by status, and the grade for 評価できない.

    basis: "rate" (達成率 against the pace value in the year, the target after it), "baseline" (against
    the target, then the 基準値: S/A/B/C) or "status" (a grade per status, ◎○△×).
    """

    name: str
    basis: str
    bands: tuple[Band, ...]
    none: Band  # 評価できない (no actual, no number to grade)
    by_status: tuple[tuple[Status, str], ...] = ()  # basis "status", and non-numeric targets under "rate"
    margin: Decimal = Decimal(10)  # basis "baseline": B from the 基準値 to this % worse than it (△10%)
    note: str = ""  # for the report's definition of the scale: what is not the source's own (A-D's D)
    # The grade for 評価不能 where the scale has one of its own (A-D's D, a plan's own `none`); else the
    # 評価 cell says 評価不能 and the grade counts list it on its own line (UNRATED_GRADE).
    unrated: Band | None = None

    def band(self, grade: str) -> Band:
        return next((b for b in self.all_bands if b.grade == grade), self.none)

    @property
    def all_bands(self) -> tuple[Band, ...]:
        """Best first, then 評価できない, then 評価不能 where it is a grade apart."""
        return (*self.bands, self.none) if self.unrated is not None else (*self.bands, self.none, UNRATED_GRADE)

    @property
    def unrated_grade(self) -> Band:
        return self.unrated or UNRATED_GRADE

    @property
    def grades(self) -> tuple[str, ...]:
        return tuple(b.grade for b in self.all_bands)


# 評価不能 on a scale that has no grade for it (S-C, ◎○△×): shown as the status's own label.
UNRATED_GRADE = Band("評価不能", "判定に要るデータがない")


# The records are NamedTuples (immutable, compared by value, `_replace` for a changed copy), not
# frozen dataclasses: defining a frozen dataclass costs about 1 ms of every start-up and making one
# about 1 µs more than a tuple, paid per actuals row and per evaluated indicator (issue 14;
# benchmarks/startup.py, benchmarks/national.py). Plan stays a dataclass: it caches its indexes.
class Place(NamedTuple):
    path: str
    line: int | None = None
    column: int | None = None


class Metric(NamedTuple):
    id: str
    name: str
    unit: str | None
    counts: Counts
    match: tuple[str, ...] = ()
    kind: ValueKind = ValueKind.NUMBER
    counts_declared: bool = True  # False: `counts` was left out, so the cells may say (/年, 累計)
    baseline: Decimal | None = None  # 基準値 / 現状値 as declared
    baseline_year: int | None = None
    baseline_counts: Counts | None = None  # the period printed with the baseline (12件/年): as a cell's


class Rule(NamedTuple):
    """One part of a target cell, read: what must hold for one metric in one year."""

    kind: RuleKind
    text: str
    metric: str
    value: Decimal | None = None  # threshold; GROWTH: change on last year in % (-5 for 5%減)
    unit: str | None = None
    bound: Bound = Bound.AT_LEAST
    counts: Counts | None = None  # how the metric counts (set once the indicator is read)
    baseline: Decimal | None = None  # 基準値: printed in the cell (39%→100%) or declared on the metric
    baseline_year: int | None = None  # GROWTH_SINCE: the year whose actual it is held against
    phases: tuple[str, ...] = ()  # PHASE: the phases of the printed cell, in the plan's order
    reach: str = ""  # PHASE: the phase this year needs (the bar's last phase in its last year, else its first)
    bar: tuple[int, int] | None = None  # PHASE: the fiscal years the printed cell's bar covers
    due: date | None = None  # DEADLINE / END_TARGET
    start: date | None = None  # DEADLINE: when the schedule starts the work
    carried: bool = False  # PHASE: a blank cell continuing the previous phase
    note: str = ""  # e.g. "3年に1回" for a periodic milestone


# The numbers kpicheck accepts, in targets and actuals: up to 15 digits before the point (1兆 has
# 13) and 6 after. Anything else is a typo or an attack, and would not survive float conversion
# into JSON and charts exactly.
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 6


def magnitude_problem(value: Decimal) -> str | None:
    """Why `value` is out of the accepted range, or None if it is fine."""
    if not value.is_finite():
        return "有限の数ではありません"
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        return f"整数部が {MAX_INTEGER_DIGITS} 桁を超えています"
    if -exponent > MAX_FRACTION_DIGITS and value != value.quantize(Decimal(1).scaleb(-MAX_FRACTION_DIGITS)):
        return f"小数部が {MAX_FRACTION_DIGITS} 桁を超えています"
    return None


def plain(value: Decimal) -> Decimal:
    """3.00 -> 3, 0.950 -> 0.95, 0E+2 -> 0 (never exponent notation)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def growth_factor(change: Decimal | None) -> Decimal:
    """前年比3%増 (change 3) -> 1.03; 5%減 (-5) -> 0.95."""
    return plain(1 + (change or Decimal(0)) / 100)


def quantity(value: Decimal | None, unit: str | None) -> str:
    """15000 -> 15,000名; 65 -> 65%; exact, no float rounding."""
    if value is None:
        return "―"
    return _quantity(value, unit) if value else _quantity_text(Decimal(0), unit)  # -0 and 0E+2 print as 0


@functools.lru_cache(maxsize=8192)  # reasons repeat their targets and typical values (equal values, equal text)
def _quantity(value: Decimal, unit: str | None) -> str:
    return _quantity_text(value, unit)


CENT = Decimal("0.01")


def _quantity_text(value: Decimal, unit: str | None) -> str:
    if value.as_tuple().exponent < -2:  # type: ignore[operator]  # shown to 0.01 (33.333…% -> 33.33%)
        value = value.quantize(CENT, ROUND_HALF_EVEN)  # not the caller's rounding: the text is memoised
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":  # a small negative value shown to 0.01 (-0.001%)
        text = "0"
    return f"{text}{unit or ''}"


# A unit that already carries a multiplier (千人, 万円, 億円) is printed as it is.
MULTIPLIER_UNITS = ("千", "万", "億", "兆")
KANJI_GROUPS = (("兆", 10**12), ("億", 10**8), ("万", 10**4))


# A printed target that writes its number in 万/億/兆 (1万5千人, 128億円); a unit that carries its
# multiplier (10万円 read as unit 万円) is still printed as it is by kanji_quantity.
KANJI_PRINTED = r"\d\s*[万億兆]"  # compiled when first used (periods.compiled): most runs print none


def quantity_as_printed(value: Decimal | None, unit: str | None, printed: str | None) -> str:
    """A number of a row written as the plan prints that row's target, so one row never mixes two
    formats (延べ15,000名 beside 1万5,200名): in 万/億 where the cell writes its amount so (128億円),
    with commas where it writes digits before the unit (16,000名), and in 万/億 from 10,000 where it
    prints no amount of the unit (前年比3%増 of 円: 102億円)."""
    printed = printed or ""
    if compiled(KANJI_PRINTED).search(printed):
        return kanji_quantity(value, unit)
    if not unit or re.search(r"\d\s*" + re.escape(unit), printed):
        return quantity(value, unit)
    return kanji_quantity(value, unit)


def kanji_quantity(value: Decimal | None, unit: str | None) -> str:
    """For reports: 12,400,000,000円 -> 124億円, 15,000名 -> 1万5,000名; exact, below 10,000 as quantity()."""
    if value is None or abs(value) < 10_000 or (unit or "").startswith(MULTIPLIER_UNITS):
        return quantity(value, unit)
    sign, rest = ("-" if value < 0 else ""), abs(value)
    whole = int(rest)
    parts = []
    for name, size in KANJI_GROUPS:
        count, whole = divmod(whole, size)
        if count:
            parts.append(f"{count:,}{name}")
    remainder = whole + (rest - int(rest))
    if remainder:
        parts.append(quantity(remainder, None))
    return sign + "".join(parts) + (unit or "")


class Target(NamedTuple):
    """A target cell as printed and the rules it was read as."""

    year: int | None  # None for a target due at a date
    text: str
    rules: tuple[Rule, ...]
    due_text: str = ""  # as printed: R4末, 令和７年度末, 計画期間内

    @property
    def shown(self) -> str:
        """The cell for a table: a due target with its printed deadline (70申請・届出（令和７年度末）)."""
        if not self.due_text:
            if not self.text and any(r.kind is RuleKind.CONTINUOUS for r in self.rules):
                return "毎年度の取組"
            return self.text
        return f"{self.text}（{self.due_text}）" if self.text else f"{self.due_text}までに完了"


class Indicator(NamedTuple):
    id: str
    name: str
    area: str
    initiative: str
    departments: tuple[str, ...]
    metrics: tuple[Metric, ...]
    targets: dict[int, Target]  # fiscal year -> target
    due: Target | None = None  # one target due at a date (日向 令和7年度末, a 取組 due R5末)
    category: str = ""
    note: str = ""
    place: Place = Place("")

    def metric(self, metric_id: str) -> Metric | None:
        return next((m for m in self.metrics if m.id == metric_id), None)


class Area(NamedTuple):
    id: str
    name: str


class Initiative(NamedTuple):
    id: str
    area: str
    name: str
    departments: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """A plan file as read: its period, areas, initiatives and indicators, and its [plan] settings."""

    id: str
    city: str
    city_name: str
    title: str
    first_year: int
    last_year: int
    areas: tuple[Area, ...]
    initiatives: tuple[Initiative, ...]
    indicators: tuple[Indicator, ...]
    phases: tuple[str, ...] = ()
    phase_aliases: dict[str, str] = field(default_factory=dict)
    issued: str = ""
    path: str = ""
    pace_tolerance: Decimal = Decimal("0.95")  # 遅れ below this share of the pace value
    grading: Scale | None = None  # the plan's grading scale (評価), None: no grade
    directions: tuple[str, ...] = DIRECTIONS  # the words 今後の方向性 may take
    reduction_rate: ReductionRate = ReductionRate.MIRROR  # how an upper bound's 達成率 is computed
    outlook: OutlookBands = OUTLOOK_PRESETS[DEFAULT_OUTLOOK]  # the 見込み classes' floors

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def indicator(self, indicator_id: str) -> Indicator | None:
        return self._by_id.get(indicator_id)

    @functools.cached_property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    @functools.cached_property
    def _by_id(self) -> dict[str, Indicator]:
        """Indicators by id, built once: actuals rows look one up each."""
        return {i.id: i for i in self.indicators}

    def area_name(self, area_id: str) -> str:
        return self._names[0].get(area_id, area_id)

    def initiative_name(self, initiative_id: str) -> str:
        return self._names[1].get(initiative_id, initiative_id)

    @functools.cached_property
    def _names(self) -> tuple[dict[str, str], dict[str, str]]:
        """Area and initiative names by id, built once: every evaluated indicator looks both up."""
        return {a.id: a.name for a in self.areas}, {i.id: i.name for i in self.initiatives}


class Actual(NamedTuple):
    indicator: str
    metric: str
    year: int
    value: Decimal | State | str  # number, milestone state, or a phase word
    text: str  # as typed (normalised)
    as_of: date | None
    note: str
    place: Place
    analysis: str = ""  # 要因分析: the 課's own words on why
    issues: str = ""  # 課題
    direction: str = ""  # 今後の方向性: one of the plan's directions (拡大, 改善継続, …)


Actuals = dict[tuple[str, str, str, int], Actual]  # (plan, indicator, metric, fiscal year) -> actual

STATE_LABELS: dict[State, str] = {State.DONE: "完了", State.IN_PROGRESS: "実施中", State.NOT_STARTED: "未着手"}


def show_actual(value: Decimal | State | str | None, unit: str | None) -> str:
    """An actual as tables print it: 66%, 完了, or the phase word."""
    if value is None:
        return ""
    if isinstance(value, State):
        return STATE_LABELS[value]
    if isinstance(value, Decimal):
        return quantity(value, unit)
    return value


def target_for(indicator: Indicator, year: int) -> Target | None:
    """The yearly cell and the one target due at a date (which applies to every year of the plan).

    A 作業工程 row with both (日向: work printed in R3, due R7末) must meet both.
    """
    yearly, due = indicator.targets.get(year), indicator.due
    if yearly is None or due is None:
        return yearly or due
    return Target(year, yearly.text, yearly.rules + due.rules, due_text=due.due_text)


class MetricResult(NamedTuple):
    id: str
    name: str
    target: str | None
    actual: Decimal | State | str | None
    actual_text: str
    status: Status
    reason: str
    pace: Decimal | None = None  # the value expected by now, where a pace was computed
    goal: Decimal | None = None  # the number the actual was held against (前年比: last year × factor)
    ceiling: bool = False  # lower is better (15分以内, a reduction to a ceiling)
    baseline: Decimal | None = None  # 基準値, where the plan gives one
    unit: str | None = None
    previous: Decimal | State | str | None = None  # last fiscal year's row, known by the as-of date
    change: Change | None = None  # this year's row against last year's; None without this year's row
    # The figures, filled once by grading.figures at the end of rules.evaluate (None: no such figure):
    achievement_rate: Decimal | None = None  # 達成率 in %, rounded to 0.1
    pace_rate: Decimal | None = None  # 目安比 while the year runs (順調, 遅れ)
    progress_rate: Decimal | None = None  # 進捗率 from the 基準値
    grade: Band | None = None  # under the plan's scale; None without one, or with nothing to grade


class Evaluation(NamedTuple):
    indicator: Indicator
    area_name: str
    initiative_name: str
    target: str | None  # the cell as printed (a due target: its text, else its printed deadline)
    target_shown: str  # for tables: carried phases and deadlines spelled out
    status: Status
    reason: str
    metrics: tuple[MetricResult, ...]
    note: str  # notes from the actuals rows used
    analysis: str = ""  # 要因分析, 課題 and 今後の方向性 from the actuals rows used
    issues: str = ""
    direction: str = ""
    # The indicator's figures, filled once by grading.figures at the end of rules.evaluate:
    achievement_rate: Decimal | None = None  # its metrics' lowest (the part furthest from its target)
    pace_rate: Decimal | None = None  # likewise
    progress_rate: Decimal | None = None  # likewise
    grade: Band | None = None  # the worst grade of the parts that decided its status
    change: Change | None = None  # since last year, over its parts (改善 only if none worsened)
    # The 目安比 `grade` was read from while the year runs (a scale on a rate reads it before the 達成率),
    # printed beside the grade so that `48.0% 順調 B` never reads as B for 48%; None where the grade was
    # read otherwise (the 達成率, the status, the 基準値) or there is none.
    grade_pace: Decimal | None = None
    outlook: OutlookResult | None = None  # 見込み to the final target year (outlook.py); None: not computed


class Report(NamedTuple):
    plan: Plan
    year: int
    as_of: date
    evaluations: tuple[Evaluation, ...]

    def summary(self) -> dict[Status, int]:
        counts = dict.fromkeys(Status, 0)
        for evaluation in self.evaluations:
            counts[evaluation.status] += 1
        return counts
