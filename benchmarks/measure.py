"""Commands timed as users run them, shared by the benchmarks.

Each command runs directly as a child of the benchmark (no Python wrapper process around it, which
would add a start-up to both sides of a ratio and flatter kpicheck against a fast floor); its own
peak resident set comes from `os.wait4`. `paired` alternates each command with its floor (which of
the two goes first alternates too) and reports the median of the pair ratios, so a burst of load on
a shared machine hits one pair, not one side.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def run(command: list[str], env: Mapping[str, str], cwd: str | None = None) -> tuple[float, float, int]:
    """Seconds, peak resident MB and exit code of `command`, run directly in its own process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    if sys.platform == "win32":  # no wait4: time only
        code = child.wait()
        return time.perf_counter() - start, 0.0, code
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = code = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, code  # ru_maxrss is in KB on Linux


@dataclass
class Measured:
    """One command's runs against its floor: seconds of each, pair ratios, last peak and exit code."""

    seconds: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    code: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def ratio(self) -> float:
        """The median of the pair ratios (command / floor run next to it)."""
        return statistics.median(self.ratios)


def paired(
    commands: Mapping[str, list[str]],
    floor: list[str],
    runs: int,
    env: Mapping[str, str],
    cwd: str | None = None,
    before: Mapping[str, Callable[[], None]] | None = None,
) -> dict[str, Measured]:
    """Every command `runs` times, each run paired with a run of `floor` (order alternating).

    `before[name]` is called before each run of that command (to empty a cache, say).
    """
    results = {name: Measured() for name in commands}
    for round_ in range(runs):
        for name, command in commands.items():
            if before and name in before:
                before[name]()
            if round_ % 2:
                seconds, peak, code = run(command, env, cwd)
                base = run(floor, env, cwd)[0]
            else:
                base = run(floor, env, cwd)[0]
                seconds, peak, code = run(command, env, cwd)
            result = results[name]
            result.seconds.append(seconds)
            result.floor.append(base)
            result.ratios.append(seconds / base)
            result.peak_mb, result.code = max(result.peak_mb, peak), code
    return results
