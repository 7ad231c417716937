"""A workbook's limits, checked before openpyxl parses any of it (issue 22: workbooks that expand).

An .xlsx is a zip of XML parts. The file cap (KPICHECK_MAX_FILE_MB) bounds the zip, not what it
unpacks to; openpyxl holds some parts whole (shared strings, styles), and in read-only mode yields an
empty row for every row number missing between two rows, so 2 KB with one cell at row 99,999,999,999
never finishes. Here the zip's directory and one streaming pass of expat over every part check:

- unpacked: each part's declared size, and their total, at most the file cap; a part of over 1 MB at
  most 100 times its compressed size (sheets compress 5 to 20 times; a bomb hundreds of times).
  zipfile never lets out more than the declared size (a part longer than it fails its CRC check), so
  a zip cannot lie its way past;
- rows: no cell with a value (<v>, <f>, an inline string; a cell with only a format counts for
  nothing) in the columns read (the first 64) in a row numbered past the row cap (KPICHECK_MAX_ROWS),
  no row with more cells than Excel's 16,384 columns, no `<dimension ref>` outside Excel's grid;
  reading stops at the last row with a value in the columns read. Every sheet is checked, also one
  that is not read (which one is, workbook.py decides from the cells' text), and the refusal names it;
- elements: at most 64 XML elements per row of the row cap, and 100,000 more for styles and theme, in
  all parts together (6,500,000 by default: a filled 13-column entry sheet takes about 40 a row);
- shared strings: at most 2 per row of the row cap and at least 200,000, with 100 characters each on
  average (20,000,000 at the default cap). A city's sheet has hundreds, one text column unique in every
  row of the cap takes half; openpyxl holds them all as Python strings, and 2.6 million random ones
  took 28 s and 450 MB. A table that declares more (uniqueCount) is refused unread.

The pass adds 0.8 to 1.6 s to the 5.2 s of reading a 20,000-row, 13-column workbook (15-31%).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.parsers import expat

from kpicheck.inputs import MAX_COLUMNS, MAX_FILE_ENV, MAX_ROWS_ENV, InputError, max_bytes, max_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _DIMENSION, _STRINGS, _STRING = (f"{MAIN} {name}" for name in ("row", "c", "dimension", "sst", "si"))
_VALUES = {f"{MAIN} {name}" for name in ("v", "f")}  # a cell's children that give it a value
_INLINE = f"{MAIN} is"  # an inline string, a value in a cell of t="inlineStr"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships Relationship"
_SHEET = f"{MAIN} sheet"
_SHEET_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
MAX_RATIO = 100  # unpacked ÷ compressed, for a part of over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
ELEMENTS_PER_ROW = 64
ELEMENTS_BESIDE = 100_000  # styles, theme and the workbook: a few thousand in a workbook Excel saves
STRINGS_PER_ROW = 2  # shared strings per row of the row cap, and at least STRINGS_LEAST
STRINGS_LEAST = 200_000
CHARACTERS_PER_STRING = 100  # characters in all shared strings, per string of their cap
NAMES_AT_MOST = 4 * 1024 * 1024  # workbook.xml and its rels read for sheet names, when no longer
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
            try:
                scan.read(archive, part)
            except LimitError as error:
                if error.code != "KC007":
                    raise
                raise _in_sheet(error, _sheet_names(archive).get(part.filename, part.filename)) from None
        return scan.lasts


def _in_sheet(error: LimitError, sheet: str) -> LimitError:
    """The refusal named by its sheet: every sheet is checked, also one that is not read (only
    workbook.py knows which is: the first visible one with cells, by their text), so the one to clear
    may be another than the sheet staff fill in."""
    return LimitError("KC007", f"シート「{sheet}」で、{error}。読まないシートも確かめます", error.line)


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from xl/workbook.xml and xl/_rels/workbook.xml.rels; nothing when
    they are missing, broken or larger than NAMES_AT_MOST (the refusal then names the part)."""
    sheets: dict[str, str] = {}  # relationship id -> name
    targets: dict[str, str] = {}  # relationship id -> part

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == _SHEET:
            sheets[attrs.get(_SHEET_ID, "")] = attrs.get("name", "")
        elif name == _REL:
            target = attrs.get("Target", "")
            targets[attrs.get("Id", "")] = target[1:] if target.startswith("/") else posixpath.join("xl", target)

    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        try:
            if archive.getinfo(part).file_size > NAMES_AT_MOST:
                return {}
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartElementHandler = start
            parser.Parse(archive.read(part), True)
        except Exception:  # missing, broken: see the docstring
            return {}
    return {posixpath.normpath(targets[rid]): name for rid, name in sheets.items() if rid in targets}


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
        self.lasts: dict[str, int] = {}  # part -> its last row with a value in the columns read
        self.open_cell: str | None = None  # the t= of the cell being read until a value is seen in it
        self.strings, self.characters = 0, 0  # shared strings and their characters so far

    def read(self, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
        """Scan one part; one that is not XML (an image, vbaProject.bin) or is broken ends its scan
        quietly: openpyxl says so if it reads that part (KC001)."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self._start
        parser.buffer_text = True
        self.parser, self.row, self.last, self.open_cell = parser, 0, 0, None
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
        # A cell is open until its first child: no end handler (it cost 20% of the pass). A <v> after an
        # empty <c/> would count for it, which only makes the check stricter, and is no SpreadsheetML.
        cell, self.open_cell = self.open_cell, None
        if cell is not None and (name in _VALUES or (name == _INLINE and cell == "inlineStr")):
            self._value()
        elif name == _ROW:
            self._next_row(attrs.get("r"))
        elif name == _CELL:
            self._cell(attrs.get("r"))
            self.open_cell = attrs.get("t", "n")
        elif name == _STRING:
            self.strings += 1
            if self.strings > self._strings():
                raise LimitError("KC006", f"共有文字列が {self._strings():,} 個を超えています（{_strings_hint()}）")
        elif name == _DIMENSION:
            _dimension(attrs.get("ref", ""))
        elif name == _STRINGS:
            declared = _number(attrs.get("uniqueCount", "")) or 0
            if declared > self._strings():
                raise LimitError(
                    "KC006",
                    f"共有文字列が {declared:,} 個あると宣言されています"
                    f"（上限 {self._strings():,} 個。{_strings_hint()}）",
                )
            self.parser.CharacterDataHandler = self._text

    def _text(self, data: str) -> None:
        """Characters of the shared strings (and the few between their elements)."""
        self.characters += len(data)
        if self.characters > self._strings() * CHARACTERS_PER_STRING:
            limit = self._strings() * CHARACTERS_PER_STRING
            raise LimitError("KC006", f"共有文字列が合わせて {limit:,} 文字を超えています（{_strings_hint()}）")

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

    def _value(self) -> None:
        """A cell with a value (<v>, <f>, an inline string): a cell with only a format counts for
        nothing, so a used range that runs to row 1,048,576 is neither refused nor read."""
        if self.column > MAX_COLUMNS:
            return  # never read: a Ctrl+End slip that left a value in XFD1048576 costs nothing
        if self.row > self.rows:
            message = f"{self.row:,} 行目にセルがあります。読む行は {self.rows:,} 行目までです"
            raise LimitError("KC007", f"{message}（{MAX_ROWS_ENV} で変更できます）", self.row)
        self.last = max(self.last, self.row)

    def _elements(self) -> int:
        return self.rows * ELEMENTS_PER_ROW + ELEMENTS_BESIDE

    def _strings(self) -> int:
        return max(self.rows * STRINGS_PER_ROW, STRINGS_LEAST)


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


def _strings_hint() -> str:
    return (
        f"行の上限の {STRINGS_PER_ROW} 倍、少なくとも {STRINGS_LEAST:,} 個、1 個あたり {CHARACTERS_PER_STRING} 文字。"
        f"{MAX_ROWS_ENV} で変更できます"
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB" if size >= 1024 * 1024 else f"{size:,} バイト"
