"""A blank or - cell: no target this year (対象外)."""

from __future__ import annotations

from kpicheck.kinds.base import Context, Kind, Outcome
from kpicheck.models import Rule, Status


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, f"{ctx.year}年度の目標なし")


def describe(rule: Rule) -> str:
    return "目標なし"


KIND = Kind(evaluate, describe, numeric=False, idle=True, progress_bar=False, carries=False, dated=None, reads=False)
