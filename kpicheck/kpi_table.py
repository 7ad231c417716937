"""A plan's KPI table file (.csv, .tsv/.txt, .xlsx) -> its rows, and what each column holds by its header.

The header is the first row, or the first two where the second only finishes the first's headings
(`目標値` above `(令和7年度)`). Year columns are read in every printed form (2026, R8年度末, 目標値2030年度,
目標値（令和7年度）) and may skip years (a table printing 2028 and 2030 only).

A table no draft can come from is refused here (KpicheckError, exit 2): a file kpicheck cannot read,
garbling left by PDF text extraction, no 指標 column, no or duplicated year columns.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from kpicheck.cells import MAX_CELL_CHARS
from kpicheck.decoding import DecodeError, decode
from kpicheck.errors import KpicheckError, Problem, Severity, column_letters, usage_error
from kpicheck.inputs import InputError, read_input
from kpicheck.periods import clean, normalize, parse_year
from kpicheck.workbook import WorkbookError, read_rows
from kpicheck.workbook_limits import LimitError

# Table files by suffix -> the delimiter ("" for a workbook).
TABLE_SUFFIXES: dict[str, str] = {".csv": ",", ".tsv": "\t", ".txt": "\t", ".xlsx": ""}
# Files a city may have instead, and what to do with them.
OTHER_SUFFIXES: dict[str, str] = {
    ".xls": "古い Excel 形式（.xls）は読めません。Excel で .xlsx として保存し直してください",
    ".pdf": "PDF は読めません。計画の KPI 表を Excel に貼り付けて .xlsx か .csv で保存してください",
    ".docx": "Word の表は読めません。表を Excel に貼り付けて .xlsx か .csv で保存してください",
    ".doc": "Word の表は読めません。表を Excel に貼り付けて .xlsx か .csv で保存してください",
}

# A header (NFKC, spaces removed, lower case) -> what its column holds. Any column whose header is a
# fiscal year (2026, 2026年度, FY2026, R8, 令和8年度) holds that year's target cells.
HEADER_ROLES: dict[str, str] = {
    "指標": "name", "指標名": "name", "目標指標": "name", "成果指標": "name", "kpi": "name",
    "id": "id", "no": "id", "no.": "id", "番号": "id", "項番": "id", "指標id": "id", "指標番号": "id",
    "分野": "area", "基本目標": "area", "重点戦略": "area", "基本方針": "area", "施策分野": "area",
    "重点分野": "area", "重点取組": "area", "政策分野": "area",
    "取組": "initiative", "取り組み": "initiative", "取組み": "initiative", "取組名": "initiative",
    "施策": "initiative", "施策名": "initiative", "主な取組": "initiative", "事業": "initiative",
    "事業名": "initiative",
    "担当": "departments", "担当課": "departments", "担当部署": "departments", "所管課": "departments",
    "基準値": "baseline", "現状値": "baseline",
    "基準年度": "baseline_year", "基準値の年度": "baseline_year", "現状値の年度": "baseline_year",
    "単位": "unit",
}  # fmt: skip
ROLE_NAMES: dict[str, str] = {
    "name": "指標", "id": "ID", "area": "分野", "initiative": "取組", "departments": "担当",
    "baseline": "基準値/現状値", "baseline_year": "基準年度", "unit": "単位",
}  # fmt: skip
# 現状値（R4）, 基準値(令和4年度): the baseline column with the year it was measured.
_BASELINE_HEADER = re.compile(r"^(?:基準値|現状値)\((?P<year>[^()]+)\)$")
# 令和8年度(2026年度): a year header with the same year again in brackets.
_TWO_YEARS = re.compile(r"^(?P<first>[^()]+?)\s*\((?P<second>[^()]+)\)$")
# Words printed around a target column's year (NFKC, spaces removed): 目標値2030年度, 目標値(令和7年度),
# R8年度末, 2030年度目標, 最終目標(R12). What is left is read as a year header.
_YEAR_WORDS = re.compile(
    r"^(?:(?:中間|最終)?(?:目標値?|計画値|数値目標))?\(?(?P<year>[^()]+?(?:\([^()]+\))?)\)?"
    r"末?(?:時点)?(?:の?(?:中間|最終)?目標値?)?$"
)
# Headings a second header row may hold besides years: the first row's words, or these.
_HEADER_PIECES = frozenset({"目標値", "目標", "計画値", "数値目標", "中間目標", "最終目標", "実績値", "年度"})
# Garbling left by PDF text extraction: (cid:1234), U+FFFD, or a run of ? where the text was.
_CID = re.compile(r"\(cid:\d+\)")
_QUESTIONS = re.compile(r"[?\s\d.,%()/・、\-]*")
GARBLED_LISTED = 20
LONGEST_PLAN = 30  # years, as the loader allows


@dataclass(frozen=True)
class Column:
    """A column of the table and what kpicheck reads from it."""

    number: int  # from 1, as problems name it
    header: str  # as printed
    role: str  # a HEADER_ROLES value, "year", or "other" (not read)
    year: int | None = None
    baseline_year: str = ""  # printed in the header: 現状値（R4）


@dataclass(frozen=True)
class Table:
    """A KPI table as read: its header row's line, what each column holds, the rows below padded to its width."""

    header_line: int
    columns: tuple[Column, ...]
    body: tuple[tuple[int, list[str]], ...]
    workbook: bool = False  # an .xlsx: a cell is named as Excel names it (D8)

    @property
    def years(self) -> tuple[int, ...]:
        """The fiscal years the table prints a column for, in order."""
        return tuple(sorted(c.year for c in self.columns if c.year is not None))


def cell_name(line: int | None, column: int | None, workbook: bool) -> str:
    """A cell as the person reading the table finds it: `セル D8` in a workbook, `8 行 4 列` otherwise."""
    if line is None:
        return ""
    if column is None:
        return f"{line} 行目"
    return f"セル {column_letters(column)}{line}" if workbook else f"{line} 行 {column} 列"


def read_kpi_table(path: Path, shown: str) -> Table:
    """The table in `path` with its columns recognised; KpicheckError when no draft can come from it."""
    rows = read_table(path, shown)
    _refuse_long(rows, shown)  # first: the checks below run patterns over every cell
    _refuse_garbled(rows, shown)
    content = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not content:
        raise KpicheckError(Problem(shown, 1, None, "KC404", "空の表です（見出し行と指標の行が必要です）"))
    width = max(len(cells) for _, cells in content)
    content = [(line, cells + [""] * (width - len(cells))) for line, cells in content]
    header_line, header = content[0]
    rest = content[1:]
    two_rows = bool(rest) and _finishes(header, rest[0][1])
    if two_rows:
        header = [" ".join(part for part in (a, b) if part.strip()) for a, b in zip(header, rest[0][1], strict=True)]
        rest = rest[1:]
    columns = _columns(header, header_line, shown)
    workbook = path.suffix.lower() == ".xlsx"
    return Table(header_line, tuple(columns), tuple(rest), workbook)


def _finishes(first: list[str], second: list[str]) -> bool:
    """Whether `second` is a second header row: only headings (years, 目標値 …), nothing under the 指標
    heading, and more year columns read from both rows than from the first alone."""
    pieces = [one_line(cell) for cell in second if cell.strip()]
    if not pieces or not all(_heading(piece) for piece in pieces):
        return False
    names = [i for i, text in enumerate(first) if HEADER_ROLES.get(_header_key(one_line(text))) == "name"]
    if any(second[i].strip() for i in names):
        return False
    joined = [f"{a} {b}" for a, b in zip(first, second, strict=True)]
    return sum(header_year(t) is not None for t in joined) > sum(header_year(t) is not None for t in first)


def _heading(text: str) -> bool:
    key = _header_key(text)
    return header_year(text) is not None or key in HEADER_ROLES or key in _HEADER_PIECES


def read_table(path: Path, shown: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) of a .csv (UTF-8, BOM or CP932), .tsv/.txt (tab-separated) or .xlsx table."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        hint = OTHER_SUFFIXES.get(suffix, "表は .csv、.tsv、.txt（タブ区切り）、.xlsx のどれかで保存してください")
        raise usage_error("KC304", hint, shown)
    try:
        data = read_input(path)
    except InputError as exc:
        raise KpicheckError(Problem(shown, None, None, exc.code, str(exc))) from None
    if suffix == ".xlsx":
        try:
            return list(read_rows(data))
        except LimitError as exc:  # past a workbook's limits, checked before openpyxl reads it
            raise KpicheckError(Problem(shown, exc.line, None, exc.code, str(exc))) from None
        except WorkbookError as exc:  # with the row where reading stopped
            raise KpicheckError(Problem(shown, exc.line, None, "KC001", str(exc))) from None
    try:
        text = decode(data)
    except DecodeError as exc:
        raise KpicheckError(Problem(shown, exc.line, exc.column, "KC001", str(exc))) from None
    return _delimited(text, shown, TABLE_SUFFIXES[suffix])


def _delimited(text: str, shown: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:  # a stray quote, a field over the size limit
            raise KpicheckError(Problem(shown, line, None, "KC113", f"この行を表として読めません: {exc}")) from None
        rows.append((line, row))
        line = reader.line_num + 1


def garbled(text: str) -> str | None:
    """What in `text` is garbling left by PDF extraction, or None."""
    cid = _CID.search(text)
    if cid:
        return f"「{cid[0]}」"
    if "\ufffd" in text or any("\ud800" <= ch <= "\udfff" for ch in text):
        return "置換文字（U+FFFD）"
    plain = normalize(text)
    if plain.count("?") >= 2 and _QUESTIONS.fullmatch(plain):
        return "「?」だけのセル"
    return None


def _refuse_long(rows: list[tuple[int, list[str]]], shown: str) -> None:
    """KpicheckError (KC411) listing the cells longer than a target cell may be (cells.MAX_CELL_CHARS): a
    page pasted into one cell is no KPI table, and no cell of one is read past that length."""
    found = [
        (line, index + 1, len(text))
        for line, cells in rows
        for index, text in enumerate(cells)
        if len(text) > MAX_CELL_CHARS
    ]
    if not found:
        return
    problems = [
        Problem(
            shown,
            line,
            column,
            "KC411",
            f"セルが {size:,} 文字あります: 表のセルは {MAX_CELL_CHARS:,} 文字までです"
            "（計画の表のセルを 1 つずつ写してください）",
        )
        for line, column, size in found[:GARBLED_LISTED]
    ]
    if len(found) > GARBLED_LISTED:
        problems.append(Problem(shown, None, None, "KC411", f"ほかに {len(found) - GARBLED_LISTED} セルが長すぎます"))
    raise KpicheckError(problems)


def _refuse_garbled(rows: list[tuple[int, list[str]]], shown: str) -> None:
    """KpicheckError listing the garbled cells: a (cid:1234), a U+FFFD, a column of ?."""
    found: list[tuple[int, int, str]] = []
    width = max((len(cells) for _, cells in rows), default=0)
    content = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    for index in range(width):
        column = [(line, cells[index]) for line, cells in content if index < len(cells) and cells[index].strip()]
        below = column[1:] if column and column[0][0] == content[0][0] else column  # under the header
        questions = len(below) >= 2 and all("?" in normalize(text) for _, text in below)
        for line, text in column:
            reason = garbled(text) or ("「?」の列" if questions and (line, text) in below else None)
            if reason:
                found.append((line, index + 1, reason))
    if not found:
        return
    found.sort()
    advice = (
        "PDF から取り出したときの文字化けです。表は計画の Word/Excel の元ファイルから、または OCR で取り出してください"
    )
    problems = [Problem(shown, line, column, "KC405", f"{reason}: {advice}") for line, column, reason in found]
    if len(problems) > GARBLED_LISTED:
        more = len(problems) - GARBLED_LISTED
        problems = [
            *problems[:GARBLED_LISTED],
            Problem(shown, None, None, "KC405", f"ほかに {more} セルが文字化けしています"),
        ]
    raise KpicheckError(problems)


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text)).lower()


def header_year(text: str) -> int | None:
    """The fiscal year a header names, or None: 2026, 2026年度, FY2026, R8, 令和8年度, 令和8年度(2026),
    and the same with the words tables print around it: R8年度末, 目標値2030年度, 目標値（令和7年度）."""
    plain = one_line(text)
    found = _plain_year(plain)
    if found is not None:
        return found
    words = _YEAR_WORDS.match(re.sub(r"\s+", "", normalize(plain)))
    if words and words["year"] != re.sub(r"\s+", "", normalize(plain)):
        return _plain_year(words["year"])
    return None


def _plain_year(text: str) -> int | None:
    """A year header without words around it: 2026, R8, 令和8年度, 令和8年度(2026年度)."""
    try:
        return parse_year(text)
    except ValueError:
        pass
    both = _TWO_YEARS.match(normalize(text))
    if both:
        try:
            first, second = parse_year(both["first"]), parse_year(both["second"])
        except ValueError:
            return None
        return first if first == second else None
    return None


def _columns(header: list[str], line: int, shown: str) -> list[Column]:
    """What each column holds; KpicheckError for a missing 指標, no years, a gap, or a column twice."""
    columns: list[Column] = []
    problems: list[Problem] = []
    seen: dict[object, int] = {}
    for number, text in enumerate(header, 1):
        key = _header_key(one_line(text))
        year = header_year(text)
        baseline = _BASELINE_HEADER.match(re.sub(r"\s+", "", normalize(one_line(text))))
        if year is not None:
            column = Column(number, one_line(text), "year", year=year)
        elif baseline:
            column = Column(number, one_line(text), "baseline", baseline_year=baseline["year"])
        else:
            column = Column(number, one_line(text), HEADER_ROLES.get(key, "other"))
        what: object = column.year if column.role == "year" else column.role
        if column.role != "other" and what in seen:
            name = f"{column.year}年度" if column.role == "year" else ROLE_NAMES[column.role]
            problems.append(
                Problem(
                    shown, line, number, "KC403", f"{name} の列が 2 つあります（{seen[what]} 列目と {number} 列目）"
                )
            )
        seen.setdefault(what, number)
        columns.append(column)
    if not any(c.role == "name" for c in columns):
        problems.append(
            Problem(
                shown,
                line,
                1,
                "KC401",
                "見出し行に 指標 の列がありません（表の最初の空でない行が見出し行です。"
                f"読んだ見出し: {'、'.join(c.header for c in columns if c.header) or 'なし'}）",
            )
        )
    years = sorted(c.year for c in columns if c.year is not None)
    if not years:
        problems.append(
            Problem(
                shown,
                line,
                None,
                "KC402",
                "年度の列がありません。目標の列の見出しを 2026、2026年度、R8年度末、目標値（令和8年度）"
                "のように年度が読める形に書いてください",
            )
        )
    elif years[-1] - years[0] > LONGEST_PLAN:
        problems.append(
            Problem(
                shown,
                line,
                None,
                "KC402",
                f"年度の列が {years[0]}～{years[-1]} で、{LONGEST_PLAN} 年を超えています。"
                "年度でない列（目標値の列の見出しの誤り？）を確かめてください",
            )
        )
    if problems:
        raise KpicheckError(sorted(problems, key=lambda p: (p.column or 0, p.code)))
    return columns


def one_line(text: str) -> str:
    """A cell on one line: control characters removed, each line break one space (PDF or Excel wrapping)."""
    return " ".join(part.strip() for part in clean(text).split("\n") if part.strip())


def unread_columns(table: Table, shown: str) -> list[Problem]:
    """A warning per column kpicheck does not read (its cells are kept as comments in the draft)."""
    problems = []
    for column in table.columns:
        filled = sum(1 for _, cells in table.body if cells[column.number - 1].strip())
        if column.role == "other" and filled:
            name = f"列「{column.header}」" if column.header else "見出しのない列"
            problems.append(
                Problem(
                    shown,
                    table.header_line,
                    column.number,
                    "KC406",
                    f"{name}は kpicheck の読む列ではありません（{filled} セル。下書きには注記として残しました）",
                    Severity.WARNING,
                )
            )
    return problems
