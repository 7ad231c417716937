"""Whole-process time of `kpicheck validate` on one city's files, next to `python -c "import typer"`;
and, where frictionless is installed (not a test dependency), next to `frictionless validate` on the
same CSV files. Each command runs directly (no wrapper process), paired with a run of `import typer`
(order alternating); the script prints medians and the medians of the pair ratios.

Usage: python benchmarks/validate.py [--runs N] [--city abashiri]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

from measure import paired, run  # benchmarks/measure.py: the script's folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# Measure as users run it: with bytecode caches. (Some sandboxes set PYTHONDONTWRITEBYTECODE, which
# makes every run recompile every module from source, a cost no installed copy pays.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--city", default="abashiri")
    args = parser.parse_args()
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "actuals" / args.city).glob("*.csv"))
    files += sorted(str(p.relative_to(ROOT)) for p in (ROOT / "targets" / args.city).glob("*.toml"))
    floor = [sys.executable, "-c", "import typer"]
    commands = {"kpicheck validate": [str(BIN / "kpicheck"), "validate", *files]}
    frictionless = shutil.which("frictionless", path=str(BIN)) or shutil.which("frictionless")
    csvs = [f for f in files if f.endswith(".csv")]
    if frictionless:
        commands["frictionless validate"] = [frictionless, "validate", *csvs]
    for command in [floor, *commands.values()]:
        run(command, ENV, str(ROOT))  # warm caches
    results = paired(commands, floor, args.runs, ENV, str(ROOT))
    print(f"runs: {args.runs} pairs each, alternating; files: {len(files)} of {args.city}")
    for name, result in results.items():
        beside = statistics.median(result.floor)
        print(f"{name:22} median {result.median * 1000:.0f} ms, import typer beside it {beside * 1000:.0f} ms")
    ratio = results["kpicheck validate"].ratio
    print(f"kpicheck validate / import typer: {ratio:.2f}x (goal <= 2x; median of pair ratios)")
    if frictionless:
        ratio /= results["frictionless validate"].ratio
        print(f"kpicheck validate / frictionless validate: {ratio:.2f}x (through import typer)")
    else:
        print("frictionless not installed: pip install frictionless to compare")


if __name__ == "__main__":
    main()
