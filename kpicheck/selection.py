"""What --year, --as-of and --plan pick: the fiscal year, the as-of date and the plan of one city.

`status`, `sheet`, `report` and `show` read these options alike, so they read them here. Nothing
heavier than the workspace is imported: the CLI imports this module on every command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from kpicheck.errors import usage_error
from kpicheck.models import Actuals, Plan
from kpicheck.periods import fiscal_year_of, parse_date, parse_year, today_in_japan
from kpicheck.workspace import City, city_for, pick_plan


def year_option(text: str | None) -> int | None:
    """--year as a fiscal year (2027, 2027年度, FY2027, R9 …); KC304 if it cannot be read."""
    if text is None:
        return None
    try:
        return parse_year(text)
    except ValueError as exc:
        raise usage_error("KC304", f"--year: {exc}") from None


def as_of_option(text: str | None) -> date:
    """--as-of as a date, by default today in Japan; KC304 if it cannot be read."""
    if text is None:
        return today_in_japan()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise usage_error("KC304", f"--as-of: {exc}") from None


def plan_year(plan: Plan, as_of: date) -> int:
    """With --plan and no --year: the fiscal year of the as-of date, kept within the plan's period."""
    return min(max(fiscal_year_of(as_of), plan.first_year), plan.last_year)


class Chosen(NamedTuple):  # a plain record, as workspace's City: a dataclass costs start-up time
    """A city read for one fiscal year, the plan that covers the year, and the year."""

    city: City
    plan: Plan
    year: int


def choose_plan(
    root: Path, city: str, year: int | None, plan_id: str | None, as_of: date, *, keep_going: bool = False
) -> Chosen:
    """The plan of --year (or --plan) and its fiscal year, --year or else the as-of date's.

    Only the plan the year needs is read (load_city), and only its rows of the actuals; a small city
    comes from the cache as a whole (city_for). `keep_going`: see load_city (an error in one indicator
    or actuals row does not stop the city).
    """
    loaded = city_for(root, city, year, plan_id, keep_going=keep_going)
    plan = pick_plan(loaded.plans, year, plan_id)
    return Chosen(loaded, plan, year or plan_year(plan, as_of))


def chosen_plans(plans: Sequence[Plan], year: int | None, plan_id: str | None) -> list[Plan]:
    """The plan --year or --plan picks, or every plan when neither is given (`show`)."""
    return [pick_plan(plans, year, plan_id)] if year is not None or plan_id else list(plans)


class Later(NamedTuple):
    """Rows dated after the as-of date that a judged year would read: how many, their years, the earliest date."""

    rows: int
    years: tuple[int, ...]
    earliest: date | None


def not_yet_known(plan: Plan, actuals: Actuals, as_of: date, until_year: int) -> Later:
    """Rows of `plan` dated after `as_of` for fiscal years up to `until_year` (the last judged year: a
    year's evaluation reads its own and earlier years' rows, never later ones). Ignored by the
    evaluation, counted so the CLI can say so."""
    later = [
        (key[3], a.as_of)
        for key, a in actuals.items()
        if key[0] == plan.id and key[3] <= until_year and a.as_of is not None and a.as_of > as_of
    ]
    return Later(len(later), tuple(sorted({year for year, _ in later})), min((d for _, d in later), default=None))
