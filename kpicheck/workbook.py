"""Excel workbooks (.xlsx) read as rows of text, the way a CSV would give them.

openpyxl takes about 170 ms to import, so it is imported inside `read_rows`, and only commands that
meet a workbook pay for it; importing this module is free.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any


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

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors … for a broken file
        raise WorkbookError(f"Excel ブックとして読めません（{type(exc).__name__}）") from None
    try:
        # Only openpyxl's reading is guarded: an error in our own conversion (_text) is a bug, and
        # reaches the one boundary as KC399 rather than reading as a damaged file.
        for number, cells in _rows(book):
            if all(cell.value is None for cell in cells):
                yield number, []
                continue
            yield number, [_text(cell.value, getattr(cell, "number_format", "") or "") for cell in cells]
    finally:
        book.close()


def _rows(book: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The first worksheet's rows as openpyxl gives them; WorkbookError where it cannot read on."""
    number = 0
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):
            yield number, cells
    except Exception as exc:  # a damaged sheet: cut XML, a bad shared string, an entity bomb, a bad cell
        raise WorkbookError(
            f"{number + 1} 行目から先を Excel ブックとして読めません（{type(exc).__name__}）", number + 1
        ) from None


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
