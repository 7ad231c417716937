"""Whole-process time of `kpicheck status` next to `python -c "import typer"`, measured side by side.

Usage: python benchmarks/startup.py [--runs N]
Runs both commands alternately (so machine load hits both alike) and prints the medians and their
ratio. The goal (issue 2): kpicheck status stays within 2x of importing typer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The console script, as users run it (python -m adds runpy's start-up).
KPICHECK = str(Path(sys.executable).with_name("kpicheck"))
STATUS = [KPICHECK, "status", "--root", str(ROOT), "--city", "abashiri", "--year", "2027",
          "--as-of", "2027-12-31", "--no-color"]  # fmt: skip
BASELINE = [sys.executable, "-c", "import typer"]


# Measure as users run it: with bytecode caches. (Some sandboxes set PYTHONDONTWRITEBYTECODE, which
# makes every run recompile every module from source, a cost no installed copy pays.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    timed(STATUS), timed(BASELINE)  # warm the file cache and bytecode
    status, baseline = [], []
    for _ in range(runs):
        status.append(timed(STATUS))
        baseline.append(timed(BASELINE))
    s, b = statistics.median(status), statistics.median(baseline)
    print(f"runs: {runs} each, alternating")
    print(f"import typer:     median {b * 1000:.0f} ms")
    print(f"kpicheck status:  median {s * 1000:.0f} ms")
    print(f"ratio: {s / b:.2f}x (goal: <= 2x)")


if __name__ == "__main__":
    main()
