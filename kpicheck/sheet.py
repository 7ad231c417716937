"""The year's entry sheet (実績入力シート): one row per indicator and metric for staff to fill in.

Rows are data here: the cells by column (sheet_columns.COLUMNS), the words the 実績 cell takes where
the target is judged by word, and whether last year's actual must be typed in. `sheet_xlsx.py`
writes them as a workbook, `sheet_csv` below as CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kpicheck.actual_values import parse_value
from kpicheck.errors import KpicheckError, Problem
from kpicheck.kinds.base import Context
from kpicheck.kinds.registry import IDLE_KINDS, KINDS
from kpicheck.models import (
    STATE_LABELS,
    Actual,
    Actuals,
    Metric,
    Plan,
    Rule,
    RuleKind,
    ValueKind,
    show_actual,
    target_for,
)
from kpicheck.periods import normalize
from kpicheck.render import FORMULA_STARTS, guard
from kpicheck.sheet_columns import COLUMNS, KNOWN_PREVIOUS, PREVIOUS

# The columns the loader matches or parses (ids, names, years, last year's value): a spreadsheet formula
# guard there must be one the loader removes (actuals._unquote reads Excel's ="…" back as …).
READ_BACK = frozenset({"指標", "項目", "年度", PREVIOUS})


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet: its cells, the words its 実績 takes (none: a number or free), and whether
    its 前年度実績 is for the 課 to fill in (a year-relative target without last year's actual)."""

    cells: dict[str, str]
    choices: tuple[str, ...] = ()
    asks_previous: bool = False


class Sheet(list[SheetRow]):
    """The sheet's rows, and the 課 it is made for (None: every 課), which heads its printed pages."""

    def __init__(self, rows: Iterable[SheetRow] = (), department: str | None = None) -> None:
        super().__init__(rows)
        self.department = department


def sheet_rows(plan: Plan, actuals: Actuals, year: int, as_of: date, department: str | None = None) -> Sheet:
    """A row per indicator (per metric where several) that has a target in `year`."""
    wanted = normalize(department) if department else None
    rows = Sheet(department=department)
    for indicator in plan.indicators:
        if wanted is not None and wanted not in {normalize(d) for d in indicator.departments}:
            continue
        target = target_for(indicator, year)
        if target is None:
            continue
        several = len(indicator.metrics) > 1
        for metric in indicator.metrics:
            rules = [r for r in target.rules if r.metric == metric.id and r.kind not in IDLE_KINDS]
            if not rules:
                continue
            before = Context(plan, indicator, metric, year, as_of, actuals).actual(year - 1)
            cells = dict.fromkeys(COLUMNS, "")
            cells |= {
                "指標": indicator.id,
                "項目": metric.name if several else "",
                "指標名": indicator.name,
                "目標": target.shown if not several else "、".join(r.text for r in rules),
                KNOWN_PREVIOUS: previous_text(before, metric, plan) if before else "",
                "年度": str(year),
                "担当": "、".join(indicator.departments),
            }
            asks = before is None and _reads_last_year(plan, metric, rules, year)
            rows.append(SheetRow(cells, value_words(plan, metric, rules), asks))
    return rows


def previous_text(actual: Actual, metric: Metric, plan: Plan) -> str:
    """Last year's actual as tables print it (66%, 完了), or as it was typed where that print would read
    back as another value (a rounded 33.333%, a 完了 that is also one of the plan's phase words)."""
    shown = show_actual(actual.value, metric.unit)
    try:
        same = parse_value(shown, metric, plan) == actual.value
    except ValueError:
        same = False
    return shown if same else actual.text


def value_words(plan: Plan, metric: Metric, rules: list[Rule]) -> tuple[str, ...]:
    """The words the loader reads for this row's 実績, for a drop-down: a milestone's progress words, a
    phase's words in the plan's order (and the progress words where a rule of the row is no phase, as a
    roadmap's bare arrow); none for a number."""
    progress = tuple(STATE_LABELS.values())
    if metric.kind is ValueKind.STATE:
        return progress
    if metric.kind is ValueKind.PHASE:
        return plan.phases + (progress if any(r.kind is not RuleKind.PHASE for r in rules) else ())
    return ()


def _reads_last_year(plan: Plan, metric: Metric, rules: list[Rule], year: int) -> bool:
    """Whether a rule of the row reads the previous year's actual (前年比, a level's start, a running
    total: the registry's lookback), and that year's actual is one the plan's actuals can hold."""
    if year - 1 < plan.first_year - 1:
        return False
    for rule in rules:
        back = KINDS[rule.kind].lookback(rule, metric.counts)
        if back is None or back >= 1:
            return True
    return False


def sheet_csv(rows: list[SheetRow], encoding: str = "utf-8", *, where: str = "kpicheck") -> bytes:
    """The sheet as CSV: UTF-8 with a BOM (Excel opens it), or CP932 when asked.

    A cell Excel would run as a formula is guarded: ="…" where the loader reads the cell back, a
    leading ' elsewhere (as status CSV). Text CP932 cannot write is KC308 at its line and column of
    `where`, never a `?` that would no longer match the plan.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line, row in enumerate(rows, 2):
        cells = [_guarded(name, row.cells[name]) for name in COLUMNS]
        if encoding == "cp932":
            _check_cp932(cells, line, row.cells["指標"], where)
        writer.writerow(cells)
    text = out.getvalue()
    if encoding == "cp932":
        return text.encode("cp932")
    return ("\ufeff" + text).encode("utf-8")


def _guarded(name: str, cell: str) -> str:
    if name in READ_BACK and cell.startswith(FORMULA_STARTS) and '"' not in cell:
        return f'="{cell}"'
    return guard(cell)


def _check_cp932(cells: list[str], line: int, indicator: str, where: str) -> None:
    for column, cell in enumerate(cells, 1):
        try:
            cell.encode("cp932")
        except UnicodeEncodeError as exc:
            char = cell[exc.start]
            name = COLUMNS[column - 1]
            what = f"指標「{cell}」" if name == "指標" else f"指標 {indicator} の{name}「{cell}」"
            message = (
                f"{what}の「{char}」（U+{ord(char):04X}）は CP932 で書けません。"
                "--encoding を付けずに UTF-8 で書き出してください"
            )
            raise KpicheckError(Problem(where, line, column, "KC308", message)) from None
