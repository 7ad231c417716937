"""達成率, 進捗率 and grades (評価): every band edge, at-least, upper-bound and reduction targets, with and
without a baseline; scales declared in a plan; the office's words through CSV, CP932 and .xlsx; the
評価シート report of a graded plan."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from test_report import markdown_html, parse_html, tables
from wcwidth import wcswidth

from conftest import MINI_PLAN, REPO, invoke
from kpicheck import grading
from kpicheck.grading import (
    PRESETS,
    achievement_rate,
    grade_counts,
    indicator_change,
    metric_grade,
    pace_rate,
    progress_rate,
    rate_of,
)
from kpicheck.models import Change, MetricResult, ReductionRate, Report, Scale, Status, kanji_quantity, quantity
from kpicheck.render import render_csv, render_json, render_table
from kpicheck.report import ReportFormat, render_report
from kpicheck.report_context import scale_definition, year_context
from kpicheck.rules import evaluate
from kpicheck.summary import city_row
from kpicheck.targets import load_plan
from kpicheck.workspace import load_city

D = Decimal


def result(
    actual: str | None,
    goal: str | None,
    status: Status = Status.ACHIEVED,
    *,
    ceiling: bool = False,
    baseline: str | None = None,
    pace: str | None = None,
) -> MetricResult:
    return MetricResult(
        id="value",
        name="",
        target="",
        actual=None if actual is None else D(actual),
        actual_text="",
        status=status,
        reason="",
        pace=None if pace is None else D(pace),
        goal=None if goal is None else D(goal),
        ceiling=ceiling,
        baseline=None if baseline is None else D(baseline),
    )


def grade(scale: str | Scale, one: MetricResult) -> str | None:
    band = metric_grade(PRESETS[scale] if isinstance(scale, str) else scale, one)
    return None if band is None else band.grade


# ------------------------------------------------------------------------------------------ rates


@pytest.mark.parametrize(
    ("actual", "goal", "ceiling", "expected"),
    [
        ("52", "65", False, "80.0"),  # 実績 ÷ 目標
        ("65", "65", False, "100.0"),
        ("0", "65", False, "0.0"),
        ("2", "3", False, "66.7"),  # rounded half up to 0.1
        ("15", "15", True, "100.0"),  # an upper bound met exactly
        ("12", "15", True, "120.0"),  # (2 − 12/15) × 100
        ("0", "15", True, "200.0"),  # the best an upper bound can do
        ("30", "15", True, "0.0"),  # twice the bound: 0, never negative past it
        ("45", "15", True, "0.0"),
        ("0", "0", True, "100.0"),  # 0件 kept
        ("1", "0", True, "0.0"),  # 0件 broken
    ],
)
def test_achievement_rate(actual: str, goal: str, ceiling: bool, expected: str) -> None:
    assert achievement_rate(result(actual, goal, ceiling=ceiling)) == D(expected)


def test_no_rate_without_a_number_or_a_target_above_zero() -> None:
    assert achievement_rate(result(None, "65")) is None
    assert achievement_rate(result("5", None)) is None
    assert achievement_rate(result("5", "0")) is None  # "0以上" has no rate
    assert achievement_rate(result("5", "10", Status.NOT_APPLICABLE)) is None
    assert rate_of(D(-10), D(50), ceiling=False) == 0  # a reduction that went the wrong way: 0, not negative


@pytest.mark.parametrize(
    ("actual", "goal", "baseline", "ceiling", "expected"),
    [
        ("69.5", "100", "39", False, "50.0"),  # 39% → 100%: half way; 実績 ÷ 目標 would say 69.5%
        ("39", "100", "39", False, "0.0"),
        ("30", "100", "39", False, "-14.8"),  # worse than the baseline: negative, as a sheet would say
        ("45", "30", "60", True, "50.0"),  # 60分 → 30分以内, at 45分: half way down
        ("30", "30", "60", True, "100.0"),
    ],
)
def test_progress_rate_from_the_baseline(actual: str, goal: str, baseline: str, ceiling: bool, expected: str) -> None:
    assert progress_rate(result(actual, goal, ceiling=ceiling, baseline=baseline)) == D(expected)


def test_no_progress_rate_without_a_baseline_or_when_it_equals_the_target() -> None:
    assert progress_rate(result("50", "100")) is None
    assert progress_rate(result("50", "100", baseline="100")) is None


# ------------------------------------------------------------------------------------------ reduction_rate

# Issue 19: cities compute an upper bound's (15分以内, 0件) 達成率 in different ways, so a plan says which:
# `reduction_rate = "mirror"` (kpicheck's default), "ratio" (目標 ÷ 実績) or "baseline" (from the 基準値).
MIRROR, RATIO, FROM_BASELINE = ReductionRate.MIRROR, ReductionRate.RATIO, ReductionRate.BASELINE


@pytest.mark.parametrize(
    ("method", "actual", "goal", "baseline", "expected"),
    [
        (MIRROR, "12", "15", None, "120.0"),  # (2 − 12/15) × 100, as before
        (MIRROR, "0", "15", None, "200.0"),
        (RATIO, "12", "15", None, "125.0"),  # 15 ÷ 12
        (RATIO, "15", "15", None, "100.0"),  # at the bound
        (RATIO, "30", "15", None, "50.0"),  # twice the bound: 50%, not 0% as the mirror says
        (RATIO, "7.5", "15", None, "200.0"),
        (RATIO, "0", "15", None, None),  # 15 ÷ 0 has no number: no rate (the grade: beyond_every_band)
        (RATIO, "0", "0", None, "100.0"),  # 0件 kept: at the bound, 100% (as the mirror)
        (RATIO, "1", "0", None, "0.0"),  # 0件 broken: 0 ÷ 1
        (FROM_BASELINE, "45", "30", "60", "50.0"),  # 60分 → 30分以内 at 45分: half way down
        (FROM_BASELINE, "30", "30", "60", "100.0"),
        (FROM_BASELINE, "0", "30", "60", "200.0"),
        (FROM_BASELINE, "70", "30", "60", "0.0"),  # worse than the baseline: 0, never negative
        (FROM_BASELINE, "2", "0", "5", "60.0"),  # 5件 → 0件 at 2件: a bound of 0 has a rate here
        (FROM_BASELINE, "20", "30", None, None),  # no 基準値, no rate
        (FROM_BASELINE, "20", "30", "30", None),  # a 基準値 at the target: no way to cover
        (FROM_BASELINE, "20", "30", "25", None),  # a 基準値 already under the target
    ],
)
def test_an_upper_bounds_rate_by_the_plans_formula(
    method: ReductionRate, actual: str, goal: str, baseline: str | None, expected: str | None
) -> None:
    found = achievement_rate(result(actual, goal, ceiling=True, baseline=baseline), method)
    assert found == (None if expected is None else D(expected))


def test_the_formula_is_for_upper_bounds_only() -> None:
    """A target to reach, 削減率50% among them, is 実績 ÷ 目標 whatever the plan's reduction_rate."""
    for method in ReductionRate:
        assert achievement_rate(result("40", "50", baseline="10"), method) == D("80.0")


def test_the_pace_rate_uses_the_same_formula() -> None:
    # 12分 against a pace value of 18分 on the way from 20分 to 15分以内
    in_year = result("12", "15", Status.ON_TRACK, ceiling=True, pace="18", baseline="20")
    assert [pace_rate(in_year, m) for m in ReductionRate] == [D("133.3"), D("150.0"), D("400.0")]


@pytest.mark.parametrize(
    ("actual", "status", "expected"),
    [
        ("0", Status.ACHIEVED, "A"),  # 目標 ÷ 0: no rate, but better than any actual above 0, so the top band
        ("1", Status.ACHIEVED, "A"),  # 15 ÷ 1 = 1500%
        ("15", Status.ACHIEVED, "B"),
        ("15.8", Status.MISSED, "C"),  # 94.9%
    ],
)
def test_ratio_grades_zero_above_every_actual(actual: str, status: Status, expected: str) -> None:
    one = result(actual, "15", status, ceiling=True)
    assert grade_of(PRESETS["A-D"], one, RATIO) == expected
    assert grading.beyond_every_band(one, RATIO) is (actual == "0")
    assert not grading.beyond_every_band(one, MIRROR)


def grade_of(scale: Scale, one: MetricResult, method: ReductionRate) -> str | None:
    band = metric_grade(scale, one, method)
    return None if band is None else band.grade


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("", MIRROR), ('reduction_rate = "mirror"', MIRROR), ('reduction_rate = "ratio"', RATIO),
     ('reduction_rate = "baseline"', FROM_BASELINE)],
)  # fmt: skip
def test_a_plan_names_its_reduction_rate(tmp_path: Path, setting: str, expected: ReductionRate) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(plan_with(setting), encoding="utf-8")
    plan, problems = load_plan(path)
    assert problems == [] and plan is not None
    assert plan.reduction_rate is expected


@pytest.mark.parametrize("setting", ['reduction_rate = "inverse"', "reduction_rate = 2", 'reduction_rate = "Ratio"'])
def test_an_unknown_reduction_rate_is_kc202_listing_the_three(tmp_path: Path, setting: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(plan_with(setting), encoding="utf-8")
    plan, problems = load_plan(path)
    assert [(p.code, p.line) for p in problems] == [("KC202", 9)]
    assert "reduction_rate は mirror、ratio、baseline のどれかにしてください" in problems[0].message
    assert plan is not None and plan.reduction_rate is MIRROR


# ------------------------------------------------------------------------------------------ A-D


@pytest.mark.parametrize(
    ("actual", "goal", "ceiling", "expected"),
    [
        ("95", "100", False, "B"),  # exactly 95%: B (95–110%)
        ("94.9", "100", False, "C"),
        ("94.95", "100", False, "B"),  # shown as 95.0%, graded as shown
        ("110", "100", False, "B"),  # exactly 110%: B (A is over 110%)
        ("110.1", "100", False, "A"),
        ("200", "100", False, "A"),
        ("15.75", "15", True, "B"),  # an upper bound at (2 − 1.05) = 95%
        ("15.76", "15", True, "C"),
        ("13.5", "15", True, "B"),  # 110% under a ceiling
        ("13.4", "15", True, "A"),
    ],
)
def test_a_to_d_at_every_band_edge(actual: str, goal: str, ceiling: bool, expected: str) -> None:
    status = Status.ACHIEVED if expected in "AB" else Status.MISSED
    assert grade("A-D", result(actual, goal, status, ceiling=ceiling)) == expected


def test_a_to_d_in_the_year_grades_against_the_pace_value() -> None:
    # 順調 at 48 when the pace value is 50 (96%): B, although 48 is 74% of the year's target 65
    assert grade("A-D", result("48", "65", Status.ON_TRACK, pace="50")) == "B"
    assert grade("A-D", result("40", "65", Status.BEHIND, pace="50")) == "C"
    # the scale decides: 96% of the pace value is B even where the status is 遅れ (a level that fell
    # below where the year started), and a target missed at 99.4% is B (95–110%) though 未達成
    assert grade("A-D", result("48", "65", Status.BEHIND, pace="50")) == "B"
    assert grade("A-D", result("99.4", "100", Status.MISSED)) == "B"


def test_a_to_d_for_targets_without_a_number_and_without_an_actual() -> None:
    assert grade("A-D", result(None, None, Status.ACHIEVED)) == "B"  # 方針策定 done
    assert grade("A-D", result(None, None, Status.ON_TRACK)) == "B"
    assert grade("A-D", result(None, None, Status.MISSED)) == "C"
    assert grade("A-D", result(None, "65", Status.NO_DATA)) == "D"  # 評価できない
    assert grade("A-D", result(None, None, Status.TBD)) == "D"
    assert grade("A-D", result(None, None, Status.NOT_APPLICABLE)) is None  # no target this year: not graded
    assert grade("A-D", result(None, "65", Status.UPCOMING)) is None


# ------------------------------------------------------------------------------------------ S-C, ◎○△×


# 長与町 第9次総合計画 数値目標評価 (令和元年度施策評価の概要, webtown.nagayo.jp/kiji0032107): S 目標値を超えて
# いる, A 基準値を超えている, B 基準値と同水準である（△10%以内）, C 基準値より下落している, － 評価できない.
# △ is minus: any improvement is A; B is the baseline or up to 10% below it (of the baseline value).
@pytest.mark.parametrize(
    ("actual", "baseline", "ceiling", "status", "expected"),
    [
        ("100", "50", False, Status.ACHIEVED, "S"),  # the target met
        ("60", "50", False, Status.MISSED, "A"),  # above the baseline
        ("52.5", "50", False, Status.MISSED, "A"),  # +5%: 基準値を超えている (the old ±10% reading gave B)
        ("50.01", "50", False, Status.MISSED, "A"),  # any improvement, however small, exactly compared
        ("50", "50", False, Status.MISSED, "B"),  # at the baseline: 同水準
        ("45", "50", False, Status.MISSED, "B"),  # exactly 10% below: △10%以内
        ("44.98", "50", False, Status.MISSED, "B"),  # −10.04%, rounded to −10.0% as rates are
        ("44.95", "50", False, Status.MISSED, "C"),  # −10.1%
        ("44", "50", False, Status.MISSED, "C"),  # 基準値より下落している
        ("1", "0", False, Status.MISSED, "A"),  # a baseline of 0: up is A
        ("0", "0", False, Status.MISSED, "B"),
        ("-1", "0", False, Status.MISSED, "C"),  # no share of 0 is within 10%
        # an upper bound (60分 → 30分以内) mirrored: lower than the baseline is A, up to 10% higher B
        ("40", "60", True, Status.MISSED, "A"),
        ("59.9", "60", True, Status.MISSED, "A"),
        ("60", "60", True, Status.MISSED, "B"),
        ("66", "60", True, Status.MISSED, "B"),  # 10% over the baseline: △10%以内 the other way
        ("66.1", "60", True, Status.MISSED, "C"),
        ("70", "60", True, Status.MISSED, "C"),
        ("0", "0", True, Status.MISSED, "B"),  # 0件 kept at a baseline of 0件
        ("1", "0", True, Status.MISSED, "C"),
        ("5", None, False, Status.MISSED, "－"),  # no baseline: cannot be evaluated
    ],
)
def test_s_to_c_as_nagayo_publishes_it(
    actual: str, baseline: str | None, ceiling: bool, status: Status, expected: str
) -> None:
    assert grade("S-C", result(actual, "100", status, ceiling=ceiling, baseline=baseline)) == expected


def test_s_to_c_labels_are_nagayos_words() -> None:
    """長与町's published labels, so a 評価シート reads as the town's own."""
    assert [(b.grade, b.label) for b in (*PRESETS["S-C"].bands, PRESETS["S-C"].none)] == [
        ("S", "目標を達成"),
        ("A", "基準値を超えている"),
        ("B", "基準値と同水準（△10%以内）"),
        ("C", "基準値より下落している"),
        ("－", "評価できない"),
    ]


def test_the_reports_s_to_c_definition_reads_as_nagayos_scale() -> None:
    text = scale_definition(PRESETS["S-C"])
    assert "目標を達成していればS" in text
    assert "基準値より少しでも良ければ（上限の目標では低ければ）A、基準値と同じか悪化が基準値の10%以内ならB" in text
    assert "それより悪ければC。基準値のない指標は評価できない。" in text


def test_the_reports_a_to_d_definition_says_d_is_kpichecks() -> None:
    """浜松市 publishes three grades (行政経営推進プラン R5: 年度計画よりも進んでいる / どおり / 遅れている);
    D 評価できない is kpicheck's, and a council reading the report is told so."""
    text = scale_definition(PRESETS["A-D"])
    assert "A・B・C は浜松市の3段階の基準。D（評価できない）は浜松市の基準にはなく、kpicheck が加えた段階。" in text
    assert [b.grade for b in PRESETS["A-D"].bands] == ["A", "B", "C"] and PRESETS["A-D"].none.grade == "D"


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_readmes_scale_table_has_each_presets_grades(name: str) -> None:
    """The README's row for a preset lists its grades with the labels the code prints, in order."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith(f'| `"{name}"`')]
    scale = PRESETS[name]
    listed = ", ".join(f"{b.grade} {b.label}" for b in (*scale.bands, scale.none))
    assert f"| {listed} |" in row


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_presets_words_are_cp932(name: str) -> None:
    """Labels and definitions reach CSV and reports opened on Japanese Windows: CP932 only."""
    scale = PRESETS[name]
    for band in (*scale.bands, scale.none):
        (band.grade + band.label).encode("cp932")
    scale_definition(scale).encode("cp932")


def test_marks_follow_the_status() -> None:
    marks = {s: grade("◎○△×", result(None, None, s)) for s in Status}
    assert marks == {
        Status.ACHIEVED: "◎",
        Status.ON_TRACK: "○",
        Status.BEHIND: "△",
        Status.MISSED: "×",
        Status.NO_DATA: "－",
        Status.TBD: "－",
        Status.NOT_APPLICABLE: None,
        Status.UPCOMING: None,
        Status.UNRATED: "評価不能",  # ◎○△× has no grade for it: the cell says so, counted on its own line
    }


# ------------------------------------------------------------------------------------------ a plan's scale


def plan_with(grading: str) -> str:
    return MINI_PLAN.replace("last_year = 2028\n", f"last_year = 2028\n{grading}\n", 1)


def test_a_plan_declares_its_own_bands(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(
        plan_with(
            'grading = { bands = [{ grade = "A", label = "十分", from = 100 }, { grade = "B", label = "概ね", '
            'from = 80 }, { grade = "C", label = "不十分", over = 50 }, { grade = "D", label = "未達" }], '
            'none = { grade = "E", label = "評価不能" } }'
        ),
        encoding="utf-8",
    )
    plan, problems = load_plan(path)
    assert problems == [] and plan is not None and plan.grading is not None
    scale = plan.grading
    assert [grade(scale, result(a, "100", Status.ON_TRACK)) for a in ("100", "80", "79.9", "50.1", "50")] == [
        "A", "B", "C", "C", "D"
    ]  # fmt: skip
    assert grade(scale, result(None, None, Status.ACHIEVED)) == "A"  # the band holding 100%
    assert grade(scale, result(None, None, Status.BEHIND)) == "D"  # the lowest band
    assert grade(scale, result(None, "5", Status.NO_DATA)) == "E"


@pytest.mark.parametrize(
    ("grading", "message"),
    [
        ('grading = "A-E"', "既定の評価基準ではありません"),
        ("grading = 3", "bands を持つテーブル"),
        ('grading = { bands = [{ grade = "A", over = 100 }] }', "2 つ以上"),
        ('grading = { bands = [{ grade = "A" }, { grade = "B" }] }', "over か from"),
        ('grading = { bands = [{ grade = "A", from = 80 }, { grade = "B", from = 90 }, { grade = "C" }] }', "下限"),
        ('grading = { bands = [{ grade = "A", from = 80 }, { grade = "A" }] }', "同じ評価記号"),
        ('grading = { bands = [{ grade = "A", from = 80, over = 90 }, { grade = "B" }] }', "どちらか一方"),
        ('grading = { bands = [{ grade = "A", from = 80 }, { grade = "B" }], scale = 1 }', "不明なキー"),
    ],
)
def test_a_scale_that_cannot_be_read_is_kc202_on_its_line(tmp_path: Path, grading: str, message: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(plan_with(grading), encoding="utf-8")
    _plan, problems = load_plan(path)
    assert [(p.code, p.line) for p in problems] == [("KC202", 9)]
    assert message in problems[0].message


# ------------------------------------------------------------------------------------------ change, 万・億


def test_change_since_last_year(make_root: Callable[..., Path]) -> None:
    root = make_root(
        {
            "a.csv": "indicator,metric,year,value,as_of\n"
            "rate,,2026,60%,\nrate,,2027,66%,\n"  # a level: compared whenever known
            "count,,2026,4,\ncount,,2027,3,\n"  # a count within a year still running: not compared
            "school,es,2027,50%,\nschool,js,2026,30%,\nschool,js,2027,30%,\n"
        }
    )
    city = load_city(root, "mini")
    report = evaluate(city.plans[0], city.actuals, 2027, date(2027, 12, 31))
    changes = {e.indicator.id: indicator_change(e) for e in report.evaluations}
    assert changes == {
        "rate": Change.IMPROVED,
        "count": None,
        "plan": None,
        "spend": None,
        "school": Change.UNCHANGED,  # 中学校 unchanged, 小学校 new
    }
    year_end = evaluate(city.plans[0], city.actuals, 2027, date(2028, 4, 1))
    assert {e.indicator.id: indicator_change(e) for e in year_end.evaluations}["count"] is Change.WORSENED


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        ("12400000000", "円", "124億円"),
        ("10200000000", "円", "102億円"),
        ("15000", "名", "1万5,000名"),
        ("12340000", "円", "1,234万円"),
        ("9999", "人", "9,999人"),
        ("10000", "件", "1万件"),
        ("12345.5", None, "1万2,345.5"),
        ("20000", "千人", "20,000千人"),  # a unit with a multiplier: as it is
        ("350", "億円", "350億円"),
    ],
)
def test_amounts_in_man_and_oku(value: str, unit: str | None, shown: str) -> None:
    assert kanji_quantity(D(value), unit) == shown


# ------------------------------------------------------------------------------------------ the office's words

WORDS_CSV = (
    "指標,年度,実績,備考,要因分析,課題,今後の方向性\n"
    "rate,2026,60%,サンプル,様式改正が遅れた,庁内調整,改善継続\n"
    "count,2026,5,,研修を増やした,,拡大\n"
)


def graded_root(make_root: Callable[..., Path], files: dict[str, str | bytes]) -> Path:
    return make_root(files, plan=plan_with('grading = "A-D"'))


def status_json(root: Path, year: str = "2026", as_of: str = "2027-04-01") -> dict[str, Any]:
    done = invoke("status", "--root", str(root), "--city", "mini", "--year", year, "--as-of", as_of, "--format", "json")
    assert done.exit_code == 0, done.output
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def xlsx(text: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in text.splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.csv", WORDS_CSV),
        ("a.csv", "\ufeff" + WORDS_CSV),
        ("a.csv", WORDS_CSV.encode("cp932")),
        ("a.xlsx", xlsx(WORDS_CSV)),
    ],
)
def test_analysis_and_direction_reach_the_json(make_root: Callable[..., Path], name: str, content: str | bytes) -> None:
    data = status_json(graded_root(make_root, {name: content}))
    rows = {i["id"]: i for i in data["indicators"]}
    assert (rows["rate"]["analysis"], rows["rate"]["issues"], rows["rate"]["direction"]) == (
        "様式改正が遅れた",
        "庁内調整",
        "改善継続",
    )
    assert (rows["count"]["analysis"], rows["count"]["direction"], rows["count"]["note"]) == (
        "研修を増やした",
        "拡大",
        "",
    )
    # 60% of 65%: 92.3%, C; 5 of 4 sessions: 125%, A; nothing entered for the rest: D
    assert (rows["rate"]["achievement_rate"], rows["rate"]["grade"], rows["rate"]["grade_label"]) == (
        92.3,
        "C",
        "目標より遅れている",
    )
    assert (rows["count"]["achievement_rate"], rows["count"]["grade"]) == (125.0, "A")
    assert rows["plan"]["grade"] == "D" and rows["plan"]["achievement_rate"] is None
    assert data["grades"] == {"A": 1, "B": 0, "C": 1, "D": 3}
    assert data["grading"] == {
        "name": "A-D",
        "grades": [
            {"grade": "A", "label": "目標より進んでいる"},
            {"grade": "B", "label": "目標どおり"},
            {"grade": "C", "label": "目標より遅れている"},
            {"grade": "D", "label": "評価できない"},
        ],
    }


def test_an_ungraded_plan_has_rates_but_no_grades(make_root: Callable[..., Path]) -> None:
    data = status_json(make_root({"a.csv": WORDS_CSV}))
    assert data["grading"] is None and data["grades"] is None
    assert all(i["grade"] is None and i["grade_label"] is None for i in data["indicators"])
    assert {i["id"]: i["achievement_rate"] for i in data["indicators"]}["rate"] == 92.3


def test_a_direction_outside_the_list_is_kc106(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "指標,年度,実績,今後の方向性\nrate,2026,60%,がんばる\n"})
    done = invoke("validate", "--root", str(root))
    assert done.exit_code == 1
    assert (
        "actuals/mini/a.csv:2:4: KC106 今後の方向性 'がんばる' は "
        "拡大、改善継続、現状継続、縮小、統合、廃止、終了、完了" in done.stdout
    )


@pytest.mark.parametrize("word", ["統合", "完了"])
def test_merged_and_completed_are_default_directions(make_root: Callable[..., Path], word: str) -> None:
    """Issue 19: 統合 (merged into other work) and 完了 (purpose achieved) are on evaluation sheets, so a
    plan without its own `directions` accepts them and the report carries them."""
    root = make_root({"a.csv": f"指標,年度,実績,今後の方向性\nrate,2026,60%,{word}\n"})
    assert invoke("validate", "--root", str(root)).exit_code == 0
    assert {i["id"]: i["direction"] for i in status_json(root)["indicators"]}["rate"] == word


def test_a_plan_lists_its_own_directions(make_root: Callable[..., Path]) -> None:
    plan = plan_with('directions = ["継続", "見直し"]')
    ok = make_root({"a.csv": "指標,年度,実績,今後の方向性\nrate,2026,60%,見直し\n"}, plan=plan)
    assert invoke("validate", "--root", str(ok)).exit_code == 0
    (ok / "actuals" / "mini" / "a.csv").write_text(
        "指標,年度,実績,今後の方向性\nrate,2026,60%,拡大\n", encoding="utf-8"
    )
    done = invoke("validate", "--root", str(ok))
    assert done.exit_code == 1 and "継続、見直し のどれか" in done.stdout


def test_words_on_a_row_with_no_actual_are_a_warning_not_lost_silently(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "指標,年度,実績,要因分析\nrate,2026,,集計が間に合わない\n"})
    done = invoke("validate", "--root", str(root))
    assert done.exit_code == 0
    assert "a.csv:2:3: KC116 実績が空欄の行の要因分析は報告書に載りません" in done.stdout


# ------------------------------------------------------------------------------------------ the report


def graded_repo(tmp_path: Path) -> Path:
    """The shipped data root with 網走 Ver2.0 graded A-D (the shipped plans declare no scale)."""
    root = tmp_path / "graded"
    for folder in ("targets", "actuals"):
        shutil.copytree(REPO / folder, root / folder)
    path = root / "targets" / "abashiri" / "abashiri-v2.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[plan]\n", '[plan]\ngrading = "A-D"\n', 1), "utf-8")
    return root


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("report-abashiri-graded-2026.md", ["--year", "2026"]),
        ("report-abashiri-graded-2026.html", ["--year", "2026", "--format", "html"]),
    ],
)
def test_graded_report_matches_golden(tmp_path: Path, golden: Any, name: str, args: list[str]) -> None:
    root = graded_repo(tmp_path)
    done = invoke("report", "--root", str(root), "--city", "abashiri", "--as-of", "2027-12-31", *args)
    assert done.exit_code == 0, done.output
    golden(name, done.stdout)


@pytest.mark.parametrize("columns", [80, 120])
def test_graded_status_table_prints_each_grade_with_its_pace_rate_and_fits(
    tmp_path: Path, golden: Any, columns: int
) -> None:
    """Mid-year every grade read from a 目安比 carries it (issue 19: `66.7% 順調 B` read as a contradiction),
    and the table still fits the terminal."""
    root = graded_repo(tmp_path)
    done = invoke("status", "--root", str(root), "--city", "abashiri", "--as-of", "2027-12-31", "--year", "2027",
                  "--no-color", columns=columns)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert max(wcswidth(line) for line in done.stdout.splitlines()) <= columns
    golden(f"status-abashiri-graded-2027-{columns}.txt", done.stdout)
    city = load_city(root, "abashiri")
    report = evaluate(next(p for p in city.plans if p.covers(2027)), city.actuals, 2027, date(2027, 12, 31))
    paced = [e for e in report.evaluations if e.grade_pace is not None]
    assert len(paced) > 5 and done.stdout.count("（目安比") == len(paced)
    assert "66.7%  順調        B（目安比" in done.stdout  # 1-1-2: 3 of 4 sessions by December, on pace


def test_graded_report_reads_as_an_evaluation_sheet(tmp_path: Path) -> None:
    root = graded_repo(tmp_path)
    common = ["--root", str(root), "--city", "abashiri", "--as-of", "2027-12-31", "--year", "2026"]
    data = json.loads(invoke("status", *common, "--format", "json").stdout)
    markdown = invoke("report", *common).stdout
    parsed = parse_html(markdown_html(markdown))

    (grades,) = tables(parsed, ["評価", "指標数", "割合"])
    counts = {row[0].split("（")[0]: int(row[1]) for _, row in grades[1:]}
    assert counts == data["grades"] and sum(counts.values()) == 31  # 33 less the two with no target this year

    sheet = [row for t in tables(parsed) if t[0][1][:3] == ["ID", "指標", "基準値"] for _, row in t[1:]]
    by_id = {i["id"]: i for i in data["indicators"]}
    assert [row[0] for row in sheet] == list(by_id)
    for row in sheet:
        item = by_id[row[0]]
        assert row[7].startswith(item["grade"] or item["status_label"])  # the 評価 cell starts with the grade
    assert by_id["1-2-1"]["change"] == "improved" and by_id["1-2-1"]["status"] == "missed"
    assert "未達成（前年度より改善）" in {row[7].split("\n")[-1] for row in sheet}
    assert "128億円" in {row[4] for row in sheet}  # 12,800,000,000円 in 億; the JSON keeps the number
    assert by_id["1-2-1"]["actual"] == 12_800_000_000
    assert "要因分析: サンプル（架空）: 夏の催事が天候で縮小し" in markdown
    assert "## 3. 担当課別の状況" in markdown
    (departments,) = [t for t in tables(parsed) if t[0][1][0] == "担当"]
    assert departments[0][1][-5:] == ["A", "B", "C", "D", "指標"]


def test_grade_counts_list_every_grade() -> None:
    city = load_city(REPO, "abashiri")
    # graded when evaluated (grading.figures): the scale is the plan's
    plan = dataclasses.replace(next(p for p in city.plans if p.covers(2026)), grading=PRESETS["◎○△×"])
    report = evaluate(plan, city.actuals, 2026, date(2027, 12, 31))
    counts = grade_counts(PRESETS["◎○△×"], report.evaluations)
    assert list(counts) == ["◎", "○", "△", "×", "－", "評価不能"]
    assert counts["◎"] == report.summary()[Status.ACHIEVED] and counts["×"] == report.summary()[Status.MISSED]


# ------------------------------------------------------------------------------------------ through the engine

# The mini plan's head (plan, area, initiative), graded A-D, with one indicator per numeric kind.
KINDS_PLAN = (
    plan_with('grading = "A-D"').partition("[[indicators]]")[0]
    + """\
[[indicators]]
id = "cut"
initiative = "1-1"
name = "事務時間の削減率"
[indicators.targets]
2026 = "削減率50%"
2027 = ""
2028 = ""

[[indicators]]
id = "total"
initiative = "1-1"
name = "講座受講者数"
unit = "人"
counts = "cumulative"
[indicators.targets]
2026 = "累計100人"
2027 = "累計200人"
2028 = ""

[[indicators]]
id = "wait"
initiative = "1-1"
name = "窓口の待ち時間"
unit = "分"
counts = "level"
[indicators.targets]
2026 = "15分以内"
2027 = "15分以内"
2028 = ""

[[indicators]]
id = "grow"
initiative = "1-1"
name = "電子申請件数"
unit = "件"
counts = "per_year"
[indicators.targets]
2026 = "前年比10%増"
2027 = ""
2028 = ""

[[indicators]]
id = "cap"
initiative = "1-1"
name = "システム障害件数"
unit = "件"
counts = "per_year"
[indicators.targets]
2026 = "年10件以内"
2027 = ""
2028 = ""
"""
)


def kinds(make_root: Callable[..., Path], rows: str, year: str = "2026", as_of: str = "2027-04-01") -> dict[str, Any]:
    root = make_root({"a.csv": "indicator,year,value,as_of\ngrow,2025,1000,\n" + rows}, plan=KINDS_PLAN)
    return {i["id"]: i for i in status_json(root, year, as_of)["indicators"]}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # at the band edges: 95.0% and 110.0% are B
        (
            "cut,2026,47.5%,\ntotal,2026,110,\nwait,2026,13.5,\ngrow,2026,1045,\ncap,2026,12,\n",
            {"cut": (95.0, "B"), "total": (110.0, "B"), "wait": (110.0, "B"), "grow": (95.0, "B"), "cap": (80.0, "C")},
        ),
        # just past them
        (
            "cut,2026,47.4%,\ntotal,2026,111,\nwait,2026,13.4,\ngrow,2026,1044,\ncap,2026,0,\n",
            {"cut": (94.8, "C"), "total": (111.0, "A"), "wait": (110.7, "A"), "grow": (94.9, "C"), "cap": (200.0, "A")},
        ),
    ],
)
def test_rates_and_grades_of_every_numeric_kind_at_the_band_edges(
    make_root: Callable[..., Path], rows: str, expected: dict[str, tuple[float, str]]
) -> None:
    found = kinds(make_root, rows)
    assert {k: (found[k]["achievement_rate"], found[k]["grade"]) for k in expected} == expected


def reduction_plan(setting: str) -> str:
    """KINDS_PLAN with its reduction_rate, and a 基準値 of 20分 for the waiting time (窓口の待ち時間)."""
    plan = KINDS_PLAN.replace('grading = "A-D"\n', f'grading = "A-D"\n{setting}\n', 1)
    return plan.replace(
        'unit = "分"\ncounts = "level"\n', 'unit = "分"\ncounts = "level"\nbaseline = { value = "20分" }\n'
    )


@pytest.mark.parametrize(
    ("setting", "wait", "expected"),
    [
        ("", "12", (120.0, "A")),  # the mirror, as before
        ('reduction_rate = "ratio"', "12", (125.0, "A")),
        ('reduction_rate = "ratio"', "16", (93.8, "C")),
        ('reduction_rate = "ratio"', "0", (None, "A")),  # 15 ÷ 0: no rate, the top grade
        ('reduction_rate = "baseline"', "17.5", (50.0, "C")),  # 20分 → 15分以内 at 17.5分
        ('reduction_rate = "baseline"', "15", (100.0, "B")),
    ],
)
def test_the_plans_reduction_rate_reaches_the_json(
    make_root: Callable[..., Path], setting: str, wait: str, expected: tuple[float | None, str]
) -> None:
    root = make_root({"a.csv": f"indicator,year,value\nwait,2026,{wait}\ncap,2026,5\n"}, plan=reduction_plan(setting))
    data = status_json(root)
    assert data["reduction_rate"] == (setting.split('"')[1] if setting else "mirror")  # the JSON says which formula
    found = {i["id"]: i for i in data["indicators"]}
    assert (found["wait"]["achievement_rate"], found["wait"]["grade"]) == expected
    cap = {"": 150.0, 'reduction_rate = "ratio"': 200.0, 'reduction_rate = "baseline"': None}[setting]
    assert found["cap"]["achievement_rate"] == cap  # 年10件以内 at 5件; no 基準値 for it: no rate from one


# What each reduction_rate's legend says of an upper bound, after 上限の目標（〇分以内、0件など）は
LEGENDS = {
    "mirror": "(2 − 実績 ÷ 目標) × 100（目標ちょうどで100%、0で200%、0%未満にはしない）",
    "ratio": "目標 ÷ 実績 × 100（目標ちょうどで100%、目標の半分で200%）。実績が0のときは割り算ができない",
    "baseline": "(基準値 − 実績) ÷ (基準値 − 目標) × 100（基準値から目標までの進み具合。",
}


@pytest.mark.parametrize("method", list(LEGENDS))
def test_the_reports_legend_names_the_plans_formula(make_root: Callable[..., Path], method: str) -> None:
    root = make_root(
        {"a.csv": "indicator,year,value\nwait,2026,0\n"}, plan=reduction_plan(f'reduction_rate = "{method}"')
    )
    common = ["--root", str(root), "--city", "mini", "--year", "2026", "--as-of", "2027-04-01"]
    for fmt in ("markdown", "html"):
        done = invoke("report", *common, "--format", fmt)
        assert done.exit_code == 0, done.output
        assert "上限の目標（〇分以内、0件など）は " + LEGENDS[method] in done.stdout
        assert [m for m, legend in LEGENDS.items() if legend in done.stdout] == [method]  # that one only
        done.stdout.encode("cp932")


def test_the_bar_agrees_with_the_rate_and_is_left_out_where_there_is_none(make_root: Callable[..., Path]) -> None:
    """The HTML report's bar prints its own percentage: the plan's formula, or no bar where it gives none."""
    root = make_root(
        {"a.csv": "indicator,year,value\nwait,2026,12\ncap,2026,0\n"}, plan=reduction_plan('reduction_rate = "ratio"')
    )
    city = load_city(root, "mini")
    report = evaluate(city.plans[0], city.actuals, 2026, date(2027, 4, 1))
    bars = {i["id"]: i["progress"] for i in year_context(report)["indicators"]}
    assert [(p["percent"], p["ratio"]) for p in bars["wait"]] == [("125.0%", 1.25)]  # 15 ÷ 12, as the 達成率
    assert bars["cap"] == []  # 10 ÷ 0: no rate, no bar (the cell prints ―)


def test_a_count_under_a_ceiling_has_no_rate_while_its_year_runs(make_root: Callable[..., Path]) -> None:
    found = kinds(make_root, "cap,2026,6,2026-09-30\n", as_of="2026-09-30")
    assert (found["cap"]["status"], found["cap"]["achievement_rate"], found["cap"]["grade"]) == ("on_track", None, "B")


def test_in_the_year_the_grade_is_read_off_the_pace_rate_the_report_prints(make_root: Callable[..., Path]) -> None:
    found = kinds(make_root, "total,2026,48,2026-09-30\n", as_of="2026-09-30")
    # 48 of the year's 100 (48.0%); the pace value on 30 September is 50 (whole events): 目安比 96.0%, B
    assert (found["total"]["achievement_rate"], found["total"]["pace_rate"], found["total"]["grade"]) == (
        48.0,
        96.0,
        "B",
    )
    root = make_root({"a.csv": "indicator,year,value,as_of\ntotal,2026,48,2026-09-30\n"}, plan=KINDS_PLAN)
    done = invoke("report", "--root", str(root), "--city", "mini", "--year", "2026", "--as-of", "2026-09-30")
    row = next(line for line in done.stdout.splitlines() if line.startswith("| total |"))
    assert "| 48.0%<br>目安比 96.0% | B（目標どおり、目安比 96.0%）<br>順調 |" in row


# Issue 19 item 5: on a graded plan the table printed `66.7% 順調 B` though B means 95–110%; the grade came
# from the 目安比, which the table and CSV did not show. Every output now prints it with the grade.
def grade_outputs(root: Path, as_of: str) -> dict[str, str]:
    """The `total` row's 評価 as the table (80 columns), the CSV and the HTML report print it."""
    common = ["--root", str(root), "--city", "mini", "--year", "2026", "--as-of", as_of]
    table = invoke("status", *common, "--no-color", columns=80)
    assert table.exit_code == 0, table.output
    assert max(wcswidth(line) for line in table.stdout.splitlines()) <= 80
    lines = table.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("total "))
    cell = lines[at].split("  ")[-1] + (lines[at + 1].strip() if lines[at + 1].startswith(" ") else "")
    rows = list(csv.reader(io.StringIO(invoke("status", *common, "--format", "csv").stdout.lstrip("\ufeff"))))
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    html = invoke("report", *common, "--format", "html").stdout
    graded = re.search(r'<tr data-id="total".*?<span class="grade">(.*?)</span>', html, re.DOTALL)
    assert graded is not None
    return {"table": cell, "csv": by_id["total"]["評価"], "html": graded[1]}


def test_a_grade_read_from_the_pace_rate_is_printed_with_it_everywhere(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "indicator,year,value,as_of\ntotal,2026,48,2026-09-30\n"}, plan=KINDS_PLAN)
    # 48.0% of the year's target, 96.0% of the pace value on 30 September: B is read from the 96.0%
    assert grade_outputs(root, "2026-09-30") == {
        "table": "B（目安比96.0%）",  # two lines in the cell (B（目安比 / 96.0%）), joined here
        "csv": "B（目標どおり、目安比 96.0%）",
        "html": "B（目標どおり、目安比 96.0%）",
    }
    # after the year the grade is read from the 達成率 printed beside it: no 目安比
    assert grade_outputs(root, "2027-04-01") == {
        "table": "C",
        "csv": "C（目標より遅れている）",
        "html": "C（目標より遅れている）",
    }


@pytest.mark.parametrize(("scale", "grade"), [("S-C", "－"), ("◎○△×", "○")])
def test_a_grade_not_read_from_the_pace_rate_is_printed_without_it(
    make_root: Callable[..., Path], scale: str, grade: str
) -> None:
    """S-C grades against the 基準値 and ◎○△× by the status: the 目安比 is not what they were read from."""
    plan = KINDS_PLAN.replace('grading = "A-D"', f'grading = "{scale}"', 1)
    root = make_root({"a.csv": "indicator,year,value,as_of\ntotal,2026,48,2026-09-30\n"}, plan=plan)
    found = grade_outputs(root, "2026-09-30")
    assert found["table"] == grade and "目安比" not in found["csv"] + found["html"]


def compound(*parts: MetricResult) -> tuple[str | None, Decimal | None]:
    """An indicator 順調 with these parts, through grading.figures under A-D: its grade and the 目安比 shown."""
    shipped, _problems = load_plan(REPO / "targets" / "abashiri" / "abashiri-v2.toml")
    assert shipped is not None
    plan = dataclasses.replace(shipped, grading=PRESETS["A-D"])
    evaluation = evaluate(plan, {}, 2027, date(2027, 12, 31)).evaluations[0]
    done = grading.figures(plan, evaluation._replace(status=Status.ON_TRACK, metrics=parts))
    return (done.grade.grade if done.grade else None), done.grade_pace


def test_an_indicators_grade_shows_the_pace_rate_of_the_part_it_came_from() -> None:
    behind_pace = result("48", "100", Status.ON_TRACK, pace="50")  # 目安比 96.0%: B
    ahead = result("60", "100", Status.ON_TRACK, pace="50")  # 目安比 120.0%: A
    unpaced = result("3", None, Status.ON_TRACK, ceiling=True)  # 年10件以内 mid-year: no rate, B by its status
    assert compound(behind_pace, ahead) == ("B", D("96.0"))
    # the B comes from the part graded by its status: no 目安比 is what it was read from
    assert compound(unpaced, ahead) == ("B", None)
    assert compound(unpaced, behind_pace) == ("B", D("96.0"))  # one B part read from its 96.0%


def test_change_counts_a_running_totals_own_years_and_knows_a_ceiling_in_a_year_without_target(
    make_root: Callable[..., Path],
) -> None:
    rows = "total,2026,110,\ntotal,2027,50,\nwait,2026,20,\nwait,2027,16,\nwait,2028,12,\n"
    in_2027 = kinds(make_root, rows, "2027", "2028-04-01")
    assert in_2027["total"]["change"] == "worsened"  # 50 joined after 110 the year before, though the total grew
    assert in_2027["wait"]["change"] == "improved"  # 20分 → 16分
    in_2028 = kinds(make_root, rows, "2028", "2029-04-01")
    assert (in_2028["wait"]["status"], in_2028["wait"]["change"]) == ("not_applicable", "improved")  # 16 → 12分


SEGMENTS_PLAN = MINI_PLAN.replace(
    'metrics = [\n  { id = "es", name = "小学校", unit = "%", counts = "level" },',
    'metrics = [\n  { id = "es", name = "小学校", unit = "%", counts = "level", baseline = { value = "40%" } },',
)


@pytest.mark.parametrize(
    ("scale", "rows", "expected"),
    [
        # one part met, the other missed with no 基準値: the part that decided 未達成 cannot be graded
        ("S-C", "school,es,2026,55%\nschool,js,2026,20%\n", ("missed", "－")),
        # one part entered and met, the other not entered: 実績未入力 decides, and it is D
        ("A-D", "school,es,2026,55%\n", ("no_data", "D")),
        # both entered: the worse part's grade
        ("A-D", "school,es,2026,55%\nschool,js,2026,28%\n", ("missed", "C")),
    ],
)
def test_a_compound_indicator_takes_the_grade_of_the_part_that_decided_it(
    make_root: Callable[..., Path], scale: str, rows: str, expected: tuple[str, str]
) -> None:
    plan = SEGMENTS_PLAN.replace("last_year = 2028\n", f'last_year = 2028\ngrading = "{scale}"\n', 1)
    root = make_root({"a.csv": "indicator,metric,year,value\n" + rows}, plan=plan)
    school = next(i for i in status_json(root)["indicators"] if i["id"] == "school")
    assert (school["status"], school["grade"]) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [("-0", "0%"), ("-0.001", "0%"), ("0E+2", "0%"), ("1E+3", "1,000%"), ("1000.00", "1,000%"), ("33.333", "33.33%")],
)
def test_equal_values_print_alike_and_never_as_minus_zero(value: str, shown: str) -> None:
    assert quantity(D(value), "%") == shown


# ------------------------------------------------------------------------------------------ figures, computed once

FIGURE_FUNCTIONS = ("achievement_rate", "pace_rate", "progress_rate", "metric_grade", "indicator_change", "figures")
FIGURES_ROWS = (
    "indicator,metric,year,value,as_of\n"
    "rate,,2026,60%,\nrate,,2027,66%,\ncount,,2027,2,\nplan,,2027,済,\n"
    "school,es,2026,50%,\nschool,es,2027,50%,\nschool,js,2027,30%,\n"
)


def graded_report(root: Path, as_of: date = date(2027, 12, 31)) -> Report:
    city = load_city(root, "mini")
    return evaluate(city.plans[0], city.actuals, 2027, as_of)


@pytest.mark.parametrize("as_of", [date(2027, 12, 31), date(2028, 4, 1)], ids=["in the year", "after it"])
def test_evaluate_carries_every_figure(make_root: Callable[..., Path], as_of: date) -> None:
    """Each metric's 達成率, 目安比, 進捗率 and grade, and the indicator's (its metrics' lowest, its decisive
    parts' grade, its change), are in the records rules.evaluate returns."""
    report = graded_report(make_root({"a.csv": FIGURES_ROWS}, plan=plan_with('grading = "A-D"')), as_of)
    scale = report.plan.grading
    assert scale is not None
    for e in report.evaluations:
        for m in e.metrics:
            assert (m.achievement_rate, m.pace_rate, m.progress_rate, m.grade) == (
                achievement_rate(m), pace_rate(m), progress_rate(m), metric_grade(scale, m)
            )  # fmt: skip
        for field in ("achievement_rate", "pace_rate", "progress_rate"):
            rates = [getattr(m, field) for m in e.metrics if getattr(m, field) is not None]
            assert getattr(e, field) == min(rates, default=None), (e.indicator.id, field)
        assert e.change == indicator_change(e)
    by_id = {e.indicator.id: e for e in report.evaluations}
    # 小学校 50 of 55% (90.9), 中学校 30 of 35% (85.7): the indicator's rate is the part furthest from its target
    assert [m.achievement_rate for m in by_id["school"].metrics] == [D("90.9"), D("85.7")]
    assert by_id["school"].achievement_rate == D("85.7")
    assert (by_id["rate"].achievement_rate, by_id["rate"].change) == (D("94.3"), Change.IMPROVED)
    assert by_id["school"].change is Change.UNCHANGED  # 小学校 unchanged, 中学校 new


def test_an_ungraded_plan_carries_rates_but_no_grade(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": FIGURES_ROWS})
    city = load_city(root, "mini")
    report = evaluate(city.plans[0], city.actuals, 2027, date(2027, 12, 31))
    assert all(e.grade is None and all(m.grade is None for m in e.metrics) for e in report.evaluations)
    assert {e.indicator.id: e.achievement_rate for e in report.evaluations}["school"] == D("85.7")


def test_renderers_and_summary_read_the_figures_and_compute_none(
    make_root: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once evaluated, the table, JSON, CSV, reports and the summary row print the figures without computing
    one again: with grading's figure functions refusing, every output is the same."""
    root = make_root({"a.csv": FIGURES_ROWS}, plan=plan_with('grading = "A-D"'))
    report = graded_report(root)

    def outputs() -> list[object]:
        return [
            render_json(report), render_csv(report), render_table(report, color=True), city_row(report),
            render_report([report], fmt=ReportFormat.markdown, multi=False, root=root).text,
            render_report([report], fmt=ReportFormat.html, multi=False, root=root).text,
            render_report([report], fmt=ReportFormat.html, multi=True, root=root).text,
        ]  # fmt: skip

    before = outputs()

    def refuse(*args: object) -> None:
        raise AssertionError(f"a figure computed again from {args}")

    # wherever a kpicheck module holds one (grading itself, or a `from kpicheck.grading import …`)
    computing = {getattr(grading, name) for name in FIGURE_FUNCTIONS}
    for module in [m for name, m in sys.modules.items() if name.startswith("kpicheck")]:
        for name, value in list(vars(module).items()):
            if callable(value) and value in computing:
                monkeypatch.setattr(module, name, refuse)
    assert outputs() == before
