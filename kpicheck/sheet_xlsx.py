"""The entry sheet written as an Excel workbook (.xlsx); `workbook.py` reads filled ones back.

Made to be filled and printed by a 課: 指標, 指標名 and 目標 left of the entry cells and frozen in view;
A4 landscape one page wide with the header on every page; the sheet protected (no password) with
only the entry cells unlocked; strict drop-downs; every piece of plan text a text cell, never a
formula. openpyxl takes about 170 ms to import, so it is imported inside `sheet_xlsx`, and only
`kpicheck sheet -o *.xlsx` pays for it.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from kpicheck.models import DIRECTIONS
from kpicheck.render import display_width
from kpicheck.sheet import Sheet, SheetRow
from kpicheck.sheet_columns import COLUMNS, ENTRY_COLUMNS, FROZEN_AFTER, KNOWN_PREVIOUS, PREVIOUS

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

# Column widths in Excel's units (about one half-width character each; a kanji is two). About 200 in
# all: A4 landscape, one page wide, prints at about 70%; long names and targets wrap.
WIDTHS = {"指標": 8, "項目": 10, "指標名": 26, "目標": 22, KNOWN_PREVIOUS: 13, PREVIOUS: 11, "実績": 12,
          "基準日": 11, "備考": 16, "要因分析": 22, "課題": 16, "今後の方向性": 13, "年度": 6, "担当": 20}  # fmt: skip
READ_ONLY_FILL = "EEEEEE"  # what the 課 reads
ASK_FILL = "FFF2CC"  # last year's actual, to be typed in: where the eye should go
TEXT_COLUMNS = frozenset({"指標", "項目", "年度", "実績", PREVIOUS})  # typed values stay as typed (66%, 1-1-2)
LINE_HEIGHT = 17  # points per line of 11-point text in a Japanese font (游ゴシック takes 18.75 for one)
# Excel's limit on a drop-down's list typed into the rule itself.
MOST_LIST = 255


def sheet_xlsx(
    rows: list[SheetRow],
    title: str,
    directions: tuple[str, ...] = DIRECTIONS,
    *,
    department: str | None = None,
) -> bytes:
    """The entry sheet as a workbook; `title` (city, plan, 年度) and the 課 (`department`, else the one
    the rows were chosen for, else 全課) head every printed page."""
    from openpyxl import Workbook  # noqa: PLC0415 - see the module docstring
    from openpyxl.styles import Alignment, Font, PatternFill, Protection  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    if department is None and isinstance(rows, Sheet):
        department = rows.department
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "実績入力"
    letter = {name: get_column_letter(index) for index, name in enumerate(COLUMNS, 1)}
    wrap = Alignment(wrap_text=True, vertical="top")
    shade = PatternFill("solid", start_color=READ_ONLY_FILL, end_color=READ_ONLY_FILL)
    ask = PatternFill("solid", start_color=ASK_FILL, end_color=ASK_FILL)
    for index, name in enumerate(COLUMNS, 1):
        sheet.column_dimensions[letter[name]].width = WIDTHS[name]
        cell = sheet.cell(row=1, column=index)
        _text(cell, name)
        cell.font, cell.alignment, cell.fill = Font(bold=True), wrap, shade
    sheet.row_dimensions[1].height = _height({name: name for name in COLUMNS})
    for line, row in enumerate(rows, 2):
        sheet.row_dimensions[line].height = _height(row.cells)
        for index, name in enumerate(COLUMNS, 1):
            cell = sheet.cell(row=line, column=index)
            _text(cell, row.cells[name])
            cell.alignment = wrap
            if name in TEXT_COLUMNS:
                cell.number_format = "@"  # text: 66% and 済 stay as typed, 1-1-2 is no date
            entry = name in ENTRY_COLUMNS or (name == PREVIOUS and row.asks_previous)
            cell.protection = Protection(locked=not entry)
            if name == PREVIOUS and row.asks_previous:
                cell.fill = ask
            elif not entry:
                cell.fill = shade
    _choices(sheet, rows, letter, directions)
    _ask_previous(sheet, rows, letter[PREVIOUS])
    sheet.freeze_panes = f"{get_column_letter(COLUMNS.index(FROZEN_AFTER) + 2)}2"
    _print_setup(sheet, title, department)
    # protected without a password: the ids, years and targets cannot be overtyped by mistake, and
    # columns and rows can still be widened to read a long text
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _height(cells: dict[str, str]) -> float:
    """A row's height in points, for its longest wrapped text: neither Excel nor LibreOffice fits the
    rows of a written workbook when it opens, so a long name would show its first line only."""
    lines = max(math.ceil(display_width(text) / (WIDTHS[name] - 1)) for name, text in cells.items()) if cells else 1
    return LINE_HEIGHT * max(lines, 1) + 3


def _text(cell: Cell | MergedCell, value: str) -> None:
    """A text cell whatever it starts with (openpyxl makes a str starting with = a formula); an empty one
    is left blank."""
    if value:
        cell.value = value
        cell.data_type = "s"


def _choices(sheet: Worksheet, rows: list[SheetRow], letter: dict[str, str], directions: tuple[str, ...]) -> None:
    """Strict drop-downs: 今後の方向性 on every row, the 実績 of rows judged by word (one rule per list).

    A list that cannot be typed into the rule (over 255 characters, a word with a comma or a quote) gets
    no drop-down; the loader still checks every word.
    """
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    if not rows:
        return
    last = len(rows) + 1
    lists: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    lists["今後の方向性", directions] = [f"{letter['今後の方向性']}2:{letter['今後の方向性']}{last}"]
    for line, row in enumerate(rows, 2):
        if row.choices:
            lists.setdefault(("実績", row.choices), []).append(f"{letter['実績']}{line}")
    for (what, words), cells in lists.items():
        listed = ",".join(words)
        if len(listed) > MOST_LIST or any("," in w or '"' in w for w in words):
            continue
        choice = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True)
        choice.errorStyle = "stop"
        choice.errorTitle = what
        choice.error = f"{what}は {'、'.join(words)} から選んでください"
        for place in cells:
            choice.add(place)
        sheet.add_data_validation(choice)


def _ask_previous(sheet: Worksheet, rows: list[SheetRow], column: str) -> None:
    """The message shown on a 前年度実績 cell to fill in, saying what to type and why."""
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    asked = [line for line, row in enumerate(rows, 2) if row.asks_previous]
    if not asked:
        return
    year = rows[0].cells["年度"]
    prompt = DataValidation(showInputMessage=True, allow_blank=True)
    prompt.promptTitle = "前年度実績"
    prompt.prompt = (
        f"{int(year) - 1}年度の実績を入力してください（前年比などの判定に使います）。"
        "実績と同じ書き方で（例: 1,200件、66%）"
        if year.isdigit()
        else "前年度の実績を入力してください（前年比などの判定に使います）"
    )
    for line in asked:
        prompt.add(f"{column}{line}")
    sheet.add_data_validation(prompt)


def _print_setup(sheet: Worksheet, title: str, department: str | None) -> None:
    """A4 landscape, one page wide and as many long as needed, the header row on every page, the
    sheet's title and 課 at the top and page numbers at the foot."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    setup = sheet.sheet_properties.pageSetUpPr
    assert setup is not None  # openpyxl makes one with every sheet
    setup.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    # & starts a code in a header (&P the page): a plan's own & is doubled
    header, footer = sheet.oddHeader, sheet.oddFooter
    assert header is not None and footer is not None  # openpyxl makes both with every sheet
    header.center.text = f"{title}（{department or '全課'}）".replace("&", "&&")
    footer.center.text = "&P / &N ページ"
