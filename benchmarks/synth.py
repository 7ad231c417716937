"""Synthetic data roots for the benchmarks: plans with many indicators, actuals with many rows.

Not part of kpicheck: benchmarks/rows.py and benchmarks/national.py import it. The indicators
cycle through the common kinds of target cells (a rate, a per-year count, a running total, a
milestone, growth on last year), so reading and evaluation take their usual paths, and the
actuals mix numbers, state words, full-width digits and era years as staff type them.
"""

from __future__ import annotations

from pathlib import Path

FIRST_YEAR, LAST_YEAR = 2026, 2030
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)

# (unit line of the [[indicators]] table, cell per year index, actual per year index)
KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("", ("50%", "60%", "70%", "80%", "90%"), ("52%", "５８％", "71", "79%", "90%")),
    ("", ("年4回以上", "年4回以上", "年5回以上", "年5回以上", "年6回以上"), ("4", "3", "５回", "5", "6")),
    ("", ("延べ100人", "延べ200人", "延べ300人", "延べ400人", "延べ500人"), ("120", "90", "100", "80", "130")),
    ("", ("方針策定", "運用開始", "運用継続", "運用継続", "運用継続"), ("済", "実施中", "○", "完了", "済")),
    ('unit = "件"', ("前年比3%増",) * 5, ("1,000", "1,040", "1,050", "1100", "1,150")),
)  # fmt: skip


def plan_toml(city: str, city_name: str, indicators: int) -> str:
    """One plan of `indicators` rows over FY2026-2030, 10 areas and 40 initiatives at most."""
    areas = max(1, min(10, indicators // 4))
    initiatives = max(1, min(40, indicators))
    out = [
        "schema = 1",
        "",
        "[plan]",
        f'id = "{city}-dx"',
        f'city = "{city}"',
        f'city_name = "{city_name}"',
        f'title = "{city_name}DX推進計画"',
        f"first_year = {FIRST_YEAR}",
        f"last_year = {LAST_YEAR}",
        "",
    ]
    for a in range(1, areas + 1):
        out += ["[[areas]]", f'id = "{a}"', f'name = "分野{a}"', ""]
    for i in range(1, initiatives + 1):
        area = (i - 1) % areas + 1
        out += ["[[initiatives]]", f'id = "{area}-{i}"', f'area = "{area}"', f'name = "取組{i}"']
        out += [f'departments = ["情報政策課", "企画課{i % 7}"]', ""]
    for n in range(indicators):
        i = n % initiatives + 1
        area = (i - 1) % areas + 1
        unit, cells, _ = KINDS[n % len(KINDS)]
        out += ["[[indicators]]", f'id = "{indicator_id(n)}"', f'initiative = "{area}-{i}"']
        out += [f'name = "指標{n}の実施率・件数"']
        if unit:
            out.append(unit)
        out.append("[indicators.targets]")
        out += [f'{year} = "{cell}"' for year, cell in zip(YEARS, cells, strict=True)]
        out.append("")
    return "\n".join(out)


def indicator_id(n: int) -> str:
    return f"{n // 1000 + 1}-{n // 10 % 100 + 1}-{n + 1}"


HEADER = "指標,年度,実績,基準日,備考\n"


def actual_rows(indicators: int, years: int = len(YEARS)) -> list[str]:
    """One row per indicator and year: `indicators * years` lines (no header)."""
    rows = []
    for y, year in enumerate(YEARS[:years]):
        era = f"令和{year - 2018}年度" if y % 2 else str(year)
        for n in range(indicators):
            value = KINDS[n % len(KINDS)][2][y]
            quoted = f'"{value}"' if "," in value else value
            rows.append(f"{indicator_id(n)},{era},{quoted},{year}-12-31,メモ{n % 10}\n")
    return rows


def write_city(root: Path, city: str, city_name: str, indicators: int) -> int:
    """targets/<city>/<city>-dx.toml and actuals/<city>/actuals.csv; returns the number of rows."""
    (root / "targets" / city).mkdir(parents=True, exist_ok=True)
    (root / "actuals" / city).mkdir(parents=True, exist_ok=True)
    (root / "targets" / city / f"{city}-dx.toml").write_text(plan_toml(city, city_name, indicators), encoding="utf-8")
    rows = actual_rows(indicators)
    with (root / "actuals" / city / "actuals.csv").open("w", encoding="utf-8", newline="") as stream:
        stream.write(HEADER)
        stream.writelines(rows)
    return len(rows)
