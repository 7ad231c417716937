"""Problems (records with a place and a stable code) and the one fatal error type."""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Stable codes, each listed in the README's code table (a test compares the two); a code is never reused.
CODES: dict[str, str] = {
    # files
    "KC001": "file cannot be decoded (not UTF-8, UTF-8 with BOM or CP932)",
    "KC002": "file cannot be read",
    "KC003": "not a regular file (a folder, FIFO, device or socket)",
    "KC004": "file larger than the size cap (KPICHECK_MAX_FILE_MB)",
    "KC005": "a spreadsheet saved in a format kpicheck does not read (.xls, .ods, .numbers): save it as .xlsx",
    # actuals CSV
    "KC101": "missing header or required column",
    "KC102": "unknown indicator id",
    "KC103": "unknown or missing metric",
    "KC104": "year cannot be read",
    "KC105": "year outside the plan period",
    "KC106": "value of the wrong kind for the target",
    "KC107": "the same indicator/metric/year twice",
    "KC108": "as_of date cannot be read or lies outside its fiscal year",
    "KC109": "more cells than the header has columns",
    "KC110": "actuals folder names no known city",
    "KC111": "an actual for a year with no target (warning)",
    "KC112": "a file with no data rows (warning)",
    "KC113": "a row that cannot be parsed as CSV",
    "KC114": "unknown plan id in the plan column",
    "KC115": "more problems in one file than are listed (the rest counted)",
    "KC116": "remarks (備考, 要因分析, 課題, 今後の方向性) on a row with no actual (warning: not reported)",
    "KC117": "a folder under actuals/<city>/ that is not read",
    "KC118": "actuals/<city> is a file, not a folder",
    "KC119": "a workbook whose first sheet is hidden or empty: the sheet read is named (warning)",
    # targets TOML
    "KC201": "TOML syntax error",
    "KC202": "missing or wrong-typed key",
    "KC203": "target cell cannot be read",
    "KC204": "duplicate id",
    "KC205": "plan periods of one city overlap",
    "KC206": "reference to an unknown area, initiative or metric",
    "KC207": "unknown phase word",
    "KC208": "deadline is not a date",
    "KC209": "a folder under targets/ that is not a city id",
    "KC210": "unknown key in a target file (warning, with the nearest known key)",
    # command line
    "KC301": "unknown city",
    "KC302": "no plan covers the year",
    "KC303": "unknown plan",
    "KC304": "argument cannot be read",
    "KC305": "report template not found",
    "KC306": "report template failed to render",
    "KC307": "report output path refused or not writable",
    "KC308": "text the chosen output encoding cannot write (an id or name outside CP932)",
    "KC399": "unexpected internal error",
    # KPI tables (kpicheck import)
    "KC401": "KPI table without a 指標 column",
    "KC402": "KPI table without fiscal-year columns (or spanning over 30 years); a warning for years it skips",
    "KC403": "KPI table with two columns for the same thing (a fiscal year, 指標, …)",
    "KC404": "KPI table with no header or no indicator rows",
    "KC405": "text garbled by PDF extraction ((cid:1234), U+FFFD, a column of ?)",
    "KC406": "a KPI table column kpicheck does not read (warning; its cells are kept as comments in the draft)",
    "KC407": "a KPI table row with cells but no 指標 (kept as a comment in the draft)",
    "KC408": "an indicator row whose target cells are all blank (warning)",
    "KC409": "a reading kpicheck import guessed, still marked `review` in the target file (warning)",
    "KC410": "a KPI table's ID column repeats values: ids made from the hierarchy instead (warning)",
    # the cache (warnings only: a run goes on without it)
    "KC501": "cache folder not private (another user's, writable by others, a link): not used (warning)",
    "KC502": "cache folder inside a data root: not used (warning)",
    "KC503": "cache entry refused (not a regular file, over the cap, not authenticated): removed (warning)",
    "KC504": "cache folder cannot be created, read or written: not used (warning)",
}


class Problem(NamedTuple):
    """One thing wrong with an input file, at a place, with a stable code.

    A NamedTuple (ordered and hashable like the frozen dataclass it was, without the millisecond a
    dataclass costs every start-up).
    """

    path: str
    line: int | None
    column: int | None
    code: str
    message: str
    severity: Severity = Severity.ERROR
    # What the problem concerns, where one indicator's cell or row: `status` and `report` then show that
    # indicator as 評価不能 (for `year`, or every year when None) and every other one as usual.
    indicator: str = ""
    year: int | None = None

    @property
    def place(self) -> str:
        """path:line:column, as far as known."""
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def __str__(self) -> str:
        return f"{self.place}: {self.code} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The record as `validate --format json` prints it (the place, code, message and severity)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "severity": str(self.severity),
        }

    def about(self, indicator: str, year: int | None = None) -> Problem:
        """The same problem, said to concern `indicator` (in `year`)."""
        return self._replace(indicator=indicator, year=year)


class KpicheckError(Exception):
    """The one fatal error: carries the problems that stop a command (exit code 2)."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path | None) -> str:
    """A file as problems name it: relative to the data root when inside it, else as given."""
    if root is not None:
        try:
            # The folder resolved, the name kept: a symlink is named as itself, not as what it points to.
            return str((_resolved(path.absolute().parent) / path.name).relative_to(_resolved(root.absolute())))
        except (ValueError, OSError, RuntimeError):  # outside the root, or a loop in the folders above
            pass
    return str(path)


@functools.lru_cache(maxsize=1024)  # every file of a folder names the same folder (summary: 1,741 cities)
def _resolved(folder: Path) -> Path:
    return folder.resolve()


def usage_error(code: str, message: str, where: str = "kpicheck") -> KpicheckError:
    """A fatal error about the command line rather than a file."""
    return KpicheckError(Problem(where, None, None, code, message))
