"""One command in its own process, timed, with its peak memory: shared by the benchmarks."""

from __future__ import annotations

import subprocess
import sys
import time

# Runs the command as a child and prints the child's peak resident set (KB) and exit code.
PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
)


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Seconds, peak resident MB and exit code of `command` in its own process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *command], capture_output=True, text=True, env=env, check=True)
    seconds = time.perf_counter() - start
    peak_kb, code = (int(x) for x in done.stdout.split())
    return seconds, peak_kb / 1024, code
