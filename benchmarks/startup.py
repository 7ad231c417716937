"""Whole-process time of `kpicheck status` (table and JSON) next to `python -c "import typer"`, side by side.

Usage: python benchmarks/startup.py [--runs N] [--against TREE]
Runs the commands alternately (so machine load hits them alike) and prints the medians and their
ratios. The goals (issue 14): `status --format json` within 1.6x of importing typer, the table
within 2.2x. The plan cache is warm (every run after a plan's first is), in a temporary
XDG_CACHE_HOME.

--against TREE adds `status --format json` of another checkout's code (a folder holding its
`kpicheck/`, for example `git worktree add /tmp/before <commit>`), run the same way with that
folder first on PYTHONPATH, alternating with this checkout's, and prints new / before.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The console script, as users run it (python -m adds runpy's start-up).
KPICHECK = str(Path(sys.executable).with_name("kpicheck"))
STATUS = [KPICHECK, "status", "--root", str(ROOT), "--city", "abashiri", "--year", "2027",
          "--as-of", "2027-12-31", "--no-color"]  # fmt: skip
JSON = [*STATUS[:-1], "--format", "json"]
BASELINE = [sys.executable, "-c", "import typer"]
GOALS = {"status (table)": 2.2, "status --format json": 1.6}


# Measure as users run it: with bytecode caches. (Some sandboxes set PYTHONDONTWRITEBYTECODE, which
# makes every run recompile every module from source, a cost no installed copy pays.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="kpicheck-bench-cache-")
atexit.register(shutil.rmtree, ENV["XDG_CACHE_HOME"], ignore_errors=True)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", type=Path, help="another checkout whose code to time side by side")
    options = parser.parse_args()
    runs = options.runs
    commands = {"import typer": BASELINE, "status (table)": STATUS, "status --format json": JSON}
    if options.against is not None:
        # Both as `python -m kpicheck`, so the two differ only in the code on PYTHONPATH.
        module = [sys.executable, "-m", "kpicheck", *JSON[1:]]
        commands["json, this checkout"] = ["env", f"PYTHONPATH={ROOT}", *module]
        commands["json, --against"] = ["env", f"PYTHONPATH={options.against.resolve()}", *module]
    for command in commands.values():
        timed(command)  # warm the file cache, bytecode and the plan cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"runs: {runs} each, alternating")
    for name, value in medians.items():
        print(f"{name:22} median {value * 1000:.0f} ms")
    for name, goal in GOALS.items():
        print(f"{name} / import typer: {medians[name] / medians['import typer']:.2f}x (goal: <= {goal}x)")
    if options.against is not None:
        ratio = medians["json, this checkout"] / medians["json, --against"]
        print(f"status --format json, this checkout / --against: {ratio:.2f}x")


if __name__ == "__main__":
    main()
