"""One bad row or cell never hides the rest: `status` and `report` judge every other indicator, show the
broken one as 評価不能 with the problem's code and place, list the problems on stderr and exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, invoke

DEMO = ["--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31"]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped data root, to break one thing in."""
    for folder in ("targets", "actuals"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


def statuses(root: Path) -> tuple[int, dict[str, dict[str, str]], str]:
    result = invoke("status", "--root", str(root), *DEMO, "--format", "json")
    data = json.loads(result.stdout)
    return result.exit_code, {i["id"]: i for i in data["indicators"]}, result.stderr


def test_one_bad_actuals_row_among_many_affects_only_its_indicator(root: Path) -> None:
    _, before, _ = statuses(root)
    sheet = root / "actuals" / "abashiri" / "fy2027-sample.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "4-3-2,,2027,95%,,\n", encoding="utf-8")
    code, after, err = statuses(root)
    assert code == 2
    assert after["4-3-2"]["status"] == "unrated"
    line = len(sheet.read_text(encoding="utf-8").splitlines())
    assert f"actuals/abashiri/fy2027-sample.csv:{line}:" in after["4-3-2"]["reason"]
    assert {k: v["status"] for k, v in after.items() if k != "4-3-2"} == {
        k: v["status"] for k, v in before.items() if k != "4-3-2"
    }  # every other indicator judged as before
    assert f"actuals/abashiri/fy2027-sample.csv:{line}:" in err and "エラー 1 件" in err


def test_an_unreadable_target_cell_points_at_the_target(root: Path) -> None:
    """The KC106 of issue 19: the cell is what is wrong, and the reason says where it is."""
    plan = root / "targets" / "abashiri" / "abashiri-v2.toml"
    lines = plan.read_text(encoding="utf-8").splitlines()
    number = next(n for n, text in enumerate(lines, 1) if text == '2027 = "65%"')  # 2-1-1 押印廃止実施率
    lines[number - 1] = '2027 = "65%くらい"'
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, after, err = statuses(root)
    assert code == 2
    assert after["2-1-1"]["status"] == "unrated"
    assert after["2-1-1"]["reason"].startswith(
        f"目標のセルを読めない: targets/abashiri/abashiri-v2.toml:{number} KC203"
    )
    assert after["1-1-1"]["status"] != "unrated"
    assert f"abashiri-v2.toml:{number}: KC203" in err


def test_the_report_is_written_with_the_broken_indicator_in_it(root: Path) -> None:
    sheet = root / "actuals" / "abashiri" / "fy2027-sample.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "4-3-2,,2027,95%,,\n", encoding="utf-8")
    result = invoke("report", "--root", str(root), *DEMO)
    assert result.exit_code == 2
    assert "| 4-3-2 |" in result.stdout and "評価不能" in result.stdout
    assert "KC106" in result.stderr


def test_a_value_typed_for_a_year_without_a_target_keeps_that_years_status(make_root) -> None:  # type: ignore[no-untyped-def]
    """見本市 研修回数 2028 is "-" (no target): a word typed there changes no verdict; it is still reported."""
    root = make_root({"a.csv": "indicator,year,value\ncount,2028,たくさん\n"})
    result = invoke("status", "--root", str(root), "--city", "mini", "--year", "2028", "--as-of", "2029-04-01",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 2
    (count,) = [i for i in json.loads(result.stdout)["indicators"] if i["id"] == "count"]
    assert count["status"] == "not_applicable"
    assert "実績の行を読めない: actuals/mini/a.csv:2" in count["reason"]


def test_a_plan_that_cannot_be_read_still_stops_the_city(root: Path) -> None:
    """Nothing to judge against: a TOML syntax error is still one coded line and exit 2, no table."""
    plan = root / "targets" / "abashiri" / "abashiri-v2.toml"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n[plan\n", encoding="utf-8")
    result = invoke("status", "--root", str(root), *DEMO)
    assert result.exit_code == 2 and result.stdout == ""
    assert "KC201" in result.stderr


def test_validate_still_refuses_the_bad_row(root: Path) -> None:
    sheet = root / "actuals" / "abashiri" / "fy2027-sample.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "4-3-2,,2027,95%,,\n", encoding="utf-8")
    result = invoke("validate", "--root", str(root))
    assert result.exit_code == 1 and "KC106" in result.stdout


def _append(root: Path, name: str, rows: str) -> Path:
    sheet = root / "actuals" / "abashiri" / name
    sheet.write_text(sheet.read_text(encoding="utf-8") + rows, encoding="utf-8")
    return sheet


def test_a_file_that_cannot_be_read_still_stops_the_city(root: Path) -> None:
    """Its rows would show as 実績未入力 though a 課 entered them: no official signs that, so no table."""
    (root / "actuals" / "abashiri" / "broken.csv").write_bytes(b"indicator,year,value\n\x82\xff,2027,1\n")
    result = invoke("status", "--root", str(root), *DEMO)
    assert result.exit_code == 2 and result.stdout == "" and "KC001" in result.stderr


def test_a_row_whose_indicator_is_unknown_still_stops_the_city(root: Path) -> None:
    """2-1-l for 2-1-1: whose row it was is not known, so some indicator would read 実績未入力 wrongly."""
    _append(root, "fy2027-sample.csv", "2-1-l,,2027,70%,,\n")
    result = invoke("status", "--root", str(root), *DEMO)
    assert result.exit_code == 2 and result.stdout == "" and "KC102" in result.stderr


def test_a_row_whose_year_cannot_be_read_makes_its_indicator_unrated(root: Path) -> None:
    _append(root, "fy2027-sample.csv", "4-3-2,,二〇二七,3,,\n")
    code, after, _ = statuses(root)
    assert code == 2 and after["4-3-2"]["status"] == "unrated" and "KC104" in after["4-3-2"]["reason"]


def test_a_bad_row_of_last_year_makes_a_growth_target_unrated_with_its_place(root: Path) -> None:
    """網走 1-2-1 観光消費額 前年比3%増 (seed 259): FY2026's row unreadable. Not 「前年度の実績がない」: it is
    there and cannot be read, and the reason says where."""
    sheet = root / "actuals" / "abashiri" / "fy2026-sample.csv"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace('1-2-1,,2026,"12,800,000,000"', '1-2-1,,2026,"12,800,000,000x"'), encoding="utf-8")
    code, after, _ = statuses(root)
    assert code == 2
    assert after["1-2-1"]["status"] == "unrated"
    assert "実績の行を読めない: actuals/abashiri/fy2026-sample.csv:" in after["1-2-1"]["reason"]


def test_a_duplicate_row_shows_no_change_from_last_year(root: Path) -> None:
    """Two values for one year: which one compares with last year is not known (改善 or 悪化)."""
    _append(root, "fy2027-sample.csv", "2-1-1,,2027,10%,,\n")
    _, after, _ = statuses(root)
    assert after["2-1-1"]["status"] == "unrated" and after["2-1-1"]["change"] is None
