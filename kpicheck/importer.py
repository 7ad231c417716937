"""A plan's KPI table (.csv, .tsv/.txt, .xlsx) -> a draft target file, every cell read or listed.

The table is what a city has: its plan's KPI table from the Word/Excel source, or pasted out of the
PDF into Excel — a header row, a row per indicator, a column per fiscal year. The draft is written
in the documented format (docs/targets-format.md) and read back by the loader `validate` uses
(targets.read_plan), so a cell reported as read here is one validate reads; each problem the loader
finds is mapped back to the table's row and column. `unit` and `counts` are inferred from the
loader's own reading of the cells, and each inferred declaration has a comment saying from what.

This module runs the steps; kpi_table reads the table, kpi_rows its rows, draft writes the TOML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpicheck.draft import Draft, Head, lay_out, read_back, render
from kpicheck.errors import Problem, Severity, usage_error
from kpicheck.kpi_rows import declare, indicator_rows
from kpicheck.kpi_table import read_kpi_table, unread_columns
from kpicheck.output import check_output


@dataclass
class ImportResult:
    """The draft target file and what a person has to look at."""

    text: str
    problems: list[Problem]
    indicators: int
    cells: int  # target cells (one per indicator and year)
    read: int  # of those, read by the loader without a problem
    first_year: int
    last_year: int

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


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

    KpicheckError (exit 2) when the table cannot be used at all: unreadable, garbled by PDF
    extraction, empty, no 指標 column, no or duplicated year columns.
    """
    table = read_kpi_table(path, shown)
    rows, problems = indicator_rows(table, shown)
    problems += unread_columns(table, shown)
    head = Head(plan, city, city_name, title, issued, source=path.name)
    draft = lay_out(rows, table.columns, head, shown)
    first = read_back(draft, {})
    declared = {entry.row.line: declare(entry.row, first.indicators.get(entry.row.line)) for entry in draft.entries}
    final = read_back(draft, declared)
    cell_places = {(p.line, p.column) for p in final.problems}
    # A cell the first reading refused but the declared unit lets through (a bare 65 beside 70%) is
    # still listed: the unit was inferred, a person confirms it.
    found = [
        *final.problems,
        *(p for p in first.problems if p.column in draft.target_columns and (p.line, p.column) not in cell_places),
    ]
    problems += found
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.code))
    cells, read = _counted(draft, found)
    return ImportResult(
        render(draft, declared, problems), problems, len(draft.entries), cells, read, draft.first, draft.last
    )


def _counted(draft: Draft, found: list[Problem]) -> tuple[int, int]:
    """Target cells, and of those the ones read: no error at the cell, nor one at its row outside the year columns."""
    flagged_rows = {p.line for p in found if p.severity is Severity.ERROR and p.column not in draft.target_columns}
    flagged_cells = {(p.line, p.column) for p in found if p.severity is Severity.ERROR}
    cells = read = 0
    for entry in draft.entries:
        row = entry.row
        for year in row.cells:
            cells += 1
            read += row.line not in flagged_rows and (row.line, draft.year_columns[year]) not in flagged_cells
    return cells, read


def check_destination(path: Path, root: Path, city: str) -> None:
    """KC307 unless `path` is a .toml file kpicheck import may create: under ROOT/targets only in the city's folder."""
    if path.suffix.lower() != ".toml":
        raise usage_error("KC307", f"-o {path}: 目標ファイルは .toml です")
    try:
        parts = (path.absolute().parent.resolve() / path.name).relative_to((root / "targets").resolve()).parts
    except (ValueError, OSError, RuntimeError):
        pass  # outside ROOT/targets
    else:
        if len(parts) != 2 or parts[0] != city:
            raise usage_error("KC307", f"-o {path}: targets/ の中では targets/{city}/<計画>.toml にだけ書き出します")
    check_output(path, root, new_target=True)  # before the table is read: an existing file is refused at once
