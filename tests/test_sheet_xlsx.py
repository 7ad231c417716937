"""The entry sheet as a 課 fills and prints it (issue 21): layout, print set-up, protection, drop-downs,
plan text that stays text, last year's actual where a target needs it, and CP932 refused aloud."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import test_sheet
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import REPO, invoke, run
from kpicheck.sheet_columns import COLUMNS, ENTRY_COLUMNS, KNOWN_PREVIOUS, PREVIOUS

AS_OF = "2027-12-31"
root = test_sheet.root  # the fixture: a data root with the shipped targets and no actuals
LETTER = {name: chr(ord("A") + index) for index, name in enumerate(COLUMNS)}

# A plan whose text starts as a spreadsheet formula would, with a milestone and a 前年比 target.
HOSTILE_PLAN = """
schema = 1

[plan]
id = "t-v1"
city = "tcity"
city_name = "テスト市"
title = "テスト&計画"
first_year = 2027
last_year = 2027

[[areas]]
id = "1"
name = "分野"

[[initiatives]]
id = "1-1"
area = "1"
name = "取組"
departments = ["=課", "情報政策課"]

[[indicators]]
id = "-x"
initiative = "1-1"
name = "=1+1"
unit = "件"
counts = "per_year"

[indicators.targets]
2027 = "10件"

[[indicators]]
id = "1-1-2"
initiative = "1-1"
name = "+81"
metrics = [
  { id = "a", name = "@SUM(A1)", unit = "回", counts = "per_year", match = ["年"] },
  { id = "b", name = "受講部署数", unit = "部署", counts = "per_year" },
]

[indicators.targets]
2027 = "年4回以上実施 受講部署数6部署以上"

[[indicators]]
id = "1-1-3"
initiative = "1-1"
name = "方針策定"

[indicators.targets]
2027 = "方針策定"

[[indicators]]
id = "1-1-5"
initiative = "1-1"
name = "観光消費額"
unit = "円"
counts = "per_year"

[indicators.targets]
2027 = "前年比3%増"
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    data = tmp_path / "hostile"
    (data / "targets" / "tcity").mkdir(parents=True)
    (data / "targets" / "tcity" / "t.toml").write_text(HOSTILE_PLAN, encoding="utf-8")
    (data / "actuals" / "tcity").mkdir(parents=True)
    code, out, err = run("validate", "--root", str(data))
    assert code == 0, out + err
    return data


def write_sheet(root: Path, out: Path, *more: str, city: str = "abashiri") -> Worksheet:
    code, _, err = run("sheet", "--city", city, "--year", "2027", "--as-of", AS_OF, "--root", str(root),
                       "-o", str(out), *more)  # fmt: skip
    assert code == 0, err
    page = load_workbook(out).worksheets[0]
    assert isinstance(page, Worksheet)
    return page


def row_of(page: Worksheet, indicator: str, item: str = "") -> int:
    return next(r for r in range(2, page.max_row + 1) if page[f"A{r}"].value == indicator and
                (page[f"B{r}"].value or "") == item)  # fmt: skip


def test_layout_what_a_row_is_stays_in_view_left_of_what_is_typed(root: Path, tmp_path: Path) -> None:
    page = write_sheet(root, tmp_path / "s.xlsx")
    assert page.title == "実績入力" and page.parent.worksheets[0] is page  # the data sheet is the first
    assert [c.value for c in page[1]] == list(COLUMNS)
    position = {name: index for index, name in enumerate(COLUMNS)}
    assert position["指標"] < position["指標名"] < position["目標"] < position[PREVIOUS] < position["実績"]
    assert all(position["目標"] < position[name] for name in ENTRY_COLUMNS)
    # frozen below the header and right of 指標名: the id and name stay on screen while typing
    assert page.freeze_panes == f"{chr(ord(LETTER['指標名']) + 1)}2"
    for name in ("指標名", "目標"):
        assert page[f"{LETTER[name]}2"].alignment.wrap_text
        assert page.column_dimensions[LETTER[name]].width >= 20
    # a long name's row is tall enough for its wrapped lines
    long_row = row_of(page, "2-2-2")  # GIS・GPS情報収集システムの継続的な運用: two lines
    assert page.row_dimensions[long_row].height > page.row_dimensions[row_of(page, "4-3-2")].height


def test_print_setup_a4_landscape_one_page_wide_titled(root: Path, tmp_path: Path) -> None:
    page = write_sheet(root, tmp_path / "s.xlsx", "--department", "学校教育課")
    setup = page.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert page.sheet_properties.pageSetUpPr.fitToPage
    assert page.print_title_rows == "$1:$1"
    assert page.oddHeader.center.text == "網走市 網走市DX推進計画 Ver2.0 2027年度 実績入力（学校教育課）"
    assert "&P" in page.oddFooter.center.text and "&N" in page.oddFooter.center.text
    every = write_sheet(root, tmp_path / "all.xlsx")
    assert every.oddHeader.center.text == "網走市 網走市DX推進計画 Ver2.0 2027年度 実績入力（全課）"


def test_sheet_xlsx_names_the_department_in_the_page_header() -> None:
    """The 課 passed to the writer heads the printed page, an & in the title doubled (a code otherwise)."""
    from kpicheck.sheet import SheetRow  # noqa: PLC0415
    from kpicheck.sheet_xlsx import sheet_xlsx  # noqa: PLC0415

    row = SheetRow(dict.fromkeys(COLUMNS, "") | {"指標": "1", "年度": "2027"})
    book = load_workbook(io.BytesIO(sheet_xlsx([row], "A&B市 計画 2027年度 実績入力", department="学校教育課")))
    page = book.worksheets[0]
    assert page.oddHeader.center.text == "A&&B市 計画 2027年度 実績入力（学校教育課）"  # & doubled: not a code


def test_protected_without_password_only_entry_cells_unlocked(root: Path, tmp_path: Path) -> None:
    page = write_sheet(root, tmp_path / "s.xlsx")
    assert page.protection.sheet and not page.protection.password
    assert not page.protection.formatColumns  # widening a column to read a long text stays allowed
    for r in range(1, page.max_row + 1):
        for name, letter in LETTER.items():
            cell = page[f"{letter}{r}"]
            asked = name == PREVIOUS and cell.fill.start_color.rgb.endswith("FFF2CC")
            assert cell.protection.locked == (r == 1 or (name not in ENTRY_COLUMNS and not asked)), (name, r)


def test_strict_drop_downs_for_directions_and_words(hostile: Path, root: Path, tmp_path: Path) -> None:
    page = write_sheet(hostile, tmp_path / "s.xlsx", city="tcity")
    found = {str(v.sqref): v for v in page.data_validations.dataValidation if v.type == "list"}
    value, direction, last = LETTER["実績"], LETTER["今後の方向性"], page.max_row
    directions = found[f"{direction}2:{direction}{last}"]
    assert directions.formula1 == '"拡大,改善継続,現状継続,縮小,統合,廃止,終了,完了"'
    milestone = found[f"{value}{row_of(page, '1-1-3')}"]
    assert milestone.formula1 == '"完了,実施中,未着手"'
    for rule in found.values():
        assert rule.showErrorMessage and rule.errorStyle == "stop" and rule.allow_blank
    numbers = [row_of(page, "-x"), row_of(page, "1-1-5")]
    assert not any(f"{value}{r}" in found for r in numbers)  # a number is typed freely
    # a roadmap of phases (nemuro): its rows offer the plan's phase words, in the plan's order
    (root / "actuals" / "nemuro").mkdir()
    page = write_sheet(root, tmp_path / "n.xlsx", city="nemuro")
    (phase,) = [v for v in page.data_validations.dataValidation if v.type == "list" and "検討" in v.formula1]
    assert phase.formula1 == '"検討,構築,運用,推進"' and phase.showErrorMessage and phase.errorStyle == "stop"
    assert f"{value}{row_of(page, '1-2')}" in str(phase.sqref).split()


def test_plan_text_is_stored_as_text_never_a_formula(hostile: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    page = write_sheet(hostile, path, city="tcity")
    cells = {(page[f"A{r}"].value, page[f"{LETTER['指標名']}{r}"].value, page[f"B{r}"].value or "")
             for r in range(2, page.max_row + 1)}  # fmt: skip
    assert ("-x", "=1+1", "") in cells and ("1-1-2", "+81", "@SUM(A1)") in cells
    for r in range(1, page.max_row + 1):
        for letter in LETTER.values():
            cell = page[f"{letter}{r}"]
            assert cell.value is None or cell.data_type == "s", f"{letter}{r}"
    with zipfile.ZipFile(path) as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()  # no formula element at all


def test_csv_guards_formula_text_and_the_loader_still_reads_the_ids(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    code, _, err = run("sheet", "--city", "tcity", "--year", "2027", "--root", str(hostile), "-o", str(out))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    first = next(r for r in rows if r["指標名"] == "'=1+1")  # prose: a leading ' as status CSV
    assert first["指標"] == '="-x"'  # read back by the loader: Excel's ="…", which it removes
    assert first["担当"] == "'=課、情報政策課"
    second = next(r for r in rows if r["項目"] == '="@SUM(A1)"')
    assert second["指標名"] == "'+81"
    # the sheet as written, filled and saved back: every id and item matches the plan
    for row in rows:
        row["実績"] = (
            {"-x": "12件", "1-1-2": "3回"}.get(row["指標"].strip('="'), "") if row["項目"] != "受講部署数" else ""
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    (hostile / "actuals" / "tcity" / "fy2027.csv").write_text(buffer.getvalue(), encoding="utf-8")
    code, out_text, _ = run("validate", "--root", str(hostile))
    assert code == 0, out_text
    code, report, err = run("status", "--city", "tcity", "--year", "2027", "--as-of", AS_OF, "--root", str(hostile),
                            "--format", "json")  # fmt: skip
    assert code == 0, err
    statuses = {i["id"]: i["status"] for i in json.loads(report)["indicators"]}
    assert statuses["-x"] == "achieved"  # 12件 against 10件: the guarded id matched the plan's
    (item,) = [
        m for i in json.loads(report)["indicators"] if i["id"] == "1-1-2" for m in i["metrics"] if m["id"] == "a"
    ]
    assert item["actual"] == 3  # 3回 in the item named "@SUM(A1)", read back through its guard


def test_last_years_actual_is_asked_for_where_a_growth_target_needs_it(hostile: Path, tmp_path: Path) -> None:
    page = write_sheet(hostile, tmp_path / "s.xlsx", city="tcity")
    previous = LETTER[PREVIOUS]
    growth, plain = row_of(page, "1-1-5"), row_of(page, "-x")
    assert page[f"{previous}{growth}"].value is None
    assert not page[f"{previous}{growth}"].protection.locked
    assert page[f"{previous}{growth}"].fill.start_color.rgb.endswith("FFF2CC")
    assert page[f"{previous}{plain}"].protection.locked  # 10件 a year reads no earlier year
    (prompt,) = [v for v in page.data_validations.dataValidation if v.type is None and v.showInputMessage]
    assert str(prompt.sqref) == f"{previous}{growth}" and "2026年度の実績" in (prompt.prompt or "")


def test_a_known_previous_actual_is_shown_locked(root: Path, tmp_path: Path) -> None:
    (root / "actuals" / "abashiri" / "fy2026.csv").write_text(
        '指標,年度,実績\n1-2-1,2026,"12,800,000,000円"\n', encoding="utf-8"
    )
    page = write_sheet(root, tmp_path / "s.xlsx")
    line = row_of(page, "1-2-1")
    cell = page[f"{LETTER[KNOWN_PREVIOUS]}{line}"]
    assert cell.value == "12,800,000,000円" and cell.protection.locked
    asked = page[f"{LETTER[PREVIOUS]}{line}"]  # known: nothing to type, and nothing the loader reads back
    assert asked.value is None and asked.protection.locked


def test_a_saved_sheet_adds_only_what_was_typed(root: Path, tmp_path: Path) -> None:
    """The sheet shows last year's known actuals; saved unfilled in actuals/ it adds nothing, so a
    corrected or deleted row of last year stays corrected or deleted (no KC107 against the copy)."""
    last_year = root / "actuals" / "abashiri" / "fy2026.csv"
    last_year.write_text('指標,年度,実績\n1-2-1,2026,"12,800,000,000円"\n', encoding="utf-8")
    page = write_sheet(root, tmp_path / "s.xlsx")
    page.parent.save(root / "actuals" / "abashiri" / "fy2027.xlsx")
    code, out, _ = run("validate", "--root", str(root))
    assert code == 0 and " KC112 " in out, out  # no data rows: said, nothing added
    last_year.write_text('指標,年度,実績\n1-2-1,2026,"12,900,000,000円"\n', encoding="utf-8")  # corrected
    code, out, _ = run("validate", "--root", str(root))
    assert code == 0 and " KC107 " not in out, out
    last_year.unlink()  # deleted: the sheet's copy does not bring it back
    code, report, err = run("status", "--city", "abashiri", "--year", "2026", "--as-of", "2027-03-31",
                            "--root", str(root), "--format", "json")  # fmt: skip
    assert code == 0, err
    (found,) = [i for i in json.loads(report)["indicators"] if i["id"] == "1-2-1"]
    assert found["actual"] is None


def test_filled_sheet_round_trip_reads_the_values(root: Path, tmp_path: Path) -> None:
    """sheet → fill 実績 (and last year's actual where asked) → save into actuals/ → status reads them."""
    path = tmp_path / "s.xlsx"
    page = write_sheet(root, path)
    book = page.parent
    value = LETTER["実績"]
    page[f"{value}{row_of(page, '2-1-1')}"] = "66%"
    page[f"{value}{row_of(page, '1-2-1')}"] = "13,000,000,000円"
    page[f"{LETTER['今後の方向性']}{row_of(page, '2-1-1')}"] = "拡大"
    book.save(root / "actuals" / "abashiri" / "fy2027.xlsx")
    code, out, _ = run("validate", "--root", str(root))
    assert code == 0, out
    code, report, err = run("status", "--city", "abashiri", "--year", "2027", "--as-of", AS_OF, "--root", str(root),
                            "--format", "json")  # fmt: skip
    assert code == 0, err
    found = {i["id"]: i for i in json.loads(report)["indicators"]}
    assert found["2-1-1"]["status"] == "achieved" and found["2-1-1"]["direction"] == "拡大"
    assert found["1-2-1"]["status"] == "unrated"  # 前年比 without 2026: judged once 前年度実績 is read back


def test_every_prefilled_previous_actual_reads_back_as_the_same_value() -> None:
    """What the sheet shows as 前年度実績（入力済み） is last year's actual as typed or printed: every such
    cell of the shipped demo's sheets parses to the very value the actuals hold (what a 課 copies from
    it into a new file reads as the same value)."""
    from kpicheck.actual_values import parse_value  # noqa: PLC0415
    from kpicheck.sheet import sheet_rows  # noqa: PLC0415
    from kpicheck.workspace import city_ids, load_city  # noqa: PLC0415

    checked = 0
    for city in city_ids(REPO):
        loaded = load_city(REPO, city)
        for plan in loaded.plans:
            for year in range(plan.first_year, plan.last_year + 1):
                for row in sheet_rows(plan, loaded.actuals, year, date(year + 1, 3, 31)):
                    text = row.cells[KNOWN_PREVIOUS]
                    if not text:
                        continue
                    indicator = plan.indicator(row.cells["指標"])
                    assert indicator is not None
                    metric = next(m for m in indicator.metrics if len(indicator.metrics) == 1
                                  or m.name == row.cells["項目"])  # fmt: skip
                    actual = loaded.actuals[plan.id, indicator.id, metric.id, year - 1]
                    assert parse_value(text, metric, plan) == actual.value, (plan.id, indicator.id, year, text)
                    checked += 1
    assert checked > 20


def test_a_rounded_previous_actual_is_written_as_typed() -> None:
    """33.333% prints as 33.33%, which would read back as another value: the sheet writes what was typed."""
    from kpicheck.actual_values import parse_value  # noqa: PLC0415
    from kpicheck.models import Actual, Counts, Metric, Place, Plan  # noqa: PLC0415
    from kpicheck.sheet import previous_text  # noqa: PLC0415

    metric = Metric("value", "率", "%", Counts.LEVEL)
    plan = Plan("p", "c", "市", "計画", 2026, 2030, [], [], [])  # type: ignore[call-arg]
    exact = Actual("1", "value", 2026, Decimal("33.333"), "33.333%", None, "", Place("a.csv", 2))
    assert previous_text(exact, metric, plan) == "33.333%"
    assert parse_value(previous_text(exact, metric, plan), metric, plan) == Decimal("33.333")
    shown = exact._replace(value=Decimal("66"), text="６６％")
    assert previous_text(shown, metric, plan) == "66%"


@pytest.mark.parametrize(("where", "text"), [("id", "𠮷-1"), ("name", "𠮷野家の利用")])
def test_cp932_refuses_text_it_cannot_write(hostile: Path, tmp_path: Path, where: str, text: str) -> None:
    toml = hostile / "targets" / "tcity" / "t.toml"
    key, old = ("id", "1-1-3") if where == "id" else ("name", "方針策定")
    toml.write_text(toml.read_text(encoding="utf-8").replace(f'{key} = "{old}"', f'{key} = "{text}"'), encoding="utf-8")
    out = tmp_path / "s.csv"
    result = invoke("sheet", "--city", "tcity", "--year", "2027", "--root", str(hostile), "-o", str(out),
                    "--encoding", "cp932")  # fmt: skip
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    said = f"指標「{text}」" if where == "id" else f"指標 1-1-3 の指標名「{text}」"
    assert f" KC308 {said}の「𠮷」（U+20BB7）は CP932 で書けません" in line, line
    column = COLUMNS.index("指標" if where == "id" else "指標名") + 1
    assert f":{column}: KC308" in line
    assert not out.exists()
    # 髙 (IBM extension) is in CP932: written, not refused
    toml.write_text(toml.read_text(encoding="utf-8").replace(text, "髙橋"), encoding="utf-8")
    result = invoke("sheet", "--city", "tcity", "--year", "2027", "--root", str(hostile), "-o", str(out),
                    "--encoding", "cp932")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "髙橋" in out.read_bytes().decode("cp932")


def test_a_sheet_filled_and_saved_by_libreoffice_is_read_back(root: Path) -> None:
    """tests/sheet_fixtures/libreoffice_filled_2027.xlsx: `sheet --department 学校教育課` for 2027, three rows
    filled with openpyxl (60% and 拡大, 完了 with a 基準日, 72 as a number and a 要因分析), then saved as .xlsx
    by LibreOffice 7 (`soffice --headless --convert-to xlsx`)."""
    fixture = Path(__file__).parent / "sheet_fixtures" / "libreoffice_filled_2027.xlsx"
    with zipfile.ZipFile(fixture) as book:
        assert "<Application>LibreOffice" in book.read("docProps/app.xml").decode()
    shutil.copy(fixture, root / "actuals" / "abashiri" / "fy2027.xlsx")
    code, out, _ = run("validate", "--root", str(root))
    assert code == 0, out
    code, report, err = run("status", "--city", "abashiri", "--year", "2027", "--as-of", AS_OF, "--root", str(root),
                            "--department", "学校教育課", "--format", "json")  # fmt: skip
    assert code == 0, err
    found = {i["id"]: i for i in json.loads(report)["indicators"]}
    assert [m["actual"] for m in found["4-2-1"]["metrics"]] == [60, None]
    assert found["4-2-1"]["direction"] == "拡大"
    assert found["4-2-2"]["status"] == "achieved" and found["4-2-3"]["status"] == "achieved"
    assert found["4-2-3"]["analysis"] == "授業での活用が定着"
