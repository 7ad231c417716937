"""Each distinct row of a plan is read once: equal rows share their targets, and every reading and every
problem is what reading each row on its own gives (plan_rows.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from kpicheck import plan_rows, targets

ROWS = """\
schema = 1
[plan]
id = "rows"
city = "mini"
city_name = "見本市"
title = "見本市DX推進計画"
first_year = 2026
last_year = 2028
neutral_words = ["全体"]

[[areas]]
id = "1"
name = "行政"

[[initiatives]]
id = "1"
area = "1"
name = "取組"
departments = []
{indicators}"""

SCHOOLS = (
    '\n[[indicators.metrics]]\nid = "e"\nname = "小学校"\nunit = "%"'
    '\n[[indicators.metrics]]\nid = "j"\nname = "中学校"\nunit = "%"'
)
SCHOOL_CELLS = ("小学校55% 中学校35%", "小学校60% 中学校40%", "小学校65% 中学校45%")

# (name and keys of the indicator, its cells): equal cells under other names, a name a cell contains,
# baselines equal as numbers but written differently, a cell that cannot be read, two metrics.
INDICATORS: list[tuple[str, tuple[str, str, str]]] = [
    ('name = "研修の実施率"', ("50%", "60%", "70%")),
    ('name = "窓口の満足度"', ("50%", "60%", "70%")),
    ('name = "受講者数"', ("受講者数 100人", "受講者数 200人", "受講者数 300人")),
    ('name = "参加者数"', ("受講者数 100人", "受講者数 200人", "受講者数 300人")),
    ('name = "削減率"\nunit = "%"\nbaseline = { value = "1.0%" }', ("30%削減", "40%削減", "50%削減")),
    ('name = "削減幅"\nunit = "%"\nbaseline = { value = "1%" }', ("30%削減", "40%削減", "50%削減")),
    ('name = "申請数"', ("年4回", "どこかへ", "年5回")),
    ('name = "届出数"', ("年4回", "どこかへ", "年5回")),
    ('name = "全体の件数"', ("全体 10件", "全体 20件", "全体 30件")),
    ('name = "個別の件数"', ("全体 10件", "全体 20件", "全体 30件")),
    ('name = "整備"\nschedule_ends = 2027', ("方針策定", "運用開始", "運用継続")),
    ('name = "運用"', ("方針策定", "運用開始", "運用継続")),
    (f'name = "学校"{SCHOOLS}', SCHOOL_CELLS),
    (f'name = "学校2"{SCHOOLS}', SCHOOL_CELLS),
]


def _plan_text() -> str:
    blocks = []
    for number, (keys, cells) in enumerate(INDICATORS, 1):
        head, _, metrics = keys.partition("\n[[indicators.metrics]]")
        rows = "\n".join(f'{year} = "{cell}"' for year, cell in zip((2026, 2027, 2028), cells, strict=True))
        block = f'\n[[indicators]]\nid = "1-{number}"\ninitiative = "1"\n{head}\n'
        if metrics:
            block += f"[[indicators.metrics]]{metrics}\n"
        blocks.append(block + f"[indicators.targets]\n{rows}\n")
    return ROWS.format(indicators="".join(blocks))


class _Forgetful(dict[Any, Any]):
    """A memo that keeps nothing: every row is read as if it were the plan's only one."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class _ReadEachRow(plan_rows.RowReader):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._rows = _Forgetful()


def _read_both(monkeypatch: pytest.MonkeyPatch, source: str) -> tuple[str, str]:
    shared = repr(targets.read_plan(source, "plan.toml"))
    with monkeypatch.context() as patch:
        patch.setattr(targets, "RowReader", _ReadEachRow)
        alone = repr(targets.read_plan(source, "plan.toml"))
    return shared, alone


def test_rows_read_once_read_as_each_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names, match words, baselines as written (1.0% and 1%), problems and their lines: all as read alone."""
    shared, alone = _read_both(monkeypatch, _plan_text())
    assert shared == alone
    assert "Decimal('1.0')" in shared
    assert "KC203" in shared  # どこかへ, in two indicators, each at its own line
    assert shared.count("どこかへ") >= 2


@pytest.mark.parametrize("path", sorted((REPO / "targets").glob("*/*.toml")), ids=lambda p: p.name)
def test_every_shipped_plan_reads_as_each_row_alone(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    shared, alone = _read_both(monkeypatch, path.read_text(encoding="utf-8"))
    assert shared == alone


def test_equal_rows_share_their_targets() -> None:
    """Equal rows under different names: one targets table and its rules, each indicator with its own metric."""
    plan, problems = targets.read_plan(_plan_text(), "plan.toml")
    assert plan is not None
    by_id = {i.id: i for i in plan.indicators}
    assert by_id["1-1"].targets is by_id["1-2"].targets
    assert [m.name for m in (*by_id["1-1"].metrics, *by_id["1-2"].metrics)] == ["研修の実施率", "窓口の満足度"]
    assert by_id["1-3"].targets is not by_id["1-4"].targets  # 受講者数 names the first one's metric
    assert by_id["1-5"].targets is not by_id["1-6"].targets  # 1.0% and 1% print differently
    assert by_id["1-9"].targets is not by_id["1-10"].targets  # 全体 is a neutral word
    assert by_id["1-11"].targets is not by_id["1-12"].targets  # schedule_ends differs
    bad = [(p.indicator, p.line, p.year) for p in problems if p.code == "KC203"]
    assert len(bad) == 2 and bad[0][0] == "1-7" and bad[1][0] == "1-8"
    assert bad[0][1] != bad[1][1] and bad[0][2] == bad[1][2] == 2027
