"""Shared fixtures: a data root written by the test itself, golden files, the repository's demo root, the CLI."""

from __future__ import annotations

import io
import re
import shutil
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from openpyxl import Workbook
from typer.testing import CliRunner, Result

from kpicheck.cli import app

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"

# Hypothesis profiles, picked with hypothesis' own `pytest --hypothesis-profile nightly`: "ci" (the
# default) runs each property test's own count of examples, "nightly" ten times as many (examples()).
settings.register_profile("ci", max_examples=100)
settings.register_profile("nightly", max_examples=1000)
settings.load_profile("ci")


def examples(count: int) -> int:
    """A property test's example count under the profile loaded: `count` in "ci", 10 × `count` in "nightly"."""
    return count * settings.default.max_examples // 100


def invoke(*args: str, columns: int = 200) -> Result:
    """Run the command line in-process: `columns` wide (COLUMNS; tables wrap only where a test narrows
    them), colour off (NO_COLOR), stdout and stderr apart. Every CLI test goes through here."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns), "NO_COLOR": "1"})


def unread_comment(lines: list[str], year: object, cell: str) -> bool:
    """Whether the draft says, above the year's key, that the printed `cell` was not read (目標未設定)."""
    pattern = re.compile(rf"# 要確認 {year}（[^）]+）: 表のセル「{re.escape(cell)}」を読めないため目標未設定にしました")
    return any(pattern.fullmatch(line) for line in lines)


def xlsx(rows: list[list[Any]], merge: tuple[str, ...] = ()) -> bytes:
    """A workbook of `rows` (openpyxl), with `merge` ranges merged as Excel merges a group's cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(*args: str) -> tuple[int, str, str]:
    """invoke() as (exit code, stdout, stderr), for tests that unpack it."""
    result = invoke(*args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True, scope="session")
def _cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """kpicheck's cache (parsed plans, compiled templates) in a folder of this run, never the user's."""
    import os  # noqa: PLC0415 - only here

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("KPICHECK_CACHE", None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[..., None]:
    """Compare text with tests/golden/<name> (or `folder`/<name>); --update-golden rewrites it (review the diff)."""

    def check(name: str, text: str, folder: Path = GOLDEN) -> None:
        path = folder / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {path}; run pytest --update-golden and review it"
        assert text == path.read_text(encoding="utf-8")

    return check


MINI_PLAN = """\
schema = 1
[plan]
id = "mini"
city = "mini"
city_name = "見本市"
title = "見本市DX推進計画"
first_year = 2026
last_year = 2028

[[areas]]
id = "1"
name = "行政運営"

[[initiatives]]
id = "1-1"
area = "1"
name = "研修"
departments = ["デジタル推進課"]

[[indicators]]
id = "rate"
initiative = "1-1"
name = "押印廃止実施率"
unit = "%"
counts = "level"
[indicators.targets]
2026 = "65%"
2027 = "70%"
2028 = ""

[[indicators]]
id = "count"
initiative = "1-1"
name = "研修回数"
unit = "回"
counts = "per_year"
[indicators.targets]
2026 = "年4回以上"
2027 = "年4回以上"
2028 = "-"

[[indicators]]
id = "plan"
initiative = "1-1"
name = "方針策定"
[indicators.targets]
2026 = "方針策定"
2027 = "運用継続"
2028 = "(検討結果により設定)"

[[indicators]]
id = "spend"
initiative = "1-1"
name = "観光消費額"
unit = "円"
counts = "per_year"
[indicators.targets]
2026 = "前年比3%増"
2027 = "前年比3%増"
2028 = "前年比3%増"

[[indicators]]
id = "school"
initiative = "1-1"
name = "実施率"
metrics = [
  { id = "es", name = "小学校", unit = "%", counts = "level" },
  { id = "js", name = "中学校", unit = "%", counts = "level" },
]
[indicators.targets]
2026 = "小学校50% 中学校30%"
2027 = "小学校55% 中学校35%"
2028 = ""
"""


@pytest.fixture
def shipped(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """(city, rows, year, as_of) -> {indicator id: Evaluation}: the shipped targets, actuals rows written by
    the test (CSV with the columns indicator,metric,year,value,as_of,note), evaluated for `year`."""
    from kpicheck.rules import evaluate  # noqa: PLC0415 - only the tests that ask for it
    from kpicheck.workspace import load_city  # noqa: PLC0415

    def go(city: str, rows: str, year: int, as_of: date) -> dict[str, Any]:
        root = tmp_path / "shipped"
        if not root.exists():
            shutil.copytree(REPO / "targets", root / "targets")
        folder = root / "actuals" / city
        folder.mkdir(parents=True, exist_ok=True)
        body = rows if not rows or rows.endswith("\n") else rows + "\n"
        (folder / "test.csv").write_text("indicator,metric,year,value,as_of,note\n" + body, encoding="utf-8")
        loaded = load_city(root, city)
        plan = next(p for p in loaded.plans if p.covers(year))
        return {e.indicator.id: e for e in evaluate(plan, loaded.actuals, year, as_of).evaluations}

    return go


@pytest.fixture
def make_root(tmp_path: Path) -> Callable[..., Path]:
    """Write a data root: one plan (default: the mini plan) and actuals files given as text or bytes."""

    def make(actuals: dict[str, str | bytes] | None = None, plan: str = MINI_PLAN, city: str = "mini") -> Path:
        root = tmp_path / "root"
        (root / "targets" / city).mkdir(parents=True, exist_ok=True)
        (root / "targets" / city / "plan.toml").write_text(textwrap.dedent(plan), encoding="utf-8")
        folder = root / "actuals" / city
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in (actuals or {}).items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
        return root

    return make
