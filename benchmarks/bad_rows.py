"""`kpicheck validate` on a file of bad rows, growing in size: seconds per MB and peak memory.

Each size runs in its own process (so peak memory is that run's alone), on a copy of the shipped
網走市 targets with one actuals file of rows that name no indicator (KC102 on every row). The
time per MB must not grow with the size, and the peak memory must stay bounded: problems beyond
1,000 per file are counted, not kept (KC115), and at most --max-problems lines are printed.

Then a plan whose one target cell is 100,000 characters (digits, then spaces): `validate` must name it
in one KC211 line within a second or so, at the memory of any small run (it once never ended).

Then the workbooks that expand (issue 22; tests/workbook_bombs.py writes them): 20 million shared
strings in 0.8 MB, 3 million rows, one cell at row 99,999,999,999 and one at 1,048,576. Each must be
one KC006 or KC007 line at once (they took 216 s, 210 s, forever and 3.7 s).

Usage: python benchmarks/bad_rows.py [--sizes 20,50,200] (megabytes) [--cell 100000] (characters)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import measure  # benchmarks/measure.py: the script's folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import workbook_bombs  # noqa: E402 - tests/workbook_bombs.py, on the path just above

BOMBS = {
    "20 million shared strings": lambda: workbook_bombs.many_strings(20_000_000, "20000000"),
    "3 million rows": lambda: workbook_bombs.many_rows(3_000_000),
    "a cell at row 99,999,999,999": lambda: workbook_bombs.far_row(99_999_999_999),
    "a cell at row 1,048,576": lambda: workbook_bombs.far_row(1_048_576),
}
BIN = Path(sys.executable).parent
ROW = "9-9-9,2027,1,,存在しない指標\n"


def make_root(folder: Path, megabytes: float) -> Path:
    root = folder / f"root-{megabytes:g}"
    shutil.copytree(ROOT / "targets" / "abashiri", root / "targets" / "abashiri")
    (root / "actuals" / "abashiri").mkdir(parents=True)
    rows = int(megabytes * 1024 * 1024 / len(ROW.encode()))
    with (root / "actuals" / "abashiri" / "bad.csv").open("w", encoding="utf-8") as stream:
        stream.write("indicator,year,value,as_of,note\n")
        for _ in range(rows // 10_000):
            stream.write(ROW * 10_000)
        stream.write(ROW * (rows % 10_000))
    return root


def run(root: Path, megabytes: float) -> tuple[float, float, int]:
    """Seconds, peak resident MB of the child, and its exit code."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["KPICHECK_MAX_FILE_MB"] = str(megabytes * 2)
    return measure.run([str(BIN / "kpicheck"), "validate", "--root", str(root), "--max-problems", "20"], env)


def long_cell_root(folder: Path, fill: str) -> Path:
    """The shipped 網走市 targets with one target cell made `fill` long, and no actuals."""
    root = folder / "root-cell"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(ROOT / "targets" / "abashiri", root / "targets" / "abashiri")
    plan = root / "targets" / "abashiri" / "abashiri-v2.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('2027 = "', '2027 = "' + fill, 1), encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="20,50,200", help="file sizes in MB, comma-separated")
    parser.add_argument("--cell", type=int, default=100_000, help="characters of the long target cell")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"{'MB':>6} {'rows':>11} {'seconds':>8} {'s/MB':>7} {'peak MB':>8} exit")
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in sizes:
            root = make_root(Path(folder), megabytes)
            rows = int(megabytes * 1024 * 1024 / len(ROW.encode()))
            seconds, peak, code = run(root, megabytes)
            print(f"{megabytes:>6g} {rows:>11,} {seconds:>8.2f} {seconds / megabytes:>7.3f} {peak:>8.0f} {code:>4}")
            shutil.rmtree(root)
        print(f"\n{'long target cell':24} {'seconds':>8} {'peak MB':>8} exit")
        for name, fill in (("digits", "1" * args.cell), ("spaces", " " * args.cell)):
            root = long_cell_root(Path(folder), fill)
            seconds, peak, code = measure.run(
                [str(BIN / "kpicheck"), "validate", "--root", str(root)], dict(os.environ)
            )
            print(f"{f'{args.cell:,} {name}':24} {seconds:>8.2f} {peak:>8.0f} {code:>4}")
        print(f"\n{'workbook that expands':30} {'KB':>6} {'seconds':>8} {'peak MB':>8} exit")
        for name, make in BOMBS.items():
            root = long_cell_root(Path(folder), "")
            (root / "actuals" / "abashiri").mkdir(parents=True)
            data = make()
            (root / "actuals" / "abashiri" / "bomb.xlsx").write_bytes(data)
            seconds, peak, code = measure.run(
                [str(BIN / "kpicheck"), "validate", "--root", str(root)], dict(os.environ)
            )
            print(f"{name:30} {len(data) / 1024:>6.0f} {seconds:>8.2f} {peak:>8.0f} {code:>4}")


if __name__ == "__main__":
    main()
