"""Excel workbooks (.xlsx, .xlsm) read as rows of text, the way a CSV would give them.

openpyxl takes about 170 ms to import, so it is imported inside `read_rows`, and only commands that
meet a workbook pay for it; importing this module is free.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kpicheck.inputs import MAX_COLUMNS


class WorkbookError(ValueError):
    """A workbook that cannot be read, with the row where reading stopped when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls (and of a password-protected .xlsx)


def misnamed(data: bytes, workbook: bool) -> str | None:
    """What a file really is when its bytes contradict its name (an .xls renamed .xlsx), else None.

    Said before reading, so staff read "this is an old .xls" rather than "cannot read the workbook".
    """
    if data.startswith(OLE2):
        return "中身は古い Excel 形式（.xls）か、パスワード付きのブックです（名前だけ変えても読めません）"
    if not workbook or data.startswith(b"PK\x03\x04"):
        if data[30:38] == b"mimetype" and b"opendocument.spreadsheet" in data[38:120]:
            return "中身は LibreOffice/OpenOffice の形式（.ods）です（名前だけ変えても読めません）"
        return None
    try:
        data[:4096].decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            data[:4096].decode("cp932")
        except UnicodeDecodeError:
            return None  # neither a zip nor text: openpyxl's own error says it cannot be read (KC001)
    if not data.strip():
        return None
    return "中身は CSV などのテキストです（拡張子を .csv にするか、Excel ブックとして保存し直してください）"


def read_rows(
    data: bytes, is_header: Callable[[list[str]], bool] | None = None, notes: list[str] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """A worksheet's rows as (row number, cells as text), the way a CSV would give them.

    The sheet read is the first one, or with `is_header` the first visible sheet with cells; when that
    is not the first sheet, or a later sheet also has a header, why is appended to `notes` (KC119).
    Numbers keep their value (a 0.66 formatted as a percentage is "66%"), dates become
    YYYY-MM-DD, formulas give the value Excel last calculated (a never-calculated one is blank).
    The stored dimension is not trusted (a tool may write a stale one): every row is read.
    LimitError (KC006, KC007; an InputError) at once when the workbook is past a limit, before openpyxl
    parses any of it (workbook_limits.py); WorkbookError while iterating for anything openpyxl cannot
    read, never another exception.
    """
    from kpicheck.workbook_limits import check  # noqa: PLC0415 - zipfile and expat only when a workbook is read

    lasts = check(data)
    return _read(data, is_header, notes, lasts)


def _read(
    data: bytes, is_header: Callable[[list[str]], bool] | None, notes: list[str] | None, lasts: dict[str, int]
) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # noqa: PLC0415 - see the module docstring

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors … for a broken file
        if not data:
            raise WorkbookError("空のファイルです（Excel で開いて保存し直してください）") from None
        raise WorkbookError(f"Excel ブックとして読めません（{type(exc).__name__}）") from None
    try:
        sheet = _pick(book, is_header, notes, lasts) if is_header is not None else _first(book)
        # Only openpyxl's reading is guarded: an error in our own conversion (_text) is a bug, and
        # reaches the one boundary as KC399 rather than reading as a damaged file.
        for number, cells in _rows(sheet, lasts):
            if all(cell.value is None for cell in cells):
                yield number, []
                continue
            yield number, [_text(cell.value, getattr(cell, "number_format", "") or "") for cell in cells]
    finally:
        book.close()


def _first(book: Any) -> Any:
    return book.worksheets[0] if book.worksheets else None


def _pick(book: Any, is_header: Callable[[list[str]], bool], notes: list[str] | None, lasts: dict[str, int]) -> Any:
    """The first visible sheet with cells: hidden and empty sheets before it are passed over, said in
    `notes` (KC119). A visible sheet with cells is never passed over for a later one: a title row above
    the header there is KC101 from the caller, not a reason to read an example sheet instead. Later
    visible sheets whose first row is a header are not read either, and `notes` says so."""
    sheets = list(book.worksheets)
    chosen = None
    passed: list[str] = []  # why each sheet before the one read was passed over
    unread: list[str] = []  # later sheets that look like data, not read
    for sheet in sheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            if chosen is None:
                passed.append(f"「{sheet.title}」は非表示")
            continue
        first = _first_row(sheet, lasts)
        if chosen is None:
            if first is None:
                passed.append(f"「{sheet.title}」は空")
            else:
                chosen = sheet
        elif first is not None and is_header(first):
            unread.append(f"「{sheet.title}」")
    if notes is not None and chosen is not None and chosen is not sheets[0]:
        notes.append(f"1 枚目のシートではなくシート「{chosen.title}」を読みました（{'、'.join(passed)}）")
    if notes is not None and chosen is not None and unread:
        notes.append(
            f"シート{'・'.join(unread)}にも見出し行がありますが読みません（読むのは「{chosen.title}」だけです。"
            "別のシートの実績は別のブックに保存してください）"
        )
    return chosen


def _first_row(sheet: Any, lasts: dict[str, int]) -> list[str] | None:
    """The first row of a sheet that has a cell, as text (None for an empty sheet)."""
    for _, cells in _rows(sheet, lasts):
        row = [_text(cell.value, "") for cell in cells]
        if any(text.strip() for text in row):
            return row
    return None


def _rows(sheet: Any, lasts: dict[str, int]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """A worksheet's rows as openpyxl gives them, up to its last row with a cell in the columns read
    (workbook_limits.check: beyond it openpyxl would only fill empty rows up to a stray cell);
    WorkbookError where it cannot read on."""
    last = lasts.get(getattr(sheet, "_worksheet_path", ""), 0)
    number = 0
    try:
        if sheet is None:
            return
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):
            if number > last:
                return
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
