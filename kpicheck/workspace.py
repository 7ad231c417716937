"""A data root: targets/<city>/*.toml and actuals/<city>/*.csv. Read-only, always."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kpicheck.actuals import Actuals, load_actuals
from kpicheck.cache import cached
from kpicheck.errors import KpicheckError, Problem, Severity, display_path, usage_error
from kpicheck.inputs import ACTUALS_SUFFIXES, InputError, list_files, list_folders, read_input
from kpicheck.models import Plan

CITY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class City:
    id: str
    plans: tuple[Plan, ...]
    actuals: Actuals
    warnings: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        return self.plans[0].city_name if self.plans else self.id


def city_ids(root: Path) -> list[str]:
    """The city folders under targets/ (only names that are city ids)."""
    return [name for name in list_folders(root / "targets") if CITY_ID.match(name)]


def load_plan(path: Path, shown: str) -> tuple[Plan | None, list[Problem]]:
    """One plan file, through the plan cache: the phrase interpreter is imported only to read a file afresh."""
    try:
        raw = read_input(path)
    except InputError as exc:
        return None, [Problem(shown, None, None, exc.code, str(exc))]

    def parse() -> tuple[Plan | None, list[Problem]]:
        from kpicheck.targets import parse_plan  # noqa: PLC0415 - TOML and the phrase interpreter: 10 ms

        return parse_plan(raw, shown)

    return cached("plans", f"{path.absolute()}\0{shown}", raw, parse)


def load_plans(root: Path, city: str) -> tuple[list[Plan], list[Problem]]:
    """Every plan of a city, and the problems found in its target files (including overlaps)."""
    if not CITY_ID.match(city):
        raise usage_error("KC304", f"--city {city!r}: 市町村 id に使えるのは英小文字、数字、- と _ です")
    folder = root / "targets" / city
    if not folder.is_dir():
        known = ", ".join(city_ids(root)) or "なし"
        raise usage_error("KC301", f"市町村 {city!r} は {root / 'targets'} にありません（あるもの: {known}）")
    plans: list[Plan] = []
    files, problems = list_files(folder, ".toml", display_path(folder, root))
    for path in files:
        plan, found = load_plan(path, display_path(path, root))
        problems += found
        if plan is None:
            continue
        if plan.city != city:
            problems.append(
                Problem(
                    plan.path, None, None, "KC202", f"[plan] city が {plan.city!r} ですが、フォルダは {city!r} です"
                )
            )
        for other in plans:
            if plan.first_year <= other.last_year and other.first_year <= plan.last_year:
                problems.append(
                    Problem(
                        plan.path,
                        None,
                        None,
                        "KC205",
                        f"期間 {plan.first_year}～{plan.last_year} が {other.path} の {other.id}"
                        f"（{other.first_year}～{other.last_year}）と重なっています",
                    )
                )
            if plan.id == other.id:
                problems.append(
                    Problem(plan.path, None, None, "KC204", f"計画 id {plan.id!r} が {other.path} にもあります")
                )
        plans.append(plan)
    return plans, problems


def load_city(root: Path, city: str) -> City:
    """Plans and actuals of one city; KpicheckError listing every error if any file is wrong."""
    plans, problems = load_plans(root, city)
    folder = root / "actuals" / city
    files, unlisted = list_files(folder, ACTUALS_SUFFIXES, display_path(folder, root)) if folder.is_dir() else ([], [])
    problems += unlisted
    if plans:
        loaded = load_actuals(files, plans, root)
        problems += loaded.problems
        actuals = loaded.actuals
    else:
        actuals = {}
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors or not plans:
        raise KpicheckError(
            errors or [Problem(str(root / "targets" / city), None, None, "KC202", "計画ファイルがありません")]
        )
    return City(city, tuple(sorted(plans, key=lambda p: p.first_year)), actuals, tuple(problems))


def pick_plan(plans: Sequence[Plan], year: int | None, plan_id: str | None) -> Plan:
    """The plan named by --plan, else the one whose period covers --year (plans of one city)."""
    city = plans[0].city if plans else "?"
    periods = ", ".join(f"{p.id} ({p.first_year}～{p.last_year})" for p in plans)
    if plan_id:
        plan = next((p for p in plans if p.id == plan_id), None)
        if plan is None:
            raise usage_error("KC303", f"--plan {plan_id!r}: {city} の計画は {periods} です")
        if year is not None and not plan.covers(year):
            raise usage_error("KC302", f"--year {year} は {plan.id}（{plan.first_year}～{plan.last_year}）の期間外です")
        return plan
    if year is None:
        raise usage_error("KC304", "--year（または --plan）を指定してください")
    plan = next((p for p in plans if p.covers(year)), None)
    if plan is None:
        raise usage_error("KC302", f"{city} に {year}年度を含む計画はありません（計画: {periods}）")
    return plan


def city_plans(root: Path, city: str) -> list[Plan]:
    """A city's plans in period order; KpicheckError listing every error in its target files."""
    plans, problems = load_plans(root, city)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise KpicheckError(errors)
    return sorted(plans, key=lambda p: p.first_year)


def all_plans(root: Path) -> list[Plan]:
    """Every plan of every city, for `kpicheck list`; KpicheckError if any target file is wrong."""
    plans: list[Plan] = []
    problems: list[Problem] = []
    for city in city_ids(root):
        try:
            plans += city_plans(root, city)
        except KpicheckError as exc:
            problems += exc.problems
    if problems:
        raise KpicheckError(problems)
    return plans
