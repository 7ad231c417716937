"""Excel workbooks (.xlsx): the entry sheet written, filled sheets read back as rows of text.

openpyxl takes about 170 ms to import, so it is imported here, inside the two functions, and only
commands that meet an .xlsx file pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from kpicheck.models import DIRECTIONS
from kpicheck.sheet import COLUMNS, READ_ONLY_COLUMNS

# Column widths in Excel's units (about one half-width character each; a kanji is two).
WIDTHS = {"指標": 10, "項目": 18, "年度": 8, "実績": 14, "基準日": 12, "備考": 30, "要因分析": 40, "課題": 30,
          "今後の方向性": 14, "指標名": 40, "目標": 34, "担当": 24, "前年度実績": 14}  # fmt: skip
READ_ONLY_FILL = "EEEEEE"


def sheet_xlsx(rows: list[dict[str, str]], title: str, directions: tuple[str, ...] = DIRECTIONS) -> bytes:
    """The entry sheet as a workbook: header frozen, widths set, read-only columns shaded, 実績 as text,
    今後の方向性 a drop-down of the plan's directions."""
    from openpyxl import Workbook  # noqa: PLC0415 - see the module docstring
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "実績入力"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    shade = PatternFill("solid", start_color=READ_ONLY_FILL, end_color=READ_ONLY_FILL)
    for index, name in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[name]
        sheet.cell(row=1, column=index).font = Font(bold=True)
        for line in range(1, len(rows) + 2):
            cell = sheet.cell(row=line, column=index)
            if name in READ_ONLY_COLUMNS:
                cell.fill = shade
            if name in {"実績", "指標", "年度", "項目"}:
                cell.number_format = "@"  # text: 66% and 済 stay as typed, 1-1-2 is no date
    # a list typed into the rule itself: 255 characters at most (Excel's limit), words without commas;
    # a longer list gets no drop-down (the loader still checks every word)
    listed = ",".join(directions)
    if rows and len(listed) <= 255 and all("," not in d for d in directions):
        column = get_column_letter(COLUMNS.index("今後の方向性") + 1)
        choice = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        choice.error = f"今後の方向性は {'、'.join(directions)} から選んでください"
        choice.errorTitle = "今後の方向性"
        choice.add(f"{column}2:{column}{len(rows) + 1}")
        sheet.add_data_validation(choice)
    sheet.freeze_panes = "A2"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class WorkbookError(ValueError):
    """A workbook that cannot be read, with the row where reading stopped when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


# Columns read per row: far more than an entry sheet has, and a stray cell in column XFD (16,384)
# does not make every row 16,384 cells long.
MAX_COLUMNS = 64


def read_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows as (row number, cells as text), the way a CSV would give them.

    Numbers keep their value (a 0.66 formatted as a percentage is "66%"), dates become
    YYYY-MM-DD, formulas give the value Excel last calculated (a never-calculated one is blank).
    The stored dimension is not trusted (a tool may write a stale one): every row is read.
    WorkbookError for anything openpyxl cannot read, never another exception.
    """
    from openpyxl import load_workbook  # noqa: PLC0415 - see the module docstring

    number = 0
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors … for a broken file
        raise WorkbookError(f"Excel ブックとして読めません（{type(exc).__name__}）") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):
            if all(cell.value is None for cell in cells):
                yield number, []
                continue
            yield number, [_text(cell.value, getattr(cell, "number_format", "") or "") for cell in cells]
    except WorkbookError:
        raise
    except Exception as exc:  # a damaged sheet: cut XML, a bad shared string, an entity bomb, a bad cell
        raise WorkbookError(
            f"{number + 1} 行目から先を Excel ブックとして読めません（{type(exc).__name__}）", number + 1
        ) from None
    finally:
        book.close()


def _text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else "×"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if "%" in number_format:
            number *= 100
            return _plain(number) + "%"
        return _plain(number)
    return str(value)


def _plain(number: Decimal) -> str:
    text = f"{number.quantize(Decimal('0.000001')).normalize():f}" if number != number.to_integral_value() else ""
    return text or f"{number.to_integral_value():f}"
