"""Excel workbooks (.xlsx): the entry sheet written, filled sheets read back as rows of text.

openpyxl takes about 170 ms to import, so it is imported here, inside the two functions, and only
commands that meet an .xlsx file pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from kpicheck.sheet import COLUMNS, READ_ONLY_COLUMNS

# Column widths in Excel's units (about one half-width character each; a kanji is two).
WIDTHS = {"指標": 10, "項目": 18, "年度": 8, "実績": 14, "基準日": 12, "備考": 30,
          "指標名": 40, "目標": 34, "担当": 24, "前年度実績": 14}  # fmt: skip
READ_ONLY_FILL = "EEEEEE"


def sheet_xlsx(rows: list[dict[str, str]], title: str) -> bytes:
    """The entry sheet as a workbook: header frozen, widths set, read-only columns shaded, 実績 as text."""
    from openpyxl import Workbook  # noqa: PLC0415 - see the module docstring
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

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
    sheet.freeze_panes = "A2"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows as (row number, cells as text), the way a CSV would give them.

    Numbers keep their value (a 0.66 formatted as a percentage is "66%"), dates become
    YYYY-MM-DD, formulas give the value Excel last calculated (a never-calculated one is blank).
    ValueError if the bytes are not a workbook.
    """
    from openpyxl import load_workbook  # noqa: PLC0415 - see the module docstring

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors … for a broken file
        raise ValueError(f"読める Excel ブックではありません（{type(exc).__name__}）") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        for number, cells in enumerate(sheet.iter_rows(), 1):
            yield number, [_text(cell.value, getattr(cell, "number_format", "") or "") for cell in cells]
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
