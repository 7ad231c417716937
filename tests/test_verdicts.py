"""Verdicts an official would sign, on the shipped plans: each case names its seed line.

The targets are the shipped files; the actuals are written by each test, so no case depends on the
demo's values.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, invoke

HEADER = "indicator,metric,year,value,as_of,note\n"


@pytest.fixture
def judge(shipped):  # type: ignore[no-untyped-def]
    """(city, rows, year, as_of) -> {indicator id: status} with the shipped targets."""

    def go(city: str, rows: str, year: int, as_of: date) -> dict[str, str]:
        return {ident: e.status.value for ident, e in shipped(city, rows, year, as_of).items()}

    return go


# ------------------------------------------------------------------ combined roadmap cells are bars


NEMURO_BARS = [
    # 根室 2-9 (seed l.790 検討・構築・運用, carried to FY2030): still at 検討 in FY2030 is not 達成
    ("2-9", "2-9,,2030,検討,,", 2030, date(2031, 4, 1), "missed"),
    ("2-9", "2-9,,2030,検討,,", 2030, date(2030, 12, 31), "behind"),  # two phases short of 運用
    ("2-9", "2-9,,2030,運用,,", 2030, date(2031, 4, 1), "achieved"),
    ("2-9", "2-9,,2027,検討,,", 2027, date(2028, 4, 1), "achieved"),  # the bar runs: 検討 is under way
    ("2-9", "2-9,,2027,運用,,", 2027, date(2027, 6, 1), "achieved"),  # a later phase early is 達成
    # 根室 3-1 (seed l.829) and 2-10 (l.812): the same bar
    ("3-1", "3-1,,2030,構築,,", 2030, date(2031, 4, 1), "missed"),
    ("2-10", "2-10,,2030,検討,,", 2030, date(2031, 4, 1), "missed"),
    # 根室 1-13 (seed l.625 検討・運用)
    ("1-13", "1-13,,2030,検討,,", 2030, date(2031, 4, 1), "missed"),
    # 根室 1-9 (seed l.562 検討・構築 in 2026, 運用 from 2028): 構築 is due in FY2027
    ("1-9", "1-9,,2027,検討,,", 2027, date(2028, 4, 1), "missed"),
    ("1-9", "1-9,,2027,構築,,", 2027, date(2028, 4, 1), "achieved"),
    ("1-9", "1-9,,2026,検討,,", 2026, date(2027, 4, 1), "achieved"),
    # 根室 3-7 (seed l.933): the same shape
    ("3-7", "3-7,,2027,検討,,", 2027, date(2028, 4, 1), "missed"),
    # 根室 1-10 (seed l.575 検討・構築 in 2026, 運用 in 2027): a one-year bar needs 構築
    ("1-10", "1-10,,2026,検討,,", 2026, date(2027, 4, 1), "missed"),
]


ABASHIRI_V1 = [
    # 網走 Ver1.0 2-2-1 (seed l.295 検討・随時廃止 in 2022): 検討 alone does not meet FY2025
    ("2-2-1", "2-2-1,,2025,検討,,", 2025, date(2026, 4, 1), "missed"),
    ("2-2-1", "2-2-1,,2025,随時廃止,,", 2025, date(2026, 4, 1), "achieved"),
    ("2-2-1", "2-2-1,,2023,検討,,", 2023, date(2024, 4, 1), "achieved"),
    # 3-1-1 (seed l.373): the same
    ("3-1-1", "3-1-1,,2025,検討,,", 2025, date(2026, 4, 1), "missed"),
    # 3-3-1, 3-3-2 (seed l.400: bars 2022～2023): no target in 2024～25
    ("3-3-1", "", 2024, date(2025, 4, 1), "not_applicable"),
    ("3-3-2", "", 2025, date(2026, 4, 1), "not_applicable"),
    ("3-3-1", "3-3-1,,2023,推進,,", 2023, date(2024, 4, 1), "achieved"),
    ("3-3-3", "", 2025, date(2026, 4, 1), "no_data"),  # ③ (導入) runs to 2025
    # 4-3-1, 4-3-3 (seed l.463, l.465: a bare arrow from 2021) and 4-4-1 (l.477, from 2022): continuous work
    ("4-3-1", "4-3-1,,2023,実施,,", 2023, date(2024, 4, 1), "achieved"),
    ("4-3-1", "4-3-1,,2023,未着手,,", 2023, date(2024, 4, 1), "missed"),
    ("4-3-3", "4-3-3,,2021,運用,,", 2021, date(2022, 4, 1), "achieved"),
    ("4-4-1", "", 2021, date(2022, 4, 1), "not_applicable"),
    ("4-4-1", "4-4-1,,2022,未着手,2022-09-30,", 2022, date(2022, 9, 30), "on_track"),
    ("4-4-1", "4-4-1,,2022,未着手,2022-10-01,", 2022, date(2022, 10, 1), "behind"),
    # 2-7-2/3/4 (seed l.359 時間外窓口開設・情報提供・保険証利用登録推進): one activity each
    ("2-7-2", "2-7-2,,2021,開設,,", 2021, date(2022, 4, 1), "achieved"),
    ("2-7-3", "2-7-3,,2021,開設,,", 2021, date(2022, 4, 1), "missed"),  # 情報提供 = 実施, not 開設
    ("2-7-4", "2-7-4,,2021,開設,,", 2021, date(2022, 4, 1), "missed"),  # 保険証利用登録推進 = 推進
    ("2-7-4", "2-7-4,,2021,推進,,", 2021, date(2022, 4, 1), "achieved"),
    # 3-5-4 (seed l.425 運用) and 3-5-4-2 (l.426 検討・新規データの追加): two printed cells, two rows
    ("3-5-4", "3-5-4,,2021,運用,,", 2021, date(2022, 4, 1), "achieved"),
    ("3-5-4-2", "3-5-4-2,,2025,検討,,", 2025, date(2026, 4, 1), "missed"),
    ("3-5-4-2", "3-5-4-2,,2025,新規データの追加,,", 2025, date(2026, 4, 1), "achieved"),
]


# ------------------------------------------------------------------ continuous work


CHITOSE_CONTINUOUS = [
    # 千歳 11-1 スマート農業の推進 (seed l.394): continuous, no deadline, no start
    ("11-1", "11-1,,2024,実施中,,", 2024, date(2025, 4, 1), "achieved"),
    ("11-1", "11-1,,2026,実施中,,", 2026, date(2027, 4, 1), "achieved"),  # never "not completed by 2027-03-31"
    ("11-1", "11-1,,2025,未着手,2025-06-30,", 2025, date(2025, 6, 30), "on_track"),  # before the documented point
    ("11-1", "11-1,,2025,未着手,2025-10-01,", 2025, date(2025, 10, 1), "behind"),
    ("11-1", "11-1,,2025,未着手,,", 2025, date(2026, 4, 1), "missed"),
    ("11-1", "", 2025, date(2026, 4, 1), "no_data"),
]


HYUGA_SCHEDULES = [
    # 日向 w1-5-1 業務のRPA化 in R3, blank 目標時期 (seed l.319): tracked in the year it prints work
    ("w1-5-1", "w1-5-1,,2021,実施,,", 2021, date(2022, 4, 1), "achieved"),
    ("w1-5-1", "w1-5-1,,2021,未着手,,", 2021, date(2022, 4, 1), "missed"),
    ("w1-5-1", "", 2022, date(2023, 4, 1), "not_applicable"),  # nothing printed in R4
    # w1-9-1 スマホ教室等の実施 in R7 (seed l.359)
    ("w1-9-1", "w1-9-1,,2025,実施中,,", 2025, date(2025, 12, 1), "achieved"),
    ("w1-9-1", "", 2024, date(2025, 4, 1), "not_applicable"),
    # w1-6-1 テレワークの推進: due R3末 (seed l.329) and 運用 printed in R4: both are evaluated
    ("w1-6-1", "w1-6-1,,2021,完了,,\nw1-6-1,,2022,実施,,", 2022, date(2023, 4, 1), "achieved"),
    ("w1-6-1", "w1-6-1,,2021,完了,,\nw1-6-1,,2022,未着手,,", 2022, date(2023, 4, 1), "missed"),
]


# ------------------------------------------------------------------ pace officials accept


ABASHIRI_V2_PACE = [
    # 網走 Ver2.0 2-2-3 年1回以上 (研修): not yet held in June is 順調 (⌊1 x 91/366⌋ = 0)
    ("2-2-3", "2-2-3,,2027,0,2027-06-30,", 2027, date(2027, 6, 30), "on_track"),
    ("2-2-3", "2-2-3,,2027,0,2028-03-30,", 2027, date(2028, 3, 30), "on_track"),  # ⌊365/366⌋ = 0
    ("2-2-3", "2-2-3,,2027,0,2028-03-31,", 2027, date(2028, 3, 31), "behind"),  # the last day
    # 3-2-3 生成AI利用者数 250名 from 240: 248 against a pace value of 248.8 is 順調
    ("3-2-3", "3-2-3,,2026,240,,\n3-2-3,,2027,248,2028-02-15,", 2027, date(2028, 2, 15), "on_track"),
    # ... 246 on 31 December against 247.5 (within 95%)
    ("3-2-3", "3-2-3,,2026,240,,\n3-2-3,,2027,246,2027-12-31,", 2027, date(2027, 12, 31), "on_track"),
    # ... but 238, below last year's 240, is 遅れ whatever the tolerance
    ("3-2-3", "3-2-3,,2026,240,,\n3-2-3,,2027,238,2027-12-31,", 2027, date(2027, 12, 31), "behind"),
    # a level at 99% of its target in December is 順調
    ("3-2-3", "3-2-3,,2026,240,,\n3-2-3,,2027,247.5,2027-12-31,", 2027, date(2027, 12, 31), "on_track"),
]


VERDICTS = (
    [("nemuro", *c) for c in NEMURO_BARS]
    + [("abashiri", *c) for c in ABASHIRI_V1]
    + [("chitose", *c) for c in CHITOSE_CONTINUOUS]
    + [("hyuga", *c) for c in HYUGA_SCHEDULES]
    + [("abashiri", *c) for c in ABASHIRI_V2_PACE]
)


@pytest.mark.parametrize(
    ("city", "case", "row", "year", "as_of", "expected"), VERDICTS, ids=[f"{v[0]}-{v[1]}-{v[3]}" for v in VERDICTS]
)
def test_the_status_an_official_would_give(  # type: ignore[no-untyped-def]
    judge, city: str, case: str, row: str, year: int, as_of: date, expected: str
) -> None:
    """Each case names its seed line in the tables above: 根室's bars, 網走 Ver1.0's bars, arrows and
    shared cells, 千歳's continuous 取組, 日向's schedule cells, and pace with whole events and tolerance."""
    assert judge(city, row, year, as_of)[case] == expected


def test_four_sessions_a_year_on_the_first_of_october(judge) -> None:  # type: ignore[no-untyped-def]
    """年4回 on 1 October: the pace value is ⌊4 x 184/366⌋ = 2; 2 held is 順調, 1 is 遅れ (1 < 1.9)."""
    rows = "1-1-2,sessions,2027,{},2027-10-01,\n1-1-2,departments,2027,6,2027-10-01,\n"
    assert judge("abashiri", rows.format(2), 2027, date(2027, 10, 1))["1-1-2"] == "on_track"
    assert judge("abashiri", rows.format(1), 2027, date(2027, 10, 1))["1-1-2"] == "behind"


# ------------------------------------------------------------------ years not yet started


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(date(2028, 3, 31), "upcoming"), (date(2028, 4, 1), "no_data")],
)
def test_a_year_that_has_not_started_is_upcoming(judge, as_of: date, expected: str) -> None:  # type: ignore[no-untyped-def]
    statuses = judge("abashiri", "", 2028, as_of)
    assert statuses["3-2-3"] == expected
    assert statuses["3-1-2"] == "tbd"  # (見直し内容により指標を設定): nothing to wait for


def test_rows_dated_after_as_of_are_said_on_stderr(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(REPO / "targets", root / "targets")
    (root / "actuals" / "abashiri").mkdir(parents=True)
    rows = "3-2-3,,2027,248,2027-12-31,\n3-3-1,削減時間数,2027,5,2028-01-15,\n"
    (root / "actuals" / "abashiri" / "a.csv").write_text(HEADER + rows, encoding="utf-8")
    args = ["--city", "abashiri", "--year", "2027", "--as-of", "2027-12-30", "--root", str(root)]
    for command in (["status"], ["report"]):
        result = invoke(*command, *args)
        assert result.exit_code == 0, result.output
        assert "基準日 2027-12-30 より後の日付の実績 2 行は未反映です（最も早い日付 2027-12-31）" in result.stderr
    quiet = invoke("status", *args[:-3], "--as-of", "2028-01-15", "--root", str(root))
    assert "未反映" not in quiet.stderr
