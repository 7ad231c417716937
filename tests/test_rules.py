"""Statuses per rule kind at their boundaries: on the threshold, one below, the year's last day, the next day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from kpicheck.models import Status
from kpicheck.rules import at_or_worse, evaluate, worst
from kpicheck.workspace import load_city

HEADER = "indicator,metric,year,value,as_of,note\n"
LAST_DAY_2026 = date(2027, 3, 31)
NEXT_DAY = date(2027, 4, 1)


def statuses(root: Path, year: int, as_of: date) -> dict[str, str]:
    city = load_city(root, "mini")
    report = evaluate(city.plans[0], city.actuals, year, as_of)
    return {e.indicator.id: e.status.value for e in report.evaluations}


@pytest.fixture
def run(make_root: Callable[..., Path]) -> Callable[[str, int, date], dict[str, str]]:
    def go(rows: str, year: int, as_of: date) -> dict[str, str]:
        return statuses(make_root({"a.csv": HEADER + rows}), year, as_of)

    return go


@pytest.mark.parametrize(
    ("value", "as_of", "expected"),
    [
        ("65", NEXT_DAY, "achieved"),  # exactly on the threshold meets it
        ("65.0", NEXT_DAY, "achieved"),
        ("64.9", NEXT_DAY, "missed"),  # one below, after the year
        ("64.9", LAST_DAY_2026, "behind"),  # the year's last day: still running, no baseline to pace from
        ("100", date(2026, 4, 1), "achieved"),
    ],
)
def test_rate_level(run: Callable[..., dict[str, str]], value: str, as_of: date, expected: str) -> None:
    assert run(f"rate,,2026,{value},,\n", 2026, as_of)["rate"] == expected


def test_level_paces_from_last_years_actual(run: Callable[..., dict[str, str]]) -> None:
    # 2027 target 70% from 2026's 60%: by Sep 30 (183 of 366 days) the pace value is 65%.
    rows = "rate,,2026,60,,\nrate,,2027,65,2027-09-30,\n"
    assert run(rows, 2027, date(2027, 10, 1))["rate"] == "on_track"  # exactly on pace
    rows = "rate,,2026,60,,\nrate,,2027,61.75,2027-09-30,\n"
    assert run(rows, 2027, date(2027, 10, 1))["rate"] == "on_track"  # exactly 95% of the pace value
    rows = "rate,,2026,60,,\nrate,,2027,61.74,2027-09-30,\n"
    assert run(rows, 2027, date(2027, 10, 1))["rate"] == "behind"
    rows = "rate,,2026,60,,\nrate,,2027,59.9,2027-09-30,\n"
    assert run(rows, 2027, date(2027, 10, 1))["rate"] == "behind"  # below where the year started


def test_tolerance_is_on_the_pace_value_itself(run: Callable[..., dict[str, str]]) -> None:
    # From 2026's 0% to 70%: by Sep 30 the pace value is 35%, and 95% of it 33.25%.
    rows = "rate,,2026,0,,\nrate,,2027,{},2027-09-30,\n"
    assert run(rows.format("33.25"), 2027, date(2027, 10, 1))["rate"] == "on_track"
    assert run(rows.format("33.24"), 2027, date(2027, 10, 1))["rate"] == "behind"


def test_a_level_without_last_years_actual_or_a_baseline_is_unrated_mid_year(
    run: Callable[..., dict[str, str]],
) -> None:
    """Last year's target (65%) says where the level should have been, not where it was: no start to pace
    from, so 評価不能 while the year runs (it was paced from the target); met, or after the year, judged."""
    assert run("rate,,2027,65,2027-09-30,\n", 2027, date(2027, 10, 1))["rate"] == "unrated"
    assert run("rate,,2027,64.9,2027-09-30,\n", 2027, date(2027, 10, 1))["rate"] == "unrated"
    assert run("rate,,2027,70,2027-09-30,\n", 2027, date(2027, 10, 1))["rate"] == "achieved"
    assert run("rate,,2027,64.9,2027-09-30,\n", 2027, date(2028, 4, 1))["rate"] == "missed"


@pytest.mark.parametrize(
    ("value", "as_of", "expected"),
    [
        ("4", date(2026, 5, 1), "achieved"),  # met early
        ("0", date(2026, 6, 30), "on_track"),  # pace in whole events: ⌊4 x 91/365⌋ = 0, nothing due yet
        ("1", date(2026, 9, 29), "on_track"),  # ⌊4 x 182/365⌋ = 1
        ("1", date(2026, 9, 30), "behind"),  # ⌊4 x 183/365⌋ = 2, and 1 < 95% of 2
        ("2", date(2026, 9, 30), "on_track"),
        ("3", LAST_DAY_2026, "behind"),  # the year's last day: the target itself, exactly
        ("3", NEXT_DAY, "missed"),
    ],
)
def test_per_year_count_paces_from_zero(
    run: Callable[..., dict[str, str]], value: str, as_of: date, expected: str
) -> None:
    assert run(f"count,,2026,{value},,\n", 2026, as_of)["count"] == expected


@pytest.mark.parametrize(
    ("value", "as_of", "expected"),
    [
        ("済", LAST_DAY_2026, "achieved"),
        ("○", NEXT_DAY, "achieved"),
        ("実施中", LAST_DAY_2026, "on_track"),
        ("未着手", LAST_DAY_2026, "behind"),
        ("実施中", NEXT_DAY, "missed"),
        ("×", NEXT_DAY, "missed"),
    ],
)
def test_milestone(run: Callable[..., dict[str, str]], value: str, as_of: date, expected: str) -> None:
    assert run(f"plan,,2026,{value},,\n", 2026, as_of)["plan"] == expected


def test_growth_needs_last_years_actual(run: Callable[..., dict[str, str]]) -> None:
    assert run("spend,,2026,103,,\n", 2026, NEXT_DAY)["spend"] == "unrated"  # entered, but nothing to grow from
    assert run("", 2026, NEXT_DAY)["spend"] == "no_data"


@pytest.mark.parametrize(("value", "expected"), [("103", "achieved"), ("102.99", "missed"), ("150", "achieved")])
def test_growth_is_exact(run: Callable[..., dict[str, str]], value: str, expected: str) -> None:
    # last year may lie before the plan: 2025 is the baseline row for the plan starting 2026
    rows = f"spend,,2025,100,,\nspend,,2026,{value},,\n"
    assert run(rows, 2026, NEXT_DAY)["spend"] == expected


def test_segments_take_the_worst_part(run: Callable[..., dict[str, str]]) -> None:
    rows = "school,es,2026,50,,\nschool,js,2026,29,,\n"
    assert run(rows, 2026, NEXT_DAY)["school"] == "missed"
    rows = "school,es,2026,50,,\nschool,js,2026,30,,\n"
    assert run(rows, 2026, NEXT_DAY)["school"] == "achieved"
    rows = "school,es,2026,50,,\n"
    assert run(rows, 2026, NEXT_DAY)["school"] == "no_data"


def test_blank_dash_and_deferred_targets(run: Callable[..., dict[str, str]]) -> None:
    got = run("", 2028, date(2029, 4, 1))
    assert got["rate"] == "not_applicable"  # ""
    assert got["count"] == "not_applicable"  # "-"
    assert got["plan"] == "tbd"  # (検討結果により設定)


def test_no_row_is_no_data(run: Callable[..., dict[str, str]]) -> None:
    assert run("", 2026, NEXT_DAY)["rate"] == "no_data"


def test_a_row_dated_after_as_of_is_not_known_yet(run: Callable[..., dict[str, str]]) -> None:
    rows = "count,,2026,4,2026-12-31,\n"
    assert run(rows, 2026, date(2026, 12, 31))["count"] == "achieved"
    assert run(rows, 2026, date(2026, 12, 30))["count"] == "no_data"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([Status.ACHIEVED, Status.MISSED], Status.MISSED),
        ([Status.ON_TRACK, Status.BEHIND], Status.BEHIND),
        ([Status.ACHIEVED, Status.NOT_APPLICABLE], Status.ACHIEVED),
        ([Status.TBD, Status.NOT_APPLICABLE], Status.TBD),
        ([Status.NO_DATA, Status.ON_TRACK], Status.NO_DATA),
        ([], Status.NOT_APPLICABLE),
    ],
)
def test_worst(parts: list[Status], expected: Status) -> None:
    assert worst(parts) is expected


def test_notes_of_rows_not_yet_known_do_not_show(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": HEADER + "count,,2026,4,2026-12-01,後から分かった値\n"})
    city = load_city(root, "mini")
    (early,) = [
        e
        for e in evaluate(city.plans[0], city.actuals, 2026, date(2026, 6, 1)).evaluations
        if e.indicator.id == "count"
    ]
    (late,) = [
        e
        for e in evaluate(city.plans[0], city.actuals, 2026, date(2026, 12, 1)).evaluations
        if e.indicator.id == "count"
    ]
    assert (early.status.value, early.note) == ("no_data", "")
    assert (late.status.value, late.note) == ("achieved", "後から分かった値")


@pytest.mark.parametrize(
    ("year", "as_of", "status", "expected"),
    [
        (2026, NEXT_DAY, Status.MISSED, ["rate"]),
        (2026, NEXT_DAY, Status.BEHIND, ["rate"]),  # missed is worse than behind
        (2027, date(2027, 12, 31), Status.MISSED, []),
        (2027, date(2027, 12, 31), Status.BEHIND, ["count"]),  # rate is on track
        (2027, date(2027, 12, 31), Status.NO_DATA, ["count", "plan", "spend", "school"]),
    ],
)
def test_fail_on_takes_the_status_and_every_worse_one(
    make_root: Callable[..., Path], year: int, as_of: date, status: Status, expected: list[str]
) -> None:
    """--fail-on's verdict as data: the evaluations at or worse than the status, in the plan's order."""
    rows = "rate,,2026,60,,\ncount,,2026,5,,\nrate,,2027,66,,\ncount,,2027,1,,\n"
    city = load_city(make_root({"a.csv": HEADER + rows}), "mini")
    report = evaluate(city.plans[0], city.actuals, year, as_of)
    assert [e.indicator.id for e in at_or_worse(report, status)] == expected
