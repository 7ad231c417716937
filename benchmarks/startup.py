"""Whole-process time of `kpicheck status` (table and JSON) next to `python -c "import typer"`, side by side.

Usage: python benchmarks/startup.py [--runs N] [--against TREE]
Each command runs directly (benchmarks/measure.py: no wrapper process), paired with a run of the
floor, the order alternating; the ratios printed are medians of the pair ratios. The goals
(issue 23): `status --format json` within 1.4x of importing typer, the table within 1.6x. The plan
cache is warm (every run after a plan's first is), in a temporary XDG_CACHE_HOME.

--against TREE adds `status --format json` of another checkout's code (a folder holding its
`kpicheck/`, for example `git worktree add /tmp/before <commit>`), run the same way with that
folder first on PYTHONPATH and a plan cache of its own, paired with this checkout's, and prints
new / before.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

from measure import paired, run  # benchmarks/measure.py: the script's folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
# The console script, as users run it (python -m adds runpy's start-up).
KPICHECK = str(Path(sys.executable).with_name("kpicheck"))
STATUS = [KPICHECK, "status", "--root", str(ROOT), "--city", "abashiri", "--year", "2027",
          "--as-of", "2027-12-31", "--no-color"]  # fmt: skip
JSON = [*STATUS[:-1], "--format", "json"]
BASELINE = [sys.executable, "-c", "import typer"]
GOALS = {"status (table)": 1.6, "status --format json": 1.4}


# Measure as users run it: with bytecode caches. (Some sandboxes set PYTHONDONTWRITEBYTECODE, which
# makes every run recompile every module from source, a cost no installed copy pays.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="kpicheck-bench-cache-")
atexit.register(shutil.rmtree, ENV["XDG_CACHE_HOME"], ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", type=Path, help="another checkout whose code to time side by side")
    options = parser.parse_args()
    commands = {"status (table)": STATUS, "status --format json": JSON}
    for command in [BASELINE, *commands.values()]:
        run(command, ENV)  # warm the file cache, bytecode and the plan cache
    results = paired(commands, BASELINE, options.runs, ENV)
    floor = [s for r in results.values() for s in r.floor]
    print(f"runs: {options.runs} pairs each, alternating; ratios are medians of the pair ratios")
    print(f"{'import typer':22} median {sorted(floor)[len(floor) // 2] * 1000:.0f} ms")
    for name, result in results.items():
        print(f"{name:22} median {result.median * 1000:.0f} ms")
    for name, goal in GOALS.items():
        ratio = results[name].ratio
        print(f"{name} / import typer: {ratio:.2f}x (goal: <= {goal}x{'' if ratio <= goal else ', NOT MET'})")
    if options.against is not None:
        # Both as `python -P -m kpicheck`, so the two differ only in the code on PYTHONPATH: without -P
        # the current folder comes first, and run from a checkout both would time that checkout's code.
        module = [sys.executable, "-P", "-m", "kpicheck", *JSON[1:]]
        this = ["env", f"PYTHONPATH={ROOT}", *module]
        # A cache of its own: the plan cache keeps one entry per plan file, so two versions of the code
        # sharing one would each find the other's entry and read the plan afresh on every run.
        own = tempfile.mkdtemp(prefix="kpicheck-bench-cache-")
        atexit.register(shutil.rmtree, own, ignore_errors=True)
        before = ["env", f"PYTHONPATH={options.against.resolve()}", f"XDG_CACHE_HOME={own}", *module]
        run(this, ENV), run(before, ENV)
        against = paired({"json, this checkout": this}, before, options.runs, ENV)["json, this checkout"]
        print(f"status --format json, this checkout / --against: {against.ratio:.2f}x")


if __name__ == "__main__":
    main()
