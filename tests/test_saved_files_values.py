"""What staff's saved files hold, read as meant (issue 21): ids Excel turned into dates, and numbers as
the sheet and the reports print them."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import MINI_PLAN, run
from kpicheck.actual_values import parse_value
from kpicheck.models import Counts, Metric, Plan, State, ValueKind, kanji_quantity, show_actual

STATUS = ("status", "--city", "mini", "--year", "2026", "--as-of", "2027-03-31", "--format", "json")


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
        ("a.xlsx", workbook([["指標", "年度", "実績"], [datetime(2002, 1, 1), 2026, "66%"]]), "2002-01-01", "2-1-1"),
        ("a.xlsx", workbook([["指標", "年度", "実績"], [datetime(2026, 1, 1), 2026, "4"]]), "2026-01-01", "1-1"),
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
    root = make_root({"a.xlsx": workbook([["指標", "年度", "実績"], [datetime(2009, 7, 3), 2026, "66%"]])})
    code, found = validate_lines(root)
    assert code == 1 and found == [
        f"actuals/mini/a.xlsx:2:1: KC102 mini に指標 '2009-07-03' はありません"
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
