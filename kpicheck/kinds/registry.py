"""The one registry of rule kinds: every `RuleKind` member has exactly one row here.

A new kind is one `RuleKind` member, one module beside this one (its evaluator, description and
flags as a `Kind`), and one row below; tests/test_kinds.py fails, naming the kind, for a member
without a row.
"""

from __future__ import annotations

from kpicheck.kinds import (
    continuous,
    deadline,
    end_target,
    growth,
    growth_since,
    milestone,
    none,
    phase,
    qualitative,
    reduction,
    tbd,
    threshold,
)
from kpicheck.kinds.base import Kind
from kpicheck.models import Rule, RuleKind

KINDS: dict[RuleKind, Kind] = {
    RuleKind.THRESHOLD: threshold.KIND,
    RuleKind.GROWTH: growth.KIND,
    RuleKind.GROWTH_SINCE: growth_since.KIND,
    RuleKind.MILESTONE: milestone.KIND,
    RuleKind.QUALITATIVE: qualitative.KIND,
    RuleKind.PHASE: phase.KIND,
    RuleKind.CONTINUOUS: continuous.KIND,
    RuleKind.DEADLINE: deadline.KIND,
    RuleKind.END_TARGET: end_target.KIND,
    RuleKind.REDUCTION: reduction.KIND,
    RuleKind.TBD: tbd.KIND,
    RuleKind.NONE: none.KIND,
}

# The flags as sets, for the readers' and the engine's membership tests.
NUMERIC_KINDS = frozenset(k for k, row in KINDS.items() if row.numeric)
IDLE_KINDS = frozenset(k for k, row in KINDS.items() if row.idle)
BAR_KINDS = frozenset(k for k, row in KINDS.items() if row.progress_bar)
CARRIED_KINDS = frozenset(k for k, row in KINDS.items() if row.carries)


def describe(rule: Rule) -> str:
    """The reading in one line of Japanese, for `kpicheck show` and the reviewed golden tables."""
    return KINDS[rule.kind].describe(rule)
