"""Fiscal years, era years, deadlines and the share of a period gone."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpicheck import periods
from kpicheck.periods import (
    canonical_id,
    days_gone,
    fiscal_year_of,
    id_flaw,
    parse_date,
    parse_due,
    parse_year,
    wareki,
)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2027", 2027),
        ("2027年度", 2027),
        ("FY2027", 2027),
        ("fy 2027", 2027),
        ("２０２７年度", 2027),
        ("R9", 2027),
        ("r9", 2027),
        ("令和9年度", 2027),
        ("令和９年度", 2027),
        ("令和元年度", 2019),
        ("R1", 2019),
        ("H30", 2018),
        ("平成30年度", 2018),
    ],
)
def test_parse_year_reads_western_and_era_years(text: str, year: int) -> None:
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["", "27", "令和", "R0", "2027-04", "二〇二七", "FY", "1800"])
def test_parse_year_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match=r"年度として読めません|年度としてありえない|元年"):
        parse_year(text)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("R7末", date(2026, 3, 31)),
        ("R3末", date(2022, 3, 31)),
        ("R3", date(2022, 3, 31)),
        ("令和７年度末", date(2026, 3, 31)),
        ("令和7年度末時点", date(2026, 3, 31)),
        ("2025年度末", date(2026, 3, 31)),
        ("計画期間内", date(2031, 3, 31)),
    ],
)
def test_parse_due_gives_the_last_day_of_the_fiscal_year(text: str, due: date) -> None:
    assert parse_due(text, plan_last_year=2030) == due


def test_parse_due_refuses_a_non_date() -> None:
    with pytest.raises(ValueError):
        parse_due("いつか", 2030)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2027-09-30", date(2027, 9, 30)),
        ("2027/9/30", date(2027, 9, 30)),
        ("2027年9月30日", date(2027, 9, 30)),
        ("令和9年9月30日", date(2027, 9, 30)),
        ("R9.9.30", date(2027, 9, 30)),
    ],
)
def test_parse_date(text: str, day: date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2027, 4, 1), 2027), (date(2028, 3, 31), 2027), (date(2027, 3, 31), 2026), (date(2027, 12, 31), 2027)],
)
def test_fiscal_year_starts_in_april(day: date, year: int) -> None:
    assert fiscal_year_of(day) == year


def test_days_gone_counts_whole_days_and_clips() -> None:
    start, end = date(2027, 4, 1), date(2028, 3, 31)  # 366 days: 2028 is a leap year
    assert days_gone(start, end, date(2027, 4, 1)) == (1, 366)
    assert days_gone(start, end, end) == (366, 366)
    assert days_gone(start, end, date(2026, 1, 1)) == (0, 366)
    assert days_gone(start, end, date(2030, 1, 1)) == (366, 366)
    assert days_gone(end, start, end) == (1, 1)  # an empty period is all gone


@pytest.mark.parametrize(("year", "label"), [(2027, "令和9年度"), (2019, "令和元年度"), (2018, "平成30年度")])
def test_wareki(year: int, label: str) -> None:
    assert wareki(year) == label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027/9/30", date(2027, 9, 30)),
        ("2027.9.30", date(2027, 9, 30)),
        ("2027年9月30日", date(2027, 9, 30)),
        ("２０２７／９／３０", date(2027, 9, 30)),
        ("2027-09-30 00:00:00", date(2027, 9, 30)),  # an Excel date cell saved as CSV
    ],
)
def test_western_dates_as_staff_type_them(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["9/30", "2027-02-30", "30/9/2027", "next friday"])
def test_dates_without_a_year_first_or_impossible_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"日付として読めません|存在しない日付です"):
        parse_date(text)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("1-1-1", "1-1-1"),
        (" 1-1-1 ", "1-1-1"),
        ("１－１－１", "1-1-1"),  # full-width digits and hyphen-minus
        ("1−1−1", "1-1-1"),  # U+2212 minus
        ("1‐1‐1", "1-1-1"),  # U+2010 hyphen
        ("1‑1", "1-1"),  # U+2011 non-breaking hyphen
        ("1‒1–1—1―1", "1-1-1-1-1"),  # U+2012-2015
        ("1﹣1﹘1", "1-1-1"),  # small hyphen-minus, small em dash
        ("1ー1ー1", "1-1-1"),  # the long mark an IME gives for a dash between digits
        ("1ｰ1", "1-1"),  # its half-width form
        ("ー1", "-1"),
        ("データ-1", "データ-1"),  # a long mark after kana is a vowel mark: kept
        ("ユーザー数", "ユーザー数"),
        ("1\u200b-1-1", "1-1-1"),  # zero-width space
        ("1-\u200d1\u200c-1\u2060", "1-1-1"),  # joiners, word joiner
        ("\ufeff1-1-1", "1-1-1"),  # BOM
        ("1\u00ad-1", "1-1"),  # soft hyphen
        ("1-1\u202e", "1-1"),  # bidi override
        ("A\ufe0f-1", "A-1"),  # variation selector
        ("1-1\x07\x1b", "1-1"),  # controls
        ("abashiri-v2", "abashiri-v2"),
    ],
)
def test_ids_are_compared_in_one_canonical_form(written: str, canonical: str) -> None:
    assert canonical_id(written) == canonical
    assert canonical_id(canonical) == canonical  # idempotent


def test_a_nul_in_an_id_is_a_flaw_to_report_not_a_character_to_drop() -> None:
    flaw = id_flaw("1-1\x00-1")
    assert flaw is not None
    assert "NUL" in flaw
    assert "\\x00" in flaw  # shown, so the line says where
    assert id_flaw("1−1\u200b") is None  # those canonical_id removes in silence
    assert canonical_id("1-1\x00-1") == "1-1-1"  # what the id would have become without the problem


# The short cuts that spare a start-up its patterns (issue 23) read what the patterns read.
DIGITS_AND_MORE = st.text(alphabet=st.sampled_from("0123456789０９٠٩²-/.年度FYRH令和元 \n"), max_size=12)


def _year_by_pattern(text: str) -> int | str:
    """parse_year as it read every text before the short cut: through _YEAR (the year, or the error)."""
    match = re.compile(periods._YEAR, re.VERBOSE).match(periods.normalize(text))
    if not match or not match["western"]:
        try:
            return parse_year.__wrapped__(text)
        except ValueError as exc:
            return str(exc)
    year = int(match["western"])
    return year if 1900 <= year <= 2200 else f"{text!r} は年度としてありえない値です"


@given(DIGITS_AND_MORE)
def test_four_digits_read_as_the_year_pattern_reads_them(text: str) -> None:
    try:
        found: int | str = parse_year.__wrapped__(text)
    except ValueError as exc:
        found = str(exc)
    assert found == _year_by_pattern(text)


@given(DIGITS_AND_MORE)
def test_an_iso_date_is_told_as_the_pattern_tells_it(text: str) -> None:
    assert periods._iso_shaped(text) == bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))


@pytest.mark.parametrize(
    ("text", "year"), [("2027", 2027), ("٢٠٢٧", 2027), ("²０２７", 2027), ("1899", None), ("2201", None)]
)
def test_four_digit_years_and_their_errors(text: str, year: int | None) -> None:
    try:
        found: int | str = parse_year.__wrapped__(text)
    except ValueError as exc:
        found = str(exc)
    assert found == _year_by_pattern(text)
    assert found == year if year else "ありえない値" in str(found)
