"""Check target and actuals files without evaluating anything: every problem, each with a place and a code.

`status`, `report` and `validate` share the loaders (targets.py, actuals.py, workspace.py); this module
only decides which files to read and adds the checks that are warnings rather than errors.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kpicheck.actual_rows import Kept
from kpicheck.actuals import load_actuals
from kpicheck.errors import Problem, Severity, display_path
from kpicheck.inputs import (
    ACTUALS_SUFFIXES,
    REFUSED_SUFFIXES,
    anchored,
    list_actuals,
    loose_files,
    read_below,
    year_folder,
)
from kpicheck.kinds.registry import KINDS
from kpicheck.models import Indicator, Plan, target_for
from kpicheck.workspace import NO_PLAN_FILE, actuals_only, city_ids, city_problems, load_plans


@dataclass(frozen=True)
class Selection:
    """Which cities to check, and (when files were named) which files' problems to report."""

    cities: tuple[str, ...]
    files: frozenset[Path] | None  # None: report every file


def select(root: Path, files: list[Path]) -> tuple[Selection, list[Problem]]:
    """Map named files (as pre-commit passes them) to their cities; no files means everything."""
    if not files:
        broken = city_problems(root)
        found = city_ids(root)
        odd = [problem for name in sorted(broken) for problem in broken[name]]
        odd += [
            Problem(
                f"actuals/{name}",
                None,
                None,
                "KC118",
                "actuals/ の直下のファイルは読みません。actuals/<市町村 id>/ のフォルダに置いてください",
            )
            for name in loose_files(root / "actuals")
            # a data file (or one refused as such) the folder misses; a README.md there is no data
            if name not in found
            and name not in broken
            and Path(name).suffix.lower() in (*ACTUALS_SUFFIXES, *REFUSED_SUFFIXES)
        ]
        return Selection(tuple(sorted(found)), None), odd
    cities: set[str] = set()
    problems: list[Problem] = []
    chosen: set[Path] = set()
    for file in files:
        path = anchored(file)
        try:
            parts = path.relative_to(root.resolve()).parts
        except ValueError:
            problems.append(Problem(str(file), None, None, "KC002", f"データルート {root} の外です"))
            continue
        if not os.path.lexists(path):
            problems.append(Problem(str(file), None, None, "KC002", "ファイルがありません"))
            continue
        refusal = _refusal(parts)
        if refusal is None:
            cities.add(parts[1])
            chosen.add(path)
        else:
            problems.append(Problem(str(file), None, None, *refusal))
    return Selection(tuple(sorted(cities)), frozenset(chosen)), problems


NOT_DATA = "データファイルではありません（targets/<city>/*.toml、actuals/<city>/*.csv・*.xlsx・*.xlsm）"


def _refusal(parts: tuple[str, ...]) -> tuple[str, str] | None:
    """Why a named file is not checked (code, message), or None for a data file: the same rule as the
    listing (inputs.list_actuals), so a file kpicheck would not read is never passed as clean."""
    if len(parts) == 3 and parts[0] == "targets":
        return None
    if parts[0] != "actuals" or len(parts) < 3:
        return "KC304", NOT_DATA
    folders = parts[2:-1]
    if not read_below(folders) and year_folder(folders[0]) is not None:
        return (
            "KC117",
            "年度フォルダの中のフォルダのファイルは読みません（読むのは市町村のフォルダと年度フォルダの直下です）",
        )
    if not read_below(folders):
        return (
            "KC117",
            f"フォルダ {folders[0]} は年度（2026年度、R8、令和8年度 など）ではないため、この中のファイルは読みません",
        )
    suffix = Path(parts[-1]).suffix.lower()
    if suffix in ACTUALS_SUFFIXES or suffix in REFUSED_SUFFIXES:  # a refused kind: KC005 from the listing
        return None
    return "KC304", NOT_DATA


def validate(root: Path, files: list[Path] | None = None) -> list[Problem]:
    """Every problem in the selected files, sorted by file and line."""
    selection, problems = select(root, files or [])
    loaded: dict[str, tuple[list[Plan], list[Problem]]] = {}  # each city's target files, read once

    def plans_of(city: str) -> tuple[list[Plan], list[Problem]]:
        if city not in loaded:
            loaded[city] = load_plans(root, city)
        return loaded[city]

    found: list[Problem] = []
    for city in selection.cities:
        found += _city(root, city, selection.files, plans_of)
    found += _shared_plan_ids(root, selection.cities, plans_of)
    if selection.files is not None:
        # Problems in actuals files that were not named are not this commit's; a broken target file
        # is always shown, since the named files cannot be checked without it.
        keep = {display_path(p, root) for p in selection.files}
        found = [p for p in found if p.path in keep or not p.path.startswith("actuals/")]
    return sorted(set(problems + found), key=lambda p: (p.path, p.line or 0, p.column or 0, p.code, p.message))


def _used_years(indicator: Indicator, metric: str, years: range) -> frozenset[int]:
    """The years of `years` whose row a verdict reads: its own year's target (the metric's, or another
    metric's that takes it as an input), or a later year's that looks back to it (growth, a level's
    start, a 累計). All years at once: a city's rows are one per indicator, metric and year."""
    used: set[int] = set()
    counts = next((m.counts for m in indicator.metrics if m.id == metric), None)
    for year in years:
        target = target_for(indicator, year)
        for rule in target.rules if target else ():
            kind = KINDS[rule.kind]
            if rule.metric != metric:
                if metric in kind.inputs:
                    used.add(year)
                continue
            if kind.reads or metric in kind.inputs:
                used.add(year)
            back = kind.lookback(rule, counts)
            if back != 0:
                used.update(range(years.start if back is None else max(years.start, year - back), year))
    return frozenset(used)


PlansOf = Callable[[str], tuple[list[Plan], list[Problem]]]


def _shared_plan_ids(root: Path, checked: tuple[str, ...], plans_of: PlansOf) -> list[Problem]:
    """KC204 for a plan id that two cities use: --plan and the actuals' plan column name plans by id."""
    owners: dict[str, list[tuple[str, str]]] = {}
    for city in city_ids(root):
        plans, _ = plans_of(city)
        for plan in plans:
            owners.setdefault(plan.id, []).append((city, plan.path))
    problems = []
    for plan_id, places in owners.items():
        cities = {city for city, _ in places}
        if len(cities) < 2:
            continue
        for city, path in places:
            if city in checked:
                others = ", ".join(sorted(f"{c} ({p})" for c, p in places if c != city))
                problems.append(
                    Problem(path, None, None, "KC204", f"計画 id {plan_id!r} は {others} でも使われています")
                )
    return problems


def _city(root: Path, city: str, named: frozenset[Path] | None, plans_of: PlansOf) -> list[Problem]:
    folder = root / "actuals" / city
    if not (root / "targets" / city).is_dir():  # a named file of a city that targets/ does not have
        return [actuals_only(root, city)]
    plans, loaded_problems = plans_of(city)
    problems = list(loaded_problems)
    if not plans:  # an empty city folder is a city that cannot be read, as summary and status say
        return problems or [Problem(f"targets/{city}", None, None, "KC202", NO_PLAN_FILE)]
    files, unlisted = list_actuals(folder, display_path(folder, root))
    problems += unlisted
    if named is not None:
        # Files not named first, so a duplicate row is reported in the file being committed.
        files = [f for f in files if anchored(f) not in named] + [f for f in files if anchored(f) in named]
    loaded = load_actuals(files, plans, root, lean=True)  # no Actual records: validate only checks
    problems += loaded.problems
    assert loaded.kept is not None  # lean mode keeps what is read there
    with_rows = _unread(loaded.kept, problems)
    with_problems = {p.path for p in problems}
    for path in files:
        shown = display_path(path, root)
        if shown not in with_rows and shown not in with_problems:
            problems.append(Problem(shown, None, None, "KC112", "データ行がありません", Severity.WARNING))
    return problems


def _unread(kept: Kept, problems: list[Problem]) -> set[str]:
    """KC111 for each actual no verdict reads, appended to `problems`; the files that gave actuals."""
    files: set[int] = set()
    for plan, indicator, metric, found in kept.groups():
        files.update(at >> 40 for _, at in found)
        used = _used_years(indicator, metric, range(plan.first_year - 1, plan.last_year + 1))
        for year, at in found:
            if year in used:
                continue
            path, line = kept.line_of(at)
            problems.append(
                Problem(
                    path,
                    line,
                    None,
                    "KC111",
                    f"{indicator.id} には {year}年度の目標がありません（値は保持しますが判定しません）",
                    Severity.WARNING,
                )
            )
    return {kept.files[index] for index in files}
