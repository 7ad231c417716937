"""Long cells (issue 22, item 3): reading a cell is linear in its length, and a cell past the documented
cap is one coded line (KC211 for a plan's cell, KC411 for an import table's) before any pattern runs.

The cells here are made by the tests. Before the fix a cell of 20,000 digits took 16 s and one of
100,000 digits or spaces never ended: the time limits below fail on that code by far.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import time
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import kpicheck.cells
from conftest import REPO, invoke
from kpicheck.cells import MAX_CELL_CHARS, CellContext, PhraseError
from kpicheck.importer import import_table
from kpicheck.models import Counts, Metric, ValueKind
from kpicheck.phrases import read_cell, read_due_target
from kpicheck.quantities import read_baseline

ONE = CellContext((Metric("m", "", "件", Counts.LEVEL),))
TWO = CellContext((Metric("a", "小学校", "%", Counts.LEVEL), Metric("b", "中学校", "%", Counts.LEVEL)))
STATE = CellContext((Metric("s", "", None, Counts.LEVEL, kind=ValueKind.STATE),))
N = 50_000
# Each shape once took time quadratic (or worse) in its length: a run one pattern tried from every
# position, two adjacent \s* sharing a run of spaces, a prefix stripped by slicing, a segment re-split.
SHAPES = {
    "digits": "1" * N,
    "spaces": " " * N,
    "digits and a unit": "1" * N + "件以上",
    "a number, spaces, a unit": "1" + " " * N + "件",
    "a bracketed year and spaces": "(2020" + " " * N,
    "a year and spaces": "R1" + " " * N + "比",
    "thousands groups": "1" + ",000" * (N // 4) + "%削減",
    "a run of 年": "年" * N + "1件",
    "dots": "1." * (N // 2) + "倍",
    "segments": "、小学校1" * (N // 25),
    "spaces and an arrow": " " * N + "→",
    "a period in brackets": "研修" + " " * N + "(1年に1回)",
}


@pytest.fixture
def uncapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap lifted, so that the readers themselves are timed on long cells."""
    monkeypatch.setattr(kpicheck.cells, "MAX_CELL_CHARS", 10**7)


def _seconds(read: Callable[[], object]) -> float:
    start = time.perf_counter()
    with contextlib.suppress(PhraseError):
        read()
    return time.perf_counter() - start


@pytest.mark.usefixtures("uncapped")
@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_a_long_cell_is_read_in_linear_time(shape: str) -> None:
    """Every shape of 50,000 characters is read (or refused) in well under the time a quadratic reading
    takes (minutes): 10 s is room for a loaded machine; each takes 0.01-0.5 s."""
    text = SHAPES[shape]
    for ctx in (ONE, TWO, STATE):
        assert _seconds(lambda ctx=ctx: read_cell(text, ctx)) < 10, ctx
    assert _seconds(lambda: read_baseline(text, ONE)) < 10


@pytest.mark.parametrize(
    "read",
    [
        lambda text: read_cell(text, ONE),
        lambda text: read_due_target(text, date(2026, 3, 31), None, ONE),
        lambda text: read_baseline(text, ONE),
    ],
    ids=["cell", "due target", "baseline"],
)
def test_a_cell_past_the_cap_is_kc211_quoting_only_its_start(read: Callable[[str], object]) -> None:
    with pytest.raises(PhraseError) as caught:
        read("1" * (MAX_CELL_CHARS + 1))
    assert caught.value.code == "KC211"
    message = str(caught.value)
    assert f"{MAX_CELL_CHARS + 1:,} 文字" in message
    assert len(message) < 200


def test_a_cell_at_the_cap_is_read_as_any_other() -> None:
    text = "年4件以上実施 " + " " * (MAX_CELL_CHARS - 8)
    assert len(text) == MAX_CELL_CHARS
    (rule,) = read_cell(text, ONE)
    assert rule.value == 4


def test_the_cap_is_far_above_the_longest_shipped_cell() -> None:
    """The README says a plan's cell is rarely over 200 characters; the shipped plans' longest is 25."""
    longest = 0
    for path in (REPO / "targets").glob("*/*.toml"):
        for indicator in tomllib.loads(path.read_text(encoding="utf-8")).get("indicators", []):
            for text in indicator.get("targets", {}).values():
                longest = max(longest, len(text))
    assert 0 < longest <= 200 < MAX_CELL_CHARS


@pytest.mark.parametrize("fill", ["1" * 100_000, " " * 100_000], ids=["digits", "spaces"])
def test_validate_names_a_100000_character_cell_in_one_line(tmp_path: Path, fill: str) -> None:
    root = tmp_path / "root"
    shutil.copytree(REPO / "targets" / "abashiri", root / "targets" / "abashiri")
    plan = root / "targets" / "abashiri" / "abashiri-v2.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('2027 = "', '2027 = "' + fill, 1), encoding="utf-8")
    line = text[: text.index('2027 = "')].count("\n") + 1
    start = time.perf_counter()
    result = invoke("validate", "--root", str(root))
    assert time.perf_counter() - start < 10
    assert result.exit_code == 1, result.output
    (problem,) = [row for row in result.output.splitlines() if ": KC" in row]
    assert problem.startswith(f"targets/abashiri/abashiri-v2.toml:{line}: KC211 ")
    assert len(problem) < 300
    assert "Traceback" not in result.output


def _table(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def test_import_refuses_a_table_cell_past_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "kpi.csv"
    path.write_text(_table([["指標", "2026", "2027"], ["手続数", "1" * 100_000, "10件"]]), encoding="utf-8")
    start = time.perf_counter()
    result = invoke("import", str(path), "--city", "newtown", "--plan", "newtown-dx", "--title", "新町DX推進計画")
    assert time.perf_counter() - start < 10
    assert result.exit_code == 2
    (problem,) = [row for row in result.output.splitlines() if ": KC" in row]
    assert problem.startswith(f"{path}:2:2: KC411 ")
    assert "100,000 文字" in problem


def test_import_reads_a_table_whose_cells_are_at_most_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "kpi.csv"
    note = "説明" * (MAX_CELL_CHARS // 2)
    path.write_text(_table([["指標", "備考", "2026"], ["手続数", note, "10件"]]), encoding="utf-8")
    result = import_table(path, "kpi.csv", city="newtown", plan="newtown-dx", title="新町DX推進計画")
    assert result.errors == []
    assert [p.code for p in result.problems if p.code == "KC411"] == []
