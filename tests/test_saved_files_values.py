"""What staff's saved files hold, read as meant (issue 21): ids Excel turned into dates, last year's value
in the 前年度実績 column (read back from the text the sheet prefills), and workbook places as Excel's D8."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import MINI_PLAN, run, xlsx
from kpicheck.actual_values import parse_value
from kpicheck.errors import Problem, column_letters
from kpicheck.models import Counts, Metric, Plan, State, ValueKind, kanji_quantity, show_actual
from kpicheck.workspace import load_city

STATUS = ("status", "--city", "mini", "--year", "2026", "--as-of", "2027-03-31", "--format", "json")


def validate_lines(root: Path) -> tuple[int, list[str]]:
    code, out, err = run("validate", "--root", str(root))
    assert "Traceback" not in out + err and "KC399" not in out + err
    return code, out.splitlines()


# ------------------------------------------------------------------ an id Excel turned into a date

IDS_PLAN = MINI_PLAN.replace('id = "rate"', 'id = "2-1-1"').replace('id = "count"', 'id = "1-1"')
HINT = "指標の列のセルの書式を「文字列」にしてから id を入力し直してください"


@pytest.mark.parametrize(
    ("name", "content", "shown", "meant"),
    [
        # Excel stores 2-1-1 typed into a General cell as 2002/1/1, and 1-1 as 1月1日 of the year typed
        ("a.xlsx", xlsx([["指標", "年度", "実績"], [datetime(2002, 1, 1), 2026, "66%"]]), "2002-01-01", "2-1-1"),
        ("a.xlsx", xlsx([["指標", "年度", "実績"], [datetime(2026, 1, 1), 2026, "4"]]), "2026-01-01", "1-1"),
        ("a.csv", "指標,年度,実績\n2002/1/1,2026,66%\n", "2002/1/1", "2-1-1"),  # a CSV saved from that sheet
        ("a.csv", "指標,年度,実績\n1月1日,2026,4\n", "1月1日", "1-1"),
    ],
    ids=["xlsx-2-1-1", "xlsx-1-1", "csv-2002/1/1", "csv-1月1日"],
)
def test_an_id_excel_turned_into_a_date_names_the_id_it_was(
    make_root: Callable[..., Path], name: str, content: str | bytes, shown: str, meant: str
) -> None:
    root = make_root({name: content}, plan=IDS_PLAN)
    code, found = validate_lines(root)
    assert code == 1 and len(found) == 1, found
    assert found[0].endswith(
        f"KC102 mini に指標 {shown!r} はありません（Excel が id {meant} を日付に変えたようです。{HINT}）"
    ), found[0]


def test_a_date_that_is_no_known_id_still_says_it_is_a_date(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.xlsx": xlsx([["指標", "年度", "実績"], [datetime(2009, 7, 3), 2026, "66%"]])})
    code, found = validate_lines(root)
    assert code == 1 and found == [
        f"actuals/mini/a.xlsx:A2: KC102 mini に指標 '2009-07-03' はありません"
        f"（日付になっています。Excel は 2-1-1 のような id を日付に変えます。{HINT}）"
    ]


def test_an_unknown_id_that_is_no_date_keeps_the_nearest_id_hint(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "指標,年度,実績\nrtae,2026,66%\n"})
    assert validate_lines(root) == (
        1,
        ["actuals/mini/a.csv:2:1: KC102 mini に指標 'rtae' はありません（'rate' の誤り？）"],
    )


# ------------------------------------------------------------------ what the sheet prefills reads back

PLAN = Plan("p", "c", "", "", 2026, 2028, (), (), (), phases=("検討", "構築", "運用"))
NUMBERS = [Decimal(v) for v in ("0", "3", "66", "66.5", "1.25", "15200", "100000", "12400000000", "1000200003000")]
UNITS = ["%", "件", "人", "名", "回", "円", "万円", "億円", "千人", "手続", None]


@pytest.mark.parametrize("unit", UNITS)
def test_every_number_the_sheet_or_a_report_prints_reads_back_to_the_same_value(unit: str | None) -> None:
    """The sheet prefills 前年度実績 with models.show_actual's text (reports print kanji_quantity's 1万5,200名)."""
    metric = Metric("m", "", unit, Counts.LEVEL)
    for value in NUMBERS:
        if unit == "%" and value > 100:
            continue
        for text in {show_actual(value, unit), kanji_quantity(value, unit)}:
            assert parse_value(text, metric, PLAN) == value, (text, unit)


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("1万5,200名", "名", 15200),
        ("１万５，２００名", "名", 15200),
        ("124億円", "円", 12400000000),
        ("3万件", "件", 30000),
    ],
)
def test_large_numbers_as_reports_print_them(text: str, unit: str, value: int) -> None:
    assert parse_value(text, Metric("m", "", unit, Counts.LEVEL), PLAN) == value


@pytest.mark.parametrize("text", ["1万15,000名", "万名", "1,2万名", "1万5千名", "3億5万名以上"])
def test_a_grouped_number_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="単位の数値ではありません"):
        parse_value(text, Metric("m", "", "名", Counts.LEVEL), PLAN)


def test_every_word_the_sheet_prefills_reads_back() -> None:
    words = Metric("m", "", None, Counts.LEVEL, kind=ValueKind.STATE)
    for state in State:
        assert parse_value(show_actual(state, None), words, PLAN) is state
    phases = Metric("m", "", None, Counts.LEVEL, kind=ValueKind.PHASE)
    for phase in PLAN.phases:
        assert parse_value(show_actual(phase, None), phases, PLAN) == phase


# ------------------------------------------------------------------ the 前年度実績 column

SHEET = "指標,項目,年度,実績,前年度実績,備考\n"


def spend(root: Path) -> dict[str, object]:
    """The status JSON of the 前年比3%増 indicator `spend` for FY2026 (the mini plan's first year)."""
    code, out, err = run(*STATUS, "--root", str(root))
    assert code == 0, err
    return next(i for i in json.loads(out)["indicators"] if i["id"] == "spend")


def test_last_years_value_in_the_sheet_judges_a_first_year_growth_target(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": SHEET + 'spend,,2026,"1,030,000","1,000,000円",前年度は決算値\n'})
    assert spend(root)["status"] == "achieved"
    actuals = load_city(root, "mini").actuals
    last, this = actuals[("mini", "spend", "value", 2025)], actuals[("mini", "spend", "value", 2026)]
    assert (last.value, last.as_of, last.note, last.place.column) == (1000000, date(2026, 3, 31), "", 5)
    assert (this.value, this.note) == (1030000, "前年度は決算値")  # the remarks stay with the row's year
    assert validate_lines(root) == (0, [])


def test_without_last_years_value_the_growth_target_cannot_be_judged(make_root: Callable[..., Path]) -> None:
    """The other side of the test above: the column is what makes the difference."""
    root = make_root({"a.csv": SHEET + 'spend,,2026,"1,030,000",,\n'})
    assert spend(root)["status"] == "unrated"


def test_last_years_value_alone_is_read(make_root: Callable[..., Path]) -> None:
    """A 課 may know last year's figure before this year's: the row's blank 実績 is still not entered."""
    root = make_root({"a.csv": SHEET + "spend,,2026,,100万円,\n"})
    assert set(load_city(root, "mini").actuals) == {("mini", "spend", "value", 2025)}
    assert validate_lines(root) == (0, [])


@pytest.mark.parametrize("names", [("a.csv", "z.csv"), ("z.csv", "a.csv")], ids=["sheet-first", "row-first"])
def test_an_equal_value_given_elsewhere_is_no_problem(make_root: Callable[..., Path], names: tuple[str, str]) -> None:
    sheet, rows = names
    root = make_root(
        {
            sheet: SHEET + 'spend,,2026,"1,030,000","1,000,000",\n',
            rows: "指標,年度,実績,基準日,備考\nspend,2025,1000000,2026-03-31,決算\n",
        }
    )
    assert validate_lines(root) == (0, [])
    last = load_city(root, "mini").actuals[("mini", "spend", "value", 2025)]
    assert (last.place.path, last.note) == (f"actuals/mini/{rows}", "決算")  # the year's own row is kept


def test_a_different_value_given_elsewhere_names_both_places(make_root: Callable[..., Path]) -> None:
    rows = [["指標", "項目", "年度", "実績", "前年度実績"], ["spend", None, 2026, 1030000, 990000]]
    root = make_root({"a.xlsx": xlsx(rows), "z.csv": "指標,年度,実績\nspend,2025,1000000\n"})
    assert validate_lines(root) == (
        1,
        [
            "actuals/mini/z.csv:2:1: KC107 指標 spend の 2025 年度の実績は"
            " actuals/mini/a.xlsx:E2 の前年度実績 '990000' と違います"
        ],
    )
    for old in ("a.xlsx", "z.csv"):
        (root / "actuals" / "mini" / old).unlink()
    root = make_root({"z.xlsx": xlsx(rows), "a.csv": "指標,年度,実績\nspend,2025,1000000\n"})
    assert validate_lines(root) == (
        1,
        [
            "actuals/mini/z.xlsx:E2: KC107 指標 spend の 2025 年度の前年度実績 '990000' が"
            " actuals/mini/a.csv:2 の '1000000' と違います"
        ],
    )


def test_a_bad_last_years_value_is_reported_at_its_cell(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.xlsx": xlsx([["指標", "年度", "実績", "前年度実績"], ["rate", 2026, "66%", "6x%"]])})
    assert validate_lines(root) == (
        1,
        ["actuals/mini/a.xlsx:D2: KC106 rate 前年度実績: '6x%' は '%' 単位の数値ではありません"],
    )


def test_last_years_value_before_the_year_before_the_plan_is_refused(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": SHEET + "spend,,2025,1000000,970000,\n"})  # a baseline row: FY2025 is allowed
    code, found = validate_lines(root)
    assert code == 1 and found == [
        "actuals/mini/a.csv:2:5: KC105 前年度実績の 2024 年度は計画 mini（2026～2028）の前年度より前です"
    ]


def test_summary_reads_last_years_value_from_the_next_years_rows(make_root: Callable[..., Path]) -> None:
    """summary reads no row after its year, but a FY2027 row's 前年度実績 is FY2026's actual."""
    root = make_root({"a.csv": SHEET + "rate,,2027,70x%,66%,\n"})
    city = load_city(root, "mini", year=2026, rows_until=2026)
    assert set(city.actuals) == {("mini", "rate", "value", 2026)}  # and the bad FY2027 value is not read


# ------------------------------------------------------------------ places in workbooks


def test_a_workbook_cell_is_named_as_excel_names_it_and_a_csv_keeps_line_and_column(
    make_root: Callable[..., Path],
) -> None:
    rows = [["指標", "年度", "実績"], *[["count", 2026 + i % 2, "x"] for i in range(30)]]
    root = make_root({"a.xlsx": xlsx(rows), "b.csv": "指標,年度,実績\nrate,2026,6x%\n"})
    code, found = validate_lines(root)
    assert code == 1 and found[0].startswith("actuals/mini/a.xlsx:C2: KC106 ")
    assert found[29].startswith("actuals/mini/a.xlsx:C31: KC106 ")
    assert found[30].startswith("actuals/mini/b.csv:2:3: KC106 ")
    code, out, _ = run("validate", "--root", str(root), "--format", "json")
    first = json.loads(out)[0]
    assert (first["path"], first["line"], first["column"]) == ("actuals/mini/a.xlsx", 2, 3)  # numbers still


@pytest.mark.parametrize(("number", "letters"), [(1, "A"), (4, "D"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_column_letters(number: int, letters: str) -> None:
    assert column_letters(number) == letters
    assert Problem("x.xlsx", 8, number, "KC106", "m", workbook=True).place == f"x.xlsx:{letters}8"
    assert Problem("x.xlsx", 8, None, "KC106", "m", workbook=True).place == "x.xlsx:8"
