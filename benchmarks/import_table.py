"""`kpicheck import` of a large KPI table, next to merely reading the same table, side by side.

A synthetic table of --rows indicator rows over FY2026-2030 (分野, 取組, 担当, 指標, 単位, 現状値 and five
year columns) cycles through the cells tables print: rates, bare numbers under a 単位 column, per-year
counts, running totals, milestones, and one row in ten a cell the loader cannot read (two measures in
one cell), so every path of the import is taken. Each command runs in its own process, alternately,
--runs times; the script prints medians, the ratio to reading the table and peak memory:
- the csv module reading the file (the floor);
- kpicheck reading the table (kpi_table.read_kpi_table: decoding, header, columns);
- `kpicheck import` writing the draft to standard output (the table read, the draft written, read back
  once by the loader, and written again with what the reading settled).

Usage: python benchmarks/import_table.py [--rows 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
from pathlib import Path

from measure import run  # benchmarks/measure.py

HEADER = ["分野", "取組", "担当", "指標", "単位", "現状値（R6）", *(f"令和{y - 2018}年度" for y in range(2026, 2031))]
# (単位, 現状値, the five year cells)
ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("%", "40%", ("50%", "60%", "70%", "80%", "90%")),
    ("件", "10", ("15", "20", "25", "30", "40")),
    ("回", "", ("年4回以上", "年4回以上", "年5回以上", "年5回以上", "年6回以上")),
    ("人", "", ("延べ100人", "延べ200人", "延べ300人", "延べ400人", "延べ500人")),
    ("", "", ("方針策定", "運用開始", "運用継続", "運用継続", "運用継続")),
    ("分", "60分", ("30分以内", "25分以内", "20分以内", "15分以内", "15分以内")),
    ("%", "", ("小学校50% 中学校30%", "60%", "70%", "80%", "90%")),
    ("人", "1,000人", ("1,200人/年", "1,300人/年", "1,400人/年", "1,500人/年", "1,600人/年")),
    ("件", "", ("100件", "120件", "140件", "160件", "180件")),
    ("", "", ("検討", "構築", "運用開始", "運用継続", "運用継続")),
)
CSV_READ = (
    "import csv, sys\n"
    "with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n"
    "    for row in csv.reader(f): pass\n"
)
TABLE_READ = (
    "import sys\nfrom pathlib import Path\nfrom kpicheck.kpi_table import read_kpi_table\n"
    "read_kpi_table(Path(sys.argv[1]), 'table')\n"
)


def write_table(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(HEADER)
        for n in range(rows):
            unit, baseline, cells = ROWS[n % len(ROWS)]
            area = f"分野{n // 2000 + 1}" if n % 2000 == 0 else ""
            first = n % 40 == 0
            out.writerow([area, f"取組{n // 40 + 1}" if first else "", "情報政策課" if first else "", f"指標{n + 1}",
                          unit, baseline, *cells])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"NO_COLOR": "1"}
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "kpi.csv"
        write_table(table, args.rows)
        size = table.stat().st_size / 1024 / 1024
        print(f"table: {args.rows:,} indicator rows × 5 years = {args.rows * 5:,} cells ({size:.1f} MB)")
        options = ["--city", "bench", "--plan", "bench-dx", "--title", "試験市DX推進計画"]
        commands = {
            "csv module": [sys.executable, "-c", CSV_READ, str(table)],
            "read the table": [sys.executable, "-c", TABLE_READ, str(table)],
            "kpicheck import": [sys.executable, "-m", "kpicheck", "import", str(table), *options],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, float] = {}
        for _ in range(args.runs):
            for name, command in commands.items():
                seconds, peaks[name], code = run(command, env)
                assert code in {0, 1}, f"{name}: exit {code}"  # import: 1 when cells wait for a person
                times[name].append(seconds)
        medians = {name: statistics.median(values) for name, values in times.items()}
        base = medians["read the table"]
        print(f"\n{'command':18} {'seconds':>8} {'× table read':>13} {'× csv':>7} {'µs/row':>8} {'peak MB':>8}")
        for name, median in medians.items():
            print(f"{name:18} {median:>8.2f} {median / base:>13.1f} {median / medians['csv module']:>7.1f}"
                  f" {median / args.rows * 1e6:>8.0f} {peaks[name]:>8.0f}")  # fmt: skip
        print(f"\nmedians of {args.runs} alternating runs, each command in its own process")


if __name__ == "__main__":
    main()
