"""One city growing from 1k to 100k (or 1M) actual rows: time per row and peak memory of `validate`,
`status --format json` and `report`, next to Python's csv module reading the same file.

Each size is one synthetic city (benchmarks/synth.py): a plan of rows/5 indicators over FY2026-2030
and one CSV of a row per indicator and year. Every command runs in its own process (peak memory is
that run's alone), alternately with the csv-module read, --runs times; the medians are printed. The
plan cache (kpicheck/cache.py) lives in a temporary XDG_CACHE_HOME: `validate (cold)` is the first
run with it empty (the plan read from TOML), the other rows are with it filled, as every run after
a plan's first is. The time per row must not grow with the rows.

Usage: python benchmarks/rows.py [--sizes 1000,10000,100000] [--runs 3]   (add 1000000: minutes)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import synth  # benchmarks/synth.py: the script's folder is on sys.path
from measure import run  # benchmarks/measure.py

BIN = Path(sys.executable).parent
CSV_READ = (
    "import csv, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n    for row in csv.reader(f): pass\n"
)


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
            times: dict[str, list[float]] = {name: [] for name in [*commands, "csv module"]}
            peaks: dict[str, float] = {}
            codes: dict[str, int] = {}
            for _ in range(args.runs):
                for name, command in commands.items():
                    if name == "validate (cold)":
                        shutil.rmtree(cache, ignore_errors=True)
                    seconds, peaks[name], codes[name] = run(command, env)
                    times[name].append(seconds)
                    times["csv module"].append(run(csv_command, env)[0])
            base = statistics.median(times["csv module"])
            for name, values in times.items():
                median = statistics.median(values)
                peak = peaks.get(name, 0.0)
                print(
                    f"{written:>9,} {name:22} {median:>8.2f} {median / written * 1e6:>7.1f} {median / base:>6.1f}"
                    f" {peak:>8.0f} {peak * 1024 / written:>7.2f} {codes.get(name, 0):>4}"
                )
            shutil.rmtree(root)


if __name__ == "__main__":
    main()
