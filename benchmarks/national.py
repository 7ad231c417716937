"""A synthetic national data root (1,741 municipalities × 40 indicators × FY2026-2030 = 348,200 actual
rows) and `kpicheck summary` over it, next to Python's csv module reading the same rows, side by side.

Prints, as medians of --runs runs, each command run directly in its own process (no wrapper process;
peak memory its own: benchmarks/measure.py) and paired with a csv read, the order alternating:
- the csv module reading every actuals file of the root (the floor: the rows must be read);
- `kpicheck summary --format json` with the cache empty (every plan read from TOML) and filled
  (a run over the same files as the last one: each small city comes whole from the cache), and the
  medians of their pair ratios to the csv read (goals, issue 23: filled within 10x, empty within
  30x); and with every city's actuals file changed since the last run (the plans from the cache,
  every city's rows read afresh: a run after every 課 has entered its figures);
- the peak memory of summary over 100, 400 and 1,741 cities (goal: flat in the number of cities);
- the cost of reading the plans alone, per plan: tomllib, rtoml (a Rust TOML parser, where installed;
  not a dependency), kpicheck's full reading (TOML and every target cell) and the cached plan.

Usage: python benchmarks/national.py [--cities 1741] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synth  # benchmarks/synth.py: the script's folder is on sys.path
from measure import paired, run  # benchmarks/measure.py

from kpicheck.parallel import default_jobs

BIN = Path(sys.executable).parent
INDICATORS = 40
CSV_READ = (
    "import csv, pathlib, sys\n"
    "for path in sorted(pathlib.Path(sys.argv[1], 'actuals').glob('*/*.csv')):\n"
    "    with path.open(newline='', encoding='utf-8') as f:\n"
    "        for row in csv.reader(f): pass\n"
)
# Reading the plans alone, in one process per way, printing seconds per plan.
PLANS = """
import sys, time
from pathlib import Path
way, root = sys.argv[1], Path(sys.argv[2])
files = sorted(root.glob("targets/*/*.toml"))
if way == "tomllib":
    import tomllib
    read = lambda path: tomllib.loads(path.read_text(encoding="utf-8"))
elif way == "rtoml":
    import rtoml
    read = lambda path: rtoml.loads(path.read_text(encoding="utf-8"))
else:  # kpicheck's reading, through the plan cache (KPICHECK_CACHE=off or a filled cache)
    from kpicheck.workspace import load_plan
    read = lambda path: load_plan(path, str(path))
start = time.perf_counter()
for path in files:
    read(path)
print((time.perf_counter() - start) / len(files))
"""

PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県"]


def make_root(root: Path, cities: int) -> int:
    rows = 0
    for n in range(cities):
        name = f"{PREFECTURES[n % len(PREFECTURES)]}第{n + 1}市"
        rows += synth.write_city(root, f"c{n + 1:04d}", name, INDICATORS)
    return rows


def change_actuals(root: Path) -> None:
    """Every city's actuals file made different bytes with the same rows (a blank line at the end, added
    or taken away): its cached city no longer matches, so the next summary reads its rows afresh."""
    for path in root.glob("actuals/*/*.csv"):
        data = path.read_bytes()
        path.write_bytes(data[:-1] if data.endswith(b"\n\n") else data + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cities", type=int, default=1741)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the root here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kpicheck-national-"))
    root = args.keep or folder / "root"
    cache = folder / "cache"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
    try:
        start = time.perf_counter()
        rows = make_root(root, args.cities)
        print(f"root: {args.cities:,} cities × {INDICATORS} indicators × FY2026-2030 = {rows:,} rows"
              f" (written in {time.perf_counter() - start:.1f} s)")  # fmt: skip
        summary = [str(BIN / "kpicheck"), "summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31",
                   "--format", "json"]  # fmt: skip
        csv_read = [sys.executable, "-c", CSV_READ, str(root)]
        # As users run it (worker processes: the machine's cores, `--jobs`), and in one process (-j 1).
        commands = {
            "summary (cache empty)": summary,
            "summary (cache filled)": summary,
            "summary (rows changed)": summary,
            "-j 1 (cache empty)": [*summary, "-j", "1"],
            "-j 1 (cache filled)": [*summary, "-j", "1"],
            "-j 1 (rows changed)": [*summary, "-j", "1"],
        }
        wipe = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
        edit = lambda: change_actuals(root)  # noqa: E731
        before = {"summary (cache empty)": wipe, "-j 1 (cache empty)": wipe}
        before |= {"summary (rows changed)": edit, "-j 1 (rows changed)": edit}
        results = paired(commands, csv_read, args.runs, env, before=before)
        floor = sorted(s for r in results.values() for s in r.floor)[len(commands) * args.runs // 2]
        print(f"\n{'command':24} {'seconds':>8} {'× csv':>6} {'rows/s':>9} {'peak MB':>8}")
        print(f"{'csv module':24} {floor:>8.2f} {'':>6} {rows / floor:>9,.0f}")
        for name, r in results.items():
            assert r.code == 0, f"{name}: exit {r.code}"
            print(f"{name:24} {r.median:>8.2f} {r.ratio:>6.1f} {rows / r.median:>9,.0f} {r.peak_mb:>8.0f}")
        print(f"(summary uses {default_jobs()} worker processes here; peak MB is the largest process's)")
        for name, goal in (("summary (cache filled)", 10.0), ("summary (cache empty)", 30.0)):
            for shown, key in ((name, name), (f"{name}, -j 1", name.replace("summary", "-j 1"))):
                met = "" if results[key].ratio <= goal else " NOT MET"
                print(f"goal: {shown} within {goal:g}× the csv read (median of pair ratios){met}")

        print(f"\n{'cities':>7} {'peak MB':>8}   summary, cache filled: memory flat in the number of cities")
        for count in sorted({min(100, args.cities), min(400, args.cities), args.cities}):
            names = ",".join(f"c{n + 1:04d}" for n in range(count))
            _, peak, _ = run([*summary, "--cities", names], env)
            print(f"{count:>7,} {peak:>8.0f}")

        print(f"\n{'reading the plans':38} {'ms/plan':>8}")
        ways = {"tomllib (TOML only)": ("tomllib", {}), "rtoml (TOML only)": ("rtoml", {}),
                "kpicheck, read afresh (TOML + cells)": ("kpicheck", {"KPICHECK_CACHE": "off"}),
                "kpicheck, from the plan cache": ("kpicheck", {})}  # fmt: skip
        for name, (way, extra) in ways.items():
            command = [sys.executable, "-c", PLANS, way, str(root)]
            if name == "kpicheck, from the plan cache":  # fill it first, under the names this script gives
                subprocess.run(command, check=True, capture_output=True, env=env | extra)
            done = subprocess.run(command, check=False, capture_output=True, text=True, env=env | extra)
            shown = f"{float(done.stdout) * 1000:>8.2f}" if done.returncode == 0 else "  (pip install rtoml to compare)"
            print(f"{name:38} {shown}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
