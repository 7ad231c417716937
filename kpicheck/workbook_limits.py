"""A workbook's limits, checked before openpyxl parses any of it (issue 22: workbooks that expand).

An .xlsx is a zip of XML parts. The file cap (KPICHECK_MAX_FILE_MB) bounds the zip, not what it
unpacks to; openpyxl holds some parts whole (shared strings, styles), and in read-only mode yields an
empty row for every row number missing between two rows, so 2 KB with one cell at row 99,999,999,999
never finishes. Here the zip's directory and one streaming pass of expat over every part check:

- unpacked: each part's declared size, and their total, at most the file cap; a part of over 1 MB at
  most 100 times its compressed size (sheets compress 5 to 20 times; a bomb hundreds of times).
  zipfile never lets out more than the declared size (a part longer than it fails its CRC check), so
  a zip cannot lie its way past;
- rows: no cell in the columns read (the first 64) in a row numbered past the row cap
  (KPICHECK_MAX_ROWS), no row with more cells than Excel's 16,384 columns, no `<dimension ref>`
  outside Excel's grid; reading stops at the last row with a cell in the columns read;
- elements: at most 64 XML elements per row of the row cap, and 100,000 more for styles and theme, in
  all parts together (6,500,000 by default: a filled 13-column entry sheet takes about 40 a row), and
  a shared string table that declares more strings than that (uniqueCount) is refused unread.

The pass adds 0.8 to 1.6 s to the 5.2 s of reading a 20,000-row, 13-column workbook (15-31%).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.parsers import expat

from kpicheck.inputs import MAX_COLUMNS, MAX_FILE_ENV, MAX_ROWS_ENV, InputError, max_bytes, max_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _DIMENSION, _STRINGS = (f"{MAIN} {name}" for name in ("row", "c", "dimension", "sst"))
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
MAX_RATIO = 100  # unpacked ÷ compressed, for a part of over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
ELEMENTS_PER_ROW = 64
ELEMENTS_BESIDE = 100_000  # styles, theme and the workbook: a few thousand in a workbook Excel saves
_CHUNK = 64 * 1024
_LETTERS = re.compile(r"\$?([A-Za-z]*)")
_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")


class LimitError(InputError):
    """A workbook past a limit: `code` KC006 (it expands) or KC007 (its rows), `line` the row when known."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(code, message)
        self.line = line


def check(data: bytes) -> dict[str, int]:
    """Each part's last row with a cell in the columns kpicheck reads (reading stops there, so openpyxl
    never fills the rows up to a stray cell beyond them); LimitError when the workbook in `data` is past
    a limit. Nothing for a zip that cannot be read, whose error openpyxl's reading gives (KC001)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile, struct and value errors of a cut or forged directory
        return {}
    with archive:
        parts = archive.infolist()
        _sizes(parts)
        scan = _Scan(max_rows())
        for part in parts:
            scan.read(archive, part)
        return scan.lasts


def _sizes(parts: list[zipfile.ZipInfo]) -> None:
    limit = max_bytes()
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > limit or total > limit:
            raise LimitError(
                "KC006",
                f"展開すると {_mb(total)} 以上になり、上限 {_mb(limit)} を超えます（「{part.filename}」まで。"
                f"上限は {MAX_FILE_ENV} で変更できます）",
            )
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise LimitError(
                "KC006",
                f"「{part.filename}」は {part.compress_size:,} バイトから {part.file_size:,} バイトに展開されます"
                f"（{ratio:,} 倍。Excel の保存したブックは {MAX_RATIO} 倍を超えません）",
            )


class _Scan:
    """One streaming pass over the parts: rows as openpyxl numbers them, cells per row, elements."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.elements_left = self._elements()
        self.row = 0  # openpyxl's row counter: a row's r, else the row before plus one
        self.cells = 0  # cells of the current row
        self.column = 0  # openpyxl's column counter: a cell's r, else the cell before plus one
        self.lasts: dict[str, int] = {}  # part -> its last row with a cell in the columns read

    def read(self, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
        """Scan one part; one that is not XML (an image, vbaProject.bin) or is broken ends its scan
        quietly: openpyxl says so if it reads that part (KC001)."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self._start
        self.row, self.last = 0, 0
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except LimitError:
            raise
        except Exception:  # expat, zlib, CRC and unsupported-method errors: see the docstring
            pass
        finally:
            self.lasts[part.filename] = self.last

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements_left -= 1
        if self.elements_left < 0:
            raise LimitError("KC006", f"XML の要素が {self._elements():,} 個を超えています（{_rows_hint(self.rows)}）")
        if name == _ROW:
            self._next_row(attrs.get("r"))
        elif name == _CELL:
            self._cell(attrs.get("r"))
        elif name == _DIMENSION:
            _dimension(attrs.get("ref", ""))
        elif name == _STRINGS:
            declared = _number(attrs.get("uniqueCount", "")) or 0
            if declared > self._elements():
                raise LimitError(
                    "KC006",
                    f"共有文字列が {declared:,} 個あると宣言されています（上限 {self._elements():,} 個。"
                    f"{_rows_hint(self.rows)}）",
                )

    def _next_row(self, r: str | None) -> None:
        number = _number(r) if r is not None else self.row + 1
        if number is None:
            return  # openpyxl refuses a row number that is not one (KC001)
        self.row, self.cells, self.column = number, 0, 0

    def _cell(self, r: str | None) -> None:
        self.cells += 1
        if self.cells > EXCEL_COLUMNS:
            raise LimitError(
                "KC007", f"{self.row:,} 行目のセルが Excel の列数 {EXCEL_COLUMNS:,} を超えています", self.row
            )
        letters = _LETTERS.match(r or "")
        self.column = _column(letters[1]) if letters and letters[1] else self.column + 1
        if self.column > MAX_COLUMNS:
            return  # never read: a Ctrl+End slip that left a value in XFD1048576 costs nothing
        if self.row > self.rows:
            message = f"{self.row:,} 行目にセルがあります。読む行は {self.rows:,} 行目までです"
            raise LimitError("KC007", f"{message}（{MAX_ROWS_ENV} で変更できます）", self.row)
        self.last = max(self.last, self.row)

    def _elements(self) -> int:
        return self.rows * ELEMENTS_PER_ROW + ELEMENTS_BESIDE


def _number(text: str) -> int | None:
    """A row number as openpyxl reads it (int, else a float that is whole, as 1e11), else None."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def _dimension(ref: str) -> None:
    """A used range outside Excel's grid (past row 1,048,576 or column XFD) is no sheet Excel wrote.

    A range that is not one (a tool's stale or odd text) is passed over: read_rows never trusts it."""
    for corner in ref.split(":", 2)[:2]:
        match = _REF.fullmatch(corner.strip())
        if match is None:
            continue
        letters, digits = match.groups()
        column = _column(letters)
        if len(letters) > 3 or len(digits) > 7 or column > EXCEL_COLUMNS or int(digits) > EXCEL_ROWS:
            raise LimitError(
                "KC007", f"シートの範囲「{ref[:40]}」が Excel のシートの範囲（A1:XFD{EXCEL_ROWS:,}）を超えています"
            )


def _column(letters: str) -> int:
    """A column's number from its letters (A 1, XFD 16,384); past 4 letters only the first 4 count."""
    column = 0
    for letter in letters[:4].upper():
        column = column * 26 + ord(letter) - 64
    return column


def _rows_hint(rows: int) -> str:
    return f"行の上限 {rows:,} 行の {ELEMENTS_PER_ROW} 倍と {ELEMENTS_BESIDE:,} 個。{MAX_ROWS_ENV} で変更できます"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB" if size >= 1024 * 1024 else f"{size:,} バイト"
