"""The row path of actuals.py for what nearly every row is, and what validate keeps of the rows read.

A file repeats its years, ids, values and 基準日 on every row: the columns are bound by position once
per file and each distinct cell text is read once (a memo per file), so an ordinary row costs a few
dict lookups. A row this path cannot take whole (a problem, a blank 実績, a 前年度実績, a repeat, a
row of another width) goes to the loader's own path (`slow`), which says why: every message, place
and code stays the loader's alone, and nothing here appends a problem.

`Kept` is validate's memory of the actuals (issue 23): per (plan, indicator, metric, year) the place
and text of the one actual read, in arrays the size of the plan, not an Actual record per row.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from array import array
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple, TypeVar

from kpicheck.actual_values import parse_value, unquote
from kpicheck.models import Actual, Actuals, Indicator, Metric, Place, Plan, State
from kpicheck.periods import clean, normalize

# A 実績 cell that says "nothing yet": the row is skipped, not an error (a half-filled sheet from one
# 課 must not block the council report).
BLANK_VALUES = frozenset({"", "-", "未入力", "未定", "―", "—", "ー", "－"})
# Cells up to this length go through cell_text's cache: ids, years, metrics and values repeat on
# every row, while a 備考 or 要因分析 differs on each and would only fill the cache.
SHORT_CELL = 32
# Entries a per-file memo holds before it starts again: a file of distinct values must not grow one
# without bound (the memo is a saving, never needed).
MEMO_SIZE = 8192

Key = tuple[str, str, str, int]  # (plan, indicator, metric, fiscal year), as in Actuals
Value = Decimal | State | str
_K = TypeVar("_K")
_V = TypeVar("_V")


def read_cell(raw: str) -> str:
    """A cell as the loader reads it: NFKC, trimmed, Excel's ="…" removed."""
    return unquote(normalize(raw))


# read_cell once per distinct short text: a file repeats its ids, years, metrics and blanks on every row.
_cached_cell = functools.lru_cache(maxsize=65536)(read_cell)


def cell_text(raw: str) -> str:
    """read_cell, through the cache for short cells only."""
    return _cached_cell(raw) if len(raw) <= SHORT_CELL else read_cell(raw)


def remark(raw: str, direction: bool = False) -> str:
    """A remark as typed (control characters removed, not NFKC-normalised: it is prose; a direction is)."""
    text = clean(raw).strip()
    return normalize(text) if direction else text


# A short remark once per distinct text: 備考 such as 済, 見込み or a 課's name repeat, and each row's
# own copy of the text would be kept in its Actual.
_cached_remark = functools.lru_cache(maxsize=65536)(remark)


def short_remark(raw: str) -> str:
    """remark, through the cache for short cells (the same text, one object)."""
    return _cached_remark(raw) if len(raw) <= SHORT_CELL else remark(raw)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: reading rows makes no cycles, and each collection would only
    walk the plans' objects again (a 20,000-indicator plan is millions; half a full load's time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class Columns(NamedTuple):
    """A file's columns by position (None: the header lacks it), bound once per file."""

    indicator: int
    year: int
    value: int
    metric: int | None
    as_of: int | None
    plan: int | None
    previous: int | None
    note: int | None
    analysis: int | None
    issues: int | None
    direction: int | None


class Lookups(NamedTuple):
    """What the loader decides without a problem, for the memos (each returns None where it would say one)."""

    # (year cell, plan cell) -> year and plan; None: the loader's path; False: a row passed over unread (a
    # later year than the loader reads, with nothing in it for the years it does)
    year: Callable[[str, str], tuple[int, Plan] | Literal[False] | None]
    indicator: Callable[[Plan, str], Indicator | None]  # raw id cell -> the plan's indicator
    metric: Callable[[Indicator, str], Metric | None]  # metric cell (read) -> the indicator's metric
    plans: list[Plan]  # the city's plans
    as_of: Callable[[str, int], date | bool | None]  # 基準日 cell (read), year -> date, None if blank, False if not
    # (False: one the loader reports, unreadable or outside the year)


class Kept:
    """validate's memory of the actuals: per (plan, indicator, metric, year) the first place and the text read.

    One slot per indicator's metric and year of each plan (the year before the plan's first included),
    in flat arrays: memory follows the plans, not the rows. A 前年度実績's place (with its column) is
    kept apart; they are few.
    """

    def __init__(self) -> None:
        self.files: list[str] = []
        self._file: dict[str, int] = {}
        # Keyed by the plan object (id()), not its id: two files of a city may repeat a plan id (KC204),
        # and each plan's rows keep to its own slots. The plans outlive the load, so no id() is reused.
        self._plans: dict[int, tuple[Plan, dict[str, int], int]] = {}  # plan, first slot per indicator, span
        self._where: dict[int, array[int]] = {}  # per slot: file index << 40 | line, 0 if empty
        self._texts: dict[int, list[str | None]] = {}
        self.places: dict[Key, Place] = {}  # entries read from a 前年度実績 cell

    def base(self, plan: Plan, indicator: Indicator, metric: Metric) -> int:
        """The slot of the metric's year 0 (add the year): the plan's arrays are made on first use."""
        if id(plan) not in self._plans:
            span = plan.last_year - plan.first_year + 2
            first: dict[str, int] = {}
            size = 0
            for item in plan.indicators:
                if item.id not in first:  # an id given twice is the plan's problem: one slot, as plan.indicator has
                    first[item.id] = size
                    size += len((plan.indicator(item.id) or item).metrics) * span
            self._plans[id(plan)] = (plan, first, span)
            self._where[id(plan)] = array("q", bytes(8 * size))
            self._texts[id(plan)] = [None] * size
        _, first, span = self._plans[id(plan)]
        index = next(n for n, m in enumerate(indicator.metrics) if m.id == metric.id)
        return first[indicator.id] + index * span - (plan.first_year - 1)

    def file(self, shown: str) -> int:
        if shown not in self._file:
            self._file[shown] = len(self.files)
            self.files.append(shown)
        return self._file[shown]

    def arrays(self, plan: Plan) -> tuple[array[int], list[str | None]]:
        """The plan's slots (file index << 40 | line, 0 if empty) and texts, for the row path to fill."""
        return self._where[id(plan)], self._texts[id(plan)]

    def put(self, plan: Plan, slot: int, text: str, place: Place, key: Key | None = None) -> None:
        """Keep an actual's text and place (`key` for a 前年度実績's, whose place has a column)."""
        self.mark(plan, slot, text, self.file(place.path) << 40 | (place.line or 0))
        if key is not None:
            self.places[key] = place

    def mark(self, plan: Plan, slot: int, text: str, where: int) -> None:
        """Keep an actual's text and place, the place as (file index << 40 | line)."""
        self._where[id(plan)][slot] = where
        self._texts[id(plan)][slot] = text

    def forget(self, key: Key) -> None:
        self.places.pop(key, None)

    def get(self, key: Key, plan: Plan, indicator: Indicator, metric: Metric) -> Actual | None:
        """The actual kept for `key` as far as the loader's checks read it (value, text, place), or None."""
        slot = self.base(plan, indicator, metric) + key[3]
        where = self._where[id(plan)][slot]
        if not where:
            return None
        text = self._texts[id(plan)][slot] or ""
        place = self.places.get(key) or Place(*self.line_of(where))
        value = parse_value(text, metric, plan, normalized=True)  # as read before: no error now
        return Actual(indicator.id, metric.id, key[3], value, text, None, "", place)

    def items(self) -> Iterator[tuple[Key, Place]]:
        """Every actual kept: its key and place."""
        for plan, indicator, metric, found in self.groups():
            for year, at in found:
                key = (plan.id, indicator.id, metric, year)
                yield key, self.places.get(key) or Place(*self.line_of(at))

    def groups(self) -> Iterator[tuple[Plan, Indicator, str, list[tuple[int, int]]]]:
        """The actuals kept per plan, indicator and metric: (plan, indicator, metric id, [(year, at)]), `at`
        the file index << 40 | line (`line_of` reads it; no Place made per row)."""
        for plan, first, span in self._plans.values():
            where = self._where[id(plan)]
            years = range(plan.first_year - 1, plan.last_year + 1)
            for indicator_id, base in first.items():
                indicator = plan.indicator(indicator_id)
                for index, metric in enumerate(indicator.metrics if indicator else ()):
                    start = base + index * span - years.start
                    found = [(year, where[start + year]) for year in years if where[start + year]]
                    if indicator is not None and found:
                        yield plan, indicator, metric.id, found

    def line_of(self, at: int) -> tuple[str, int]:
        """The file and line of a slot's `at` (a 前年度実績's line is its row's)."""
        return self.files[at >> 40], at & (1 << 40) - 1


_Year = tuple[int, Plan, dict[str, "date | bool | None"], dict[str, "_Metric | None"]]


class _Metric(NamedTuple):
    """A row's metric as the row path needs it: its values memo and, in lean mode, its slots."""

    indicator: Indicator
    metric: Metric | None  # None: the indicator has several metrics and the row must name one
    values: dict[str, tuple[Value, str] | None]  # 実績 cell -> value and text (None: the loader reports it)
    base: int  # lean mode: the slot of year 0
    where: array[int] | None  # lean mode: the plan's slots
    texts: list[str | None] | None


def stream(  # noqa: PLR0912, PLR0915 - one loop over locals on purpose: a call per cell is the cost it saves
    rows: Iterable[tuple[int, list[str]]],
    columns: Columns,
    width: int,
    shown: str,
    lookups: Lookups,
    store: Actuals | Kept,
    slow: Callable[[list[str], int], None],
) -> None:
    """Read a file's data rows: each ordinary row stored here, every other handed to `slow`."""
    i_id, i_year, i_value, i_metric, i_as_of, i_plan, i_previous = columns[:7]
    i_note, i_analysis, i_issues, i_direction = columns[7:]
    kept = store if isinstance(store, Kept) else None
    actuals = store if isinstance(store, dict) else {}
    file = kept.file(shown) << 40 if kept is not None else 0
    # per year cell (and plan cell): the year, its plan, its 基準日 memo and the plan's ids memo
    years: dict[str | tuple[str, str], _Year | Literal[False] | None] = {}
    # per plan object (id()), as Kept: a plan id repeated by two files (KC204) is two plans here
    plan_ids: dict[int, dict[str, _Metric | None]] = {}
    value_memos: dict[tuple[str | None, object, int], dict[str, tuple[Value, str] | None]] = {}
    metrics: dict[tuple[int, str, str], _Metric | None] = {}
    previous_blank: dict[str, bool] = {}
    size = MEMO_SIZE + 2 * sum(len(plan.indicators) for plan in lookups.plans)  # ids: a plan's, each once a year

    def lane(plan: Plan, indicator: Indicator, metric: Metric | None) -> _Metric:
        if metric is None:
            return _new(_Metric, (indicator, None, {}, 0, None, None))
        memo = value_memos.setdefault((metric.unit, metric.kind, id(plan)), {})
        if kept is None:
            return _new(_Metric, (indicator, metric, memo, 0, None, None))
        base = kept.base(plan, indicator, metric)
        return _new(_Metric, (indicator, metric, memo, base, *kept.arrays(plan)))

    for line, row in rows:
        if len(row) != width:
            if any(row):
                slow(row, line)
            continue
        raw_year = row[i_year]
        year_key = raw_year if i_plan is None else (raw_year, row[i_plan])
        try:  # free where it does not raise: nearly every row
            got = years[year_key]
        except KeyError:
            _bound(years)
            found = lookups.year(raw_year, row[i_plan] if i_plan is not None else "")
            got = years[year_key] = found and (*found, {}, plan_ids.setdefault(id(found[1]), {}))
        if not got:
            if got is None:
                slow(row, line)
            continue  # a later year's row (summary): the loader's path would pass it over too
        year, plan, dates, ids = got
        raw_id = row[i_id]
        try:
            entry = ids[raw_id]
        except KeyError:
            _bound(ids, size)
            indicator = lookups.indicator(plan, raw_id)
            single = indicator.metrics[0] if indicator and len(indicator.metrics) == 1 else None
            entry = ids[raw_id] = lane(plan, indicator, single) if indicator is not None else None
        if entry is None:
            slow(row, line)
            continue
        if i_metric is not None and row[i_metric]:
            metric_key = (id(plan), entry.indicator.id, row[i_metric])
            named = entry
            try:
                entry = metrics[metric_key]
            except KeyError:
                _bound(metrics, size)
                given = cell_text(row[i_metric])
                chosen = lookups.metric(named.indicator, given) if given else named.metric
                entry = metrics[metric_key] = None if chosen is None else lane(plan, named.indicator, chosen)
            if entry is None:
                slow(row, line)
                continue
        indicator, metric, values, base, where, texts = entry  # one unpacking, no attribute lookups
        if metric is None:
            slow(row, line)
            continue
        raw_value = row[i_value]
        try:
            read = values[raw_value]
        except KeyError:
            _bound(values)
            read = values[raw_value] = _value(raw_value, metric, plan)
        if read is None:
            slow(row, line)
            continue
        if i_previous is not None:
            raw = row[i_previous]
            try:
                blank = previous_blank[raw]
            except KeyError:
                _bound(previous_blank)
                blank = previous_blank[raw] = cell_text(raw) in BLANK_VALUES
            if not blank:
                slow(row, line)
                continue
        as_of: date | None = None
        if i_as_of is not None:
            raw = row[i_as_of]
            try:
                when = dates[raw]
            except KeyError:
                _bound(dates)
                when = dates[raw] = lookups.as_of(cell_text(raw), year)
            if isinstance(when, bool):  # False: a 基準日 the loader reports
                slow(row, line)
                continue
            as_of = when
        direction = ""
        if i_direction is not None:
            direction = remark(row[i_direction], direction=True)
            said = cell_text(row[i_direction]).strip()
            if said and said not in plan.directions:
                slow(row, line)
                continue
        value, text = read
        if where is not None and texts is not None:  # lean mode
            slot = base + year
            if where[slot]:
                slow(row, line)
                continue
            where[slot] = file | line
            texts[slot] = text
            continue
        key = (plan.id, indicator.id, metric.id, year)
        if key in actuals:
            slow(row, line)
            continue
        # Every field given, in order: tuple.__new__ makes the record in C, as Actual(...) would through
        # its Python-level __new__ (a call per row; test_actual_rows checks the two are the same record).
        actuals[key] = _new(
            Actual,
            (
                indicator.id,
                metric.id,
                year,
                value,
                text,
                as_of,
                short_remark(row[i_note]) if i_note is not None else "",
                _new(Place, (shown, line, None)),
                short_remark(row[i_analysis]) if i_analysis is not None else "",
                short_remark(row[i_issues]) if i_issues is not None else "",
                direction,
            ),
        )


_new = tuple.__new__  # a record from all its fields, in C (no Python-level __new__ per row)


def _bound(memo: dict[_K, _V], size: int = MEMO_SIZE) -> None:
    """Start a memo again once it holds `size` entries."""
    if len(memo) >= size:
        memo.clear()


def _value(raw: str, metric: Metric, plan: Plan) -> tuple[Value, str] | None:
    """A 実績 cell's value and text as the loader reads them; None for a blank or one it reports."""
    text = cell_text(raw)
    if text in BLANK_VALUES:
        return None
    try:
        return parse_value(text, metric, plan, normalized=True), text
    except ValueError:
        return None
