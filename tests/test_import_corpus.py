"""kpicheck import on real-shaped KPI tables (tests/import_corpus/): each draft as expected, every cell
restated or refused.

The tables are written from shapes printed plans use (a 県 plan with survey years in its 現状値 and
numbering restarting per 施策, a 県's joint target with its 市町村 under a two-row header, a 市 table that
prints only 2028 and 2030, a 町's workbook with merged cells and R8年度末 headers). Each has its expected
draft (`<name>.toml`) and what import says and reads (`<name>.txt`: the problems, then every target cell
restated as the loader reads the draft) under expected/: review changes there in the diff, and
regenerate with `pytest --update-golden`. A cell is either kept as printed and restated, or refused:
written as 目標未設定 with the printed text beside it, never read as something else.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import unread_comment, xlsx
from kpicheck.draft import UNREAD_CELL
from kpicheck.errors import Severity
from kpicheck.importer import ImportResult, import_table
from kpicheck.kinds.registry import describe
from kpicheck.kpi_table import one_line, read_kpi_table
from kpicheck.targets import read_plan

CORPUS = Path(__file__).resolve().parent / "import_corpus"
EXPECTED = CORPUS / "expected"

# A 町's strategy as its staff keep it in Excel: 取組 in merged cells, a 番号 restarting in each 取組,
# years as R8年度末, a 単位 column, a cell two measures share.
TOWN = [
    ["取組", "番号", "指標", "単位", "現状値（R6）", "R8年度末", "R9年度末", "R10年度末"],
    ["子育て支援のデジタル化", 1, "オンライン相談の件数", "件", 8, 15, 25, 40],
    [None, 2, "母子手帳アプリの登録率", "%", "35%(R5)", "50%", "60%", "70%"],
    ["地域の見守り", 1, "見守りセンサーの設置数", "台", 0, "累計20台", "累計40台", "累計60台"],
    [None, 2, "見守り協力員の研修", None, None, "研修年2回実施、協力員20人", "研修年2回実施、協力員30人", "研修年2回"],
    [None, 3, "高齢者のスマホ教室", "回", None, "年12回以上", "年12回以上", "年12回以上"],
]
TOWN_MERGED = ("A2:A3", "A4:A6")


def town_workbook(path: Path) -> Path:
    path.write_bytes(xlsx(TOWN, TOWN_MERGED))
    return path


def tables(tmp_path: Path) -> dict[str, Path]:
    found = {p.name: p for p in sorted(CORPUS.iterdir()) if p.suffix in {".csv", ".tsv"}}
    found["town_strategy.xlsx"] = town_workbook(tmp_path / "town_strategy.xlsx")
    return found


NAMES = [*sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".csv", ".tsv"}), "town_strategy.xlsx"]


def imported(tmp_path: Path, name: str) -> tuple[Path, ImportResult]:
    path = tables(tmp_path)[name]
    stem = path.stem
    result = import_table(path, name, city="corpus", plan=f"corpus-{stem}", title=f"{stem} の KPI 表")
    return path, result


def restated(result: ImportResult, name: str) -> str:
    """What import said, then every target cell as the loader reads the draft: the text to review."""
    lines = [f"{name}: {result.read}/{result.cells} cells read, {result.unread} drafted as 目標未設定, "
             f"{result.marked} indicators marked review"]  # fmt: skip
    lines += [str(p) + ("（警告）" if p.severity is Severity.WARNING else "") for p in result.problems]
    plan, problems = read_plan(result.text, name)
    assert plan is not None
    lines.append("")
    lines += [f"draft: {p}" for p in problems]
    for indicator in plan.indicators:
        for year, target in sorted(indicator.targets.items()):
            if not target.text:
                continue
            reading = "; ".join(describe(rule) for rule in target.rules)
            lines.append(f"{indicator.id}\t{year}\t{target.text}\t{reading}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", NAMES)
def test_each_table_gives_its_expected_draft(tmp_path: Path, name: str, golden: Callable[..., None]) -> None:
    _, result = imported(tmp_path, name)
    stem = Path(name).stem
    golden(f"{stem}.toml", result.text, folder=EXPECTED)
    golden(f"{stem}.txt", restated(result, name), folder=EXPECTED)


@pytest.mark.parametrize("name", NAMES)
def test_every_cell_is_kept_as_printed_or_refused(tmp_path: Path, name: str) -> None:
    """Restate or refuse: a cell in the draft is the printed cell (read by the loader) or 目標未設定 with the
    printed text in the comment above it and its year in `review`; never another text."""
    path, result = imported(tmp_path, name)
    table = read_kpi_table(path, name)
    data = tomllib.loads(result.text)
    lines = result.text.splitlines()
    columns = [c for c in table.columns if c.year is not None]
    names = [c for c in table.columns if c.role == "name"]
    printed = {one_line(cells[names[0].number - 1]): cells for _, cells in table.body}
    checked = 0
    for indicator in data["indicators"]:
        cells = printed[indicator["name"]]
        for column in columns:
            cell = one_line(cells[column.number - 1])
            drafted = indicator["targets"][str(column.year)]
            if drafted == UNREAD_CELL:
                assert unread_comment(lines, column.year, cell)
                assert f"targets.{column.year}" in indicator["review"]
            else:
                assert drafted == cell, (indicator["id"], column.year)
            checked += 1
    assert checked == result.cells


@pytest.mark.parametrize("name", NAMES)
def test_the_draft_loads_with_warnings_only(tmp_path: Path, name: str) -> None:
    """However many cells wait for a person, validate finds no error in the draft: every other indicator
    can be judged. What remains is one KC409 per indicator still marked."""
    _, result = imported(tmp_path, name)
    plan, problems = read_plan(result.text, name)
    assert plan is not None
    assert {p.code for p in problems} <= {"KC409"}
    marked = [i for i in tomllib.loads(result.text)["indicators"] if i.get("review")]
    assert len(problems) == len(marked) == result.marked


def test_the_workbook_names_its_cells_as_excel_does(tmp_path: Path) -> None:
    _, result = imported(tmp_path, "town_strategy.xlsx")
    split = [p for p in result.errors if p.line == 5]
    assert [(p.column, p.message[:24]) for p in split] == [
        (6, "セル F5: 指標 1-2-2 の 2026年度"),
        (7, "セル G5: 指標 1-2-2 の 2027年度"),
    ]
    assert (
        "# 要確認 2026（セル F5）: 表のセル「研修年2回実施、協力員20人」を読めないため目標未設定にしました"
        in result.text
    )
    warnings = {p.message.split(":", 1)[0] for p in result.problems if p.code == "KC409"}
    assert "セル C2" in warnings  # 件 without /年: how it counts is a guess


def test_numbering_restarting_per_initiative_gives_hierarchy_ids(tmp_path: Path) -> None:
    _, result = imported(tmp_path, "ken_dx_kpi.csv")
    ids = [i["id"] for i in tomllib.loads(result.text)["indicators"]]
    assert ids == ["1-1-1", "1-1-2", "1-1-3", "1-2-1", "1-2-2", "2-1-1", "2-1-2", "2-1-3", "2-1-4", "2-1-5"]
    assert len(set(ids)) == len(ids)
    assert [p.code for p in result.problems if p.line == 1] == ["KC410"]


def test_a_printed_unique_id_column_is_kept(tmp_path: Path) -> None:
    _, result = imported(tmp_path, "city_sparse.csv")
    assert [i["id"] for i in tomllib.loads(result.text)["indicators"]] == [f"KPI-0{n}" for n in range(1, 6)]


@pytest.mark.parametrize(
    ("name", "years"),
    [
        ("ken_dx_kpi.csv", (2025, 2026, 2027)),  # 目標値（令和7年度）
        ("joint_two_row.csv", (2025, 2030)),  # 目標値 above (令和7年度)
        ("city_sparse.csv", (2028, 2030)),  # 目標値2028年度: only the years printed
        ("town_strategy.xlsx", (2026, 2027, 2028)),  # R8年度末
    ],
)
def test_year_headers_as_printed(tmp_path: Path, name: str, years: tuple[int, ...]) -> None:
    _, result = imported(tmp_path, name)
    assert result.years == years
    plan = tomllib.loads(result.text)["plan"]
    assert (plan["first_year"], plan["last_year"]) == (years[0], years[-1])
    skipped = [y for y in range(years[0], years[-1] + 1) if y not in years]
    for indicator in tomllib.loads(result.text)["indicators"]:
        assert [indicator["targets"][str(y)] for y in skipped] == [""] * len(skipped)  # no target: 対象外
    assert bool(skipped) == any(p.code == "KC402" and p.severity is Severity.WARNING for p in result.problems)


def test_baselines_are_passed_as_printed(tmp_path: Path) -> None:
    """The loader reads a 基準値 as printed, with the year in its brackets; the header's (or 基準年度's) year
    is added only where the cell prints none, and a cell printing another year is marked for review."""
    _, result = imported(tmp_path, "ken_dx_kpi.csv")
    baselines = {i["id"]: i.get("baseline") for i in tomllib.loads(result.text)["indicators"]}
    assert baselines["1-1-1"] == {"value": "1,234件(2020)"}
    assert baselines["1-1-2"] == {"value": "(令和2年度) 45.0%"}
    assert baselines["1-2-1"] == {"value": "約300人(2019)"}
    assert baselines["1-2-2"] == {"value": "12件/年"}
    assert baselines["1-1-3"] is None  # ―: no baseline
    _, town = imported(tmp_path, "town_strategy.xlsx")
    first, second = tomllib.loads(town.text)["indicators"][:2]
    assert first["baseline"] == {"value": "8", "year": "R6"}  # the header's: 現状値（R6）
    assert (second["baseline"], second["review"]) == ({"value": "35%(R5)"}, ["baseline"])
    assert "基準値のセル「35%(R5)」の年度（2023年度）と、見出しの年度（R6）が違います" in town.text


def test_a_yearly_flow_printed_without_per_year_is_marked(tmp_path: Path) -> None:
    """観光入込客数 120,000 (a yearly count, printed without /年): drafted as a level, and marked."""
    _, result = imported(tmp_path, "ken_dx_kpi.csv")
    visitors = next(i for i in tomllib.loads(result.text)["indicators"] if i["name"] == "観光入込客数")
    assert (visitors["unit"], visitors["counts"], visitors["review"]) == ("人", "level", ["counts"])
    assert re.search(r"# counts: 要確認 .*per_year", result.text)
