"""What the command line writes besides a command's output: problems, one a line, and summary's progress bar.

Imported by the CLI on every command line: nothing here imports more than typer already has.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

import typer

from kpicheck.bidi import visible_bidi
from kpicheck.errors import Problem, Severity

# Problems listed before "N more": enough to fix a file, few enough to read (millions of bad rows
# would otherwise print millions of lines).
MAX_PROBLEMS = 200
MORE = "kpicheck: ほかに {count} 件の問題があります"


def echo_problems(
    problems: Sequence[Problem],
    *,
    limit: int = MAX_PROBLEMS,
    more: str = MORE,
    marked: bool = True,
    err: bool = True,
    as_json: bool = False,
) -> None:
    """Problems one a line (or a JSON list), at most `limit` (0: all), then `more` if some were left out.

    The problems go to stderr unless `err` is False (they are `validate`'s output); `more`, with
    {count} the number left out, always goes to stderr. `marked` ends a warning's line in （警告）
    (`validate`, `import`); a fatal error's problems, the warnings before `status`'s and `report`'s
    output and summary's lines are printed as they are.
    """
    shown = problems[:limit] if limit else problems
    if as_json:
        import json  # noqa: PLC0415 - only validate --format json: not every command line

        typer.echo(json.dumps([p.to_dict() for p in shown], ensure_ascii=False, indent=2), err=err)
    else:
        for problem in shown:
            warned = marked and problem.severity is Severity.WARNING
            line = visible_bidi(str(problem))  # a quoted name must not reorder the place and code before it
            typer.echo(f"{line}（警告）" if warned else line, err=err)
    if len(shown) < len(problems):
        typer.echo(more.replace("{count}", str(len(problems) - len(shown))), err=True)


class Progress:
    """A bar on stderr, only when it is a terminal and the run has taken more than a second."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        import time  # noqa: PLC0415 - only summary needs it

        self.clock = time.monotonic
        self.stream = stream or sys.stderr
        self.total, self.count, self.started = total, 0, self.clock()
        self.shown = False
        self.on = self.stream.isatty()

    def step(self, city: str) -> None:
        self.count += 1
        if not self.on or self.clock() - self.started < 1:
            return
        filled = 30 * self.count // max(self.total, 1)
        bar = "#" * filled + "." * (30 - filled)
        self.stream.write(f"\r集計中 [{bar}] {self.count}/{self.total} {city[:20]:<20}")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()
