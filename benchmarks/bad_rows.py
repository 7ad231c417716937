"""`kpicheck validate` on a file of bad rows, growing in size: seconds per MB and peak memory.

Each size runs in its own process (so peak memory is that run's alone), on a copy of the shipped
網走市 targets with one actuals file of rows that name no indicator (KC102 on every row). The
time per MB must not grow with the size, and the peak memory must stay bounded: problems beyond
1,000 per file are counted, not kept (KC115), and at most --max-problems lines are printed.

Usage: python benchmarks/bad_rows.py [--sizes 20,50,200] (megabytes)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="20,50,200", help="file sizes in MB, comma-separated")
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


if __name__ == "__main__":
    main()
