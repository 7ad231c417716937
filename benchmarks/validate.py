"""Whole-process time of `kpicheck validate` on one city's files, next to `python -c "import typer"`;
and, where frictionless is installed (not a test dependency), next to `frictionless validate` on the
same CSV files. All commands run alternately in one go; the script prints medians and ratios.

Usage: python benchmarks/validate.py [--runs N] [--city abashiri]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# Measure as users run it: with bytecode caches. (Some sandboxes set PYTHONDONTWRITEBYTECODE, which
# makes every run recompile every module from source, a cost no installed copy pays.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--city", default="abashiri")
    args = parser.parse_args()
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "actuals" / args.city).glob("*.csv"))
    files += sorted(str(p.relative_to(ROOT)) for p in (ROOT / "targets" / args.city).glob("*.toml"))
    commands = {
        "import typer": [sys.executable, "-c", "import typer"],
        "kpicheck validate": [str(BIN / "kpicheck"), "validate", *files],
    }
    frictionless = shutil.which("frictionless", path=str(BIN)) or shutil.which("frictionless")
    csvs = [f for f in files if f.endswith(".csv")]
    if frictionless:
        commands["frictionless validate"] = [frictionless, "validate", *csvs]
    for command in commands.values():
        timed(command)  # warm caches
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"runs: {args.runs} each, alternating; files: {len(files)} of {args.city}")
    for name, value in medians.items():
        print(f"{name:22} median {value * 1000:.0f} ms")
    ratio = medians["kpicheck validate"] / medians["import typer"]
    print(f"kpicheck validate / import typer: {ratio:.2f}x (goal <= 2x)")
    if frictionless:
        ratio = medians["kpicheck validate"] / medians["frictionless validate"]
        print(f"kpicheck validate / frictionless validate: {ratio:.2f}x")
    else:
        print("frictionless not installed: pip install frictionless to compare")


if __name__ == "__main__":
    main()
