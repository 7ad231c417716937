"""Roadmap phases, targets due at a date, running totals, reduction rates; plans chosen by year."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import conftest
from conftest import REPO
from kpicheck.errors import KpicheckError
from kpicheck.kinds.registry import describe
from kpicheck.models import Evaluation, target_for
from kpicheck.rules import evaluate
from kpicheck.targets import load_plan
from kpicheck.workspace import load_city

ROADMAP = """\
schema = 1
[plan]
id = "road"
city = "mini"
city_name = "見本市"
title = "見本市DX推進計画"
first_year = 2021
last_year = 2025
phases = ["検討", "構築", "運用"]
phase_aliases = { "システム構築" = "構築" }
carry_forward = true

[[areas]]
id = "1"
name = "行政"

[[initiatives]]
id = "1"
area = "1"
name = "取組"
departments = []

[[indicators]]
id = "road"
initiative = "1"
name = "窓口システム"
[indicators.targets]
2021 = ""
2022 = "検討・システム構築"
2023 = "運用"
2024 = ""
2025 = ""

[[indicators]]
id = "apps"
initiative = "1"
name = "オンライン申請が可能な行政手続数"
unit = "申請・届出"
counts = "level"
target = "70申請・届出"
due = "令和７年度末"

[[indicators]]
id = "class"
initiative = "1"
name = "スマホ教室受講者（累計）"
unit = "人"
counts = "cumulative"
target = "900人"
due = "R7末"

[[indicators]]
id = "rpa"
initiative = "1"
name = "作業時間削減率"
unit = "%"
counts = "level"
metrics = [
  { id = "rate", name = "削減率", unit = "%", counts = "level" },
  { id = "before", name = "導入前", unit = "時間", counts = "per_year" },
  { id = "after", name = "導入後", unit = "時間", counts = "per_year" },
]
target = "削減率50％"
due = "R7末"

[[indicators]]
id = "task"
initiative = "1"
name = "電子契約の導入"
target = ""
due = "R4末"
start = "R4"
"""

HEADER = "indicator,metric,year,value\n"
PLAN_END = date(2026, 3, 31)


@pytest.fixture
def judge(make_root: Callable[..., Path]) -> Callable[[str, int, date], dict[str, str]]:
    def go(rows: str, year: int, as_of: date) -> dict[str, str]:
        city = load_city(make_root({"a.csv": HEADER + rows}, plan=ROADMAP), "mini")
        report = evaluate(city.plans[0], city.actuals, year, as_of)
        return {e.indicator.id: e.status.value for e in report.evaluations}

    return go


@pytest.mark.parametrize(
    ("year", "value", "as_of", "expected"),
    [
        (2022, "構築", date(2023, 4, 1), "achieved"),  # a one-year combined bar: its last phase
        (2022, "検討", date(2023, 4, 1), "missed"),  # ... but in the bar's last year 検討 alone is not enough
        (2023, "構築", date(2024, 3, 31), "on_track"),  # one phase short on the year's last day
        (2023, "構築", date(2024, 4, 1), "missed"),  # ... and on the next day
        (2023, "未着手", date(2023, 10, 1), "behind"),  # two or more phases short
        (2024, "運用", date(2025, 4, 1), "achieved"),  # the blank year carries 運用 on
        (2024, "システム構築", date(2025, 4, 1), "missed"),  # aliases read as their phase
        (2021, "検討", date(2022, 4, 1), "not_applicable"),  # blank before any phase
    ],
)
def test_phases(judge: Callable[..., dict[str, str]], year: int, value: str, as_of: date, expected: str) -> None:
    assert judge(f"road,,{year},{value}\n", year, as_of)["road"] == expected


@pytest.mark.parametrize(
    ("rows", "year", "as_of", "expected"),
    [
        ("apps,,2025,70\n", 2025, PLAN_END, "achieved"),
        ("apps,,2025,69\n", 2025, PLAN_END, "behind"),  # the plan's last day: still running
        ("apps,,2025,69\n", 2025, date(2026, 4, 1), "missed"),  # the day after
        # by FY2023's end 1096 of the plan's 1826 days are gone: pace 70 x 1096/1826 = 42.01;
        # 遅れ below 95% of it (39.91)
        ("apps,,2023,43\n", 2023, date(2030, 1, 1), "on_track"),
        ("apps,,2023,40\n", 2023, date(2030, 1, 1), "on_track"),
        ("apps,,2023,39\n", 2023, date(2030, 1, 1), "behind"),
    ],
)
def test_end_of_plan_target_paces_over_the_plan(
    judge: Callable[..., dict[str, str]], rows: str, year: int, as_of: date, expected: str
) -> None:
    assert judge(rows, year, as_of)["apps"] == expected


def test_running_total_counts_a_year_without_a_row_as_zero(judge: Callable[..., dict[str, str]]) -> None:
    rows = "class,,2021,300\nclass,,2023,300\nclass,,2025,300\n"
    assert judge(rows, 2025, date(2026, 4, 1))["class"] == "achieved"
    # by FY2023's end 1096/1826 of the plan is gone: pace 540.2; 600 is ahead of it
    assert judge(rows, 2023, date(2024, 4, 1))["class"] == "on_track"


def test_an_end_target_is_judged_at_its_due_date(make_root: Callable[..., Path]) -> None:
    plan = ROADMAP.replace("last_year = 2025", "last_year = 2027")
    plan = plan.replace('2025 = ""\n', '2025 = ""\n2026 = ""\n2027 = ""\n')
    root = make_root({"a.csv": HEADER + "class,,2021,400\nclass,,2026,600\n"}, plan=plan)
    city = load_city(root, "mini")
    report = evaluate(city.plans[0], city.actuals, 2026, date(2027, 4, 1))
    (result,) = [e for e in report.evaluations if e.indicator.id == "class"]
    assert result.status.value == "no_data"  # FY2025 (the due year) has no row; FY2026's 600 came too late


def test_running_total_sums_yearly_rows_from_the_plans_first_year(judge: Callable[..., dict[str, str]]) -> None:
    rows = "class,,2021,200\nclass,,2022,200\nclass,,2023,200\nclass,,2024,200\nclass,,2025,100\n"
    assert judge(rows, 2025, date(2026, 4, 1))["class"] == "achieved"  # 900 exactly
    assert judge(rows.replace("2025,100", "2025,99"), 2025, date(2026, 4, 1))["class"] == "missed"
    assert judge("class,,2021,200\n", 2022, date(2023, 4, 1))["class"] == "no_data"  # 2022 not entered


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("rpa,rate,2025,50\n", "achieved"),
        ("rpa,before,2025,1000\nrpa,after,2025,500\n", "achieved"),  # (1000 - 500) / 1000 = 50%
        ("rpa,before,2025,1000\nrpa,after,2025,501\n", "missed"),
        ("rpa,before,2025,1000\nrpa,after,2025,500.5\n", "missed"),  # 49.95%: compared unrounded
        ("rpa,before,2025,1000\n", "no_data"),
    ],
)
def test_reduction_rate(judge: Callable[..., dict[str, str]], rows: str, expected: str) -> None:
    assert judge(rows, 2025, date(2026, 4, 1))["rpa"] == expected


@pytest.mark.parametrize(
    ("rows", "year", "as_of", "expected"),
    [
        ("task,,2022,完了\n", 2022, date(2023, 3, 31), "achieved"),
        ("task,,2022,実施中\n", 2022, date(2023, 3, 31), "on_track"),  # the deadline day
        ("task,,2022,実施中\n", 2022, date(2023, 4, 1), "missed"),  # the day after
        ("task,,2023,完了\n", 2023, date(2024, 4, 1), "missed"),  # done, but after the deadline
        ("task,,2021,未着手\n", 2021, date(2022, 1, 1), "on_track"),  # not started, start (R4) not yet due
        ("task,,2022,未着手\n", 2022, date(2022, 6, 1), "behind"),  # not started after the start
        ("task,,2021,完了\n", 2024, date(2025, 1, 1), "achieved"),  # an earlier year's report still holds
        ("task,,2022,済\ntask,,2023,継続中\n", 2023, date(2024, 4, 1), "achieved"),  # done once stays done
        ("", 2022, date(2023, 1, 1), "no_data"),
    ],
)
def test_deadline(judge: Callable[..., dict[str, str]], rows: str, year: int, as_of: date, expected: str) -> None:
    assert judge(rows, year, as_of)["task"] == expected


@pytest.mark.parametrize(
    ("replace", "by", "code"),
    [
        ('2023 = "運用"', '2023 = "稼働"', "KC207"),
        ('due = "R4末"', 'due = "いつか"', "KC208"),
        ('target = "70申請・届出"', 'target = "たくさん"', "KC203"),
    ],
)
def test_bad_target_files(make_root: Callable[..., Path], replace: str, by: str, code: str) -> None:
    root = make_root(plan=ROADMAP.replace(replace, by))
    with pytest.raises(KpicheckError) as caught:
        load_city(root, "mini")
    assert [p.code for p in caught.value.problems] == [code]
    assert caught.value.problems[0].line is not None


def test_overlapping_plans_of_one_city_are_refused(make_root: Callable[..., Path]) -> None:
    root = make_root(plan=ROADMAP)
    later = ROADMAP.split("[[areas]]", maxsplit=1)[0].replace('id = "road"', 'id = "road2"').replace("2021", "2025")
    (root / "targets" / "mini" / "later.toml").write_text(later.replace("last_year = 2025", "last_year = 2029"))
    with pytest.raises(
        KpicheckError, match=r"plan.toml: KC205 期間 2021～2025 が .*の road2（2025～2029）と重なっています"
    ):
        load_city(root, "mini")


def invoke(*args: str) -> Any:
    """The shared runner on the repository's demo data."""
    return conftest.invoke(*args, "--root", str(REPO))


@pytest.mark.parametrize(
    ("city", "year", "plan", "count"),
    [
        ("abashiri", "2024", "abashiri-v1", 66),
        ("abashiri", "2027", "abashiri-v2", 33),
        ("nemuro", "2027", "nemuro", 34),
        ("chitose", "2025", "chitose", 35),
        ("hyuga", "2025", "hyuga", 33),
    ],
)
def test_every_city_reports_every_row_of_its_plan(city: str, year: str, plan: str, count: int) -> None:
    result = invoke("status", "--city", city, "--year", year, "--as-of", "2027-12-31", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["plan"] == plan
    assert len(data["indicators"]) == count == sum(data["summary"].values())


def test_plan_option_and_a_year_outside_every_plan() -> None:
    args = ["status", "--city", "abashiri", "--plan", "abashiri-v1", "--format", "json"]
    assert json.loads(invoke(*args, "--as-of", "2023-06-01").output)["year"] == 2023  # the as-of date's year
    result = invoke("status", "--city", "abashiri", "--year", "2019")
    assert result.exit_code == 2
    assert "abashiri-v1 (2021～2025), abashiri-v2 (2026～2030)" in result.output


def test_list_shows_five_plans_in_four_cities() -> None:
    result = invoke("list", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert len(rows) == 5 and len({r["city"] for r in rows}) == 4
    assert "4 市, 5 計画" in invoke("list").output


def test_show_prints_cells_and_their_readings() -> None:
    result = invoke("show", "--city", "abashiri", "--year", "2027", "4-2-1", "--format", "json")
    assert result.exit_code == 0
    (row,) = json.loads(result.output)
    assert row["target"] == "小学校55% 中学校35%"
    assert row["reading"] == "[elementary] ≧ 55%（時点の値）; [junior_high] ≧ 35%（時点の値）"
    assert invoke("show", "--city", "abashiri", "--year", "2027", "9-9-9").exit_code == 2


@pytest.mark.parametrize("command", ["list", "show"])
def test_help(command: str) -> None:
    result = conftest.invoke(command, "--help")
    assert result.exit_code == 0 and "使い方: " in result.output


def test_a_combined_cell_is_read_in_the_plans_order_and_an_arrow_carries_a_phase(tmp_path: Path) -> None:
    """網走 Ver1.0 2-6 prints 導入・試行 while its phases put 試行 first: the bar's last phase is the later one."""
    text = ROADMAP.replace('2022 = "検討・システム構築"\n2023 = "運用"', '2022 = "システム構築・検討"\n2023 = "→"')
    path = tmp_path / "road.toml"
    path.write_text(text, encoding="utf-8")
    plan, problems = load_plan(path)
    assert problems == [] and plan is not None
    road = plan.indicator("road")
    assert road is not None
    rule = road.targets[2022].rules[0]
    assert rule.phases == ("検討", "構築") and rule.reach == "検討" and rule.bar == (2022, 2025)
    assert road.targets[2023].rules[0].reach == "検討" and road.targets[2025].rules[0].reach == "構築"


# ---- shipped plans' readings, each checked against its seed line (issue 19) -------------------------


def shipped(make_root: Callable[..., Path], file: str, rows: str, year: int, as_of: date) -> dict[str, Evaluation]:
    """Each indicator's evaluation of a shipped target file (`file` under targets/) under these actuals."""
    city = file.split("/", maxsplit=1)[0]
    root = make_root({"a.csv": "indicator,metric,year,value\n" + rows}, plan="", city=city)
    plan_file = root / "targets" / city / "plan.toml"
    plan_file.write_text((REPO / "targets" / file).read_text("utf-8"), encoding="utf-8")
    loaded = load_city(root, city)
    (plan,) = [p for p in loaded.plans if p.first_year <= year <= p.last_year]
    return {e.indicator.id: e for e in evaluate(plan, loaded.actuals, year, as_of).evaluations}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("4-3-1,,2026,3\n4-3-1,,2027,3\n", "behind"),  # still last year's 3 at mid-year: not yet 4
        ("4-3-1,,2026,3\n4-3-1,,2027,4\n", "achieved"),
        ("4-3-1,,2026,4\n4-3-1,,2027,4\n", "achieved"),  # the 4 institutions stay in
    ],
)
def test_abashiri_v2_participating_institutions_are_a_level(
    make_root: Callable[..., Path], rows: str, expected: str
) -> None:
    """網走 Ver2.0 4-3-1 (seed l.465 「参画医療機関 4機関以上」): institutions stay in, the count is a level.

    Counted per year (from zero each April) last year's unchanged 3 read 順調 at mid-year; as a level
    it paces from last year's 3 to 4, so 3 on 2027-10-01 is 遅れ.
    """
    found = shipped(make_root, "abashiri/abashiri-v2.toml", rows, 2027, date(2027, 10, 1))["4-3-1"]
    assert found.indicator.metrics[0].counts.value == "level"
    assert found.status.value == expected


@pytest.mark.parametrize(("ident", "lines"), [("w1-3-1", "294-298"), ("w3-3-1", "478-482")])
def test_hyuga_rows_due_r5_have_no_fy2024_work(ident: str, lines: str) -> None:
    """日向 w1-3-1 (seed 004 l.294-298) and w3-3-1 (l.478-482): text in the R6 cell, 目標時期 R5末.

    The R6 cell is where the chart's text box was anchored, after the row's own due date: it is not
    FY2024 work. What the plan states stays: the 取組 due R5末 (2024-03-31).
    """
    plan, problems = load_plan(REPO / "targets" / "hyuga" / "hyuga.toml")
    assert problems == [] and plan is not None
    indicator = plan.indicator(ident)
    assert indicator is not None, lines
    assert indicator.targets == {}  # no year of 作業工程 work
    assert indicator.due is not None and indicator.due.due_text == "R5末"
    (rule,) = indicator.due.rules
    assert (rule.kind.value, rule.due) == ("deadline", date(2024, 3, 31))
    fy2024 = target_for(indicator, 2024)
    assert fy2024 is not None and fy2024.rules == indicator.due.rules


def test_hyuga_front_yard_reform_has_no_target_in_fy2021(make_root: Callable[..., Path]) -> None:
    """日向 w1-1-1 (seed 004 l.267-276): its R3 cell 「移行● 仕様確認・庁内調整」 (l.268-269) repeats the
    next row's (標準化・共通化, l.279-280) word for word: a copied chart, not this row's FY2021 work."""
    found = shipped(make_root, "hyuga/hyuga.toml", "w1-1-1,,2021,実施\n", 2021, date(2022, 4, 1))["w1-1-1"]
    assert found.status.value == "not_applicable"
    assert sorted(found.indicator.targets) == [2024]  # 「改革の取組推進」 (l.273) stays FY2024's work


@pytest.mark.parametrize("year", [2027, 2028, 2029, 2030])
def test_abashiri_v2_analysis_tool_indicator_is_set_later(make_root: Callable[..., Path], year: int) -> None:
    """網走 Ver2.0 1-2-2 (seed l.260): 「目標指標設定」 in 2027–2030 defers the target, like 3-1-2's
    「(見直し内容により指標を設定)」 (l.319); it is no milestone done each year. 2026's 「方針策定」 stays one."""
    rows = f"1-2-2,,2026,済\n1-2-2,,{year},実施中\n"
    found = shipped(make_root, "abashiri/abashiri-v2.toml", rows, year, date(year, 12, 31))["1-2-2"]
    assert found.status.value == "tbd"
    assert found.reason == "目標は後日設定: 目標指標設定"
    first = shipped(make_root, "abashiri/abashiri-v2.toml", rows, 2026, date(2027, 4, 1))["1-2-2"]
    assert first.status.value == "achieved"


@pytest.mark.parametrize(
    ("ident", "year", "cell", "reach"),
    [
        ("2-6-1", 2022, "導入・試行", "導入"),  # seed 001 l.347: '導入・試行', read in the plan's order
        ("2-2-1", 2023, "検討・随時廃止", "検討"),  # l.295
        ("3-1-1", 2025, "検討・随時廃止", "実施"),  # l.373: 随時廃止 is the phase 実施
        ("3-5-4-2", 2021, "検討・新規データの追加", "検討"),  # l.426
    ],
)
def test_abashiri_v1_readings_quote_a_combined_cell_as_printed(ident: str, year: int, cell: str, reach: str) -> None:
    """網走 Ver1.0: a bar's reading quotes its cell as the seed prints it, not its phases in the plan's
    order with aliases resolved (「試行・導入」, 「検討・実施」 were quoted before)."""
    plan, problems = load_plan(REPO / "targets" / "abashiri" / "abashiri-v1.toml")
    assert problems == [] and plan is not None
    indicator = plan.indicator(ident)
    assert indicator is not None
    (rule,) = indicator.targets[year].rules
    assert rule.reach == reach
    assert f"段階「{reach}」に到達（「{cell}」" in describe(rule)
