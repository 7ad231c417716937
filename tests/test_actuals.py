"""CSV actuals as staff save them from Excel: encodings, full-width text, era years, and coded errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from kpicheck.actuals import load_actuals
from kpicheck.errors import KpicheckError
from kpicheck.models import State
from kpicheck.workspace import load_city, load_plans

JAPANESE = "指標,項目,年度,実績,基準日,備考\r\nrate,,令和8年度,６５％,2026/9/30,サンプル\r\nschool,小学校,R8,５０,,\r\n"


@pytest.mark.parametrize(
    "data",
    [
        JAPANESE.encode("utf-8"),
        JAPANESE.encode("utf-8-sig"),
        JAPANESE.encode("cp932"),
    ],
    ids=["utf-8", "utf-8-bom", "cp932"],
)
def test_encodings_and_japanese_headers_read_the_same(make_root: Callable[..., Path], data: bytes) -> None:
    city = load_city(make_root({"a.csv": data}), "mini")
    rate = city.actuals[("mini", "rate", "value", 2026)]
    assert rate.value == Decimal(65)
    assert rate.note == "サンプル"
    assert str(rate.as_of) == "2026-09-30"
    assert city.actuals[("mini", "school", "es", 2026)].value == Decimal(50)  # metric named by its name


@pytest.mark.parametrize(
    ("value", "indicator", "expected"),
    [
        ("15,000", "count", Decimal(15000)),
        ("１５，０００回", "count", Decimal(15000)),
        ('="0123"', "count", Decimal(123)),
        ("66%", "rate", Decimal(66)),
        ("66", "rate", Decimal(66)),
        ("12.5％", "rate", Decimal("12.5")),
        ("済", "plan", State.DONE),
        ("完了", "plan", State.DONE),
        ("実施", "plan", State.DONE),
        ("○", "plan", State.DONE),
        ("実施中", "plan", State.IN_PROGRESS),
        ("未", "plan", State.NOT_STARTED),
        ("×", "plan", State.NOT_STARTED),
    ],
)
def test_values(make_root: Callable[..., Path], value: str, indicator: str, expected: Decimal | State) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([["indicator", "year", "value"], [indicator, "2026", value]])
    city = load_city(make_root({"a.csv": out.getvalue()}), "mini")
    assert city.actuals[("mini", indicator, "value", 2026)].value == expected


def problems_of(make_root: Callable[..., Path], content: str | bytes) -> list[str]:
    root = make_root({"a.csv": content})
    with pytest.raises(KpicheckError) as caught:
        load_city(root, "mini")
    return [f"{p.line}:{p.column}:{p.code}" for p in caught.value.problems]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("indicator,year,value\nrtae,2026,60\n", ["2:1:KC102"]),
        ("indicator,year,value\nschool,2026,60\n", ["2:None:KC103"]),
        ("indicator,metric,year,value\nschool,xx,2026,60\n", ["2:2:KC103"]),
        ("indicator,year,value\nrate,20266,60\n", ["2:2:KC104"]),
        ("indicator,year,value\nrate,2031,60\n", ["2:2:KC105"]),
        ("indicator,year,value\nrate,2026,6５x\n", ["2:3:KC106"]),
        ("indicator,year,value\nrate,2026,101\n", ["2:3:KC106"]),
        ("indicator,year,value\ncount,2026,-1\n", ["2:3:KC106"]),
        ("indicator,year,value\ncount,2026,=1+1\n", ["2:3:KC106"]),
        ("indicator,year,value\nplan,2026,たぶん\n", ["2:3:KC106"]),
        ("indicator,year,value\nrate,2026,60\nrate,R8,61\n", ["3:1:KC107"]),
        ("indicator,year,value,as_of\nrate,2026,60,2027-04-01\n", ["2:4:KC108"]),
        ("indicator,year,value,as_of\nrate,2026,60,someday\n", ["2:4:KC108"]),
        ("indicator,value\nrate,60\n", ["1:None:KC101"]),
        ("", ["1:None:KC101"]),
        ("indicator,year,value\nrate,2026,60,extra\n", ["2:3:KC109"]),
        ("indicator,year,value\r\nrtae,2026,60\nrate,2026,6x\r\n", ["2:1:KC102", "3:3:KC106"]),
    ],
)
def test_bad_rows_give_coded_problems_at_their_place(
    make_root: Callable[..., Path], content: str, expected: list[str]
) -> None:
    assert problems_of(make_root, content) == expected


def test_an_extra_column_of_staffs_own_is_fine(make_root: Callable[..., Path]) -> None:
    city = load_city(make_root({"a.csv": "indicator,year,value,担当者\nrate,2026,60,佐藤\n"}), "mini")
    assert city.actuals[("mini", "rate", "value", 2026)].value == Decimal(60)


def test_excel_guard_is_removed_from_every_cell(make_root: Callable[..., Path]) -> None:
    text = 'indicator,metric,year,value,as_of\n"=""school""","=""es""","=""2026""",50,"=""2026/9/30"""\n'
    city = load_city(make_root({"a.csv": text}), "mini")
    assert str(city.actuals[("mini", "school", "es", 2026)].as_of) == "2026-09-30"


def test_an_unknown_plan_is_named(make_root: Callable[..., Path]) -> None:
    assert problems_of(make_root, "indicator,year,value,plan\nrate,2026,60,nope\n") == ["2:4:KC114"]


def test_every_problem_is_reported_not_only_the_first(make_root: Callable[..., Path]) -> None:
    rows = "indicator,year,value\n" + "".join(f"nope{i},2026,1\n" for i in range(5))
    assert len(problems_of(make_root, rows)) == 5


def test_unknown_indicator_hints_the_nearest_id(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "indicator,year,value\nrtae,2026,60\n"})
    with pytest.raises(KpicheckError, match="（'rate' の誤り？）"):
        load_city(root, "mini")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("indicator,year,value\n".encode("utf-16"), "UTF-16"),
        (b"indicator,year,value\nrate,2026,\x81 \n", "位置 31"),  # 0x81 then a space: neither,
    ],
)
def test_undecodable_files_name_the_problem(make_root: Callable[..., Path], data: bytes, message: str) -> None:
    root = make_root({"a.csv": data})
    with pytest.raises(KpicheckError, match=message) as caught:
        load_city(root, "mini")
    assert caught.value.problems[0].code == "KC001"


def test_duplicates_are_found_across_files(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "indicator,year,value\nrate,2026,60\n", "b.csv": "indicator,year,value\nrate,2026,61\n"})
    with pytest.raises(KpicheckError, match=r"b.csv:2:1: KC107 .*actuals/mini/a.csv:2 で入力済みです"):
        load_city(root, "mini")


def test_loading_never_writes(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "indicator,year,value\nrate,2026,60\n"})
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}
    plans, _ = load_plans(root, "mini")
    load_actuals(sorted((root / "actuals" / "mini").glob("*.csv")), plans, root)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}
    assert before == after


def test_a_bug_in_row_handling_is_not_reported_as_an_undecodable_file(
    make_root: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a file that cannot be read is KC001; a ValueError from our own row code reaches the boundary (KC399)."""

    def broken(*_: object) -> None:
        raise ValueError("a bug in the row path")

    monkeypatch.setattr("kpicheck.actuals.stream", broken)  # actual_rows.stream: every data row goes through it
    root = make_root({"a.csv": JAPANESE.encode("utf-8")})
    plans, _ = load_plans(root, "mini")
    with pytest.raises(ValueError, match="a bug in the row path"):
        load_actuals([root / "actuals" / "mini" / "a.csv"], plans, root)


def test_a_bug_in_converting_a_workbook_cell_is_not_a_damaged_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only openpyxl's reading becomes WorkbookError (KC001); our own cell conversion failing is a bug."""
    from openpyxl import Workbook  # noqa: PLC0415

    from kpicheck import workbook  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["indicator", "year", "value"])
    sheet.append(["rate", 2026, 0.65])
    out = io.BytesIO()
    book.save(out)

    def broken(*_: object) -> str:
        raise TypeError("a bug in _text")

    monkeypatch.setattr(workbook, "_text", broken)
    with pytest.raises(TypeError, match="a bug in _text"):
        list(workbook.read_rows(out.getvalue()))


def test_a_number_for_an_indicator_whose_targets_are_words_says_what_to_do(
    make_root: Callable[..., Path],
) -> None:
    """方針策定 (a milestone) with 95% typed: the message says to type 済/完了, or to declare a unit."""
    from kpicheck.validate import validate  # noqa: PLC0415

    (problem,) = [
        p for p in validate(make_root({"a.csv": "indicator,year,value\nplan,2026,95%\n"})) if p.code == "KC106"
    ]
    assert "は数値ですが" in problem.message and "済/完了" in problem.message and "単位 unit" in problem.message
