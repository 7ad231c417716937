"""(見直し内容により指標を設定), or a target the plan's text lost: 目標未設定."""

from __future__ import annotations

from kpicheck.kinds.base import Context, Kind, Outcome
from kpicheck.models import Rule, Status

# The note of a target the source text did not keep (as opposed to one the plan defers).
MISSING_IN_SOURCE = "missing_in_source"


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    if rule.note == MISSING_IN_SOURCE:
        return Outcome(Status.TBD, "計画の本文に目標が残っていない（原本で確認が必要）")
    return Outcome(Status.TBD, f"目標は後日設定: {rule.text}")


def describe(rule: Rule) -> str:
    return "目標未設定（本文に残っていない）" if rule.note == MISSING_IN_SOURCE else "目標未設定（後日設定）"


KIND = Kind(evaluate, describe, numeric=False, idle=True, progress_bar=False, carries=False, dated=None)
