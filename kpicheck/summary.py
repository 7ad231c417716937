"""`kpicheck summary`: every city of a data root in one run, one row of counts per city.

Cities are loaded, evaluated and dropped one at a time, so memory stays that of the largest city
whatever their number. A city whose files have errors is a row saying so (with its problems), and
the others still count. The rows are plain dicts built in one place (`city_row`), the JSON
contract documented in the README under `kpicheck summary`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kpicheck import cache
from kpicheck.errors import KpicheckError, Problem, Severity, usage_error
from kpicheck.grading import achievement, achievement_share, grade_counts, scale_grades
from kpicheck.models import Report, Status
from kpicheck.outlook import outlook_counts
from kpicheck.parallel import in_worker, ordered_map
from kpicheck.periods import wareki
from kpicheck.rules import evaluate
from kpicheck.workspace import City, city_for, city_ids, city_problems, pick_plan

# What a row says about its city: evaluated, no plan covering the year, or files with errors.
OK, NO_PLAN, ERROR = "ok", "no_plan", "error"
# The problems a row carries (the rest counted): enough to see the cause, `validate` lists them all.
ROW_PROBLEMS = 20


@dataclass(frozen=True)
class Selection:
    """The cities a summary covers, in order."""

    root: Path
    cities: tuple[str, ...]
    # The cities of `cities` kpicheck cannot read as one (a city folder that is a file or a broken link,
    # actuals/ without targets/), with their problems: each is a row in error, as `validate` names them.
    unreadable: Mapping[str, list[Problem]] = field(default_factory=dict)


def select_cities(root: Path, wanted: str | None) -> Selection:
    """Every city under ROOT/targets, or those named in --cities (a,b,…); KC301 for a name not there."""
    if not (root / "targets").is_dir():
        raise usage_error("KC304", f"--root {root}: targets/ フォルダがありません")
    broken = city_problems(root)
    known = sorted({*city_ids(root), *broken})
    if wanted is None:
        if not known:
            raise usage_error("KC301", f"--root {root}: targets/ の下に市町村のフォルダがありません")
        return Selection(root, tuple(known), broken)
    named = [name.strip() for name in wanted.split(",") if name.strip()]
    if not named:
        raise usage_error("KC304", "--cities: 市町村 id をカンマ区切りで指定してください（例: abashiri,nemuro）")
    missing = [name for name in named if name not in known]
    if missing:
        shown = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
        message = f"--cities: {', '.join(missing)} は {root / 'targets'} にありません（あるもの: {shown}）"
        raise usage_error("KC301", message)
    chosen = tuple(dict.fromkeys(named))
    return Selection(root, chosen, {name: broken[name] for name in chosen if name in broken})


def city_row(report: Report) -> dict[str, Any]:
    """One city's row of the summary: counts per status (and per grade where the plan grades) and the share
    of its indicators achieved (達成割合) for the year."""
    plan = report.plan
    scale = plan.grading
    return {
        "city": plan.city,
        "city_name": plan.city_name,
        "state": OK,
        "plan": plan.id,
        "plan_title": plan.title,
        "indicators": len(report.evaluations),
        "summary": {status.value: count for status, count in report.summary().items()},
        "outlooks": outlook_counts(report.evaluations),
        "achievement": achievement(report),
        "grading": None if scale is None else {"name": scale.name, "grades": scale_grades(scale)},
        "grades": None if scale is None else grade_counts(scale, report.evaluations),
        "problems": [],
        "problem_count": 0,
    }


def _other_row(city: str, city_name: str | None, state: str, problems: list[Problem]) -> dict[str, Any]:
    return {
        "city": city,
        "city_name": city_name,
        "state": state,
        "plan": None,
        "plan_title": None,
        "indicators": 0,
        "summary": None,
        "outlooks": None,
        "achievement": None,
        "grading": None,
        "grades": None,
        "problems": [p.to_dict() for p in problems[:ROW_PROBLEMS]],
        "problem_count": len(problems),
    }


def summarize(selection: Selection, year: int, as_of: date, jobs: int = 1) -> Iterator[dict[str, Any]]:
    """One row per city, in order, each city loaded only while its row is built; with `jobs` > 1 the cities
    of a large run are shared among that many worker processes (parallel.py), the rows the same."""
    if jobs > 1:
        cache.prepare((selection.root / "targets", selection.root / "actuals"))
    for row, warnings in ordered_map(_city_row, selection.cities, jobs, _start, (selection, year, as_of)):
        for home, problem in warnings:  # a worker's cache warnings, said once for the run
            cache.say(home, problem)
        yield row


# What every city's row is made against: set once per process (parallel.py's `start`).
_run: tuple[Selection, int, date] | None = None


def _start(selection: Selection, year: int, as_of: date) -> None:
    global _run  # noqa: PLW0603 - one run's settings in each worker process
    _run = (selection, year, as_of)
    if in_worker():
        cache.keep_warnings()


def _city_row(city: str) -> tuple[dict[str, Any], list[tuple[str, Problem]]]:
    """One city's row, and the cache warnings its worker kept (none in this process)."""
    return _city_summary(city), cache.kept_warnings()


def _city_summary(city: str) -> dict[str, Any]:
    """One city's row: evaluated, or saying why not."""
    assert _run is not None
    selection, year, as_of = _run
    if city in selection.unreadable:
        return _other_row(city, None, ERROR, selection.unreadable[city])
    try:
        # rows of later years are not read: they cannot change this year's figures (validate reads them);
        # a small city unchanged since the last run comes from the cache as read then (city_for)
        loaded: City = city_for(selection.root, city, year, None, rows_until=year)
    except KpicheckError as exc:
        errors = [p for p in exc.problems if p.severity is Severity.ERROR]
        return _other_row(city, None, ERROR, errors)
    try:
        plan = pick_plan(loaded.plans, year, None)
    except KpicheckError as exc:  # KC302: no plan of this city covers the year
        return _other_row(city, loaded.name, NO_PLAN, exc.problems)
    return city_row(evaluate(plan, loaded.actuals, year, as_of))


def unreadable(row: dict[str, Any]) -> bool:
    """Whether a city in error could not be read at all: a problem of its folder itself (targets/<city>
    or actuals/<city>: not a folder, a broken link, unreadable, no plan file), not of a file in it."""
    folders = {f"targets/{row['city']}", f"actuals/{row['city']}"}
    return any(problem.get("path") in folders for problem in row["problems"])


class Totals:
    """Counts over the rows seen so far: a summary keeps these, never the rows (memory flat in cities)."""

    def __init__(self) -> None:
        self.cities = 0
        self.states = dict.fromkeys((OK, NO_PLAN, ERROR), 0)
        self.counts = dict.fromkeys((s.value for s in Status), 0)
        self.outlooks = outlook_counts(())
        self.achieved = self.evaluable = 0
        self.unreadable = 0

    def add(self, row: dict[str, Any]) -> None:
        self.cities += 1
        self.states[row["state"]] += 1
        if row["state"] == ERROR and unreadable(row):
            self.unreadable += 1
        if row["state"] != OK:
            return
        for status, count in row["summary"].items():
            self.counts[status] += count
        for outlook, count in row["outlooks"].items():
            self.outlooks[outlook] += count
        self.achieved += row["achievement"]["achieved"]
        self.evaluable += row["achievement"]["evaluable"]

    def as_dict(self) -> dict[str, Any]:
        """Counts over every evaluated city, and the 達成割合 of them all together (the JSON's `totals`)."""
        return {
            "cities": self.cities,
            "states": dict(self.states),
            "unreadable": self.unreadable,
            "summary": dict(self.counts),
            "outlooks": dict(self.outlooks),
            "achievement": achievement_share(self.achieved, self.evaluable),  # of every evaluated city together
        }


def heading(year: int, as_of: date) -> dict[str, Any]:
    """The keys of the JSON contract before `cities`."""
    return {"year": year, "year_label": f"{year}年度（{wareki(year)}）", "as_of": as_of.isoformat()}


def document(rows: list[dict[str, Any]], year: int, as_of: date) -> dict[str, Any]:
    """The JSON contract of `kpicheck summary --format json` (README), whole (the CLI streams it instead)."""
    totals = Totals()
    for row in rows:
        totals.add(row)
    return {**heading(year, as_of), "cities": rows, "totals": totals.as_dict()}
