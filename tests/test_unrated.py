"""評価不能 (unrated): an actual is there, but the verdict needs data that is not. Never a guess, never zero."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, invoke
from kpicheck.rules import evaluate
from kpicheck.workspace import load_city


@pytest.fixture
def judged(shipped):  # type: ignore[no-untyped-def]
    """(city, rows, year, as_of) -> {indicator id: Evaluation} with the shipped targets (conftest)."""
    return shipped


def test_a_running_total_with_a_year_missing_is_unrated(judged) -> None:  # type: ignore[no-untyped-def]
    """日向 g4-1-1 スマホ教室受講者（累計） 900人 by 令和7年度末 (seed 219-221): FY2022 not entered.

    Summed over the years present (100 + 200) it would read 遅れ; the missing year alone could make it
    順調, so an official writes 評価不能 and says which year is missing.
    """
    rows = "g4-1-1,,2021,100,,\ng4-1-1,,2023,200,,\n"
    found = judged("hyuga", rows, 2023, date(2024, 1, 31))["g4-1-1"]
    assert found.status.value == "unrated"
    assert "2022年度の実績がないため累計を確定できない" in found.reason
    assert found.metrics[0].actual == 200  # this year's own row is still shown, said to be one year's
    assert found.metrics[0].actual_text == "200人（2023年度分）"


def test_the_same_total_with_every_year_entered_is_judged(judged) -> None:  # type: ignore[no-untyped-def]
    rows = "g4-1-1,,2021,100,,\ng4-1-1,,2022,0,,\ng4-1-1,,2023,200,,\n"
    found = judged("hyuga", rows, 2023, date(2024, 1, 31))["g4-1-1"]
    assert found.status.value in {"behind", "on_track"}
    assert "累計を確定できない" not in found.reason


def test_a_total_after_its_due_year_with_a_year_missing_is_unrated(judged) -> None:  # type: ignore[no-untyped-def]
    """日向 g4-1-2 プログラミング体験教室（累計） 45人 (seed 223-225): FY2024 missing, judged after R7末."""
    rows = "g4-1-2,,2021,10,,\ng4-1-2,,2022,10,,\ng4-1-2,,2023,10,,\ng4-1-2,,2025,10,,\n"
    found = judged("hyuga", rows, 2025, date(2026, 4, 1))["g4-1-2"]
    assert found.status.value == "unrated"
    assert "2024年度" in found.reason


def test_growth_without_last_years_actual_is_unrated_not_not_entered(judged) -> None:  # type: ignore[no-untyped-def]
    """網走 Ver2.0 1-2-1 観光消費額 前年比3%増 (seed 259) in the plan's first year: 102億円 entered, no FY2025.

    The table used to show the value beside 実績未入力; the value is entered, the verdict is what is missing.
    """
    found = judged("abashiri", "1-2-1,,2026,10200000000,,\n", 2026, date(2027, 4, 1))["1-2-1"]
    assert found.status.value == "unrated"
    assert "前年度（2025年度）の実績がないため増加率を判定できない" in found.reason
    assert found.metrics[0].actual == 10200000000


def test_growth_with_nothing_entered_is_still_not_entered(judged) -> None:  # type: ignore[no-untyped-def]
    found = judged("abashiri", "", 2026, date(2027, 4, 1))["1-2-1"]
    assert found.status.value == "no_data"


def test_a_level_below_target_with_nothing_to_pace_from_is_unrated(make_root) -> None:  # type: ignore[no-untyped-def]
    """A 率 in the plan's first year, mid-year, below target, with no baseline and no last year: 遅れ would be
    a guess (where did it start?). After the year it is 未達成 on the target alone."""
    root = make_root({"a.csv": "indicator,year,value,as_of\nrate,2026,40%,2026-10-01\n"})
    city = load_city(root, "mini")
    mid = {e.indicator.id: e for e in evaluate(city.plans[0], city.actuals, 2026, date(2026, 10, 1)).evaluations}
    assert mid["rate"].status.value == "unrated"
    assert "基準値もない" in mid["rate"].reason
    after = {e.indicator.id: e for e in evaluate(city.plans[0], city.actuals, 2026, date(2027, 4, 1)).evaluations}
    assert after["rate"].status.value == "missed"


HYUGA_2025 = ["--root", str(REPO), "--city", "hyuga", "--year", "2025", "--as-of", "2027-12-31"]


def test_unrated_reaches_json_table_csv_and_both_reports() -> None:
    """The demo's 日向 FY2025 (no FY2021 row for g4-1-1): one 評価不能, named and explained everywhere."""
    data = json.loads(invoke("status", *HYUGA_2025, "--format", "json").stdout)
    assert data["summary"]["unrated"] == 1
    (item,) = [i for i in data["indicators"] if i["id"] == "g4-1-1"]
    assert (item["status"], item["status_label"]) == ("unrated", "評価不能")
    assert "2021年度の実績がないため累計を確定できない（入力済みの年度の計 880人）" in item["reason"]
    table = invoke("status", *HYUGA_2025).stdout
    assert "評価不能 1" in table
    rows = list(csv.reader(io.StringIO(invoke("status", *HYUGA_2025, "--format", "csv").stdout.lstrip("\ufeff"))))
    row = next(r for r in rows if r[0] == "g4-1-1")
    assert row[-1] == "unrated" and "評価不能" in row
    markdown = invoke("report", *HYUGA_2025).stdout
    assert "## 4. 未達成・遅れ・評価不能の指標" in markdown
    assert "| g4-1-1 | スマホ教室受講者（累計） | 評価不能 |" in markdown  # listed with its reason
    html = invoke("report", *HYUGA_2025, "--format", "html").stdout
    assert 'data-status="unrated"' in html


def test_summary_counts_unrated_in_json_csv_and_the_table() -> None:
    args = ["summary", "--root", str(REPO), "--year", "2025", "--as-of", "2027-12-31"]
    data = json.loads(invoke(*args, "--format", "json").stdout)
    (hyuga,) = [c for c in data["cities"] if c["city"] == "hyuga"]
    assert hyuga["summary"]["unrated"] == 1
    header = next(csv.reader(io.StringIO(invoke(*args, "--format", "csv").stdout.lstrip("\ufeff"))))
    assert "評価不能" in header
    table = invoke(*args, columns=80).stdout
    assert "不能: 評価不能" in table  # the shortened heading is spelled out under the table


def test_unrated_takes_the_scales_cannot_evaluate_grade(tmp_path: Path) -> None:
    """A-D's fourth grade D (評価できない) for 評価不能; never a grade read off the partial total."""
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    plan = tmp_path / "targets" / "hyuga" / "hyuga.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("[plan]\n", '[plan]\ngrading = "A-D"\n', 1), encoding="utf-8")
    shutil.copytree(REPO / "actuals", tmp_path / "actuals")
    args = ["--root", str(tmp_path), "--city", "hyuga", "--year", "2025", "--as-of", "2027-12-31"]
    data = json.loads(invoke("status", *args, "--format", "json").stdout)
    (item,) = [i for i in data["indicators"] if i["id"] == "g4-1-1"]
    assert (item["status"], item["grade"]) == ("unrated", "D")


def test_an_unrated_indicator_gets_no_rate_and_no_bar() -> None:
    """260人 is one year's row of a 累計 whose total is unknown: no 達成率, no progress bar drawn from it."""
    html = invoke("report", *HYUGA_2025, "--format", "html").stdout
    row = html.split('<tr data-id="g4-1-1" data-status="unrated">', 1)[1].split("</tr>", 1)[0]
    assert '<td class="rate">\n<div class="num">―</div></td>' in row
    data = json.loads(invoke("status", *HYUGA_2025, "--format", "json").stdout)
    (item,) = [i for i in data["indicators"] if i["id"] == "g4-1-1"]
    assert item["achievement_rate"] is None
