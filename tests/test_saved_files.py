"""Every file staff save under actuals/<city>/ is read or refused aloud (issue 21, item 3).

The workbooks are real: written by openpyxl here, or saved by LibreOffice (tests/saved_files/, made
with `soffice --headless --convert-to xlsx|xls|ods` from an openpyxl workbook whose first sheet is
hidden). Each case goes through `validate` (the whole root, and the file named as the pre-commit hook
names it) and `status`.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import REPO, run, xlsx
from kpicheck.inputs import SAVE_AS_XLSX
from kpicheck.workspace import load_city

SAVED = Path(__file__).resolve().parent / "saved_files"
ROWS = [["指標", "年度", "実績"], ["rate", "2026", "66%"]]
STATUS = ("status", "--city", "mini", "--year", "2026", "--as-of", "2027-03-31", "--format", "json")


def book_bytes(rows: list[list[object]] = ROWS) -> bytes:
    return xlsx(rows)


def xlsm(rows: list[list[object]] = ROWS) -> bytes:
    """A macro-enabled workbook as Excel saves one: the main part's content type is macroEnabled and the
    workbook points at xl/vbaProject.bin (here an OLE2 header and padding: openpyxl never runs it)."""
    source = zipfile.ZipFile(io.BytesIO(book_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                text = data.decode().replace(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                assert "macroEnabled" in text
                text = text.replace(
                    "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
                )
                data = text.encode()
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
                    b'vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            target.writestr(item, data)
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    return out.getvalue()


def lines(root: Path, *files: str, strict: bool = False) -> tuple[int, list[str]]:
    """validate's exit code and lines: the whole root, or the files named (as pre-commit names them)."""
    named = [str(root / "actuals" / "mini" / f) for f in files]
    code, out, err = run("validate", "--root", str(root), *(["--strict"] if strict else []), *named)
    assert "Traceback" not in out + err and "KC399" not in out + err
    return code, out.splitlines()


def actual_years(root: Path) -> dict[str, int]:
    """indicator -> year of the actuals the loader read for the mini city (a bad row of one indicator aside)."""
    return {key[1]: key[3] for key in load_city(root, "mini", keep_going=True).actuals}


# ------------------------------------------------------------------ kinds of file


def test_an_xlsm_is_read_like_an_xlsx(make_root: Callable[..., Path]) -> None:
    root = make_root({"実績.xlsm": xlsm()})
    assert actual_years(root) == {"rate": 2026}
    assert lines(root) == (0, [])
    assert lines(root, "実績.xlsm") == (0, [])
    code, out, _ = run(*STATUS, "--root", str(root))
    assert code == 0 and '"66%"' in out


def test_an_xlsm_bad_cell_is_reported_like_an_xlsx_one(make_root: Callable[..., Path]) -> None:
    root = make_root({"実績.xlsm": xlsm([["指標", "年度", "実績"], ["rate", "2026", "66x"]])})
    code, found = lines(root, "実績.xlsm")
    assert code == 1 and len(found) == 1 and found[0].startswith("actuals/mini/実績.xlsm:"), found
    assert " KC106 " in found[0]


REFUSED = [
    ("実績.xls", (SAVED / "libreoffice.xls").read_bytes(), "古い Excel 形式（.xls）"),
    ("実績.ods", (SAVED / "libreoffice.ods").read_bytes(), "LibreOffice/OpenOffice の形式（.ods）"),
    ("実績.numbers", b"PK\x03\x04" + b"\0" * 64, "Numbers の形式（.numbers）"),
    ("実績.xlsb", b"PK\x03\x04" + b"\0" * 64, "Excel バイナリ ブック（.xlsb）"),
    ("実績.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "WPS Office の形式（.et）"),
]


@pytest.mark.parametrize(("name", "data", "said"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_spreadsheet_kpicheck_does_not_read_is_refused_with_how_to_save_it(
    make_root: Callable[..., Path], name: str, data: bytes, said: str
) -> None:
    root = make_root({"good.csv": "指標,年度,実績\ncount,2026,4\n", name: data})
    expected = (
        f"actuals/mini/{name}: KC005 {said}は読めません。"
        "Excel で開き、名前を付けて保存 → ファイルの種類「Excel ブック (*.xlsx)」で保存し直してください"
    )
    assert lines(root) == (1, [expected])
    assert lines(root, name) == (1, [expected])  # named, as the hook names it: never exit 0
    code, _, err = run(*STATUS, "--root", str(root))
    assert code == 2 and expected in err.splitlines()


def test_a_numbers_package_folder_is_refused_as_numbers(make_root: Callable[..., Path]) -> None:
    """Older Numbers saves a document as a folder (a macOS package): KC005, not a folder left unread."""
    root = make_root()
    package = root / "actuals" / "mini" / "実績.numbers"
    package.mkdir()
    (package / "Index.zip").write_bytes(b"PK\x03\x04")
    code, found = lines(root)
    assert code == 1 and [line.split(" ")[:2] for line in found] == [["actuals/mini/実績.numbers:", "KC005"]]


MISNAMED = [
    (
        "実績.xlsx",
        (SAVED / "libreoffice.xls").read_bytes(),
        "中身は古い Excel 形式（.xls）か、パスワード付きのブックです",
    ),
    ("実績.xlsx", (SAVED / "libreoffice.ods").read_bytes(), "中身は LibreOffice/OpenOffice の形式（.ods）です"),
    ("実績.xlsx", "指標,年度,実績\nrate,2026,66%\n".encode("cp932"), "中身は CSV などのテキストです"),
    ("実績.xlsm", "指標,年度,実績\nrate,2026,66%\n".encode(), "中身は CSV などのテキストです"),
    (
        "実績.csv",
        (SAVED / "libreoffice.xls").read_bytes(),
        "中身は古い Excel 形式（.xls）か、パスワード付きのブックです",
    ),
    # renamed by hand to an old file's name: only the name is wrong, nothing to save again
    ("実績.xls", book_bytes(), "名前は .xls ですが、中身は Excel ブック（.xlsx）です。ファイル名の末尾を .xlsx に"),
]


@pytest.mark.parametrize(
    ("name", "data", "said"), MISNAMED, ids=["xls", "ods", "csv-cp932", "csv-xlsm", "xls-csv", "xlsx-renamed-xls"]
)
def test_a_file_whose_bytes_contradict_its_name_says_what_it_really_is(
    make_root: Callable[..., Path], name: str, data: bytes, said: str
) -> None:
    root = make_root({name: data})
    code, found = lines(root, name)
    assert code == 1 and len(found) == 1, found
    assert found[0].startswith(f"actuals/mini/{name}: KC005 {said}"), found


def test_excel_and_libreoffice_lock_files_are_skipped_without_a_word(make_root: Callable[..., Path]) -> None:
    """A lock file exists while someone has the workbook open: it is the program's, not data."""
    lock = b"\x0bDX\xe6\x8e\xa8\xe9\x80\xb2\xe5\xae\xa4" + b"\x20" * 42 + b"\x0b\x00D\x00X\x00" + b"\x00" * 100
    root = make_root({"実績.xlsx": book_bytes(), "~$実績.xlsx": lock, ".~lock.実績.xlsx#": b"DX,host,/tmp,2026;"})
    assert lines(root) == (0, [])
    assert actual_years(root) == {"rate": 2026}


def test_notes_beside_the_data_are_not_read_and_not_warned_about(make_root: Callable[..., Path]) -> None:
    """README.txt, a PDF of the plan, a backup copy: common beside the data, not data; nothing is said."""
    root = make_root({"good.csv": "指標,年度,実績\nrate,2026,66%\n", "README.txt": "説明", "計画.pdf": b"%PDF-1.7"})
    (root / "actuals" / "mini" / "good.csv.bak").write_text("indicator,year,value\nnot,a,row\n", encoding="utf-8")
    assert lines(root) == (0, [])


# ------------------------------------------------------------------ folders


@pytest.mark.parametrize("folder", ["2026年度", "R8", "令和8年度", "2026", "FY2026", "Ｒ８"])
def test_a_year_folder_is_read(make_root: Callable[..., Path], folder: str) -> None:
    root = make_root()
    inner = root / "actuals" / "mini" / folder
    inner.mkdir()
    (inner / "a.csv").write_text("指標,年度,実績\nrate,2026,66%\ncount,2026,4x\n", encoding="utf-8")
    (inner / "b.xlsx").write_bytes(book_bytes([["指標", "年度", "実績"], ["plan", "2026", "済"]]))
    assert actual_years(root) == {"rate": 2026, "plan": 2026}
    bad = f"actuals/mini/{folder}/a.csv:3:3: KC106 count: '4x' は '回' 単位の数値ではありません"
    assert lines(root) == (1, [bad])
    assert lines(root, f"{folder}/a.csv") == (1, [bad])  # named as the hook names it
    assert lines(root, f"{folder}/b.xlsx") == (0, [])


def test_a_year_folder_holds_rows_of_any_year(make_root: Callable[..., Path]) -> None:
    """The folder only sorts files: a 2027年度 folder commonly holds the FY2026 results evaluated in FY2027."""
    root = make_root()
    inner = root / "actuals" / "mini" / "2027年度"
    inner.mkdir()
    (inner / "a.csv").write_text("指標,年度,実績\nrate,2026,66%\n", encoding="utf-8")
    assert actual_years(root) == {"rate": 2026}
    assert lines(root, strict=True) == (0, [])


def test_a_year_folders_duplicate_of_a_row_is_found(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "指標,年度,実績\nrate,2026,66%\n"})
    inner = root / "actuals" / "mini" / "R8"
    inner.mkdir()
    (inner / "a.csv").write_text("指標,年度,実績\nrate,2026,67%\n", encoding="utf-8")
    code, found = lines(root)
    assert code == 1 and [line.split(" ")[:2] for line in found] == [["actuals/mini/a.csv:2:1:", "KC107"]], found


def test_another_folder_is_named_as_not_read(make_root: Callable[..., Path]) -> None:
    root = make_root({"good.csv": "指標,年度,実績\ncount,2026,4\n"})
    for folder in ("old", "2026年度/控え"):
        (root / "actuals" / "mini" / folder).mkdir(parents=True)
        (root / "actuals" / "mini" / folder / "a.csv").write_text("指標,年度,実績\nrate,2026,66%\n", encoding="utf-8")
    code, found = lines(root)
    assert code == 0, found
    assert [line.split(" ")[:2] for line in found] == [
        ["actuals/mini/2026年度/控え:", "KC117"],
        ["actuals/mini/old:", "KC117"],
    ]
    assert found[1].endswith(
        "年度（2026年度、R8、令和8年度 など）以外の名前のフォルダは読みません。"
        "読ませるファイルは市町村のフォルダか年度フォルダに移し、"
        "控えやバックアップは actuals/ の外に置いてください（警告）"
    )
    assert "年度フォルダの中のフォルダは読みません" in found[0]
    assert lines(root, strict=True)[0] == 1
    assert actual_years(root) == {"count": 2026}  # the folders' rows are not read
    code, _, err = run(*STATUS, "--root", str(root))
    assert code == 0 and "actuals/mini/old: KC117 " in err


def test_a_file_named_in_a_folder_that_is_not_read_is_refused(make_root: Callable[..., Path]) -> None:
    """Named on the command line (the hook), a file kpicheck would never read is an error, not exit 0."""
    root = make_root()
    (root / "actuals" / "mini" / "old").mkdir()
    (root / "actuals" / "mini" / "old" / "a.csv").write_text("指標,年度,実績\nrate,2026,66%\n", encoding="utf-8")
    code, found = lines(root, "old/a.csv")
    assert code == 1 and len(found) == 1 and " KC117 フォルダ old は年度" in found[0], found
    deeper = root / "actuals" / "mini" / "R8" / "old"
    deeper.mkdir(parents=True)
    (deeper / "a.csv").write_text("指標,年度,実績\nrate,2026,66%\n", encoding="utf-8")
    code, found = lines(root, "R8/old/a.csv")
    assert code == 1 and len(found) == 1 and " KC117 年度フォルダの中のフォルダのファイルは読みません" in found[0], (
        found
    )


def test_actuals_city_that_is_a_file_is_refused(make_root: Callable[..., Path]) -> None:
    root = make_root()
    folder = root / "actuals" / "mini"
    folder.rmdir()
    folder.write_text("指標,年度,実績\nrate,2026,66%\n", encoding="utf-8")
    code, found = lines(root)
    assert code == 1 and [line.split(" ")[:2] for line in found] == [["actuals/mini:", "KC118"]], found
    for command in (STATUS, ("report", "--city", "mini", "--year", "2026", "--as-of", "2027-03-31")):
        code, _, err = run(*command, "--root", str(root))
        assert code == 2 and "actuals/mini: KC118 " in err, err


def test_a_file_directly_under_actuals_is_refused(make_root: Callable[..., Path]) -> None:
    root = make_root()
    (root / "actuals" / "fy2026.csv").write_text("指標,年度,実績\nrate,2026,66%\n", encoding="utf-8")
    (root / "actuals" / "README.md").write_text("# 実績の置き場所\n", encoding="utf-8")  # no data: passed over
    (root / "actuals" / "old.xls").write_bytes(b"")
    code, found = lines(root)
    assert code == 1, found
    assert [line.split(" ")[:2] for line in found] == [["actuals/fy2026.csv:", "KC118"], ["actuals/old.xls:", "KC118"]]


def test_the_hooks_file_filter_passes_every_kind_it_should_refuse_or_read() -> None:
    """pre-commit only runs the hook on files its `files` pattern matches: a .xls it does not match would
    be committed unchecked."""
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    found = re.search(r"^  files: (.+)$", text, re.MULTILINE)
    assert found is not None
    pattern = re.compile(found[1])
    for path in [
        "actuals/abashiri/fy2027.csv",
        "actuals/abashiri/fy2027.xlsx",
        "actuals/abashiri/fy2027.xlsm",
        "actuals/abashiri/fy2027.xls",
        "actuals/abashiri/fy2027.ods",
        "actuals/abashiri/fy2027.XLSX",
        "actuals/abashiri/2027年度/情報政策課.xlsx",
        "actuals/abashiri/old/情報政策課.xlsx",
        "targets/abashiri/abashiri-v2.toml",
    ]:
        assert pattern.search(path), path
    for path in ["actuals/abashiri/README.txt", "docs/guide-ja.md", "actuals/abashiri/~$fy2027.xlsx"]:
        assert not pattern.search(path), path


# ------------------------------------------------------------------ which sheet


def test_a_libreoffice_workbook_with_a_hidden_first_sheet_reads_the_data_sheet(make_root: Callable[..., Path]) -> None:
    root = make_root({"実績.xlsx": (SAVED / "libreoffice_hidden_first_sheet.xlsx").read_bytes()})
    assert actual_years(root) == {"rate": 2026, "count": 2026}
    warning = "actuals/mini/実績.xlsx: KC119 1 枚目のシートではなくシート「実績入力」を読みました"
    warning += "（「記入例」は非表示）（警告）"
    assert lines(root) == (0, [warning])
    code, _, err = run(*STATUS, "--root", str(root))
    assert code == 0 and warning.removesuffix("（警告）") in err


def sheets(*pages: tuple[str, list[list[object]], str]) -> bytes:
    """A workbook of (title, rows, state) sheets, in order."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows, state in pages:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("pages", "said"),
    [
        ((("Sheet1", [], "visible"), ("実績入力", ROWS, "visible")), "（「Sheet1」は空）"),
        (
            (("表紙", [], "visible"), ("旧", ROWS, "hidden"), ("実績入力", ROWS, "visible")),
            "（「表紙」は空、「旧」は非表示）",
        ),
    ],
    ids=["empty-first", "empty-and-hidden"],
)
def test_the_first_visible_sheet_with_the_header_is_read_and_named(
    make_root: Callable[..., Path], pages: tuple[tuple[str, list[list[object]], str], ...], said: str
) -> None:
    root = make_root({"実績.xlsx": sheets(*pages)})
    assert actual_years(root) == {"rate": 2026}
    assert lines(root) == (
        0,
        [f"actuals/mini/実績.xlsx: KC119 1 枚目のシートではなくシート「実績入力」を読みました{said}（警告）"],
    )


@pytest.mark.parametrize(
    "first",
    [
        [["見本市 実績入力"]],  # a cover page
        [["2026年度 実績"], *ROWS],  # a title row above the header
    ],
    ids=["cover", "title-row"],
)
def test_a_visible_sheet_with_cells_is_never_passed_over_for_a_later_one(
    make_root: Callable[..., Path], first: list[list[object]]
) -> None:
    """The first visible sheet with cells is read: a later 記入例 with a header must not be read instead."""
    example = [ROWS[0], ["rate", "2026", "99%"]]
    root = make_root({"実績.xlsx": sheets(("実績", first, "visible"), ("記入例", example, "visible"))})
    code, found = lines(root)
    assert code == 1, found
    assert any(" KC101 見出し行に 指標・年度・実績 の列がありません" in line for line in found), found
    assert any(" KC119 シート「記入例」にも見出し行がありますが読みません" in line for line in found), found


def test_a_second_sheet_of_data_is_named_not_skipped(make_root: Callable[..., Path]) -> None:
    later = [ROWS[0], ["rate", "2027", "x"]]
    root = make_root({"実績.xlsx": sheets(("2026年度", ROWS, "visible"), ("2027年度", later, "visible"))})
    assert actual_years(root) == {"rate": 2026}
    code, found = lines(root)
    assert code == 0
    assert found == [
        "actuals/mini/実績.xlsx: KC119 シート「2027年度」にも見出し行がありますが読みません"
        "（読むのは「2026年度」だけです。別のシートの実績は別のブックに保存してください）（警告）"
    ]


def test_a_first_sheet_with_the_header_is_read_without_a_word(make_root: Callable[..., Path]) -> None:
    root = make_root({"実績.xlsx": sheets(("実績入力", ROWS, "visible"), ("メモ", [["メモ"]], "visible"))})
    assert lines(root, strict=True) == (0, [])


def test_no_sheet_with_the_header_is_the_missing_header_code(make_root: Callable[..., Path]) -> None:
    root = make_root({"実績.xlsx": sheets(("隠し", ROWS, "hidden"), ("メモ", [["指標", "実績"]], "visible"))})
    code, found = lines(root)
    assert code == 1, found
    assert [line.split(" ")[:2] for line in found] == [
        ["actuals/mini/実績.xlsx:", "KC119"],
        ["actuals/mini/実績.xlsx:1:", "KC101"],
    ]


@pytest.mark.parametrize(
    "data", [(SAVED / "libreoffice.ods").read_bytes(), b"PK\x03\x04" + b"\0" * 64], ids=["ods", "not-a-zip"]
)
def test_another_zip_named_xls_is_not_taken_for_an_xlsx(make_root: Callable[..., Path], data: bytes) -> None:
    """An .ods (or .xlsb) is a zip too: renaming it .xlsx would not help, so the usual KC005 is said."""
    root = make_root({"実績.xls": data})
    code, found = lines(root)
    assert code == 1 and found == [f"actuals/mini/実績.xls: KC005 古い Excel 形式（.xls）は読めません。{SAVE_AS_XLSX}"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX's")
def test_a_pipe_named_xls_is_refused_without_waiting_for_a_writer(make_root: Callable[..., Path]) -> None:
    """Telling an .xlsx renamed .xls reads a file's first bytes: a pipe must not be opened to wait."""
    root = make_root()
    os.mkfifo(root / "actuals" / "mini" / "実績.xls")
    code, found = lines(root)  # a hang here would stop the suite: no reader blocks on the pipe
    assert code == 1 and found == [f"actuals/mini/実績.xls: KC005 古い Excel 形式（.xls）は読めません。{SAVE_AS_XLSX}"]
