"""見込み (issue 24): each class at its band's edge, for targets to reach, upper bounds and running totals,
with and without a baseline and with a gap year; work items by schedule; the plan's own floors; the demo."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import MINI_PLAN, invoke
from kpicheck import outlook as outlook_module
from kpicheck.kinds.base import Context
from kpicheck.models import (
    Counts,
    Indicator,
    Metric,
    Outlook,
    OutlookBands,
    OutlookResult,
    Plan,
    Rule,
    RuleKind,
    Target,
)
from kpicheck.outlook import final_target, parse_bands
from kpicheck.render import to_dict
from kpicheck.render_summary import csv_row
from kpicheck.rules import evaluate
from kpicheck.summary import Totals, select_cities, summarize
from kpicheck.targets import load_plan
from kpicheck.workspace import load_city

HEADER = "indicator,metric,year,value,as_of,note\n"
AFTER_2026 = date(2027, 4, 1)  # FY2026 over: its per-year counts are whole
AFTER_2027 = date(2028, 4, 1)

# The mini plan's head (conftest.py), over five years, with the plan's settings and one indicator.
PLAN = MINI_PLAN.split("[[indicators]]")[0].replace("last_year = 2028\n", "last_year = 2030\n{settings}\n")
PLAN += '[[indicators]]\nid = "x"\ninitiative = "1-1"\nname = "指標"\n{indicator}\n'
SETTINGS_LINE = PLAN.splitlines().index("{settings}") + 1


def indicator(head: str, cells: dict[int, str]) -> str:
    """An indicator's keys and its cells for 2026-2030 (a year not given is blank, 対象外)."""
    rows = "\n".join(f'{year} = "{cells.get(year, "")}"' for year in range(2026, 2031))
    return f"{head}\n[indicators.targets]\n{rows}"


LEVEL_PERCENT = 'unit = "%"\ncounts = "level"'
UP = indicator(LEVEL_PERCENT, {2030: "80%"})
UP_FROM_40 = indicator(LEVEL_PERCENT + '\nbaseline = { value = "40%", year = "2025" }', {2030: "80%"})
DOWN_FROM_30 = indicator(
    'unit = "分"\ncounts = "level"\nbaseline = { value = "30分", year = "2025" }', {2030: "15分以内"}
)
CUMULATIVE = indicator('unit = "人"\ncounts = "cumulative"', {2030: "延べ900人"})
MILESTONE = indicator("", {2026: "方針策定", 2027: "運用継続", 2028: "運用継続"})


@pytest.fixture
def outlook(make_root: Callable[..., Path]) -> Callable[..., OutlookResult]:
    """The one indicator's 見込み, judged in `year` as of `as_of`, from the plan's indicator text and rows."""

    def judge(indicator: str, rows: str, year: int, as_of: date, settings: str = "") -> OutlookResult:
        plan = PLAN.format(settings=settings, indicator=indicator)
        root = make_root({"a.csv": HEADER + textwrap.dedent(rows)}, plan=plan)
        city = load_city(root, "mini")
        found = evaluate(city.plans[0], city.actuals, year, as_of).evaluations[0].outlook
        assert found is not None
        return found

    return judge


# Start 50 (the first actual, no baseline), 80% by 2030: projected = v + 3(v − 50), ratio = 4(v − 50) / 30.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("57.125", Outlook.ON_TRACK),  # exactly 0.95
        ("57.124", Outlook.NEEDS_ACCELERATION),
        ("53.75", Outlook.NEEDS_ACCELERATION),  # exactly 0.5
        ("53.749", Outlook.OFF_TRACK),
        ("50", Outlook.OFF_TRACK),  # exactly 0: flat
        ("49.999", Outlook.DETERIORATING),
    ],
)
def test_a_target_to_reach_without_a_baseline(outlook: Callable[..., OutlookResult], value: str, expected: str) -> None:
    found = outlook(UP, f"x,,2026,50,,\nx,,2027,{value},,\n", 2027, AFTER_2027)
    assert found.code is expected, found.reason
    assert found.start == Decimal(50) and found.final == Decimal(80) and found.final_year == 2030


def test_the_figures_of_a_projection(outlook: Callable[..., OutlookResult]) -> None:
    found = outlook(UP, "x,,2026,50,,\nx,,2027,57.125,,\n", 2027, AFTER_2027)
    assert (found.ratio, found.projected, found.unit) == (Decimal("0.95"), Decimal("78.5"), "%")
    assert found.points == ((2026, Decimal(50)), (2027, Decimal("57.125")))
    assert "必要な変化の 95%" in found.reason


# Baseline 40% (2025) and one actual: ratio = (v − 40) / 8.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("47.6", Outlook.ON_TRACK),
        ("47.599", Outlook.NEEDS_ACCELERATION),
        ("44", Outlook.NEEDS_ACCELERATION),
        ("43.999", Outlook.OFF_TRACK),
        ("40", Outlook.OFF_TRACK),
        ("39.999", Outlook.DETERIORATING),
    ],
)
def test_a_target_to_reach_from_a_baseline(outlook: Callable[..., OutlookResult], value: str, expected: str) -> None:
    found = outlook(UP_FROM_40, f"x,,2026,{value},,\n", 2026, AFTER_2026)
    assert found.code is expected, found.reason
    assert found.points[0] == (2025, Decimal(40)) and found.start == Decimal(40)


# An upper bound, 30分 (2025) to 15分以内 by 2030, mirrored: ratio = (30 − v) / 3.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("27.15", Outlook.ON_TRACK),
        ("27.151", Outlook.NEEDS_ACCELERATION),
        ("28.5", Outlook.NEEDS_ACCELERATION),
        ("28.501", Outlook.OFF_TRACK),
        ("30", Outlook.OFF_TRACK),
        ("30.001", Outlook.DETERIORATING),
    ],
)
def test_an_upper_bound_is_mirrored(outlook: Callable[..., OutlookResult], value: str, expected: str) -> None:
    found = outlook(DOWN_FROM_30, f"x,,2026,{value},,\n", 2026, AFTER_2026)
    assert found.code is expected, found.reason
    assert found.ceiling


# Running totals 100 and 100 + v toward 延べ900人: projected = 100 + 4v, ratio = 4v / 800 = v / 200.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("190", Outlook.ON_TRACK),
        ("189", Outlook.NEEDS_ACCELERATION),
        ("100", Outlook.NEEDS_ACCELERATION),
        ("99", Outlook.OFF_TRACK),
        ("0", Outlook.OFF_TRACK),
    ],
)
def test_a_running_total_is_projected_as_totals(
    outlook: Callable[..., OutlookResult], value: str, expected: str
) -> None:
    found = outlook(CUMULATIVE, f"x,,2026,100,,\nx,,2027,{value},,\n", 2027, AFTER_2027)
    assert found.code is expected, found.reason
    assert found.points == ((2026, Decimal(100)), (2027, Decimal(100) + Decimal(value)))


def test_a_running_total_with_a_gap_year_cannot_be_judged(outlook: Callable[..., OutlookResult]) -> None:
    """2027 missing is not 0: the totals from 2027 on are unknown."""
    found = outlook(CUMULATIVE, "x,,2026,100,,\nx,,2028,300,,\n", 2028, date(2029, 4, 1))
    assert found.code is Outlook.INSUFFICIENT_DATA
    assert "2027年度の実績がない" in found.reason and found.projected is None


def test_a_level_with_a_gap_year_uses_the_years_there_are(outlook: Callable[..., OutlookResult]) -> None:
    found = outlook(UP, "x,,2026,50,,\nx,,2028,70,,\n", 2028, date(2029, 4, 1))
    assert found.points == ((2026, Decimal(50)), (2028, Decimal(70)))
    assert (found.code, found.projected) == (Outlook.ON_TRACK, Decimal(90))


def test_a_count_of_a_year_still_running_is_left_out(outlook: Callable[..., OutlookResult]) -> None:
    """A running total in December is part of a year: it would bend the line down."""
    found = outlook(CUMULATIVE, "x,,2026,100,,\nx,,2027,10,,\n", 2027, date(2027, 12, 31))
    assert found.code is Outlook.INSUFFICIENT_DATA
    assert "2027年度は年度途中" in found.reason and found.points == ((2026, Decimal(100)),)


def test_one_point_cannot_make_a_trend(outlook: Callable[..., OutlookResult]) -> None:
    found = outlook(UP, "x,,2026,50,,\n", 2026, AFTER_2026)
    assert found.code is Outlook.INSUFFICIENT_DATA and "2年度分以上が必要" in found.reason


def test_a_row_not_known_on_the_as_of_date_is_not_a_point(outlook: Callable[..., OutlookResult]) -> None:
    found = outlook(UP, "x,,2026,50,,\nx,,2027,60,2028-03-31,\n", 2027, date(2028, 3, 30))
    assert found.code is Outlook.INSUFFICIENT_DATA and len(found.points) == 1


def test_a_final_target_already_met_stays_on_track(outlook: Callable[..., OutlookResult]) -> None:
    """Even with the line pointing down: 85% against 80% by 2030."""
    found = outlook(UP, "x,,2026,90,,\nx,,2027,85,,\n", 2027, AFTER_2027)
    assert found.code is Outlook.ON_TRACK and "既に満たしている" in found.reason


EARLY = indicator(LEVEL_PERCENT, {2028: "80%"})  # a final target due in 2028
PER_YEAR = indicator('unit = "回"\ncounts = "per_year"', dict.fromkeys(range(2026, 2031), "年4回以上"))


@pytest.mark.parametrize(
    ("rows", "expected", "said"),
    [
        ("x,,2026,50,,\nx,,2027,70,,\nx,,2028,79,,\n", Outlook.OFF_TRACK, "に届かなかった"),
        ("x,,2026,50,,\nx,,2027,60,,\nx,,2028,81,,\n", Outlook.ON_TRACK, "を満たした"),
    ],
)
def test_a_final_year_that_is_over_is_judged_by_its_actual(
    outlook: Callable[..., OutlookResult], rows: str, expected: Outlook, said: str
) -> None:
    """79% in 2028 against 80% due in 2028: missed, whatever a line through 50, 70, 79 says at 2028."""
    found = outlook(EARLY, rows, 2028, date(2029, 4, 30))
    assert found.code is expected and "最終目標年度（2028年度）の実績" in found.reason and said in found.reason


def test_a_count_per_year_met_once_is_not_met_for_good(outlook: Callable[..., OutlookResult]) -> None:
    """年4回以上 must be done every year: 5回 in 2026 says nothing of 2030 on its own."""
    found = outlook(PER_YEAR, "x,,2026,5,,\n", 2027, date(2027, 12, 31))
    assert found.code is Outlook.INSUFFICIENT_DATA and "既に満たしている" not in found.reason


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("x,,2026,48,,\nx,,2027,52,,\n", Outlook.ON_TRACK),  # the projection meets it
        ("x,,2026,52,,\nx,,2027,49,,\n", Outlook.DETERIORATING),  # the line goes down
    ],
)
def test_a_final_target_equal_to_start(outlook: Callable[..., OutlookResult], rows: str, expected: Outlook) -> None:
    """維持: start 50% and 50%以上 by 2030 leave no change to share; the projection, else the trend's sign."""
    plan = indicator(LEVEL_PERCENT + '\nbaseline = { value = "50%", year = "2025" }', {2030: "50%以上"})
    found = outlook(plan, rows, 2027, AFTER_2027)
    assert found.code is expected, found.reason
    assert found.ratio is None


def test_a_growth_target_has_no_final_number(outlook: Callable[..., OutlookResult]) -> None:
    plan = indicator('unit = "円"\ncounts = "per_year"', dict.fromkeys(range(2026, 2031), "前年比3%増"))
    found = outlook(plan, "x,,2025,100,,\nx,,2026,110,,\n", 2026, AFTER_2026)
    assert found.code is Outlook.INSUFFICIENT_DATA and "数値がない" in found.reason
    assert found.projected == Decimal(150)  # the line is still drawn


@pytest.mark.parametrize(
    ("rows", "as_of", "expected"),
    [
        ("x,,2027,実施中,,\n", date(2027, 12, 31), Outlook.ON_TRACK),
        ("x,,2027,未着手,,\n", date(2027, 12, 31), Outlook.NEEDS_ACCELERATION),  # 遅れ
        ("x,,2027,未着手,,\n", AFTER_2027, Outlook.OFF_TRACK),  # its year is over, not done
        ("", date(2027, 12, 31), Outlook.INSUFFICIENT_DATA),  # 実績未入力
    ],
)
def test_work_follows_its_schedule(
    outlook: Callable[..., OutlookResult], rows: str, as_of: date, expected: Outlook
) -> None:
    found = outlook(MILESTONE, rows, 2027, as_of)
    assert found.code is expected, found.reason
    assert found.ratio is None and found.projected is None  # never a projection of words


def test_a_year_without_a_step_looks_at_the_last_step(outlook: Callable[..., OutlookResult]) -> None:
    plan = indicator("", {2026: "方針策定", 2029: "導入"})
    found = outlook(plan, "x,,2026,完了,,\n", 2027, date(2027, 12, 31))
    assert found.code is Outlook.ON_TRACK and "2026年度の工程: 達成" in found.reason


def test_the_plan_sets_its_own_floors(outlook: Callable[..., OutlookResult]) -> None:
    """0.9 as on_track's floor: a ratio of 0.9 (v = 56.75) is 達成見込み there, 要加速 by default."""
    rows = "x,,2026,50,,\nx,,2027,56.75,,\n"
    assert outlook(UP, rows, 2027, AFTER_2027).code is Outlook.NEEDS_ACCELERATION
    own = outlook(UP, rows, 2027, AFTER_2027, settings="outlook = { on_track = 0.9 }")
    assert own.code is Outlook.ON_TRACK


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, OutlookBands(Decimal("0.95"), Decimal("0.5"), Decimal(0))),
        ("escap", OutlookBands(Decimal("0.95"), Decimal("0.5"), Decimal(0))),
        ({"on_track": 1, "off_track": -0.1}, OutlookBands(Decimal(1), Decimal("0.5"), Decimal("-0.1"))),
    ],
)
def test_floors_from_a_preset_or_a_table(value: object, expected: OutlookBands) -> None:
    assert parse_bands(value) == (expected, "")


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ('outlook = "sdg"', "プリセット名"),
        ("outlook = { on_track = 1.5 }", "-1 から 1 まで"),
        ("outlook = { on_track = true }", "-1 から 1 まで"),
        ("outlook = { needs_acceleration = 0.99 }", "on_track ＞ needs_acceleration ＞ off_track"),
        ("outlook = { fast = 0.9 }", "fast は使えません"),
        ("outlook = [0.9]", "プリセット名"),
    ],
)
def test_a_bad_outlook_setting_is_kc202(tmp_path: Path, setting: str, said: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.format(settings=setting, indicator=UP), encoding="utf-8")
    plan, problems = load_plan(path)
    assert [p.code for p in problems] == ["KC202"] and said in problems[0].message
    assert problems[0].line == SETTINGS_LINE  # the setting's own line
    assert plan is not None and plan.outlook == parse_bands(None)[0]


IN_2027 = date(2027, 12, 31)  # the plan's last year still running: its line is a projection


def test_the_demo_in_2027() -> None:
    """網走市 Ver2.0 on 2027-12-31, as its DX office would read it: 押印廃止 met this year's 70% but at
    one point a year will not reach 75% by 2030; SNS registrations grow, though not fast enough;
    the sites to implement are 遅れ this year; 観光消費額 (前年比) has no final number to project to."""
    root = Path(__file__).resolve().parent.parent
    city = load_city(root, "abashiri", 2027, keep_going=True)
    plan = next(p for p in city.plans if p.id == "abashiri-v2")
    report = evaluate(plan, city.actuals, 2027, date(2027, 12, 31), city.errors)
    found = {e.indicator.id: e.outlook.code for e in report.evaluations if e.outlook is not None}
    assert len(found) == len(report.evaluations)
    expected = {
        "2-1-1": Outlook.OFF_TRACK,  # 66% → 67%, 75% by 2030: 44% of the change
        "2-2-1": Outlook.NEEDS_ACCELERATION,  # 15,300 → 15,900名, 19,000名: 65%
        "2-1-3": Outlook.ON_TRACK,  # 8 → 9件, 12件: exactly on the line
        "2-1-5": Outlook.NEEDS_ACCELERATION,  # サイト実装 未着手: 遅れ
        "1-2-1": Outlook.INSUFFICIENT_DATA,  # 前年比3%増
        "3-1-1": Outlook.INSUFFICIENT_DATA,  # 5回 in 2026 against 年4回以上: to be done again each year
        "3-5-2": Outlook.INSUFFICIENT_DATA,  # its first audit is in 2028
    }
    assert {key: found[key] for key in expected} == expected


def test_the_json_gives_every_indicator_its_outlook(make_root: Callable[..., Path]) -> None:
    """Per indicator the 見込み keys; beside `summary` a count per outlook that adds up to the indicators."""
    root = make_root({"a.csv": HEADER + "rate,,2026,60,,\nrate,,2027,66,,\n"})
    city = load_city(root, "mini")
    found = to_dict(evaluate(city.plans[0], city.actuals, 2027, IN_2027))
    assert sum(found["outlooks"].values()) == len(found["indicators"])
    assert list(found["outlooks"]) == [o.value for o in Outlook]
    rate = next(i for i in found["indicators"] if i["id"] == "rate")
    # 60% → 66%, 70% in 2027 (the plan's last cell): 6 of the 10 points required
    assert {k: rate[k] for k in ("outlook", "outlook_label", "outlook_ratio", "projected", "final_target_year")} == {
        "outlook": "needs_acceleration",
        "outlook_label": "要加速",
        "outlook_ratio": 0.6,
        "projected": 66,
        "final_target_year": 2027,
    }
    assert rate["outlook_reason"].endswith("必要な変化の 60%")


def test_summary_counts_outlooks_per_city_and_in_total(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": HEADER + "rate,,2026,60,,\nrate,,2027,66,,\n"})
    rows = list(summarize(select_cities(root, None), 2027, IN_2027))
    totals = Totals()
    for row in rows:
        totals.add(row)
    assert rows[0]["outlooks"]["needs_acceleration"] >= 1
    assert sum(rows[0]["outlooks"].values()) == rows[0]["indicators"]
    assert totals.as_dict()["outlooks"] == rows[0]["outlooks"]
    line = csv_row(rows[0]).decode("utf-8").rstrip("\r\n").split(",")
    assert line[-5:] == [str(rows[0]["outlooks"][o.value]) for o in Outlook]


def test_status_outlook_adds_the_column_to_the_table_and_the_csv(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": HEADER + "rate,,2026,60,,\nrate,,2027,66,,\n"})
    args = ("status", "--root", str(root), "--city", "mini", "--year", "2027", "--as-of", "2027-12-31")
    plain_table, table = invoke(*args), invoke(*args, "--outlook")
    assert (plain_table.exit_code, table.exit_code) == (0, 0)
    assert "見込み" not in plain_table.stdout
    row = next(line for line in table.stdout.splitlines() if line.startswith("rate "))
    assert row.rstrip().endswith("要加速")
    assert "見込み: 達成見込み 0、要加速 1、" in table.stdout
    result = invoke(*args, "--outlook", "--format", "csv")
    lines = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert lines[0][-3:] == ["見込み", "見込みの理由", "status"]
    rate = next(line for line in lines if line[0] == "rate")
    assert (rate[-3], rate[-1]) == ("要加速", "on_track") and rate[-2].endswith("必要な変化の 60%")


def test_the_report_draws_the_projection_dashed_to_the_final_year() -> None:
    """網走 2-1-1: two actuals (2026, 2027), the yearly targets to 2030, the line dashed from 2027 to 2030."""
    args = ("report", "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31", "--format", "html")
    result = invoke(*args)
    assert result.exit_code == 0
    row = result.stdout.split('data-id="2-1-1"', 1)[1].split("</tbody>", 1)[0]
    chart = row.split('class="chart chart-outlook"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('class="target"') == 5 and chart.count("<circle") == 3  # 2 actuals, the projection's end
    assert 'class="projection"' in chart and 'stroke-dasharray="4 3"' in chart
    assert ">2026</text>" in chart and ">2030</text>" in chart
    assert "達成困難（比 0.444）" in row
    work = result.stdout.split('data-id="2-1-5"', 1)[1].split("</tbody>", 1)[0]
    assert "chart-outlook" not in work and "要加速" in work  # a work item: no line of words


def _row_of(value: str, metric: str = "value") -> dict[int, Target]:
    """A row of cells with one target, 2030's: `value`% to reach (the text printed as 65%)."""
    rule = Rule(RuleKind.THRESHOLD, "65%", metric, Decimal(value), "%", counts=Counts.LEVEL)
    return {2030: Target(2030, "65%", (rule,))}


def test_a_rows_final_target_and_yearly_targets_are_its_own() -> None:
    """What a row of cells decides is worked out once per row (indicators with equal rows share one), kept by
    the row's own objects: rows equal as values but not the same (65 == 65.0, printed otherwise) each give
    their own rule and number, and a shared row gives each metric its own."""
    shared = {**_row_of("65"), 2029: _row_of("60", "other")[2030]._replace(year=2029)}
    metrics = (Metric("value", "", "%", Counts.LEVEL), Metric("other", "", "%", Counts.LEVEL))
    made = [
        Indicator(name, name, "1", "1-1", (), metrics, targets)
        for name, targets in (("a", _row_of("65")), ("b", _row_of("65.0")), ("c", shared), ("d", shared))
    ]
    plan = Plan("p", "mini", "", "", 2026, 2030, (), (), tuple(made))
    for _ in range(2):  # worked out, then found
        shown = []
        for item in made:
            found = outlook_module._row(plan, item, "value").final
            assert found is not None
            year, rule = found
            assert rule is item.targets[2030].rules[0]
            ctx = Context(plan, item, metrics[0], 2027, date(2027, 12, 31), {})
            shown.append((year, [str(goal) for _, goal in outlook_module._yearly_targets(ctx, year)]))
        assert shown == [(2030, ["65"]), (2030, ["65.0"]), (2030, ["65"]), (2030, ["65"])]
        assert outlook_module._row(plan, made[2], "other").final == (2029, shared[2029].rules[0])
        assert final_target(made[3], "other") == (2029, shared[2029].rules[0])
