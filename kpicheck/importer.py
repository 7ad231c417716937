"""A plan's KPI table (.csv, .tsv/.txt, .xlsx) -> a draft target file, every cell read or listed.

The table is what a city has: its plan's KPI table from the Word/Excel source, or pasted out of the
PDF into Excel — a header row (or two), a row per indicator, a column per fiscal year. The draft is
written in the documented format (docs/targets-format.md) and read back once by the loader `validate`
uses (targets.read_plan), so a cell reported as read here is one validate reads; each problem the
loader finds is mapped back to the table's row and column (in a workbook, named as Excel names the
cell: D8). `unit` and `counts` are inferred from the loader's own reading of the cells, each with a
comment saying from what, and every guess is marked `review` for a person (KC409 until removed).

This module runs the steps; kpi_table reads the table, kpi_rows its rows, draft writes the TOML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from kpicheck.cells import DASHES
from kpicheck.draft import (
    DRAFT_MARKER,
    Draft,
    Entry,
    Head,
    Reading,
    Review,
    baseline_years,
    lay_out,
    note,
    read_back,
    render,
)
from kpicheck.draft_marks import review_message
from kpicheck.errors import KpicheckError, Problem, Severity, usage_error
from kpicheck.kpi_rows import Declared, declare, from_table, indicator_rows, plain_number
from kpicheck.kpi_table import Table, cell_name, read_kpi_table, unread_columns
from kpicheck.output import check_output, write_new
from kpicheck.periods import normalize


@dataclass
class ImportResult:
    """The draft target file and what a person has to look at."""

    text: str
    problems: list[Problem]
    indicators: int
    cells: int  # target cells (one per indicator and printed year)
    read: int  # of those, read by the loader without a problem
    first_year: int
    last_year: int
    unread: int = 0  # cells written as 目標未設定 because they could not be read
    marked: int = 0  # indicators with a reading guessed (`review`)
    years: tuple[int, ...] = field(default=())  # the years the table prints

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def years_label(self) -> str:
        """The years the table prints: 2026～2030年度, or 2028、2030年度 where it skips some."""
        if len(self.years) == self.last_year - self.first_year + 1:
            return f"{self.first_year}～{self.last_year}年度"
        return "、".join(str(y) for y in self.years) + "年度"


def import_table(
    path: Path,
    shown: str,
    *,
    city: str,
    plan: str,
    title: str,
    city_name: str | None = None,
    issued: str | None = None,
) -> ImportResult:
    """Read a KPI table and return the draft target file with every problem at the table's row and column.

    The draft is read once by the loader, with what the table itself declares (the 単位 column); the
    unit and counts the loader settles on are then written with a note and, where guessed, a `review`
    mark, and each cell it could not read as 目標未設定 with the printed text beside it.

    KpicheckError (exit 2) when the table cannot be used at all: unreadable, garbled by PDF
    extraction, empty, no 指標 column, no or duplicated year columns; and when the draft would not
    load as a whole (never written as if it were fine).
    """
    table = read_kpi_table(path, shown)
    rows, problems = indicator_rows(table, shown)
    problems += unread_columns(table, shown)
    problems += _skipped_years(table, shown)
    head = Head(plan, city, city_name, title, issued, source=path.name)
    draft = lay_out(rows, table, head, shown)
    table = replace(table, body=())  # its cells are the draft's rows now: not held through the reading
    problems += draft.problems
    known = {entry.row.line: from_table(entry.row) for entry in draft.entries}
    reading = read_back(draft, known)
    if reading.broken:
        raise KpicheckError(
            [
                *reading.broken,
                Problem(shown, None, None, "KC399", "作った下書きを読み込めないため書き出しませんでした（不具合です）"),
            ]
        )
    by_row: dict[int | None, list[Problem]] = {}
    for problem in reading.problems:
        by_row.setdefault(problem.line, []).append(problem)
    reviews: dict[int, Review] = {}
    for entry in draft.entries:
        line = entry.row.line
        reviews[line], found = _review(entry, draft, reading, known[line], by_row.get(line, []))
        problems += found
    del reading, by_row  # the loader's Plan is not held while the final draft is written (peak memory)
    problems = [_named(p, table) for p in problems]
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.code))
    cells = sum(len(entry.row.cells) for entry in draft.entries)
    unread = sum(len(r.unread) for r in reviews.values())
    # Read: a cell without a problem, in a row the loader could settle (one that it could not reads nothing).
    read = 0
    for entry in draft.entries:
        review = reviews[entry.row.line]
        read += 0 if review.notes else len(entry.row.cells) - len(review.unread)
    return ImportResult(
        render(draft, reviews),
        problems,
        len(draft.entries),
        cells,
        read,
        draft.first,
        draft.last,
        unread,
        sum(1 for r in reviews.values() if r.marks),
        table.years,
    )


@dataclass
class _Found:
    """A row's problems from the reading, by where they are: a year's cell, the baseline, the row."""

    cells: dict[int, Problem] = field(default_factory=dict)  # year -> the first problem of its cell
    baseline: Problem | None = None
    row: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _sorted(problems: list[Problem], draft: Draft) -> _Found:
    found = _Found()
    by_year = {column: year for year, column in draft.year_columns.items()}
    baseline_column = draft.column("baseline")
    for problem in problems:
        if problem.severity is not Severity.ERROR:
            found.warnings.append(problem)
        elif problem.column in by_year:
            found.cells.setdefault(by_year[problem.column], problem)
        elif problem.column is not None and problem.column == baseline_column:
            found.baseline = found.baseline or problem
        else:
            found.row.append(problem)
    return found


def _review(
    entry: Entry, draft: Draft, reading: Reading, known: Declared, here: list[Problem]
) -> tuple[Review, list[Problem]]:
    """What the final draft says of one row, and the problems to list: the cells not read (written as
    目標未設定), the row's own errors, and a KC409 warning when a reading is guessed."""
    row = entry.row
    found = _sorted(here, draft)
    indicator = reading.indicators.get(row.line)
    metric = indicator.metrics[0] if indicator is not None and len(indicator.metrics) == 1 else None
    bare: list[int] = []
    if known.unit is None and metric is not None and metric.unit is not None and not found.row:
        # 65 beside 70%: the unit the other cells print reads it; a guess, marked, never an error.
        bare = sorted(year for year in found.cells if plain_number(row.cells.get(year, "")))
    unread = {year: _reason(p, row.cells.get(year, "")) for year, p in found.cells.items() if year not in bare}
    listed = list(found.warnings)
    if found.row:
        # The row as a whole cannot be read (cells in different units, numbers beside milestones): every
        # printed cell waits for a person, so the draft still loads and the other indicators are judged.
        fault = _reason(found.row[0], "", _row_fix(found.row[0]))
        for year, text in row.cells.items():
            if normalize(text) and normalize(text) not in DASHES:
                unread.setdefault(year, fault)
        said = f"指標 {entry.id} を読めないため、下書きでは印刷されたセルをすべて目標未設定にしました: {fault}"
        listed += [problem._replace(message=said) for problem in found.row]
    review = Review(
        declared=declare(row, known, indicator, bare, unread),
        unread=unread,
        baseline=_reason(found.baseline, row.baseline, FIX_BASELINE) if found.baseline else "",
        baseline_year=bool(row.baseline and found.baseline is None and baseline_years(draft, row)[1]),
        notes=tuple(note(p, draft.workbook) for p in found.row),
    )
    for year, problem in sorted(found.cells.items()):
        if year in unread:
            cell = f"指標 {entry.id} の {year}年度「{row.cells.get(year, '')}」"
            listed.append(
                problem._replace(message=f"{cell}を読めないため、下書きでは目標未設定にしました: {unread[year]}")
            )
    if found.baseline is not None:
        said = f"指標 {entry.id} の基準値「{row.baseline}」を読めないため、baseline にしていません: {review.baseline}"
        listed.append(found.baseline._replace(message=said))
    if review.marks:
        warning = review_message(entry.id, review.marks)
        listed.append(Problem(draft.shown, row.line, draft.name_column, "KC409", warning, Severity.WARNING))
    return review, listed


# The loader's words for the parts of a target file, as a person fixing the table says them.
TERMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:indicator [^\s,:]+(?:, \d{4})?|指標 [^\s、:]+(?:、\d{4}年度)?): "), ""),
    (re.compile(r"^'[^']*' を読めません: "), ""),
    (re.compile(r"\s?\bbaseline の value\s?"), "基準値"),
    (re.compile(r"\s?\bmetric 'value'\s?"), "この指標"),  # a draft's indicators have one metric, `value`
    (re.compile(r"\s?\bmetric '([^']+)'\s?"), r"項目「\1」"),
    (re.compile(r"\s?(?<!（)\bmetrics\b(?!）)\s?"), "項目（metrics）"),
    (re.compile(r"\s?(?<!（)\bmetric\b(?!）)\s?"), "この指標"),
    (re.compile(r"\s?(?<!（)\bindicator\b(?!）)\s?"), "指標"),
    (re.compile(r"\bunit = \.\.\."), 'unit = "単位"'),
    (re.compile(r"\s?(?<!（)\bunit\b(?!）)(?! =)\s?"), "単位"),
    (re.compile(r"\s?(?<!（)\bbaseline\b(?!）)(?! =)\s?"), "基準値"),
    (re.compile(r"\s?`?\bmatch\b`? の語\s?"), "振り分けの語（match）"),
    (re.compile(r"\s?(?<!（)`?\bmatch\b`?(?!）)\s?"), "振り分けの語（match）"),
    (re.compile(r"\s?\bname\b\s?(?=か)"), "項目の名前（name）"),
    (re.compile(r"\s?(?<!（)\bcounts\b(?!）)(?! =)\s?"), "数え方（counts）"),
)
# What to change in the table, by what the cell looks like (the first that fits): the loader's message
# already says what to write in the draft; this is what only the table can give.
FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^[\d,.]+$"),
        "表に「単位」の列を足して単位（件、人、% …）を書くか、セルを「15件」のように単位付きにしてください",
    ),
    (
        re.compile(r"^(?:[\d,.]+(?:%|割)(?:削減|増加?)|半減|倍増|[\d.]+倍)$"),
        "表に「基準値」か「現状値」の列を足せば、その値を基準値として読みます",
    ),
)
FIX_NO_UNIT = "表に「単位」の列を足せば、その単位で読みます"
FIX_BASELINE = "測った年度は「基準年度」の列か、セルの括弧（300人(2019)）に書けます"


def _reason(problem: Problem, printed: str, fix: str | None = None) -> str:
    """Why a cell was not read, in the table's terms, and what the table could say instead (`fix`, or by the
    cell's look), after what the loader says to write."""
    said = problem.message
    for pattern, replacement in TERMS:
        said = pattern.sub(replacement, said)
    plain = re.sub(r"\s+", " ", normalize(printed))
    fix = fix or next((text for pattern, text in FIXES if pattern.search(plain)), "")
    return f"{said.rstrip('。')}。{fix}" if fix else said


def _row_fix(problem: Problem) -> str | None:
    """What the table could say about a row the loader could not settle: its unit, when none is printed."""
    return FIX_NO_UNIT if "単位がありません" in problem.message else None


def _named(problem: Problem, table: Table) -> Problem:
    """In a workbook, the message names the cell as Excel does (D8); a CSV's place already says row and column."""
    if not table.workbook or problem.line is None:
        return problem
    return problem._replace(message=f"{cell_name(problem.line, problem.column, True)}: {problem.message}")


def _skipped_years(table: Table, shown: str) -> list[Problem]:
    """KC402 (a warning) naming the years between the first and last the table prints no column for."""
    years = table.years
    skipped = [year for year in range(years[0], years[-1] + 1) if year not in years]
    if not skipped:
        return []
    listed = "、".join(f"{year}年度" for year in skipped)
    message = (
        f"{listed} の列がありません。表に列のない年度は目標なし（空欄）として下書きに書きました"
        "（計画がその年度の目標を書いていれば、表に列を足してください）"
    )
    return [Problem(shown, table.header_line, None, "KC402", message, Severity.WARNING)]


def check_destination(path: Path, root: Path, city: str, *, replace: bool = False) -> None:
    """KC307 unless `path` is a .toml file kpicheck import may create (under ROOT/targets only in the city's
    folder), or with `replace` a draft of its own (its first line still DRAFT_MARKER)."""
    if path.suffix.lower() != ".toml":
        raise usage_error("KC307", f"-o {path}: 目標ファイルは .toml です")
    try:
        parts = (path.absolute().parent.resolve() / path.name).relative_to((root / "targets").resolve()).parts
    except (ValueError, OSError, RuntimeError):
        pass  # outside ROOT/targets
    else:
        if len(parts) != 2 or parts[0] != city:
            raise usage_error("KC307", f"-o {path}: targets/ の中では targets/{city}/<計画>.toml にだけ書き出します")
    check_output(path, root, new_target=True, replace=_MARKER if replace else None)  # before the table is read


def write_draft(path: Path, text: str, root: Path, *, replace: bool = False) -> Path:
    """Create `path` with the draft; with `replace`, over a draft of import's own (never another file)."""
    return write_new(path, text, root, replace=_MARKER if replace else None)


_MARKER = DRAFT_MARKER.encode("utf-8")
