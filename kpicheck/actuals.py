"""actuals/<city>/*.csv, *.xlsx, *.xlsm -> Actuals, collecting every problem with its place (file:line:column, D8).

Staff type these in Excel, so a file may be UTF-8, UTF-8 with BOM or CP932, with CRLF, full-width
digits and units, Japanese headers and era years. Text is normalised (NFKC) once, here.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, Protocol

from kpicheck.actual_rows import BLANK_VALUES, Columns, Kept, Lookups, cell_text, gc_paused, remark, stream
from kpicheck.actual_values import cut, parse_value
from kpicheck.decoding import DecodeError, text_lines
from kpicheck.errors import Problem, Severity, display_path, place_text
from kpicheck.inputs import SAVE_AS_XLSX, WORKBOOK_SUFFIXES, InputError, read_input
from kpicheck.models import Actual, Actuals, Indicator, Metric, Place, Plan
from kpicheck.periods import (
    canonical_id,
    fiscal_year_end,
    fiscal_year_start,
    id_flaw,
    normalize,
    parse_date,
    parse_year,
)
from kpicheck.workbook import WorkbookError, misnamed, read_rows

# Column names a header may use (NFKC, lower case) -> the column.
HEADER_ALIASES: dict[str, str] = {
    "indicator": "indicator", "指標": "indicator", "指標id": "indicator", "指標番号": "indicator",
    "year": "year", "年度": "year", "fiscal_year": "year",
    "value": "value", "実績": "value", "実績値": "value", "値": "value",
    "metric": "metric", "項目": "metric", "指標項目": "metric",
    "as_of": "as_of", "基準日": "as_of", "時点": "as_of",
    "note": "note", "備考": "note", "メモ": "note",
    "plan": "plan", "計画": "plan",
    "analysis": "analysis", "要因分析": "analysis", "分析": "analysis",
    "issues": "issues", "課題": "issues",
    "direction": "direction", "今後の方向性": "direction", "方向性": "direction",
    "previous": "previous", "前年度実績": "previous",
}  # fmt: skip
# The 課's own words on a row: carried into the evaluation sheet as written.
REMARK_COLUMNS = ("note", "analysis", "issues", "direction")
REQUIRED = ("indicator", "year", "value")
REQUIRED_NAMES = {"indicator": "指標", "year": "年度", "value": "実績"}

# Problems kept per file: a file of a million bad rows is one cause, and a million Problem records
# would take gigabytes. The rest are counted (KC115).
MAX_FILE_PROBLEMS = 1000


@dataclass
class ActualsResult:
    actuals: Actuals = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skip: frozenset[str] = frozenset()  # plans whose rows are passed over unread (not the year's plan)
    until: int | None = None  # rows of later fiscal years are passed over unread (summary of one year)
    plan_of: dict[tuple[int, str], Plan | None] = field(default_factory=dict)  # (year, plan column) -> plan
    # Actuals read from a 前年度実績 cell: a row of that year with the same value replaces one silently.
    previous: set[tuple[str, str, str, int]] = field(default_factory=set)
    # validate's lean mode: the actuals are not kept as records (`actuals` stays empty), only their
    # keys' places and texts (actual_rows.Kept)
    kept: Kept | None = None


@functools.lru_cache(maxsize=4096)
def _id_hint(wanted: str, known: tuple[str, ...]) -> str:
    """What an unknown id probably is: an id Excel turned into a date, else the known id closest to it
    (cached: a file repeats its typos)."""
    said = _date_hint(wanted, known)
    if said:
        return said
    found = difflib.get_close_matches(wanted, known, n=1)
    return f"（{found[0]!r} の誤り？）" if found else ""


_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})日$")
TEXT_FORMAT = "指標の列のセルの書式を「文字列」にしてから id を入力し直してください"


def _date_hint(wanted: str, known: tuple[str, ...]) -> str:
    """Where an id cell holds a date, the id Excel probably turned into it, and how to stop it ("" if not a date).

    Excel reads `2-1-1` typed into a General cell as 2002/1/1 and `1-1` as 1月1日 (of the current year),
    and a workbook then stores a date (read as 2002-01-01); a CSV saved from it prints 2002/1/1 or 1月1日.
    """
    found = _MONTH_DAY.match(wanted)
    if found:
        month, day, year = int(found[1]), int(found[2]), None
    else:
        try:
            when = parse_date(wanted)
        except ValueError:
            return ""
        month, day, year = when.month, when.day, when.year
    candidates = [f"{month}-{day}"]
    if year is not None:
        candidates = [f"{year % 100}-{month}-{day}", *candidates]
        if day == 1:
            candidates.append(f"{year % 100}-{month}")  # 13-2 is read as 2013年2月
    likely = next((c for c in candidates if c in known), None)  # the most specific: 2-1-1 before 1-1
    if likely:
        return f"（Excel が id {likely} を日付に変えたようです。{TEXT_FORMAT}）"
    return f"（日付になっています。Excel は 2-1-1 のような id を日付に変えます。{TEXT_FORMAT}）"


def load_actuals(
    files: list[Path],
    plans: list[Plan],
    root: Path | None = None,
    skip: frozenset[str] = frozenset(),
    until: int | None = None,
    *,
    lean: bool = False,
) -> ActualsResult:
    """Read and merge CSV files for one city's plans; every problem is collected, none is fatal.

    Rows that belong to a plan in `skip` (by the plan column or their year), or whose fiscal year is
    after `until`, are passed over unread. `lean` (validate) keeps no Actual records: `kept` holds
    what checking needs, the place and text of each (plan, indicator, metric, year) read.
    """
    result = ActualsResult(skip=skip, until=until, kept=Kept() if lean else None)
    with gc_paused():
        for path in files:
            _load_file(path, display_path(path, root), plans, result)
    result.problems.sort(key=lambda p: (p.path, p.line or 0, p.column or 0))
    return result


def _load_file(path: Path, shown: str, plans: list[Plan], result: ActualsResult) -> None:
    first_problem = len(result.problems)
    workbook = path.suffix.lower() in WORKBOOK_SUFFIXES
    notes: list[str] = []  # which sheet of a workbook was read, when not the first (KC119)
    try:
        _read_file(path, shown, workbook, notes, plans, result)
    finally:
        result.problems[first_problem:first_problem] = [
            Problem(shown, None, None, "KC119", note, Severity.WARNING) for note in notes
        ]
        if workbook:  # a workbook's cells are named as Excel names them (D8)
            result.problems[first_problem:] = [p._replace(workbook=True) for p in result.problems[first_problem:]]


def _read_file(
    path: Path, shown: str, workbook: bool, notes: list[str], plans: list[Plan], result: ActualsResult
) -> None:
    try:
        data = read_input(path)
        what = misnamed(data, workbook)
        if what is not None:
            result.problems.append(Problem(shown, None, None, "KC005", f"{what}。{SAVE_AS_XLSX}"))
            return
        rows = read_rows(data, _is_header, notes) if workbook else _csv_rows(text_lines(data), shown, result)
    except InputError as exc:
        result.problems.append(Problem(shown, getattr(exc, "line", None), None, exc.code, str(exc)))
        return
    except DecodeError as exc:
        result.problems.append(Problem(shown, exc.line, exc.column, "KC001", str(exc)))
        return
    unlisted = 0
    header: dict[str, int] | None = None
    rows = iter(rows)
    try:
        for start, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            header = _header(row, shown, start, result)
            if header is None:
                return
            unlisted = _data_rows(rows, header, len(row), shown, plans, result)
            break
    except WorkbookError as exc:  # a workbook that cannot be read, with the row where reading stopped
        result.problems.append(Problem(shown, exc.line, None, "KC001", str(exc)))
        return
    if header is None:
        result.problems.append(Problem(shown, 1, None, "KC101", f"空のファイルです{NEEDED}"))
    if unlisted:
        message = (
            f"このファイルには最初の {MAX_FILE_PROBLEMS:,} 件のほかに {unlisted:,} 件の問題があります"
            "（先に上記を直してください）"
        )
        result.problems.append(Problem(shown, None, None, "KC115", message))


def _data_rows(
    rows: Iterable[tuple[int, list[str]]],
    header: dict[str, int],
    width: int,
    shown: str,
    plans: list[Plan],
    result: ActualsResult,
) -> int:
    """Read the rows after the header: the ordinary ones on actual_rows' path, the rest here (_row).
    Returns the problems counted but not kept (past MAX_FILE_PROBLEMS)."""
    first_problem, unlisted = len(result.problems), 0

    def slow(row: list[str], start: int) -> None:
        nonlocal unlisted
        if not any(row):  # an empty row: passed over
            return
        _row(row, header, width, shown, start, plans, result)
        if len(result.problems) - first_problem > MAX_FILE_PROBLEMS:  # keep counting, stop keeping
            unlisted += len(result.problems) - first_problem - MAX_FILE_PROBLEMS
            del result.problems[first_problem + MAX_FILE_PROBLEMS :]

    def year(raw: str, plan_cell: str) -> tuple[int, Plan] | Literal[False] | None:
        try:
            found = parse_year(cell_text(raw))
        except ValueError:
            return None
        if result.until is not None and found > result.until:
            # passed over unread, as _row would (summary: every row of a later year), unless its 前年度実績
            # may give the last year read
            return False if "previous" not in header or found > result.until + 1 else None
        plan_id = cell_text(plan_cell)
        if plan_id and all(p.id != plan_id for p in plans):
            return None
        plan = _row_plan(found, plan_id, plans, result, _quiet)
        return None if plan is None else (found, plan)

    def as_of(text: str, year: int) -> date | bool | None:
        return _as_of(text, year, _quiet)

    columns = Columns(*(header.get(name) for name in Columns._fields))  # type: ignore[arg-type]
    store = result.kept if result.kept is not None else result.actuals
    stream(rows, columns, width, shown, Lookups(year, _known_indicator, _find_metric, plans, as_of), store, slow)
    return unlisted


def _quiet(name: str, code: str, message: str, severity: Severity = Severity.ERROR) -> None:
    """A problem sink that keeps nothing: for deciding without reporting (the row path's memos)."""


def _is_header(row: list[str]) -> bool:
    """Whether a row is the actuals' header: it names the indicator, year and value columns."""
    names = {HEADER_ALIASES.get(normalize(cell).lower()) for cell in row}
    return all(name in names for name in REQUIRED)


def _csv_rows(lines: Iterable[str], shown: str, result: ActualsResult) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) per CSV record; a record that cannot be parsed ends the file with KC113."""
    reader = csv.reader(lines, strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a field over the size limit, a stray quote at the end of the file
            result.problems.append(Problem(shown, line, None, "KC113", f"この行を CSV として読めません: {exc}"))
            return
        start, line = line, reader.line_num + 1
        yield start, row


def _header(row: list[str], shown: str, line: int, result: ActualsResult) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = HEADER_ALIASES.get(normalize(cell).lower())
        if name and name not in columns:
            columns[name] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        result.problems.append(
            Problem(
                shown,
                line,
                None,
                "KC101",
                f"見出し行に {'・'.join(REQUIRED_NAMES[c] for c in missing)} の列がありません{NEEDED}",
            )
        )
        return None
    return columns


def _row(
    row: list[str], header: dict[str, int], width: int, shown: str, line: int, plans: list[Plan], result: ActualsResult
) -> None:
    only_previous = False
    if result.until is not None and _later(row, header["year"], result.until):
        # a later year cannot change the figures of the year asked for (validate reads it), except by
        # the 前年度実績 the next year's row gives for it
        if "previous" not in header or _later(row, header["year"], result.until + 1):
            return
        only_previous = True
    first = len(result.problems)
    subject = _read_row(row, header, width, shown, line, plans, result, only_previous=only_previous)
    if subject is not None and len(result.problems) > first:  # the row's problems concern its indicator
        result.problems[first:] = [p.about(*subject) for p in result.problems[first:]]


def _read_row(
    row: list[str],
    header: dict[str, int],
    width: int,
    shown: str,
    line: int,
    plans: list[Plan],
    result: ActualsResult,
    *,
    only_previous: bool = False,
) -> tuple[str, int] | None:
    """Store the row's actual (and its 前年度実績) or report why not; the (indicator, year) the row is for,
    once both are known. With `only_previous` only the 前年度実績 is stored (summary of the year before)."""
    # short cells (ids, years, values) through the cache; a long note is normalised without being kept
    cells = [cell_text(c) for c in row]
    size = len(cells)
    named = {name: cells[index] for name, index in header.items() if index < size}  # a column per name, once

    def problem(name: str, code: str, message: str, severity: Severity = Severity.ERROR) -> None:
        column = header[name] + 1 if name in header else None
        result.problems.append(Problem(shown, line, column, code, message, severity))

    if len(row) > width and any(c.strip() for c in row[width:]):
        extra = len(row) - width
        problem("value", "KC109", f"見出し行の列数を超えるセルが {extra} 個あります（値の中にカンマ？）")
    blank = only_previous or named.get("value", "") in BLANK_VALUES
    previous = named.get("previous", "")
    if blank and previous in BLANK_VALUES:
        if not only_previous:
            _blank(lambda name: named.get(name, ""), problem)
        return None
    try:
        year = parse_year(named.get("year", ""))
    except ValueError as exc:
        problem("year", "KC104", str(exc))
        # the row's indicator, where its id is one of the plans': that indicator, in every year, is
        # 評価不能 in status and report (the row's year is unknown)
        known = next((i.id for p in plans if (i := p.indicator(named.get("indicator", ""))) is not None), None)
        if known is not None:
            result.problems[-1] = result.problems[-1].about(known)
        return None
    plan_id = named.get("plan", "")
    if plan_id and all(p.id != plan_id for p in plans):
        problem("plan", "KC114", f"不明な計画 {plan_id!r}（この市町村の計画: {', '.join(p.id for p in plans)}）")
        return None
    plan = _row_plan(year, plan_id, plans, result, problem)
    if plan is None:
        return None
    raw_id = row[header["indicator"]] if header["indicator"] < len(row) else ""
    indicator = _indicator(plan, raw_id, named.get("indicator", ""), problem)
    if indicator is None:
        return None
    subject = (indicator.id, year)
    metric = _metric(indicator, named.get("metric", ""), problem)
    if metric is None:
        return subject
    if previous not in BLANK_VALUES:
        place = Place(shown, line, header["previous"] + 1)
        _previous(previous, (plan, indicator, metric), year - 1, place, result, problem)
    if blank:
        if not only_previous:
            _blank(lambda name: named.get(name, ""), problem)
        return subject
    _store(row, named, header, (plan, indicator, metric), year, Place(shown, line), result, problem)
    return subject


def _store(
    row: list[str],
    named: dict[str, str],
    header: dict[str, int],
    subject: tuple[Plan, Indicator, Metric],
    year: int,
    place: Place,
    result: ActualsResult,
    problem: ProblemSink,
) -> None:
    """The row's own actual, once its value, 基準日 and direction are read and it repeats no other."""
    plan, indicator, metric = subject
    try:
        value = parse_value(named.get("value", ""), metric, plan, normalized=True)
    except ValueError as exc:
        item = f" {metric.name}" if len(indicator.metrics) > 1 else ""
        problem("value", "KC106", f"{indicator.id}{item}: {exc}")
        return
    as_of = _as_of(named.get("as_of", ""), year, problem)
    if as_of is False:
        return
    direction = named.get("direction", "").strip()
    if direction and direction not in plan.directions:
        problem(
            "direction",
            "KC106",
            f"今後の方向性 {cut(direction)!r} は {'、'.join(plan.directions)} のどれかにしてください",
        )
        return
    key = (plan.id, indicator.id, metric.id, year)
    earlier = _earlier(result, key, subject)
    if earlier is not None and not (key in result.previous and earlier.value == value):
        where = _where(earlier.place)
        if key in result.previous:
            said = f"{where} の前年度実績 {cut(earlier.text)!r} と違います"
        else:
            said = f"{where} で入力済みです"
        problem("indicator", "KC107", f"{_named(indicator, metric)} の {year} 年度の実績は {said}")
        return
    result.previous.discard(key)  # the year's own row, with its 基準日 and remarks, replaces an equal 前年度実績
    text = named.get("value", "")
    if result.kept is not None:
        result.kept.forget(key)
        result.kept.put(plan, result.kept.base(plan, indicator, metric) + year, text, place)
        return
    remarks = [_remark(row, header, name) if name in header else "" for name in REMARK_COLUMNS]
    result.actuals[key] = Actual(indicator.id, metric.id, year, value, text, as_of, remarks[0], place, *remarks[1:])


def _previous(
    text: str,
    subject: tuple[Plan, Indicator, Metric],
    year: int,
    place: Place,
    result: ActualsResult,
    problem: ProblemSink,
) -> None:
    """A 前年度実績 cell: the actual of the row's indicator and metric for the year before the row's.

    The entry sheet prefills it with what is known (models.show_actual's text) and asks for it where a
    前年比 target lacks it. An equal value given elsewhere is no problem; a different one is KC107 naming
    both places. Its 基準日 is that year's end; the row's remarks stay with the row's own year.
    """
    plan, indicator, metric = subject
    if year < plan.first_year - 1:  # the loader keeps rows back to the year before the plan, no further
        problem(
            "previous",
            "KC105",
            f"前年度実績の {year} 年度は計画 {plan.id}（{plan.first_year}～{plan.last_year}）の前年度より前です",
        )
        return
    try:
        value = parse_value(text, metric, plan, normalized=True)
    except ValueError as exc:
        item = f" {metric.name}" if len(indicator.metrics) > 1 else ""
        problem("previous", "KC106", f"{indicator.id}{item} 前年度実績: {exc}")
        return
    key = (plan.id, indicator.id, metric.id, year)
    earlier = _earlier(result, key, subject)
    if earlier is not None:
        if earlier.value != value:  # named as the year's own row names it (_named)
            said = f"{cut(text)!r} が {_where(earlier.place)} の {cut(earlier.text)!r} と違います"
            problem("previous", "KC107", f"{_named(indicator, metric)} の {year} 年度の前年度実績 {said}")
        return
    if result.kept is not None:
        result.kept.put(plan, result.kept.base(plan, indicator, metric) + year, text, place, key)
    else:
        result.actuals[key] = Actual(indicator.id, metric.id, year, value, text, fiscal_year_end(year), "", place)
    result.previous.add(key)


def _earlier(
    result: ActualsResult, key: tuple[str, str, str, int], subject: tuple[Plan, Indicator, Metric]
) -> Actual | None:
    """The actual already read for `key` (in lean mode, as far as its value, text and place), or None."""
    if result.kept is not None:
        return result.kept.get(key, *subject)
    return result.actuals.get(key)


def _named(indicator: Indicator, metric: Metric) -> str:
    """指標 1-1-2 の項目 研修実施回数: an actual's indicator, and its metric where it has several."""
    which = "" if len(indicator.metrics) == 1 else f" の項目 {metric.name or metric.id}"
    return f"指標 {indicator.id}{which}"


def _where(place: Place) -> str:
    """A place as a problem names it (a workbook's cell as Excel names it, D8)."""
    workbook = Path(place.path).suffix.lower() in WORKBOOK_SUFFIXES
    return place_text(place.path, place.line, place.column, workbook=workbook)


def _later(row: list[str], index: int, until: int) -> bool:
    """Whether the row's fiscal year is after `until` (a year that cannot be read is not: it is reported)."""
    try:
        return index < len(row) and parse_year(cell_text(row[index])) > until
    except ValueError:
        return False


def _blank(cell: Callable[[str], str], problem: ProblemSink) -> None:
    """A row whose 実績 is not entered yet: skipped, with a warning if the 課 wrote remarks on it."""
    written = [HEADER_NAMES[name] for name in REMARK_COLUMNS if cell(name).strip()]
    if written:
        message = (
            f"実績が空欄の行の{'・'.join(written)}は報告書に載りません"
            "（実績を入力するか、理由は入力済みの年度・項目の行に書いてください）"
        )
        problem("value", "KC116", message, Severity.WARNING)


def _as_of(text: str, year: int, problem: ProblemSink) -> date | Literal[False] | None:
    """The row's 基準日 (None if blank); False after reporting one that cannot be read or lies outside the year."""
    if not text:
        return None
    try:
        as_of = parse_date(text)
    except ValueError as exc:
        problem("as_of", "KC108", str(exc))
        return False
    if not fiscal_year_start(year) <= as_of <= fiscal_year_end(year):
        problem("as_of", "KC108", f"基準日（as_of）{as_of} が {year} 年度（{year}-04-01 ～ {year + 1}-03-31）の外です")
        return False
    return as_of


# The remark columns as messages name them.
NEEDED = "（見出し行に 指標,年度,実績 または indicator,year,value の列が必要です）"
HEADER_NAMES = {"note": "備考", "analysis": "要因分析", "issues": "課題", "direction": "今後の方向性"}


def _remark(row: list[str], header: dict[str, int], name: str) -> str:
    """A remark as typed (control characters removed, not NFKC-normalised: it is prose)."""
    index = header.get(name)
    if index is None or index >= len(row):
        return ""
    return remark(row[index], direction=name == "direction")


def _row_plan(year: int, plan_id: str, plans: list[Plan], result: ActualsResult, problem: ProblemSink) -> Plan | None:
    """The plan a row belongs to; None after KC105 when there is none, and None for a plan in `skip`."""
    key = (year, plan_id)
    if key not in result.plan_of:  # a file repeats a few years: each is looked up once
        result.plan_of[key] = _plan_for(year, plan_id, plans)
    plan = result.plan_of[key]
    if plan is None:
        periods = ", ".join(f"{p.id} {p.first_year}～{p.last_year}" for p in plans) or "なし"
        problem("year", "KC105", f"{year} 年度はこの市町村のどの計画の期間にも入りません（{periods}）")
    return None if plan is None or plan.id in result.skip else plan


def _plan_for(year: int, plan_id: str, plans: list[Plan]) -> Plan | None:
    """The plan named in the row, else the one covering the year, else the one starting the year after
    (a baseline row for a growth target whose previous year lies before the plan)."""
    if plan_id:
        named = next((p for p in plans if p.id == plan_id), None)
        return named if named and named.first_year - 1 <= year <= named.last_year else None
    covering = next((p for p in plans if p.covers(year)), None)
    return covering or next((p for p in plans if p.first_year - 1 == year), None)


def _indicator(plan: Plan, raw: str, given: str, problem: ProblemSink) -> Indicator | None:
    """The plan's indicator a row's id names, compared as the plan's ids are (1−1−1 is 1-1-1); None after
    KC212 for a NUL in the cell as typed (said, never dropped) or KC102 for an id the plan lacks."""
    flaw = id_flaw(raw)
    if flaw:
        problem("indicator", "KC212", flaw)
        return None
    indicator_id = canonical_id(given)
    indicator = plan.indicator(indicator_id)
    if indicator is None:
        hint = _id_hint(indicator_id, plan.indicator_ids)
        problem("indicator", "KC102", f"{plan.id} に指標 {indicator_id!r} はありません{hint}")
    return indicator


def _known_indicator(plan: Plan, raw: str) -> Indicator | None:
    """_indicator without a problem: the plan's indicator a raw id cell names, None where _indicator reports."""
    return None if id_flaw(raw) else plan.indicator(canonical_id(cell_text(raw)))


def _find_metric(indicator: Indicator, given: str) -> Metric | None:
    """The indicator's metric a metric cell (read, not blank) names by id or name, or None."""
    return next((m for m in indicator.metrics if given in (m.id, normalize(m.name))), None)


def _metric(indicator: Indicator, given: str, problem: ProblemSink) -> Metric | None:
    if not given:
        if len(indicator.metrics) == 1:
            return indicator.metrics[0]
        names = "、".join(m.name or m.id for m in indicator.metrics)
        problem(
            "metric",
            "KC103",
            f"{indicator.id} には複数の項目があります。項目列に {names} のどれかを書いてください",
        )
        return None
    found = _find_metric(indicator, given)
    if found is None:
        hint = difflib.get_close_matches(given, [m.name or m.id for m in indicator.metrics], n=1)
        did_you = f"（{hint[0]!r} の誤り？）" if hint else ""
        names = "、".join(m.name or m.id for m in indicator.metrics)
        problem("metric", "KC103", f"{indicator.id} に項目 {given!r} はありません（{names}）{did_you}")
    return found


class ProblemSink(Protocol):
    def __call__(self, name: str, code: str, message: str, severity: Severity = Severity.ERROR) -> None: ...
