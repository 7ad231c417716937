"""`status --fail-on`'s verdict as data: the evaluations that fail a run. The CLI words them and exits."""

from __future__ import annotations

from kpicheck.models import SEVERITY_ORDER, Evaluation, Report, Status


def at_or_worse(report: Report, status: Status) -> list[Evaluation]:
    """The evaluations whose status is `status` or worse (SEVERITY_ORDER), in the report's order."""
    limit = SEVERITY_ORDER.index(status)
    return [e for e in report.evaluations if SEVERITY_ORDER.index(e.status) <= limit]
