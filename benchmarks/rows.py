"""One city growing from 1k to 100k (or 1M) actual rows: time per row and peak memory of `validate`,
`status --format json` and `report`, next to Python's csv module reading the same file.

Each size is one synthetic city (benchmarks/synth.py): a plan of rows/5 indicators over FY2026-2030
and one CSV of a row per indicator and year. Every command runs in its own process (peak memory is
that run's alone, no wrapper process: benchmarks/measure.py), paired with a csv-module read of the
same file, the order alternating, --runs times; the medians are printed, and `× csv` is the median
of the pair ratios. The plan cache (kpicheck/cache.py) lives in a temporary XDG_CACHE_HOME:
`validate (cold)` is the first run with it empty (the plan read from TOML), the other rows are
with it filled, as every run after a plan's first is. The time per row must not grow with the rows.

Usage: python benchmarks/rows.py [--sizes 1000,10000,100000] [--runs 3]   (add 1000000: minutes)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import synth  # benchmarks/synth.py: the script's folder is on sys.path
from measure import Measured, paired  # benchmarks/measure.py

BIN = Path(sys.executable).parent
CSV_READ = (
    "import csv, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n    for row in csv.reader(f): pass\n"
)

# validate's memory in parts (tracemalloc, in one process with the plan cache filled): the plans, and
# the actuals loaded as validate loads them (lean: no Actual records) and as status does (full).
PARTS = """
import gc, sys, tracemalloc
from pathlib import Path
from kpicheck.actuals import load_actuals
from kpicheck.inputs import list_actuals
from kpicheck.workspace import load_plans
root = Path(sys.argv[1])
files, _ = list_actuals(root / "actuals" / "bench", "actuals/bench")
tracemalloc.start()
plans, _ = load_plans(root, "bench")
size, peak = tracemalloc.get_traced_memory()
print(f"plans: {size / 2**20:.1f} MiB kept, {peak / 2**20:.1f} MiB peak")
for lean in (True, False):
    gc.collect()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    loaded = load_actuals(files, plans, root, lean=lean)
    size, peak = tracemalloc.get_traced_memory()
    name = "validate (lean)" if lean else "status (full)"
    kept, most = (size - before) / 2**20, (peak - before) / 2**20
    print(f"actuals as {name} loads them: {kept:.1f} MiB kept, {most:.1f} MiB peak")
    del loaded
"""

# Issue 23's goals at 100,000 rows: (command, × csv at most, peak MB at most, KB a row at most).
GOAL_ROWS = 100_000
GOALS = (
    ("validate", 10.0, 64.0, None),
    ("validate (cold)", 25.0, 64.0, None),
    ("status --format json", None, None, 1.0),
)


def print_goals(results: dict[str, Measured], rows: int) -> None:
    for name, ratio, peak, per_row in GOALS:
        r = results[name]
        checks = []
        if ratio is not None:
            checks.append(f"{r.ratio:.1f}× csv (goal <= {ratio:g}×){'' if r.ratio <= ratio else ' NOT MET'}")
        if peak is not None:
            checks.append(f"{r.peak_mb:.0f} MB (goal <= {peak:g} MB){'' if r.peak_mb <= peak else ' NOT MET'}")
        if per_row is not None:
            kb = r.peak_mb * 1024 / rows
            checks.append(f"{kb:.2f} KB/row (goal <= {per_row:g} KB){'' if kb <= per_row else ' NOT MET'}")
        print(f"  goal, {name}: {'; '.join(checks)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="actual rows, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    kpicheck = str(BIN / "kpicheck")
    print(f"{'rows':>9} {'command':22} {'seconds':>8} {'µs/row':>7} {'× csv':>6} {'peak MB':>8} {'KB/row':>7} exit")
    with tempfile.TemporaryDirectory() as folder:
        for rows in (int(s) for s in args.sizes.split(",")):
            root, cache = Path(folder) / f"root-{rows}", Path(folder) / f"cache-{rows}"
            written = synth.write_city(root, "bench", "試験市", max(1, rows // len(synth.YEARS)))
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env |= {"XDG_CACHE_HOME": str(cache), "KPICHECK_MAX_FILE_MB": "1000", "NO_COLOR": "1"}
            where = ["--root", str(root)]
            city = [*where, "--city", "bench", "--year", "2027", "--as-of", "2027-12-31"]
            commands = {
                "validate (cold)": [kpicheck, "validate", *where],
                "validate": [kpicheck, "validate", *where],
                "status --format json": [kpicheck, "status", *city, "--format", "json"],
                "report (markdown)": [kpicheck, "report", *city],
            }
            csv_command = [sys.executable, "-c", CSV_READ, str(root / "actuals" / "bench" / "actuals.csv")]
            empty = {"validate (cold)": lambda c=cache: shutil.rmtree(c, ignore_errors=True)}
            results = paired(commands, csv_command, args.runs, env, before=empty)
            floor = sorted(s for r in results.values() for s in r.floor)[len(commands) * args.runs // 2]
            print(f"{written:>9,} {'csv module':22} {floor:>8.2f} {floor / written * 1e6:>7.1f}")
            for name, r in results.items():
                print(
                    f"{written:>9,} {name:22} {r.median:>8.2f} {r.median / written * 1e6:>7.1f} {r.ratio:>6.1f}"
                    f" {r.peak_mb:>8.0f} {r.peak_mb * 1024 / written:>7.2f} {r.code:>4}"
                )
            if written >= GOAL_ROWS:
                print_goals(results, written)
                parts = subprocess.run(
                    [sys.executable, "-c", PARTS, str(root)], env=env, capture_output=True, text=True, check=True
                )
                print("  memory in parts (tracemalloc):", parts.stdout.strip().replace("\n", "; "))
            shutil.rmtree(root)


if __name__ == "__main__":
    main()
