"""The yearly cycle in Excel: `kpicheck sheet`, half filled as staff would, saved into actuals/, read back."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import REPO, run
from kpicheck.errors import column_letters
from kpicheck.sheet_columns import COLUMNS

AS_OF = "2027-12-31"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data root with the shipped targets and no actuals yet."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "targets", data / "targets")
    (data / "actuals" / "abashiri").mkdir(parents=True)
    return data


def statuses(root: Path) -> dict[str, str]:
    code, out, err = run("status", "--city", "abashiri", "--year", "2027", "--as-of", AS_OF, "--root", str(root),
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    return {i["id"]: i["status"] for i in json.loads(out)["indicators"]}


def test_xlsx_sheet_half_filled_in_excel_is_read_back(root: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "実績入力.xlsx"
    code, _, err = run("sheet", "--city", "abashiri", "--year", "2027", "--as-of", AS_OF, "--root", str(root),
                       "-o", str(sheet))  # fmt: skip
    assert code == 0, err
    book = load_workbook(sheet)
    page = book.active
    assert page is not None
    assert [c.value for c in page[1]] == list(COLUMNS)
    column = {name: index + 1 for index, name in enumerate(COLUMNS)}
    value, as_of = column["実績"], column["基準日"]
    assert page.cell(row=2, column=value).number_format == "@"  # 実績 as text: 66% and 済 survive
    assert page.cell(row=2, column=column["指標名"]).fill.start_color.rgb.endswith("EEEEEE")  # read only, shaded
    ids = [page.cell(row=r, column=1).value for r in range(2, page.max_row + 1)]
    assert "2-1-1" in ids and "1-1-2" in ids
    # Staff fill some rows: a rate typed as text, a percentage cell, a count as a number, a date cell.
    filled = {"2-1-1": "66%", "2-1-3": 9, "3-2-3": 250}
    for r in range(2, page.max_row + 1):
        indicator = page.cell(row=r, column=1).value
        if indicator in filled:
            page.cell(row=r, column=value).value = filled[indicator]
            page.cell(row=r, column=as_of).value = date(2027, 12, 1)
        if indicator == "3-2-3":
            page.cell(row=r, column=column["要因分析"]).value = "研修で利用が広がった"
            page.cell(row=r, column=column["今後の方向性"]).value = "拡大"
        if indicator == "2-1-4":
            page.cell(row=r, column=value).value = 0.5
            page.cell(row=r, column=value).number_format = "0%"  # a percentage Excel stores as 0.5
    book.save(root / "actuals" / "abashiri" / "fy2027.xlsx")
    code, out, err = run("validate", "--root", str(root))
    (line,) = out.splitlines()  # 50% is no progress word for 2-1-4's milestone: path:D8 as Excel names the cell
    cell = column_letters(value)
    assert code == 1 and re.match(rf"^actuals/abashiri/fy2027\.xlsx:{cell}\d+: KC106 2-1-4: ", line), line
    book = load_workbook(root / "actuals" / "abashiri" / "fy2027.xlsx")
    page = book.active
    assert page is not None
    for r in range(2, page.max_row + 1):
        if page.cell(row=r, column=1).value == "2-1-4":
            page.cell(row=r, column=value).value = "実施中"
    book.save(root / "actuals" / "abashiri" / "fy2027.xlsx")
    code, out, _ = run("validate", "--root", str(root))
    assert code == 0, out
    found = statuses(root)
    assert found["2-1-1"] == "achieved" and found["2-1-3"] == "achieved" and found["3-2-3"] == "achieved"
    assert found["2-1-4"] == "on_track"
    assert found["1-1-1"] == "no_data"  # the blank rows: 実績未入力, not an error
    code, out, err = run("status", "--city", "abashiri", "--year", "2027", "--as-of", AS_OF, "--root", str(root),
                         "--format", "json")  # fmt: skip
    row = next(i for i in json.loads(out)["indicators"] if i["id"] == "3-2-3")
    assert (row["analysis"], row["direction"]) == ("研修で利用が広がった", "拡大")


def test_cp932_csv_sheet_half_filled_is_read_back(root: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    code, _, err = run("sheet", "--city", "abashiri", "--year", "2027", "--as-of", AS_OF, "--root", str(root),
                       "-o", str(sheet), "--encoding", "cp932")  # fmt: skip
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(sheet.read_bytes().decode("cp932"))))
    assert rows[0] == list(COLUMNS)
    value = COLUMNS.index("実績")
    for row in rows[1:]:
        if row[0] == "2-1-1":
            row[value] = "６６％"  # typed full-width, as on a Japanese keyboard
        if row[0] == "2-1-2":
            row[value] = "未入力"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    (root / "actuals" / "abashiri" / "fy2027.csv").write_bytes(out.getvalue().encode("cp932"))
    found = statuses(root)
    assert found["2-1-1"] == "achieved" and found["2-1-2"] == "no_data"


def test_sheet_refuses_targets_actuals_and_other_suffixes(root: Path) -> None:
    args = ["sheet", "--city", "abashiri", "--year", "2027", "--root", str(root), "-o"]
    for target, code_word in [(root / "actuals" / "abashiri" / "s.xlsx", "KC307"), (root / "s.pdf", "KC307")]:
        code, _, err = run(*args, str(target))
        assert code == 2 and code_word in err
    assert not (root / "actuals" / "abashiri" / "s.xlsx").exists()


def test_sheet_for_one_department(root: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    code, _, err = run("sheet", "--city", "abashiri", "--year", "2027", "--root", str(root), "--department",
                       "学校教育課", "-o", str(sheet))  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(sheet.read_bytes().decode("utf-8-sig"))))
    assert {r["指標"] for r in rows} == {"4-2-1", "4-2-2", "4-2-3"}
    assert {r["項目"] for r in rows if r["指標"] == "4-2-1"} == {"小学校", "中学校"}


def test_a_broken_workbook_is_one_coded_line(root: Path) -> None:
    (root / "actuals" / "abashiri" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    book = Workbook()
    book.save(root / "actuals" / "abashiri" / "empty.xlsx")
    code, out, _ = run("validate", "--root", str(root))
    assert code == 1
    assert "actuals/abashiri/broken.xlsx: KC001" in out
    assert "actuals/abashiri/empty.xlsx:1: KC101" in out


def test_a_stray_cell_far_away_neither_hangs_nor_hides_rows(root: Path) -> None:
    """A Ctrl+End slip puts a value in XFD1048576; a stale stored dimension must not hide rows either."""
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(["指標", "年度", "実績"])
    page.append(["2-1-1", "2027", "66%"])
    page.cell(row=1048576, column=16384).value = "x"
    book.save(root / "actuals" / "abashiri" / "far.xlsx")
    code, out, _ = run("validate", "--root", str(root))
    assert code == 0, out  # the stray cell lies beyond the columns kpicheck reads
    assert statuses(root)["2-1-1"] == "achieved"


def test_a_damaged_sheet_is_one_kc001_line_and_the_rest_is_checked(root: Path) -> None:
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(["指標", "年度", "実績"])
    for _ in range(30):
        page.append(["2-1-1", "2027", "66%"])
    buffer = io.BytesIO()
    book.save(buffer)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # a download cut in half
            target.writestr(item, data)
    (root / "actuals" / "abashiri" / "cut.xlsx").write_bytes(damaged.getvalue())
    (root / "actuals" / "abashiri" / "other.csv").write_text("指標,年度,実績\nnope,2027,1\n", encoding="utf-8")
    code, out, _ = run("validate", "--root", str(root))
    assert code == 1
    assert re.search(r"^actuals/abashiri/cut\.xlsx:\d+: KC001 ", out, re.MULTILINE), out
    assert "actuals/abashiri/other.csv:2:1: KC102" in out
    assert "KC399" not in out


def test_a_compound_indicator_without_its_item_names_the_items_in_japanese(root: Path) -> None:
    (root / "actuals" / "abashiri" / "a.csv").write_text("指標,年度,実績\n4-2-1,2027,54%\n", encoding="utf-8")
    code, out, _ = run("validate", "--root", str(root))
    assert code == 1 and "項目列に 小学校、中学校 のどれかを書いてください" in out


def test_every_column_the_sheet_asks_to_fill_is_one_the_loader_reads() -> None:
    """The entry sheet's input columns (sheet_columns) are each read back by name; the read-only ones are not,
    and every column the 課 types into is one of the loader's."""
    from kpicheck.actuals import HEADER_ALIASES  # noqa: PLC0415
    from kpicheck.periods import normalize  # noqa: PLC0415
    from kpicheck.sheet_columns import ENTRY_COLUMNS, INPUT_COLUMNS, PREVIOUS, READ_ONLY_COLUMNS  # noqa: PLC0415

    assert all(normalize(c).lower() in HEADER_ALIASES for c in INPUT_COLUMNS)
    assert not any(normalize(c).lower() in HEADER_ALIASES for c in READ_ONLY_COLUMNS)
    assert set(ENTRY_COLUMNS) <= set(INPUT_COLUMNS)
    assert set(COLUMNS) == {*INPUT_COLUMNS, *READ_ONLY_COLUMNS, PREVIOUS} and len(COLUMNS) == len(set(COLUMNS))
